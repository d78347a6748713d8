//! Wiring: from parsed options to a running source and front end.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::cli::{Cli, ColorWhen, Command, OutputFormat, Since, TailArgs, TailFormat};
use crate::clock::{ManualClock, SharedClock, SystemClock};
use crate::config::{ConfigFile, Settings};
use crate::figures::{Selection, function_glob};
use crate::lambda_log::filter::LogFilter;
use crate::sanitize::sanitize_lines;
use crate::source::Source;
use crate::source::cloudwatch::{AwsOptions, CloudWatchSource, LiveTailMode, Timeouts, origins};
use crate::source::demo::{DEFAULT_SEED, DEMO_REGION, DemoSource};
use crate::source::multi::{Child, MultiSource};
use crate::source::replay::{ReplayInput, ReplaySource};
use crate::store::Store;
use crate::tail::TailOptions;
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;
use crate::{snapshot, tail, tui};

/// A mistake in how lambdatop was called (exit code 2), found after argument parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Exit code when a `--fail-on` rule held.
pub const EXIT_RULE_BREACHED: u8 = 3;

/// Runs lambdatop with parsed options; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let manual = cli.clock.map(|at| Arc::new(ManualClock::new(at)));
    let mut clock: SharedClock = match &manual {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let once = cli.once();
    let file = ConfigFile::load(cli.config.as_deref()).map_err(|e| UsageError(e.to_string()))?;
    let settings = Settings::merge(&cli, file);
    if let Some(path) = &cli.log_file {
        crate::diag::init(path).map_err(|e| {
            UsageError(format!(
                "cannot open --log-file {}: {e}",
                crate::sanitize::path(path)
            ))
        })?;
        crate::sdk_trace::install(cli.log_level());
    }
    if let Some(Command::Tail(args)) = &cli.command {
        if let Some(option) = cli.misplaced_options().first() {
            return Err(UsageError(format!(
                "{option} is an option of the dashboard and snapshots, not of lambdatop tail: \
                 name functions as arguments (lambdatop tail 'orders-*') and see lambdatop tail --help"
            ))
            .into());
        }
        return run_tail(&cli, args, &settings, manual, clock).await;
    }
    // A bad theme is a usage error, reported before the terminal is touched; a snapshot does not
    // use it, but a mistake in the command line is one whatever the mode. The dashboard's output
    // is the terminal.
    let theme = dashboard_theme(settings.theme.as_deref(), !colour(cli.color, true))?;
    // A malformed rule is a usage error, found before any data is fetched.
    let rules = snapshot::rules::parse_all(&cli.fail_on).map_err(|e| UsageError(e.to_string()))?;
    let window = settings.window;
    let selection = Selection {
        glob: match &cli.functions {
            Some(p) => Some(function_glob(p).map_err(|e| {
                UsageError(format!("invalid --functions pattern {p:?}: {}", e.kind()))
            })?),
            None => None,
        },
        sort: settings.sort,
        limit: cli.limit,
        ..Selection::default()
    };
    let mode = if once {
        Mode::Snapshot
    } else {
        Mode::Dashboard
    };
    let source = make_source(&cli, &settings, mode, manual, &mut clock).await?;
    let mut store = Store::new(
        source.kind(),
        source.region(),
        window,
        settings.limits,
        clock.clone(),
    );
    store.set_pricing(settings.pricing);
    match source.origins().as_slice() {
        [] => {}
        // A `--functions REGION/GLOB` that leaves one Region: read as that Region alone.
        [one] => store.set_origin(one),
        several => store.set_origins(several),
    }
    let provides = source.provides();
    store.set_refresh(provides.refresh);
    if !provides.metrics {
        store.derive_metrics_from_reports();
    }
    if provides.window_reports {
        store.expect_window_reports();
    }
    if provides.finite && cli.window.is_none() {
        store.fit_window_on_end();
    }
    if once {
        snapshot::collect(&mut store, source, clock).await?;
        let format = cli.output.unwrap_or_default();
        let colour =
            format == OutputFormat::Table && colour(cli.color, std::io::stdout().is_terminal());
        let code = finish_snapshot(&store, &selection, &rules, format, colour);
        // The process ends now: its memory goes back to the system whole, not freed piece by
        // piece (a replay's log pane alone holds 20,000 events).
        std::mem::forget(store);
        return code;
    }
    if !std::io::stdout().is_terminal() {
        bail!(
            "standard output is not a terminal. Use --once for a printable snapshot, e.g. lambdatop --demo --once"
        );
    }
    let mut view = ViewState::new(selection);
    view.cost = tui::view::CostSettings {
        idle_after: settings.idle_after,
        budget_usd_per_hour: settings.budget_usd_per_hour,
    };
    let code = tui::run(store, source, view, theme, clock).await;
    // Logs Insights queries still running are stopped, not left to scan on.
    crate::source::cloudwatch::insights::settle(std::time::Duration::from_secs(2)).await;
    code
}

/// What a source is made for.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    Dashboard,
    Snapshot,
    /// `lambdatop tail`: log lines from `since` on (every line of a replay without it), then
    /// on as they arrive with `follow`.
    Tail {
        since: Option<chrono::DateTime<chrono::Utc>>,
        follow: bool,
    },
}

/// The source the options name: the demo, a replay (whose clock then replaces `clock`) or AWS.
async fn make_source(
    cli: &Cli,
    settings: &Settings,
    mode: Mode,
    manual: Option<Arc<ManualClock>>,
    clock: &mut SharedClock,
) -> anyhow::Result<Box<dyn Source>> {
    let lookback = match mode {
        Mode::Tail {
            since: Some(since), ..
        } => Some((clock.now() - since).max(chrono::Duration::zero())),
        _ => None,
    };
    Ok(if cli.demo {
        let seed = cli.seed.unwrap_or(DEFAULT_SEED);
        let demo = |seed: u64, region: Option<&str>| {
            let mut demo = DemoSource::new(seed);
            if let Some(region) = region {
                demo.region = region.to_string();
            }
            if let Some(s) = settings.refresh_seconds {
                demo.interval = std::time::Duration::from_secs(s.max(1));
            }
            if let Some(lookback) = lookback {
                demo.log_backfill = lookback;
            }
            demo
        };
        if settings.several_origins() {
            // A simulated account in each (profile, Region), each simulated apart; it has
            // enabled no opt-in Region.
            let targets = origins::targets(&settings.profiles, &settings.regions);
            let several_profiles = origins::several_profiles(&targets);
            let children = targets
                .iter()
                .filter(|t| !t.opt_in)
                .zip(seed..)
                .map(|(t, seed)| {
                    let region = t.region.as_deref().unwrap_or(DEMO_REGION);
                    let source: Box<dyn Source> = Box::new(demo(seed, Some(region)));
                    (
                        t.origin(Some(region), several_profiles),
                        Child::Ready(source),
                    )
                })
                .collect();
            Box::new(MultiSource::new(children))
        } else {
            Box::new(demo(seed, settings.region.as_deref()))
        }
    } else if let Some(path) = cli.replay.clone() {
        let input = ReplayInput::from_arg(path);
        // The dashboard reads its keys from the terminal: logs cannot come from it as well.
        if input == ReplayInput::Stdin && mode == Mode::Dashboard && std::io::stdin().is_terminal()
        {
            return Err(UsageError(
                "--replay - reads logs from standard input, which is this terminal: pipe logs in, \
                 e.g. aws logs tail /aws/lambda/my-fn --follow | lambdatop --replay -"
                    .to_string(),
            )
            .into());
        }
        // Replayed logs bring their own time: the clock follows the newest event.
        let replay_clock = manual.unwrap_or_else(|| Arc::new(ManualClock::new(chrono::Utc::now())));
        *clock = replay_clock.clone();
        let pane_events = match mode {
            // A snapshot shows no log pane: no line needs copying for one.
            Mode::Snapshot => 0,
            Mode::Dashboard => settings.limits.log_events,
            // Every line is printed.
            Mode::Tail { .. } => usize::MAX,
        };
        Box::new(
            ReplaySource::new(input, cli.function.clone(), replay_clock)
                .with_accept_partial(cli.accept_partial)
                .with_pane_events(pane_events),
        )
    } else {
        let mut opts = AwsOptions {
            profile: settings.profile.clone(),
            region: settings.region.clone(),
            endpoint_url: settings.endpoint_url.clone(),
            config_endpoint_url: settings.config_endpoint_url.clone(),
            timeouts: Timeouts {
                connect: settings.connect_timeout,
                operation: settings.operation_timeout,
            },
            functions: cli.functions.clone(),
            logs_rate_limit_per_s: settings.logs_requests_per_second,
            log_analytics: settings.log_analytics,
            linked_accounts: settings.linked_accounts,
            ..AwsOptions::default()
        };
        opts.live_tail.mode = settings.live_tail;
        opts.live_tail.usd_per_minute = settings.pricing.live_tail_usd_per_minute;
        opts.insights_usd_per_gb = settings.pricing.insights_usd_per_gb;
        if let Some(s) = settings.refresh_seconds {
            opts.metrics_interval = std::time::Duration::from_secs(s.max(1));
        }
        if let (Mode::Tail { follow, .. }, Some(Command::Tail(args))) = (mode, &cli.command) {
            opts.logs_only = true;
            if !follow {
                // One read and done: nothing to stream.
                opts.live_tail.mode = LiveTailMode::Off;
                // The one read is the whole answer: it is not cut at a number of pages.
                opts.logs_max_pages = u32::MAX;
            }
            opts.functions = tail_glob(&args.functions);
            // The first read starts at --since.
            let lookback = lookback.and_then(|l| l.to_std().ok()).unwrap_or_default();
            opts.logs_lookback = lookback.max(std::time::Duration::from_secs(1));
        }
        if settings.several_origins() {
            let targets = origins::targets(&settings.profiles, &settings.regions);
            match origins::connect_all(opts, targets).await {
                Ok(source) => Box::new(source),
                Err(e) => bail!("{e}"),
            }
        } else {
            match CloudWatchSource::connect(opts).await {
                Ok(source) => Box::new(source),
                Err(e) => bail!("{e}"),
            }
        }
    })
}

/// The globs of `lambdatop tail` as one glob: `{a,b}` for several.
fn tail_glob(globs: &[String]) -> Option<String> {
    match globs {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("{{{}}}", many.join(","))),
    }
}

/// `lambdatop tail`: the source's log lines on standard output.
async fn run_tail(
    cli: &Cli,
    args: &TailArgs,
    settings: &Settings,
    manual: Option<Arc<ManualClock>>,
    mut clock: SharedClock,
) -> anyhow::Result<ExitCode> {
    let usage = |e: String| anyhow::Error::from(UsageError(e));
    let functions = match tail_glob(&args.functions) {
        Some(p) => Some(function_glob(&p).map_err(|e| {
            usage(format!(
                "invalid function pattern {}: {}",
                args.functions.join(" "),
                e.kind()
            ))
        })?),
        None => None,
    };
    let filter = LogFilter::parse(args.filter.as_deref().unwrap_or(""))
        .map_err(|e| usage(format!("invalid --filter: {e}")))?;
    // A replayed log is printed whole unless --since says otherwise; AWS and the demo start ten
    // minutes back.
    let since = match args.since {
        Some(since) => Some(since.start(clock.now())),
        None if cli.replay.is_some() => None,
        None => Some(Since::DEFAULT.start(clock.now())),
    };
    let follow = args.follow(std::io::stdout().is_terminal());
    let mode = Mode::Tail { since, follow };
    let source = make_source(cli, settings, mode, manual, &mut clock).await?;
    // The store's window covers the lines asked for (the AWS source reads no further back).
    let window = crate::window::TimeWindow::covering(
        since.map_or(chrono::Duration::days(7), |since| clock.now() - since),
    );
    let store = Store::new(
        source.kind(),
        source.region(),
        window,
        settings.limits,
        clock.clone(),
    );
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let opts = TailOptions {
        functions,
        filter,
        reports: args.reports,
        since,
        follow,
        format: args.output,
        colour: args.output == TailFormat::Text && colour(cli.color, stdout_is_terminal),
    };
    let mut out = std::io::stdout();
    let reader_gone = || {
        use std::os::fd::AsFd;
        tail::reader_gone(std::io::stdout().as_fd())
    };
    let output = tail::Output {
        out: &mut out,
        reader_gone: &reader_gone,
    };
    let mut err = std::io::stderr();
    Ok(tail::run(store, source, opts, clock, output, &mut err).await?)
}

/// Prints the snapshot, then the rule breaches; exit 3 when a rule held.
fn finish_snapshot(
    store: &Store,
    selection: &Selection,
    rules: &[snapshot::Rule],
    format: OutputFormat,
    colour: bool,
) -> anyhow::Result<ExitCode> {
    let failures = snapshot::failures(store);
    if let Some((poller, error)) = failures.fatal.first() {
        bail!("cannot read {poller}: {error}");
    }
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for (poller, error) in &failures.partial {
        // Best effort: a closed stderr must not hide the snapshot or the exit code.
        let _ = writeln!(
            err,
            "lambdatop: warning: cannot read {poller}: {}",
            sanitize_lines(&error.to_string())
        );
    }
    for (origin, poller, error) in store.origin_failures() {
        let _ = writeln!(
            err,
            "lambdatop: warning: cannot read {poller} in {}: {}",
            sanitize_lines(&origin.label()),
            sanitize_lines(&error.to_string())
        );
    }
    for (poller, notice) in store
        .pollers()
        .filter_map(|(p, h)| Some((p, h.notice.as_ref()?)))
    {
        let _ = writeln!(
            err,
            "lambdatop: note: {poller}: {}",
            sanitize_lines(&notice.to_string())
        );
    }
    // Said once, not as blanks: what a monitoring account cannot read of its linked accounts.
    let linked = store.functions().filter(|f| f.config.is_linked()).count();
    if linked > 0 {
        let which = match linked {
            1 => "1 function of a linked account".to_string(),
            n => format!("{n} functions of linked accounts"),
        };
        let _ = writeln!(
            err,
            "lambdatop: note: {which}: {} (memory, timeout, runtime, reserved concurrency), nor alarms: alarm_state unknown",
            crate::model::NOT_SHARED_WITH_MONITORING
        );
    }
    let snap = snapshot::Snapshot::build(store, selection);
    let stdout = std::io::stdout();
    let style = snapshot::Style { format, colour };
    match snapshot::write(&mut stdout.lock(), &snap, style) {
        // A reader that stopped early (`| head`) is not an error; the rules still decide.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.context("cannot write the snapshot")?,
    }
    let verdict = snapshot::Verdict::check(rules, &snap);
    let _ = verdict.report(&mut err);
    Ok(if verdict.breaches.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_RULE_BREACHED)
    })
}

/// The theme `--theme` names (checked even under `NO_COLOR`), or the monochrome one when
/// `no_color`.
pub fn dashboard_theme(arg: Option<&str>, no_color: bool) -> Result<Theme, UsageError> {
    let theme =
        Theme::resolve(arg, Theme::user_dir().as_deref()).map_err(|e| UsageError(e.to_string()))?;
    Ok(if no_color { Theme::monochrome() } else { theme })
}

/// Whether output to a terminal (`is_terminal`) or elsewhere is coloured: `--color`, then
/// `NO_COLOR` and `CLICOLOR_FORCE` from the environment.
pub fn colour(when: ColorWhen, is_terminal: bool) -> bool {
    snapshot::colour_allowed(
        when,
        is_terminal,
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("CLICOLOR_FORCE").as_deref(),
    )
}

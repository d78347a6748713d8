//! Command-line interface.

use std::path::PathBuf;

use clap::Parser;

pub use crate::figures::SortKey;
pub use crate::snapshot::{ColorWhen, OutputFormat};
pub use crate::source::cloudwatch::{LiveTailMode, LogAnalytics};
use crate::tail::parse_since;
pub use crate::tail::{Reports, Since, TailFormat};
use crate::window::TimeWindow;

const AFTER_HELP: &str = "\
Examples:
  lambdatop --demo                        the dashboard on a simulated account (no AWS needed)
  lambdatop --profile prod --region eu-west-1
  lambdatop --profile dev,prod --region us-east-1,eu-west-1   four Regions in one table
  lambdatop --demo --region us-east-1,eu-west-1   a simulated account in each Region
  lambdatop --functions 'orders-*' --window 3h
  lambdatop --demo --once --output json   a snapshot for scripts
  lambdatop --once --fail-on 'error_rate>1%' --fail-on 'throttles>0'   exit 3 when a rule holds
  aws logs tail /aws/lambda/my-fn --since 1h | lambdatop --replay - --once
  aws logs tail /aws/lambda/my-fn --follow | lambdatop --replay -   a live view of one function
  lambdatop tail 'orders-*' --filter level:error   log lines as they arrive, for pipes

Exit codes: 0 ok, 1 runtime error (e.g. no credentials), 2 usage error (including a malformed
--fail-on rule), 3 a --fail-on rule held for a listed function, 130 ended by SIGINT (Ctrl-C).
Keys in the dashboard: press ? for help, q to quit.";

/// The manual page's ENVIRONMENT section, one variable a line.
const MAN_ENVIRONMENT: &[&str] = &[
    "AWS_PROFILE, AWS_REGION (or AWS_DEFAULT_REGION), AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>: as in the AWS CLI; the command line wins over them, and they win over the config file, which wins over the profile. The AWS SDK reads the other AWS_* variables (credentials, SSO, web identity) itself.",
    "LAMBDATOP_LOG_FILE: like --log-file.",
    "LAMBDATOP_LOG: like --log-level (error, warn, info, debug, trace).",
    "NO_COLOR: set and not empty, no colour (unless --color always).",
    "CLICOLOR_FORCE: set and neither empty nor 0, colour even when the output is not a terminal (unless NO_COLOR is set or --color never).",
];

/// The manual page's FILES section.
const MAN_FILES: &[&str] = &[
    "$XDG_CONFIG_HOME/lambdatop/config.toml (~/.config/lambdatop/config.toml): settings; another with --config.",
    "$XDG_CONFIG_HOME/lambdatop/themes/NAME.toml: themes for --theme NAME.",
    "~/.aws/config, ~/.aws/credentials: AWS profiles, read as the AWS CLI reads them.",
];

/// `--version`: the version, the commit built and the build date (see `build.rs`).
pub const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("LAMBDATOP_COMMIT"),
    ", built ",
    env!("LAMBDATOP_BUILD_DATE"),
    ", ",
    env!("LAMBDATOP_TARGET"),
    ")"
);

/// A terminal dashboard for AWS Lambda: invocations, errors, throttles, duration, concurrency,
/// alarms and logs of every function in one screen.
///
/// Reads AWS credentials and Region the way the AWS CLI does (environment, profiles, SSO,
/// instance roles). Use --demo to try it on a simulated account, or --replay to analyse saved logs.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "lambdatop",
    version,
    long_version = LONG_VERSION,
    about,
    long_about,
    after_help = AFTER_HELP,
    group = clap::ArgGroup::new("snapshot").args(["once", "output"]).multiple(true),
    disable_help_subcommand = true
)]
pub struct Cli {
    /// Show a simulated account instead of AWS: no credentials, no network.
    #[arg(
        global = true,
        long,
        conflicts_with = "replay",
        help_heading = "Source"
    )]
    pub demo: bool,

    /// Analyse saved Lambda logs from FILE (or - for standard input) instead of AWS: plain
    /// messages, `aws logs tail` output or `aws logs filter-log-events` JSON.
    #[arg(global = true, long, value_name = "FILE|-", help_heading = "Source")]
    pub replay: Option<PathBuf>,

    /// With --replay: the function the log belongs to, when the input does not say.
    #[arg(
        global = true,
        long,
        value_name = "NAME",
        requires = "replay",
        help_heading = "Source"
    )]
    pub function: Option<String>,

    /// With --replay: when JSON input (`aws logs filter-log-events` output, subscription
    /// payloads) breaks off or is invalid, analyse the events read before the break, with a
    /// warning, instead of failing (exit code 1 with --once).
    #[arg(global = true, long, requires = "replay", help_heading = "Source")]
    pub accept_partial: bool,

    /// Seed of the simulated account.
    #[arg(
        global = true,
        long,
        value_name = "N",
        requires = "demo",
        help_heading = "Source"
    )]
    pub seed: Option<u64>,

    /// Named profile from ~/.aws/config; wins over AWS_PROFILE, which wins over the config file.
    /// Several, comma-separated (dev,prod), are read at once, each with its own credentials and
    /// default Region.
    #[arg(global = true, long, value_name = "NAME[,NAME…]", help_heading = "AWS")]
    pub profile: Option<String>,

    /// AWS Region, e.g. us-east-1; wins over AWS_REGION, the config file and the profile.
    /// Several, comma-separated (us-east-1,eu-west-1), or `all` (every Region enabled by
    /// default) are read at once, in parallel, with a Region column.
    #[arg(
        global = true,
        long,
        value_name = "REGION[,REGION…]",
        help_heading = "AWS"
    )]
    pub region: Option<String>,

    /// Send AWS requests to this endpoint (a local emulator, a VPC endpoint); wins over
    /// AWS_ENDPOINT_URL, the config file and the profile.
    #[arg(global = true, long, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,

    /// Give up connecting to AWS after SECONDS (default 5; [aws] connect_timeout).
    #[arg(global = true, long, value_name = "SECONDS", value_parser = parse_seconds, help_heading = "AWS")]
    pub connect_timeout: Option<std::time::Duration>,

    /// Give up on an AWS call after SECONDS (default 30; [aws] operation_timeout).
    #[arg(global = true, long, value_name = "SECONDS", value_parser = parse_seconds, help_heading = "AWS")]
    pub operation_timeout: Option<std::time::Duration>,

    /// How the REPORT figures (cold starts, timeouts, memory, cost) over the window are read:
    /// auto (Logs Insights, else FilterLogEvents where Insights is denied or unsupported),
    /// insights (aggregated by AWS, $0.005 per GB scanned), filter (REPORT lines read with
    /// FilterLogEvents under the account's rate limit; no charge) or off. Config: [logs] analytics.
    #[arg(long, value_enum, value_name = "ENGINE", help_heading = "AWS")]
    pub log_analytics: Option<LogAnalytics>,

    /// How followed logs arrive: auto (CloudWatch Logs Live Tail while the log pane has the
    /// focus or a detail view is open, and for `tail --follow`, lines within a second or two, $0.01 per session minute after
    /// 1,800 free minutes a month; FilterLogEvents where Live Tail is denied, over its quota or
    /// not offered, and under a --budget), on (Live Tail or fail) or off (FilterLogEvents every
    /// few seconds, no charge). Config: [logs] live_tail.
    #[arg(
        global = true,
        long,
        value_enum,
        value_name = "MODE",
        help_heading = "AWS"
    )]
    pub live_tail: Option<LiveTailMode>,

    /// In a CloudWatch cross-account observability monitoring account: the functions of the
    /// linked source accounts too, each with its account (their metrics; their logs are not
    /// read). Config: [aws] linked_accounts.
    #[arg(long, help_heading = "AWS")]
    pub linked_accounts: bool,

    /// Only functions whose name matches GLOB (e.g. 'orders-*'); with several Regions or
    /// profiles, REGION/GLOB or PROFILE/REGION/GLOB (e.g. 'eu-west-1/orders-*') too.
    #[arg(long, value_name = "GLOB", help_heading = "View")]
    pub functions: Option<String>,

    /// Time window: 15m, 1h, 3h, 12h, 24h, 7d or any NUMBER with m, h or d up to 7d.
    #[arg(short, long, value_name = "WINDOW", help_heading = "View")]
    pub window: Option<TimeWindow>,

    /// Sort functions by this column.
    #[arg(long, value_enum, value_name = "COLUMN", help_heading = "View")]
    pub sort: Option<SortKey>,

    /// Colour theme: a built-in name (dark, light, high-contrast, nord), a name in
    /// $XDG_CONFIG_HOME/lambdatop/themes, or a .toml file.
    #[arg(long, value_name = "NAME|PATH", help_heading = "View")]
    pub theme: Option<String>,

    /// Seconds between metric refreshes (default 60 for AWS, Lambda's resolution).
    #[arg(long, value_name = "SECONDS", value_parser = parse_refresh, help_heading = "View")]
    pub refresh: Option<u64>,

    /// US dollars an hour the dashboard's own API use may cost (GetMetricData is billed per
    /// metric read): refreshes are stretched to stay under it.
    #[arg(long, value_name = "USD", value_parser = parse_budget, help_heading = "View")]
    pub budget: Option<f64>,

    /// Colour: auto (when the output is a terminal and NO_COLOR is unset or empty; CLICOLOR_FORCE
    /// forces it), always or never.
    #[arg(
        global = true,
        long,
        value_enum,
        value_name = "WHEN",
        default_value_t = ColorWhen::Auto,
        help_heading = "View"
    )]
    pub color: ColorWhen,

    /// Print one snapshot and exit instead of opening the dashboard.
    #[arg(long, help_heading = "Snapshot")]
    pub once: bool,

    /// Snapshot format (implies --once).
    #[arg(
        short,
        long,
        value_enum,
        value_name = "FORMAT",
        help_heading = "Snapshot"
    )]
    pub output: Option<OutputFormat>,

    /// Exit with 3 when RULE holds for any listed function; repeatable. RULE is METRIC OP
    /// THRESHOLD with OP one of > >= < <= == !=, or just `alarm` (a function in ALARM).
    // The metrics are listed from the figures registry by `Cli::command_with_figures`.
    #[arg(
        long,
        value_name = "RULE",
        requires = "snapshot",
        help_heading = "Snapshot"
    )]
    pub fail_on: Vec<String>,

    /// Show at most N functions.
    #[arg(long, value_name = "N", help_heading = "View")]
    pub limit: Option<usize>,

    /// Config file (default: $XDG_CONFIG_HOME/lambdatop/config.toml).
    #[arg(global = true, long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Append diagnostics (poller rounds, failures, API calls, the AWS SDK's own events;
    /// credentials redacted) to PATH.
    #[arg(
        global = true,
        long,
        value_name = "PATH",
        env = "LAMBDATOP_LOG_FILE",
        help_heading = "Diagnostics"
    )]
    pub log_file: Option<PathBuf>,

    /// How much of the AWS SDK's events --log-file records: error, warn, info (default), debug
    /// or trace.
    #[arg(
        global = true,
        long,
        value_enum,
        value_name = "LEVEL",
        env = "LAMBDATOP_LOG",
        help_heading = "Diagnostics"
    )]
    pub log_level: Option<LogLevel>,

    /// Same as --log-level debug.
    #[arg(
        global = true,
        long,
        conflicts_with = "log_level",
        help_heading = "Diagnostics"
    )]
    pub debug: bool,

    /// Freeze the clock at this RFC 3339 time (deterministic demo output and screenshots).
    #[arg(global = true, long, value_name = "TIME", hide = true)]
    pub clock: Option<chrono::DateTime<chrono::Utc>>,

    /// Print a shell completion script and exit (see the README for where to put it).
    #[arg(long, value_enum, value_name = "SHELL", help_heading = "Installation")]
    pub completions: Option<clap_complete::Shell>,

    /// Print the manual page (roff) and exit, e.g. lambdatop --man > ~/.local/share/man/man1/lambdatop.1
    #[arg(long, help_heading = "Installation")]
    pub man: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What lambdatop does instead of the dashboard.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Print log lines as they arrive, oldest first, for pipes and scripts (from AWS, --demo or
    /// --replay).
    #[command(after_help = TAIL_AFTER_HELP)]
    Tail(TailArgs),
}

const TAIL_AFTER_HELP: &str = "\
Examples:
  lambdatop tail 'orders-*' --filter 'level:error -healthcheck'
  lambdatop tail --since 1h --no-follow -o jsonl | jq -r 'select(.report) | .report.duration_ms'
  lambdatop tail --demo --reports hide
  lambdatop tail 'orders-*' --region us-east-1,eu-west-1
  aws logs tail /aws/lambda/my-fn --since 1h | lambdatop tail --replay -";

/// `lambdatop tail`.
#[derive(Debug, Clone, clap::Args)]
pub struct TailArgs {
    /// Only functions whose name matches one of these globs (e.g. 'orders-*'); every function
    /// when none is given.
    #[arg(value_name = "GLOB")]
    pub functions: Vec<String>,

    /// Only lines the filter matches, in the log pane's language: words, "phrases", /regexes/,
    /// level:warn, req:ID, fn:NAME, cold, each negated with a leading -.
    #[arg(long, value_name = "FILTER", allow_hyphen_values = true)]
    pub filter: Option<String>,

    /// How REPORT lines are printed: as one short summary, as logged, or not at all.
    #[arg(long, value_enum, value_name = "HOW", default_value_t = Reports::Summary)]
    pub reports: Reports,

    /// Start this far in the past (10m, 2h, 1d; at most 7d) or at this RFC 3339 time
    /// (default 10m; a replay is printed whole).
    #[arg(long, value_name = "TIME", value_parser = parse_since)]
    pub since: Option<Since>,

    /// Keep printing lines as they arrive (the default when standard output is a terminal);
    /// from AWS they are streamed with Live Tail, billed per session minute (see --live-tail).
    #[arg(short = 'f', long, overrides_with = "no_follow")]
    pub follow: bool,

    /// Print the lines since --since and exit (the default when standard output is not a
    /// terminal).
    #[arg(long, overrides_with = "follow")]
    pub no_follow: bool,

    /// Output: text lines, or one JSON object a line (see the README for its keys).
    #[arg(short, long, value_enum, value_name = "FORMAT", default_value_t = TailFormat::Text)]
    pub output: TailFormat,
}

impl TailArgs {
    /// Whether to keep following: `--follow`, `--no-follow`, else whether standard output is a
    /// terminal.
    pub fn follow(&self, stdout_is_terminal: bool) -> bool {
        if self.follow {
            true
        } else if self.no_follow {
            false
        } else {
            stdout_is_terminal
        }
    }
}

/// `--log-level`: the least severe SDK event written to the diagnostics log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Default)]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

/// A number of seconds above 0 and at most an hour (fractions allowed: `0.5`).
pub fn parse_seconds(s: &str) -> Result<std::time::Duration, String> {
    match s.trim().parse::<f64>() {
        Ok(n) if n > 0.0 && n <= 3600.0 => Ok(std::time::Duration::from_secs_f64(n)),
        _ => Err(format!(
            "{s:?} is not a number of seconds: use a number above 0 and at most 3600, e.g. 10"
        )),
    }
}

impl Cli {
    /// The command line, its `--fail-on` help listing the registry's rule names by unit.
    pub fn command_with_figures() -> clap::Command {
        use clap::CommandFactory;
        <Cli as CommandFactory>::command().mut_arg("fail_on", |arg| {
            let about = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let about = about.trim_end_matches('.');
            arg.help(format!("{about}. {}", crate::figures::rule_help()))
        })
    }

    /// Whether a snapshot is printed instead of opening the dashboard: `--once`, or an
    /// `--output` format.
    pub fn once(&self) -> bool {
        self.once || self.output.is_some()
    }

    /// The diagnostics log's level: `--debug`, else `--log-level` / `LAMBDATOP_LOG`, else info.
    pub fn log_level(&self) -> LogLevel {
        if self.debug {
            LogLevel::Debug
        } else {
            self.log_level.unwrap_or_default()
        }
    }

    /// The manual page, roff, made from the command line's definition (`--man`,
    /// `doc/lambdatop.1`). Its header names the version alone, so the page changes only with
    /// the interface.
    pub fn man_page() -> Vec<u8> {
        use roff::{Roff, roman};
        let cmd = Self::command_with_figures().long_version(None);
        let man = clap_mangen::Man::new(cmd.clone());
        let mut notes = Roff::default();
        tail_section(&mut notes, &cmd);
        let mut section = |title: &str, lines: &[&str], verbatim: bool| {
            notes.control("SH", [title]);
            if verbatim {
                notes.control("nf", []);
            }
            for line in lines {
                notes.text([roman(*line)]);
                if !verbatim {
                    notes.control("br", []);
                }
            }
            if verbatim {
                notes.control("fi", []);
            }
        };
        section("NOTES", &AFTER_HELP.lines().collect::<Vec<_>>(), true);
        section("ENVIRONMENT", MAN_ENVIRONMENT, false);
        section("FILES", MAN_FILES, false);
        // Writing into memory cannot fail. Each part repeats roff's preamble: it is kept once.
        let mut parts: Vec<Vec<u8>> = Vec::new();
        for render in [
            clap_mangen::Man::render_title,
            clap_mangen::Man::render_name_section,
            clap_mangen::Man::render_synopsis_section,
            clap_mangen::Man::render_description_section,
            clap_mangen::Man::render_options_section,
        ] {
            let mut part = Vec::new();
            let _ = render(&man, &mut part);
            parts.push(part);
        }
        parts.push(notes.render().into_bytes());
        let mut out = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let text = String::from_utf8_lossy(part);
            let body = match text.split_once(".el .ds Aq '\n") {
                Some((_, body)) if i > 0 => body,
                _ => &text,
            };
            out.extend_from_slice(body.as_bytes());
        }
        out
    }

    /// The dashboard's and snapshot's options given with a subcommand, which does not use them.
    pub fn misplaced_options(&self) -> Vec<&'static str> {
        if self.command.is_none() {
            return Vec::new();
        }
        let given = [
            (self.once, "--once"),
            (self.output.is_some(), "--output"),
            (!self.fail_on.is_empty(), "--fail-on"),
            (self.functions.is_some(), "--functions"),
            (self.window.is_some(), "--window"),
            (self.sort.is_some(), "--sort"),
            (self.limit.is_some(), "--limit"),
            (self.theme.is_some(), "--theme"),
        ];
        given
            .into_iter()
            .filter(|(g, _)| *g)
            .map(|(_, o)| o)
            .collect()
    }

    /// Parses the process's arguments; the error carries the usage message (and `--help`).
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let matches = Self::command_with_figures().try_get_matches()?;
        Cli::from_arg_matches(&matches)
    }
}

/// Checks a budget in US dollars an hour, the same for `--budget` and the config file's
/// `budget_usd_per_hour`: more than 0, at most 1,000.
pub fn budget(usd: f64) -> Result<f64, &'static str> {
    if usd.is_finite() && usd > 0.0 && usd <= 1000.0 {
        Ok(usd)
    } else {
        Err("use US dollars an hour above 0 and at most 1000, e.g. 0.10")
    }
}

fn parse_budget(s: &str) -> Result<f64, String> {
    let usd: f64 = s
        .trim()
        .trim_start_matches('$')
        .parse()
        .map_err(|_| format!("{s:?} is not an amount; e.g. 0.10"))?;
    budget(usd).map_err(str::to_string)
}

/// A time like `90s`, `10m` or `1h` (a plain number is seconds), from 1 second to a day.
pub fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (digits, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a time; e.g. 10m"))?;
    let seconds = match unit {
        "" | "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        _ => None,
    }
    .ok_or_else(|| format!("{s:?} is not a time; e.g. 90s, 10m or 1h"))?;
    if !(1..=86_400).contains(&seconds) {
        return Err(format!("{s:?}: use from 1s to 24h"));
    }
    Ok(std::time::Duration::from_secs(seconds))
}

/// The manual page's section on `lambdatop tail`: what it does, its options and examples (its
/// source, AWS and diagnostics options are the main command's).
fn tail_section(roff: &mut roff::Roff, cmd: &clap::Command) {
    use roff::{bold, italic, roman};
    let Some(tail) = cmd.find_subcommand("tail") else {
        return;
    };
    roff.control("SH", ["TAIL"]);
    roff.text([
        bold("lambdatop tail"),
        roman(" [OPTIONS] ["),
        italic("GLOB"),
        roman("]..."),
    ]);
    roff.control("PP", []);
    if let Some(about) = tail.get_about() {
        roff.text([roman(format!("{about}."))]);
    }
    for arg in tail.get_arguments() {
        if arg.is_global_set() || arg.get_id() == "help" {
            continue;
        }
        roff.control("TP", []);
        let name = match (arg.get_short(), arg.get_long()) {
            (Some(s), Some(l)) => format!("-{s}, --{l}"),
            (None, Some(l)) => format!("--{l}"),
            _ => arg
                .get_value_names()
                .and_then(|v| v.first())
                .map_or_else(String::new, ToString::to_string),
        };
        roff.text([bold(name)]);
        let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
        let mut help = format!("{}.", help.trim_end_matches('.'));
        let values: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if arg.get_action().takes_values() && !values.is_empty() {
            help.push_str(&format!(" One of: {}.", values.join(", ")));
        }
        roff.text([roman(help)]);
    }
    roff.control("PP", []);
    roff.control("nf", []);
    for line in TAIL_AFTER_HELP.lines() {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

/// Checks a refresh interval, the same for `--refresh` and the config file's `refresh_seconds`:
/// 0 would mean polling without a pause.
pub fn refresh_seconds(seconds: u64) -> Result<u64, &'static str> {
    if seconds == 0 {
        Err("use 1 or more")
    } else {
        Ok(seconds)
    }
}

fn parse_refresh(s: &str) -> Result<u64, String> {
    let seconds = s
        .parse::<u64>()
        .map_err(|_| "use a whole number of seconds, 1 or more".to_string())?;
    refresh_seconds(seconds).map_err(str::to_string)
}

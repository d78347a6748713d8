//! Wiring: from parsed options to a running source and front end.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};

use crate::cli::Cli;
use crate::clock::{ManualClock, SharedClock, SystemClock};
use crate::config::{ConfigFile, Settings};
use crate::source::Source;
use crate::source::SourceKind;
use crate::source::demo::{DEFAULT_SEED, DemoSource};
use crate::source::replay::{ReplayInput, ReplaySource};
use crate::store::{Selection, Store, function_glob};
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;
use crate::{snapshot, tui};

/// A mistake in how lambdatop was called (exit code 2), found after argument parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs lambdatop with parsed options; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let manual = cli.clock.map(|at| Arc::new(ManualClock::new(at)));
    let mut clock: SharedClock = match &manual {
        Some(c) => c.clone(),
        None => Arc::new(SystemClock),
    };
    let file = ConfigFile::load(cli.config.as_deref()).map_err(|e| UsageError(e.to_string()))?;
    let settings = Settings::merge(&cli, file);
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
    let source: Box<dyn Source> = if cli.demo {
        let mut demo = DemoSource::new(cli.seed.unwrap_or(DEFAULT_SEED));
        if let Some(s) = settings.refresh_seconds {
            demo.interval = std::time::Duration::from_secs(s.max(1));
        }
        Box::new(demo)
    } else if let Some(path) = cli.replay.clone() {
        // Replayed logs bring their own time: the clock follows the newest event.
        let replay_clock = manual.unwrap_or_else(|| Arc::new(ManualClock::new(chrono::Utc::now())));
        clock = replay_clock.clone();
        Box::new(ReplaySource::new(
            ReplayInput::from_arg(path),
            cli.function.clone(),
            replay_clock,
        ))
    } else {
        bail!(
            "No AWS source is available in this build. Try the simulated account: lambdatop --demo"
        );
    };
    let mut store = Store::new(
        source.kind(),
        source.region(),
        window,
        settings.limits,
        clock.clone(),
    );
    store.set_pricing(settings.pricing);
    if source.kind() == SourceKind::Replay {
        store.derive_metrics_from_reports();
        if cli.window.is_none() {
            store.fit_window_on_end();
        }
    }
    if cli.once {
        snapshot::collect(&mut store, source, clock).await?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        snapshot::write(&mut out, &store, &selection, cli.output.unwrap_or_default())?;
        // Flushed here, so that a failed write is an error and not lost at exit.
        std::io::Write::flush(&mut out).context("cannot write the snapshot")?;
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::stdout().is_terminal() {
        bail!(
            "standard output is not a terminal. Use --once for a printable snapshot, e.g. lambdatop --demo --once"
        );
    }
    let theme = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        Theme::monochrome()
    } else {
        Theme::dark()
    };
    tui::run(store, source, ViewState::new(selection), theme, clock).await?;
    Ok(ExitCode::SUCCESS)
}

//! Wiring: from parsed options to a running source and front end.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::bail;

use crate::cli::Cli;
use crate::clock::{ManualClock, SharedClock, SystemClock};
use crate::source::Source;
use crate::source::demo::{DEFAULT_SEED, DemoSource};
use crate::store::{Selection, Store, StoreLimits, function_glob};
use crate::tui::theme::Theme;
use crate::tui::view::ViewState;
use crate::{snapshot, tui};

/// A mistake in how lambdatop was called (exit code 2), found after argument parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs lambdatop with parsed options; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // A bad theme is a usage error, reported before the terminal is touched.
    let theme = if cli.once {
        None
    } else {
        Some(dashboard_theme(cli.theme.as_deref(), no_color())?)
    };
    let clock: SharedClock = match cli.clock {
        Some(at) => Arc::new(ManualClock::new(at)),
        None => Arc::new(SystemClock),
    };
    let window = cli.window.unwrap_or_default();
    let selection = Selection {
        glob: match &cli.functions {
            Some(p) => Some(function_glob(p).map_err(|e| {
                UsageError(format!("invalid --functions pattern {p:?}: {}", e.kind()))
            })?),
            None => None,
        },
        sort: cli.sort.unwrap_or_default(),
        limit: cli.limit,
        ..Selection::default()
    };
    let source: Box<dyn Source> = if cli.demo {
        let mut demo = DemoSource::new(cli.seed.unwrap_or(DEFAULT_SEED));
        if let Some(s) = cli.refresh {
            demo.interval = std::time::Duration::from_secs(s.max(1));
        }
        Box::new(demo)
    } else if cli.replay.is_some() {
        bail!("--replay is not available in this build");
    } else {
        bail!(
            "No AWS source is available in this build. Try the simulated account: lambdatop --demo"
        );
    };
    let mut store = Store::new(
        source.kind(),
        source.region(),
        window,
        StoreLimits::default(),
        clock.clone(),
    );
    if cli.once {
        snapshot::collect(&mut store, source, clock).await?;
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        snapshot::write(&mut out, &store, &selection, cli.output.unwrap_or_default())?;
        return Ok(ExitCode::SUCCESS);
    }
    if !std::io::stdout().is_terminal() {
        bail!(
            "standard output is not a terminal. Use --once for a printable snapshot, e.g. lambdatop --demo --once"
        );
    }
    let theme = theme.unwrap_or_default();
    tui::run(store, source, ViewState::new(selection), theme, clock).await?;
    Ok(ExitCode::SUCCESS)
}

/// The theme `--theme` names (checked even under `NO_COLOR`), or the monochrome one when
/// `no_color`.
pub fn dashboard_theme(arg: Option<&str>, no_color: bool) -> Result<Theme, UsageError> {
    let theme =
        Theme::resolve(arg, Theme::user_dir().as_deref()).map_err(|e| UsageError(e.to_string()))?;
    Ok(if no_color { Theme::monochrome() } else { theme })
}

/// `NO_COLOR` set to anything but the empty string (<https://no-color.org>).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

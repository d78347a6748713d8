//! `--once`: run the source's pollers until each has delivered once, then print the store in one
//! of four formats and check the `--fail-on` rules.
//!
//! ```text
//!  collect(store, source) ──▶ Snapshot::build(store, selection) ──▶ write(format) ──▶ stdout
//!                                         │
//!                                         └──▶ rules::check_all ──▶ breaches ──▶ stderr, exit 3
//! ```

pub mod cells;
mod csv;
pub mod document;
mod json;
mod markdown;
pub mod rules;
mod table;

use std::io::{self, Write};
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{mpsc, watch};

use crate::clock::SharedClock;
use crate::message::{Poller, Provides, Request, SourceContext};
use crate::message::{SourceError, Update};
use crate::source::Source;
use crate::store::Store;

pub use csv::columns as csv_columns;
pub use document::{SCHEMA, Snapshot, log_report};
pub use markdown::escape as markdown_escape;
pub use rules::{Breach, Rule, RuleError};

/// `--output` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Csv,
    Markdown,
}

/// How long a snapshot waits for its data before giving up.
pub const DEADLINE: Duration = Duration::from_secs(300);

/// Fills `store` from `source`: returns once every poller has delivered (or failed) once.
pub async fn collect(
    store: &mut Store,
    source: Box<dyn Source>,
    clock: SharedClock,
) -> anyhow::Result<()> {
    let Provides {
        pollers, finite, ..
    } = source.provides();
    let (tx, mut rx) = mpsc::channel::<Update>(1024);
    let (_requests_tx, requests) = watch::channel(Request::new(store.window()));
    source.start(SourceContext {
        updates: tx,
        requests,
        clock,
        once: true,
    });
    let wait = async {
        while let Some(u) = rx.recv().await {
            crate::diag::update(&u);
            store.apply(u);
            let done = if finite {
                store.ended()
            } else {
                store.has_polled(&pollers)
            };
            if done {
                // Take what is already queued, then stop.
                while let Ok(u) = rx.try_recv() {
                    crate::diag::update(&u);
                    store.apply(u);
                }
                break;
            }
        }
    };
    tokio::time::timeout(DEADLINE, wait)
        .await
        .context("timed out waiting for data")?;
    store.tick();
    // A snapshot with a silent gap would mislead a script: a failed poller fails the snapshot.
    if let Some((poller, e)) = store.current_error() {
        anyhow::bail!("cannot read {poller}: {e}");
    }
    Ok(())
}

/// Pollers whose latest round failed, split by what the failure costs the snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Failures {
    /// Functions or metrics could not be read: the snapshot would be empty or all zero, which a
    /// script must not mistake for a quiet account.
    pub fatal: Vec<(Poller, SourceError)>,
    /// Alarms or logs could not be read: the snapshot is printed without them.
    pub partial: Vec<(Poller, SourceError)>,
}

/// The pollers of `store` whose latest round failed.
pub fn failures(store: &Store) -> Failures {
    let mut f = Failures::default();
    for (p, h) in store.pollers() {
        if let Some(e) = h.current_error() {
            match p {
                Poller::Discovery | Poller::Metrics => f.fatal.push((*p, e.clone())),
                Poller::Alarms | Poller::Logs | Poller::Reports => f.partial.push((*p, e.clone())),
            }
        }
    }
    f
}

/// How the snapshot is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    pub format: OutputFormat,
    /// Colour the table (see [`colour_allowed`]).
    pub colour: bool,
}

/// Writes `snap` in `style.format`.
pub fn write(out: &mut dyn Write, snap: &Snapshot, style: Style) -> io::Result<()> {
    match style.format {
        OutputFormat::Table => table::write(out, snap, style.colour),
        OutputFormat::Json => json::write(out, snap),
        OutputFormat::Csv => csv::write(out, snap),
        OutputFormat::Markdown => markdown::write(out, snap),
    }?;
    out.flush()
}

/// `--color`: when output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorWhen {
    /// When the output is a terminal, unless `NO_COLOR` says otherwise (or `CLICOLOR_FORCE`
    /// forces it).
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether output may use colour. `--color always` and `never` decide alone; `auto` colours a
/// terminal unless `NO_COLOR` is set to anything but the empty string (<https://no-color.org>),
/// and colours anything when `CLICOLOR_FORCE` is set to anything but `0` or the empty string.
/// `NO_COLOR` wins over `CLICOLOR_FORCE`.
pub fn colour_allowed(
    when: ColorWhen,
    is_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
    clicolor_force: Option<&std::ffi::OsStr>,
) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if no_color.is_some_and(|v| !v.is_empty()) {
                false
            } else if clicolor_force.is_some_and(|v| !v.is_empty() && v != "0") {
                true
            } else {
                is_terminal
            }
        }
    }
}

/// What a finished snapshot tells the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub breaches: Vec<Breach>,
    /// Rules about REPORT-line figures when no listed function had logs.
    pub unchecked: Vec<Rule>,
}

impl Verdict {
    pub fn check(rules: &[Rule], snap: &Snapshot) -> Self {
        Self {
            breaches: rules::check_all(rules, &snap.functions),
            unchecked: rules::unchecked(rules, &snap.functions),
        }
    }

    /// One line per breach, then a note per rule that could not be checked.
    pub fn report(&self, err: &mut dyn Write) -> io::Result<()> {
        for b in &self.breaches {
            // A breach names its function: made inert for the terminal.
            writeln!(
                err,
                "lambdatop: {}",
                crate::sanitize::sanitize(&b.to_string())
            )?;
        }
        for r in &self.unchecked {
            writeln!(
                err,
                "lambdatop: note: rule {r} was not checked: no listed function has REPORT lines in its logs"
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;
    use crate::message::SourceKind;
    use crate::store::StoreLimits;
    use crate::window::TimeWindow;

    fn store() -> Store {
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 3, 14, 15, 26, 30)
            .single()
            .expect("valid time");
        Store::new(
            SourceKind::Cloudwatch,
            Some("eu-west-1".into()),
            TimeWindow::default(),
            StoreLimits::default(),
            Arc::new(ManualClock::new(now)),
        )
    }

    fn failed(store: &mut Store, poller: Poller) {
        let at = store.now();
        store.apply(Update::Failed {
            poller,
            at,
            error: SourceError::new(format!("{poller} failed"), None),
        });
    }

    #[test]
    fn missing_metrics_are_fatal_missing_alarms_are_not() {
        let mut s = store();
        let at = s.now();
        s.apply(Update::Polled {
            poller: Poller::Discovery,
            at,
        });
        failed(&mut s, Poller::Alarms);
        let f = failures(&s);
        assert!(f.fatal.is_empty());
        assert_eq!(f.partial.len(), 1);
        failed(&mut s, Poller::Metrics);
        let f = failures(&s);
        assert_eq!(f.fatal.first().map(|(p, _)| *p), Some(Poller::Metrics));
    }

    #[test]
    fn a_later_success_clears_a_failure() {
        let mut s = store();
        failed(&mut s, Poller::Metrics);
        let at = s.now() + chrono::Duration::seconds(1);
        s.apply(Update::Polled {
            poller: Poller::Metrics,
            at,
        });
        assert_eq!(failures(&s), Failures::default());
    }

    #[test]
    fn rules_report_breaches_and_unchecked_rules() {
        let s = store();
        let snap = Snapshot::build(&s, &crate::figures::Selection::default());
        let rules = rules::parse_all(&["errors>0", "timeouts>0"]).expect("valid rules");
        let verdict = Verdict::check(&rules, &snap);
        assert!(verdict.breaches.is_empty());
        let mut err = Vec::new();
        verdict.report(&mut err).expect("write");
        assert_eq!(
            String::from_utf8_lossy(&err),
            "lambdatop: note: rule timeouts>0 was not checked: no listed function has REPORT lines in its logs\n"
        );
    }
}

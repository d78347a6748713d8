//! The snapshot as data: what every `--once` format prints, built once from the store.
//!
//! [`Snapshot`] serialises to the JSON contract `lambdatop.snapshot/v1` (documented in the README);
//! the table, CSV and Markdown writers and the `--fail-on` rules read the same values, so every
//! format agrees with the JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use crate::analytics::ReportSummary;
use crate::figures::Selection;
use crate::figures::{FIGURES, Figure};
use crate::format;
use crate::message::SourceKind;
use crate::model::AlarmState;
use crate::store::{AlarmCounts, FunctionState, Store};
use crate::window::TimeWindow;

/// The `schema` value of the JSON document. Bumped only for changes that break readers
/// (a key removed, renamed or given another type or unit); new keys may appear within v1.
pub const SCHEMA: &str = "lambdatop.snapshot/v1";

/// One `--once` snapshot.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub schema: &'static str,
    pub source: SourceKind,
    pub region: Option<String>,
    pub window: Window,
    /// Every alarm the source reported (the whole account and Region, not only listed functions).
    pub alarms: AlarmCounts,
    /// Sums over `functions`, the listed functions.
    pub totals: Totals,
    /// The Region's concurrency: every function's, not only the listed ones'.
    pub account: Account,
    pub functions: Vec<FunctionRow>,
    /// Figures for the table's header that are not part of the JSON contract.
    #[serde(skip)]
    pub context: Context,
}

/// The time span the figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Window {
    /// Start of the first period of the window (aligned to `period_seconds`).
    #[serde(serialize_with = "rfc3339")]
    pub start: DateTime<Utc>,
    /// The time the snapshot was taken.
    #[serde(serialize_with = "rfc3339")]
    pub end: DateTime<Utc>,
    /// Length of one metric period.
    pub period_seconds: u32,
    #[serde(skip)]
    pub length: TimeWindow,
}

/// Sums over the listed functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
}

impl Totals {
    /// Errors / invocations, 0 without invocations.
    pub fn error_rate(&self) -> f64 {
        if self.invocations == 0 {
            0.0
        } else {
            self.errors as f64 / self.invocations as f64
        }
    }
}

/// The Region's concurrency over the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Account {
    /// Largest Region-wide `ConcurrentExecutions` of any period.
    pub concurrency_max: Option<u64>,
    /// The account's concurrency limit.
    pub concurrency_limit: u32,
    /// Largest `ClaimedAccountConcurrency` of any period: concurrency in use plus what
    /// reservations and provisioned concurrency hold back, against `concurrency_limit`.
    pub claimed_concurrency_max: Option<u64>,
}

/// What the table header shows besides the JSON figures.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Context {
    /// Functions the store knows, before `--functions` and `--limit`.
    pub functions_known: usize,
    /// Whether the source told the concurrency limit (the JSON says 1,000 when it did not).
    pub concurrency_limit_known: bool,
}

/// One function's figures: CloudWatch metrics over the window, and what its REPORT lines say.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunctionRow {
    pub name: String,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    /// Errors / invocations, a ratio (0.0188 is 1.88 %); 0 without invocations.
    #[serde(serialize_with = "ratio")]
    pub error_rate: f64,
    pub duration_ms: Durations,
    /// Largest `ConcurrentExecutions` of any period of the window.
    pub concurrency_max: Option<u64>,
    /// Worst state of the alarms on the function's `FunctionName` dimension.
    pub alarm_state: Option<AlarmState>,
    /// REPORT-line analytics; `None` when the function has no logs in the store.
    pub report: Option<LogReport>,
    /// Every figure of the registry the function has, unrounded: what the rules, the table
    /// and the CSV read.
    #[serde(skip)]
    pub figures: BTreeMap<Figure, f64>,
}

impl FunctionRow {
    /// The function's `figure`, unrounded; `None` when it does not have it.
    pub fn figure(&self, figure: Figure) -> Option<f64> {
        self.figures.get(&figure).copied()
    }
}

/// Duration metric of the window, milliseconds; `None` without datapoints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Durations {
    #[serde(serialize_with = "ms")]
    pub avg: Option<f64>,
    #[serde(serialize_with = "ms")]
    pub p99: Option<f64>,
    #[serde(serialize_with = "ms")]
    pub max: Option<f64>,
}

/// What a function's REPORT lines say about the invocations in the store's log window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LogReport {
    /// Invocations with a REPORT line.
    pub invocations: u64,
    /// Invocations with an `Init Duration` (or a SnapStart `Restore Duration`).
    pub cold_starts: u64,
    pub timeouts: u64,
    /// Failed invocations other than timeouts.
    pub errors: u64,
    #[serde(serialize_with = "ms")]
    pub duration_ms_p50: Option<f64>,
    #[serde(serialize_with = "ms")]
    pub duration_ms_p99: Option<f64>,
    #[serde(serialize_with = "ms")]
    pub init_ms_p50: Option<f64>,
    pub billed_ms_total: u64,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    #[serde(serialize_with = "usd")]
    pub cost_usd: f64,
}

impl LogReport {
    /// Cold starts / invocations; `None` without invocations.
    pub fn cold_start_rate(&self) -> Option<f64> {
        (self.invocations > 0).then(|| self.cold_starts as f64 / self.invocations as f64)
    }

    /// Largest memory used / configured memory; `None` when either is unknown.
    pub fn memory_used_ratio(&self) -> Option<f64> {
        match (self.max_memory_used_mb, self.memory_size_mb) {
            (Some(used), Some(size)) if size > 0 => Some(f64::from(used) / f64::from(size)),
            _ => None,
        }
    }
}

impl From<&ReportSummary> for LogReport {
    fn from(r: &ReportSummary) -> Self {
        LogReport {
            invocations: r.invocations,
            cold_starts: r.cold_starts,
            timeouts: r.timeouts,
            errors: r.errors,
            duration_ms_p50: r.duration_ms_p50.filter(|v| v.is_finite()),
            duration_ms_p99: r.duration_ms_p99.filter(|v| v.is_finite()),
            init_ms_p50: r.init_ms_p50.filter(|v| v.is_finite()),
            billed_ms_total: r.billed_ms_total,
            memory_size_mb: r.memory_size_mb,
            max_memory_used_mb: r.max_memory_used_mb,
            cost_usd: r.cost_usd,
        }
    }
}

/// REPORT-line analytics of one function, in the snapshot's terms: `None` when the store has read
/// no log line of the function.
pub fn log_report(function: &FunctionState) -> Option<LogReport> {
    function.report().map(LogReport::from)
}

impl Snapshot {
    /// Takes the snapshot of the functions `selection` picks, in its order.
    pub fn build(store: &Store, selection: &Selection) -> Self {
        let functions: Vec<FunctionRow> = store
            .select(selection)
            .into_iter()
            .map(FunctionRow::build)
            .collect();
        let totals = functions.iter().fold(Totals::default(), |t, f| Totals {
            invocations: t.invocations + f.invocations,
            errors: t.errors + f.errors,
            throttles: t.throttles + f.throttles,
        });
        let account = store.totals();
        let window = store.window();
        Snapshot {
            schema: SCHEMA,
            source: store.source,
            region: store.region.clone(),
            window: Window {
                start: store.window_start(),
                end: store.now(),
                period_seconds: window.period_s(),
                length: window,
            },
            alarms: store.alarm_counts(),
            totals,
            account: Account {
                concurrency_max: account.concurrency_peak.and_then(format::count_figure),
                concurrency_limit: account.concurrency_limit,
                claimed_concurrency_max: account
                    .claimed_concurrency_peak
                    .and_then(format::count_figure),
            },
            functions,
            context: Context {
                functions_known: store.functions().len(),
                concurrency_limit_known: account.concurrency_limit_known,
            },
        }
    }

    /// Whether any listed function has REPORT-line analytics.
    pub fn has_reports(&self) -> bool {
        self.functions.iter().any(|f| f.report.is_some())
    }
}

impl FunctionRow {
    fn build(f: &FunctionState) -> Self {
        let s = &f.summary;
        FunctionRow {
            name: f.name().to_string(),
            invocations: s.invocations,
            errors: s.errors,
            throttles: s.throttles,
            error_rate: s.error_rate,
            duration_ms: Durations {
                avg: s.duration_avg_ms.filter(|v| v.is_finite()),
                p99: s.duration_p99_ms.filter(|v| v.is_finite()),
                max: s.duration_max_ms.filter(|v| v.is_finite()),
            },
            concurrency_max: s.concurrency_max.and_then(format::count_figure),
            alarm_state: s.alarm_state,
            report: log_report(f),
            figures: FIGURES
                .iter()
                .filter_map(|d| Some((d.figure, d.of(f)?)))
                .collect(),
        }
    }
}

/// The decimals printed numbers keep (JSON and CSV): milliseconds as REPORT lines give them,
/// ratios to 0.0001 %, dollars to 12 places (the price list's 10 places times a duration).
/// Rules and the table read the figures unrounded. A duration or an amount out of range
/// ([`format::millis_figure`], [`format::usd_figure`]) is printed as unknown, as in the table.
pub mod decimals {
    pub const MS: i32 = 2;
    pub const RATIO: i32 = 6;
    pub const USD: i32 = 12;

    /// `x` rounded to `decimals` places (half away from zero).
    pub fn round(x: f64, decimals: i32) -> f64 {
        let scale = 10f64.powi(decimals);
        let rounded = (x * scale).round() / scale;
        if rounded.is_finite() { rounded } else { x }
    }
}

/// Milliseconds as JSON and CSV print them: rounded, `None` out of range.
pub fn printed_ms(v: Option<f64>) -> Option<f64> {
    v.and_then(format::millis_figure)
        .map(|v| decimals::round(v, decimals::MS))
}

/// Dollars as JSON and CSV print them: rounded, `None` out of range.
pub fn printed_usd(v: f64) -> Option<f64> {
    format::usd_figure(v).map(|v| decimals::round(v, decimals::USD))
}

fn ms<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    printed_ms(*v).serialize(s)
}

fn ratio<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(decimals::round(*v, decimals::RATIO))
}

fn usd<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    printed_usd(*v).serialize(s)
}

/// RFC 3339 in UTC to the second: `2026-03-14T15:26:30Z`.
fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

#[cfg(test)]
mod tests {
    use super::decimals::{MS, RATIO, USD, round};

    #[test]
    fn printed_figures_are_rounded_to_their_decimals() {
        assert_eq!(round(0.018768852642162888, RATIO), 0.018769);
        assert_eq!(round(0.009966200879799998, USD), 0.00996620088);
        // One 1 ms invocation at 128 MB: $0.0000002 + 0.001 s × 0.125 GB × $0.0000166667.
        assert_eq!(round(0.000000202083375, USD), 0.000000202083);
        assert_eq!(round(120.31456328864272, MS), 120.31);
        assert_eq!(round(0.005, MS), 0.01);
        assert_eq!(round(1e300, USD), 1e300);
    }
}

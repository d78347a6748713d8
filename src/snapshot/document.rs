//! The snapshot as data: what every `--once` format prints, built once from the store.
//!
//! [`Snapshot`] serialises to the JSON contract `lambdatop.snapshot/v1` (documented in the README);
//! the table, CSV and Markdown writers and the `--fail-on` rules read the same values, so every
//! format agrees with the JSON.

use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::BTreeMap;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use crate::analytics::ReportSummary;
use crate::figures::Selection;
use crate::figures::{FIGURES, Figure, Origin, Unit, round};
use crate::format;
use crate::message::{ReportOrigin, SourceKind};
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
    /// Each Region (of each profile) read, with how its reads went: only when several were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<RegionRow>>,
    /// Figures for the table's header that are not part of the JSON contract.
    #[serde(skip)]
    pub context: Context,
}

/// One Region of one account, when several are read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionRow {
    pub region: Option<String>,
    /// The profile it was read with, when several profiles were.
    pub account: Option<String>,
    /// The id of that profile's account, when STS told it.
    pub account_id: Option<String>,
    /// `ok`, `partial` (alarms, logs or report figures could not be read) or `failed`
    /// (functions or metrics could not be read: its rows are what was read before, if anything).
    pub status: &'static str,
    /// Why, when it is not `ok`.
    pub error: Option<String>,
    /// Functions of this Region the store knows.
    pub functions: usize,
    /// This Region's alarms.
    pub alarms: AlarmCounts,
    pub concurrency_max: Option<u64>,
    /// `null` when the account's limit could not be read.
    pub concurrency_limit: Option<u32>,
    pub api_calls: u64,
    pub cost_usd: f64,
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
///
/// Its JSON is made from the figures registry (see [`FunctionRow`]'s `Serialize`): `name`, then
/// every figure with a JSON key, nested by the key's dots, rounded as its unit says.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionRow {
    pub name: String,
    /// The function's Region and account (profile), shown when several are read.
    pub region: Option<String>,
    pub account: Option<String>,
    /// The id of the function's account, when known (a linked account's, or what STS told of
    /// the profile's).
    pub account_id: Option<String>,
    /// Whether several Regions or accounts are read: the JSON then names each function's.
    pub qualified: bool,
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    /// Errors / invocations, a ratio (0.0188 is 1.88 %); 0 without invocations.
    pub error_rate: f64,
    pub duration_ms: Durations,
    /// Largest `ConcurrentExecutions` of any period of the window.
    pub concurrency_max: Option<u64>,
    /// Worst state of the alarms on the function's `FunctionName` dimension.
    pub alarm_state: Option<AlarmState>,
    /// REPORT-line analytics; `None` when the function has no logs in the store.
    pub report: Option<LogReport>,
    /// Where `report` came from: `insights`, `filter` (each over exactly the window) or `logs`
    /// (the log lines read: a replayed file, the simulated account).
    pub report_source: Option<ReportOrigin>,
    /// The span `report` covers, when it covers one window.
    pub report_window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Every figure of the registry the function has, unrounded: what the rules, the table,
    /// the CSV and the JSON read.
    pub figures: BTreeMap<Figure, f64>,
}

/// A part of a function's JSON: a figure, or an object of figures (`null` when the function
/// has none of them: `report` without REPORT lines).
enum Node<'a> {
    Name(&'a str),
    Figure(Option<f64>, Unit),
    Group(Option<Vec<(&'static str, Node<'a>)>>),
    Origin(ReportOrigin),
    Time(DateTime<Utc>),
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Name(name) => s.serialize_str(name),
            Node::Origin(origin) => origin.serialize(s),
            Node::Time(t) => rfc3339(t, s),
            Node::Group(None) => s.serialize_none(),
            // A figure its unit cannot show (an absurd duration, amount or count) is unknown.
            Node::Figure(v, unit) => match (v.and_then(|v| unit.shown(v)), unit) {
                (None, _) => s.serialize_none(),
                (Some(v), Unit::Count | Unit::Megabytes) => s.serialize_u64(v.round() as u64),
                (Some(v), Unit::AlarmState) => s.serialize_str(&unit.plain(v)),
                (Some(v), _) => s.serialize_f64(round(v, unit.decimals())),
            },
            Node::Group(Some(children)) => {
                let mut map = s.serialize_map(Some(children.len()))?;
                for (key, node) in children {
                    map.serialize_entry(key, node)?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for FunctionRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut top: Vec<(&'static str, Node)> = vec![("name", Node::Name(&self.name))];
        // Added within v1: only when several Regions or accounts are read.
        if self.qualified {
            for (key, value) in [
                ("region", &self.region),
                ("account", &self.account),
                ("account_id", &self.account_id),
            ] {
                top.push((key, value.as_deref().map_or(Node::Group(None), Node::Name)));
            }
        }
        for d in FIGURES.iter().filter(|d| d.key.is_some()) {
            let key = d.key.unwrap_or_default();
            let figure = Node::Figure(self.figure(d.figure), d.unit);
            let Some((group, leaf)) = key.split_once('.') else {
                top.push((key, figure));
                continue;
            };
            // A group of REPORT figures is null for a function without REPORT lines.
            let absent = d.origin == Origin::Reports && self.report.is_none();
            match top.iter_mut().find(|(k, _)| *k == group) {
                Some((_, Node::Group(Some(children)))) => children.push((leaf, figure)),
                Some(_) => {}
                None => top.push((group, Node::Group((!absent).then(|| vec![(leaf, figure)])))),
            }
        }
        // Added within v1: only with a report, so a function without one reads as before.
        if let (Some(origin), Some(_)) = (self.report_source, &self.report) {
            top.push(("report_source", Node::Origin(origin)));
            if let Some((from, to)) = self.report_window {
                let span = vec![("start", Node::Time(from)), ("end", Node::Time(to))];
                top.push(("report_window", Node::Group(Some(span))));
            }
        }
        Node::Group(Some(top)).serialize(s)
    }
}

impl FunctionRow {
    /// The name a person tells the function by: `region/name` (`account/region/name`) when
    /// several Regions or accounts are read.
    pub fn shown_name(&self) -> String {
        match (self.qualified, &self.region, &self.account) {
            (true, Some(r), Some(a)) => format!("{a}/{r}/{}", self.name),
            (true, Some(r), None) => format!("{r}/{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// The function's `figure`, unrounded; `None` when it does not have it.
    pub fn figure(&self, figure: Figure) -> Option<f64> {
        self.figures.get(&figure).copied()
    }
}

/// Duration metric of the window, milliseconds; `None` without datapoints.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Durations {
    pub avg: Option<f64>,
    pub p99: Option<f64>,
    pub max: Option<f64>,
}

/// What a function's REPORT lines say about the invocations in the store's log window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LogReport {
    /// Invocations with a REPORT line.
    pub invocations: u64,
    /// Invocations with an `Init Duration` (or a SnapStart `Restore Duration`).
    pub cold_starts: u64,
    pub timeouts: u64,
    /// Failed invocations other than timeouts.
    pub errors: u64,
    pub duration_ms_p50: Option<f64>,
    pub duration_ms_p99: Option<f64>,
    pub init_ms_p50: Option<f64>,
    pub billed_ms_total: u64,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
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
        let several = store.several();
        let functions: Vec<FunctionRow> = store
            .select(selection)
            .into_iter()
            .map(|f| FunctionRow::build(f, several, store.account_id_of(f)))
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
            regions: (store.origins().next().is_some()).then(|| region_rows(store)),
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

/// Each origin of a store fed by several, with how its reads went.
fn region_rows(store: &Store) -> Vec<RegionRow> {
    let peaks = store.origin_concurrency();
    store
        .origins()
        .map(|(origin, state)| {
            let failure = state.failure();
            let status = match failure {
                None => "ok",
                Some(_) if state.unreadable() => "failed",
                Some(_) => "partial",
            };
            RegionRow {
                region: origin.region.as_deref().map(str::to_string),
                account: origin.account.as_deref().map(str::to_string),
                account_id: state.account_id.clone(),
                status,
                error: failure.map(|(p, e)| format!("cannot read {p}: {e}")),
                functions: store
                    .functions()
                    .filter(|f| f.id.origin() == *origin)
                    .count(),
                alarms: store.alarm_counts_of(origin),
                concurrency_max: peaks
                    .iter()
                    .find(|(o, _, _)| *o == origin)
                    .and_then(|(_, peak, _)| peak.and_then(format::count_figure)),
                concurrency_limit: state.concurrency_limit,
                api_calls: state.calls,
                cost_usd: round(state.cost_usd, Unit::Usd.decimals()),
            }
        })
        .collect()
}

impl FunctionRow {
    fn build(f: &FunctionState, qualified: bool, account_id: Option<&str>) -> Self {
        let s = &f.summary;
        FunctionRow {
            name: f.name().to_string(),
            region: f.id.region.as_deref().map(str::to_string),
            account: f.id.account.as_deref().map(str::to_string),
            account_id: account_id.map(str::to_string),
            qualified,
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
            report_source: f
                .report()
                .map(|_| f.window_report().map_or(ReportOrigin::Logs, |w| w.origin)),
            report_window: f.window_report().map(|w| (w.from, w.to)),
            figures: FIGURES
                .iter()
                .filter_map(|d| Some((d.figure, d.of(f)?)))
                .collect(),
        }
    }
}

/// RFC 3339 in UTC to the second: `2026-03-14T15:26:30Z`.
fn rfc3339<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

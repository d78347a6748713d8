//! The messages between sources and the store: what a source is asked ([`Request`]), what it
//! sends ([`Update`]: data, log blocks, API-call accounting, problems and notices) and what it
//! declares about itself ([`SourceKind`], [`Poller`], [`Provides`]).
//!
//! Sources and the store both depend on this layer and never on each other: a source cannot
//! reach into the store, and the store does not know which source feeds it.

mod cost;
mod log_block;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use crate::clock::SharedClock;
use crate::model::{
    Alarm, FunctionConfig, FunctionId, LogEvent, MetricPoints, Origin, WindowStats,
};
use crate::window::TimeWindow;

pub use cost::{
    CLOUDWATCH_USD_PER_UNIT, Charge, IDLE_REFRESH, IDLE_USD_PER_HOUR, INSIGHTS_SCAN, MetricRead,
    MetricsView, Pace, PaceReason, RoundCost, pace, usd_per_month,
};
pub use log_block::{
    BlockLine, BlockLines, BlockPool, Exported, LineSource, LineTime, LogBlock, ParsedText,
};

/// How often metrics are read unless the source says otherwise (CloudWatch's finest period).
pub const DEFAULT_REFRESH: Duration = Duration::from_secs(60);

/// How many log events the log pane keeps unless configured otherwise.
pub const LOG_PANE_EVENTS: usize = 20_000;

/// A user-facing problem a poller ran into: one sentence, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceError {
    pub message: String,
    pub hint: Option<String>,
}

impl SourceError {
    pub fn new(message: impl Into<String>, hint: Option<&str>) -> Self {
        Self {
            message: message.into(),
            hint: hint.map(str::to_string),
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hint {
            Some(h) => write!(f, "{} {}", self.message, h),
            None => f.write_str(&self.message),
        }
    }
}

/// API calls one poller round made, for the status line's call count and cost estimate. What
/// else the calls are billed for (Logs Insights bytes, Live Tail minutes) is sent as a
/// [`Charge`]; the store counts both in one figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApiCalls {
    pub operation: &'static str,
    pub calls: u32,
    /// CloudWatch's billing units for the round: metrics requested for GetMetricData,
    /// requests for other CloudWatch calls, 0 for APIs without a per-request charge. Priced at
    /// [`CLOUDWATCH_USD_PER_UNIT`].
    pub billed_units: u32,
}

/// What sources send. Each is owned data; applying it is the store's business.
#[derive(Debug, Clone)]
pub enum Update {
    /// The functions of the account (or the replayed log); replaces the known set's configuration.
    Functions(Vec<FunctionConfig>),
    /// The account's concurrency limit (Lambda `GetAccountSettings`).
    AccountConcurrencyLimit(u32),
    Metrics(Vec<MetricPoints>),
    WindowStats(Vec<(String, WindowStats)>),
    /// Every alarm of the account: replaces the previous set.
    Alarms(Vec<Alarm>),
    /// Log lines, parsed by the source (see [`LogBlock`]): the one way log lines reach the store.
    Logs(Arc<LogBlock>),
    /// REPORT figures of exactly one window, per function: kept apart from what the log lines
    /// read for the log pane fold into.
    Reports(WindowReports),
    ApiCalls(ApiCalls),
    /// A priced amount besides CloudWatch's per-unit charge of [`ApiCalls`]: bytes Logs
    /// Insights scanned, Live Tail minutes.
    Charge(Charge),
    /// How often a poller reads now, why, and what that costs an hour.
    Pace {
        poller: Poller,
        pace: Pace,
    },
    /// A poller finished a round: its data is fresh as of `at`.
    Polled {
        poller: Poller,
        at: DateTime<Utc>,
    },
    /// A poller's round failed; what it had before is kept.
    Failed {
        poller: Poller,
        at: DateTime<Utc>,
        error: SourceError,
    },
    /// Something the user should know that is not a failure (e.g. percentiles unavailable); the
    /// round's data is still good.
    Notice {
        poller: Poller,
        notice: SourceError,
    },
    /// The source has nothing more to send (a replayed file was read to its end).
    Ended,
    /// The id of the account the source's credentials reach (STS `GetCallerIdentity`), sent
    /// once at start when several profiles are read.
    AccountId(String),
    /// An update of one of several sources, each reading its own account and Region: the
    /// functions, alarms, limits, calls and failures it names are that origin's.
    From {
        origin: crate::model::Origin,
        update: Box<Update>,
    },
}

impl Update {
    /// The update itself, out of the [`Update::From`] that names its origin.
    pub fn inner(&self) -> &Update {
        match self {
            Update::From { update, .. } => update.inner(),
            other => other,
        }
    }

    /// The account and Region the update is of, when a source reading several says so (the
    /// innermost [`Update::From`], as the store reads it).
    pub fn origin(&self) -> Option<&Origin> {
        match self {
            Update::From { origin, update } => update.origin().or(Some(origin)),
            _ => None,
        }
    }

    /// Log events read one by one (CloudWatch pages, the demo), parsed here, on the source's side.
    pub fn logs(events: Vec<LogEvent>) -> Update {
        Update::Logs(Arc::new(LogBlock::from_events(events)))
    }
}

/// Where window report figures came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportOrigin {
    /// CloudWatch Logs Insights aggregated the REPORT lines server-side.
    Insights,
    /// REPORT lines read with FilterLogEvents and aggregated here.
    Filter,
    /// The log lines the source itself read (a replayed file, the simulated account).
    Logs,
}

impl fmt::Display for ReportOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReportOrigin::Insights => "insights",
            ReportOrigin::Filter => "filter",
            ReportOrigin::Logs => "logs",
        })
    }
}

/// One function's REPORT figures over a window (what an engine can tell; the store prices them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WindowReport {
    /// Invocations with a REPORT.
    pub invocations: u64,
    /// Invocations with an init duration or a SnapStart restore.
    pub cold_starts: u64,
    /// SnapStart restores (part of `cold_starts`).
    pub restores: u64,
    pub timeouts: u64,
    /// Failed invocations other than timeouts.
    pub errors: u64,
    pub duration_ms_p50: Option<f64>,
    pub duration_ms_p90: Option<f64>,
    pub duration_ms_p99: Option<f64>,
    pub duration_ms_max: Option<f64>,
    pub init_ms_p50: Option<f64>,
    pub init_ms_p99: Option<f64>,
    pub restore_ms_p50: Option<f64>,
    /// Billed duration plus billed restore duration.
    pub billed_ms_total: u64,
    pub gb_seconds: f64,
    /// The largest `Memory Size`; with `memory_size_min_mb`, the sizes the window ran with.
    pub memory_size_mb: Option<u32>,
    pub memory_size_min_mb: Option<u32>,
    /// Largest `Max Memory Used` / `Memory Size` of one invocation.
    pub memory_used_ratio: Option<f64>,
    pub max_memory_used_mb: Option<u32>,
    pub max_memory_used_mb_p99: Option<u32>,
}

/// Window report figures of some functions, all over the same span.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowReports {
    pub origin: ReportOrigin,
    /// The window the figures were asked for: an answer for a window the user has left is
    /// dropped.
    pub window: TimeWindow,
    /// The span the figures cover.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Figures per function name; `None`: the engine's answer lacked the figures (unsupported).
    pub reports: Vec<(String, Option<WindowReport>)>,
}

/// Which kind of source feeds the store; printed in the status line and the snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Cloudwatch,
    Demo,
    Replay,
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceKind::Cloudwatch => "cloudwatch",
            SourceKind::Demo => "demo",
            SourceKind::Replay => "replay",
        })
    }
}

/// The independent loops of a source. `--once` waits until each has delivered once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Poller {
    Discovery,
    Metrics,
    Alarms,
    Logs,
    /// The window report figures (Logs Insights or FilterLogEvents).
    Reports,
}

impl Poller {
    /// Every poller, for a source that runs them all (CloudWatch, the demo).
    pub const ALL: [Poller; 4] = [
        Poller::Discovery,
        Poller::Metrics,
        Poller::Alarms,
        Poller::Logs,
    ];
}

impl fmt::Display for Poller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Poller::Discovery => "functions",
            Poller::Metrics => "metrics",
            Poller::Alarms => "alarms",
            Poller::Logs => "logs",
            Poller::Reports => "report figures",
        })
    }
}

/// What the front end asks of the source; pollers watch it and react to changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub window: TimeWindow,
    /// Bumped by "refresh now": pollers skip their wait.
    pub refresh: u64,
    /// Functions whose logs the user is looking at (empty: the source decides).
    pub log_functions: Vec<FunctionId>,
    /// The functions whose logs the user is looking at are all of other sources' origins:
    /// read none (set by [`Request::for_origin`]; `log_functions` is then empty).
    pub log_functions_elsewhere: bool,
    /// A server-side filter for log reads, when the user's filter can be expressed as one.
    pub log_filter_pattern: Option<String>,
    /// The function the detail view shows: its less common metrics are read too.
    pub detail_function: Option<FunctionId>,
    /// Which metrics the view shows; `None` asks for every metric of every function (what
    /// `--once` prints).
    pub metrics: Option<MetricsView>,
    /// Nobody is looking (no key for a while, or the terminal lost focus): refresh rarely.
    pub idle: bool,
    /// Someone reads the logs: the log pane has the focus or the whole screen, or a detail view
    /// is open. Only then does the dashboard pay for Live Tail (`--live-tail auto`).
    pub reading_logs: bool,
    /// US dollars an hour the metric reads may cost; `None` for no limit.
    pub budget_usd_per_hour: Option<f64>,
}

impl Request {
    pub fn new(window: TimeWindow) -> Self {
        Self {
            window,
            refresh: 0,
            log_functions: Vec::new(),
            log_functions_elsewhere: false,
            log_filter_pattern: None,
            detail_function: None,
            metrics: None,
            idle: false,
            reading_logs: false,
            budget_usd_per_hour: None,
        }
    }

    /// Whether the source picks the functions whose logs it reads: nobody named any.
    pub fn source_picks_logs(&self) -> bool {
        self.log_functions.is_empty() && !self.log_functions_elsewhere
    }

    /// The request as the source of `origin` sees it, one of the sources of `all`: only the
    /// functions it reads (see [`Origin::owns`]).
    pub fn for_origin(&self, origin: &Origin, all: &[Origin]) -> Request {
        let mut r = self.clone();
        let own = |f: &FunctionId| origin.owns(f, all);
        r.log_functions.retain(own);
        r.log_functions_elsewhere |= r.log_functions.is_empty() && !self.log_functions.is_empty();
        r.detail_function = r.detail_function.filter(own);
        if let Some(view) = &mut r.metrics {
            view.shown.retain(own);
            view.full.retain(own);
            view.ahead.retain(own);
        }
        r
    }
}

/// Everything a source needs to run: where to send updates, what the user asks, what time it is.
#[derive(Clone)]
pub struct SourceContext {
    pub updates: mpsc::Sender<Update>,
    pub requests: watch::Receiver<Request>,
    pub clock: SharedClock,
    /// `--once`: deliver one complete round, then stop.
    pub once: bool,
}

impl SourceContext {
    /// Sends an update; `false` when the front end has gone and the poller should stop.
    pub async fn send(&self, update: Update) -> bool {
        self.updates.send(update).await.is_ok()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// What a source declares about itself, so that neither the store nor the front ends ask which
/// kind of source it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provides {
    /// The pollers the source runs; `--once` waits for a delivery from each.
    pub pollers: Vec<Poller>,
    /// CloudWatch metrics. Without them the store derives the metric series from REPORT lines.
    pub metrics: bool,
    /// The source ends (a file read to its end) with [`Update::Ended`], which `--once` waits for.
    /// Its time is the log's own, so the window may fit the logs read.
    pub finite: bool,
    /// How often the metrics are read: data is stale after a few of these.
    pub refresh: Duration,
    /// REPORT figures come as [`Update::Reports`], each of exactly the window: the figures are
    /// those alone, never what the log pane's lines accumulated since start.
    pub window_reports: bool,
}

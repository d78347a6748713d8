//! The one store: everything the front ends show, fed by [`Update`]s from a source.
//!
//! The store is plain data with pure methods. One owner (the TUI event loop or the snapshot loop)
//! applies updates; renderers borrow it. Memory is bounded: series hold one window of periods,
//! the log ring is capped, analytics are incremental histograms.

mod derived;
mod log_ring;
mod series;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

pub use derived::ReportMetrics;
pub use log_ring::LogRing;
pub use series::MetricSeries;

use crate::analytics::{FunctionAnalytics, Pricing, ReportSummary};
use crate::clock::SharedClock;
use crate::lambda_log::{LogLine, parse};
use crate::message::{
    ApiCalls, Charge, DEFAULT_REFRESH, LOG_PANE_EVENTS, LogBlock, MetricRead, Pace, Poller,
    ReportOrigin, SourceError, SourceKind, Update, WindowReport, WindowReports,
};
use crate::model::{
    Alarm, AlarmState, DEFAULT_ACCOUNT_CONCURRENCY, FunctionConfig, FunctionId, MetricKind, Origin,
    WindowStats,
};
use crate::window::TimeWindow;

/// Health of one poller.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PollerHealth {
    pub last_ok: Option<DateTime<Utc>>,
    pub last_error: Option<(DateTime<Utc>, SourceError)>,
    /// The latest notice (not an error).
    pub notice: Option<SourceError>,
    pub rounds: u64,
}

impl PollerHealth {
    /// The error of the latest round, if the latest round failed.
    pub fn current_error(&self) -> Option<&SourceError> {
        match (&self.last_error, self.last_ok) {
            (Some((at, e)), Some(ok)) if *at > ok => Some(e),
            (Some((_, e)), None) => Some(e),
            _ => None,
        }
    }
}

/// Calls and estimated cost of the dashboard's own API use: CloudWatch's billed units and every
/// other priced amount ([`Charge`]), in one figure.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiUsage {
    pub calls: BTreeMap<&'static str, u64>,
    /// Everything spent so far, USD.
    spent_usd: f64,
    /// Each origin's rounds of each operation: several Regions' rounds of one operation are
    /// paced apart, not taken for one round repeated at the gap between them.
    rounds: BTreeMap<(Origin, &'static str), RoundRate>,
    /// The metrics poller's pace as it announced it: what GetMetricData costs an hour from now
    /// on, which its last round alone cannot tell (reads between rounds, rounds of several
    /// sizes, idle).
    metrics_pace: Option<Pace>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct RoundRate {
    last_at: Option<DateTime<Utc>>,
    /// Seconds between the last two rounds.
    gap_s: Option<f64>,
    last_usd: f64,
}

pub use crate::message::CLOUDWATCH_USD_PER_UNIT;

/// The operation whose cost the metrics poller's pace announces.
const GET_METRIC_DATA: &str = "GetMetricData";

impl ApiUsage {
    fn record(&mut self, origin: &Origin, at: DateTime<Utc>, c: ApiCalls) {
        *self.calls.entry(c.operation).or_default() += u64::from(c.calls);
        self.spend(origin, at, c.operation, c.usd());
    }

    /// Adds a priced amount (Logs Insights bytes, Live Tail minutes) of `origin` to the same
    /// figure.
    pub fn charge(&mut self, origin: &Origin, at: DateTime<Utc>, c: Charge) {
        self.spend(origin, at, c.operation, c.usd);
    }

    fn spend(&mut self, origin: &Origin, at: DateTime<Utc>, operation: &'static str, usd: f64) {
        self.spent_usd += usd;
        let r = self.rounds.entry((origin.clone(), operation)).or_default();
        if let Some(prev) = r.last_at {
            let gap = (at - prev).num_milliseconds() as f64 / 1000.0;
            if gap > 0.0 {
                r.gap_s = Some(gap);
            }
        }
        r.last_at = Some(at);
        r.last_usd = usd;
    }

    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Cost so far, USD: CloudWatch's billed units and the bytes Logs Insights scanned.
    pub fn cost_usd(&self) -> f64 {
        self.spent_usd
    }

    /// The metrics poller's pace, once it has said it.
    pub fn metrics_pace(&self) -> Option<&Pace> {
        self.metrics_pace.as_ref()
    }

    /// Steady-state cost per hour: the metrics poller's pace, and every other operation's last
    /// round repeated at its observed pace.
    pub fn usd_per_hour(&self) -> f64 {
        self.metrics_pace.map_or(0.0, |p| p.usd_per_hour) + self.usd_per_hour_besides_paced()
    }

    /// What everything but the paced metric reads costs an hour: what a budget leaves them.
    pub fn usd_per_hour_besides_paced(&self) -> f64 {
        self.rounds
            .iter()
            .filter(|((_, op), _)| self.metrics_pace.is_none() || *op != GET_METRIC_DATA)
            .filter_map(|(_, r)| Some(r.last_usd * 3600.0 / r.gap_s?))
            .sum()
    }
}

/// Window figures of one function, recomputed when its data changes (not per frame).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionSummary {
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    /// Errors / Invocations (0 when there were no invocations).
    pub error_rate: f64,
    pub duration_avg_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub duration_max_ms: Option<f64>,
    pub concurrency_max: Option<f64>,
    /// Worst state of the alarms on this function's `FunctionName` dimension.
    pub alarm_state: Option<AlarmState>,
    /// The detail view's metrics ([`MetricKind::DETAIL`]) with a datapoint in the window: the
    /// sum of a count, the largest value of a gauge.
    pub detail: BTreeMap<MetricKind, f64>,
}

/// Everything known about one function.
#[derive(Debug, Clone)]
pub struct FunctionState {
    /// The key of the function everywhere.
    pub id: FunctionId,
    pub config: FunctionConfig,
    series: BTreeMap<MetricKind, MetricSeries>,
    pub window_stats: WindowStats,
    /// When the window p99 was last read; `None` before it was.
    window_stats_at: Option<DateTime<Utc>>,
    pub summary: FunctionSummary,
    /// Invocation analytics from the function's log lines; `None` until a line arrives.
    analytics: Option<Box<FunctionAnalytics>>,
    /// `analytics` summarised, refreshed when lines arrive (not per frame).
    report: Option<ReportSummary>,
    /// REPORT figures of exactly the window, from the source's window engine.
    window_report: Option<WindowReportState>,
}

/// A function's REPORT figures over one window, as a window engine delivered them.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowReportState {
    pub origin: ReportOrigin,
    /// The span the figures cover.
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `None`: the engine's answer lacked the figures (unsupported there).
    figures: Option<WindowReport>,
    /// `figures`, priced.
    summary: Option<ReportSummary>,
    /// The window changed and the new figures have not arrived: these are the old window's.
    pub loading: bool,
}

impl WindowReportState {
    /// The priced figures; `None` when the engine could not compute them.
    pub fn summary(&self) -> Option<&ReportSummary> {
        self.summary.as_ref()
    }
}

impl FunctionState {
    fn new(id: FunctionId, config: FunctionConfig) -> Self {
        Self {
            id,
            config,
            series: BTreeMap::new(),
            window_stats: WindowStats::default(),
            window_stats_at: None,
            summary: FunctionSummary::default(),
            analytics: None,
            report: None,
            window_report: None,
        }
    }

    /// REPORT-line analytics: the window's figures when a window engine delivered them, else
    /// what the log lines read so far say (a replayed file, whose window is the file). `None`
    /// when neither is known.
    pub fn report(&self) -> Option<&ReportSummary> {
        match &self.window_report {
            Some(w) => w.summary.as_ref(),
            None => self.report.as_ref(),
        }
    }

    /// The window figures and where they came from, when a window engine delivered them.
    pub fn window_report(&self) -> Option<&WindowReportState> {
        self.window_report.as_ref()
    }

    /// The analytics behind [`FunctionState::report`], for the recent invocations.
    pub fn analytics(&self) -> Option<&FunctionAnalytics> {
        self.analytics.as_deref()
    }

    pub fn name(&self) -> &str {
        &self.id.name
    }

    pub fn series(&self, metric: MetricKind) -> Option<&MetricSeries> {
        self.series.get(&metric)
    }

    /// When `read` was last read for this function; `None` when it never was (in this window).
    /// A figure made from it shows its last value meanwhile.
    pub fn read_at(&self, read: MetricRead) -> Option<DateTime<Utc>> {
        match read {
            MetricRead::Series(m) => self.series.get(&m).and_then(MetricSeries::read_at),
            MetricRead::WindowP99 => self.window_stats_at,
        }
    }

    /// Re-prices the figures; `live`: the log lines' analytics make figures too (not when the
    /// source delivers window figures, which are then the only ones).
    fn refresh_report(&mut self, pricing: &Pricing, live: bool) {
        self.report = self
            .analytics
            .as_ref()
            .filter(|_| live)
            .map(|a| a.summary(pricing, self.config.architecture));
        if let Some(w) = &mut self.window_report {
            w.summary = w
                .figures
                .as_ref()
                .map(|f| ReportSummary::from_window(f, pricing, self.config.architecture));
        }
    }

    fn summarise(&mut self, from: DateTime<Utc>, alarm_state: Option<AlarmState>) {
        let count = |m| self.series.get(&m).map_or(0.0, |s| s.sum(from)).round() as u64;
        let max = |m| self.series.get(&m).and_then(|s| s.max(from));
        let (invocations, errors) = (count(MetricKind::Invocations), count(MetricKind::Errors));
        let avg = match (
            self.series.get(&MetricKind::DurationAvg),
            self.series.get(&MetricKind::Invocations),
        ) {
            (Some(avg), Some(inv)) => avg.weighted_mean(inv, from),
            _ => None,
        };
        self.summary = FunctionSummary {
            invocations,
            errors,
            throttles: count(MetricKind::Throttles),
            error_rate: if invocations > 0 {
                errors as f64 / invocations as f64
            } else {
                0.0
            },
            duration_avg_ms: avg,
            duration_p99_ms: self.window_stats.duration_p99_ms,
            duration_max_ms: max(MetricKind::DurationMax),
            concurrency_max: max(MetricKind::ConcurrentExecutions),
            alarm_state,
            detail: MetricKind::DETAIL
                .into_iter()
                .filter_map(|k| {
                    let s = self.series.get(&k)?;
                    // A datapoint in the window, or the metric is not shown at all.
                    let top = s.max(from)?;
                    Some((
                        k,
                        if k.missing_is_zero() {
                            s.sum(from)
                        } else {
                            top
                        },
                    ))
                })
                .collect(),
        };
    }
}

/// Whether a function's figure is up to date ([`Store::read_state`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadState {
    Fresh,
    /// Last read longer ago than data stays fresh: the last value, marked.
    Stale,
    /// Never read (a row scrolled to for the first time): its read is on its way.
    Unread,
}

/// Account-wide figures: sums over functions plus the Region-level series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountTotals {
    pub invocations: u64,
    pub errors: u64,
    pub throttles: u64,
    pub error_rate: f64,
    pub concurrency_peak: Option<f64>,
    pub concurrency_limit: u32,
    /// Whether the source told the limit (else `concurrency_limit` is the default).
    pub concurrency_limit_known: bool,
    /// Peak of the Region's `ClaimedAccountConcurrency` in the window: concurrency in use plus
    /// what reservations and provisioned concurrency hold back.
    pub claimed_concurrency_peak: Option<f64>,
}

/// Alarm counts per state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct AlarmCounts {
    pub alarm: usize,
    pub insufficient_data: usize,
    pub ok: usize,
}

/// What the store keeps of each origin when several sources feed it (Regions, profiles): their
/// pollers' health, concurrency limit and peak, and what their calls cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OriginState {
    pub pollers: BTreeMap<Poller, PollerHealth>,
    /// The account's concurrency limit in this Region, once read.
    pub concurrency_limit: Option<u32>,
    /// The Region's `ConcurrentExecutions`.
    concurrency: Option<MetricSeries>,
    /// The metrics poller's announced pace (how often, what it costs an hour).
    metrics_pace: Option<Pace>,
    /// API calls made, and what they and other charges cost so far (USD).
    pub calls: u64,
    pub cost_usd: f64,
    /// The id of the account its credentials reach, when STS told it.
    pub account_id: Option<String>,
}

impl OriginState {
    /// The error of the latest round of `poller`, when it failed.
    pub fn current_error(&self, poller: Poller) -> Option<&SourceError> {
        self.pollers.get(&poller)?.current_error()
    }

    /// The first poller whose latest round failed, with its error.
    pub fn failure(&self) -> Option<(Poller, &SourceError)> {
        self.pollers
            .iter()
            .find_map(|(p, h)| h.current_error().map(|e| (*p, e)))
    }

    /// Whether functions or metrics could not be read: the origin's rows say nothing current.
    pub fn unreadable(&self) -> bool {
        [Poller::Discovery, Poller::Metrics]
            .into_iter()
            .any(|p| self.current_error(p).is_some())
    }
}

/// Sizes that bound the store's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreLimits {
    pub log_events: usize,
    pub log_bytes: usize,
}

impl Default for StoreLimits {
    fn default() -> Self {
        Self {
            log_events: LOG_PANE_EVENTS,
            log_bytes: 32 << 20,
        }
    }
}

/// The figures of the window before a window change, shown until the new window's are in.
#[derive(Debug, Clone)]
struct Loading {
    totals: AccountTotals,
    /// The window the figures shown cover.
    shown: TimeWindow,
    /// The origins a series of the new window has arrived from: a round that ends before any
    /// did was asked for before the change.
    fresh: BTreeSet<Origin>,
    /// Metrics rounds ended since the change, by origin.
    rounds: BTreeMap<Origin, u32>,
    /// The origins whose metrics of the new window are in (or could not be read): with several,
    /// the window has loaded when every one's has.
    done: BTreeSet<Origin>,
}

/// A group of figures, by what they are computed from (see [`Store::covers`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figures {
    /// Metric series (CloudWatch's, or a replay's made from its REPORT lines): the window.
    Metrics,
    /// The analytics of REPORT lines (cold starts, memory, cost): every line read.
    Reports,
}
/// The Region-level metrics the header's totals are read from, when the source reads them.
const ACCOUNT_TOTALS: [MetricKind; 3] = [
    MetricKind::Invocations,
    MetricKind::Errors,
    MetricKind::Throttles,
];

/// Metrics rounds after which data is stale.
const STALE_ROUNDS: f64 = 2.5;

/// The state every front end reads.
pub struct Store {
    clock: SharedClock,
    window: TimeWindow,
    pub source: SourceKind,
    pub region: Option<String>,
    /// Where the source reads from; the functions it names are of this origin.
    origin: Origin,
    functions: BTreeMap<FunctionId, FunctionState>,
    account_concurrency: MetricSeries,
    claimed_concurrency: MetricSeries,
    /// The Region's Invocations, Errors and Throttles (no FunctionName dimension), when the
    /// source reads them: the header's totals, whatever rows were read.
    account_totals: BTreeMap<MetricKind, MetricSeries>,
    concurrency_limit: u32,
    concurrency_limit_known: bool,
    /// Every alarm, per origin: each source's set replaces only its own.
    alarms: BTreeMap<Origin, Vec<Alarm>>,
    /// The worst state of the alarms on each function.
    alarm_states: HashMap<FunctionId, AlarmState>,
    logs: LogRing,
    /// Oldest and newest log event time seen.
    log_span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Metric series derived from REPORT lines, for sources without CloudWatch metrics.
    derived: Option<ReportMetrics>,
    /// Fit the window to the logs when the source ends (replay without `--window`).
    fit_window_on_end: bool,
    /// The source delivers window report figures ([`crate::message::Provides::window_reports`]).
    window_reports: bool,
    pricing: Pricing,
    /// How often the source reads metrics, which decides when data is stale.
    refresh: std::time::Duration,
    pollers: BTreeMap<Poller, PollerHealth>,
    /// Each origin's own state, when several sources feed the store ([`Store::set_origins`]).
    origins: BTreeMap<Origin, OriginState>,
    /// Some function is of another origin than the source's own (a linked account's).
    foreign: bool,
    pub api: ApiUsage,
    ended: bool,
    /// After a window change, until the metrics poller has delivered the new window: the totals
    /// of the window before. Summaries keep their old figures meanwhile, so that nothing reads 0
    /// while it is only loading.
    loading: Option<Loading>,
    /// Bumped on every change, so views can tell when to rebuild what they cache.
    generation: u64,
}

impl Store {
    pub fn new(
        source: SourceKind,
        region: Option<String>,
        window: TimeWindow,
        limits: StoreLimits,
        clock: SharedClock,
    ) -> Self {
        Self {
            clock,
            window,
            source,
            origin: Origin::region(region.as_deref()),
            region,
            functions: BTreeMap::new(),
            account_concurrency: Self::new_series(window),
            claimed_concurrency: Self::new_series(window),
            account_totals: BTreeMap::new(),
            concurrency_limit: DEFAULT_ACCOUNT_CONCURRENCY,
            concurrency_limit_known: false,
            alarms: BTreeMap::new(),
            alarm_states: HashMap::new(),
            logs: LogRing::new(limits.log_events, limits.log_bytes),
            log_span: None,
            derived: None,
            fit_window_on_end: false,
            window_reports: false,
            pricing: Pricing::default(),
            refresh: DEFAULT_REFRESH,
            pollers: BTreeMap::new(),
            origins: BTreeMap::new(),
            foreign: false,
            api: ApiUsage::default(),
            ended: false,
            loading: None,
            generation: 0,
        }
    }

    fn new_series(window: TimeWindow) -> MetricSeries {
        MetricSeries::new(window.period_s(), window.slots())
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Derives the metric series from REPORT lines instead of waiting for CloudWatch metrics
    /// (for `--replay`, whose input has no metrics).
    pub fn derive_metrics_from_reports(&mut self) {
        self.derived.get_or_insert_with(ReportMetrics::default);
    }

    /// The source delivers REPORT figures of exactly the window: until they arrive a function
    /// has none (not those of the log pane's lines).
    pub fn expect_window_reports(&mut self) {
        self.window_reports = true;
        let pricing = self.pricing;
        for f in self.functions.values_mut() {
            f.refresh_report(&pricing, false);
        }
    }

    /// Whether REPORT figures come from a window engine.
    pub fn window_reports(&self) -> bool {
        self.window_reports
    }

    /// Whether some function's REPORT figures are still those of the window before a change.
    pub fn reports_loading(&self) -> bool {
        self.functions
            .values()
            .any(|f| f.window_report.as_ref().is_some_and(|w| w.loading))
    }

    /// When the source ends, fit the window to the logs read.
    pub fn fit_window_on_end(&mut self) {
        self.fit_window_on_end = true;
    }

    /// Widens or narrows the window to the shortest preset covering the logs read (replay).
    pub fn fit_window_to_logs(&mut self) {
        if let Some((first, last)) = self.log_span {
            // The window ends at the current period; cover the first event's period too.
            let span = last - first + Duration::seconds(i64::from(self.window.period_s()));
            self.set_window(TimeWindow::covering(span));
        }
    }

    /// Oldest and newest time of the log events read so far.
    pub fn log_span(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        self.log_span
    }

    /// Prices the cost estimates use.
    pub fn set_pricing(&mut self, pricing: Pricing) {
        self.pricing = pricing;
        self.generation += 1;
        let live = !self.window_reports;
        for f in self.functions.values_mut() {
            f.refresh_report(&pricing, live);
        }
    }

    pub fn pricing(&self) -> &Pricing {
        &self.pricing
    }

    pub fn window(&self) -> TimeWindow {
        self.window
    }

    /// Start of the current window.
    pub fn window_start(&self) -> DateTime<Utc> {
        self.window.start(self.now())
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Switches to another window: series at the old period are dropped, the source refills them.
    pub fn set_window(&mut self, window: TimeWindow) {
        if window == self.window {
            return;
        }
        // A source with metrics refills the series: the old figures stay, marked as loading,
        // until it has. Derived series are made here at once.
        if self.derived.is_none() && self.pollers.contains_key(&Poller::Metrics) {
            let loading = match self.loading.take() {
                Some(l) => Loading {
                    fresh: BTreeSet::new(),
                    rounds: BTreeMap::new(),
                    done: BTreeSet::new(),
                    ..l
                },
                None => Loading {
                    totals: self.totals(),
                    shown: self.window,
                    fresh: BTreeSet::new(),
                    rounds: BTreeMap::new(),
                    done: BTreeSet::new(),
                },
            };
            self.loading = Some(loading);
        }
        self.window = window;
        self.generation += 1;
        self.account_concurrency = Self::new_series(window);
        self.claimed_concurrency = Self::new_series(window);
        self.account_totals.clear();
        for o in self.origins.values_mut() {
            o.concurrency = None;
        }
        for f in self.functions.values_mut() {
            f.series.clear();
            f.window_stats = WindowStats::default();
            // The old window's REPORT figures stay, marked, until the new ones arrive.
            if let Some(w) = &mut f.window_report {
                w.loading = true;
            }
            f.window_stats_at = None;
        }
        let ids: Vec<FunctionId> = self.functions.keys().cloned().collect();
        self.refresh_derived(&ids);
        self.resummarise();
    }

    /// Applies one update from the source the store was made for.
    pub fn apply(&mut self, update: Update) {
        let origin = self.origin.clone();
        self.apply_from(&origin, update);
    }

    /// Several sources feed the store, one per origin (a Region of a profile): each origin's
    /// pollers, limits and calls are kept apart, and one origin's failure is its own.
    pub fn set_origins(&mut self, origins: &[Origin]) {
        self.origins = origins
            .iter()
            .map(|o| (o.clone(), OriginState::default()))
            .collect();
    }

    /// The one origin the source reads, when it says so itself (one Region of several asked).
    pub fn set_origin(&mut self, origin: &Origin) {
        self.region = origin.region.as_deref().map(str::to_string);
        self.origin = origin.clone();
    }

    /// Whether the functions are of several origins: several sources feed the store, or one
    /// source reads linked accounts too.
    pub fn several(&self) -> bool {
        self.origins.len() > 1 || self.foreign
    }

    /// Each origin's state, in order (empty unless several feed the store).
    pub fn origins(&self) -> impl Iterator<Item = (&Origin, &OriginState)> {
        self.origins.iter()
    }

    /// The origins whose latest round of some poller failed, with the first such failure.
    pub fn origin_failures(&self) -> Vec<(&Origin, Poller, &SourceError)> {
        self.origins
            .iter()
            .filter_map(|(o, s)| s.failure().map(|(p, e)| (o, p, e)))
            .collect()
    }

    /// Keeps what an update says of its origin apart; `true` when it is that origin's alone and
    /// the store-wide state must not take it (a failure while another origin reads fine).
    fn record_origin(&mut self, origin: &Origin, update: &Update, now: DateTime<Utc>) -> bool {
        let window = self.window;
        let Some(state) = self.origins.get_mut(origin) else {
            return false;
        };
        match update {
            Update::Polled { poller, at } => {
                let h = state.pollers.entry(*poller).or_default();
                h.last_ok = Some(*at);
                h.rounds += 1;
            }
            Update::Failed { poller, at, error } => {
                state.pollers.entry(*poller).or_default().last_error = Some((*at, error.clone()));
                // Store-wide, a poller fails only when it fails in every origin.
                let everywhere = self
                    .origins
                    .values()
                    .all(|s| s.current_error(*poller).is_some());
                if *poller == Poller::Metrics && !everywhere {
                    self.metrics_round_ended(origin, true);
                }
                return !everywhere;
            }
            Update::Notice { poller, notice } => {
                state.pollers.entry(*poller).or_default().notice = Some(notice.clone());
            }
            Update::AccountConcurrencyLimit(limit) => state.concurrency_limit = Some(*limit),
            Update::AccountId(id) => state.account_id = Some(id.clone()),
            Update::ApiCalls(c) => {
                state.calls += u64::from(c.calls);
                state.cost_usd += c.usd();
            }
            Update::Charge(c) => state.cost_usd += c.usd,
            Update::Pace { poller, pace } if *poller == Poller::Metrics => {
                state.metrics_pace = Some(*pace);
                // Store-wide, the paces of every origin add up, and data is stale only after
                // rounds of the slowest: a Region read every 10 minutes is not stale at 3.
                let paces = || self.origins.values().filter_map(|s| s.metrics_pace);
                let total = paces().map(|p| p.usd_per_hour).sum();
                let every = paces().map(|p| p.every).max().unwrap_or(pace.every);
                self.api.metrics_pace = Some(Pace {
                    usd_per_hour: total,
                    every,
                    ..*pace
                });
                self.refresh = every;
                return true;
            }
            Update::Metrics(batches) => {
                let keep_from = window.start(now);
                for b in batches.iter().filter(|b| {
                    b.function.is_none()
                        && b.metric == MetricKind::ConcurrentExecutions
                        && b.period_s == window.period_s()
                }) {
                    let series = state
                        .concurrency
                        .get_or_insert_with(|| Self::new_series(window));
                    series.merge(b.from, b.to, &b.points, keep_from);
                }
            }
            _ => {}
        }
        false
    }

    /// Applies one update from a source reading `origin`: the functions it names are of it.
    pub fn apply_from(&mut self, origin: &Origin, update: Update) {
        if let Update::From { origin, update } = update {
            return self.apply_from(&origin, *update);
        }
        self.generation += 1;
        let now = self.now();
        if self.origins.is_empty() && *origin != self.origin {
            self.foreign = true;
        }
        if self.several() && self.record_origin(origin, &update, now) {
            return;
        }
        match update {
            Update::Functions(configs) => {
                for config in configs {
                    let id = origin.function(&config.name);
                    match self.functions.get_mut(&id) {
                        Some(f) => {
                            f.config = config;
                            f.refresh_report(&self.pricing, !self.window_reports);
                        }
                        None => {
                            self.functions
                                .insert(id.clone(), FunctionState::new(id, config));
                        }
                    }
                }
                self.resummarise();
            }
            Update::AccountConcurrencyLimit(limit) => {
                self.concurrency_limit = limit;
                self.concurrency_limit_known = true;
            }
            Update::Metrics(batches) => {
                let keep_from = self.window_start();
                let period = self.window.period_s();
                for b in batches {
                    if b.period_s != period {
                        continue; // a late answer for a window the user has left
                    }
                    // A series of the new window reaches back to its start (an answer for a
                    // shorter window of the same period does not).
                    if let Some(l) = &mut self.loading
                        && b.from <= keep_from + Duration::seconds(i64::from(period))
                    {
                        l.fresh.insert(origin.clone());
                    }
                    let series = match &b.function {
                        None if b.metric == MetricKind::ConcurrentExecutions => {
                            &mut self.account_concurrency
                        }
                        None if b.metric == MetricKind::ClaimedAccountConcurrency => {
                            &mut self.claimed_concurrency
                        }
                        // Several Regions' totals do not share one series: the functions'
                        // sums stand for them.
                        None if ACCOUNT_TOTALS.contains(&b.metric) && !self.origins.is_empty() => {
                            continue;
                        }
                        None if ACCOUNT_TOTALS.contains(&b.metric) => {
                            let window = self.window;
                            self.account_totals
                                .entry(b.metric)
                                .or_insert_with(|| Self::new_series(window))
                        }
                        None => continue,
                        Some(name) => {
                            let window = self.window;
                            let f = Self::entry(&mut self.functions, origin.function(name));
                            f.series
                                .entry(b.metric)
                                .or_insert_with(|| Self::new_series(window))
                        }
                    };
                    series.merge(b.from, b.to, &b.points, keep_from);
                    series.mark_read(now);
                }
                self.resummarise();
            }
            Update::WindowStats(stats) => {
                for (name, s) in stats {
                    if let Some(f) = self.functions.get_mut(&origin.function(&name)) {
                        f.window_stats = s;
                        f.window_stats_at = Some(now);
                    }
                }
                self.resummarise();
            }
            Update::Alarms(alarms) => {
                self.alarms.insert(origin.clone(), alarms);
                self.alarm_states.clear();
                for (origin, alarms) in &self.alarms {
                    for a in alarms {
                        if let Some(name) = &a.function {
                            let worst = self
                                .alarm_states
                                .entry(origin.function(name))
                                .or_insert(a.state);
                            *worst = (*worst).max(a.state);
                        }
                    }
                }
                self.resummarise();
            }
            Update::Logs(block) => self.ingest_block(origin, block),
            Update::Reports(reports) => self.apply_reports(origin, reports),
            Update::ApiCalls(c) => self.api.record(origin, now, c),
            Update::Charge(c) => self.api.charge(origin, now, c),
            Update::Pace { poller, pace } => {
                if poller == Poller::Metrics {
                    self.api.metrics_pace = Some(pace);
                    // Data is stale after a few rounds at the pace the poller keeps now.
                    self.refresh = pace.every;
                }
            }
            Update::Polled { poller, at } => {
                let h = self.pollers.entry(poller).or_default();
                h.last_ok = Some(at);
                h.rounds += 1;
                if poller == Poller::Metrics {
                    self.metrics_round_ended(origin, false);
                }
            }
            Update::Failed { poller, at, error } => {
                self.pollers.entry(poller).or_default().last_error = Some((at, error));
                if poller == Poller::Metrics {
                    self.loaded();
                }
            }
            Update::Notice { poller, notice } => {
                self.pollers.entry(poller).or_default().notice = Some(notice);
            }
            Update::Ended => {
                self.ended = true;
                if self.fit_window_on_end {
                    self.fit_window_to_logs();
                }
            }
            // Kept per origin (see `record_origin`).
            Update::AccountId(_) | Update::From { .. } => {}
        }
    }

    /// The id of the account of `f`, when known: a linked source account's own id, or what STS
    /// told of the profile it was read with.
    pub fn account_id_of<'a>(&'a self, f: &'a FunctionState) -> Option<&'a str> {
        match &f.config.account {
            Some(linked) => Some(linked),
            None => self.origins.get(&f.id.origin())?.account_id.as_deref(),
        }
    }

    /// Takes the window figures of some functions; an answer for another window is dropped.
    fn apply_reports(&mut self, origin: &Origin, r: WindowReports) {
        if r.window != self.window {
            return;
        }
        let (pricing, live) = (self.pricing, !self.window_reports);
        for (name, figures) in r.reports {
            let f = Self::entry(&mut self.functions, origin.function(&name));
            f.window_report = Some(WindowReportState {
                origin: r.origin,
                from: r.from,
                to: r.to,
                figures,
                summary: None,
                loading: false,
            });
            f.refresh_report(&pricing, live);
        }
        if self.derived.is_some() {
            let ids: Vec<FunctionId> = self.functions.keys().cloned().collect();
            self.refresh_derived(&ids);
        }
    }

    /// The function `id`, added with what its id tells when it is new.
    fn entry(
        functions: &mut BTreeMap<FunctionId, FunctionState>,
        id: FunctionId,
    ) -> &mut FunctionState {
        functions.entry(id).or_insert_with_key(|id| {
            FunctionState::new(id.clone(), FunctionConfig::named(&*id.name))
        })
    }

    /// Rebuilds the derived series of `ids` over the current window.
    fn refresh_derived(&mut self, ids: &[FunctionId]) {
        let Some(derived) = &self.derived else { return };
        let now = self.now();
        let keep_from = self.window.start(now);
        for id in ids {
            let Some(f) = self.functions.get_mut(id) else {
                continue;
            };
            for b in derived.points(id, self.window, now) {
                let window = self.window;
                f.series
                    .entry(b.metric)
                    .or_insert_with(|| Self::new_series(window))
                    .merge(b.from, b.to, &b.points, keep_from);
            }
            f.window_stats.duration_p99_ms = f.report.as_ref().and_then(|r| r.duration_ms_p99);
        }
        self.resummarise();
    }

    /// Feeds a block parsed by the source to the analytics, and its pane events to the log ring.
    fn ingest_block(&mut self, origin: &Origin, block: Arc<LogBlock>) {
        let functions: Vec<FunctionId> =
            block.functions.iter().map(|n| origin.function(n)).collect();
        let mut touched = vec![false; functions.len()];
        let mut span = self.log_span;
        // Runs of lines of one function share one lookup of the function.
        for run in block.lines().chunk_by(|a, b| a.function == b.function) {
            let Some(id) = functions.get(run[0].function as usize) else {
                continue;
            };
            touched[run[0].function as usize] = true;
            let f = match self.functions.get_mut(id) {
                Some(f) => f,
                None => Self::entry(&mut self.functions, id.clone()),
            };
            let analytics = f.analytics.get_or_insert_with(Default::default);
            analytics.expect(run.iter().map(|l| l.parsed.as_ref()));
            let mut minutes = self.derived.as_mut().map(|d| d.minutes(id));
            for line in run {
                let at = line.at();
                let owned;
                let parsed = match &line.parsed {
                    Some(parsed) => parsed,
                    None => {
                        owned = parse(&line.message);
                        &owned
                    }
                };
                match parsed {
                    LogLine::Report(report) if line.started => {
                        analytics.start_and_complete(at, report);
                    }
                    _ => analytics.ingest(at, parsed),
                }
                if let (Some(minutes), LogLine::Report(report)) = (&mut minutes, parsed) {
                    minutes.record(at, report);
                }
                span = Some(match span {
                    None => (at, at),
                    Some((a, b)) => (a.min(at), b.max(at)),
                });
            }
        }
        self.log_span = span;
        let mut touched: Vec<FunctionId> = functions
            .into_iter()
            .zip(touched)
            .filter(|(_, t)| *t)
            .map(|(f, _)| f)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        self.refresh_touched(&touched);
        let pane = Arc::try_unwrap(block).map_or_else(
            |shared| shared.pane.clone(),
            |mut b| std::mem::take(&mut b.pane),
        );
        for mut e in pane {
            e.origin = origin.clone();
            self.logs.push(e);
        }
    }

    /// Refreshes the summaries (and derived series) of functions that got log lines.
    fn refresh_touched(&mut self, touched: &[FunctionId]) {
        let (pricing, live) = (self.pricing, !self.window_reports);
        for id in touched {
            if let Some(f) = self.functions.get_mut(id) {
                f.refresh_report(&pricing, live);
            }
        }
        if self.derived.is_some() {
            self.refresh_derived(touched);
        }
    }

    /// Moves the window along with the clock: prunes old points and recomputes figures.
    pub fn tick(&mut self) {
        self.generation += 1;
        let keep_from = self.window_start();
        self.account_concurrency.prune(keep_from);
        self.claimed_concurrency.prune(keep_from);
        for s in self.account_totals.values_mut() {
            s.prune(keep_from);
        }
        for f in self.functions.values_mut() {
            for s in f.series.values_mut() {
                s.prune(keep_from);
            }
        }
        self.resummarise();
    }

    /// A metrics round of `origin` ended (or `failed`) while a new window loads: the window has
    /// loaded once every origin's metrics of it are in. A round without any series of the new
    /// window may have been asked for before the change; the round after it was not.
    fn metrics_round_ended(&mut self, origin: &Origin, failed: bool) {
        let Some(l) = &mut self.loading else { return };
        let rounds = l.rounds.entry(origin.clone()).or_default();
        *rounds += 1;
        if failed || l.fresh.contains(origin) || *rounds >= 2 {
            l.done.insert(origin.clone());
        }
        let everyone = if self.origins.is_empty() {
            l.done.contains(origin)
        } else {
            self.origins.keys().all(|o| l.done.contains(o))
        };
        if everyone {
            self.loaded();
        }
    }

    /// The metrics of a new window have arrived (or could not be read): figures are the new
    /// window's from now on.
    fn loaded(&mut self) {
        if self.loading.take().is_some() {
            self.resummarise();
        }
    }

    /// Whether the figures shown are still those of the window before a window change.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Whether every figure comes from log lines (a replay): there are no CloudWatch metrics,
    /// so no throttles, concurrency, account limit or configuration beyond what lines say.
    pub fn from_logs_only(&self) -> bool {
        self.derived.is_some()
    }

    /// What the figures of a group cover, in words: `last 1h` (`last 1h · loading 7d…` while a
    /// new window loads) for metrics; for REPORT analytics, the window too when the source reads
    /// them for it (`… · loading 7d…` until they land), else the log lines read since launch, or
    /// the whole replay.
    pub fn covers(&self, figures: Figures) -> String {
        match figures {
            Figures::Metrics => match &self.loading {
                Some(l) => format!("last {} · loading {}…", l.shown, self.window),
                None => format!("last {}", self.window),
            },
            Figures::Reports if self.from_logs_only() => "every line replayed".to_string(),
            Figures::Reports if self.window_reports && self.reports_loading() => {
                format!("loading last {}…", self.window)
            }
            Figures::Reports if self.window_reports => format!("last {}", self.window),
            Figures::Reports => "log lines read since launch".to_string(),
        }
    }

    fn resummarise(&mut self) {
        if self.loading.is_some() {
            return; // the old window's figures stay until the new ones are in
        }
        let from = self.window_start();
        for (id, f) in &mut self.functions {
            f.summarise(from, self.alarm_states.get(id).copied());
        }
    }

    pub fn functions(&self) -> impl ExactSizeIterator<Item = &FunctionState> {
        self.functions.values()
    }

    pub fn function(&self, id: &FunctionId) -> Option<&FunctionState> {
        self.functions.get(id)
    }

    /// The function called `name` in the source's own account and Region.
    pub fn function_named(&self, name: &str) -> Option<&FunctionState> {
        self.functions.get(&self.origin.function(name))
    }

    /// The id of the function called `name` in the source's own account and Region.
    pub fn id_of(&self, name: &str) -> FunctionId {
        self.origin.function(name)
    }

    /// Every alarm of every origin.
    pub fn alarms(&self) -> impl Iterator<Item = &Alarm> {
        self.alarms.values().flatten()
    }

    pub fn alarm_counts(&self) -> AlarmCounts {
        Self::count_alarms(self.alarms())
    }

    /// The alarms one origin reported, per state.
    pub fn alarm_counts_of(&self, origin: &Origin) -> AlarmCounts {
        Self::count_alarms(self.alarms.get(origin).into_iter().flatten())
    }

    fn count_alarms<'a>(alarms: impl Iterator<Item = &'a Alarm>) -> AlarmCounts {
        let mut c = AlarmCounts::default();
        for a in alarms {
            match a.state {
                AlarmState::Alarm => c.alarm += 1,
                AlarmState::InsufficientData => c.insufficient_data += 1,
                AlarmState::Ok => c.ok += 1,
            }
        }
        c
    }

    /// The concurrency limit of the account and Region `id` runs in, when its source read it:
    /// with several, its own origin's, never another Region's.
    pub fn concurrency_limit_of(&self, id: &FunctionId) -> Option<u32> {
        if self.origins.is_empty() {
            return self
                .concurrency_limit_known
                .then_some(self.concurrency_limit);
        }
        self.origins.get(&id.origin())?.concurrency_limit
    }

    pub fn account_concurrency(&self) -> &MetricSeries {
        &self.account_concurrency
    }

    pub fn totals(&self) -> AccountTotals {
        if let Some(l) = &self.loading {
            return l.totals.clone();
        }
        let mut t = AccountTotals {
            concurrency_limit: self.concurrency_limit,
            concurrency_limit_known: self.concurrency_limit_known,
            ..AccountTotals::default()
        };
        let from = self.window_start();
        let region = |m: MetricKind| {
            self.account_totals
                .get(&m)
                .map(|s| s.sum(from).round() as u64)
        };
        // The Region's figures once it has published invocations in the window (an emulator
        // may publish none: then the functions' sums, as without them).
        let published = self
            .account_totals
            .get(&MetricKind::Invocations)
            .is_some_and(|s| s.max(from).is_some());
        match (
            region(MetricKind::Invocations).filter(|_| published),
            region(MetricKind::Errors),
            region(MetricKind::Throttles),
        ) {
            (Some(invocations), Some(errors), Some(throttles)) => {
                t.invocations = invocations;
                t.errors = errors;
                t.throttles = throttles;
            }
            _ => {
                for f in self.functions.values() {
                    t.invocations += f.summary.invocations;
                    t.errors += f.summary.errors;
                    t.throttles += f.summary.throttles;
                }
            }
        }
        if t.invocations > 0 {
            t.error_rate = t.errors as f64 / t.invocations as f64;
        }
        t.concurrency_peak = self.account_concurrency.max(self.window_start());
        t.claimed_concurrency_peak = self.claimed_concurrency.max(self.window_start());
        t
    }

    pub fn logs(&self) -> &LogRing {
        &self.logs
    }

    pub fn poller(&self, p: Poller) -> Option<&PollerHealth> {
        self.pollers.get(&p)
    }

    pub fn pollers(&self) -> impl Iterator<Item = (&Poller, &PollerHealth)> {
        self.pollers.iter()
    }

    /// Time of the latest successful round of any poller.
    pub fn last_refresh(&self) -> Option<DateTime<Utc>> {
        self.pollers.values().filter_map(|h| h.last_ok).max()
    }

    /// The first current error of any poller, for the status line.
    pub fn current_error(&self) -> Option<(Poller, &SourceError)> {
        self.pollers
            .iter()
            .find_map(|(p, h)| h.current_error().map(|e| (*p, e)))
    }

    /// The first notice of any poller, for the status line.
    pub fn notice(&self) -> Option<(Poller, &SourceError)> {
        self.pollers
            .iter()
            .find_map(|(p, h)| h.notice.as_ref().map(|n| (*p, n)))
    }

    /// How often the source reads metrics ([`crate::message::Provides::refresh`]).
    pub fn set_refresh(&mut self, refresh: std::time::Duration) {
        self.refresh = refresh;
    }

    /// Age after which data is stale: two and a half metrics rounds, so one late or failed
    /// round is not enough.
    pub fn stale_after(&self) -> Duration {
        Duration::from_std(self.refresh.mul_f64(STALE_ROUNDS)).unwrap_or(Duration::MAX)
    }

    /// Data is stale when the latest metrics round failed or is older than `max_age`.
    pub fn is_stale(&self, max_age: Duration) -> bool {
        if self.ended {
            return false;
        }
        match self.pollers.get(&Poller::Metrics) {
            None => false,
            Some(h) => {
                h.current_error().is_some() || h.last_ok.is_none_or(|ok| self.now() - ok > max_age)
            }
        }
    }

    /// How a figure made from `reads` stands for `f`: never read yet, read longer ago than data
    /// stays fresh (its last value is shown meanwhile), or fresh. Series made here from REPORT
    /// lines are always fresh.
    pub fn read_state(&self, f: &FunctionState, reads: &[MetricRead]) -> ReadState {
        if self.derived.is_some() || self.loading.is_some() {
            return ReadState::Fresh;
        }
        let stale_before = self.now() - self.stale_after();
        let mut state = ReadState::Fresh;
        for &r in reads {
            let known = match r {
                MetricRead::Series(m) => f.series.contains_key(&m),
                MetricRead::WindowP99 => f.window_stats_at.is_some(),
            };
            if !known {
                return ReadState::Unread;
            }
            if f.read_at(r).is_some_and(|at| at < stale_before) {
                state = ReadState::Stale;
            }
        }
        // Another origin reads on, this one cannot: its last values, marked.
        if !self.origins.is_empty()
            && self
                .origins
                .get(&f.id.origin())
                .is_some_and(OriginState::unreadable)
        {
            state = ReadState::Stale;
        }
        state
    }

    /// The source has delivered all it ever will.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Whether every poller in `pollers` has delivered (or failed) at least once.
    /// With several origins, every poller of every origin.
    pub fn has_polled(&self, pollers: &[Poller]) -> bool {
        // Functions that could not be listed leave the other pollers nothing to read: they
        // will not answer.
        let done = |map: &BTreeMap<Poller, PollerHealth>| {
            let unlisted = map
                .get(&Poller::Discovery)
                .is_some_and(|h| h.last_ok.is_none() && h.last_error.is_some());
            unlisted
                || pollers.iter().all(|p| {
                    map.get(p)
                        .is_some_and(|h| h.last_ok.is_some() || h.last_error.is_some())
                })
        };
        self.ended
            || if self.origins.is_empty() {
                done(&self.pollers)
            } else {
                self.origins.values().all(|o| done(&o.pollers))
            }
    }

    /// The concurrency of each origin, worst first (the largest share of its limit): its peak
    /// in the window, its limit when read.
    pub fn origin_concurrency(&self) -> Vec<(&Origin, Option<f64>, Option<u32>)> {
        let from = self.window_start();
        let mut v: Vec<(&Origin, Option<f64>, Option<u32>)> = self
            .origins
            .iter()
            .map(|(o, s)| {
                let peak = s.concurrency.as_ref().and_then(|c| c.max(from));
                (o, peak, s.concurrency_limit)
            })
            .collect();
        v.sort_by(|a, b| {
            crate::model::concurrency_share(b.1, b.2)
                .total_cmp(&crate::model::concurrency_share(a.1, a.2))
                .then(a.0.cmp(b.0))
        });
        v
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration as StdDuration;

    use chrono::TimeZone;

    use super::*;
    use crate::clock::ManualClock;
    use crate::message::WindowReport;

    fn store(window: TimeWindow) -> Store {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 14, 15, 0, 0)
            .single()
            .expect("time");
        Store::new(
            SourceKind::Cloudwatch,
            Some("eu-west-1".into()),
            window,
            StoreLimits::default(),
            Arc::new(ManualClock::new(now)),
        )
    }

    fn reports(window: TimeWindow, invocations: u64) -> Update {
        let to = Utc
            .with_ymd_and_hms(2026, 3, 14, 15, 0, 0)
            .single()
            .expect("time");
        Update::Reports(WindowReports {
            origin: ReportOrigin::Filter,
            window,
            from: window.start(to),
            to,
            reports: vec![
                (
                    "orders".into(),
                    Some(WindowReport {
                        invocations,
                        cold_starts: 1,
                        billed_ms_total: 1000,
                        gb_seconds: 0.125,
                        ..WindowReport::default()
                    }),
                ),
                ("billing".into(), None),
            ],
        })
    }

    #[test]
    fn window_figures_are_priced_kept_while_loading_and_dropped_for_another_window() {
        let hour = TimeWindow::minutes(60);
        let mut s = store(hour);
        s.expect_window_reports();
        // The log pane's lines alone make no figures when the source delivers window figures.
        s.apply(Update::logs(vec![crate::model::LogEvent {
            function: Arc::from("orders"),
            origin: Default::default(),
            timestamp: s.now(),
            stream: Arc::from("s"),
            message: "REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB".into(),
            event_id: None,
        }]));
        assert!(
            s.function_named("orders")
                .and_then(|f| f.report())
                .is_none()
        );

        s.apply(reports(hour, 4));
        let r = s
            .function_named("orders")
            .and_then(|f| f.report())
            .expect("report");
        assert_eq!((r.invocations, r.cold_starts), (4, 1));
        assert_eq!(r.cold_start_rate, Some(0.25));
        // 4 × $0.20 / 1M + 0.125 GB-s × $0.0000166667.
        assert!((r.cost_usd - (0.000_000_8 + 0.125 * 0.000_016_666_7)).abs() < 1e-12);
        // An unsupported answer is no figures, not zeros.
        let billing = s.function_named("billing").expect("billing");
        assert!(billing.report().is_none());
        assert!(billing.window_report().is_some());

        // A new window: the old figures stay, marked, until the new window's arrive; a late
        // answer for the old window changes nothing.
        let quarter = TimeWindow::minutes(15);
        s.set_window(quarter);
        assert!(s.reports_loading());
        s.apply(reports(hour, 9));
        let r = s
            .function_named("orders")
            .and_then(|f| f.report())
            .expect("report");
        assert_eq!(r.invocations, 4);
        assert!(s.reports_loading());
        s.apply(reports(quarter, 2));
        assert!(!s.reports_loading());
        let r = s
            .function_named("orders")
            .and_then(|f| f.report())
            .expect("report");
        assert_eq!(r.invocations, 2);
    }

    use crate::model::{Datapoint, MetricPoints};

    fn paced_store() -> (Store, Arc<ManualClock>) {
        let at = Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 30).unwrap();
        let clock = Arc::new(ManualClock::new(at));
        let mut s = Store::new(
            SourceKind::Cloudwatch,
            None,
            TimeWindow::default(),
            StoreLimits::default(),
            clock.clone(),
        );
        s.set_refresh(StdDuration::from_secs(60));
        s.apply(Update::Functions(vec![
            FunctionConfig::named("read"),
            FunctionConfig::named("never"),
        ]));
        (s, clock)
    }

    fn invocations(s: &mut Store, name: Option<&str>, value: f64) {
        let now = s.now();
        let from = now - Duration::minutes(10);
        let at = Utc.with_ymd_and_hms(2026, 3, 14, 8, 59, 0).unwrap();
        s.apply(Update::Metrics(vec![MetricPoints {
            function: name.map(str::to_string),
            metric: MetricKind::Invocations,
            from,
            to: now + Duration::seconds(30),
            period_s: 60,
            points: vec![Datapoint { at, value }],
        }]));
    }

    #[test]
    fn one_origin_failing_is_its_own_and_the_others_read_on() {
        let mut s = store(TimeWindow::default());
        let (east, west) = (
            Origin::region(Some("us-east-1")),
            Origin::region(Some("eu-west-1")),
        );
        s.set_origins(&[east.clone(), west.clone()]);
        let at = s.now();
        let from = |o: &Origin, update: Update| Update::From {
            origin: o.clone(),
            update: Box::new(update),
        };
        let conc = |o: &Origin, value: f64| {
            from(
                o,
                Update::Metrics(vec![MetricPoints {
                    function: None,
                    metric: MetricKind::ConcurrentExecutions,
                    from: at - Duration::minutes(10),
                    to: at,
                    period_s: 60,
                    points: vec![Datapoint {
                        at: at - Duration::minutes(2),
                        value,
                    }],
                }]),
            )
        };
        for o in [&east, &west] {
            s.apply(from(
                o,
                Update::Functions(vec![FunctionConfig::named("orders")]),
            ));
        }
        s.apply(from(
            &east,
            Update::Polled {
                poller: Poller::Metrics,
                at,
            },
        ));
        // Every origin's poller must have answered.
        assert!(!s.has_polled(&[Poller::Metrics]));
        let denied = SourceError::new("Access denied.", None);
        s.apply(from(
            &west,
            Update::Failed {
                poller: Poller::Metrics,
                at,
                error: denied.clone(),
            },
        ));
        assert!(s.has_polled(&[Poller::Metrics]));
        // Not a store-wide failure: the other Region reads.
        assert_eq!(s.current_error(), None);
        assert_eq!(s.origin_failures(), [(&west, Poller::Metrics, &denied)]);
        let (e, w) = (
            s.function(&east.function("orders")).expect("east"),
            s.function(&west.function("orders")).expect("west"),
        );
        assert_eq!(s.read_state(w, &[]), ReadState::Stale);
        assert_eq!(s.read_state(e, &[]), ReadState::Fresh);
        // Failing everywhere, it is the store's.
        s.apply(from(
            &east,
            Update::Failed {
                poller: Poller::Metrics,
                at: at + Duration::seconds(1),
                error: denied.clone(),
            },
        ));
        assert_eq!(s.current_error(), Some((Poller::Metrics, &denied)));
        // Limits and peaks per Region, the largest share first; calls counted in both.
        s.apply(from(&east, Update::AccountConcurrencyLimit(100)));
        s.apply(from(&west, Update::AccountConcurrencyLimit(1000)));
        s.apply(conc(&east, 50.0));
        s.apply(conc(&west, 400.0));
        assert_eq!(
            s.origin_concurrency(),
            [
                (&east, Some(50.0), Some(100)),
                (&west, Some(400.0), Some(1000))
            ]
        );
        s.apply(from(
            &west,
            Update::ApiCalls(ApiCalls {
                operation: "GetMetricData",
                calls: 2,
                billed_units: 10,
            }),
        ));
        let west_state = s
            .origins()
            .find(|(o, _)| **o == west)
            .map(|(_, st)| st.calls);
        assert_eq!((west_state, s.api.total_calls()), (Some(2), 2));
    }

    #[test]
    fn a_figure_keeps_its_last_value_marked_stale_until_read_again() {
        let (mut s, clock) = paced_store();
        invocations(&mut s, Some("read"), 7.0);
        let inv = [MetricRead::Series(MetricKind::Invocations)];
        let f = |s: &Store, n: &str| s.function_named(n).expect("function").clone();
        assert_eq!(s.read_state(&f(&s, "read"), &inv), ReadState::Fresh);
        // Never read: not a 0, a read on its way.
        assert_eq!(s.read_state(&f(&s, "never"), &inv), ReadState::Unread);
        // Read no more (scrolled away) for longer than 2.5 rounds: the last value, stale.
        clock.advance(Duration::seconds(151));
        s.tick();
        assert_eq!(s.read_state(&f(&s, "read"), &inv), ReadState::Stale);
        assert_eq!(f(&s, "read").summary.invocations, 7);
        // Read again: fresh.
        invocations(&mut s, Some("read"), 9.0);
        assert_eq!(s.read_state(&f(&s, "read"), &inv), ReadState::Fresh);
        assert_eq!(f(&s, "read").summary.invocations, 9);
    }

    #[test]
    fn the_header_totals_come_from_the_region_once_read() {
        let (mut s, _) = paced_store();
        invocations(&mut s, Some("read"), 7.0);
        assert_eq!(s.totals().invocations, 7);
        // A Region that published nothing (an emulator): the functions' sums.
        invocations(&mut s, None, f64::NAN);
        assert_eq!(s.totals().invocations, 7);
        // The Region's own figures count every function, read or not.
        invocations(&mut s, None, 40.0);
        let now = s.now();
        for metric in [MetricKind::Errors, MetricKind::Throttles] {
            s.apply(Update::Metrics(vec![MetricPoints {
                function: None,
                metric,
                from: now - Duration::minutes(10),
                to: now,
                period_s: 60,
                points: Vec::new(),
            }]));
        }
        let t = s.totals();
        assert_eq!((t.invocations, t.errors, t.throttles), (40, 0, 0));
    }

    /// With Regions read at different paces, data goes stale after rounds of the slowest,
    /// whichever announced its pace last; the cost an hour is every Region's.
    #[test]
    fn several_regions_paces_make_one_stale_limit_and_add_their_costs() {
        let (mut s, _) = paced_store();
        let (east, west) = (
            Origin::region(Some("us-east-1")),
            Origin::region(Some("eu-west-1")),
        );
        s.set_origins(&[east.clone(), west.clone()]);
        for (origin, every, usd) in [(&west, 600, 0.01), (&east, 60, 0.05)] {
            let pace = Pace {
                every: StdDuration::from_secs(every),
                reason: crate::message::PaceReason::Normal,
                usd_per_hour: usd,
            };
            s.apply(Update::From {
                origin: origin.clone(),
                update: Box::new(Update::Pace {
                    poller: Poller::Metrics,
                    pace,
                }),
            });
        }
        assert_eq!(s.stale_after(), Duration::seconds(1500));
        let paced = s.api.metrics_pace().map(|p| p.usd_per_hour).unwrap_or(0.0);
        assert!((paced - 0.06).abs() < 1e-12, "{paced}");
    }

    /// A function's concurrency limit is its own Region's, whichever Region answered last.
    #[test]
    fn each_regions_functions_have_its_own_concurrency_limit() {
        let (mut s, _) = paced_store();
        let (east, west) = (
            Origin::region(Some("us-east-1")),
            Origin::region(Some("eu-west-1")),
        );
        s.set_origins(&[east.clone(), west.clone()]);
        for (origin, limit) in [(&east, 1000), (&west, 50)] {
            s.apply(Update::From {
                origin: origin.clone(),
                update: Box::new(Update::AccountConcurrencyLimit(limit)),
            });
        }
        assert_eq!(s.concurrency_limit_of(&east.function("orders")), Some(1000));
        assert_eq!(s.concurrency_limit_of(&west.function("orders")), Some(50));
        let elsewhere = Origin::region(Some("ap-south-1")).function("orders");
        assert_eq!(s.concurrency_limit_of(&elsewhere), None);
    }

    /// Two Regions' alarm rounds a second apart, each every minute: 120 requests an hour, not
    /// one round repeated every second.
    #[test]
    fn several_regions_rounds_are_paced_apart() {
        let (mut s, clock) = paced_store();
        let (east, west) = (
            Origin::region(Some("us-east-1")),
            Origin::region(Some("eu-west-1")),
        );
        s.set_origins(&[east.clone(), west.clone()]);
        let alarms = |s: &mut Store, origin: &Origin| {
            s.apply(Update::From {
                origin: origin.clone(),
                update: Box::new(Update::ApiCalls(ApiCalls::new("DescribeAlarms", 1, 1))),
            });
        };
        for _ in 0..2 {
            alarms(&mut s, &east);
            clock.advance(Duration::seconds(1));
            alarms(&mut s, &west);
            clock.advance(Duration::seconds(59));
        }
        let expected = 120.0 * CLOUDWATCH_USD_PER_UNIT;
        assert!(
            (s.api.usd_per_hour() - expected).abs() < 1e-9,
            "{}",
            s.api.usd_per_hour()
        );
    }

    #[test]
    fn the_cost_an_hour_follows_the_metrics_pace_and_counts_every_charge() {
        let (mut s, clock) = paced_store();
        let pace = Pace {
            every: StdDuration::from_secs(300),
            reason: crate::message::PaceReason::Idle,
            usd_per_hour: 0.015,
        };
        s.apply(Update::ApiCalls(ApiCalls::new("GetMetricData", 1, 962)));
        s.apply(Update::Pace {
            poller: Poller::Metrics,
            pace,
        });
        s.apply(Update::ApiCalls(ApiCalls::new("DescribeAlarms", 1, 1)));
        clock.advance(Duration::seconds(60));
        s.apply(Update::ApiCalls(ApiCalls::new("GetMetricData", 1, 5)));
        s.apply(Update::ApiCalls(ApiCalls::new("DescribeAlarms", 1, 1)));
        // Two Live Tail minutes a minute apart, at $0.01 a minute.
        s.apply(Update::Charge(Charge::new(
            "StartLiveTail",
            1.0,
            "minutes",
            0.01,
        )));
        clock.advance(Duration::seconds(60));
        s.apply(Update::Charge(Charge::new(
            "StartLiveTail",
            1.0,
            "minutes",
            0.01,
        )));
        // GetMetricData at its pace, not its last read; alarms at 60 an hour; Live Tail at 60
        // minutes an hour.
        let expected = 0.015 + 60.0 * CLOUDWATCH_USD_PER_UNIT + 0.6;
        assert!(
            (s.api.usd_per_hour() - expected).abs() < 1e-9,
            "{}",
            s.api.usd_per_hour()
        );
        assert!((s.api.usd_per_hour_besides_paced() - (expected - 0.015)).abs() < 1e-9);
        let spent = (962.0 + 1.0 + 5.0 + 1.0) * CLOUDWATCH_USD_PER_UNIT + 0.02;
        assert!((s.api.cost_usd() - spent).abs() < 1e-12);
        // Stale data follows the pace: 2.5 idle rounds.
        assert_eq!(s.stale_after(), Duration::seconds(750));
    }
}

//! Metrics through CloudWatch `GetMetricData`: every function × [`MetricKind::ALL`], one Duration
//! p99 over the whole window per function, the Region-wide `ConcurrentExecutions` and
//! `ClaimedAccountConcurrency`, and [`MetricKind::DETAIL`] of the detail view's function alone —
//! batched at most [`MAX_QUERIES_PER_CALL`] queries a call, so a refresh costs
//! `ceil(queries / 500)` calls.
//!
//! When the detail view opens on a function, its detail metrics are read at once over the whole
//! window (one call, nine metrics), between rounds; the rounds after carry them while it is open.
//!
//! The first round reads the whole window; later rounds re-read only the trailing minutes Lambda
//! may still fill in (5 periods or the longest function timeout, whichever is longer, counted
//! from the previous successful round), except the calls that carry window-long queries, which
//! read the whole window anyway — the number of calls never grows. A change of window reads the
//! whole window again.
//!
//! The dashboard names what it shows ([`Request::metrics`], a [`MetricsView`]): then a round
//! reads only that, by tier ([`ViewTiers`]) — the Region's figures, the rows on screen and the
//! detail view's function every round; every function's sort metrics every [`ORDER_EVERY`]
//! rounds; the rows about to be scrolled to every [`AHEAD_EVERY`] rounds; everything on waking
//! from idle. What comes on screen between rounds is read at once, over the whole window. A
//! query the round before did not read reads the whole window; the others the trailing minutes.
//! The poller then paces its rounds ([`pace`]): every minute, every five while idle, longer when
//! a budget says so, and tells the front end (`Update::Pace`).
//!
//! With `--linked-accounts`, a query of a linked source account's function names its account
//! (`AccountId`), and what it answers is sent as that account's ([`Update::From`]): a function is
//! told by its account and name, never by its name alone, so a linked account's namesake of an own
//! function has its own figures.
//!
//! Planning (which query goes into which call, over which time range, under which id) is pure and
//! tested here; the poller only sends the plan and maps results back.

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
};
use chrono::{DateTime, Duration, Utc};

use super::call::{MapErrOp, next_token, retried};
use super::error::{AwsError, GET_METRIC_DATA};
use super::linked::{Accounts, OfAccount, by_account};
use super::{AwsOptions, Clients, Shared};
use crate::clock::floor_to;
use crate::message::{
    ApiCalls, CLOUDWATCH_USD_PER_UNIT, MetricRead, MetricsView, Pace, RoundCost, SourceError,
    Update, pace,
};
use crate::message::{Poller, Request, SourceContext};
use crate::model::{Datapoint, FunctionConfig, FunctionId, MetricKind, MetricPoints, WindowStats};
use crate::poll::{Round, RoundOutcome, round_now};
use crate::window::TimeWindow;

/// GetMetricData's hard limit of queries a call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
const NAMESPACE: &str = "AWS/Lambda";
/// Percentile queries are tried again after this many rounds without them.
const PERCENTILE_RETRY_ROUNDS: u64 = 60;

/// Whose metric a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryTarget {
    /// The function at this index of the round's function list.
    Function(usize),
    /// The whole Region (no dimensions).
    Region,
}

/// What a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// One point per period of the window.
    Series(MetricKind),
    /// Duration p99 over the whole window, one point.
    WindowP99,
}

impl QueryKind {
    pub fn is_percentile(self) -> bool {
        matches!(
            self,
            QueryKind::WindowP99 | QueryKind::Series(MetricKind::DurationP99)
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QuerySpec {
    pub target: QueryTarget,
    pub kind: QueryKind,
}

/// A half-open time range `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// One GetMetricData call: its time range and the queries (indexes into [`MetricsPlan::specs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallPlan {
    pub range: TimeRange,
    pub queries: Vec<usize>,
}

/// The calls of one round.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetricsPlan {
    pub specs: Vec<QuerySpec>,
    pub calls: Vec<CallPlan>,
    pub period_s: u32,
    /// The whole window, `[start, end of the current period)`.
    pub window: TimeRange,
    /// Period of the window-long p99 queries: the window's length in whole periods.
    pub window_period_s: u32,
}

/// The detail metrics of function `index`.
fn detail_specs(index: usize) -> impl Iterator<Item = QuerySpec> {
    MetricKind::DETAIL.into_iter().map(move |kind| QuerySpec {
        target: QueryTarget::Function(index),
        kind: QueryKind::Series(kind),
    })
}

/// Rounds between reads of every function's sort metrics (the order of the rows off screen).
pub const ORDER_EVERY: u64 = 5;
/// Rounds between reads of the rows the user is about to scroll to.
pub const AHEAD_EVERY: u64 = 15;

impl From<MetricRead> for QueryKind {
    fn from(r: MetricRead) -> Self {
        match r {
            MetricRead::Series(m) => QueryKind::Series(m),
            MetricRead::WindowP99 => QueryKind::WindowP99,
        }
    }
}

/// A discovered function by its account (`None`: the credentials' own) and name.
pub type FunctionKey = OfAccount<String>;

/// The keys of `functions`, in their order.
fn keys_of(functions: &[FunctionConfig]) -> Vec<FunctionKey> {
    functions
        .iter()
        .map(|f| (f.account.clone(), f.name.clone()))
        .collect()
}

/// A query by function rather than by index, for remembering what was read across rounds whose
/// function lists differ.
pub type QueryKey = (Option<FunctionKey>, QueryKind);

/// What a view asks the metrics poller for, by how often it is read: `every_round` (the
/// Region's figures, the rows on screen, the detail view's function), `order` (the sort
/// metrics of every other function, every [`ORDER_EVERY`] rounds) and `ahead` (the rows about
/// to be scrolled to, every [`AHEAD_EVERY`] rounds). No query is in two tiers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewTiers {
    pub every_round: Vec<QuerySpec>,
    pub order: Vec<QuerySpec>,
    pub ahead: Vec<QuerySpec>,
}

impl ViewTiers {
    /// The tiers of `view` over `functions` (those discovered, in their order); `detail` is the
    /// detail view's function, whose [`MetricKind::DETAIL`] metrics are read too. Each function
    /// of the view is the one of its account: a linked account's namesake of an own function is
    /// another.
    pub fn new(
        view: &MetricsView,
        functions: &[FunctionConfig],
        detail: Option<&FunctionId>,
        percentiles: bool,
    ) -> Self {
        let accounts = Accounts::new(functions);
        let index: HashMap<(Option<&str>, &str), usize> = functions
            .iter()
            .enumerate()
            .map(|(i, f)| ((f.account.as_deref(), f.name.as_str()), i))
            .collect();
        let find = |id: &FunctionId| index.get(&(accounts.of(id), &*id.name)).copied();
        let keep = |k: &QueryKind| percentiles || !k.is_percentile();
        let mut seen = std::collections::HashSet::new();
        let mut tier = |targets: &mut dyn Iterator<Item = (QueryTarget, QueryKind)>| {
            let mut out = Vec::new();
            for (target, kind) in targets {
                if keep(&kind) && seen.insert((target, kind)) {
                    out.push(QuerySpec { target, kind });
                }
            }
            out
        };
        let rows = |list: Vec<usize>, reads: Vec<QueryKind>| -> Vec<(QueryTarget, QueryKind)> {
            list.into_iter()
                .flat_map(|i| reads.iter().map(move |k| (QueryTarget::Function(i), *k)))
                .collect()
        };
        let found = |ids: &[FunctionId]| -> Vec<usize> { ids.iter().filter_map(find).collect() };
        let row: Vec<QueryKind> = view.row.iter().map(|r| QueryKind::from(*r)).collect();
        let mut every: Vec<(QueryTarget, QueryKind)> = vec![
            (
                QueryTarget::Region,
                QueryKind::Series(MetricKind::ConcurrentExecutions),
            ),
            (
                QueryTarget::Region,
                QueryKind::Series(MetricKind::ClaimedAccountConcurrency),
            ),
        ];
        if view.account_totals {
            every.extend(
                [
                    MetricKind::Invocations,
                    MetricKind::Errors,
                    MetricKind::Throttles,
                ]
                .map(|m| (QueryTarget::Region, QueryKind::Series(m))),
            );
        }
        for function in &view.full {
            let Some(i) = find(function) else {
                continue;
            };
            let detail_too = detail == Some(function);
            every.extend(
                std::iter::once(QueryKind::WindowP99)
                    .chain(MetricKind::ALL.map(QueryKind::Series))
                    .chain(
                        MetricKind::DETAIL
                            .into_iter()
                            .filter(|_| detail_too)
                            .map(QueryKind::Series),
                    )
                    .map(|k| (QueryTarget::Function(i), k)),
            );
        }
        every.extend(rows(found(&view.shown), row.clone()));
        let every_round = tier(&mut every.into_iter());
        let all: Vec<QueryKind> = view
            .every_function
            .iter()
            .map(|r| QueryKind::from(*r))
            .collect();
        let order = tier(&mut rows((0..functions.len()).collect(), all).into_iter());
        let ahead = tier(&mut rows(found(&view.ahead), row).into_iter());
        Self {
            every_round,
            order,
            ahead,
        }
    }

    /// The queries of a round, with or without the order and the rows ahead.
    pub fn round(&self, order: bool, ahead: bool) -> Vec<QuerySpec> {
        let mut specs = self.every_round.clone();
        if order {
            specs.extend(self.order.iter().copied());
        }
        if ahead {
            specs.extend(self.ahead.iter().copied());
        }
        specs
    }

    /// Metrics requested a round: each tier at its pace.
    pub fn cost(&self) -> RoundCost {
        RoundCost {
            every: self.every_round.len() as f64,
            periodic: vec![
                (ORDER_EVERY, self.order.len() as f64),
                (AHEAD_EVERY, self.ahead.len() as f64),
            ],
        }
    }
}

/// The function-keyed form of `spec` over `keys`.
fn query_key(spec: &QuerySpec, keys: &[FunctionKey]) -> Option<QueryKey> {
    let function = match spec.target {
        QueryTarget::Region => None,
        QueryTarget::Function(i) => Some(keys.get(i)?.clone()),
    };
    Some((function, spec.kind))
}

/// The id of query `index`: ids must start with a lower-case letter.
pub fn query_id(index: usize) -> String {
    format!("q{index}")
}

/// The index behind an id made by [`query_id`].
pub fn parse_query_id(id: &str) -> Option<usize> {
    let digits = id.strip_prefix('q')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Where a trailing re-read starts: `lookback` before the previous successful round (so a gap of
/// failed rounds is filled in too), aligned to the period and never before the window.
/// `lookback` is at least 5 periods, or the longest timeout rounded up to whole periods.
pub fn reread_from(
    window: TimeWindow,
    now: DateTime<Utc>,
    previous_round: DateTime<Utc>,
    longest_timeout_s: u32,
) -> DateTime<Utc> {
    let period = i64::from(window.period_s());
    let timeout_periods = i64::from(longest_timeout_s.div_ceil(window.period_s()));
    let lookback = Duration::seconds(period * timeout_periods.max(5));
    let anchor = previous_round.min(now);
    floor_to(anchor - lookback, period).max(window.start(now))
}

impl MetricsPlan {
    /// Plans a round for `functions` functions at `now`. `reread_from` is `None` for a full read
    /// of the window. Without `percentiles` the p99 queries are left out.
    pub fn new(
        functions: usize,
        window: TimeWindow,
        now: DateTime<Utc>,
        reread_from: Option<DateTime<Utc>>,
        percentiles: bool,
    ) -> Self {
        Self::with_detail(functions, None, window, now, reread_from, percentiles)
    }

    /// [`MetricsPlan::new`], and the detail metrics of function `detail` when it is one of the
    /// `functions`.
    pub fn with_detail(
        functions: usize,
        detail: Option<usize>,
        window: TimeWindow,
        now: DateTime<Utc>,
        reread_from: Option<DateTime<Utc>>,
        percentiles: bool,
    ) -> Self {
        // Window-long queries first: they need the whole window, and the calls that carry them
        // read it whole; the series fill the rest of those calls, then calls of their own.
        let mut specs = Vec::with_capacity(functions * (MetricKind::ALL.len() + 1) + 2);
        if percentiles {
            specs.extend((0..functions).map(|i| QuerySpec {
                target: QueryTarget::Function(i),
                kind: QueryKind::WindowP99,
            }));
        }
        for kind in [
            MetricKind::ConcurrentExecutions,
            MetricKind::ClaimedAccountConcurrency,
        ] {
            specs.push(QuerySpec {
                target: QueryTarget::Region,
                kind: QueryKind::Series(kind),
            });
        }
        for i in 0..functions {
            for kind in MetricKind::ALL {
                if kind == MetricKind::DurationP99 && !percentiles {
                    continue;
                }
                specs.push(QuerySpec {
                    target: QueryTarget::Function(i),
                    kind: QueryKind::Series(kind),
                });
            }
        }
        if let Some(d) = detail.filter(|&d| d < functions) {
            specs.extend(detail_specs(d));
        }
        Self::batched(specs, window, now, reread_from)
    }

    /// The detail metrics of function `function` alone, over the whole window.
    pub fn detail(function: usize, window: TimeWindow, now: DateTime<Utc>) -> Self {
        Self::batched(detail_specs(function).collect(), window, now, None)
    }

    /// Puts `specs` into calls of at most [`MAX_QUERIES_PER_CALL`] queries.
    fn batched(
        specs: Vec<QuerySpec>,
        window: TimeWindow,
        now: DateTime<Utc>,
        reread_from: Option<DateTime<Utc>>,
    ) -> Self {
        Self::batched_with(specs, window, now, reread_from, |_| false)
    }

    /// The queries of a view's round: `specs`, of which those `whole` says (queries never read
    /// in this window, or not in the round before) read the whole window and come first, so
    /// that the calls carrying them are as few as can be; the others re-read from
    /// `reread_from`.
    pub fn for_view(
        specs: Vec<QuerySpec>,
        window: TimeWindow,
        now: DateTime<Utc>,
        reread_from: Option<DateTime<Utc>>,
        whole: impl Fn(&QuerySpec) -> bool,
    ) -> Self {
        let (mut first, rest): (Vec<QuerySpec>, Vec<QuerySpec>) = specs
            .into_iter()
            .partition(|s| s.kind == QueryKind::WindowP99 || whole(s));
        let n = first.len();
        first.extend(rest);
        Self::batched_with(first, window, now, reread_from, move |i| i < n)
    }

    /// [`MetricsPlan::batched`], where `whole(index)` also marks queries that need the whole
    /// window.
    fn batched_with(
        specs: Vec<QuerySpec>,
        window: TimeWindow,
        now: DateTime<Utc>,
        reread_from: Option<DateTime<Utc>>,
        whole: impl Fn(usize) -> bool,
    ) -> Self {
        let period_s = window.period_s();
        let period = i64::from(period_s);
        let start = window.start(now);
        let end = floor_to(now, period) + Duration::seconds(period);
        let full = TimeRange {
            from: start,
            to: end,
        };
        let window_period_s = u32::try_from((end - start).num_seconds())
            .unwrap_or(period_s)
            .max(period_s);
        let trailing = reread_from.map(|from| TimeRange {
            from: floor_to(from, period).clamp(start, end),
            to: end,
        });
        let calls = (0..specs.len())
            .collect::<Vec<_>>()
            .chunks(MAX_QUERIES_PER_CALL)
            .map(|chunk| {
                let window_long = chunk
                    .iter()
                    .any(|&i| specs[i].kind == QueryKind::WindowP99 || whole(i));
                CallPlan {
                    range: match trailing {
                        Some(t) if !window_long => t,
                        _ => full,
                    },
                    queries: chunk.to_vec(),
                }
            })
            .collect();
        Self {
            specs,
            calls,
            period_s,
            window: full,
            window_period_s,
        }
    }

    /// Queries in the plan, i.e. CloudWatch's billed "metrics requested" per round.
    pub fn query_count(&self) -> usize {
        self.specs.len()
    }

    /// The SDK query for spec `index`.
    pub fn query(&self, index: usize, functions: &[FunctionConfig]) -> Option<MetricDataQuery> {
        let spec = self.specs.get(index)?;
        let (dimensions, account) = match spec.target {
            QueryTarget::Region => (None, None),
            QueryTarget::Function(f) => {
                let f = functions.get(f)?;
                let dimension = Dimension::builder()
                    .name("FunctionName")
                    .value(&f.name)
                    .build();
                // A linked source account's function is read from its account.
                (Some(vec![dimension]), f.account.clone())
            }
        };
        let (metric, stat, period) = match spec.kind {
            QueryKind::Series(kind) => (kind.metric_name(), kind.statistic(), self.period_s),
            QueryKind::WindowP99 => ("Duration", "p99", self.window_period_s),
        };
        Some(
            MetricDataQuery::builder()
                .id(query_id(index))
                .set_account_id(account)
                .return_data(true)
                .metric_stat(
                    MetricStat::builder()
                        .metric(
                            Metric::builder()
                                .namespace(NAMESPACE)
                                .metric_name(metric)
                                .set_dimensions(dimensions)
                                .build(),
                        )
                        .period(i32::try_from(period).unwrap_or(i32::MAX))
                        .stat(stat)
                        .build(),
                )
                .build(),
        )
    }

    /// The figures read by call `call` (`points` by spec index), each with its function's
    /// account (the Region's are the own account's). Queries without an answer are left out, so
    /// the store keeps what it had for them.
    pub fn updates(
        &self,
        call: &CallPlan,
        points: &HashMap<usize, Vec<Datapoint>>,
        functions: &[FunctionConfig],
    ) -> (Vec<OfAccount<MetricPoints>>, Vec<OfAccount<NamedStats>>) {
        let mut series = Vec::new();
        let mut stats = Vec::new();
        for &i in &call.queries {
            let (Some(spec), Some(pts)) = (self.specs.get(i), points.get(&i)) else {
                continue;
            };
            let (account, function) = match spec.target {
                QueryTarget::Region => (None, None),
                QueryTarget::Function(f) => match functions.get(f) {
                    Some(f) => (f.account.clone(), Some(f.name.clone())),
                    None => continue,
                },
            };
            match spec.kind {
                QueryKind::Series(metric) => series.push((
                    account,
                    MetricPoints {
                        function,
                        metric,
                        from: call.range.from,
                        to: call.range.to,
                        period_s: self.period_s,
                        points: pts.clone(),
                    },
                )),
                QueryKind::WindowP99 => {
                    if let Some(name) = function {
                        let p99 = pts.iter().map(|p| p.value).find(|v| v.is_finite());
                        let stats_of = WindowStats {
                            duration_p99_ms: p99,
                        };
                        stats.push((account, (name, stats_of)));
                    }
                }
            }
        }
        (series, stats)
    }
}

fn to_chrono(t: &aws_sdk_cloudwatch::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn to_aws(t: DateTime<Utc>) -> aws_sdk_cloudwatch::primitives::DateTime {
    aws_sdk_cloudwatch::primitives::DateTime::from_secs(t.timestamp())
}

/// What one call (all its pages) brought back.
struct CallResult {
    points: HashMap<usize, Vec<Datapoint>>,
    requests: u32,
    /// Requests that were answered, for billing.
    answered: u32,
    error: Option<AwsError>,
}

/// A function's window figures, by name.
pub type NamedStats = (String, WindowStats);

/// The figures of a read as updates, each linked account's as that account's (`region`).
fn figures_updates(
    series: Vec<OfAccount<MetricPoints>>,
    stats: Vec<OfAccount<NamedStats>>,
    region: &str,
) -> Vec<Update> {
    let mut updates = by_account(series, Update::Metrics, false, region);
    updates.extend(by_account(stats, Update::WindowStats, false, region));
    updates
}

/// What the calls of one plan brought back.
#[derive(Default)]
struct PlanRead {
    plan: MetricsPlan,
    series: Vec<OfAccount<MetricPoints>>,
    stats: Vec<OfAccount<NamedStats>>,
    /// Indexes of the plan's queries whose call was answered.
    answered: std::collections::HashSet<usize>,
    requests: u32,
    billed: u32,
    error: Option<SourceError>,
    percentile_note: Option<SourceError>,
    percentiles: bool,
}

impl PlanRead {
    /// The round's outcome: `first` (e.g. the pace), the series and window figures, the calls;
    /// the invocations per function go to the logs poller for its ranking.
    fn outcome(
        self,
        shared: &Shared,
        functions: &[FunctionConfig],
        first: Vec<Update>,
    ) -> RoundOutcome {
        let mut invocations: HashMap<FunctionKey, f64> = HashMap::new();
        for (account, m) in &self.series {
            if m.metric == MetricKind::Invocations
                && let Some(name) = &m.function
            {
                *invocations
                    .entry((account.clone(), name.clone()))
                    .or_default() += m.points.iter().map(|p| p.value).sum::<f64>();
            }
        }
        let mut stats = self.stats;
        if !self.percentiles {
            // No window p99 this round: say so rather than keep a stale one.
            stats = functions
                .iter()
                .map(|f| (f.account.clone(), (f.name.clone(), WindowStats::default())))
                .collect();
        }
        if !invocations.is_empty() || self.error.is_none() {
            shared
                .recent_invocations
                .send_replace(Some(Arc::new(invocations)));
        }
        let mut updates = first;
        updates.extend(figures_updates(self.series, stats, &shared.region));
        RoundOutcome {
            updates,
            calls: vec![ApiCalls::new(
                GET_METRIC_DATA.name,
                self.requests,
                self.billed,
            )],
            // A notice, not a failure: the round's data is good and not stale.
            notice: self.percentile_note,
            error: self.error,
        }
    }
}

/// The longest timeout of `functions`, seconds: how late Lambda may fill in a minute.
fn longest_timeout(functions: &[FunctionConfig]) -> u32 {
    functions
        .iter()
        .filter_map(|f| f.timeout_s)
        .max()
        .unwrap_or(0)
}

/// Reads metrics every minute (or at once on "refresh now" or a new window).
pub struct MetricsPoller {
    clients: Clients,
    shared: Arc<Shared>,
    opts: Arc<AwsOptions>,
    /// Window and `now` of the last round whose every call succeeded.
    last_ok: Option<(TimeWindow, DateTime<Utc>)>,
    /// Functions of the last successful round: new ones need a full read.
    last_functions: Vec<FunctionKey>,
    percentiles: bool,
    rounds: u64,
    percentiles_off_since: u64,
    /// The detail view's function (and window) whose detail metrics were read over the whole
    /// window: later rounds may re-read only their trailing minutes.
    detail_read: Option<(TimeWindow, FunctionId)>,
    /// The detail view's function (and window) whose detail metrics were last asked for, read
    /// or not: a failed read between rounds is not tried again before the next round.
    detail_tried: Option<(TimeWindow, FunctionId)>,
    /// A view's rounds: the window they read, and per query the round (from 0) it was last
    /// read in, and last tried in (read or not).
    view_window: Option<TimeWindow>,
    read_round: HashMap<QueryKey, u64>,
    tried_round: HashMap<QueryKey, u64>,
    /// Rounds that last read every function's sort metrics, and the rows ahead.
    last_order: Option<u64>,
    last_ahead: Option<u64>,
    /// When the last view round ran: later rounds re-read from a little before it.
    last_round_at: Option<DateTime<Utc>>,
    was_idle: bool,
    /// The pace of the last view round; `None` before one (the configured interval).
    pace: Option<Pace>,
    /// Metrics billed by reads between rounds, and when: the last hour's count in the pace.
    between: std::collections::VecDeque<(DateTime<Utc>, u32)>,
}

/// The detail view's function of `req`, with the window.
fn detail_key(req: &Request) -> Option<(TimeWindow, FunctionId)> {
    req.detail_function.clone().map(|f| (req.window, f))
}

/// The index among `functions` of the detail view's function of `req`: the one of its account.
fn detail_index(req: &Request, functions: &[FunctionConfig]) -> Option<usize> {
    let id = req.detail_function.as_ref()?;
    let accounts = Accounts::new(functions);
    functions.iter().position(|f| accounts.names(id, f))
}

impl MetricsPoller {
    pub(crate) fn new(clients: Clients, shared: Arc<Shared>, opts: Arc<AwsOptions>) -> Self {
        Self {
            clients,
            shared,
            opts,
            last_ok: None,
            last_functions: Vec::new(),
            percentiles: true,
            rounds: 0,
            percentiles_off_since: 0,
            detail_read: None,
            detail_tried: None,
            view_window: None,
            read_round: HashMap::new(),
            tried_round: HashMap::new(),
            last_order: None,
            last_ahead: None,
            last_round_at: None,
            was_idle: false,
            pace: None,
            between: std::collections::VecDeque::new(),
        }
    }

    /// One round with the current request, delivered.
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        round_now(self, ctx).await
    }

    /// The detail metrics of the detail view's function over the whole window, when they were
    /// not asked for yet: what the dashboard reads as the detail view opens. Delivered without
    /// `Polled`, as between rounds.
    pub async fn detail_round(&mut self, ctx: &SourceContext, req: &Request) -> bool {
        self.interim(ctx, req).await.deliver_interim(ctx).await
    }

    fn discovered_functions(&self) -> Vec<FunctionConfig> {
        self.shared
            .discovered
            .borrow()
            .as_ref()
            .map(|d| d.functions.clone())
            .unwrap_or_default()
    }

    /// Reads the detail metrics of the detail view's function, one call.
    async fn read_detail(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        let key = detail_key(req);
        let mut outcome = RoundOutcome::default();
        if key.is_none() || key == self.detail_tried {
            return outcome;
        }
        self.detail_tried = key.clone();
        let functions = self.discovered_functions();
        let Some(index) = detail_index(req, &functions) else {
            return outcome;
        };
        let plan = MetricsPlan::detail(index, req.window, ctx.now());
        let (mut requests, mut billed) = (0, 0);
        for call in &plan.calls {
            let r = self.call(&plan, call, &functions).await;
            requests += r.requests;
            billed += r.answered * call.queries.len() as u32;
            if let Some(e) = &r.error {
                outcome.fail(self.clients.source_error(e));
            }
            let (series, _) = plan.updates(call, &r.points, &functions);
            outcome
                .updates
                .extend(figures_updates(series, Vec::new(), &self.shared.region));
        }
        match &outcome.error {
            None => self.detail_read = key,
            // Not the poller's health: the next round reads them again.
            Some(e) => crate::diag::log(&format!("detail metrics not read: {e}")),
        }
        self.between.push_back((ctx.now(), billed));
        outcome
            .calls
            .push(ApiCalls::new(GET_METRIC_DATA.name, requests, billed));
        outcome
    }

    /// Percentiles are tried again a while after an endpoint refused them.
    fn start_round(&mut self) {
        self.rounds += 1;
        if !self.percentiles && self.rounds - self.percentiles_off_since >= PERCENTILE_RETRY_ROUNDS
        {
            self.percentiles = true;
        }
    }

    async fn read_metrics(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        if let Some(view) = &req.metrics {
            return self.read_view(ctx, req, view).await;
        }
        self.start_round();
        let functions = self.discovered_functions();
        let now = ctx.now();
        let names = keys_of(&functions);
        let detail = detail_index(req, &functions);
        // Detail metrics not read over the whole window yet need a whole read too.
        let detail_known = detail.is_none() || detail_key(req) == self.detail_read;
        let reread = match self.last_ok {
            Some((w, prev)) if w == req.window && names == self.last_functions && detail_known => {
                Some(reread_from(
                    req.window,
                    now,
                    prev,
                    longest_timeout(&functions),
                ))
            }
            _ => None,
        };
        let read = self
            .run_plan(&functions, |percentiles| {
                MetricsPlan::with_detail(
                    functions.len(),
                    detail,
                    req.window,
                    now,
                    reread,
                    percentiles,
                )
            })
            .await;
        self.detail_tried = detail_key(req);
        if read.error.is_none() {
            self.last_ok = Some((req.window, now));
            self.last_functions = names;
            self.detail_read = detail.and(detail_key(req));
        }
        read.outcome(&self.shared, &functions, Vec::new())
    }

    /// A round of a view ([`Request::metrics`]): the Region and the rows on screen every round,
    /// every function's sort metrics and the rows ahead every few rounds (all of it on waking
    /// from idle), each query re-reading only the trailing minutes when the round before read
    /// it.
    async fn read_view(
        &mut self,
        ctx: &SourceContext,
        req: &Request,
        view: &MetricsView,
    ) -> RoundOutcome {
        self.start_round();
        let round = self.rounds - 1;
        if self.view_window != Some(req.window) {
            self.view_window = Some(req.window);
            self.read_round.clear();
            self.tried_round.clear();
            self.last_order = None;
            self.last_ahead = None;
            self.last_round_at = None;
        }
        let functions = self.discovered_functions();
        let names = keys_of(&functions);
        let now = ctx.now();
        let woke = self.was_idle && !req.idle;
        let order = woke || self.last_order.is_none_or(|l| round >= l + ORDER_EVERY);
        let ahead = woke || self.last_ahead.is_none_or(|l| round >= l + AHEAD_EVERY);
        let reread = self
            .last_round_at
            .map(|prev| reread_from(req.window, now, prev, longest_timeout(&functions)));
        let previous = round.checked_sub(1);
        let read_round = std::mem::take(&mut self.read_round);
        let detail = req.detail_function.as_ref();
        let plan_for = |percentiles: bool| {
            let tiers = ViewTiers::new(view, &functions, detail, percentiles);
            MetricsPlan::for_view(tiers.round(order, ahead), req.window, now, reread, |s| {
                query_key(s, &names).is_none_or(|k| read_round.get(&k) != previous.as_ref())
            })
        };
        let read = self.run_plan(&functions, plan_for).await;
        self.read_round = read_round;
        for (i, spec) in read.plan.specs.iter().enumerate() {
            if let Some(key) = query_key(spec, &names) {
                if read.answered.contains(&i) {
                    self.read_round.insert(key.clone(), round);
                }
                self.tried_round.insert(key, round);
            }
        }
        let tiers = ViewTiers::new(view, &functions, detail, self.percentiles);
        if order && !tiers.order.is_empty() {
            self.last_order = Some(round);
        }
        if ahead && !tiers.ahead.is_empty() {
            self.last_ahead = Some(round);
        }
        self.was_idle = req.idle;
        self.last_round_at = Some(now);
        // Reads between rounds (scrolling, sorting) over the last hour count as a rate of
        // their own, which the rounds' share of a budget leaves room for.
        let hour_ago = now - Duration::hours(1);
        self.between.retain(|(at, _)| *at > hour_ago);
        let between_usd =
            self.between.iter().map(|(_, u)| f64::from(*u)).sum::<f64>() * CLOUDWATCH_USD_PER_UNIT;
        let mut pace = pace(
            self.opts.metrics_interval,
            req.idle,
            req.budget_usd_per_hour.map(|b| (b - between_usd).max(0.0)),
            &tiers.cost(),
        );
        pace.usd_per_hour += between_usd;
        self.pace = Some(pace);
        read.outcome(
            &self.shared,
            &functions,
            vec![Update::Pace {
                poller: Poller::Metrics,
                pace,
            }],
        )
    }

    /// The queries `req`'s view shows now that were not read this round: rows scrolled to or
    /// opened, and the sort metrics of a new sort. Empty outside a view, or before a round.
    fn missing(&self, req: &Request) -> Vec<QuerySpec> {
        let Some(view) = &req.metrics else {
            return Vec::new();
        };
        if self.rounds == 0 || self.view_window != Some(req.window) {
            return Vec::new();
        }
        let round = self.rounds - 1;
        let functions = self.discovered_functions();
        let names = keys_of(&functions);
        let tiers = ViewTiers::new(
            view,
            &functions,
            req.detail_function.as_ref(),
            self.percentiles,
        );
        let tried = |s: &QuerySpec| query_key(s, &names).map(|k| self.tried_round.get(&k));
        let mut out: Vec<QuerySpec> = tiers
            .every_round
            .iter()
            .filter(|s| tried(s).is_some_and(|r| r != Some(&round)))
            .copied()
            .collect();
        out.extend(
            tiers
                .order
                .iter()
                .filter(|s| tried(s).is_some_and(|r| r.is_none())),
        );
        out
    }

    /// Reads what [`MetricsPoller::missing`] finds, over the whole window, between rounds.
    async fn read_missing(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        let specs = self.missing(req);
        if specs.is_empty() {
            return RoundOutcome::default();
        }
        let round = self.rounds - 1;
        let functions = self.discovered_functions();
        let names = keys_of(&functions);
        let plan = MetricsPlan::for_view(specs, req.window, ctx.now(), None, |_| true);
        let mut outcome = RoundOutcome::default();
        let (mut requests, mut billed) = (0, 0);
        let (mut series, mut stats) = (Vec::new(), Vec::new());
        for call in &plan.calls {
            let r = self.call(&plan, call, &functions).await;
            requests += r.requests;
            billed += r.answered * call.queries.len() as u32;
            for &i in &call.queries {
                if let Some(key) = plan.specs.get(i).and_then(|s| query_key(s, &names)) {
                    if r.error.is_none() {
                        self.read_round.insert(key.clone(), round);
                    }
                    self.tried_round.insert(key, round);
                }
            }
            if let Some(e) = &r.error {
                // Not the poller's health: the next round reads them again.
                crate::diag::log(&format!(
                    "metrics in view not read: {}",
                    self.clients.source_error(e)
                ));
            }
            let (s, w) = plan.updates(call, &r.points, &functions);
            series.extend(s);
            stats.extend(w);
        }
        outcome
            .updates
            .extend(figures_updates(series, stats, &self.shared.region));
        self.between.push_back((ctx.now(), billed));
        outcome
            .calls
            .push(ApiCalls::new(GET_METRIC_DATA.name, requests, billed));
        outcome
    }

    /// Sends the calls of the plan `plan_for(percentiles)` makes; when the endpoint cannot
    /// compute percentiles, plans again without them and starts over.
    async fn run_plan(
        &mut self,
        functions: &[FunctionConfig],
        plan_for: impl Fn(bool) -> MetricsPlan,
    ) -> PlanRead {
        let mut plan = plan_for(self.percentiles);
        let mut read = PlanRead::default();
        let mut i = 0;
        while i < plan.calls.len() {
            let call = plan.calls[i].clone();
            let r = self.call(&plan, &call, functions).await;
            read.requests += r.requests;
            read.billed += r.answered * call.queries.len() as u32;
            match &r.error {
                Some(e)
                    if e.facts.is_server_error()
                        && self.percentiles
                        && call
                            .queries
                            .iter()
                            .any(|&q| plan.specs[q].kind.is_percentile()) =>
                {
                    // Endpoints that cannot compute percentiles (some emulators, some
                    // partitions) fail the whole call: plan again without them and carry on.
                    self.percentiles = false;
                    self.percentiles_off_since = self.rounds;
                    read.percentile_note = Some(SourceError::new(
                        "Duration percentiles are not available from this endpoint; p99 shows as —.",
                        Some(
                            "The other metrics are read as usual; percentiles are tried again in an hour.",
                        ),
                    ));
                    // The window p99 queries come first, so this is the first call: starting
                    // over costs nothing already answered.
                    plan = plan_for(false);
                    read.series.clear();
                    read.stats.clear();
                    read.answered.clear();
                    i = 0;
                    continue;
                }
                Some(e) if read.error.is_none() => {
                    read.error = Some(self.clients.source_error(e));
                }
                _ => {}
            }
            if r.error.is_none() {
                read.answered.extend(call.queries.iter().copied());
            }
            let (s, w) = plan.updates(&call, &r.points, functions);
            read.series.extend(s);
            read.stats.extend(w);
            i += 1;
        }
        read.percentiles = self.percentiles;
        read.plan = plan;
        read
    }

    /// Sends one planned call, following `NextToken`, retrying throttled pages.
    async fn call(
        &self,
        plan: &MetricsPlan,
        call: &CallPlan,
        functions: &[FunctionConfig],
    ) -> CallResult {
        let queries: Vec<MetricDataQuery> = call
            .queries
            .iter()
            .filter_map(|&i| plan.query(i, functions))
            .collect();
        let mut out = CallResult {
            points: HashMap::new(),
            requests: 0,
            answered: 0,
            error: None,
        };
        let mut token: Option<String> = None;
        let mut pages = 0u32;
        loop {
            let a = retried(&self.opts.backoff, || {
                self.clients
                    .cloudwatch
                    .get_metric_data()
                    .set_metric_data_queries(Some(queries.clone()))
                    .start_time(to_aws(call.range.from))
                    .end_time(to_aws(call.range.to))
                    .scan_by(ScanBy::TimestampAscending)
                    .set_next_token(token.clone())
                    .send()
                    .map_err_op(GET_METRIC_DATA)
            })
            .await;
            out.requests += a.calls;
            pages += 1;
            let page = match a.result {
                Ok(p) => p,
                Err(e) => {
                    crate::diag::log(&format!(
                        "api: {} calls={} failed, not billed",
                        GET_METRIC_DATA.name, a.calls
                    ));
                    out.error = Some(e);
                    return out;
                }
            };
            out.answered += 1;
            let billed = ApiCalls::new(GET_METRIC_DATA.name, a.calls, queries.len() as u32);
            crate::diag::log(&format!("api: call {}", billed.billed()));
            for r in page.metric_data_results() {
                let Some(index) = r.id().and_then(parse_query_id) else {
                    continue;
                };
                if matches!(
                    r.status_code(),
                    Some(StatusCode::InternalError | StatusCode::Forbidden)
                ) {
                    // No usable answer for this query: keep what the store has.
                    out.points.remove(&index);
                    continue;
                }
                let pts = out.points.entry(index).or_default();
                for (t, v) in r.timestamps().iter().zip(r.values()) {
                    if let Some(at) = to_chrono(t)
                        && v.is_finite()
                    {
                        pts.push(Datapoint { at, value: *v });
                    }
                }
            }
            token = next_token(page.next_token(), token.as_deref());
            // A bound on pages, in case a service kept handing out tokens.
            if token.is_none() || pages >= 1000 {
                return out;
            }
        }
    }
}

impl Round for MetricsPoller {
    fn poller(&self) -> Poller {
        Poller::Metrics
    }

    fn interval(&self) -> std::time::Duration {
        self.pace.map_or(self.opts.metrics_interval, |p| p.every)
    }

    /// Another window is read whole at once, and so is everything when the user is back.
    fn wants(&self, seen: &Request, now: &Request) -> bool {
        seen.window != now.window || (seen.idle && !now.idle)
    }

    /// Waits for discovery's first round.
    async fn ready(&mut self, _ctx: &SourceContext) -> bool {
        let mut discovered = self.shared.discovered.subscribe();
        discovered.wait_for(Option::is_some).await.is_ok()
    }

    async fn read(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        self.read_metrics(ctx, req).await
    }

    /// The detail view opens on a function: its detail metrics are read at once. In a view,
    /// so is whatever comes on screen (rows scrolled to, a new sort, a function opened).
    fn wants_interim(&self, now: &Request) -> bool {
        if now.metrics.is_some() {
            return !self.missing(now).is_empty();
        }
        let key = detail_key(now);
        key.is_some() && key != self.detail_tried
    }

    async fn interim(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        if req.metrics.is_some() {
            return self.read_missing(ctx, req).await;
        }
        self.read_detail(ctx, req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 53).unwrap()
    }

    fn view(shown: &[&str], ahead: &[&str], full: &[&str]) -> MetricsView {
        let list = |v: &[&str]| {
            v.iter()
                .map(|s| crate::model::Origin::default().function(s))
                .collect()
        };
        MetricsView {
            account_totals: true,
            every_function: vec![MetricRead::Series(MetricKind::Invocations)],
            shown: list(shown),
            full: list(full),
            ahead: list(ahead),
            row: vec![
                MetricRead::Series(MetricKind::Invocations),
                MetricRead::Series(MetricKind::Errors),
                MetricRead::Series(MetricKind::DurationP99),
                MetricRead::WindowP99,
            ],
        }
    }

    fn names(n: usize) -> Vec<FunctionConfig> {
        (0..n)
            .map(|i| FunctionConfig::named(format!("f{i:03}")))
            .collect()
    }

    #[test]
    fn a_view_reads_the_region_and_its_rows_every_round_and_the_rest_less_often() {
        let names = names(10);
        let v = view(&["f000", "f001", "f002"], &["f003", "f004", "f005"], &[]);
        let t = ViewTiers::new(&v, &names, None, true);
        // The Region's concurrency, claimed concurrency and three totals; four per row.
        assert_eq!(t.every_round.len(), 5 + 3 * 4);
        let region: Vec<QueryKind> = t
            .every_round
            .iter()
            .filter(|s| s.target == QueryTarget::Region)
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            region,
            [
                MetricKind::ConcurrentExecutions,
                MetricKind::ClaimedAccountConcurrency,
                MetricKind::Invocations,
                MetricKind::Errors,
                MetricKind::Throttles
            ]
            .map(QueryKind::Series)
        );
        // Every other function's Invocations, for the order.
        assert_eq!(t.order.len(), 7);
        assert!(
            t.order
                .iter()
                .all(|s| s.kind == QueryKind::Series(MetricKind::Invocations)
                    && !matches!(s.target, QueryTarget::Function(0..=2)))
        );
        // The rows ahead: what the order does not read already.
        assert_eq!(t.ahead.len(), 3 * 3);
        assert_eq!(t.round(false, false).len(), 17);
        assert_eq!(t.round(true, true).len(), 17 + 7 + 9);
        assert!((t.cost().average() - (17.0 + 7.0 / 5.0 + 9.0 / 15.0)).abs() < 1e-9);
        // Without percentiles: no p99 queries anywhere.
        let t = ViewTiers::new(&v, &names, None, false);
        assert_eq!(t.every_round.len(), 5 + 3 * 2);
        assert!(t.round(true, true).iter().all(|s| !s.kind.is_percentile()));
        // Names not (or no longer) discovered are left out.
        let t = ViewTiers::new(&view(&["gone"], &[], &[]), &names, None, true);
        assert_eq!(t.every_round.len(), 5);
    }

    #[test]
    fn a_view_reads_the_detail_function_whole() {
        let names = names(10);
        let v = view(&[], &["f000", "f001"], &["f007"]);
        let f7 = crate::model::Origin::default().function("f007");
        let t = ViewTiers::new(&v, &names, Some(&f7), true);
        let f7: Vec<QueryKind> = t
            .every_round
            .iter()
            .filter(|s| s.target == QueryTarget::Function(7))
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            f7.len(),
            1 + MetricKind::ALL.len() + MetricKind::DETAIL.len()
        );
        assert!(f7.contains(&QueryKind::WindowP99));
        assert!(f7.contains(&QueryKind::Series(MetricKind::IteratorAge)));
        // Its Invocations are not read twice.
        assert!(!t.order.iter().any(|s| s.target == QueryTarget::Function(7)));
        // A function shown whole that is not the detail view's: no detail metrics.
        let t = ViewTiers::new(&v, &names, None, true);
        assert_eq!(t.every_round.len(), 5 + 1 + MetricKind::ALL.len());
    }

    #[test]
    fn a_view_reads_each_namesake_of_its_own_account() {
        use crate::model::Origin;
        let theirs = "222233334444";
        let functions = vec![
            FunctionConfig::named("orders"),
            FunctionConfig {
                account: Some(theirs.into()),
                ..FunctionConfig::named("orders")
            },
        ];
        let own = Origin::region(Some("eu-west-1")).function("orders");
        let linked = Origin::of(Some(theirs), Some("eu-west-1")).function("orders");
        let targets = |t: &ViewTiers| -> Vec<QueryTarget> {
            let mut v: Vec<QueryTarget> = t
                .every_round
                .iter()
                .map(|s| s.target)
                .filter(|t| *t != QueryTarget::Region)
                .collect();
            v.dedup();
            v
        };
        let mut v = view(&[], &[], &[]);
        v.shown = vec![linked.clone()];
        let t = ViewTiers::new(&v, &functions, None, true);
        assert_eq!(targets(&t), [QueryTarget::Function(1)]);
        v.shown = vec![own.clone()];
        let t = ViewTiers::new(&v, &functions, None, true);
        assert_eq!(targets(&t), [QueryTarget::Function(0)]);
        // The detail view of the linked one reads its detail metrics, not the own one's.
        v.shown = vec![own, linked.clone()];
        v.full = vec![linked.clone()];
        let t = ViewTiers::new(&v, &functions, Some(&linked), true);
        let detail: Vec<QueryTarget> = t
            .every_round
            .iter()
            .filter(|s| matches!(s.kind, QueryKind::Series(k) if MetricKind::DETAIL.contains(&k)))
            .map(|s| s.target)
            .collect();
        assert_eq!(detail, [QueryTarget::Function(1); MetricKind::DETAIL.len()]);
    }

    #[test]
    fn a_view_reads_the_whole_window_for_queries_new_to_it() {
        let names = names(3);
        let v = view(&["f000", "f001", "f002"], &[], &[]);
        let t = ViewTiers::new(&v, &names, None, true);
        let w = TimeWindow::minutes(60);
        let trailing = Utc.with_ymd_and_hms(2026, 3, 14, 9, 20, 0).unwrap();
        // f002 is new: its queries (and the window p99s) read the whole window, the rest the
        // trailing minutes.
        let plan = MetricsPlan::for_view(t.round(true, true), w, now(), Some(trailing), |s| {
            s.target == QueryTarget::Function(2)
        });
        assert_eq!(plan.query_count(), t.round(true, true).len());
        assert_eq!(plan.calls.len(), 1, "one call carries them all");
        assert_eq!(plan.calls[0].range, plan.window);
        let many = names_view(600);
        let t = ViewTiers::new(&many.0, &many.1, None, true);
        let plan = MetricsPlan::for_view(t.round(true, false), w, now(), Some(trailing), |s| {
            s.target == QueryTarget::Function(0)
        });
        // 5 + 4 + 599 queries: the first call carries the whole-window ones (f000's four
        // first), the second reads the trailing minutes.
        assert_eq!(plan.calls.len(), 2);
        assert_eq!(plan.calls[0].range, plan.window);
        assert_eq!(plan.calls[1].range.from, trailing);
        assert!(
            plan.calls[0]
                .queries
                .iter()
                .take(4)
                .all(|&q| plan.specs[q].kind == QueryKind::WindowP99
                    || plan.specs[q].target == QueryTarget::Function(0))
        );
    }

    fn names_view(n: usize) -> (MetricsView, Vec<FunctionConfig>) {
        (view(&["f000"], &[], &[]), names(n))
    }

    #[test]
    fn a_hundred_and_twenty_functions_take_two_calls() {
        let plan = MetricsPlan::new(120, TimeWindow::minutes(60), now(), None, true);
        // 120 × 7 series + 120 window p99 + the Region's concurrency and claimed concurrency.
        assert_eq!(plan.query_count(), 120 * 7 + 120 + 2);
        assert_eq!(plan.calls.len(), 2);
        assert!(
            plan.calls
                .iter()
                .all(|c| c.queries.len() <= MAX_QUERIES_PER_CALL)
        );
        assert_eq!(plan.calls[0].queries.len(), 500);
        assert_eq!(plan.calls[1].queries.len(), 462);
        // Every query exactly once.
        let mut all: Vec<usize> = plan.calls.iter().flat_map(|c| c.queries.clone()).collect();
        all.sort_unstable();
        assert_eq!(all, (0..plan.query_count()).collect::<Vec<_>>());
    }

    #[test]
    fn calls_are_the_ceiling_of_queries_over_500() {
        for (functions, percentiles) in [
            (0, true),
            (1, true),
            (62, true),
            (63, true),
            (500, true),
            (83, false),
            (84, false),
        ] {
            let plan =
                MetricsPlan::new(functions, TimeWindow::minutes(60), now(), None, percentiles);
            let per_function = if percentiles { 8 } else { 6 };
            let queries = functions * per_function + 2;
            assert_eq!(plan.query_count(), queries);
            assert_eq!(
                plan.calls.len(),
                queries.div_ceil(500),
                "{functions} functions"
            );
            assert!(plan.calls.iter().all(|c| c.queries.len() <= 500));
        }
    }

    #[test]
    fn detail_metrics_are_read_for_the_detail_function_alone() {
        let functions: Vec<FunctionConfig> = ["a", "b", "c"]
            .into_iter()
            .map(FunctionConfig::named)
            .collect();
        let w = TimeWindow::minutes(60);
        let plain = MetricsPlan::new(3, w, now(), None, true);
        let plan = MetricsPlan::with_detail(3, Some(1), w, now(), None, true);
        assert_eq!(plain.query_count(), 3 * 8 + 2);
        assert_eq!(plan.query_count(), 3 * 8 + 2 + 9);
        let detail: Vec<&QuerySpec> = plan
            .specs
            .iter()
            .filter(|s| matches!(s.kind, QueryKind::Series(k) if MetricKind::DETAIL.contains(&k)))
            .collect();
        assert_eq!(detail.len(), 9);
        assert!(detail.iter().all(|s| s.target == QueryTarget::Function(1)));
        // A function that is not in the list: nothing more.
        let gone = MetricsPlan::with_detail(3, Some(3), w, now(), None, true);
        assert_eq!(gone.query_count(), plain.query_count());
        // Read between rounds: one call over the whole window.
        let alone = MetricsPlan::detail(2, w, now());
        assert_eq!(alone.query_count(), 9);
        assert_eq!(alone.calls.len(), 1);
        assert_eq!(alone.calls[0].range, alone.window);
        // Names and statistics: counts are summed, ages and utilisation are maxima.
        let stat = |plan: &MetricsPlan, kind: MetricKind, target: QueryTarget| {
            let i = plan
                .specs
                .iter()
                .position(|s| s.kind == QueryKind::Series(kind) && s.target == target)
                .expect("planned");
            let q = plan.query(i, &functions).expect("query");
            let stat = q.metric_stat().expect("stat").clone();
            let metric = stat.metric().expect("metric");
            (
                metric.metric_name().map(str::to_string),
                stat.stat().map(str::to_string),
                metric
                    .dimensions()
                    .first()
                    .and_then(|d| d.value())
                    .map(str::to_string),
            )
        };
        let c = QueryTarget::Function(2);
        let s = |n: &str| Some(n.to_string());
        assert_eq!(
            stat(&alone, MetricKind::AsyncEventAge, c),
            (s("AsyncEventAge"), s("Maximum"), s("c"))
        );
        assert_eq!(
            stat(&alone, MetricKind::DeadLetterErrors, c),
            (s("DeadLetterErrors"), s("Sum"), s("c"))
        );
        assert_eq!(
            stat(&alone, MetricKind::ProvisionedConcurrencyUtilization, c),
            (s("ProvisionedConcurrencyUtilization"), s("Maximum"), s("c"))
        );
        assert_eq!(
            stat(
                &alone,
                MetricKind::ProvisionedConcurrencySpilloverInvocations,
                c
            ),
            (
                s("ProvisionedConcurrencySpilloverInvocations"),
                s("Sum"),
                s("c")
            )
        );
        assert_eq!(
            stat(
                &plan,
                MetricKind::ClaimedAccountConcurrency,
                QueryTarget::Region
            ),
            (s("ClaimedAccountConcurrency"), s("Maximum"), None)
        );
    }

    #[test]
    fn ids_start_lowercase_and_map_back() {
        let plan = MetricsPlan::new(3, TimeWindow::minutes(60), now(), None, true);
        let functions: Vec<FunctionConfig> = ["a", "b", "c"]
            .into_iter()
            .map(FunctionConfig::named)
            .collect();
        for i in 0..plan.query_count() {
            let q = plan.query(i, &functions).expect("query");
            let id = q.id().expect("id");
            assert!(id.starts_with(|c: char| c.is_ascii_lowercase()), "{id}");
            assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
            assert_eq!(parse_query_id(id), Some(i));
        }
        for bad in [
            "",
            "q",
            "m1",
            "q-1",
            "q1x",
            "Q1",
            "q99999999999999999999999",
        ] {
            assert_eq!(parse_query_id(bad), None, "{bad}");
        }
        // The mapping between ids and (function, metric).
        let q = plan.query(0, &functions).expect("q0");
        let stat = q.metric_stat().expect("stat");
        assert_eq!(stat.stat(), Some("p99"));
        assert_eq!(stat.period(), Some(3600));
        assert_eq!(
            stat.metric()
                .and_then(|m| m.dimensions().first())
                .and_then(|d| d.value()),
            Some("a")
        );
        let region = plan
            .specs
            .iter()
            .position(|s| s.target == QueryTarget::Region)
            .expect("region");
        let q = plan.query(region, &functions).expect("region query");
        let stat = q.metric_stat().expect("stat");
        assert_eq!(stat.metric().map(|m| m.dimensions().len()), Some(0));
        assert_eq!(
            stat.metric().and_then(|m| m.metric_name()),
            Some("ConcurrentExecutions")
        );
        assert_eq!(stat.stat(), Some("Maximum"));
        let errors = plan
            .specs
            .iter()
            .position(|s| {
                *s == QuerySpec {
                    target: QueryTarget::Function(2),
                    kind: QueryKind::Series(MetricKind::Errors),
                }
            })
            .expect("c errors");
        let q = plan.query(errors, &functions).expect("query");
        let stat = q.metric_stat().expect("stat");
        assert_eq!(stat.metric().and_then(|m| m.metric_name()), Some("Errors"));
        assert_eq!(
            stat.metric()
                .and_then(|m| m.dimensions().first())
                .and_then(|d| d.value()),
            Some("c")
        );
        assert_eq!((stat.stat(), stat.period()), (Some("Sum"), Some(60)));
        assert!(plan.query(plan.query_count(), &functions).is_none());
    }

    #[test]
    fn periods_and_start_times_are_aligned() {
        for w in TimeWindow::PRESETS {
            let plan = MetricsPlan::new(2, w, now(), None, true);
            let p = i64::from(plan.period_s);
            assert_eq!(plan.window.from.timestamp() % p, 0, "{w}");
            assert_eq!(plan.window.to.timestamp() % p, 0, "{w}");
            assert!(plan.window.to > now());
            assert_eq!(plan.window_period_s % 60, 0);
            assert_eq!(
                i64::from(plan.window_period_s),
                (plan.window.to - plan.window.from).num_seconds()
            );
            assert_eq!(plan.window.from, w.start(now()));
        }
        let plan = MetricsPlan::new(1, TimeWindow::minutes(60), now(), None, true);
        assert_eq!(
            plan.window.from,
            Utc.with_ymd_and_hms(2026, 3, 14, 8, 27, 0).unwrap()
        );
        assert_eq!(
            plan.window.to,
            Utc.with_ymd_and_hms(2026, 3, 14, 9, 27, 0).unwrap()
        );
    }

    #[test]
    fn later_rounds_reread_the_trailing_minutes() {
        let w = TimeWindow::minutes(60);
        let prev = now() - Duration::seconds(60);
        // Five periods before the previous round, at the least.
        let from = reread_from(w, now(), prev, 3);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 3, 14, 9, 20, 0).unwrap());
        // A 15-minute timeout looks further back.
        let from = reread_from(w, now(), prev, 900);
        assert_eq!(from, Utc.with_ymd_and_hms(2026, 3, 14, 9, 10, 0).unwrap());
        // Never before the window.
        let from = reread_from(w, now(), now() - Duration::hours(5), 0);
        assert_eq!(from, w.start(now()));

        // Without window-long queries every call reads the trailing range.
        let plan = MetricsPlan::new(120, w, now(), Some(from + Duration::minutes(50)), false);
        assert!(
            plan.calls
                .iter()
                .all(|c| c.range.from == from + Duration::minutes(50))
        );
        // The calls carrying the window p99 read the whole window; the call count stays.
        let trailing = Utc.with_ymd_and_hms(2026, 3, 14, 9, 20, 0).unwrap();
        let plan = MetricsPlan::new(120, w, now(), Some(trailing), true);
        assert_eq!(plan.calls.len(), 2);
        assert_eq!(plan.calls[0].range, plan.window);
        assert_eq!(plan.calls[1].range.from, trailing);
        let plan = MetricsPlan::new(600, w, now(), Some(trailing), true);
        let full = plan.calls.iter().filter(|c| c.range == plan.window).count();
        assert_eq!(full, 2, "600 window p99 queries fill two calls");
    }

    #[test]
    fn results_map_back_to_functions_and_metrics() {
        // `b` is a linked account's: read with its `AccountId`, its figures of its account.
        let linked = Some("222233334444".to_string());
        let functions = vec![
            FunctionConfig::named("a"),
            FunctionConfig {
                account: linked.clone(),
                ..FunctionConfig::named("b")
            },
        ];
        let plan = MetricsPlan::new(2, TimeWindow::minutes(60), now(), None, true);
        let call = &plan.calls[0];
        let find = |spec: QuerySpec| plan.specs.iter().position(|s| *s == spec).expect("spec");
        let inv_b = find(QuerySpec {
            target: QueryTarget::Function(1),
            kind: QueryKind::Series(MetricKind::Invocations),
        });
        let p99_a = find(QuerySpec {
            target: QueryTarget::Function(0),
            kind: QueryKind::WindowP99,
        });
        let region = find(QuerySpec {
            target: QueryTarget::Region,
            kind: QueryKind::Series(MetricKind::ConcurrentExecutions),
        });
        let at = plan.window.from;
        let mut points = HashMap::new();
        points.insert(inv_b, vec![Datapoint { at, value: 7.0 }]);
        points.insert(p99_a, vec![Datapoint { at, value: 812.5 }]);
        points.insert(region, Vec::new());
        let account_of = |i: usize| plan.query(i, &functions).and_then(|q| q.account_id);
        assert_eq!(account_of(inv_b), linked);
        assert_eq!(account_of(p99_a), None);
        let (series, stats) = plan.updates(call, &points, &functions);
        assert_eq!(series.len(), 2, "unanswered queries are left out");
        let (inv_account, inv) = series
            .iter()
            .find(|(_, m)| m.metric == MetricKind::Invocations)
            .expect("inv");
        assert_eq!(inv_account, &linked);
        assert_eq!(inv.function.as_deref(), Some("b"));
        assert_eq!(
            (inv.from, inv.to, inv.period_s),
            (plan.window.from, plan.window.to, 60)
        );
        assert_eq!(inv.points, vec![Datapoint { at, value: 7.0 }]);
        let (conc_account, conc) = series
            .iter()
            .find(|(_, m)| m.function.is_none())
            .expect("region");
        assert_eq!(conc.metric, MetricKind::ConcurrentExecutions);
        assert_eq!(conc_account, &None);
        let p99 = WindowStats {
            duration_p99_ms: Some(812.5),
        };
        assert_eq!(stats, vec![(None, ("a".to_string(), p99))]);
    }
}

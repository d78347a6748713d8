//! Window report figures: what the REPORT lines of every listed function say about exactly the
//! window, sent as [`Update::Reports`] (apart from the log pane's lines).
//!
//! With `--linked-accounts` a linked source account's functions are covered too: its groups are
//! named by ARN, and its figures are sent as that account's ([`reports_by_account`]), never as
//! those of a function of the same name in the own account.
//!
//! Two engines, chosen with `--log-analytics` (`[logs] analytics`):
//!
//! - **filter** (this file): every listed function's log group is read with FilterLogEvents and
//!   [`REPORT_FILTER_PATTERN`] (text `REPORT` lines and JSON `platform.report` records in one
//!   read), backfilling the window once and then only what is new (overlapping reads,
//!   de-duplicated by event id, as the log pane's). Calls wait for the same account-wide token
//!   bucket as the log pane's reads. Memory: one compact [`ReportRecord`] (88 bytes) per
//!   invocation of the window and function — per-invocation records rather than per-minute
//!   buckets, so that percentiles stay exact as the window slides — at most
//!   [`MAX_RECORDS_PER_FUNCTION`] a function and about [`MAX_RECORDS`] in all (88 MB); records
//!   that leave the window are dropped and the figures folded again.
//! - **insights** (`insights.rs`): Logs Insights aggregates server-side.
//!
//! `auto` starts with Insights and falls back to the filter engine, with a notice, where
//! Insights is denied or not supported.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::insights::{Runner, Trouble, attribute, plan};
use super::linked::{Accounts, reports_by_account};
use super::logs::{GroupRead, GroupReader, LogCursor, REPORT_FILTER_PATTERN, Span};
use super::{AwsOptions, Clients, Discovered, Shared};
use crate::analytics::{ReportRecord, fold_records};
use crate::lambda_log::{LogLine, parse};
use crate::message::{
    ApiCalls, Charge, INSIGHTS_SCAN, Poller, ReportOrigin, Request, SourceContext, SourceError,
    Update, WindowReport, WindowReports,
};
use crate::model::FunctionId;
use crate::poll::{Round, RoundOutcome};
use crate::window::TimeWindow;

use super::error::FILTER_LOG_EVENTS;

/// How REPORT figures over the window are made (`--log-analytics`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    clap::ValueEnum,
    serde::Deserialize,
    serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum LogAnalytics {
    /// Logs Insights, or FilterLogEvents where Insights is denied or not supported.
    #[default]
    Auto,
    /// CloudWatch Logs Insights: aggregated server-side, priced per GB scanned.
    Insights,
    /// FilterLogEvents: REPORT lines read and aggregated here, under the account's rate limit.
    Filter,
    /// No REPORT figures.
    Off,
}

/// Invocations kept per function for the filter engine (88 bytes each): beyond this the oldest go
/// and the figures cover the newest only (a notice says so).
pub const MAX_RECORDS_PER_FUNCTION: usize = 50_000;
/// Invocations kept for all functions together (88 MB): with many busy functions each keeps its
/// share, but at least [`MIN_RECORDS_PER_FUNCTION`].
pub const MAX_RECORDS: usize = 1_000_000;
/// The smallest share of [`MAX_RECORDS`] a function keeps.
pub const MIN_RECORDS_PER_FUNCTION: usize = 5_000;

/// How many invocations each of `functions` functions keeps.
pub fn records_cap(functions: usize) -> usize {
    (MAX_RECORDS / functions.max(1)).clamp(MIN_RECORDS_PER_FUNCTION, MAX_RECORDS_PER_FUNCTION)
}
/// The time between two rounds of the filter engine that made `calls` calls a round, so that
/// they take at most half of `rate_per_s`; at least `interval`.
fn filter_pace(interval: Duration, calls: u32, rate_per_s: f64) -> Duration {
    let share = rate_per_s / 2.0;
    if !(share.is_finite() && share > 0.0) {
        return interval;
    }
    interval.max(Duration::from_secs_f64(f64::from(calls) / share))
}

/// Event ids remembered per log group for de-duplicating overlapping reads.
const MAX_IDS_PER_GROUP: usize = 100_000;
/// Groups read between two interim deliveries of figures while the window is backfilled.
const GROUPS_PER_DELIVERY: usize = 10;

/// A log group read for REPORT figures: the linked source account it is in (`None`: the
/// credentials' own account's) and its name. A linked account's group is read by its ARN.
pub(super) type GroupKey = (Option<String>, String);

/// Whether the function `id` logs to `group`, whose functions are `owners`.
fn owns(accounts: &Accounts, group: &GroupKey, owners: &[Arc<str>], id: &FunctionId) -> bool {
    accounts.of(id) == group.0.as_deref() && owners.iter().any(|o| **o == *id.name)
}

/// The figures of one function: its linked account (`None`: the own account's), its name, and
/// the figures (`None`: the engine's answer lacked them).
pub(super) type AccountFigures = (Option<String>, String, Option<WindowReport>);

/// A function the filter engine keeps records of: its linked account and its name.
type FunctionKey = (Option<String>, Arc<str>);

/// One log group's read state.
#[derive(Debug)]
struct GroupState {
    cursor: LogCursor,
    /// The whole window has been read once: its functions' figures are complete.
    complete: bool,
}

/// The filter engine's state for one window.
#[derive(Debug, Default)]
pub(super) struct FilterEngine {
    groups: HashMap<GroupKey, GroupState>,
    records: HashMap<FunctionKey, Vec<ReportRecord>>,
    /// Functions whose oldest records were dropped at the cap.
    capped: HashSet<FunctionKey>,
}

impl FilterEngine {
    /// Folds the new events of one read of a group of `account` into the records.
    fn take_events(&mut self, account: &Option<String>, events: Vec<crate::model::LogEvent>) {
        for e in events {
            if let LogLine::Report(r) = parse(&e.message) {
                let cap = records_cap(self.records.len() + 1);
                let key = (account.clone(), e.function.clone());
                let records = self.records.entry(key).or_default();
                records.push(ReportRecord::new(e.timestamp.timestamp_millis(), &r));
                // Trimmed a tenth past the cap at a time: amortised O(1) a record.
                if records.len() > cap + cap / 10 {
                    records.sort_by_key(|r| r.at_ms);
                    let excess = records.len() - cap;
                    records.drain(..excess);
                    records.shrink_to(cap + cap / 10);
                    self.capped.insert((account.clone(), e.function));
                }
            }
        }
    }

    /// Drops the records before `start_ms`.
    fn slide(&mut self, start_ms: i64) {
        for records in self.records.values_mut() {
            records.retain(|r| r.at_ms >= start_ms);
        }
        self.records.retain(|_, r| !r.is_empty());
    }

    /// The figures of the functions of the groups read completely.
    fn reports(&self, groups: &BTreeMap<GroupKey, Vec<Arc<str>>>) -> Vec<AccountFigures> {
        groups
            .iter()
            .filter(|(g, _)| self.groups.get(*g).is_some_and(|s| s.complete))
            .flat_map(|((account, _), owners)| owners.iter().map(move |f| (account, f)))
            .map(|(account, f)| {
                let key = (account.clone(), f.clone());
                let records = self
                    .records
                    .get(&key)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                (
                    account.clone(),
                    f.to_string(),
                    Some(fold_records(records.iter().copied())),
                )
            })
            .collect()
    }
}

/// The engine in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Engine {
    /// Logs Insights; `fallback`: FilterLogEvents takes over where Insights is unavailable.
    Insights {
        fallback: bool,
    },
    Filter,
}

/// The REPORT figures of every listed function over the window.
pub struct ReportsPoller {
    clients: Clients,
    shared: Arc<Shared>,
    opts: Arc<AwsOptions>,
    engine: Engine,
    /// The window the filter engine's state is for.
    window: Option<TimeWindow>,
    filter: FilterEngine,
    /// The window, time and "refresh now" count of the last Insights figures.
    insights_last: Option<(TimeWindow, Instant, u64)>,
    /// FilterLogEvents calls the filter engine's last round made: its next round waits long
    /// enough for them to take at most half of the account's rate (the log pane keeps the rest).
    filter_calls: u32,
}

impl ReportsPoller {
    pub(crate) fn new(clients: Clients, shared: Arc<Shared>, opts: Arc<AwsOptions>) -> Self {
        let engine = match opts.log_analytics {
            LogAnalytics::Auto => Engine::Insights { fallback: true },
            LogAnalytics::Insights => Engine::Insights { fallback: false },
            LogAnalytics::Filter | LogAnalytics::Off => Engine::Filter,
        };
        Self {
            clients,
            shared,
            opts,
            engine,
            window: None,
            filter: FilterEngine::default(),
            insights_last: None,
            filter_calls: 0,
        }
    }

    /// One round with the current request, delivered.
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        crate::poll::round_now(self, ctx).await
    }

    /// The log groups of the listed functions (a linked account's too), and the functions that
    /// log to each: the detail view's function first, then those on screen, then the rest by
    /// name.
    fn groups(discovered: &Discovered, req: &Request) -> Vec<(GroupKey, Vec<Arc<str>>)> {
        let mut groups: BTreeMap<GroupKey, Vec<Arc<str>>> = BTreeMap::new();
        for f in discovered
            .functions
            .iter()
            .filter(|f| discovered.has_log_group(f))
        {
            groups
                .entry((f.account.clone(), f.log_group_name()))
                .or_default()
                .push(Arc::from(f.name.as_str()));
        }
        let accounts = Accounts::new(&discovered.functions);
        let rank = |group: &GroupKey, owners: &[Arc<str>]| {
            let named = |id: &FunctionId| owns(&accounts, group, owners, id);
            if req.detail_function.as_ref().is_some_and(named) {
                0
            } else if req.log_functions.iter().any(named) {
                1
            } else {
                2
            }
        };
        let mut ordered: Vec<(GroupKey, Vec<Arc<str>>)> = groups.into_iter().collect();
        ordered.sort_by_key(|(group, owners)| rank(group, owners));
        ordered
    }

    async fn read_filter(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        let discovered = self.shared.discovered.borrow().clone().unwrap_or_default();
        let now = ctx.now();
        let now_ms = now.timestamp_millis();
        let from = req.window.start(now);
        let start_ms = from.timestamp_millis();
        if self.window != Some(req.window) {
            // Another window: its figures are read afresh.
            self.filter = FilterEngine::default();
            self.window = Some(req.window);
        }
        let ordered = Self::groups(&discovered, req);
        let all: BTreeMap<GroupKey, Vec<Arc<str>>> = ordered.iter().cloned().collect();
        let region = self.shared.region.clone();
        let reader = GroupReader {
            clients: &self.clients,
            shared: &self.shared,
            opts: &self.opts,
            // A snapshot reads the whole window in its one round.
            max_pages: if ctx.once {
                u32::MAX
            } else {
                self.opts.logs_max_pages
            },
        };
        let deadline = ctx
            .once
            .then(|| Instant::now() + self.opts.reports_once_timeout);
        let overlap = i64::try_from(self.opts.logs_overlap.as_millis()).unwrap_or(i64::MAX);
        let mut outcome = RoundOutcome::default();
        let mut calls = 0;
        let mut unread = 0usize;
        let mut since_delivery = 0;
        // The detail view's function comes first: its figures are shown as soon as they are read.
        let accounts = Accounts::new(&discovered.functions);
        let detail_first = ordered.first().is_some_and(|(group, owners)| {
            req.detail_function
                .as_ref()
                .is_some_and(|d| owns(&accounts, group, owners, d))
        });
        for (i, (group, owners)) in ordered.iter().enumerate() {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                unread += owners.len();
                continue;
            }
            let state = self
                .filter
                .groups
                .entry(group.clone())
                .or_insert_with(|| GroupState {
                    cursor: LogCursor::new(MAX_IDS_PER_GROUP),
                    complete: false,
                });
            let span = match state.cursor.take_pending() {
                Some(span) => span,
                None => {
                    let start = if state.complete {
                        state.cursor.next_start(now_ms, 0, overlap).max(start_ms)
                    } else {
                        start_ms
                    };
                    state.cursor.begin(start);
                    Span {
                        start_ms: start,
                        end_ms: now_ms,
                        token: None,
                    }
                }
            };
            let key = GroupRead {
                group: group.1.clone(),
                account: group.0.clone(),
                pattern: Some(REPORT_FILTER_PATTERN.to_string()),
            };
            let r = reader
                .read_group(&key, owners, &mut state.cursor, span)
                .await;
            calls += r.calls;
            match r.error {
                Some(e) => outcome.fail(self.clients.source_error(&e)),
                None if !state.cursor.is_pending() => state.complete = true,
                None => {}
            }
            self.filter.take_events(&group.0, r.events);
            since_delivery += 1;
            // While the window is backfilled, what is complete is shown at once.
            let first = detail_first && i == 0;
            if !ctx.once && (since_delivery >= GROUPS_PER_DELIVERY || first) {
                since_delivery = 0;
                let head = WindowReports {
                    origin: ReportOrigin::Filter,
                    window: req.window,
                    from,
                    to: ctx.now(),
                    reports: Vec::new(),
                };
                for interim in reports_by_account(&head, self.filter.reports(&all), &region) {
                    if !ctx.send(interim).await {
                        return outcome;
                    }
                }
            }
        }
        self.filter.slide(start_ms);
        let head = WindowReports {
            origin: ReportOrigin::Filter,
            window: req.window,
            from,
            to: now,
            reports: Vec::new(),
        };
        outcome.updates.extend(reports_by_account(
            &head,
            self.filter.reports(&all),
            &region,
        ));
        self.filter_calls = calls;
        outcome.calls.push(ApiCalls {
            operation: FILTER_LOG_EVENTS.name,
            calls,
            billed_units: 0,
        });
        if unread > 0 {
            outcome.fail(SourceError::new(
                format!(
                    "The REPORT lines of {unread} functions were not read within {} s.",
                    self.opts.reports_once_timeout.as_secs()
                ),
                Some("FilterLogEvents is rate limited per account; narrow the snapshot with --functions, or use --log-analytics insights."),
            ));
        }
        if !self.filter.capped.is_empty() {
            outcome.notice = Some(SourceError::new(
                format!(
                    "{} functions had more invocations in the window than are kept ({} each): their REPORT figures cover the newest.",
                    self.filter.capped.len(),
                    records_cap(self.filter.records.len())
                ),
                Some("Use --log-analytics insights for busy functions or long windows."),
            ));
        }
        outcome
    }
}

impl ReportsPoller {
    /// One set of Logs Insights queries over the window.
    async fn read_insights(
        &mut self,
        ctx: &SourceContext,
        req: &Request,
    ) -> Result<RoundOutcome, (Trouble, Vec<ApiCalls>)> {
        let discovered = self.shared.discovered.borrow().clone().unwrap_or_default();
        let all: BTreeMap<GroupKey, Vec<Arc<str>>> =
            Self::groups(&discovered, req).into_iter().collect();
        let keys: Vec<GroupKey> = all.keys().cloned().collect();
        let plans = plan(&keys, &self.shared.region);
        let now = ctx.now();
        let window = req.window;
        let from = window.start(now);
        let requests = ctx.requests.clone();
        let wanted = move || requests.borrow().window == window;
        let wait = if ctx.once {
            self.opts.reports_once_timeout
        } else {
            self.opts.insights_timeout
        };
        let mut calls = Vec::new();
        let mut runner = Runner {
            clients: &self.clients,
            opts: &self.opts,
            ctx,
            calls: &mut calls,
            deadline: Instant::now() + wait,
            wanted: &wanted,
        };
        let answer = match runner.run(&plans, from.timestamp(), now.timestamp()).await {
            Ok(answer) => answer,
            Err(t) => return Err((t, calls)),
        };
        self.insights_last = Some((window, Instant::now(), req.refresh));
        let mut outcome = RoundOutcome::default();
        let head = WindowReports {
            origin: ReportOrigin::Insights,
            window,
            from,
            to: now,
            reports: Vec::new(),
        };
        let figures = attribute(answer.rows, &all, discovered.account.as_deref());
        outcome
            .updates
            .extend(reports_by_account(&head, figures, &self.shared.region));
        // Billed by the bytes scanned, priced here like every other charge.
        outcome.updates.push(Update::Charge(Charge::new(
            INSIGHTS_SCAN,
            answer.bytes_scanned.max(0.0).round(),
            "bytes",
            self.opts.insights_usd_per_gb / f64::from(1u32 << 30),
        )));
        outcome.calls = calls;
        Ok(outcome)
    }
}

impl Round for ReportsPoller {
    fn poller(&self) -> Poller {
        Poller::Reports
    }

    /// Every `reports_interval`, or longer when the filter engine's reads would otherwise take
    /// more than half of the account's FilterLogEvents rate (120 log groups at 5 calls/s: every
    /// 48 s of reads, at most).
    fn interval(&self) -> Duration {
        filter_pace(
            self.opts.reports_interval,
            self.filter_calls,
            self.opts.logs_rate_limit_per_s,
        )
    }

    /// A new window is read at once, and so is a detail view's function not read yet.
    fn wants(&self, seen: &Request, now: &Request) -> bool {
        if seen.window != now.window {
            return true;
        }
        let Some(detail) = &now.detail_function else {
            return false;
        };
        let discovered = self.shared.discovered.borrow();
        let group = discovered
            .as_ref()
            .and_then(|d| {
                let accounts = Accounts::new(&d.functions);
                d.functions.iter().find(|f| accounts.names(detail, f))
            })
            .map(|f| (f.account.clone(), f.log_group_name()));
        seen.detail_function != now.detail_function
            && group.is_some_and(|g| !self.filter.groups.get(&g).is_some_and(|s| s.complete))
    }

    async fn ready(&mut self, _ctx: &SourceContext) -> bool {
        let mut discovered = self.shared.discovered.subscribe();
        discovered.wait_for(Option::is_some).await.is_ok()
    }

    async fn read(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        let Engine::Insights { fallback } = self.engine else {
            return self.read_filter(ctx, req).await;
        };
        let due = self.insights_last.is_none_or(|(window, at, refresh)| {
            window != req.window
                || refresh != req.refresh
                || at.elapsed() >= self.opts.insights_interval
        });
        if !due {
            return RoundOutcome::default();
        }
        let (trouble, calls) = match self.read_insights(ctx, req).await {
            Ok(outcome) => return outcome,
            Err(e) => e,
        };
        let mut outcome = match trouble {
            Trouble::Unavailable(why) if fallback => {
                self.engine = Engine::Filter;
                let mut outcome = self.read_filter(ctx, req).await;
                outcome.notice = Some(SourceError::new(
                    format!("{why}: REPORT figures are read with FilterLogEvents instead."),
                    Some(
                        "Grant logs:StartQuery and logs:GetQueryResults to use Logs Insights, or set --log-analytics filter.",
                    ),
                ));
                outcome
            }
            Trouble::Unavailable(why) => {
                // Asked for Insights alone: its figures are unsupported here, not zeros.
                let discovered = self.shared.discovered.borrow().clone().unwrap_or_default();
                let now = ctx.now();
                let figures = Self::groups(&discovered, req)
                    .into_iter()
                    .flat_map(|((account, _), owners)| {
                        owners
                            .into_iter()
                            .map(move |f| (account.clone(), f.to_string(), None))
                    })
                    .collect();
                let head = WindowReports {
                    origin: ReportOrigin::Insights,
                    window: req.window,
                    from: req.window.start(now),
                    to: now,
                    reports: Vec::new(),
                };
                let mut outcome = RoundOutcome::default();
                outcome
                    .updates
                    .extend(reports_by_account(&head, figures, &self.shared.region));
                outcome.notice = Some(SourceError::new(
                    format!("{why}: REPORT figures are unsupported here."),
                    Some("Use --log-analytics filter (or auto) against this endpoint."),
                ));
                self.insights_last = Some((req.window, Instant::now(), req.refresh));
                outcome
            }
            Trouble::Failed(e) => {
                let mut outcome = RoundOutcome::default();
                outcome.fail(e);
                outcome
            }
            // Another window is asked for: the next round reads it.
            Trouble::Abandoned => RoundOutcome::default(),
        };
        outcome.calls.extend(calls);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;
    use crate::model::LogEvent;

    #[test]
    fn the_filter_engine_leaves_half_the_rate_to_the_log_pane() {
        let minute = Duration::from_secs(60);
        // 120 groups at 5 calls/s: 48 s of half the rate, so every minute still.
        assert_eq!(filter_pace(minute, 120, 5.0), minute);
        // 400 calls: 160 s at 2.5 calls/s.
        assert_eq!(filter_pace(minute, 400, 5.0), Duration::from_secs(160));
        // No rate limit known: the interval.
        assert_eq!(filter_pace(minute, 400, 0.0), minute);
    }

    fn report(function: &str, at_ms: i64, duration_ms: u32) -> LogEvent {
        LogEvent {
            function: Arc::from(function),
            origin: Default::default(),
            timestamp: DateTime::<Utc>::from_timestamp_millis(at_ms).expect("time"),
            stream: Arc::from("s"),
            message: format!(
                "REPORT RequestId: r{at_ms}\tDuration: {duration_ms}.00 ms\tBilled Duration: {duration_ms} ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
            ),
            event_id: None,
        }
    }

    #[test]
    fn the_window_slides_and_only_complete_groups_report() {
        let mut e = FilterEngine::default();
        e.take_events(
            &None,
            vec![
                report("a", 1_000, 10),
                report("a", 2_000, 20),
                report("b", 1_500, 30),
                // Not a REPORT: not kept.
                LogEvent {
                    message: "START RequestId: x Version: $LATEST".into(),
                    ..report("a", 2_500, 1)
                },
            ],
        );
        let linked = Some("222233334444".to_string());
        // The linked account's `a`, in its own group of the same name.
        e.take_events(&linked, vec![report("a", 1_700, 40)]);
        let groups: BTreeMap<GroupKey, Vec<Arc<str>>> = [
            ((None, "/aws/lambda/a".to_string()), vec![Arc::from("a")]),
            ((None, "/aws/lambda/b".to_string()), vec![Arc::from("b")]),
            (
                (linked.clone(), "/aws/lambda/a".to_string()),
                vec![Arc::from("a")],
            ),
        ]
        .into();
        assert!(
            e.reports(&groups).is_empty(),
            "no group read completely yet"
        );
        for g in groups.keys() {
            e.groups.insert(
                g.clone(),
                GroupState {
                    cursor: LogCursor::new(10),
                    complete: true,
                },
            );
        }
        let invocations = |e: &FilterEngine| -> Vec<(Option<String>, String, u64)> {
            e.reports(&groups)
                .into_iter()
                .map(|(a, f, r)| (a, f, r.map_or(0, |r| r.invocations)))
                .collect()
        };
        let own = |f: &str, n| (None, f.to_string(), n);
        let theirs = |f: &str, n| (linked.clone(), f.to_string(), n);
        assert_eq!(invocations(&e), [own("a", 2), own("b", 1), theirs("a", 1)]);
        // The window now starts at 1,600 ms: a's first and b's only REPORT leave it.
        e.slide(1_600);
        assert_eq!(invocations(&e), [own("a", 1), own("b", 0), theirs("a", 1)]);
    }

    #[test]
    fn memory_is_capped_per_function_and_in_all() {
        assert_eq!(records_cap(1), MAX_RECORDS_PER_FUNCTION);
        assert_eq!(records_cap(100), 10_000);
        assert_eq!(records_cap(10_000), MIN_RECORDS_PER_FUNCTION);
        let mut e = FilterEngine::default();
        let n = MAX_RECORDS_PER_FUNCTION as i64 * 2;
        e.take_events(&None, (0..n).map(|i| report("busy", i, 1)).collect());
        let busy: FunctionKey = (None, Arc::from("busy"));
        let kept = &e.records[&busy];
        assert!(
            kept.len() <= MAX_RECORDS_PER_FUNCTION * 11 / 10,
            "{}",
            kept.len()
        );
        // The newest are kept.
        assert_eq!(kept.iter().map(|r| r.at_ms).max(), Some(n - 1));
        assert!(kept.iter().all(|r| r.at_ms >= n - kept.len() as i64));
        assert!(e.capped.contains(&busy));
    }
}

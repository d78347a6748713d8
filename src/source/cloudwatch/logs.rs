//! Log lines through CloudWatch Logs `FilterLogEvents`.
//!
//! Following a log (the TUI): each log group is read over overlapping windows — from the newest
//! event seen, less an overlap for late-ingested events — and de-duplicated exactly by what the
//! line is and which copy of it (see [`Copies`]; the same ids as Live Tail's lines).
//! Only the ids at or after the next read's start are kept, so memory stays bounded. Every page
//! is followed, empty ones with a `nextToken` included; a read cut short by the page limit is
//! resumed with its token next round. No line is lost and none is repeated.
//!
//! Snapshots (`--once`) show no log pane and read nothing here: the window engine
//! (`reports.rs`) reads the REPORT lines, with [`REPORT_FILTER_PATTERN`].
//!
//! Every call waits for the account-wide token bucket first: FilterLogEvents is limited per
//! account and Region (as low as 5 calls a second), shared with every other tool.
//!
//! With Live Tail (`live_tail.rs`) the followed groups are streamed instead: a group is polled
//! until its session has started and a read after the start caught up with what came before,
//! and again whenever its stream is down. Polled and streamed lines are known by the same ids
//! ([`Copies`]), so the overlap of the two is delivered once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::call::{MapErrOp, retried};
use super::error::{AwsError, FILTER_LOG_EVENTS, START_LIVE_TAIL};
use super::linked::Accounts;
use super::live_tail::{
    Copies, Down, LiveGroup, LiveMsg, LiveTail, LiveTailMode, log_group_identifier, plan_sessions,
    sampled_notice, unavailable_error,
};
use super::{AwsOptions, Clients, Discovered, Shared};
use crate::message::{ApiCalls, Charge, Update};
use crate::message::{Poller, Request, SourceContext};
use crate::model::{FunctionConfig, LogEvent, Origin};
use crate::poll::{Round, RoundOutcome, round_now};

/// The server-side pattern that selects the REPORT lines of both log formats in one read:
/// text `REPORT RequestId: …` lines, or JSON records of type `platform.report`. What else it
/// lets through (an application line quoting either) is told apart by the parser.
pub const REPORT_FILTER_PATTERN: &str = "?\"REPORT RequestId\" ?\"platform.report\"";

/// The function a log stream belongs to. A custom log group can be shared; its streams are named
/// `YYYY/MM/DD/<function>[<version>]<id>`. Falls back to the first of `functions`.
pub fn attribute_stream<'a>(stream: &str, functions: &'a [Arc<str>]) -> Option<&'a Arc<str>> {
    if functions.len() > 1
        && let Some(f) = functions
            .iter()
            .filter(|f| stream.contains(&format!("/{f}[")))
            .max_by_key(|f| f.len())
    {
        return Some(f);
    }
    functions.first()
}

/// The event ids already delivered, by timestamp, for exact de-duplication of overlapping reads.
#[derive(Debug, Clone, Default)]
pub struct SeenEvents {
    /// Each id is held once, shared by the time index and the set.
    by_time: BTreeMap<i64, Vec<Arc<str>>>,
    ids: HashSet<Arc<str>>,
    cap: usize,
}

impl SeenEvents {
    /// Remembers at most `cap` ids (the oldest go first beyond that).
    pub fn new(cap: usize) -> Self {
        Self {
            by_time: BTreeMap::new(),
            ids: HashSet::new(),
            cap: cap.max(1),
        }
    }

    /// Records an event; `true` when it was not seen before.
    pub fn insert(&mut self, timestamp_ms: i64, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        let id: Arc<str> = Arc::from(id);
        self.ids.insert(id.clone());
        self.by_time.entry(timestamp_ms).or_default().push(id);
        while self.ids.len() > self.cap {
            let Some((_, old)) = self.by_time.pop_first() else {
                break;
            };
            for id in old {
                self.ids.remove(&id);
            }
        }
        true
    }

    /// Forgets events before `start_ms`: a read starting there cannot return them.
    pub fn forget_before(&mut self, start_ms: i64) {
        let keep = self.by_time.split_off(&start_ms);
        for id in std::mem::replace(&mut self.by_time, keep)
            .into_values()
            .flatten()
        {
            self.ids.remove(&id);
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn newest(&self) -> Option<i64> {
        self.by_time.last_key_value().map(|(t, _)| *t)
    }
}

/// A read cut short by the page limit, continued with the same range and its token.
#[derive(Debug, Clone)]
struct PendingRead {
    start_ms: i64,
    end_ms: i64,
    token: String,
}

/// Where the next read of one log group starts, and what it has already delivered.
#[derive(Debug, Clone)]
pub struct LogCursor {
    /// Timestamp of the newest event delivered.
    newest_ms: Option<i64>,
    /// End of the last read that was complete.
    read_to_ms: Option<i64>,
    pending: Option<PendingRead>,
    seen: SeenEvents,
    /// The copies of lines the current read has seen (kept while it goes on page by page).
    copies: Copies,
    last_used: u64,
}

/// Late events are looked for at most this far before the end of the previous read.
const LATE_LIMIT_MS: i64 = 10 * 60 * 1000;

impl LogCursor {
    pub fn new(max_ids: usize) -> Self {
        Self {
            newest_ms: None,
            read_to_ms: None,
            pending: None,
            seen: SeenEvents::new(max_ids),
            copies: Copies::default(),
            last_used: 0,
        }
    }

    /// Start of the next read at `now_ms`: `lookback` back the first time; then the newest event
    /// delivered (or the end of the last read) less `overlap`, but not further back than the
    /// late limit before the last read's end (a quiet log is not re-scanned from its last line).
    pub fn next_start(&self, now_ms: i64, lookback_ms: i64, overlap_ms: i64) -> i64 {
        match self.read_to_ms {
            None => now_ms - lookback_ms,
            Some(read_to) => {
                let resume = self.newest_ms.map_or(read_to, |n| n.min(read_to));
                (resume - overlap_ms).max(read_to - LATE_LIMIT_MS.max(overlap_ms))
            }
        }
    }

    /// Prepares a read starting at `start_ms`: ids before it are forgotten.
    pub fn begin(&mut self, start_ms: i64) {
        self.seen.forget_before(start_ms);
    }

    /// Records a delivered event by its id ([`Copies::id`]); `true` when it is new.
    pub fn accept(&mut self, timestamp_ms: i64, event_id: &str) -> bool {
        let new = self.seen.insert(timestamp_ms, event_id);
        if new {
            self.newest_ms = Some(self.newest_ms.map_or(timestamp_ms, |n| n.max(timestamp_ms)));
        }
        new
    }

    /// A read cut short by the page limit: its range and token, to go on with.
    pub(super) fn take_pending(&mut self) -> Option<Span> {
        self.pending.take().map(|p| Span {
            start_ms: p.start_ms,
            end_ms: p.end_ms,
            token: Some(p.token),
        })
    }

    /// Whether a read was cut short by the page limit and goes on next round.
    pub(super) fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// The read up to `end_ms` is complete.
    pub fn complete(&mut self, end_ms: i64) {
        self.read_to_ms = Some(self.read_to_ms.map_or(end_ms, |r| r.max(end_ms)));
    }

    pub fn seen(&self) -> &SeenEvents {
        &self.seen
    }
}

fn millis_to_utc(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

/// One log group read in a round: the group, the functions that log to it, the server-side
/// pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct GroupRead {
    pub group: String,
    /// The linked source account the group is in (read by ARN); `None`: the own account's.
    pub account: Option<String>,
    pub pattern: Option<String>,
}

/// What one group's read brought.
pub(super) struct GroupResult {
    pub events: Vec<LogEvent>,
    pub calls: u32,
    pub error: Option<AwsError>,
}

const MAX_CURSORS: usize = 64;
const MAX_IDS_PER_GROUP: usize = 50_000;

/// A session's copies of lines ingested this long before its newest are forgotten.
const LIVE_COPIES_KEEP_MS: i64 = 5 * 60 * 1000;

/// Rounds while Live Tail runs: what the streams brought is delivered this often.
const LIVE_ROUND: std::time::Duration = std::time::Duration::from_secs(1);

/// Follows the logs of the functions in view (or the busiest), or reads REPORT lines for `--once`.
pub struct LogsPoller {
    clients: Clients,
    shared: Arc<Shared>,
    opts: Arc<AwsOptions>,
    cursors: HashMap<GroupRead, LogCursor>,
    pattern: Option<String>,
    rounds: u64,
    live: LiveTail,
    /// While Live Tail runs, rounds come every second: the groups left to polling are read
    /// at the usual interval, from this time.
    next_poll: Option<DateTime<Utc>>,
    /// The groups polled last.
    polled: Vec<GroupRead>,
    /// Live Tail session minutes started and not charged yet, and when the last were.
    live_minutes: u32,
    live_charged_at: Option<DateTime<Utc>>,
}

impl LogsPoller {
    pub(crate) fn new(clients: Clients, shared: Arc<Shared>, opts: Arc<AwsOptions>) -> Self {
        Self {
            live: LiveTail::new(opts.live_tail.clone(), clients.clone()),
            clients,
            shared,
            opts,
            cursors: HashMap::new(),
            pattern: None,
            rounds: 0,
            next_poll: None,
            polled: Vec::new(),
            live_minutes: 0,
            live_charged_at: None,
        }
    }

    /// What the Live Tail sessions streamed since the last round (into `events`), and which
    /// sessions should run now.
    fn live_round(
        &mut self,
        ctx: &SourceContext,
        req: &Request,
        reads: &BTreeMap<GroupRead, Vec<Arc<str>>>,
        discovered: &Discovered,
        events: &mut Vec<LogEvent>,
        outcome: &mut RoundOutcome,
    ) {
        let now = ctx.now();
        let mode = self.live.opts.mode;
        let pattern = req
            .log_filter_pattern
            .clone()
            .filter(|p| !p.trim().is_empty());
        for msg in self.live.drain() {
            match msg {
                LiveMsg::Started { session, epoch } => self.live.started(session, epoch, now),
                LiveMsg::Update {
                    session,
                    epoch,
                    events: lines,
                    sampled,
                } => {
                    // A session replaced since (other groups), or one still running with the
                    // previous filter while the new one waits out the debounce, is ignored: the
                    // reads of what is followed now cover its lines.
                    if self.live.pattern_of(session) != Some(pattern.clone()) {
                        continue;
                    }
                    if self.live.sampled(session, sampled) {
                        outcome.notice = Some(sampled_notice());
                    }
                    for e in lines {
                        let key = GroupRead {
                            group: e.group,
                            account: None,
                            pattern: pattern.clone(),
                        };
                        let id = self.live.copies(session, epoch).id(
                            &e.stream,
                            e.timestamp,
                            e.ingestion,
                            &e.message,
                        );
                        let cursor = self
                            .cursors
                            .entry(key.clone())
                            .or_insert_with(|| LogCursor::new(MAX_IDS_PER_GROUP));
                        let (Some(timestamp), true) =
                            (millis_to_utc(e.timestamp), cursor.accept(e.timestamp, &id))
                        else {
                            continue;
                        };
                        // The functions logging to the group: the own account's (sessions
                        // follow its groups only), borrowed from this round's reads.
                        let fallback: Vec<Arc<str>>;
                        let owners = match reads.get(&key) {
                            Some(owners) => owners,
                            None => {
                                fallback = discovered
                                    .functions
                                    .iter()
                                    .filter(|f| f.account.is_none())
                                    .filter(|f| f.log_group_name() == key.group)
                                    .map(|f| Arc::from(f.name.as_str()))
                                    .collect();
                                &fallback
                            }
                        };
                        let Some(function) = attribute_stream(&e.stream, owners) else {
                            continue;
                        };
                        events.push(LogEvent {
                            function: function.clone(),
                            origin: Default::default(),
                            timestamp,
                            stream: Arc::from(e.stream.as_str()),
                            message: e.message,
                            event_id: None,
                        });
                    }
                    self.live
                        .copies(session, epoch)
                        .forget_older(LIVE_COPIES_KEEP_MS);
                }
                LiveMsg::Minute => self.live_minutes += 1,
                LiveMsg::Down {
                    session,
                    why: Down::Dropped(reason),
                } => {
                    crate::diag::log(&format!("Live Tail stream {session} down: {reason}"));
                    self.live.down(session);
                }
                LiveMsg::Down {
                    session,
                    why: Down::Unavailable(e),
                } => {
                    self.live.remove(session);
                    let error = unavailable_error(&e, mode);
                    crate::diag::log(&format!(
                        "Live Tail unavailable: {}",
                        self.clients.source_error(&e)
                    ));
                    self.live.fall_back(error.clone(), now);
                    if mode == LiveTailMode::Auto {
                        outcome.notice = Some(error);
                    }
                }
            }
        }
        // The session minutes started, charged once a minute: the status line's rate an hour is
        // then what the sessions cost, however many run.
        let charge_due = self
            .live_charged_at
            .is_none_or(|t| now - t >= chrono::Duration::seconds(60));
        if self.live_minutes > 0 && charge_due {
            outcome.updates.push(Update::Charge(Charge::new(
                START_LIVE_TAIL.name,
                f64::from(self.live_minutes),
                "minutes",
                self.live.opts.usd_per_minute,
            )));
            self.live_minutes = 0;
            self.live_charged_at = Some(now);
        }
        // Live Tail while someone reads the log pane (or a tail follows), as far as allowed; with
        // `auto`, not under a budget (a session alone costs $0.60 an hour).
        let wanted = mode != LiveTailMode::Off
            && !ctx.once
            && (self.opts.logs_only || req.reading_logs)
            && (mode == LiveTailMode::On || req.budget_usd_per_hour.is_none())
            && self.live.allowed(now);
        if wanted {
            // A linked account's groups are polled: sessions follow the account's own.
            let groups = reads
                .keys()
                .filter(|k| k.account.is_none())
                .map(|k| LiveGroup {
                    name: k.group.clone(),
                    identifier: log_group_identifier(
                        &k.group,
                        &self.shared.region,
                        discovered.account.as_deref(),
                    ),
                })
                .collect();
            let plan = plan_sessions(groups, pattern, self.live.opts.max_sessions);
            self.live.want(plan, now);
        } else if self.live.active() {
            self.live.stop_all();
        }
        if mode == LiveTailMode::On
            && let Some(e) = &self.live.unavailable
        {
            outcome.fail(e.clone());
        }
    }

    /// One round with the current request, delivered.
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        round_now(self, ctx).await
    }

    /// The functions to follow: those in view, or the busiest of the latest metrics round (every
    /// function listed when following logs only).
    fn targets(&self, req: &Request, discovered: &Discovered) -> Vec<FunctionConfig> {
        let accounts = Accounts::new(&discovered.functions);
        let chosen: Vec<FunctionConfig> = if req.source_picks_logs() && self.opts.logs_only {
            discovered.functions.clone()
        } else if req.source_picks_logs() {
            let ranked = self.shared.recent_invocations.borrow().clone();
            let mut busy: Vec<(&FunctionConfig, f64)> = discovered
                .functions
                .iter()
                .filter_map(|f| {
                    let n = ranked.as_ref()?.get(&(f.account.clone(), f.name.clone()))?;
                    (*n > 0.0).then_some((f, *n))
                })
                .collect();
            busy.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
            busy.into_iter()
                .take(self.opts.log_functions_max)
                .map(|(f, _)| f.clone())
                .collect()
        } else {
            // Each function of its own account: a linked account's namesake is another group.
            req.log_functions
                .iter()
                .filter_map(|id| {
                    let found = discovered.functions.iter().find(|f| accounts.names(id, f));
                    match (found, accounts.of(id)) {
                        (Some(f), _) => Some(f.clone()),
                        // Not discovered (yet): the own account's default group by name.
                        (None, None) => Some(FunctionConfig::named(&*id.name)),
                        (None, Some(_)) => None,
                    }
                })
                .collect()
        };
        chosen
            .into_iter()
            .filter(|f| discovered.has_log_group(f))
            .collect()
    }

    async fn read_logs(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        self.rounds += 1;
        let discovered = self.shared.discovered.borrow().clone().unwrap_or_default();
        let now = ctx.now();
        let now_ms = now.timestamp_millis();

        // Which groups to read, with which pattern, and which functions log to each.
        let mut reads: BTreeMap<GroupRead, Vec<Arc<str>>> = BTreeMap::new();
        let owners = |group: &str, account: &Option<String>| -> Vec<Arc<str>> {
            discovered
                .functions
                .iter()
                .filter(|f| f.log_group_name() == group && f.account == *account)
                .map(|f| Arc::from(f.name.as_str()))
                .collect()
        };
        // A snapshot shows no log pane: its REPORT figures come from the window engine.
        let targets = if ctx.once {
            Vec::new()
        } else {
            self.targets(req, &discovered)
        };
        for f in &targets {
            let pattern = req
                .log_filter_pattern
                .clone()
                .filter(|p| !p.trim().is_empty());
            let key = GroupRead {
                group: f.log_group_name(),
                account: f.account.clone(),
                pattern,
            };
            let entry = reads
                .entry(key)
                .or_insert_with_key(|k| owners(&k.group, &k.account));
            if entry.is_empty() {
                entry.push(Arc::from(f.name.as_str()));
            }
        }

        if req.log_filter_pattern != self.pattern {
            // Another filter selects other lines: start the reads afresh.
            self.cursors.clear();
            self.pattern = req.log_filter_pattern.clone();
        }

        // The events of each account: a linked account's are sent as its own.
        let mut events: BTreeMap<Option<String>, Vec<LogEvent>> = BTreeMap::new();
        let mut calls = 0;
        let mut outcome = RoundOutcome::default();
        self.live_round(
            ctx,
            req,
            &reads,
            &discovered,
            events.entry(None).or_default(),
            &mut outcome,
        );

        // While Live Tail runs, rounds come every second and the other groups are polled at
        // the usual interval; without it every round polls.
        let keys: Vec<GroupRead> = reads.keys().cloned().collect();
        let poll_due = !self.live.active()
            || keys != self.polled
            || self
                .next_poll
                .is_none_or(|t| now + chrono::Duration::milliseconds(500) >= t);
        let live_only = self.live.opts.mode == LiveTailMode::On && self.live.unavailable.is_some();
        if poll_due {
            self.polled = keys;
            self.next_poll = chrono::Duration::from_std(self.opts.logs_interval)
                .ok()
                .map(|d| now + d);
        }
        let catch_up =
            chrono::Duration::from_std(self.live.opts.catch_up).unwrap_or(chrono::Duration::zero());
        for (key, functions) in reads {
            // Sessions follow the own account's groups only: a linked group of the same name
            // is polled, whatever the own group's session has caught up.
            let live = key
                .account
                .is_none()
                .then(|| self.live.groups.get(&key.group).copied())
                .flatten();
            if live.is_some_and(|l| l.caught_up) {
                // Streamed: everything up to now is delivered as it comes.
                if let Some(c) = self.cursors.get_mut(&key) {
                    c.last_used = self.rounds;
                    c.complete(now_ms);
                }
                continue;
            }
            if !poll_due || live_only {
                continue;
            }
            let mut cursor = self
                .cursors
                .remove(&key)
                .unwrap_or_else(|| LogCursor::new(MAX_IDS_PER_GROUP));
            cursor.last_used = self.rounds;
            let (start_ms, end_ms, token) = match cursor.pending.take() {
                Some(p) => (p.start_ms, p.end_ms, Some(p.token)),
                None => {
                    let lookback =
                        millis(self.opts.logs_lookback).min(req.window.length().num_milliseconds());
                    let start = cursor.next_start(now_ms, lookback, millis(self.opts.logs_overlap));
                    // With Live Tail the ids of the ten minutes before the read are kept too: a
                    // stream may bring a line from before its start, late-ingested or sent
                    // again. Older ones are forgotten, so a group polled for hours holds no
                    // more than that.
                    let keep = match self.live.opts.mode {
                        LiveTailMode::Off => 0,
                        _ => LATE_LIMIT_MS,
                    };
                    cursor.begin(start - keep);
                    (start, now_ms, None)
                }
            };
            let span = Span {
                start_ms,
                end_ms,
                token,
            };
            let r = self
                .reader()
                .read_group(&key, &functions, &mut cursor, span)
                .await;
            // A complete read starting late enough after its session's start has caught up.
            if let Some(l) = live
                && r.error.is_none()
                && !cursor.is_pending()
                && now >= l.since + catch_up
                && let Some(g) = self.live.groups.get_mut(&key.group)
            {
                g.caught_up = true;
            }
            let account = key.account.clone();
            self.cursors.insert(key, cursor);
            calls += r.calls;
            events.entry(account).or_default().extend(r.events);
            if let Some(e) = r.error {
                outcome.fail(self.clients.source_error(&e));
            }
        }
        self.evict_cursors();

        for (account, mut events) in events {
            events.sort_by_key(|e| e.timestamp);
            if events.is_empty() {
                continue;
            }
            let logs = Update::logs(events);
            outcome.updates.push(match account {
                None => logs,
                Some(a) => Update::From {
                    origin: Origin::of(Some(&a), Some(&self.shared.region)),
                    update: Box::new(logs),
                },
            });
        }
        if poll_due {
            outcome.calls.push(ApiCalls {
                operation: FILTER_LOG_EVENTS.name,
                calls,
                billed_units: 0,
            });
        }
        outcome
    }

    /// Keeps the cursors of the groups read most recently.
    fn evict_cursors(&mut self) {
        if self.cursors.len() <= MAX_CURSORS {
            return;
        }
        let mut by_use: Vec<(u64, GroupRead)> = self
            .cursors
            .iter()
            .map(|(k, c)| (c.last_used, k.clone()))
            .collect();
        by_use.sort();
        let excess = self.cursors.len() - MAX_CURSORS;
        for (_, k) in by_use.into_iter().take(excess) {
            self.cursors.remove(&k);
        }
    }

    fn reader(&self) -> GroupReader<'_> {
        GroupReader {
            clients: &self.clients,
            shared: &self.shared,
            opts: &self.opts,
            max_pages: self.opts.logs_max_pages,
        }
    }
}

/// What reading a log group needs: the clients, the shared rate limit, the options.
pub(super) struct GroupReader<'a> {
    pub clients: &'a Clients,
    pub shared: &'a Shared,
    pub opts: &'a AwsOptions,
    /// Pages read at most; a longer read is left pending in the cursor.
    pub max_pages: u32,
}

/// A span of one group to read: `[start_ms, end_ms]`, from `token` when resuming.
pub(super) struct Span {
    pub start_ms: i64,
    pub end_ms: i64,
    pub token: Option<String>,
}

impl GroupReader<'_> {
    /// Reads a span of one group, every page up to the page limit.
    pub(super) async fn read_group(
        &self,
        key: &GroupRead,
        functions: &[Arc<str>],
        cursor: &mut LogCursor,
        span: Span,
    ) -> GroupResult {
        let Span {
            start_ms,
            end_ms,
            mut token,
        } = span;
        let mut out = GroupResult {
            events: Vec::new(),
            calls: 0,
            error: None,
        };
        let mut streams: HashMap<String, Arc<str>> = HashMap::new();
        let mut pages = 0;
        if token.is_none() {
            // A new read: it counts its own copies of each line.
            cursor.copies = Copies::default();
        }
        loop {
            let this = self;
            let page_token = token.clone();
            let a = retried(&self.opts.backoff, move || {
                let page_token = page_token.clone();
                async move {
                    this.shared.log_limiter.acquire().await;
                    // A linked account's group by its ARN (`logGroupIdentifier`), the own
                    // account's by name.
                    let (name, arn) = match &key.account {
                        None => (Some(key.group.clone()), None),
                        Some(account) => (
                            None,
                            Some(log_group_identifier(
                                &key.group,
                                &this.shared.region,
                                Some(account),
                            )),
                        ),
                    };
                    this.clients
                        .logs
                        .filter_log_events()
                        .set_log_group_name(name)
                        .set_log_group_identifier(arn)
                        .start_time(start_ms)
                        .end_time(end_ms)
                        .set_filter_pattern(key.pattern.clone())
                        .set_next_token(page_token)
                        .set_limit(this.opts.logs_page_size.and_then(|n| i32::try_from(n).ok()))
                        .send()
                        .map_err_op(FILTER_LOG_EVENTS)
                        .await
                }
            })
            .await;
            out.calls += a.calls;
            pages += 1;
            let page = match a.result {
                Ok(p) => p,
                Err(e) if e.facts.code.as_deref() == Some("ResourceNotFoundException") => {
                    // The group is gone (or not created yet): nothing to read.
                    cursor.complete(end_ms);
                    return out;
                }
                Err(e) => {
                    out.error = Some(e);
                    return out;
                }
            };
            for e in page.events() {
                let (Some(ts), Some(message)) = (e.timestamp(), e.message()) else {
                    continue;
                };
                let Some(timestamp) = millis_to_utc(ts) else {
                    continue;
                };
                let stream_name = e.log_stream_name().unwrap_or_default();
                let ingestion = e.ingestion_time().unwrap_or_default();
                let id = cursor.copies.id(stream_name, ts, ingestion, message);
                if !cursor.accept(ts, &id) {
                    continue;
                }
                let stream = streams
                    .entry(stream_name.to_string())
                    .or_insert_with(|| Arc::from(stream_name))
                    .clone();
                let Some(function) = attribute_stream(stream_name, functions) else {
                    continue;
                };
                out.events.push(LogEvent {
                    function: function.clone(),
                    origin: Default::default(),
                    timestamp,
                    stream,
                    message: message.to_string(),
                    event_id: e.event_id().map(str::to_string),
                });
            }
            // An empty page may still carry a token: the scan is not finished.
            match page.next_token().filter(|t| !t.is_empty()) {
                None => {
                    cursor.complete(end_ms);
                    return out;
                }
                Some(t) if Some(t) == token.as_deref() => {
                    cursor.complete(end_ms);
                    return out;
                }
                Some(t) if pages >= self.max_pages.max(1) => {
                    cursor.pending = Some(PendingRead {
                        start_ms,
                        end_ms,
                        token: t.to_string(),
                    });
                    return out;
                }
                Some(t) => token = Some(t.to_string()),
            }
        }
    }
}

impl Round for LogsPoller {
    fn poller(&self) -> Poller {
        Poller::Logs
    }

    fn interval(&self) -> std::time::Duration {
        if self.live.active() {
            LIVE_ROUND.min(self.opts.logs_interval)
        } else {
            self.opts.logs_interval
        }
    }

    /// Other functions in view, or another filter, are read at once; Live Tail stops as soon as
    /// nobody is looking.
    fn wants(&self, seen: &Request, now: &Request) -> bool {
        seen.log_functions != now.log_functions
            || seen.log_functions_elsewhere != now.log_functions_elsewhere
            || seen.log_filter_pattern != now.log_filter_pattern
            || (self.live.opts.mode != LiveTailMode::Off
                && (seen.idle != now.idle
                    || seen.budget_usd_per_hour.is_some() != now.budget_usd_per_hour.is_some()))
    }

    /// Waits for discovery, and for the first metrics round (a minute at most) when it must
    /// pick the busiest functions.
    async fn ready(&mut self, ctx: &SourceContext) -> bool {
        let mut discovered = self.shared.discovered.subscribe();
        if discovered.wait_for(Option::is_some).await.is_err() {
            return false;
        }
        let needs_ranking =
            !ctx.once && !self.opts.logs_only && ctx.requests.borrow().source_picks_logs();
        if needs_ranking {
            let mut ranked = self.shared.recent_invocations.subscribe();
            let wait = ranked.wait_for(Option::is_some);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(60), wait).await;
        }
        true
    }

    async fn read(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        self.read_logs(ctx, req).await
    }
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_reads_deliver_each_event_once() {
        let mut c = LogCursor::new(1000);
        let overlap = 120_000;
        // First read: the lookback.
        let start = c.next_start(1_000_000, 900_000, overlap);
        assert_eq!(start, 100_000);
        c.begin(start);
        assert!(c.accept(500_000, "a"));
        assert!(c.accept(990_000, "b"));
        assert!(c.accept(990_000, "c"), "same timestamp, other event");
        c.complete(1_000_000);

        // Next read starts at the newest event less the overlap and gets b and c again, plus a
        // late event with an older timestamp and one at the very start.
        let start = c.next_start(1_005_000, 900_000, overlap);
        assert_eq!(start, 990_000 - overlap);
        c.begin(start);
        assert_eq!(c.seen().len(), 2, "a is before the start: forgotten");
        assert!(!c.accept(990_000, "b"));
        assert!(!c.accept(990_000, "c"));
        assert!(c.accept(900_000, "late"));
        assert!(c.accept(start, "edge"));
        c.complete(1_005_000);

        // The event exactly at the next start is still remembered.
        let start2 = c.next_start(1_010_000, 900_000, overlap);
        c.begin(start2);
        assert_eq!(start2, start);
        assert!(!c.accept(start, "edge"));
    }

    #[test]
    fn quiet_logs_are_not_rescanned_from_their_last_line() {
        let mut c = LogCursor::new(1000);
        c.begin(0);
        assert!(c.accept(1_000, "old"));
        c.complete(10_000);
        for round in 1..100 {
            c.complete(10_000 + round * 60_000);
        }
        let read_to = 10_000 + 99 * 60_000;
        let start = c.next_start(read_to + 5_000, 900_000, 120_000);
        assert_eq!(start, read_to - LATE_LIMIT_MS);
        // With no events ever, the overlap before the last read's end.
        let mut c = LogCursor::new(10);
        c.complete(50_000_000);
        assert_eq!(
            c.next_start(50_005_000, 900_000, 120_000),
            50_000_000 - 120_000
        );
    }

    #[test]
    fn memory_stays_bounded() {
        let mut seen = SeenEvents::new(10_000);
        let mut c = LogCursor::new(10_000);
        // A busy log: 100 events a second for an hour, read every 5 s with a 2-minute overlap.
        let mut t = 0i64;
        let mut max_len = 0;
        for _round in 0..720 {
            let start = c.next_start(t, 60_000, 120_000);
            c.begin(start);
            for i in 0..500 {
                let ts = t - 5_000 + i * 10;
                c.accept(ts, &format!("{ts}-{i}"));
            }
            t += 5_000;
            c.complete(t);
            max_len = max_len.max(c.seen().len());
        }
        assert!(max_len <= 10_000, "{max_len}");
        // The hard cap drops the oldest timestamps first.
        for i in 0..25_000 {
            seen.insert(i, &i.to_string());
        }
        assert_eq!(seen.len(), 10_000);
        assert!(!seen.insert(24_999, "24999"));
        assert!(seen.insert(0, "0"), "the oldest were forgotten");
    }

    #[test]
    fn streams_of_shared_groups_are_attributed() {
        let fns: Vec<Arc<str>> = vec![Arc::from("orders"), Arc::from("orders-api")];
        let f = attribute_stream("2026/03/14/orders-api[$LATEST]0123abcd", &fns);
        assert_eq!(f.map(|f| &**f), Some("orders-api"));
        let f = attribute_stream("2026/03/14/orders[3]0123abcd", &fns);
        assert_eq!(f.map(|f| &**f), Some("orders"));
        let one: Vec<Arc<str>> = vec![Arc::from("billing")];
        let f = attribute_stream("2026/03/14/[$LATEST]0123abcdef", &one);
        assert_eq!(f.map(|f| &**f), Some("billing"));
        assert!(attribute_stream("x", &[]).is_none());
    }

    #[test]
    fn the_report_pattern_selects_both_formats() {
        // An OR of two quoted terms (`?"…" ?"…"`), as CloudWatch Logs' filter syntax writes it.
        assert_eq!(
            REPORT_FILTER_PATTERN,
            r#"?"REPORT RequestId" ?"platform.report""#
        );
    }
}

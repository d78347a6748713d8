//! Log lines through CloudWatch Logs Live Tail (`StartLiveTail`): one long response stream per
//! session, a `sessionUpdate` a second with the lines ingested since.
//!
//! What the service allows, and what is done about it:
//! - at most 10 log groups a session, named by ARN without the trailing `:*`
//!   (`arn:aws:logs:<region>:<account>:log-group:<name>`): the followed groups are split into
//!   sessions of 10, at most [`LiveTailOptions::max_sessions`] of them (the account allows 15
//!   at once, shared with the console and every other tool); groups beyond are polled;
//! - a session ends after 3 hours (`SessionTimeoutException`): it is renewed before that, and
//!   at once when the exception comes;
//! - a stream that drops, ends or says nothing for [`LiveTailOptions::idle_timeout`] (streams have
//!   no SDK timeout) is opened again after a backoff; its groups are polled meanwhile;
//! - above 500 matching lines a second the server samples (`sessionMetadata.sampled`): a notice
//!   says lines are missing;
//! - sessions are billed by the minute ($0.01 in us-east-1; 1,800 free minutes a month): each
//!   started minute is sent as a [`crate::message::Charge`] while the session runs;
//! - `LimitExceededException`, `AccessDeniedException` or an endpoint without Live Tail: with
//!   `auto` the groups are polled with FilterLogEvents (a notice says why) and Live Tail is tried
//!   again after [`LiveTailOptions::retry_after`]; with `on` the log reads fail with that error.
//!
//! Exactly once: Live Tail events carry no event id. Every line, polled or streamed, is known by
//! (log group, stream, timestamp, ingestion time, message) and the number of its copy within one
//! reader (one FilterLogEvents read, one session's stream): [`Copies`]. A line delivered by one
//! reader is not delivered again by another that sees it too — a catch-up read overlapping a
//! session's start, a poll after the stream dropped, a renewed session. See [`Copies`] for the
//! one case this cannot tell apart.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_cloudwatchlogs::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_cloudwatchlogs::error::{BoxError, DisplayErrorContext};
use aws_sdk_cloudwatchlogs::types::StartLiveTailResponseStream;
use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::Clients;
use super::error::{AwsError, ErrorFacts, Failure, START_LIVE_TAIL};
use crate::analytics::Pricing;
use crate::message::SourceError;
use crate::poll::{Backoff, jitter_unit};

/// `--live-tail`, `[logs] live_tail`: how the followed log groups are read.
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
pub enum LiveTailMode {
    /// Live Tail while the log pane is watched (and for `tail --follow`); FilterLogEvents where
    /// Live Tail is denied, over its quota or not offered, and under a budget.
    #[default]
    Auto,
    /// Live Tail only: the log reads fail when it is not available.
    On,
    /// FilterLogEvents every few seconds, no Live Tail.
    Off,
}

/// Log groups a session can follow.
pub const GROUPS_PER_SESSION: usize = 10;

/// How Live Tail sessions are run.
#[derive(Debug, Clone)]
pub struct LiveTailOptions {
    pub mode: LiveTailMode,
    /// Sessions at once at most (the account's quota is 15, shared with every other tool).
    pub max_sessions: usize,
    /// A session is renewed after this long (the service ends it at 3 hours).
    pub session_max: Duration,
    /// A stream without any message for this long is taken as dropped (updates come every
    /// second).
    pub idle_timeout: Duration,
    /// The followed groups must stay the same this long before the sessions change.
    pub debounce: Duration,
    /// A group whose session started is still polled until a read starting this long after the
    /// start: lines ingested just before the session are searchable only after a few seconds.
    pub catch_up: Duration,
    /// Waits before opening a dropped stream again.
    pub reconnect: Backoff,
    /// After falling back to polling, Live Tail is tried again after this long.
    pub retry_after: Duration,
    /// What a session minute costs (`[pricing] live_tail_usd_per_minute`; us-east-1's $0.01 by
    /// default).
    pub usd_per_minute: f64,
}

impl Default for LiveTailOptions {
    fn default() -> Self {
        Self {
            // The command line and the config file default to `auto`.
            mode: LiveTailMode::Off,
            max_sessions: 4,
            session_max: Duration::from_secs(2 * 3600 + 55 * 60),
            idle_timeout: Duration::from_secs(30),
            debounce: Duration::from_secs(3),
            catch_up: Duration::from_secs(15),
            reconnect: Backoff {
                base: Duration::from_secs(1),
                cap: Duration::from_secs(60),
                max_attempts: u32::MAX,
            },
            retry_after: Duration::from_secs(600),
            usd_per_minute: Pricing::default().live_tail_usd_per_minute,
        }
    }
}

/// The ARN of a log group, when the account is known; else the name: what StartLiveTail,
/// FilterLogEvents' `logGroupIdentifier` and StartQuery's `logGroupIdentifiers` take (without
/// the `:*` of DescribeLogGroups' `arn`). A linked source account's group must be named so.
pub fn log_group_identifier(group: &str, region: &str, account: Option<&str>) -> String {
    let partition = if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    };
    match account.filter(|a| !a.is_empty()) {
        Some(account) => format!("arn:{partition}:logs:{region}:{account}:log-group:{group}"),
        None => group.to_string(),
    }
}

/// The copies of log lines one reader (a FilterLogEvents read, a session's stream) has seen.
///
/// A line is known by (stream, timestamp, ingestion time, message) within its log group, and by
/// which copy of that it is within the reader: the first, the second… The id
/// `<hash>.<copy>` is what [`super::SeenEvents`] remembers, so a reader delivers the copies
/// beyond those another reader delivered already, and no others.
///
/// The one ambiguity: identical lines logged in the same millisecond to one stream and ingested
/// in the same millisecond cannot be told apart. They are counted, not merged: every reader that
/// sees all of them (a read covers every line of its time range; a session every line ingested
/// while it runs, and such copies are ingested together) delivers exactly their number. Only a
/// reader that saw some of the copies but not all could miss one, which would take a session
/// starting or a read ending inside the one millisecond those copies were ingested in.
#[derive(Debug, Clone, Default)]
pub struct Copies {
    counts: HashMap<(i64, u64), u32>,
    newest_ingestion: i64,
}

impl Copies {
    /// The id of this copy of the line.
    pub fn id(&mut self, stream: &str, timestamp: i64, ingestion: i64, message: &str) -> String {
        let mut h = DefaultHasher::new();
        (stream, timestamp, ingestion, message).hash(&mut h);
        let key = h.finish();
        self.newest_ingestion = self.newest_ingestion.max(ingestion);
        let n = self.counts.entry((ingestion, key)).or_default();
        *n += 1;
        format!("{key:016x}.{n}")
    }

    /// Forgets lines ingested more than `keep_ms` before the newest: copies of one line are
    /// ingested together, so no more of them come.
    pub fn forget_older(&mut self, keep_ms: i64) {
        let from = self.newest_ingestion.saturating_sub(keep_ms);
        self.counts.retain(|(ingestion, _), _| *ingestion >= from);
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }
}

/// A line a session streamed.
#[derive(Debug, Clone)]
pub(super) struct LiveEvent {
    pub group: String,
    pub stream: String,
    pub timestamp: i64,
    pub ingestion: i64,
    pub message: String,
}

/// Why a session's stream stopped.
#[derive(Debug)]
pub(super) enum Down {
    /// Dropped, ended, idle or failed: opened again after a backoff.
    Dropped(String),
    /// Live Tail cannot be used (denied, over the quota, not offered).
    Unavailable(AwsError),
}

/// What session tasks tell the logs poller.
#[derive(Debug)]
pub(super) enum LiveMsg {
    /// The stream `epoch` of session `session` started: lines ingested from now on come.
    Started {
        session: u64,
        epoch: u64,
    },
    Update {
        session: u64,
        epoch: u64,
        events: Vec<LiveEvent>,
        sampled: bool,
    },
    /// One more session minute started (billed).
    Minute,
    Down {
        session: u64,
        why: Down,
    },
}

/// One followed log group of a session.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct LiveGroup {
    pub name: String,
    pub identifier: String,
}

/// What a session follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct SessionKey {
    pub groups: Vec<LiveGroup>,
    pub pattern: Option<String>,
}

/// Splits the followed groups (sorted) into sessions of [`GROUPS_PER_SESSION`], at most `max`.
pub(super) fn plan_sessions(
    mut groups: Vec<LiveGroup>,
    pattern: Option<String>,
    max: usize,
) -> Vec<SessionKey> {
    groups.sort();
    groups.dedup();
    groups
        .chunks(GROUPS_PER_SESSION)
        .take(max)
        .map(|c| SessionKey {
            groups: c.to_vec(),
            pattern: pattern.clone(),
        })
        .collect()
}

/// Whether a failed StartLiveTail means Live Tail cannot be used here (rather than a network
/// problem or a server error to retry): the quota, a denial, or an endpoint that does not offer
/// the operation or answers it with something else than a stream.
pub(super) fn is_unavailable(f: &ErrorFacts) -> bool {
    if f.code.as_deref() == Some("LimitExceededException") {
        return true;
    }
    match f.failure {
        // A 5xx without an AWS error code is not the service failing but an endpoint that does
        // not know the operation (an emulator's "not implemented").
        Failure::Service | Failure::Response => {
            !f.is_retryable() || (f.code.is_none() && matches!(f.status, Some(500 | 501)))
        }
        _ => false,
    }
}

/// How the error of `--live-tail on` begins when Live Tail cannot be used: a `tail --follow` ends
/// with it.
pub const REQUIRED_UNAVAILABLE: &str = "Live Tail is not available";

/// The notice (or, with `on`, the error) when Live Tail cannot be used.
pub(super) fn unavailable_error(e: &AwsError, mode: LiveTailMode) -> SourceError {
    let why = match e.facts.code.as_deref() {
        Some("LimitExceededException") => {
            "the account's Live Tail sessions are all in use (LimitExceeded)".to_string()
        }
        Some(c) if c.contains("AccessDenied") => "AccessDenied on logs:StartLiveTail".to_string(),
        Some(c) => format!("the endpoint answered StartLiveTail with {c}"),
        None => match e.facts.status {
            Some(s) => format!("the endpoint does not offer it (HTTP {s})"),
            None => "the endpoint does not offer it".to_string(),
        },
    };
    match mode {
        LiveTailMode::On => SourceError::new(
            format!("{REQUIRED_UNAVAILABLE}: {why}."),
            Some("Use --live-tail auto to read the logs with FilterLogEvents instead."),
        ),
        _ => SourceError::new(
            format!(
                "Live Tail is not available ({why}): log lines are read with FilterLogEvents every few seconds."
            ),
            Some("Live Tail is tried again in 10 minutes; --live-tail off stops trying."),
        ),
    }
}

/// The notice while a session samples.
pub(super) fn sampled_notice() -> SourceError {
    SourceError::new(
        "Live Tail is sampling: more than 500 lines a second match, so some are not shown.",
        Some(
            "Narrow the filter or follow fewer functions; --live-tail off reads every line with FilterLogEvents.",
        ),
    )
}

/// Removes the `stream-` host prefix StartLiveTail puts before the endpoint: a custom endpoint
/// (`--endpoint-url`, `AWS_ENDPOINT_URL*`) is used as given, as for every other call.
#[derive(Debug)]
struct EndpointAsGiven;

impl Intercept for EndpointAsGiven {
    fn name(&self) -> &'static str {
        "EndpointAsGiven"
    }

    fn modify_before_retry_loop(
        &self,
        _context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

/// A stream that ran this long before it dropped was a good one: the backoff starts over.
const STABLE: Duration = Duration::from_secs(300);

/// How one stream ended.
enum End {
    /// Time to renew (the session limit is near, or the service ended it).
    Renew,
    Dropped(String),
    /// The poller has gone.
    Closed,
}

/// One session: its stream opened, followed, renewed and opened again until the task is
/// aborted or Live Tail turns out to be unavailable.
pub(super) struct SessionTask {
    pub clients: Clients,
    pub id: u64,
    pub key: SessionKey,
    pub opts: LiveTailOptions,
    pub tx: mpsc::Sender<LiveMsg>,
}

impl SessionTask {
    pub fn spawn(self) -> JoinHandle<()> {
        tokio::spawn(self.run())
    }

    async fn run(self) {
        let mut epoch = 0u64;
        let mut failures = 0u32;
        loop {
            epoch += 1;
            let call = self
                .clients
                .logs
                .start_live_tail()
                .set_log_group_identifiers(Some(
                    self.key
                        .groups
                        .iter()
                        .map(|g| g.identifier.clone())
                        .collect(),
                ))
                .set_log_event_filter_pattern(self.key.pattern.clone());
            let sent = if self.clients.custom_logs_endpoint {
                call.customize().interceptor(EndpointAsGiven).send().await
            } else {
                call.send().await
            };
            let opened = Instant::now();
            let end = match sent {
                Err(e) => {
                    let e = AwsError::from_sdk(START_LIVE_TAIL, &e);
                    if is_unavailable(&e.facts) {
                        let why = Down::Unavailable(e);
                        let _ = self
                            .tx
                            .send(LiveMsg::Down {
                                session: self.id,
                                why,
                            })
                            .await;
                        return;
                    }
                    End::Dropped(e.facts.detail)
                }
                Ok(out) => self.follow(out.response_stream, epoch).await,
            };
            // Either way the groups are polled until the next stream has started and caught up:
            // what is ingested in between is read, not lost.
            let (reason, renew) = match end {
                End::Closed => return,
                End::Renew => ("renewed before the session limit".to_string(), true),
                End::Dropped(reason) => (reason, false),
            };
            let why = Down::Dropped(reason);
            if self
                .tx
                .send(LiveMsg::Down {
                    session: self.id,
                    why,
                })
                .await
                .is_err()
            {
                return;
            }
            if renew {
                failures = 0;
            } else {
                // A stream that ran a while starts the backoff over.
                if opened.elapsed() >= STABLE {
                    failures = 0;
                }
                failures += 1;
                // At least the backoff's base between two attempts, whatever the draw.
                let wait = self
                    .opts
                    .reconnect
                    .delay(failures, jitter_unit())
                    .max(self.opts.reconnect.base);
                tokio::time::sleep(wait).await;
            }
        }
    }

    async fn follow(
        &self,
        mut stream: aws_sdk_cloudwatchlogs::primitives::event_stream::EventReceiver<
            StartLiveTailResponseStream,
            StartLiveTailResponseStreamError,
        >,
        epoch: u64,
    ) -> End {
        let session = self.id;
        let deadline = Instant::now() + self.opts.session_max;
        let mut idle_at = Instant::now() + self.opts.idle_timeout;
        let mut next_minute: Option<Instant> = None;
        loop {
            let wake = next_minute.map_or(deadline.min(idle_at), |m| m.min(deadline).min(idle_at));
            let msg = tokio::select! {
                r = stream.recv() => {
                    idle_at = Instant::now() + self.opts.idle_timeout;
                    match r {
                        Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => {
                            next_minute = Some(Instant::now());
                            LiveMsg::Started { session, epoch }
                        }
                        Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => LiveMsg::Update {
                            session,
                            epoch,
                            events: u
                                .session_results()
                                .iter()
                                .filter_map(|e| self.event(e))
                                .collect(),
                            sampled: u.session_metadata().is_some_and(|m| m.sampled()),
                        },
                        Ok(Some(_)) => continue,
                        Ok(None) => return End::Dropped("the stream ended".into()),
                        Err(e) => {
                            let timeout = matches!(
                                e.as_service_error(),
                                Some(StartLiveTailResponseStreamError::SessionTimeoutException(_))
                            );
                            if timeout {
                                return End::Renew;
                            }
                            return End::Dropped(DisplayErrorContext(&e).to_string());
                        }
                    }
                }
                () = tokio::time::sleep_until(wake) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return End::Renew;
                    }
                    if now >= idle_at {
                        return End::Dropped(format!(
                            "nothing came for {} s",
                            self.opts.idle_timeout.as_secs_f64()
                        ));
                    }
                    match &mut next_minute {
                        Some(m) if now >= *m => {
                            *m += Duration::from_secs(60);
                            LiveMsg::Minute
                        }
                        _ => continue,
                    }
                }
            };
            if let LiveMsg::Started { .. } = msg {
                // The first minute is billed as the session starts.
                if self.tx.send(LiveMsg::Minute).await.is_err() {
                    return End::Closed;
                }
                if let Some(m) = &mut next_minute {
                    *m += Duration::from_secs(60);
                }
            }
            if self.tx.send(msg).await.is_err() {
                return End::Closed;
            }
        }
    }

    /// A streamed line, with the name of its group (the service names it as it was asked for).
    fn event(
        &self,
        e: &aws_sdk_cloudwatchlogs::types::LiveTailSessionLogEvent,
    ) -> Option<LiveEvent> {
        let id = e.log_group_identifier().unwrap_or_default();
        let groups = &self.key.groups;
        let group = groups
            .iter()
            .find(|g| g.identifier == id || g.name == id)
            .or_else(|| {
                let name = id.rsplit_once(":log-group:").map(|(_, n)| n)?;
                groups
                    .iter()
                    .find(|g| g.name == name.trim_end_matches(":*"))
            })?;
        Some(LiveEvent {
            group: group.name.clone(),
            stream: e.log_stream_name().unwrap_or_default().to_string(),
            timestamp: e.timestamp()?,
            ingestion: e.ingestion_time().unwrap_or_default(),
            message: e.message()?.to_string(),
        })
    }
}

/// A followed group's Live Tail state.
#[derive(Debug, Clone, Copy)]
pub(super) struct GroupLive {
    pub session: u64,
    pub since: DateTime<Utc>,
    /// A read starting at least [`LiveTailOptions::catch_up`] after `since` completed: the
    /// group is no longer polled.
    pub caught_up: bool,
}

/// The running sessions of the logs poller, and what their streams delivered.
pub(super) struct LiveTail {
    pub opts: LiveTailOptions,
    clients: Clients,
    tx: mpsc::Sender<LiveMsg>,
    rx: mpsc::Receiver<LiveMsg>,
    running: BTreeMap<SessionKey, (u64, JoinHandle<()>)>,
    next_id: u64,
    /// The plan waiting out the debounce, and since when.
    planned: Option<(Vec<SessionKey>, DateTime<Utc>)>,
    pub groups: HashMap<String, GroupLive>,
    /// Per session: the stream epoch and its copies seen.
    copies: HashMap<u64, (u64, Copies)>,
    sampling: HashSet<u64>,
    /// Live Tail is not tried before this (after a fallback to polling).
    pub off_until: Option<DateTime<Utc>>,
    /// Why Live Tail is not used (`on`: the error of every round).
    pub unavailable: Option<SourceError>,
}

impl LiveTail {
    pub fn new(opts: LiveTailOptions, clients: Clients) -> Self {
        let (tx, rx) = mpsc::channel(256);
        Self {
            opts,
            clients,
            tx,
            rx,
            running: BTreeMap::new(),
            next_id: 0,
            planned: None,
            groups: HashMap::new(),
            copies: HashMap::new(),
            sampling: HashSet::new(),
            off_until: None,
            unavailable: None,
        }
    }

    /// Whether sessions run or are about to.
    pub fn active(&self) -> bool {
        !self.running.is_empty() || self.planned.is_some()
    }

    /// What the session tasks sent since the last call.
    pub fn drain(&mut self) -> Vec<LiveMsg> {
        let mut out = Vec::new();
        while let Ok(m) = self.rx.try_recv() {
            out.push(m);
        }
        out
    }

    /// Stream `epoch` of `session` started at `now`: its groups are live.
    pub fn started(&mut self, session: u64, epoch: u64, now: DateTime<Utc>) {
        self.copies.insert(session, (epoch, Copies::default()));
        if let Some(key) = self.key_of(session) {
            for g in key.groups {
                self.groups.insert(
                    g.name,
                    GroupLive {
                        session,
                        since: now,
                        caught_up: false,
                    },
                );
            }
        }
    }

    /// The copies seen by stream `epoch` of `session`.
    pub fn copies(&mut self, session: u64, epoch: u64) -> &mut Copies {
        let entry = self
            .copies
            .entry(session)
            .or_insert_with(|| (epoch, Copies::default()));
        if entry.0 != epoch {
            *entry = (epoch, Copies::default());
        }
        &mut entry.1
    }

    /// `true` when the session just began sampling (a notice is due).
    pub fn sampled(&mut self, session: u64, sampled: bool) -> bool {
        if sampled {
            self.sampling.insert(session)
        } else {
            self.sampling.remove(&session);
            false
        }
    }

    /// The session's stream stopped: its groups are polled again.
    pub fn down(&mut self, session: u64) {
        self.groups.retain(|_, g| g.session != session);
        self.sampling.remove(&session);
    }

    fn key_of(&self, session: u64) -> Option<SessionKey> {
        self.running
            .iter()
            .find(|(_, (id, _))| *id == session)
            .map(|(k, _)| k.clone())
    }

    /// Live Tail cannot be used: every session stops; with `auto` it is tried again later.
    pub fn fall_back(&mut self, error: SourceError, now: DateTime<Utc>) {
        self.stop_all();
        let retry = chrono::Duration::from_std(self.opts.retry_after)
            .unwrap_or_else(|_| chrono::Duration::hours(1));
        self.off_until = Some(now + retry);
        self.unavailable = Some(error);
    }

    /// Whether Live Tail may be tried at `now`.
    pub fn allowed(&mut self, now: DateTime<Utc>) -> bool {
        match self.off_until {
            Some(t) if now < t => false,
            Some(_) => {
                self.off_until = None;
                self.unavailable = None;
                true
            }
            None => true,
        }
    }

    pub fn stop_all(&mut self) {
        for (_, (_, handle)) in std::mem::take(&mut self.running) {
            handle.abort();
        }
        self.planned = None;
        self.groups.clear();
        self.copies.clear();
        self.sampling.clear();
    }

    /// Runs the sessions of `plan` once it has been the same for the debounce time; sessions
    /// that follow what they did go on undisturbed.
    pub fn want(&mut self, plan: Vec<SessionKey>, now: DateTime<Utc>) {
        if self.running.keys().eq(plan.iter()) {
            self.planned = None;
            return;
        }
        let debounce =
            chrono::Duration::from_std(self.opts.debounce).unwrap_or(chrono::Duration::zero());
        let since = match &self.planned {
            Some((p, since)) if *p == plan => *since,
            _ => now,
        };
        if now - since < debounce {
            self.planned = Some((plan, since));
            return;
        }
        self.planned = None;
        let keep: HashSet<&SessionKey> = plan.iter().collect();
        let stale: Vec<SessionKey> = self
            .running
            .keys()
            .filter(|k| !keep.contains(k))
            .cloned()
            .collect();
        for k in stale {
            if let Some((id, handle)) = self.running.remove(&k) {
                handle.abort();
                self.down(id);
                self.copies.remove(&id);
            }
        }
        for key in plan {
            if self.running.contains_key(&key) {
                continue;
            }
            self.next_id += 1;
            let id = self.next_id;
            let handle = SessionTask {
                clients: self.clients.clone(),
                id,
                key: key.clone(),
                opts: self.opts.clone(),
                tx: self.tx.clone(),
            }
            .spawn();
            self.running.insert(key, (id, handle));
        }
    }

    /// The filter pattern of `session`, while it runs (not replaced or stopped).
    pub fn pattern_of(&self, session: u64) -> Option<Option<String>> {
        self.key_of(session).map(|k| k.pattern)
    }

    /// Forgets a session that stopped for good.
    pub fn remove(&mut self, session: u64) {
        if let Some(k) = self.key_of(session) {
            self.running.remove(&k);
        }
        self.down(session);
        self.copies.remove(&session);
    }
}

impl Drop for LiveTail {
    fn drop(&mut self) {
        self.stop_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_groups_are_named_by_arn_without_the_wildcard() {
        assert_eq!(
            log_group_identifier("/aws/lambda/orders", "eu-west-1", Some("123456789012")),
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders"
        );
        assert_eq!(
            log_group_identifier("shared-logs", "cn-north-1", Some("123456789012")),
            "arn:aws-cn:logs:cn-north-1:123456789012:log-group:shared-logs"
        );
        assert_eq!(
            log_group_identifier("/aws/lambda/x", "us-gov-west-1", Some("1")),
            "arn:aws-us-gov:logs:us-gov-west-1:1:log-group:/aws/lambda/x"
        );
        assert_eq!(
            log_group_identifier("/aws/lambda/x", "eu-west-1", None),
            "/aws/lambda/x"
        );
    }

    #[test]
    fn groups_are_split_ten_a_session_up_to_the_maximum() {
        let groups: Vec<LiveGroup> = (0..25)
            .rev()
            .map(|i| LiveGroup {
                name: format!("g{i:02}"),
                identifier: format!("arn:g{i:02}"),
            })
            .collect();
        let plan = plan_sessions(groups.clone(), None, 4);
        assert_eq!(
            plan.iter().map(|s| s.groups.len()).collect::<Vec<_>>(),
            [10, 10, 5]
        );
        assert_eq!(plan[0].groups[0].name, "g00");
        assert_eq!(plan[2].groups[4].name, "g24");
        // Beyond the maximum the groups are left to polling.
        let plan = plan_sessions(groups, Some("ERROR".into()), 2);
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[1].groups[9].name, "g19");
        assert_eq!(plan[1].pattern.as_deref(), Some("ERROR"));
    }

    #[test]
    fn copies_of_one_line_are_counted_and_other_lines_told_apart() {
        let mut a = Copies::default();
        let first = a.id("s", 1000, 1500, "hello");
        let second = a.id("s", 1000, 1500, "hello");
        assert_ne!(first, second);
        assert!(first.ends_with(".1") && second.ends_with(".2"));
        // Another reader names the same copies the same way.
        let mut b = Copies::default();
        assert_eq!(b.id("s", 1000, 1500, "hello"), first);
        assert_eq!(b.id("s", 1000, 1500, "hello"), second);
        // Any field that differs makes another line.
        let other = [
            b.id("t", 1000, 1500, "hello"),
            b.id("s", 1001, 1500, "hello"),
            b.id("s", 1000, 1501, "hello"),
            b.id("s", 1000, 1500, "hello!"),
        ];
        for o in &other {
            assert!(o.ends_with(".1"), "{o}");
            assert_ne!(o[..16], first[..16]);
        }
        // Lines ingested long before the newest are forgotten.
        b.id("s", 1000, 100_000, "late");
        b.forget_older(60_000);
        assert_eq!(b.len(), 1);
    }

    #[test]
    fn only_what_is_not_worth_retrying_makes_live_tail_unavailable() {
        let limit = ErrorFacts::service(400, "LimitExceededException", "too many sessions");
        assert!(is_unavailable(&limit));
        assert!(is_unavailable(&ErrorFacts::service(
            400,
            "AccessDeniedException",
            "no"
        )));
        assert!(is_unavailable(&ErrorFacts::service(
            404,
            "UnknownOperationException",
            "StartLiveTail"
        )));
        assert!(!is_unavailable(&ErrorFacts::service(
            500,
            "ServiceUnavailableException",
            "later"
        )));
        // An emulator's "not implemented": HTTP 500 without an AWS error code.
        let html = ErrorFacts {
            code: None,
            message: None,
            ..ErrorFacts::service(500, "x", "")
        };
        assert!(is_unavailable(&html));
        assert!(!is_unavailable(&ErrorFacts::service(
            400,
            "ThrottlingException",
            "slow down"
        )));
        let e = AwsError {
            operation: START_LIVE_TAIL,
            facts: limit,
        };
        let auto = unavailable_error(&e, LiveTailMode::Auto);
        assert!(auto.message.contains("LimitExceeded"), "{}", auto.message);
        assert!(auto.message.contains("FilterLogEvents"), "{}", auto.message);
        let on = unavailable_error(&e, LiveTailMode::On);
        assert!(on.message.starts_with("Live Tail is not available"));
        assert!(on.hint.is_some_and(|h| h.contains("--live-tail auto")));
    }
}

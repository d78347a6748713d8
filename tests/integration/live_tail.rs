//! Live Tail sessions of the logs poller, against [`LivePeer`] (support/live_tail_peer.rs).
//!
//! Every test here uses that scripted peer, because moto has no StartLiveTail: the peer frames
//! the stream in the AWS event-stream encoding as the service does, lets each test say frame by
//! frame what the stream sends (and when it drops or times out), and answers FilterLogEvents from
//! the same log, so what the polling reads around a stream's gaps is checked against it too.
//! The logs poller's rounds are run one at a time on a manual clock (one second a round), the
//! session tasks on the real one.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use lambdatop::clock::Clock;
use lambdatop::message::{Charge, Update};
use lambdatop::poll::Backoff;
use lambdatop::source::cloudwatch::{AwsOptions, LiveTailMode, LiveTailOptions};
use tokio::sync::mpsc::UnboundedSender;

use crate::cloudwatch_canned::{Harness, harness_with};
use crate::support::live_tail_peer::{Answer, Frame, GROUP_ARN, Line, LivePeer};

/// What the rounds delivered.
#[derive(Default, Debug)]
struct Seen {
    lines: Vec<String>,
    notices: Vec<String>,
    failures: Vec<String>,
    charges: Vec<Charge>,
}

impl Seen {
    fn count(&self, message: &str) -> usize {
        self.lines.iter().filter(|l| *l == message).count()
    }
}

fn options(mode: LiveTailMode) -> AwsOptions {
    AwsOptions {
        logs_only: true,
        logs_rate_limit_per_s: 1000.0,
        backoff: Backoff {
            base: StdDuration::from_millis(1),
            cap: StdDuration::from_millis(5),
            max_attempts: 2,
        },
        live_tail: LiveTailOptions {
            mode,
            debounce: StdDuration::ZERO,
            catch_up: StdDuration::ZERO,
            idle_timeout: StdDuration::from_secs(20),
            reconnect: Backoff {
                base: StdDuration::from_millis(20),
                cap: StdDuration::from_millis(50),
                max_attempts: u32::MAX,
            },
            ..LiveTailOptions::default()
        },
        ..AwsOptions::default()
    }
}

async fn start(peer: &LivePeer, mode: LiveTailMode) -> Harness {
    start_with(peer, options(mode)).await
}

async fn start_with(peer: &LivePeer, opts: AwsOptions) -> Harness {
    let mut h = harness_with(&peer.endpoint, Utc::now(), opts).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    h.drain();
    h
}

/// One logs round a second of the manual clock, until `done` (at most 10 s of real time).
async fn rounds_until(
    h: &mut Harness,
    seen: &mut Seen,
    what: &str,
    mut done: impl FnMut(&Seen) -> bool,
) {
    for _ in 0..500 {
        h.clock.advance(Duration::seconds(1));
        h.pollers.logs.round(&h.ctx).await;
        for u in h.drain() {
            match u {
                Update::Logs(block) => seen
                    .lines
                    .extend(block.pane.iter().map(|e| e.message.clone())),
                Update::Notice { notice, .. } => seen.notices.push(notice.to_string()),
                Update::Failed { error, .. } => seen.failures.push(error.to_string()),
                Update::Charge(c) => seen.charges.push(c),
                _ => {}
            }
        }
        if done(seen) {
            return;
        }
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}: {seen:?}");
}

/// Rounds for `n` seconds of the manual clock: more than the poll interval, so a group left to
/// polling is read.
async fn rounds(h: &mut Harness, seen: &mut Seen, n: usize) {
    let mut left = n;
    rounds_until(h, seen, "rounds", move |_| {
        left -= 1;
        left == 0
    })
    .await;
}

/// Logs `lines` and sends them on `stream`, as the service streams what is ingested.
fn stream_lines(peer: &LivePeer, stream: &UnboundedSender<Frame>, lines: &[Line]) {
    peer.ingest(lines);
    stream
        .send(Frame::Update {
            lines: lines.to_vec(),
            sampled: false,
        })
        .unwrap();
}

/// Rounds until the peer has been asked for `n` sessions.
async fn until_sessions(h: &mut Harness, seen: &mut Seen, peer: &LivePeer, n: usize) {
    rounds_until(h, seen, "a session", |_| peer.live_calls().len() == n).await;
}

fn ms(h: &Harness, back: Duration) -> i64 {
    (h.clock.now() - back).timestamp_millis()
}

/// Starts a session on a log with one old line: the poll reads it, the stream starts, its first
/// minute is charged.
async fn live_session(peer: &LivePeer, seen: &mut Seen) -> (Harness, UnboundedSender<Frame>) {
    let s1 = peer.stream();
    let mut h = start(peer, LiveTailMode::Auto).await;
    let t = ms(&h, Duration::seconds(60));
    peer.ingest(&[Line::new(t, t + 500, "A")]);
    rounds_until(&mut h, seen, "the first read", |s| s.count("A") == 1).await;
    s1.send(Frame::Start).unwrap();
    rounds_until(&mut h, seen, "the session's start", |s| {
        !s.charges.is_empty()
    })
    .await;
    // A poll after the start catches up; then the group is only streamed.
    rounds(&mut h, seen, 6).await;
    (h, s1)
}

#[tokio::test]
async fn a_session_streams_the_followed_groups_and_its_minutes_are_charged() {
    let peer = LivePeer::start().await;
    let mut seen = Seen::default();
    let (mut h, s1) = live_session(&peer, &mut seen).await;

    // The log group is named by ARN, without `:*`, and the call reached the endpoint as given.
    let calls = peer.live_calls();
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0].contains(&format!("\"{GROUP_ARN}\"")),
        "{}",
        calls[0]
    );
    // One minute billed as the session started, at $0.01.
    assert_eq!(seen.charges.len(), 1);
    let c = seen.charges[0];
    assert_eq!(
        (c.operation, c.units, c.unit),
        ("StartLiveTail", 1.0, "minutes")
    );
    assert!((c.usd - 0.01).abs() < 1e-12);

    // Streamed lines arrive; the group is no longer polled.
    let polls = peer.filter_calls();
    let t = ms(&h, Duration::seconds(1));
    let b = [Line::new(t, t + 200, "B"), Line::new(t + 1, t + 200, "C")];
    stream_lines(&peer, &s1, &b);
    rounds_until(&mut h, &mut seen, "B and C", |s| s.count("C") == 1).await;
    rounds(&mut h, &mut seen, 12).await;
    assert_eq!(peer.filter_calls(), polls, "a streamed group is not polled");
    assert_eq!(seen.lines, ["A", "B", "C"]);
    assert!(seen.notices.is_empty(), "{:?}", seen.notices);
}

#[tokio::test]
async fn a_dropped_stream_is_opened_again_and_the_gap_read_once() {
    let peer = LivePeer::start().await;
    let mut seen = Seen::default();
    let (mut h, s1) = live_session(&peer, &mut seen).await;

    // Two identical lines (same stream, millisecond, ingestion and text) are two lines.
    let t = ms(&h, Duration::seconds(2));
    let burst = [
        Line::new(t, t + 300, "B"),
        Line::new(t + 5, t + 300, "dup"),
        Line::new(t + 5, t + 300, "dup"),
    ];
    stream_lines(&peer, &s1, &burst);
    rounds_until(&mut h, &mut seen, "the burst", |s| s.count("dup") == 2).await;

    // The connection drops; D is logged while no stream runs.
    let s2 = peer.stream();
    s1.send(Frame::Drop).unwrap();
    let t = ms(&h, Duration::seconds(1));
    peer.ingest(&[Line::new(t, t + 100, "D")]);
    let polls = peer.filter_calls();
    rounds_until(
        &mut h,
        &mut seen,
        "the reconnection and a catch-up read",
        |_| peer.live_calls().len() == 2 && peer.filter_calls() > polls,
    )
    .await;
    s2.send(Frame::Start).unwrap();
    let t = ms(&h, Duration::zero());
    let e = Line::new(t, t + 100, "E");
    stream_lines(&peer, &s2, std::slice::from_ref(&e));
    rounds_until(&mut h, &mut seen, "D and E", |s| {
        s.count("D") + s.count("E") == 2
    })
    .await;
    rounds(&mut h, &mut seen, 12).await;

    // The catch-up read saw A, B and both dups again: none is repeated, none lost.
    assert_eq!(seen.lines, ["A", "B", "dup", "dup", "D", "E"]);
    assert!(seen.failures.is_empty(), "{:?}", seen.failures);
}

#[tokio::test]
async fn a_session_that_times_out_is_renewed_and_nothing_between_is_lost() {
    let peer = LivePeer::start().await;
    let mut seen = Seen::default();
    let (mut h, s1) = live_session(&peer, &mut seen).await;

    let t = ms(&h, Duration::seconds(1));
    let b = Line::new(t, t + 100, "B");
    stream_lines(&peer, &s1, std::slice::from_ref(&b));
    rounds_until(&mut h, &mut seen, "B", |s| s.count("B") == 1).await;

    // After three hours the service ends the session: it is started again at once.
    let s2 = peer.stream();
    s1.send(Frame::Timeout).unwrap();
    let t = ms(&h, Duration::zero());
    peer.ingest(&[Line::new(t, t + 100, "between")]);
    until_sessions(&mut h, &mut seen, &peer, 2).await;
    s2.send(Frame::Start).unwrap();
    let t = ms(&h, Duration::zero());
    let c = Line::new(t, t + 100, "C");
    stream_lines(&peer, &s2, std::slice::from_ref(&c));
    rounds_until(&mut h, &mut seen, "C and the line between", |s| {
        s.count("C") == 1 && s.count("between") == 1
    })
    .await;
    rounds(&mut h, &mut seen, 12).await;
    // The line between the two streams comes from the catch-up read, after C: once each.
    let mut lines = seen.lines.clone();
    lines.sort();
    assert_eq!(lines, ["A", "B", "C", "between"]);
    // Two sessions, two minutes started: charged together once a minute (the second with the
    // next charge, a minute after the first), so the rate an hour is what the sessions cost.
    assert_eq!(peer.live_calls().len(), 2);
    rounds(&mut h, &mut seen, 60).await;
    let minutes: Vec<f64> = seen.charges.iter().map(|c| c.units).collect();
    assert_eq!(minutes, [1.0, 1.0]);
}

#[tokio::test]
async fn under_a_budget_auto_polls_instead() {
    // A session alone costs $0.60 an hour, more than a dashboard budget is for: with a budget,
    // `auto` does not start Live Tail and polls; without it again, it does.
    let peer = LivePeer::start().await;
    let _s1 = peer.stream();
    let mut h = start(&peer, LiveTailMode::Auto).await;
    h.requests
        .send_modify(|r| r.budget_usd_per_hour = Some(0.10));
    let mut seen = Seen::default();
    let t = ms(&h, Duration::seconds(10));
    peer.ingest(&[Line::new(t, t + 10, "polled")]);
    rounds(&mut h, &mut seen, 12).await;
    assert_eq!(seen.lines, ["polled"]);
    assert!(peer.live_calls().is_empty());
    h.requests.send_modify(|r| r.budget_usd_per_hour = None);
    until_sessions(&mut h, &mut seen, &peer, 1).await;
}

#[tokio::test]
async fn the_dashboard_streams_only_while_someone_reads_the_logs() {
    // A dashboard left on the table polls (no charge); the log pane focused, or a detail view
    // open, streams.
    let peer = LivePeer::start().await;
    let _s1 = peer.stream();
    let mut h = start_with(
        &peer,
        AwsOptions {
            logs_only: false,
            ..options(LiveTailMode::Auto)
        },
    )
    .await;
    let mut seen = Seen::default();
    let t = ms(&h, Duration::seconds(10));
    peer.ingest(&[Line::new(t, t + 10, "polled")]);
    rounds(&mut h, &mut seen, 12).await;
    assert_eq!(seen.lines, ["polled"]);
    assert!(peer.live_calls().is_empty());
    h.requests.send_modify(|r| r.reading_logs = true);
    until_sessions(&mut h, &mut seen, &peer, 1).await;
}

#[tokio::test]
async fn sampling_by_the_server_is_told() {
    let peer = LivePeer::start().await;
    let mut seen = Seen::default();
    let (mut h, s1) = live_session(&peer, &mut seen).await;
    let t = ms(&h, Duration::zero());
    s1.send(Frame::Update {
        lines: vec![Line::new(t, t + 10, "one of many")],
        sampled: true,
    })
    .unwrap();
    rounds_until(&mut h, &mut seen, "the sampling notice", |s| {
        !s.notices.is_empty()
    })
    .await;
    assert!(
        seen.notices[0].starts_with("Live Tail is sampling"),
        "{:?}",
        seen.notices
    );
    assert_eq!(seen.count("one of many"), 1);
}

/// Live Tail refused as `code` says: the lines are polled, with a notice (`auto`), or the reads
/// fail (`on`).
async fn refused(code: &'static str, mode: LiveTailMode) -> Seen {
    let peer = LivePeer::start().await;
    peer.answer(Answer::Error { status: 400, code });
    let mut seen = Seen::default();
    let mut h = start(&peer, mode).await;
    let t = ms(&h, Duration::seconds(30));
    peer.ingest(&[Line::new(t, t + 100, "A")]);
    rounds_until(&mut h, &mut seen, "the refusal", |s| {
        !s.notices.is_empty() || !s.failures.is_empty()
    })
    .await;
    let t = ms(&h, Duration::zero());
    peer.ingest(&[Line::new(t, t + 100, "B")]);
    rounds(&mut h, &mut seen, 12).await;
    // Not tried again soon (the retry comes after ten minutes).
    assert_eq!(peer.live_calls().len(), 1);
    seen
}

#[tokio::test]
async fn limit_exceeded_falls_back_to_polling_with_a_notice() {
    let seen = refused("LimitExceededException", LiveTailMode::Auto).await;
    assert_eq!(seen.lines, ["A", "B"]);
    assert_eq!(seen.notices.len(), 1, "{:?}", seen.notices);
    assert!(
        seen.notices[0].contains("LimitExceeded"),
        "{}",
        seen.notices[0]
    );
    assert!(
        seen.notices[0].contains("FilterLogEvents"),
        "{}",
        seen.notices[0]
    );
    assert!(seen.failures.is_empty());
}

#[tokio::test]
async fn access_denied_falls_back_to_polling_with_a_notice() {
    let seen = refused("AccessDeniedException", LiveTailMode::Auto).await;
    assert_eq!(seen.lines, ["A", "B"]);
    assert!(
        seen.notices[0].contains("AccessDenied on logs:StartLiveTail"),
        "{}",
        seen.notices[0]
    );
}

#[tokio::test]
async fn an_endpoint_without_live_tail_fails_clearly_when_it_is_required() {
    // `on`: no silent polling; every round says why.
    let seen = refused("UnknownOperationException", LiveTailMode::On).await;
    assert!(seen.notices.is_empty(), "{:?}", seen.notices);
    assert!(
        seen.failures[0].starts_with("Live Tail is not available"),
        "{:?}",
        seen.failures
    );
    assert!(seen.failures[0].contains("--live-tail auto"));
}

#[tokio::test]
async fn a_silent_stream_is_taken_as_dropped_and_opened_again() {
    // Streams have no SDK timeout: a stream that sends nothing after its start (not even the
    // update due every second) is given up after the idle timeout and opened again.
    let peer = LivePeer::start().await;
    let mut opts = options(LiveTailMode::Auto);
    opts.live_tail.idle_timeout = StdDuration::from_millis(300);
    let s1 = peer.stream();
    let s2 = peer.stream();
    let mut h = start_with(&peer, opts).await;
    let mut seen = Seen::default();
    until_sessions(&mut h, &mut seen, &peer, 1).await;
    s1.send(Frame::Start).unwrap();
    until_sessions(&mut h, &mut seen, &peer, 2).await;
    s2.send(Frame::Start).unwrap();
    let t = ms(&h, Duration::zero());
    let line = Line::new(t, t + 10, "after the silence");
    stream_lines(&peer, &s2, std::slice::from_ref(&line));
    rounds_until(&mut h, &mut seen, "the line", |s| {
        s.count("after the silence") == 1
    })
    .await;
    rounds(&mut h, &mut seen, 8).await;
    assert_eq!(seen.count("after the silence"), 1);
    drop(s1);
}

#[tokio::test]
async fn sessions_change_with_what_is_followed_once_it_stays_the_same() {
    // The filter typed in the log pane goes to Live Tail as its pattern: a new session, but
    // only once the filter has stayed the same for the debounce time (3 s here).
    let peer = LivePeer::start().await;
    let mut opts = options(LiveTailMode::Auto);
    opts.live_tail.debounce = StdDuration::from_secs(3);
    let s1 = peer.stream();
    let _s2 = peer.stream();
    let mut h = start_with(&peer, opts).await;
    let mut seen = Seen::default();
    // The first session waits out the debounce too.
    until_sessions(&mut h, &mut seen, &peer, 1).await;
    s1.send(Frame::Start).unwrap();
    rounds(&mut h, &mut seen, 2).await;

    // Typing: "ERR", a second later "ERROR", then nothing.
    h.requests
        .send_modify(|r| r.log_filter_pattern = Some("ERR".into()));
    rounds(&mut h, &mut seen, 1).await;
    h.requests
        .send_modify(|r| r.log_filter_pattern = Some("ERROR".into()));
    rounds(&mut h, &mut seen, 2).await;
    assert_eq!(peer.live_calls().len(), 1, "still debounced");
    until_sessions(&mut h, &mut seen, &peer, 2).await;
    rounds(&mut h, &mut seen, 3).await;
    let calls = peer.live_calls();
    assert_eq!(calls.len(), 2, "one new session, not one per keystroke");
    assert!(!calls[0].contains("logEventFilterPattern"), "{}", calls[0]);
    assert!(
        calls[1].contains("\"logEventFilterPattern\":\"ERROR\""),
        "{}",
        calls[1]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tail_follow_with_live_tail_required_ends_with_the_reason() {
    // `lambdatop tail --follow --live-tail on` end to end, against the scripted peer (moto's
    // Live Tail cannot be made to refuse): the endpoint refuses StartLiveTail, so the tail
    // exits with status 1 and says why instead of waiting for lines that never come.
    let peer = LivePeer::start().await;
    peer.answer(Answer::Error {
        status: 400,
        code: "AccessDeniedException",
    });
    let endpoint = peer.endpoint.clone();
    let out = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"))
            .args([
                "tail",
                "--follow",
                "--live-tail",
                "on",
                "--endpoint-url",
                &endpoint,
                "--region",
                "eu-central-1",
            ])
            .env_remove("AWS_PROFILE")
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("HOME", std::env::temp_dir())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + StdDuration::from_secs(30);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("the tail did not end");
            }
            std::thread::sleep(StdDuration::from_millis(50));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Live Tail is not available: AccessDenied on logs:StartLiveTail"),
        "{err}"
    );
    assert!(err.contains("--live-tail auto"), "{err}");
}

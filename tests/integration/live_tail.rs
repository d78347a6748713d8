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
    let mut h = harness_with(&peer.endpoint, Utc::now(), options(mode)).await;
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

fn ms(h: &Harness, back: Duration) -> i64 {
    (h.clock.now() - back).timestamp_millis()
}

/// Starts a session on a log with one old line: the poll reads it, the stream starts, its first
/// minute is charged.
async fn live_session(
    peer: &LivePeer,
    seen: &mut Seen,
) -> (Harness, tokio::sync::mpsc::UnboundedSender<Frame>) {
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
    peer.ingest(&b);
    s1.send(Frame::Update {
        lines: b.to_vec(),
        sampled: false,
    })
    .unwrap();
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
    peer.ingest(&burst);
    s1.send(Frame::Update {
        lines: burst.to_vec(),
        sampled: false,
    })
    .unwrap();
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
    peer.ingest(std::slice::from_ref(&e));
    s2.send(Frame::Update {
        lines: vec![e],
        sampled: false,
    })
    .unwrap();
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
    peer.ingest(std::slice::from_ref(&b));
    s1.send(Frame::Update {
        lines: vec![b],
        sampled: false,
    })
    .unwrap();
    rounds_until(&mut h, &mut seen, "B", |s| s.count("B") == 1).await;

    // After three hours the service ends the session: it is started again at once.
    let s2 = peer.stream();
    s1.send(Frame::Timeout).unwrap();
    let t = ms(&h, Duration::zero());
    peer.ingest(&[Line::new(t, t + 100, "between")]);
    rounds_until(&mut h, &mut seen, "the renewal", |_| {
        peer.live_calls().len() == 2
    })
    .await;
    s2.send(Frame::Start).unwrap();
    let t = ms(&h, Duration::zero());
    let c = Line::new(t, t + 100, "C");
    peer.ingest(std::slice::from_ref(&c));
    s2.send(Frame::Update {
        lines: vec![c],
        sampled: false,
    })
    .unwrap();
    rounds_until(&mut h, &mut seen, "C and the line between", |s| {
        s.count("C") == 1 && s.count("between") == 1
    })
    .await;
    rounds(&mut h, &mut seen, 12).await;
    // The line between the two streams comes from the catch-up read, after C: once each.
    let mut lines = seen.lines.clone();
    lines.sort();
    assert_eq!(lines, ["A", "B", "C", "between"]);
    // Two sessions, two minutes started.
    assert_eq!(peer.live_calls().len(), 2);
    assert_eq!(seen.charges.len(), 2);
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

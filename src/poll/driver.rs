//! One loop for every poller. A poller is a [`Round`]: it reads what it reads and says what it
//! found, which calls it made and whether it failed ([`RoundOutcome`]); [`drive`] runs its rounds,
//! sends what they found with the calls (`ApiCalls`) and the poller's health (`Polled` or
//! `Failed`), and waits for the next tick, a "refresh now" or a change of request the poller
//! cares about. It stops when the front end has gone, or after one delivery under `--once`.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::{Wake, wait_next};
use crate::message::{ApiCalls, Poller, Request, SourceContext, SourceError, Update};

/// What one round found and cost.
#[derive(Debug, Default)]
pub struct RoundOutcome {
    /// Data for the store, sent first, in this order.
    pub updates: Vec<Update>,
    /// The calls the round made, one entry per operation; sent whether or not it failed.
    pub calls: Vec<ApiCalls>,
    /// Something the user should know although the round went well: sent only when it did.
    pub notice: Option<SourceError>,
    /// The round's first error: the poller reports `Failed` instead of `Polled`.
    pub error: Option<SourceError>,
}

impl RoundOutcome {
    /// Notes `e` unless an earlier error was noted.
    pub fn fail(&mut self, e: SourceError) {
        self.error.get_or_insert(e);
    }

    /// Sends the data and the calls; `false` when the front end has gone.
    async fn send_data(&mut self, ctx: &SourceContext) -> bool {
        for u in self.updates.drain(..) {
            if !ctx.send(u).await {
                return false;
            }
        }
        for c in self.calls.drain(..) {
            if !ctx.send(Update::ApiCalls(c)).await {
                return false;
            }
        }
        true
    }

    /// Sends the data, the calls, the notice (after a good round) and then `Polled`, or `Failed`
    /// with the error. `false` when the front end has gone.
    pub async fn deliver(mut self, ctx: &SourceContext, poller: Poller) -> bool {
        if !self.send_data(ctx).await {
            return false;
        }
        if self.error.is_none()
            && let Some(notice) = self.notice.take()
            && !ctx.send(Update::Notice { poller, notice }).await
        {
            return false;
        }
        let at = ctx.now();
        ctx.send(match self.error {
            None => Update::Polled { poller, at },
            Some(error) => Update::Failed { poller, at, error },
        })
        .await
    }

    /// Sends the data and the calls of a read between rounds, which says nothing about the
    /// poller's health. `false` when the front end has gone.
    pub async fn deliver_interim(mut self, ctx: &SourceContext) -> bool {
        self.send_data(ctx).await
    }
}

/// A poller: one round of reads, and when to run the next.
pub trait Round: Send {
    /// The poller this is, for `Polled` and `Failed`.
    fn poller(&self) -> Poller;

    /// Time between rounds.
    fn interval(&self) -> Duration;

    /// Whether a change of request from `seen` to `now` calls for a round at once ("refresh
    /// now" always does).
    fn wants(&self, _seen: &Request, _now: &Request) -> bool {
        false
    }

    /// Waits until the first round can run (e.g. for what another poller finds); `false` stops
    /// the poller.
    fn ready(&mut self, _ctx: &SourceContext) -> impl Future<Output = bool> + Send {
        async { true }
    }

    /// One round with request `req`.
    fn read(
        &mut self,
        ctx: &SourceContext,
        req: &Request,
    ) -> impl Future<Output = RoundOutcome> + Send;

    /// Whether `now` calls for a small read between rounds that does not put the next round
    /// off ([`Round::interim`]).
    fn wants_interim(&self, _now: &Request) -> bool {
        false
    }

    /// A small read between rounds, for what [`Round::wants_interim`] asked for.
    fn interim(
        &mut self,
        _ctx: &SourceContext,
        _req: &Request,
    ) -> impl Future<Output = RoundOutcome> + Send {
        async { RoundOutcome::default() }
    }
}

/// One round with the current request, delivered; `false` when the front end has gone.
pub async fn round_now<R: Round>(round: &mut R, ctx: &SourceContext) -> bool {
    let req = ctx.requests.borrow().clone();
    let outcome = round.read(ctx, &req).await;
    outcome.deliver(ctx, round.poller()).await
}

/// Runs `round` until the front end goes, or for one round under `--once`.
pub async fn drive<R: Round>(mut round: R, mut ctx: SourceContext) {
    if !round.ready(&ctx).await {
        return;
    }
    loop {
        let seen = ctx.requests.borrow_and_update().clone();
        let outcome = round.read(&ctx, &seen).await;
        if !outcome.deliver(&ctx, round.poller()).await || ctx.once {
            return;
        }
        if !until_next(&mut round, &mut ctx, seen).await {
            return;
        }
    }
}

/// Waits for the next round: the interval, "refresh now" or a change `round` wants. Reads
/// between rounds do not move the next round. `false` when the front end has gone.
async fn until_next<R: Round>(round: &mut R, ctx: &mut SourceContext, mut seen: Request) -> bool {
    let next = Instant::now() + round.interval();
    loop {
        let wake = wait_next(
            next.saturating_duration_since(Instant::now()),
            &mut ctx.requests,
            &seen,
            |a, b| round.wants(a, b) || round.wants_interim(b),
        )
        .await;
        let now = ctx.requests.borrow_and_update().clone();
        if wake == Wake::Timer || now.refresh != seen.refresh || round.wants(&seen, &now) {
            return true;
        }
        let interim = round.wants_interim(&now);
        seen = now;
        if interim && !round.interim(ctx, &seen).await.deliver_interim(ctx).await {
            return false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::window::TimeWindow;
    use chrono::TimeZone;
    use std::sync::Arc;
    use tokio::sync::{mpsc, watch};

    /// Counts its rounds; fails every other one; reads once between rounds when asked for "x".
    #[derive(Default)]
    struct Counter {
        rounds: u32,
        interims: u32,
    }

    const INTERVAL: Duration = Duration::from_millis(1000);

    impl Round for Counter {
        fn poller(&self) -> Poller {
            Poller::Alarms
        }

        fn interval(&self) -> Duration {
            INTERVAL
        }

        fn wants(&self, seen: &Request, now: &Request) -> bool {
            seen.window != now.window
        }

        async fn read(&mut self, _ctx: &SourceContext, _req: &Request) -> RoundOutcome {
            self.rounds += 1;
            let mut o = RoundOutcome {
                updates: vec![Update::Alarms(Vec::new())],
                calls: vec![ApiCalls {
                    operation: "DescribeAlarms",
                    calls: self.rounds,
                    billed_units: 1,
                }],
                notice: Some(SourceError::new("note", None)),
                error: None,
            };
            if self.rounds.is_multiple_of(2) {
                o.fail(SourceError::new("first", None));
                o.fail(SourceError::new("second", None));
            }
            o
        }

        fn wants_interim(&self, now: &Request) -> bool {
            self.interims == 0 && now.log_functions.iter().any(|f| &*f.name == "x")
        }

        async fn interim(&mut self, _ctx: &SourceContext, _req: &Request) -> RoundOutcome {
            self.interims += 1;
            RoundOutcome {
                calls: vec![ApiCalls {
                    operation: "Interim",
                    calls: self.interims,
                    billed_units: 0,
                }],
                ..RoundOutcome::default()
            }
        }
    }

    fn context(
        once: bool,
    ) -> (
        SourceContext,
        mpsc::Receiver<Update>,
        watch::Sender<Request>,
    ) {
        let (tx, rx) = mpsc::channel(64);
        let (req_tx, req_rx) = watch::channel(Request::new(TimeWindow::default()));
        let at = chrono::Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap();
        let ctx = SourceContext {
            updates: tx,
            requests: req_rx,
            clock: Arc::new(ManualClock::new(at)),
            once,
        };
        (ctx, rx, req_tx)
    }

    /// The kinds of updates received so far, in order.
    fn kinds(rx: &mut mpsc::Receiver<Update>) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(u) = rx.try_recv() {
            out.push(match u {
                Update::Alarms(_) => "alarms".to_string(),
                Update::ApiCalls(c) => format!("{} {}", c.operation, c.calls),
                Update::Notice { notice, .. } => format!("notice {}", notice.message),
                Update::Polled { .. } => "polled".to_string(),
                Update::Failed { error, .. } => format!("failed {}", error.message),
                other => format!("{other:?}"),
            });
        }
        out
    }

    #[tokio::test]
    async fn a_round_sends_data_calls_then_health() {
        let (ctx, mut rx, _req) = context(false);
        let mut c = Counter::default();
        assert!(round_now(&mut c, &ctx).await);
        assert_eq!(
            kinds(&mut rx),
            ["alarms", "DescribeAlarms 1", "notice note", "polled"]
        );
        // A failed round: the calls still count, no notice, the first error.
        assert!(round_now(&mut c, &ctx).await);
        assert_eq!(
            kinds(&mut rx),
            ["alarms", "DescribeAlarms 2", "failed first"]
        );
        drop(rx);
        assert!(!round_now(&mut c, &ctx).await, "the front end has gone");
    }

    #[tokio::test]
    async fn once_stops_after_one_delivery() {
        let (ctx, mut rx, _req) = context(true);
        drive(Counter::default(), ctx).await;
        assert_eq!(kinds(&mut rx).last().map(String::as_str), Some("polled"));
    }

    #[tokio::test]
    async fn the_driver_waits_for_the_tick_a_refresh_or_a_wanted_change() {
        let (ctx, mut rx, req) = context(false);
        let task = tokio::spawn(drive(Counter::default(), ctx));
        let settle = || tokio::time::sleep(Duration::from_millis(50));
        settle().await;
        assert_eq!(kinds(&mut rx).len(), 4, "the first round at once");
        // A change the poller does not care about: nothing.
        req.send_modify(|r| r.log_functions = vec![crate::model::Origin::default().function("y")]);
        settle().await;
        assert!(kinds(&mut rx).is_empty());
        // "Refresh now" and a wanted change: a round each.
        req.send_modify(|r| r.refresh += 1);
        settle().await;
        assert_eq!(kinds(&mut rx).len(), 3, "round 2 failed: no notice");
        req.send_modify(|r| r.window = TimeWindow::minutes(15));
        let last_round = tokio::time::Instant::now();
        settle().await;
        assert_eq!(kinds(&mut rx).len(), 4);
        // A read between rounds: data and calls only, and the next round keeps its time.
        tokio::time::sleep_until(last_round + INTERVAL * 3 / 10).await;
        req.send_modify(|r| r.log_functions = vec![crate::model::Origin::default().function("x")]);
        settle().await;
        assert_eq!(kinds(&mut rx), ["Interim 1"]);
        tokio::time::sleep_until(last_round + INTERVAL * 7 / 10).await;
        assert!(kinds(&mut rx).is_empty());
        tokio::time::sleep_until(last_round + INTERVAL * 14 / 10).await;
        assert_eq!(kinds(&mut rx).first().map(String::as_str), Some("alarms"));
        // The front end goes: the driver stops at its next delivery.
        drop(rx);
        req.send_modify(|r| r.refresh += 1);
        settle().await;
        assert!(task.is_finished());
    }
}

//! Scheduling for pollers: exponential backoff with full jitter, a token-bucket rate limiter shared
//! by every caller of a rate-limited API, and waiting for the next round (or for "refresh now").
//!
//! The pieces that decide anything are pure (time and randomness are passed in), so they are
//! tested without sleeping; the async wrappers only sleep for what the pure parts computed.
//! [`driver`] runs every poller's rounds in one loop.

use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;

use tokio::sync::watch;

use crate::message::Request;

pub mod driver;

pub use driver::{Round, RoundOutcome, drive, round_now};

/// Exponential backoff with full jitter: the wait before retry `n` is uniform in
/// `[0, min(cap, base · 2ⁿ⁻¹)]`, and at most `max_attempts` calls are made in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
    /// Calls in all, the first one included (1 means "never retry").
    pub max_attempts: u32,
}

impl Default for Backoff {
    /// Four calls at most, waiting up to 0.25 s, 0.5 s and 1 s between them: a throttled poller
    /// gives up within about two seconds and tries again on its schedule, so it never storms.
    fn default() -> Self {
        Self {
            base: Duration::from_millis(250),
            cap: Duration::from_secs(5),
            max_attempts: 4,
        }
    }
}

impl Backoff {
    /// The longest wait before retry `retry` (1 = the wait after the first failed call).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let shift = retry.saturating_sub(1).min(30);
        self.base
            .checked_mul(1u32 << shift)
            .map_or(self.cap, |d| d.min(self.cap))
    }

    /// The wait before retry `retry` for a uniform draw `unit` in `[0, 1)`.
    pub fn delay(&self, retry: u32, unit: f64) -> Duration {
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.ceiling(retry).mul_f64(unit)
    }
}

/// A uniform draw in `[0, 1)` for jitter. Not for anything that needs real randomness.
pub fn jitter_unit() -> f64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The outcome of a call that may have been retried, with the number of calls made.
#[derive(Debug)]
pub struct Attempted<T, E> {
    pub result: Result<T, E>,
    pub calls: u32,
}

/// Calls `op` until it succeeds, fails with an error `retryable` rejects, or `backoff.max_attempts`
/// calls were made, sleeping with full jitter in between.
pub async fn retry<T, E, F, Fut>(
    backoff: &Backoff,
    retryable: impl Fn(&E) -> bool,
    mut op: F,
) -> Attempted<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let max = backoff.max_attempts.max(1);
    let mut calls = 0;
    loop {
        calls += 1;
        match op().await {
            Ok(v) => {
                return Attempted {
                    result: Ok(v),
                    calls,
                };
            }
            Err(e) if calls < max && retryable(&e) => {
                tokio::time::sleep(backoff.delay(calls, jitter_unit())).await;
            }
            Err(e) => {
                return Attempted {
                    result: Err(e),
                    calls,
                };
            }
        }
    }
}

/// A token bucket: `rate` tokens a second, holding at most `burst`. Time is passed in (seconds on
/// any monotonic scale) so the arithmetic is tested without a clock.
#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last_s: f64,
}

impl TokenBucket {
    /// A full bucket at time `now_s`. A rate of zero or less is read as one call a second.
    pub fn new(rate_per_s: f64, burst: f64, now_s: f64) -> Self {
        let rate = if rate_per_s.is_finite() && rate_per_s > 0.0 {
            rate_per_s
        } else {
            1.0
        };
        let burst = if burst.is_finite() && burst >= 1.0 {
            burst
        } else {
            1.0
        };
        Self {
            rate,
            burst,
            tokens: burst,
            last_s: now_s,
        }
    }

    fn refill(&mut self, now_s: f64) {
        if now_s > self.last_s {
            self.tokens = (self.tokens + (now_s - self.last_s) * self.rate).min(self.burst);
            self.last_s = now_s;
        }
    }

    /// Takes a token at `now_s`, or tells how long to wait until one is there.
    pub fn try_take(&mut self, now_s: f64) -> Result<(), Duration> {
        self.refill(now_s);
        // The epsilon absorbs rounding, which could otherwise ask for a wait too small to move
        // the clock.
        if self.tokens >= 1.0 - 1e-9 {
            self.tokens = (self.tokens - 1.0).max(0.0);
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - self.tokens) / self.rate))
        }
    }
}

/// A rate limiter shared by every task calling one rate-limited API (e.g. all FilterLogEvents
/// calls of the account): each call first waits for a token.
#[derive(Debug)]
pub struct RateLimiter {
    bucket: Mutex<TokenBucket>,
    origin: tokio::time::Instant,
}

impl RateLimiter {
    /// `rate` calls a second, evenly spaced: no bursts, because the quota (e.g. FilterLogEvents'
    /// 5/s per account) is counted per second and shared with every other tool of the account.
    pub fn per_second(rate: f64) -> Self {
        Self {
            bucket: Mutex::new(TokenBucket::new(rate, 1.0, 0.0)),
            origin: tokio::time::Instant::now(),
        }
    }

    /// Waits until a call may be made.
    pub async fn acquire(&self) {
        loop {
            let now_s = self.origin.elapsed().as_secs_f64();
            let wait = match self.bucket.lock() {
                Ok(mut b) => b.try_take(now_s),
                // A panic elsewhere poisoned the lock: pacing is best effort, go ahead.
                Err(_) => Ok(()),
            };
            match wait {
                Ok(()) => return,
                Err(d) => tokio::time::sleep(d).await,
            }
        }
    }
}

/// Why a poller woke up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The interval passed.
    Timer,
    /// "Refresh now", or a change of the request this poller cares about.
    Request,
}

/// Waits `interval`, or less when the front end asks for a refresh (`Request.refresh` differs from
/// `seen.refresh`) or changes the request in a way `relevant(seen, current)` says matters.
/// Changes made while the last round ran are noticed at once.
pub async fn wait_next(
    interval: Duration,
    requests: &mut watch::Receiver<Request>,
    seen: &Request,
    relevant: impl Fn(&Request, &Request) -> bool,
) -> Wake {
    let wants = |r: &Request| r.refresh != seen.refresh || relevant(seen, r);
    if wants(&requests.borrow_and_update()) {
        return Wake::Request;
    }
    let sleep = tokio::time::sleep(interval);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            () = &mut sleep => return Wake::Timer,
            changed = requests.changed() => {
                if changed.is_err() {
                    // The front end dropped its sender: only the timer is left.
                    (&mut sleep).await;
                    return Wake::Timer;
                }
                if wants(&requests.borrow_and_update()) {
                    return Wake::Request;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::TimeWindow;

    #[test]
    fn backoff_grows_to_the_cap_and_jitter_stays_below_it() {
        let b = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_secs(1),
            max_attempts: 10,
        };
        assert_eq!(b.ceiling(1), Duration::from_millis(100));
        assert_eq!(b.ceiling(2), Duration::from_millis(200));
        assert_eq!(b.ceiling(4), Duration::from_millis(800));
        assert_eq!(b.ceiling(5), Duration::from_secs(1));
        assert_eq!(b.ceiling(500), Duration::from_secs(1));
        assert_eq!(b.delay(3, 0.0), Duration::ZERO);
        assert_eq!(b.delay(3, 0.5), Duration::from_millis(200));
        assert_eq!(b.delay(3, 7.0), Duration::from_millis(400));
        assert_eq!(b.delay(3, f64::NAN), Duration::ZERO);
        for _ in 0..1000 {
            let u = jitter_unit();
            assert!((0.0..1.0).contains(&u));
        }
    }

    #[test]
    fn default_backoff_gives_up_within_seconds() {
        let b = Backoff::default();
        let worst: Duration = (1..b.max_attempts).map(|r| b.ceiling(r)).sum();
        assert!(worst <= Duration::from_secs(2), "{worst:?}");
    }

    #[tokio::test]
    async fn retry_stops_at_max_attempts_and_on_fatal_errors() {
        let b = Backoff {
            base: Duration::from_millis(1),
            cap: Duration::from_millis(2),
            max_attempts: 3,
        };
        let mut n = 0;
        let a: Attempted<(), &str> = retry(
            &b,
            |e| *e == "throttled",
            || {
                n += 1;
                async { Err("throttled") }
            },
        )
        .await;
        assert_eq!((a.calls, n), (3, 3));
        assert!(a.result.is_err());

        let a: Attempted<(), &str> =
            retry(&b, |e| *e == "throttled", || async { Err("denied") }).await;
        assert_eq!(a.calls, 1);

        let mut n = 0;
        let a = retry(
            &b,
            |_: &&str| true,
            || {
                n += 1;
                let r = if n < 2 { Err("throttled") } else { Ok(n) };
                async move { r }
            },
        )
        .await;
        assert_eq!(a.calls, 2);
        assert_eq!(a.result, Ok(2));
    }

    #[test]
    fn token_bucket_paces_calls() {
        let mut b = TokenBucket::new(5.0, 5.0, 0.0);
        for _ in 0..5 {
            assert_eq!(b.try_take(0.0), Ok(()));
        }
        let wait = b.try_take(0.0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.2).abs() < 1e-9, "{wait:?}");
        assert!(b.try_take(0.1).is_err());
        assert_eq!(b.try_take(0.2), Ok(()));
        // Over a long run, calls never exceed rate · time + burst.
        let mut b = TokenBucket::new(5.0, 5.0, 0.0);
        let mut t = 0.0;
        let mut calls = 0;
        while t < 60.0 {
            match b.try_take(t) {
                Ok(()) => calls += 1,
                Err(d) => t += d.as_secs_f64(),
            }
        }
        assert!((300..=305).contains(&calls), "{calls}");
        // Idle time does not bank more than the burst.
        let mut b = TokenBucket::new(2.0, 2.0, 0.0);
        let taken = (0..10).filter(|_| b.try_take(1000.0).is_ok()).count();
        assert_eq!(taken, 2);
        // Time going backwards (never, on a monotonic clock) does not mint tokens.
        let mut b = TokenBucket::new(1.0, 1.0, 10.0);
        assert!(b.try_take(10.0).is_ok());
        assert!(b.try_take(5.0).is_err());
    }

    #[test]
    fn nonsense_rates_fall_back_to_one_a_second() {
        let mut b = TokenBucket::new(0.0, 0.0, 0.0);
        assert!(b.try_take(0.0).is_ok());
        assert_eq!(b.try_take(0.0), Err(Duration::from_secs(1)));
    }

    #[tokio::test]
    async fn wait_next_wakes_on_refresh_and_relevant_changes() {
        let seen = Request::new(TimeWindow::default());
        let (tx, mut rx) = watch::channel(seen.clone());
        let always_no = |_: &Request, _: &Request| false;
        assert_eq!(
            wait_next(Duration::from_millis(5), &mut rx, &seen, always_no).await,
            Wake::Timer
        );
        tx.send_modify(|r| r.refresh += 1);
        assert_eq!(
            wait_next(Duration::from_secs(60), &mut rx, &seen, always_no).await,
            Wake::Request
        );
        let seen = rx.borrow().clone();
        let window_changed = |a: &Request, b: &Request| a.window != b.window;
        let waiter = tokio::spawn(async move {
            wait_next(Duration::from_secs(60), &mut rx, &seen, window_changed).await
        });
        tx.send_modify(|r| {
            r.log_functions
                .push(crate::model::Origin::default().function("f"))
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        assert!(!waiter.is_finished());
        tx.send_modify(|r| r.window = TimeWindow::minutes(15));
        assert_eq!(waiter.await.ok(), Some(Wake::Request));
    }
}

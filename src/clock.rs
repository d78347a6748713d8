//! Injected time. Sources, the store and renderers ask a [`Clock`] for "now", so the demo, replay,
//! tests and screenshots are deterministic.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeZone, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// Shared handle to a clock.
pub type SharedClock = Arc<dyn Clock>;

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to: tests, screenshots and `--clock`.
#[derive(Debug)]
pub struct ManualClock {
    millis: AtomicI64,
}

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            millis: AtomicI64::new(at.timestamp_millis()),
        }
    }

    pub fn set(&self, at: DateTime<Utc>) {
        self.millis.store(at.timestamp_millis(), Ordering::SeqCst);
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.millis
            .fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let ms = self.millis.load(Ordering::SeqCst);
        Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
    }
}

/// Truncates a time to the start of its minute.
pub fn floor_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    floor_to(t, 60)
}

/// Truncates a time to a multiple of `period_s` seconds since the epoch.
pub fn floor_to(t: DateTime<Utc>, period_s: i64) -> DateTime<Utc> {
    let s = t.timestamp().div_euclid(period_s) * period_s;
    Utc.timestamp_opt(s, 0).single().unwrap_or(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 53).unwrap();
        let c = ManualClock::new(t0);
        assert_eq!(c.now(), t0);
        c.advance(chrono::Duration::seconds(7));
        assert_eq!(c.now(), t0 + chrono::Duration::seconds(7));
    }

    #[test]
    fn floors_to_period() {
        let t = Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 53).unwrap();
        assert_eq!(
            floor_minute(t),
            Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 0).unwrap()
        );
        assert_eq!(
            floor_to(t, 300),
            Utc.with_ymd_and_hms(2026, 3, 14, 9, 25, 0).unwrap()
        );
    }
}

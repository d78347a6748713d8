//! Shared fixtures for integration tests.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lambdatop::clock::{ManualClock, SharedClock};
use lambdatop::source::SourceKind;
use lambdatop::source::demo::{DEFAULT_SEED, DemoAccount};
use lambdatop::store::{Store, StoreLimits, TimeWindow};

/// The fixed time screenshots and snapshots are taken at: a busy afternoon.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 26, 30).unwrap()
}

pub fn fixed_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(fixed_now()))
}

/// A store filled with one full round of the demo account at the fixed time.
pub fn demo_store(window: TimeWindow) -> Store {
    let clock: SharedClock = fixed_clock();
    let now = clock.now();
    let mut store = Store::new(
        SourceKind::Demo,
        Some("us-east-1".into()),
        window,
        StoreLimits::default(),
        clock,
    );
    let account = DemoAccount::new(DEFAULT_SEED);
    for u in account.round(window, now, true, true, now - Duration::minutes(2)) {
        store.apply(u);
    }
    store.tick();
    store
}

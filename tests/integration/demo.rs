//! The demo tells the whole story at any hour: within the default window there is always a
//! throttled function, an alarm in ALARM and one in INSUFFICIENT_DATA, an error burst, a timeout
//! and cold starts — in the `--once` snapshot (logs of the whole window) and in the dashboard's
//! first screen (the log pane's first fill). Checked at every hour of a simulated day.

use chrono::{DateTime, Duration, TimeZone, Utc};
use lambdatop::figures::Selection;
use lambdatop::model::MetricKind;
use lambdatop::snapshot::Snapshot;
use lambdatop::source::demo::{DEFAULT_SEED, DemoAccount, LOG_BACKFILL};
use lambdatop::store::Store;
use lambdatop::window::TimeWindow;

/// The store after the demo's first round at `now`, with the log lines read since `logs_from`.
fn store_at(seed: u64, now: DateTime<Utc>, logs_from: DateTime<Utc>) -> Store {
    crate::common::demo_store_at(seed, TimeWindow::default(), now, logs_from)
}

/// What is missing from the story the store tells; empty when it is whole.
fn missing(store: &Store) -> Vec<&'static str> {
    let snap = Snapshot::build(store, &Selection::default());
    let mut missing = Vec::new();
    if !snap.functions.iter().any(|f| f.throttles > 0) {
        missing.push("a throttled function");
    }
    if snap.alarms.alarm == 0 {
        missing.push("an alarm in ALARM");
    }
    if snap.alarms.insufficient_data == 0 {
        missing.push("an alarm in INSUFFICIENT_DATA");
    }
    // A burst: some minute with at least 3 errors and 4 times the function's typical minute.
    let from = store.window_start();
    let burst = store.functions().any(|f| {
        let Some(errors) = f.series(MetricKind::Errors) else {
            return false;
        };
        let mut per_minute: Vec<f64> = errors
            .points()
            .filter(|p| p.at >= from)
            .map(|p| p.value)
            .collect();
        per_minute.sort_by(f64::total_cmp);
        let median = per_minute.get(per_minute.len() / 2).copied().unwrap_or(0.0);
        per_minute
            .last()
            .is_some_and(|&max| max >= 3.0 && max >= 4.0 * median)
    });
    if !burst {
        missing.push("an error burst");
    }
    let reports = || snap.functions.iter().filter_map(|f| f.report.as_ref());
    if !reports().any(|r| r.timeouts > 0) {
        missing.push("a timeout");
    }
    if !reports().any(|r| r.cold_starts > 0) {
        missing.push("a cold start");
    }
    missing
}

#[test]
fn the_demo_tells_the_whole_story_at_every_hour_of_the_day() {
    let day = Utc.with_ymd_and_hms(2026, 3, 14, 0, 0, 0).unwrap();
    let window = TimeWindow::default();
    let mut gaps = Vec::new();
    for hour in 0..24 {
        // A different minute and second each hour, so every phase of the cycles is met.
        let now = day
            + Duration::hours(hour)
            + Duration::minutes((hour * 17) % 60)
            + Duration::seconds((hour * 13) % 60);
        for (front, logs_from) in [
            ("--once", window.start(now)),
            ("dashboard", now - LOG_BACKFILL),
        ] {
            let lacks = missing(&store_at(DEFAULT_SEED, now, logs_from));
            if !lacks.is_empty() {
                gaps.push(format!("{now} ({front}): no {}", lacks.join(", no ")));
            }
        }
    }
    assert!(gaps.is_empty(), "{gaps:#?}");
}

#[test]
fn alarms_in_alarm_and_insufficient_data_at_every_minute_for_any_seed() {
    let day = Utc.with_ymd_and_hms(2026, 3, 14, 0, 0, 0).unwrap();
    for seed in [DEFAULT_SEED, 1, 2] {
        let account = DemoAccount::new(seed);
        for minute in 0..24 * 60 {
            let now = day + Duration::minutes(minute) + Duration::seconds(30);
            let alarms = account.alarms(now);
            let count = |state| alarms.iter().filter(|a| a.state == state).count();
            assert!(
                count(lambdatop::model::AlarmState::Alarm) > 0,
                "{seed} {now}"
            );
            assert!(
                count(lambdatop::model::AlarmState::InsufficientData) > 0,
                "{seed} {now}"
            );
        }
    }
}

#[test]
fn another_seed_tells_the_story_too_and_the_same_seed_the_same_one() {
    let now = Utc.with_ymd_and_hms(2026, 3, 14, 3, 41, 7).unwrap();
    let from = TimeWindow::default().start(now);
    let store = store_at(7, now, from);
    assert!(missing(&store).is_empty(), "{:?}", missing(&store));
    let a = Snapshot::build(&store, &Selection::default());
    let b = Snapshot::build(&store_at(7, now, from), &Selection::default());
    assert_eq!(a, b);
}

/// `--demo` with several Regions and profiles simulates an account in each, so the multi-Region
/// screens can be tried offline: every (profile, Region) has its own functions, each row its
/// Region and profile, and the `regions` list names them all.
#[test]
fn the_demo_reads_several_regions_and_profiles() {
    let out = crate::common::lambdatop(&[
        "--demo",
        crate::common::CLOCK,
        "--profile",
        "dev,prod",
        "--region",
        "us-east-1,eu-west-1",
        "--once",
        "-o",
        "json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut origins: Vec<(String, String)> = doc["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["status"], "ok", "{r}");
            (
                r["account"].as_str().unwrap().to_string(),
                r["region"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    origins.sort();
    let expected: Vec<(String, String)> = [
        ("dev", "eu-west-1"),
        ("dev", "us-east-1"),
        ("prod", "eu-west-1"),
        ("prod", "us-east-1"),
    ]
    .iter()
    .map(|(a, r)| (a.to_string(), r.to_string()))
    .collect();
    assert_eq!(origins, expected);
    let functions = doc["functions"].as_array().unwrap();
    let one = DemoAccount::new(DEFAULT_SEED).functions().len();
    assert_eq!(functions.len(), 4 * one);
    for (account, region) in &expected {
        let of = functions
            .iter()
            .filter(|f| f["account"] == account.as_str() && f["region"] == region.as_str())
            .count();
        assert_eq!(of, one, "{account}/{region}");
    }
}

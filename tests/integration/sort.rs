//! Sorting by every column, on a hand-built store whose orders are worked out by hand.

use crate::common;

use std::sync::Arc;

use chrono::Duration;
use lambdatop::clock::SharedClock;
use lambdatop::figures::Figure;
use lambdatop::figures::{Selection, SelectionOrder, SortKey};
use lambdatop::message::SourceKind;
use lambdatop::message::Update;
use lambdatop::model::{
    Datapoint, FunctionConfig, LogEvent, MetricKind, MetricPoints, WindowStats,
};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::window::TimeWindow;

/// Figures of one hand-made function.
struct Fixture {
    name: &'static str,
    /// Invocations, errors, throttles, average duration, p99, peak concurrency.
    metrics: Option<(f64, f64, f64, f64, f64, f64)>,
    memory_mb: u32,
    /// REPORT lines: (duration ms, max memory used MB, cold start).
    reports: &'static [(f64, u32, bool)],
}

//            inv   err  thr  avg  p99  conc  cold  mem     cost (GB-s)
// alpha      100   1    0    50   200  5     50%   25%     2 × 0.1 s × 0.5 GB = 0.1
// bravo      10    5    3    500  900  2     0%    97.7%   4 × 1 s × 1 GB     = 4
// charlie    1000  2    1    10   50   20    100%  50%     1 × 0.01 s × 0.125 = 0.00125
// delta      -     -    -    -    -    -     -     -       -
const FIXTURES: [Fixture; 4] = [
    Fixture {
        name: "alpha",
        metrics: Some((100.0, 1.0, 0.0, 50.0, 200.0, 5.0)),
        memory_mb: 512,
        reports: &[(100.0, 128, true), (100.0, 100, false)],
    },
    Fixture {
        name: "bravo",
        metrics: Some((10.0, 5.0, 3.0, 500.0, 900.0, 2.0)),
        memory_mb: 1024,
        reports: &[
            (1000.0, 1000, false),
            (1000.0, 900, false),
            (1000.0, 900, false),
            (1000.0, 900, false),
        ],
    },
    Fixture {
        name: "charlie",
        metrics: Some((1000.0, 2.0, 1.0, 10.0, 50.0, 20.0)),
        memory_mb: 128,
        reports: &[(10.0, 64, true)],
    },
    Fixture {
        name: "delta",
        metrics: None,
        memory_mb: 256,
        reports: &[],
    },
];

fn store() -> Store {
    let clock: SharedClock = common::fixed_clock();
    let now = clock.now();
    let window = TimeWindow::default();
    let mut store = Store::new(
        SourceKind::Demo,
        None,
        window,
        StoreLimits::default(),
        clock,
    );
    store.apply(Update::Functions(
        FIXTURES
            .iter()
            .map(|f| FunctionConfig {
                memory_mb: Some(f.memory_mb),
                timeout_s: Some(30),
                ..FunctionConfig::named(f.name)
            })
            .collect(),
    ));
    let from = window.start(now);
    let mut metrics = Vec::new();
    let mut stats = Vec::new();
    let mut logs = Vec::new();
    for f in &FIXTURES {
        if let Some((inv, err, thr, avg, p99, conc)) = f.metrics {
            for (metric, value) in [
                (MetricKind::Invocations, inv),
                (MetricKind::Errors, err),
                (MetricKind::Throttles, thr),
                (MetricKind::DurationAvg, avg),
                (MetricKind::ConcurrentExecutions, conc),
            ] {
                metrics.push(MetricPoints {
                    function: Some(f.name.to_string()),
                    metric,
                    from,
                    to: now,
                    period_s: window.period_s(),
                    points: vec![Datapoint {
                        at: from + Duration::minutes(10),
                        value,
                    }],
                });
            }
            stats.push((
                f.name.to_string(),
                WindowStats {
                    duration_p99_ms: Some(p99),
                },
            ));
        }
        for (i, (duration, used, cold)) in f.reports.iter().enumerate() {
            let init = if *cold {
                "Init Duration: 200.00 ms\t"
            } else {
                ""
            };
            logs.push(LogEvent {
                function: Arc::from(f.name),
                origin: Default::default(),
                timestamp: now - Duration::seconds(30),
                stream: Arc::from("stream"),
                message: format!(
                    "REPORT RequestId: {}-{i}\tDuration: {duration:.2} ms\tBilled Duration: {duration:.0} ms\t\
                     Memory Size: {} MB\tMax Memory Used: {used} MB\t{init}",
                    f.name, f.memory_mb
                ),
                event_id: None,
            });
        }
    }
    store.apply(Update::Metrics(metrics));
    store.apply(Update::WindowStats(stats));
    store.apply(Update::logs(logs));
    store.tick();
    store
}

fn order(store: &Store, sort: SortKey, reverse: bool) -> Vec<String> {
    let sel = Selection {
        sort,
        reverse,
        ..Selection::default()
    };
    store
        .select(&sel)
        .iter()
        .map(|f| f.name().to_string())
        .collect()
}

fn names(ids: &[lambdatop::model::FunctionId]) -> Vec<&str> {
    ids.iter().map(|id| &*id.name).collect()
}

#[test]
fn the_fixture_reads_as_designed() {
    let s = store();
    let alpha = s.function_named("alpha").unwrap();
    assert_eq!(alpha.summary.invocations, 100);
    assert_eq!(Figure::ColdStartRate.value(alpha), Some(0.5));
    assert_eq!(Figure::MemoryUsed.value(alpha), Some(0.25));
    let bravo = s.function_named("bravo").unwrap();
    assert_eq!(Figure::MemoryUsed.value(bravo), Some(1000.0 / 1024.0));
    assert!(Figure::Cost.value(bravo).unwrap() > Figure::Cost.value(alpha).unwrap());
    let delta = s.function_named("delta").unwrap();
    assert_eq!(delta.summary.duration_avg_ms, None);
    assert_eq!(Figure::Cost.value(delta), None);
}

#[test]
fn sort_by_every_column() {
    let s = store();
    let expected: [(SortKey, [&str; 4]); 12] = [
        (SortKey::Name, ["alpha", "bravo", "charlie", "delta"]),
        // One Region: by name within it.
        (SortKey::Region, ["alpha", "bravo", "charlie", "delta"]),
        (
            SortKey::By(Figure::Invocations),
            ["charlie", "alpha", "bravo", "delta"],
        ),
        (
            SortKey::By(Figure::Errors),
            ["bravo", "charlie", "alpha", "delta"],
        ),
        (
            SortKey::By(Figure::ErrorRate),
            ["bravo", "alpha", "charlie", "delta"],
        ),
        // alpha and delta both have none: by name.
        (
            SortKey::By(Figure::Throttles),
            ["bravo", "charlie", "alpha", "delta"],
        ),
        (
            SortKey::By(Figure::DurationAvg),
            ["bravo", "alpha", "charlie", "delta"],
        ),
        (
            SortKey::By(Figure::DurationP99),
            ["bravo", "alpha", "charlie", "delta"],
        ),
        (
            SortKey::By(Figure::Concurrency),
            ["charlie", "alpha", "bravo", "delta"],
        ),
        (
            SortKey::By(Figure::ColdStartRate),
            ["charlie", "alpha", "bravo", "delta"],
        ),
        (
            SortKey::By(Figure::MemoryUsed),
            ["bravo", "charlie", "alpha", "delta"],
        ),
        (
            SortKey::By(Figure::Cost),
            ["bravo", "alpha", "charlie", "delta"],
        ),
    ];
    assert_eq!(expected.len(), SortKey::all().len(), "every key is checked");
    for (key, names) in expected {
        assert_eq!(order(&s, key, false), names, "{key:?}");
        let mut reversed = names.to_vec();
        reversed.reverse();
        assert_eq!(order(&s, key, true), reversed, "{key:?} reversed");
    }
}

#[test]
fn every_sort_key_is_a_cli_value() {
    use clap::ValueEnum;
    let names: Vec<String> = SortKey::value_variants()
        .iter()
        .filter_map(|k| k.to_possible_value())
        .map(|v| v.get_name().to_string())
        .collect();
    for wanted in ["cold-start", "memory", "cost", "error-rate", "p99"] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
}

#[test]
fn the_order_is_cached_until_the_store_or_the_selection_changes() {
    let mut s = store();
    let mut sel = Selection::default();
    let mut cache = SelectionOrder::default();
    assert_eq!(cache.cached(&s, &sel), None);
    assert_eq!(
        names(cache.ids(&s, &sel)),
        ["charlie", "alpha", "bravo", "delta"]
    );
    assert!(cache.cached(&s, &sel).is_some());
    sel.sort = SortKey::Name;
    assert_eq!(cache.cached(&s, &sel), None, "a new sort key");
    assert_eq!(
        names(cache.ids(&s, &sel)),
        ["alpha", "bravo", "charlie", "delta"]
    );
    sel.filter = "a".into();
    assert_eq!(cache.cached(&s, &sel), None, "a new filter");
    assert_eq!(
        names(cache.ids(&s, &sel)),
        ["alpha", "bravo", "charlie", "delta"]
    );
    sel.filter = "ar".into();
    assert_eq!(names(cache.ids(&s, &sel)), ["charlie"]);
    s.tick();
    assert_eq!(cache.cached(&s, &sel), None, "new data");
}

/// A function is keyed by its Region as well as its name: two Regions' `orders` are two rows,
/// each with its own figures and alarms, and ties order by name, then Region.
#[test]
fn same_name_in_two_regions_is_two_functions() {
    use lambdatop::model::{Alarm, AlarmState, Origin};
    let clock: SharedClock = common::fixed_clock();
    let now = clock.now();
    let window = TimeWindow::default();
    let mut s = Store::new(
        SourceKind::Cloudwatch,
        Some("us-east-1".into()),
        window,
        StoreLimits::default(),
        clock,
    );
    let east = Origin::region(Some("us-east-1"));
    let west = Origin::region(Some("eu-west-1"));
    let at = window.start(now);
    for (origin, invocations, state) in [
        (&east, 7.0, AlarmState::Ok),
        (&west, 3.0, AlarmState::Alarm),
    ] {
        s.apply_from(
            origin,
            Update::Functions(vec![FunctionConfig::named("orders")]),
        );
        s.apply_from(
            origin,
            Update::Metrics(vec![MetricPoints {
                function: Some("orders".into()),
                metric: MetricKind::Invocations,
                from: at,
                to: now,
                period_s: window.period_s(),
                points: vec![Datapoint {
                    at,
                    value: invocations,
                }],
            }]),
        );
        s.apply_from(
            origin,
            Update::Alarms(vec![Alarm {
                name: "orders-errors".into(),
                state,
                function: Some("orders".into()),
                metric: Some("Errors".into()),
                reason: None,
            }]),
        );
    }
    assert_eq!(s.functions().len(), 2);
    let east_fn = s.function(&east.function("orders")).unwrap();
    let west_fn = s.function(&west.function("orders")).unwrap();
    assert_eq!(east_fn.summary.invocations, 7);
    assert_eq!(west_fn.summary.invocations, 3);
    // Each Region's alarms replace only that Region's: both alarms are kept, each on its own
    // Region's function.
    assert_eq!(west_fn.summary.alarm_state, Some(AlarmState::Alarm));
    assert_eq!(east_fn.summary.alarm_state, Some(AlarmState::Ok));
    assert_eq!(s.alarms().count(), 2);
    // Sorted by name, the tie is broken by Region (eu-west-1 before us-east-1).
    let sel = Selection {
        sort: SortKey::Name,
        ..Selection::default()
    };
    let regions: Vec<_> = s
        .select(&sel)
        .iter()
        .map(|f| f.id.region.as_deref().unwrap_or("-").to_string())
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
}

//! Peak memory of a large account held in the store: 2,000 functions with every metric series
//! filled for a 24 h window (the window with the most points per series), alarms on every
//! function, and a log flood with START / app / END / REPORT lines for every function so that each
//! has full invocation analytics. One dashboard frame is drawn from it. Prints the process's peak
//! resident set (VmHWM) and exits non-zero above the limit.
//!
//! `cargo bench --bench memory` (or `scripts/memory-bounds.sh`). Settings, by environment:
//! `LAMBDATOP_MEM_FUNCTIONS` (2000), `LAMBDATOP_MEM_INVOCATIONS` per function (250),
//! `LAMBDATOP_MEM_LIMIT_MB` (200).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use lambdatop::clock::ManualClock;
use lambdatop::figures::Selection;
use lambdatop::message::SourceKind;
use lambdatop::message::Update;
use lambdatop::model::{
    Alarm, AlarmState, Datapoint, FunctionConfig, LogEvent, MetricKind, MetricPoints,
};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn main() {
    let functions = setting("LAMBDATOP_MEM_FUNCTIONS", 2000);
    let invocations = setting("LAMBDATOP_MEM_INVOCATIONS", 250);
    let limit_mb = setting("LAMBDATOP_MEM_LIMIT_MB", 200) as u64;
    let (baseline, _) = memory_kib();

    let now = Utc.with_ymd_and_hms(2026, 3, 14, 15, 26, 30).unwrap();
    let clock = Arc::new(ManualClock::new(now));
    let window = TimeWindow::minutes(24 * 60);
    let mut store = Store::new(
        SourceKind::Cloudwatch,
        Some("us-east-1".into()),
        window,
        StoreLimits::default(),
        clock,
    );
    let names: Vec<String> = (0..functions)
        .map(|i| format!("team{:02}-service{i:04}-prod-handler", i % 37))
        .collect();
    store.apply(Update::Functions(
        names.iter().map(FunctionConfig::named).collect(),
    ));

    // Every metric of every function, one point per period over the whole window.
    let period = i64::from(window.period_s());
    let from = window.start(now);
    let to = from + Duration::seconds(period * window.slots() as i64);
    for chunk in names.chunks(100) {
        let mut batch = Vec::new();
        for (n, name) in chunk.iter().enumerate() {
            for metric in MetricKind::ALL {
                let points = (0..window.slots() as i64)
                    .map(|k| Datapoint {
                        at: from + Duration::seconds(period * k),
                        value: ((k * 7 + n as i64) % 97) as f64 + 0.5,
                    })
                    .collect();
                batch.push(MetricPoints {
                    function: Some(name.clone()),
                    metric,
                    from,
                    to,
                    period_s: window.period_s(),
                    points,
                });
            }
        }
        store.apply(Update::Metrics(batch));
    }
    store.apply(Update::Alarms(
        names
            .iter()
            .map(|n| Alarm {
                name: format!("{n}-errors"),
                state: AlarmState::Ok,
                function: Some(n.clone()),
                metric: Some("Errors".into()),
                reason: None,
            })
            .collect(),
    ));
    let (after_metrics, _) = memory_kib();

    // The log flood: `invocations` per function, interleaved across functions as pollers
    // deliver them, in batches like the replay reader's.
    let mut batch = Vec::with_capacity(8192);
    let mut events = 0u64;
    let streams: Vec<Arc<str>> = names
        .iter()
        .map(|n| Arc::from(format!("2026/03/14/{n}[$LATEST]0123456789abcdef").as_str()))
        .collect();
    let functions_arc: Vec<Arc<str>> = names.iter().map(|n| Arc::from(n.as_str())).collect();
    let start = now - Duration::hours(2);
    for i in 0..invocations {
        for f in 0..functions {
            let at = start + Duration::milliseconds((i * functions + f) as i64 * 3);
            let id = format!("{:08x}-{:04x}-4000-8000-{:012x}", i, f, i * functions + f);
            let ms = 5.0 + ((i * 31 + f * 17) % 4000) as f64 / 3.0;
            let cold = if i == 0 {
                "\tInit Duration: 312.50 ms"
            } else {
                ""
            };
            for message in [
                format!("START RequestId: {id} Version: $LATEST"),
                format!(
                    "2026-03-14T13:26:30.000Z\t{id}\tINFO\tprocessed order {i} for customer {f}"
                ),
                format!("END RequestId: {id}"),
                format!(
                    "REPORT RequestId: {id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 512 MB\tMax Memory Used: {} MB{cold}",
                    ms.ceil(),
                    60 + (i + f) % 200
                ),
            ] {
                batch.push(LogEvent {
                    function: functions_arc[f].clone(),
                    origin: Default::default(),
                    timestamp: at,
                    stream: streams[f].clone(),
                    message,
                    event_id: None,
                });
                events += 1;
                if batch.len() == 8192 {
                    store.apply(Update::logs(std::mem::take(&mut batch)));
                }
            }
        }
    }
    store.apply(Update::logs(batch));
    store.tick();

    let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("test terminal");
    let mut view = ViewState::new(Selection::default());
    view.clamp(&store);
    terminal
        .draw(|f| render(f, &mut view, &store, &Theme::dark()))
        .expect("draw");

    let (peak, rss) = memory_kib();
    let mb = |kib: u64| kib as f64 / 1024.0;
    println!(
        "functions {functions}, metric points {}, log events {events} (ring holds {}), alarms {}",
        functions * MetricKind::ALL.len() * window.slots(),
        store.logs().len(),
        store.alarms().count(),
    );
    println!(
        "baseline {:.1} MB, after metrics {:.1} MB, peak (VmHWM) {:.1} MB, resident now {:.1} MB",
        mb(baseline),
        mb(after_metrics),
        mb(peak),
        mb(rss)
    );
    if peak > limit_mb * 1024 {
        eprintln!("peak {:.1} MB is over the {limit_mb} MB bound", mb(peak));
        std::process::exit(1);
    }
}

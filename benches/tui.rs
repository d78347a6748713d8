//! Dashboard drawing: a full frame of 1,000 functions, and the bytes a refresh writes to the
//! terminal.
//!
//! ```sh
//! cargo bench --bench tui
//! ```
//!
//! The byte counts are printed first (they do not vary between runs); criterion then times the
//! frames.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group};
use lambdatop::clock::{Clock, ManualClock, SharedClock};
use lambdatop::message::Update;
use lambdatop::message::{Poller, SourceKind};
use lambdatop::model::{
    Alarm, AlarmState, Datapoint, FunctionConfig, LogEvent, MetricKind, MetricPoints, WindowStats,
};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use ratatui::backend::{CrosstermBackend, TestBackend};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const FUNCTIONS: usize = 1_000;
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 26, 30)
        .single()
        .expect("a valid time")
}

/// A small deterministic generator, so every run draws the same account.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn name(i: usize) -> String {
    const TEAMS: [&str; 6] = ["orders", "billing", "auth", "search", "images", "reports"];
    format!("{}-prod-handler-{i:04}", TEAMS[i % TEAMS.len()])
}

/// One minute of metrics, REPORT lines and a round marker for every function.
fn round(
    rng: &mut Rng,
    window: TimeWindow,
    from: DateTime<Utc>,
    minutes: i64,
    at: DateTime<Utc>,
) -> Vec<Update> {
    let period = window.period_s();
    let to = from + Duration::minutes(minutes);
    let mut metrics = Vec::new();
    let mut stats = Vec::new();
    let mut logs = Vec::new();
    for i in 0..FUNCTIONS {
        let f = name(i);
        let busy = 1.0 + 400.0 * rng.next().powi(4);
        let series = |rng: &mut Rng, scale: f64| -> Vec<Datapoint> {
            (0..minutes)
                .map(|m| Datapoint {
                    at: from + Duration::minutes(m),
                    value: (scale * (0.6 + 0.8 * rng.next())).round(),
                })
                .collect()
        };
        for (metric, scale) in [
            (MetricKind::Invocations, busy),
            (MetricKind::Errors, busy * 0.02 * rng.next()),
            (
                MetricKind::Throttles,
                if i % 17 == 0 { busy * 0.1 } else { 0.0 },
            ),
            (MetricKind::DurationAvg, 20.0 + 500.0 * rng.next()),
            (MetricKind::DurationP99, 100.0 + 2000.0 * rng.next()),
            (MetricKind::ConcurrentExecutions, 1.0 + busy / 20.0),
        ] {
            metrics.push(MetricPoints {
                function: Some(f.clone()),
                metric,
                from,
                to,
                period_s: period,
                points: series(rng, scale),
            });
        }
        stats.push((
            f.clone(),
            WindowStats {
                duration_p99_ms: Some(100.0 + 2000.0 * rng.next()),
            },
        ));
        let function: Arc<str> = Arc::from(f.as_str());
        let stream: Arc<str> = Arc::from("2026/03/14/[$LATEST]0123456789abcdef");
        for n in 0..2 {
            let init = if rng.next() < 0.1 {
                "Init Duration: 231.40 ms\t"
            } else {
                ""
            };
            logs.push(LogEvent {
                function: function.clone(),
                origin: Default::default(),
                timestamp: at,
                stream: stream.clone(),
                message: format!(
                    "REPORT RequestId: 00000000-0000-4000-8000-{i:08}{n:04}\tDuration: {:.2} ms\t\
                     Billed Duration: 100 ms\tMemory Size: 512 MB\tMax Memory Used: {} MB\t{init}",
                    20.0 + 300.0 * rng.next(),
                    60 + (440.0 * rng.next()) as u32,
                ),
                event_id: None,
            });
        }
    }
    vec![
        Update::Metrics(metrics),
        Update::WindowStats(stats),
        Update::logs(logs),
        Update::Polled {
            poller: Poller::Metrics,
            at,
        },
    ]
}

/// A store with 1,000 functions and a full hour of data.
fn account() -> (Store, Arc<ManualClock>, Rng) {
    let clock = Arc::new(ManualClock::new(start()));
    let shared: SharedClock = clock.clone();
    let window = TimeWindow::default();
    let mut store = Store::new(
        SourceKind::Demo,
        Some("us-east-1".into()),
        window,
        StoreLimits::default(),
        shared,
    );
    let configs = (0..FUNCTIONS)
        .map(|i| FunctionConfig {
            memory_mb: Some(512),
            timeout_s: Some(if i % 3 == 0 { 3 } else { 30 }),
            ..FunctionConfig::named(name(i))
        })
        .collect();
    store.apply(Update::Functions(configs));
    store.apply(Update::Alarms(
        (0..FUNCTIONS)
            .step_by(50)
            .map(|i| Alarm {
                name: format!("{}-errors", name(i)),
                state: if i % 100 == 0 {
                    AlarmState::Alarm
                } else {
                    AlarmState::Ok
                },
                function: Some(name(i)),
                metric: Some("Errors".into()),
                reason: None,
            })
            .collect(),
    ));
    let mut rng = Rng(42);
    let from = window.start(start());
    for u in round(&mut rng, window, from, 60, start()) {
        store.apply(u);
    }
    store.tick();
    (store, clock, rng)
}

/// A `Write` that counts the bytes and drops them.
#[derive(Default, Clone)]
struct CountingSink {
    bytes: Rc<Cell<usize>>,
}

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.bytes.set(self.bytes.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Bytes written to a terminal: the first frame, an idle redraw, and a one-second tick with a
/// new round of data.
fn bytes_per_refresh() -> io::Result<(usize, usize, usize)> {
    let (mut store, clock, mut rng) = account();
    let mut view = ViewState::new(Default::default());
    let theme = Theme::dark();
    let sink = CountingSink::default();
    let bytes = sink.bytes.clone();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(sink),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, WIDTH, HEIGHT)),
        },
    )?;
    let draw = |terminal: &mut Terminal<CrosstermBackend<CountingSink>>,
                view: &mut ViewState,
                store: &Store|
     -> io::Result<usize> {
        let before = bytes.get();
        terminal.draw(|f| render(f, view, store, &theme))?;
        Ok(bytes.get() - before)
    };
    let first = draw(&mut terminal, &mut view, &store)?;
    let idle = draw(&mut terminal, &mut view, &store)?;
    clock.advance(Duration::seconds(1));
    let now = clock.now();
    let minute = lambdatop::clock::floor_minute(now);
    for u in round(&mut rng, store.window(), minute, 1, now) {
        store.apply(u);
    }
    store.tick();
    let tick = draw(&mut terminal, &mut view, &store)?;
    Ok((first, idle, tick))
}

fn frames(c: &mut Criterion) {
    let (mut store, _clock, _rng) = account();
    let theme = Theme::dark();
    let mut group = c.benchmark_group("frame");
    group.measurement_time(StdDuration::from_secs(5));
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend");
    let mut view = ViewState::new(Default::default());
    group.bench_function("1000_functions_200x60_idle", |b| {
        b.iter(|| {
            terminal
                .draw(|f| render(f, &mut view, &store, &theme))
                .expect("draw");
        })
    });
    let at = start();
    group.bench_function("1000_functions_200x60_after_an_update", |b| {
        b.iter(|| {
            // Any update makes the order stale: this frame filters and sorts again.
            store.apply(Update::Polled {
                poller: Poller::Metrics,
                at,
            });
            terminal
                .draw(|f| render(f, &mut view, &store, &theme))
                .expect("draw");
        })
    });
    group.bench_function("1000_functions_80x24_idle", |b| {
        let mut small = Terminal::new(TestBackend::new(80, 24)).expect("test backend");
        b.iter(|| {
            small
                .draw(|f| render(f, &mut view, &store, &theme))
                .expect("draw");
        })
    });
    group.finish();
    c.bench_function("store/tick_1000_functions", |b| b.iter(|| store.tick()));
}

criterion_group!(benches, frames);

fn main() {
    match bytes_per_refresh() {
        Ok((first, idle, tick)) => println!(
            "bytes to the terminal at {WIDTH}x{HEIGHT}, {FUNCTIONS} functions: \
             first frame {first}, idle redraw {idle}, one-second tick with new data {tick}"
        ),
        Err(e) => eprintln!("cannot measure the bytes per refresh: {e}"),
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

//! What a dashboard left open costs: GetMetricData's billed metrics, counted in a dashboard
//! session (the CloudWatch source's pollers and the dashboard's view state, drawn into a test
//! backend) on a 120-function account in a 45-row terminal.
//!
//! Two kinds of figures: *computed* ones (the planner's queries for a view, with percentiles,
//! as against AWS) for 120 and 1,000 functions, and *measured* ones, counted against the local
//! peer (moto behind the CBOR adapter). Where an endpoint cannot compute percentiles the poller
//! reads without them, and the measured figures are lower, before and after alike.

use crate::common::draw;
use crate::support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use aws_sdk_cloudwatch::types::StandardUnit;
use chrono::{DateTime, Duration, DurationRound, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::clock::ManualClock;
use lambdatop::figures::{Figure, Selection, SortKey};
use lambdatop::message::{
    CLOUDWATCH_USD_PER_UNIT, Pace, PaceReason, Request, SourceContext, SourceKind, Update, pace,
};
use lambdatop::model::{FunctionConfig, MetricKind};
use lambdatop::poll::{Backoff, Round};
use lambdatop::source::cloudwatch::{AwsOptions, CloudWatchPollers, CloudWatchSource, ViewTiers};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::handle_key;
use lambdatop::tui::sync_request;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use support::peer::{LocalAws, REGION};
use tokio::sync::{mpsc, watch};

/// The terminal of the figures: 45 rows, 120 columns (the table then shows 24 functions).
const ROWS: u16 = 45;
const COLUMNS: u16 = 120;

/// The targets: watched, and idle.
const WATCHED_USD_PER_HOUR: f64 = 0.10;
const IDLE_USD_PER_HOUR: f64 = 0.02;

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn name(i: usize) -> String {
    format!("fn-{i:04}")
}

/// A store of `n` functions, `fn-0000` the busiest, as the dashboard has it after discovery.
fn store_of(n: usize) -> Store {
    let clock = Arc::new(ManualClock::new(Utc::now()));
    let mut store = Store::new(
        SourceKind::Cloudwatch,
        Some(REGION.to_string()),
        TimeWindow::default(),
        StoreLimits::default(),
        clock,
    );
    store.apply(Update::Functions(
        (0..n).map(|i| FunctionConfig::named(name(i))).collect(),
    ));
    store
}

/// The request the dashboard makes for `view` on `store`, drawn in a `w`×[`ROWS`] terminal.
fn request(view: &mut ViewState, store: &Store, w: u16) -> Request {
    draw(view, store, w, ROWS);
    let mut req = Request::new(store.window());
    sync_request(view, store, &mut req);
    req
}

/// Metrics an hour the metrics poller requests for `req`, with percentiles (as against AWS).
fn computed_per_hour(req: &Request, n: usize) -> f64 {
    let functions: Vec<FunctionConfig> = (0..n).map(|i| FunctionConfig::named(name(i))).collect();
    let tiers = ViewTiers::new(
        req.metrics.as_ref().expect("a view"),
        &functions,
        req.detail_function.as_ref(),
        true,
    );
    let p = pace(StdDuration::from_secs(60), req.idle, None, &tiers.cost());
    tiers.cost().average() * 3600.0 / p.every.as_secs_f64()
}

fn usd(metrics_per_hour: f64) -> f64 {
    metrics_per_hour * CLOUDWATCH_USD_PER_UNIT
}

#[test]
fn the_planner_keeps_a_watched_dashboard_under_ten_cents_an_hour() {
    // Before: every function × 8 metrics + the Region's 2, every minute.
    let before = |n: usize| (n * 8 + 2) as f64 * 60.0;
    for (n, width) in [(120, COLUMNS), (1000, COLUMNS), (120, 160), (1000, 160)] {
        let store = store_of(n);
        let mut view = ViewState::new(Selection::default());
        let watched = computed_per_hour(&request(&mut view, &store, width), n);
        view.idle = true;
        let idle = computed_per_hour(&request(&mut view, &store, width), n);
        eprintln!(
            "{n} functions, {width}x{ROWS}: before {:.0} metrics/h (${:.3}/h), after {watched:.0} \
             (${:.4}/h), idle {idle:.0} (${:.4}/h)",
            before(n),
            usd(before(n)),
            usd(watched),
            usd(idle),
        );
        assert!(usd(idle) < IDLE_USD_PER_HOUR, "{n} functions idle");
        if n == 120 && width == COLUMNS {
            assert!(usd(watched) < WATCHED_USD_PER_HOUR, "{}", usd(watched));
            // Hand-computed: 24 rows × 5 (invocations, errors, throttles, p99 and its
            // sparkline) + the Region's 5, each minute; the other 96 functions' invocations
            // every 5 minutes; the 24 rows below, less their invocations, every 15.
            let per_round = 5.0 + 24.0 * 5.0 + 96.0 / 5.0 + 24.0 * 4.0 / 15.0;
            assert!((watched - per_round * 60.0).abs() < 1e-6, "{watched}");
            assert!((idle - (5.0 + 24.0 * 5.0) * 12.0).abs() < 1e-6, "{idle}");
        }
    }
}

/// Metrics a row on screen reads in a 120-column table: 5, or 3 from an endpoint without
/// percentiles (which says so in a notice).
fn per_row(store: &Store) -> u64 {
    if store.notice().is_some() { 3 } else { 5 }
}

fn base_minute() -> DateTime<Utc> {
    (Utc::now() - Duration::minutes(30))
        .duration_trunc(Duration::minutes(1))
        .expect("truncate")
}

/// A dashboard session against the peer: the pollers, the store they feed, the view.
struct Session {
    store: Store,
    view: ViewState,
    ctx: SourceContext,
    rx: mpsc::Receiver<Update>,
    requests: watch::Sender<Request>,
    clock: Arc<ManualClock>,
    pollers: CloudWatchPollers,
}

/// GetMetricData's billed metrics and the metrics poller's pace in `updates`.
fn billed(updates: &[Update]) -> (u64, Option<Pace>) {
    let mut units = 0;
    let mut pace = None;
    for u in updates {
        match u {
            Update::ApiCalls(c) if c.operation == "GetMetricData" => {
                units += u64::from(c.billed_units)
            }
            Update::Pace { pace: p, .. } => pace = Some(*p),
            _ => {}
        }
    }
    (units, pace)
}

impl Session {
    /// 120 functions known from their metrics; every tenth has errors.
    async fn start(aws: &LocalAws, n: usize) -> Session {
        let t0 = base_minute();
        for i in 0..n {
            let points = [(t0, (n - i) as f64)];
            aws.put_metric(&name(i), "Invocations", StandardUnit::Count, &points)
                .await;
            if i % 10 == 9 {
                aws.put_metric(&name(i), "Errors", StandardUnit::Count, &[(t0, 1.0)])
                    .await;
            }
        }
        let sdk = aws.sdk_config().await;
        let opts = AwsOptions {
            backoff: Backoff {
                base: StdDuration::from_millis(1),
                cap: StdDuration::from_millis(5),
                max_attempts: 2,
            },
            ..AwsOptions::default()
        };
        let source = CloudWatchSource::from_sdk_config(&sdk, opts).expect("source");
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let (tx, rx) = mpsc::channel(4096);
        let (requests, requests_rx) = watch::channel(Request::new(TimeWindow::default()));
        let store = Store::new(
            SourceKind::Cloudwatch,
            Some(REGION.to_string()),
            TimeWindow::default(),
            StoreLimits::default(),
            clock.clone(),
        );
        let mut s = Session {
            store,
            view: ViewState::new(Selection::default()),
            ctx: SourceContext {
                updates: tx,
                requests: requests_rx,
                clock: clock.clone(),
                once: false,
            },
            rx,
            requests,
            clock,
            pollers: source.into_pollers(),
        };
        assert!(s.pollers.discovery.round(&s.ctx).await);
        s.drain();
        assert_eq!(s.store.functions().len(), n);
        s
    }

    fn drain(&mut self) -> Vec<Update> {
        let mut out = Vec::new();
        while let Ok(u) = self.rx.try_recv() {
            self.store.apply(u.clone());
            out.push(u);
        }
        out
    }

    /// Draws the view and hands the request it makes to the source.
    fn show(&mut self) -> String {
        let terminal = draw(&mut self.view, &self.store, COLUMNS, ROWS);
        let store = &self.store;
        let view = &mut self.view;
        self.requests
            .send_if_modified(|r| sync_request(view, store, r));
        format!("{:?}", terminal.backend())
    }

    /// A metrics round: its billed metrics and pace.
    async fn round(&mut self) -> (u64, Option<Pace>) {
        assert!(self.pollers.metrics.round(&self.ctx).await);
        billed(&self.drain())
    }

    /// What the view shows now that the last round did not read, read at once.
    async fn between_rounds(&mut self) -> u64 {
        let req = self.requests.borrow().clone();
        assert!(self.pollers.metrics.detail_round(&self.ctx, &req).await);
        billed(&self.drain()).0
    }

    /// Billed metrics over an hour of rounds at the poller's pace (the configured minute when
    /// it says none, as before). Without `view`, nothing is drawn: the request asks for every
    /// metric, as before.
    async fn hour(&mut self, view: bool) -> (u64, Pace) {
        let mut elapsed = StdDuration::ZERO;
        let mut units = 0;
        let mut last = Pace::default();
        while elapsed < StdDuration::from_secs(3600) {
            if view {
                self.show();
            }
            let (u, pace) = self.round().await;
            units += u;
            // What the round's data brings on screen (a new order) is read at once.
            if view {
                self.show();
                units += self.between_rounds().await;
            }
            last = pace.unwrap_or(Pace {
                every: StdDuration::from_secs(60),
                reason: PaceReason::Normal,
                usd_per_hour: 0.0,
            });
            elapsed += last.every;
            self.clock
                .advance(Duration::from_std(last.every).expect("duration"));
            self.store.tick();
        }
        (units, last)
    }
}

#[tokio::test]
async fn a_dashboard_left_open_costs_what_is_on_screen() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let mut s = Session::start(&aws, 120).await;

    // Before: every metric of every function, every minute (main's reads; `--once` still
    // reads these).
    let (before, _) = s.hour(false).await;

    // After: the dashboard's view.
    let mut s = Session::start(&aws, 120).await;
    let text = s.show();
    assert!(text.contains("fn-0023"), "{text}");
    let (first, pace) = s.round().await;
    assert_eq!(pace.map(|p| p.reason), Some(PaceReason::Normal));
    // The Region's 5, 24 rows × 5 (invocations, errors, throttles, p99 and its sparkline; 3
    // where the endpoint has no percentiles), the other 96 functions' invocations, the 24
    // rows below less their invocations.
    let row = per_row(&s.store);
    assert_eq!(first, 5 + 24 * row + 96 + 24 * (row - 1));
    let text = s.show();
    assert!(!text.contains('…'), "every row on screen was read:\n{text}");
    let (watched, _) = s.hour(true).await;

    // Idle: five minutes between rounds, only what is on screen.
    s.view.idle = true;
    s.show();
    let (idle, pace) = s.hour(true).await;
    assert_eq!((pace.every.as_secs(), pace.reason), (300, PaceReason::Idle));
    let text = s.show();
    assert!(text.contains("idle: metrics every 5m "), "{text}");
    // The rate now, and over a month: 1,500 metrics an hour (no alarms poller here).
    assert!(text.contains("~$0.0150/h ($10.95/month)"), "{text}");

    // The first key: a round at once, which reads everything the view shows again.
    let seen = s.requests.borrow().clone();
    s.view.idle = false;
    s.show();
    let now = s.requests.borrow().clone();
    assert!(s.pollers.metrics.wants(&seen, &now));
    let (woke, pace) = s.round().await;
    assert_eq!(woke, first);
    assert_eq!(pace.map(|p| p.every.as_secs()), Some(60));

    eprintln!(
        "measured (local peer), 120 functions, {COLUMNS}x{ROWS}: before {before} \
         metrics/h (${:.3}/h), after {watched} (${:.4}/h), idle {idle} (${:.4}/h)",
        usd(before as f64),
        usd(watched as f64),
        usd(idle as f64)
    );
    assert_eq!(before, 60 * (120 * (row + 3) + 2));
    assert!(usd(watched as f64) < WATCHED_USD_PER_HOUR);
    assert!(usd(idle as f64) < IDLE_USD_PER_HOUR);
    assert!(watched * 4 < before);
}

#[tokio::test]
async fn scrolling_and_sorting_read_what_comes_on_screen_at_once() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let mut s = Session::start(&aws, 120).await;
    s.show();
    s.round().await;
    let row = per_row(&s.store);
    // The first round read the rows ahead too; the second does not.
    s.clock.advance(Duration::minutes(1));
    s.show();
    s.round().await;
    s.show();
    // A page down: the rows ahead were read already; they show their values at once, and
    // are read again now.
    handle_key(&mut s.view, &s.store, code(KeyCode::PageDown));
    handle_key(&mut s.view, &s.store, code(KeyCode::PageDown));
    let text = s.show();
    assert!(text.contains("fn-0030"), "{text}");
    assert!(!text.contains('…'), "no row waits:\n{text}");
    // 23 rows were not on screen this round (fn-0023 was).
    assert_eq!(s.between_rounds().await, 23 * row);
    // To the end: rows never read wait for a read on its way (never a false 0), which lands
    // at once.
    handle_key(&mut s.view, &s.store, code(KeyCode::End));
    let text = s.show();
    assert!(text.contains("fn-0119"), "{text}");
    assert!(text.contains('…'), "{text}");
    assert!(s.between_rounds().await > 0);
    let text = s.show();
    assert!(!text.contains('…'), "{text}");
    // Nothing more to read until the next round.
    assert_eq!(s.between_rounds().await, 0);

    // Sorting by errors reads every function's errors at once, and the log pane follows the
    // failing functions.
    handle_key(&mut s.view, &s.store, code(KeyCode::Home));
    s.view.selection.sort = SortKey::By(Figure::Errors);
    s.show();
    // Those not read this round (the rows seen have theirs).
    assert!(s.between_rounds().await > 0);
    assert!(
        s.store
            .functions()
            .all(|f| f.series(MetricKind::Errors).is_some())
    );
    s.show();
    let logs = s.requests.borrow().log_functions.clone();
    assert_eq!(logs.len(), 5);
    assert!(
        logs.iter()
            .all(|f| f.name.trim_start_matches("fn-").parse::<usize>().unwrap() % 10 == 9),
        "{logs:?}"
    );
}

#[tokio::test]
async fn a_budget_stretches_the_rounds_and_says_so() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let mut s = Session::start(&aws, 120).await;
    s.view.cost.budget_usd_per_hour = Some(0.03);
    s.show();
    // The first round reads everything; the user goes to the end of the table and back:
    // reads between rounds count against the budget too.
    let (_, first) = s.round().await;
    handle_key(&mut s.view, &s.store, code(KeyCode::End));
    s.show();
    let between = s.between_rounds().await;
    assert!(between > 0);
    handle_key(&mut s.view, &s.store, code(KeyCode::Home));
    s.show();
    s.between_rounds().await;
    // Every hour of rounds after that stays under the budget.
    let every = first.expect("paced").every;
    s.clock
        .advance(Duration::from_std(every).expect("duration"));
    let (units, pace) = s.hour(true).await;
    assert_eq!(pace.reason, PaceReason::Budget);
    assert!(pace.every > StdDuration::from_secs(60));
    eprintln!(
        "budget $0.03/h: {units} metrics in the hour, every {:?}",
        pace.every
    );
    assert!(usd(units as f64) <= 0.03 + 1e-9, "{units}");
    let text = s.show();
    assert!(text.contains("budget $0.0300/h: metrics every"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_file_records_the_billed_units_of_every_call() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    for i in 0..3 {
        aws.put_metric(
            &name(i),
            "Invocations",
            StandardUnit::Count,
            &[(base_minute(), 1.0)],
        )
        .await;
    }
    let log = std::env::temp_dir().join(format!("lambdatop-cost-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&log);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(["--once", "--output", "json", "--log-file"])
        .arg(&log)
        .env_remove("AWS_PROFILE")
        .env("HOME", std::env::temp_dir())
        .envs(aws.env_vars())
        .output()
        .expect("run lambdatop");
    let text = std::fs::read_to_string(&log).expect("diagnostic log written");
    let _ = std::fs::remove_file(&log);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // --once reads every metric of the 3 functions: 8 each and the Region's 2 (6 each
    // where the endpoint has no percentiles), one call.
    let per_call = text
        .lines()
        .find(|l| l.contains("api: call GetMetricData calls=1 metrics="))
        .unwrap_or_else(|| panic!("no call line:\n{text}"));
    assert!(
        per_call.ends_with("metrics=26 cost=$0.00026")
            || per_call.ends_with("metrics=20 cost=$0.0002"),
        "{per_call}"
    );
    // Each round's sum, and the other operations' units too.
    assert!(
        text.contains("api: DescribeAlarms calls=1 requests=1 cost=$0.00001"),
        "{text}"
    );
}

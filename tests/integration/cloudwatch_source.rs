//! The CloudWatch source against a local AWS peer (moto + the CBOR adapter, `tests/integration/support`).
//!
//! Each poller round runs through a `SourceContext` with a `ManualClock`; its updates are
//! applied to a `Store`, and values and API call counts are checked exactly.
//!
//! What moto cannot emulate is tested elsewhere, against hand-built responses:
//! percentiles (moto answers HTTP 500 — here the source's fallback is what is checked), filter
//! pattern semantics beyond quoted phrases, DescribeAlarms pagination, empty FilterLogEvents
//! pages that carry a token, throttling (`tests/cloudwatch_canned.rs` and the unit tests).

use crate::support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use aws_sdk_cloudwatch::types::{MetricDatum, StandardUnit, StateValue};
use aws_sdk_lambda::types::{Architecture as LambdaArch, LogFormat as LambdaLogFormat};
use chrono::{DateTime, Duration, DurationRound, Utc};
use lambdatop::clock::{Clock, ManualClock};
use lambdatop::message::Update;
use lambdatop::message::{Poller, Request, SourceContext, SourceKind};
use lambdatop::model::{AlarmState, Architecture, LogFormat, MetricKind, Reserved};
use lambdatop::poll::Backoff;
use lambdatop::source::cloudwatch::{
    AwsOptions, CloudWatchPollers, CloudWatchSource, LogAnalytics,
};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::window::TimeWindow;
use support::peer::{AlarmSeed, FunctionSeed, LocalAws, REGION, smithy_time};
use tokio::sync::{mpsc, watch};

/// A whole minute about half an hour ago: recent enough for every CloudWatch rule.
fn base_minute() -> DateTime<Utc> {
    (Utc::now() - Duration::minutes(30))
        .duration_trunc(Duration::minutes(1))
        .expect("truncate")
}

/// Options for tests: quick retries, so a deterministic HTTP 500 costs milliseconds.
pub(crate) fn test_options() -> AwsOptions {
    AwsOptions {
        backoff: Backoff {
            base: StdDuration::from_millis(1),
            cap: StdDuration::from_millis(5),
            max_attempts: 2,
        },
        logs_rate_limit_per_s: 1000.0,
        log_analytics: LogAnalytics::Filter,
        ..AwsOptions::default()
    }
}

/// A front end in miniature: the context the pollers get, and the store their updates go to.
pub(crate) struct Harness {
    pub store: Store,
    pub ctx: SourceContext,
    rx: mpsc::Receiver<Update>,
    pub requests: watch::Sender<Request>,
    pub clock: Arc<ManualClock>,
    pub pollers: CloudWatchPollers,
}

impl Harness {
    pub(crate) async fn new(
        aws: &LocalAws,
        opts: AwsOptions,
        window: TimeWindow,
        now: DateTime<Utc>,
        once: bool,
    ) -> Self {
        let sdk = aws.sdk_config().await;
        let source = CloudWatchSource::from_sdk_config(&sdk, opts).expect("source");
        let clock = Arc::new(ManualClock::new(now));
        let (tx, rx) = mpsc::channel(1024);
        let (requests, requests_rx) = watch::channel(Request::new(window));
        let ctx = SourceContext {
            updates: tx,
            requests: requests_rx,
            clock: clock.clone(),
            once,
        };
        let store = Store::new(
            SourceKind::Cloudwatch,
            Some(REGION.to_string()),
            window,
            StoreLimits::default(),
            clock.clone(),
        );
        Self {
            store,
            ctx,
            rx,
            requests,
            clock,
            pollers: source.into_pollers(),
        }
    }

    /// The updates sent so far, applied to the store.
    pub(crate) fn drain(&mut self) -> Vec<Update> {
        let mut out = Vec::new();
        while let Ok(u) = self.rx.try_recv() {
            self.store.apply(u.clone());
            out.push(u);
        }
        out
    }

    async fn discovery(&mut self) -> Vec<Update> {
        assert!(self.pollers.discovery.round(&self.ctx).await);
        self.drain()
    }

    async fn metrics(&mut self) -> Vec<Update> {
        assert!(self.pollers.metrics.round(&self.ctx).await);
        self.drain()
    }

    async fn alarms(&mut self) -> Vec<Update> {
        assert!(self.pollers.alarms.round(&self.ctx).await);
        self.drain()
    }

    /// The detail view opens on `function`: the reservation-only round that follows.
    async fn open(&mut self, function: &str) -> Vec<Update> {
        self.requests.send_modify(|r| {
            r.log_functions = vec![lambdatop::model::Origin::default().function(function)]
        });
        let req = self.requests.borrow().clone();
        assert!(self.pollers.discovery.reserved_round(&self.ctx, &req).await);
        self.drain()
    }

    /// The detail view opens on `function` (or closes): the read of its detail metrics that
    /// follows.
    async fn detail(&mut self, function: Option<&str>) -> Vec<Update> {
        self.requests.send_modify(|r| {
            r.detail_function = function.map(|f| lambdatop::model::Origin::default().function(f))
        });
        let req = self.requests.borrow().clone();
        assert!(self.pollers.metrics.detail_round(&self.ctx, &req).await);
        self.drain()
    }

    async fn logs(&mut self) -> Vec<Update> {
        assert!(self.pollers.logs.round(&self.ctx).await);
        self.drain()
    }
}

/// (calls, billed units) of `operation` in `updates`.
fn api(updates: &[Update], operation: &str) -> (u32, u32) {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::ApiCalls(c) if c.operation == operation => Some((c.calls, c.billed_units)),
            _ => None,
        })
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

fn polled(updates: &[Update], poller: Poller) -> bool {
    updates
        .iter()
        .any(|u| matches!(u, Update::Polled { poller: p, .. } if *p == poller))
}

fn failures(updates: &[Update]) -> Vec<String> {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::Failed { error, .. } => Some(error.message.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn discovery_and_metrics_read_exact_values() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    let t1 = t0 + Duration::minutes(1);

    aws.create_function(&FunctionSeed::new("orders")).await;
    let mut billing = FunctionSeed::new("billing");
    billing.log_format = LambdaLogFormat::Json;
    billing.log_group = Some("/shared/billing".into());
    billing.memory_mb = 1024;
    billing.timeout_seconds = 30;
    billing.architecture = LambdaArch::Arm64;
    aws.create_function(&billing).await;
    // Known only from its metrics, and only from its log group.
    aws.put_metric("ghost", "Invocations", StandardUnit::Count, &[(t0, 1.0)])
        .await;
    // Throttled to zero: no `Invocations` datapoint, only `Throttles`.
    aws.put_metric("choked", "Throttles", StandardUnit::Count, &[(t0, 4.0)])
        .await;
    aws.create_log_group("/aws/lambda/old-cron").await;
    aws.create_log_group("/aws/lambda/orders").await;

    aws.put_metric(
        "orders",
        "Invocations",
        StandardUnit::Count,
        &[(t0, 2.0), (t0, 3.0), (t1, 3.0)],
    )
    .await;
    aws.put_metric("orders", "Errors", StandardUnit::Count, &[(t1, 1.0)])
        .await;
    aws.put_metric(
        "orders",
        "Duration",
        StandardUnit::Milliseconds,
        &[(t0, 100.0), (t0, 300.0)],
    )
    .await;
    // Region-wide concurrency: no dimensions.
    put_region_metric(&aws, "ConcurrentExecutions", &[(t0, 7.0)]).await;

    let now = t0 + Duration::seconds(5 * 60 + 10);
    let window = TimeWindow::minutes(15);
    let mut h = Harness::new(&aws, test_options(), window, now, false).await;

    // Discovery: Lambda's functions, plus the metric-only and log-group-only ones.
    let u = h.discovery().await;
    assert!(polled(&u, Poller::Discovery), "{:?}", failures(&u));
    let names: Vec<&str> = h.store.functions().map(|f| f.name()).collect();
    assert_eq!(names, ["billing", "choked", "ghost", "old-cron", "orders"]);
    let b = &h.store.function_named("billing").expect("billing").config;
    assert_eq!(b.log_format, LogFormat::Json);
    assert_eq!(b.log_group.as_deref(), Some("/shared/billing"));
    assert_eq!((b.memory_mb, b.timeout_s), (Some(1024), Some(30)));
    assert_eq!(b.architecture, Architecture::Arm64);
    assert_eq!(h.store.totals().concurrency_limit, 1000);
    for op in [
        "ListFunctions",
        "ListMetrics",
        "DescribeLogGroups",
        "GetAccountSettings",
    ] {
        assert_eq!(api(&u, op).0, 1, "{op}");
    }
    // No function is in view: no reserved concurrency is read.
    assert_eq!(api(&u, "GetFunctionConcurrency"), (0, 0));

    // Metrics, first round: the whole window. moto cannot compute percentiles (HTTP 500): the
    // call with them is tried `max_attempts` times, then the round goes on without them.
    let u = h.metrics().await;
    assert!(polled(&u, Poller::Metrics));
    let per_round = 5 * 6 + 2; // 5 functions × 6 series without p99, + the Region's two
    assert_eq!(api(&u, "GetMetricData"), (2 + 1, per_round));
    assert!(failures(&u).is_empty(), "{:?}", failures(&u));
    let notice = h.store.notice().map(|(_, n)| n.message.clone());
    assert!(
        notice.as_deref().is_some_and(|m| m.contains("percentiles")),
        "{notice:?}"
    );
    let health = h.store.poller(Poller::Metrics).expect("health");
    assert!(
        health.current_error().is_none(),
        "the note does not mark data stale"
    );
    let orders = &h.store.function_named("orders").expect("orders").summary;
    assert_eq!((orders.invocations, orders.errors), (8, 1));
    let choked = &h.store.function_named("choked").expect("choked").summary;
    assert_eq!((choked.invocations, choked.throttles), (0, 4));
    assert!((orders.error_rate - 0.125).abs() < 1e-12);
    assert_eq!(orders.duration_avg_ms, Some(200.0));
    assert_eq!(orders.duration_max_ms, Some(300.0));
    assert_eq!(orders.duration_p99_ms, None);
    assert_eq!(
        h.store
            .function_named("ghost")
            .map(|f| f.summary.invocations),
        Some(1)
    );
    assert_eq!(
        h.store
            .function_named("billing")
            .map(|f| f.summary.invocations),
        Some(0)
    );
    assert_eq!(h.store.totals().concurrency_peak, Some(7.0));
    assert_eq!(h.store.totals().invocations, 9);
    let full = u
        .iter()
        .find_map(|u| match u {
            Update::Metrics(m) => m.first().map(|m| (m.from, m.to)),
            _ => None,
        })
        .expect("metrics");
    assert_eq!(full.0, window.start(now));

    // A minute later Lambda has filled in a late minute: the trailing re-read picks it up, in
    // one call now that percentiles are known to be unavailable.
    h.clock.advance(Duration::seconds(60));
    aws.put_metric(
        "orders",
        "Invocations",
        StandardUnit::Count,
        &[(t0 + Duration::minutes(4), 4.0)],
    )
    .await;
    let u = h.metrics().await;
    assert_eq!(api(&u, "GetMetricData"), (1, per_round));
    assert!(failures(&u).is_empty());
    let from = u
        .iter()
        .find_map(|u| match u {
            Update::Metrics(m) => m
                .iter()
                .find(|m| m.metric == MetricKind::Invocations)
                .map(|m| m.from),
            _ => None,
        })
        .expect("metrics");
    // Five periods before the previous round (longest timeout 30 s < 5 minutes).
    assert_eq!(from, t0);
    let orders = &h.store.function_named("orders").expect("orders").summary;
    assert_eq!(orders.invocations, 12);

    // A new window is read whole.
    let hour = TimeWindow::minutes(60);
    h.requests.send_modify(|r| r.window = hour);
    h.store.set_window(hour);
    let u = h.metrics().await;
    let from = u
        .iter()
        .find_map(|u| match u {
            Update::Metrics(m) => m.first().map(|m| m.from),
            _ => None,
        })
        .expect("metrics");
    assert_eq!(from, hour.start(h.clock.now()));
    assert_eq!(
        h.store
            .function_named("orders")
            .map(|f| f.summary.invocations),
        Some(12)
    );
}

/// Seeds a Region-level `AWS/Lambda` metric (no dimensions).
async fn put_region_metric(aws: &LocalAws, metric: &str, points: &[(DateTime<Utc>, f64)]) {
    let data = points
        .iter()
        .map(|(at, value)| {
            MetricDatum::builder()
                .metric_name(metric)
                .timestamp(smithy_time(*at))
                .value(*value)
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    put_data(aws, data).await;
}

/// Seeds `AWS/Lambda` datapoints in one call.
async fn put_data(aws: &LocalAws, data: Vec<MetricDatum>) {
    aws.cloudwatch()
        .await
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("seed");
}

#[tokio::test]
async fn detail_metrics_are_read_only_for_the_detail_function() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    let t1 = t0 + Duration::minutes(1);
    for name in ["orders", "billing"] {
        aws.create_function(&FunctionSeed::new(name)).await;
    }
    let ms = StandardUnit::Milliseconds;
    let count = StandardUnit::Count;
    aws.put_metric("orders", "Invocations", count.clone(), &[(t0, 4.0)])
        .await;
    // Ages and utilisation are read as maxima, the rest as sums.
    aws.put_metric(
        "orders",
        "AsyncEventAge",
        ms.clone(),
        &[(t0, 100.0), (t1, 3000.0), (t1, 5000.0)],
    )
    .await;
    aws.put_metric(
        "orders",
        "DeadLetterErrors",
        count.clone(),
        &[(t0, 1.0), (t1, 1.0), (t1, 1.0)],
    )
    .await;
    aws.put_metric("orders", "IteratorAge", ms.clone(), &[(t1, 750.0)])
        .await;
    aws.put_metric(
        "orders",
        "ProvisionedConcurrencyUtilization",
        StandardUnit::None,
        &[(t0, 0.25), (t1, 0.75)],
    )
    .await;
    aws.put_metric("billing", "AsyncEventAge", ms, &[(t0, 9000.0)])
        .await;
    put_region_metric(&aws, "ConcurrentExecutions", &[(t0, 412.0), (t1, 300.0)]).await;
    put_region_metric(
        &aws,
        "ClaimedAccountConcurrency",
        &[(t0, 640.0), (t1, 500.0)],
    )
    .await;

    let now = t0 + Duration::seconds(5 * 60 + 10);
    let window = TimeWindow::minutes(15);
    let mut h = Harness::new(&aws, test_options(), window, now, false).await;
    h.discovery().await;
    let from = window.start(now);
    let max = |h: &Harness, f: &str, k: MetricKind| {
        h.store
            .function_named(f)
            .and_then(|f| f.series(k))
            .and_then(|s| s.max(from))
    };

    // The overview: 2 functions × 8 (moto answers p99 for functions without Duration data)
    // and the Region's two.
    let per_round = 2 * 8 + 2;
    let u = h.metrics().await;
    assert!(failures(&u).is_empty(), "{:?}", failures(&u));
    assert_eq!(api(&u, "GetMetricData"), (1, per_round));
    let t = h.store.totals();
    assert_eq!(
        (
            t.concurrency_peak,
            t.claimed_concurrency_peak,
            t.concurrency_limit
        ),
        (Some(412.0), Some(640.0), 1000)
    );
    assert_eq!(max(&h, "orders", MetricKind::AsyncEventAge), None);

    // The detail view opens on orders: its nine detail metrics, in one call, at once.
    let u = h.detail(Some("orders")).await;
    assert_eq!(api(&u, "GetMetricData"), (1, 9));
    assert!(!polled(&u, Poller::Metrics), "a read between rounds");
    assert_eq!(max(&h, "orders", MetricKind::AsyncEventAge), Some(5000.0));
    assert_eq!(max(&h, "orders", MetricKind::IteratorAge), Some(750.0));
    assert_eq!(
        max(&h, "orders", MetricKind::ProvisionedConcurrencyUtilization),
        Some(0.75)
    );
    let dlq = h
        .store
        .function_named("orders")
        .and_then(|f| f.series(MetricKind::DeadLetterErrors))
        .map(|s| s.sum(from));
    assert_eq!(dlq, Some(3.0));
    assert_eq!(max(&h, "billing", MetricKind::AsyncEventAge), None);
    // Asked again: nothing more is read.
    assert_eq!(
        api(&h.detail(Some("orders")).await, "GetMetricData"),
        (0, 0)
    );

    // Each refresh reads them while the view is open, and no longer once it is closed.
    h.clock.advance(Duration::seconds(60));
    let u = h.metrics().await;
    assert_eq!(api(&u, "GetMetricData"), (1, per_round + 9));
    assert_eq!(max(&h, "orders", MetricKind::AsyncEventAge), Some(5000.0));
    assert_eq!(api(&h.detail(None).await, "GetMetricData"), (0, 0));
    h.clock.advance(Duration::seconds(60));
    let u = h.metrics().await;
    assert_eq!(api(&u, "GetMetricData"), (1, per_round));
}

#[tokio::test]
async fn reserved_concurrency_is_read_for_the_function_in_view() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    for name in ["orders", "billing"] {
        aws.create_function(&FunctionSeed::new(name)).await;
    }
    aws.lambda()
        .await
        .put_function_concurrency()
        .function_name("orders")
        .reserved_concurrent_executions(7)
        .send()
        .await
        .expect("reserve");
    let mut h = Harness::new(
        &aws,
        test_options(),
        TimeWindow::minutes(15),
        base_minute(),
        false,
    )
    .await;
    let reserved = |h: &Harness, name: &str| {
        h.store
            .function_named(name)
            .map(|f| f.config.reserved_concurrency)
    };
    h.discovery().await;
    assert_eq!(reserved(&h, "orders"), Some(Reserved::Unknown));

    // The detail view opens on orders: one call, for it alone.
    let u = h.open("orders").await;
    assert_eq!(api(&u, "GetFunctionConcurrency"), (1, 0));
    assert_eq!(reserved(&h, "orders"), Some(Reserved::Limit(7)));
    assert_eq!(reserved(&h, "billing"), Some(Reserved::Unknown));
    // Asked again, nothing is read twice.
    assert_eq!(
        api(&h.open("orders").await, "GetFunctionConcurrency"),
        (0, 0)
    );

    // Each round reads it again while it is in view, and keeps it.
    let u = h.discovery().await;
    assert_eq!(api(&u, "GetFunctionConcurrency"), (1, 0));
    assert_eq!(reserved(&h, "orders"), Some(Reserved::Limit(7)));

    // billing, with nothing reserved.
    let u = h.open("billing").await;
    assert_eq!(api(&u, "GetFunctionConcurrency"), (1, 0));
    assert_eq!(reserved(&h, "billing"), Some(Reserved::Shared));
    assert!(failures(&u).is_empty(), "{:?}", failures(&u));
}

#[tokio::test(flavor = "multi_thread")]
async fn opening_a_function_reads_its_reservation_at_once_and_rounds_keep_their_pace() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.lambda()
        .await
        .put_function_concurrency()
        .function_name("orders")
        .reserved_concurrent_executions(3)
        .send()
        .await
        .expect("reserve");
    let opts = AwsOptions {
        discovery_interval: StdDuration::from_secs(3),
        ..test_options()
    };
    let h = Harness::new(&aws, opts, TimeWindow::minutes(15), base_minute(), false).await;
    let Harness {
        mut rx,
        requests,
        pollers,
        ctx,
        ..
    } = h;
    let started = std::time::Instant::now();
    let task = tokio::spawn(lambdatop::poll::drive(pollers.discovery, ctx));
    // (ListFunctions calls, GetFunctionConcurrency calls, reservation of orders) so far.
    let mut seen = (0, 0, None);
    let mut next = async |rx: &mut mpsc::Receiver<Update>| {
        let u = tokio::time::timeout(StdDuration::from_secs(10), rx.recv())
            .await
            .expect("an update in time")
            .expect("the poller runs");
        match &u {
            Update::ApiCalls(c) if c.operation == "ListFunctions" => seen.0 += c.calls,
            Update::ApiCalls(c) if c.operation == "GetFunctionConcurrency" => seen.1 += c.calls,
            Update::Functions(fs) => {
                if let Some(f) = fs.iter().find(|f| f.name == "orders") {
                    seen.2 = Some(f.reserved_concurrency);
                }
            }
            _ => {}
        }
        seen
    };
    // The first round: nothing in view.
    while !matches!(next(&mut rx).await, (1, 0, Some(Reserved::Unknown))) {}
    // Two seconds in, the detail view opens on orders: its reservation is read at once,
    // without a whole round.
    tokio::time::sleep_until((started + StdDuration::from_secs(2)).into()).await;
    requests.send_modify(|r| {
        r.log_functions = vec![lambdatop::model::Origin::default().function("orders")]
    });
    while !matches!(next(&mut rx).await, (1, 1, Some(Reserved::Limit(3)))) {}
    assert!(started.elapsed() < StdDuration::from_secs(3));
    // The next whole round comes on time (not three seconds after the view opened), and reads
    // the reservation again.
    while next(&mut rx).await.0 < 2 {}
    let took = started.elapsed();
    assert!(
        took >= StdDuration::from_secs(3) && took < StdDuration::from_millis(4500),
        "{took:?}"
    );
    while next(&mut rx).await.1 < 2 {}
    task.abort();
}

#[tokio::test]
async fn a_hundred_and_twenty_functions_cost_two_calls_a_refresh() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    // One PutMetricData call: fn-000 … fn-119 with i invocations each.
    let data: Vec<MetricDatum> = (0..120)
        .map(|i| {
            MetricDatum::builder()
                .metric_name("Invocations")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("FunctionName")
                        .value(format!("fn-{i:03}"))
                        .build(),
                )
                .timestamp(smithy_time(t0))
                .value(f64::from(i))
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    put_data(&aws, data).await;

    let now = t0 + Duration::seconds(130);
    let mut h = Harness::new(&aws, test_options(), TimeWindow::minutes(15), now, false).await;
    h.discovery().await;
    assert_eq!(h.store.functions().len(), 120);

    // 120 × 8 + 2 = 962 queries in 2 calls of at most 500, every refresh. (moto answers p99
    // queries of functions without Duration data, so percentiles stay on here.)
    let u = h.metrics().await;
    assert_eq!(api(&u, "GetMetricData"), (2, 962));
    assert!(failures(&u).is_empty(), "{:?}", failures(&u));
    assert_eq!(
        h.store
            .function_named("fn-077")
            .map(|f| f.summary.invocations),
        Some(77)
    );
    assert_eq!(h.store.totals().invocations, (0..120).sum::<u64>());

    h.clock.advance(Duration::seconds(60));
    let u = h.metrics().await;
    assert_eq!(api(&u, "GetMetricData"), (2, 962));
    assert_eq!(
        h.store
            .function_named("fn-119")
            .map(|f| f.summary.invocations),
        Some(119)
    );
}

#[tokio::test]
async fn alarms_in_every_state_are_counted_per_function() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    aws.put_alarm(&AlarmSeed::new(
        "orders-errors",
        "orders",
        "Errors",
        StateValue::Alarm,
    ))
    .await;
    aws.put_alarm(&AlarmSeed::new(
        "orders-throttles",
        "orders",
        "Throttles",
        StateValue::InsufficientData,
    ))
    .await;
    aws.put_alarm(&AlarmSeed::new(
        "billing-errors",
        "billing",
        "Errors",
        StateValue::Ok,
    ))
    .await;
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.create_function(&FunctionSeed::new("billing")).await;

    let mut h = Harness::new(
        &aws,
        test_options(),
        TimeWindow::minutes(60),
        Utc::now(),
        false,
    )
    .await;
    h.discovery().await;
    let u = h.alarms().await;
    assert!(polled(&u, Poller::Alarms));
    assert_eq!(api(&u, "DescribeAlarms"), (1, 1));
    let c = h.store.alarm_counts();
    assert_eq!((c.alarm, c.insufficient_data, c.ok), (1, 1, 1));
    let orders = h.store.function_named("orders").expect("orders");
    assert_eq!(orders.summary.alarm_state, Some(AlarmState::Alarm));
    let billing = h.store.function_named("billing").expect("billing");
    assert_eq!(billing.summary.alarm_state, Some(AlarmState::Ok));
    let a = h
        .store
        .alarms()
        .find(|a| a.name == "orders-throttles")
        .expect("alarm");
    assert_eq!(
        (a.function.as_deref(), a.metric.as_deref()),
        (Some("orders"), Some("Throttles"))
    );

    // --functions narrows the alarms on functions too.
    let opts = AwsOptions {
        functions: Some("bill*".into()),
        ..test_options()
    };
    let mut h = Harness::new(&aws, opts, TimeWindow::minutes(60), Utc::now(), false).await;
    h.discovery().await;
    h.alarms().await;
    let names: Vec<&str> = h.store.alarms().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["billing-errors"]);
    assert_eq!(h.store.functions().len(), 1);
}

const STREAM: &str = "2026/03/14/[$LATEST]0123456789abcdef0123456789abcdef";

#[tokio::test]
async fn following_logs_loses_no_line_and_repeats_none() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let now = Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate");
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.create_log_group("/aws/lambda/orders").await;
    aws.create_log_stream("/aws/lambda/orders", STREAM).await;
    let s = Duration::seconds;
    aws.put_log_events(
        "/aws/lambda/orders",
        STREAM,
        &[
            (now - s(180), "START RequestId: r1 Version: $LATEST"),
            (now - s(120), "line a"),
            (now - s(60), "same time 1"),
            (now - s(60), "same time 2"),
            (now - s(30), "END RequestId: r1"),
        ],
    )
    .await;

    // Two events a page, two pages a round: the first read stops after four events and goes on
    // next round where it stopped.
    let opts = AwsOptions {
        logs_page_size: Some(2),
        logs_max_pages: 2,
        ..test_options()
    };
    let mut h = Harness::new(&aws, opts, TimeWindow::minutes(60), now, false).await;
    h.requests.send_modify(|r| {
        r.log_functions = vec![lambdatop::model::Origin::default().function("orders")]
    });
    h.discovery().await;

    let u = h.logs().await;
    assert!(polled(&u, Poller::Logs), "{:?}", failures(&u));
    assert_eq!(api(&u, "FilterLogEvents").0, 2);
    assert_eq!(h.store.logs().len(), 4);

    h.clock.advance(s(5));
    let u = h.logs().await;
    assert_eq!(api(&u, "FilterLogEvents").0, 1);
    assert_eq!(h.store.logs().len(), 5);

    // A late event (older than the newest seen, within the overlap) and a new one: the overlap
    // re-reads four known events, which are dropped.
    aws.put_log_events(
        "/aws/lambda/orders",
        STREAM,
        &[(now - s(45), "late line"), (now + s(3), "new line")],
    )
    .await;
    h.clock.advance(s(10));
    let u = h.logs().await;
    // The overlapping read has six events, three pages: two now, one next round.
    assert_eq!(api(&u, "FilterLogEvents").0, 2);
    assert_eq!(h.store.logs().len(), 6);
    h.clock.advance(s(5));
    let u = h.logs().await;
    assert_eq!(api(&u, "FilterLogEvents").0, 1);
    let messages: Vec<&str> = h.store.logs().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages.len(), 7, "{messages:?}");
    for m in ["late line", "new line", "same time 1", "same time 2"] {
        assert_eq!(messages.iter().filter(|x| **x == m).count(), 1, "{m}");
    }
    let mut ids: Vec<&str> = h
        .store
        .logs()
        .iter()
        .filter_map(|e| e.event_id.as_deref())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 7);
    let e = h.store.logs().iter().next().expect("event");
    assert_eq!((&*e.function, &*e.stream), ("orders", STREAM));

    // Nothing new: nothing sent.
    h.clock.advance(s(5));
    h.logs().await;
    assert_eq!(h.store.logs().len(), 7);
}

#[tokio::test]
async fn snapshots_read_report_lines_of_every_function_over_the_window() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let now = Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate");
    let s = Duration::seconds;
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.create_log_group("/aws/lambda/orders").await;
    aws.create_log_stream("/aws/lambda/orders", STREAM).await;
    let report = "REPORT RequestId: r1\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB";
    aws.put_log_events(
        "/aws/lambda/orders",
        STREAM,
        &[
            (now - s(30 * 60), "REPORT RequestId: r0\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"),
            (now - s(62), "START RequestId: r1 Version: $LATEST"),
            (now - s(61), "END RequestId: r1"),
            (now - s(60), report),
        ],
    )
    .await;
    let mut billing = FunctionSeed::new("billing");
    billing.log_format = LambdaLogFormat::Json;
    billing.log_group = Some("/shared/billing".into());
    aws.create_function(&billing).await;
    aws.create_log_group("/shared/billing").await;
    let json_stream = "2026/03/14/billing[$LATEST]0123456789abcdef";
    aws.create_log_stream("/shared/billing", json_stream).await;
    let json_report = r#"{"time":"2026-03-14T09:00:00.000Z","type":"platform.report","record":{"requestId":"r2","metrics":{"durationMs":5.0,"billedDurationMs":5,"memorySizeMB":128,"maxMemoryUsedMB":50},"status":"success"}}"#;
    aws.put_log_events(
        "/shared/billing",
        json_stream,
        &[(now - s(40), json_report)],
    )
    .await;

    let mut h = Harness::new(&aws, test_options(), TimeWindow::minutes(15), now, true).await;
    h.discovery().await;
    // A snapshot shows no log pane: the logs poller reads nothing, the reports poller the
    // REPORT lines of every function with a log group, over the window, one read per group.
    let u = h.logs().await;
    assert!(polled(&u, Poller::Logs), "{:?}", failures(&u));
    assert_eq!(api(&u, "FilterLogEvents").0, 0);
    assert!(h.pollers.reports.round(&h.ctx).await);
    let u = h.drain();
    assert!(polled(&u, Poller::Reports), "{:?}", failures(&u));
    assert_eq!(api(&u, "FilterLogEvents").0, 2, "one read per log group");
    // The REPORT before the window is not counted; the one in it is, and the JSON record.
    let orders = h.store.function_named("orders").and_then(|f| f.report());
    assert_eq!(
        orders.map(|r| (r.invocations, r.billed_ms_total)),
        Some((1, 13))
    );
    let billing = h.store.function_named("billing").and_then(|f| f.report());
    assert_eq!(
        billing.map(|r| (r.invocations, r.billed_ms_total)),
        Some((1, 5))
    );
}

/// Logs only (`lambdatop tail`): every function listed is read, without waiting for metrics
/// to rank them, and a read without a page limit is whole in one round.
#[tokio::test]
async fn logs_only_reads_every_function_whole_in_one_round() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let now = Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate");
    let s = Duration::seconds;
    for name in ["orders", "billing"] {
        let group = format!("/aws/lambda/{name}");
        aws.create_function(&FunctionSeed::new(name)).await;
        aws.create_log_group(&group).await;
        aws.create_log_stream(&group, STREAM).await;
        let lines: Vec<String> = (0..7).map(|i| format!("{name} line {i}")).collect();
        let events: Vec<(DateTime<Utc>, &str)> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| (now - s(60 - i as i64), l.as_str()))
            .collect();
        aws.put_log_events(&group, STREAM, &events).await;
    }
    let opts = AwsOptions {
        logs_only: true,
        logs_page_size: Some(2),
        logs_max_pages: u32::MAX,
        ..test_options()
    };
    let mut h = Harness::new(&aws, opts, TimeWindow::minutes(15), now, false).await;
    h.discovery().await;
    // No metrics round has ranked the functions, and none is named: all are read.
    let u = h.logs().await;
    assert!(polled(&u, Poller::Logs), "{:?}", failures(&u));
    // Seven events a group, two a page: four pages each.
    assert_eq!(api(&u, "FilterLogEvents").0, 8);
    assert_eq!(h.store.logs().len(), 14);
    for name in ["orders", "billing"] {
        let n = h
            .store
            .logs()
            .iter()
            .filter(|e| &*e.function == name)
            .count();
        assert_eq!(n, 7, "{name}");
    }
}

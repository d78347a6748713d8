//! Two Regions that both have a function `orders`: what the front end asks for one of them
//! (its detail view, its logs, its reserved concurrency) is read in that Region alone. Calls are
//! counted per Region against the local AWS peer (one moto serves every Region).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use lambdatop::clock::SystemClock;
use lambdatop::message::{MetricsView, Poller, Request, SourceContext, Update};
use lambdatop::model::Origin;
use lambdatop::source::Source;
use lambdatop::source::cloudwatch::{CloudWatchSource, LiveTailMode, LogAnalytics};
use lambdatop::source::multi::{Child, MultiSource};
use lambdatop::window::TimeWindow;
use tokio::sync::{mpsc, watch};

use crate::cloudwatch_source::test_options;
use crate::support::peer::{FunctionSeed, LocalAws};

const EAST: &str = "us-east-1";
const WEST: &str = "eu-west-1";

/// What one Region's source did: calls and billed metrics per operation, the metrics of each
/// GetMetricData round, and which pollers finished a round.
#[derive(Debug, Default)]
struct Region {
    calls: BTreeMap<&'static str, u32>,
    metric_rounds: Vec<u32>,
    polled: Vec<Poller>,
}

impl Region {
    fn count(&mut self, update: &Update) {
        match update {
            Update::ApiCalls(c) => {
                *self.calls.entry(c.operation).or_default() += c.calls;
                if c.operation == "GetMetricData" {
                    self.metric_rounds.push(c.billed_units);
                }
            }
            Update::Polled { poller, .. } => self.polled.push(*poller),
            _ => {}
        }
    }

    fn calls(&self, operation: &str) -> u32 {
        self.calls.get(operation).copied().unwrap_or(0)
    }

    fn polled(&self, poller: Poller) -> bool {
        self.polled.contains(&poller)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_detail_view_of_one_regions_function_is_read_in_that_region_alone() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let sdk = aws.sdk_config().await;
    let mut children = Vec::new();
    for region in [EAST, WEST] {
        aws.create_function_in(region, &FunctionSeed::new("orders"))
            .await;
        let sdk = sdk
            .to_builder()
            .region(aws_config::Region::new(region))
            .build();
        aws_sdk_cloudwatchlogs::Client::new(&sdk)
            .create_log_group()
            .log_group_name("/aws/lambda/orders")
            .send()
            .await
            .expect("seed: create_log_group");
        let mut opts = test_options();
        opts.log_analytics = LogAnalytics::Off;
        opts.live_tail.mode = LiveTailMode::Off;
        let source = CloudWatchSource::from_sdk_config(&sdk, opts).expect("source");
        children.push((Origin::region(Some(region)), Child::Ready(Box::new(source))));
    }

    // `us-east-1 · orders` is open: its logs, its every metric, no other row.
    let east = Origin::region(Some(EAST));
    let mut req = Request::new(TimeWindow::minutes(60));
    req.detail_function = Some(east.function("orders"));
    req.log_functions = vec![east.function("orders")];
    req.metrics = Some(MetricsView {
        full: vec![east.function("orders")],
        ..MetricsView::default()
    });
    let (tx, mut rx) = mpsc::channel(1024);
    let (_requests, requests_rx) = watch::channel(req);
    Box::new(MultiSource::new(children)).start(SourceContext {
        updates: tx,
        requests: requests_rx,
        clock: Arc::new(SystemClock),
        once: false,
    });

    let mut regions: BTreeMap<String, Region> = BTreeMap::new();
    let done = |r: &BTreeMap<String, Region>| {
        [EAST, WEST].iter().all(|name| {
            r.get(*name).is_some_and(|r| {
                [Poller::Discovery, Poller::Metrics, Poller::Logs]
                    .into_iter()
                    .all(|p| r.polled(p))
            })
        })
    };
    let deadline = tokio::time::Instant::now() + StdDuration::from_secs(60);
    while !done(&regions) {
        let update = tokio::time::timeout_at(deadline, rx.recv())
            .await
            .unwrap_or_else(|_| panic!("no first round in every Region: {regions:#?}"))
            .expect("the source runs");
        if let Update::From { origin, update } = update {
            let name = origin.region.as_deref().unwrap_or_default().to_string();
            regions.entry(name).or_default().count(&update);
        }
    }

    let (e, w) = (&regions[EAST], &regions[WEST]);
    // The open function's Region reads its logs, reserved concurrency and every metric.
    assert!(e.calls("FilterLogEvents") > 0, "{regions:#?}");
    assert!(e.calls("GetFunctionConcurrency") > 0, "{regions:#?}");
    assert!(e.metric_rounds.iter().any(|&m| m > 2), "{regions:#?}");
    // The other reads none of its own `orders`: only the Region's two concurrency metrics.
    assert_eq!(w.calls("FilterLogEvents"), 0, "{regions:#?}");
    assert_eq!(w.calls("GetFunctionConcurrency"), 0, "{regions:#?}");
    assert!(!w.metric_rounds.is_empty(), "{regions:#?}");
    assert!(w.metric_rounds.iter().all(|&m| m == 2), "{regions:#?}");
    eprintln!("calls per Region: {regions:#?}");
}

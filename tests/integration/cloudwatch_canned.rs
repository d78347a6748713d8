//! The CloudWatch source against hand-built responses, for what the local AWS peer cannot emulate:
//! empty FilterLogEvents pages that carry a token, throttling and its retry, DescribeAlarms
//! pagination with composite alarms, AccessDenied, and an endpoint nobody listens on.
//!
//! A tiny HTTP server answers each operation from a script (JSON for Lambda and CloudWatch Logs,
//! CBOR for CloudWatch, as the SDK speaks them) and records the requests it got.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use lambdatop::clock::ManualClock;
use lambdatop::message::Update;
use lambdatop::message::{Poller, Request, SourceContext, SourceKind};
use lambdatop::poll::Backoff;
use lambdatop::source::cloudwatch::{AwsOptions, CloudWatchPollers, CloudWatchSource};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::window::TimeWindow;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

use crate::support::http::{header, read_request};
use tokio::sync::{mpsc, watch};

/// Just enough CBOR for CloudWatch's answers.
pub(crate) enum Cbor {
    Map(Vec<(&'static str, Cbor)>),
    Array(Vec<Cbor>),
    Text(String),
    /// A double, always 8 bytes.
    Float(f64),
    /// A timestamp: epoch seconds under tag 1.
    Time(f64),
}

fn text(s: &str) -> Cbor {
    Cbor::Text(s.to_string())
}

fn head(out: &mut Vec<u8>, major: u8, n: usize) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        _ => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
    }
}

impl Cbor {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Cbor::Text(s) => {
                head(out, 3, s.len());
                out.extend(s.as_bytes());
            }
            Cbor::Array(items) => {
                head(out, 4, items.len());
                for i in items {
                    i.encode(out);
                }
            }
            Cbor::Map(entries) => {
                head(out, 5, entries.len());
                for (k, v) in entries {
                    text(k).encode(out);
                    v.encode(out);
                }
            }
            Cbor::Float(v) => {
                out.push(0xfb);
                out.extend(v.to_be_bytes());
            }
            Cbor::Time(secs) => {
                head(out, 6, 1);
                Cbor::Float(*secs).encode(out);
            }
        }
    }
}

#[derive(Clone)]
pub(crate) struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

pub(crate) fn json(status: u16, body: serde_json::Value) -> Reply {
    Reply {
        status,
        content_type: "application/x-amz-json-1.1",
        body: body.to_string().into_bytes(),
    }
}

/// An XML answer, as STS (the AWS query protocol) gives.
pub(crate) fn xml(status: u16, body: &str) -> Reply {
    Reply {
        status,
        content_type: "text/xml",
        body: body.as_bytes().to_vec(),
    }
}

pub(crate) fn cbor(status: u16, body: Cbor) -> Reply {
    let mut out = Vec::new();
    body.encode(&mut out);
    Reply {
        status,
        content_type: "application/cbor",
        body: out,
    }
}

/// An answer made from the request's body.
type Answer = Arc<dyn Fn(&[u8]) -> Reply + Send + Sync>;

/// Replies per operation, in order; the last one repeats.
#[derive(Default)]
pub(crate) struct Script {
    /// Operations answered from their request's body, before anything else.
    answers: HashMap<&'static str, Answer>,
    replies: HashMap<&'static str, VecDeque<Reply>>,
    /// (operation, request body) of every request.
    seen: Vec<(String, String)>,
    /// The bodies of `seen`, as sent (CBOR is not text).
    bodies: Vec<Vec<u8>>,
    /// The service is down: connections are closed without an answer.
    down: bool,
    /// When each request arrived.
    times: Vec<std::time::Instant>,
    /// Answers to these operations come only after this long.
    slow: HashMap<&'static str, StdDuration>,
    /// (operation, text its request body holds, reply): answered before `replies`.
    matching: Vec<(&'static str, String, Reply)>,
}

impl Script {
    pub(crate) fn on(&mut self, op: &'static str, replies: Vec<Reply>) {
        self.replies.insert(op, replies.into());
    }

    /// Answers `op` with what `answer` makes of each request's body.
    pub(crate) fn answer(
        &mut self,
        op: &'static str,
        answer: impl Fn(&[u8]) -> Reply + Send + Sync + 'static,
    ) {
        self.answers.insert(op, Arc::new(answer));
    }

    /// Answers `op` with `reply` whenever its request body holds `text`.
    pub(crate) fn on_body(&mut self, op: &'static str, text: &str, reply: Reply) {
        self.matching.push((op, text.to_string(), reply));
    }

    fn reply(&mut self, op: &str, body: &[u8]) -> Reply {
        let text = String::from_utf8_lossy(body).into_owned();
        let matched = self
            .matching
            .iter()
            .find(|(o, t, _)| *o == op && text.contains(t.as_str()))
            .map(|(_, _, r)| r.clone());
        self.seen.push((op.to_string(), text));
        self.bodies.push(body.to_vec());
        self.times.push(std::time::Instant::now());
        if let Some(answer) = self.answers.get(op) {
            return answer(body);
        }
        if let Some(r) = matched {
            return r;
        }
        let q = self.replies.get_mut(op);
        match q {
            Some(q) if q.len() > 1 => q.pop_front().expect("reply"),
            Some(q) if q.len() == 1 => q[0].clone(),
            _ => json(
                400,
                serde_json::json!({"__type": "UnknownOperationException", "message": op}),
            ),
        }
    }

    /// The bodies of the requests for `op`, as sent.
    pub(crate) fn bodies(&self, op: &str) -> Vec<&[u8]> {
        self.seen
            .iter()
            .zip(&self.bodies)
            .filter(|((o, _), _)| o == op)
            .map(|(_, b)| b.as_slice())
            .collect()
    }

    pub(crate) fn calls(&self, op: &str) -> Vec<&str> {
        self.seen
            .iter()
            .filter(|(o, _)| o == op)
            .map(|(_, b)| b.as_str())
            .collect()
    }
}

fn operation(path: &str, headers: &str) -> String {
    if let Some(target) = header(headers, "x-amz-target") {
        return target.rsplit('.').next().unwrap_or_default().to_string();
    }
    if let Some(op) = path.split("/operation/").nth(1) {
        return op.to_string();
    }
    if path.starts_with("/2015-03-31/functions") {
        return "ListFunctions".into();
    }
    if path.starts_with("/2016-08-19/account-settings") {
        return "GetAccountSettings".into();
    }
    path.to_string()
}

/// Serves the script on 127.0.0.1; returns the endpoint.
pub(crate) async fn serve(script: Arc<Mutex<Script>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    let Some((headers, body)) = read_request(&mut sock, &mut buf).await else {
                        return;
                    };
                    let path = headers.split_whitespace().nth(1).unwrap_or("/").to_string();
                    let op = operation(&path, &headers);
                    let (reply, delay) = {
                        let mut script = script.lock().expect("script");
                        if script.down {
                            return; // dropping the socket: the peer went away mid-request
                        }
                        (
                            script.reply(&op, &body),
                            script.slow.get(op.as_str()).copied(),
                        )
                    };
                    if let Some(delay) = delay {
                        tokio::time::sleep(delay).await;
                    }
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: {}\r\nsmithy-protocol: rpc-v2-cbor\r\ncontent-length: {}\r\n\r\n",
                        reply.status,
                        reply.content_type,
                        reply.body.len()
                    )
                    .into_bytes();
                    out.extend(&reply.body);
                    if sock.write_all(&out).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

pub(crate) struct Harness {
    pub store: Store,
    pub ctx: SourceContext,
    pub rx: mpsc::Receiver<Update>,
    pub clock: Arc<ManualClock>,
    pub pollers: CloudWatchPollers,
    /// Kept so the request channel stays open.
    pub requests: watch::Sender<Request>,
}

async fn harness(endpoint: &str, now: DateTime<Utc>) -> Harness {
    let opts = AwsOptions {
        backoff: Backoff {
            base: StdDuration::from_millis(1),
            cap: StdDuration::from_millis(5),
            max_attempts: 3,
        },
        logs_rate_limit_per_s: 1000.0,
        ..AwsOptions::default()
    };
    harness_with(endpoint, now, opts).await
}

fn test_credentials() -> aws_sdk_cloudwatch::config::Credentials {
    aws_sdk_cloudwatch::config::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test")
}

pub(crate) async fn harness_with(endpoint: &str, now: DateTime<Utc>, opts: AwsOptions) -> Harness {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-central-1"))
        .endpoint_url(endpoint)
        .credentials_provider(test_credentials())
        .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(StdDuration::from_secs(2))
                .build(),
        )
        .load()
        .await;
    let source = CloudWatchSource::from_sdk_config(&sdk, opts).expect("source");
    let clock = Arc::new(ManualClock::new(now));
    let (tx, rx) = mpsc::channel(1024);
    let mut req = Request::new(TimeWindow::minutes(15));
    req.log_functions = vec![lambdatop::model::Origin::default().function("orders")];
    let (requests, requests_rx) = watch::channel(req);
    let store = Store::new(
        SourceKind::Cloudwatch,
        None,
        TimeWindow::minutes(15),
        StoreLimits::default(),
        clock.clone(),
    );
    Harness {
        store,
        ctx: SourceContext {
            updates: tx,
            requests: requests_rx,
            clock: clock.clone(),
            once: false,
        },
        rx,
        clock,
        pollers: source.into_pollers(),
        requests,
    }
}

impl Harness {
    pub(crate) fn drain(&mut self) -> Vec<Update> {
        let mut out = Vec::new();
        while let Ok(u) = self.rx.try_recv() {
            self.store.apply(u.clone());
            out.push(u);
        }
        out
    }
}

fn calls(updates: &[Update], op: &str) -> u32 {
    updates
        .iter()
        .filter_map(|u| match u {
            Update::ApiCalls(c) if c.operation == op => Some(c.calls),
            _ => None,
        })
        .sum()
}

fn failure(updates: &[Update]) -> Option<(String, Option<String>)> {
    updates.iter().find_map(|u| match u {
        Update::Failed { error, .. } => Some((error.message.clone(), error.hint.clone())),
        _ => None,
    })
}

/// Discovery answers: one function, `orders`, with its default log group.
fn discovery_script(s: &mut Script) {
    s.on(
        "ListFunctions",
        vec![json(
            200,
            serde_json::json!({"Functions": [{"FunctionName": "orders", "Timeout": 3}]}),
        )],
    );
    s.on(
        "GetAccountSettings",
        vec![json(
            200,
            serde_json::json!({"AccountLimit": {"ConcurrentExecutions": 50}}),
        )],
    );
    s.on(
        "ListMetrics",
        vec![cbor(200, Cbor::Map(vec![("Metrics", Cbor::Array(vec![]))]))],
    );
    s.on(
        "DescribeLogGroups",
        vec![json(
            200,
            serde_json::json!({"logGroups": [{"logGroupName": "/aws/lambda/orders"}]}),
        )],
    );
}

fn event(id: &str, at: DateTime<Utc>, message: &str) -> serde_json::Value {
    serde_json::json!({
        "logStreamName": "2026/03/14/[$LATEST]abc",
        "timestamp": at.timestamp_millis(),
        "message": message,
        "eventId": id,
    })
}

#[tokio::test]
async fn empty_pages_with_a_token_are_followed_and_throttling_is_retried() {
    let now = Utc::now();
    let m = Duration::seconds;
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        discovery_script(&mut s);
        s.on(
            "FilterLogEvents",
            vec![
                json(400, serde_json::json!({"__type": "ThrottlingException", "message": "Rate exceeded"})),
                json(200, serde_json::json!({"events": [], "nextToken": "p2"})),
                json(200, serde_json::json!({"events": [event("e1", now - m(50), "one")], "nextToken": "p3"})),
                json(200, serde_json::json!({"events": [], "nextToken": "p4"})),
                json(200, serde_json::json!({"events": [event("e2", now - m(40), "two")]})),
                // Next round: the overlap returns both again, plus a new one.
                json(200, serde_json::json!({"events": [
                    event("e1", now - m(50), "one"),
                    event("e2", now - m(40), "two"),
                    event("e3", now - m(1), "three"),
                ]})),
            ],
        );
    }
    let endpoint = serve(script.clone()).await;
    let mut h = harness(&endpoint, now).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    let u = h.drain();
    assert_eq!(h.store.totals().concurrency_limit, 50);
    assert!(failure(&u).is_none(), "{:?}", failure(&u));

    assert!(h.pollers.logs.round(&h.ctx).await);
    let u = h.drain();
    assert!(failure(&u).is_none(), "{:?}", failure(&u));
    // One throttled call, retried; four pages, two of them empty with a token.
    assert_eq!(calls(&u, "FilterLogEvents"), 5);
    let messages: Vec<&str> = h.store.logs().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["one", "two"]);
    {
        let s = script.lock().expect("script");
        let bodies = s.calls("FilterLogEvents");
        assert!(bodies[2].contains("\"nextToken\":\"p2\""), "{}", bodies[2]);
        assert!(bodies[4].contains("\"nextToken\":\"p4\""), "{}", bodies[4]);
        assert!(bodies[1].contains("/aws/lambda/orders"));
    }

    h.clock.advance(m(5));
    assert!(h.pollers.logs.round(&h.ctx).await);
    h.drain();
    let messages: Vec<&str> = h.store.logs().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["one", "two", "three"]);
    // The second read overlaps the first: it starts two minutes before the newest event.
    let s = script.lock().expect("script");
    let last = s.calls("FilterLogEvents").pop().expect("call").to_string();
    let start = (now - m(40) - m(120)).timestamp_millis();
    assert!(last.contains(&format!("\"startTime\":{start}")), "{last}");
}

#[tokio::test]
async fn alarms_are_read_page_by_page_with_composites() {
    let alarm = |name: &str, state: &str, function: &str| {
        Cbor::Map(vec![
            ("AlarmName", text(name)),
            ("StateValue", text(state)),
            ("MetricName", text("Errors")),
            (
                "Dimensions",
                Cbor::Array(vec![Cbor::Map(vec![
                    ("Name", text("FunctionName")),
                    ("Value", text(function)),
                ])]),
            ),
        ])
    };
    let script = Arc::new(Mutex::new(Script::default()));
    script.lock().expect("script").on(
        "DescribeAlarms",
        vec![
            cbor(
                200,
                Cbor::Map(vec![
                    (
                        "MetricAlarms",
                        Cbor::Array(vec![alarm("a1", "ALARM", "orders")]),
                    ),
                    ("NextToken", text("t2")),
                ]),
            ),
            cbor(
                200,
                Cbor::Map(vec![
                    (
                        "MetricAlarms",
                        Cbor::Array(vec![alarm("a2", "OK", "billing")]),
                    ),
                    (
                        "CompositeAlarms",
                        Cbor::Array(vec![Cbor::Map(vec![
                            ("AlarmName", text("c1")),
                            ("StateValue", text("INSUFFICIENT_DATA")),
                        ])]),
                    ),
                ]),
            ),
        ],
    );
    let endpoint = serve(script.clone()).await;
    let mut h = harness(&endpoint, Utc::now()).await;
    assert!(h.pollers.alarms.round(&h.ctx).await);
    let u = h.drain();
    assert!(failure(&u).is_none(), "{:?}", failure(&u));
    assert_eq!(calls(&u, "DescribeAlarms"), 2);
    let c = h.store.alarm_counts();
    assert_eq!((c.alarm, c.ok, c.insufficient_data), (1, 1, 1));
    let names: Vec<(&str, Option<&str>)> = h
        .store
        .alarms()
        .map(|a| (a.name.as_str(), a.function.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("a1", Some("orders")),
            ("a2", Some("billing")),
            ("c1", None)
        ]
    );
}

#[tokio::test]
async fn access_denied_names_the_action_and_keeps_polling() {
    let script = Arc::new(Mutex::new(Script::default()));
    script.lock().expect("script").on(
        "DescribeAlarms",
        vec![cbor(
            403,
            Cbor::Map(vec![
                ("__type", text("AccessDenied")),
                (
                    "message",
                    text("User is not authorized to perform: cloudwatch:DescribeAlarms"),
                ),
            ]),
        )],
    );
    let endpoint = serve(script.clone()).await;
    let mut h = harness(&endpoint, Utc::now()).await;
    assert!(
        h.pollers.alarms.round(&h.ctx).await,
        "a failed round does not end the source"
    );
    let u = h.drain();
    let (message, hint) = failure(&u).expect("failed");
    assert_eq!(message, "AccessDenied on cloudwatch:DescribeAlarms.");
    assert!(hint.is_some_and(|h| h.contains("README")));
    assert_eq!(calls(&u, "DescribeAlarms"), 1, "not retried");
    let health = h.store.poller(Poller::Alarms).expect("health");
    assert!(health.current_error().is_some());
}

#[tokio::test]
async fn an_unreachable_endpoint_is_one_sentence() {
    // A port that was free a moment ago: nobody listens there.
    let endpoint = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("addr"))
    };
    let mut h = harness(&endpoint, Utc::now()).await;
    assert!(h.pollers.metrics.round(&h.ctx).await);
    let u = h.drain();
    let (message, _) = failure(&u).expect("failed");
    assert_eq!(
        message,
        format!("Cannot reach CloudWatch at {endpoint}; showing the last data.")
    );
    assert_eq!(
        calls(&u, "GetMetricData"),
        1,
        "connection errors wait for the next round"
    );
    assert!(h.store.is_stale(chrono::Duration::minutes(5)));
}

#[tokio::test]
async fn an_outage_marks_logs_failed_and_the_next_round_catches_up_without_loss_or_repeats() {
    let now = Utc::now();
    let m = Duration::seconds;
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        discovery_script(&mut s);
        s.on(
            "FilterLogEvents",
            vec![
                json(
                    200,
                    serde_json::json!({"events": [
                        event("e1", now - m(50), "one"),
                        event("e2", now - m(40), "two"),
                    ]}),
                ),
                // After the outage: the overlapping read returns the old lines again, the lines
                // written during the outage, and a new one.
                json(
                    200,
                    serde_json::json!({"events": [
                        event("e2", now - m(40), "two"),
                        event("e3", now + m(10), "three"),
                        event("e4", now + m(20), "four"),
                        event("e5", now + m(50), "five"),
                    ]}),
                ),
            ],
        );
    }
    let endpoint = serve(script.clone()).await;
    let mut h = harness(&endpoint, now).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    assert!(h.pollers.logs.round(&h.ctx).await);
    h.drain();
    let messages =
        |h: &Harness| -> Vec<String> { h.store.logs().iter().map(|e| e.message.clone()).collect() };
    assert_eq!(messages(&h), ["one", "two"]);

    // The peer goes away: the round fails with one sentence, nothing is lost or invented.
    script.lock().expect("script").down = true;
    h.clock.advance(m(30));
    assert!(
        h.pollers.logs.round(&h.ctx).await,
        "a failed round does not stop the poller"
    );
    let u = h.drain();
    let (message, _) = failure(&u).expect("the outage is reported");
    assert!(message.starts_with("Cannot reach"), "{message}");
    let health = h.store.poller(Poller::Logs).expect("logs health");
    assert!(health.current_error().is_some());
    assert_eq!(messages(&h), ["one", "two"]);

    // It comes back: the next round catches up from where the last good one ended.
    script.lock().expect("script").down = false;
    h.clock.advance(m(30));
    assert!(h.pollers.logs.round(&h.ctx).await);
    let u = h.drain();
    assert!(failure(&u).is_none(), "{:?}", failure(&u));
    assert!(
        h.store
            .poller(Poller::Logs)
            .expect("health")
            .current_error()
            .is_none()
    );
    assert_eq!(messages(&h), ["one", "two", "three", "four", "five"]);
    // The read after the outage started at the last good read's overlap, not at "now".
    let s = script.lock().expect("script");
    let last = s.calls("FilterLogEvents").pop().expect("call").to_string();
    let start = (now - m(40) - m(120)).timestamp_millis();
    assert!(last.contains(&format!("\"startTime\":{start}")), "{last}");
}

#[tokio::test]
async fn a_burst_of_throttling_backs_off_and_keeps_under_the_rate_limit() {
    let now = Utc::now();
    let throttled = || {
        json(
            400,
            serde_json::json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
        )
    };
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        discovery_script(&mut s);
        s.on(
            "FilterLogEvents",
            vec![
                throttled(),
                throttled(),
                throttled(),
                json(
                    200,
                    serde_json::json!({"events": [event("e1", now - Duration::seconds(5), "one")]}),
                ),
            ],
        );
    }
    let endpoint = serve(script.clone()).await;
    let opts = AwsOptions {
        backoff: Backoff {
            base: StdDuration::from_millis(40),
            cap: StdDuration::from_millis(400),
            max_attempts: 4,
        },
        // Four calls a second at most, whatever the backoff says.
        logs_rate_limit_per_s: 4.0,
        ..AwsOptions::default()
    };
    let mut h = harness_with(&endpoint, now, opts).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    h.drain();
    assert!(h.pollers.logs.round(&h.ctx).await);
    let u = h.drain();
    assert!(failure(&u).is_none(), "{:?}", failure(&u));
    assert_eq!(
        calls(&u, "FilterLogEvents"),
        4,
        "three throttled calls and the one that worked"
    );
    let messages: Vec<&str> = h.store.logs().iter().map(|e| e.message.as_str()).collect();
    assert_eq!(messages, ["one"]);
    // The calls of the burst: never closer than the rate limit allows (4/s: 250 ms apart, with a
    // little slack for timer resolution), so a throttled account is not hammered.
    let s = script.lock().expect("script");
    let times: Vec<std::time::Instant> = s
        .seen
        .iter()
        .zip(&s.times)
        .filter(|((op, _), _)| op == "FilterLogEvents")
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(times.len(), 4);
    for pair in times.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= StdDuration::from_millis(230), "calls {gap:?} apart");
    }
}

fn notice(updates: &[Update]) -> Option<(String, Option<String>)> {
    updates.iter().find_map(|u| match u {
        Update::Notice { notice, .. } => Some((notice.message.clone(), notice.hint.clone())),
        _ => None,
    })
}

#[tokio::test]
async fn discovery_lists_the_functions_without_get_account_settings() {
    let denied = json(
        403,
        serde_json::json!({"__type": "AccessDeniedException", "message": "not authorized to perform: lambda:GetAccountSettings"}),
    );
    // A policy without the action, then an endpoint that does not know the operation.
    for (settings, expected) in [
        (
            Some(denied),
            "Concurrency limit unknown: AccessDenied on lambda:GetAccountSettings.",
        ),
        (
            None,
            "Concurrency limit unknown: Lambda rejected GetAccountSettings: UnknownOperationException: GetAccountSettings.",
        ),
    ] {
        let script = Arc::new(Mutex::new(Script::default()));
        {
            let mut s = script.lock().expect("script");
            discovery_script(&mut s);
            s.replies.remove("GetAccountSettings");
            if let Some(reply) = settings {
                s.on("GetAccountSettings", vec![reply]);
            }
        }
        let endpoint = serve(script.clone()).await;
        let mut h = harness(&endpoint, Utc::now()).await;
        assert!(h.pollers.discovery.round(&h.ctx).await);
        let u = h.drain();
        assert!(failure(&u).is_none(), "{:?}", failure(&u));
        let names: Vec<String> = h.store.functions().map(|f| f.config.name.clone()).collect();
        assert_eq!(names, ["orders"]);
        let (message, _) = notice(&u).expect("a notice");
        assert_eq!(message, expected);
        let t = h.store.totals();
        assert!(!t.concurrency_limit_known);
        let health = h.store.poller(Poller::Discovery).expect("health");
        assert!(health.current_error().is_none());
        assert!(health.last_ok.is_some());
    }
}

#[tokio::test]
async fn optional_discovery_calls_are_notices_but_list_functions_is_not() {
    let denied = |action: &str| {
        json(
            403,
            serde_json::json!({"__type": "AccessDeniedException", "message": format!("not authorized to perform: {action}")}),
        )
    };
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        discovery_script(&mut s);
        s.on("DescribeLogGroups", vec![denied("logs:DescribeLogGroups")]);
    }
    let endpoint = serve(script.clone()).await;
    let mut h = harness(&endpoint, Utc::now()).await;
    assert!(h.pollers.discovery.round(&h.ctx).await);
    let u = h.drain();
    assert!(failure(&u).is_none(), "{:?}", failure(&u));
    assert_eq!(
        notice(&u).expect("notice").0,
        "Log groups not listed: AccessDenied on logs:DescribeLogGroups."
    );
    assert_eq!(h.store.totals().concurrency_limit, 50);

    script
        .lock()
        .expect("script")
        .on("ListFunctions", vec![denied("lambda:ListFunctions")]);
    assert!(h.pollers.discovery.round(&h.ctx).await);
    let u = h.drain();
    assert_eq!(
        failure(&u).expect("failed").0,
        "AccessDenied on lambda:ListFunctions."
    );
}

#[tokio::test]
async fn an_answer_slower_than_the_operation_timeout_is_a_timeout() {
    let script = Arc::new(Mutex::new(Script::default()));
    {
        let mut s = script.lock().expect("script");
        discovery_script(&mut s);
        s.on(
            "GetMetricData",
            vec![cbor(
                200,
                Cbor::Map(vec![("MetricDataResults", Cbor::Array(vec![]))]),
            )],
        );
        s.slow.insert("GetMetricData", StdDuration::from_secs(3));
    }
    let endpoint = serve(script.clone()).await;
    let opts = AwsOptions {
        endpoint_url: Some(endpoint.clone()),
        timeouts: lambdatop::source::cloudwatch::Timeouts {
            connect: StdDuration::from_secs(2),
            operation: StdDuration::from_millis(500),
        },
        ..AwsOptions::default()
    };
    // The loader lambdatop itself uses, so the timeouts reach the SDK as they do in the program.
    let sdk = lambdatop::source::cloudwatch::config_loader(&opts)
        .region(aws_config::Region::new("eu-central-1"))
        .credentials_provider(test_credentials())
        .load()
        .await;
    let source = CloudWatchSource::from_sdk_config(&sdk, opts).expect("source");
    let mut pollers = source.into_pollers();
    let (tx, mut rx) = mpsc::channel(1024);
    let (_requests, requests_rx) = watch::channel(Request::new(TimeWindow::minutes(15)));
    let ctx = SourceContext {
        updates: tx,
        requests: requests_rx,
        clock: Arc::new(ManualClock::new(Utc::now())),
        once: false,
    };
    assert!(pollers.discovery.round(&ctx).await);
    let started = std::time::Instant::now();
    assert!(pollers.metrics.round(&ctx).await);
    let waited = started.elapsed();
    let mut updates = Vec::new();
    while let Ok(u) = rx.try_recv() {
        updates.push(u);
    }
    let (message, hint) = failure(&updates).expect("failed");
    assert_eq!(
        message,
        format!(
            "GetMetricData timed out: CloudWatch at {endpoint} did not answer within 0.5 s; showing the last data."
        )
    );
    assert!(hint.is_some_and(|h| h.contains("operation_timeout")));
    assert!(
        waited < StdDuration::from_secs(2),
        "gave up after the timeout, not the answer: {waited:?}"
    );
}

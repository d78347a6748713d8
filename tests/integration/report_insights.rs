//! The Logs Insights engine (`--log-analytics insights|auto`).
//!
//! moto cannot compute Insights statistics (its GetQueryResults answers one `@ptr` row per event
//! whatever the query, and it has no StopQuery), so these tests run against the scripted peer of
//! `cloudwatch_canned` (a local HTTP server speaking CloudWatch Logs' JSON 1.1), whose rows are
//! what Insights computes from the REPORT lines `report_window` seeds into moto — hand-computed
//! there — so both engines must agree. `auto` against moto itself (the fallback) is tested in
//! `report_window`.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, DurationRound, Utc};
use lambdatop::message::{INSIGHTS_SCAN, Poller, ReportOrigin, Update};
use lambdatop::poll::Backoff;
use lambdatop::source::cloudwatch::insights::{LAMBDA_PREFIX, query_text};
use lambdatop::source::cloudwatch::{AwsOptions, LogAnalytics};
use lambdatop::window::TimeWindow;
use serde_json::{Value, json as j};

use crate::cloudwatch_canned::{Harness, Script, harness_with, json, serve};

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate")
}

fn options(mode: LogAnalytics) -> AwsOptions {
    AwsOptions {
        backoff: Backoff {
            base: std::time::Duration::from_millis(1),
            cap: std::time::Duration::from_millis(5),
            max_attempts: 2,
        },
        logs_rate_limit_per_s: 1000.0,
        log_analytics: mode,
        ..AwsOptions::default()
    }
}

/// The account of `report_window`: three functions that logged (text, JSON in a custom group,
/// SnapStart), one that did not, and `shipping`, sharing the custom group with json-b.
fn discovery(s: &mut Script, extra: usize) {
    let mut functions = vec![
        j!({"FunctionName": "text-a", "MemorySize": 128, "Timeout": 3}),
        j!({"FunctionName": "json-b", "MemorySize": 256, "Timeout": 3,
            "LoggingConfig": {"LogFormat": "JSON", "LogGroup": "/shared/app"}}),
        j!({"FunctionName": "shipping", "MemorySize": 256, "Timeout": 3,
            "LoggingConfig": {"LogFormat": "JSON", "LogGroup": "/shared/app"}}),
        j!({"FunctionName": "snap-c", "MemorySize": 512, "Timeout": 3}),
        j!({"FunctionName": "quiet-d", "MemorySize": 128, "Timeout": 3}),
    ];
    let mut groups: Vec<Value> = ["text-a", "snap-c", "quiet-d"]
        .iter()
        .map(|f| j!({"logGroupName": format!("{LAMBDA_PREFIX}{f}")}))
        .collect();
    for i in 0..extra {
        functions.push(j!({"FunctionName": format!("fn-{i:03}"), "Timeout": 3}));
        groups.push(j!({"logGroupName": format!("{LAMBDA_PREFIX}fn-{i:03}")}));
    }
    s.on(
        "ListFunctions",
        vec![json(200, j!({"Functions": functions}))],
    );
    s.on(
        "GetAccountSettings",
        vec![json(
            200,
            j!({"AccountLimit": {"ConcurrentExecutions": 50}}),
        )],
    );
    s.on(
        "DescribeLogGroups",
        vec![json(200, j!({"logGroups": groups}))],
    );
}

fn field(k: &str, v: &str) -> Value {
    j!({"field": k, "value": v})
}

/// What Insights computes from the REPORT lines of `report_window` (stats by @log, streamFunction).
fn rows() -> Value {
    j!([
        // text-a: 100 ms (cold, 250.4 ms init, billed 351), 3,000 ms (timeout), 20 ms (X-Ray tail).
        [
            field("@log", "123456789012:/aws/lambda/text-a"),
            field("streamFunction", ""),
            field("invocations", "3"),
            field("inits", "1"),
            field("restores", "0"),
            field("timeouts", "1"),
            field("errors", "0"),
            field("durationP50", "100"),
            field("durationP90", "3000"),
            field("durationP99", "3000"),
            field("durationMax", "3000"),
            field("initP50", "250.4"),
            field("initP99", "250.4"),
            field("billedMsTotal", "3371"),
            field("mbMs", "431488"),
            field("memorySizeMB", "128"),
            field("maxUsedMB", "70"),
            field("usedP99MB", "70")
        ],
        // json-b's JSON records in the shared group: a cold start (180 ms init) and a timeout.
        [
            field("@log", "123456789012:/shared/app"),
            field("streamFunction", "json-b"),
            field("invocations", "2"),
            field("inits", "1"),
            field("restores", "0"),
            field("timeouts", "1"),
            field("errors", "0"),
            field("durationP50", "40.5"),
            field("durationP99", "5000"),
            field("billedMsTotal", "5041"),
            field("mbMs", "1290496"),
            field("memorySizeMB", "256"),
            field("maxUsedMB", "100")
        ],
        // snap-c: a SnapStart restore (billed 50 + 120) and an error (30).
        [
            field("@log", "123456789012:/aws/lambda/snap-c"),
            field("streamFunction", ""),
            field("invocations", "2"),
            field("inits", "0"),
            field("restores", "1"),
            field("timeouts", "0"),
            field("errors", "1"),
            field("restoreP50", "300"),
            field("billedMsTotal", "200"),
            field("mbMs", "102400"),
            field("memorySizeMB", "512"),
            field("maxUsedMB", "130")
        ]
    ])
}

/// The scripted account, whose StartQuery answers one query id.
fn insights_script(extra: usize) -> Script {
    let mut s = Script::default();
    discovery(&mut s, extra);
    s.on("StartQuery", vec![json(200, j!({"queryId": "q-1"}))]);
    s
}

async fn peer(script: Script) -> (Arc<Mutex<Script>>, String) {
    let script = Arc::new(Mutex::new(script));
    let endpoint = serve(script.clone()).await;
    (script, endpoint)
}

async fn ready(endpoint: &str, now: DateTime<Utc>, mode: LogAnalytics) -> Harness {
    ready_with(endpoint, now, options(mode)).await
}

/// The harness over a 60-minute window with `opts`, after discovery's first round.
async fn ready_with(endpoint: &str, now: DateTime<Utc>, opts: AwsOptions) -> Harness {
    let mut h = harness_with(endpoint, now, opts).await;
    h.store.expect_window_reports();
    h.requests
        .send_modify(|r| r.window = TimeWindow::minutes(60));
    h.store.set_window(TimeWindow::minutes(60));
    assert!(h.pollers.discovery.round(&h.ctx).await);
    h.drain();
    h
}

fn failed(u: &[Update]) -> Option<String> {
    u.iter().find_map(|u| match u {
        Update::Failed { error, .. } => Some(error.to_string()),
        _ => None,
    })
}

#[tokio::test]
async fn insights_figures_for_text_json_snapstart_and_a_silent_function() {
    let mut s = insights_script(0);
    s.on(
        "GetQueryResults",
        vec![
            json(200, j!({"status": "Scheduled", "results": []})),
            json(200, j!({"status": "Running", "results": []})),
            json(
                200,
                j!({"status": "Complete", "results": rows(),
                    "statistics": {"bytesScanned": 2147483648.0, "recordsMatched": 7.0, "recordsScanned": 900.0}}),
            ),
        ],
    );
    let (script, endpoint) = peer(s).await;
    let now = now();
    let mut h = ready(&endpoint, now, LogAnalytics::Insights).await;
    let before = h.store.api.cost_usd();
    assert!(h.pollers.reports.round(&h.ctx).await);
    let u = h.drain();
    assert!(failed(&u).is_none(), "{:?}", failed(&u));
    assert!(u.iter().any(|u| matches!(
        u,
        Update::Polled {
            poller: Poller::Reports,
            ..
        }
    )));

    // One query over the four groups, for exactly the window, with the query text.
    {
        let script = script.lock().unwrap();
        let starts = script.calls("StartQuery");
        assert_eq!(starts.len(), 1);
        let body: Value = serde_json::from_str(starts[0]).unwrap();
        let groups: BTreeSet<&str> = body["logGroupNames"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(
            groups,
            BTreeSet::from([
                "/aws/lambda/quiet-d",
                "/aws/lambda/snap-c",
                "/aws/lambda/text-a",
                "/shared/app"
            ])
        );
        assert_eq!(
            body["startTime"],
            TimeWindow::minutes(60).start(now).timestamp()
        );
        assert_eq!(body["endTime"], now.timestamp());
        assert_eq!(body["queryString"], query_text(false));
        assert_eq!(body["limit"], 10_000);
        assert_eq!(
            script.calls("GetQueryResults").len(),
            3,
            "polled until complete"
        );
    }

    // The same figures the FilterLogEvents engine computes from the lines themselves.
    crate::report_window::assert_expected(&h.store, ReportOrigin::Insights);
    let text = h.store.function_named("text-a").and_then(|f| f.report());
    let text = text.expect("text-a");
    assert_eq!(text.init_ms_p50, Some(250.4));
    assert_eq!(text.duration_ms_p99, Some(3000.0));
    let snap = h.store.function_named("snap-c").and_then(|f| f.report());
    let snap = snap.expect("snap-c");
    assert_eq!((snap.restores, snap.restore_ms_p50), (1, Some(300.0)));
    // shipping shares json-b's group and wrote nothing: no REPORT in the window.
    let shipping = h.store.function_named("shipping").and_then(|f| f.report());
    assert_eq!(shipping.map(|r| r.invocations), Some(0));

    // 2 GiB scanned at $0.005 a GB: a cent, a charge like any other (so each Region's cost
    // counts it too), counted with the API cost.
    assert!(
        u.iter().any(|u| matches!(
            u,
            Update::Charge(c) if c.operation == INSIGHTS_SCAN
                && c.units == f64::from(2u32 << 30)
                && (c.usd - 0.01).abs() < 1e-12
        )),
        "{u:?}"
    );
    let cost = h.store.api.cost_usd() - before;
    assert!((cost - 0.01).abs() < 1e-12, "{cost}");

    // Not due again before the refresh interval: no new query.
    assert!(h.pollers.reports.round(&h.ctx).await);
    assert_eq!(script.lock().unwrap().calls("StartQuery").len(), 1);
}

/// `[pricing] insights_usd_per_gb` prices what a query scanned.
#[tokio::test]
async fn the_scan_is_priced_at_the_configured_rate() {
    let mut s = insights_script(0);
    s.on(
        "GetQueryResults",
        vec![json(
            200,
            j!({"status": "Complete", "results": rows(),
                "statistics": {"bytesScanned": 1073741824.0, "recordsMatched": 7.0, "recordsScanned": 900.0}}),
        )],
    );
    let (_script, endpoint) = peer(s).await;
    let opts = AwsOptions {
        insights_usd_per_gb: 0.0125,
        ..options(LogAnalytics::Insights)
    };
    let mut h = ready_with(&endpoint, now(), opts).await;
    let before = h.store.api.cost_usd();
    assert!(h.pollers.reports.round(&h.ctx).await);
    h.drain();
    let cost = h.store.api.cost_usd() - before;
    assert!((cost - 0.0125).abs() < 1e-12, "{cost}");
}

#[tokio::test]
async fn a_failed_and_a_cancelled_query_are_failures_and_run_again_next_refresh() {
    let mut s = insights_script(0);
    s.on(
        "GetQueryResults",
        vec![
            json(200, j!({"status": "Failed", "results": []})),
            json(200, j!({"status": "Cancelled", "results": []})),
        ],
    );
    let (script, endpoint) = peer(s).await;
    let mut h = ready(&endpoint, now(), LogAnalytics::Insights).await;
    assert!(h.pollers.reports.round(&h.ctx).await);
    let e = failed(&h.drain()).expect("failed");
    assert!(
        e.starts_with("A Logs Insights query ended as Failed."),
        "{e}"
    );
    // No figures were made up.
    let text = h.store.function_named("text-a").and_then(|f| f.report());
    assert!(text.is_none());
    // A failed round is tried again at the next one.
    assert!(h.pollers.reports.round(&h.ctx).await);
    let e = failed(&h.drain()).expect("failed");
    assert!(
        e.starts_with("A Logs Insights query ended as Cancelled."),
        "{e}"
    );
    assert_eq!(script.lock().unwrap().calls("StartQuery").len(), 2);
}

/// Runs one Insights round over the scripted account with `extra` more functions; the
/// harness after it and the StartQuery bodies sent.
async fn queried(extra: usize) -> (Harness, Vec<Value>) {
    let mut s = insights_script(extra);
    s.on(
        "GetQueryResults",
        vec![json(200, j!({"status": "Complete", "results": rows()}))],
    );
    let (script, endpoint) = peer(s).await;
    let mut h = ready(&endpoint, now(), LogAnalytics::Insights).await;
    assert!(h.pollers.reports.round(&h.ctx).await);
    assert!(failed(&h.drain()).is_none());
    let bodies = script
        .lock()
        .unwrap()
        .calls("StartQuery")
        .iter()
        .map(|b| serde_json::from_str(b).unwrap())
        .collect();
    (h, bodies)
}

#[tokio::test]
async fn many_functions_split_into_queries_of_fifty_three_at_a_time_or_one_by_prefix() {
    // 5 + 115 functions: 118 default groups and a custom one, 3 queries by name.
    let (h, bodies) = queried(115).await;
    let sizes: Vec<usize> = bodies
        .iter()
        .map(|v| v["logGroupNames"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(sizes, [50, 50, 19]);
    let quiet = h.store.function_named("fn-077").and_then(|f| f.report());
    assert_eq!(quiet.map(|r| r.invocations), Some(0));

    // 5 + 160: the default groups by prefix (one query, no names), the custom group by name.
    let (h, bodies) = queried(160).await;
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0].get("logGroupNames").is_none());
    assert_eq!(bodies[0]["queryString"], query_text(true));
    assert_eq!(bodies[1]["logGroupNames"], j!(["/shared/app"]));
    let text = h.store.function_named("text-a").and_then(|f| f.report());
    assert_eq!(text.map(|r| r.invocations), Some(3));
}

#[tokio::test]
async fn auto_falls_back_to_filter_log_events_when_insights_is_denied() {
    let mut s = Script::default();
    discovery(&mut s, 0);
    s.on(
        "StartQuery",
        vec![json(
            400,
            j!({"__type": "AccessDeniedException", "message": "not authorized to perform logs:StartQuery"}),
        )],
    );
    let report = "REPORT RequestId: a1\tDuration: 10.00 ms\tBilled Duration: 10 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t";
    let now = now();
    s.on(
        "FilterLogEvents",
        vec![json(
            200,
            j!({"events": [{"logStreamName": "2026/03/14/[$LATEST]abc",
                "timestamp": (now - Duration::minutes(30)).timestamp_millis(),
                "message": report, "eventId": "e1"}]}),
        )],
    );
    let (script, endpoint) = peer(s).await;
    let mut h = ready(&endpoint, now, LogAnalytics::Auto).await;
    assert!(h.pollers.reports.round(&h.ctx).await);
    let u = h.drain();
    assert!(failed(&u).is_none(), "{:?}", failed(&u));
    let notice = h
        .store
        .poller(Poller::Reports)
        .and_then(|p| p.notice.clone());
    let notice = notice.expect("a notice").to_string();
    assert!(notice.contains("FilterLogEvents instead"), "{notice}");
    let w = h
        .store
        .function_named("text-a")
        .and_then(|f| f.window_report())
        .unwrap();
    assert_eq!(w.origin, ReportOrigin::Filter);
    assert_eq!(w.summary().map(|r| r.invocations), Some(1));
    // Every group is read once with the REPORT pattern; Insights is not asked again.
    let s = script.lock().unwrap();
    assert_eq!(s.calls("FilterLogEvents").len(), 4);
    assert_eq!(s.calls("StartQuery").len(), 1);
}

#[tokio::test]
async fn insights_alone_against_an_endpoint_without_its_statistics_is_unsupported_not_zero() {
    let mut s = Script::default();
    discovery(&mut s, 0);
    s.on("StartQuery", vec![json(200, j!({"queryId": "q-1"}))]);
    // What moto answers: a row per event, without the statistics asked for.
    s.on(
        "GetQueryResults",
        vec![json(
            200,
            j!({"status": "Complete", "results": [[field("@ptr", "0")]]}),
        )],
    );
    let (_script, endpoint) = peer(s).await;
    let mut h = ready(&endpoint, now(), LogAnalytics::Insights).await;
    assert!(h.pollers.reports.round(&h.ctx).await);
    h.drain();
    let f = h.store.function_named("text-a").unwrap();
    assert!(f.window_report().is_some());
    assert!(f.report().is_none(), "unsupported, not zeros");
    let notice = h
        .store
        .poller(Poller::Reports)
        .and_then(|p| p.notice.clone());
    assert!(notice.is_some_and(|n| n.message.contains("unsupported")));
}

/// An account whose query runs for ever (until it is stopped).
async fn running_query() -> (Arc<Mutex<Script>>, Harness) {
    let mut s = insights_script(0);
    s.on(
        "GetQueryResults",
        vec![json(200, j!({"status": "Running", "results": []}))],
    );
    s.on("StopQuery", vec![json(200, j!({"success": true}))]);
    let (script, endpoint) = peer(s).await;
    let h = ready(&endpoint, now(), LogAnalytics::Insights).await;
    (script, h)
}

fn assert_stopped(script: &Mutex<Script>) {
    let s = script.lock().unwrap();
    assert_eq!(s.calls("StopQuery").len(), 1);
    assert!(s.calls("StopQuery")[0].contains("q-1"));
}

#[tokio::test]
async fn a_window_change_stops_the_running_query() {
    let (script, mut h) = running_query().await;
    let requests = h.requests.clone();
    let change = async move {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        requests.send_modify(|r| r.window = TimeWindow::minutes(15));
    };
    let (done, ()) = tokio::join!(h.pollers.reports.round(&h.ctx), change);
    assert!(done);
    assert_stopped(&script);
}

#[tokio::test]
async fn the_front_end_going_stops_the_running_query() {
    let (script, mut h) = running_query().await;
    // The dashboard quits: its end of the channel is dropped.
    let rx = std::mem::replace(&mut h.rx, tokio::sync::mpsc::channel(1).1);
    let quit = async move {
        tokio::time::sleep(std::time::Duration::from_millis(400)).await;
        drop(rx);
    };
    let started = std::time::Instant::now();
    let (delivered, ()) = tokio::join!(h.pollers.reports.round(&h.ctx), quit);
    assert!(!delivered, "nobody to deliver to");
    // Stopped at once, not at the next poll (up to 5 s later).
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
    assert_stopped(&script);
}

#[test]
fn the_query_text_is_kept() {
    insta::assert_snapshot!(query_text(false));
}

/// The fields Insights discovers in Lambda's text logs, and those of JSON `platform.report`
/// records, as AWS documents them; everything else the query names it makes itself.
#[test]
fn the_query_reads_only_documented_lambda_fields() {
    let documented: BTreeSet<&str> = [
        "@type",
        "@duration",
        "@billedDuration",
        "@memorySize",
        "@maxMemoryUsed",
        "@initDuration",
        "@message",
        "@log",
        "@logStream",
        "type",
        "record.status",
        "record.metrics.durationMs",
        "record.metrics.billedDurationMs",
        "record.metrics.memorySizeMB",
        "record.metrics.maxMemoryUsedMB",
        "record.metrics.initDurationMs",
        "record.metrics.restoreDurationMs",
        "record.metrics.billedRestoreDurationMs",
    ]
    .into();
    let text = query_text(false);
    let re = regex::Regex::new(r"@[A-Za-z]+|record(?:\.[A-Za-z]+)+").unwrap();
    let used: BTreeSet<&str> = re.find_iter(&text).map(|m| m.as_str()).collect();
    let unknown: Vec<&&str> = used.difference(&documented).collect();
    assert!(unknown.is_empty(), "{unknown:?}");
    for needed in [
        "@duration",
        "@billedDuration",
        "@initDuration",
        "@maxMemoryUsed",
        "@memorySize",
        "record.metrics.durationMs",
        "record.metrics.initDurationMs",
    ] {
        assert!(used.contains(needed), "{needed}");
    }
    assert!(text.contains("filter @type = \"REPORT\" or type = \"platform.report\""));
}

/// With Logs Insights, a linked account's log group is named by its ARN, so the query's groups
/// go in `logGroupIdentifiers` (StartQuery takes names or identifiers, never both), and each row
/// is the function of the account its `@log` (`account-id:group`) names: the linked account's
/// `payments` gets its group's figures, and the own account's same-named `payments` (listed
/// from its log group) and its `orders` keep their own. moto
/// cannot compute Insights statistics (see the top of this file), hence the scripted peer,
/// whose rows are what Insights computes from these REPORT lines:
///
/// - the linked `payments`: 100 ms (cold, 300 ms init), 50 ms, 250 ms, billed 400 ms at 512 MB
///   (mbMs 400 × 512 = 204,800; at most 220 MB used);
/// - the own `orders`: one warm 10 ms at 128 MB (mbMs 1,280; 40 MB used);
/// - the own `payments`: 7 invocations (only the count matters here).
#[tokio::test]
async fn a_linked_accounts_group_is_queried_by_arn_and_its_rows_are_its_own() {
    use lambdatop::model::Origin;

    let script = crate::regions::monitoring_account_with_groups("eu-central-1");
    let arn = crate::regions::linked_group_arn("eu-central-1", "/aws/lambda/payments");
    {
        let mut s = script.lock().unwrap();
        s.on("StartQuery", vec![json(200, j!({"queryId": "q-1"}))]);
        let rows = j!([
            [
                field("@log", "111122223333:/aws/lambda/orders"),
                field("streamFunction", "orders"),
                field("invocations", "1"),
                field("inits", "0"),
                field("restores", "0"),
                field("timeouts", "0"),
                field("errors", "0"),
                field("durationP50", "10"),
                field("durationP99", "10"),
                field("billedMsTotal", "10"),
                field("mbMs", "1280"),
                field("memorySizeMB", "128"),
                field("maxUsedMB", "40")
            ],
            [
                field("@log", "111122223333:/aws/lambda/payments"),
                field("streamFunction", "payments"),
                field("invocations", "7")
            ],
            [
                field(
                    "@log",
                    format!("{}:/aws/lambda/payments", crate::regions::LINKED).as_str()
                ),
                field("streamFunction", "payments"),
                field("invocations", "3"),
                field("inits", "1"),
                field("restores", "0"),
                field("timeouts", "0"),
                field("errors", "0"),
                field("durationP50", "100"),
                field("durationP99", "250"),
                field("initP50", "300"),
                field("billedMsTotal", "400"),
                field("mbMs", "204800"),
                field("memorySizeMB", "512"),
                field("maxUsedMB", "220")
            ]
        ]);
        s.on(
            "GetQueryResults",
            vec![json(200, j!({"status": "Complete", "results": rows}))],
        );
    }
    let endpoint = serve(script.clone()).await;
    let opts = AwsOptions {
        linked_accounts: true,
        ..options(LogAnalytics::Insights)
    };
    let mut h = ready_with(&endpoint, now(), opts).await;
    assert!(h.pollers.reports.round(&h.ctx).await);
    let u = h.drain();
    assert!(failed(&u).is_none(), "{:?}", failed(&u));

    // One query, every group in `logGroupIdentifiers`: the own ones by name, the linked by ARN.
    {
        let s = script.lock().unwrap();
        let starts = s.calls("StartQuery");
        assert_eq!(starts.len(), 1);
        let body: Value = serde_json::from_str(starts[0]).unwrap();
        assert!(body.get("logGroupNames").is_none(), "{body}");
        assert_eq!(
            body["logGroupIdentifiers"],
            j!(["/aws/lambda/orders", "/aws/lambda/payments", arn]),
            "{body}"
        );
    }

    let linked = Origin::of(Some(crate::regions::LINKED), Some("eu-central-1"));
    let theirs = h
        .store
        .function(&linked.function("payments"))
        .and_then(|f| f.report())
        .expect("the linked account's payments has figures");
    assert_eq!(
        (
            theirs.invocations,
            theirs.cold_starts,
            theirs.billed_ms_total
        ),
        (3, 1, 400)
    );
    assert_eq!(
        (
            theirs.duration_ms_p50,
            theirs.duration_ms_p99,
            theirs.init_ms_p50
        ),
        (Some(100.0), Some(250.0), Some(300.0))
    );
    assert_eq!(
        (theirs.memory_size_mb, theirs.max_memory_used_mb),
        (Some(512), Some(220))
    );
    // 204,800 MB-ms = 0.2 GB-s.
    assert!(
        (theirs.gb_seconds - 0.2).abs() < 1e-12,
        "{}",
        theirs.gb_seconds
    );

    let own = h
        .store
        .function(&Origin::default().function("orders"))
        .and_then(|f| f.report())
        .expect("the own account's orders has figures");
    assert_eq!(
        (own.invocations, own.billed_ms_total, own.memory_size_mb),
        (1, 10, Some(128))
    );
    let own_payments = h
        .store
        .function(&Origin::default().function("payments"))
        .and_then(|f| f.report())
        .expect("the own account's payments has figures");
    assert_eq!(own_payments.invocations, 7);
}

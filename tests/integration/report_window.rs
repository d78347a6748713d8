//! REPORT figures over exactly the window (`--log-analytics`), end to end.
//!
//! The FilterLogEvents engine runs against the local AWS peer (moto + the CBOR adapter): moto
//! serves FilterLogEvents, paging and log groups as AWS does, which is all this engine needs (its
//! OR filter pattern is one moto does not parse, so moto returns every event and the figures
//! prove the client keeps only REPORT lines). A 120-function account, four of which wrote
//! REPORT lines 20 to 40 minutes ago, gives hand-computed figures for each, both in
//! `--once -o json` (the binary) and in the store the dashboard and its detail view read.

use crate::cloudwatch_source::{Harness, test_options};
use crate::snapshot_aws::lambdatop;
use crate::support;

use aws_sdk_cloudwatch::types::{MetricDatum, StandardUnit};
use aws_sdk_lambda::types::LogFormat as LambdaLogFormat;
use chrono::{DateTime, Duration, DurationRound, Utc};
use lambdatop::message::{Poller, ReportOrigin, Update};
use lambdatop::source::cloudwatch::{AwsOptions, LogAnalytics};
use lambdatop::store::Store;
use lambdatop::window::TimeWindow;
use serde_json::Value;
use support::peer::{FunctionSeed, LocalAws, smithy_time};

const STREAM: &str = "2026/03/14/[$LATEST]0123456789abcdef0123456789abcdef";

/// What the account's REPORT lines add up to, per function (hand-computed below).
pub(crate) struct Expected {
    pub name: &'static str,
    pub invocations: u64,
    pub cold_starts: u64,
    pub timeouts: u64,
    pub errors: u64,
    pub billed_ms_total: u64,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    pub cost_usd: f64,
}

const X86_GB_S: f64 = 0.000_016_666_7;
const REQUEST: f64 = 0.20 / 1_000_000.0;

pub(crate) fn expected() -> Vec<Expected> {
    vec![
        // 100 ms with a 250.4 ms INIT (billed 351 ms), a 3 s timeout, a 20 ms one with an X-Ray
        // tail; the REPORT 70 minutes ago is outside the window. Billed 351 + 3000 + 20 = 3371
        // ms at 128 MB: 3.371 × 0.125 = 0.421375 GB-s.
        Expected {
            name: "text-a",
            invocations: 3,
            cold_starts: 1,
            timeouts: 1,
            errors: 0,
            billed_ms_total: 3371,
            memory_size_mb: Some(128),
            max_memory_used_mb: Some(70),
            cost_usd: 3.0 * REQUEST + 0.421_375 * X86_GB_S,
        },
        // JSON platform.report records in a custom group: a cold start (initDurationMs) and a
        // timeout. Billed 41 + 5000 = 5041 ms at 256 MB: 1.26025 GB-s.
        Expected {
            name: "json-b",
            invocations: 2,
            cold_starts: 1,
            timeouts: 1,
            errors: 0,
            billed_ms_total: 5041,
            memory_size_mb: Some(256),
            max_memory_used_mb: Some(100),
            cost_usd: 2.0 * REQUEST + 1.260_25 * X86_GB_S,
        },
        // SnapStart: a restore (billed 50 + 120 restore) and an error (30). 200 ms at 512 MB:
        // 0.1 GB-s.
        Expected {
            name: "snap-c",
            invocations: 2,
            cold_starts: 1,
            timeouts: 0,
            errors: 1,
            billed_ms_total: 200,
            memory_size_mb: Some(512),
            max_memory_used_mb: Some(130),
            cost_usd: 2.0 * REQUEST + 0.1 * X86_GB_S,
        },
        // A log with START and END lines only: no invocation with a REPORT in the window.
        Expected {
            name: "quiet-d",
            invocations: 0,
            cold_starts: 0,
            timeouts: 0,
            errors: 0,
            billed_ms_total: 0,
            memory_size_mb: None,
            max_memory_used_mb: None,
            cost_usd: 0.0,
        },
    ]
}

/// 116 functions known from their metrics alone, and four with logs, written 20 to 40 minutes
/// before `now`.
async fn seed(aws: &LocalAws, now: DateTime<Utc>) {
    let m = Duration::minutes;
    let data: Vec<MetricDatum> = (0..116)
        .map(|i| {
            MetricDatum::builder()
                .metric_name("Invocations")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("FunctionName")
                        .value(format!("fn-{i:03}"))
                        .build(),
                )
                .timestamp(smithy_time(now - m(30)))
                .value(1.0)
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    aws.cloudwatch()
        .await
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("seed metrics");

    aws.create_function(&FunctionSeed::new("text-a")).await;
    let group = "/aws/lambda/text-a";
    aws.create_log_group(group).await;
    aws.create_log_stream(group, STREAM).await;
    aws.put_log_events(
        group,
        STREAM,
        &[
            (now - m(70), "REPORT RequestId: a0\tDuration: 9.00 ms\tBilled Duration: 9 ms\tMemory Size: 128 MB\tMax Memory Used: 99 MB\t"),
            (now - m(40) - Duration::seconds(1), "START RequestId: a1 Version: $LATEST"),
            (now - m(40), "REPORT RequestId: a1\tDuration: 100.00 ms\tBilled Duration: 351 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 250.40 ms\t"),
            (now - m(30), "REPORT RequestId: a2\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tStatus: timeout"),
            (now - m(20), "REPORT RequestId: a3\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\t\nXRAY TraceId: 1-5e1b4151-5ac6c58f5f5e6a7b8c9d0e1f\tSegmentId: 6b2a5f4e3d2c1b0a\tSampled: true\n"),
        ],
    )
    .await;

    let mut json = FunctionSeed::new("json-b");
    json.log_format = LambdaLogFormat::Json;
    json.log_group = Some("/shared/app".into());
    json.memory_mb = 256;
    aws.create_function(&json).await;
    aws.create_log_group("/shared/app").await;
    let json_stream = "2026/03/14/json-b[$LATEST]0123456789abcdef";
    aws.create_log_stream("/shared/app", json_stream).await;
    aws.put_log_events(
        "/shared/app",
        json_stream,
        &[
            (now - m(35) - Duration::seconds(1), r#"{"timestamp":"2026-03-14T09:00:00Z","level":"INFO","requestId":"b1","message":"platform.report is not this line"}"#),
            (now - m(35), r#"{"time":"2026-03-14T09:00:00.000Z","type":"platform.report","record":{"requestId":"b1","metrics":{"durationMs":40.5,"billedDurationMs":41,"memorySizeMB":256,"maxMemoryUsedMB":90,"initDurationMs":180.0},"status":"success"}}"#),
            (now - m(25), r#"{"time":"2026-03-14T09:10:00.000Z","type":"platform.report","record":{"requestId":"b2","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":256,"maxMemoryUsedMB":100},"status":"timeout"}}"#),
        ],
    )
    .await;

    let mut snap = FunctionSeed::new("snap-c");
    snap.memory_mb = 512;
    aws.create_function(&snap).await;
    let group = "/aws/lambda/snap-c";
    aws.create_log_group(group).await;
    aws.create_log_stream(group, STREAM).await;
    aws.put_log_events(
        group,
        STREAM,
        &[
            (now - m(22), "REPORT RequestId: c1\tDuration: 50.00 ms\tBilled Duration: 50 ms\tMemory Size: 512 MB\tMax Memory Used: 120 MB\tRestore Duration: 300.00 ms\tBilled Restore Duration: 120 ms\t"),
            (now - m(21), "REPORT RequestId: c2\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 512 MB\tMax Memory Used: 130 MB\tStatus: error\tError Type: Runtime.ExitError"),
        ],
    )
    .await;

    aws.create_function(&FunctionSeed::new("quiet-d")).await;
    let group = "/aws/lambda/quiet-d";
    aws.create_log_group(group).await;
    aws.create_log_stream(group, STREAM).await;
    aws.put_log_events(
        group,
        STREAM,
        &[
            (now - m(30), "START RequestId: d1 Version: $LATEST"),
            (now - m(30) + Duration::seconds(1), "END RequestId: d1"),
        ],
    )
    .await;
}

fn now() -> DateTime<Utc> {
    Utc::now()
        .duration_trunc(Duration::seconds(1))
        .expect("truncate")
}

/// Every function of [`expected`] has its figures in `store`, from `origin`.
pub(crate) fn assert_expected(store: &Store, origin: ReportOrigin) {
    for e in expected() {
        let f = store.function_named(e.name).expect("function");
        let r = f
            .report()
            .unwrap_or_else(|| panic!("{}: no report", e.name));
        assert_eq!(
            (r.invocations, r.cold_starts, r.timeouts, r.errors),
            (e.invocations, e.cold_starts, e.timeouts, e.errors),
            "{}",
            e.name
        );
        assert_eq!(r.billed_ms_total, e.billed_ms_total, "{}", e.name);
        assert_eq!(r.memory_size_mb, e.memory_size_mb, "{}", e.name);
        assert_eq!(r.max_memory_used_mb, e.max_memory_used_mb, "{}", e.name);
        assert!(
            (r.cost_usd - e.cost_usd).abs() <= 1e-12 + e.cost_usd * 1e-9,
            "{}: {}",
            e.name,
            r.cost_usd
        );
        let w = f.window_report().expect("window figures");
        assert_eq!(w.origin, origin, "{}", e.name);
        assert!(!w.loading);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn filter_engine_gives_every_function_that_logged_its_window_figures_in_json() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws, now()).await;
    let out = lambdatop(
        &aws,
        &[
            "--once",
            "-o",
            "json",
            "--window",
            "1h",
            "--log-analytics",
            "filter",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let functions = json["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 120);
    let by_name = |n: &str| {
        functions
            .iter()
            .find(|f| f["name"] == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    for e in expected() {
        let f = by_name(e.name);
        let r = &f["report"];
        assert_eq!(r["invocations"], e.invocations, "{}: {r}", e.name);
        assert_eq!(r["cold_starts"], e.cold_starts, "{}: {r}", e.name);
        assert_eq!(r["timeouts"], e.timeouts, "{}: {r}", e.name);
        assert_eq!(r["errors"], e.errors, "{}: {r}", e.name);
        assert_eq!(r["billed_ms_total"], e.billed_ms_total, "{}: {r}", e.name);
        assert_eq!(
            r["memory_size_mb"].as_u64(),
            e.memory_size_mb.map(u64::from),
            "{}",
            e.name
        );
        assert_eq!(
            r["max_memory_used_mb"].as_u64(),
            e.max_memory_used_mb.map(u64::from),
            "{}",
            e.name
        );
        let cost = r["cost_usd"].as_f64().expect("cost");
        assert!(
            (cost - e.cost_usd).abs() < 1e-8,
            "{}: {cost} vs {}",
            e.name,
            e.cost_usd
        );
        assert_eq!(f["report_source"], "filter", "{}", e.name);
        assert!(f["report_window"]["start"].is_string(), "{f}");
    }
    // Functions without a log group have no REPORT figures, and no source for them.
    let other = by_name("fn-042");
    assert!(other["report"].is_null(), "{other}");
    assert!(other.get("report_source").is_none(), "{other}");

    // The rules read the same figures: 70 of 128 MB is over 50 % for text-a alone, json-b and
    // text-a timed out, and one cold start in two is over 40 % for json-b and snap-c only.
    let out = lambdatop(
        &aws,
        &[
            "--once",
            "--window",
            "1h",
            "--log-analytics",
            "filter",
            "--fail-on",
            "memory_used>50%",
            "--fail-on",
            "timeouts>0",
            "--fail-on",
            "cold_start_rate>40%",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    let held = |function: &str, rule: &str| {
        err.lines()
            .any(|l| l.starts_with(&format!("lambdatop: {function}: {rule} ")))
    };
    assert!(held("text-a", "memory_used"), "{err}");
    assert!(
        !held("json-b", "memory_used") && !held("snap-c", "memory_used"),
        "{err}"
    );
    assert!(
        held("text-a", "timeouts") && held("json-b", "timeouts"),
        "{err}"
    );
    assert!(!held("snap-c", "timeouts"), "{err}");
    assert!(
        held("json-b", "cold_start_rate") && held("snap-c", "cold_start_rate"),
        "{err}"
    );
    assert!(!held("text-a", "cold_start_rate"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_dashboard_and_its_detail_view_read_the_window_figures_and_follow_the_window() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let now = now();
    seed(&aws, now).await;
    let opts = AwsOptions {
        log_analytics: LogAnalytics::Filter,
        ..test_options()
    };
    let mut h = Harness::new(&aws, opts, TimeWindow::minutes(60), now, false).await;
    h.store.expect_window_reports();
    assert!(h.pollers.discovery.round(&h.ctx).await);
    h.drain();
    // The detail view is open on json-b: its group is read first.
    h.requests.send_modify(|r| {
        r.detail_function = Some(lambdatop::model::Origin::default().function("json-b"))
    });
    assert!(h.pollers.reports.round(&h.ctx).await);
    let u = h.drain();
    // Its figures are sent as soon as its group is read, before the others'.
    let first = u.iter().find_map(|u| match u {
        Update::Reports(r) => Some(r),
        _ => None,
    });
    let names: Vec<&str> = first
        .map(|r| r.reports.iter().map(|(f, _)| f.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["json-b"]);
    assert!(
        u.iter().any(|u| matches!(
            u,
            Update::Polled {
                poller: Poller::Reports,
                ..
            }
        )),
        "{u:?}"
    );
    assert_expected(&h.store, ReportOrigin::Filter);
    let snap = h.store.function_named("snap-c").and_then(|f| f.report());
    assert_eq!(snap.map(|r| r.restores), Some(1));
    assert!(
        h.store
            .function_named("fn-007")
            .and_then(|f| f.report())
            .is_none()
    );

    // 15 minutes: the figures of the hour stay, marked as loading, until the new ones come —
    // and in the last 15 minutes nobody reported.
    h.store.set_window(TimeWindow::minutes(15));
    h.requests
        .send_modify(|r| r.window = TimeWindow::minutes(15));
    assert!(h.store.reports_loading());
    let text = h.store.function_named("text-a").and_then(|f| f.report());
    assert_eq!(text.map(|r| r.invocations), Some(3));
    assert!(h.pollers.reports.round(&h.ctx).await);
    h.drain();
    assert!(!h.store.reports_loading());
    for e in expected() {
        let r = h.store.function_named(e.name).and_then(|f| f.report());
        assert_eq!(r.map(|r| r.invocations), Some(0), "{}", e.name);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn auto_against_moto_falls_back_to_filter_log_events_and_says_so() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    seed(&aws, now()).await;
    // moto has StartQuery, but its GetQueryResults lacks the statistics asked for: auto says so
    // and reads the REPORT lines instead, with the same figures.
    let out = lambdatop(
        &aws,
        &[
            "--once",
            "-o",
            "json",
            "--window",
            "1h",
            "--functions",
            "*-?",
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("lambdatop: note: report figures: ")
            && stderr.contains("FilterLogEvents instead"),
        "{stderr}"
    );
    let json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let functions = json["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 4);
    for e in expected() {
        let f = functions
            .iter()
            .find(|f| f["name"] == e.name)
            .expect("listed");
        assert_eq!(f["report"]["invocations"], e.invocations, "{}", e.name);
        assert_eq!(f["report_source"], "filter");
    }
}

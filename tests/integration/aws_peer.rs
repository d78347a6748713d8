//! Proves the local AWS peer (tests/integration/support/peer.rs) with the real AWS SDK clients, and records
//! where moto (5.2.5) is not faithful to AWS. Each test starts its own peer.
//!
//! moto gaps found here (each one is checked by `moto_gaps_are_as_documented`):
//! * Percentile statistics (`p99`) in GetMetricData: moto crashes with HTTP 500. The adapter
//!   answers a `PeerAdapterError` (HTTP 500) that says so.
//! * Metric math: an expression only works when it is the bare id of another query
//!   (`"m1"`); real math (`"m1 / m2"`) comes back empty.
//! * DescribeAlarms ignores `MaxRecords`: all alarms in one page, never a `NextToken`.
//! * GetMetricData buckets start at `StartTime` (CloudWatch rounds it down to the minute for
//!   recent data): seed and query on whole minutes.
//! * FilterLogEvents patterns: only plain words and quoted phrases work. OR (`?A ?B`) and JSON
//!   patterns (`{ $.level = "ERROR" }`) match every event; exclusions (`A -B`) match nothing.
//! * Lambda: moto drops `LoggingConfig` and has no GetAccountSettings; the adapter fills both in
//!   (AWS default limits, usage from the function list).

use crate::support;

use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricDatum, MetricStat, ScanBy, StandardUnit, StateValue,
};
use aws_sdk_lambda::types::{Architecture, LogFormat, Runtime};
use chrono::{DateTime, Duration, DurationRound, Utc};
use support::peer::{AlarmSeed, FunctionSeed, LocalAws, smithy_time};

/// A whole minute about half an hour ago: recent enough for every CloudWatch rule.
fn base_minute() -> DateTime<Utc> {
    (Utc::now() - Duration::minutes(30))
        .duration_trunc(Duration::minutes(1))
        .unwrap()
}

fn stat_query(id: &str, function: &str, metric: &str, stat: &str) -> MetricDataQuery {
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace("AWS/Lambda")
                        .metric_name(metric)
                        .dimensions(
                            Dimension::builder()
                                .name("FunctionName")
                                .value(function)
                                .build(),
                        )
                        .build(),
                )
                .period(60)
                .stat(stat)
                .build(),
        )
        .build()
}

/// (timestamps in epoch seconds, values) of one GetMetricData result.
type Series = (Vec<i64>, Vec<f64>);

fn series(
    output: &aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput,
    id: &str,
) -> Series {
    let result = output
        .metric_data_results()
        .iter()
        .find(|r| r.id() == Some(id))
        .unwrap_or_else(|| panic!("no result for query {id}"));
    let times = result.timestamps().iter().map(|t| t.secs()).collect();
    (times, result.values().to_vec())
}

#[tokio::test]
async fn cloudwatch_get_metric_data_returns_seeded_values() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    let t1 = t0 + Duration::minutes(1);
    // Two minutes of invocations, several datapoints per minute.
    aws.put_metric(
        "api",
        "Invocations",
        StandardUnit::Count,
        &[(t0, 3.0), (t0 + Duration::seconds(20), 2.0), (t1, 7.0)],
    )
    .await;
    aws.put_metric(
        "api",
        "Duration",
        StandardUnit::Milliseconds,
        &[
            (t0, 100.0),
            (t0 + Duration::seconds(30), 300.0),
            (t1, 50.0),
            (t1 + Duration::seconds(1), 70.5),
        ],
    )
    .await;
    // Another function's data must not leak into "api".
    aws.put_metric(
        "worker",
        "Invocations",
        StandardUnit::Count,
        &[(t0, 1000.0)],
    )
    .await;

    let output = aws
        .cloudwatch()
        .await
        .get_metric_data()
        .metric_data_queries(stat_query("inv", "api", "Invocations", "Sum"))
        .metric_data_queries(stat_query("avg", "api", "Duration", "Average"))
        .metric_data_queries(stat_query("max", "api", "Duration", "Maximum"))
        .metric_data_queries(stat_query("other", "worker", "Invocations", "Sum"))
        .start_time(smithy_time(t0))
        .end_time(smithy_time(t0 + Duration::minutes(5)))
        .scan_by(ScanBy::TimestampAscending)
        .send()
        .await
        .expect("get_metric_data");

    let (s0, s1) = (t0.timestamp(), t1.timestamp());
    assert_eq!(series(&output, "inv"), (vec![s0, s1], vec![5.0, 7.0]));
    assert_eq!(series(&output, "avg"), (vec![s0, s1], vec![200.0, 60.25]));
    assert_eq!(series(&output, "max"), (vec![s0, s1], vec![300.0, 70.5]));
    assert_eq!(series(&output, "other"), (vec![s0], vec![1000.0]));
}

#[tokio::test]
async fn cloudwatch_list_metrics_paginates() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    // 501 functions x 1 metric: one more than a ListMetrics page (500). One PutMetricData call
    // (> 10 KiB, so the SDK gzips it: the adapter must inflate it).
    let cloudwatch = aws.cloudwatch().await;
    let data = (0..501)
        .map(|i| {
            MetricDatum::builder()
                .metric_name("Errors")
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(format!("fn-{i:03}"))
                        .build(),
                )
                .timestamp(smithy_time(t0))
                .value(0.0)
                .build()
        })
        .collect();
    cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("put_metric_data x 501");
    let first = cloudwatch
        .list_metrics()
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .send()
        .await
        .expect("list_metrics page 1");
    assert_eq!(first.metrics().len(), 500);
    let token = first.next_token().expect("a second page").to_string();

    let pages: Vec<_> = cloudwatch
        .list_metrics()
        .namespace("AWS/Lambda")
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("list_metrics paginator");
    assert_eq!(pages.len(), 2);
    let mut names: Vec<String> = pages
        .iter()
        .flat_map(|page| page.metrics())
        .map(|m| m.dimensions()[0].value().unwrap_or_default().to_string())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 501);
    assert!(!token.is_empty());
}

#[tokio::test]
async fn cloudwatch_describe_alarms_reports_forced_states() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    aws.put_alarm(&AlarmSeed::new(
        "api-errors",
        "api",
        "Errors",
        StateValue::Alarm,
    ))
    .await;
    aws.put_alarm(&AlarmSeed::new(
        "api-throttles",
        "api",
        "Throttles",
        StateValue::Ok,
    ))
    .await;
    aws.put_alarm(&AlarmSeed::new(
        "worker-errors",
        "worker",
        "Errors",
        StateValue::InsufficientData,
    ))
    .await;

    let cloudwatch = aws.cloudwatch().await;
    let all = cloudwatch
        .describe_alarms()
        .send()
        .await
        .expect("describe_alarms");
    let mut states: Vec<(String, StateValue)> = all
        .metric_alarms()
        .iter()
        .map(|a| {
            (
                a.alarm_name().unwrap().to_string(),
                a.state_value().unwrap().clone(),
            )
        })
        .collect();
    states.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        states,
        vec![
            ("api-errors".to_string(), StateValue::Alarm),
            ("api-throttles".to_string(), StateValue::Ok),
            ("worker-errors".to_string(), StateValue::InsufficientData),
        ]
    );
    let alarm = &all.metric_alarms()[0];
    assert!(
        alarm.state_updated_timestamp().is_some(),
        "timestamps decode from CBOR"
    );
    assert_eq!(alarm.dimensions()[0].name(), Some("FunctionName"));

    let firing = cloudwatch
        .describe_alarms()
        .state_value(StateValue::Alarm)
        .send()
        .await
        .expect("describe_alarms ALARM");
    assert_eq!(firing.metric_alarms().len(), 1);
    assert_eq!(
        firing.metric_alarms()[0].state_reason(),
        Some("seeded as ALARM")
    );
}

#[tokio::test]
async fn cloudwatch_errors_are_typed() {
    use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError;
    use aws_sdk_cloudwatch::operation::set_alarm_state::SetAlarmStateError;

    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let cloudwatch = aws.cloudwatch().await;

    let error = cloudwatch
        .set_alarm_state()
        .alarm_name("missing")
        .state_value(StateValue::Alarm)
        .state_reason("test")
        .send()
        .await
        .expect_err("no such alarm");
    assert!(
        matches!(
            error.as_service_error(),
            Some(SetAlarmStateError::ResourceNotFound(_))
        ),
        "{error:?}"
    );

    let t0 = base_minute();
    let error = cloudwatch
        .get_metric_data()
        .metric_data_queries(stat_query("a", "api", "Invocations", "Sum"))
        .start_time(smithy_time(t0))
        .end_time(smithy_time(t0))
        .send()
        .await
        .expect_err("StartTime == EndTime");
    let service_error = error.as_service_error().expect("a service error");
    assert_eq!(service_error.code(), Some("ValidationError"), "{error:?}");
    // GetMetricData has no typed variant for ValidationError: it stays a generic error.
    assert!(!matches!(
        service_error,
        GetMetricDataError::InvalidNextToken(_)
    ));
    assert!(
        service_error
            .message()
            .unwrap_or_default()
            .contains("StartTime")
    );
}

#[tokio::test]
async fn logs_describe_and_filter_with_paging() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let t0 = base_minute();
    aws.create_log_group("/aws/lambda/api").await;
    aws.create_log_group("/aws/lambda/worker").await;
    aws.create_log_group("/custom/shared").await;
    aws.create_log_stream("/aws/lambda/api", "2024/01/01/[$LATEST]aaaa")
        .await;
    aws.create_log_stream("/aws/lambda/api", "2024/01/01/[$LATEST]bbbb")
        .await;
    let lines = [
        "START RequestId: r1 Version: $LATEST",
        "ERROR boom",
        "END RequestId: r1",
        "REPORT RequestId: r1\tDuration: 12.5 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB",
    ];
    let events: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| (t0 + Duration::seconds(i as i64), *line))
        .collect();
    aws.put_log_events("/aws/lambda/api", "2024/01/01/[$LATEST]aaaa", &events)
        .await;
    aws.put_log_events(
        "/aws/lambda/api",
        "2024/01/01/[$LATEST]bbbb",
        &[(t0 + Duration::seconds(10), "ERROR late")],
    )
    .await;

    let logs = aws.logs().await;
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .send()
        .await
        .expect("describe_log_groups");
    let names: Vec<_> = groups
        .log_groups()
        .iter()
        .filter_map(|g| g.log_group_name())
        .collect();
    assert_eq!(names, ["/aws/lambda/api", "/aws/lambda/worker"]);

    // limit = 2 forces three pages for five events.
    let mut token = None;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = logs
            .filter_log_events()
            .log_group_name("/aws/lambda/api")
            .start_time(t0.timestamp_millis())
            .end_time((t0 + Duration::minutes(1)).timestamp_millis())
            .limit(2)
            .set_next_token(token)
            .send()
            .await
            .expect("filter_log_events");
        pages += 1;
        for event in page.events() {
            seen.push((
                event.event_id().expect("eventId").to_string(),
                event.timestamp().unwrap(),
                event.message().unwrap().to_string(),
            ));
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    let messages: Vec<_> = seen.iter().map(|(_, _, m)| m.as_str()).collect();
    assert_eq!(
        messages,
        [lines[0], lines[1], lines[2], lines[3], "ERROR late"]
    );
    let mut ids: Vec<_> = seen.iter().map(|(id, _, _)| id.clone()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 5, "eventIds are unique");
    assert_eq!(seen[4].1, (t0 + Duration::seconds(10)).timestamp_millis());

    // A plain term filter works.
    let errors = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/api")
        .filter_pattern("ERROR")
        .send()
        .await
        .expect("filter_log_events ERROR");
    let messages: Vec<_> = errors.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(messages, ["ERROR boom", "ERROR late"]);
}

#[tokio::test]
async fn lambda_functions_carry_seeded_configuration() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    aws.create_function(&FunctionSeed::new("api")).await;
    aws.create_function(&FunctionSeed {
        memory_mb: 1769,
        timeout_seconds: 30,
        architecture: Architecture::Arm64,
        runtime: Runtime::Nodejs22x,
        log_format: LogFormat::Json,
        log_group: Some("/custom/shared".to_string()),
        ..FunctionSeed::new("worker")
    })
    .await;

    let lambda = aws.lambda().await;
    let listed = lambda
        .list_functions()
        .send()
        .await
        .expect("list_functions");
    let mut functions: Vec<_> = listed.functions().to_vec();
    functions.sort_by(|a, b| a.function_name().cmp(&b.function_name()));
    assert_eq!(functions.len(), 2);

    let api = &functions[0];
    assert_eq!(api.function_name(), Some("api"));
    assert_eq!(api.memory_size(), Some(128));
    assert_eq!(api.timeout(), Some(3));
    assert_eq!(api.architectures(), [Architecture::X8664]);
    assert_eq!(api.runtime(), Some(&Runtime::Python312));
    let logging = api.logging_config().expect("LoggingConfig");
    assert_eq!(logging.log_format(), Some(&LogFormat::Text));
    assert_eq!(logging.log_group(), Some("/aws/lambda/api"));

    let worker = &functions[1];
    assert_eq!(worker.memory_size(), Some(1769));
    assert_eq!(worker.timeout(), Some(30));
    assert_eq!(worker.architectures(), [Architecture::Arm64]);
    assert_eq!(worker.runtime(), Some(&Runtime::Nodejs22x));
    let logging = worker.logging_config().expect("LoggingConfig");
    assert_eq!(logging.log_format(), Some(&LogFormat::Json));
    assert_eq!(logging.log_group(), Some("/custom/shared"));

    // GetFunction shows the same configuration.
    let got = lambda
        .get_function()
        .function_name("worker")
        .send()
        .await
        .expect("get_function");
    let config = got.configuration().expect("Configuration");
    assert_eq!(
        config.logging_config().and_then(|l| l.log_group()),
        Some("/custom/shared")
    );

    // GetAccountSettings (answered by the adapter: AWS defaults + usage from moto).
    let settings = lambda
        .get_account_settings()
        .send()
        .await
        .expect("get_account_settings");
    assert_eq!(
        settings.account_usage().map(|u| u.function_count()),
        Some(2)
    );
    assert_eq!(
        settings.account_limit().map(|l| l.concurrent_executions()),
        Some(1000)
    );

    // Lambda errors stay typed through the adapter.
    let error = lambda
        .get_function()
        .function_name("missing")
        .send()
        .await
        .expect_err("missing");
    assert!(
        error
            .as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception()),
        "{error:?}"
    );
}

#[tokio::test]
async fn sdk_config_and_env_vars_point_at_the_peer() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let config = aws.sdk_config().await;
    assert_eq!(config.region().map(|r| r.as_ref()), Some("us-east-1"));
    let vars = aws.env_vars();
    let get = |name: &str| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        get("AWS_ENDPOINT_URL_CLOUDWATCH"),
        Some(aws.cloudwatch_endpoint())
    );
    assert_eq!(
        get("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"),
        Some(aws.endpoint())
    );
    assert_eq!(get("AWS_ENDPOINT_URL_LAMBDA"), Some(aws.lambda_endpoint()));
    // The plain SDK constructors reach the peer through the config's [services] section.
    aws_sdk_cloudwatch::Client::new(&config)
        .list_metrics()
        .send()
        .await
        .expect("cloudwatch");
    aws_sdk_cloudwatchlogs::Client::new(&config)
        .describe_log_groups()
        .send()
        .await
        .expect("logs");
    aws_sdk_lambda::Client::new(&config)
        .list_functions()
        .send()
        .await
        .expect("lambda");

    // reset() empties moto.
    aws.create_log_group("/before-reset").await;
    aws.reset();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&config);
    let groups = logs
        .describe_log_groups()
        .send()
        .await
        .expect("describe_log_groups");
    assert!(groups.log_groups().is_empty());
}

/// The zip that `create_function` uploads is a real archive (moto itself never opens it).
#[test]
fn tiny_zip_is_a_valid_archive() {
    let path = std::env::temp_dir().join(format!("lambdatop-tiny-{}.zip", std::process::id()));
    std::fs::write(&path, support::peer::tiny_zip("index.py", b"print('hi')\n")).unwrap();
    let check = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
                 assert z.testzip() is None; print(z.read('index.py').decode(), end='')";
    let Some(python) = support::peer::python() else {
        return;
    };
    let output = std::process::Command::new(python)
        .args(["-c", check])
        .arg(&path)
        .output()
        .unwrap();
    std::fs::remove_file(&path).ok();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, b"print('hi')\n");
}

/// Pins the moto gaps listed at the top of this file, so a moto upgrade that fixes one shows up.
#[tokio::test]
async fn moto_gaps_are_as_documented() {
    use aws_sdk_cloudwatch::error::ProvideErrorMetadata;

    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let cloudwatch = aws.cloudwatch().await;
    let t0 = base_minute();
    aws.put_metric(
        "api",
        "Duration",
        StandardUnit::Milliseconds,
        &[(t0, 10.0), (t0, 20.0)],
    )
    .await;
    aws.put_metric("api", "Invocations", StandardUnit::Count, &[(t0, 4.0)])
        .await;
    let window = |request: aws_sdk_cloudwatch::operation::get_metric_data::builders::GetMetricDataFluentBuilder| {
        request
            .start_time(smithy_time(t0))
            .end_time(smithy_time(t0 + Duration::minutes(2)))
    };

    // Percentiles: HTTP 500 from moto, reported by the adapter.
    let error = window(cloudwatch.get_metric_data())
        .metric_data_queries(stat_query("p", "api", "Duration", "p99"))
        .send()
        .await
        .expect_err("moto cannot compute percentiles");
    assert_eq!(error.code(), Some("PeerAdapterError"), "{error:?}");
    assert!(error.message().unwrap_or_default().contains("HTTP 500"));

    // Metric math: a bare id is copied, arithmetic comes back empty.
    let output = window(cloudwatch.get_metric_data())
        .metric_data_queries(stat_query("d", "api", "Duration", "Sum"))
        .metric_data_queries(stat_query("i", "api", "Invocations", "Sum"))
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("copy")
                .expression("d")
                .build(),
        )
        .metric_data_queries(
            MetricDataQuery::builder()
                .id("ratio")
                .expression("d / i")
                .build(),
        )
        .send()
        .await
        .expect("get_metric_data with expressions");
    assert_eq!(series(&output, "copy").1, vec![30.0]);
    assert_eq!(
        series(&output, "ratio").1,
        Vec::<f64>::new(),
        "real CloudWatch: [7.5]"
    );

    // Buckets start at StartTime: from t0+30s, points at t0+40s and t0+70s share one bucket.
    aws.put_metric(
        "edge",
        "Errors",
        StandardUnit::Count,
        &[
            (t0 + Duration::seconds(40), 1.0),
            (t0 + Duration::seconds(70), 2.0),
        ],
    )
    .await;
    let output = cloudwatch
        .get_metric_data()
        .metric_data_queries(stat_query("e", "edge", "Errors", "Sum"))
        .start_time(smithy_time(t0 + Duration::seconds(30)))
        .end_time(smithy_time(t0 + Duration::minutes(2)))
        .send()
        .await
        .expect("get_metric_data unaligned");
    assert_eq!(
        series(&output, "e"),
        (vec![t0.timestamp() + 30], vec![3.0]),
        "real CloudWatch rounds StartTime down to the minute: t0 -> 1 and t0+60 -> 2"
    );

    // DescribeAlarms ignores MaxRecords.
    for name in ["a1", "a2", "a3"] {
        aws.put_alarm(&AlarmSeed::new(name, "api", "Errors", StateValue::Ok))
            .await;
    }
    let page = cloudwatch
        .describe_alarms()
        .max_records(1)
        .send()
        .await
        .expect("describe_alarms");
    assert_eq!(
        page.metric_alarms().len(),
        3,
        "real CloudWatch: 1 alarm and a NextToken"
    );
    assert_eq!(page.next_token(), None);

    // Filter patterns: moto reads a pattern as plain words only when it starts with a letter or
    // a quote; anything else (OR `?A ?B`, JSON `{ $.x = .. }`) matches every event, and an
    // exclusion (`A -B`) looks for the literal text "-B".
    aws.create_log_group("/g").await;
    aws.create_log_stream("/g", "s").await;
    aws.put_log_events(
        "/g",
        "s",
        &[
            (t0, "ERROR one"),
            (t0, "WARN two"),
            (t0, r#"{"level":"INFO"}"#),
        ],
    )
    .await;
    let logs = aws.logs().await;
    // (pattern, events moto returns, events CloudWatch Logs returns)
    for (pattern, moto, aws_count) in [
        ("?ERROR ?WARN", 3, 2),
        (r#"{ $.level = "ERROR" }"#, 3, 0),
        ("ERROR -WARN", 0, 1),
    ] {
        let found = logs
            .filter_log_events()
            .log_group_name("/g")
            .filter_pattern(pattern)
            .send()
            .await
            .expect("filter_log_events");
        assert_eq!(
            found.events().len(),
            moto,
            "pattern {pattern} (CloudWatch Logs: {aws_count})"
        );
    }
}

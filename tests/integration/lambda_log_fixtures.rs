//! Every real-world line of `tests/data/lambda-log-lines.jsonl` parses into the kind it is
//! labelled with, and REPORT-like lines carry the right fields.
//!
//! Labels that are not Lambda log messages parse as follows, on purpose:
//! - `log_stream`: a bare stream name is what `strip_viewer_prefix` removes, so nothing is left:
//!   [`LogLine::Unknown`].
//! - `log_group`: a bare `/aws/lambda/…` is indistinguishable from something the function
//!   printed: [`LogLine::App`] without level or request id.
//! - `invoke_response_error`: an Invoke API response body (`{"errorType", "errorMessage"}` only)
//!   is never written to CloudWatch; it parses as [`LogLine::Unknown`] so that a pasted response
//!   does not count as an extra error. (The runtime's own JSON error line carries a request id,
//!   level or timestamp and parses as a crash.)
//! - `report_lookalike` (Netlify's summary line) is a plain [`LogLine::App`].
//! - `json_platform_start_doc` is an AWS documentation example whose `type` says
//!   `platform.initStart`: it parses as what its type says, an init start.

use lambdatop::lambda_log::{Level, LogLine, PlatformStatus, ReportLine, parse};

struct Fixture {
    number: usize,
    kind: String,
    line: String,
}

fn fixtures() -> Vec<Fixture> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/lambda-log-lines.jsonl"
    ))
    .expect("fixture file");
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            let v: serde_json::Value = serde_json::from_str(l).expect("fixture line is JSON");
            Fixture {
                number: i + 1,
                kind: v["kind"].as_str().expect("kind").to_owned(),
                line: v["line"].as_str().expect("line").to_owned(),
            }
        })
        .collect()
}

/// The `LogLine::kind_name` each fixture label must parse into.
fn expected_kind(kind: &str) -> &'static str {
    match kind {
        "start" | "json_platform_start" => "start",
        "end" => "end",
        "report_lookalike" => "app",
        k if k.starts_with("report") || k.starts_with("json_platform_report") => "report",
        "init_start" | "json_platform_initStart" | "json_platform_start_doc" => "init_start",
        "init_report" | "json_platform_initReport" | "json_platform_initReport_doc" => {
            "init_report"
        }
        "restore_start" | "json_platform_restoreStart_doc" => "restore_start",
        "restore_report" | "json_platform_restoreReport_doc" => "restore_report",
        "extension" | "json_platform_extension" | "json_platform_extension_doc" => "extension",
        "telemetry"
        | "logs_subscription"
        | "json_platform_telemetrySubscription"
        | "json_platform_telemetrySubscription_doc" => "telemetry",
        "timeout" => "timeout",
        k if k.starts_with("crash_") => "crash",
        "json_platform_runtimeDone"
        | "json_platform_runtimeDone_doc"
        | "json_platform_initRuntimeDone" => "runtime_done",
        "json_platform_logsDropped_doc" => "platform",
        k if k.starts_with("emf") => "emf",
        "log_stream" | "invoke_response_error" => "unknown",
        k if k.starts_with("app_")
            || k.starts_with("json_app")
            || k.starts_with("json_telemetry_")
            || k.ends_with("_logger")
            || k == "extension_text"
            || k == "runtime_shutdown_text"
            || k == "log_group" =>
        {
            "app"
        }
        other => panic!("fixture kind {other} has no expectation: add one"),
    }
}

#[test]
fn every_fixture_line_parses_into_its_kind() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 203);
    let mut failures = Vec::new();
    for f in &fixtures {
        let parsed = parse(&f.line);
        let want = expected_kind(&f.kind);
        if parsed.kind_name() != want {
            failures.push(format!(
                "line {} ({}): want {want}, got {:?}\n    {:?}",
                f.number, f.kind, parsed, f.line
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn lookalikes_never_parse_as_report() {
    for f in fixtures().iter().filter(|f| f.kind == "report_lookalike") {
        assert!(!matches!(parse(&f.line), LogLine::Report(_)), "{}", f.line);
    }
}

#[test]
fn every_report_has_sane_fields() {
    for f in fixtures()
        .iter()
        .filter(|f| expected_kind(&f.kind) == "report")
    {
        let LogLine::Report(r) = parse(&f.line) else {
            panic!("line {} is not a report", f.number)
        };
        assert!(!r.request_id.is_empty(), "line {}", f.number);
        assert!(r.duration_ms >= 0.0, "line {}", f.number);
        assert!(r.memory_size_mb >= 128, "line {}", f.number);
        assert!(
            r.max_memory_used_mb <= r.memory_size_mb,
            "line {}",
            f.number
        );
        assert_eq!(
            f.kind.contains("snapstart"),
            r.restore_duration_ms().is_some(),
            "line {}",
            f.number
        );
        assert_eq!(
            f.kind.contains("xray"),
            r.xray_trace_id().is_some(),
            "line {}",
            f.number
        );
    }
}

fn report_of(number: usize) -> ReportLine<'static> {
    let f = fixtures().into_iter().nth(number - 1).expect("line exists");
    let line: &'static str = Box::leak(f.line.into_boxed_str());
    match parse(line) {
        LogLine::Report(r) => r,
        other => panic!("line {number} is not a report: {other:?}"),
    }
}

fn line_of(number: usize) -> LogLine<'static> {
    let f = fixtures().into_iter().nth(number - 1).expect("line exists");
    let line: &'static str = Box::leak(f.line.into_boxed_str());
    parse(line)
}

#[test]
fn report_with_runs_of_spaces_and_leading_indent() {
    // Line 143: `        REPORT RequestId: 0954acab-…  Duration: 2.03 ms       Billed Duration:
    // 90 ms  Memory Size: 128 MB     Max Memory Used: 36 MB  Init Duration: 87.78 ms`
    let r = report_of(143);
    assert_eq!(r.request_id, "0954acab-ed3f-494f-97c8-9791e0728419");
    assert_eq!(r.duration_ms, 2.03);
    assert_eq!(r.billed_duration_ms, 90);
    assert_eq!(r.memory_size_mb, 128);
    assert_eq!(r.max_memory_used_mb, 36);
    assert_eq!(r.init_duration_ms, Some(87.78));
    assert_eq!(r.restore_duration_ms(), None);
    assert_eq!(r.status, None);
}

#[test]
fn report_with_status_init_and_xray_on_a_second_line() {
    // Line 171: `17:57:55 REPORT RequestId: c4c2a78d-…\tDuration: 600000.00 ms\tBilled Duration:
    // 600517 ms\tMemory Size: 1024 MB\tMax Memory Used: 1024 MB\tInit Duration: 516.31 ms\t
    // Status: timeout\nXRAY TraceId: 1-6ac7d74a-…\tSegmentId: …\tSampled: true`
    let r = report_of(171);
    assert_eq!(r.request_id, "c4c2a78d-5976-4177-91ae-64e7418b9769");
    assert_eq!(r.duration_ms, 600000.0);
    assert_eq!(r.billed_duration_ms, 600517);
    assert_eq!(r.memory_size_mb, 1024);
    assert_eq!(r.max_memory_used_mb, 1024);
    assert_eq!(r.init_duration_ms, Some(516.31));
    assert_eq!(r.status, Some(PlatformStatus::Timeout));
    assert_eq!(r.error_type(), None);
    assert_eq!(
        r.xray_trace_id(),
        Some("1-6ac7d74a-019546e11f8bb3cd382c293c")
    );
}

#[test]
fn report_with_error_type() {
    // Line 170: `21:00:55  REPORT RequestId: 12131914-…\tDuration: 98.71 ms\tBilled Duration:
    // 99 ms\tMemory Size: 512 MB\tMax Memory Used: 46 MB\tStatus: error\tError Type:
    // Runtime.ImportModuleError`
    let r = report_of(170);
    assert_eq!(r.request_id, "12131914-ade7-4b3b-adbf-f01e971190d5");
    assert_eq!(r.duration_ms, 98.71);
    assert_eq!(r.billed_duration_ms, 99);
    assert_eq!(r.memory_size_mb, 512);
    assert_eq!(r.max_memory_used_mb, 46);
    assert_eq!(r.status, Some(PlatformStatus::Error));
    assert_eq!(r.error_type(), Some("Runtime.ImportModuleError"));
}

#[test]
fn snapstart_report_in_sam_logs_output() {
    // Line 163: `<stream> <time> REPORT RequestId: b771fecc-…\tDuration: 306.34 ms\tBilled
    // Duration: 610 ms\tMemory Size: 3009 MB\tMax Memory Used: 155 MB\tRestore Duration:
    // 511.25 ms\tBilled Restore Duration: 303 ms\t`
    let r = report_of(163);
    assert_eq!(r.request_id, "b771fecc-1b53-4faf-922d-1d74357b1676");
    assert_eq!(r.duration_ms, 306.34);
    assert_eq!(r.billed_duration_ms, 610);
    assert_eq!(r.memory_size_mb, 3009);
    assert_eq!(r.max_memory_used_mb, 155);
    assert_eq!(r.init_duration_ms, None);
    assert_eq!(r.restore_duration_ms(), Some(511.25));
    assert_eq!(r.billed_restore_duration_ms(), Some(303));
}

#[test]
fn report_fields_one_per_line_and_single_spaces() {
    // Line 164: fields separated by newlines; Restore Duration without Billed Restore Duration.
    let r = report_of(164);
    assert_eq!(r.request_id, "2f98d5aa-c63b-41e8-a9d2-0d2c21d7410d");
    assert_eq!(
        (r.duration_ms, r.billed_duration_ms, r.memory_size_mb),
        (13.82, 129, 512)
    );
    assert_eq!(r.max_memory_used_mb, 71);
    assert_eq!(r.restore_duration_ms(), Some(204.27));
    assert_eq!(r.billed_restore_duration_ms(), None);
    // Line 166: single spaces everywhere, restore + billed restore + XRAY in one line.
    let r = report_of(166);
    assert_eq!(r.duration_ms, 127.10);
    assert_eq!(r.billed_duration_ms, 154);
    assert_eq!((r.memory_size_mb, r.max_memory_used_mb), (2048, 212));
    assert_eq!(r.restore_duration_ms(), Some(325.93));
    assert_eq!(r.billed_restore_duration_ms(), Some(26));
    assert_eq!(
        r.xray_trace_id(),
        Some("1-66d978e5-56c7378e556e94b5461da07c")
    );
    // Line 169: a single space between `Billed Duration: 300000 ms` and `Memory Size`.
    let r = report_of(169);
    assert_eq!(r.billed_duration_ms, 300000);
    assert_eq!(r.memory_size_mb, 128);
    assert_eq!(r.status, Some(PlatformStatus::Timeout));
    // Line 154: request id redacted to `xyz`.
    assert_eq!(report_of(154).request_id, "xyz");
    // Line 159: docker-compose prefix.
    let r = report_of(159);
    assert_eq!(r.request_id, "1608e795-54dd-1076-5ec6-951729eb5d8a");
    assert_eq!((r.billed_duration_ms, r.memory_size_mb), (100, 1536));
}

#[test]
fn json_reports() {
    // Line 100: {"requestId":"aec7a529-…","metrics":{"durationMs":5000.0,"billedDurationMs":5000,
    // "memorySizeMB":128,"maxMemoryUsedMB":94},"status":"timeout"}
    let r = report_of(100);
    assert_eq!(r.request_id, "aec7a529-47f9-4090-be01-c9ed91bf83cf");
    assert_eq!(r.duration_ms, 5000.0);
    assert_eq!(r.billed_duration_ms, 5000);
    assert_eq!((r.memory_size_mb, r.max_memory_used_mb), (128, 94));
    assert_eq!(r.status, Some(PlatformStatus::Timeout));
    // Line 103: the AWS docs example with a trailing comma (invalid JSON) and no status.
    let r = report_of(103);
    assert_eq!(r.request_id, "6d68ca91-49c9-448d-89b8-7ca3e6dc66aa");
    assert_eq!(r.billed_duration_ms, 694);
    assert_eq!(r.init_duration_ms, Some(397.68));
    assert_eq!(r.status, None);
    // Line 104: SnapStart metrics.
    let r = report_of(104);
    assert_eq!(r.restore_duration_ms(), Some(500.795));
    assert_eq!(r.billed_restore_duration_ms(), Some(53));
    assert_eq!(r.status, Some(PlatformStatus::Success));
}

#[test]
fn platform_lines_fields() {
    match line_of(63) {
        LogLine::InitReport(l) => {
            assert_eq!(l.init_duration_ms, Some(180000.45));
            assert_eq!(l.phase.as_deref(), Some("invoke"));
            assert_eq!(l.status, Some(PlatformStatus::Timeout));
        }
        other => panic!("{other:?}"),
    }
    match line_of(64) {
        LogLine::InitReport(l) => {
            assert_eq!(l.init_duration_ms, Some(137.69));
            assert_eq!(l.status, Some(PlatformStatus::Error));
            assert_eq!(l.error_type.as_deref(), Some("Runtime.ImportModuleError"));
        }
        other => panic!("{other:?}"),
    }
    match line_of(73) {
        LogLine::InitStart(l) => {
            assert_eq!(l.runtime_version.as_deref(), Some("dotnet:6.v13"));
            assert!(
                l.runtime_version_arn
                    .as_deref()
                    .is_some_and(|a| a.starts_with("arn:aws:lambda:ap-southeast-2::runtime:"))
            );
        }
        other => panic!("{other:?}"),
    }
    match line_of(175) {
        LogLine::RestoreReport(l) => {
            assert_eq!(l.restore_duration_ms, Some(1236.04));
            assert_eq!(l.status, Some(PlatformStatus::Error));
            assert_eq!(l.error_type.as_deref(), Some("Runtime.ExitError"));
        }
        other => panic!("{other:?}"),
    }
    match line_of(56) {
        LogLine::Extension(l) => {
            assert_eq!(l.name.as_deref(), Some("go-example-extension"));
            assert_eq!(l.state.as_deref(), Some("Ready"));
            assert_eq!(l.items, vec!["INVOKE", "SHUTDOWN"]);
        }
        other => panic!("{other:?}"),
    }
    match line_of(203) {
        LogLine::Timeout(t) => {
            assert_eq!(
                t.request_id.as_deref(),
                Some("f2704689-7aa3-4af3-ac88-857c01c4bd45")
            );
            assert_eq!(t.timeout_s, Some(5.01));
        }
        other => panic!("{other:?}"),
    }
    match line_of(185) {
        LogLine::Start(s) => {
            assert_eq!(s.request_id, "7667964c-05ac-4891-b28c-56f1282ebc1b");
            assert_eq!(s.version.as_deref(), Some("56"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn crashes_name_their_error_type() {
    let error_type = |n: usize| match line_of(n) {
        LogLine::Crash(c) => c.error_type.map(|t| t.into_owned()),
        other => panic!("line {n}: {other:?}"),
    };
    assert_eq!(error_type(20).as_deref(), Some("SyntaxError"));
    assert_eq!(error_type(21).as_deref(), Some("Error")); // truncated JSON
    assert_eq!(
        error_type(22).as_deref(),
        Some("Runtime.UserCodeSyntaxError")
    );
    assert_eq!(error_type(24).as_deref(), Some("UnicodeDecodeError"));
    assert_eq!(error_type(26).as_deref(), Some("Runtime.ImportModuleError"));
    assert_eq!(error_type(29).as_deref(), Some("Runtime.InvalidEntrypoint"));
    assert_eq!(error_type(30).as_deref(), Some("Runtime.ExitError"));
    assert_eq!(error_type(31).as_deref(), Some("Runtime.ExitError"));
    assert_eq!(error_type(33).as_deref(), Some("Runtime.ExitError"));
    assert_eq!(error_type(23), None);
    assert_eq!(
        line_of(30).request_id(),
        Some("45b36944-5896-4d3b-a4eb-b2af494eb662")
    );
    assert_eq!(
        line_of(24).request_id(),
        Some("ca52c236-a38d-40fc-aa6b-7e3be2b7aa55")
    );
    // `undefined` as the request id during INIT is no request id.
    assert_eq!(line_of(22).request_id(), None);
    assert_eq!(line_of(22).level(), Some(Level::Error));
}

#[test]
fn application_lines_keep_level_and_request_id() {
    let app = |n: usize| match line_of(n) {
        LogLine::App(a) => (
            a.level,
            a.request_id.map(|r| r.into_owned()),
            a.message.into_owned(),
        ),
        other => panic!("line {n}: {other:?}"),
    };
    // .NET, lowercase level, behind a sam logs prefix.
    let (level, id, message) = app(1);
    assert_eq!(level, Some(Level::Info));
    assert_eq!(id.as_deref(), Some("83672355-7e84-4f9c-8663-407ad3355a46"));
    assert!(message.starts_with("{\"Version\""));
    // Java: timestamp then level, no request id.
    let (level, id, _) = app(2);
    assert_eq!((level, id), (Some(Level::Info), None));
    // Node.js before v10: no level column.
    let (level, id, message) = app(4);
    assert_eq!(level, None);
    assert_eq!(id.as_deref(), Some("479fb51c-1e38-11e7-99ca-67bf163608ed"));
    assert_eq!(message, "value3 = undefined");
    // Node.js with single spaces (console "Copy" form).
    let (level, id, message) = app(11);
    assert_eq!(level, Some(Level::Error));
    assert_eq!(id.as_deref(), Some("7d6cfdd3-bd26-5365-b14b-9c935c64b5f3"));
    assert_eq!(message, "[Processor] Task task-3 failed.");
    // Python.
    let (level, id, message) = app(14);
    assert_eq!(level, Some(Level::Info));
    assert_eq!(id.as_deref(), Some("dd6368f6-510f-4cf3-a4a9-cad237613c0d"));
    assert!(message.starts_with("Data exported"));
    // JSON application line.
    let (level, id, message) = app(87);
    assert_eq!(level, Some(Level::Info));
    assert_eq!(id.as_deref(), Some("d661f7cf-9208-46b9-85b0-213b04a91065"));
    assert_eq!(message, "Just some logs here =)");
    // Powertools .NET logger: level column from the text logger.
    let (level, id, _) = app(134);
    assert_eq!(level, Some(Level::Info));
    assert_eq!(id.as_deref(), Some("bed25b38-d012-42e7-ba28-f272535fb80e"));
    // Powertools Python: message is an object, request id under lambda_request_id.
    let (level, id, message) = app(136);
    assert_eq!(level, Some(Level::Info));
    assert_eq!(id.as_deref(), Some("52fdfc07-2182-154f-163f-5f0f9a621d72"));
    assert!(message.contains("collect_payment"));
    // Ruby `puts` after a sam logs timestamp: `START:` is not a START line.
    let (_, _, message) = app(16);
    assert_eq!(message, "START: 2025-10-12T20:22:14+09:00");
}

#[test]
fn emf_lines_name_their_metrics() {
    match line_of(40) {
        LogLine::Emf(e) => {
            assert_eq!(e.namespace.as_deref(), Some("ServerlessAirline"));
            assert_eq!(e.metrics.len(), 1);
            assert_eq!(e.metrics[0].name, "TurbineReads");
            assert_eq!(e.metrics[0].unit.as_deref(), Some("Count"));
            assert_eq!(e.metrics[0].values, vec![1.0, 8.0]);
        }
        other => panic!("{other:?}"),
    }
    match line_of(37) {
        LogLine::Emf(e) => {
            assert_eq!(
                e.request_id.as_deref(),
                Some("bed25b38-d012-42e7-ba28-f272535fb80e")
            );
            assert_eq!(e.metrics[0].name, "ColdStart");
            assert_eq!(e.metrics[0].values, vec![1.0]);
        }
        other => panic!("{other:?}"),
    }
    match line_of(36) {
        LogLine::Emf(e) => {
            assert_eq!(e.metrics.len(), 8);
            assert_eq!(
                e.request_id.as_deref(),
                Some("12345678-8bcc-42f7-b1de-123456789012")
            );
        }
        other => panic!("{other:?}"),
    }
}

mod never_panics {
    use super::*;
    use lambdatop::analytics::FunctionAnalytics;
    use lambdatop::lambda_log::strip_viewer_prefix;
    use proptest::prelude::*;

    fn real_lines() -> Vec<String> {
        fixtures().into_iter().map(|f| f.line).collect()
    }

    /// Edits of a real line: cut it, splice in noise, swap separators.
    fn mutate(line: &str, cut: usize, at: usize, noise: &str, tabs_to_spaces: bool) -> String {
        let mut chars: Vec<char> = line.chars().collect();
        let at = at % (chars.len() + 1);
        chars.splice(at..at, noise.chars());
        let cut = cut % (chars.len() + 1);
        chars.truncate(chars.len() - cut / 2);
        let s: String = chars.into_iter().collect();
        if tabs_to_spaces {
            s.replace('\t', " ")
        } else {
            s
        }
    }

    proptest! {
        #[test]
        fn parse_any_string(s in any::<String>()) {
            let line = parse(&s);
            let _ = (line.request_id(), line.level(), line.kind_name());
            let _ = strip_viewer_prefix(&s);
        }

        #[test]
        fn parse_platform_shaped_noise(
            s in "(START |END |REPORT |INIT_REPORT |RESTORE_REPORT |EXTENSION |\\{|\\[ERROR\\] |RequestId: )?[A-Za-z :.\t\n{}\"0-9\\[\\]-]{0,80}"
        ) {
            let _ = parse(&s);
        }

        #[test]
        fn parse_mutated_real_lines(
            index in 0usize..203,
            cut in any::<usize>(),
            at in any::<usize>(),
            noise in "[\\PC\t\n\r ]{0,8}",
            tabs_to_spaces in any::<bool>(),
        ) {
            let lines = real_lines();
            let line = mutate(&lines[index % lines.len()], cut, at, &noise, tabs_to_spaces);
            let parsed = parse(&line);
            let mut analytics = FunctionAnalytics::with_caps(4, 4);
            let at = chrono::DateTime::UNIX_EPOCH;
            analytics.ingest(at, &parsed);
            analytics.ingest(at, &parsed);
        }
    }
}

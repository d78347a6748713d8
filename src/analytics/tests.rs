use chrono::TimeZone;

use super::*;

fn t(second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, second)
        .single()
        .expect("valid time")
}

fn report(id: &str, duration: f64, billed: u64, size: u32, used: u32, extra: &str) -> String {
    format!(
        "REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\t\
         Memory Size: {size} MB\tMax Memory Used: {used} MB\t{extra}"
    )
}

fn feed(a: &mut FunctionAnalytics, lines: &[String]) {
    for (i, line) in lines.iter().enumerate() {
        a.ingest_message(t(i as u32 % 60), line);
    }
}

#[test]
fn cost_of_three_invocations_by_hand() {
    // A: 100 ms billed at 128 MB  = 0.1 s × 0.125 GB = 0.0125 GB-s
    // B: 200 ms billed at 128 MB  = 0.2 s × 0.125 GB = 0.025  GB-s
    // C: 1000 ms billed at 1024 MB = 1 s × 1 GB      = 1.0    GB-s
    // total 1.0375 GB-s; requests 3 × $0.20 / 1M = $0.0000006
    // x86_64: 1.0375 × 0.0000166667 = 0.00001729170125 → + 0.0000006 = 0.00001789170125
    // arm64:  1.0375 × 0.0000133334 = 0.0000138334025  → + 0.0000006 = 0.0000144334025
    // Billed Duration is used as logged: A's Duration is 2.5 ms, its billed 100 ms counts.
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            report("a", 2.5, 100, 128, 50, ""),
            report("b", 199.2, 200, 128, 60, ""),
            report("c", 999.9, 1000, 1024, 300, ""),
        ],
    );
    let pricing = Pricing::default();
    let x86 = a.summary(&pricing, Architecture::X86_64);
    assert_eq!(x86.billed_ms_total, 1300);
    assert!((x86.gb_seconds - 1.0375).abs() < 1e-12);
    assert!(
        (x86.cost_usd - 0.000_017_891_701_25).abs() < 1e-15,
        "{}",
        x86.cost_usd
    );
    let arm = a.summary(&pricing, Architecture::Arm64);
    assert!(
        (arm.cost_usd - 0.000_014_433_402_5).abs() < 1e-15,
        "{}",
        arm.cost_usd
    );
}

#[test]
fn snapstart_billed_restore_duration_is_billed() {
    // 500 ms + 75 ms billed restore at 1024 MB = 0.575 GB-s.
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[report(
            "s",
            469.4,
            500,
            1024,
            21,
            "Restore Duration: 474.16 ms\tBilled Restore Duration: 75 ms",
        )],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.billed_ms_total, 575);
    assert!((s.gb_seconds - 0.575).abs() < 1e-12);
    assert_eq!(s.restores, 1);
    assert_eq!(s.cold_starts, 1);
    assert_eq!(s.restore_ms_p50, Some(474.16));
    assert_eq!(s.init_ms_p50, None);
}

#[test]
fn duration_percentiles_by_hand() {
    // Durations 1..=9 and 100 ms. Nearest rank over 10 samples:
    // p50 = 5th = 5, p90 = 9th = 9, p99 = 10th = 100, max = 100.
    let mut a = FunctionAnalytics::new();
    let mut lines = Vec::new();
    for (i, d) in [3.0, 1.0, 100.0, 2.0, 9.0, 4.0, 8.0, 5.0, 7.0, 6.0]
        .into_iter()
        .enumerate()
    {
        lines.push(report(&format!("r{i}"), d, d as u64, 128, 40, ""));
    }
    feed(&mut a, &lines);
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    let close = |got: Option<f64>, want: f64| {
        got.is_some_and(|g| (g - want).abs() <= want * RELATIVE_ERROR)
    };
    assert!(close(s.duration_ms_p50, 5.0), "{:?}", s.duration_ms_p50);
    assert!(close(s.duration_ms_p90, 9.0), "{:?}", s.duration_ms_p90);
    assert_eq!(s.duration_ms_p99, Some(100.0));
    assert_eq!(s.duration_ms_max, Some(100.0));
}

#[test]
fn cold_start_rate_and_init_percentiles() {
    // 4 invocations: 2 cold with Init Duration 200 and 400 ms, 2 warm.
    // rate 2/4 = 0.5; init p50 = 1st of 2 = 200; init p99 = 2nd = 400.
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            report("a", 10.0, 11, 128, 40, "Init Duration: 200.00 ms"),
            report("b", 10.0, 11, 128, 40, ""),
            report("c", 10.0, 11, 128, 40, "Init Duration: 400.00 ms"),
            report("d", 10.0, 11, 128, 40, ""),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.cold_starts, 2);
    assert_eq!(s.cold_start_rate, Some(0.5));
    assert_eq!(s.init_ms_p50, Some(200.0));
    assert_eq!(s.init_ms_p99, Some(400.0));
    let cold: Vec<bool> = a.recent().map(|i| i.cold_start.is_some()).collect();
    assert_eq!(cold, vec![true, false, true, false]);
}

#[test]
fn timeout_line_and_timeout_report_are_one_timeout() {
    let id = "13222b1e-f16b-4550-89df-869ab0a9806d";
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            format!("START RequestId: {id} Version: $LATEST"),
            format!("2025-01-01T00:00:03.000Z {id} Task timed out after 3.00 seconds"),
            format!("END RequestId: {id}"),
            report(id, 3000.0, 3000, 1024, 64, "Status: timeout"),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!((s.invocations, s.timeouts, s.errors), (1, 1, 0));
    let last = a.recent().next_back().expect("one invocation");
    assert_eq!(last.status, InvocationStatus::Timeout);
    assert_eq!(a.in_flight(), 0);
}

#[test]
fn timeout_line_after_the_report_is_not_counted_twice() {
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            report("x-1", 3000.0, 3000, 128, 64, "Status: timeout"),
            "2025-01-01T00:00:03.000Z x-1 Task timed out after 3.00 seconds".to_owned(),
            // An older platform without `Status:` on the REPORT: the late line upgrades it.
            report("x-2", 3000.0, 3000, 128, 64, ""),
            "RequestId: x-2 Error: Task timed out after 3.00 seconds".to_owned(),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!((s.invocations, s.timeouts, s.errors), (2, 2, 0));
    assert_eq!(a.in_flight(), 0);
}

#[test]
fn crashes_before_and_after_the_report_are_errors() {
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            "START RequestId: c-1 Version: 1".to_owned(),
            "RequestId: c-1 Error: Runtime exited with error: signal: killed\nRuntime.ExitError"
                .to_owned(),
            report("c-1", 50.0, 50, 128, 128, ""),
            report("c-2", 81.13, 100, 1024, 74, ""),
            "RequestId: c-2 Process exited before completing request".to_owned(),
            report(
                "c-3",
                98.71,
                99,
                512,
                46,
                "Status: error\tError Type: Runtime.ImportModuleError",
            ),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!((s.invocations, s.errors, s.timeouts), (3, 3, 0));
    let by_type: Vec<(&str, u64)> = s
        .errors_by_type
        .iter()
        .map(|e| (e.error_type.as_str(), e.count))
        .collect();
    assert_eq!(
        by_type,
        vec![
            (UNKNOWN_ERROR_TYPE, 1),
            ("Runtime.ExitError", 1),
            ("Runtime.ImportModuleError", 1)
        ]
    );
}

#[test]
fn interleaved_streams_fold_by_request_id() {
    let mut a = FunctionAnalytics::new();
    a.ingest_message(t(1), "START RequestId: aaaa-1111 Version: 1");
    a.ingest_message(t(2), "START RequestId: bbbb-2222 Version: 1");
    a.ingest_message(t(3), &report("bbbb-2222", 5.0, 5, 128, 30, ""));
    assert_eq!(a.in_flight(), 1);
    a.ingest_message(t(4), &report("aaaa-1111", 5.0, 5, 128, 30, ""));
    assert_eq!(a.in_flight(), 0);
    let ended: Vec<&str> = a.recent().map(|i| i.request_id.as_str()).collect();
    assert_eq!(ended, vec!["bbbb-2222", "aaaa-1111"]);
}

#[test]
fn json_format_invocation() {
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            r#"{"time":"2026-07-09T06:05:45.500Z","type":"platform.start","record":{"requestId":"aec7a529","version":"$LATEST"}}"#.to_owned(),
            r#"{"time":"2026-07-09T06:05:50.562Z","type":"platform.runtimeDone","record":{"requestId":"aec7a529","status":"timeout","metrics":{"durationMs":5001.182,"producedBytes":0}}}"#.to_owned(),
            r#"{"time":"2026-07-09T06:05:50.581Z","type":"platform.report","record":{"requestId":"aec7a529","metrics":{"durationMs":5000.0,"billedDurationMs":5000,"memorySizeMB":128,"maxMemoryUsedMB":94,"initDurationMs":120.5},"status":"timeout"}}"#.to_owned(),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::Arm64);
    assert_eq!((s.invocations, s.timeouts, s.cold_starts), (1, 1, 1));
    assert_eq!(s.init_ms_p50, Some(120.5));
}

#[test]
fn memory_distribution_and_right_sizing_hint() {
    // 99 invocations at 41 MB and one at 60 MB: p99 = 99th of 100 = 41, max = 60.
    let mut a = FunctionAnalytics::new();
    let mut lines: Vec<String> = (0..99)
        .map(|i| report(&format!("m-{i}"), 1.0, 1, 128, 41, ""))
        .collect();
    lines.push(report("m-99", 1.0, 1, 128, 60, ""));
    feed(&mut a, &lines);
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.memory_size_mb, Some(128));
    assert_eq!(s.max_memory_used_mb, Some(60));
    assert_eq!(s.max_memory_used_mb_p99, Some(41));
    assert_eq!(s.memory_sizes_mb, Some((128, 128)));
    assert_eq!(s.memory_used_ratio, Some(60.0 / 128.0));
    assert_eq!(
        s.right_sizing_hint.as_deref(),
        Some("p99 uses 41 of 128 MB")
    );
}

#[test]
fn mixed_memory_sizes_are_measured_per_invocation() {
    // 1024 MB using 900 (87.9 %), then 128 MB using 100 (78.1 %), then 512 MB using 300: the
    // largest share is 900 / 1024, never 900 / 128 (703 %) or 900 / 512 of the latest size.
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            report("a", 1.0, 1, 1024, 900, ""),
            report("b", 1.0, 1, 128, 100, ""),
            report("c", 1.0, 1, 512, 300, ""),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.memory_size_mb, Some(512));
    assert_eq!(s.memory_sizes_mb, Some((128, 1024)));
    assert_eq!(s.memory_used_ratio, Some(900.0 / 1024.0));
    assert_eq!(s.max_memory_used_mb, Some(900));
    // p99 against which size? None is said.
    assert_eq!(s.right_sizing_hint, None);
}

#[test]
fn pending_and_recent_are_bounded() {
    let mut a = FunctionAnalytics::with_caps(100, 10);
    for i in 0..1_000 {
        a.ingest_message(t(0), &format!("START RequestId: p-{i}"));
    }
    assert!(a.in_flight() <= 100);
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.evicted + s.in_flight, 1_000);
    // The newest are kept: its REPORT ends one of them.
    let in_flight = a.in_flight();
    a.ingest_message(t(1), &report("p-999", 1.0, 1, 128, 1, ""));
    assert_eq!(a.in_flight(), in_flight - 1);
    for i in 0..50 {
        a.ingest_message(t(2), &report(&format!("q-{i}"), 1.0, 1, 128, 1, ""));
    }
    assert_eq!(a.recent().len(), 10);
    assert_eq!(
        a.recent().next().map(|i| i.request_id.as_str()),
        Some("q-40")
    );
}

#[test]
fn error_types_are_bounded() {
    let mut a = FunctionAnalytics::new();
    for i in 0..(MAX_ERROR_TYPES + 10) {
        a.ingest_message(
            t(0),
            &report(
                &format!("e-{i}"),
                1.0,
                1,
                128,
                1,
                &format!("Status: error\tError Type: E{i}"),
            ),
        );
    }
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.errors_by_type.len(), MAX_ERROR_TYPES + 1);
    assert_eq!(s.errors_by_type[0].error_type, OTHER_ERROR_TYPES);
    assert_eq!(s.errors_by_type[0].count, 10);
}

#[test]
fn emf_metrics_and_error_lines() {
    let mut a = FunctionAnalytics::new();
    feed(
        &mut a,
        &[
            r#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Reads","Unit":"Count"}]}]},"Reads":[1.0,8.0]}"#.to_owned(),
            r#"{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Reads","Unit":"Count"}]}]},"Reads":3}"#.to_owned(),
            "2025-01-01T00:00:00.000Z\tabcd-1234\tERROR\tboom".to_owned(),
            "2025-01-01T00:00:00.000Z\tabcd-1234\tINFO\tfine".to_owned(),
        ],
    );
    let s = a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(s.error_lines, 1);
    assert_eq!(s.custom_metrics.len(), 1);
    let reads = &s.custom_metrics[0];
    assert_eq!(reads.name, "Reads");
    assert_eq!(
        (
            reads.stats.count,
            reads.stats.sum,
            reads.stats.max,
            reads.stats.last
        ),
        (3, 12.0, 8.0, 3.0)
    );
}

#[test]
fn snapshot_report_has_exactly_the_contract_keys_and_figures() {
    use crate::snapshot::document::LogReport;
    // The JSON's `report` object is made from the registry's `report.*` keys.
    let keys: Vec<&str> = crate::figures::FIGURES
        .iter()
        .filter_map(|d| d.key?.strip_prefix("report."))
        .collect();
    assert_eq!(
        keys,
        [
            "invocations",
            "cold_starts",
            "timeouts",
            "errors",
            "duration_ms_p50",
            "duration_ms_p99",
            "init_ms_p50",
            "billed_ms_total",
            "memory_size_mb",
            "max_memory_used_mb",
            "cost_usd"
        ]
    );
    let mut a = FunctionAnalytics::new();
    let empty = LogReport::from(&a.summary(&Pricing::default(), Architecture::X86_64));
    assert_eq!(empty.invocations, 0);
    assert_eq!(empty.duration_ms_p50, None);
    assert_eq!(empty.memory_size_mb, None);
    assert_eq!(empty.cost_usd, 0.0);
    a.ingest_message(
        t(0),
        &report("k", 1000.0, 1000, 1024, 100, "Init Duration: 50.00 ms"),
    );
    let one = LogReport::from(&a.summary(&Pricing::default(), Architecture::X86_64));
    assert_eq!(one.invocations, 1);
    assert_eq!(one.cold_starts, 1);
    assert_eq!(one.duration_ms_p50, Some(1000.0));
    assert_eq!(one.init_ms_p50, Some(50.0));
    assert_eq!(one.billed_ms_total, 1000);
    assert_eq!(one.memory_size_mb, Some(1024));
    assert_eq!(one.max_memory_used_mb, Some(100));
    // 1 GB-s × 0.0000166667 + 1 × 0.0000002
    assert!((one.cost_usd - 0.000_016_866_7).abs() < 1e-15);
}

#[test]
fn the_recent_ring_grows_with_use_up_to_its_cap() {
    let mut a = FunctionAnalytics::with_caps(16, 100);
    feed(&mut a, &[report("r0", 1.0, 1, 128, 40, "")]);
    assert!(a.recent.capacity() < 16, "{}", a.recent.capacity());
    let lines: Vec<String> = (0..250)
        .map(|i| report(&format!("r{i}"), 1.0, 1, 128, 40, ""))
        .collect();
    feed(&mut a, &lines);
    assert_eq!(a.recent().len(), 100);
    assert_eq!(a.recent.capacity(), 100);
    let mut small = FunctionAnalytics::with_caps(4, 3);
    feed(&mut small, &lines);
    assert_eq!(small.recent().len(), 3);
    assert_eq!(
        a.recent().last().map(|i| i.request_id.as_str()),
        Some("r249")
    );
}

#[test]
fn lines_it_does_not_fold_change_nothing() {
    let fixtures = include_str!("../../tests/data/lambda-log-lines.jsonl");
    let mut lines: Vec<String> = fixtures
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["line"].as_str().map(str::to_string))
        .collect();
    // Invocations that the lines below can refer to, failing and not.
    for id in ["a1", "b2"] {
        lines.push(format!("START RequestId: {id} Version: $LATEST"));
        lines.push(format!("2025-01-01T00:00:01.000Z\t{id}\tERROR\tboom"));
        lines.push(format!("2025-01-01T00:00:01.000Z\t{id}\tINFO\tfine"));
        lines.push(format!("END RequestId: {id}"));
        lines.push(report(id, 12.5, 13, 128, 40, ""));
    }
    assert!(lines.len() > 50, "fixtures read");
    let (mut all, mut folded) = (FunctionAnalytics::new(), FunctionAnalytics::new());
    let mut skipped = 0;
    for (i, line) in lines.iter().enumerate() {
        let parsed = crate::lambda_log::parse(line);
        all.ingest(t(i as u32 % 60), &parsed);
        if FunctionAnalytics::folds(&parsed) {
            folded.ingest(t(i as u32 % 60), &parsed);
        } else {
            skipped += 1;
        }
    }
    assert!(skipped > 10, "only {skipped} lines skipped");
    let pricing = Pricing::default();
    assert_eq!(
        all.summary(&pricing, Architecture::X86_64),
        folded.summary(&pricing, Architecture::X86_64)
    );
    assert!(all.recent().eq(folded.recent()));
    assert_eq!(all.in_flight(), folded.in_flight());
}

#[test]
fn a_report_standing_for_its_start_folds_as_the_two_lines() {
    // At the cap of pending invocations, a START makes room (the oldest tenth goes) before its
    // REPORT ends it: the REPORT that stands for both does the same.
    let feed_starts = |a: &mut FunctionAnalytics| {
        for i in 0..100 {
            a.ingest_message(t(0), &format!("START RequestId: p-{i}"));
        }
    };
    let (mut both, mut paired) = (
        FunctionAnalytics::with_caps(100, 10),
        FunctionAnalytics::with_caps(100, 10),
    );
    feed_starts(&mut both);
    feed_starts(&mut paired);
    both.ingest_message(t(1), "START RequestId: q-1");
    both.ingest_message(t(1), &report("q-1", 5.0, 5, 128, 30, ""));
    paired.start_and_complete(t(1), &r_of(&report("q-1", 5.0, 5, 128, 30, "")));
    let summary = |a: &FunctionAnalytics| a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(summary(&both), summary(&paired));
    assert_eq!(
        (summary(&paired).in_flight, summary(&paired).evicted),
        (90, 10)
    );
    // A START of its id still pending (read before it) is the one it ends.
    paired.start_and_complete(t(3), &r_of(&report("p-99", 7.0, 7, 128, 30, "")));
    assert_eq!(summary(&paired).in_flight, 89);
}

fn r_of(line: &str) -> crate::lambda_log::ReportLine<'_> {
    match crate::lambda_log::parse(line) {
        LogLine::Report(r) => r,
        other => panic!("not a REPORT: {other:?}"),
    }
}

#[test]
fn reports_expected_in_a_row_keep_the_same_recent_invocations() {
    // 25 REPORTs (some with their START) into a ring of 10: told to expect them, only the last
    // 10 are copied, and the ring holds what it would have.
    let lines: Vec<String> = (0..25)
        .flat_map(|i| {
            let report = report(&format!("r-{i}"), 1.0 + f64::from(i), 2, 128, 30 + i, "");
            // Lines that fold nothing may come between (a block keeps one).
            match i % 3 {
                0 => vec![format!("START RequestId: r-{i}"), report],
                1 => vec![report, format!("END RequestId: r-{i}")],
                _ => vec![report],
            }
        })
        .collect();
    let (mut told, mut untold) = (
        FunctionAnalytics::with_caps(100, 10),
        FunctionAnalytics::with_caps(100, 10),
    );
    told.expect_reports(25);
    feed(&mut told, &lines);
    feed(&mut untold, &lines);
    let ids = |a: &FunctionAnalytics| a.recent().map(|i| i.request_id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&told),
        (15..25).map(|i| format!("r-{i}")).collect::<Vec<_>>()
    );
    assert!(told.recent().eq(untold.recent()));
    let summary = |a: &FunctionAnalytics| a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(summary(&told), summary(&untold));
    // Fewer than the ring holds: every one is kept.
    let mut few = FunctionAnalytics::with_caps(100, 10);
    few.expect_reports(3);
    feed(&mut few, &lines[..5]);
    assert_eq!(few.recent().count(), 3);
}

#[test]
fn a_run_with_a_crash_after_its_report_keeps_every_report_as_recent() {
    // The crash looks back at c-0 among the completed invocations: with a ring of one, c-0 must
    // still be there when it comes, so nothing is skipped.
    let lines = [
        report("c-0", 5.0, 5, 128, 30, ""),
        "RequestId: c-0 Process exited before completing request".to_owned(),
        report("c-1", 6.0, 6, 128, 30, ""),
    ];
    let parsed: Vec<LogLine> = lines.iter().map(|l| parse(l)).collect();
    let (mut told, mut untold) = (
        FunctionAnalytics::with_caps(100, 1),
        FunctionAnalytics::with_caps(100, 1),
    );
    told.expect(parsed.iter().map(Some));
    feed(&mut told, &lines);
    feed(&mut untold, &lines);
    let summary = |a: &FunctionAnalytics| a.summary(&Pricing::default(), Architecture::X86_64);
    assert_eq!(summary(&told), summary(&untold));
    assert_eq!(summary(&told).errors, 1);
    // A run of REPORTs alone: only the last is copied, the same one.
    let mut alone = FunctionAnalytics::with_caps(100, 1);
    let reports = [lines[0].clone(), lines[2].clone()];
    let parsed: Vec<LogLine> = reports.iter().map(|l| parse(l)).collect();
    alone.expect(parsed.iter().map(Some));
    feed(&mut alone, &reports);
    assert_eq!(
        alone
            .recent()
            .map(|i| i.request_id.as_str())
            .collect::<Vec<_>>(),
        ["c-1"]
    );
}

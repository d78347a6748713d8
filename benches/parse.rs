//! Parse and analytics throughput.
//!
//! Besides the criterion groups, `main` times `lambdatop --replay FILE --once --output json`
//! over a 1,000,000-line log (START / application line / END / REPORT per invocation) against
//! `grep -c REPORT` on the same file, the yardstick replay is held to (within 2×).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group};
use lambdatop::analytics::{FunctionAnalytics, Pricing};
use lambdatop::lambda_log::parse;
use lambdatop::model::Architecture;

/// A deterministic request id (UUID shaped).
fn request_id(state: &mut u64) -> String {
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let a = *state;
    *state = state
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let b = *state;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// `invocations` × (START, application line, END, REPORT), one message per line; the
/// application lines carry the time (one invocation every 40 ms), the others take it on.
fn mixed_log(invocations: usize) -> String {
    let mut state = 42;
    let mut out = String::with_capacity(invocations * 380);
    let first = Utc
        .with_ymd_and_hms(2024, 2, 9, 8, 42, 44)
        .single()
        .expect("valid time");
    for i in 0..invocations {
        let at = (first + chrono::Duration::milliseconds(40 * i as i64))
            .format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let id = request_id(&mut state);
        let duration = (i * 7919 % 90_000) as f64 / 100.0 + 1.0;
        let init = if i % 50 == 0 {
            "Init Duration: 183.22 ms\t"
        } else {
            ""
        };
        out.push_str(&format!(
            "START RequestId: {id} Version: $LATEST\n\
             {at}\t{id}\tINFO\tprocessing order {i} for customer\n\
             END RequestId: {id}\n\
             REPORT RequestId: {id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\t\
             Memory Size: 128 MB\tMax Memory Used: {} MB\t{init}\n",
            duration.ceil() as u64,
            40 + i % 50,
        ));
    }
    out
}

fn report_log(lines: usize) -> String {
    mixed_log(lines)
        .lines()
        .filter(|l| l.starts_with("REPORT"))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Parses every line of `log`; the REPORT lines counted.
fn parse_all(log: &str) -> usize {
    let mut reports = 0;
    for line in log.lines() {
        if matches!(
            parse(black_box(line)),
            lambdatop::lambda_log::LogLine::Report(_)
        ) {
            reports += 1;
        }
    }
    reports
}

fn bench_parse(c: &mut Criterion) {
    let reports = report_log(10_000);
    let mixed = mixed_log(2_500);
    // The same work measured twice: in bytes (MB/s) and in lines (lines/s).
    for (group_name, in_lines) in [("parse", false), ("parse_lines", true)] {
        let mut group = c.benchmark_group(group_name);
        for (name, log) in [("report_lines", &reports), ("mixed_lines", &mixed)] {
            group.throughput(if in_lines {
                Throughput::Elements(log.lines().count() as u64)
            } else {
                Throughput::Bytes(log.len() as u64)
            });
            group.bench_function(name, |b| b.iter(|| parse_all(log)));
        }
        group.finish();
    }

    let mut group = c.benchmark_group("analytics");
    group.throughput(Throughput::Bytes(mixed.len() as u64));
    let at = Utc
        .timestamp_opt(1_700_000_000, 0)
        .single()
        .expect("valid time");
    group.bench_function("parse_and_ingest_mixed", |b| {
        b.iter(|| {
            let mut analytics = FunctionAnalytics::new();
            for line in mixed.lines() {
                analytics.ingest(at, &parse(line));
            }
            analytics
                .summary(&Pricing::default(), Architecture::X86_64)
                .invocations
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = bench_parse
}

/// Times `lambdatop --replay FILE --once --output json` (the binary this bench was built with)
/// against `grep -c REPORT` on the same 1,000,000-line file, best of 40 each.
fn end_to_end_against_grep() {
    let path = std::env::temp_dir().join(format!("lambdatop-bench-1m-{}.log", std::process::id()));
    let log = mixed_log(250_000);
    let lines = log.lines().count();
    // Written out to disk before timing, so that writeback does not compete with the commands.
    let written = std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(log.as_bytes()).and_then(|()| f.sync_all()));
    if let Err(e) = written {
        eprintln!("end-to-end: cannot write {}: {e}", path.display());
        return;
    }
    drop(log);
    let time = |mut command: std::process::Command| {
        let start = Instant::now();
        // Captured, not sent to /dev/null: GNU grep stops at the first match when its output
        // is discarded.
        let output = command.output();
        let elapsed = start.elapsed().as_secs_f64();
        black_box(output.map(|o| o.stdout.len()).unwrap_or(0));
        elapsed
    };
    let grep = || {
        let mut c = std::process::Command::new("grep");
        c.args(["-c", "REPORT"]).arg(&path);
        c
    };
    let ours = || {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_lambdatop"));
        c.arg("--replay")
            .arg(&path)
            .args(["--once", "--output", "json"]);
        c
    };
    // One round to warm up, then the best of forty; the two commands take turns, so that a
    // machine busier for a while slows both. On a shared machine, a busy neighbour slows two
    // threads more than grep's one: the median of the rounds' ratios says how much.
    let (mut grep_best, mut ours_best) = (f64::INFINITY, f64::INFINITY);
    let mut ratios = Vec::new();
    for round in 0..41 {
        let (g, o) = (time(grep()), time(ours()));
        if round > 0 {
            grep_best = grep_best.min(g);
            ours_best = ours_best.min(o);
            ratios.push(o / g);
        }
    }
    ratios.sort_by(f64::total_cmp);
    let (grep, ours) = (grep_best, ours_best);
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "end-to-end: {lines} lines, {:.1} MB: lambdatop --replay FILE --once --output json {:.1} ms \
         ({:.2} M lines/s, {:.0} MB/s); grep -c REPORT {:.1} ms; ratio {:.2}x (median of the \
         rounds {:.2}x)",
        bytes as f64 / 1e6,
        ours * 1e3,
        lines as f64 / ours / 1e6,
        bytes as f64 / ours / 1e6,
        grep * 1e3,
        ours / grep,
        ratios[ratios.len() / 2],
    );
    if std::env::var_os("KEEP").is_none() {
        let _ = std::fs::remove_file(&path);
    }
}

fn main() {
    end_to_end_against_grep();
    benches();
    Criterion::default().configure_from_args().final_summary();
}

//! `--replay`: saved and piped logs analysed end to end, checked against hand-computed figures.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use lambdatop::format::count;

fn lambdatop(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    lambdatop_fed(args, stdin.map(str::as_bytes), Duration::ZERO)
}

/// Runs lambdatop with `stdin` written to it after `pause`.
fn lambdatop_fed(args: &[&str], stdin: Option<&[u8]>, pause: Duration) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lambdatop");
    let mut pipe = child.stdin.take().unwrap();
    std::thread::sleep(pause);
    if let Some(input) = stdin {
        pipe.write_all(input).unwrap();
    }
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn row<'a>(table: &'a str, name: &str) -> Vec<&'a str> {
    table
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("no row {name} in\n{table}"))
        .split_whitespace()
        .collect()
}

#[test]
fn aws_logs_tail_output_with_a_timeout() {
    // Two invocations: 100 ms (cold) and a 3,000 ms timeout. Errors count the timeout, as
    // CloudWatch does: 1 of 2 = 50%. Average (100 + 3000) / 2 = 1550 ms; max = p99 = 3000 ms.
    let (code, out, err) = lambdatop(&["--replay", "tests/data/replay/tail.log", "--once"], None);
    assert_eq!(code, 0, "{err}");
    let r = row(&out, "tail");
    assert_eq!(r[1..5], ["2", "1", "0", "50.0%"], "{out}");
    assert_eq!(r[5..11], ["1.55", "s", "3.00", "s", "3.00", "s"], "{out}");
    assert!(
        out.contains("last 15m (from 2024-03-05 09:51 UTC to 2024-03-05 10:05 UTC)"),
        "{out}"
    );
}

#[test]
fn filter_log_events_json_named_by_function_flag() {
    // bbbb-1 failed (41.50 ms), bbbb-2 succeeded (8.25 ms): avg 24.875 → "24.9 ms".
    let (code, out, err) = lambdatop(
        &[
            "--replay",
            "tests/data/replay/filter-log-events.json",
            "--function",
            "checkout",
            "--once",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let r = row(&out, "checkout");
    assert_eq!(r[1..5], ["2", "1", "0", "50.0%"], "{out}");
    assert_eq!(r[5..7], ["24.9", "ms"], "{out}");
}

#[test]
fn piped_plain_messages_from_stdin() {
    let input = "START RequestId: c1 Version: $LATEST\n\
                 REPORT RequestId: c1\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n";
    let (code, out, err) = lambdatop(&["--replay", "-", "--once"], Some(input));
    assert_eq!(code, 0, "{err}");
    let r = row(&out, "stdin");
    assert_eq!(r[1..5], ["1", "0", "0", "0%"], "{out}");
    // Input came at once: nothing to say about waiting, nor anything else.
    assert_eq!(err, "");
}

#[test]
fn a_long_pipe_gives_the_same_snapshot_as_the_file() {
    // About 1.4 MB: several blocks, read from the pipe as they come.
    let mut log = String::new();
    for i in 0..4_000u32 {
        let id = format!("{i:08x}-1b2c-4d5e-9f00-aabbccddeeff");
        let init = if i % 40 == 0 {
            "Init Duration: 150.50 ms\t"
        } else {
            ""
        };
        log.push_str(&format!(
            "2024-02-09T08:{:02}:{:02}.000Z\t{id}\tINFO\tstarting\n\
             START RequestId: {id} Version: $LATEST\n\
             END RequestId: {id}\n\
             REPORT RequestId: {id}\tDuration: {}.25 ms\tBilled Duration: {} ms\t\
             Memory Size: 256 MB\tMax Memory Used: {} MB\t{init}\n",
            i / 60 % 60,
            i % 60,
            i % 900,
            i % 900 + 1,
            60 + i % 70,
        ));
    }
    let path = std::env::temp_dir().join(format!("lambdatop-pipe-{}.log", std::process::id()));
    std::fs::write(&path, &log).unwrap();
    let args = |input: &str| {
        [
            "--replay",
            input,
            "--function",
            "orders",
            "--once",
            "--output",
            "json",
        ]
        .map(str::to_string)
    };
    let file_args = args(path.to_str().unwrap());
    let file_args: Vec<&str> = file_args.iter().map(String::as_str).collect();
    let (code, from_file, err) = lambdatop(&file_args, None);
    assert_eq!(code, 0, "{err}");
    let pipe_args = args("-");
    let pipe_args: Vec<&str> = pipe_args.iter().map(String::as_str).collect();
    let (code, from_pipe, err) = lambdatop(&pipe_args, Some(&log));
    assert_eq!(code, 0, "{err}");
    std::fs::remove_file(&path).unwrap();
    assert!(from_file.contains("\"invocations\": 4000"), "{from_file}");
    assert_eq!(from_file, from_pipe);
}

#[test]
fn a_log_without_invocations_still_lists_its_function() {
    let (code, out, err) = lambdatop(
        &["--replay", "-", "--once"],
        Some("starting up\nno request yet\nEND RequestId: 1\n"),
    );
    assert_eq!(code, 0, "{err}");
    let r = row(&out, "stdin");
    assert_eq!(r[1..5], ["0", "0", "0", "0%"], "{out}");
}

#[test]
fn a_missing_file_is_one_clear_error() {
    let (code, _, err) = lambdatop(&["--replay", "tests/data/replay/nope.log", "--once"], None);
    assert_eq!(code, 1);
    assert!(
        err.contains("cannot open tests/data/replay/nope.log"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // No word on log formats: the file is not there.
    assert!(
        err.trim_end()
            .ends_with("No such file or directory (os error 2)"),
        "{err}"
    );
}

#[test]
fn lines_before_the_first_timestamp_take_its_time() {
    // The START line carries no time: it takes the time of the first line that has one, not
    // the time the replay runs, so the window covers the log and the invocation counts.
    let input = "START RequestId: d1 Version: $LATEST\n\
                 2024-02-09T08:42:44.078Z\td1\tINFO\thello\n\
                 END RequestId: d1\n\
                 REPORT RequestId: d1\tDuration: 12.00 ms\tBilled Duration: 12 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\t\n";
    let (code, out, err) = lambdatop(
        &["--replay", "-", "--once", "--output", "json"],
        Some(input),
    );
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["window"]["end"], "2024-02-09T08:42:44Z", "{out}");
    assert_eq!(json["totals"]["invocations"], 1, "{out}");
    assert_eq!(json["functions"][0]["report"]["invocations"], 1, "{out}");
}

fn report(id: &str, ms: &str) -> String {
    format!(
        "REPORT RequestId: {id}\tDuration: {ms} ms\tBilled Duration: 13 ms\t\
         Memory Size: 128 MB\tMax Memory Used: 50 MB\t"
    )
}

fn json_of(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn an_over_long_line_is_cut_and_said() {
    // A 3 MiB line between the START and the REPORT of one invocation, and another at the end
    // without a newline: both cut, the invocation still read.
    let long = "A".repeat(3 << 20);
    let input = format!(
        "START RequestId: c1 Version: $LATEST\n{long}\n{}\n{long}",
        report("c1", "12.00")
    );
    let (code, out, err) = lambdatop(
        &["--replay", "-", "--once", "--output", "json"],
        Some(&input),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_of(&out)["totals"]["invocations"], 1, "{out}");
    assert_eq!(
        err,
        "lambdatop: warning: 2 lines longer than 1 MiB were cut to their first 1 MiB\n"
    );
}

#[test]
fn json_that_breaks_off_fails_unless_the_part_read_is_accepted() {
    // Cut in the middle of the fifth event (bbbb-2's REPORT): the first four are bbbb-1, which
    // failed.
    let whole = std::fs::read_to_string("tests/data/replay/filter-log-events.json").unwrap();
    let cut = whole.find("REPORT RequestId: bbbb-2").unwrap();
    let path = std::env::temp_dir().join(format!("lambdatop-cut-{}.json", std::process::id()));
    std::fs::write(&path, &whole[..cut]).unwrap();
    let path_arg = path.to_str().unwrap();
    let args = ["--replay", path_arg, "--function", "checkout", "--once"];

    let (code, out, err) = lambdatop(&args, None);
    assert_eq!(code, 1, "{out}");
    assert_eq!(out, "");
    let said = format!(
        "lambdatop: cannot read logs: {path_arg} is not valid JSON after byte {}: \
         EOF while parsing a string",
        count(cut as u64)
    );
    assert!(err.starts_with(&said), "{err}");
    assert!(
        err.contains("; 4 events read, the rest (") && err.contains("--accept-partial"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");

    let (code, out, err) = lambdatop(
        &[&args[..], &["--accept-partial", "--output", "json"]].concat(),
        None,
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code, 0, "{err}");
    let json = json_of(&out);
    assert_eq!(json["functions"][0]["report"]["invocations"], 1, "{out}");
    assert_eq!(json["functions"][0]["report"]["errors"], 1, "{out}");
    assert!(
        err.starts_with(&format!(
            "lambdatop: warning: {path_arg} is not valid JSON after byte {}",
            count(cut as u64)
        )) && err.ends_with("; the events read were analysed (--accept-partial)\n"),
        "{err}"
    );
}

#[test]
fn invalid_json_after_a_document_fails() {
    let input = r#"{"events": [{"message": "REPORT RequestId: a\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB", "timestamp": 1709632800000}]}
not json"#;
    let (code, out, err) = lambdatop(&["--replay", "-", "--once"], Some(input));
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with("lambdatop: cannot read logs: standard input is not valid JSON after byte"),
        "{err}"
    );
    // The rest: `]}`, the newline and `not json`.
    assert!(
        err.contains("1 event read, the rest (11 bytes) was not"),
        "{err}"
    );
}

#[test]
fn subscription_payloads_one_after_another_are_all_read() {
    let payload = |group: &str, events: &[(u64, &str)]| {
        let events: Vec<String> = events
            .iter()
            .map(|(ms, message)| {
                format!(
                    r#"{{"id":"{ms}","timestamp":{ms},"message":{}}}"#,
                    serde_json::Value::from(*message)
                )
            })
            .collect();
        format!(
            r#"{{"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"/aws/lambda/{group}","logStream":"2024/03/05/[$LATEST]ab","subscriptionFilters":["all"],"logEvents":[{}]}}"#,
            events.join(",")
        )
    };
    let input = format!(
        "{}\n{}",
        payload("orders", &[(1709632800000, &report("o-1", "10.00"))]),
        payload(
            "payments",
            &[
                (1709632801000, &report("p-1", "20.00")),
                (1709632802000, &report("p-2", "30.00")),
            ]
        ),
    );
    let (code, out, err) = lambdatop(
        &["--replay", "-", "--once", "--output", "json"],
        Some(&input),
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let json = json_of(&out);
    let functions: Vec<(&str, u64, f64)> = json["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["report"]["invocations"].as_u64().unwrap(),
                f["duration_ms"]["avg"].as_f64().unwrap(),
            )
        })
        .collect();
    // Average durations: 10 ms; (20 + 30) / 2 = 25 ms.
    assert_eq!(
        functions,
        [("payments", 2, 25.0), ("orders", 1, 10.0)],
        "{out}"
    );
}

#[test]
fn a_gzip_payload_is_refused_with_a_hint() {
    // The first bytes of a gzip stream (a subscription payload as Kinesis or S3 stores it).
    let (code, out, err) = lambdatop_fed(
        &["--replay", "-", "--once"],
        Some(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\x56"),
        Duration::ZERO,
    );
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert!(
        err.starts_with(
            "lambdatop: cannot read logs: standard input is compressed with gzip: decompress it \
             first (gunzip -c FILE | lambdatop --replay -)"
        ),
        "{err}"
    );
}

#[test]
fn a_stalled_pipe_is_said_once() {
    let input = format!(
        "START RequestId: s1 Version: $LATEST\n{}\n",
        report("s1", "12.00")
    );
    let (code, out, err) = lambdatop_fed(
        &["--replay", "-", "--once", "--output", "json"],
        Some(input.as_bytes()),
        Duration::from_millis(3500),
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(json_of(&out)["totals"]["invocations"], 1, "{out}");
    assert_eq!(
        err,
        "lambdatop: waiting for log lines on standard input \
         (end it with Ctrl-D, or pipe a finished file)\n"
    );
}

#[test]
fn an_invocation_read_twice_is_counted_once() {
    // Three invocations (the second timed out), saved twice and concatenated, then a retry of
    // the first a minute later: four invocations, one timeout. Durations 10, 3000, 20 and the
    // retry's 40 ms: average (10 + 3000 + 20 + 40) / 4 = 767.5 ms.
    let id = |n: u32| format!("{n:08x}-1b2c-4d5e-9f00-aabbccddeeff");
    let log = format!(
        "2024-03-05T10:00:00.000Z START RequestId: {} Version: $LATEST\n\
         2024-03-05T10:00:00.010Z {}\n\
         2024-03-05T10:00:01.000Z START RequestId: {} Version: $LATEST\n\
         2024-03-05T10:00:04.000Z {} Task timed out after 3.00 seconds\n\
         2024-03-05T10:00:04.000Z {}\n\
         2024-03-05T10:00:05.000Z START RequestId: {} Version: $LATEST\n\
         2024-03-05T10:00:05.020Z {}\n",
        id(1),
        report(&id(1), "10.00"),
        id(2),
        id(2),
        report(&id(2), "3000.00"),
        id(3),
        report(&id(3), "20.00"),
    );
    let retry = format!(
        "2024-03-05T10:01:00.000Z START RequestId: {} Version: $LATEST\n\
         2024-03-05T10:01:00.040Z {}\n",
        id(1),
        report(&id(1), "40.00")
    );
    let input = format!("{log}{log}{retry}");
    let (code, out, err) = lambdatop(
        &[
            "--replay",
            "-",
            "--function",
            "f",
            "--once",
            "--output",
            "json",
        ],
        Some(&input),
    );
    assert_eq!(code, 0, "{err}");
    let json = json_of(&out);
    let f = &json["functions"][0];
    assert_eq!(f["report"]["invocations"], 4, "{out}");
    assert_eq!(f["report"]["timeouts"], 1, "{out}");
    assert_eq!(f["duration_ms"]["avg"], 767.5, "{out}");
    assert_eq!(
        err,
        "lambdatop: warning: 3 REPORT lines repeating an invocation already read \
         (the same request id, time and figures) were not counted again\n"
    );
}

#[test]
fn times_beyond_the_year_9999_are_no_time() {
    // The REPORT's timestamp is in the year 82269: it is no time, and the line takes the START's.
    let input = format!(
        r#"{{"events": [
            {{"timestamp": 1709632800000, "message": "START RequestId: t-1 Version: $LATEST"}},
            {{"timestamp": 2534023007999999, "message": "{}"}}
        ]}}"#,
        report("t-1", "12.00").replace('\t', "\\t")
    );
    let (code, out, err) = lambdatop(
        &["--replay", "-", "--once", "--output", "json"],
        Some(&input),
    );
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let json = json_of(&out);
    assert_eq!(json["window"]["end"], "2024-03-05T10:00:00Z", "{out}");
    assert_eq!(json["window"]["start"], "2024-03-05T09:46:00Z", "{out}");
    assert_eq!(json["totals"]["invocations"], 1, "{out}");
}

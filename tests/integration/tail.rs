//! `lambdatop tail`: log lines printed as they arrive, end to end — from the demo account, from
//! standard input, and from a local AWS peer while events are being written.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, DurationRound, Utc};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::peer::{FunctionSeed, LocalAws};

/// The keys of every `-o jsonl` line, in order (the README's contract).
const JSON_KEYS: [&str; 9] = [
    "time",
    "function",
    "region",
    "stream",
    "request_id",
    "level",
    "message",
    "report",
    "account",
];

/// The keys of `report` on a REPORT line, in order.
const REPORT_KEYS: [&str; 9] = [
    "duration_ms",
    "billed_duration_ms",
    "memory_size_mb",
    "max_memory_used_mb",
    "init_duration_ms",
    "restore_duration_ms",
    "cold_start",
    "status",
    "error_type",
];

const CLOCK: &str = "2026-03-14T10:00:00Z";

/// The demo account's last three minutes before [`CLOCK`], printed once.
const DEMO: [&str; 7] = [
    "tail",
    "--demo",
    "--clock",
    CLOCK,
    "--since",
    "3m",
    "--no-follow",
];

/// `lambdatop tail` on [`DEMO`] with `extra` arguments.
fn demo(extra: &[&str]) -> (i32, String, String) {
    run(&[&DEMO[..], extra].concat(), "")
}

fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdatop"));
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("HOME", std::env::temp_dir());
    cmd
}

/// Runs lambdatop with `stdin`; its exit code, standard output and standard error.
fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run lambdatop");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_bytes()).unwrap();
    drop(pipe);
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn json_lines(out: &str) -> Vec<serde_json::Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Checks that each line of `out` has the documented keys in order, and `report` its keys on a
/// REPORT line; the number of REPORT lines.
fn check_keys(out: &str) -> usize {
    let mut reports = 0;
    for (text, l) in out.lines().zip(json_lines(out)) {
        assert_eq!(keys_in_order(text, &l), JSON_KEYS, "{text}");
        if l["report"].is_null() {
            continue;
        }
        reports += 1;
        let report = &text[text.find("\"report\":").unwrap()..];
        assert_eq!(keys_in_order(report, &l["report"]), REPORT_KEYS, "{text}");
    }
    reports
}

/// The keys of a JSON object, in the order of the line `text` (whose values hold no `"key":`).
fn keys_in_order<'a>(text: &str, v: &'a serde_json::Value) -> Vec<&'a str> {
    let mut keys: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_by_key(|k| text.find(&format!("\"{k}\":")));
    keys
}

fn time(v: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(v["time"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

/// Waits for `child` to exit, at most `limit`.
fn wait(child: &mut Child, limit: StdDuration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        std::thread::sleep(StdDuration::from_millis(50));
    }
    let _ = child.kill();
    None
}

#[test]
fn demo_prints_the_window_oldest_first_with_the_documented_keys() {
    let (code, out, err) = demo(&["-o", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let lines = json_lines(&out);
    assert!(lines.len() > 100, "{}", lines.len());
    let since = DateTime::parse_from_rfc3339("2026-03-14T09:57:00Z").unwrap();
    let reports = check_keys(&out);
    for pair in lines.windows(2) {
        assert!(time(&pair[0]) <= time(&pair[1]), "oldest first: {pair:?}");
    }
    for l in &lines {
        assert!(time(l) >= since && time(l) <= DateTime::parse_from_rfc3339(CLOCK).unwrap());
        assert_eq!(l["region"], "us-east-1");
        assert!(l["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(
            l["time"].as_str().unwrap().len(),
            "2026-03-14T09:57:00.000Z".len()
        );
        let is_report = l["message"]
            .as_str()
            .unwrap()
            .starts_with("REPORT RequestId");
        assert_eq!(!l["report"].is_null(), is_report, "{l}");
        if is_report {
            assert_eq!(l["request_id"].as_str().map(str::len), Some(36));
        }
    }
    assert!(reports > 10, "{reports}");

    // The same lines as text, REPORT lines as logged: one line of text per event (the demo
    // writes one physical line per event).
    let (code, text, _) = demo(&["--reports", "raw"]);
    assert_eq!(code, 0);
    // A message of several lines goes on indented.
    let firsts = text.lines().filter(|l| !l.starts_with("  ")).count();
    assert_eq!(firsts, lines.len());
    let first = text.lines().next().unwrap();
    let expected = format!(
        "{} {} ",
        lines[0]["time"].as_str().unwrap(),
        lines[0]["function"].as_str().unwrap()
    );
    assert!(first.starts_with(&expected), "{first}");
    // Piped, without --color always: no colour.
    assert!(!text.contains('\x1b'));
    // Summaries instead of REPORT lines; hidden with --reports hide.
    let (_, summary, _) = demo(&[]);
    assert!(!summary.contains("REPORT RequestId"));
    assert!(summary.lines().any(|l| l.contains(" MB billed ")));
    let summarised = summary.lines().filter(|l| {
        let mark = l.split(' ').nth(4).unwrap_or("");
        ["✓", "✗", "⏱"].contains(&mark)
    });
    assert_eq!(summarised.count(), reports);
    let (_, hidden, _) = demo(&["--reports", "hide"]);
    let firsts = hidden.lines().filter(|l| !l.starts_with("  ")).count();
    assert_eq!(firsts, lines.len() - reports);
}

#[test]
fn functions_filter_and_colour_select_what_is_printed() {
    let (_, all, _) = demo(&["-o", "jsonl"]);
    let all = json_lines(&all);
    let orders = |l: &&serde_json::Value| l["function"].as_str().unwrap().starts_with("orders-");
    let errors = |l: &&serde_json::Value| l["level"] == "error" || l["level"] == "fatal";
    let want = all.iter().filter(orders).filter(errors).count();
    assert!(want > 0, "the demo has failing orders functions");
    let (code, out, err) = demo(&["orders-*", "-o", "jsonl", "--filter", "level:error"]);
    assert_eq!(code, 0, "{err}");
    let got = json_lines(&out);
    assert_eq!(got.len(), want);
    assert!(got.iter().all(|l| orders(&l) && errors(&l)));

    // A negated word drops lines; several globs add up.
    let filter = "-\"START RequestId\" -\"END RequestId\"";
    let (_, two, _) = demo(&["orders-*", "auth-*", "--filter", filter, "-o", "jsonl"]);
    let two = json_lines(&two);
    assert!(two.iter().any(|l| orders(&l)));
    assert!(
        two.iter()
            .any(|l| l["function"].as_str().unwrap().starts_with("auth-"))
    );
    assert!(two.iter().all(|l| {
        let m = l["message"].as_str().unwrap();
        !m.starts_with("START RequestId") && !m.starts_with("END RequestId")
    }));

    // A name that matches nothing is said.
    let (code, out, err) = demo(&["nothing-*", "ordres-prod-api"]);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(
        err,
        "lambdatop: note: no function is named like {nothing-*,ordres-prod-api}\n"
    );

    // A bad filter is a usage error, before anything runs.
    let (code, out, err) = demo(&["--filter", "level:loud"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.contains("invalid --filter: unknown level \"loud\""),
        "{err}"
    );
    // Options of the dashboard are refused with tail.
    let (code, _, err) = run(&["--window", "1h", "tail", "--demo"], "");
    assert_eq!(code, 2);
    assert!(
        err.contains("--window is an option of the dashboard"),
        "{err}"
    );

    // Colour when asked, never with NO_COLOR.
    let (_, coloured, _) = demo(&["--color", "always"]);
    assert!(coloured.contains("\x1b[36m"));
    let out = command(&[&DEMO[..], &["--color", "auto"]].concat())
        .env("NO_COLOR", "1")
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!out.stdout.is_empty());
    assert!(!out.stdout.contains(&0x1b));
}

#[test]
fn replay_from_standard_input_prints_every_line_made_inert() {
    let input = "\
2024-03-05T10:00:00.100000+00:00 2024/03/05/[$LATEST]6e67a1 START RequestId: aaaa-1 Version: $LATEST
2024-03-05T10:00:00.200000+00:00 2024/03/05/[$LATEST]6e67a1 2024-03-05T10:00:00.200Z\taaaa-1\tINFO\thello \x1b]52;c;cHduZWQ=\x07 there
2024-03-05T10:00:00.300000+00:00 2024/03/05/[$LATEST]6e67a1 END RequestId: aaaa-1
2024-03-05T10:00:00.300000+00:00 2024/03/05/[$LATEST]6e67a1 REPORT RequestId: aaaa-1\tDuration: 100.00 ms\tBilled Duration: 100 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 200.00 ms
2024-03-05T10:05:00.100000+00:00 2024/03/05/[$LATEST]6e67a1 START RequestId: aaaa-2 Version: $LATEST
2024-03-05T10:05:03.100000+00:00 2024/03/05/[$LATEST]6e67a1 2024-03-05T10:05:03.100Z aaaa-2 Task timed out after 3.00 seconds
2024-03-05T10:05:03.100000+00:00 2024/03/05/[$LATEST]6e67a1 END RequestId: aaaa-2
2024-03-05T10:05:03.100000+00:00 2024/03/05/[$LATEST]6e67a1 REPORT RequestId: aaaa-2\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout
";
    let replay = |extra: &[&str]| {
        let args = ["tail", "--replay", "-", "--function", "orders"];
        run(&[&args[..], extra].concat(), input)
    };
    let (code, out, err) = replay(&["--no-follow"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "\
2024-03-05T10:00:00.100Z orders START RequestId: aaaa-1 Version: $LATEST
2024-03-05T10:00:00.200Z orders 2024-03-05T10:00:00.200Z aaaa-1 INFO hello ␛]52;c;cHduZWQ=␇ there
2024-03-05T10:00:00.300Z orders END RequestId: aaaa-1
2024-03-05T10:00:00.300Z orders REPORT aaaa-1 ✓ 100 ms 40/128 MB cold 200 ms billed 100 ms
2024-03-05T10:05:00.100Z orders START RequestId: aaaa-2 Version: $LATEST
2024-03-05T10:05:03.100Z orders 2024-03-05T10:05:03.100Z aaaa-2 Task timed out after 3.00 seconds
2024-03-05T10:05:03.100Z orders END RequestId: aaaa-2
2024-03-05T10:05:03.100Z orders REPORT aaaa-2 ⏱ timeout 3000 ms 60/128 MB billed 3000 ms
"
    );

    // JSON escapes the control characters; --since and --filter select lines.
    let (code, out, err) = replay(&[
        "-o",
        "jsonl",
        "--since",
        "2024-03-05T10:01:00Z",
        "--filter",
        "level:error",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines = json_lines(&out);
    // The timeout's REPORT line is an error; the runtime's line with a request id this short is
    // not recognised as one (it is printed as logged, see below).
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(lines[0]["request_id"], "aaaa-2");
    assert_eq!(lines[0]["stream"], "2024/03/05/[$LATEST]6e67a1");
    assert_eq!(lines[0]["region"], serde_json::Value::Null);
    assert_eq!(lines[0]["level"], "error");
    assert_eq!(lines[0]["report"]["status"], "timeout");
    assert_eq!(lines[0]["report"]["billed_duration_ms"], 3000);
    assert_eq!(lines[0]["report"]["cold_start"], false);
    let replayed = |filter: &str| {
        let args = [
            "tail",
            "--replay",
            "-",
            "--function",
            "orders",
            "-o",
            "jsonl",
        ];
        run(&[&args[..], &["--filter", filter]].concat(), input).1
    };
    let out = replayed("timed");
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 1, "{out}");
    assert_eq!(
        lines[0]["message"],
        "2024-03-05T10:05:03.100Z aaaa-2 Task timed out after 3.00 seconds"
    );
    let out = replayed("hello");
    assert!(
        out.contains(r"hello \u001b]52;c;cHduZWQ=\u0007 there"),
        "{out}"
    );
}

#[test]
fn a_closed_pipe_ends_the_tail_quietly_and_ctrl_c_leaves_whole_lines() {
    // `lambdatop tail --demo --follow | head -1`: the demo writes every second.
    let mut child = command(&["tail", "--demo", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.ends_with('\n'));
    drop(reader);
    let status = wait(&mut child, StdDuration::from_secs(20)).expect("the tail ends");
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!((status.code(), err.as_str()), (Some(0), ""));

    // A quiet log: the tail finds out that its reader went away without a line to write.
    let mut child = command(&["tail", "--replay", "-", "--function", "orders", "--follow"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(b"2024-03-05T10:00:00.100000+00:00 s START RequestId: aaaa-1 Version: $LATEST\n")
        .unwrap();
    input.flush().unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    assert!(first.contains("START RequestId: aaaa-1"), "{first}");
    let closed = Instant::now();
    drop(reader);
    // Standard input stays open: no line comes, none is written.
    let status = wait(&mut child, StdDuration::from_secs(10)).expect("the tail ends");
    assert_eq!(status.code(), Some(0));
    assert!(
        closed.elapsed() < StdDuration::from_secs(3),
        "{:?}",
        closed.elapsed()
    );
    drop(input);

    // Ctrl-C: exit 130, every line whole.
    let child = command(&["tail", "--demo", "--follow", "-o", "jsonl"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(StdDuration::from_millis(2500));
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.ends_with('\n'), "whole lines only");
    assert!(json_lines(&text).len() > 10);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// Several streams, bursts of events in one millisecond, events arriving late: followed through
/// the local AWS peer, every line comes out once.
#[tokio::test(flavor = "multi_thread")]
async fn following_aws_prints_every_line_exactly_once() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let group = "/aws/lambda/orders";
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.create_log_group(group).await;
    aws.create_function(&FunctionSeed::new("billing")).await;
    aws.create_log_group("/aws/lambda/billing").await;
    aws.create_log_stream("/aws/lambda/billing", "2026/03/14/[$LATEST]b")
        .await;
    let streams: Vec<String> = (0..3)
        .map(|i| format!("2026/03/14/[$LATEST]{i:032x}"))
        .collect();
    for s in &streams {
        aws.create_log_stream(group, s).await;
    }
    let ms = |at: DateTime<Utc>| at.duration_trunc(Duration::milliseconds(1)).unwrap();
    // Before --since (10 minutes by default): never printed. Inside it: printed first.
    let start = Utc::now();
    aws.put_log_events(
        group,
        &streams[0],
        &[
            (ms(start - Duration::minutes(20)), "too old"),
            (ms(start - Duration::minutes(5)), "ev-backlog"),
        ],
    )
    .await;
    // Another function's lines, not asked for.
    aws.put_log_events(
        "/aws/lambda/billing",
        "2026/03/14/[$LATEST]b",
        &[(ms(start - Duration::minutes(1)), "not orders")],
    )
    .await;

    let mut child = command(&["tail", "orders", "--follow", "-o", "jsonl"])
        .envs(aws.env_vars())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        // Lines as they come, so that the tail never waits on a full pipe.
        BufReader::new(stdout)
            .lines()
            .map(|l| l.unwrap())
            .collect::<Vec<String>>()
    });

    // 40 s of writing: every second a burst of 20 events in one millisecond, in each stream;
    // every third second, events 8 s late.
    const ROUNDS: usize = 40;
    let mut written = vec!["ev-backlog".to_string()];
    for round in 0..ROUNDS {
        let now = ms(Utc::now());
        for (i, s) in streams.iter().enumerate() {
            let mut events: Vec<(DateTime<Utc>, String)> = (0..20)
                .map(|n| (now, format!("ev-{round}-{i}-{n}")))
                .collect();
            if round % 3 == 2 {
                events.push((now - Duration::seconds(8), format!("ev-{round}-{i}-late")));
            }
            written.extend(events.iter().map(|(_, m)| m.clone()));
            let borrowed: Vec<(DateTime<Utc>, &str)> =
                events.iter().map(|(t, m)| (*t, m.as_str())).collect();
            aws.put_log_events(group, s, &borrowed).await;
        }
        tokio::time::sleep(StdDuration::from_secs(1)).await;
    }
    // Two more rounds of the poller (every 5 s) to read the last events, then Ctrl-C.
    tokio::time::sleep(StdDuration::from_secs(11)).await;
    kill(Pid::from_raw(child.id() as i32), Signal::SIGINT).unwrap();
    let status = wait(&mut child, StdDuration::from_secs(10)).expect("Ctrl-C ends the tail");
    let lines = reader.join().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");

    check_keys(&lines.join("\n"));
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert_eq!(v["function"], "orders", "{l}");
        assert_eq!(v["region"], "us-east-1");
        assert!(streams.iter().any(|s| v["stream"] == s.as_str()), "{l}");
        *count
            .entry(v["message"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    let repeated: Vec<_> = count.iter().filter(|(_, n)| **n > 1).collect();
    let missing: Vec<_> = written.iter().filter(|m| !count.contains_key(*m)).collect();
    let unexpected: Vec<_> = count.keys().filter(|m| !written.contains(m)).collect();
    assert!(repeated.is_empty(), "repeated: {repeated:?}");
    assert!(
        missing.is_empty(),
        "missing {} of {}: {missing:?}",
        missing.len(),
        written.len()
    );
    assert!(unexpected.is_empty(), "unexpected: {unexpected:?}");
    assert_eq!(lines.len(), written.len());
    assert_eq!(written.len(), 1 + ROUNDS * 3 * 20 + (ROUNDS + 1) / 3 * 3);
}

/// Without --follow, the lines since --since are printed and the tail exits.
#[tokio::test(flavor = "multi_thread")]
async fn without_follow_aws_prints_the_window_and_exits() {
    let Some(aws) = LocalAws::start_or_skip() else {
        return;
    };
    let group = "/aws/lambda/orders";
    let stream = "2026/03/14/[$LATEST]0123456789abcdef";
    aws.create_function(&FunctionSeed::new("orders")).await;
    aws.create_log_group(group).await;
    aws.create_log_stream(group, stream).await;
    let now = Utc::now()
        .duration_trunc(Duration::milliseconds(1))
        .unwrap();
    aws.put_log_events(
        group,
        stream,
        &[
            (
                now - Duration::minutes(50),
                "2026-03-14T09:00:00.000Z\tr0000000-0000-4000-8000-000000000001\tERROR\ttoo old",
            ),
            (
                now - Duration::minutes(20),
                "2026-03-14T09:00:00.000Z\tr1000000-0000-4000-8000-000000000001\tERROR\tboom",
            ),
            (
                now - Duration::minutes(19),
                "2026-03-14T09:00:00.000Z\tr1000000-0000-4000-8000-000000000001\tINFO\tfine",
            ),
            (
                now - Duration::minutes(2),
                "2026-03-14T09:00:00.000Z\tr2000000-0000-4000-8000-000000000001\tERROR\thealthcheck failed",
            ),
        ],
    )
    .await;
    let out = command(&[
        "tail",
        "--since",
        "30m",
        "--filter",
        "level:error -healthcheck",
    ])
    .envs(aws.env_vars())
    .output()
    .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let text = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "{} orders 2026-03-14T09:00:00.000Z r1000000-0000-4000-8000-000000000001 ERROR boom\n",
        (now - Duration::minutes(20)).format("%Y-%m-%dT%H:%M:%S%.3fZ")
    );
    assert_eq!(text, expected);
}

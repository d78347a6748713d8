//! `--replay` reads its input in blocks parsed on several threads: however the input is cut and
//! however many threads parse it, the store ends up the same as when one thread reads it whole.

use crate::common;

use std::fmt::Write as _;

use lambdatop::cli::OutputFormat;
use lambdatop::figures::Selection;
use lambdatop::snapshot::{self, Snapshot, Style};
use lambdatop::source::replay::ReplaySource;
use lambdatop::store::Store;

/// A small deterministic generator.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// A messy log: interleaved invocations of three functions (named by `aws logs tail` stream
/// prefixes or not at all), cold starts, timeouts, crashes, error lines, lines without a time
/// (some before the first time), bare clocks, blank lines and `\r\n`.
fn messy_log(seed: u64, invocations: usize) -> String {
    let mut rng = Lcg(seed);
    let mut out = String::new();
    let mut open: Vec<(usize, Option<&str>)> = Vec::new();
    let streams = [
        None,
        Some("2024/02/09/orders[$LATEST]0a1b2c"),
        Some("2024/02/09/payments[7]9f8e7d"),
    ];
    let mut second = 0u64;
    let mut started = 0;
    while started < invocations || !open.is_empty() {
        second += rng.below(3);
        let ts = format!(
            "2024-02-09T08:{:02}:{:02}.{:03}Z",
            (second / 60) % 60,
            second % 60,
            rng.below(1000)
        );
        // As `aws logs tail` prints them.
        let tail_ts = format!("{}000+00:00", ts.trim_end_matches('Z'));
        let prefix = |stream: Option<&str>| match stream {
            Some(s) => format!("{tail_ts} {s} "),
            None => String::new(),
        };
        match rng.below(10) {
            0..=2 if started < invocations => {
                let stream = streams[rng.below(3) as usize];
                let _ = writeln!(
                    out,
                    "{}START RequestId: id-{started} Version: $LATEST",
                    prefix(stream)
                );
                open.push((started, stream));
                started += 1;
            }
            3 if !open.is_empty() => {
                let (id, stream) = open[rng.below(open.len() as u64) as usize];
                let level = ["INFO", "ERROR", "WARN"][rng.below(3) as usize];
                let _ = writeln!(
                    out,
                    "{}{ts}\tid-{id}\t{level}\tworking on it",
                    prefix(stream)
                );
            }
            4 if !open.is_empty() => {
                let (id, stream) = open[rng.below(open.len() as u64) as usize];
                let _ = writeln!(
                    out,
                    "{}{ts} id-{id} Task timed out after 3.00 seconds",
                    prefix(stream)
                );
            }
            5 => out.push_str(
                [
                    "\n",
                    "   \n",
                    "08:15:00 hello from a capture tool\n",
                    "no time here\r\n",
                ][rng.below(4) as usize],
            ),
            6..=9 if !open.is_empty() => {
                let (id, stream) = open.remove(rng.below(open.len() as u64) as usize);
                let duration = rng.below(300_000) as f64 / 100.0;
                let init = match rng.below(8) {
                    0 => "Init Duration: 183.22 ms\t".to_string(),
                    1 => "Status: timeout\t".to_string(),
                    2 => "Status: error\tError Type: Runtime.ExitError\t".to_string(),
                    _ => String::new(),
                };
                let _ = writeln!(out, "{}END RequestId: id-{id}", prefix(stream));
                let _ = writeln!(
                    out,
                    "{}REPORT RequestId: id-{id}\tDuration: {duration:.2} ms\tBilled Duration: {} ms\tMemory Size: 256 MB\tMax Memory Used: {} MB\t{init}",
                    prefix(stream),
                    duration.ceil() as u64,
                    40 + rng.below(200),
                );
            }
            _ => {}
        }
    }
    out
}

/// The store after replaying `path` with `workers` threads and blocks of `block_bytes`; the
/// replay copies the last `pane_events` lines for the log pane (which keeps the last 50).
fn replay(
    path: &std::path::Path,
    workers: usize,
    block_bytes: Option<usize>,
    pane_events: usize,
) -> Store {
    replay_with(path, |source| {
        let source = source.with_workers(workers).with_pane_events(pane_events);
        match block_bytes {
            Some(bytes) => source.with_block_bytes(bytes),
            None => source,
        }
    })
}

/// The store after replaying `path` with the source `configure` makes.
fn replay_with(
    path: &std::path::Path,
    configure: impl FnOnce(ReplaySource) -> ReplaySource,
) -> Store {
    common::replay_store(path, configure)
}

/// Everything a front end shows of a store: the JSON snapshot (and each function's invocations
/// in flight, which the detail view shows) and the log pane's events.
fn shown(store: &Store) -> (String, Vec<String>) {
    let mut json = Vec::new();
    let style = Style {
        format: OutputFormat::Json,
        colour: false,
    };
    snapshot::write(
        &mut json,
        &Snapshot::build(store, &Selection::default()),
        style,
    )
    .unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    for f in json["functions"].as_array_mut().unwrap() {
        let in_flight = store
            .functions()
            .find(|s| f["name"] == *s.id.name)
            .and_then(|s| s.analytics())
            .map(|a| a.in_flight());
        f["in_flight"] = in_flight.into();
    }
    let pane = store
        .logs()
        .iter()
        .map(|e| format!("{} {} {} {}", e.function, e.timestamp, e.stream, e.message))
        .collect();
    (serde_json::to_string_pretty(&json).unwrap(), pane)
}

#[test]
fn blocks_and_threads_change_nothing() {
    let dir = std::env::temp_dir();
    for seed in 0..12 {
        let path = dir.join(format!(
            "lambdatop-blocks-{}-{seed}.log",
            std::process::id()
        ));
        std::fs::write(&path, messy_log(seed, 300)).unwrap();
        let whole = shown(&replay(&path, 1, None, 50));
        let json: serde_json::Value = serde_json::from_str(&whole.0).unwrap();
        let reported: u64 = json["functions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["report"]["invocations"].as_u64().unwrap_or(0))
            .sum();
        assert_eq!(reported, 300, "{}", whole.0);
        for (workers, bytes) in [(1, 64), (2, 1), (3, 700), (2, 4096)] {
            let cut = shown(&replay(&path, workers, Some(bytes), 50));
            assert_eq!(
                whole.0, cut.0,
                "seed {seed}, {workers} threads, {bytes}-byte blocks"
            );
            assert_eq!(
                whole.1, cut.1,
                "seed {seed}, {workers} threads, {bytes}-byte blocks"
            );
        }
        // Lines before the pane's are left out when nothing needs them: keeping every line
        // changes nothing.
        for (workers, bytes) in [(1, None), (2, Some(700))] {
            let kept = shown(&replay(&path, workers, bytes, usize::MAX));
            assert_eq!(whole, kept, "seed {seed}, every line kept");
        }
        // Nor does keeping none for the pane (as `--once` does).
        let none = shown(&replay(&path, 2, Some(700), 0));
        assert_eq!(whole.0, none.0, "seed {seed}, no pane");
        assert!(none.1.is_empty(), "seed {seed}: {:?}", none.1);
        std::fs::remove_file(&path).unwrap();
    }
}

#[test]
fn a_log_read_twice_is_counted_once_however_it_is_cut() {
    // The second copy's blocks start elsewhere in the text than the first's: an invocation's
    // START and REPORT may be in one block in one copy and in two in the other. The log starts
    // with a dated line: the lines before it would have no date in the first copy and the last
    // line's in the second, and would not repeat each other.
    let dir = std::env::temp_dir().join(format!("lambdatop-copies-{}", std::process::id()));
    for seed in [3, 7] {
        let log = format!(
            "2024-02-09T08:00:00.000Z\t00000000-0000-4000-8000-000000000000\tINFO\texport\n{}",
            messy_log(seed, 200)
        );
        // Two files of one name (which names the function lines without a stream name).
        let (once, twice) = (dir.join("once"), dir.join("twice"));
        for d in [&once, &twice] {
            std::fs::create_dir_all(d).unwrap();
        }
        let (once, twice) = (once.join("messy.log"), twice.join("messy.log"));
        std::fs::write(&once, &log).unwrap();
        std::fs::write(&twice, format!("{log}{log}")).unwrap();
        let (json, _) = shown(&replay(&once, 1, None, 0));
        let functions = serde_json::from_str::<serde_json::Value>(&json).unwrap()["functions"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(functions.len(), 3, "{json}");
        assert!(functions.iter().all(|f| f["in_flight"] == 0), "{json}");
        for (workers, bytes) in [(1, None), (2, Some(97)), (2, Some(700)), (3, Some(4096))] {
            let (doubled, _) = shown(&replay(&twice, workers, bytes, 0));
            assert_eq!(
                json, doubled,
                "seed {seed}, {workers} threads, {bytes:?}-byte blocks"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn overlapping_exports_count_each_invocation_once() {
    // An asynchronous invocation retried keeps its request id. Export A holds its first attempt
    // and the second's START; export B, saved later, holds both attempts whole, the second
    // failing. Export C holds one invocation; D, a copy cut short, only its START. However the
    // blocks fall (a START and its REPORT in one block or two), each invocation counts once,
    // the failure is the second attempt's, and nothing is left in flight.
    let id = "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    let app = |t: &str, level: &str, text: &str| {
        format!("2024-02-09T08:42:{t}Z\t{id}\t{level}\t{text}\n")
    };
    let report = |ms: &str, extra: &str| {
        format!(
            "END RequestId: {id}\nREPORT RequestId: {id}\tDuration: {ms} ms\tBilled Duration: 100 ms\t\
             Memory Size: 128 MB\tMax Memory Used: 40 MB\t{extra}\n"
        )
    };
    let start = format!("START RequestId: {id} Version: $LATEST\n");
    let first = format!(
        "{}{start}{}{}",
        app("40.000", "INFO", "ready"),
        app("41.000", "INFO", "working"),
        report("12.00", "")
    );
    let second = format!(
        "{start}{}{}",
        app(
            "50.000",
            "ERROR",
            "Invoke Error {\"errorType\":\"TypeError\"}"
        ),
        report("34.00", "Status: error\tError Type: TypeError")
    );
    let a = format!("{first}{start}");
    let b = format!("{first}{second}");
    let dir = std::env::temp_dir().join(format!("lambdatop-overlap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, log, invocations, errors) in [
        ("retried.log", format!("{a}{b}"), 2, 1),
        (
            "cut-short.log",
            format!(
                "{first}{}{start}{}",
                app("40.000", "INFO", "ready"),
                app("41.000", "INFO", "working")
            ),
            1,
            0,
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &log).unwrap();
        for (workers, bytes) in [
            (1, None),
            (1, Some(1)),
            (2, Some(64)),
            (2, Some(200)),
            (3, Some(333)),
        ] {
            let (json, _) = shown(&replay(&path, workers, bytes, 0));
            let f = &serde_json::from_str::<serde_json::Value>(&json).unwrap()["functions"][0];
            let what = format!("{name}, {workers} threads, {bytes:?}-byte blocks: {json}");
            assert_eq!(f["report"]["invocations"], invocations, "{what}");
            assert_eq!(f["report"]["errors"], errors, "{what}");
            assert_eq!(f["in_flight"], 0, "{what}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn over_long_lines_are_cut_alike_however_the_input_is_cut() {
    // Lines cut at 400 bytes: a log with over-long lines gives what the same log with those
    // lines cut by hand gives, however it is read. Their two-byte characters straddle the cut.
    let dir = std::env::temp_dir().join(format!("lambdatop-cut-{}", std::process::id()));
    for seed in 0..4 {
        let mut rng = Lcg(seed + 100);
        let (mut long, mut cut) = (String::new(), String::new());
        for line in messy_log(seed, 200).split_inclusive('\n') {
            long.push_str(line);
            cut.push_str(line);
            if rng.below(8) == 0 {
                let over = format!(
                    "2024-02-09T08:00:00.000Z\tid-1\tERROR\t{}",
                    "é".repeat(rng.below(400) as usize + 200)
                );
                let mut at = 400;
                while !over.is_char_boundary(at) {
                    at -= 1;
                }
                long.push_str(&over);
                long.push('\n');
                cut.push_str(&over[..at]);
                cut.push('\n');
            }
        }
        // The same name: the function is named after it.
        let (long_path, cut_path) = (
            dir.join("long").join(format!("{seed}.log")),
            dir.join("cut").join(format!("{seed}.log")),
        );
        std::fs::create_dir_all(dir.join("long")).unwrap();
        std::fs::create_dir_all(dir.join("cut")).unwrap();
        std::fs::write(&long_path, &long).unwrap();
        std::fs::write(&cut_path, &cut).unwrap();
        let expected = shown(&replay(&cut_path, 1, None, 50));
        for (workers, bytes) in [(1, None), (2, Some(1)), (2, Some(64)), (3, Some(700))] {
            let got = shown(&replay_with(&long_path, |s| {
                let s = s
                    .with_workers(workers)
                    .with_pane_events(50)
                    .with_max_line(400);
                match bytes {
                    Some(b) => s.with_block_bytes(b),
                    None => s,
                }
            }));
            assert_eq!(
                expected, got,
                "seed {seed}, {workers} threads, {bytes:?}-byte blocks"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn documents_streamed_give_what_json_lines_give() {
    // The same events as JSON lines, as subscription payloads (the group before the events, as
    // CloudWatch writes them, and after, as `jq -S` sorts them) and as filter-log-events pages.
    let dir = std::env::temp_dir();
    let log = messy_log(7, 2_000);
    let events: Vec<serde_json::Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, message)| {
            serde_json::json!({
                "logStreamName": "2024/02/09/[$LATEST]0a1b2c",
                "timestamp": 1_707_468_000_000_u64 + i as u64 * 10,
                "message": message,
                "eventId": i.to_string(),
            })
        })
        .collect();
    assert!(events.len() > 7_000, "{}", events.len());
    let with_group = |e: &serde_json::Value| {
        let mut e = e.clone();
        e["logGroupName"] = "/aws/lambda/orders".into();
        e
    };
    let lines: String = events
        .iter()
        .map(|e| format!("{}\n", with_group(e)))
        .collect();
    let payload = |chunk: &[serde_json::Value], group_first: bool| {
        let events = serde_json::Value::from(chunk.to_vec());
        if group_first {
            format!(
                r#"{{"messageType": "DATA_MESSAGE", "logGroup": "/aws/lambda/orders", "logStream": "s", "logEvents": {events}}}"#
            )
        } else {
            format!(
                r#"{{"logEvents": {events}, "logGroup": "/aws/lambda/orders", "logStream": "s"}}"#
            )
        }
    };
    let payloads = |group_first| -> String {
        events
            .chunks(3_000)
            .map(|c| payload(c, group_first) + "\n")
            .collect()
    };
    let pages: String = events
        .chunks(2_500)
        .map(|c| {
            let page: Vec<_> = c.iter().map(with_group).collect();
            serde_json::to_string_pretty(&serde_json::json!({"events": page, "nextToken": "t"}))
                .unwrap()
        })
        .collect();
    let read = |name: &str, text: &str| {
        let path = dir.join(format!("lambdatop-{name}-{}.json", std::process::id()));
        std::fs::write(&path, text).unwrap();
        let got = shown(&replay(&path, 2, None, 50));
        std::fs::remove_file(&path).unwrap();
        got
    };
    let expected = read("lines", &lines);
    let json: serde_json::Value = serde_json::from_str(&expected.0).unwrap();
    assert_eq!(json["functions"][0]["name"], "orders", "{}", expected.0);
    assert_eq!(
        json["functions"][0]["report"]["invocations"], 2_000,
        "{}",
        expected.0
    );
    assert_eq!(expected.1.len(), 50);
    assert_eq!(read("payloads", &payloads(true)), expected);
    assert_eq!(read("sorted-payloads", &payloads(false)), expected);
    assert_eq!(read("pages", &pages), expected);
}

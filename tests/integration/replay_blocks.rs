//! `--replay` reads its input in blocks parsed on several threads: however the input is cut and
//! however many threads parse it, the store ends up the same as when one thread reads it whole.

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lambdatop::cli::OutputFormat;
use lambdatop::clock::ManualClock;
use lambdatop::figures::Selection;
use lambdatop::message::SourceKind;
use lambdatop::snapshot::{self, Snapshot, Style};
use lambdatop::source::replay::{ReplayInput, ReplaySource};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::window::TimeWindow;

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
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap(),
    ));
    let mut source = ReplaySource::new(ReplayInput::File(path.to_path_buf()), None, clock.clone())
        .with_workers(workers)
        .with_pane_events(pane_events);
    if let Some(bytes) = block_bytes {
        source = source.with_block_bytes(bytes);
    }
    let mut store = Store::new(
        SourceKind::Replay,
        None,
        TimeWindow::default(),
        StoreLimits {
            log_events: 50,
            log_bytes: 1 << 20,
        },
        clock.clone(),
    );
    store.derive_metrics_from_reports();
    store.fit_window_on_end();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(snapshot::collect(&mut store, Box::new(source), clock))
        .expect("replay");
    store
}

/// Everything a front end shows of a store: the JSON snapshot and the log pane's events.
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
    let pane = store
        .logs()
        .iter()
        .map(|e| format!("{} {} {} {}", e.function, e.timestamp, e.stream, e.message))
        .collect();
    (String::from_utf8(json).unwrap(), pane)
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

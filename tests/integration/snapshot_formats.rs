//! `--once` formats on the demo account at a fixed clock: every format end to end, the JSON
//! contract key by key, CSV and Markdown quoting, and colour only when asked for.

use crate::common;
use crate::common::CLOCK;

use std::collections::BTreeSet;
use std::process::{Command, Output};

use lambdatop::cli::OutputFormat;
use lambdatop::figures::Selection;
use lambdatop::snapshot::{self, SCHEMA, Snapshot, Style, csv_columns};
use lambdatop::window::TimeWindow;
use serde_json::Value;

fn lambdatop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("NO_COLOR")
        .output()
        .expect("run lambdatop")
}

fn stdout_of(args: &[&str]) -> String {
    let out = lambdatop(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

#[test]
fn table_is_plain_when_piped_even_without_no_color() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "--output", "table"]);
    assert!(!text.contains('\u{1b}'), "escape codes in piped output");
    insta::assert_snapshot!(text);
}

#[test]
fn json_end_to_end() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "-o", "json"]);
    insta::assert_snapshot!(text);
}

#[test]
fn csv_end_to_end() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "-o", "csv"]);
    assert!(text.ends_with("\r\n"));
    assert!(
        text.split_terminator("\r\n").all(|l| !l.contains('\n')),
        "records end with CRLF"
    );
    insta::assert_snapshot!(text.replace("\r\n", "\n"));
}

#[test]
fn markdown_end_to_end() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "-o", "markdown"]);
    insta::assert_snapshot!(text);
}

#[test]
fn json_follows_the_v1_contract() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "-o", "json"]);
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(
        keys(&doc),
        set(&[
            "schema",
            "source",
            "region",
            "window",
            "alarms",
            "totals",
            "account",
            "functions"
        ])
    );
    assert_eq!(doc["schema"], SCHEMA);
    assert_eq!(doc["schema"], "lambdatop.snapshot/v1");
    assert_eq!(doc["source"], "demo");
    assert_eq!(doc["region"], "us-east-1");

    let window = &doc["window"];
    assert_eq!(keys(window), set(&["start", "end", "period_seconds"]));
    assert_eq!(window["start"], "2026-03-14T14:27:00Z");
    assert_eq!(window["end"], "2026-03-14T15:26:30Z");
    assert_eq!(window["period_seconds"], 60);
    for k in ["start", "end"] {
        let t = window[k].as_str().expect("RFC 3339 string");
        chrono::DateTime::parse_from_rfc3339(t).expect("parses as RFC 3339");
    }

    assert_eq!(
        keys(&doc["alarms"]),
        set(&["alarm", "insufficient_data", "ok"])
    );
    assert!(
        doc["alarms"]
            .as_object()
            .unwrap()
            .values()
            .all(Value::is_u64)
    );

    let totals = &doc["totals"];
    assert_eq!(keys(totals), set(&["invocations", "errors", "throttles"]));

    // The Region's concurrency: the peak, the limit and what is claimed of it.
    let account = &doc["account"];
    assert_eq!(
        keys(account),
        set(&[
            "concurrency_max",
            "concurrency_limit",
            "claimed_concurrency_max"
        ])
    );
    assert_eq!(account["concurrency_max"], 13);
    assert_eq!(account["concurrency_limit"], 1000);
    assert_eq!(account["claimed_concurrency_max"], 14);

    let functions = doc["functions"].as_array().expect("functions array");
    assert_eq!(functions.len(), 12);
    let mut with_report = 0;
    for f in functions {
        let mut expected = set(&[
            "name",
            "invocations",
            "errors",
            "throttles",
            "error_rate",
            "duration_ms",
            "concurrency_max",
            "alarm_state",
            "report",
        ]);
        // Added within v1: where a report came from and the span it covers.
        if !f["report"].is_null() {
            expected.extend(set(&["report_source", "report_window"]));
            assert_eq!(f["report_source"], "logs", "{f}");
            assert_eq!(keys(&f["report_window"]), set(&["start", "end"]), "{f}");
        }
        assert_eq!(keys(f), expected, "{f}");
        assert!(f["name"].is_string());
        for k in ["invocations", "errors", "throttles"] {
            assert!(f[k].is_u64(), "{k} of {f}");
        }
        let rate = f["error_rate"].as_f64().expect("error_rate is a number");
        assert!((0.0..=1.0).contains(&rate), "error_rate is a ratio: {rate}");
        assert_eq!(keys(&f["duration_ms"]), set(&["avg", "p99", "max"]));
        for k in ["avg", "p99", "max"] {
            let v = &f["duration_ms"][k];
            assert!(v.is_null() || v.is_f64(), "duration_ms.{k}: {v}");
        }
        assert!(f["concurrency_max"].is_null() || f["concurrency_max"].is_u64());
        let alarm = &f["alarm_state"];
        assert!(
            alarm.is_null()
                || ["ALARM", "INSUFFICIENT_DATA", "OK"].contains(&alarm.as_str().unwrap_or("")),
            "{alarm}"
        );
        let report = &f["report"];
        if report.is_null() {
            continue;
        }
        with_report += 1;
        assert_eq!(
            keys(report),
            set(&[
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
            ])
        );
        for k in [
            "invocations",
            "cold_starts",
            "timeouts",
            "errors",
            "billed_ms_total",
        ] {
            assert!(report[k].is_u64(), "report.{k}: {report}");
        }
        for k in ["duration_ms_p50", "duration_ms_p99", "init_ms_p50"] {
            assert!(report[k].is_null() || report[k].is_number(), "report.{k}");
        }
        for k in ["memory_size_mb", "max_memory_used_mb"] {
            assert!(report[k].is_null() || report[k].is_u64(), "report.{k}");
        }
        assert!(report["cost_usd"].as_f64().is_some_and(|c| c >= 0.0));
    }
    assert!(with_report > 0, "the demo logs REPORT lines");

    for k in ["invocations", "errors", "throttles"] {
        let sum: u64 = functions.iter().filter_map(|f| f[k].as_u64()).sum();
        assert_eq!(
            totals[k].as_u64(),
            Some(sum),
            "totals.{k} is the sum of rows"
        );
    }
}

#[test]
fn totals_and_window_follow_the_selection() {
    let text = stdout_of(&[
        "--demo",
        "--once",
        CLOCK,
        "-o",
        "json",
        "--functions",
        "salesPipe-*",
        "--sort",
        "errors",
        "--limit",
        "1",
        "--window",
        "12h",
    ]);
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let functions = doc["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 1);
    assert_eq!(functions[0]["name"], "salesPipe-prod-dispatch");
    for k in ["invocations", "errors", "throttles"] {
        assert_eq!(doc["totals"][k], functions[0][k], "totals.{k}");
    }
    // 12 h at 5-minute periods, the first one aligned, the last one the current.
    assert_eq!(doc["window"]["period_seconds"], 300);
    assert_eq!(doc["window"]["start"], "2026-03-14T03:30:00Z");
    assert_eq!(doc["window"]["end"], "2026-03-14T15:26:30Z");
}

#[test]
fn the_json_window_is_the_store_window() {
    for w in ["15m", "1h", "3h", "24h", "7d"] {
        let window: TimeWindow = w.parse().expect("window");
        let store = common::demo_store(window);
        let snap = Snapshot::build(&store, &Selection::default());
        let doc = serde_json::to_value(&snap).expect("serialises");
        assert_eq!(
            doc["window"]["start"],
            store
                .window_start()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            "{w}"
        );
        assert_eq!(doc["window"]["period_seconds"], window.period_s(), "{w}");
    }
}

#[test]
fn csv_has_the_documented_columns_and_raw_numbers() {
    let text = stdout_of(&["--demo", "--once", CLOCK, "-o", "csv"]);
    let mut lines = text.split_terminator("\r\n");
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    assert_eq!(header, csv_columns());
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 12);
    for r in &rows {
        assert_eq!(r.len(), csv_columns().len());
        r[1].parse::<u64>().expect("invocations unformatted");
        r[4].parse::<f64>().expect("error_rate unformatted");
    }
    assert!(
        rows.iter().any(|r| r[1] == "23397"),
        "no thousands separators"
    );
}

fn demo_snapshot() -> Snapshot {
    let store = common::demo_store(TimeWindow::default());
    Snapshot::build(&store, &Selection::default())
}

fn render(snap: &Snapshot, format: OutputFormat, colour: bool) -> String {
    let mut out = Vec::new();
    snapshot::write(&mut out, snap, Style { format, colour }).expect("write");
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn odd_names_are_quoted_escaped_and_made_inert() {
    let mut snap = demo_snapshot();
    snap.functions[0].name = "pipe|name \"quoted\", comma".to_string();
    snap.functions[1].name = "evil\u{1b}]52;c;aGk=\u{7}".to_string();

    let md = render(&snap, OutputFormat::Markdown, false);
    assert!(md.contains("| pipe\\|name \"quoted\", comma |"), "{md}");
    assert!(!md.contains('\u{1b}'));

    let csv = render(&snap, OutputFormat::Csv, false);
    assert!(
        csv.contains("\r\n\"pipe|name \"\"quoted\"\", comma\",23397,"),
        "{csv}"
    );

    let table = render(&snap, OutputFormat::Table, false);
    assert!(
        !table.contains('\u{1b}'),
        "control characters are shown inert"
    );
    assert!(table.contains("evil␛]52;c;aGk=␇"), "{table}");

    let json = render(&snap, OutputFormat::Json, false);
    let doc: Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["functions"][0]["name"], "pipe|name \"quoted\", comma");
}

#[test]
fn csv_and_json_carry_no_control_or_bidi_character_raw() {
    let mut snap = demo_snapshot();
    let evil = "evil\u{1b}]52;c;aGk=\u{7}\u{9b}31m\u{202e}\u{2066}\u{7f}";
    snap.functions[1].name = evil.to_string();
    snap.region = Some("us-east-1\u{85}\u{1b}[2J".to_string());

    let csv = render(&snap, OutputFormat::Csv, false);
    let row = csv
        .split("\r\n")
        .find(|l| l.starts_with("evil"))
        .expect("row");
    assert!(
        row.starts_with("evil␛]52;c;aGk=␇\u{fffd}31m\u{fffd}\u{fffd}␡,"),
        "{row:?}"
    );

    let table = render(&snap, OutputFormat::Table, false);
    assert!(
        table.starts_with("lambdatop demo · us-east-1\u{fffd}␛[2J · "),
        "{table}"
    );

    let json = render(&snap, OutputFormat::Json, false);
    assert!(
        json.contains(r#""name": "evil\u001b]52;c;aGk=\u0007\u009b31m\u202e\u2066\u007f","#),
        "{json}"
    );
    assert!(
        json.contains(r#""region": "us-east-1\u0085\u001b[2J","#),
        "{json}"
    );
    // The data is whole: the escapes read back as the name.
    let doc: Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(doc["functions"][1]["name"], evil);
    for format in [
        OutputFormat::Csv,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Table,
    ] {
        let text = render(&snap, format, false);
        let raw = text.chars().find(|&c| {
            (c.is_control() && c != '\n' && c != '\r')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        });
        assert_eq!(raw, None, "{format:?}");
    }
}

#[test]
fn absurd_figures_print_as_unknown_in_every_format() {
    use lambdatop::figures::Figure;
    use lambdatop::message::Update;
    use lambdatop::model::{Datapoint, MetricKind, MetricPoints};

    let mut store = common::demo_store(TimeWindow::default());
    let now = common::fixed_now();
    let minute = now - chrono::Duration::seconds(90);
    for function in [Some("orders-prod-api".to_string()), None] {
        store.apply(Update::Metrics(vec![MetricPoints {
            function,
            metric: MetricKind::ConcurrentExecutions,
            from: now - chrono::Duration::minutes(3),
            to: now,
            period_s: 60,
            points: vec![Datapoint {
                at: minute - chrono::Duration::seconds(i64::from(minute.timestamp() as i32 % 60)),
                value: 1e300,
            }],
        }]));
    }
    store.tick();
    let mut snap = Snapshot::build(&store, &Selection::default());
    let i = snap
        .functions
        .iter()
        .position(|f| f.name == "orders-prod-api")
        .expect("orders");
    let f = &mut snap.functions[i];
    assert_eq!(
        f.concurrency_max, None,
        "1e300 concurrent executions is no count"
    );
    f.duration_ms.avg = Some(1e300);
    f.duration_ms.p99 = Some(-5.0);
    // 1 day, 1 hour, 1 minute and 1 second: long, but a duration.
    f.duration_ms.max = Some(90_061_000.0);
    let r = f.report.as_mut().expect("report");
    r.duration_ms_p50 = Some(400.0 * 86_400_000.0);
    r.cost_usd = 9.75e306;
    // The registry's figures, which the table, Markdown and CSV read, get the same values.
    for (figure, value) in [
        (Figure::DurationAvg, 1e300),
        (Figure::DurationP99, -5.0),
        (Figure::DurationMax, 90_061_000.0),
        (Figure::LogP50, 400.0 * 86_400_000.0),
        (Figure::Cost, 9.75e306),
    ] {
        f.figures.insert(figure, value);
    }
    assert_eq!(snap.account.concurrency_max, None);

    let table = render(&snap, OutputFormat::Table, false);
    assert!(table.contains("Peak concurrency - / 1,000"), "{table}");
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("orders-prod-api"))
        .expect("row")
        .split_whitespace()
        .collect();
    // FUNCTION INVOCATIONS ERRORS ERR% THROTTLES AVG P99 MAX CONC ALARM COLD% LOG-P50 LOG-P99
    // MEM-USED (two words) COST
    assert_eq!(&row[5..10], ["-", "-", "1d01h", "-", "ALARM"], "{row:?}");
    assert_eq!(row[11], "-", "LOG P50: {row:?}");
    assert_eq!(row.last(), Some(&"-"), "COST: {row:?}");
    let markdown = render(&snap, OutputFormat::Markdown, false);
    let md_row = markdown
        .lines()
        .find(|l| l.starts_with("| orders-prod-api"))
        .expect("row");
    assert!(md_row.contains("| - | - | 1d01h | - | ALARM |"), "{md_row}");
    assert!(md_row.ends_with("| - |"), "{md_row}");
    assert!(
        !table.contains("18,446") && !markdown.contains("18,446"),
        "never saturated"
    );

    let doc: Value = serde_json::from_str(&render(&snap, OutputFormat::Json, false)).expect("JSON");
    let j = &doc["functions"][i];
    assert_eq!(j["concurrency_max"], Value::Null);
    assert_eq!(j["duration_ms"]["avg"], Value::Null);
    assert_eq!(j["duration_ms"]["p99"], Value::Null);
    assert_eq!(j["duration_ms"]["max"], 90_061_000.0);
    assert_eq!(j["report"]["duration_ms_p50"], Value::Null);
    assert_eq!(j["report"]["cost_usd"], Value::Null);

    let csv = render(&snap, OutputFormat::Csv, false);
    let fields: Vec<&str> = csv
        .split("\r\n")
        .find(|l| l.starts_with("orders-prod-api"))
        .expect("row")
        .split(',')
        .collect();
    let columns = csv_columns();
    let column = |name: &str| fields[columns.iter().position(|c| *c == name).expect(name)];
    for empty in [
        "duration_ms_avg",
        "duration_ms_p99",
        "concurrency_max",
        "report_duration_ms_p50",
        "report_cost_usd",
    ] {
        assert_eq!(column(empty), "", "{empty}");
    }
    assert_eq!(column("duration_ms_max"), "90061000");
}

#[test]
fn a_replay_of_absurd_durations_and_prices_prints_them_as_unknown() {
    let dir = std::env::temp_dir().join(format!("lambdatop-absurd-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("absurd.log");
    std::fs::write(
        &log,
        "2024/03/05/[$LATEST]abc 2024-03-05T10:00:00.000Z REPORT RequestId: a\tDuration: 1e300 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\n",
    )
    .unwrap();
    let config = dir.join("config.toml");
    std::fs::write(&config, "[pricing]\ngb_second_usd_x86_64 = 1e300\n").unwrap();
    let run = |format: &str| {
        stdout_of(&[
            "--replay",
            log.to_str().unwrap(),
            "--function",
            "f",
            "--once",
            "-o",
            format,
            "--config",
            config.to_str().unwrap(),
        ])
    };
    let table = run("table");
    let row: Vec<&str> = table
        .lines()
        .find(|l| l.starts_with("f "))
        .expect("row")
        .split_whitespace()
        .collect();
    // LOG P50, LOG P99, MEM USED (two words), COST.
    assert_eq!(
        &row[row.len() - 5..],
        ["-", "-", "40/128", "MB", "-"],
        "{table}"
    );
    let doc: Value = serde_json::from_str(&run("json")).expect("JSON");
    let report = &doc["functions"][0]["report"];
    assert_eq!(report["duration_ms_p50"], Value::Null);
    assert_eq!(report["duration_ms_p99"], Value::Null);
    assert_eq!(report["cost_usd"], Value::Null);
    let csv = run("csv");
    let row = csv.split("\r\n").nth(1).expect("row");
    assert_eq!(row, "f,1,0,0,0,,,,,,1,0,0,0,,,,2,128,40,");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Removes SGR escape sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn colour_marks_alarms_and_error_rates_without_moving_columns() {
    let snap = demo_snapshot();
    let plain = render(&snap, OutputFormat::Table, false);
    let coloured = render(&snap, OutputFormat::Table, true);
    assert_eq!(strip_ansi(&coloured), plain, "colour adds no width");
    let orders = coloured
        .lines()
        .find(|l| l.starts_with("orders-prod-api"))
        .expect("orders row");
    assert!(orders.contains("\u{1b}[1;31mALARM\u{1b}[0m"), "{orders:?}");
    let form = coloured
        .lines()
        .find(|l| l.starts_with("jb-contact-form"))
        .expect("jb row");
    assert!(form.contains("\u{1b}[1;31m7.69%\u{1b}[0m"), "{form:?}");
    // Colour is for the table only.
    for format in [
        OutputFormat::Json,
        OutputFormat::Csv,
        OutputFormat::Markdown,
    ] {
        assert!(
            !render(&snap, format, true).contains('\u{1b}'),
            "{format:?}"
        );
    }
}

#[test]
fn colour_needs_a_terminal_and_no_no_color() {
    use snapshot::ColorWhen::{Always, Auto, Never};
    use std::ffi::OsStr;
    let os = |s: &'static str| Some(OsStr::new(s));
    assert!(snapshot::colour_allowed(Auto, true, None, None));
    assert!(snapshot::colour_allowed(Auto, true, os(""), None));
    assert!(!snapshot::colour_allowed(Auto, true, os("1"), None));
    assert!(!snapshot::colour_allowed(Auto, false, None, None));
    // CLICOLOR_FORCE colours a pipe too, unless it is 0 or empty; NO_COLOR wins over it.
    assert!(snapshot::colour_allowed(Auto, false, None, os("1")));
    assert!(!snapshot::colour_allowed(Auto, false, None, os("0")));
    assert!(!snapshot::colour_allowed(Auto, false, None, os("")));
    assert!(!snapshot::colour_allowed(Auto, true, os("1"), os("1")));
    // --color always and never decide alone.
    assert!(snapshot::colour_allowed(Always, false, os("1"), None));
    assert!(!snapshot::colour_allowed(Never, true, None, os("1")));
}

#[test]
fn report_columns_appear_only_with_logs() {
    let mut snap = demo_snapshot();
    assert!(snap.has_reports());
    let with = render(&snap, OutputFormat::Table, false);
    assert!(with.lines().nth(4).is_some_and(|h| h.contains("COLD%")));
    for f in &mut snap.functions {
        f.report = None;
    }
    let without = render(&snap, OutputFormat::Table, false);
    assert!(!without.contains("COLD%"), "{without}");
    let csv = render(&snap, OutputFormat::Csv, false);
    assert!(
        csv.lines()
            .next()
            .is_some_and(|h| h.contains("report_cold_starts")),
        "CSV columns are fixed"
    );
    let json: Value = serde_json::from_str(&render(&snap, OutputFormat::Json, false)).unwrap();
    assert!(json["functions"][0]["report"].is_null());
}

#[test]
fn an_empty_selection_is_a_valid_snapshot() {
    let text = stdout_of(&[
        "--demo",
        "--once",
        CLOCK,
        "-o",
        "json",
        "--functions",
        "nope-*",
    ]);
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["functions"], Value::Array(Vec::new()));
    assert_eq!(doc["totals"]["invocations"], 0);
    let table = stdout_of(&["--demo", "--once", CLOCK, "--functions", "nope-*"]);
    assert!(table.contains("0 of 12 functions"), "{table}");
    assert!(table.contains("(no functions)"), "{table}");
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

fn set(keys: &[&str]) -> BTreeSet<String> {
    keys.iter().map(|k| k.to_string()).collect()
}

//! Outside text cannot drive the terminal: whatever log messages, function names and error
//! messages a store holds, the bytes the dashboard writes contain only the renderer's own
//! SGR and cursor sequences, no other control byte, and no bidi or invisible format character.
//! The same holds for every `--once` format and for the error messages that quote a path, a
//! value or a file.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use chrono::Duration;
use lambdatop::cli::OutputFormat;
use lambdatop::figures::Selection;
use lambdatop::message::{Poller, SourceError, SourceKind, Update};
use lambdatop::model::{Alarm, AlarmState, FunctionConfig, LogEvent};
use lambdatop::snapshot::{self, Snapshot, Verdict};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::{Pane, ViewState};
use lambdatop::window::TimeWindow;
use proptest::prelude::*;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

/// Pieces an attacker would log: escape sequences of every family, C1 controls, bidi overrides,
/// invisible characters, broken UTF-8 stand-ins, combining marks.
const HOSTILE: &[&str] = &[
    "\u{1b}",
    "\u{1b}[2J\u{1b}[H",
    "\u{1b}[31;1m",
    "\u{1b}[?1049l",
    "\u{1b}]0;pwned\u{7}",
    "\u{1b}]52;c;ZWNobyBoaQ==\u{1b}\\",
    "\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\",
    "\u{1b}P+q544e\u{1b}\\",
    "\u{1b}c",
    "\u{1b}(0",
    "\u{9b}31m",
    "\u{9d}0;t\u{9c}",
    "\u{90}q\u{9c}",
    "\u{85}",
    "\r",
    "\n",
    "\t",
    "\u{8}",
    "\u{7}",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
    "\u{202a}",
    "\u{2066}",
    "\u{2069}",
    "\u{200b}",
    "\u{200f}",
    "\u{feff}",
    "\u{061c}",
    "\u{fffd}",
    "e\u{301}",
    "\u{200d}",
    "日本",
    "REPORT RequestId: x Duration: 1.00 ms",
    "ERROR",
];

fn hostile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(HOSTILE).prop_map(str::to_string),
        2 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-z ]{0,8}",
    ];
    proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
}

/// A store holding hostile text wherever outside text goes: function names (table, log pane),
/// log messages (log pane) and a source error (status line).
fn hostile_store(names: &[String], messages: &[String], error: &str) -> Store {
    let clock = common::fixed_clock();
    let now = common::fixed_now();
    let mut store = Store::new(
        SourceKind::Replay,
        None,
        TimeWindow::default(),
        StoreLimits::default(),
        clock,
    );
    store.apply(Update::Functions(
        names.iter().map(FunctionConfig::named).collect(),
    ));
    let events = messages
        .iter()
        .enumerate()
        .map(|(i, m)| LogEvent {
            function: Arc::from(names[i % names.len()].as_str()),
            origin: Default::default(),
            timestamp: now - Duration::seconds(messages.len() as i64 - i as i64),
            stream: Arc::from(names[(i + 1) % names.len()].as_str()),
            message: m.clone(),
            event_id: None,
        })
        .collect();
    store.apply(Update::logs(events));
    store.apply(Update::Failed {
        poller: Poller::Logs,
        at: now,
        error: SourceError::new(error, Some(error)),
    });
    store
}

/// The bytes the dashboard writes for one frame of `store` on a 100×40 terminal.
fn frame_bytes(store: &Store, pane: Pane) -> Vec<u8> {
    let bytes = SharedBytes::default();
    let backend = CrosstermBackend::new(bytes.clone());
    let mut terminal = Terminal::with_options(
        backend,
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 100, 40)),
        },
    )
    .unwrap();
    let mut view = ViewState::new(Selection::default());
    view.pane = pane;
    view.clamp(store);
    terminal
        .draw(|f| render(f, &mut view, store, &Theme::dark()))
        .unwrap();
    drop(terminal);
    bytes.0.lock().unwrap().clone()
}

/// A writer whose bytes stay readable after the terminal that wrote them is gone.
#[derive(Clone, Default)]
struct SharedBytes(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBytes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Bidi overrides and isolates and invisible characters that change how text reads.
fn is_format_control(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
}

/// Checks that `bytes` hold only text and CSI sequences the renderer writes itself: SGR (`m`),
/// cursor position and movement (`H`, `A`–`G`), erase (`J`, `K`) and cursor show/hide
/// (`?25h` / `?25l`). Returns the first offending sequence or character.
fn only_renderer_sequences(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c == '\u{1b}' {
            if chars.next().map(|(_, c)| c) != Some('[') {
                return Err(format!("non-CSI escape at {at}: {:?}", &text[at..]));
            }
            let mut params = String::new();
            let fin = loop {
                match chars.next() {
                    Some((_, c)) if c.is_ascii_digit() || c == ';' || c == ':' || c == '?' => {
                        params.push(c)
                    }
                    Some((_, c)) => break c,
                    None => return Err(format!("unterminated CSI at {at}")),
                }
            };
            let allowed = match fin {
                'm' | 'H' | 'A'..='G' | 'J' | 'K' => !params.starts_with('?'),
                'h' | 'l' => params == "?25",
                _ => false,
            };
            if !allowed {
                return Err(format!("CSI {params:?} {fin:?} at {at}"));
            }
        } else if c.is_control() || is_format_control(c) {
            return Err(format!(
                "{c:?} at {at} in {:?}",
                &text[at.saturating_sub(40)..]
            ));
        }
    }
    Ok(())
}

#[test]
fn the_checker_rejects_what_it_must() {
    assert!(only_renderer_sequences(b"\x1b[1;1H\x1b[38;5;12mok\x1b[0m\x1b[?25l").is_ok());
    for bad in [
        &b"\x1b]52;c;eA==\x07"[..],
        b"\x1b[?1049l",
        b"\x1bc",
        b"a\rb",
        "\u{9b}31m".as_bytes(),
        "\u{202e}".as_bytes(),
        b"\x1b[6n",
    ] {
        assert!(only_renderer_sequences(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn every_fixed_hostile_piece_is_made_inert() {
    let names: Vec<String> = HOSTILE.iter().map(|h| format!("fn{h}x")).collect();
    let messages: Vec<String> = HOSTILE.iter().map(|h| format!("msg {h} end")).collect();
    let store = hostile_store(&names, &messages, &HOSTILE.concat());
    for pane in [Pane::Functions, Pane::Logs] {
        let bytes = frame_bytes(&store, pane);
        if let Err(e) = only_renderer_sequences(&bytes) {
            panic!("{e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn no_log_text_drives_the_terminal(
        names in proptest::collection::vec(hostile_text(), 1..6),
        messages in proptest::collection::vec(hostile_text(), 0..20),
        error in hostile_text(),
    ) {
        let store = hostile_store(&names, &messages, &error);
        let bytes = frame_bytes(&store, Pane::Logs);
        if let Err(e) = only_renderer_sequences(&bytes) {
            return Err(TestCaseError::fail(e));
        }
    }
}

/// Checks that `bytes` are text a terminal only shows: UTF-8 with no control character but line
/// ends (CR only before LF, as CSV ends its records), no ESC, BEL or C1 control, and no bidi or
/// invisible format character. Returns the first offending character and where it is.
fn only_inert_text(bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n'));
        let hostile = c.is_control()
            || is_format_control(c)
            || matches!(c, '\u{2028}' | '\u{2029}' | '\u{e0000}'..='\u{e007f}');
        if hostile && !line_end {
            return Err(format!(
                "{c:?} at {at} in {:?}",
                &text[text.floor_char_boundary(at.saturating_sub(60))..]
            ));
        }
    }
    Ok(())
}

#[test]
fn the_inert_text_checker_rejects_what_it_must() {
    assert!(only_inert_text(b"name,x\r\nrow \xe2\x90\x9b]52\n").is_ok());
    for bad in [
        &b"\x1b]52;c;eA==\x07"[..],
        b"\x07",
        b"a\rb",
        b"\x7f",
        "\u{9b}31m".as_bytes(),
        "\u{85}".as_bytes(),
        "\u{202e}".as_bytes(),
        "\u{2067}".as_bytes(),
        "\u{e0041}".as_bytes(),
        b"\xff",
    ] {
        assert!(only_inert_text(bad).is_err(), "{bad:?}");
    }
}

/// A store whose function names, Region, log groups, alarm names and log lines are all
/// `texts` (taken in turn).
fn hostile_snapshot_store(texts: &[String]) -> Store {
    let pick = |i: usize| texts[i % texts.len()].clone();
    let mut store = Store::new(
        SourceKind::Replay,
        Some(pick(1)),
        TimeWindow::default(),
        StoreLimits::default(),
        common::fixed_clock(),
    );
    let now = common::fixed_now();
    let names: Vec<String> = (0..texts.len())
        .map(|i| format!("{i}{}", pick(i)))
        .collect();
    store.apply(Update::Functions(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| FunctionConfig {
                log_group: Some(pick(i + 2)),
                runtime: Some(pick(i + 3)),
                ..FunctionConfig::named(n.clone())
            })
            .collect(),
    ));
    store.apply(Update::Alarms(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Alarm {
                name: pick(i + 4),
                state: AlarmState::Alarm,
                function: Some(n.clone()),
                metric: Some(pick(i + 5)),
                reason: Some(pick(i + 6)),
            })
            .collect(),
    ));
    let report = "REPORT RequestId: r Duration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB";
    store.apply(Update::logs(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| LogEvent {
                function: Arc::from(n.as_str()),
                origin: Default::default(),
                timestamp: now - Duration::seconds(10),
                stream: Arc::from(pick(i + 7).as_str()),
                message: if i % 2 == 0 {
                    report.to_string()
                } else {
                    pick(i)
                },
                event_id: None,
            })
            .collect(),
    ));
    store.tick();
    store
}

/// Every `--once` format of the snapshot of `texts`, and the `--fail-on` report naming each
/// function; the JSON must also give each name back whole.
fn check_every_format(texts: &[String]) -> Result<(), String> {
    let store = hostile_snapshot_store(texts);
    let snap = Snapshot::build(&store, &Selection::default());
    for format in [
        OutputFormat::Table,
        OutputFormat::Csv,
        OutputFormat::Markdown,
        OutputFormat::Json,
    ] {
        let mut out = Vec::new();
        let style = snapshot::Style {
            format,
            colour: false,
        };
        snapshot::write(&mut out, &snap, style).map_err(|e| e.to_string())?;
        only_inert_text(&out).map_err(|e| format!("{format:?}: {e}"))?;
        if format == OutputFormat::Json {
            let doc: serde_json::Value =
                serde_json::from_slice(&out).map_err(|e| format!("JSON: {e}"))?;
            for (i, f) in snap.functions.iter().enumerate() {
                if doc["functions"][i]["name"] != f.name.as_str() {
                    return Err(format!("JSON lost the name {:?}", f.name));
                }
            }
            if doc["region"] != texts[1 % texts.len()].as_str() {
                return Err("JSON lost the Region".to_string());
            }
        }
    }
    let rules =
        snapshot::rules::parse_all(&["alarm", "invocations>=0"]).map_err(|e| e.to_string())?;
    let mut err = Vec::new();
    Verdict::check(&rules, &snap)
        .report(&mut err)
        .map_err(|e| e.to_string())?;
    if err.is_empty() {
        return Err("no rule held".to_string());
    }
    only_inert_text(&err).map_err(|e| format!("--fail-on report: {e}"))
}

#[test]
fn every_snapshot_format_shows_the_fixed_hostile_pieces_inert() {
    let texts: Vec<String> = HOSTILE.iter().map(|h| format!("x{h}y")).collect();
    if let Err(e) = check_every_format(&texts) {
        panic!("{e}");
    }
}

/// A scratch directory of this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lambdatop-hostile-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn lambdatop(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("LAMBDATOP_LOG")
        .env("NO_COLOR", "1")
        .output()
        .expect("run lambdatop")
}

#[test]
fn a_subscription_payload_cannot_write_the_clipboard_in_any_format() {
    let dir = scratch("payload");
    let group = "/aws/lambda/ev\u{1b}]52;c;aGk=\u{7}il\u{9b}31m\u{202e}\u{2066}x\u{7f}";
    let payload = serde_json::json!({
        "logGroup": group,
        "logStream": "2024/03/05/[$LATEST]abc",
        "logEvents": [{
            "id": "1",
            "timestamp": 1_709_632_800_000i64,
            "message": "REPORT RequestId: a Duration: 1.00 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB"
        }]
    });
    let path = dir.join("payload.json");
    std::fs::write(&path, payload.to_string()).expect("write payload");
    for format in ["table", "csv", "markdown", "json"] {
        let out = lambdatop(&[
            "--replay".as_ref(),
            path.as_os_str(),
            "--once".as_ref(),
            "-o".as_ref(),
            format.as_ref(),
        ]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        if let Err(e) = only_inert_text(&out.stdout) {
            panic!("{format}: {e}");
        }
        if format == "json" {
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
            assert_eq!(doc["functions"][0]["name"], &group["/aws/lambda/".len()..]);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Runs lambdatop on each error path with `text` in the path it names or the file it reads, and
/// checks what it prints. Returns the first output a terminal would act on.
fn check_error_paths(dir: &Path, case: usize, text: &str) -> Result<(), String> {
    // A file name holds neither NUL nor `/`; an argument holds no NUL.
    let name: String = text.chars().filter(|c| !matches!(c, '\0' | '/')).collect();
    let missing = dir.join(format!("missing-{name}"));
    let theme = dir.join(format!("theme-{case}.toml"));
    let log_dir = dir.join(format!("no-such-dir-{name}"));
    let mut runs: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        (
            "--config",
            vec![
                "--demo".into(),
                "--once".into(),
                "--config".into(),
                missing.clone().into(),
            ],
        ),
        (
            "--replay",
            vec!["--replay".into(), missing.clone().into(), "--once".into()],
        ),
        (
            "--log-file",
            vec![
                "--demo".into(),
                "--once".into(),
                "--log-file".into(),
                log_dir.join("log").into(),
            ],
        ),
        (
            "--theme path",
            vec![
                "--demo".into(),
                "--once".into(),
                "--theme".into(),
                missing.with_extension("toml").into(),
            ],
        ),
        (
            "--window",
            vec![
                "--demo".into(),
                "--once".into(),
                "--window".into(),
                name.clone().into(),
            ],
        ),
    ];
    for (what, content) in [
        (
            "theme value",
            format!("[roles]\nerror = {}\n", toml_string(text)),
        ),
        ("theme text", format!("[roles]\n{text}\n")),
        (
            "theme key",
            format!("[roles]\n{} = \"red\"\n", toml_string(text)),
        ),
    ] {
        std::fs::write(&theme, &content).map_err(|e| e.to_string())?;
        let out = lambdatop(&[
            "--demo".as_ref(),
            "--once".as_ref(),
            "--theme".as_ref(),
            theme.as_os_str(),
        ]);
        only_inert_text(&out.stderr).map_err(|e| format!("{what} {content:?}: {e}"))?;
        only_inert_text(&out.stdout).map_err(|e| format!("{what} stdout: {e}"))?;
    }
    for (what, args) in runs.drain(..) {
        let args: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
        let out = lambdatop(&args);
        if out.status.success() {
            return Err(format!("{what} {text:?}: succeeded"));
        }
        only_inert_text(&out.stderr).map_err(|e| format!("{what} {text:?}: {e}"))?;
    }
    Ok(())
}

/// `s` as a TOML basic string, every character kept (controls escaped as TOML wants).
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn error_messages_quote_the_fixed_hostile_pieces_inert() {
    let dir = scratch("errors-fixed");
    for (i, h) in HOSTILE.iter().enumerate() {
        if let Err(e) = check_error_paths(&dir, i, &format!("a{h}b")) {
            panic!("{e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn no_snapshot_format_lets_outside_text_drive_the_terminal(
        texts in proptest::collection::vec(hostile_text(), 1..8),
    ) {
        if let Err(e) = check_every_format(&texts) {
            return Err(TestCaseError::fail(e));
        }
    }
}

proptest! {
    // Each case runs the binary eight times.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn no_error_message_lets_outside_text_drive_the_terminal(text in hostile_text()) {
        let dir = scratch("errors");
        let result = check_error_paths(&dir, 0, &text);
        let _ = std::fs::remove_dir_all(&dir);
        if let Err(e) = result {
            return Err(TestCaseError::fail(e));
        }
    }
}

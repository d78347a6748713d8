//! Outside text cannot drive the terminal: whatever log messages, function names and error
//! messages a store holds, the bytes the dashboard writes contain only the renderer's own
//! SGR and cursor sequences, no other control byte, and no bidi or invisible format character.

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use lambdatop::figures::Selection;
use lambdatop::message::{Poller, SourceKind};
use lambdatop::message::{SourceError, Update};
use lambdatop::model::{FunctionConfig, LogEvent};
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

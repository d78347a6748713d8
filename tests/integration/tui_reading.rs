//! Reading the log pane: wrapped and sideways-scrolled lines, a line in full in a pop-up, app
//! lines without the columns the row already shows, folded REPORT lines as a summary, the
//! search with n / N, and y copying with OSC 52. Drawn into a test backend at a fixed clock.

use crate::common;
use crate::common::{buffer_line as line, buffer_text as screen, draw, key};

use std::sync::Arc;

use chrono::Duration;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::clock::{ManualClock, SharedClock};
use lambdatop::figures::Selection;
use lambdatop::message::{SourceKind, Update};
use lambdatop::model::{FunctionConfig, LogEvent};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::view::{Effect, Pane, ViewState};
use lambdatop::tui::{handle_key, write_clipboard};
use lambdatop::window::TimeWindow;
use ratatui::style::Color;

const FAILED: &str = "1f2e3d4c-0000-4a5b-8c9d-000000000001";
const LONG: &str = "2b3c4d5e-0000-4a5b-8c9d-000000000002";
const TIMED: &str = "3c4d5e6f-0000-4a5b-8c9d-000000000003";

/// The end of the long line, past the edge of any pane.
const LONG_END: &str = "END-OF-THE-LONG-LINE";

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn press(view: &mut ViewState, store: &Store, keys: &str) -> Effect {
    let mut last = Effect::None;
    for c in keys.chars() {
        last = handle_key(view, store, key(c));
    }
    last
}

/// The messages of one function's three invocations (one failed on a cold start, one with a
/// long line, one timed out) and a line outside any invocation, a second apart.
fn messages() -> Vec<String> {
    let ts = |s: u32| format!("2026-03-14T15:25:{s:02}.123Z");
    let filler = "lorem ipsum dolor sit amet ".repeat(12);
    vec![
        format!("START RequestId: {FAILED} Version: $LATEST"),
        format!("{}\t{FAILED}\tINFO\tloading cart 42", ts(1)),
        format!(
            "{}\t{FAILED}\tERROR\tInvoke Error \t{{\"errorType\":\"TypeError\",\"errorMessage\":\"Cannot read properties of undefined (reading 'id')\",\"stack\":[\"TypeError: Cannot read properties of undefined (reading 'id')\",\"    at Runtime.handler (/var/task/index.js:12:31)\",\"    at cart (/var/task/lib/cart.js:88:9)\",\"    at quote (/var/task/lib/quote.js:17:3)\",\"    at price (/var/task/lib/price.js:5:20)\",\"    at tax (/var/task/lib/tax.js:61:11)\",\"    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)\"]}}",
            ts(2)
        ),
        format!("END RequestId: {FAILED}"),
        format!(
            "REPORT RequestId: {FAILED}\tDuration: 38.12 ms\tBilled Duration: 39 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 172.30 ms\tStatus: error\tError Type: TypeError"
        ),
        format!("START RequestId: {LONG} Version: $LATEST"),
        format!("{}\t{LONG}\tINFO\tquote ready: {filler}{LONG_END}", ts(6)),
        format!("END RequestId: {LONG}"),
        format!(
            "REPORT RequestId: {LONG}\tDuration: 12.40 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t"
        ),
        "INIT_START Runtime Version: nodejs:20.v31".to_string(),
        format!("START RequestId: {TIMED} Version: $LATEST"),
        format!("{} {TIMED} Task timed out after 3.00 seconds", ts(12)),
        format!("END RequestId: {TIMED}"),
        format!(
            "REPORT RequestId: {TIMED}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 90 MB\tStatus: timeout"
        ),
    ]
}

/// A store holding [`messages`] of `orders-api` at the fixed clock, and a view with the log
/// pane focused.
fn reading() -> (Store, ViewState) {
    let now = common::fixed_now();
    let clock: SharedClock = Arc::new(ManualClock::new(now));
    let mut store = Store::new(
        SourceKind::Demo,
        Some("us-east-1".into()),
        TimeWindow::default(),
        StoreLimits::default(),
        clock,
    );
    store.apply(Update::Functions(vec![FunctionConfig::named("orders-api")]));
    let first = now - Duration::seconds(40);
    store.apply(Update::logs(
        messages()
            .into_iter()
            .enumerate()
            .map(|(i, message)| LogEvent {
                function: Arc::from("orders-api"),
                origin: Default::default(),
                timestamp: first + Duration::seconds(i as i64),
                stream: Arc::from("2026/03/14/[$LATEST]abc"),
                message,
                event_id: None,
            })
            .collect(),
    ));
    store.tick();
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    assert_eq!(view.pane, Pane::Logs);
    (store, view)
}

/// Selects the first row whose message contains `needle` (with the search, then clears it).
fn select(view: &mut ViewState, store: &Store, needle: &str) {
    press(view, store, "/");
    press(view, store, needle);
    handle_key(view, store, code(KeyCode::Enter));
    handle_key(view, store, code(KeyCode::Esc));
    let (_, e) = view.logs.selected(store).expect("a selected line");
    assert!(e.message.contains(needle), "{}", e.message);
}

#[test]
fn app_lines_drop_the_time_and_request_id_the_row_shows() {
    let (store, mut view) = reading();
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(
        text.contains("15:25:52 orders-api ERROR Invoke Error  {\"errorType\":\"TypeError\""),
        "{text}"
    );
    assert!(
        text.contains("15:25:51 orders-api INFO loading cart 42"),
        "{text}"
    );
    assert!(
        text.contains("15:26:01 orders-api Task timed out after 3.00 seconds"),
        "{text}"
    );
    assert!(!text.contains("2026-03-14T15:25:"), "{text}");
    // Platform lines are shown as logged.
    assert!(
        text.contains(&format!("START RequestId: {FAILED}")),
        "{text}"
    );
    // The saved lines keep the whole line.
    let saved = view.logs.export_lines(&store).join("\n");
    assert!(
        saved.contains(&format!(
            "2026-03-14T15:25:02.123Z {FAILED} ERROR Invoke Error"
        )),
        "{saved}"
    );
}

#[test]
fn wrapped_lines_at_80x24() {
    let (store, mut view) = reading();
    press(&mut view, &store, "W");
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "logs: long lines wrap (W cuts them at the edge)"
    );
    select(&mut view, &store, "quote ready");
    let terminal = draw(&mut view, &store, 80, 24);
    let text = screen(terminal.backend().buffer());
    assert!(text.contains(LONG_END), "{text}");
    assert!(text.contains("wrap)"), "{text}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn wrapped_lines_at_200x60() {
    let (store, mut view) = reading();
    press(&mut view, &store, "W");
    let terminal = draw(&mut view, &store, 200, 60);
    let buf = terminal.backend().buffer();
    // The long line goes on under its message, the gutter left blank.
    let (x, y) = (0..buf.area.height)
        .find_map(|y| line(buf, y).find("INFO quote ready").map(|x| (x, y)))
        .expect("the long line");
    let next = line(buf, y + 1);
    assert!(next[..x].trim().is_empty(), "{next}");
    assert!(!next[x..].trim().is_empty(), "{next}");
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn lines_scroll_sideways_and_back() {
    let (store, mut view) = reading();
    let before = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(!before.contains(LONG_END), "{before}");
    for _ in 0..16 {
        handle_key(&mut view, &store, code(KeyCode::Right));
    }
    let terminal = draw(&mut view, &store, 80, 24);
    let text = screen(terminal.backend().buffer());
    assert!(text.contains("→ col 320"), "{text}");
    assert!(text.contains(LONG_END), "{text}");
    // The gutter stays: time and function.
    assert!(text.contains("15:25:56 orders-api "), "{text}");
    insta::assert_snapshot!("scrolled_80x24", terminal.backend());
    handle_key(&mut view, &store, code(KeyCode::Left));
    assert_eq!(view.logs.hscroll, 300);
    let terminal = draw(&mut view, &store, 200, 60);
    insta::assert_snapshot!("scrolled_200x60", terminal.backend());
    press(&mut view, &store, "0");
    assert_eq!(view.logs.hscroll, 0);
    assert_eq!(
        screen(draw(&mut view, &store, 80, 24).backend().buffer()),
        before
    );
    // While wrapping there is nothing to scroll sideways, and it says so.
    press(&mut view, &store, "W");
    handle_key(&mut view, &store, code(KeyCode::Right));
    assert_eq!(view.logs.hscroll, 0);
    assert!(
        view.notice
            .as_ref()
            .unwrap()
            .text
            .contains("nothing to scroll")
    );
}

#[test]
fn the_popup_shows_the_line_in_full_with_its_report() {
    let (store, mut view) = reading();
    select(&mut view, &store, "Invoke Error");
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Enter)),
        Effect::None
    );
    assert!(view.logs.popup.is_some());
    let terminal = draw(&mut view, &store, 200, 60);
    let text = screen(terminal.backend().buffer());
    for want in [
        "Time        2026-03-14 15:25:52.000 UTC",
        "Function    orders-api",
        &format!("Request id  {FAILED}"),
        "Invocation  ✗ TypeError 38 ms 41/128 MB cold 172 ms",
        "Duration    38.12 ms, billed 39 ms",
        "Memory      41 MB used of 128 MB",
        "Start       cold start, init 172.30 ms",
        "Status      error, error type TypeError",
        // The whole raw line, its JSON pretty-printed.
        "2026-03-14T15:25:02.123Z 1f2e3d4c-0000-4a5b-8c9d-000000000001 ERROR Invoke Error",
        "   \"errorType\": \"TypeError\",",
        "     \"    at Runtime.handler (/var/task/index.js:12:31)\"",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    insta::assert_snapshot!("popup_200x60", terminal.backend());
    let terminal = draw(&mut view, &store, 80, 24);
    insta::assert_snapshot!("popup_80x24", terminal.backend());
    // Longer than the screen: it scrolls.
    let text = screen(terminal.backend().buffer());
    assert!(text.contains("lines 1–22 of"), "{text}");
    press(&mut view, &store, "jj");
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(text.contains("lines 3–24 of"), "{text}");
    handle_key(&mut view, &store, code(KeyCode::End));
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(text.contains("     \"    at Runtime.handler"), "{text}");
    // Esc closes it and nothing else; q too.
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Esc)),
        Effect::None
    );
    assert!(view.logs.popup.is_none());
    assert_eq!(view.pane, Pane::Logs);
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert_eq!(press(&mut view, &store, "q"), Effect::None);
    assert!(view.logs.popup.is_none());
    // i: the line's whole invocation, as before from Enter; Esc comes back.
    press(&mut view, &store, "i");
    assert_eq!(view.logs.input(), format!("req:{FAILED}"));
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert_eq!(view.logs.input(), "");
}

#[test]
fn the_popup_of_a_report_and_of_a_line_outside_an_invocation() {
    let (store, mut view) = reading();
    select(&mut view, &store, "Status: timeout");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(
        text.contains("Invocation  ⏱ timeout 3000 ms 90/128 MB"),
        "{text}"
    );
    assert!(text.contains("Start       warm"), "{text}");
    handle_key(&mut view, &store, code(KeyCode::Esc));
    select(&mut view, &store, "INIT_START");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(
        text.contains("Request id  none: the line belongs to no invocation"),
        "{text}"
    );
    assert!(text.contains("y copies the line"), "{text}");
}

#[test]
fn folded_reports_read_as_a_summary() {
    let (store, mut view) = reading();
    press(&mut view, &store, "z");
    for (w, h) in [(80, 24), (200, 60)] {
        let terminal = draw(&mut view, &store, w, h);
        let text = screen(terminal.backend().buffer());
        assert!(
            text.contains("orders-api ✗ TypeError 38 ms 41/128 MB cold 172 ms"),
            "{text}"
        );
        assert!(text.contains("orders-api ✓ 12 ms 41/128 MB"), "{text}");
        assert!(
            text.contains("orders-api ⏱ timeout 3000 ms 90/128 MB"),
            "{text}"
        );
        insta::assert_snapshot!(format!("folded_{w}x{h}"), terminal.backend());
    }
    // An opened invocation shows its lines as logged, without their columns.
    select(&mut view, &store, "Status: error");
    press(&mut view, &store, "o");
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(
        text.contains("│ 15:25:52 orders-api ERROR Invoke Error"),
        "{text}"
    );
}

#[test]
fn search_moves_between_matches_without_hiding_lines() {
    let (store, mut view) = reading();
    view.refresh_logs(&store);
    let all = view.logs.rows().len();
    press(&mut view, &store, "/");
    assert!(view.logs.searching);
    press(&mut view, &store, "orders");
    // Nothing matches: the bar says so, and Enter too.
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(text.contains("search: orders▏  no line matches"), "{text}");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "no line matches \"orders\""
    );
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert!(!view.logs.has_search());
    // A search with three matches: Enter (following the newest lines) goes to the newest;
    // n / N move down / up and wrap around.
    press(&mut view, &store, "/");
    press(&mut view, &store, "\"RequestId: 3c4d5e6f\"");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert_eq!(view.notice.as_ref().unwrap().text, "match 3 of 3");
    assert_eq!(view.logs.rows().len(), all, "the search hides nothing");
    press(&mut view, &store, "N");
    assert_eq!(view.notice.as_ref().unwrap().text, "match 2 of 3");
    let terminal = draw(&mut view, &store, 80, 24);
    let buf = terminal.backend().buffer();
    let text = screen(buf);
    assert!(text.contains("match 2 of 3)"), "{text}");
    // The matches are highlighted (the selected row is drawn in the selection colours).
    let highlighted: Vec<u16> = (0..buf.area.height)
        .filter(|&y| (0..buf.area.width).any(|x| buf[(x, y)].bg == Color::Yellow))
        .collect();
    assert_eq!(highlighted.len(), 3, "{text}");
    insta::assert_snapshot!("search_80x24", terminal.backend());
    insta::assert_snapshot!("search_200x60", draw(&mut view, &store, 200, 60).backend());
    press(&mut view, &store, "n");
    assert_eq!(view.notice.as_ref().unwrap().text, "match 3 of 3");
    press(&mut view, &store, "n");
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "match 1 of 3 (wrapped to the top)"
    );
    press(&mut view, &store, "N");
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "match 3 of 3 (wrapped to the bottom)"
    );
    // Esc clears the search, and quits nothing.
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Esc)),
        Effect::None
    );
    assert!(!view.logs.has_search());
    press(&mut view, &store, "n");
    assert!(
        view.notice
            .as_ref()
            .unwrap()
            .text
            .starts_with("n / N: search"),
        "{:?}",
        view.notice
    );
    // / on the table still filters the functions.
    handle_key(&mut view, &store, code(KeyCode::Tab));
    press(&mut view, &store, "/");
    assert!(view.editing_filter && !view.logs.searching);
}

#[test]
fn y_copies_the_request_id_or_the_whole_line() {
    let (store, mut view) = reading();
    select(&mut view, &store, "loading cart");
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(view.copied.as_deref(), Some(FAILED));
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        format!("copied request id {FAILED} (OSC 52)")
    );
    select(&mut view, &store, "INIT_START");
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(
        view.copied.as_deref(),
        Some("INIT_START Runtime Version: nodejs:20.v31")
    );
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "copied the whole line, 41 characters: it names no request id (OSC 52)"
    );
    // From the pop-up too.
    select(&mut view, &store, "Task timed out");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(view.copied.as_deref(), Some(TIMED));
    assert!(view.logs.popup.is_some(), "y leaves the pop-up open");
    // What the event loop writes: one OSC 52 sequence, nothing of a hostile line's escapes.
    let mut out = Vec::new();
    write_clipboard(&mut out, "id\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J").unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(
        out,
        "\u{1b}]52;c;aWTikJtdNTI7YztaWFpwYkE9PeKQh+KQm1sySg==\u{7}"
    );
}

#[test]
fn reflex_keys_say_what_they_do() {
    let (store, mut view) = reading();
    press(&mut view, &store, ":");
    assert!(view.help);
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "lambdatop has no command line: every key is listed here"
    );
    // At 80x24 the help is taller than the screen: it says so and scrolls to its last keys.
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(text.contains("Keys · 1–22 of"), "{text}");
    assert!(!text.contains("quit at once"), "{text}");
    press(&mut view, &store, "G");
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert!(text.contains("quit at once"), "{text}");
    assert!(view.help, "keys move in the help, and do not close it");
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert!(!view.help);
    press(&mut view, &store, "x");
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "x is not a key here · ? lists the keys"
    );
    let help = lambdatop::tui::keys::help_lines();
    for keys in ["/ / n / N", "y", "i", "W / ← / → / 0", "? F1 / :"] {
        assert!(help.iter().any(|l| l.keys == keys), "{keys}: {help:?}");
    }
}

#[test]
fn a_filtered_paused_pane_fills_from_the_bottom() {
    let (store, mut view) = reading();
    // Staying on the line before the newest, drawn once, then a filter that keeps three lines.
    press(&mut view, &store, "k");
    assert!(!view.logs.following());
    draw(&mut view, &store, 80, 24);
    press(&mut view, &store, "l");
    press(&mut view, &store, "REPORT");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    let text = screen(draw(&mut view, &store, 80, 24).backend().buffer());
    assert_eq!(text.matches("REPORT RequestId").count(), 3, "{text}");
}

#[test]
fn a_filter_that_does_not_parse_applies_nothing_of_itself() {
    let (store, mut view) = reading();
    view.refresh_logs(&store);
    let all = view.logs.rows().len();
    assert_eq!(all, 14);
    press(&mut view, &store, "l");
    press(&mut view, &store, "level:bogus");
    view.refresh_logs(&store);
    assert!(view.logs.error().is_some());
    assert_eq!(
        view.logs.rows().len(),
        all,
        "no part of level:bogus applies"
    );
    handle_key(&mut view, &store, code(KeyCode::Esc));
    // Nor of `REPORT /[`: the filter from before the edit (none) stays.
    press(&mut view, &store, "l");
    press(&mut view, &store, "REPORT /[");
    view.refresh_logs(&store);
    assert!(view.logs.error().is_some());
    assert_eq!(view.logs.rows().len(), all);
    handle_key(&mut view, &store, code(KeyCode::Esc));
    // A filter kept with Enter stays while a bad edit is typed after it.
    press(&mut view, &store, "l");
    press(&mut view, &store, "REPORT");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    view.refresh_logs(&store);
    assert_eq!(view.logs.rows().len(), 3);
    press(&mut view, &store, "l");
    press(&mut view, &store, " /[");
    view.refresh_logs(&store);
    assert!(view.logs.error().is_some());
    assert_eq!(view.logs.rows().len(), 3, "REPORT stays, /[ does not apply");
}

#[test]
fn a_hostile_line_in_the_popup_stays_inert() {
    let (mut store, mut view) = reading();
    let hostile = format!(
        "2026-03-14T15:26:10.000Z\t{FAILED}\tERROR\tpwned \u{1b}]52;c;ZXZpbA==\u{7} {{\"k\":\"\\u001b[2J\",\"x\":1}}\n\u{1b}[31mred\u{202e}"
    );
    store.apply(Update::logs(vec![LogEvent {
        function: Arc::from("orders-api"),
        origin: Default::default(),
        timestamp: common::fixed_now(),
        stream: Arc::from("2026/03/14/[$LATEST]abc"),
        message: hostile,
        event_id: None,
    }]));
    select(&mut view, &store, "pwned");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    for (w, h) in [(80, 24), (200, 60)] {
        let terminal = draw(&mut view, &store, w, h);
        let buf = terminal.backend().buffer();
        common::assert_inert(buf, "the pop-up");
        let text = screen(buf);
        assert!(text.contains("pwned ␛]52;c;ZXZpbA==␇"), "{text}");
        assert!(text.contains("␛[31mred"), "{text}");
    }
    // y copies the request id, not the hostile text.
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(view.copied.as_deref(), Some(FAILED));
}

#[test]
fn y_on_the_table_and_in_the_detail_view() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    press(&mut view, &store, "j");
    let name = view.selected_name(&store).unwrap().to_string();
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(view.copied.as_deref(), Some(name.as_str()));
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        format!("copied function name {name} (OSC 52)")
    );
    handle_key(&mut view, &store, code(KeyCode::Enter));
    let newest = store
        .function_named(&name)
        .and_then(|f| f.analytics())
        .and_then(|a| a.recent().next_back())
        .map(|i| i.request_id.clone())
        .unwrap();
    assert_eq!(press(&mut view, &store, "y"), Effect::Copy);
    assert_eq!(view.copied.as_deref(), Some(newest.as_str()));
}

/// The search's matches follow lines arriving and old lines leaving the ring, finding what a
/// search from scratch finds.
#[test]
fn search_matches_follow_the_stream() {
    let clock: SharedClock = Arc::new(ManualClock::new(common::fixed_now()));
    let mut store = Store::new(
        SourceKind::Demo,
        None,
        TimeWindow::default(),
        StoreLimits {
            log_events: 10,
            log_bytes: 1 << 20,
        },
        clock,
    );
    let line = |i: usize| LogEvent {
        function: Arc::from("orders-api"),
        origin: Default::default(),
        timestamp: common::fixed_now() + Duration::seconds(i as i64),
        stream: Arc::from("s"),
        message: if i.is_multiple_of(3) {
            format!("needle {i}")
        } else {
            format!("hay {i}")
        },
        event_id: None,
    };
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    press(&mut view, &store, "/needle");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    for batch in 0..6 {
        store.apply(Update::logs((batch * 4..batch * 4 + 4).map(line).collect()));
        view.refresh_logs(&store);
        let found = view.logs.hits().to_vec();
        let want: Vec<usize> = view
            .logs
            .rows()
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                store
                    .logs()
                    .get(r.seq)
                    .unwrap()
                    .message
                    .starts_with("needle")
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(found, want, "after batch {batch}");
    }
    // 24 lines went by, the last 10 are kept: 14..=23 hold needles 15, 18 and 21.
    assert_eq!(view.logs.hits().len(), 3);
}

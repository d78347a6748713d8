//! The dashboard drawn into a test backend at a fixed clock, compared with insta snapshots, and
//! driven by keys.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::store::{Selection, SortKey, TimeWindow};
use lambdatop::tui::handle_key;
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::{Effect, Pane, ViewState};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

fn draw(
    view: &mut ViewState,
    store: &lambdatop::store::Store,
    w: u16,
    h: u16,
) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| render(f, view, store, &Theme::dark()))
        .unwrap();
    terminal
}

fn key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
}

#[test]
fn overview_at_160x45() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    insta::assert_snapshot!(draw(&mut view, &store, 160, 45).backend());
}

#[test]
fn overview_at_80x24() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    insta::assert_snapshot!(draw(&mut view, &store, 80, 24).backend());
}

#[test]
fn help_overlay_lists_the_keys() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    assert_eq!(handle_key(&mut view, &store, key('?')), Effect::None);
    assert!(view.help);
    insta::assert_snapshot!(draw(&mut view, &store, 100, 30).backend());
    // Esc closes the overlay and does not quit.
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(handle_key(&mut view, &store, esc), Effect::None);
    assert!(!view.help);
}

#[test]
fn quit_keys() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::Quit);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(handle_key(&mut view, &store, ctrl_c), Effect::Quit);
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(handle_key(&mut view, &store, esc), Effect::Quit);
}

#[test]
fn sorting_filtering_and_moving() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    // Busiest first by default.
    assert_eq!(view.selected_name(&store), Some("auth-prod-authorizer"));
    handle_key(&mut view, &store, key('j'));
    assert_eq!(view.selected_name(&store), Some("orders-prod-api"));
    handle_key(&mut view, &store, key('G'));
    assert_eq!(view.selected, store.functions().len() - 1);
    handle_key(&mut view, &store, key('g'));
    assert_eq!(view.selected, 0);
    // s cycles the sort column; from invocations the next is errors.
    handle_key(&mut view, &store, key('s'));
    assert_eq!(view.sort(), SortKey::Errors);
    let by_errors: Vec<u64> = store
        .select(&view.selection)
        .iter()
        .map(|f| f.summary.errors)
        .collect();
    assert!(by_errors.windows(2).all(|w| w[0] >= w[1]), "{by_errors:?}");
    handle_key(&mut view, &store, key('S'));
    let reversed: Vec<u64> = store
        .select(&view.selection)
        .iter()
        .map(|f| f.summary.errors)
        .collect();
    assert!(reversed.windows(2).all(|w| w[0] <= w[1]), "{reversed:?}");
    // / types a filter; Enter keeps it; Esc clears it.
    handle_key(&mut view, &store, key('/'));
    for c in "salespipe".chars() {
        handle_key(&mut view, &store, key(c));
    }
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    let names: Vec<&str> = store
        .select(&view.selection)
        .iter()
        .map(|f| f.name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("salesPipe")));
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
    );
    assert_eq!(store.select(&view.selection).len(), store.functions().len());
}

#[test]
fn window_keys_and_panes() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    assert_eq!(
        handle_key(&mut view, &store, key('+')),
        Effect::Window("3h".parse().unwrap())
    );
    assert_eq!(
        handle_key(&mut view, &store, key('-')),
        Effect::Window("15m".parse().unwrap())
    );
    assert_eq!(handle_key(&mut view, &store, key('r')), Effect::Refresh);
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    assert_eq!(view.pane, Pane::Logs);
    handle_key(&mut view, &store, key('k'));
    assert!(!view.logs.following());
    handle_key(&mut view, &store, key('f'));
    assert!(view.logs.following());
}

#[test]
fn health_colours_are_semantic() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let terminal = draw(&mut view, &store, 160, 45);
    let buf = terminal.backend().buffer();
    // The ALARM badge of orders-prod-api is drawn in the error colour.
    let (x, y) = find(buf, "ALARM 1").expect("alarm count in the header");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    let row = (0..buf.area.height)
        .find(|&y| line(buf, y).starts_with("orders-prod-api"))
        .unwrap();
    let text = line(buf, row);
    let col = text[..text.find("ALARM").unwrap()].chars().count() as u16;
    assert_eq!(buf[(col, row)].fg, Color::Red);
}

fn line(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let l = line(buf, y);
        l.find(needle).map(|i| (l[..i].chars().count() as u16, y))
    })
}

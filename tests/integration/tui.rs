//! The dashboard drawn into a test backend at a fixed clock, compared with insta snapshots, and
//! driven by keys.

use crate::common;
use crate::common::{draw, key};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::figures::Figure;
use lambdatop::figures::{Selection, SortKey};
use lambdatop::tui::handle_key;
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::{Effect, Pane, ViewState};
use lambdatop::window::TimeWindow;
use ratatui::Terminal;
use ratatui::style::Color;

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
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    // Esc never quits: with nothing open it says how to quit.
    assert_eq!(handle_key(&mut view, &store, esc), Effect::None);
    assert!(view.notice.as_ref().unwrap().text.contains("q quits"));
    // q in the detail view goes back to the table; from the table it quits.
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    assert!(view.detail.is_some());
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::None);
    assert!(view.detail.is_none());
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::Quit);
    // q in the help overlay closes it.
    handle_key(&mut view, &store, key('?'));
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::None);
    assert!(!view.help);
    // With a function filter set, q does not lose it: it says how; Q quits all the same.
    for c in "/ord".chars() {
        handle_key(&mut view, &store, key(c));
    }
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::None);
    assert!(view.notice.as_ref().unwrap().text.contains("Q quits"));
    assert_eq!(view.selection.filter, "ord");
    assert_eq!(
        handle_key(
            &mut view,
            &store,
            KeyEvent::new(KeyCode::Char('Q'), KeyModifiers::SHIFT)
        ),
        Effect::Quit
    );
    // Ctrl-C quits from anywhere, a sub-view included.
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    assert_eq!(handle_key(&mut view, &store, ctrl_c), Effect::Quit);
}

/// Tab, `l`, `level:error`, Enter, Esc: Esc clears the log filter, and a second Esc clears
/// nothing more and does not quit.
#[test]
fn esc_clears_the_log_filter_and_never_quits() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    handle_key(&mut view, &store, key('l'));
    for c in "level:error".chars() {
        handle_key(&mut view, &store, key(c));
    }
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    assert_eq!(view.logs.input(), "level:error");
    assert_eq!(handle_key(&mut view, &store, esc), Effect::None);
    assert_eq!(view.logs.input(), "");
    assert_eq!(handle_key(&mut view, &store, esc), Effect::None);
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
    assert_eq!(view.sort(), SortKey::By(Figure::Errors));
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

fn mouse(
    kind: crossterm::event::MouseEventKind,
    column: u16,
    row: u16,
) -> crossterm::event::MouseEvent {
    crossterm::event::MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

#[test]
fn clicking_a_row_selects_it_and_the_wheel_moves_the_selection() {
    use crossterm::event::{MouseButton, MouseEventKind};
    use lambdatop::tui::handle_mouse;
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let terminal = draw(&mut view, &store, 160, 45);
    let buf = terminal.backend().buffer();
    let row = (0..buf.area.height)
        .find(|&y| line(buf, y).starts_with("image-resize-prod"))
        .unwrap();
    view.pane = Pane::Logs;
    assert!(handle_mouse(
        &mut view,
        &store,
        mouse(MouseEventKind::Down(MouseButton::Left), 10, row)
    ));
    assert_eq!(view.selected_name(&store), Some("image-resize-prod"));
    assert_eq!(view.pane, Pane::Functions, "a click focuses the table");
    assert!(handle_mouse(
        &mut view,
        &store,
        mouse(MouseEventKind::ScrollDown, 10, row)
    ));
    assert_eq!(view.selected, 5);
    handle_mouse(&mut view, &store, mouse(MouseEventKind::ScrollUp, 10, row));
    handle_mouse(&mut view, &store, mouse(MouseEventKind::ScrollUp, 10, row));
    assert_eq!(view.selected, 3);
    // The header, empty rows under the last function, the log pane and pointer moves do nothing.
    let header = row - 4 - 1;
    for (kind, y) in [
        (MouseEventKind::Down(MouseButton::Left), header),
        (MouseEventKind::Down(MouseButton::Left), row + 20),
        (MouseEventKind::Down(MouseButton::Left), 40),
        (MouseEventKind::ScrollDown, 40),
        (MouseEventKind::Moved, row),
    ] {
        assert!(
            !handle_mouse(&mut view, &store, mouse(kind, 10, y)),
            "{kind:?} at {y}"
        );
    }
    assert_eq!(view.selected, 3);
}

#[test]
fn the_table_scrolls_to_keep_the_selection_in_view() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, key('G'));
    let terminal = draw(&mut view, &store, 80, 14);
    let text: Vec<String> = (0..14)
        .map(|y| line(terminal.backend().buffer(), y))
        .collect();
    let last = store
        .select(&view.selection)
        .last()
        .unwrap()
        .name()
        .to_string();
    assert!(text.iter().any(|l| l.starts_with(&last)), "{text:#?}");
    assert!(view.table_offset > 0);
}

/// Counts what a `CrosstermBackend` writes.
#[derive(Clone, Default)]
struct Counter(std::rc::Rc<std::cell::Cell<usize>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_idle_redraw_writes_almost_nothing() {
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::{TerminalOptions, Viewport};
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let counter = Counter::default();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 160, 45)),
        },
    )
    .unwrap();
    let theme = Theme::dark();
    terminal
        .draw(|f| render(f, &mut view, &store, &theme))
        .unwrap();
    let first = counter.0.get();
    assert!(
        first > 160 * 20,
        "the first frame draws the screen: {first}"
    );
    terminal
        .draw(|f| render(f, &mut view, &store, &theme))
        .unwrap();
    let idle = counter.0.get() - first;
    assert!(idle < 64, "an idle redraw wrote {idle} bytes");
}

/// Rows the table does not need go to the log pane; `m` gives the focused pane the whole body.
#[test]
fn spare_rows_go_to_the_log_pane_and_m_maximises() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let lines = |view: &mut ViewState, w, h| -> Vec<String> {
        let t = draw(view, &store, w, h);
        let b = t.backend().buffer().clone();
        (0..b.area.height)
            .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect())
            .collect()
    };
    let logs_title = |lines: &[String]| lines.iter().position(|l| l.starts_with(" Logs"));
    // 12 functions: 3 header rows, the table's title and headings, 12 rows; then the logs.
    for (w, h) in [(160, 45), (220, 60)] {
        let screen = lines(&mut view, w, h);
        assert_eq!(logs_title(&screen), Some(3 + 2 + 12), "{w}x{h}");
    }
    // A short terminal keeps a quarter for the logs, and the table scrolls.
    let screen = lines(&mut view, 80, 20);
    assert_eq!(logs_title(&screen), Some(20 - 1 - 5));
    // m: the focused table takes the body; Tab then m: the logs do.
    handle_key(&mut view, &store, key('m'));
    let screen = lines(&mut view, 160, 45);
    assert_eq!(logs_title(&screen), None);
    assert!(screen[44].contains("maximised"));
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    let screen = lines(&mut view, 160, 45);
    assert_eq!(logs_title(&screen), Some(3));
    assert!(!screen.iter().any(|l| l.starts_with("Function ")));
    handle_key(&mut view, &store, key('m'));
    assert_eq!(logs_title(&lines(&mut view, 160, 45)), Some(17));
}

/// After a window change the figures of the window before stay, muted and marked as loading,
/// until the metrics poller delivers the new window: nothing reads 0 while it is only loading.
#[test]
fn a_window_change_keeps_the_old_figures_marked_as_loading() {
    use lambdatop::message::{Poller, Update};
    let mut store = common::demo_store(TimeWindow::default());
    let before = store.totals();
    let orders = |s: &lambdatop::store::Store| {
        s.function_named("orders-prod-api")
            .unwrap()
            .summary
            .invocations
    };
    let orders_before = orders(&store);
    assert!(before.invocations > 0 && orders_before > 0);
    store.set_window("7d".parse().unwrap());
    store.tick();
    assert!(store.loading());
    assert_eq!(store.totals(), before);
    assert_eq!(orders(&store), orders_before);
    let mut view = ViewState::new(Selection::default());
    let t = draw(&mut view, &store, 160, 45);
    let b = t.backend().buffer();
    let text: Vec<String> = (0..b.area.height)
        .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect())
        .collect();
    assert!(text[0].contains("last 1h · loading 7d…"), "{}", text[0]);
    assert!(text[44].contains("loading the last 7d"), "{}", text[44]);
    // The figures are muted while they are the old window's.
    let row = text
        .iter()
        .position(|l| l.starts_with("orders-prod-api"))
        .unwrap();
    let x = text[row]
        .find(" 15")
        .or_else(|| text[row].find(" 1"))
        .unwrap() as u16
        + 1;
    assert_eq!(b[(x, row as u16)].fg, Theme::dark().muted.fg.unwrap());
    // The header's figures too, and its error rate by the table's thresholds: muted.
    let rate = text[1].find('%').unwrap() as u16 - 1;
    assert_eq!(b[(rate, 1)].fg, Theme::dark().muted.fg.unwrap());
    // A round asked for before the change ends without any series of the new window: the
    // old figures stay (they read 0 here before).
    let now = common::fixed_now();
    store.apply(Update::Polled {
        poller: Poller::Metrics,
        at: now,
    });
    assert!(store.loading());
    assert_eq!(store.totals(), before);
    // The new window's round: a series at its period (here: no datapoint in it), then its
    // end. Its figures show.
    let window: TimeWindow = "7d".parse().unwrap();
    store.apply(Update::Metrics(vec![lambdatop::model::MetricPoints {
        function: Some("orders-prod-api".into()),
        metric: lambdatop::model::MetricKind::Invocations,
        from: window.start(now),
        to: now,
        period_s: window.period_s(),
        points: Vec::new(),
    }]));
    store.apply(Update::Polled {
        poller: Poller::Metrics,
        at: now,
    });
    assert!(!store.loading());
    assert_eq!(store.totals().invocations, 0);
}

/// From 1h to 3h (both at 1-minute periods) a late answer for the last hour is no answer for the
/// three: the old figures stay until a series reaching back to the window's start lands.
#[test]
fn a_late_answer_for_a_shorter_window_of_the_same_period_is_not_the_new_one() {
    use lambdatop::message::{Poller, Update};
    use lambdatop::model::{MetricKind, MetricPoints};
    let mut store = common::demo_store(TimeWindow::default());
    let before = store.totals();
    let now = common::fixed_now();
    let three_hours: TimeWindow = "3h".parse().unwrap();
    assert_eq!(three_hours.period_s(), TimeWindow::default().period_s());
    store.set_window(three_hours);
    let series = |from| {
        Update::Metrics(vec![MetricPoints {
            function: Some("orders-prod-api".into()),
            metric: MetricKind::Invocations,
            from,
            to: now,
            period_s: three_hours.period_s(),
            points: Vec::new(),
        }])
    };
    let polled = || Update::Polled {
        poller: Poller::Metrics,
        at: now,
    };
    store.apply(series(now - chrono::Duration::hours(1)));
    store.apply(polled());
    assert!(store.loading());
    assert_eq!(store.totals(), before);
    store.apply(series(three_hours.start(now)));
    store.apply(polled());
    assert!(!store.loading());
}

/// A round that ends without a series of the new window twice over ends the loading anyway:
/// an account whose window has no datapoint at all is not loading for ever.
#[test]
fn a_window_without_any_series_ends_loading_after_a_second_round() {
    use lambdatop::message::{Poller, Update};
    let mut store = common::demo_store(TimeWindow::default());
    store.set_window("7d".parse().unwrap());
    for loading in [true, false] {
        store.apply(Update::Polled {
            poller: Poller::Metrics,
            at: common::fixed_now(),
        });
        assert_eq!(store.loading(), loading);
    }
}

/// `<` and `>` move the sort between the columns shown, and sorting never moves a column.
#[test]
fn angle_brackets_pick_the_sort_column_and_the_table_stays_put() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let header = |view: &mut ViewState| -> String {
        let t = draw(view, &store, 160, 45);
        let b = t.backend().buffer();
        let y = (0..b.area.height)
            .find(|&y| b[(0, y)].symbol() == "F" && b[(1, y)].symbol() == "u")
            .unwrap();
        (0..b.area.width).map(|x| b[(x, y)].symbol()).collect()
    };
    let positions = |h: &str| -> Vec<usize> {
        [
            "Errors",
            "Err %",
            "Throttles",
            "Avg",
            "p99",
            "Conc",
            "Cost",
            "Alarm",
        ]
        .iter()
        .map(|t| h[..h.find(t).unwrap()].chars().count())
        .collect()
    };
    let first = header(&mut view);
    assert_eq!(view.selection.sort, SortKey::By(Figure::Invocations));
    handle_key(&mut view, &store, key('>'));
    assert_eq!(view.selection.sort, SortKey::By(Figure::Errors));
    handle_key(&mut view, &store, key('>'));
    assert_eq!(view.selection.sort, SortKey::By(Figure::ErrorRate));
    let by_rate = header(&mut view);
    assert!(by_rate.contains("Err % ▼"), "{by_rate}");
    assert_eq!(
        positions(&first),
        positions(&by_rate),
        "sorting moved a column:\n{first}\n{by_rate}"
    );
    handle_key(&mut view, &store, key('<'));
    handle_key(&mut view, &store, key('<'));
    handle_key(&mut view, &store, key('<'));
    assert_eq!(view.selection.sort, SortKey::Name);
    handle_key(&mut view, &store, key('<'));
    // Wraps to the rightmost sortable column.
    assert_eq!(view.selection.sort, SortKey::By(Figure::Cost));
}

/// `/` takes a glob as `--functions` does, and says so when nothing matches.
#[test]
fn the_slash_filter_takes_globs_and_says_when_nothing_matches() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    for c in "/ord*api".chars() {
        handle_key(&mut view, &store, key(c));
    }
    assert_eq!(view.rows(&store), 1);
    assert_eq!(view.selected_name(&store), Some("orders-prod-api"));
    for c in "zz".chars() {
        handle_key(&mut view, &store, key(c));
    }
    assert_eq!(view.rows(&store), 0);
    let t = draw(&mut view, &store, 160, 45);
    let b = t.backend().buffer();
    let text: String = (0..b.area.height)
        .flat_map(|y| (0..b.area.width).map(move |x| (x, y)))
        .map(|p| b[p].symbol().to_string())
        .collect();
    assert!(text.contains("no function matches (Esc clears)"), "{text}");
}

/// `a` on the table changes nothing (there is no function to narrow the logs to) and says where
/// it works, so the next detail view is not silently every function's.
#[test]
fn a_on_the_table_changes_nothing_and_says_so() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, key('a'));
    assert!(view.notice.as_ref().unwrap().text.contains("detail view"));
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    assert!(
        view.log_scope().is_some(),
        "the detail view shows its function's logs"
    );
}

#[test]
fn the_name_column_is_as_wide_as_the_longest_name_and_scrolling_never_shifts_the_table() {
    let store = common::demo_store(TimeWindow::default());
    let longest = store.functions().map(|f| f.name().len()).max().unwrap();
    let mut view = ViewState::new(Selection::default());
    // The header row's "Invocations" column, at 220 columns, on a screen of a few rows.
    let column = |view: &mut ViewState| {
        let terminal = draw(view, &store, 220, 16);
        let (x, _) = find(terminal.backend().buffer(), "Invocations ▼").expect("header");
        x
    };
    let top = column(&mut view);
    // The figures start one cell after the longest name of all, not far to the right.
    assert_eq!(usize::from(top), longest + 1);
    handle_key(&mut view, &store, key('G'));
    assert_eq!(column(&mut view), top);
    assert!(view.table_offset > 0, "the table scrolled");
}

#[test]
fn the_request_says_when_someone_reads_the_logs() {
    use lambdatop::message::Request;
    use lambdatop::tui::sync_request;
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    let mut req = Request::new(TimeWindow::default());
    draw(&mut view, &store, 120, 40);
    sync_request(&mut view, &store, &mut req);
    assert!(!req.reading_logs, "the table has the focus");
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    assert!(sync_request(&mut view, &store, &mut req));
    assert!(req.reading_logs, "the log pane has the focus");
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
    sync_request(&mut view, &store, &mut req);
    assert!(req.reading_logs, "a detail view is open");
    view.idle = true;
    sync_request(&mut view, &store, &mut req);
    assert!(!req.reading_logs, "nobody is looking");
}

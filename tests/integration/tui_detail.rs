//! The function detail view and the log pane: drawn into a test backend at a fixed clock and
//! driven by keys.

use crate::common;
use crate::common::{draw, key};

use std::sync::Arc;

use chrono::Timelike;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::figures::Selection;
use lambdatop::lambda_log::parse;
use lambdatop::message::Update;
use lambdatop::model::{Datapoint, FunctionConfig, LogEvent, MetricKind, MetricPoints};
use lambdatop::store::Store;
use lambdatop::tui::handle_key;
use lambdatop::tui::view::{Detail, Effect, Pane, ViewState};
use lambdatop::window::TimeWindow;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn code(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

fn press(view: &mut ViewState, store: &Store, keys: &str) {
    for c in keys.chars() {
        handle_key(view, store, key(c));
    }
}

fn line(buf: &Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| line(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    (0..buf.area.height).find_map(|y| {
        let l = line(buf, y);
        l.find(needle).map(|i| (l[..i].chars().count() as u16, y))
    })
}

/// The demo store with orders-prod-api's detail view open.
fn orders_detail() -> (Store, ViewState) {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, key('j'));
    assert_eq!(view.selected_name(&store), Some("orders-prod-api"));
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Enter)),
        Effect::None
    );
    (store, view)
}

fn request_id(store: &Store, seq: u64) -> Option<String> {
    let e = store.logs().get(seq)?;
    parse(&e.message).request_id().map(str::to_string)
}

#[test]
fn detail_view_at_160x45() {
    let (store, mut view) = orders_detail();
    insta::assert_snapshot!(draw(&mut view, &store, 160, 45).backend());
}

#[test]
fn detail_view_at_80x24() {
    let (store, mut view) = orders_detail();
    insta::assert_snapshot!(draw(&mut view, &store, 80, 24).backend());
}

#[test]
fn detail_view_without_data_says_so() {
    let mut store = common::demo_store(TimeWindow::default());
    store.apply(Update::Functions(vec![FunctionConfig::named("quiet-fn")]));
    let mut view = ViewState::new(Selection::default());
    view.detail = Some(Detail::new(store.id_of("quiet-fn")));
    for (w, h) in [(160, 45), (80, 24)] {
        let terminal = draw(&mut view, &store, w, h);
        let text = screen(terminal.backend().buffer());
        assert!(text.contains("no REPORT lines yet"), "{w}x{h}:\n{text}");
        assert!(text.contains("no metrics yet"), "{w}x{h}:\n{text}");
        assert!(text.contains("Logs · quiet-fn (0 of"), "{w}x{h}:\n{text}");
        if w == 160 {
            // Its reserved concurrency was never read: neither claimed to be none nor shown
            // as unknown.
            assert!(!text.contains("Reserved"), "{w}x{h}:\n{text}");
            assert!(!text.contains("unknown"), "{w}x{h}:\n{text}");
        }
    }
}

/// The names of `ids`.
fn names(ids: &[lambdatop::model::FunctionId]) -> Vec<String> {
    ids.iter().map(|f| f.name.to_string()).collect()
}

#[test]
fn open_and_close_the_detail_view() {
    let (store, mut view) = orders_detail();
    assert_eq!(
        &*view.detail.as_ref().unwrap().function.name,
        "orders-prod-api"
    );
    // The source is asked for the function's logs, and for its detail metrics.
    assert_eq!(names(&view.log_focus(&store)), ["orders-prod-api"]);
    assert_eq!(
        view.detail_focus().map(|f| f.name.to_string()).as_deref(),
        Some("orders-prod-api")
    );
    // The log pane follows the function.
    assert_eq!(view.log_scope().map(|f| &*f.name), Some("orders-prod-api"));
    view.refresh_logs(&store);
    assert!(!view.logs.rows().is_empty());
    assert!(
        view.logs
            .rows()
            .iter()
            .all(|r| { &*store.logs().get(r.seq).unwrap().function == "orders-prod-api" })
    );
    // a shows every function, and back, saying which; the pane's title names its scope.
    handle_key(&mut view, &store, key('a'));
    assert_eq!(view.log_scope(), None);
    assert_eq!(view.notice.as_ref().unwrap().text, "logs: every function");
    let drawn = format!("{:?}", draw(&mut view, &store, 160, 45).backend());
    assert!(drawn.contains(" Logs · every function ("), "{drawn}");
    handle_key(&mut view, &store, key('a'));
    assert_eq!(view.log_scope().map(|f| &*f.name), Some("orders-prod-api"));
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "logs: orders-prod-api only"
    );
    // j/k move in the recent invocations.
    press(&mut view, &store, "jjk");
    assert_eq!(view.detail.as_ref().unwrap().selected, 1);
    // Backspace goes back; so does Esc, which does not quit from the detail view.
    handle_key(&mut view, &store, code(KeyCode::Backspace));
    assert!(view.detail.is_none());
    // The overview follows the table's first five functions (see `cost.rs`), and needs no
    // detail metrics.
    let top: Vec<String> = store
        .select(&view.selection)
        .iter()
        .take(5)
        .map(|f| f.name().to_string())
        .collect();
    assert_eq!(names(&view.log_focus(&store)), top);
    assert_eq!(view.detail_focus(), None);
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert!(view.detail.is_some());
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Esc)),
        Effect::None
    );
    assert!(view.detail.is_none());
    // Esc never quits.
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Esc)),
        Effect::None
    );
}

#[test]
fn enter_on_an_invocation_shows_its_log_lines() {
    let (store, mut view) = orders_detail();
    handle_key(&mut view, &store, key('j'));
    let id = store
        .function_named("orders-prod-api")
        .and_then(|f| f.analytics())
        .and_then(|a| a.recent().rev().nth(1))
        .map(|i| i.request_id.clone())
        .unwrap();
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert_eq!(view.pane, Pane::Logs);
    assert_eq!(view.logs.input(), format!("req:{id}"));
    view.refresh_logs(&store);
    let rows = view.logs.rows();
    assert!(rows.len() >= 3, "START, END and REPORT at least: {rows:?}");
    assert!(
        rows.iter()
            .all(|r| request_id(&store, r.seq) == Some(id.clone()))
    );
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert_eq!(view.logs.input(), "");
    assert!(
        view.detail.is_some(),
        "Esc first returns to the previous filter"
    );
}

#[test]
fn log_filter_editing() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, key('l'));
    assert!(view.logs.editing);
    assert_eq!(view.pane, Pane::Logs);
    // Keys are text while editing: q does not quit.
    assert_eq!(handle_key(&mut view, &store, key('q')), Effect::None);
    handle_key(&mut view, &store, code(KeyCode::Backspace));
    press(&mut view, &store, "level:error");
    assert_eq!(view.logs.input(), "level:error");
    assert_eq!(view.logs.filter().text(), "level:error");
    view.refresh_logs(&store);
    let errors = view.logs.rows().len();
    assert!(errors > 0 && errors < store.logs().len());
    // A bad regex is reported and nothing of the text applies, not even the part typed
    // before it: the filter from before the edit (none) stays.
    press(&mut view, &store, " /ab(/");
    assert_eq!(view.logs.error(), Some("bad regex /ab(/: unclosed group"));
    assert_eq!(view.logs.filter().text(), "");
    let terminal = draw(&mut view, &store, 120, 30);
    let text = screen(terminal.backend().buffer());
    assert!(
        text.contains("bad regex /ab(/: unclosed group (not applied)"),
        "{text}"
    );
    // Ctrl-U clears; Enter keeps; Esc while editing clears.
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
    );
    press(&mut view, &store, "timeout");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    assert!(!view.logs.editing);
    assert_eq!(view.logs.filter().text(), "timeout");
    // In the log pane, / searches the lines (it edits neither filter); l edits the filter.
    handle_key(&mut view, &store, key('/'));
    assert!(view.logs.searching && !view.logs.editing && !view.editing_filter);
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert!(!view.logs.searching);
    assert_eq!(view.logs.input(), "timeout");
    handle_key(&mut view, &store, key('l'));
    handle_key(&mut view, &store, code(KeyCode::Esc));
    assert!(!view.logs.editing);
    assert_eq!(view.logs.input(), "");
}

#[test]
fn log_pane_with_a_filter_highlights_matches() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, key('l'));
    press(&mut view, &store, "keyerror -fn:dev");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    let terminal = draw(&mut view, &store, 160, 30);
    let buf = terminal.backend().buffer();
    insta::assert_snapshot!(terminal.backend());
    let (x, y) = find(buf, "KeyError").expect("a match on screen");
    assert!(y > 10, "in the log pane");
    assert_eq!(buf[(x, y)].bg, Color::Yellow);
    assert_eq!(buf[(x + 7, y)].bg, Color::Yellow);
    assert_ne!(buf[(x + 8, y)].bg, Color::Yellow);
}

#[test]
fn fold_and_open_an_invocation() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    handle_key(&mut view, &store, key('z'));
    assert!(view.logs.fold);
    view.refresh_logs(&store);
    let folded = view.logs.rows().len();
    assert!(folded > 0);
    for r in view.logs.rows() {
        let e = store.logs().get(r.seq).unwrap();
        let kind = parse(&e.message).kind_name();
        assert!(kind == "report" || !r.nested, "{kind}");
    }
    let reports = view
        .logs
        .rows()
        .iter()
        .filter(|r| parse(&store.logs().get(r.seq).unwrap().message).kind_name() == "report")
        .count();
    assert!(reports * 10 >= folded * 9, "{reports} of {folded}");
    // o opens the selected invocation: its lines appear, nested, before its REPORT.
    handle_key(&mut view, &store, key('k'));
    let (seq, _) = view.logs.selected(&store).unwrap();
    let id = request_id(&store, seq).unwrap();
    handle_key(&mut view, &store, key('o'));
    assert!(view.logs.is_open(&id));
    view.refresh_logs(&store);
    let nested: Vec<u64> = view
        .logs
        .rows()
        .iter()
        .filter(|r| r.nested)
        .map(|r| r.seq)
        .collect();
    assert!(nested.len() >= 2, "START and END at least");
    assert!(
        nested
            .iter()
            .all(|&s| request_id(&store, s).as_deref() == Some(id.as_str()))
    );
    let drawn = screen(draw(&mut view, &store, 160, 45).backend().buffer());
    assert!(drawn.contains("  │ "), "{drawn}");
    // z unfolds everything.
    handle_key(&mut view, &store, key('z'));
    assert!(!view.logs.fold);
    view.refresh_logs(&store);
    assert_eq!(view.logs.rows().len(), store.logs().len());
}

#[test]
fn jump_to_an_invocation_and_back() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    handle_key(&mut view, &store, key('l'));
    press(&mut view, &store, "level:error");
    handle_key(&mut view, &store, code(KeyCode::Enter));
    press(&mut view, &store, "k");
    let (seq, _) = view.logs.selected(&store).unwrap();
    let id = request_id(&store, seq).expect("error lines name their invocation");
    handle_key(&mut view, &store, key('i'));
    assert_eq!(view.logs.input(), format!("req:{id}"));
    assert!(view.logs.can_go_back());
    view.refresh_logs(&store);
    let kinds: Vec<&str> = view
        .logs
        .rows()
        .iter()
        .map(|r| parse(&store.logs().get(r.seq).unwrap().message).kind_name())
        .collect();
    assert!(
        kinds.contains(&"start") && kinds.contains(&"report"),
        "{kinds:?}"
    );
    assert!(view.notice.as_ref().unwrap().text.contains(&id));
    let drawn = screen(draw(&mut view, &store, 160, 45).backend().buffer());
    assert!(drawn.contains("Esc: previous filter"), "{drawn}");
    // Esc returns to the error filter, and does not quit.
    assert_eq!(
        handle_key(&mut view, &store, code(KeyCode::Esc)),
        Effect::None
    );
    assert_eq!(view.logs.input(), "level:error");
    assert!(!view.logs.can_go_back());
    // A line without a request id says so.
    view.logs.set_input("INIT_START");
    view.refresh_logs(&store);
    if !view.logs.rows().is_empty() {
        handle_key(&mut view, &store, key('i'));
        assert_eq!(
            view.notice.as_ref().unwrap().text,
            "this line has no request id"
        );
    }
}

#[test]
fn follow_and_pause() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    assert!(view.logs.following());
    handle_key(&mut view, &store, key('f'));
    assert!(!view.logs.following());
    let (paused_at, _) = view.logs.selected(&store).unwrap();
    assert_eq!(paused_at, store.logs().next_seq() - 1);
    // The pane's title says so in words, and says which key follows again; p (freeze) is told
    // apart from it.
    let title = |view: &mut ViewState| {
        let t = draw(view, &store, 160, 45);
        let b = t.backend().buffer();
        (0..b.area.height)
            .map(|y| {
                (0..b.area.width)
                    .map(|x| b[(x, y)].symbol())
                    .collect::<String>()
            })
            .find(|l| l.starts_with(" Logs"))
            .unwrap()
    };
    assert!(title(&mut view).contains("staying put: f follows"));
    handle_key(&mut view, &store, key('p'));
    assert!(title(&mut view).contains("frozen: p resumes"));
    handle_key(&mut view, &store, key('p'));
    handle_key(&mut view, &store, key('k'));
    assert_eq!(
        view.logs.selected(&store).unwrap().0,
        store.logs().next_seq() - 2
    );
    // Down at the newest line resumes following.
    press(&mut view, &store, "jj");
    assert!(view.logs.following());
    handle_key(&mut view, &store, key('g'));
    assert_eq!(
        view.logs.selected(&store).unwrap().0,
        store.logs().first_seq()
    );
    handle_key(&mut view, &store, key('G'));
    assert!(view.logs.following());
    let drawn = screen(draw(&mut view, &store, 120, 30).backend().buffer());
    assert!(drawn.contains("lines, following)"), "{drawn}");
}

#[test]
fn paused_view_stays_put_while_lines_arrive() {
    let mut store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    press(&mut view, &store, "kkk");
    let (before, _) = view.logs.selected(&store).unwrap();
    let rebuilds = view.logs.rebuilds();
    store.apply(Update::logs(vec![event(
        "orders-prod-api",
        "xyzzy arrived late",
    )]));
    view.refresh_logs(&store);
    assert_eq!(view.logs.selected(&store).unwrap().0, before);
    // Appended lines are filtered alone; the ring is not filtered again.
    assert_eq!(view.logs.rebuilds(), rebuilds);
    assert_eq!(view.logs.rows().len(), store.logs().len());
    view.refresh_logs(&store);
    assert_eq!(view.logs.rebuilds(), rebuilds);
    view.logs.set_input("xyzzy");
    view.refresh_logs(&store);
    assert_eq!(view.logs.rebuilds(), rebuilds + 1);
    assert_eq!(view.logs.rows().len(), 1);
}

#[test]
fn save_writes_the_lines_shown() {
    let store = common::demo_store(TimeWindow::default());
    let mut view = ViewState::new(Selection::default());
    view.logs.set_input("level:error");
    assert_eq!(handle_key(&mut view, &store, key('w')), Effect::SaveLogs);
    let dir = std::env::temp_dir().join(format!("lambdatop-save-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let notice = view.logs.save(&store, &dir);
    assert!(!notice.error, "{}", notice.text);
    let path = dir.join("lambdatop-logs-20260314-152630.txt");
    assert_eq!(
        notice.text,
        format!(
            "saved {} lines to {}",
            view.logs.rows().len(),
            path.display()
        )
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), view.logs.rows().len());
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("2026-03-14T"), "{first}");
    assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    // A second save does not overwrite the first.
    let again = view.logs.save(&store, &dir);
    assert!(again.text.ends_with("lambdatop-logs-20260314-152630-1.txt"));
    std::fs::remove_dir_all(&dir).unwrap();
    // A directory that does not exist is a clear error.
    let bad = view.logs.save(&store, &dir.join("missing"));
    assert!(bad.error);
    assert!(
        bad.text.starts_with("cannot save the log lines in "),
        "{}",
        bad.text
    );
    // The notice shows in the status line until the next key.
    view.notice = Some(bad);
    let drawn = screen(draw(&mut view, &store, 160, 45).backend().buffer());
    assert!(drawn.contains("cannot save the log lines"), "{drawn}");
    handle_key(&mut view, &store, key('j'));
    assert!(view.notice.is_none());
}

fn event(function: &str, message: &str) -> LogEvent {
    LogEvent {
        function: Arc::from(function),
        origin: Default::default(),
        timestamp: common::fixed_now(),
        stream: Arc::from("2026/03/14/[$LATEST]abc"),
        message: message.to_string(),
        event_id: None,
    }
}

#[test]
fn hostile_lines_and_filters_never_reach_the_terminal() {
    let mut store = common::demo_store(TimeWindow::default());
    let hostile = [
        "\u{1b}[2J\u{1b}[Hpwned \u{1b}]0;title\u{7} payload",
        "\u{1b}]52;c;ZWNobyBoaQ==\u{1b}\\ payload clipboard",
        "payload \u{202e}txt.exe\u{9b}31m\rline\nsecond \u{1b}[31m line",
    ];
    store.apply(Update::logs(
        hostile
            .iter()
            .map(|m| event("orders-prod-api", m))
            .collect(),
    ));
    let mut view = ViewState::new(Selection::default());
    handle_key(&mut view, &store, code(KeyCode::Tab));
    // Filters aimed at the control characters themselves, and a highlight over them.
    for filter in [
        "payload",
        "\u{1b}[2J",
        "/\\x1b|\\x07|payload/",
        "/[\\x00-\\x1f]+/",
        "\"\u{1b}]52\"",
    ] {
        view.logs.set_input(filter);
        for paused in [false, true] {
            if paused {
                handle_key(&mut view, &store, key('k'));
            }
            let terminal = draw(&mut view, &store, 160, 45);
            common::assert_inert(terminal.backend().buffer(), &format!("filter {filter:?}"));
        }
        handle_key(&mut view, &store, key('G'));
    }
    view.logs.set_input("payload");
    let terminal = draw(&mut view, &store, 160, 45);
    let text = screen(terminal.backend().buffer());
    assert!(text.contains("␛[2J␛[Hpwned"), "{text}");
}

/// `function`'s points of `metric` at the given minutes past 15:00 of the fixed day.
fn points(function: &str, metric: MetricKind, values: &[(i64, f64)]) -> MetricPoints {
    let at = |minute: i64| {
        common::fixed_now()
            .with_minute(0)
            .and_then(|t| t.with_second(0))
            .unwrap()
            + chrono::Duration::minutes(minute)
    };
    MetricPoints {
        function: Some(function.to_string()),
        metric,
        from: at(-120),
        to: at(30),
        period_s: 60,
        points: values
            .iter()
            .map(|&(m, value)| Datapoint { at: at(m), value })
            .collect(),
    }
}

#[test]
fn the_detail_panel_shows_only_the_metrics_with_data() {
    let mut store = common::demo_store(TimeWindow::default());
    store.apply(Update::Functions(vec![FunctionConfig::named("stream-fn")]));
    let mut view = ViewState::new(Selection::default());
    view.detail = Some(Detail::new(store.id_of("stream-fn")));
    let title = "Async · streams · provisioned";
    for (w, h) in [(160, 45), (80, 24)] {
        let text = screen(draw(&mut view, &store, w, h).backend().buffer());
        assert!(!text.contains(title), "no data, no panel: {w}x{h}\n{text}");
    }
    store.apply(Update::Metrics(vec![
        points(
            "stream-fn",
            MetricKind::IteratorAge,
            &[(20, 1200.0), (25, 4200.0)],
        ),
        points(
            "stream-fn",
            MetricKind::DeadLetterErrors,
            &[(20, 1.0), (25, 2.0)],
        ),
        // Asked for, answered with nothing: no row.
        points("stream-fn", MetricKind::AsyncEventAge, &[]),
        // Only before the window: no row either.
        points(
            "stream-fn",
            MetricKind::ProvisionedConcurrencyUtilization,
            &[(-70, 0.5)],
        ),
    ]));
    for (w, h) in [(160, 45), (80, 24)] {
        let text = screen(draw(&mut view, &store, w, h).backend().buffer());
        assert!(text.contains(title), "{w}x{h}\n{text}");
        let row = |label: &str| text.lines().find(|l| l.contains(label)).map(str::to_string);
        let age = row("Iterator age").unwrap_or_else(|| panic!("{w}x{h}\n{text}"));
        assert!(age.contains("max 4.20 s"), "{age}");
        let dlq = row("DLQ errors").unwrap_or_else(|| panic!("{w}x{h}\n{text}"));
        assert!(dlq.contains("sum 3"), "{dlq}");
        for absent in ["Async event age", "Provisioned use", "Async events"] {
            assert!(row(absent).is_none(), "{absent} shown at {w}x{h}\n{text}");
        }
    }
    // Side by side when wide: both on one line.
    let text = screen(draw(&mut view, &store, 160, 45).backend().buffer());
    assert!(
        text.lines()
            .any(|l| l.contains("DLQ errors") && l.contains("Iterator age")),
        "{text}"
    );
}

/// The recent invocations list filters (e: failed, c: cold starts) and sorts (d: slowest
/// first), and says what it shows.
#[test]
fn recent_invocations_filter_and_sort() {
    let mut store = common::demo_store(TimeWindow::default());
    // Four invocations: 100 ms, a 3 s timeout, a 50 ms cold start, 500 ms.
    let report = |id: &str, ms: f64, extra: &str| {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t{extra}",
            ms.ceil()
        )
    };
    store.apply(Update::logs(vec![
        event("mixed-fn", &report("r1", 100.0, "")),
        event("mixed-fn", &report("r2", 3000.0, "Status: timeout")),
        event("mixed-fn", &report("r3", 50.0, "Init Duration: 200.00 ms")),
        event("mixed-fn", &report("r4", 500.0, "")),
    ]));
    let mut view = ViewState::new(Selection::default());
    let f = store.function_named("mixed-fn").unwrap();
    view.detail = Some(Detail::new(f.id.clone()));
    let all = view.detail.as_ref().unwrap().invocations(f).len();
    assert_eq!(all, 4);
    assert!(all > 0);
    handle_key(&mut view, &store, key('e'));
    let d = view.detail.as_ref().unwrap();
    let failed = d.invocations(f);
    assert!(
        !failed.is_empty() && failed.len() < all,
        "{} of {all}",
        failed.len()
    );
    assert!(
        failed
            .iter()
            .all(|i| i.status != lambdatop::analytics::InvocationStatus::Success)
    );
    assert_eq!(
        view.notice.as_ref().unwrap().text,
        "recent invocations: failed only, newest first"
    );
    handle_key(&mut view, &store, key('c'));
    let cold = view.detail.as_ref().unwrap().invocations(f);
    assert_eq!(
        cold.iter()
            .map(|i| i.request_id.as_str())
            .collect::<Vec<_>>(),
        ["r3"]
    );
    handle_key(&mut view, &store, key('c'));
    handle_key(&mut view, &store, key('d'));
    let slowest = view.detail.as_ref().unwrap().invocations(f);
    assert_eq!(slowest.len(), all);
    assert!(
        slowest
            .windows(2)
            .all(|w| w[0].duration_ms >= w[1].duration_ms)
    );
    let drawn = format!("{:?}", draw(&mut view, &store, 160, 45).backend());
    assert!(drawn.contains("slowest first) "), "{drawn}");
}

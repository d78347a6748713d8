//! Every view of the dashboard, drawn into a test backend at 80×24 and 200×60 at a fixed clock:
//! the table, the detail view, the help overlay, the log pane maximised, the function filter
//! prompt, the loading state after a window change, a source's error in the status line — and
//! the replay detail view of a multi-day log with several memory sizes, 12-hour and dated
//! prefixes and a span across midnight.

use crate::common;
use crate::common::{draw, key};

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lambdatop::figures::Selection;
use lambdatop::message::{Poller, SourceError, Update};
use lambdatop::store::Store;
use lambdatop::tui::handle_key;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use ratatui::buffer::Buffer;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

/// A 12-hour clock capture (`7:12:32 PM:`), no date, from 7:12 PM to 2:01 AM; the function went
/// from 128 MB to 1024 MB at 10:55 PM.
const TWELVE_HOUR: &str = "tests/fixtures/replay/orders-12h.log";
/// A dated capture (`2024-05-01 22:40:05.250`) over three days; 512 MB, then 2048 MB.
const DATED: &str = "tests/fixtures/replay/billing-dated.log";

fn press(view: &mut ViewState, store: &Store, keys: &str) {
    for c in keys.chars() {
        handle_key(view, store, key(c));
    }
}

fn enter(view: &mut ViewState, store: &Store) {
    handle_key(
        view,
        store,
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
    );
}

fn screen(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Snapshots of `view` over `store` at both sizes, named `<name>_<w>x<h>`.
fn snapshots(name: &str, store: &Store, mut view: ViewState) {
    for (w, h) in SIZES {
        let terminal = draw(&mut view, store, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), terminal.backend());
    }
}

fn demo() -> (Store, ViewState) {
    (
        common::demo_store(TimeWindow::default()),
        ViewState::new(Selection::default()),
    )
}

#[test]
fn table() {
    let (store, view) = demo();
    snapshots("table", &store, view);
}

#[test]
fn detail_view() {
    let (store, mut view) = demo();
    press(&mut view, &store, "j");
    enter(&mut view, &store);
    assert!(view.detail.is_some());
    snapshots("detail", &store, view);
}

#[test]
fn help_overlay() {
    let (store, mut view) = demo();
    press(&mut view, &store, "?");
    snapshots("help", &store, view);
}

#[test]
fn log_pane_maximised() {
    let (store, mut view) = demo();
    handle_key(
        &mut view,
        &store,
        KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
    );
    press(&mut view, &store, "m");
    assert!(view.maximised);
    snapshots("logs_maximised", &store, view);
}

#[test]
fn function_filter_prompt() {
    let (store, mut view) = demo();
    press(&mut view, &store, "/ord*api");
    assert!(view.editing_filter);
    snapshots("filter_prompt", &store, view);
}

/// After `+` to 7d the old figures stay, muted, and the header and status line say they are
/// the last hour's while the 7d window loads; nothing reads 0.
#[test]
fn loading_after_a_window_change() {
    let (mut store, mut view) = demo();
    let before = store.totals();
    store.set_window("7d".parse().unwrap());
    store.tick();
    assert_eq!(store.totals(), before);
    let terminal = draw(&mut view, &store, 200, 60);
    let text = screen(terminal.backend().buffer());
    let header = text.lines().next().unwrap();
    assert!(header.contains("last 1h · loading 7d…"), "{header}");
    assert!(!text.contains("Invocations 0 "), "{text}");
    snapshots("loading", &store, view);
}

/// After a window change, the metrics of the new window may arrive before its REPORT figures:
/// fresh metrics keep their colours (a failing function stays red) while only the REPORT
/// columns stay muted.
#[test]
fn fresh_metrics_keep_their_colours_while_report_figures_load() {
    use lambdatop::source::demo::{DEFAULT_SEED, DemoAccount};

    let (mut store, mut view) = demo();
    let window: TimeWindow = "3h".parse().unwrap();
    store.set_window(window);
    let now = common::fixed_now();
    let round = DemoAccount::new(DEFAULT_SEED).round(window, now, true, true, now);
    for u in round
        .into_iter()
        .filter(|u| !matches!(u, Update::Reports(_)))
    {
        store.apply(u);
    }
    store.tick();
    assert!(!store.loading());
    let terminal = draw(&mut view, &store, 200, 60);
    let buf = terminal.backend().buffer();
    let text = screen(buf);
    let lines: Vec<&str> = text.lines().collect();
    let header = lines
        .iter()
        .position(|l| l.contains("Err %") && l.contains("Cold %"))
        .expect("the table's header");
    let row = lines
        .iter()
        .position(|l| l.starts_with("salesPipe-dev-handleSla"))
        .expect("a failing function");
    let column = |title: &str| {
        let end = lines[header].find(title).expect(title) + title.len();
        // The figure is right-aligned under its title: its last character.
        u16::try_from(lines[header][..end].chars().count() - 1).unwrap()
    };
    let theme = lambdatop::tui::theme::Theme::dark();
    let fg = |x: u16| buf[(x, u16::try_from(row).unwrap())].fg;
    assert_eq!(fg(column("Err %")), theme.error.fg.unwrap_or_default());
    assert_eq!(fg(column("Cold %")), theme.muted.fg.unwrap_or_default());
}

/// The detail view while a window loads: its charts say they are loading, not "no metrics yet";
/// the panels keep the old figures.
#[test]
fn detail_view_while_a_window_loads() {
    let (mut store, mut view) = demo();
    press(&mut view, &store, "j");
    enter(&mut view, &store);
    store.set_window("7d".parse().unwrap());
    store.tick();
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(text.contains("loading the last 7d…"), "{text}");
    assert!(!text.contains("no metrics yet"), "{text}");
    assert!(text.contains("3 max of 3 reserved"), "{text}");
    // The less common metrics keep their figures too (their rows were blank).
    assert!(
        text.contains("Provisioned spillover     sum 4,182"),
        "{text}"
    );
    snapshots("detail_loading", &store, view);
}

/// A round that failed after the last good one: its error in the status line, in words.
#[test]
fn an_error_in_the_status_line() {
    let (mut store, mut view) = demo();
    store.apply(Update::Failed {
        poller: Poller::Metrics,
        at: common::fixed_now() + chrono::Duration::seconds(1),
        error: SourceError::new(
            "GetMetricData was throttled",
            Some("lambdatop retries at the next refresh"),
        ),
    });
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    assert!(text.contains("GetMetricData was throttled"), "{text}");
    snapshots("status_error", &store, view);
}

/// A notice of the view (a key's outcome) leads the status line.
#[test]
fn a_notice_in_the_status_line() {
    let (store, mut view) = demo();
    view.notice = Some(lambdatop::tui::log_pane::Notice::info(
        "saved 1 line to lambdatop-logs.txt",
    ));
    snapshots("status_notice", &store, view);
}

/// The replay of `path` with its one function's detail view open.
fn replay_detail(path: &str) -> (Store, ViewState) {
    let store = common::replay_store(Path::new(path), |s| s.with_workers(1));
    let mut view = ViewState::new(Selection::default());
    enter(&mut view, &store);
    assert!(view.detail.is_some());
    (store, view)
}

fn replay_screen(path: &str, w: u16, h: u16) -> String {
    let (store, mut view) = replay_detail(path);
    screen(draw(&mut view, &store, w, h).backend().buffer())
}

#[test]
fn replay_detail_of_a_twelve_hour_log_across_midnight() {
    let (store, view) = replay_detail(TWELVE_HOUR);
    snapshots("replay_detail_12h", &store, view);
}

#[test]
fn replay_detail_of_a_dated_log_over_three_days() {
    let (store, view) = replay_detail(DATED);
    snapshots("replay_detail_dated", &store, view);
}

/// The largest share of memory is one invocation's against its own size: 118 of 128 MB
/// (92.2 %), not 180 MB (the largest use, at 1024 MB) over 128 or 1024; the sizes read
/// `128–1024 MB`.
#[test]
fn replay_memory_is_per_invocation_and_its_sizes_are_shown() {
    let text = replay_screen(TWELVE_HOUR, 200, 60);
    assert!(text.contains("Sizes      128–1024 MB"), "{text}");
    assert!(text.contains("Max used   180 MB"), "{text}");
    assert!(text.contains("92.2% at peak"), "{text}");
    assert!(text.contains("each against its own size"), "{text}");
    // 470 of 512 MB (91.8 %) beats 812 of 2048 MB.
    let dated = replay_screen(DATED, 200, 60);
    assert!(dated.contains("Sizes      512–2048 MB"), "{dated}");
    assert!(dated.contains("91.8% at peak"), "{dated}");
    let compact = replay_screen(TWELVE_HOUR, 80, 24);
    assert!(
        compact.contains("92.2% at peak · max 180 MB · sizes 128–1024 MB"),
        "{compact}"
    );
}

/// `7:49:43 PM` is 19:49:43; the invocations after midnight are on the next day and listed
/// first, each time with its date since the span crosses a day.
#[test]
fn replay_times_are_twelve_hour_aware_and_dated_across_midnight() {
    let text = replay_screen(TWELVE_HOUR, 200, 60);
    // `7:49:43 PM:`, the second invocation.
    assert!(text.contains("01-01 19:49:43"), "{text}");
    assert!(!text.contains(" 07:49:43"), "{text}");
    // The last invocation, at 2:01:33 AM the next day, is the first listed.
    let newest = text
        .find("01-02 02:01:33")
        .expect("the newest invocation, dated");
    let older = text.find("01-01 19:49:43").unwrap();
    assert!(newest < older, "{text}");
    // The log pane's times carry their date too.
    assert!(
        text.lines()
            .any(|l| l.starts_with("01-02 02:01:33 END RequestId: ")),
        "{text}"
    );
    // `2024-05-01 22:40:05.250` and 831 ms later its REPORT; the last on 3 May.
    let dated = replay_screen(DATED, 200, 60);
    assert!(dated.contains("05-03 21:35:20"), "{dated}");
    assert!(dated.contains("05-01 22:40:06"), "{dated}");
}

/// What a replay cannot know is not shown: no architecture, throttles, concurrency, account
/// limit or alarms (no chart or panel of them), nothing as "unknown"; said once, in the header.
#[test]
fn replay_shows_no_fact_its_logs_cannot_tell() {
    for (w, h) in SIZES {
        for path in [TWELVE_HOUR, DATED] {
            let text = replay_screen(path, w, h);
            for absent in [
                "x86_64",
                "arm64",
                "unknown",
                "1,000",
                "no metrics yet",
                "Throttles 0",
                "Account",
                "ALARM",
                "─ throttles",
                "Concurrency",
                "not in logs (",
            ] {
                assert!(!text.contains(absent), "{path} {w}x{h} {absent}:\n{text}");
            }
            assert_eq!(
                text.matches("Throttles, concurrency and alarms: not in logs")
                    .count(),
                1,
                "{text}"
            );
        }
    }
}

/// Billed time and GB-s read in units for their size, with their unit, each shown whole.
#[test]
fn replay_totals_read_in_their_units() {
    let text = replay_screen(DATED, 200, 60);
    // Billed: 831+121+141+381+151+134+130+611+143 ms at 512 MB = 2,643 ms, 1.3215 GB-s;
    // 96+89+103+92+100+88+94 ms at 2048 MB = 662 ms, 1.324 GB-s. 3,305 ms, 2.6455 GB-s.
    assert!(text.contains("Billed     3.3 s "), "{text}");
    assert!(text.contains("Compute    2.65 GB-s "), "{text}");
    // 16 requests and 2.6455 GB-s cost $0.0000473: less than the smallest figure shown, not 0.
    assert!(text.contains("Estimated  <$0.0001"), "{text}");
}

/// The header's error rate is coloured by the table's thresholds: the demo's 0.56 % is under
/// the 1 % the table warns from, so it is plain text, as in the table (it was green, and red
/// before that).
#[test]
fn the_headers_error_rate_is_coloured_as_the_table_colours_it() {
    let (store, mut view) = demo();
    let terminal = draw(&mut view, &store, 200, 60);
    let buf = terminal.backend().buffer();
    let text = screen(buf);
    let totals = text.lines().nth(1).unwrap();
    let x = totals.find("(0.56%)").expect("the error rate") as u16 + 1;
    let theme = lambdatop::tui::theme::Theme::dark();
    assert_eq!(buf[(x, 1)].fg, theme.text.fg.unwrap_or_default());
}

/// Syslog's dates have no year: a log across New Year keeps its order, each time with its date.
#[test]
fn replay_of_syslog_dates_across_new_year_stays_in_order() {
    let path = std::env::temp_dir().join(format!("lambdatop-syslog-{}.log", std::process::id()));
    let report = |id: &str, size: u32, used: u32| {
        format!(
            "REPORT RequestId: {id}\tDuration: 12.00 ms\tBilled Duration: 13 ms\t\
             Memory Size: {size} MB\tMax Memory Used: {used} MB"
        )
    };
    let log = [
        "Dec 31 23:59:58 START RequestId: old-1 Version: $LATEST".to_string(),
        format!("Dec 31 23:59:58 {}", report("old-1", 256, 120)),
        "Jan  1 00:00:03 START RequestId: new-1 Version: $LATEST".to_string(),
        format!("Jan  1 00:00:03 {}", report("new-1", 512, 130)),
    ]
    .join("\n");
    std::fs::write(&path, log).unwrap();
    let store = common::replay_store(&path, |s| s.with_workers(1));
    std::fs::remove_file(&path).unwrap();
    let mut view = ViewState::new(Selection::default());
    enter(&mut view, &store);
    let text = screen(draw(&mut view, &store, 200, 60).backend().buffer());
    let new = text.find("new-1 ").expect("the new year's invocation");
    let old = text.find("old-1 ").expect("the old year's invocation");
    assert!(new < old, "{text}");
    assert!(text.contains("01-01 00:00:03"), "{text}");
    assert!(text.contains("12-31 23:59:58"), "{text}");
    assert!(text.contains("256–512 MB"), "{text}");
}

/// A replay's table has no throttles, concurrency or alarm column: its logs cannot tell them.
#[test]
fn replay_table() {
    let store = common::replay_store(Path::new(DATED), |s| s.with_workers(1));
    let mut view = ViewState::new(Selection::default());
    for (w, h) in SIZES {
        let text = screen(draw(&mut view, &store, w, h).backend().buffer());
        let titles = text
            .lines()
            .find(|l| l.starts_with("Function "))
            .expect("column titles");
        for absent in ["Thr", "Conc", "Alarm"] {
            assert!(!titles.contains(absent), "{w}x{h}: {titles}");
        }
        assert!(titles.contains("Invocations"), "{w}x{h}: {titles}");
    }
    snapshots("replay_table", &store, view);
}

/// `--once` too reads memory per invocation: 118 of 128 MB (92.2 %), not "180/1024 MB" (the
/// largest use against the latest size).
#[test]
fn replay_once_reads_memory_per_invocation() {
    let out = common::lambdatop(&["--replay", TWELVE_HOUR, "--once"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let row = text
        .lines()
        .find(|l| l.starts_with("orders-12h"))
        .expect("the function's row");
    assert!(row.contains("92.2%"), "{row}");
    assert!(!row.contains("180/1024 MB"), "{row}");
}

//! Shared fixtures for integration tests.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use lambdatop::clock::{ManualClock, SharedClock};
use lambdatop::message::SourceKind;
use lambdatop::source::demo::{DEFAULT_SEED, DemoAccount};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::window::TimeWindow;

/// The fixed time screenshots and snapshots are taken at: a busy afternoon.
pub fn fixed_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 14, 15, 26, 30).unwrap()
}

pub fn fixed_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(fixed_now()))
}

/// A store filled with one full round of the demo account at the fixed time.
pub fn demo_store(window: TimeWindow) -> Store {
    let now = fixed_now();
    demo_store_at(DEFAULT_SEED, window, now, now - Duration::minutes(2))
}

/// A store filled with one full round of the demo account of `seed` at `now`, with the log lines
/// written since `logs_from`.
pub fn demo_store_at(
    seed: u64,
    window: TimeWindow,
    now: DateTime<Utc>,
    logs_from: DateTime<Utc>,
) -> Store {
    let clock: SharedClock = Arc::new(ManualClock::new(now));
    let mut store = Store::new(
        SourceKind::Demo,
        Some("us-east-1".into()),
        window,
        StoreLimits::default(),
        clock,
    );
    let account = DemoAccount::new(seed);
    for u in account.round(window, now, true, true, logs_from) {
        store.apply(u);
    }
    store.tick();
    store
}

/// The `--clock` that pins the binary to [`fixed_now`].
pub const CLOCK: &str = "--clock=2026-03-14T15:26:30Z";

/// Runs the binary with `args`, without colour or an AWS profile from the environment.
pub fn lambdatop(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_remove("AWS_PROFILE")
        .env("NO_COLOR", "1")
        .output()
        .expect("run lambdatop")
}

/// The dashboard drawn into a `w`×`h` test backend with the dark theme.
pub fn draw(
    view: &mut lambdatop::tui::view::ViewState,
    store: &Store,
    w: u16,
    h: u16,
) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    terminal
        .draw(|f| {
            lambdatop::tui::render::render(f, view, store, &lambdatop::tui::theme::Theme::dark())
        })
        .unwrap();
    terminal
}

/// A plain key press.
pub fn key(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char(c),
        crossterm::event::KeyModifiers::NONE,
    )
}

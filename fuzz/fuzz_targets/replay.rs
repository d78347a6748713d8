//! The whole `--replay` path on arbitrary input: the reader (plain lines, viewer prefixes, JSON
//! documents, JSON lines), the store fed from it, the `--once` table and the dashboard drawn from
//! that store. Nothing may panic.
#![no_main]

use std::io::Write;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use lambdatop::cli::OutputFormat;
use lambdatop::clock::ManualClock;
use lambdatop::figures::Selection;
use lambdatop::snapshot;
use lambdatop::source::replay::{ReplayInput, ReplaySource};
use lambdatop::store::{Store, StoreLimits};
use lambdatop::tui::render::render;
use lambdatop::tui::theme::Theme;
use lambdatop::tui::view::ViewState;
use lambdatop::window::TimeWindow;
use libfuzzer_sys::fuzz_target;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    })
}

fuzz_target!(|data: &[u8]| {
    let path =
        std::env::temp_dir().join(format!("lambdatop-fuzz-replay-{}.log", std::process::id()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(data))
        .expect("write the input");

    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap(),
    ));
    // Small blocks on two threads, so that lines and invocations straddle blocks.
    let source = Box::new(
        ReplaySource::new(ReplayInput::File(path), None, clock.clone())
            .with_block_bytes(64)
            .with_workers(2)
            .with_pane_events(64),
    );
    let mut store = Store::new(
        lambdatop::message::SourceKind::Replay,
        None,
        TimeWindow::default(),
        StoreLimits {
            log_events: 64,
            log_bytes: 1 << 16,
        },
        clock.clone(),
    );
    store.derive_metrics_from_reports();
    store.fit_window_on_end();
    // A failed read is a user-facing error, not a crash.
    let _ = runtime().block_on(snapshot::collect(&mut store, source, clock));

    let mut out = Vec::new();
    let style = snapshot::Style {
        format: OutputFormat::Table,
        colour: false,
    };
    snapshot::write(
        &mut out,
        &snapshot::Snapshot::build(&store, &Selection::default()),
        style,
    )
    .expect("write to memory");

    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mut view = ViewState::new(Selection::default());
    view.clamp(&store);
    terminal
        .draw(|f| render(f, &mut view, &store, &Theme::dark()))
        .expect("draw");
});

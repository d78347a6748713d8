//! Shared fixtures for integration tests.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

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

/// The demo account read from each of `origins` (seeded apart) as `--demo --region a,b` reads
/// it, at the fixed time, not yet ticked.
pub fn demo_origins_store(kind: SourceKind, origins: &[lambdatop::model::Origin]) -> Store {
    use lambdatop::message::Update;

    let now = fixed_now();
    let window = TimeWindow::default();
    let mut store = Store::new(kind, None, window, StoreLimits::default(), fixed_clock());
    store.set_origins(origins);
    for (origin, seed) in origins.iter().zip(DEFAULT_SEED..) {
        let account = DemoAccount::new(seed);
        for u in account.round(window, now, true, true, now - Duration::minutes(2)) {
            store.apply(Update::From {
                origin: origin.clone(),
                update: Box::new(u),
            });
        }
    }
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

/// Runs the lambdatop binary with `args` (no AWS profile, no diagnostic log, no colour), killed
/// after `limit`: `None` when it had not ended by then.
pub fn lambdatop_within(args: &[&OsStr], limit: StdDuration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lambdatop"))
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("LAMBDATOP_LOG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn lambdatop");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(StdDuration::from_millis(20));
    };
    Some(Output {
        status,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    })
}

/// Checks that `--demo --once FLAG PATH` refuses, at once and without quoting them, the files no
/// config or theme can be: devices that never end, a directory, a file over 1 MiB, one that is
/// not text. `what` is how the message names the file (`config file`, `theme file`).
pub fn refuses_unreadable_files(flag: &str, what: &str) {
    let dir = std::env::temp_dir().join(format!(
        "lambdatop-unreadable-{}-{}",
        std::process::id(),
        flag.trim_start_matches('-')
    ));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    // A 2 MiB array: valid TOML, but no config or theme is half that.
    let big = dir.join("big.toml");
    std::fs::write(&big, format!("x = [{}]\n", "1,".repeat(1 << 20))).expect("write");
    let binary = dir.join("binary.toml");
    std::fs::write(&binary, b"\xff\xfeTOP-SECRET\x00\x1b]52;c;aGk=\x07").expect("write");
    let device = "it is a character device, not a regular file";
    let cases: [(&Path, &str); 5] = [
        (Path::new("/dev/zero"), device),
        (Path::new("/dev/urandom"), device),
        (&dir, "it is a directory, not a regular file"),
        (&big, "it is larger than 1 MiB"),
        (&binary, "it is not text (not UTF-8)"),
    ];
    for (path, says) in cases {
        let started = Instant::now();
        let args = [
            "--demo".as_ref(),
            "--once".as_ref(),
            flag.as_ref(),
            path.as_os_str(),
        ];
        let out = lambdatop_within(&args, StdDuration::from_secs(20))
            .unwrap_or_else(|| panic!("{flag} {} did not end", path.display()));
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!("lambdatop: cannot read {what} {}: {says}\n", path.display())
        );
        assert!(
            started.elapsed() < StdDuration::from_secs(5),
            "{}",
            path.display()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Row `y` of a drawn buffer, as text.
pub fn buffer_line(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_string())
        .collect()
}

/// A drawn buffer as text, one line a row.
pub fn buffer_text(buf: &ratatui::buffer::Buffer) -> String {
    (0..buf.area.height)
        .map(|y| buffer_line(buf, y))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Fails, naming `what`, when a cell of `buf` holds a control or bidi character: something a
/// terminal would act on, or that reorders the text around it.
pub fn assert_inert(buf: &ratatui::buffer::Buffer, what: &str) {
    for cell in buf.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{what} let {:?} through",
            cell.symbol()
        );
    }
}

/// The store after replaying `path` as `lambdatop --replay` does (metrics derived from REPORT
/// lines, the window fitted to the logs), with the source `configure` makes.
pub fn replay_store(
    path: &Path,
    configure: impl FnOnce(
        lambdatop::source::replay::ReplaySource,
    ) -> lambdatop::source::replay::ReplaySource,
) -> Store {
    use lambdatop::source::replay::{ReplayInput, ReplaySource};
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap(),
    ));
    let source = configure(ReplaySource::new(
        ReplayInput::File(path.to_path_buf()),
        None,
        clock.clone(),
    ));
    let mut store = Store::new(
        SourceKind::Replay,
        None,
        TimeWindow::default(),
        StoreLimits {
            log_events: 50,
            log_bytes: 1 << 20,
        },
        clock.clone(),
    );
    store.derive_metrics_from_reports();
    store.fit_window_on_end();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(lambdatop::snapshot::collect(
            &mut store,
            Box::new(source),
            clock,
        ))
        .expect("replay");
    store
}

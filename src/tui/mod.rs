//! The interactive dashboard: terminal set-up, the event loop, and the view.
//!
//! The event loop owns the [`Store`]: it applies updates from the source, turns keys into view
//! changes, and draws when something changed. Input is read on a thread of its own so a slow
//! source can never make the keys lag.

pub mod keys;
pub mod log_pane;
pub mod log_text;
pub mod render;
pub mod sanitize;
pub mod sparkline;
pub mod terminal;
pub mod theme;
pub mod view;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use crossterm::event::{
    self, Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use nix::sys::signal::{Signal, kill, raise};
use nix::unistd::Pid;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::{mpsc, watch};

use crate::clock::SharedClock;
use crate::message::{Request, SourceContext, Update};
use crate::source::Source;
use crate::store::Store;
use keys::{Action, action_for};
use theme::Theme;
use view::{Effect, ViewState};

/// Updates applied per wake-up before drawing, so a flood of log lines cannot starve the keys.
const MAX_UPDATES_PER_FRAME: usize = 256;

/// Updates waiting to be applied. Sources wait when it is full, so this bounds what a fast source
/// can pile up while the view is frozen (updates are not taken then): a replay batch holds up to
/// 8,192 log events, so 1,024 of them could hold a whole large log file in memory.
const UPDATE_QUEUE: usize = 16;

/// Exit code after SIGINT: 128 + its number, as a shell reports a command that Ctrl-C ended.
pub const EXIT_INTERRUPTED: u8 = 130;

/// Runs the dashboard until the user quits or the process is told to stop; returns the process
/// exit code.
pub async fn run(
    mut store: Store,
    source: Box<dyn Source>,
    mut view: ViewState,
    theme: Theme,
    clock: SharedClock,
) -> anyhow::Result<ExitCode> {
    let (updates_tx, mut updates) = mpsc::channel::<Update>(UPDATE_QUEUE);
    let (requests_tx, requests) = watch::channel(Request::new(store.window()));
    source.start(SourceContext {
        updates: updates_tx,
        requests,
        clock,
        once: false,
    });

    let mut sigterm = signal(SignalKind::terminate()).context("cannot watch SIGTERM")?;
    let mut sighup = signal(SignalKind::hangup()).context("cannot watch SIGHUP")?;
    let mut sigint = signal(SignalKind::interrupt()).context("cannot watch SIGINT")?;
    let mut sigtstp =
        signal(SignalKind::from_raw(Signal::SIGTSTP as i32)).context("cannot watch SIGTSTP")?;
    let mut sigcont =
        signal(SignalKind::from_raw(Signal::SIGCONT as i32)).context("cannot watch SIGCONT")?;
    let mut guard = TerminalGuard::enter().context("cannot set up the terminal")?;
    let (mut input, stop_input) = spawn_input_reader();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut dirty = true;
    // Input and focus, for idleness: a terminal that does not report focus counts as focused.
    let mut last_input = std::time::Instant::now();
    let mut focused = true;
    // A source that has finished (a replay at the end of its input) closes its channel, which
    // then answers at once, forever: it is no longer asked.
    let mut source_open = true;
    let deliberate_panic = deliberate_panic();
    tokio::pin!(deliberate_panic);

    let result = loop {
        if dirty && !guard.suspended() {
            if let Err(e) = guard
                .terminal()
                .draw(|f| render::render(f, &mut view, &store, &theme))
            {
                break Err(e).context("cannot draw to the terminal");
            }
            dirty = false;
            // What is on screen now is what the source reads.
            requests_tx.send_if_modified(|r| sync_request(&mut view, &store, r));
        }
        tokio::select! {
            biased;
            _ = sigterm.recv() => break Ok(ExitCode::SUCCESS),
            _ = sighup.recv() => break Ok(ExitCode::SUCCESS),
            _ = sigint.recv() => break Ok(ExitCode::from(EXIT_INTERRUPTED)),
            _ = sigtstp.recv() => {
                guard.suspend();
                // Handling SIGTSTP replaced its default action, stopping: stop by hand. Nothing
                // is drawn until SIGCONT says the process goes on.
                if raise(Signal::SIGSTOP).is_err()
                    && let Err(e) = guard.resume()
                {
                    break Err(e).context("cannot set up the terminal again");
                }
            }
            _ = sigcont.recv() => {
                if let Err(e) = guard.resume() {
                    break Err(e).context("cannot set up the terminal again");
                }
                dirty = true;
            }
            _ = &mut deliberate_panic => panic!("LAMBDATOP_PANIC_AFTER_MS elapsed"),
            ev = input.recv() => {
                let Some(ev) = ev else { break Ok(ExitCode::SUCCESS) };
                match &ev {
                    Ok(Event::FocusLost) => focused = false,
                    Ok(Event::FocusGained) => {
                        focused = true;
                        last_input = std::time::Instant::now();
                    }
                    Ok(Event::Key(_) | Event::Mouse(_)) => last_input = std::time::Instant::now(),
                    _ => {}
                }
                view.idle = !focused || last_input.elapsed() >= view.cost.idle_after;
                match ev {
                    Ok(Event::Mouse(m)) => {
                        if !handle_mouse(&mut view, &store, m) {
                            continue;
                        }
                    }
                    Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => {
                        match handle_key(&mut view, &store, key) {
                            Effect::Quit => break Ok(ExitCode::SUCCESS),
                            Effect::Suspend => suspend_foreground(),
                            Effect::Refresh => requests_tx.send_modify(|r| r.refresh += 1),
                            Effect::Window(w) => {
                                store.set_window(w);
                                requests_tx.send_modify(|r| r.window = w);
                            }
                            Effect::SaveLogs => {
                                view.notice = Some(view.logs.save(&store, std::path::Path::new(".")));
                            }
                            Effect::Copy => {
                                if let Some(text) = view.copied.take()
                                    && let Err(e) = write_clipboard(guard.terminal().backend_mut(), &text)
                                {
                                    view.notice = Some(log_pane::Notice::error(format!(
                                        "cannot write to the terminal to copy: {e}"
                                    )));
                                }
                            }
                            Effect::None => {}
                        }
                        view.clamp(&store);
                    }
                    Ok(_) => {}
                    Err(e) => break Err(e).context("cannot read from the terminal"),
                }
                dirty = true;
            }
            u = updates.recv(), if source_open && !view.frozen => {
                let Some(u) = u else {
                    source_open = false;
                    continue;
                };
                crate::diag::update(&u);
                store.apply(u);
                for _ in 0..MAX_UPDATES_PER_FRAME {
                    match updates.try_recv() {
                        Ok(u) => {
                            crate::diag::update(&u);
                            store.apply(u);
                        }
                        Err(_) => break,
                    }
                }
                view.clamp(&store);
                dirty = true;
            }
            _ = tick.tick() => {
                if !view.frozen {
                    store.tick();
                }
                view.idle = !focused || last_input.elapsed() >= view.cost.idle_after;
                dirty = true;
            }
        }
    };
    stop_input.store(true, Ordering::Relaxed);
    drop(guard);
    result
}

/// Brings `req` in line with what `view` shows (the rows on screen, their columns, the sort, the
/// detail view, the log pane's functions, idleness and the budget); `true` when it changed.
pub fn sync_request(view: &mut ViewState, store: &Store, req: &mut Request) -> bool {
    let metrics = Some(view.metrics_view(store));
    let log_functions = view.log_focus(store);
    let detail_function = view.detail_focus();
    let reading_logs = view.reading_logs();
    // The metric reads get what the rest of the dashboard's API use leaves of the budget,
    // rounded so that small changes in the rest do not make a new request.
    let budget = view.cost.budget_usd_per_hour.map(|b| {
        let left = (b - store.api.usd_per_hour_besides_paced()).max(0.0);
        (left * 10_000.0).floor() / 10_000.0
    });
    let changed = req.metrics != metrics
        || req.log_functions != log_functions
        || req.detail_function != detail_function
        || req.idle != view.idle
        || req.reading_logs != reading_logs
        || req.budget_usd_per_hour != budget;
    if changed {
        req.metrics = metrics;
        req.log_functions = log_functions;
        req.detail_function = detail_function;
        req.idle = view.idle;
        req.reading_logs = reading_logs;
        req.budget_usd_per_hour = budget;
    }
    changed
}

/// Turns a key press into a view change, with text entry for the `/` filter.
pub fn handle_key(view: &mut ViewState, store: &Store, key: crossterm::event::KeyEvent) -> Effect {
    view.notice = None;
    // Ctrl-Z suspends while text is typed too, as it does in a shell.
    if action_for(key) == Some(Action::Suspend) {
        return Effect::Suspend;
    }
    if view.logs.editing {
        view.logs.edit_key(key);
        return Effect::None;
    }
    if view.logs.searching {
        if view.logs.search_key(key) {
            view.notice = match view.logs.search_error() {
                Some(e) => Some(log_pane::Notice::error(format!(
                    "search not applied: {}",
                    sanitize::sanitize(e)
                ))),
                None if view.logs.search().is_empty() => None,
                None => {
                    view.refresh_logs(store);
                    Some(view.logs.next_hit(true, true))
                }
            };
        }
        return Effect::None;
    }
    if view.editing_filter {
        match key.code {
            KeyCode::Enter => view.editing_filter = false,
            KeyCode::Esc => {
                view.editing_filter = false;
                view.selection.filter.clear();
            }
            KeyCode::Backspace => {
                view.selection.filter.pop();
            }
            KeyCode::Char(c) if !c.is_control() => {
                view.selection.filter.push(c);
                view.selected = 0;
            }
            _ => {}
        }
        return Effect::None;
    }
    match action_for(key) {
        Some(a) => view.apply(a, store),
        None => {
            // A key that does nothing says so, rather than nothing at all.
            if let KeyCode::Char(c) = key.code
                && !key.modifiers.contains(KeyModifiers::CONTROL)
            {
                view.notice = Some(log_pane::Notice::info(format!(
                    "{} is not a key here · ? lists the keys",
                    sanitize::sanitize(&c.to_string())
                )));
            }
            Effect::None
        }
    }
}

/// Puts `text` on the terminal's clipboard with an OSC 52 escape (see
/// [`log_text::osc52`]).
pub fn write_clipboard(out: &mut impl std::io::Write, text: &str) -> std::io::Result<()> {
    out.write_all(log_text::osc52(text).as_bytes())?;
    out.flush()
}

/// A click on a function row selects it; the wheel over the table moves the selection.
/// Returns whether the view changed (pointer moves do not redraw).
pub fn handle_mouse(view: &mut ViewState, store: &Store, m: MouseEvent) -> bool {
    let area = view.table_area;
    let inside = m.column >= area.x
        && m.column < area.x.saturating_add(area.width)
        && m.row >= area.y
        && m.row < area.y.saturating_add(area.height);
    if !inside || view.help || view.logs.popup.is_some() {
        return false;
    }
    let rows = view.rows(store);
    match m.kind {
        MouseEventKind::Down(MouseButton::Left) => {
            let first = area.y.saturating_add(render::TABLE_ROWS_ABOVE);
            let Some(line) = m.row.checked_sub(first) else {
                return false;
            };
            let index = view.table_offset + usize::from(line);
            if index >= rows {
                return false;
            }
            view.selected = index;
            view.pane = view::Pane::Functions;
        }
        MouseEventKind::ScrollDown => {
            view.selected = (view.selected + 1).min(rows.saturating_sub(1))
        }
        MouseEventKind::ScrollUp => view.selected = view.selected.saturating_sub(1),
        _ => return false,
    }
    true
}

use terminal::TerminalGuard;

/// Ctrl-Z in raw mode is a key, not a signal: sends SIGTSTP as the terminal would in its normal
/// mode, to the whole foreground process group (so the program piping logs in stops too). The
/// dashboard's own SIGTSTP handling then gives the terminal back and stops.
fn suspend_foreground() {
    // Pid 0: every process of this one's group.
    if kill(Pid::from_raw(0), Signal::SIGTSTP).is_err() {
        let _ = raise(Signal::SIGTSTP);
    }
}

/// In debug builds only, `LAMBDATOP_PANIC_AFTER_MS=N` makes the event loop panic N ms after the
/// terminal is set up, so tests can check that a panic restores the terminal. Never completes
/// otherwise.
async fn deliberate_panic() {
    #[cfg(debug_assertions)]
    if let Some(ms) = std::env::var("LAMBDATOP_PANIC_AFTER_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        return;
    }
    std::future::pending::<()>().await
}

/// Reads terminal events on a thread; returns their channel and a flag that stops the thread.
fn spawn_input_reader() -> (
    mpsc::UnboundedReceiver<std::io::Result<Event>>,
    Arc<AtomicBool>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            match event::poll(Duration::from_millis(100)) {
                Ok(false) => continue,
                Ok(true) => {
                    if tx.send(event::read()).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    break;
                }
            }
        }
    });
    (rx, stop)
}

//! Entering and leaving the full-screen terminal. The guard restores the terminal when dropped,
//! and a panic hook restores it before the panic message is printed.

use std::io::{self, Stdout, Write};

use crossterm::cursor::{Hide, Show};
use crossterm::event::{
    DisableFocusChange, DisableMouseCapture, EnableFocusChange, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;

/// The dashboard's terminal; leaving scope (or panicking) puts the terminal back as it was.
pub struct TerminalGuard {
    /// `Some` until dropped.
    terminal: Option<Terminal<CrosstermBackend<Stdout>>>,
    /// Between `suspend` and `resume`: the terminal is the shell's, nothing may be drawn.
    suspended: bool,
}

impl TerminalGuard {
    pub fn enter() -> io::Result<Self> {
        install_panic_hook();
        take_over()?;
        let terminal = match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(t) => t,
            Err(e) => {
                restore();
                return Err(e);
            }
        };
        Ok(Self {
            terminal: Some(terminal),
            suspended: false,
        })
    }

    /// Gives the terminal back as it was found, before the process stops (Ctrl-Z); `resume`
    /// takes it again.
    pub fn suspend(&mut self) {
        restore();
        self.suspended = true;
    }

    pub fn suspended(&self) -> bool {
        self.suspended
    }

    /// Takes the terminal again once the process goes on after a stop, and has the next draw
    /// paint the whole screen. The shell may have changed the terminal's modes meanwhile (it may
    /// also have been stopped without a `suspend`): raw mode is set afresh.
    pub fn resume(&mut self) -> io::Result<()> {
        // Puts back the modes found at the start, so that raw mode is set again below.
        disable_raw_mode()?;
        take_over()?;
        self.suspended = false;
        // Sized afresh (the window may have changed meanwhile), which also clears the screen and
        // has the next draw paint every cell. Not `clear`: it asks the terminal where the cursor
        // is, and the input thread would take the answer for keys.
        let terminal = self.terminal();
        let size = terminal.size()?;
        terminal.resize(Rect::new(0, 0, size.width, size.height))
    }

    #[allow(clippy::expect_used, reason = "`Some` until the guard is dropped")]
    pub fn terminal(&mut self) -> &mut Terminal<CrosstermBackend<Stdout>> {
        self.terminal
            .as_mut()
            .expect("the terminal is there until the guard is dropped")
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        if let Some(mut terminal) = self.terminal.take() {
            if terminal.show_cursor().is_ok() {
                drop(terminal);
            } else {
                // The terminal is gone (hung up). Dropping ratatui's `Terminal` would try to show
                // the cursor again and report the failure with `eprintln!`, which panics when
                // standard error is that same dead terminal: let it go without its `Drop`.
                std::mem::forget(terminal);
            }
        }
        restore();
    }
}

/// Raw mode, the alternate screen, mouse and focus reports (losing focus makes the dashboard
/// idle), no cursor; on failure, the terminal as it was.
fn take_over() -> io::Result<()> {
    enable_raw_mode()?;
    if let Err(e) = execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableFocusChange,
        Hide
    ) {
        restore();
        return Err(e);
    }
    Ok(())
}

/// Leaves raw mode and the alternate screen. Safe to call more than once.
pub fn restore() {
    let _ = disable_raw_mode();
    let mut stdout = io::stdout();
    let _ = execute!(
        stdout,
        DisableMouseCapture,
        DisableFocusChange,
        LeaveAlternateScreen,
        Show
    );
    let _ = stdout.flush();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

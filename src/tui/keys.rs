//! Key bindings: one table drives both the event handling and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    ToggleHelp,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SortNext,
    SortReverse,
    StartFilter,
    WindowLonger,
    WindowShorter,
    RefreshNow,
    ToggleFreeze,
    SwitchPane,
    ToggleFollow,
    /// Esc: close what is open, else quit.
    Back,
    /// Enter: open the function's detail; in the log pane, show the line's invocation.
    Open,
    /// Backspace: leave the detail view.
    CloseDetail,
    EditLogFilter,
    ToggleFold,
    OpenInvocation,
    ToggleLogScope,
    SaveLogs,
    /// Ctrl-Z: give the terminal back and stop until `fg`.
    Suspend,
}

/// One line of the help overlay.
pub struct Binding {
    pub keys: &'static str,
    pub action: Action,
    pub help: &'static str,
}

/// Every binding, in the order the help overlay lists them.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "j ↓ / k ↑",
        action: Action::Down,
        help: "move down / up",
    },
    Binding {
        keys: "PgDn ^d / PgUp ^u",
        action: Action::PageDown,
        help: "page down / up",
    },
    Binding {
        keys: "g / G",
        action: Action::Top,
        help: "first / last",
    },
    Binding {
        keys: "Tab",
        action: Action::SwitchPane,
        help: "switch between functions and logs",
    },
    Binding {
        keys: "s / S",
        action: Action::SortNext,
        help: "sort by next column / reverse order",
    },
    Binding {
        keys: "/",
        action: Action::StartFilter,
        help: "filter functions by name (Enter keeps, Esc clears)",
    },
    Binding {
        keys: "+ ] / - [",
        action: Action::WindowLonger,
        help: "longer / shorter time window (15m … 7d)",
    },
    Binding {
        keys: "r",
        action: Action::RefreshNow,
        help: "refresh now",
    },
    Binding {
        keys: "p Space",
        action: Action::ToggleFreeze,
        help: "freeze / resume the display",
    },
    Binding {
        keys: "f",
        action: Action::ToggleFollow,
        help: "logs: follow the newest lines / stay",
    },
    Binding {
        keys: "Enter / Bksp",
        action: Action::Open,
        help: "function detail / back; detail: the invocation's logs",
    },
    Binding {
        keys: "l  (logs: /)",
        action: Action::EditLogFilter,
        help: "filter logs: word \"phrase\" -not /re/ level: req: fn: cold",
    },
    Binding {
        keys: "Enter (logs)",
        action: Action::Open,
        help: "logs: show the line's whole invocation (Esc goes back)",
    },
    Binding {
        keys: "z / o",
        action: Action::ToggleFold,
        help: "logs: fold to REPORT lines / open the invocation",
    },
    Binding {
        keys: "a",
        action: Action::ToggleLogScope,
        help: "logs: this function only / every function (detail)",
    },
    Binding {
        keys: "w",
        action: Action::SaveLogs,
        help: "logs: save the lines shown to lambdatop-logs-<time>.txt",
    },
    Binding {
        keys: "?",
        action: Action::ToggleHelp,
        help: "this help",
    },
    Binding {
        keys: "^z",
        action: Action::Suspend,
        help: "suspend (fg comes back)",
    },
    Binding {
        keys: "q ^c / Esc",
        action: Action::Quit,
        help: "quit / close what is open",
    },
];

/// Maps a key press to an action, outside of text entry.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    Some(match key.code {
        KeyCode::Char('c') if ctrl => Action::Quit,
        KeyCode::Char('z') if ctrl => Action::Suspend,
        KeyCode::Char('d') if ctrl => Action::PageDown,
        KeyCode::Char('u') if ctrl => Action::PageUp,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('?') | KeyCode::F(1) => Action::ToggleHelp,
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::Top,
        KeyCode::Char('G') | KeyCode::End => Action::Bottom,
        KeyCode::Char('s') => Action::SortNext,
        KeyCode::Char('S') => Action::SortReverse,
        KeyCode::Char('/') => Action::StartFilter,
        KeyCode::Char('+' | ']' | '=') => Action::WindowLonger,
        KeyCode::Char('-' | '[') => Action::WindowShorter,
        KeyCode::Char('r') => Action::RefreshNow,
        KeyCode::Char('p' | ' ') => Action::ToggleFreeze,
        KeyCode::Char('f') => Action::ToggleFollow,
        KeyCode::Tab | KeyCode::BackTab => Action::SwitchPane,
        KeyCode::Enter => Action::Open,
        KeyCode::Backspace => Action::CloseDetail,
        KeyCode::Char('l') => Action::EditLogFilter,
        KeyCode::Char('z') => Action::ToggleFold,
        KeyCode::Char('o') => Action::OpenInvocation,
        KeyCode::Char('a') => Action::ToggleLogScope,
        KeyCode::Char('w') => Action::SaveLogs,
        _ => return None,
    })
}

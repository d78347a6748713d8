//! Key bindings: one table drives both the event handling and the help overlay.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Quit at once (`Q`, Ctrl-C).
    Quit,
    /// `q`: go back out of what is open; from the table, quit.
    QuitOrBack,
    ToggleHelp,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    SortNext,
    SortReverse,
    /// `<` / `>`: sort by the column to the left / right of the sorted one.
    SortLeft,
    SortRight,
    /// Detail view: list only failed invocations / only cold starts / the slowest first.
    OnlyFailed,
    OnlyColdStarts,
    SlowestFirst,
    StartFilter,
    WindowLonger,
    WindowShorter,
    RefreshNow,
    ToggleFreeze,
    SwitchPane,
    ToggleFollow,
    /// Esc: close what is open, else quit.
    Back,
    /// Enter: open the function's detail; in the log pane, the line in full (a pop-up).
    Open,
    /// `i`: in the log pane, every line of the selected line's invocation.
    ShowInvocation,
    /// `W`: wrap long log lines onto the rows below, or cut them at the edge.
    ToggleWrap,
    /// `←` / `→` / `0`: scroll the log lines sideways, back to their start.
    ScrollLeft,
    ScrollRight,
    ScrollHome,
    /// `n` / `N`: the next / previous line the log search matches.
    SearchNext,
    SearchPrevious,
    /// `y`: copy the selected line's request id (or the line) to the clipboard.
    Copy,
    /// `:`: there is no command line; opens this help instead.
    CommandLine,
    /// Backspace: leave the detail view.
    CloseDetail,
    EditLogFilter,
    ToggleFold,
    OpenInvocation,
    ToggleLogScope,
    SaveLogs,
    /// `m`: the focused pane takes the whole body, or shares it again.
    ToggleMaximise,
    /// Ctrl-Z: give the terminal back and stop until `fg`.
    Suspend,
}

/// A key press a binding answers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    /// Control must be held (and is then part of the key).
    pub ctrl: bool,
}

impl Key {
    const fn plain(code: KeyCode) -> Self {
        Self { code, ctrl: false }
    }

    const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    const fn ctrl(c: char) -> Self {
        Self {
            code: KeyCode::Char(c),
            ctrl: true,
        }
    }

    /// How the help overlay writes the key.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl { format!("^{name}") } else { name }
    }
}

/// One binding: the keys, what they do, and the help overlay's words for it.
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// The overlay's text. An empty text puts the binding on the line of the one before
    /// (`j ↓ / k ↑  move down / up`).
    pub help: &'static str,
}

const fn bind(keys: &'static [Key], action: Action, help: &'static str) -> Binding {
    Binding { keys, action, help }
}

/// Every binding, in the order the help overlay lists them; the only key map there is.
pub const BINDINGS: &[Binding] = &[
    bind(
        &[Key::ch('j'), Key::plain(KeyCode::Down)],
        Action::Down,
        "move down / up",
    ),
    bind(&[Key::ch('k'), Key::plain(KeyCode::Up)], Action::Up, ""),
    bind(
        &[Key::plain(KeyCode::PageDown), Key::ctrl('d')],
        Action::PageDown,
        "page down / up",
    ),
    bind(
        &[Key::plain(KeyCode::PageUp), Key::ctrl('u')],
        Action::PageUp,
        "",
    ),
    bind(
        &[Key::ch('g'), Key::plain(KeyCode::Home)],
        Action::Top,
        "first / last",
    ),
    bind(
        &[Key::ch('G'), Key::plain(KeyCode::End)],
        Action::Bottom,
        "",
    ),
    bind(
        &[Key::plain(KeyCode::Tab), Key::plain(KeyCode::BackTab)],
        Action::SwitchPane,
        "switch between functions and logs",
    ),
    bind(
        &[Key::ch('m')],
        Action::ToggleMaximise,
        "maximise the focused pane / share the screen again",
    ),
    bind(
        &[Key::ch('s')],
        Action::SortNext,
        "sort by next column / reverse order",
    ),
    bind(&[Key::ch('S')], Action::SortReverse, ""),
    bind(
        &[Key::ch('<')],
        Action::SortLeft,
        "sort by the column to the left / right",
    ),
    bind(&[Key::ch('>')], Action::SortRight, ""),
    bind(
        &[Key::ch('/')],
        Action::StartFilter,
        "filter functions (Enter keeps); logs: search, next / previous",
    ),
    bind(&[Key::ch('n')], Action::SearchNext, ""),
    bind(&[Key::ch('N')], Action::SearchPrevious, ""),
    bind(
        &[Key::ch('+'), Key::ch(']'), Key::ch('=')],
        Action::WindowLonger,
        "longer / shorter time window (15m … 7d)",
    ),
    bind(&[Key::ch('-'), Key::ch('[')], Action::WindowShorter, ""),
    bind(&[Key::ch('r')], Action::RefreshNow, "refresh now"),
    bind(
        &[Key::ch('p'), Key::ch(' ')],
        Action::ToggleFreeze,
        "freeze / resume the display",
    ),
    bind(
        &[Key::ch('f')],
        Action::ToggleFollow,
        "logs: follow the newest lines / stay",
    ),
    bind(
        &[Key::plain(KeyCode::Enter)],
        Action::Open,
        "function detail; logs: the line in full (pop-up) / back",
    ),
    bind(&[Key::plain(KeyCode::Backspace)], Action::CloseDetail, ""),
    bind(
        &[Key::ch('i')],
        Action::ShowInvocation,
        "logs: every line of the line's invocation (Esc comes back)",
    ),
    bind(
        &[Key::ch('y')],
        Action::Copy,
        "copy the line's request id (or the line) to the clipboard",
    ),
    bind(
        &[Key::ch('W')],
        Action::ToggleWrap,
        "logs: wrap long lines / scroll left, right, to the start",
    ),
    bind(&[Key::plain(KeyCode::Left)], Action::ScrollLeft, ""),
    bind(&[Key::plain(KeyCode::Right)], Action::ScrollRight, ""),
    bind(&[Key::ch('0')], Action::ScrollHome, ""),
    bind(
        &[Key::ch('l')],
        Action::EditLogFilter,
        "filter logs: word \"phrase\" -not /re/ level: req: fn: cold",
    ),
    bind(
        &[Key::ch('z')],
        Action::ToggleFold,
        "logs: fold to REPORT lines / open the invocation",
    ),
    bind(&[Key::ch('o')], Action::OpenInvocation, ""),
    bind(
        &[Key::ch('e')],
        Action::OnlyFailed,
        "detail: only failed / only cold starts / slowest first",
    ),
    bind(&[Key::ch('c')], Action::OnlyColdStarts, ""),
    bind(&[Key::ch('d')], Action::SlowestFirst, ""),
    bind(
        &[Key::ch('a')],
        Action::ToggleLogScope,
        "logs: this function only / every function (detail)",
    ),
    bind(
        &[Key::ch('w')],
        Action::SaveLogs,
        "logs: save the lines shown to lambdatop-logs-<time>.txt",
    ),
    bind(
        &[Key::ch('?'), Key::plain(KeyCode::F(1))],
        Action::ToggleHelp,
        "this help (: too: there is no command line)",
    ),
    bind(&[Key::ch(':')], Action::CommandLine, ""),
    bind(
        &[Key::ctrl('z')],
        Action::Suspend,
        "suspend (fg comes back)",
    ),
    bind(
        &[Key::plain(KeyCode::Esc)],
        Action::Back,
        "close what is open / clear the filter (never quits)",
    ),
    bind(
        &[Key::ch('q')],
        Action::QuitOrBack,
        "back; from the table quit (asks when a filter is set)",
    ),
    bind(
        &[Key::ch('Q'), Key::ctrl('c')],
        Action::Quit,
        "quit at once",
    ),
];

/// One line of the help overlay: the keys of one or more bindings, and their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub keys: String,
    pub help: &'static str,
}

/// The help overlay's lines, made from [`BINDINGS`].
pub fn help_lines() -> Vec<HelpLine> {
    let mut lines: Vec<HelpLine> = Vec::new();
    for b in BINDINGS {
        let keys = b
            .keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(" ");
        match lines.last_mut() {
            Some(line) if b.help.is_empty() => {
                line.keys.push_str(" / ");
                line.keys.push_str(&keys);
            }
            _ => lines.push(HelpLine { keys, help: b.help }),
        }
    }
    lines
}

/// Maps a key press to an action, outside of text entry.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|k| k.code == key.code && k.ctrl == ctrl))
        .map(|b| b.action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> Option<Action> {
        action_for(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn every_key_has_one_action() {
        let keys: Vec<Key> = BINDINGS
            .iter()
            .flat_map(|b| b.keys.iter().copied())
            .collect();
        for (i, k) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(k), "{} is bound twice", k.label());
        }
    }

    #[test]
    fn keys_map_to_their_actions() {
        assert_eq!(
            press(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Action::Down)
        );
        assert_eq!(press(KeyCode::Down, KeyModifiers::NONE), Some(Action::Down));
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(
            press(KeyCode::Char('q'), KeyModifiers::NONE),
            Some(Action::QuitOrBack)
        );
        assert_eq!(
            press(KeyCode::Char('Q'), KeyModifiers::SHIFT),
            Some(Action::Quit)
        );
        assert_eq!(press(KeyCode::Esc, KeyModifiers::NONE), Some(Action::Back));
        assert_eq!(
            press(KeyCode::Char('d'), KeyModifiers::CONTROL),
            Some(Action::PageDown)
        );
        // A shifted letter arrives as the capital with SHIFT; SHIFT alone changes nothing.
        assert_eq!(
            press(KeyCode::Char('G'), KeyModifiers::SHIFT),
            Some(Action::Bottom)
        );
        assert_eq!(press(KeyCode::Char('x'), KeyModifiers::NONE), None);
        // Control with a letter that has no control binding is not the plain letter.
        assert_eq!(press(KeyCode::Char('q'), KeyModifiers::CONTROL), None);
    }

    #[test]
    fn the_help_lists_every_binding() {
        let lines = help_lines();
        assert_eq!(lines[0].keys, "j ↓ / k ↑");
        assert!(lines.iter().any(|l| l.keys == "Q ^c"));
        let listed = lines
            .iter()
            .map(|l| l.keys.clone())
            .collect::<Vec<_>>()
            .join(" ");
        for b in BINDINGS {
            for k in b.keys {
                assert!(
                    listed.contains(&k.label()),
                    "{} missing from the help",
                    k.label()
                );
            }
        }
    }
}

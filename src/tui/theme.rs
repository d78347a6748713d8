//! Semantic colour roles. Widgets ask for a role ("error", "muted"), never for a colour.

use ratatui::style::{Color, Modifier, Style};

/// A colour theme: one style per role.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    /// Ordinary text.
    pub text: Style,
    /// Secondary text: labels, units, borders.
    pub muted: Style,
    /// Titles and the things to look at first.
    pub accent: Style,
    pub ok: Style,
    pub warn: Style,
    pub error: Style,
    /// The selected row.
    pub selection: Style,
    /// Sparklines.
    pub chart: Style,
    /// Filter matches in the log pane.
    pub highlight: Style,
}

impl Theme {
    /// The default dark theme, in the 16 ANSI colours so it reads in any terminal.
    pub fn dark() -> Self {
        Self {
            name: "dark".to_string(),
            text: Style::new().fg(Color::Reset),
            muted: Style::new().fg(Color::DarkGray),
            accent: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            warn: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            selection: Style::new().fg(Color::Black).bg(Color::Cyan),
            chart: Style::new().fg(Color::Blue),
            highlight: Style::new().fg(Color::Black).bg(Color::Yellow),
        }
    }

    /// No colours at all (`NO_COLOR`): roles are told apart by weight and reverse video.
    pub fn monochrome() -> Self {
        let plain = Style::new();
        Self {
            name: "monochrome".to_string(),
            text: plain,
            muted: plain.add_modifier(Modifier::DIM),
            accent: plain.add_modifier(Modifier::BOLD),
            ok: plain,
            warn: plain.add_modifier(Modifier::BOLD),
            error: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selection: plain.add_modifier(Modifier::REVERSED),
            chart: plain,
            highlight: plain.add_modifier(Modifier::REVERSED),
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::dark()
    }
}

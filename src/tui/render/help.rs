//! The help overlay, listing every key binding.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::keys::help_lines;
use crate::tui::theme::Theme;

/// Rows the overlay needs: the bindings, a blank line, a note and the border.
pub fn height() -> u16 {
    help_lines().len() as u16 + 4
}

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let mut lines: Vec<Line> = help_lines()
        .into_iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<19}", b.keys), theme.accent),
                Span::styled(b.help, theme.text),
            ])
        })
        .collect();
    lines.push(Line::default());
    lines.push(Line::styled(
        " Figures cover the window shown in the header; ? or Esc closes this help.",
        theme.muted,
    ));
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(" Keys ", theme.accent));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

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

/// Draws the overlay in `area`; when it is not high enough, from line `scroll` on (clamped),
/// and the title says how to see the rest.
pub fn render(frame: &mut Frame, area: Rect, scroll: &mut usize, theme: &Theme) {
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
    let shown = usize::from(area.height.saturating_sub(2));
    let total = lines.len();
    *scroll = (*scroll).min(total.saturating_sub(shown));
    let title = if total > shown {
        format!(
            " Keys · {}–{} of {total} (j k PgUp PgDn) ",
            *scroll + 1,
            (*scroll + shown).min(total)
        )
    } else {
        " Keys ".to_string()
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.accent));
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines.split_off((*scroll).min(total))).block(block),
        area,
    );
}

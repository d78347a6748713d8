//! The pop-up a log line opens in (Enter in the log pane): the line in full, with its
//! invocation's REPORT in words, scrolled with j k and the page keys.
//!
//! ```text
//! ┌ Log line · lines 1–20 of 34 ───────────────────────────────────┐
//! │ Time        2026-03-14 15:26:12.345 UTC                          │
//! │ Request id  1f2e…                                                │
//! │ Invocation  ✗ TypeError 38 ms 41/128 MB cold 172 ms              │
//! │ Message                                                          │
//! │ {                                                                │
//! │   "errorType": "TypeError",                                      │
//! └ Esc closes · y copies the request id · i its invocation ─────────┘
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::logs::wrap_ranges;
use crate::tui::log_pane::{CopyWhat, Popup, PopupText};
use crate::tui::theme::Theme;

/// Draws the pop-up in the middle of `screen`: at most 120 columns wide, as high as its lines
/// (or the screen) are.
pub fn render(frame: &mut Frame, screen: Rect, popup: &mut Popup, theme: &Theme) {
    let outer = screen.width.saturating_sub(4).min(120);
    let width = usize::from(outer.saturating_sub(3));
    let wrapped: Vec<Line> = popup
        .lines
        .iter()
        .flat_map(|(kind, text)| {
            let style = match kind {
                PopupText::Label => theme.accent,
                PopupText::Text => theme.text,
                PopupText::Error => theme.error,
                PopupText::Muted => theme.muted,
            };
            wrap_ranges(text, width)
                .into_iter()
                .map(move |r| Line::styled(format!(" {}", &text[r]), style))
        })
        .collect();
    let total = wrapped.len();
    let rows = u16::try_from(total + 2).unwrap_or(u16::MAX);
    let area = super::centered(screen, outer, rows);
    let height = usize::from(area.height.saturating_sub(2)).max(1);
    popup.page = height;
    popup.scroll = popup.scroll.min(total.saturating_sub(height));
    let shown: Vec<Line> = wrapped
        .into_iter()
        .skip(popup.scroll)
        .take(height)
        .collect();
    let mut title = " Log line ".to_string();
    if total > height {
        title.push_str(&format!(
            "· lines {}–{} of {total} (j k PgUp PgDn) ",
            popup.scroll + 1,
            (popup.scroll + height).min(total)
        ));
    }
    let copies = match popup.copy.0 {
        CopyWhat::RequestId => "y copies the request id · i its invocation's lines",
        _ => "y copies the line",
    };
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.accent)
        .title(Span::styled(title, theme.accent))
        .title_bottom(Span::styled(
            format!(" Esc or q closes · {copies} "),
            theme.muted,
        ));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(shown).block(block), area);
}

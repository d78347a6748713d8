//! The log pane: the newest log lines of every function, made inert before drawing.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::store::Store;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

pub fn render(frame: &mut Frame, area: Rect, view: &ViewState, store: &Store, theme: &Theme) {
    let focused = view.pane == Pane::Logs;
    let border = if focused { theme.accent } else { theme.muted };
    let height = usize::from(area.height.saturating_sub(1));
    let logs = store.logs();
    let back = view.log_scroll.unwrap_or(0).min(logs.len());
    let end = logs.len() - back;
    let start = end.saturating_sub(height);
    let name_width = store
        .functions()
        .map(|f| f.name().len())
        .max()
        .unwrap_or(8)
        .min(28);
    let lines: Vec<Line> = logs
        .iter()
        .skip(start)
        .take(end - start)
        .map(|e| {
            let first = e.message.lines().next().unwrap_or("");
            let style = if first.contains("ERROR")
                || first.contains("Task timed out")
                || first.contains("Status: error")
            {
                theme.error
            } else if first.starts_with("REPORT") || first.contains("platform.report") {
                theme.accent
            } else {
                theme.text
            };
            let name: String = sanitize(&e.function).chars().take(name_width).collect();
            Line::from(vec![
                Span::styled(e.timestamp.format("%H:%M:%S ").to_string(), theme.muted),
                Span::styled(format!("{name:<name_width$} "), theme.muted),
                Span::styled(sanitize(first).into_owned(), style),
            ])
        })
        .collect();
    let state = match view.log_scroll {
        None => "following".to_string(),
        Some(n) => format!("paused, {n} lines up"),
    };
    let title = Line::from(vec![
        Span::styled(" Logs ", border),
        Span::styled(format!("({} lines, {state}) ", logs.len()), theme.muted),
    ]);
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(border)
        .title(title);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

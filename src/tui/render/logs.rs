//! The log pane: the newest log lines (of every function, or of the one in the detail view),
//! filtered, with filter matches highlighted, made inert before drawing.
//!
//! ```text
//! ─ Logs · orders-prod-api (41 of 5899 lines, paused · folded) ─────────────────────
//!  filter: level:error timeout▏                                       3 lines match
//! 15:26:29 REPORT RequestId: dd99… Duration: 3000.00 ms … Status: timeout
//!   │ 15:26:26 START RequestId: dd99… Version: $LATEST
//!   │ 15:26:29 [ERROR] KeyError: 'customer_id' (+3 lines)
//! ```

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::lambda_log::{Level, LogLine, parse};
use crate::model::LogEvent;
use crate::store::Store;
use crate::tui::log_filter::LogFilter;
use crate::tui::log_pane::Row;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

/// Continuation lines shown for one expanded message, at most.
const MAX_EXPANDED: usize = 40;

pub fn render(frame: &mut Frame, area: Rect, view: &mut ViewState, store: &Store, theme: &Theme) {
    view.refresh_logs(store);
    let focused = view.pane == Pane::Logs;
    let border = if focused { theme.accent } else { theme.muted };
    let scope = view.log_scope().map(str::to_string);
    let pane = &view.logs;
    let show_bar = pane.editing || !pane.input().is_empty();
    let height = usize::from(area.height.saturating_sub(1 + u16::from(show_bar)));
    let ring = store.logs();

    let mut lines: Vec<Line> = Vec::with_capacity(height + 1);
    if show_bar {
        lines.push(filter_bar(view, theme));
    }

    let pane = &mut view.logs;
    let following = pane.following();
    let cursor = pane.cursor_index();
    let expanded = |i: usize, row: &Row| row.nested || (!following && Some(i) == cursor);
    let top = pane.scroll_to_cursor(height, |i, row| {
        if expanded(i, row) {
            ring.get(row.seq)
                .map_or(1, |e| 1 + continuation_count(e).min(MAX_EXPANDED + 1))
        } else {
            1
        }
    });
    let rows = pane.rows();
    let name_width = match scope {
        Some(_) => 0,
        None => store
            .functions()
            .map(|f| f.name().chars().count())
            .max()
            .unwrap_or(8)
            .min(28)
            .min(usize::from(area.width / 5)),
    };
    let filter = pane.filter();
    // Times carry their date when the lines read span more than a day.
    let dated = store
        .log_span()
        .is_some_and(|(first, last)| crate::format::spans_days(first, last));
    let mut drawn = 0;
    for (i, row) in rows.iter().enumerate().skip(top) {
        if drawn >= height {
            break;
        }
        let Some(e) = ring.get(row.seq) else { continue };
        let selected = !following && Some(i) == cursor;
        let row_lines = draw_row(
            e,
            row,
            expanded(i, row),
            selected,
            (name_width, dated),
            filter,
            theme,
        );
        drawn += row_lines.len();
        lines.extend(row_lines);
    }
    lines.truncate(height + usize::from(show_bar));

    // In words: frozen (p: nothing changes on screen), following the newest lines, or staying
    // where the cursor is (f).
    let state = if view.frozen {
        "frozen: p resumes"
    } else if following {
        "following"
    } else {
        "staying put: f follows"
    };
    let mut title = vec![Span::styled(" Logs ", border)];
    match &scope {
        Some(f) => title.push(Span::styled(format!("· {} ", sanitize(f)), theme.accent)),
        // In a detail view with `a`: say that the pane is not the function's.
        None if view.detail.is_some() => {
            title.push(Span::styled("· every function ", theme.accent));
        }
        None => {}
    }
    let shown = if pane.filter().is_empty() && scope.is_none() && !pane.fold {
        crate::format::plural(ring.len() as u64, "line")
    } else {
        format!(
            "{} of {}",
            rows.len(),
            crate::format::plural(ring.len() as u64, "line")
        )
    };
    let fold = if pane.fold { " · folded" } else { "" };
    title.push(Span::styled(
        format!("({shown}, {state}{fold}) "),
        theme.muted,
    ));
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(border)
        .title(Line::from(title));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `filter: <text>▏` and, on the right, the error or how many lines match.
fn filter_bar<'a>(view: &ViewState, theme: &Theme) -> Line<'a> {
    let pane = &view.logs;
    let mut spans = vec![
        Span::styled(" filter: ", theme.muted),
        Span::styled(sanitize(pane.input()).into_owned(), theme.text),
    ];
    if pane.editing {
        spans.push(Span::styled("▏", theme.accent));
    }
    match pane.error() {
        Some(e) => spans.push(Span::styled(
            format!("  {} (not applied)", sanitize(e)),
            theme.error,
        )),
        None => spans.push(Span::styled(
            format!("  {} shown", pane.rows().len()),
            theme.muted,
        )),
    }
    if pane.can_go_back() {
        spans.push(Span::styled("  Esc: previous filter", theme.muted));
    }
    Line::from(spans)
}

/// Lines after the first of a message (trailing blank lines do not count).
fn continuation_count(e: &LogEvent) -> usize {
    e.message.trim_end().lines().count().saturating_sub(1)
}

fn draw_row<'a>(
    e: &LogEvent,
    row: &Row,
    expanded: bool,
    selected: bool,
    (name_width, dated): (usize, bool),
    filter: &LogFilter,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let message = e.message.trim_end();
    let mut physical = message.lines();
    let first = physical.next().unwrap_or("");
    let style = line_style(first, theme);
    let pick = |s: Style| if selected { theme.selection } else { s };
    let indent = if row.nested { "  │ " } else { "" };
    let time = crate::format::clock(e.timestamp, dated);
    let gutter = time.len() + 1;
    let mut spans = vec![Span::styled(format!("{indent}{time} "), pick(theme.muted))];
    if name_width > 0 {
        let name: String = sanitize(&e.function).chars().take(name_width).collect();
        spans.push(Span::styled(
            format!("{name:<name_width$} "),
            pick(theme.muted),
        ));
    }
    spans.extend(highlighted(
        sanitize(first).into_owned(),
        filter,
        pick(style),
        theme.highlight,
    ));
    let more = continuation_count(e);
    if more > 0 && !expanded {
        spans.push(Span::styled(
            format!(" … (+{})", crate::format::plural(more as u64, "line")),
            pick(theme.muted),
        ));
    }
    let mut lines = vec![Line::from(spans)];
    if expanded && more > 0 {
        let pad = " ".repeat(indent.chars().count() + gutter);
        for l in physical.by_ref().take(MAX_EXPANDED) {
            let mut spans = vec![Span::styled(pad.clone(), pick(theme.muted))];
            spans.extend(highlighted(
                sanitize(l).into_owned(),
                filter,
                pick(style),
                theme.highlight,
            ));
            lines.push(Line::from(spans));
        }
        let rest = physical.count();
        if rest > 0 {
            lines.push(Line::styled(
                format!("{pad}… {} more", crate::format::plural(rest as u64, "line")),
                pick(theme.muted),
            ));
        }
    }
    lines
}

/// Errors in the error colour, warnings in the warning colour, REPORT lines as accents.
fn line_style(first: &str, theme: &Theme) -> Style {
    let line = parse(first);
    match line.level() {
        Some(l) if l >= Level::Error => theme.error,
        Some(Level::Warn) => theme.warn,
        _ if matches!(line, LogLine::Report(_)) => theme.accent,
        _ => theme.text,
    }
}

/// `text` (already made inert) split into spans, the filter's matches in `highlight`.
fn highlighted<'a>(
    text: String,
    filter: &LogFilter,
    base: Style,
    highlight: Style,
) -> Vec<Span<'a>> {
    let ranges = filter.highlights(&text);
    if ranges.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for r in ranges {
        let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.clone())) else {
            continue;
        };
        if !before.is_empty() {
            spans.push(Span::styled(before.to_string(), base));
        }
        spans.push(Span::styled(hit.to_string(), highlight));
        at = r.end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        spans.push(Span::styled(rest.to_string(), base));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    #[test]
    fn highlighting_keeps_the_text_and_marks_matches() {
        let f = LogFilter::parse("timeout /\\d+/").unwrap();
        let theme = Theme::dark();
        let spans = highlighted(
            "Task TIMEOUT after 3 s".to_string(),
            &f,
            theme.text,
            theme.highlight,
        );
        assert_eq!(text_of(&spans), "Task TIMEOUT after 3 s");
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style == theme.highlight)
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, ["TIMEOUT", "3"]);
    }
}

//! Drawing the dashboard: a pure function of the view state, the store and the theme.
//!
//! ```text
//! ┌ header.rs ─────────────────────────────────────────────────────────────┐
//! │ lambdatop · demo · us-east-1 · last 1h                                  │
//! │ Invocations 12,345  Errors 45 (0.36%)  Throttles 3  Concurrency 12/1000 │
//! │ Alarms  ALARM 1  INSUFFICIENT DATA 2  OK 5                              │
//! ├ table.rs ──────────────────────────────────────────────────────────────┤
//! │ Function   Invocations ▁▃█  Errors ▁▁▅  Err%  Throttles  Avg  p99  …    │
//! │ …                                                                      │
//! ├ logs.rs ───────────────────────────────────────────────────────────────┤
//! │ 12:00:01 orders-prod-api  REPORT RequestId: …                          │
//! ├ status.rs ─────────────────────────────────────────────────────────────┤
//! │ refreshed 12:00:01 (2s ago) · 14 API calls · ~$0.02/h · ? help  q quit │
//! └────────────────────────────────────────────────────────────────────────┘
//!    help.rs draws its overlay over all of it; popup.rs a log line in full
//! ```
//!
//! Enter on a table row puts detail.rs (charts, panels, recent invocations) in the table's
//! place; the log pane then shows that function's lines.

mod detail;
mod detail_metrics;
mod header;
mod help;
mod logs;
mod popup;
mod status;
mod table;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;

use super::theme::Theme;
use super::view::{Pane, ViewState};
use crate::store::Store;

/// Rows of the function table above its first function (title and column headers).
pub const TABLE_ROWS_ABOVE: u16 = table::ROWS_ABOVE;

/// Rows the log pane keeps at the least while it shares the screen.
fn min_log_rows(area: Rect, detail: bool) -> u16 {
    match (detail, area.height >= 30) {
        (false, true) => area.height / 3,
        (false, false) => (area.height / 4).max(3),
        (true, true) => area.height / 4,
        (true, false) => (area.height / 5).max(3),
    }
}

/// Draws the whole screen.
///
/// The table takes the rows its functions need and the log pane every row left over (it keeps
/// at least [`min_log_rows`]); the detail view keeps its share. With `m` the focused pane takes
/// the whole body.
pub fn render(frame: &mut Frame, view: &mut ViewState, store: &Store, theme: &Theme) {
    let area = frame.area();
    let body = area.height.saturating_sub(header::HEIGHT + 1);
    let log_height = if view.maximised {
        match view.pane {
            Pane::Logs => body,
            Pane::Functions => 0,
        }
    } else if view.detail.is_some() {
        min_log_rows(area, true)
    } else {
        let wanted = u16::try_from(view.rows(store))
            .unwrap_or(u16::MAX)
            .saturating_add(table::ROWS_ABOVE)
            .max(4);
        body.saturating_sub(wanted).max(min_log_rows(area, false))
    };
    let [header_area, table_area, logs_area, status_area] = Layout::vertical([
        Constraint::Length(header::HEIGHT),
        Constraint::Fill(1),
        Constraint::Length(log_height),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, store, theme);
    if table_area.height > 0 {
        if view.detail.is_some() {
            detail::render(frame, table_area, view, store, theme);
        } else {
            table::render(frame, table_area, view, store, theme);
        }
    }
    if logs_area.height > 0 {
        logs::render(frame, logs_area, view, store, theme);
    }
    status::render(frame, status_area, view, store, theme);
    if let Some(p) = view.logs.popup.as_mut() {
        popup::render(frame, area, p, theme);
    }
    if view.help {
        help::render(
            frame,
            centered(area, 84, help::height()),
            &mut view.help_scroll,
            theme,
        );
    }
}

/// A rectangle of at most `w`×`h` in the middle of `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// What the figures cover, in words, as spans `fit` keeps or drops whole: `{lead}last 1h ` when
/// the REPORT figures cover the same window as the metrics, else that and
/// `· REPORT figures: log lines read since launch `.
pub(super) fn covers(
    store: &Store,
    lead: &str,
    style: ratatui::style::Style,
) -> Vec<ratatui::text::Span<'static>> {
    use crate::store::Figures;
    use ratatui::text::Span;
    let (metrics, reports) = (
        store.covers(Figures::Metrics),
        store.covers(Figures::Reports),
    );
    let mut spans = vec![Span::styled(format!("{lead}{metrics} "), style)];
    if reports != metrics {
        spans.push(Span::styled(format!("· REPORT figures: {reports} "), style));
    }
    spans
}

/// `line` cut to `width` between its spans, never inside one: each span is a figure (with the
/// words that go with it) shown whole or left out whole, with everything after it.
pub(super) fn fit(line: Line<'_>, width: u16) -> Line<'_> {
    let mut room = usize::from(width);
    let style = line.style;
    let mut kept = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        let w = span.width();
        if w > room {
            break;
        }
        room -= w;
        kept.push(span);
    }
    Line::from(kept).style(style)
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn lines_are_cut_between_figures_never_inside_one() {
        let line = || {
            Line::from(vec![
                "Count      ".into(),
                "12,526".into(),
                " (5.01%)".into(),
                " of 250,000".into(),
            ])
        };
        let text = |l: Line| {
            l.spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        // 11 + 6 + 8 + 11 = 36 cells.
        assert_eq!(
            text(fit(line(), 36)),
            "Count      12,526 (5.01%) of 250,000"
        );
        assert_eq!(text(fit(line(), 35)), "Count      12,526 (5.01%)");
        assert_eq!(text(fit(line(), 24)), "Count      12,526");
        assert_eq!(text(fit(line(), 16)), "Count      ");
        assert_eq!(text(fit(line(), 0)), "");
    }
}

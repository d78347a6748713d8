//! The detail view's panel of the console's less common metrics (asynchronous events, streams,
//! provisioned concurrency, recursion): one cell per metric the function has datapoints for —
//! its figure over the window and a small sparkline — several cells to a line.
//!
//! ```text
//! ─ Async · streams · provisioned ──────────────────────────────────────────────────────────
//!  Async events         sum 9,240 ▂▃▅▆█▇▅▃▂▁▂▃   Async event age  max 4.20 s ▁▁▂▅█▃▁▁▁▁▁▁
//!  DLQ errors             sum 3          ▁ █
//! ```

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::format;
use crate::model::{MetricKind, MetricUnit};
use crate::store::{FunctionState, Store};
use crate::tui::sparkline::{Combine, sparkline};
use crate::tui::theme::Theme;

/// Columns of one cell: label, figure, sparkline and the gap after it.
const CELL: usize = 52;
const LABEL: usize = 23;
const FIGURE: usize = 12;
const SPARK: usize = CELL - LABEL - FIGURE - 5;

/// The detail metrics of `f` with a datapoint in the window since `from`, in the console's order.
pub fn with_data(f: &FunctionState, from: DateTime<Utc>) -> Vec<MetricKind> {
    MetricKind::DETAIL
        .into_iter()
        .filter(|&k| f.series(k).is_some_and(|s| s.max(from).is_some()))
        .collect()
}

fn per_line(width: u16) -> usize {
    (usize::from(width) / CELL).max(1)
}

/// Lines the panel takes at `width`, at most `max`: none when no detail metric has data.
pub fn height(f: &FunctionState, store: &Store, width: u16, max: u16) -> u16 {
    let n = with_data(f, store.window_start()).len();
    if n == 0 {
        return 0;
    }
    let lines = u16::try_from(n.div_ceil(per_line(width))).unwrap_or(u16::MAX);
    lines.saturating_add(1).min(max)
}

/// Draws the panel into `area` (its title on the top border).
pub fn render(frame: &mut Frame, area: Rect, f: &FunctionState, store: &Store, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let from = store.window_start();
    let slots = store.window().slots();
    let cells: Vec<Vec<Span>> = with_data(f, from)
        .into_iter()
        .filter_map(|kind| cell(f, kind, from, slots, theme))
        .collect();
    let lines: Vec<Line> = cells
        .chunks(per_line(area.width))
        .map(|chunk| Line::from(chunk.concat()))
        .collect();
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.muted)
        .title(Span::styled(
            " Async · streams · provisioned ",
            theme.accent,
        ));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One metric: its label, its figure over the window and a sparkline of its periods.
fn cell<'a>(
    f: &FunctionState,
    kind: MetricKind,
    from: DateTime<Utc>,
    slots: usize,
    theme: &Theme,
) -> Option<Vec<Span<'a>>> {
    let series = f.series(kind)?;
    let counts = kind.missing_is_zero();
    let figure = if counts {
        format!(
            "sum {}",
            format::count(series.sum(from).round().max(0.0) as u64)
        )
    } else {
        let max = series.max(from)?;
        let value = match kind.unit() {
            MetricUnit::Millis => format::millis(max),
            MetricUnit::Ratio => format::percent(max),
            MetricUnit::Count => format::count(max.round().max(0.0) as u64),
        };
        format!("max {value}")
    };
    let mut values = series.slots(from, slots);
    if counts {
        // No datapoint means zero for a count.
        values.iter_mut().for_each(|v| *v = Some(v.unwrap_or(0.0)));
    }
    let combine = if counts { Combine::Sum } else { Combine::Max };
    let alarming = counts
        && matches!(
            kind,
            MetricKind::AsyncEventsDropped
                | MetricKind::DeadLetterErrors
                | MetricKind::DestinationDeliveryFailures
                | MetricKind::RecursiveInvocationsDropped
        )
        && series.sum(from) > 0.0;
    Some(vec![
        Span::styled(format!(" {:<LABEL$}", kind.label()), theme.muted),
        Span::styled(
            format!("{figure:>FIGURE$} "),
            if alarming { theme.error } else { theme.text },
        ),
        Span::styled(
            format!("{}   ", sparkline(&values, SPARK, combine)),
            theme.chart,
        ),
    ])
}

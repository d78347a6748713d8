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

use crate::figures::{Definition, FIGURES, Health, Origin};
use crate::store::{FunctionState, Store};
use crate::tui::sparkline::{Combine, sparkline};
use crate::tui::theme::Theme;

/// Columns of one cell: label, figure, sparkline and the gap after it.
const CELL: usize = 52;
const LABEL: usize = 23;
const FIGURE: usize = 12;
const SPARK: usize = CELL - LABEL - FIGURE - 5;

/// The registry's detail figures `f` has (a datapoint in the window), in its order.
pub fn with_data(f: &FunctionState) -> Vec<(&'static Definition, f64)> {
    FIGURES
        .iter()
        .filter(|d| d.origin == Origin::Detail)
        .filter_map(|d| Some((d, d.of(f)?)))
        .collect()
}

fn per_line(width: u16) -> usize {
    (usize::from(width) / CELL).max(1)
}

/// Lines the panel takes at `width`, at most `max`: none when no detail metric has data.
pub fn height(f: &FunctionState, width: u16, max: u16) -> u16 {
    let n = with_data(f).len();
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
    let cells: Vec<Vec<Span>> = with_data(f)
        .into_iter()
        .filter_map(|(d, value)| cell(f, d, value, from, slots, theme))
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

/// One figure: its label, its value over the window (the sum of a count, the largest value of
/// a gauge) coloured by its thresholds, and a sparkline of its periods.
fn cell<'a>(
    f: &FunctionState,
    d: &Definition,
    value: f64,
    from: DateTime<Utc>,
    slots: usize,
    theme: &Theme,
) -> Option<Vec<Span<'a>>> {
    let kind = d.series?;
    let counts = kind.missing_is_zero();
    let figure = if counts {
        format!("sum {}", d.unit.show(value))
    } else {
        format!("max {}", d.unit.show(value))
    };
    // Without its series (dropped with the window before, while a new one loads) the figure
    // stands alone, beside a blank sparkline.
    let mut values = f
        .series(kind)
        .map_or_else(|| vec![None; slots], |series| series.slots(from, slots));
    if counts && f.series(kind).is_some() {
        // No datapoint means zero for a count.
        values.iter_mut().for_each(|v| *v = Some(v.unwrap_or(0.0)));
    }
    let combine = if counts { Combine::Sum } else { Combine::Max };
    let style = match d.figure.health(value) {
        Health::Good => theme.text,
        h => theme.health(h),
    };
    Some(vec![
        Span::styled(format!(" {:<LABEL$}", d.title.unwrap_or("")), theme.muted),
        Span::styled(format!("{figure:>FIGURE$} "), style),
        Span::styled(
            format!("{}   ", sparkline(&values, SPARK, combine)),
            theme.chart,
        ),
    ])
}

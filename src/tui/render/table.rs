//! The function table: one row per function, a sparkline per metric.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

use crate::format;
use crate::model::{AlarmState, MetricKind};
use crate::store::{FunctionState, SortKey, Store};
use crate::tui::sanitize::sanitize;
use crate::tui::sparkline::{Combine, sparkline};
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

/// A column of the table.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Invocations,
    Errors,
    ErrorRate,
    Throttles,
    Avg,
    P99,
    Concurrency,
    Alarm,
}

impl Column {
    fn title(self, narrow: bool) -> &'static str {
        match self {
            Column::Name => "Function",
            Column::Invocations => "Invocations",
            Column::Errors => "Errors",
            Column::ErrorRate => "Err %",
            Column::Throttles if narrow => "Thr",
            Column::Throttles => "Throttles",
            Column::Avg => "Avg",
            Column::P99 => "p99",
            Column::Concurrency => "Conc",
            Column::Alarm => "Alarm",
        }
    }

    fn sort(self) -> Option<SortKey> {
        Some(match self {
            Column::Name => SortKey::Name,
            Column::Invocations => SortKey::Invocations,
            Column::Errors => SortKey::Errors,
            Column::ErrorRate => SortKey::ErrorRate,
            Column::Throttles => SortKey::Throttles,
            Column::Avg => SortKey::Duration,
            Column::P99 => SortKey::P99,
            Column::Concurrency => SortKey::Concurrency,
            Column::Alarm => return None,
        })
    }

    /// The metric drawn as a sparkline beside the figure, if any.
    fn sparkline(self) -> Option<(MetricKind, Combine)> {
        match self {
            Column::Invocations => Some((MetricKind::Invocations, Combine::Sum)),
            Column::Errors => Some((MetricKind::Errors, Combine::Sum)),
            Column::Throttles => Some((MetricKind::Throttles, Combine::Sum)),
            Column::P99 => Some((MetricKind::DurationP99, Combine::Max)),
            _ => None,
        }
    }

    /// Width of the figure.
    fn figure_width(self) -> u16 {
        match self {
            Column::Name => 16,
            Column::Invocations => 7,
            Column::Errors | Column::ErrorRate | Column::Throttles => 6,
            Column::Avg | Column::P99 => 8,
            Column::Concurrency | Column::Alarm => 5,
        }
    }
}

/// Layout of the table for one width.
struct Layout {
    columns: Vec<Column>,
    /// Sparkline cells per metric column; 0 for none.
    spark: usize,
    /// Columns that keep their sparkline.
    sparked: Vec<Column>,
    narrow: bool,
}

impl Layout {
    fn for_width(width: u16) -> Self {
        use Column::*;
        if width >= 150 {
            Self {
                columns: vec![
                    Name,
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    Avg,
                    P99,
                    Concurrency,
                    Alarm,
                ],
                spark: 12,
                sparked: vec![Invocations, Errors, Throttles, P99],
                narrow: false,
            }
        } else if width >= 110 {
            Self {
                columns: vec![
                    Name,
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    Avg,
                    P99,
                    Concurrency,
                    Alarm,
                ],
                spark: 8,
                sparked: vec![Invocations, Errors, Throttles, P99],
                narrow: false,
            }
        } else {
            // 80 columns: one sparkline, the figures that matter, names still readable.
            Self {
                columns: vec![
                    Name,
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    P99,
                    Concurrency,
                    Alarm,
                ],
                spark: 6,
                sparked: vec![Invocations],
                narrow: true,
            }
        }
    }

    fn width(&self, c: Column) -> Constraint {
        if c == Column::Name {
            return Constraint::Min(c.figure_width());
        }
        let spark = if self.sparked.contains(&c) {
            self.spark as u16 + 1
        } else {
            0
        };
        Constraint::Length(c.figure_width() + spark)
    }
}

pub fn render(frame: &mut Frame, area: Rect, view: &mut ViewState, store: &Store, theme: &Theme) {
    let functions = store.select(&view.selection);
    let layout = Layout::for_width(area.width);
    let sort = view.selection.sort;
    let headers: Vec<Cell> = layout
        .columns
        .iter()
        .map(|c| {
            let arrow = match c.sort() {
                Some(k) if k == sort && view.selection.reverse => " ▲",
                Some(k) if k == sort => " ▼",
                _ => "",
            };
            let style = if c.sort() == Some(sort) {
                theme.accent
            } else {
                theme.muted
            };
            Cell::from(Span::styled(
                format!("{}{arrow}", c.title(layout.narrow)),
                style,
            ))
        })
        .collect();
    let widths: Vec<Constraint> = layout.columns.iter().map(|c| layout.width(*c)).collect();
    let from = store.window_start();
    let slots = store.window().slots();
    let rows: Vec<Row> = functions
        .iter()
        .map(|f| row(f, &layout, from, slots, theme))
        .collect();
    let focused = view.pane == Pane::Functions;
    let border = if focused { theme.accent } else { theme.muted };
    let filter = if view.editing_filter || !view.selection.filter.is_empty() {
        let cursor = if view.editing_filter { "▏" } else { "" };
        format!(" /{}{cursor} ", view.selection.filter)
    } else {
        String::new()
    };
    let title = Line::from(vec![
        Span::styled(" Functions ", border),
        Span::styled(format!("({}) ", functions.len()), theme.muted),
        Span::styled(filter, theme.highlight),
    ]);
    let table = Table::new(rows, widths)
        .header(Row::new(headers))
        .block(
            Block::new()
                .borders(Borders::TOP)
                .border_style(border)
                .title(title),
        )
        .row_highlight_style(if focused {
            theme.selection
        } else {
            Style::new()
        })
        .column_spacing(1);
    view.page = usize::from(area.height.saturating_sub(3)).max(1);
    let mut state =
        TableState::new().with_selected((!functions.is_empty()).then_some(view.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn row<'a>(
    f: &FunctionState,
    layout: &Layout,
    from: DateTime<Utc>,
    slots: usize,
    theme: &Theme,
) -> Row<'a> {
    let s = &f.summary;
    let error_style = match s.error_rate {
        r if r >= 0.05 => theme.error,
        r if r > 0.0 => theme.warn,
        _ => theme.text,
    };
    let timeout_ms = f.config.timeout_s.map(|t| f64::from(t) * 1000.0);
    let p99_style = match (s.duration_p99_ms, timeout_ms) {
        (Some(p), Some(t)) if p >= 0.9 * t => theme.error,
        (Some(p), Some(t)) if p >= 0.5 * t => theme.warn,
        _ => theme.text,
    };
    let cells = layout.columns.iter().map(|&c| {
        let (text, style) = match c {
            Column::Name => {
                return Cell::from(Span::styled(sanitize(f.name()).into_owned(), theme.text));
            }
            Column::Alarm => {
                return Cell::from(match s.alarm_state {
                    Some(AlarmState::Alarm) => Span::styled("ALARM", theme.error),
                    Some(AlarmState::InsufficientData) => Span::styled("INSUF", theme.warn),
                    Some(AlarmState::Ok) => Span::styled("OK", theme.ok),
                    None => Span::styled("-", theme.muted),
                });
            }
            Column::Invocations => (format::count_short(s.invocations), theme.text),
            Column::Errors => (format::count_short(s.errors), error_style),
            Column::ErrorRate => (format::percent(s.error_rate), error_style),
            Column::Throttles => (
                format::count_short(s.throttles),
                if s.throttles > 0 {
                    theme.warn
                } else {
                    theme.text
                },
            ),
            Column::Avg => (format::opt_millis(s.duration_avg_ms), theme.text),
            Column::P99 => (format::opt_millis(s.duration_p99_ms), p99_style),
            Column::Concurrency => (
                s.concurrency_max
                    .map_or("-".to_string(), |c| format!("{c:.0}")),
                theme.text,
            ),
        };
        let width = usize::from(c.figure_width());
        let mut spans = vec![Span::styled(format!("{text:>width$}"), style)];
        if let (true, Some((metric, combine))) = (layout.sparked.contains(&c), c.sparkline()) {
            let line = f
                .series(metric)
                .map(|series| sparkline(&series.slots(from, slots), layout.spark, combine))
                .unwrap_or_else(|| " ".repeat(layout.spark));
            spans.push(Span::raw(" "));
            spans.push(Span::styled(line, theme.chart));
        }
        Cell::from(Line::from(spans))
    });
    Row::new(cells.collect::<Vec<_>>())
}

//! The function table: one row per function, a sparkline per metric.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

use crate::format;
use crate::model::{AlarmState, MetricKind};
use crate::store::{FunctionState, SortKey, Store};
use crate::tui::sparkline::{Combine, sparkline};
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

/// Sparkline cells per metric column.
const SPARK: usize = 12;

pub fn render(frame: &mut Frame, area: Rect, view: &mut ViewState, store: &Store, theme: &Theme) {
    let rows_shown = store.select(&view.selection);
    let from = store.window_start();
    let slots = store.window().slots();
    let wide = area.width >= 150;
    let spark = if wide { SPARK } else { 8 };
    let sort = view.selection.sort;
    let head = |title: &'static str, key: Option<SortKey>| {
        let arrow = match key {
            Some(k) if k == sort && view.selection.reverse => " ▲",
            Some(k) if k == sort => " ▼",
            _ => "",
        };
        let style = if key == Some(sort) {
            theme.accent
        } else {
            theme.muted
        };
        Cell::from(Span::styled(format!("{title}{arrow}"), style))
    };
    let mut headers = vec![
        head("Function", Some(SortKey::Name)),
        head("Invocations", Some(SortKey::Invocations)),
        head("Errors", Some(SortKey::Errors)),
        head("Err %", Some(SortKey::ErrorRate)),
        head("Throttles", Some(SortKey::Throttles)),
        head("Avg", Some(SortKey::Duration)),
        head("p99", Some(SortKey::P99)),
        head("Conc", Some(SortKey::Concurrency)),
        head("Alarm", None),
    ];
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(7 + 1 + spark as u16),
        Constraint::Length(6 + 1 + spark as u16),
        Constraint::Length(6),
        Constraint::Length(6 + 1 + spark as u16),
        Constraint::Length(8),
        Constraint::Length(8 + 1 + spark as u16),
        Constraint::Length(5),
        Constraint::Length(6),
    ];
    if !wide && area.width < 110 {
        // 80 columns: drop the sparklines of errors and throttles, keep the figures.
        widths[2] = Constraint::Length(6);
        widths[4] = Constraint::Length(6);
        headers[4] = head("Thr", Some(SortKey::Throttles));
    }
    let narrow = !wide && area.width < 110;
    let rows: Vec<Row> = rows_shown
        .iter()
        .map(|f| row(f, from, slots, spark, narrow, theme))
        .collect();
    let focused = view.pane == Pane::Functions;
    let border = if focused { theme.accent } else { theme.muted };
    let filter = if view.editing_filter || !view.selection.filter.is_empty() {
        format!(
            " /{}{} ",
            view.selection.filter,
            if view.editing_filter { "▏" } else { "" }
        )
    } else {
        String::new()
    };
    let title = Line::from(vec![
        Span::styled(" Functions ", border),
        Span::styled(format!("({}) ", rows_shown.len()), theme.muted),
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
        TableState::new().with_selected((!rows_shown.is_empty()).then_some(view.selected));
    frame.render_stateful_widget(table, area, &mut state);
}

fn row<'a>(
    f: &FunctionState,
    from: chrono::DateTime<chrono::Utc>,
    slots: usize,
    spark: usize,
    narrow: bool,
    theme: &Theme,
) -> Row<'a> {
    let s = &f.summary;
    let line = |metric: MetricKind, combine| {
        f.series(metric)
            .map(|series| sparkline(&series.slots(from, slots), spark, combine))
            .unwrap_or_else(|| " ".repeat(spark))
    };
    let with_spark = |figure: String, metric, combine, style: Style, width: usize| {
        Line::from(vec![
            Span::styled(format!("{figure:>width$} "), style),
            Span::styled(line(metric, combine), theme.chart),
        ])
    };
    let error_style = match s.error_rate {
        r if r >= 0.05 => theme.error,
        r if r > 0.0 => theme.warn,
        _ => theme.text,
    };
    let throttle_style = if s.throttles > 0 {
        theme.warn
    } else {
        theme.text
    };
    let timeout_ms = f.config.timeout_s.map(|t| f64::from(t) * 1000.0);
    let p99_style = match (s.duration_p99_ms, timeout_ms) {
        (Some(p), Some(t)) if p >= 0.9 * t => theme.error,
        (Some(p), Some(t)) if p >= 0.5 * t => theme.warn,
        _ => theme.text,
    };
    let alarm = match s.alarm_state {
        Some(AlarmState::Alarm) => Span::styled("ALARM", theme.error),
        Some(AlarmState::InsufficientData) => Span::styled("INSUF", theme.warn),
        Some(AlarmState::Ok) => Span::styled("OK", theme.ok),
        None => Span::styled("-", theme.muted),
    };
    let errors = if narrow {
        Line::styled(format!("{:>6}", format::count_short(s.errors)), error_style)
    } else {
        with_spark(
            format::count_short(s.errors),
            MetricKind::Errors,
            Combine::Sum,
            error_style,
            6,
        )
    };
    let throttles = if narrow {
        Line::styled(
            format!("{:>6}", format::count_short(s.throttles)),
            throttle_style,
        )
    } else {
        with_spark(
            format::count_short(s.throttles),
            MetricKind::Throttles,
            Combine::Sum,
            throttle_style,
            6,
        )
    };
    Row::new(vec![
        Cell::from(Span::styled(f.name().to_string(), theme.text)),
        Cell::from(with_spark(
            format::count_short(s.invocations),
            MetricKind::Invocations,
            Combine::Sum,
            theme.text,
            7,
        )),
        Cell::from(errors),
        Cell::from(Line::styled(
            format!("{:>6}", format::percent(s.error_rate)),
            error_style,
        )),
        Cell::from(throttles),
        Cell::from(Line::styled(
            format!("{:>8}", format::opt_millis(s.duration_avg_ms)),
            theme.text,
        )),
        Cell::from(with_spark(
            format::opt_millis(s.duration_p99_ms),
            MetricKind::DurationP99,
            Combine::Max,
            p99_style,
            8,
        )),
        Cell::from(Line::styled(
            format!(
                "{:>5}",
                s.concurrency_max
                    .map_or("-".to_string(), |c| format!("{c:.0}"))
            ),
            theme.text,
        )),
        Cell::from(alarm),
    ])
}

//! The function detail view, in the table's place: metric charts with axes, concurrency, cold
//! starts, memory, configuration, cost, and the recent invocations.
//!
//! Wide (120 columns and more, 22 rows and more):
//!
//! ```text
//! ─ orders-prod-api ───────────────────────────────── Backspace back · Enter: the invocation's logs ─
//! ┌ Invocations ──────┐┌ Errors ───────────┐┌ Throttles ────────┐┌ Duration ─ avg ─ p99 ─┐
//! │ 450┤   ⣀⡠⠤⠒⠉⠉⠑⠒⠤ ││                   ││                   ││                       │
//! │   0└──────────────││                   ││                   ││                       │
//! │   14:27  14:57    ││                   ││                   ││                       │
//! └───────────────────┘└───────────────────┘└───────────────────┘└───────────────────────┘
//! ┌ Concurrency ┐┌ Cold starts ┐┌ Memory ──────┐┌ Configuration ┐┌ Cost (REPORT lines) ┐
//! └─────────────┘└─────────────┘└──────────────┘└───────────────┘└─────────────────────┘
//! ┌ Recent invocations (newest first) ───────────────────────────────────────────────────┐
//! │ Request id  Time  Duration  Billed  Memory  Init  Status                             │
//! └──────────────────────────────────────────────────────────────────────────────────────┘
//! ```
//!
//! Compact (80×24): a configuration line, two charts side by side (counts; duration), three
//! summary lines and the invocations.
//!
//! Both show, above the invocations, the less common metrics the function has data for
//! ([`detail_metrics`]); without any, nothing.

use chrono::{DateTime, Duration, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table, TableState, Wrap,
};

use crate::analytics::{ColdStart, Invocation, InvocationStatus, ReportSummary};
use crate::figures;
use crate::format;
use crate::model::{MetricKind, NOT_SHARED_WITH_MONITORING, Reserved};
use crate::store::{FunctionState, Store};
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::{Detail, Only, ViewState};

use super::{detail_metrics, fit};

const NO_REPORTS: &str = "no REPORT lines yet";
const NO_METRICS: &str = "no metrics yet";

pub fn render(frame: &mut Frame, area: Rect, view: &ViewState, store: &Store, theme: &Theme) {
    let Some(detail) = &view.detail else { return };
    // What the figures cover, as much of it as the line has room for beside the keys.
    let keys = Line::styled(" Bksp back · Enter: invocation logs ", theme.muted).right_aligned();
    let room = area.width.saturating_sub(keys.width() as u16 + 1);
    let title = fit(
        Line::from(
            vec![Span::styled(
                if store.several() {
                    // The function's Region and account: a name is unique only there; and the
                    // account's id, when the label (a profile) does not say it.
                    let id = store
                        .function(&detail.function)
                        .and_then(|f| store.account_id_of(f))
                        .filter(|id| Some(*id) != detail.function.account.as_deref())
                        .map(|id| format!("· account {} ", sanitize(id)));
                    format!(
                        " {} · {} {}",
                        sanitize(&detail.function.name),
                        sanitize(&detail.function.origin().label()),
                        id.unwrap_or_default()
                    )
                } else {
                    format!(" {} ", sanitize(&detail.function.name))
                },
                theme.accent,
            )]
            .into_iter()
            .chain(super::covers(store, "· ", theme.muted))
            .collect::<Vec<_>>(),
        ),
        room,
    );
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(theme.accent)
        .title(title)
        .title(keys);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(f) = store.function(&detail.function) else {
        frame.render_widget(
            Paragraph::new(Line::styled(
                " this function is no longer listed by the source",
                theme.warn,
            )),
            inner,
        );
        return;
    };
    if inner.width >= 120 && inner.height >= 22 {
        wide(frame, inner, detail, f, store, theme);
    } else {
        compact(frame, inner, detail, f, store, theme);
    }
}

fn wide(
    frame: &mut Frame,
    area: Rect,
    detail: &Detail,
    f: &FunctionState,
    store: &Store,
    theme: &Theme,
) {
    let more = detail_metrics::height(f, area.width, 5);
    let [charts, panels, more_area, recent] = Layout::vertical([
        Constraint::Length(area.height.saturating_sub(7 + 6 + more).clamp(8, 12)),
        Constraint::Length(7),
        Constraint::Length(more),
        Constraint::Min(4),
    ])
    .areas(area);
    let axis = TimeAxis::new(store);
    // A replay has no throttles (a throttled request writes no line) nor concurrency: their
    // chart and panel are left out, the others share the room.
    let logs_only = store.from_logs_only();
    let count = |kind: MetricKind, style: Style| Plot {
        name: kind.label(),
        points: axis.points(f, kind),
        style,
    };
    let mut plots = vec![
        (
            "Invocations",
            vec![count(MetricKind::Invocations, theme.chart)],
            Unit::Count,
        ),
        (
            "Errors",
            vec![count(MetricKind::Errors, theme.error)],
            Unit::Count,
        ),
    ];
    if !logs_only {
        plots.push((
            "Throttles",
            vec![count(MetricKind::Throttles, theme.warn)],
            Unit::Count,
        ));
    }
    plots.push(("Duration", duration_plots(f, &axis, theme), Unit::Millis));
    let n = plots.len() as u32;
    let areas = Layout::horizontal(vec![Constraint::Ratio(1, n); plots.len()]).split(charts);
    for ((title, lines, unit), &at) in plots.into_iter().zip(areas.iter()) {
        chart(frame, at, title, lines, unit, &axis, theme);
    }

    let report = f.report();
    let n: u32 = if logs_only { 4 } else { 5 };
    let areas = Layout::horizontal(vec![Constraint::Ratio(1, n); n as usize]).split(panels);
    let mut areas = areas.iter().copied();
    let mut next = || areas.next().unwrap_or_default();
    if !logs_only {
        panel(
            frame,
            next(),
            "Concurrency",
            concurrency_lines(f, store, theme),
            theme,
        );
    }
    panel(
        frame,
        next(),
        "Cold starts",
        cold_lines(report, f, theme),
        theme,
    );
    panel(
        frame,
        next(),
        "Memory",
        memory_lines(f, report, theme),
        theme,
    );
    // Names, not figures: cut at the edge rather than left out; a linked account's function
    // says, wrapped, what the monitoring account cannot read.
    let config = Paragraph::new(config_lines(f, report, store, theme))
        .block(panel_block("Configuration", theme));
    let config = match f.config.is_linked() {
        true => config.wrap(Wrap { trim: true }),
        false => config,
    };
    frame.render_widget(config, next());
    panel(
        frame,
        next(),
        "Cost (from REPORT lines)",
        cost_lines(report, theme),
        theme,
    );
    detail_metrics::render(frame, more_area, f, store, theme);
    invocations(frame, recent, detail, f, true, theme);
}

fn compact(
    frame: &mut Frame,
    area: Rect,
    detail: &Detail,
    f: &FunctionState,
    store: &Store,
    theme: &Theme,
) {
    let more = detail_metrics::height(f, area.width, 3);
    let chart_height = area.height.saturating_sub(1 + 3 + 4 + more).clamp(5, 12);
    let [conf, charts, stats, more_area, recent] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(chart_height),
        Constraint::Length(3),
        Constraint::Length(more),
        Constraint::Min(3),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(config_summary(f, f.report(), store, theme)),
        conf,
    );

    let axis = TimeAxis::new(store);
    let [counts, dur] = Layout::horizontal([Constraint::Ratio(1, 2); 2]).areas(charts);
    let mut count_plots = vec![
        Plot {
            name: "invocations",
            points: axis.points(f, MetricKind::Invocations),
            style: theme.chart,
        },
        Plot {
            name: "errors",
            points: axis.points(f, MetricKind::Errors),
            style: theme.error,
        },
    ];
    if !store.from_logs_only() {
        count_plots.push(Plot {
            name: "throttles",
            points: axis.points(f, MetricKind::Throttles),
            style: theme.warn,
        });
    }
    chart(frame, counts, "", count_plots, Unit::Count, &axis, theme);
    chart(
        frame,
        dur,
        "Duration",
        duration_plots(f, &axis, theme),
        Unit::Millis,
        &axis,
        theme,
    );

    let report = f.report();
    let label = |s: &'static str| Span::styled(format!(" {s:<6} "), theme.muted);
    let mut cold = vec![label("Cold")];
    cold.extend(cold_summary(report, theme));
    let mut mem = vec![label("Memory")];
    mem.extend(memory_summary(f, report, theme, 10));
    // A replay knows no concurrency: the line is the cost's alone.
    let mut conc = if store.from_logs_only() {
        vec![label("Cost")]
    } else {
        let mut conc = vec![label("Conc.")];
        conc.extend(
            concurrency_lines(f, store, theme)
                .into_iter()
                .take(1)
                .flat_map(|l| l.spans),
        );
        conc.push(Span::styled(" · cost ", theme.muted));
        conc
    };
    if let Some(r) = report {
        conc.push(Span::styled(format::usd(r.cost_usd), theme.text));
        conc.push(Span::styled(
            format!(" for {}", format::plural(r.invocations, "REPORT")),
            theme.muted,
        ));
    } else if store.from_logs_only() {
        conc.push(Span::styled(NO_REPORTS, theme.muted));
    } else {
        conc.pop();
    }
    let width = stats.width;
    frame.render_widget(
        Paragraph::new(vec![
            fit(Line::from(cold), width),
            fit(Line::from(mem), width),
            fit(Line::from(conc), width),
        ]),
        stats,
    );
    detail_metrics::render(frame, more_area, f, store, theme);
    invocations(frame, recent, detail, f, false, theme);
}

/// The x axis: one point per period of the window, labelled with times.
struct TimeAxis {
    start: DateTime<Utc>,
    period_s: u32,
    slots: usize,
    /// The window crosses a day: times of day carry their date.
    dated: bool,
    /// What an empty chart says.
    empty: String,
}

impl TimeAxis {
    fn new(store: &Store) -> Self {
        let w = store.window();
        let start = store.window_start();
        let end = start + Duration::seconds(i64::from(w.period_s()) * w.slots() as i64 - 1);
        Self {
            start,
            period_s: w.period_s(),
            slots: w.slots(),
            dated: format::spans_days(start, end),
            empty: if store.loading() {
                // The series were dropped with the window before: not "no metrics".
                format!("loading the last {}…", w)
            } else if store.from_logs_only() {
                NO_REPORTS.to_string()
            } else {
                NO_METRICS.to_string()
            },
        }
    }

    fn points(&self, f: &FunctionState, kind: MetricKind) -> Vec<(f64, f64)> {
        let Some(series) = f.series(kind) else {
            return Vec::new();
        };
        if series.is_empty() {
            return Vec::new();
        }
        series
            .slots(self.start, self.slots)
            .into_iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let v = match v {
                    Some(v) => v,
                    None if kind.missing_is_zero() => 0.0,
                    None => return None,
                };
                Some((i as f64, v))
            })
            .collect()
    }

    fn max_x(&self) -> f64 {
        self.slots.saturating_sub(1).max(1) as f64
    }

    fn label(&self, slot: f64) -> String {
        let t = self.start + Duration::seconds((slot * f64::from(self.period_s)) as i64);
        if self.period_s >= 3600 {
            t.format("%d %b").to_string()
        } else if self.dated {
            t.format("%m-%d %H:%M").to_string()
        } else {
            t.format("%H:%M").to_string()
        }
    }

    fn labels(&self, width: u16) -> Vec<Line<'static>> {
        let max = self.max_x();
        let room = if self.dated && self.period_s < 3600 {
            45
        } else {
            30
        };
        let picks: &[f64] = if width >= room {
            &[0.0, 0.5, 1.0]
        } else {
            &[0.0, 1.0]
        };
        picks
            .iter()
            .map(|p| Line::from(self.label(max * p)))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Count,
    Millis,
}

impl Unit {
    fn format(self, v: f64) -> String {
        match self {
            Unit::Count => format::count_short(v.round().max(0.0) as u64),
            Unit::Millis if v == 0.0 => "0".to_string(),
            Unit::Millis => format::millis(v),
        }
    }
}

struct Plot {
    name: &'static str,
    points: Vec<(f64, f64)>,
    style: Style,
}

fn duration_plots(f: &FunctionState, axis: &TimeAxis, theme: &Theme) -> Vec<Plot> {
    vec![
        Plot {
            name: "avg",
            points: axis.points(f, MetricKind::DurationAvg),
            style: theme.chart,
        },
        Plot {
            name: "p99",
            points: axis.points(f, MetricKind::DurationP99),
            style: theme.warn,
        },
    ]
}

/// A line chart with a time x axis and a value y axis; the legend is in the title.
fn chart(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    plots: Vec<Plot>,
    unit: Unit,
    axis: &TimeAxis,
    theme: &Theme,
) {
    let mut spans = Vec::new();
    if !title.is_empty() {
        spans.push(Span::styled(format!(" {title} "), theme.accent));
    }
    if plots.len() > 1 {
        for (i, p) in plots.iter().enumerate() {
            let lead = if i == 0 && title.is_empty() {
                " "
            } else {
                "─ "
            };
            spans.push(Span::styled(format!("{lead}{} ", p.name), p.style));
        }
    }
    let block = Block::new()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Line::from(spans));
    if plots.iter().all(|p| p.points.is_empty()) {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {}", axis.empty), theme.muted)),
            inner,
        );
        return;
    }
    let max = plots
        .iter()
        .flat_map(|p| p.points.iter().map(|&(_, y)| y))
        .fold(0.0_f64, f64::max);
    let top = match unit {
        Unit::Count => nice_ceiling(max.max(1.0)),
        Unit::Millis => nice_ceiling(max.max(0.001)),
    };
    let datasets = plots
        .iter()
        .map(|p| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(p.style)
                .data(&p.points)
        })
        .collect();
    let y_labels: Vec<Line> = y_marks(top, unit, area.height >= 8)
        .into_iter()
        .map(|v| Line::from(unit.format(v)))
        .collect();
    let chart = Chart::new(datasets)
        .block(block)
        .legend_position(None)
        .x_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([0.0, axis.max_x()])
                .labels(axis.labels(area.width)),
        )
        .y_axis(
            Axis::default()
                .style(theme.muted)
                .bounds([0.0, top])
                .labels(y_labels),
        );
    frame.render_widget(chart, area);
}

/// The values the y axis labels: 0 and the top, and the middle when there is room and it is a
/// value of the unit (no `0.5` invocations, which would read `1 / 1 / 0`).
fn y_marks(top: f64, unit: Unit, room: bool) -> Vec<f64> {
    let middle = top / 2.0;
    let whole = unit != Unit::Count || middle.fract() == 0.0;
    if room && whole {
        vec![0.0, middle, top]
    } else {
        vec![0.0, top]
    }
}

/// The smallest of 1, 2, 2.5 or 5 × 10ⁿ at or above `v`, so axis labels read well.
fn nice_ceiling(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&c| c >= v * 0.999_999)
        .unwrap_or(10.0 * magnitude)
}

/// A bordered panel of lines, each fitted to its width ([`fit`]).
fn panel(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, theme: &Theme) {
    let block = panel_block(title, theme);
    let width = block.inner(area).width;
    let lines: Vec<Line> = lines.into_iter().map(|l| fit(l, width)).collect();
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn panel_block<'a>(title: &str, theme: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme.muted)
        .title(Span::styled(format!(" {title} "), theme.accent))
}

fn kv<'a>(key: &str, value: String, theme: &Theme) -> Line<'a> {
    kvs(key, vec![value], theme)
}

/// A key and its value in parts, each a span that [`fit`] keeps or leaves out whole; every part
/// after the first brings its own separator.
fn kvs<'a>(key: &str, parts: Vec<String>, theme: &Theme) -> Line<'a> {
    let mut spans = vec![Span::styled(format!("{key:<10} "), theme.muted)];
    spans.extend(parts.into_iter().map(|p| Span::styled(p, theme.text)));
    Line::from(spans)
}

/// `█████░░░░░` for `ratio` in `width` cells.
fn bar(ratio: f64, width: usize) -> String {
    let full = ((ratio.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(full), "░".repeat(width - full))
}

fn concurrency_lines<'a>(f: &FunctionState, store: &Store, theme: &Theme) -> Vec<Line<'a>> {
    // The cap: the function's reservation, else its account's limit in its Region when the
    // source read it — not for a linked account's function: the limit read is the monitoring
    // account's.
    let account = store
        .concurrency_limit_of(&f.id)
        .filter(|_| !f.config.is_linked());
    let cap = match f.config.reserved_concurrency.limit() {
        Some(r) => Some((r, "reserved")),
        None => account.map(|a| (a, "account limit")),
    };
    let max = f.summary.concurrency_max;
    let mut first = vec![Span::styled(
        max.map_or_else(
            || NO_METRICS.to_string(),
            |m| format!("{} max", format::count(m as u64)),
        ),
        theme.text,
    )];
    if let Some((cap, name)) = cap {
        let of = if max.is_some() { " of" } else { " ·" };
        first.push(Span::styled(
            format!("{of} {} {name}", format::count(u64::from(cap))),
            theme.text,
        ));
    }
    let mut lines = vec![Line::from(first)];
    if let (Some(m), Some((cap, _))) = (max, cap) {
        let ratio = if cap > 0 { m / f64::from(cap) } else { 0.0 };
        let style = theme.health(figures::CONCURRENCY_USED.health(ratio));
        lines.push(Line::from(vec![
            Span::styled(bar(ratio, 12), style),
            Span::styled(format!(" {}", format::percent(ratio)), theme.muted),
        ]));
    }
    let reserved = match f.config.reserved_concurrency {
        Reserved::Limit(r) => Some(r.to_string()),
        Reserved::Shared => Some("none (shares the account pool)".to_string()),
        Reserved::Unknown => None,
    };
    if let Some(r) = reserved {
        lines.push(kv("Reserved", r, theme));
    }
    if let Some(a) = account {
        lines.push(kv(
            "Account",
            format!("limit {}", format::count(u64::from(a))),
            theme,
        ));
    }
    lines
}

fn cold_summary<'a>(report: Option<&ReportSummary>, theme: &Theme) -> Vec<Span<'a>> {
    let Some(r) = report.filter(|r| r.invocations > 0) else {
        return vec![Span::styled(NO_REPORTS, theme.muted)];
    };
    let mut spans = vec![Span::styled(
        format!(
            "{} ({})",
            format::count(r.cold_starts),
            format::percent(r.cold_start_rate.unwrap_or(0.0))
        ),
        theme.text,
    )];
    if r.init_ms_p50.is_some() {
        spans.push(Span::styled(
            format!(" · init p50 {}", format::opt_millis(r.init_ms_p50)),
            theme.muted,
        ));
        spans.push(Span::styled(
            format!(" p99 {}", format::opt_millis(r.init_ms_p99)),
            theme.muted,
        ));
    }
    if r.restores > 0 {
        spans.push(Span::styled(
            format!(" · {} SnapStart restores", format::count(r.restores)),
            theme.muted,
        ));
    }
    spans
}

fn cold_lines<'a>(
    report: Option<&ReportSummary>,
    f: &FunctionState,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let Some(r) = report.filter(|r| r.invocations > 0) else {
        return vec![Line::styled(NO_REPORTS, theme.muted)];
    };
    vec![
        kvs(
            "Count",
            vec![
                format::count(r.cold_starts),
                format!(" ({})", format::percent(r.cold_start_rate.unwrap_or(0.0))),
                format!(" of {}", format::count(r.invocations)),
            ],
            theme,
        ),
        kv("Init p50", format::opt_millis(r.init_ms_p50), theme),
        kv("Init p99", format::opt_millis(r.init_ms_p99), theme),
        kv(
            "Restores",
            if r.restores > 0 {
                format!(
                    "{} (p50 {})",
                    format::count(r.restores),
                    format::opt_millis(r.restore_ms_p50)
                )
            } else if f.config.snap_start {
                "0 (SnapStart on)".to_string()
            } else {
                "0".to_string()
            },
            theme,
        ),
        kv("In flight", format::count(r.in_flight), theme),
    ]
}

/// The memory sizes the function ran with: those its REPORT lines give (`128–1024 MB` when they
/// differ), else its configuration.
fn memory_sizes(f: &FunctionState, report: Option<&ReportSummary>) -> Option<String> {
    match report.and_then(|r| r.memory_sizes_mb) {
        Some((lo, hi)) if lo != hi => Some(format!("{lo}–{hi} MB")),
        Some((size, _)) => Some(format!("{size} MB")),
        None => f.config.memory_mb.map(|m| format!("{m} MB")),
    }
}

/// Whether the REPORT lines give more than one memory size.
fn mixed_sizes(report: Option<&ReportSummary>) -> bool {
    report
        .and_then(|r| r.memory_sizes_mb)
        .is_some_and(|(lo, hi)| lo != hi)
}

/// The largest share of its memory an invocation used, as the table's `Mem %` reads it.
fn memory_ratio(f: &FunctionState) -> Option<f64> {
    figures::Figure::MemoryUsed.value(f)
}

fn memory_summary<'a>(
    f: &FunctionState,
    report: Option<&ReportSummary>,
    theme: &Theme,
    bar_width: usize,
) -> Vec<Span<'a>> {
    let sizes = memory_sizes(f, report);
    let used = report.and_then(|r| r.max_memory_used_mb);
    match (used, memory_ratio(f), sizes) {
        (Some(used), Some(ratio), Some(sizes)) => {
            let mut spans = vec![
                Span::styled(bar(ratio, bar_width), memory_style(ratio, theme)),
                Span::styled(format!(" {} at peak", format::percent(ratio)), theme.text),
                // With several sizes, the largest use is not "of" any one of them.
                Span::styled(
                    if mixed_sizes(report) {
                        format!(" · max {used} MB · sizes {sizes}")
                    } else {
                        format!(" · max {used} MB of {sizes}")
                    },
                    theme.text,
                ),
            ];
            if let Some(p99) = report.and_then(|r| r.max_memory_used_mb_p99) {
                spans.push(Span::styled(format!(" · p99 {p99} MB"), theme.muted));
            }
            spans
        }
        (_, _, Some(sizes)) => vec![
            Span::styled(format!("{sizes} configured"), theme.muted),
            Span::styled(format!(" · {NO_REPORTS}"), theme.muted),
        ],
        _ => vec![Span::styled(NO_REPORTS, theme.muted)],
    }
}

fn memory_style(ratio: f64, theme: &Theme) -> Style {
    theme.health(figures::MEMORY_USED.health(ratio))
}

/// The memory panel: the sizes, the largest and p99 use, a bar of the largest share with its
/// label beside it (never on it), and the right-sizing hint.
fn memory_lines<'a>(
    f: &FunctionState,
    report: Option<&ReportSummary>,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let sizes = memory_sizes(f, report);
    let used = report.and_then(|r| r.max_memory_used_mb);
    let (Some(sizes), Some(used), Some(ratio)) = (sizes.clone(), used, memory_ratio(f)) else {
        let mut lines = Vec::new();
        if let Some(s) = sizes {
            lines.push(Line::styled(format!("{s} configured"), theme.muted));
        }
        lines.push(Line::styled(NO_REPORTS, theme.muted));
        return lines;
    };
    let mixed = mixed_sizes(report);
    let p99 = report
        .and_then(|r| r.max_memory_used_mb_p99)
        .map_or_else(|| "-".to_string(), |p| format!("{p} MB"));
    let mut lines = vec![
        kv(if mixed { "Sizes" } else { "Configured" }, sizes, theme),
        kv("Max used", format!("{used} MB"), theme),
        kv("p99 used", p99, theme),
        Line::from(vec![
            Span::styled(bar(ratio, 10), memory_style(ratio, theme)),
            Span::styled(format!(" {} at peak", format::percent(ratio)), theme.text),
        ]),
    ];
    if let Some(h) = report.and_then(|r| r.right_sizing_hint.as_deref()) {
        lines.push(Line::styled(sanitize(h).into_owned(), theme.muted));
    } else if mixed {
        lines.push(Line::styled("each against its own size", theme.muted));
    }
    lines
}

/// What is known of the configuration, in the order the wide panel lists it: a replay knows
/// only what its lines say (the memory sizes of its REPORT lines), nothing is shown as unknown.
fn config_facts(
    f: &FunctionState,
    report: Option<&ReportSummary>,
    store: &Store,
) -> Vec<(&'static str, String)> {
    let c = &f.config;
    let mut facts = Vec::new();
    if c.is_linked() {
        // Lambda answers only for the own account: what its REPORT lines say, and its group.
        if let Some(m) = memory_sizes(f, report) {
            facts.push(("Memory", m));
        }
        facts.push(("Log group", sanitize(&c.log_group_name()).into_owned()));
        return facts;
    }
    if let Some(r) = &c.runtime {
        facts.push(("Runtime", sanitize(r).into_owned()));
    }
    // The architecture comes from the Lambda API, never from a log line.
    let arch = (!store.from_logs_only()).then(|| c.architecture.to_string());
    match (arch, memory_sizes(f, report)) {
        (Some(a), Some(m)) => facts.push(("Arch / mem", format!("{a} · {m}"))),
        (Some(a), None) => facts.push(("Arch", a)),
        (None, Some(m)) => facts.push(("Memory", m)),
        (None, None) => {}
    }
    if let Some(t) = c.timeout_s {
        facts.push(("Timeout", format!("{t} s")));
    }
    if !store.from_logs_only() {
        facts.push((
            "Log format",
            format!(
                "{:?}{}",
                c.log_format,
                if c.snap_start { " · SnapStart" } else { "" }
            ),
        ));
    }
    facts.push(("Log group", sanitize(&c.log_group_name()).into_owned()));
    facts
}

fn config_summary<'a>(
    f: &FunctionState,
    report: Option<&ReportSummary>,
    store: &Store,
    theme: &Theme,
) -> Line<'a> {
    let not_shared = f
        .config
        .is_linked()
        .then(|| ("", NOT_SHARED_WITH_MONITORING.to_string()));
    let spans: Vec<Span> = not_shared
        .into_iter()
        .chain(config_facts(f, report, store))
        .enumerate()
        .map(|(i, (key, v))| {
            let v = match key {
                "Timeout" => format!("{v} timeout"),
                "Log format" => format!("{v} logs"),
                _ => v,
            };
            let lead = if i == 0 { " " } else { " · " };
            Span::styled(format!("{lead}{v}"), theme.muted)
        })
        .collect();
    Line::from(spans)
}

fn config_lines<'a>(
    f: &FunctionState,
    report: Option<&ReportSummary>,
    store: &Store,
    theme: &Theme,
) -> Vec<Line<'a>> {
    let not_shared = f
        .config
        .is_linked()
        .then(|| Line::styled(NOT_SHARED_WITH_MONITORING, theme.muted));
    not_shared
        .into_iter()
        .chain(
            config_facts(f, report, store)
                .into_iter()
                .map(|(key, v)| kv(key, v, theme)),
        )
        .collect()
}

fn cost_lines<'a>(report: Option<&ReportSummary>, theme: &Theme) -> Vec<Line<'a>> {
    let Some(r) = report.filter(|r| r.invocations > 0) else {
        return vec![Line::styled(NO_REPORTS, theme.muted)];
    };
    let per_million = r.cost_usd / r.invocations as f64 * 1e6;
    vec![
        Line::from(vec![
            Span::styled(format!("{:<10} ", "Estimated"), theme.muted),
            // Never `$0.0000` for what is not 0.
            Span::styled(format::usd(r.cost_usd), theme.accent),
            Span::styled(
                format!(" for {}", format::plural(r.invocations, "REPORT")),
                theme.muted,
            ),
        ]),
        kv("Per 1M", format::usd(per_million), theme),
        kv(
            "Billed",
            format::total_millis(r.billed_ms_total as f64),
            theme,
        ),
        kv("Compute", format::gb_seconds(r.gb_seconds), theme),
        kvs(
            "Errors",
            vec![
                format::count(r.errors),
                format!(" · timeouts {}", format::count(r.timeouts)),
            ],
            theme,
        ),
    ]
}

fn invocations(
    frame: &mut Frame,
    area: Rect,
    detail: &Detail,
    f: &FunctionState,
    wide: bool,
    theme: &Theme,
) {
    let recent: Vec<&Invocation> = detail.invocations(f);
    let block = Block::new()
        .borders(if wide { Borders::ALL } else { Borders::TOP })
        .border_style(theme.muted)
        .title(Span::styled(
            format!(
                " Recent invocations ({}, {}) ",
                recent.len(),
                detail.listing()
            ),
            theme.accent,
        ));
    if recent.is_empty() {
        let why = if detail.only == Only::All {
            format!(" {NO_REPORTS}: invocations are listed as their REPORT lines arrive")
        } else {
            format!(
                " none of the recent invocations: {} (press the key again for all)",
                detail.listing()
            )
        };
        frame.render_widget(
            Paragraph::new(Line::styled(why, theme.muted)).block(block),
            area,
        );
        return;
    }
    let id_width: u16 = if wide { 36 } else { 8 };
    // Times of day alone when the invocations listed fall on one day; with the date otherwise.
    let dated = match (
        recent.iter().map(|i| i.reported_at).min(),
        recent.iter().map(|i| i.reported_at).max(),
    ) {
        (Some(first), Some(last)) => format::spans_days(first, last),
        _ => false,
    };
    let header = Row::new(
        [
            "Request id",
            "Time",
            "Duration",
            "Billed",
            "Memory",
            "Init",
            "Status",
        ]
        .map(|h| Cell::from(h).style(theme.muted)),
    );
    let rows = recent.iter().map(|i| {
        let id: String = sanitize(&i.request_id)
            .chars()
            .take(usize::from(id_width))
            .collect();
        let init = match i.cold_start {
            Some(ColdStart::Init { duration_ms }) => format::millis(duration_ms),
            Some(ColdStart::Restore { duration_ms }) => {
                format!("r {}", format::millis(duration_ms))
            }
            None => "-".to_string(),
        };
        let memory = if wide {
            format!("{}/{} MB", i.max_memory_used_mb, i.memory_size_mb)
        } else {
            format!("{} MB", i.max_memory_used_mb)
        };
        let (status, style) = match i.status {
            InvocationStatus::Success => ("ok".to_string(), theme.ok),
            InvocationStatus::Timeout => ("timeout".to_string(), theme.error),
            InvocationStatus::Error => (
                match &i.error_type {
                    Some(t) => format!("error {}", sanitize(t)),
                    None => "error".to_string(),
                },
                theme.error,
            ),
        };
        Row::new(vec![
            Cell::from(id),
            Cell::from(format::clock(i.reported_at, dated)),
            Cell::from(format::millis(i.duration_ms)),
            Cell::from(format!("{} ms", i.billed_duration_ms)),
            Cell::from(memory),
            Cell::from(init),
            Cell::from(status).style(style),
        ])
        .style(theme.text)
    });
    let widths = [
        Constraint::Length(id_width),
        Constraint::Length(if dated { 14 } else { 8 }),
        Constraint::Length(9),
        Constraint::Length(if wide { 9 } else { 8 }),
        Constraint::Length(if wide { 13 } else { 7 }),
        Constraint::Length(9),
        Constraint::Min(7),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .column_spacing(1)
        .row_highlight_style(theme.selection);
    let mut state =
        TableState::default().with_selected(Some(detail.selected.min(recent.len() - 1)));
    frame.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_y_axis_labels_only_values_of_its_unit() {
        // All zero (or at most 1 a period): 0 and 1, no half invocation.
        assert_eq!(y_marks(1.0, Unit::Count, true), [0.0, 1.0]);
        assert_eq!(y_marks(2.0, Unit::Count, true), [0.0, 1.0, 2.0]);
        assert_eq!(y_marks(2.5, Unit::Count, true), [0.0, 2.5]);
        assert_eq!(y_marks(500.0, Unit::Count, false), [0.0, 500.0]);
        assert_eq!(y_marks(1.0, Unit::Millis, true), [0.0, 0.5, 1.0]);
    }

    #[test]
    fn axis_ceilings_are_round() {
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(180.0), 200.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(4100.0), 5000.0);
        assert_eq!(nice_ceiling(f64::NAN), 1.0);
    }

    #[test]
    fn bars_fill_in_proportion() {
        assert_eq!(bar(0.5, 4), "██░░");
        assert_eq!(bar(2.0, 3), "███");
        assert_eq!(bar(-1.0, 2), "░░");
    }
}

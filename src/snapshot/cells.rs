//! The human-readable columns shared by the table and Markdown formats.

use crate::format;
use crate::model::AlarmState;

use super::document::{FunctionRow, Snapshot};

/// How a cell should stand out when colour is on (the dashboard's roles and thresholds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Plain,
    Ok,
    Warn,
    Error,
}

/// Which side a column's cells line up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// One formatted cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub tone: Tone,
}

impl Cell {
    fn plain(text: String) -> Self {
        Self {
            text,
            tone: Tone::Plain,
        }
    }

    fn toned(text: String, tone: Tone) -> Self {
        Self { text, tone }
    }
}

/// Column headings, alignments and formatted rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    pub headings: Vec<&'static str>,
    pub align: Vec<Align>,
    pub rows: Vec<Vec<Cell>>,
}

const METRIC_HEADINGS: [&str; 10] = [
    "FUNCTION",
    "INVOCATIONS",
    "ERRORS",
    "ERR%",
    "THROTTLES",
    "AVG",
    "P99",
    "MAX",
    "CONC",
    "ALARM",
];

/// Shown when at least one listed function has REPORT-line analytics.
const REPORT_HEADINGS: [&str; 5] = ["COLD%", "LOG P50", "LOG P99", "MEM USED", "COST"];

const DASH: &str = "-";

/// Formats `snap`'s functions; the REPORT columns appear only when some function has logs.
pub fn grid(snap: &Snapshot) -> Grid {
    let with_reports = snap.has_reports();
    let mut headings = METRIC_HEADINGS.to_vec();
    if with_reports {
        headings.extend(REPORT_HEADINGS);
    }
    let align = headings
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { Align::Left } else { Align::Right })
        .collect();
    let rows = snap
        .functions
        .iter()
        .map(|f| {
            let mut row = metric_cells(f);
            if with_reports {
                row.extend(report_cells(f));
            }
            row
        })
        .collect();
    Grid {
        headings,
        align,
        rows,
    }
}

fn metric_cells(f: &FunctionRow) -> Vec<Cell> {
    let error_tone = match f.error_rate {
        r if r >= 0.05 => Tone::Error,
        r if r > 0.0 => Tone::Warn,
        _ => Tone::Plain,
    };
    let throttle_tone = if f.throttles > 0 {
        Tone::Warn
    } else {
        Tone::Plain
    };
    let alarm = match f.alarm_state {
        Some(s @ AlarmState::Alarm) => Cell::toned(s.as_str().to_string(), Tone::Error),
        Some(s @ AlarmState::InsufficientData) => Cell::toned(s.as_str().to_string(), Tone::Warn),
        Some(s @ AlarmState::Ok) => Cell::toned(s.as_str().to_string(), Tone::Ok),
        None => Cell::plain(DASH.to_string()),
    };
    vec![
        Cell::plain(f.name.clone()),
        Cell::plain(format::count(f.invocations)),
        Cell::toned(format::count(f.errors), error_tone),
        Cell::toned(format::percent(f.error_rate), error_tone),
        Cell::toned(format::count(f.throttles), throttle_tone),
        Cell::plain(format::opt_millis(f.duration_ms.avg)),
        Cell::plain(format::opt_millis(f.duration_ms.p99)),
        Cell::plain(format::opt_millis(f.duration_ms.max)),
        Cell::plain(f.concurrency_max.map_or(DASH.to_string(), format::count)),
        alarm,
    ]
}

fn report_cells(f: &FunctionRow) -> Vec<Cell> {
    let Some(r) = &f.report else {
        return vec![Cell::plain(DASH.to_string()); REPORT_HEADINGS.len()];
    };
    let cold = match r.cold_start_rate() {
        Some(rate) => Cell::toned(
            format::percent(rate),
            if rate >= 0.1 { Tone::Warn } else { Tone::Plain },
        ),
        None => Cell::plain(DASH.to_string()),
    };
    let memory = match (r.max_memory_used_mb, r.memory_size_mb) {
        (Some(used), Some(size)) => Cell::toned(
            format!("{used}/{size} MB"),
            match r.memory_used_ratio() {
                Some(m) if m >= 0.9 => Tone::Error,
                Some(m) if m >= 0.8 => Tone::Warn,
                _ => Tone::Plain,
            },
        ),
        (Some(used), None) => Cell::plain(format!("{used} MB")),
        _ => Cell::plain(DASH.to_string()),
    };
    vec![
        cold,
        Cell::plain(format::opt_millis(r.duration_ms_p50)),
        Cell::plain(format::opt_millis(r.duration_ms_p99)),
        memory,
        Cell::plain(format::usd(r.cost_usd)),
    ]
}

/// The first header line: source, Region and time span.
pub fn title(snap: &Snapshot) -> String {
    format!(
        "lambdatop {} · {} · last {} (from {} to {})",
        snap.source,
        snap.region.as_deref().unwrap_or("no region"),
        snap.window.length,
        snap.window.start.format("%Y-%m-%d %H:%M UTC"),
        snap.window.end.format("%Y-%m-%d %H:%M UTC"),
    )
}

/// The totals line: sums over the listed functions.
pub fn totals_line(snap: &Snapshot) -> String {
    let t = &snap.totals;
    let listed = snap.functions.len();
    let known = snap.context.functions_known;
    let noun = if known == 1 { "function" } else { "functions" };
    let scope = if listed == known {
        format!("{listed} {noun}")
    } else {
        format!("{listed} of {known} {noun}")
    };
    format!(
        "{scope}  Invocations {}  Errors {} ({})  Throttles {}",
        format::count(t.invocations),
        format::count(t.errors),
        format::percent(t.error_rate()),
        format::count(t.throttles),
    )
}

/// The account line: alarms and concurrency of the whole account.
pub fn account_line(snap: &Snapshot) -> String {
    let a = &snap.alarms;
    format!(
        "Account  Peak concurrency {} / {}  Alarms: ALARM {}  INSUFFICIENT_DATA {}  OK {}",
        snap.context
            .account_concurrency_peak
            .and_then(format::count_figure)
            .map_or(DASH.to_string(), format::count),
        format::count(u64::from(snap.context.account_concurrency_limit)),
        a.alarm,
        a.insufficient_data,
        a.ok,
    )
}

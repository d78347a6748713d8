//! The human-readable columns shared by the table and Markdown formats.

use crate::figures::{self, FIGURES, Figure, Health, Origin};
use crate::format;

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

const DASH: &str = "-";

/// The registry's figures with a table heading, from `origin`, in its order.
fn columns(origin: Origin) -> impl Iterator<Item = Figure> {
    FIGURES
        .iter()
        .filter(move |d| d.heading.is_some() && d.origin == origin)
        .map(|d| d.figure)
}

/// Formats `snap`'s functions; the REPORT columns appear only when some function has logs.
pub fn grid(snap: &Snapshot) -> Grid {
    let mut figures: Vec<Figure> = columns(Origin::Metrics).collect();
    if snap.has_reports() {
        figures.extend(columns(Origin::Reports));
    }
    let headings = std::iter::once("FUNCTION")
        .chain(figures.iter().map(|f| f.def().heading.unwrap_or("")))
        .collect::<Vec<_>>();
    let align = headings
        .iter()
        .enumerate()
        .map(|(i, _)| if i == 0 { Align::Left } else { Align::Right })
        .collect();
    let rows = snap
        .functions
        .iter()
        .map(|f| {
            std::iter::once(Cell::plain(f.name.clone()))
                .chain(figures.iter().map(|&fig| cell(f, fig)))
                .collect()
        })
        .collect();
    Grid {
        headings,
        align,
        rows,
    }
}

/// One figure of one function, toned by the registry's thresholds.
fn cell(f: &FunctionRow, figure: Figure) -> Cell {
    let Some(value) = f.figure(figure) else {
        return Cell::plain(DASH.to_string());
    };
    let tone = match figures::judged(figure, |g| f.figure(g)) {
        Health::Bad => Tone::Error,
        Health::Warn => Tone::Warn,
        Health::Good if figure == Figure::Alarm => Tone::Ok,
        Health::Good => Tone::Plain,
    };
    let text = match figure {
        // Memory reads as what was used of what is configured — unless the log mixes sizes
        // and the largest share was another invocation's, against its own size.
        Figure::MemoryUsed => {
            match (f.figure(Figure::MemoryUsedMb), f.figure(Figure::MemorySize)) {
                (Some(used), Some(size)) if size > 0.0 && (used / size - value).abs() < 1e-9 => {
                    format!("{used}/{size} MB")
                }
                _ => format::percent(value),
            }
        }
        _ => figure.unit().show(value),
    };
    Cell::toned(text, tone)
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

/// The account line: alarms and concurrency of the whole account, with what is claimed of the
/// limit when the source tells.
pub fn account_line(snap: &Snapshot) -> String {
    let a = &snap.alarms;
    let c = &snap.account;
    let claimed = c.claimed_concurrency_max.map_or(String::new(), |claimed| {
        format!(
            " · claimed {} ({})",
            format::count(claimed),
            format::percent(claimed as f64 / f64::from(c.concurrency_limit.max(1)))
        )
    });
    format!(
        "Account  Peak concurrency {} / {}{claimed}  Alarms: ALARM {}  INSUFFICIENT_DATA {}  OK {}",
        c.concurrency_max.map_or(DASH.to_string(), format::count),
        if snap.context.concurrency_limit_known {
            format::count(u64::from(c.concurrency_limit))
        } else {
            "?".to_string()
        },
        a.alarm,
        a.insufficient_data,
        a.ok,
    )
}

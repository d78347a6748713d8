//! The human-readable columns shared by the table and Markdown formats.

use crate::figures::{self, FIGURES, Figure, Health, Origin};
use crate::format;

use super::document::{FunctionRow, RegionRow, Snapshot};

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
    let places = place_columns(snap);
    let headings = std::iter::once("FUNCTION")
        .chain(places.iter().map(|p| p.heading()))
        .chain(figures.iter().map(|f| f.def().heading.unwrap_or("")))
        .collect::<Vec<_>>();
    let align = headings
        .iter()
        .enumerate()
        .map(|(i, _)| {
            if i <= places.len() {
                Align::Left
            } else {
                Align::Right
            }
        })
        .collect();
    let rows = snap
        .functions
        .iter()
        .map(|f| {
            std::iter::once(Cell::plain(f.name.clone()))
                .chain(
                    places
                        .iter()
                        .map(|p| Cell::plain(p.of(f).unwrap_or(DASH).to_string())),
                )
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

/// Where a function lives, as a column when several Regions or accounts are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Region,
    Account,
}

impl Place {
    fn heading(self) -> &'static str {
        match self {
            Place::Region => "REGION",
            Place::Account => "ACCOUNT",
        }
    }

    /// The CSV's column.
    pub fn key(self) -> &'static str {
        match self {
            Place::Region => "region",
            Place::Account => "account",
        }
    }

    pub fn of(self, f: &FunctionRow) -> Option<&str> {
        match self {
            Place::Region => f.region.as_deref(),
            Place::Account => f.account.as_deref(),
        }
    }
}

/// The Region column when several Regions or accounts are read, the account column when
/// several accounts are.
pub fn place_columns(snap: &Snapshot) -> Vec<Place> {
    let several = snap.regions.is_some() || snap.functions.iter().any(|f| f.qualified);
    if !several {
        return Vec::new();
    }
    let mut v = vec![Place::Region];
    let accounts = snap.regions.iter().flatten().any(|r| r.account.is_some())
        || snap.functions.iter().any(|f| f.account.is_some());
    if accounts {
        v.push(Place::Account);
    }
    v
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
    let place = match &snap.regions {
        Some(regions) => {
            use crate::model::Origin as Place;
            let places: Vec<Place> = regions
                .iter()
                .map(|r| Place::of(r.account.as_deref(), r.region.as_deref()))
                .collect();
            let what = Place::describe(&places.iter().collect::<Vec<_>>());
            match regions.iter().filter(|r| r.status == "failed").count() {
                0 => what,
                failed => format!("{what} ({failed} not read)"),
            }
        }
        None => snap.region.as_deref().unwrap_or("no region").to_string(),
    };
    format!(
        "lambdatop {} · {} · last {} (from {} to {})",
        snap.source,
        place,
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
    if let Some(regions) = &snap.regions {
        return regions_line(regions, &snap.alarms);
    }
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

/// With several Regions: each one's peak concurrency against its limit, the largest share
/// first, a Region that could not be read said so; then the alarms of all.
fn regions_line(regions: &[RegionRow], a: &crate::store::AlarmCounts) -> String {
    let share = |r: &RegionRow| {
        crate::model::concurrency_share(r.concurrency_max.map(|m| m as f64), r.concurrency_limit)
    };
    let mut sorted: Vec<&RegionRow> = regions.iter().collect();
    sorted.sort_by(|x, y| {
        (y.status == "failed")
            .cmp(&(x.status == "failed"))
            .then(share(y).total_cmp(&share(x)))
    });
    let each: Vec<String> = sorted
        .iter()
        .map(|r| {
            let name = match (&r.account, &r.region) {
                (Some(a), Some(g)) => format!("{a}/{g}"),
                (None, Some(g)) => g.clone(),
                (a, None) => a.clone().unwrap_or_default(),
            };
            if r.status == "failed" {
                return format!("{name} not read");
            }
            format!(
                "{name} {} / {}",
                r.concurrency_max.map_or(DASH.to_string(), format::count),
                r.concurrency_limit
                    .map_or("?".to_string(), |l| format::count(u64::from(l)))
            )
        })
        .collect();
    format!(
        "Peak concurrency  {}  Alarms: ALARM {}  INSUFFICIENT_DATA {}  OK {}",
        each.join(" · "),
        a.alarm,
        a.insufficient_data,
        a.ok,
    )
}

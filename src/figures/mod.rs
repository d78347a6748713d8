//! Every per-function figure lambdatop shows, defined once.
//!
//! A [`Figure`]'s [`Definition`] says what it is called in every front end (the dashboard's column
//! title, the `--once` table and Markdown heading, its JSON key and so its CSV column, its
//! `--fail-on` name, its `--sort` name), its [`Unit`], how it is read from the store and from which
//! value on it is worth a look or is bad ([`Health`]). The dashboard's columns, cell colours and
//! row health, the detail view's panel of less common metrics, the sort order, the `--fail-on`
//! rules and `--help`'s list of them, and the `--once` table, Markdown, CSV and JSON objects are
//! all made from [`FIGURES`]: adding a figure is one entry here, plus its tests
//! (`tests/integration/figures.rs` checks every front end against this table).

mod plan;
mod select;

pub use plan::{Screen, plan as plan_metrics};
pub use select::{Selection, SelectionOrder, SortKey, function_glob};

use crate::format;
use crate::model::{AlarmState, MetricKind};
use crate::store::FunctionState;

/// A per-function figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Figure {
    Invocations,
    Errors,
    Throttles,
    ErrorRate,
    DurationAvg,
    DurationP99,
    DurationMax,
    Concurrency,
    /// The worst state of the alarms on the function (0 OK, 1 INSUFFICIENT_DATA, 2 ALARM).
    Alarm,
    ReportInvocations,
    ColdStarts,
    Timeouts,
    ReportErrors,
    LogP50,
    LogP99,
    InitP50,
    BilledMs,
    MemorySize,
    MemoryUsedMb,
    Cost,
    /// Cold starts over invocations with a REPORT.
    ColdStartRate,
    /// Largest memory used over the memory configured.
    MemoryUsed,
    /// p99 duration over the configured timeout.
    TimeoutUsed,
    /// One of the metrics the detail view reads ([`MetricKind::DETAIL`]) over the window: the
    /// sum of a count, the largest value of a gauge.
    Detail(MetricKind),
}

/// What a figure counts or measures, which decides how it is written and rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of things (or of megabytes, or of billed milliseconds).
    Count,
    /// A fraction (0.0188 is 1.88 %).
    Ratio,
    Millis,
    Megabytes,
    Usd,
    /// An alarm state, ranked (see [`Figure::Alarm`]).
    AlarmState,
}

impl Unit {
    /// Decimals the JSON and CSV keep: milliseconds as REPORT lines give them, ratios to
    /// 0.0001 %, dollars to 12 places (the price list's 10 places times a duration).
    pub fn decimals(self) -> i32 {
        match self {
            Unit::Count | Unit::Megabytes | Unit::AlarmState => 0,
            Unit::Ratio => 6,
            Unit::Millis => 2,
            Unit::Usd => 12,
        }
    }

    /// `value` when every format can show it in this unit, else `None` (a duration over a year,
    /// a negative or absurd amount or count: see [`format::millis_figure`]).
    pub fn shown(self, value: f64) -> Option<f64> {
        match self {
            Unit::Millis => format::millis_figure(value),
            Unit::Usd => format::usd_figure(value),
            Unit::Count | Unit::Megabytes => format::count_figure(value).map(|c| c as f64),
            Unit::Ratio => value.is_finite().then_some(value),
            Unit::AlarmState => Some(value),
        }
    }

    /// `value` as a person reads it: `1,320`, `1.88%`, `3.00 s`, `$0.0021`, `ALARM`; `-` when
    /// it cannot be shown.
    pub fn show(self, value: f64) -> String {
        let Some(value) = self.shown(value) else {
            return "-".to_string();
        };
        match self {
            Unit::Count => format::count(value.max(0.0).round() as u64),
            Unit::Megabytes => format!("{} MB", format::count(value.max(0.0).round() as u64)),
            Unit::Ratio => format::percent(value),
            Unit::Millis => format::millis(value),
            Unit::Usd => format::usd(value),
            Unit::AlarmState => alarm_state(value)
                .map_or("-", AlarmState::as_str)
                .to_string(),
        }
    }

    /// `value` as the CSV writes it: unformatted and rounded as in the JSON; empty when it
    /// cannot be shown.
    pub fn plain(self, value: f64) -> String {
        let Some(value) = self.shown(value) else {
            return String::new();
        };
        match self {
            Unit::AlarmState => alarm_state(value)
                .map_or("", AlarmState::as_str)
                .to_string(),
            Unit::Count | Unit::Megabytes => format!("{}", value.round()),
            _ => round(value, self.decimals()).to_string(),
        }
    }
}

/// `x` rounded to `decimals` places (half away from zero); `x` itself when that overflows.
pub fn round(x: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    let rounded = (x * scale).round() / scale;
    if rounded.is_finite() { rounded } else { x }
}

/// How a figure stands: the colour of its cell, and of the function's name at its worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Good,
    Warn,
    Bad,
}

/// From which value a figure is worth a look (`warn`) or bad (`bad`); both "at or above".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    pub warn: f64,
    pub bad: f64,
}

impl Thresholds {
    pub fn health(&self, value: f64) -> Health {
        if value >= self.bad {
            Health::Bad
        } else if value >= self.warn {
            Health::Warn
        } else {
            Health::Good
        }
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// CloudWatch metrics (or, for a replay, series derived from REPORT lines).
    Metrics,
    /// The function's REPORT lines; absent for a function without logs.
    Reports,
    /// The function's configuration and metrics together.
    Config,
    /// Metrics read only while the detail view shows the function (async events, streams,
    /// provisioned concurrency, recursion).
    Detail,
}

/// Everything about one figure.
pub struct Definition {
    pub figure: Figure,
    /// The dashboard's column title, if the figure is a column there.
    pub title: Option<&'static str>,
    /// The `--once` table's and Markdown's heading, if the figure is a column there.
    pub heading: Option<&'static str>,
    /// The JSON key, dotted when nested (`duration_ms.avg`); the CSV column joins it with `_`.
    pub key: Option<&'static str>,
    /// The `--fail-on` name.
    pub rule: Option<&'static str>,
    /// The `--sort` name (and what the dashboard's sort shows).
    pub sort: Option<(&'static str, &'static str)>,
    pub unit: Unit,
    pub origin: Origin,
    pub thresholds: Option<Thresholds>,
    /// The figure whose thresholds colour this one, when it has none of its own (errors are
    /// judged by the error rate, p99 by how much of the timeout it takes).
    pub judged_by: Option<Figure>,
    /// The CloudWatch series the dashboard draws beside the figure.
    pub series: Option<MetricKind>,
    /// The figure, from the store; `None` when the function does not have it. Read it with
    /// [`Definition::of`], which also keeps it to what its unit can show.
    value: fn(&Definition, &FunctionState) -> Option<f64>,
}

const fn def(
    figure: Figure,
    unit: Unit,
    origin: Origin,
    value: fn(&Definition, &FunctionState) -> Option<f64>,
) -> Definition {
    Definition {
        figure,
        title: None,
        heading: None,
        key: None,
        rule: None,
        sort: None,
        unit,
        origin,
        thresholds: None,
        judged_by: None,
        series: None,
        value,
    }
}

/// An error rate of 1 % is worth a look; 5 % is failing.
pub const ERROR_RATE: Thresholds = Thresholds {
    warn: 0.01,
    bad: 0.05,
};
/// Memory used over configured: 80 % is near the limit, 90 % about to run out.
pub const MEMORY_USED: Thresholds = Thresholds {
    warn: 0.80,
    bad: 0.90,
};
/// p99 duration over the timeout: half of it is worth a look, 90 % about to time out.
pub const TIMEOUT_USED: Thresholds = Thresholds {
    warn: 0.5,
    bad: 0.9,
};
/// Concurrency over its limit (reserved or the account's).
pub const CONCURRENCY_USED: Thresholds = Thresholds {
    warn: 0.7,
    bad: 0.9,
};
/// Events lost or failed (dropped async events, dead-letter and destination failures, recursive
/// loops stopped): one is bad.
const FAILED: Thresholds = Thresholds {
    warn: 1.0,
    bad: 1.0,
};
/// Provisioned concurrency in use: near all of it, the next requests spill over.
const PROVISIONED_USED: Thresholds = Thresholds {
    warn: 0.8,
    bad: 0.95,
};
/// Any at all is worth a look.
const ANY: Thresholds = Thresholds {
    warn: 1.0,
    bad: f64::INFINITY,
};

fn report(f: &FunctionState) -> Option<&crate::analytics::ReportSummary> {
    f.report()
}

/// Every figure, in the order the CSV lists its columns.
pub static FIGURES: &[Definition] = &[
    Definition {
        title: Some("Invocations"),
        heading: Some("INVOCATIONS"),
        key: Some("invocations"),
        rule: Some("invocations"),
        sort: Some(("invocations", "invocations")),
        series: Some(MetricKind::Invocations),
        ..def(Figure::Invocations, Unit::Count, Origin::Metrics, |_, f| {
            Some(f.summary.invocations as f64)
        })
    },
    Definition {
        title: Some("Errors"),
        heading: Some("ERRORS"),
        key: Some("errors"),
        rule: Some("errors"),
        sort: Some(("errors", "errors")),
        judged_by: Some(Figure::ErrorRate),
        series: Some(MetricKind::Errors),
        ..def(Figure::Errors, Unit::Count, Origin::Metrics, |_, f| {
            Some(f.summary.errors as f64)
        })
    },
    Definition {
        title: Some("Throttles"),
        heading: Some("THROTTLES"),
        key: Some("throttles"),
        rule: Some("throttles"),
        sort: Some(("throttles", "throttles")),
        thresholds: Some(ANY),
        series: Some(MetricKind::Throttles),
        ..def(Figure::Throttles, Unit::Count, Origin::Metrics, |_, f| {
            Some(f.summary.throttles as f64)
        })
    },
    Definition {
        title: Some("Err %"),
        heading: Some("ERR%"),
        key: Some("error_rate"),
        rule: Some("error_rate"),
        sort: Some(("error-rate", "error rate")),
        thresholds: Some(ERROR_RATE),
        ..def(Figure::ErrorRate, Unit::Ratio, Origin::Metrics, |_, f| {
            Some(f.summary.error_rate)
        })
    },
    Definition {
        title: Some("Avg"),
        heading: Some("AVG"),
        key: Some("duration_ms.avg"),
        rule: Some("avg"),
        sort: Some(("duration", "avg duration")),
        ..def(
            Figure::DurationAvg,
            Unit::Millis,
            Origin::Metrics,
            |_, f| f.summary.duration_avg_ms.filter(|v| v.is_finite()),
        )
    },
    Definition {
        title: Some("p99"),
        heading: Some("P99"),
        key: Some("duration_ms.p99"),
        rule: Some("p99"),
        sort: Some(("p99", "p99 duration")),
        judged_by: Some(Figure::TimeoutUsed),
        series: Some(MetricKind::DurationP99),
        ..def(
            Figure::DurationP99,
            Unit::Millis,
            Origin::Metrics,
            |_, f| f.summary.duration_p99_ms.filter(|v| v.is_finite()),
        )
    },
    Definition {
        heading: Some("MAX"),
        key: Some("duration_ms.max"),
        rule: Some("max"),
        ..def(
            Figure::DurationMax,
            Unit::Millis,
            Origin::Metrics,
            |_, f| f.summary.duration_max_ms.filter(|v| v.is_finite()),
        )
    },
    Definition {
        title: Some("Conc"),
        heading: Some("CONC"),
        key: Some("concurrency_max"),
        rule: Some("concurrency"),
        sort: Some(("concurrency", "concurrency")),
        series: Some(MetricKind::ConcurrentExecutions),
        ..def(Figure::Concurrency, Unit::Count, Origin::Metrics, |_, f| {
            f.summary
                .concurrency_max
                .filter(|c| c.is_finite() && *c >= 0.0)
                .map(f64::round)
        })
    },
    Definition {
        title: Some("Alarm"),
        heading: Some("ALARM"),
        key: Some("alarm_state"),
        rule: Some("alarm"),
        thresholds: Some(Thresholds {
            warn: 1.0,
            bad: 2.0,
        }),
        ..def(Figure::Alarm, Unit::AlarmState, Origin::Metrics, |_, f| {
            f.summary.alarm_state.map(alarm_rank)
        })
    },
    Definition {
        key: Some("report.invocations"),
        ..def(
            Figure::ReportInvocations,
            Unit::Count,
            Origin::Reports,
            |_, f| report(f).map(|r| r.invocations as f64),
        )
    },
    Definition {
        key: Some("report.cold_starts"),
        rule: Some("cold_starts"),
        ..def(Figure::ColdStarts, Unit::Count, Origin::Reports, |_, f| {
            report(f).map(|r| r.cold_starts as f64)
        })
    },
    Definition {
        key: Some("report.timeouts"),
        rule: Some("timeouts"),
        thresholds: Some(ANY),
        ..def(Figure::Timeouts, Unit::Count, Origin::Reports, |_, f| {
            report(f).map(|r| r.timeouts as f64)
        })
    },
    Definition {
        key: Some("report.errors"),
        ..def(
            Figure::ReportErrors,
            Unit::Count,
            Origin::Reports,
            |_, f| report(f).map(|r| r.errors as f64),
        )
    },
    Definition {
        title: Some("Cold %"),
        heading: Some("COLD%"),
        rule: Some("cold_start_rate"),
        sort: Some(("cold-start", "cold starts")),
        thresholds: Some(Thresholds {
            warn: 0.1,
            bad: f64::INFINITY,
        }),
        ..def(
            Figure::ColdStartRate,
            Unit::Ratio,
            Origin::Reports,
            |_, f| report(f).and_then(|r| r.cold_start_rate),
        )
    },
    Definition {
        heading: Some("LOG P50"),
        key: Some("report.duration_ms_p50"),
        ..def(Figure::LogP50, Unit::Millis, Origin::Reports, |_, f| {
            report(f)
                .and_then(|r| r.duration_ms_p50)
                .filter(|v| v.is_finite())
        })
    },
    Definition {
        heading: Some("LOG P99"),
        key: Some("report.duration_ms_p99"),
        ..def(Figure::LogP99, Unit::Millis, Origin::Reports, |_, f| {
            report(f)
                .and_then(|r| r.duration_ms_p99)
                .filter(|v| v.is_finite())
        })
    },
    Definition {
        key: Some("report.init_ms_p50"),
        ..def(Figure::InitP50, Unit::Millis, Origin::Reports, |_, f| {
            report(f)
                .and_then(|r| r.init_ms_p50)
                .filter(|v| v.is_finite())
        })
    },
    Definition {
        key: Some("report.billed_ms_total"),
        ..def(Figure::BilledMs, Unit::Count, Origin::Reports, |_, f| {
            report(f).map(|r| r.billed_ms_total as f64)
        })
    },
    Definition {
        key: Some("report.memory_size_mb"),
        ..def(
            Figure::MemorySize,
            Unit::Megabytes,
            Origin::Reports,
            |_, f| report(f).and_then(|r| r.memory_size_mb).map(f64::from),
        )
    },
    Definition {
        key: Some("report.max_memory_used_mb"),
        ..def(
            Figure::MemoryUsedMb,
            Unit::Megabytes,
            Origin::Reports,
            |_, f| report(f).and_then(|r| r.max_memory_used_mb).map(f64::from),
        )
    },
    Definition {
        title: Some("Mem %"),
        heading: Some("MEM USED"),
        rule: Some("memory_used"),
        sort: Some(("memory", "memory used")),
        thresholds: Some(MEMORY_USED),
        ..def(Figure::MemoryUsed, Unit::Ratio, Origin::Reports, |_, f| {
            memory_used_ratio(f)
        })
    },
    Definition {
        title: Some("Cost"),
        heading: Some("COST"),
        key: Some("report.cost_usd"),
        sort: Some(("cost", "cost")),
        ..def(Figure::Cost, Unit::Usd, Origin::Reports, |_, f| {
            report(f).map(|r| r.cost_usd).filter(|v| v.is_finite())
        })
    },
    Definition {
        title: Some("Async events"),
        series: Some(MetricKind::AsyncEventsReceived),
        ..def(
            Figure::Detail(MetricKind::AsyncEventsReceived),
            Unit::Count,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::AsyncEventsReceived)
                    .copied()
            },
        )
    },
    Definition {
        title: Some("Async event age"),
        series: Some(MetricKind::AsyncEventAge),
        ..def(
            Figure::Detail(MetricKind::AsyncEventAge),
            Unit::Millis,
            Origin::Detail,
            detail,
        )
    },
    Definition {
        title: Some("Async dropped"),
        series: Some(MetricKind::AsyncEventsDropped),
        thresholds: Some(FAILED),
        ..def(
            Figure::Detail(MetricKind::AsyncEventsDropped),
            Unit::Count,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::AsyncEventsDropped)
                    .copied()
            },
        )
    },
    Definition {
        title: Some("DLQ errors"),
        series: Some(MetricKind::DeadLetterErrors),
        thresholds: Some(FAILED),
        ..def(
            Figure::Detail(MetricKind::DeadLetterErrors),
            Unit::Count,
            Origin::Detail,
            detail,
        )
    },
    Definition {
        title: Some("Destination failures"),
        series: Some(MetricKind::DestinationDeliveryFailures),
        thresholds: Some(FAILED),
        ..def(
            Figure::Detail(MetricKind::DestinationDeliveryFailures),
            Unit::Count,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::DestinationDeliveryFailures)
                    .copied()
            },
        )
    },
    Definition {
        title: Some("Iterator age"),
        series: Some(MetricKind::IteratorAge),
        ..def(
            Figure::Detail(MetricKind::IteratorAge),
            Unit::Millis,
            Origin::Detail,
            detail,
        )
    },
    Definition {
        title: Some("Provisioned use"),
        series: Some(MetricKind::ProvisionedConcurrencyUtilization),
        thresholds: Some(PROVISIONED_USED),
        ..def(
            Figure::Detail(MetricKind::ProvisionedConcurrencyUtilization),
            Unit::Ratio,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::ProvisionedConcurrencyUtilization)
                    .copied()
            },
        )
    },
    Definition {
        title: Some("Provisioned spillover"),
        series: Some(MetricKind::ProvisionedConcurrencySpilloverInvocations),
        thresholds: Some(ANY),
        ..def(
            Figure::Detail(MetricKind::ProvisionedConcurrencySpilloverInvocations),
            Unit::Count,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::ProvisionedConcurrencySpilloverInvocations)
                    .copied()
            },
        )
    },
    Definition {
        title: Some("Recursive loops dropped"),
        series: Some(MetricKind::RecursiveInvocationsDropped),
        thresholds: Some(FAILED),
        ..def(
            Figure::Detail(MetricKind::RecursiveInvocationsDropped),
            Unit::Count,
            Origin::Detail,
            |_, f| {
                f.summary
                    .detail
                    .get(&MetricKind::RecursiveInvocationsDropped)
                    .copied()
            },
        )
    },
    Definition {
        thresholds: Some(TIMEOUT_USED),
        ..def(Figure::TimeoutUsed, Unit::Ratio, Origin::Config, |_, f| {
            let timeout_ms = f64::from(f.config.timeout_s.filter(|t| *t > 0)?) * 1000.0;
            Some(f.summary.duration_p99_ms.filter(|v| v.is_finite())? / timeout_ms)
        })
    },
];

/// A detail metric's figure: what the store summed or took the largest of over the window.
fn detail(d: &Definition, f: &FunctionState) -> Option<f64> {
    f.summary.detail.get(&d.series?).copied()
}

/// The largest share of memory an invocation used: each REPORT line's `Max Memory Used` over its
/// own `Memory Size`; else (no size logged) the largest use over the function's configuration.
/// `None` when either is unknown.
fn memory_used_ratio(f: &FunctionState) -> Option<f64> {
    let r = f.report()?;
    if let Some(ratio) = r.memory_used_ratio {
        return Some(ratio);
    }
    let used = r.max_memory_used_mb?;
    let size = r.memory_size_mb.or(f.config.memory_mb)?;
    (size > 0).then(|| f64::from(used) / f64::from(size))
}

fn alarm_rank(state: AlarmState) -> f64 {
    match state {
        AlarmState::Ok => 0.0,
        AlarmState::InsufficientData => 1.0,
        AlarmState::Alarm => 2.0,
    }
}

fn alarm_state(rank: f64) -> Option<AlarmState> {
    match rank.round() as i64 {
        0 => Some(AlarmState::Ok),
        1 => Some(AlarmState::InsufficientData),
        2 => Some(AlarmState::Alarm),
        _ => None,
    }
}

impl Definition {
    /// The figure of `f`, in its base unit; `None` when `f` does not have it or it is out of
    /// what its unit can show (a duration over a year, a negative amount: see
    /// [`format::millis_figure`]), so that every format shows it alike, as unknown.
    pub fn of(&self, f: &FunctionState) -> Option<f64> {
        self.unit.shown((self.value)(self, f)?)
    }
}

impl Figure {
    /// The figure's definition.
    pub fn def(self) -> &'static Definition {
        // Every figure has exactly one entry (`every_figure_is_defined_once` says so).
        FIGURES
            .iter()
            .find(|d| d.figure == self)
            .unwrap_or(&FIGURES[0])
    }

    /// The figure of `f`, in its base unit; `None` when `f` does not have it.
    pub fn value(self, f: &FunctionState) -> Option<f64> {
        self.def().of(f)
    }

    /// How `value` stands; `Good` for a figure without thresholds.
    pub fn health(self, value: f64) -> Health {
        self.def()
            .thresholds
            .map_or(Health::Good, |t| t.health(value))
    }

    /// The figure by its `--fail-on` name (any case, `-` for `_`).
    pub fn by_rule(name: &str) -> Option<Figure> {
        let name = name.to_ascii_lowercase().replace('-', "_");
        FIGURES
            .iter()
            .find(|d| d.rule == Some(name.as_str()))
            .map(|d| d.figure)
    }

    /// The `--fail-on` name.
    pub fn rule_name(self) -> &'static str {
        self.def().rule.unwrap_or("")
    }

    pub fn unit(self) -> Unit {
        self.def().unit
    }

    /// Whether the figure comes from REPORT lines (absent for functions without logs).
    pub fn needs_logs(self) -> bool {
        self.def().origin == Origin::Reports
    }
}

/// How `figure` of `f` stands: by its own thresholds, else by those of the figure that judges
/// it (`Good` when neither has a value).
pub fn judged_health(figure: Figure, f: &FunctionState) -> Health {
    judged(figure, |g| g.value(f))
}

/// [`judged_health`] over figures read by `value_of` (a snapshot row's, say).
pub fn judged(figure: Figure, value_of: impl Fn(Figure) -> Option<f64>) -> Health {
    let judge = figure.def().judged_by.unwrap_or(figure);
    value_of(judge).map_or(Health::Good, |v| judge.health(v))
}

/// A figure is written by its `--fail-on` name (its JSON key when it has none).
impl std::fmt::Display for Figure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.def();
        f.write_str(d.rule.or(d.key).or(d.title).unwrap_or("figure"))
    }
}

/// What `--help` says of the `--fail-on` metrics, grouped by the thresholds they take.
pub fn rule_help() -> String {
    let names = |keep: fn(&Definition) -> bool| -> String {
        FIGURES
            .iter()
            .filter(|d| d.rule.is_some() && keep(d))
            .filter_map(|d| d.rule)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Metrics: {} (plain numbers); {} (percentages: 1%); {} (durations: 500ms, 2s, 1m); alarm. \
         E.g. 'error_rate>1%', 'throttles>0', 'p99>2s'. Functions without logs skip the {} rules.",
        names(|d| matches!(d.unit, Unit::Count | Unit::Megabytes | Unit::Usd)),
        names(|d| d.unit == Unit::Ratio),
        names(|d| d.unit == Unit::Millis),
        names(|d| d.origin == Origin::Reports),
    )
}

/// Every `--fail-on` name, in the registry's order.
pub fn rule_names() -> impl Iterator<Item = &'static str> {
    FIGURES.iter().filter_map(|d| d.rule)
}

/// The function's health: the worst of its figures' (name column colour). The detail view's
/// metrics are left out: they are read only while the detail view is open, so a row's colour
/// would depend on which functions were opened.
pub fn health(f: &FunctionState) -> Health {
    FIGURES
        .iter()
        .filter(|d| d.thresholds.is_some() && d.origin != Origin::Detail)
        .filter_map(|d| Some(d.figure.health(d.of(f)?)))
        .max()
        .unwrap_or(Health::Good)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every figure there is: a new variant fails to compile here until it is listed.
    fn every_figure() -> Vec<Figure> {
        use Figure::*;
        let listed = [
            Invocations,
            Errors,
            Throttles,
            ErrorRate,
            DurationAvg,
            DurationP99,
            DurationMax,
            Concurrency,
            Alarm,
            ReportInvocations,
            ColdStarts,
            Timeouts,
            ReportErrors,
            LogP50,
            LogP99,
            InitP50,
            BilledMs,
            MemorySize,
            MemoryUsedMb,
            Cost,
            ColdStartRate,
            MemoryUsed,
            TimeoutUsed,
        ];
        for f in listed {
            match f {
                Invocations | Errors | Throttles | ErrorRate | DurationAvg | DurationP99
                | DurationMax | Concurrency | Alarm | ReportInvocations | ColdStarts | Timeouts
                | ReportErrors | LogP50 | LogP99 | InitP50 | BilledMs | MemorySize
                | MemoryUsedMb | Cost | ColdStartRate | MemoryUsed | TimeoutUsed | Detail(_) => {}
            }
        }
        listed
            .into_iter()
            .chain(MetricKind::DETAIL.into_iter().map(Detail))
            .collect()
    }

    #[test]
    fn every_figure_has_an_entry() {
        for f in every_figure() {
            assert!(
                FIGURES.iter().any(|d| d.figure == f),
                "{f:?} has no entry in FIGURES"
            );
        }
        assert_eq!(
            FIGURES.len(),
            every_figure().len(),
            "an entry for no figure"
        );
    }

    #[test]
    fn every_figure_is_defined_once() {
        for (i, d) in FIGURES.iter().enumerate() {
            assert!(
                !FIGURES[i + 1..].iter().any(|o| o.figure == d.figure),
                "{:?} is defined twice",
                d.figure
            );
            assert_eq!(d.figure.def().figure, d.figure);
        }
        let names = |pick: fn(&Definition) -> Option<&'static str>| {
            let v: Vec<&str> = FIGURES.iter().filter_map(pick).collect();
            let mut dedup = v.clone();
            dedup.sort_unstable();
            dedup.dedup();
            assert_eq!(v.len(), dedup.len(), "{v:?}");
        };
        names(|d| d.rule);
        names(|d| d.key);
        names(|d| d.heading);
        names(|d| d.title);
        names(|d| d.sort.map(|s| s.0));
    }

    #[test]
    fn thresholds_are_at_or_above() {
        assert_eq!(ERROR_RATE.health(0.0099), Health::Good);
        assert_eq!(ERROR_RATE.health(0.01), Health::Warn);
        assert_eq!(ERROR_RATE.health(0.05), Health::Bad);
        assert_eq!(Figure::Throttles.health(0.0), Health::Good);
        assert_eq!(Figure::Throttles.health(1.0), Health::Warn);
        assert_eq!(Figure::MemoryUsed.health(0.79), Health::Good);
        assert_eq!(Figure::MemoryUsed.health(0.8), Health::Warn);
        assert_eq!(Figure::MemoryUsed.health(0.9), Health::Bad);
        assert_eq!(
            Figure::Alarm.health(alarm_rank(AlarmState::Ok)),
            Health::Good
        );
        assert_eq!(
            Figure::Alarm.health(alarm_rank(AlarmState::InsufficientData)),
            Health::Warn
        );
        assert_eq!(
            Figure::Alarm.health(alarm_rank(AlarmState::Alarm)),
            Health::Bad
        );
        assert_eq!(Figure::DurationAvg.health(1e9), Health::Good);
    }

    #[test]
    fn units_write_values_as_people_and_scripts_read_them() {
        assert_eq!(Unit::Ratio.show(0.0188), "1.88%");
        assert_eq!(Unit::Ratio.plain(0.018768852642162888), "0.018769");
        assert_eq!(Unit::Millis.plain(120.31456328864272), "120.31");
        assert_eq!(Unit::Usd.plain(0.000000202083375), "0.000000202083");
        assert_eq!(Unit::Count.plain(23397.0), "23397");
        assert_eq!(Unit::AlarmState.plain(2.0), "ALARM");
        assert_eq!(Unit::AlarmState.show(1.0), "INSUFFICIENT_DATA");
        assert_eq!(round(1e300, 12), 1e300);
    }

    #[test]
    fn rule_names_are_found_in_any_case() {
        assert_eq!(Figure::by_rule("Error-Rate"), Some(Figure::ErrorRate));
        assert_eq!(
            Figure::by_rule("cold_start_rate"),
            Some(Figure::ColdStartRate)
        );
        assert_eq!(Figure::by_rule("duration"), None);
        assert_eq!(
            rule_names().collect::<Vec<_>>(),
            [
                "invocations",
                "errors",
                "throttles",
                "error_rate",
                "avg",
                "p99",
                "max",
                "concurrency",
                "alarm",
                "cold_starts",
                "timeouts",
                "cold_start_rate",
                "memory_used"
            ]
        );
    }
}

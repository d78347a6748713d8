//! `--fail-on` rules: `METRIC OP THRESHOLD` (e.g. `error_rate>1%`, `p99 >= 500ms`) or `alarm`.
//!
//! Rules are parsed before any data is fetched, so a typo costs nothing; after the snapshot is
//! printed every rule is checked against every listed function. A figure the function does not
//! have (no duration datapoints, no REPORT lines) never breaks a rule.

use std::fmt;

use crate::format;
use crate::model::AlarmState;

use super::document::FunctionRow;

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Invocations,
    Errors,
    ErrorRate,
    Throttles,
    /// Average duration.
    Avg,
    /// p99 duration (CloudWatch).
    P99,
    /// Maximum duration.
    Max,
    /// Largest `ConcurrentExecutions`.
    Concurrency,
    /// From REPORT lines.
    ColdStarts,
    /// From REPORT lines: cold starts / invocations.
    ColdStartRate,
    /// From REPORT lines.
    Timeouts,
    /// From REPORT lines: largest `Max Memory Used` / `Memory Size`.
    MemoryUsed,
    /// The function's worst alarm is in ALARM.
    Alarm,
}

/// The kind of figure a metric is, which decides the units it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Ratio,
    Duration,
    Flag,
}

impl Metric {
    pub const ALL: [Metric; 13] = [
        Metric::Invocations,
        Metric::Errors,
        Metric::ErrorRate,
        Metric::Throttles,
        Metric::Avg,
        Metric::P99,
        Metric::Max,
        Metric::Concurrency,
        Metric::ColdStarts,
        Metric::ColdStartRate,
        Metric::Timeouts,
        Metric::MemoryUsed,
        Metric::Alarm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Invocations => "invocations",
            Metric::Errors => "errors",
            Metric::ErrorRate => "error_rate",
            Metric::Throttles => "throttles",
            Metric::Avg => "avg",
            Metric::P99 => "p99",
            Metric::Max => "max",
            Metric::Concurrency => "concurrency",
            Metric::ColdStarts => "cold_starts",
            Metric::ColdStartRate => "cold_start_rate",
            Metric::Timeouts => "timeouts",
            Metric::MemoryUsed => "memory_used",
            Metric::Alarm => "alarm",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        let s = s.to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|m| m.name() == s)
    }

    fn kind(self) -> Kind {
        match self {
            Metric::Invocations
            | Metric::Errors
            | Metric::Throttles
            | Metric::Concurrency
            | Metric::ColdStarts
            | Metric::Timeouts => Kind::Count,
            Metric::ErrorRate | Metric::ColdStartRate | Metric::MemoryUsed => Kind::Ratio,
            Metric::Avg | Metric::P99 | Metric::Max => Kind::Duration,
            Metric::Alarm => Kind::Flag,
        }
    }

    /// Whether the figure comes from REPORT lines (absent for functions without logs).
    pub fn needs_logs(self) -> bool {
        matches!(
            self,
            Metric::ColdStarts | Metric::ColdStartRate | Metric::Timeouts | Metric::MemoryUsed
        )
    }

    /// The function's figure in base units (a count, a ratio, milliseconds; 1 or 0 for a flag);
    /// `None` when the function does not have it.
    pub fn value(self, f: &FunctionRow) -> Option<f64> {
        let report = f.report.as_ref();
        match self {
            Metric::Invocations => Some(f.invocations as f64),
            Metric::Errors => Some(f.errors as f64),
            Metric::ErrorRate => Some(f.error_rate),
            Metric::Throttles => Some(f.throttles as f64),
            Metric::Avg => f.duration_ms.avg,
            Metric::P99 => f.duration_ms.p99,
            Metric::Max => f.duration_ms.max,
            Metric::Concurrency => f.concurrency_max.map(|c| c as f64),
            Metric::ColdStarts => report.map(|r| r.cold_starts as f64),
            Metric::ColdStartRate => report.and_then(|r| r.cold_start_rate()),
            Metric::Timeouts => report.map(|r| r.timeouts as f64),
            Metric::MemoryUsed => report.and_then(|r| r.memory_used_ratio()),
            Metric::Alarm => Some(if f.alarm_state == Some(AlarmState::Alarm) {
                1.0
            } else {
                0.0
            }),
        }
    }

    /// A figure as a person reads it: `1.88%`, `3.00 s`, `1,320`.
    fn show(self, value: f64) -> String {
        match self.kind() {
            Kind::Count => format::count(value.max(0.0).round() as u64),
            Kind::Ratio => format::percent(value),
            Kind::Duration => format::millis(value),
            Kind::Flag => if value > 0.0 { "ALARM" } else { "not ALARM" }.to_string(),
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl Op {
    /// How each comparison is written.
    const SPELLINGS: [(&'static str, Op); 6] = [
        (">=", Op::Ge),
        ("<=", Op::Le),
        ("==", Op::Eq),
        ("!=", Op::Ne),
        (">", Op::Gt),
        ("<", Op::Lt),
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }

    /// `value OP threshold`; equality allows for rounding (a ratio of counts is rarely exact).
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        let close = (value - threshold).abs() <= 1e-9 * threshold.abs().max(1.0);
        match self {
            Op::Gt => value > threshold && !close,
            Op::Ge => value >= threshold || close,
            Op::Lt => value < threshold && !close,
            Op::Le => value <= threshold || close,
            Op::Eq => close,
            Op::Ne => !close,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit a threshold was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// A plain number (counts).
    None,
    Percent,
    Millis,
    Seconds,
    Minutes,
}

impl Unit {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "" => Some(Unit::None),
            "%" => Some(Unit::Percent),
            "ms" => Some(Unit::Millis),
            "s" => Some(Unit::Seconds),
            "m" | "min" => Some(Unit::Minutes),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Percent => "%",
            Unit::Millis => "ms",
            Unit::Seconds => "s",
            Unit::Minutes => "m",
        }
    }

    /// Multiplier to the metric's base unit (ratio or milliseconds).
    fn factor(self) -> f64 {
        match self {
            Unit::None | Unit::Millis => 1.0,
            Unit::Percent => 0.01,
            Unit::Seconds => 1000.0,
            Unit::Minutes => 60_000.0,
        }
    }

    fn fits(self, kind: Kind) -> bool {
        match kind {
            Kind::Count => self == Unit::None,
            Kind::Ratio => self == Unit::Percent,
            Kind::Duration => matches!(self, Unit::Millis | Unit::Seconds | Unit::Minutes),
            Kind::Flag => false,
        }
    }
}

/// A threshold as written: `1.5` and `%`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    pub value: f64,
    pub unit: Unit,
}

impl Threshold {
    /// The threshold in the metric's base unit (a count, a ratio, milliseconds).
    pub fn base(self) -> f64 {
        self.value * self.unit.factor()
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.unit.as_str())
    }
}

/// One `--fail-on` rule. `alarm` is `alarm == 1`: the function's worst alarm is in ALARM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    pub metric: Metric,
    pub op: Op,
    pub threshold: Threshold,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.metric == Metric::Alarm {
            return f.write_str("alarm");
        }
        write!(f, "{}{}{}", self.metric, self.op, self.threshold)
    }
}

/// Why a rule could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid --fail-on rule {rule:?}: {problem}")]
pub struct RuleError {
    pub rule: String,
    pub problem: String,
}

fn valid_metrics() -> String {
    let names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
    names.join(", ")
}

/// What thresholds `metric` takes, with an example in its own name.
fn example(metric: Metric) -> String {
    match metric.kind() {
        Kind::Count => format!("a plain number, e.g. '{metric}>0'"),
        Kind::Ratio if metric == Metric::MemoryUsed => {
            format!("a percentage of the configured memory, e.g. '{metric}>90%'")
        }
        Kind::Ratio => format!("a percentage, e.g. '{metric}>1%'"),
        Kind::Duration => {
            format!("a duration in ms, s or m, e.g. '{metric}>2s' or '{metric}>=500ms'")
        }
        Kind::Flag => format!("no comparison: write just '{metric}'"),
    }
}

const OPERATORS: &str = "use >, >=, <, <=, == or !=";

/// Parses one rule; blanks around the parts are ignored.
pub fn parse(text: &str) -> Result<Rule, RuleError> {
    let fail = |problem: String| RuleError {
        rule: text.to_string(),
        problem,
    };
    let s = text.trim();
    if s.is_empty() {
        return Err(fail(format!(
            "the rule is empty; write METRIC OP THRESHOLD, e.g. 'error_rate>1%'. Metrics: {}",
            valid_metrics()
        )));
    }
    let op_at = s.find(['<', '>', '=', '!']);
    let name = op_at.map_or(s, |i| &s[..i]).trim();
    let Some(metric) = Metric::parse(name) else {
        let what = if name.is_empty() {
            "no metric before the comparison".to_string()
        } else {
            format!("unknown metric {name:?}")
        };
        return Err(fail(format!("{what}; valid metrics: {}", valid_metrics())));
    };
    let Some(i) = op_at else {
        if metric == Metric::Alarm {
            return Ok(Rule {
                metric,
                op: Op::Eq,
                threshold: Threshold {
                    value: 1.0,
                    unit: Unit::None,
                },
            });
        }
        return Err(fail(format!(
            "no comparison; {OPERATORS} and {}",
            example(metric)
        )));
    };
    if metric == Metric::Alarm {
        return Err(fail(format!("{} takes {}", metric, example(metric))));
    }
    let rest = &s[i..];
    let op_text: String = rest
        .chars()
        .take_while(|c| matches!(c, '<' | '>' | '=' | '!'))
        .collect();
    let Some(op) = Op::SPELLINGS
        .iter()
        .find(|(spelling, _)| *spelling == op_text)
        .map(|(_, op)| *op)
    else {
        return Err(fail(format!("unknown comparison {op_text:?}; {OPERATORS}")));
    };
    let rest = rest[op_text.len()..].trim();
    if rest.starts_with('-') {
        return Err(fail(format!(
            "thresholds cannot be negative; {metric} takes {}",
            example(metric)
        )));
    }
    let number_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, unit) = rest.split_at(number_len);
    if rest.is_empty() {
        return Err(fail(format!(
            "no threshold after {:?}; {metric} takes {}",
            op.as_str(),
            example(metric)
        )));
    }
    if number.is_empty() {
        return Err(fail(format!(
            "threshold {rest:?} is not a number; {metric} takes {}",
            example(metric)
        )));
    }
    let value: f64 = number
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            fail(format!(
                "threshold {number:?} is not a number; {metric} takes {}",
                example(metric)
            ))
        })?;
    let unit_text = unit.trim();
    let unit = Unit::parse(&unit_text.to_ascii_lowercase()).ok_or_else(|| {
        fail(format!(
            "unknown unit {unit_text:?}; {} takes {}",
            metric,
            example(metric)
        ))
    })?;
    if !unit.fits(metric.kind()) {
        let problem = if unit == Unit::None {
            format!("{metric} needs a unit: it takes {}", example(metric))
        } else {
            format!(
                "{metric} does not take the unit {:?}; it takes {}",
                unit.as_str(),
                example(metric)
            )
        };
        return Err(fail(problem));
    }
    Ok(Rule {
        metric,
        op,
        threshold: Threshold { value, unit },
    })
}

/// Parses every `--fail-on` value; the first bad one is the error.
pub fn parse_all<S: AsRef<str>>(texts: &[S]) -> Result<Vec<Rule>, RuleError> {
    texts.iter().map(|t| parse(t.as_ref())).collect()
}

/// A rule that holds for a function.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub function: String,
    pub rule: Rule,
    /// The function's figure, in the metric's base unit.
    pub value: f64,
}

impl fmt::Display for Breach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.rule;
        if r.metric == Metric::Alarm {
            return write!(f, "{}: alarm state is ALARM", self.function);
        }
        write!(
            f,
            "{}: {} {} {} {}",
            self.function,
            r.metric,
            r.metric.show(self.value),
            r.op,
            r.threshold
        )
    }
}

impl Rule {
    /// The breach, when the rule holds for `f`; a figure `f` does not have never breaks a rule.
    pub fn check(&self, f: &FunctionRow) -> Option<Breach> {
        let value = self.metric.value(f)?;
        self.op.holds(value, self.threshold.base()).then(|| Breach {
            function: f.name.clone(),
            rule: *self,
            value,
        })
    }
}

/// Every breach: rules in the order given, functions in the snapshot's order.
pub fn check_all(rules: &[Rule], functions: &[FunctionRow]) -> Vec<Breach> {
    rules
        .iter()
        .flat_map(|r| functions.iter().filter_map(|f| r.check(f)))
        .collect()
}

/// Rules that read REPORT-line figures while no listed function has any: they were not checked.
pub fn unchecked(rules: &[Rule], functions: &[FunctionRow]) -> Vec<Rule> {
    if functions.iter().any(|f| f.report.is_some()) {
        return Vec::new();
    }
    rules
        .iter()
        .filter(|r| r.metric.needs_logs())
        .copied()
        .collect()
}

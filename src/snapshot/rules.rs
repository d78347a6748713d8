//! `--fail-on` rules: `METRIC OP THRESHOLD` (e.g. `error_rate>1%`, `p99 >= 500ms`) or `alarm`.
//!
//! Rules are parsed before any data is fetched, so a typo costs nothing; after the snapshot is
//! printed every rule is checked against every listed function. A figure the function does not
//! have (no duration datapoints, no REPORT lines) never breaks a rule.

use std::fmt;

use crate::figures::{Figure, Unit as FigureUnit};
use crate::model::AlarmState;

use super::document::FunctionRow;

/// What a rule looks at: a figure of the registry with a `--fail-on` name.
pub type Metric = Figure;

/// The kind of figure a metric is, which decides the units it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Count,
    Ratio,
    Duration,
    Flag,
}

fn kind(metric: Metric) -> Kind {
    match metric.unit() {
        FigureUnit::Count | FigureUnit::Megabytes | FigureUnit::Usd => Kind::Count,
        FigureUnit::Ratio => Kind::Ratio,
        FigureUnit::Millis => Kind::Duration,
        FigureUnit::AlarmState => Kind::Flag,
    }
}

/// The function's figure in base units (a count, a ratio, milliseconds; for `alarm`, 1 when
/// the function's worst alarm is in ALARM, else 0); `None` when the function does not have it.
fn value(metric: Metric, f: &FunctionRow) -> Option<f64> {
    if metric == Figure::Alarm {
        return Some(if f.alarm_state == Some(AlarmState::Alarm) {
            1.0
        } else {
            0.0
        });
    }
    f.figure(metric)
}

/// A figure as a person reads it: `1.88%`, `3.00 s`, `1,320`.
fn show(metric: Metric, value: f64) -> String {
    match kind(metric) {
        Kind::Flag => if value > 0.0 { "ALARM" } else { "not ALARM" }.to_string(),
        _ => metric.unit().show(value),
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
    crate::figures::rule_names().collect::<Vec<_>>().join(", ")
}

/// What thresholds `metric` takes, with an example in its own name.
fn example(metric: Metric) -> String {
    match kind(metric) {
        Kind::Count => format!("a plain number, e.g. '{metric}>0'"),
        Kind::Ratio if metric == Figure::MemoryUsed => {
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
    let Some(metric) = Figure::by_rule(name) else {
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
    if !unit.fits(kind(metric)) {
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
            show(r.metric, self.value),
            r.op,
            r.threshold
        )
    }
}

impl Rule {
    /// The breach, when the rule holds for `f`; a figure `f` does not have never breaks a rule.
    pub fn check(&self, f: &FunctionRow) -> Option<Breach> {
        let value = value(self.metric, f)?;
        self.op.holds(value, self.threshold.base()).then(|| Breach {
            function: f.shown_name(),
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

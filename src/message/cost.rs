//! What the dashboard's own API use costs, and what the front end asks to be read so that it
//! costs little: the metrics on screen ([`MetricsView`]), how often ([`Pace`]), and the charges
//! of every call ([`ApiCalls::usd`]), counted in one figure.

use std::time::Duration;

use super::ApiCalls;
use crate::model::{FunctionId, MetricKind};

/// CloudWatch's price of one billed unit (one metric requested, or one API request), USD.
pub const CLOUDWATCH_USD_PER_UNIT: f64 = 0.01 / 1000.0;

/// How often metrics are read while nobody is looking.
pub const IDLE_REFRESH: Duration = Duration::from_secs(300);

/// What reading metrics may cost an hour while nobody is looking, USD: under the $0.02 an
/// idle dashboard may cost, with room for the alarms and the function list.
pub const IDLE_USD_PER_HOUR: f64 = 0.018;

/// Hours in an average month (365 × 24 / 12), for "per month" projections.
const HOURS_PER_MONTH: f64 = 730.0;

/// What the bytes Logs Insights scans are charged as.
pub const INSIGHTS_SCAN: &str = "Logs Insights scan";

/// A priced amount besides CloudWatch's per-unit charge: `units` of `unit` for `usd` in all
/// (Logs Insights bytes scanned, Live Tail session minutes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Charge {
    pub operation: &'static str,
    pub units: f64,
    /// What is counted, as the diagnostics log names it (`bytes`, `minutes`).
    pub unit: &'static str,
    pub usd: f64,
}

impl Charge {
    /// `units` of `unit` at `usd_per_unit`; an amount that is not a finite positive number of
    /// dollars counts as nothing.
    pub fn new(operation: &'static str, units: f64, unit: &'static str, usd_per_unit: f64) -> Self {
        let usd = units * usd_per_unit;
        Self {
            operation,
            units,
            unit,
            usd: if usd.is_finite() && usd > 0.0 {
                usd
            } else {
                0.0
            },
        }
    }

    /// For the diagnostics log: `StartQuery bytes=2000000000 cost=$0.0100`.
    pub fn billed(&self) -> String {
        format!(
            "{} {}={} cost=${}",
            self.operation,
            self.unit,
            self.units,
            dollars(self.usd)
        )
    }
}

impl ApiCalls {
    /// `calls` calls of `operation`, billed `billed_units` CloudWatch units.
    pub fn new(operation: &'static str, calls: u32, billed_units: u32) -> Self {
        Self {
            operation,
            calls,
            billed_units,
        }
    }

    /// What the calls cost, USD.
    pub fn usd(&self) -> f64 {
        f64::from(self.billed_units) * CLOUDWATCH_USD_PER_UNIT
    }

    /// The billed units in words, for the diagnostics log:
    /// `GetMetricData calls=1 metrics=120 cost=$0.0012`.
    pub fn billed(&self) -> String {
        let mut s = format!("{} calls={}", self.operation, self.calls);
        if self.billed_units > 0 {
            let unit = if self.operation == "GetMetricData" {
                "metrics"
            } else {
                "requests"
            };
            s.push_str(&format!(" {unit}={}", self.billed_units));
        }
        s.push_str(&format!(" cost=${}", dollars(self.usd())));
        s
    }
}

/// Dollars with at least 4 decimals and no trailing zeros beyond them: `0.0012`, `0.00005`.
fn dollars(usd: f64) -> String {
    let s = format!("{usd:.8}");
    let keep = s.find('.').map_or(s.len(), |dot| dot + 5);
    let trimmed = s.trim_end_matches('0');
    s[..trimmed.len().max(keep).min(s.len())].to_string()
}

/// One metric query's kind, as the front end asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MetricRead {
    /// One point per period of the window.
    Series(MetricKind),
    /// Duration p99 over the whole window, one point.
    WindowP99,
}

/// The metrics the dashboard shows, for the source to read and no more. Made by the planner
/// (`figures::plan`) from what is on screen; the source reads `account_totals`, `shown` and
/// `full` every round and the rest less often (see the metrics poller).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MetricsView {
    /// The Region's Invocations, Errors and Throttles (no FunctionName dimension), for the
    /// header's totals. The Region's concurrency is read in any case.
    pub account_totals: bool,
    /// What every function needs: the sort column's metrics (the order needs them).
    pub every_function: Vec<MetricRead>,
    /// Functions whose rows are on screen: read with `row`.
    pub shown: Vec<FunctionId>,
    /// Functions shown whole (the detail view's): every metric a row or chart reads.
    pub full: Vec<FunctionId>,
    /// Rows the user is about to scroll to: read with `row`, less often.
    pub ahead: Vec<FunctionId>,
    /// What a row on screen reads: the figures and sparklines of the columns drawn.
    pub row: Vec<MetricRead>,
}

/// Why a poller reads as often as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaceReason {
    /// Its normal interval.
    #[default]
    Normal,
    /// Nobody is looking: [`IDLE_REFRESH`].
    Idle,
    /// Stretched to stay under the budget.
    Budget,
}

/// How often a poller reads and what that costs.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Pace {
    pub every: Duration,
    pub reason: PaceReason,
    /// What reading at this pace costs an hour, USD.
    pub usd_per_hour: f64,
}

/// What a poller's rounds bill, in CloudWatch units: `every` each round, and each of
/// `periodic` (`(n, units)`) every n-th round.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RoundCost {
    pub every: f64,
    pub periodic: Vec<(u64, f64)>,
}

impl RoundCost {
    /// A round that bills `units`, every round.
    pub fn flat(units: f64) -> Self {
        Self {
            every: units,
            periodic: Vec::new(),
        }
    }

    /// Units a round on average.
    pub fn average(&self) -> f64 {
        self.every
            + self
                .periodic
                .iter()
                .map(|(n, u)| u / (*n).max(1) as f64)
                .sum::<f64>()
    }

    /// Units in the costliest hour of rounds `secs` apart: an hour holds `ceil(3600 / secs)`
    /// rounds, and a part read every n-th round is in `ceil(rounds / n)` of them at most.
    fn worst_hour(&self, secs: u64) -> f64 {
        let rounds = 3600u64.div_ceil(secs.max(1));
        rounds as f64 * self.every
            + self
                .periodic
                .iter()
                .map(|(n, u)| rounds.div_ceil((*n).max(1)) as f64 * u)
                .sum::<f64>()
    }
}

/// The pace of a poller whose rounds bill `cost`: `normal` (or [`IDLE_REFRESH`] when idle,
/// whichever is longer), stretched to whole seconds until no hour of rounds costs more than
/// `budget` USD, and when idle more than [`IDLE_USD_PER_HOUR`] (a wide terminal's rows).
pub fn pace(normal: Duration, idle: bool, budget: Option<f64>, cost: &RoundCost) -> Pace {
    let budget = budget.filter(|b| b.is_finite());
    let (limit, reason_if_stretched) = match (budget, idle) {
        (Some(b), true) if b < IDLE_USD_PER_HOUR => (Some(b), PaceReason::Budget),
        (_, true) => (Some(IDLE_USD_PER_HOUR), PaceReason::Idle),
        (b, false) => (b, PaceReason::Budget),
    };
    let (base, reason) = if idle && IDLE_REFRESH > normal {
        (IDLE_REFRESH, PaceReason::Idle)
    } else {
        (normal.max(Duration::from_secs(1)), PaceReason::Normal)
    };
    const DAY: u64 = 86_400;
    let fits = |secs: u64, b: f64| cost.worst_hour(secs) * CLOUDWATCH_USD_PER_UNIT <= b + 1e-12;
    let (every, reason) = match limit {
        Some(b) if !fits(base.as_secs(), b) => {
            // The shortest whole number of seconds that keeps within the limit; a day at most.
            let secs = (base.as_secs()..DAY).find(|&s| fits(s, b)).unwrap_or(DAY);
            (Duration::from_secs(secs), reason_if_stretched)
        }
        _ => (base, reason),
    };
    Pace {
        every,
        reason,
        usd_per_hour: cost.average() * CLOUDWATCH_USD_PER_UNIT * 3600.0 / every.as_secs_f64(),
    }
}

/// A rate per hour over an average month.
pub fn usd_per_month(usd_per_hour: f64) -> f64 {
    usd_per_hour * HOURS_PER_MONTH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billed_units_are_priced_and_written_out() {
        let c = ApiCalls::new("GetMetricData", 1, 120);
        assert!((c.usd() - 0.0012).abs() < 1e-12);
        assert_eq!(c.billed(), "GetMetricData calls=1 metrics=120 cost=$0.0012");
        assert_eq!(
            ApiCalls::new("DescribeAlarms", 2, 2).billed(),
            "DescribeAlarms calls=2 requests=2 cost=$0.00002"
        );
        assert_eq!(
            ApiCalls::new("FilterLogEvents", 3, 0).billed(),
            "FilterLogEvents calls=3 cost=$0.0000"
        );
        // Another service's price: 2 GB scanned at $0.005 a GB.
        let q = Charge::new("StartQuery", 2e9, "bytes", 0.005 / 1e9);
        assert!((q.usd - 0.01).abs() < 1e-12);
        assert_eq!(q.billed(), "StartQuery bytes=2000000000 cost=$0.0100");
        assert_eq!(
            Charge::new("StartLiveTail", f64::NAN, "minutes", 0.01).usd,
            0.0
        );
    }

    #[test]
    fn idle_and_budgets_stretch_the_pace() {
        let minute = Duration::from_secs(60);
        let flat = RoundCost::flat;
        // 150 metrics a minute: 9,000 an hour, $0.09.
        let p = pace(minute, false, None, &flat(150.0));
        assert_eq!((p.every, p.reason), (minute, PaceReason::Normal));
        assert!((p.usd_per_hour - 0.09).abs() < 1e-9);
        // Idle: every five minutes, a fifth of it.
        let p = pace(minute, true, None, &flat(125.0));
        assert_eq!((p.every, p.reason), (IDLE_REFRESH, PaceReason::Idle));
        assert!((p.usd_per_hour - 0.015).abs() < 1e-9);
        // A budget of $0.03/h: 3,000 metrics, 20 rounds of 150, every 180 s.
        let p = pace(minute, false, Some(0.03), &flat(150.0));
        assert_eq!(
            (p.every, p.reason),
            (Duration::from_secs(180), PaceReason::Budget)
        );
        assert!(p.usd_per_hour <= 0.03 + 1e-12);
        // Idle and many rows: longer than five minutes, to stay under the idle limit; 173
        // metrics a round, at most 10 rounds an hour (360 s).
        let p = pace(minute, true, None, &flat(173.0));
        assert_eq!(p.reason, PaceReason::Idle);
        assert_eq!(p.every, Duration::from_secs(360));
        assert!(p.usd_per_hour <= IDLE_USD_PER_HOUR);
        // Idle with a budget below the idle limit: the budget says; 1,000 metrics an hour hold
        // 6 rounds of 150 (600 s; at 599 s an hour holds 7).
        let p = pace(minute, true, Some(0.01), &flat(150.0));
        assert_eq!((p.every.as_secs(), p.reason), (600, PaceReason::Budget));
        // A budget the normal pace keeps: nothing stretched.
        assert_eq!(
            pace(minute, false, Some(0.10), &flat(150.0)).reason,
            PaceReason::Normal
        );
        // A budget of nothing: once a day.
        assert_eq!(
            pace(minute, false, Some(0.0), &flat(150.0)).every,
            Duration::from_secs(86_400)
        );
    }

    #[test]
    fn a_budget_holds_in_the_hours_that_read_every_part() {
        // 100 metrics every round, 100 more every 5th and 300 every 15th: 146.7 on average.
        let cost = RoundCost {
            every: 100.0,
            periodic: vec![(5, 100.0), (15, 300.0)],
        };
        assert!((cost.average() - (100.0 + 20.0 + 20.0)).abs() < 1e-9);
        // $0.03 an hour, 3,000 metrics: on average 176 s would do, but at 179 s an hour holds
        // 21 rounds, 5 of them 5th and 2 15th: 2,100 + 500 + 600 = 3,200. At 180 s: 20
        // rounds, 4 and 2: 2,000 + 400 + 600 = 3,000.
        let p = pace(Duration::from_secs(60), false, Some(0.03), &cost);
        assert_eq!(p.every, Duration::from_secs(180));
        assert!(cost.worst_hour(180) <= 3000.0);
        assert!(cost.worst_hour(179) > 3000.0);
    }

    #[test]
    fn a_month_is_730_hours() {
        assert!((usd_per_month(0.1) - 73.0).abs() < 1e-9);
    }
}

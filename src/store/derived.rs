//! Metric series computed from REPORT lines, for sources that have logs but no CloudWatch metrics
//! (`--replay`). Each REPORT is one invocation at the minute it ended; a failed status (error,
//! timeout) counts as an error, as CloudWatch's `Errors` does. Throttled requests write no log
//! line, so throttles cannot be derived and stay empty (read as zero).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};

use crate::lambda_log::ReportLine;
use crate::model::{Datapoint, FunctionId, MetricKind, MetricPoints};

use crate::window::TimeWindow;

/// Minutes kept per function: the longest window.
const MAX_MINUTES: usize = TimeWindow::MAX_MINUTES as usize;

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct MinuteAgg {
    invocations: u64,
    errors: u64,
    duration_sum_ms: f64,
    duration_max_ms: f64,
}

impl MinuteAgg {
    fn add(&mut self, report: &ReportLine<'_>) {
        self.invocations += 1;
        if report.status.is_some_and(|s| s.is_failure()) {
            self.errors += 1;
        }
        self.duration_sum_ms += report.duration_ms;
        self.duration_max_ms = self.duration_max_ms.max(report.duration_ms);
    }
}

/// One function's REPORTs counted by the minute.
#[derive(Debug, Clone, Default)]
pub struct Minutes(BTreeMap<i64, MinuteAgg>);

impl Minutes {
    /// Counts one REPORT written at `at`.
    pub fn record(&mut self, at: DateTime<Utc>, report: &ReportLine<'_>) {
        let minute = at.timestamp().div_euclid(60);
        // Most REPORTs are of the newest minute.
        if let Some(mut newest) = self.0.last_entry()
            && *newest.key() == minute
        {
            newest.get_mut().add(report);
            return;
        }
        self.0.entry(minute).or_default().add(report);
        while self.0.len() > MAX_MINUTES {
            self.0.pop_first();
        }
    }
}

/// Per-minute REPORT aggregates of every function, bounded to the longest window per function.
#[derive(Debug, Clone, Default)]
pub struct ReportMetrics {
    functions: BTreeMap<FunctionId, Minutes>,
}

impl ReportMetrics {
    /// The minutes of `function`, to count its REPORTs in.
    pub fn minutes(&mut self, function: &FunctionId) -> &mut Minutes {
        self.functions.entry(function.clone()).or_default()
    }

    /// Counts one REPORT of `function` written at `at`.
    pub fn record(&mut self, function: &FunctionId, at: DateTime<Utc>, report: &ReportLine<'_>) {
        self.minutes(function).record(at, report);
    }

    /// The series of `function` over `window` ending at `now`, at the window's period.
    pub fn points(
        &self,
        function: &FunctionId,
        window: TimeWindow,
        now: DateTime<Utc>,
    ) -> Vec<MetricPoints> {
        let period = i64::from(window.period_s());
        let from = window.start(now);
        let to = crate::clock::floor_to(now, period) + chrono::Duration::seconds(period);
        let mut periods: BTreeMap<i64, MinuteAgg> = BTreeMap::new();
        if let Some(minutes) = self.functions.get(function) {
            for (&m, agg) in minutes.0.range(from.timestamp() / 60..to.timestamp() / 60) {
                let p = periods
                    .entry((m * 60).div_euclid(period) * period)
                    .or_default();
                p.invocations += agg.invocations;
                p.errors += agg.errors;
                p.duration_sum_ms += agg.duration_sum_ms;
                p.duration_max_ms = p.duration_max_ms.max(agg.duration_max_ms);
            }
        }
        let series = |metric: MetricKind, value: &dyn Fn(&MinuteAgg) -> f64| MetricPoints {
            function: Some(function.name.to_string()),
            metric,
            from,
            to,
            period_s: window.period_s(),
            points: periods
                .iter()
                .filter_map(|(&s, agg)| {
                    Some(Datapoint {
                        at: Utc.timestamp_opt(s, 0).single()?,
                        value: value(agg),
                    })
                })
                .collect(),
        };
        vec![
            series(MetricKind::Invocations, &|a| a.invocations as f64),
            series(MetricKind::Errors, &|a| a.errors as f64),
            series(MetricKind::DurationAvg, &|a| {
                a.duration_sum_ms / a.invocations.max(1) as f64
            }),
            series(MetricKind::DurationMax, &|a| a.duration_max_ms),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda_log::{LogLine, parse};

    fn report(ms: f64, status: &str) -> String {
        format!(
            "REPORT RequestId: r\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t{status}",
            ms.ceil()
        )
    }

    #[test]
    fn counts_reports_per_period() {
        let t = |m: i64, s: i64| {
            Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap()
                + chrono::Duration::seconds(m * 60 + s)
        };
        let f = crate::model::Origin::default().function("f");
        let mut d = ReportMetrics::default();
        for (at, msg) in [
            (t(0, 5), report(10.0, "")),
            (t(0, 50), report(30.0, "Status: timeout")),
            (
                t(2, 1),
                report(20.0, "Status: error\tError Type: Runtime.ExitError"),
            ),
        ] {
            let LogLine::Report(r) = parse(&msg) else {
                panic!("{msg}")
            };
            d.record(&f, at, &r);
        }
        let now = t(2, 30);
        let pts = d.points(&f, TimeWindow::minutes(15), now);
        let values = |k: MetricKind| -> Vec<(i64, f64)> {
            pts.iter()
                .find(|p| p.metric == k)
                .unwrap()
                .points
                .iter()
                .map(|p| ((p.at - t(0, 0)).num_minutes(), p.value))
                .collect()
        };
        // Minute 0: two invocations, one timed out, average (10 + 30) / 2 = 20 ms, max 30 ms.
        // Minute 2: one failed invocation of 20 ms.
        assert_eq!(values(MetricKind::Invocations), vec![(0, 2.0), (2, 1.0)]);
        assert_eq!(values(MetricKind::Errors), vec![(0, 1.0), (2, 1.0)]);
        assert_eq!(values(MetricKind::DurationAvg), vec![(0, 20.0), (2, 20.0)]);
        assert_eq!(values(MetricKind::DurationMax), vec![(0, 30.0), (2, 20.0)]);
        // At 5-minute periods the three fall into one bucket.
        let pts = d.points(&f, TimeWindow::minutes(720), now);
        assert_eq!(pts[0].points.len(), 1);
        assert_eq!(pts[0].points[0].value, 3.0);
        assert!(
            d.points(
                &crate::model::Origin::default().function("other"),
                TimeWindow::default(),
                now
            )[0]
            .points
            .is_empty()
        );
    }
}

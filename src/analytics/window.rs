//! Window report figures: made from compact REPORT records (the FilterLogEvents engine, the
//! simulated account) or handed over whole (Logs Insights), and priced into a [`ReportSummary`].

use crate::lambda_log::{PlatformStatus, ReportLine, ReportRare};
use crate::message::WindowReport;
use crate::model::Architecture;

use super::{FunctionAnalytics, Pricing, ReportSummary};

/// What one REPORT says, without its strings: 88 bytes, kept per invocation of the window so the
/// window can slide (the records before its start are dropped, the figures folded again).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReportRecord {
    /// The REPORT's time, milliseconds since the epoch.
    pub at_ms: i64,
    pub duration_ms: f64,
    pub billed_duration_ms: u64,
    pub billed_restore_duration_ms: Option<u64>,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    pub init_duration_ms: Option<f64>,
    pub restore_duration_ms: Option<f64>,
    pub status: Option<PlatformStatus>,
    /// The text format names an error type (`Error Type:`) on failed invocations.
    pub failed: bool,
}

impl ReportRecord {
    pub fn new(at_ms: i64, r: &ReportLine<'_>) -> Self {
        Self {
            at_ms,
            duration_ms: r.duration_ms,
            billed_duration_ms: r.billed_duration_ms,
            billed_restore_duration_ms: r.billed_restore_duration_ms(),
            memory_size_mb: r.memory_size_mb,
            max_memory_used_mb: r.max_memory_used_mb,
            init_duration_ms: r.init_duration_ms,
            restore_duration_ms: r.restore_duration_ms(),
            status: r.status,
            failed: r.error_type().is_some(),
        }
    }

    fn line(&self) -> ReportLine<'static> {
        ReportLine {
            request_id: "".into(),
            duration_ms: self.duration_ms,
            billed_duration_ms: self.billed_duration_ms,
            memory_size_mb: self.memory_size_mb,
            max_memory_used_mb: self.max_memory_used_mb,
            init_duration_ms: self.init_duration_ms,
            status: self.status,
            rare: ReportRare {
                restore_duration_ms: self.restore_duration_ms,
                billed_restore_duration_ms: self.billed_restore_duration_ms,
                error_type: self.failed.then(|| "".into()),
                xray_trace_id: None,
            }
            .boxed(),
        }
    }
}

/// Folds `records` into the figures of their window.
pub fn fold_records(records: impl IntoIterator<Item = ReportRecord>) -> WindowReport {
    let mut a = FunctionAnalytics::with_caps(1, 0);
    for r in records {
        a.complete_report(&r.line());
    }
    a.window_report()
}

impl FunctionAnalytics {
    /// The figures of everything ingested, as a window engine hands them over.
    pub fn window_report(&self) -> WindowReport {
        let s = self.summary(&Pricing::default(), Architecture::default());
        WindowReport {
            invocations: s.invocations,
            cold_starts: s.cold_starts,
            restores: s.restores,
            timeouts: s.timeouts,
            errors: s.errors,
            duration_ms_p50: s.duration_ms_p50,
            duration_ms_p90: s.duration_ms_p90,
            duration_ms_p99: s.duration_ms_p99,
            duration_ms_max: s.duration_ms_max,
            init_ms_p50: s.init_ms_p50,
            init_ms_p99: s.init_ms_p99,
            restore_ms_p50: s.restore_ms_p50,
            billed_ms_total: s.billed_ms_total,
            gb_seconds: s.gb_seconds,
            memory_size_mb: s.memory_sizes_mb.map(|(_, hi)| hi).or(s.memory_size_mb),
            memory_size_min_mb: s.memory_sizes_mb.map(|(lo, _)| lo),
            memory_used_ratio: s.memory_used_ratio,
            max_memory_used_mb: s.max_memory_used_mb,
            max_memory_used_mb_p99: s.max_memory_used_mb_p99,
        }
    }
}

impl ReportSummary {
    /// A window's figures, priced for `architecture`. What the window engines cannot tell
    /// (error types, error lines, custom metrics) is empty.
    pub fn from_window(w: &WindowReport, pricing: &Pricing, architecture: Architecture) -> Self {
        let memory_sizes_mb = w
            .memory_size_mb
            .map(|hi| (w.memory_size_min_mb.unwrap_or(hi), hi));
        // A hint against one size only: with several, p99 of them all says nothing.
        let right_sizing_hint = match (w.max_memory_used_mb_p99, memory_sizes_mb) {
            (Some(used), Some((lo, hi))) if lo == hi => Some(format!("p99 uses {used} of {hi} MB")),
            _ => None,
        };
        ReportSummary {
            invocations: w.invocations,
            cold_starts: w.cold_starts,
            cold_start_rate: (w.invocations > 0)
                .then(|| w.cold_starts as f64 / w.invocations as f64),
            init_ms_p50: w.init_ms_p50,
            init_ms_p99: w.init_ms_p99,
            duration_ms_p50: w.duration_ms_p50,
            duration_ms_p90: w.duration_ms_p90,
            duration_ms_p99: w.duration_ms_p99,
            duration_ms_max: w.duration_ms_max,
            billed_ms_total: w.billed_ms_total,
            gb_seconds: w.gb_seconds,
            memory_size_mb: w.memory_size_mb,
            memory_sizes_mb,
            memory_used_ratio: w.memory_used_ratio,
            max_memory_used_mb: w.max_memory_used_mb,
            max_memory_used_mb_p99: w.max_memory_used_mb_p99,
            right_sizing_hint,
            timeouts: w.timeouts,
            errors: w.errors,
            errors_by_type: Vec::new(),
            restores: w.restores,
            restore_ms_p50: w.restore_ms_p50,
            init_failures: 0,
            error_lines: 0,
            in_flight: 0,
            evicted: 0,
            custom_metrics: Vec::new(),
            cost_usd: pricing.cost_usd(w.invocations, w.gb_seconds, architecture),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda_log::{LogLine, parse};

    fn record(at_ms: i64, line: &str) -> ReportRecord {
        match parse(line) {
            LogLine::Report(r) => ReportRecord::new(at_ms, &r),
            other => panic!("not a REPORT: {other:?}"),
        }
    }

    #[test]
    fn a_record_is_small() {
        // What the README and the filter engine's documentation promise per invocation.
        assert_eq!(std::mem::size_of::<ReportRecord>(), 88);
    }

    #[test]
    fn records_fold_to_the_figures_of_their_reports() {
        let rs = [
            record(
                1,
                "REPORT RequestId: a\tDuration: 10.00 ms\tBilled Duration: 11 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 200.00 ms\t",
            ),
            record(
                2,
                "REPORT RequestId: b\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tStatus: timeout",
            ),
            record(
                3,
                "REPORT RequestId: c\tDuration: 30.00 ms\tBilled Duration: 30 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: error\tError Type: Runtime.ExitError",
            ),
        ];
        let w = fold_records(rs);
        assert_eq!(w.invocations, 3);
        assert_eq!(w.cold_starts, 1);
        assert_eq!(w.timeouts, 1);
        assert_eq!(w.errors, 1);
        assert_eq!(w.billed_ms_total, 11 + 3000 + 30);
        assert_eq!(w.memory_size_mb, Some(128));
        assert_eq!(w.max_memory_used_mb, Some(60));
        let s = ReportSummary::from_window(&w, &Pricing::default(), Architecture::default());
        assert_eq!(s.cold_start_rate, Some(1.0 / 3.0));
        assert!(s.cost_usd > 0.0);
    }
}

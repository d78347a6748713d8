//! Invocations and per-function analytics folded from parsed log lines.
//!
//! [`FunctionAnalytics`] is fed one [`LogLine`] at a time (streams of one function interleave
//! freely) and folds `START` … application lines … `REPORT` into [`Invocation`]s by request id.
//! Memory is bounded: the in-flight map, the ring of recent invocations, the error types and the
//! custom metrics all have caps, and percentiles come from fixed-error [`Histogram`]s.

mod histogram;
mod pricing;
mod window;

use std::collections::{BTreeMap, HashMap, VecDeque};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::lambda_log::{Level, LogLine, PlatformStatus, ReportLine, parse};
use crate::model::Architecture;

pub use histogram::{Histogram, RELATIVE_ERROR, nearest_rank};
pub use pricing::{Pricing, gb_seconds};
pub use window::{ReportRecord, fold_records};

/// Default cap of invocations waiting for their `REPORT`.
pub const DEFAULT_PENDING_CAP: usize = 10_000;
/// Default number of completed invocations kept for the detail view. Each costs ~190 bytes, and
/// every function with log lines keeps its own: 100 is a few screens of history, and 2,000 busy
/// functions hold ~37 MB of them.
pub const DEFAULT_RECENT_CAP: usize = 100;
/// Distinct error types counted before the rest go under [`OTHER_ERROR_TYPES`].
pub const MAX_ERROR_TYPES: usize = 50;
/// The bucket for error types beyond [`MAX_ERROR_TYPES`].
pub const OTHER_ERROR_TYPES: &str = "(other)";
/// The bucket for failed invocations whose error type is not stated.
pub const UNKNOWN_ERROR_TYPE: &str = "(unknown)";
/// Distinct EMF metric names tracked.
pub const MAX_CUSTOM_METRICS: usize = 100;

/// How an invocation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvocationStatus {
    Success,
    /// The function or runtime failed (not counting timeouts).
    Error,
    Timeout,
}

/// Why an invocation was a cold start.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ColdStart {
    /// A new execution environment ran INIT (`Init Duration` on the REPORT).
    Init { duration_ms: f64 },
    /// A SnapStart snapshot was restored (`Restore Duration` on the REPORT).
    Restore { duration_ms: f64 },
}

/// One completed invocation: what its REPORT and the lines about it before said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Invocation {
    pub request_id: String,
    /// Time of the REPORT line.
    pub reported_at: DateTime<Utc>,
    pub duration_ms: f64,
    pub billed_duration_ms: u64,
    pub billed_restore_duration_ms: Option<u64>,
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    pub cold_start: Option<ColdStart>,
    pub status: InvocationStatus,
    pub error_type: Option<String>,
}

/// What is remembered about an invocation until its REPORT arrives.
#[derive(Debug, Clone, Default)]
struct Pending {
    /// Arrival order, for evicting the oldest.
    seq: u64,
    timed_out: bool,
    crashed: bool,
    error_type: Option<String>,
}

/// Running statistics of one EMF metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CustomMetricStats {
    pub count: u64,
    pub sum: f64,
    pub min: f64,
    pub max: f64,
    pub last: f64,
}

/// One EMF metric in a [`ReportSummary`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomMetric {
    pub name: String,
    #[serde(flatten)]
    pub stats: CustomMetricStats,
}

/// Failed invocations of one error type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorTypeCount {
    pub error_type: String,
    pub count: u64,
}

/// Analytics of one function's invocations, fed one parsed log line at a time.
#[derive(Debug, Clone)]
pub struct FunctionAnalytics {
    pending: hashbrown::HashMap<String, Pending, rustc_hash::FxBuildHasher>,
    pending_cap: usize,
    next_seq: u64,
    evicted: u64,
    recent: VecDeque<Invocation>,
    recent_cap: usize,
    /// REPORTs still to come that later ones push out of `recent` ([`expect_reports`]).
    ///
    /// [`expect_reports`]: Self::expect_reports
    unkept: usize,

    invocations: u64,
    cold_starts: u64,
    timeouts: u64,
    errors: u64,
    errors_by_type: HashMap<String, u64>,
    init_failures: u64,
    error_lines: u64,
    billed_ms_total: u64,
    gb_seconds: f64,
    memory_size_mb: Option<u32>,
    /// Smallest and largest `Memory Size` seen: a log may mix several configurations.
    memory_sizes_mb: Option<(u32, u32)>,
    /// Largest `Max Memory Used` / `Memory Size` of one invocation.
    memory_used_ratio: Option<f64>,

    durations: Histogram,
    init_durations: Histogram,
    restore_durations: Histogram,
    /// Exact distribution of `Max Memory Used` (whole MB, at most 10,240 distinct values).
    memory_used: BTreeMap<u32, u64>,
    custom_metrics: BTreeMap<String, CustomMetricStats>,
}

impl Default for FunctionAnalytics {
    fn default() -> Self {
        Self::new()
    }
}

impl FunctionAnalytics {
    /// Analytics with the default caps.
    pub fn new() -> Self {
        Self::with_caps(DEFAULT_PENDING_CAP, DEFAULT_RECENT_CAP)
    }

    /// Analytics keeping at most `pending_cap` in-flight invocations and `recent_cap` completed
    /// ones.
    pub fn with_caps(pending_cap: usize, recent_cap: usize) -> Self {
        FunctionAnalytics {
            pending: hashbrown::HashMap::default(),
            pending_cap: pending_cap.max(1),
            next_seq: 0,
            evicted: 0,
            recent: VecDeque::new(),
            recent_cap,
            unkept: 0,
            invocations: 0,
            cold_starts: 0,
            timeouts: 0,
            errors: 0,
            errors_by_type: HashMap::new(),
            init_failures: 0,
            error_lines: 0,
            billed_ms_total: 0,
            gb_seconds: 0.0,
            memory_size_mb: None,
            memory_sizes_mb: None,
            memory_used_ratio: None,
            durations: Histogram::new(),
            init_durations: Histogram::new(),
            restore_durations: Histogram::new(),
            memory_used: BTreeMap::new(),
            custom_metrics: BTreeMap::new(),
        }
    }

    /// Parses `message` and ingests it.
    pub fn ingest_message(&mut self, at: DateTime<Utc>, message: &str) {
        self.ingest(at, &parse(message));
    }

    /// Folds one log line, written at `at`, into the analytics.
    pub fn ingest(&mut self, at: DateTime<Utc>, line: &LogLine<'_>) {
        match line {
            LogLine::Start(start) => {
                self.pending_entry(&start.request_id);
            }
            LogLine::Report(report) => self.complete(at, report),
            LogLine::Timeout(timeout) => {
                if let Some(id) = &timeout.request_id {
                    self.mark(id, Mark::Timeout);
                }
            }
            LogLine::Crash(crash) => match &crash.request_id {
                Some(id) => self.mark(id, Mark::Crash(crash.error_type.as_deref())),
                // Crashes without a request id happen during INIT.
                None => self.init_failures += 1,
            },
            LogLine::RuntimeDone(done) => {
                if let (Some(id), Some(status)) = (&done.request_id, done.status) {
                    match status {
                        PlatformStatus::Timeout => self.mark(id, Mark::Timeout),
                        PlatformStatus::Success => {}
                        _ => self.mark(id, Mark::Crash(None)),
                    }
                }
            }
            LogLine::InitReport(init) if init.status.is_some_and(PlatformStatus::is_failure) => {
                self.init_failures += 1;
            }
            LogLine::App(app) if app.level.is_some_and(|l| l >= Level::Error) => {
                self.error_lines += 1;
            }
            LogLine::Emf(emf) => {
                for metric in &emf.metrics {
                    self.record_custom_metric(&metric.name, &metric.values);
                }
            }
            _ => {}
        }
    }

    /// Folds a `REPORT` whose `START` came right before it: what the two lines do one after the
    /// other, without keeping the invocation pending in between.
    pub fn start_and_complete(&mut self, at: DateTime<Utc>, report: &ReportLine<'_>) {
        // The START makes room among the pending invocations as it would have.
        if self.pending.len() >= self.pending_cap
            && !self.pending.contains_key(report.request_id.as_ref())
        {
            self.evict_oldest();
        }
        self.complete(at, report);
    }

    /// Looks at the lines about to be folded (`None` for one not parsed yet). Most runs of a
    /// block are many REPORTs and no line that looks back at a completed invocation (a timeout
    /// or crash after its REPORT): then only the REPORTs that stay among the
    /// [`recent`](Self::recent) ones are copied there.
    pub fn expect<'l, 'a: 'l>(&mut self, lines: impl IntoIterator<Item = Option<&'l LogLine<'a>>>) {
        let mut reports = 0;
        for line in lines {
            match line {
                Some(LogLine::Report(_)) => reports += 1,
                Some(LogLine::Timeout(_) | LogLine::Crash(_) | LogLine::RuntimeDone(_)) | None => {
                    return;
                }
                Some(_) => {}
            }
        }
        self.expect_reports(reports);
    }

    /// Says that the next `reports` REPORTs folded come with no line between them that looks
    /// back at a completed invocation ([`expect`](Self::expect)): only the last of them that
    /// [`recent`](Self::recent) holds are copied there, not every one to be pushed out again.
    fn expect_reports(&mut self, reports: usize) {
        self.unkept = reports.saturating_sub(self.recent_cap);
    }

    /// Whether [`ingest`](Self::ingest) can change anything for `line`. Lines it cannot
    /// (`END`, ordinary application lines, extension and init lines) need not be kept for it.
    pub fn folds(line: &LogLine<'_>) -> bool {
        match line {
            LogLine::Start(_)
            | LogLine::Report(_)
            | LogLine::Timeout(_)
            | LogLine::Crash(_)
            | LogLine::Emf(_) => true,
            LogLine::RuntimeDone(done) => {
                done.request_id.is_some() && done.status.is_some_and(PlatformStatus::is_failure)
            }
            LogLine::InitReport(init) => init.status.is_some_and(PlatformStatus::is_failure),
            LogLine::App(app) => app.level.is_some_and(|l| l >= Level::Error),
            _ => false,
        }
    }

    fn pending_entry(&mut self, request_id: &str) -> &mut Pending {
        if self.pending.len() >= self.pending_cap && !self.pending.contains_key(request_id) {
            self.evict_oldest();
        }
        let next_seq = &mut self.next_seq;
        self.pending.entry_ref(request_id).or_insert_with(|| {
            let seq = *next_seq;
            *next_seq += 1;
            Pending {
                seq,
                ..Pending::default()
            }
        })
    }

    /// Drops the oldest tenth of the in-flight invocations (at least one), so that a flood of
    /// invocations that never report costs O(1) amortised per line.
    fn evict_oldest(&mut self) {
        let n = (self.pending.len() / 10).max(1);
        let mut seqs: Vec<u64> = self.pending.values().map(|p| p.seq).collect();
        let (_, &mut threshold, _) = seqs.select_nth_unstable(n - 1);
        let before = self.pending.len();
        self.pending.retain(|_, p| p.seq > threshold);
        self.evicted += (before - self.pending.len()) as u64;
    }

    /// Notes a timeout or crash of `request_id`: on its pending entry, or on the completed
    /// invocation when the line came after the REPORT (older runtimes print
    /// `Process exited before completing request` after it).
    fn mark(&mut self, request_id: &str, mark: Mark<'_>) {
        if !self.pending.contains_key(request_id)
            && let Some(done) = self
                .recent
                .iter_mut()
                .rev()
                .find(|i| i.request_id == request_id)
        {
            if done.status == InvocationStatus::Success {
                match mark {
                    Mark::Timeout => {
                        done.status = InvocationStatus::Timeout;
                        self.timeouts += 1;
                    }
                    Mark::Crash(error_type) => {
                        done.status = InvocationStatus::Error;
                        done.error_type = error_type.map(str::to_owned);
                        let key = error_type.unwrap_or(UNKNOWN_ERROR_TYPE).to_owned();
                        self.errors += 1;
                        self.count_error_type(key);
                    }
                }
            }
            return;
        }
        let pending = self.pending_entry(request_id);
        match mark {
            Mark::Timeout => pending.timed_out = true,
            Mark::Crash(error_type) => {
                pending.crashed = true;
                if pending.error_type.is_none() {
                    pending.error_type = error_type.map(str::to_owned);
                }
            }
        }
    }

    /// Counts one REPORT without keeping the invocation (for figures made from records).
    fn complete_report(&mut self, report: &ReportLine<'_>) {
        self.complete(DateTime::<Utc>::UNIX_EPOCH, report);
    }

    fn complete(&mut self, at: DateTime<Utc>, report: &ReportLine<'_>) {
        // Most invocations are not pending: their START was paired with the REPORT before, or
        // not read.
        let removed = if self.pending.is_empty() {
            None
        } else {
            self.pending.remove_entry(report.request_id.as_ref())
        };
        let (request_id, pending) =
            removed.map_or((None, Pending::default()), |(id, p)| (Some(id), p));
        let report_failed = report.status.is_some_and(PlatformStatus::is_failure);
        let status = if report.status == Some(PlatformStatus::Timeout) || pending.timed_out {
            InvocationStatus::Timeout
        } else if report_failed || pending.crashed || report.error_type().is_some() {
            InvocationStatus::Error
        } else {
            InvocationStatus::Success
        };
        let error_type = report
            .error_type()
            .map(str::to_owned)
            .or(pending.error_type);
        let cold_start = match (report.init_duration_ms, report.restore_duration_ms()) {
            (Some(ms), _) => Some(ColdStart::Init { duration_ms: ms }),
            (None, Some(ms)) => Some(ColdStart::Restore { duration_ms: ms }),
            (None, None) => None,
        };

        self.invocations += 1;
        match status {
            InvocationStatus::Success => {}
            InvocationStatus::Timeout => self.timeouts += 1,
            InvocationStatus::Error => {
                self.errors += 1;
                let key = error_type
                    .as_deref()
                    .unwrap_or(UNKNOWN_ERROR_TYPE)
                    .to_owned();
                self.count_error_type(key);
            }
        }
        match cold_start {
            Some(ColdStart::Init { duration_ms }) => {
                self.cold_starts += 1;
                self.init_durations.record(duration_ms);
            }
            Some(ColdStart::Restore { duration_ms }) => {
                self.cold_starts += 1;
                self.restore_durations.record(duration_ms);
            }
            None => {}
        }
        let billed = report
            .billed_duration_ms
            .saturating_add(report.billed_restore_duration_ms().unwrap_or(0));
        self.billed_ms_total = self.billed_ms_total.saturating_add(billed);
        self.gb_seconds += gb_seconds(billed, report.memory_size_mb);
        self.memory_size_mb = Some(report.memory_size_mb);
        self.record_memory(report.memory_size_mb, report.max_memory_used_mb);
        self.durations.record(report.duration_ms);
        *self
            .memory_used
            .entry(report.max_memory_used_mb)
            .or_insert(0) += 1;

        if self.recent_cap == 0 {
            return;
        }
        if self.unkept > 0 {
            self.unkept -= 1;
            return;
        }
        // The id of the invocation that makes room, its buffer reused.
        let mut dropped = None;
        if self.recent.len() >= self.recent_cap {
            dropped = self.recent.pop_front().map(|i| i.request_id);
        } else if self.recent.len() == self.recent.capacity() {
            // Grow with use, never past the cap: a function with a few invocations does not pay
            // for a full ring, and a full ring holds no spare room.
            let want = (self.recent.len() * 2).max(8).min(self.recent_cap);
            self.recent.reserve_exact(want - self.recent.len());
        }
        let request_id = request_id.unwrap_or_else(|| {
            let mut id = dropped.unwrap_or_default();
            id.clear();
            id.push_str(&report.request_id);
            id
        });
        self.recent.push_back(Invocation {
            request_id,
            reported_at: at,
            duration_ms: report.duration_ms,
            billed_duration_ms: report.billed_duration_ms,
            billed_restore_duration_ms: report.billed_restore_duration_ms(),
            memory_size_mb: report.memory_size_mb,
            max_memory_used_mb: report.max_memory_used_mb,
            cold_start,
            status,
            error_type,
        });
    }

    /// Notes one invocation's memory: each is measured against its own `Memory Size`.
    fn record_memory(&mut self, size_mb: u32, used_mb: u32) {
        let (lo, hi) = self.memory_sizes_mb.unwrap_or((size_mb, size_mb));
        self.memory_sizes_mb = Some((lo.min(size_mb), hi.max(size_mb)));
        if size_mb > 0 {
            let ratio = f64::from(used_mb) / f64::from(size_mb);
            self.memory_used_ratio = Some(self.memory_used_ratio.map_or(ratio, |r| r.max(ratio)));
        }
    }

    fn count_error_type(&mut self, key: String) {
        let key = if self.errors_by_type.contains_key(&key)
            || self.errors_by_type.len() < MAX_ERROR_TYPES
        {
            key
        } else {
            OTHER_ERROR_TYPES.to_owned()
        };
        *self.errors_by_type.entry(key).or_insert(0) += 1;
    }

    fn record_custom_metric(&mut self, name: &str, values: &[f64]) {
        if !self.custom_metrics.contains_key(name)
            && self.custom_metrics.len() >= MAX_CUSTOM_METRICS
        {
            return;
        }
        for &v in values.iter().filter(|v| v.is_finite()) {
            let stats = self
                .custom_metrics
                .entry(name.to_owned())
                .or_insert(CustomMetricStats {
                    count: 0,
                    sum: 0.0,
                    min: v,
                    max: v,
                    last: v,
                });
            stats.count += 1;
            stats.sum += v;
            stats.min = stats.min.min(v);
            stats.max = stats.max.max(v);
            stats.last = v;
        }
    }

    /// Completed invocations, oldest first (at most the recent cap).
    pub fn recent(&self) -> impl DoubleEndedIterator<Item = &Invocation> + ExactSizeIterator {
        self.recent.iter()
    }

    /// Invocations started (or marked) but not yet reported.
    pub fn in_flight(&self) -> usize {
        self.pending.len()
    }

    /// The duration histogram, for callers that want other percentiles.
    pub fn durations(&self) -> &Histogram {
        &self.durations
    }

    /// Summarises everything ingested so far, pricing it for `architecture`.
    pub fn summary(&self, pricing: &Pricing, architecture: Architecture) -> ReportSummary {
        let memory_p99 = exact_percentile(&self.memory_used, 99.0);
        let max_memory_used = self.memory_used.keys().next_back().copied();
        // A hint against one size only: with several, p99 of them all says nothing.
        let right_sizing_hint = match (memory_p99, self.memory_sizes_mb) {
            (Some(used), Some((lo, hi))) if lo == hi => Some(format!("p99 uses {used} of {hi} MB")),
            _ => None,
        };
        let mut errors_by_type: Vec<ErrorTypeCount> = self
            .errors_by_type
            .iter()
            .map(|(error_type, &count)| ErrorTypeCount {
                error_type: error_type.clone(),
                count,
            })
            .collect();
        errors_by_type.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.error_type.cmp(&b.error_type))
        });
        ReportSummary {
            invocations: self.invocations,
            cold_starts: self.cold_starts,
            cold_start_rate: (self.invocations > 0)
                .then(|| self.cold_starts as f64 / self.invocations as f64),
            init_ms_p50: self.init_durations.percentile(50.0),
            init_ms_p99: self.init_durations.percentile(99.0),
            duration_ms_p50: self.durations.percentile(50.0),
            duration_ms_p90: self.durations.percentile(90.0),
            duration_ms_p99: self.durations.percentile(99.0),
            duration_ms_max: self.durations.max(),
            billed_ms_total: self.billed_ms_total,
            gb_seconds: self.gb_seconds,
            memory_size_mb: self.memory_size_mb,
            memory_sizes_mb: self.memory_sizes_mb,
            memory_used_ratio: self.memory_used_ratio,
            max_memory_used_mb: max_memory_used,
            max_memory_used_mb_p99: memory_p99,
            right_sizing_hint,
            timeouts: self.timeouts,
            errors: self.errors,
            errors_by_type,
            restores: self.restore_durations.count(),
            restore_ms_p50: self.restore_durations.percentile(50.0),
            init_failures: self.init_failures,
            error_lines: self.error_lines,
            in_flight: self.pending.len() as u64,
            evicted: self.evicted,
            custom_metrics: self
                .custom_metrics
                .iter()
                .map(|(name, stats)| CustomMetric {
                    name: name.clone(),
                    stats: *stats,
                })
                .collect(),
            cost_usd: pricing.cost_usd(self.invocations, self.gb_seconds, architecture),
        }
    }
}

enum Mark<'a> {
    Timeout,
    Crash(Option<&'a str>),
}

/// Nearest-rank percentile of an exact value → count distribution.
fn exact_percentile(counts: &BTreeMap<u32, u64>, p: f64) -> Option<u32> {
    let n: u64 = counts.values().sum();
    if n == 0 {
        return None;
    }
    let rank = nearest_rank(p, n);
    let mut seen = 0;
    counts.iter().find_map(|(&value, &count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

/// A function's REPORT-line analytics at one moment. Cheap to produce; serializable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSummary {
    /// Invocations with a REPORT.
    pub invocations: u64,
    /// Invocations with `Init Duration` or (SnapStart) `Restore Duration`.
    pub cold_starts: u64,
    pub cold_start_rate: Option<f64>,
    /// INIT duration of cold starts (not restores).
    pub init_ms_p50: Option<f64>,
    pub init_ms_p99: Option<f64>,
    pub duration_ms_p50: Option<f64>,
    pub duration_ms_p90: Option<f64>,
    pub duration_ms_p99: Option<f64>,
    pub duration_ms_max: Option<f64>,
    /// Billed duration plus billed restore duration, as logged.
    pub billed_ms_total: u64,
    pub gb_seconds: f64,
    /// Configured memory, from the latest REPORT.
    pub memory_size_mb: Option<u32>,
    /// Smallest and largest `Memory Size` of the REPORT lines (equal when the log has one).
    pub memory_sizes_mb: Option<(u32, u32)>,
    /// Largest share of its own `Memory Size` an invocation used (not the largest use over
    /// the latest size, which mixes configurations).
    pub memory_used_ratio: Option<f64>,
    /// Largest `Max Memory Used`.
    pub max_memory_used_mb: Option<u32>,
    pub max_memory_used_mb_p99: Option<u32>,
    /// `"p99 uses 41 of 128 MB"`.
    pub right_sizing_hint: Option<String>,
    pub timeouts: u64,
    /// Failed invocations other than timeouts. CloudWatch's `Errors` metric counts timeouts
    /// too: it corresponds to `errors + timeouts`.
    pub errors: u64,
    /// Most frequent first.
    pub errors_by_type: Vec<ErrorTypeCount>,
    /// SnapStart restores.
    pub restores: u64,
    pub restore_ms_p50: Option<f64>,
    /// Failed INIT phases and crashes outside any invocation.
    pub init_failures: u64,
    /// Application lines logged at ERROR or above.
    pub error_lines: u64,
    /// Invocations waiting for their REPORT.
    pub in_flight: u64,
    /// In-flight invocations dropped because the cap was reached.
    pub evicted: u64,
    /// Embedded Metric Format metrics, by name.
    pub custom_metrics: Vec<CustomMetric>,
    /// Estimated cost of the invocations (see [`Pricing`]).
    pub cost_usd: f64,
}

#[cfg(test)]
mod tests;

//! The simulated account behind `--demo`: a dozen functions of a small team, with daily traffic,
//! error bursts, throttling under a concurrency cap, cold starts, timeouts, a SnapStart Java
//! function and a function logging in JSON.
//!
//! The story is there at any hour, not only at the daily peak: within the default window of an
//! hour there is always a throttled function (a client's retry storms against a reserved
//! concurrency, every 15 minutes), an alarm in ALARM (on those throttles) and one in
//! INSUFFICIENT_DATA, an error burst (every 45 minutes), a timeout and a cold start (forced every
//! ten minutes, within the log pane's first fill).
//!
//! Everything is a pure function of the seed and the time: invocation `i` of minute `m` of
//! function `f` always has the same request id, duration and outcome. Metrics are computed from
//! those invocations and the log lines are the ones Lambda would write for them, so every figure
//! downstream goes through the same code as for AWS, and the same seed and clock give the same
//! data.

use std::f64::consts::TAU;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::Source;
use crate::analytics::{ReportRecord, fold_records};
use crate::clock::floor_minute;
use crate::lambda_log::PlatformStatus;
use crate::message::{DEFAULT_REFRESH, Poller, Provides, Request, SourceContext, SourceKind};
use crate::message::{ReportOrigin, SourceError, Update, WindowReports};
use crate::model::{
    Alarm, AlarmState, Architecture, Datapoint, FunctionConfig, LogEvent, LogFormat, MetricKind,
    MetricPoints, Reserved, WindowStats,
};
use crate::poll::{Round, RoundOutcome, drive};
use crate::window::TimeWindow;

/// Default seed of the demo account.
pub const DEFAULT_SEED: u64 = 0x1a3b_da70;

/// The simulated account's concurrency limit.
const ACCOUNT_LIMIT: u32 = 1000;

/// How one simulated function behaves.
#[derive(Debug, Clone)]
struct Profile {
    name: &'static str,
    runtime: &'static str,
    memory_mb: u32,
    timeout_s: u32,
    arch: Architecture,
    format: LogFormat,
    snap_start: bool,
    /// Invocations a minute at the daily mean.
    rate: f64,
    /// Daily swing: 0 flat, 0.9 nearly idle at night.
    daily_swing: f64,
    /// Runs exactly every `every` minutes instead (schedules).
    every: Option<u32>,
    /// Median duration, ms, and the spread (sigma of the log-normal).
    median_ms: f64,
    sigma: f64,
    /// Probability of a function error outside bursts, and inside one.
    error_p: f64,
    burst_error_p: f64,
    /// Memory used, MB: typical and spread.
    mem_used_mb: f64,
    /// Probability an invocation lands on a new execution environment.
    cold_p: f64,
    init_ms: f64,
    /// Reserved concurrency that makes the function throttle at peaks.
    reserved: Option<u32>,
    /// Probability an invocation runs into its timeout.
    timeout_p: f64,
    /// How the function is invoked.
    events: Events,
    /// Provisioned concurrency, kept warm.
    provisioned: Option<u32>,
    /// Requests a minute at least during a retry storm (see [`in_storm`]): with a reserved
    /// concurrency, enough to throttle at any hour.
    storm_per_min: Option<f64>,
    /// The first invocation of every minute `m` with `m % n == TIMEOUT_MINUTE` runs into its
    /// timeout, so a timeout is never far back.
    timeout_every: Option<i64>,
    /// The first invocation of every minute `m` with `m % n == 0` starts cold.
    cold_every: Option<i64>,
}

/// Retry storms: a client retries in bursts, three minutes out of every fifteen.
const STORM_EVERY: i64 = 15;
const STORM_MINUTES: i64 = 3;

/// The minute (modulo `timeout_every`) of the forced timeouts.
const TIMEOUT_MINUTE: i64 = 3;

/// Error bursts: six minutes out of every 45, per function, so the default window of an hour
/// always holds a whole one.
const BURST_EVERY: i64 = 45;
const BURST_MINUTES: i64 = 6;

/// Whether minute `m` of function `f` is in a retry storm.
fn in_storm(f: usize, m: i64) -> bool {
    (m + f as i64 * 7).rem_euclid(STORM_EVERY) < STORM_MINUTES
}

impl Profile {
    /// The detail metrics CloudWatch reports for the function.
    fn detail_kinds(&self) -> Vec<MetricKind> {
        let mut kinds = match self.events {
            Events::Sync => Vec::new(),
            Events::Async => vec![
                MetricKind::AsyncEventsReceived,
                MetricKind::AsyncEventAge,
                MetricKind::DeadLetterErrors,
            ],
            Events::Stream => vec![MetricKind::IteratorAge],
        };
        if self.provisioned.is_some() {
            kinds.extend([
                MetricKind::ProvisionedConcurrencyUtilization,
                MetricKind::ProvisionedConcurrencySpilloverInvocations,
            ]);
        }
        kinds
    }
}

/// How a simulated function is invoked: what its detail metrics show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Events {
    /// Called and answered (APIs, schedules).
    Sync,
    /// Events queued by Lambda (S3 notifications): async event age, dead-letter errors.
    Async,
    /// Batches from a stream (Kinesis, DynamoDB): iterator age.
    Stream,
}

const fn profile(name: &'static str, runtime: &'static str, memory_mb: u32) -> Profile {
    Profile {
        name,
        runtime,
        memory_mb,
        timeout_s: 6,
        arch: Architecture::X86_64,
        format: LogFormat::Text,
        snap_start: false,
        rate: 1.0,
        daily_swing: 0.5,
        every: None,
        median_ms: 50.0,
        sigma: 0.4,
        error_p: 0.002,
        burst_error_p: 0.002,
        mem_used_mb: 60.0,
        cold_p: 0.01,
        init_ms: 200.0,
        reserved: None,
        timeout_p: 0.0,
        events: Events::Sync,
        provisioned: None,
        storm_per_min: None,
        timeout_every: None,
        cold_every: None,
    }
}

fn profiles() -> Vec<Profile> {
    vec![
        Profile {
            rate: 95.0,
            daily_swing: 0.7,
            median_ms: 120.0,
            sigma: 0.5,
            error_p: 0.004,
            burst_error_p: 0.18,
            mem_used_mb: 182.0,
            arch: Architecture::Arm64,
            cold_p: 0.008,
            init_ms: 420.0,
            events: Events::Stream,
            ..profile("salesPipe-prod-dispatch", "python3.12", 512)
        },
        Profile {
            rate: 3.0,
            median_ms: 240.0,
            sigma: 0.9,
            error_p: 0.02,
            burst_error_p: 0.02,
            timeout_s: 3,
            timeout_p: 0.03,
            timeout_every: Some(10),
            mem_used_mb: 71.0,
            cold_p: 0.2,
            init_ms: 380.0,
            ..profile("salesPipe-dev-handleSlackRe", "python3.12", 128)
        },
        Profile {
            rate: 160.0,
            daily_swing: 0.8,
            median_ms: 210.0,
            sigma: 0.35,
            reserved: Some(3),
            provisioned: Some(2),
            storm_per_min: Some(600.0),
            mem_used_mb: 301.0,
            cold_p: 0.004,
            init_ms: 610.0,
            ..profile("orders-prod-api", "nodejs20.x", 1024)
        },
        Profile {
            rate: 240.0,
            daily_swing: 0.6,
            median_ms: 9.0,
            sigma: 0.3,
            error_p: 0.0005,
            mem_used_mb: 88.0,
            arch: Architecture::Arm64,
            cold_p: 0.002,
            init_ms: 150.0,
            provisioned: Some(1),
            ..profile("auth-prod-authorizer", "nodejs20.x", 512)
        },
        Profile {
            rate: 14.0,
            daily_swing: 0.5,
            median_ms: 480.0,
            sigma: 0.45,
            snap_start: true,
            timeout_s: 30,
            mem_used_mb: 712.0,
            cold_p: 0.03,
            init_ms: 380.0,
            ..profile("costimator-prod-submit", "java21", 2048)
        },
        Profile {
            rate: 9.0,
            daily_swing: 0.9,
            median_ms: 1400.0,
            sigma: 0.5,
            timeout_s: 60,
            mem_used_mb: 610.0,
            arch: Architecture::Arm64,
            cold_p: 0.15,
            init_ms: 900.0,
            events: Events::Async,
            ..profile("image-resize-prod", "python3.12", 3008)
        },
        Profile {
            rate: 1.0,
            every: Some(1),
            median_ms: 35.0,
            sigma: 0.2,
            mem_used_mb: 41.0,
            cold_p: 0.03,
            init_ms: 240.0,
            ..profile("check_worker_queue_size", "python3.11", 128)
        },
        Profile {
            every: Some(5),
            median_ms: 310.0,
            sigma: 0.25,
            format: LogFormat::Json,
            arch: Architecture::Arm64,
            mem_used_mb: 96.0,
            cold_p: 0.3,
            cold_every: Some(10),
            init_ms: 330.0,
            ..profile("monitor", "nodejs22.x", 256)
        },
        Profile {
            rate: 2.0,
            median_ms: 85.0,
            mem_used_mb: 58.0,
            cold_p: 0.25,
            init_ms: 190.0,
            ..profile("fingerprint-custom-domain-dev", "nodejs20.x", 256)
        },
        Profile {
            rate: 0.6,
            median_ms: 45.0,
            mem_used_mb: 44.0,
            cold_p: 0.35,
            init_ms: 170.0,
            error_p: 0.05,
            burst_error_p: 0.05,
            ..profile("jb-contact-form-dev-unitFact", "nodejs18.x", 128)
        },
        Profile {
            rate: 0.2,
            median_ms: 14_000.0,
            sigma: 0.3,
            timeout_s: 120,
            timeout_p: 0.02,
            mem_used_mb: 690.0,
            cold_p: 0.6,
            init_ms: 1200.0,
            ..profile("MakePyPIDep", "python3.9", 1024)
        },
        Profile {
            every: Some(60),
            median_ms: 42_000.0,
            sigma: 0.15,
            timeout_s: 300,
            mem_used_mb: 1450.0,
            cold_p: 1.0,
            init_ms: 1600.0,
            ..profile("nightly-report-export", "python3.12", 3008)
        },
    ]
}

/// A 64-bit mix of the inputs (SplitMix64 finaliser): the demo's only source of randomness.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Deterministic draws for one (function, minute, invocation, purpose).
#[derive(Clone, Copy)]
struct Draw(u64);

impl Draw {
    fn new(seed: u64, f: usize, minute: i64, i: u64) -> Self {
        Draw(mix(mix(mix(seed ^ f as u64) ^ minute as u64) ^ i))
    }

    /// A uniform number in [0, 1) for the purpose `k`.
    fn unit(self, k: u64) -> f64 {
        (mix(self.0 ^ k.wrapping_mul(0xd6e8_feb8_6659_fd93)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal number for the purpose `k` (Box–Muller).
    fn normal(self, k: u64) -> f64 {
        let u1 = self.unit(k).max(1e-12);
        let u2 = self.unit(k + 1000);
        (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
    }

    fn uuid(self) -> String {
        let a = mix(self.0 ^ 0x55);
        let b = mix(self.0 ^ 0xaa);
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

/// How one simulated invocation went.
#[derive(Debug, Clone, PartialEq)]
struct SimInvocation {
    start: DateTime<Utc>,
    request_id: String,
    duration_ms: f64,
    billed_ms: u64,
    mem_used_mb: u32,
    init_ms: Option<f64>,
    outcome: Outcome,
    env: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Outcome {
    Success,
    Error,
    Timeout,
}

/// One minute of one function: demand, what ran and what was throttled.
struct Minute {
    requested: u64,
    throttled: u64,
    concurrency: f64,
}

/// The simulated account.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    seed: u64,
    profiles: Vec<Profile>,
}

impl DemoAccount {
    pub fn new(seed: u64) -> Self {
        Self {
            seed,
            profiles: profiles(),
        }
    }

    pub fn functions(&self) -> Vec<FunctionConfig> {
        self.profiles
            .iter()
            .map(|p| FunctionConfig {
                name: p.name.to_string(),
                runtime: Some(p.runtime.to_string()),
                memory_mb: Some(p.memory_mb),
                timeout_s: Some(p.timeout_s),
                architecture: p.arch,
                log_group: None,
                log_format: p.format,
                snap_start: p.snap_start,
                reserved_concurrency: Reserved::from_lambda(p.reserved),
                account: None,
            })
            .collect()
    }

    fn minute_index(at: DateTime<Utc>) -> i64 {
        at.timestamp().div_euclid(60)
    }

    fn minute(&self, f: usize, m: i64) -> Minute {
        let p = &self.profiles[f];
        let d = Draw::new(self.seed, f, m, u64::MAX);
        let requested = match p.every {
            Some(every) => u64::from(m.rem_euclid(i64::from(every)) == 0),
            None => {
                let of_day = m.rem_euclid(1440) as f64;
                // Busiest at 15:00 UTC, quietest at 03:00.
                let shape = 1.0 + p.daily_swing * (TAU * (of_day - 540.0) / 1440.0).sin();
                let noise = 1.0 + 0.25 * d.normal(1);
                let lambda = (p.rate * shape * noise).max(0.0);
                // Poisson-like rounding keeps quiet functions mostly at zero.
                let requested = (lambda + d.unit(3)).floor() as u64;
                match p.storm_per_min {
                    Some(storm) if in_storm(f, m) => requested.max(storm as u64),
                    _ => requested,
                }
            }
        };
        // A minute with a forced timeout or cold start has an invocation to force.
        let forced = p
            .timeout_every
            .is_some_and(|n| m.rem_euclid(n) == TIMEOUT_MINUTE)
            || p.cold_every.is_some_and(|n| m.rem_euclid(n) == 0);
        let requested = if forced { requested.max(1) } else { requested };
        let mean_s = p.median_ms * (p.sigma * p.sigma / 2.0).exp() / 1000.0;
        // Little's law with burstiness: arrivals cluster within the minute.
        let concurrency = requested as f64 * mean_s / 60.0 * (2.0 + d.unit(4));
        let throttled = match p.reserved {
            Some(cap) if concurrency > f64::from(cap) => {
                (requested as f64 * (1.0 - f64::from(cap) / concurrency)).round() as u64
            }
            _ => 0,
        };
        Minute {
            requested,
            throttled,
            concurrency: match p.reserved {
                Some(cap) => concurrency.min(f64::from(cap)),
                None => concurrency,
            },
        }
    }

    /// Error bursts: [`BURST_MINUTES`] out of every [`BURST_EVERY`], per function.
    fn in_burst(&self, f: usize, m: i64) -> bool {
        (m + f as i64 * 13).rem_euclid(BURST_EVERY) < BURST_MINUTES
    }

    fn invocation(&self, f: usize, m: i64, i: u64, n: u64) -> SimInvocation {
        let p = &self.profiles[f];
        let d = Draw::new(self.seed, f, m, i);
        let start = Utc
            .timestamp_millis_opt(
                m * 60_000 + ((i as f64 + d.unit(10)) / n as f64 * 59_000.0) as i64,
            )
            .single()
            .unwrap_or_default();
        let first = i == 0;
        let cold =
            (first && p.cold_every.is_some_and(|n| m.rem_euclid(n) == 0)) || d.unit(11) < p.cold_p;
        let timeout_ms = f64::from(p.timeout_s) * 1000.0;
        let forced_timeout = first
            && p.timeout_every
                .is_some_and(|n| m.rem_euclid(n) == TIMEOUT_MINUTE);
        let mut outcome = if forced_timeout || d.unit(12) < p.timeout_p {
            Outcome::Timeout
        } else if d.unit(13)
            < if self.in_burst(f, m) {
                p.burst_error_p
            } else {
                p.error_p
            }
        {
            Outcome::Error
        } else {
            Outcome::Success
        };
        let mut duration_ms =
            (p.median_ms * (p.sigma * d.normal(14)).exp() * 100.0).round() / 100.0;
        if outcome == Outcome::Timeout || duration_ms >= timeout_ms {
            outcome = Outcome::Timeout;
            duration_ms = timeout_ms;
        }
        let init_ms =
            cold.then(|| (p.init_ms * (0.25 * d.normal(15)).exp() * 100.0).round() / 100.0);
        let used = p.mem_used_mb * (1.0 + 0.08 * d.normal(16)) + if cold { 0.0 } else { 4.0 };
        SimInvocation {
            start,
            request_id: d.uuid(),
            duration_ms,
            // Billed per started millisecond; SnapStart restore is billed separately.
            billed_ms: duration_ms.ceil() as u64,
            mem_used_mb: (used.round() as u32).clamp(20, p.memory_mb),
            init_ms,
            outcome,
            env: mix(d.0 ^ 0xe7) % 8,
        }
    }

    /// Invocations that ran in minute `m` (throttled requests never run).
    fn invocations(&self, f: usize, m: i64) -> Vec<SimInvocation> {
        let minute = self.minute(f, m);
        let n = minute.requested - minute.throttled;
        (0..n).map(|i| self.invocation(f, m, i, n)).collect()
    }

    /// Metric datapoints for `[from, to)` at `period_s`, as CloudWatch would return them, plus the
    /// window's Duration p99 per function. Only invocations started before `now` count, so the
    /// current period fills in as time goes by.
    pub fn metrics(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        period_s: u32,
        now: DateTime<Utc>,
    ) -> (Vec<MetricPoints>, Vec<(String, WindowStats)>) {
        let period_min = i64::from(period_s / 60).max(1);
        let (m0, m1) = (Self::minute_index(from), Self::minute_index(to));
        let mut out = Vec::new();
        let mut stats = Vec::new();
        let mut account_conc: Vec<f64> = vec![0.0; ((m1 - m0) / period_min + 1) as usize];
        let mut claimed: Vec<f64> = vec![0.0; account_conc.len()];
        for (f, p) in self.profiles.iter().enumerate() {
            let mut series: Vec<Vec<Datapoint>> = vec![Vec::new(); MetricKind::ALL.len()];
            let detail_kinds = p.detail_kinds();
            let mut detail: Vec<Vec<Datapoint>> = vec![Vec::new(); detail_kinds.len()];
            let mut all_durations = Vec::new();
            let mut bucket = m0;
            while bucket < m1 {
                let mut durations = Vec::new();
                let (mut errors, mut throttles, mut conc) = (0u64, 0u64, 0f64);
                for m in bucket..(bucket + period_min).min(m1) {
                    let minute = self.minute(f, m);
                    let invs = self.invocations(f, m);
                    let started: Vec<_> = invs.iter().filter(|i| i.start <= now).collect();
                    let share = started.len() as f64 / invs.len().max(1) as f64;
                    throttles += (minute.throttled as f64 * share).round() as u64;
                    errors += started
                        .iter()
                        .filter(|i| i.outcome != Outcome::Success)
                        .count() as u64;
                    durations.extend(started.iter().map(|i| i.duration_ms));
                    if !started.is_empty() {
                        conc = conc.max(minute.concurrency.max(1.0).round());
                    }
                }
                let at = Utc
                    .timestamp_opt(bucket * 60, 0)
                    .single()
                    .unwrap_or_default();
                let slot = ((bucket - m0) / period_min) as usize;
                if let Some(c) = account_conc.get_mut(slot) {
                    *c += conc;
                }
                if let Some(c) = claimed.get_mut(slot) {
                    // Reserved concurrency is claimed whole (provisioned comes out of it); else
                    // what runs, and at least what is provisioned.
                    *c += match p.reserved {
                        Some(r) => f64::from(r),
                        None => conc.max(f64::from(p.provisioned.unwrap_or(0))),
                    };
                }
                let minutes = bucket..(bucket + period_min).min(m1);
                for (kind, value) in self.detail_values(f, minutes, now) {
                    if let Some(i) = detail_kinds.iter().position(|k| *k == kind) {
                        detail[i].push(Datapoint { at, value });
                    }
                }
                let n = durations.len();
                let mut push = |k: MetricKind, value: f64| {
                    series[k as usize].push(Datapoint { at, value });
                };
                if n > 0 || throttles > 0 {
                    push(MetricKind::Invocations, n as f64);
                    push(MetricKind::Errors, errors as f64);
                    push(MetricKind::Throttles, throttles as f64);
                }
                if n > 0 {
                    push(
                        MetricKind::DurationAvg,
                        durations.iter().sum::<f64>() / n as f64,
                    );
                    push(
                        MetricKind::DurationMax,
                        durations.iter().copied().fold(0.0, f64::max),
                    );
                    push(
                        MetricKind::DurationP99,
                        percentile(&mut durations.clone(), 0.99),
                    );
                    push(MetricKind::ConcurrentExecutions, conc);
                }
                all_durations.extend(durations);
                bucket += period_min;
            }
            for (k, points) in MetricKind::ALL
                .iter()
                .zip(series)
                .chain(detail_kinds.iter().zip(detail))
            {
                out.push(MetricPoints {
                    function: Some(p.name.to_string()),
                    metric: *k,
                    from,
                    to,
                    period_s,
                    points,
                });
            }
            let p99 = (!all_durations.is_empty()).then(|| percentile(&mut all_durations, 0.99));
            stats.push((
                p.name.to_string(),
                WindowStats {
                    duration_p99_ms: p99,
                },
            ));
        }
        let points = account_conc
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0.0)
            .map(|(i, c)| Datapoint {
                at: from + Duration::minutes(i as i64 * period_min),
                value: *c,
            })
            .collect();
        out.push(MetricPoints {
            function: None,
            metric: MetricKind::ConcurrentExecutions,
            from,
            to,
            period_s,
            points,
        });
        let now_slot = (Self::minute_index(now) - m0).div_euclid(period_min);
        out.push(MetricPoints {
            function: None,
            metric: MetricKind::ClaimedAccountConcurrency,
            from,
            to,
            period_s,
            points: claimed
                .iter()
                .enumerate()
                .take(usize::try_from(now_slot + 1).unwrap_or(0))
                .map(|(i, c)| Datapoint {
                    at: from + Duration::minutes(i as i64 * period_min),
                    value: *c,
                })
                .collect(),
        });
        (out, stats)
    }

    /// The detail metrics of function `f` over `minutes` (one period), up to `now`: what its
    /// profile's events and provisioned concurrency make CloudWatch report.
    fn detail_values(
        &self,
        f: usize,
        minutes: std::ops::Range<i64>,
        now: DateTime<Utc>,
    ) -> Vec<(MetricKind, f64)> {
        let p = &self.profiles[f];
        let ran: Vec<(i64, Minute)> = minutes
            .filter(|&m| m <= Self::minute_index(now))
            .map(|m| (m, self.minute(f, m)))
            .filter(|(_, minute)| minute.requested > 0)
            .collect();
        let mut out = Vec::new();
        if ran.is_empty() {
            return out;
        }
        let draw = |m: i64, k: u64| Draw::new(self.seed, f, m, u64::MAX - 1).unit(k);
        let max = |value: &dyn Fn(i64, &Minute) -> f64| {
            ran.iter().map(|(m, x)| value(*m, x)).fold(0.0, f64::max)
        };
        match p.events {
            Events::Sync => {}
            Events::Async => {
                let received: u64 = ran.iter().map(|(_, x)| x.requested).sum();
                out.push((MetricKind::AsyncEventsReceived, received as f64));
                // Events wait for a free environment; during an error burst, for their retries.
                out.push((
                    MetricKind::AsyncEventAge,
                    max(&|m, _| {
                        if self.in_burst(f, m) {
                            60_000.0 + 120_000.0 * draw(m, 1)
                        } else {
                            40.0 + 400.0 * draw(m, 1)
                        }
                    }),
                ));
                let dead: usize = ran.iter().filter(|(m, _)| draw(*m, 2) < 0.04).count();
                if dead > 0 {
                    out.push((MetricKind::DeadLetterErrors, dead as f64));
                }
            }
            Events::Stream => out.push((
                MetricKind::IteratorAge,
                // A failing batch is retried and holds its shard back.
                max(&|m, _| {
                    if self.in_burst(f, m) {
                        5_000.0 + 40_000.0 * draw(m, 3)
                    } else {
                        150.0 + 700.0 * draw(m, 3)
                    }
                }),
            )),
        }
        if let Some(provisioned) = p.provisioned.map(f64::from) {
            out.push((
                MetricKind::ProvisionedConcurrencyUtilization,
                max(&|_, x| x.concurrency.min(provisioned) / provisioned),
            ));
            let spilled: f64 = ran
                .iter()
                .map(|(_, x)| {
                    let ran = (x.requested - x.throttled) as f64;
                    (ran * (1.0 - provisioned / x.concurrency.max(provisioned))).round()
                })
                .sum();
            out.push((
                MetricKind::ProvisionedConcurrencySpilloverInvocations,
                spilled,
            ));
        }
        out
    }

    /// The account's alarms as they stand at `now`.
    pub fn alarms(&self, now: DateTime<Utc>) -> Vec<Alarm> {
        let m = Self::minute_index(now) - 1;
        let idx = |name: &str| {
            self.profiles
                .iter()
                .position(|p| p.name == name)
                .unwrap_or(0)
        };
        let dispatch = idx("salesPipe-prod-dispatch");
        let orders = idx("orders-prod-api");
        // Retry storms come every STORM_EVERY minutes: this alarm's period always holds one.
        let recent_throttles: u64 = (m - (STORM_EVERY - 1)..=m)
            .map(|m| self.minute(orders, m).throttled)
            .sum();
        let alarm = |name: &str, function: &str, metric: &str, state, reason: &str| Alarm {
            name: name.to_string(),
            state,
            function: Some(function.to_string()),
            metric: Some(metric.to_string()),
            reason: Some(reason.to_string()),
        };
        let threshold_state = |breaching: bool| {
            if breaching {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            }
        };
        vec![
            alarm(
                "salesPipe-prod-dispatch-errors",
                "salesPipe-prod-dispatch",
                "Errors",
                threshold_state((m - 2..=m).any(|m| self.in_burst(dispatch, m))),
                "Threshold Crossed: Errors > 5 for 1 datapoint within 3 minutes",
            ),
            alarm(
                "orders-prod-api-throttles",
                "orders-prod-api",
                "Throttles",
                threshold_state(recent_throttles > 0),
                "Threshold Crossed: Throttles > 0 for 1 datapoint within 15 minutes",
            ),
            alarm(
                "orders-prod-api-p99",
                "orders-prod-api",
                "Duration",
                AlarmState::Ok,
                "Threshold Crossed: p99 Duration < 2000 ms",
            ),
            alarm(
                "costimator-prod-submit-errors",
                "costimator-prod-submit",
                "Errors",
                AlarmState::Ok,
                "Threshold Crossed: Errors < 1",
            ),
            alarm(
                "nightly-report-export-errors",
                "nightly-report-export",
                "Errors",
                AlarmState::InsufficientData,
                "Insufficient Data: 1 datapoint was unknown",
            ),
            alarm(
                "MakePyPIDep-duration",
                "MakePyPIDep",
                "Duration",
                AlarmState::InsufficientData,
                "Insufficient Data: 3 datapoints were unknown",
            ),
            alarm(
                "auth-prod-authorizer-errors",
                "auth-prod-authorizer",
                "Errors",
                AlarmState::Ok,
                "Threshold Crossed: Errors < 10",
            ),
            Alarm {
                name: "account-concurrent-executions".to_string(),
                state: AlarmState::Ok,
                function: None,
                metric: Some("ConcurrentExecutions".to_string()),
                reason: Some("Threshold Crossed: ConcurrentExecutions < 800".to_string()),
            },
        ]
    }

    /// The log events Lambda would have written between `from` (exclusive) and `to` (inclusive):
    /// an invocation's lines appear when it has finished.
    pub fn logs(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<LogEvent> {
        let mut out = Vec::new();
        let first = Self::minute_index(from) - 1 - i64::from(self.max_timeout_s() / 60);
        for (f, p) in self.profiles.iter().enumerate() {
            let function: Arc<str> = Arc::from(p.name);
            for m in first..=Self::minute_index(to) {
                for inv in self.invocations(f, m) {
                    let end = inv.start
                        + Duration::microseconds((inv.duration_ms * 1000.0) as i64)
                        + Duration::microseconds((inv.init_ms.unwrap_or(0.0) * 1000.0) as i64);
                    if end > from && end <= to {
                        self.write_invocation(p, &function, &inv, &mut out);
                    }
                }
            }
        }
        out.sort_by_key(|e| e.timestamp);
        out
    }

    /// The REPORT figures of the invocations started in the window that have reported by `now`:
    /// the same invocations the metrics count, so cost and invocations cover one span.
    pub fn window_reports(&self, window: TimeWindow, now: DateTime<Utc>) -> WindowReports {
        let from = window.start(now);
        let reports = self
            .profiles
            .iter()
            .enumerate()
            .map(|(f, p)| {
                let minutes = Self::minute_index(from)..=Self::minute_index(now);
                let records = minutes
                    .flat_map(|m| self.invocations(f, m))
                    .filter_map(|inv| {
                        let init = inv.init_ms.unwrap_or(0.0);
                        let end = inv.start
                            + Duration::microseconds(((inv.duration_ms + init) * 1000.0) as i64);
                        if inv.start < from || end > now {
                            return None;
                        }
                        let (init_ms, restore_ms) = match inv.init_ms {
                            Some(v) if p.snap_start => (None, Some(v)),
                            other => (other, None),
                        };
                        Some(ReportRecord {
                            at_ms: end.timestamp_millis(),
                            duration_ms: inv.duration_ms,
                            billed_duration_ms: inv.billed_ms,
                            billed_restore_duration_ms: restore_ms.map(|v| (v * 0.4).ceil() as u64),
                            memory_size_mb: p.memory_mb,
                            max_memory_used_mb: inv.mem_used_mb,
                            init_duration_ms: init_ms,
                            restore_duration_ms: restore_ms,
                            status: match inv.outcome {
                                Outcome::Success => None,
                                Outcome::Error => Some(PlatformStatus::Error),
                                Outcome::Timeout => Some(PlatformStatus::Timeout),
                            },
                            failed: inv.outcome == Outcome::Error,
                        })
                    });
                (p.name.to_string(), Some(fold_records(records)))
            })
            .collect();
        WindowReports {
            origin: ReportOrigin::Logs,
            window,
            from,
            to: now,
            reports,
        }
    }

    fn max_timeout_s(&self) -> u32 {
        self.profiles.iter().map(|p| p.timeout_s).max().unwrap_or(0)
    }

    fn write_invocation(
        &self,
        p: &Profile,
        function: &Arc<str>,
        inv: &SimInvocation,
        out: &mut Vec<LogEvent>,
    ) {
        let day = inv.start.format("%Y/%m/%d");
        let stream: Arc<str> = Arc::from(format!(
            "{day}/[$LATEST]{:016x}{:016x}",
            mix(inv.env ^ self.seed ^ p.name.len() as u64),
            mix(inv.env.wrapping_add(p.memory_mb as u64))
        ));
        let mut at = inv.start;
        let mut emit = |at: DateTime<Utc>, message: String| {
            out.push(LogEvent {
                function: function.clone(),
                origin: Default::default(),
                timestamp: at,
                stream: stream.clone(),
                message,
                event_id: None,
            });
        };
        let id = &inv.request_id;
        let ms = |v: f64| Duration::microseconds((v * 1000.0) as i64);
        let ts = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let json = p.format == LogFormat::Json;
        let runtime_version = format!(
            "{}.v{}",
            p.runtime
                .replace("nodejs", "nodejs:")
                .replace("python", "python:")
                .replace("java", "java:"),
            40 + p.memory_mb % 7
        );
        if let Some(init) = inv.init_ms {
            if p.snap_start {
                emit(
                    at,
                    format!(
                        "RESTORE_START Runtime Version: {runtime_version}\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:{:064x}\n",
                        mix(self.seed)
                    ),
                );
                emit(
                    at + ms(init),
                    format!("RESTORE_REPORT Restore Duration: {init:.2} ms\n"),
                );
            } else if json {
                emit(
                    at,
                    format!(
                        r#"{{"time":"{}","type":"platform.initStart","record":{{"initializationType":"on-demand","phase":"init","runtimeVersion":"{runtime_version}","functionName":"{}","functionVersion":"$LATEST"}}}}"#,
                        ts(at),
                        p.name
                    ),
                );
            } else {
                emit(
                    at,
                    format!(
                        "INIT_START Runtime Version: {runtime_version}\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:{:064x}\n",
                        mix(self.seed)
                    ),
                );
            }
            at += ms(init);
        }
        if json {
            emit(
                at,
                format!(
                    r#"{{"time":"{}","type":"platform.start","record":{{"requestId":"{id}","version":"$LATEST"}}}}"#,
                    ts(at)
                ),
            );
        } else {
            emit(at, format!("START RequestId: {id} Version: $LATEST\n"));
        }
        let mid = at + ms(inv.duration_ms / 2.0);
        let message = APP_MESSAGES[(mix(inv.env ^ inv.start.timestamp_millis() as u64)
            % APP_MESSAGES.len() as u64) as usize];
        emit(mid, app_line(p, json, &ts(mid), id, "INFO", message));
        let end = at + ms(inv.duration_ms);
        let (status, error_type) = match inv.outcome {
            Outcome::Success => ("success", None),
            Outcome::Error => {
                let (error_type, text) = app_error(p);
                emit(end, app_line(p, json, &ts(end), id, "ERROR", &text));
                ("error", Some(error_type))
            }
            Outcome::Timeout => {
                if !json {
                    emit(
                        end,
                        format!(
                            "{} {id} Task timed out after {:.2} seconds\n\n",
                            ts(end),
                            f64::from(p.timeout_s)
                        ),
                    );
                }
                ("timeout", None)
            }
        };
        if json {
            let init = inv
                .init_ms
                .map(|v| format!(r#","initDurationMs":{v}"#))
                .unwrap_or_default();
            let error = error_type
                .map(|t| format!(r#","errorType":"{t}""#))
                .unwrap_or_default();
            emit(
                end,
                format!(
                    r#"{{"time":"{}","type":"platform.report","record":{{"requestId":"{id}","metrics":{{"durationMs":{},"billedDurationMs":{},"memorySizeMB":{},"maxMemoryUsedMB":{}{init}}},"status":"{status}"{error}}}}}"#,
                    ts(end),
                    inv.duration_ms,
                    inv.billed_ms,
                    p.memory_mb,
                    inv.mem_used_mb
                ),
            );
            return;
        }
        emit(end, format!("END RequestId: {id}\n"));
        let mut report = format!(
            "REPORT RequestId: {id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
            inv.duration_ms, inv.billed_ms, p.memory_mb, inv.mem_used_mb
        );
        match inv.init_ms {
            Some(v) if p.snap_start => report.push_str(&format!(
                "Restore Duration: {v:.2} ms\tBilled Restore Duration: {} ms\t",
                (v * 0.4).ceil() as u64
            )),
            Some(v) => report.push_str(&format!("Init Duration: {v:.2} ms\t")),
            None => {}
        }
        match inv.outcome {
            Outcome::Timeout => report.push_str("Status: timeout\n"),
            Outcome::Error => report.push_str(&format!(
                "Status: error\tError Type: {}\n",
                error_type.unwrap_or("Runtime.Unknown")
            )),
            Outcome::Success => report.push('\n'),
        }
        emit(end, report);
    }
}

const APP_MESSAGES: [&str; 6] = [
    "processing batch of 25 records",
    "fetched config from SSM in 12 ms",
    "handled request path=/v1/orders status=200",
    "queue depth 17, within threshold",
    "wrote 3 items to DynamoDB",
    "cache miss for key tenant#4411; loading",
];

fn app_line(p: &Profile, json: bool, ts: &str, id: &str, level: &str, message: &str) -> String {
    if json {
        return format!(
            r#"{{"timestamp":"{ts}","level":"{level}","requestId":"{id}","message":"{message}"}}"#
        );
    }
    if p.runtime.starts_with("python") {
        format!("[{level}]\t{ts}\t{id}\t{message}\n")
    } else if p.runtime.starts_with("java") {
        format!("{ts} {id} {level} c.c.s.SubmitHandler - {message}\n")
    } else {
        format!("{ts}\t{id}\t{level}\t{message}\n")
    }
}

fn app_error(p: &Profile) -> (&'static str, String) {
    if p.runtime.starts_with("python") {
        ("KeyError", "[ERROR] KeyError: 'customer_id'\nTraceback (most recent call last):\n  File \"/var/task/handler.py\", line 41, in handler\n    cid = event['customer_id']".to_string())
    } else if p.runtime.starts_with("java") {
        (
            "java.lang.IllegalStateException",
            "java.lang.IllegalStateException: quote service returned 503".to_string(),
        )
    } else {
        ("TypeError", r#"Invoke Error 	{"errorType":"TypeError","errorMessage":"Cannot read properties of undefined (reading 'id')","stack":["TypeError: Cannot read properties of undefined (reading 'id')","    at Runtime.handler (/var/task/index.js:12:31)"]}"#.to_string())
    }
}

/// Nearest-rank percentile (`q` in 0..=1) of unsorted values.
fn percentile(values: &mut [f64], q: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let rank = ((q * values.len() as f64).ceil() as usize).clamp(1, values.len());
    let (_, v, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    *v
}

/// The `--demo` source: pollers over a [`DemoAccount`] on the injected clock.
pub struct DemoSource {
    account: DemoAccount,
    /// The Region the simulated account is in.
    pub region: String,
    /// How often the simulated pollers run.
    pub interval: StdDuration,
    /// How far back the first log read goes ([`LOG_BACKFILL`] unless `lambdatop tail --since`
    /// says).
    pub log_backfill: Duration,
}

impl DemoSource {
    pub fn new(seed: u64) -> Self {
        Self {
            account: DemoAccount::new(seed),
            region: DEMO_REGION.to_string(),
            interval: StdDuration::from_secs(1),
            log_backfill: LOG_BACKFILL,
        }
    }
}

/// How far back the log pane is filled at start: long enough to hold a forced timeout and a
/// forced cold start (every ten minutes) that has finished.
pub const LOG_BACKFILL: Duration = Duration::minutes(15);

/// The Region of the simulated account, unless `--region` names others.
pub const DEMO_REGION: &str = "us-east-1";

impl Source for DemoSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Demo
    }

    fn region(&self) -> Option<String> {
        Some(self.region.clone())
    }

    fn provides(&self) -> Provides {
        Provides {
            pollers: Poller::ALL.to_vec(),
            metrics: true,
            finite: false,
            // The simulated metrics change by the minute, like CloudWatch's: rounds more frequent
            // than that keep the dashboard lively, and staleness is judged by the minute.
            refresh: self.interval.max(DEFAULT_REFRESH),
            window_reports: true,
        }
    }

    fn start(self: Box<Self>, ctx: SourceContext) {
        let account = Arc::new(self.account);
        let now = ctx.now();
        let logs_from = if ctx.once {
            ctx.requests.borrow().window.start(now)
        } else {
            now - self.log_backfill
        };
        for poller in [
            Poller::Discovery,
            Poller::Metrics,
            Poller::Alarms,
            Poller::Logs,
        ] {
            let round = DemoPoller {
                account: account.clone(),
                poller,
                interval: self.interval,
                last_full: None,
                logs_from,
            };
            tokio::spawn(drive(round, ctx.clone()));
        }
    }
}

/// How often the simulated function list is read again.
const DISCOVERY_INTERVAL: StdDuration = StdDuration::from_secs(600);

/// One poller over the simulated account.
struct DemoPoller {
    account: Arc<DemoAccount>,
    poller: Poller,
    interval: StdDuration,
    /// Window and minute of the last whole-window metrics read.
    last_full: Option<(TimeWindow, DateTime<Utc>)>,
    /// Where the next log read starts.
    logs_from: DateTime<Utc>,
}

impl Round for DemoPoller {
    fn poller(&self) -> Poller {
        self.poller
    }

    fn interval(&self) -> StdDuration {
        match self.poller {
            Poller::Discovery => DISCOVERY_INTERVAL,
            _ => self.interval,
        }
    }

    fn wants(&self, seen: &Request, now: &Request) -> bool {
        self.poller == Poller::Metrics && seen.window != now.window
    }

    async fn read(&mut self, ctx: &SourceContext, req: &Request) -> RoundOutcome {
        let now = ctx.now();
        let window = req.window;
        // The whole window when it changed or a new minute began, else only the current periods.
        let current = floor_minute(now);
        let full = self.last_full != Some((window, current));
        let logs_from = self.logs_from;
        let (account, poller) = (self.account.clone(), self.poller);
        let updates = tokio::task::spawn_blocking(move || {
            account.updates(poller, window, now, full, logs_from)
        })
        .await;
        let mut outcome = RoundOutcome::default();
        match updates {
            Ok(updates) => {
                outcome.updates = updates;
                match self.poller {
                    Poller::Metrics => self.last_full = Some((window, current)),
                    Poller::Logs => self.logs_from = now,
                    Poller::Discovery | Poller::Alarms | Poller::Reports => {}
                }
            }
            Err(e) => outcome.fail(SourceError::new(
                format!("The simulated account failed: {e}."),
                None,
            )),
        }
        outcome
    }
}

impl DemoAccount {
    /// What `poller` delivers in one round at `now`: the function list, metrics of the whole
    /// window (`full`) or of the current periods only, alarms, or the log lines written since
    /// `logs_from`.
    pub fn updates(
        &self,
        poller: Poller,
        window: TimeWindow,
        now: DateTime<Utc>,
        full: bool,
        logs_from: DateTime<Utc>,
    ) -> Vec<Update> {
        match poller {
            Poller::Discovery => vec![
                Update::Functions(self.functions()),
                Update::AccountConcurrencyLimit(ACCOUNT_LIMIT),
            ],
            Poller::Metrics => {
                let period = i64::from(window.period_s());
                let current = crate::clock::floor_to(now, period);
                let from = if full {
                    window.start(now)
                } else {
                    current - Duration::seconds(period)
                };
                let to = current + Duration::seconds(period);
                let (metrics, stats) = self.metrics(from, to, window.period_s(), now);
                let mut updates = vec![Update::Metrics(metrics)];
                if full {
                    updates.push(Update::WindowStats(stats));
                    updates.push(Update::Reports(self.window_reports(window, now)));
                }
                updates
            }
            Poller::Alarms => vec![Update::Alarms(self.alarms(now))],
            Poller::Logs => vec![Update::logs(self.logs(logs_from, now))],
            // The metrics round brings the window's REPORT figures.
            Poller::Reports => Vec::new(),
        }
    }

    /// What every poller delivers in one round at `now`, each followed by its `Polled`:
    /// `discovery` adds the function list. The same updates the running source sends.
    pub fn round(
        &self,
        window: TimeWindow,
        now: DateTime<Utc>,
        full: bool,
        discovery: bool,
        logs_from: DateTime<Utc>,
    ) -> Vec<Update> {
        let pollers = [
            Poller::Discovery,
            Poller::Metrics,
            Poller::Alarms,
            Poller::Logs,
        ];
        let mut updates = Vec::with_capacity(12);
        for poller in pollers
            .into_iter()
            .filter(|p| discovery || *p != Poller::Discovery)
        {
            updates.extend(self.updates(poller, window, now, full, logs_from));
            updates.push(Update::Polled { poller, at: now });
        }
        updates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 14, 15, 26, 30).unwrap()
    }

    #[test]
    fn same_seed_and_clock_give_the_same_account() {
        let (a, b) = (DemoAccount::new(7), DemoAccount::new(7));
        let now = t0();
        let from = TimeWindow::default().start(now);
        assert_eq!(a.metrics(from, now, 60, now), b.metrics(from, now, 60, now));
        assert_eq!(
            a.logs(now - Duration::minutes(3), now),
            b.logs(now - Duration::minutes(3), now)
        );
        assert_ne!(
            DemoAccount::new(8).metrics(from, now, 60, now).0,
            a.metrics(from, now, 60, now).0
        );
    }

    #[test]
    fn has_a_dozen_functions_with_the_variety_promised() {
        let fns = DemoAccount::new(DEFAULT_SEED).functions();
        assert!(fns.len() >= 12);
        assert!(fns.iter().any(|f| f.snap_start));
        assert!(fns.iter().any(|f| f.log_format == LogFormat::Json));
        assert!(fns.iter().any(|f| f.architecture == Architecture::Arm64));
        assert!(fns.iter().any(|f| f.architecture == Architecture::X86_64));
        assert!(
            fns.iter()
                .any(|f| matches!(f.reserved_concurrency, Reserved::Limit(_)))
        );
    }

    #[test]
    fn alarms_cover_every_state() {
        let a = DemoAccount::new(DEFAULT_SEED);
        // Over a day every state shows up at some point.
        let mut seen = std::collections::BTreeSet::new();
        for h in 0..24 {
            for alarm in a.alarms(t0() + Duration::hours(h)) {
                seen.insert(alarm.state);
            }
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn metrics_agree_with_the_invocations_they_count() {
        let a = DemoAccount::new(DEFAULT_SEED);
        let now = t0();
        let from = now - Duration::minutes(30);
        let from = floor_minute(from);
        let to = floor_minute(now);
        let (metrics, _) = a.metrics(from, to, 60, now);
        for (f, p) in a.profiles.iter().enumerate() {
            let inv = metrics
                .iter()
                .find(|m| {
                    m.function.as_deref() == Some(p.name) && m.metric == MetricKind::Invocations
                })
                .unwrap();
            let total: f64 = inv.points.iter().map(|d| d.value).sum();
            let expected: usize = (from.timestamp() / 60..to.timestamp() / 60)
                .map(|m| a.invocations(f, m).len())
                .sum();
            assert_eq!(total as usize, expected, "{}", p.name);
        }
    }

    #[test]
    fn throttles_and_timeouts_and_cold_starts_happen() {
        let a = DemoAccount::new(DEFAULT_SEED);
        let now = t0();
        let from = floor_minute(now - Duration::hours(3));
        let (metrics, _) = a.metrics(from, floor_minute(now), 60, now);
        let total = |metric, name: &str| -> f64 {
            metrics
                .iter()
                .filter(|m| m.metric == metric && m.function.as_deref() == Some(name))
                .flat_map(|m| m.points.iter().map(|d| d.value))
                .sum()
        };
        assert!(total(MetricKind::Throttles, "orders-prod-api") > 0.0);
        assert!(total(MetricKind::Errors, "salesPipe-prod-dispatch") > 0.0);
        let logs = a.logs(now - Duration::minutes(30), now);
        assert!(logs.iter().any(|e| e.message.contains("Task timed out")));
        assert!(logs.iter().any(|e| e.message.contains("Init Duration")));
        assert!(logs.iter().any(|e| e.message.contains("Restore Duration")));
        assert!(logs.iter().any(|e| e.message.contains("platform.report")));
    }

    #[test]
    fn logs_are_not_repeated_across_consecutive_reads() {
        let a = DemoAccount::new(DEFAULT_SEED);
        let now = t0();
        let whole = a.logs(now - Duration::minutes(4), now);
        let mut parts = a.logs(now - Duration::minutes(4), now - Duration::minutes(2));
        parts.extend(a.logs(now - Duration::minutes(2), now));
        parts.sort_by_key(|e| e.timestamp);
        assert_eq!(whole.len(), parts.len());
    }

    #[test]
    fn nearest_rank_percentile() {
        // 10 values: p99 rank = ceil(9.9) = 10 → the largest; p50 rank = 5.
        let mut v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile(&mut v, 0.99), 10.0);
        assert_eq!(percentile(&mut v, 0.5), 5.0);
    }
}

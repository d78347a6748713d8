//! Domain types shared by sources, the store and the front ends. Sources build these from AWS,
//! the demo simulation or a replayed log; the store keeps them; front ends only read them.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Where a source reads from: an account (when known) and a Region (none for a replayed log).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub struct Origin {
    pub account: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
}

/// How an origin without a Region is named.
const NO_REGION: &str = "no region";

impl Origin {
    /// A Region of an unnamed account (the one the credentials reach).
    pub fn region(region: Option<&str>) -> Self {
        Self {
            account: None,
            region: region.map(Arc::from),
        }
    }

    /// A Region read with a named profile (its account, as the user calls it).
    pub fn of(account: Option<&str>, region: Option<&str>) -> Self {
        Self {
            account: account.map(Arc::from),
            region: region.map(Arc::from),
        }
    }

    /// How a person names the origin: `eu-west-1`, `prod/eu-west-1` with an account.
    pub fn label(&self) -> String {
        let region = self.region.as_deref().unwrap_or(NO_REGION);
        match &self.account {
            Some(account) => format!("{account}/{region}"),
            None => region.to_string(),
        }
    }

    /// What several origins are, in words: `3 Regions`, `2 profiles · eu-west-1`,
    /// `2 profiles × 2 Regions`.
    pub fn describe(origins: &[&Origin]) -> String {
        let distinct = |of: fn(&Origin) -> Option<&str>| {
            let mut v: Vec<Option<&str>> = origins.iter().map(|o| of(o)).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let regions = distinct(|o| o.region.as_deref());
        let profiles = distinct(|o| o.account.as_deref());
        let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        match (profiles.len(), regions.as_slice()) {
            (0 | 1, r) => plural(r.len(), "Region"),
            (p, [one]) => format!(
                "{} · {}",
                plural(p, "profile"),
                one.unwrap_or("default Region")
            ),
            (p, r) => format!("{} × {}", plural(p, "profile"), plural(r.len(), "Region")),
        }
    }

    /// `name` as a person tells it apart in this origin: `eu-west-1/orders`,
    /// `prod/eu-west-1/orders`; the bare name for an origin of no account or Region.
    pub fn qualify(&self, name: &str) -> String {
        match (&self.account, &self.region) {
            (None, None) => name.to_string(),
            _ => format!("{}/{name}", self.label()),
        }
    }

    /// The characters [`Origin::label`] takes, without making it.
    pub fn label_width(account: Option<&str>, region: Option<&str>) -> usize {
        account.map_or(0, |a| a.chars().count() + 1) + region.unwrap_or(NO_REGION).chars().count()
    }

    /// Whether the source of this origin, one of the sources of `all`, reads `function`: same
    /// Region, and same account, or an account no source is named by (a linked account's
    /// functions, which the source reading that Region's own account lists).
    pub fn owns(&self, function: &FunctionId, all: &[Origin]) -> bool {
        function.region == self.region
            && (function.account == self.account
                || !all
                    .iter()
                    .any(|o| o.region == self.region && o.account == function.account))
    }

    /// The function `name` of this origin.
    pub fn function(&self, name: &str) -> FunctionId {
        FunctionId {
            account: self.account.clone(),
            region: self.region.clone(),
            name: Arc::from(name),
        }
    }
}

/// A function as lambdatop keys it everywhere (store, series, alarms, selection, detail view):
/// its name is unique only within one account and Region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FunctionId {
    pub account: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub name: Arc<str>,
}

impl FunctionId {
    /// The account and Region the function lives in.
    pub fn origin(&self) -> Origin {
        Origin {
            account: self.account.clone(),
            region: self.region.clone(),
        }
    }
}

impl FunctionId {
    /// `region/name` and `account/region/name`: what `--functions` and the `/` filter match
    /// besides the bare name.
    pub fn qualified(&self) -> [Option<String>; 2] {
        let region = self.region.as_deref().map(|r| format!("{r}/{}", self.name));
        let account = match (&self.account, &region) {
            (Some(a), Some(r)) => Some(format!("{a}/{r}")),
            _ => None,
        };
        [region, account]
    }
}

/// By name first (what people scan for), then Region and account: a stable order for ties.
impl Ord for FunctionId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (&self.name, &self.region, &self.account).cmp(&(&other.name, &other.region, &other.account))
    }
}

impl PartialOrd for FunctionId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for FunctionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// Instruction set a function runs on; it decides the GB-second price.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    #[default]
    X86_64,
    Arm64,
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Architecture::X86_64 => "x86_64",
            Architecture::Arm64 => "arm64",
        })
    }
}

/// How a function writes its logs (`LoggingConfig.LogFormat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// What the Lambda API says about one function. Fields are optional because discovery through
/// metrics or log groups alone does not know them.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct FunctionConfig {
    pub name: String,
    pub runtime: Option<String>,
    pub memory_mb: Option<u32>,
    pub timeout_s: Option<u32>,
    pub architecture: Architecture,
    /// Log group the function writes to; `/aws/lambda/<name>` unless `LoggingConfig` says otherwise.
    pub log_group: Option<String>,
    pub log_format: LogFormat,
    pub snap_start: bool,
    pub reserved_concurrency: Reserved,
    /// The account that owns the function when it is not the one the credentials reach: a
    /// source account linked to a CloudWatch cross-account observability monitoring account.
    #[serde(skip)]
    pub account: Option<String>,
}

/// What a CloudWatch cross-account observability monitoring account cannot read of a linked
/// source account's function: Lambda answers only for the credentials' own account (memory,
/// timeout, runtime, architecture, reserved concurrency), and alarms are each account's own.
pub const NOT_SHARED_WITH_MONITORING: &str = "configuration not shared with a monitoring account";

/// A function's reserved concurrency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reserved {
    /// Not known: not read (yet), or not readable.
    #[default]
    Unknown,
    /// None reserved: the function shares the account's pool.
    Shared,
    /// At most this many concurrent executions (0 turns the function off).
    Limit(u32),
}

impl Reserved {
    /// What Lambda answers: a reserved count, or none.
    pub fn from_lambda(reserved: Option<u32>) -> Self {
        reserved.map_or(Reserved::Shared, Reserved::Limit)
    }

    /// The reserved count, when there is one.
    pub fn limit(self) -> Option<u32> {
        match self {
            Reserved::Limit(n) => Some(n),
            Reserved::Unknown | Reserved::Shared => None,
        }
    }
}

impl FunctionConfig {
    /// Whether the function is a linked source account's, read through a monitoring account:
    /// its configuration and alarms are then unknown ([`NOT_SHARED_WITH_MONITORING`]).
    pub fn is_linked(&self) -> bool {
        self.account.is_some()
    }

    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The log group to read: the configured one or Lambda's default.
    pub fn log_group_name(&self) -> String {
        self.log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/lambda/{}", self.name))
    }
}

/// A CloudWatch metric of the `AWS/Lambda` namespace with the statistic lambdatop reads it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// `Invocations`, Sum.
    Invocations,
    /// `Errors`, Sum.
    Errors,
    /// `Throttles`, Sum.
    Throttles,
    /// `Duration`, Average (milliseconds).
    DurationAvg,
    /// `Duration`, p99 (milliseconds).
    DurationP99,
    /// `Duration`, Maximum (milliseconds).
    DurationMax,
    /// `ConcurrentExecutions`, Maximum.
    ConcurrentExecutions,
    /// `AsyncEventsReceived`, Sum: events queued for an asynchronous invocation.
    AsyncEventsReceived,
    /// `AsyncEventAge`, Maximum (milliseconds): how long an event waited in the queue.
    AsyncEventAge,
    /// `AsyncEventsDropped`, Sum: events dropped without running the function.
    AsyncEventsDropped,
    /// `DeadLetterErrors`, Sum: events not sent to the dead-letter queue.
    DeadLetterErrors,
    /// `DestinationDeliveryFailures`, Sum: events not sent to a destination.
    DestinationDeliveryFailures,
    /// `IteratorAge`, Maximum (milliseconds): age of the last record of a stream batch.
    IteratorAge,
    /// `ProvisionedConcurrencyUtilization`, Maximum (a ratio).
    ProvisionedConcurrencyUtilization,
    /// `ProvisionedConcurrencySpilloverInvocations`, Sum: invocations beyond the provisioned.
    ProvisionedConcurrencySpilloverInvocations,
    /// `RecursiveInvocationsDropped`, Sum: invocations stopped as a recursive loop.
    RecursiveInvocationsDropped,
    /// `ClaimedAccountConcurrency`, Maximum, Region level only: unreserved concurrency in use
    /// plus reserved and provisioned allocations, the part of the account limit taken.
    ClaimedAccountConcurrency,
}

impl MetricKind {
    pub const ALL: [MetricKind; 7] = [
        MetricKind::Invocations,
        MetricKind::Errors,
        MetricKind::Throttles,
        MetricKind::DurationAvg,
        MetricKind::DurationP99,
        MetricKind::DurationMax,
        MetricKind::ConcurrentExecutions,
    ];

    /// The metrics the console shows besides [`MetricKind::ALL`], read for the function of the
    /// detail view only.
    pub const DETAIL: [MetricKind; 9] = [
        MetricKind::AsyncEventsReceived,
        MetricKind::AsyncEventAge,
        MetricKind::AsyncEventsDropped,
        MetricKind::DeadLetterErrors,
        MetricKind::DestinationDeliveryFailures,
        MetricKind::IteratorAge,
        MetricKind::ProvisionedConcurrencyUtilization,
        MetricKind::ProvisionedConcurrencySpilloverInvocations,
        MetricKind::RecursiveInvocationsDropped,
    ];

    /// CloudWatch metric name.
    pub fn metric_name(self) -> &'static str {
        match self {
            MetricKind::Invocations => "Invocations",
            MetricKind::Errors => "Errors",
            MetricKind::Throttles => "Throttles",
            MetricKind::DurationAvg | MetricKind::DurationP99 | MetricKind::DurationMax => {
                "Duration"
            }
            MetricKind::ConcurrentExecutions => "ConcurrentExecutions",
            MetricKind::AsyncEventsReceived => "AsyncEventsReceived",
            MetricKind::AsyncEventAge => "AsyncEventAge",
            MetricKind::AsyncEventsDropped => "AsyncEventsDropped",
            MetricKind::DeadLetterErrors => "DeadLetterErrors",
            MetricKind::DestinationDeliveryFailures => "DestinationDeliveryFailures",
            MetricKind::IteratorAge => "IteratorAge",
            MetricKind::ProvisionedConcurrencyUtilization => "ProvisionedConcurrencyUtilization",
            MetricKind::ProvisionedConcurrencySpilloverInvocations => {
                "ProvisionedConcurrencySpilloverInvocations"
            }
            MetricKind::RecursiveInvocationsDropped => "RecursiveInvocationsDropped",
            MetricKind::ClaimedAccountConcurrency => "ClaimedAccountConcurrency",
        }
    }

    /// CloudWatch statistic.
    pub fn statistic(self) -> &'static str {
        match self {
            MetricKind::DurationAvg => "Average",
            MetricKind::DurationP99 => "p99",
            _ if self.missing_is_zero() => "Sum",
            _ => "Maximum",
        }
    }

    /// Counts read a missing datapoint as zero ("no datapoint means zero"); gauges as "no data".
    pub fn missing_is_zero(self) -> bool {
        matches!(
            self,
            MetricKind::Invocations
                | MetricKind::Errors
                | MetricKind::Throttles
                | MetricKind::AsyncEventsReceived
                | MetricKind::AsyncEventsDropped
                | MetricKind::DeadLetterErrors
                | MetricKind::DestinationDeliveryFailures
                | MetricKind::ProvisionedConcurrencySpilloverInvocations
                | MetricKind::RecursiveInvocationsDropped
        )
    }

    /// What a value of the metric measures.
    pub fn unit(self) -> MetricUnit {
        match self {
            MetricKind::DurationAvg
            | MetricKind::DurationP99
            | MetricKind::DurationMax
            | MetricKind::AsyncEventAge
            | MetricKind::IteratorAge => MetricUnit::Millis,
            MetricKind::ProvisionedConcurrencyUtilization => MetricUnit::Ratio,
            _ => MetricUnit::Count,
        }
    }

    /// Short column label.
    pub fn label(self) -> &'static str {
        match self {
            MetricKind::Invocations => "Invocations",
            MetricKind::Errors => "Errors",
            MetricKind::Throttles => "Throttles",
            MetricKind::DurationAvg => "Duration avg",
            MetricKind::DurationP99 => "Duration p99",
            MetricKind::DurationMax => "Duration max",
            MetricKind::ConcurrentExecutions => "Concurrency",
            MetricKind::AsyncEventsReceived => "Async events",
            MetricKind::AsyncEventAge => "Async event age",
            MetricKind::AsyncEventsDropped => "Async dropped",
            MetricKind::DeadLetterErrors => "DLQ errors",
            MetricKind::DestinationDeliveryFailures => "Destination failures",
            MetricKind::IteratorAge => "Iterator age",
            MetricKind::ProvisionedConcurrencyUtilization => "Provisioned use",
            MetricKind::ProvisionedConcurrencySpilloverInvocations => "Provisioned spillover",
            MetricKind::RecursiveInvocationsDropped => "Recursive loops dropped",
            MetricKind::ClaimedAccountConcurrency => "Claimed concurrency",
        }
    }
}

/// What a metric's values measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricUnit {
    Count,
    Millis,
    /// A fraction, 1.0 being all.
    Ratio,
}

/// One datapoint: the start of its period and the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Datapoint {
    pub at: DateTime<Utc>,
    pub value: f64,
}

/// Datapoints of one metric of one function (or of the whole Region when `function` is `None`).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoints {
    pub function: Option<String>,
    pub metric: MetricKind,
    /// The span the points cover: a period inside it with no point is read as "no data"
    /// (or zero, for counts).
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub period_s: u32,
    pub points: Vec<Datapoint>,
}

/// Statistics over the whole window that cannot be derived from per-period points
/// (a percentile of percentiles is not a percentile).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WindowStats {
    pub duration_p99_ms: Option<f64>,
}

/// A CloudWatch alarm's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlarmState {
    Ok,
    InsufficientData,
    Alarm,
}

impl AlarmState {
    pub fn as_str(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Alarm => "ALARM",
        }
    }

    /// Parses CloudWatch's `StateValue`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "OK" => Some(AlarmState::Ok),
            "INSUFFICIENT_DATA" => Some(AlarmState::InsufficientData),
            "ALARM" => Some(AlarmState::Alarm),
            _ => None,
        }
    }
}

/// One CloudWatch alarm.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub state: AlarmState,
    /// The `FunctionName` dimension of the alarm's metric, when it has one.
    pub function: Option<String>,
    pub metric: Option<String>,
    pub reason: Option<String>,
}

/// One log event as CloudWatch Logs stores it: a message (which may hold newlines) with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    pub function: Arc<str>,
    /// The account and Region of the function: set by the store from the source that read the
    /// event (sources leave it empty), so that two Regions' functions of one name stay apart.
    pub origin: Origin,
    pub timestamp: DateTime<Utc>,
    pub stream: Arc<str>,
    pub message: String,
    /// CloudWatch's `eventId`, used to de-duplicate overlapping reads.
    pub event_id: Option<String>,
}

impl LogEvent {
    /// Whether the event is `id`'s: its name in its account and Region.
    pub fn is_of(&self, id: &FunctionId) -> bool {
        *self.function == *id.name
            && self.origin.region == id.region
            && self.origin.account == id.account
    }

    /// The function as `region/name` (`account/region/name`) when it has an origin, else the
    /// bare name: how a pane showing several Regions names it.
    pub fn qualified_function(&self) -> String {
        self.origin.qualify(&self.function)
    }
}

/// The account's concurrency limit when nothing else is known (Lambda's default quota).
pub const DEFAULT_ACCOUNT_CONCURRENCY: u32 = 1000;

/// The share of the account's concurrency limit (Lambda's default when unknown) a peak takes.
pub fn concurrency_share(peak: Option<f64>, limit: Option<u32>) -> f64 {
    peak.unwrap_or(0.0) / f64::from(limit.unwrap_or(DEFAULT_ACCOUNT_CONCURRENCY).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_origins_are_described_by_their_regions_and_profiles() {
        let east = Origin::region(Some("us-east-1"));
        let west = Origin::region(Some("eu-west-1"));
        let dev = Origin::of(Some("dev"), Some("eu-west-1"));
        let prod = Origin::of(Some("prod"), Some("eu-west-1"));
        let prod_east = Origin::of(Some("prod"), Some("us-east-1"));
        assert_eq!(Origin::describe(&[&east, &west]), "2 Regions");
        assert_eq!(Origin::describe(&[&dev, &prod]), "2 profiles · eu-west-1");
        assert_eq!(
            Origin::describe(&[&dev, &prod, &prod_east]),
            "2 profiles × 2 Regions"
        );
    }

    #[test]
    fn a_labels_width_is_counted_without_making_it() {
        for (account, region) in [
            (None, Some("eu-west-1")),
            (Some("prod"), Some("eu-west-1")),
            (Some("123456789012"), None),
            (None, None),
        ] {
            let o = Origin::of(account, region);
            assert_eq!(
                Origin::label_width(account, region),
                o.label().chars().count(),
                "{}",
                o.label()
            );
        }
    }
}

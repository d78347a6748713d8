//! What a parsed log message is: [`LogLine`] and the lines it can be.

use std::borrow::Cow;

use serde::Serialize;

/// Text borrowed from the message, or owned when it had to be decoded (JSON escapes).
pub type Text<'a> = Cow<'a, str>;

/// One parsed log message.
#[derive(Debug, Clone, PartialEq)]
pub enum LogLine<'a> {
    /// `START RequestId: … Version: …` / `platform.start`.
    Start(StartLine<'a>),
    /// `END RequestId: …` / `platform.end` (Logs API).
    End(EndLine<'a>),
    /// `REPORT RequestId: … Duration: …` / `platform.report`: the invocation's bill.
    Report(ReportLine<'a>),
    /// `INIT_START Runtime Version: …` / `platform.initStart`.
    InitStart(RuntimeVersionLine<'a>),
    /// `INIT_REPORT Init Duration: …` / `platform.initReport`.
    InitReport(InitReportLine<'a>),
    /// `RESTORE_START Runtime Version: …` / `platform.restoreStart` (SnapStart).
    RestoreStart(RuntimeVersionLine<'a>),
    /// `RESTORE_REPORT Restore Duration: …` / `platform.restoreReport` (SnapStart).
    RestoreReport(RestoreReportLine<'a>),
    /// `EXTENSION Name: … State: … Events: […]` / `platform.extension`.
    Extension(SubscriberLine<'a>),
    /// `TELEMETRY Name: …` or the older `LOGS Name: …` / `platform.telemetrySubscription`.
    Telemetry(SubscriberLine<'a>),
    /// `<ts> <request id> Task timed out after 3.00 seconds` and its variants.
    Timeout(TimeoutLine<'a>),
    /// The runtime or the function crashed: `Runtime.ExitError`, unhandled exceptions, import
    /// errors, `Process exited before completing request`, …
    Crash(CrashLine<'a>),
    /// `platform.runtimeDone` / `platform.initRuntimeDone` / `platform.restoreRuntimeDone`.
    RuntimeDone(RuntimeDoneLine<'a>),
    /// Any other `platform.*` JSON event (`platform.logsDropped`, `platform.fault`, …).
    Platform(OtherPlatformLine<'a>),
    /// A line the function (or an extension) wrote.
    App(AppLine<'a>),
    /// An Embedded Metric Format line: custom metrics.
    Emf(EmfLine<'a>),
    /// Nothing to parse: an empty message, or a bare log stream name.
    Unknown,
}

/// `START`.
#[derive(Debug, Clone, PartialEq)]
pub struct StartLine<'a> {
    pub request_id: Text<'a>,
    /// `$LATEST` or a version number.
    pub version: Option<Text<'a>>,
}

/// `END`.
#[derive(Debug, Clone, PartialEq)]
pub struct EndLine<'a> {
    pub request_id: Text<'a>,
}

/// The `REPORT` line (or `platform.report`) Lambda writes when an invocation ends.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportLine<'a> {
    pub request_id: Text<'a>,
    pub duration_ms: f64,
    /// What the invocation is billed for, as logged (includes INIT where INIT is billed).
    pub billed_duration_ms: u64,
    /// Configured memory.
    pub memory_size_mb: u32,
    pub max_memory_used_mb: u32,
    /// Present on a cold start.
    pub init_duration_ms: Option<f64>,
    /// `Status:` (only present when the invocation did not succeed, in the text format).
    pub status: Option<PlatformStatus>,
    /// What few REPORTs say, apart (and only when said), so that a REPORT stays small: most
    /// logs are mostly REPORTs, and each is moved from the parser to the analytics.
    pub rare: Option<Box<ReportRare<'a>>>,
}

/// The fields few REPORTs have: SnapStart's restore, a failure's error type, X-Ray's trace.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportRare<'a> {
    /// Present when a SnapStart snapshot was restored.
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<u64>,
    pub error_type: Option<Text<'a>>,
    pub xray_trace_id: Option<Text<'a>>,
}

impl<'a> ReportRare<'a> {
    /// Boxed, unless nothing is said.
    pub fn boxed(self) -> Option<Box<ReportRare<'a>>> {
        (self != ReportRare::default()).then(|| Box::new(self))
    }
}

impl ReportLine<'_> {
    /// Present when a SnapStart snapshot was restored.
    pub fn restore_duration_ms(&self) -> Option<f64> {
        self.rare.as_ref().and_then(|r| r.restore_duration_ms)
    }

    pub fn billed_restore_duration_ms(&self) -> Option<u64> {
        self.rare
            .as_ref()
            .and_then(|r| r.billed_restore_duration_ms)
    }

    pub fn error_type(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.error_type.as_deref())
    }

    pub fn xray_trace_id(&self) -> Option<&str> {
        self.rare.as_ref().and_then(|r| r.xray_trace_id.as_deref())
    }
}

/// `INIT_START` / `RESTORE_START`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuntimeVersionLine<'a> {
    pub runtime_version: Option<Text<'a>>,
    pub runtime_version_arn: Option<Text<'a>>,
}

/// `INIT_REPORT`: the init phase's duration and, when it failed, why.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InitReportLine<'a> {
    pub init_duration_ms: Option<f64>,
    /// `init`, or `invoke` when a failed init is retried during the invocation.
    pub phase: Option<Text<'a>>,
    pub status: Option<PlatformStatus>,
    pub error_type: Option<Text<'a>>,
}

/// `RESTORE_REPORT`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RestoreReportLine<'a> {
    pub restore_duration_ms: Option<f64>,
    pub billed_restore_duration_ms: Option<u64>,
    pub status: Option<PlatformStatus>,
    pub error_type: Option<Text<'a>>,
}

/// `EXTENSION` / `TELEMETRY` / `LOGS`: an extension registering or subscribing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SubscriberLine<'a> {
    pub name: Option<Text<'a>>,
    pub state: Option<Text<'a>>,
    /// The `Events: […]` of an extension or the `Types: […]` of a subscription.
    pub items: Vec<Text<'a>>,
}

/// `Task timed out after N seconds`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TimeoutLine<'a> {
    pub request_id: Option<Text<'a>>,
    /// The configured timeout, as Lambda states it.
    pub timeout_s: Option<f64>,
}

/// A crash of the runtime or an unhandled error of the function.
#[derive(Debug, Clone, PartialEq)]
pub struct CrashLine<'a> {
    pub request_id: Option<Text<'a>>,
    /// `Runtime.ExitError`, `Runtime.ImportModuleError`, `SyntaxError`, … when stated.
    pub error_type: Option<Text<'a>>,
    /// The message without its columns (trimmed).
    pub message: Text<'a>,
}

/// Which phase a `runtimeDone` event closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Init,
    Invoke,
    Restore,
}

/// `platform.runtimeDone` and its init / restore siblings.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeDoneLine<'a> {
    pub phase: Phase,
    pub request_id: Option<Text<'a>>,
    pub status: Option<PlatformStatus>,
    pub duration_ms: Option<f64>,
}

/// A `platform.*` event without a variant of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherPlatformLine<'a> {
    /// E.g. `platform.logsDropped`.
    pub event_type: Text<'a>,
}

/// A line written by the function code (or an extension), text or JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct AppLine<'a> {
    /// The line's own timestamp, as written.
    pub timestamp: Option<Text<'a>>,
    pub request_id: Option<Text<'a>>,
    pub level: Option<Level>,
    /// The message without the timestamp / request id / level columns (trimmed).
    pub message: Text<'a>,
}

/// An Embedded Metric Format line.
#[derive(Debug, Clone, PartialEq)]
pub struct EmfLine<'a> {
    pub request_id: Option<Text<'a>>,
    /// Namespace of the first metric directive.
    pub namespace: Option<String>,
    pub metrics: Vec<EmfMetric>,
}

/// One custom metric of an EMF line.
#[derive(Debug, Clone, PartialEq)]
pub struct EmfMetric {
    pub name: String,
    pub unit: Option<String>,
    /// A metric's value may be one number or an array of them.
    pub values: Vec<f64>,
}

/// How the platform says a phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlatformStatus {
    Success,
    /// The function returned an error.
    Error,
    /// The runtime or the platform failed (JSON format only).
    Failure,
    Timeout,
    /// A status lambdatop does not know.
    Other,
}

impl PlatformStatus {
    /// Reads `success`, `error`, `failure`, `timeout` (any case).
    pub fn parse(s: &str) -> PlatformStatus {
        let s = super::scan::first_token(s);
        if s.eq_ignore_ascii_case("success") {
            PlatformStatus::Success
        } else if s.eq_ignore_ascii_case("error") {
            PlatformStatus::Error
        } else if s.eq_ignore_ascii_case("failure") {
            PlatformStatus::Failure
        } else if s.eq_ignore_ascii_case("timeout") {
            PlatformStatus::Timeout
        } else {
            PlatformStatus::Other
        }
    }

    /// True for anything but success.
    pub fn is_failure(self) -> bool {
        self != PlatformStatus::Success
    }
}

/// Log level of an application line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    /// Reads a level word in any case: `INFO`, `info`, `Information`, `WARNING`, `CRITICAL`, and
    /// the .NET short forms (`trce`, `dbug`, `fail`, `crit`).
    pub fn parse(word: &str) -> Option<Level> {
        /// Most frequent first.
        const NAMES: &[(&str, Level)] = &[
            ("info", Level::Info),
            ("error", Level::Error),
            ("warn", Level::Warn),
            ("debug", Level::Debug),
            ("warning", Level::Warn),
            ("trace", Level::Trace),
            ("fatal", Level::Fatal),
            ("information", Level::Info),
            ("trce", Level::Trace),
            ("dbug", Level::Debug),
            ("fail", Level::Error),
            ("err", Level::Error),
            ("critical", Level::Fatal),
            ("crit", Level::Fatal),
        ];
        // The runtimes' own spelling first: compared whole, without folding case.
        match word {
            "INFO" => return Some(Level::Info),
            "ERROR" => return Some(Level::Error),
            "WARN" => return Some(Level::Warn),
            "DEBUG" => return Some(Level::Debug),
            _ => {}
        }
        if !(3..=11).contains(&word.len()) {
            return None;
        }
        NAMES
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(word))
            .map(|&(_, level)| level)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "TRACE",
            Level::Debug => "DEBUG",
            Level::Info => "INFO",
            Level::Warn => "WARN",
            Level::Error => "ERROR",
            Level::Fatal => "FATAL",
        }
    }
}

impl<'a> LogLine<'a> {
    /// The request id the line belongs to, when it names one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            LogLine::Start(l) => Some(&l.request_id),
            LogLine::End(l) => Some(&l.request_id),
            LogLine::Report(l) => Some(&l.request_id),
            LogLine::Timeout(l) => l.request_id.as_deref(),
            LogLine::Crash(l) => l.request_id.as_deref(),
            LogLine::RuntimeDone(l) => l.request_id.as_deref(),
            LogLine::App(l) => l.request_id.as_deref(),
            LogLine::Emf(l) => l.request_id.as_deref(),
            _ => None,
        }
    }

    /// The line's level. Application lines have the level they were written with (if any);
    /// timeouts, crashes and platform lines reporting a failed status count as
    /// [`Level::Error`]; other platform lines have no level.
    pub fn level(&self) -> Option<Level> {
        let failed = |s: Option<PlatformStatus>| s.is_some_and(PlatformStatus::is_failure);
        match self {
            LogLine::App(l) => l.level,
            LogLine::Timeout(_) | LogLine::Crash(_) => Some(Level::Error),
            LogLine::Report(l) if failed(l.status) || l.error_type().is_some() => {
                Some(Level::Error)
            }
            LogLine::InitReport(l) if failed(l.status) => Some(Level::Error),
            LogLine::RestoreReport(l) if failed(l.status) => Some(Level::Error),
            LogLine::RuntimeDone(l) if failed(l.status) => Some(Level::Error),
            _ => None,
        }
    }

    /// A short stable name of the variant (`"report"`, `"app"`, …), for filters and counters.
    pub fn kind_name(&self) -> &'static str {
        match self {
            LogLine::Start(_) => "start",
            LogLine::End(_) => "end",
            LogLine::Report(_) => "report",
            LogLine::InitStart(_) => "init_start",
            LogLine::InitReport(_) => "init_report",
            LogLine::RestoreStart(_) => "restore_start",
            LogLine::RestoreReport(_) => "restore_report",
            LogLine::Extension(_) => "extension",
            LogLine::Telemetry(_) => "telemetry",
            LogLine::Timeout(_) => "timeout",
            LogLine::Crash(_) => "crash",
            LogLine::RuntimeDone(_) => "runtime_done",
            LogLine::Platform(_) => "platform",
            LogLine::App(_) => "app",
            LogLine::Emf(_) => "emf",
            LogLine::Unknown => "unknown",
        }
    }

    /// True for lines Lambda itself writes (as opposed to the function's own output).
    pub fn is_platform(&self) -> bool {
        !matches!(self, LogLine::App(_) | LogLine::Emf(_) | LogLine::Unknown)
    }
}

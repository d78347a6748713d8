//! `lambdatop tail`: the log lines of a source printed as they arrive, for pipes and scripts.
//!
//! The same source and store as the dashboard: the source's log blocks are printed as the store
//! receives them, oldest first within a block, each line once (sources deliver each event once:
//! the CloudWatch poller de-duplicates its overlapping reads and Live Tail streams). Lines are filtered
//! with the log pane's language ([`LogFilter`]), REPORT lines can be folded into the pane's
//! summary ([`report_summary`], after the request id and before the billed duration), and text
//! output is made inert ([`sanitize_uncut`]); JSON output escapes by construction
//! ([`json_inert`]).
//!
//! Output is written whole lines at a time: a reader that goes away (`| head`) ends the run
//! quietly, and Ctrl-C ends it between two writes.

use std::io::Write;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use crate::clock::SharedClock;
use crate::lambda_log::filter::{ColdRequests, LogFilter, add_cold_requests};
use crate::lambda_log::summary::{report_summary, status_word};
use crate::lambda_log::{Level, LogLine, ReportLine, parse};
use crate::message::{Poller, Request, SourceContext, Update};
use crate::model::{LogEvent, Origin};
use crate::sanitize::{json_inert, sanitize_lines, sanitize_lines_uncut, sanitize_uncut};
use crate::source::Source;
use crate::source::cloudwatch::live_tail;
use crate::store::Store;

/// Exit code after Ctrl-C (128 + SIGINT), as a shell reports it.
pub const EXIT_INTERRUPTED: u8 = 130;

/// `tail --reports`: how a REPORT line is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Reports {
    /// One short summary: `✗ TypeError 38 ms 41/128 MB cold 172 ms`.
    #[default]
    Summary,
    /// As logged.
    Raw,
    /// Not printed.
    Hide,
}

/// `tail --output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum TailFormat {
    /// Time, function and message.
    #[default]
    Text,
    /// One JSON object a line.
    Jsonl,
}

/// `tail --since`: a time back from now, or a point in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Ago(chrono::Duration),
    At(DateTime<Utc>),
}

impl Since {
    /// Without `--since`: ten minutes back.
    pub const DEFAULT: Since = Since::Ago(chrono::Duration::minutes(10));

    /// The time lines start at, seen at `now`.
    pub fn start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self {
            Since::Ago(d) => now - d,
            Since::At(at) => at,
        }
    }
}

/// Reads `--since`: `90s`, `10m`, `2h`, `1d` (at most 7 days), or an RFC 3339 time.
pub fn parse_since(s: &str) -> Result<Since, String> {
    let s = s.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Ok(Since::At(at.with_timezone(&Utc)));
    }
    let bad = || {
        format!(
            "{s:?} is neither a duration nor a time: use e.g. 10m, 2h, 1d (at most 7d) or \
             2026-03-14T09:30:00Z"
        )
    };
    let unit_at = s.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (n, unit) = s.split_at(unit_at);
    let n: i64 = n.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(bad()),
    };
    if seconds <= 0 || seconds > 7 * 86_400 {
        return Err(bad());
    }
    Ok(Since::Ago(chrono::Duration::seconds(seconds)))
}

/// What `lambdatop tail` prints, and until when.
#[derive(Debug, Clone)]
pub struct TailOptions {
    /// Only functions whose name matches.
    pub functions: Option<globset::GlobMatcher>,
    pub filter: LogFilter,
    pub reports: Reports,
    /// Lines before this are not printed.
    pub since: Option<DateTime<Utc>>,
    /// Keep printing; otherwise stop after the source's first log read (or its end).
    pub follow: bool,
    pub format: TailFormat,
    pub colour: bool,
}

/// Request ids of cold starts remembered for the `cold` filter term at most.
const MAX_COLD_REQUESTS: usize = 100_000;

/// A line to print: the origin its source named, the event and its parsed message.
#[derive(Clone, Copy)]
struct Shown<'a>(Option<&'a Origin>, &'a LogEvent, &'a LogLine<'a>);

/// Formats the lines of log blocks as `lambdatop tail` prints them.
pub struct Printer {
    opts: TailOptions,
    region: Option<String>,
    cold: ColdRequests,
}

const DIM: &str = "\x1b[2m";
const CYAN: &str = "\x1b[36m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

impl Printer {
    pub fn new(opts: TailOptions, region: Option<String>) -> Self {
        Self {
            opts,
            region,
            cold: ColdRequests::new(),
        }
    }

    /// Appends the lines of `events` the options let through to `out`, whole lines only. Each
    /// line names its function's Region (and account) when a source reading several sent it.
    pub fn events(&mut self, origin: Option<&Origin>, events: &[LogEvent], out: &mut Vec<u8>) {
        if self.opts.filter.needs_cold() {
            if self.cold.len() > MAX_COLD_REQUESTS {
                self.cold.clear();
            }
            add_cold_requests(&mut self.cold, events.iter());
        }
        for event in events {
            self.event(origin, event, out);
        }
    }

    fn event(&self, origin: Option<&Origin>, event: &LogEvent, out: &mut Vec<u8>) {
        if self.opts.since.is_some_and(|since| event.timestamp < since)
            || self
                .opts
                .functions
                .as_ref()
                .is_some_and(|g| !g.is_match(&*event.function))
        {
            return;
        }
        let line = parse(&event.message);
        if matches!(line, LogLine::Report(_)) && self.opts.reports == Reports::Hide {
            return;
        }
        if !self.opts.filter.matches_parsed(event, &line, &self.cold) {
            return;
        }
        // Writing into memory cannot fail.
        let _ = match self.opts.format {
            TailFormat::Text => self.text(Shown(origin, event, &line), out),
            TailFormat::Jsonl => self.json(Shown(origin, event, &line), out),
        };
    }

    fn text(&self, shown: Shown<'_>, out: &mut Vec<u8>) -> std::io::Result<()> {
        let Shown(origin, event, line) = shown;
        let (dim, cyan, reset) = if self.opts.colour {
            (DIM, CYAN, RESET)
        } else {
            ("", "", "")
        };
        let place = origin
            .map(|o| format!("{}/", o.label()))
            .unwrap_or_default();
        write!(
            out,
            "{dim}{}{reset} {cyan}{}{}{reset} ",
            event.timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
            sanitize_uncut(&place),
            sanitize_uncut(&event.function)
        )?;
        let message = match line {
            LogLine::Report(r) if self.opts.reports == Reports::Summary => format!(
                "REPORT {} {} billed {} ms",
                sanitize_uncut(&r.request_id),
                report_summary(r),
                r.billed_duration_ms
            ),
            _ => sanitize_lines_uncut(message_text(&event.message)),
        };
        let colour = match line.level() {
            _ if !self.opts.colour => "",
            Some(Level::Error | Level::Fatal) => RED,
            Some(Level::Warn) => YELLOW,
            _ if matches!(line, LogLine::Report(_)) => GREEN,
            _ => "",
        };
        let reset = if colour.is_empty() { "" } else { RESET };
        let mut physical = message.split('\n');
        writeln!(out, "{colour}{}{reset}", physical.next().unwrap_or(""))?;
        for more in physical {
            writeln!(out, "  {colour}{more}{reset}")?;
        }
        Ok(())
    }

    fn json(&self, shown: Shown<'_>, out: &mut Vec<u8>) -> std::io::Result<()> {
        let Shown(origin, event, line) = shown;
        let object = JsonLine {
            time: event.timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            function: &event.function,
            region: origin
                .and_then(|o| o.region.as_deref())
                .or(self.region.as_deref()),
            stream: Some(&*event.stream).filter(|s| !s.is_empty()),
            request_id: line.request_id(),
            level: line.level(),
            message: message_text(&event.message),
            report: match line {
                LogLine::Report(r) => Some(JsonReport::from(r)),
                _ => None,
            },
            account: origin.and_then(|o| o.account.as_deref()),
        };
        let text = serde_json::to_string(&object).map_err(std::io::Error::other)?;
        writeln!(out, "{}", json_inert(&text))
    }
}

/// The event's text without its final line break.
fn message_text(message: &str) -> &str {
    let m = message.strip_suffix('\n').unwrap_or(message);
    m.strip_suffix('\r').unwrap_or(m)
}

/// One line of `-o jsonl` (the README documents its keys).
#[derive(serde::Serialize)]
struct JsonLine<'a> {
    time: String,
    function: &'a str,
    region: Option<&'a str>,
    stream: Option<&'a str>,
    request_id: Option<&'a str>,
    level: Option<Level>,
    message: &'a str,
    report: Option<JsonReport<'a>>,
    account: Option<&'a str>,
}

/// A REPORT line's fields.
#[derive(serde::Serialize)]
struct JsonReport<'a> {
    duration_ms: f64,
    billed_duration_ms: u64,
    memory_size_mb: u32,
    max_memory_used_mb: u32,
    init_duration_ms: Option<f64>,
    restore_duration_ms: Option<f64>,
    cold_start: bool,
    status: &'static str,
    error_type: Option<&'a str>,
}

impl<'a> JsonReport<'a> {
    fn from(r: &'a ReportLine<'a>) -> Self {
        Self {
            duration_ms: r.duration_ms,
            billed_duration_ms: r.billed_duration_ms,
            memory_size_mb: r.memory_size_mb,
            max_memory_used_mb: r.max_memory_used_mb,
            init_duration_ms: r.init_duration_ms,
            restore_duration_ms: r.restore_duration_ms(),
            cold_start: r.init_duration_ms.is_some() || r.restore_duration_ms().is_some(),
            status: status_word(r.status.unwrap_or(if r.error_type().is_some() {
                crate::lambda_log::PlatformStatus::Error
            } else {
                crate::lambda_log::PlatformStatus::Success
            })),
            error_type: r.error_type(),
        }
    }
}

/// Why a tail stopped before it was done.
#[derive(Debug, thiserror::Error)]
pub enum TailError {
    #[error("cannot read {poller}: {error}")]
    Source {
        poller: Poller,
        error: crate::message::SourceError,
    },
    #[error("cannot write the log lines: {0}")]
    Write(#[source] std::io::Error),
}

/// How often a quiet tail checks whether the reader of its output went away.
const READER_CHECK: std::time::Duration = std::time::Duration::from_secs(1);

/// Where the lines go: the writer, and a check that its reader went away (a pipe whose reading
/// end was closed), for a tail with nothing to write to find out.
pub struct Output<'a> {
    pub out: &'a mut dyn Write,
    pub reader_gone: &'a dyn Fn() -> bool,
}

/// Whether the reading end of the pipe `fd` writes to was closed (`| head` exited): the next
/// write would fail. `false` for a terminal or a file.
#[cfg(unix)]
pub fn reader_gone(fd: std::os::fd::BorrowedFd<'_>) -> bool {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut fds = [PollFd::new(fd, PollFlags::empty())];
    matches!(poll(&mut fds, PollTimeout::ZERO), Ok(n) if n > 0)
        && fds[0]
            .revents()
            .is_some_and(|r| r.intersects(PollFlags::POLLERR | PollFlags::POLLHUP))
}

/// Runs `source` into `store`, printing its log lines to `output` (notes and warnings to `err`)
/// until the source's first read is printed (or it ended), or for ever with `follow`, Ctrl-C or
/// a reader that went away.
pub async fn run(
    mut store: Store,
    source: Box<dyn Source>,
    opts: TailOptions,
    clock: SharedClock,
    output: Output<'_>,
    err: &mut dyn Write,
) -> Result<ExitCode, TailError> {
    let out = output.out;
    // With several Regions or profiles, the first read is done when every one's is (or failed).
    let mut reading = source.origins();
    let several = !reading.is_empty();
    store.set_origins(&reading);
    let (tx, mut rx) = mpsc::channel(64);
    let (_requests, requests) = watch::channel(Request::new(store.window()));
    source.start(SourceContext {
        updates: tx,
        requests,
        clock,
        once: false,
    });
    let follow = opts.follow;
    let mut printer = Printer::new(opts, store.region.clone());
    let mut said: Vec<String> = Vec::new();
    let mut failed = 0;
    let mut buf = Vec::new();
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    let mut check = tokio::time::interval(READER_CHECK);
    loop {
        let update = tokio::select! {
            u = rx.recv() => u,
            _ = &mut interrupted => return Ok(ExitCode::from(EXIT_INTERRUPTED)),
            _ = check.tick() => {
                if (output.reader_gone)() {
                    return Ok(ExitCode::SUCCESS);
                }
                continue;
            }
        };
        let Some(update) = update else { break };
        let mut done = false;
        match update.inner() {
            Update::Logs(block) => {
                buf.clear();
                printer.events(update.origin(), &block.pane, &mut buf);
                if !buf.is_empty() {
                    match out.write_all(&buf).and_then(|()| out.flush()) {
                        Ok(()) => {}
                        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                            return Ok(ExitCode::SUCCESS);
                        }
                        Err(e) => return Err(TailError::Write(e)),
                    }
                }
            }
            Update::Functions(functions) => {
                let glob = printer.opts.functions.as_ref();
                if !functions
                    .iter()
                    .any(|f| glob.is_none_or(|g| g.is_match(&f.name)))
                {
                    let text = match glob {
                        Some(g) => format!("no function is named like {}", g.glob()),
                        None => "no function is listed".to_string(),
                    };
                    let text = match update.origin().filter(|_| several) {
                        Some(o) => format!("{}: {text}", o.label()),
                        None => text,
                    };
                    say(err, &mut said, "note", &text);
                }
            }
            Update::Polled {
                poller: Poller::Logs,
                ..
            } if several => {
                reading.retain(|o| Some(o) != update.origin());
                done = !follow && reading.is_empty();
            }
            Update::Polled { poller, .. } => done = !follow && *poller == Poller::Logs,
            Update::Failed { poller, error, .. } => {
                let fatal = if several {
                    // One Region failing is a warning; the others read on. None read: a failure.
                    if matches!(poller, Poller::Logs | Poller::Discovery) {
                        let before = reading.len();
                        reading.retain(|o| Some(o) != update.origin());
                        failed += before - reading.len();
                        done = !follow && reading.is_empty();
                    }
                    failed == store.origins().count()
                } else {
                    let unlisted = *poller == Poller::Discovery && store.functions().len() == 0;
                    // `--live-tail on` where Live Tail is not available: nothing would come.
                    let live_required = *poller == Poller::Logs
                        && error.message.starts_with(live_tail::REQUIRED_UNAVAILABLE);
                    (!follow || live_required) && (*poller == Poller::Logs || unlisted)
                };
                if fatal {
                    return Err(TailError::Source {
                        poller: *poller,
                        error: error.clone(),
                    });
                }
                let place = match update.origin().filter(|_| several) {
                    Some(o) => format!("{}: ", o.label()),
                    None => String::new(),
                };
                say(
                    err,
                    &mut said,
                    "warning",
                    &format!("{place}cannot read {poller}: {error}"),
                );
            }
            Update::Notice { poller, notice } => {
                say(err, &mut said, "note", &format!("{poller}: {notice}"));
            }
            Update::Ended => done = true,
            _ => {}
        }
        store.apply(update);
        if done {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `lambdatop: KIND: text` to `err` once per distinct text (best effort: a closed
/// standard error must not end the tail).
fn say(err: &mut dyn Write, said: &mut Vec<String>, kind: &str, text: &str) {
    if said.iter().any(|s| s == text) {
        return;
    }
    if said.len() >= 64 {
        said.remove(0);
    }
    said.push(text.to_string());
    let _ = writeln!(err, "lambdatop: {kind}: {}", sanitize_lines(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn ev(function: &str, time: &str, message: &str) -> LogEvent {
        LogEvent {
            function: Arc::from(function),
            origin: Default::default(),
            timestamp: at(time),
            stream: Arc::from("2026/03/14/[$LATEST]abc"),
            message: message.to_string(),
            event_id: None,
        }
    }

    fn options(filter: &str, reports: Reports, format: TailFormat) -> TailOptions {
        TailOptions {
            functions: None,
            filter: LogFilter::parse(filter).unwrap(),
            reports,
            since: Some(at("2026-03-14T00:00:00Z")),
            follow: false,
            format,
            colour: false,
        }
    }

    fn printed(opts: TailOptions, events: &[LogEvent]) -> String {
        let mut p = Printer::new(opts, Some("eu-west-1".into()));
        let mut out = Vec::new();
        p.events(None, events, &mut out);
        String::from_utf8(out).unwrap()
    }

    const REPORT: &str = "REPORT RequestId: 1f2e Duration: 38.12 ms\tBilled Duration: 39 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 171.62 ms\tStatus: error\tError Type: TypeError\n";

    #[test]
    fn since_accepts_durations_and_times() {
        assert_eq!(
            parse_since("10m"),
            Ok(Since::Ago(chrono::Duration::minutes(10)))
        );
        assert_eq!(
            parse_since("90s"),
            Ok(Since::Ago(chrono::Duration::seconds(90)))
        );
        assert_eq!(parse_since("7d"), Ok(Since::Ago(chrono::Duration::days(7))));
        assert_eq!(
            parse_since("2026-03-14T09:30:00+01:00"),
            Ok(Since::At(at("2026-03-14T08:30:00Z")))
        );
        for bad in ["", "10", "m", "8d", "0m", "10y", "-5m", "1.5h"] {
            assert!(parse_since(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Since::DEFAULT.start(at("2026-03-14T10:00:00Z")),
            at("2026-03-14T09:50:00Z")
        );
    }

    #[test]
    fn text_lines_have_time_function_and_an_inert_message() {
        let events = [
            ev(
                "orders",
                "2026-03-14T09:00:00.5Z",
                "hello \x1b]0;pwned\x07 world\n",
            ),
            ev("orders", "2026-03-14T09:00:01Z", "Traceback:\n  File x\n"),
        ];
        let out = printed(options("", Reports::Raw, TailFormat::Text), &events);
        assert_eq!(
            out,
            "2026-03-14T09:00:00.500Z orders hello ␛]0;pwned␇ world\n\
             2026-03-14T09:00:01.000Z orders Traceback:\n    File x\n"
        );
    }

    #[test]
    fn reports_are_summarised_kept_or_hidden() {
        let events = [ev("orders", "2026-03-14T09:00:00Z", REPORT)];
        let summary = printed(options("", Reports::Summary, TailFormat::Text), &events);
        assert_eq!(
            summary,
            "2026-03-14T09:00:00.000Z orders REPORT 1f2e ✗ TypeError 38 ms 41/128 MB cold 172 ms \
             billed 39 ms\n"
        );
        let raw = printed(options("", Reports::Raw, TailFormat::Text), &events);
        assert!(raw.starts_with("2026-03-14T09:00:00.000Z orders REPORT RequestId: 1f2e"));
        assert_eq!(
            printed(options("", Reports::Hide, TailFormat::Text), &events),
            ""
        );
    }

    #[test]
    fn the_filter_language_and_since_select_lines() {
        let events = [
            ev("orders", "2026-03-13T23:59:59Z", "ERROR before since\n"),
            ev(
                "orders",
                "2026-03-14T09:00:00Z",
                "2026-03-14T09:00:00.000Z\t1f2e0000-0000-4000-8000-000000000001\tERROR\tboom\n",
            ),
            ev(
                "orders",
                "2026-03-14T09:00:01Z",
                "2026-03-14T09:00:01.000Z\t1f2e0000-0000-4000-8000-000000000001\tERROR\thealthcheck failed\n",
            ),
            ev(
                "orders",
                "2026-03-14T09:00:02Z",
                "2026-03-14T09:00:02.000Z\t1f2e0000-0000-4000-8000-000000000001\tINFO\tfine\n",
            ),
        ];
        let out = printed(
            options("level:error -healthcheck", Reports::Raw, TailFormat::Text),
            &events,
        );
        assert_eq!(
            out,
            "2026-03-14T09:00:00.000Z orders 2026-03-14T09:00:00.000Z 1f2e0000-0000-4000-8000-000000000001 ERROR boom\n"
        );
    }

    #[test]
    fn cold_follows_the_reports_of_the_same_read() {
        let events = [
            ev(
                "orders",
                "2026-03-14T09:00:00Z",
                "START RequestId: 1f2e Version: $LATEST\n",
            ),
            ev(
                "orders",
                "2026-03-14T09:00:00.1Z",
                "START RequestId: 9abc Version: $LATEST\n",
            ),
            ev("orders", "2026-03-14T09:00:01Z", REPORT),
        ];
        let out = printed(options("cold", Reports::Hide, TailFormat::Text), &events);
        assert_eq!(
            out,
            "2026-03-14T09:00:00.000Z orders START RequestId: 1f2e Version: $LATEST\n"
        );
    }

    #[test]
    fn json_lines_carry_every_key_and_the_parsed_report() {
        let events = [
            ev(
                "orders",
                "2026-03-14T09:00:00Z",
                "2026-03-14T09:00:00.000Z\t1f2e0000-0000-4000-8000-000000000001\tWARN\tslow \u{9b}31m\n",
            ),
            ev("orders", "2026-03-14T09:00:01Z", REPORT),
        ];
        // --reports summary prints a REPORT line's fields in JSON, its message as logged.
        let out = printed(options("", Reports::Summary, TailFormat::Jsonl), &events);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].contains("\\u009b31m"), "{}", lines[0]);
        let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(
            first,
            serde_json::json!({
                "time": "2026-03-14T09:00:00.000Z",
                "function": "orders",
                "region": "eu-west-1",
                "stream": "2026/03/14/[$LATEST]abc",
                "request_id": "1f2e0000-0000-4000-8000-000000000001",
                "level": "warn",
                "message": "2026-03-14T09:00:00.000Z\t1f2e0000-0000-4000-8000-000000000001\tWARN\tslow \u{9b}31m",
                "report": null,
                "account": null,
            })
        );
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["level"], "error");
        assert_eq!(
            second["report"],
            serde_json::json!({
                "duration_ms": 38.12,
                "billed_duration_ms": 39,
                "memory_size_mb": 128,
                "max_memory_used_mb": 41,
                "init_duration_ms": 171.62,
                "restore_duration_ms": null,
                "cold_start": true,
                "status": "error",
                "error_type": "TypeError",
            })
        );
    }

    #[test]
    fn a_line_from_a_source_of_several_names_its_region_and_account() {
        let events = [ev(
            "orders",
            "2026-03-14T09:00:00Z",
            "START RequestId: 1f2e Version: $LATEST\n",
        )];
        let prod = Origin::of(Some("prod"), Some("us-east-1"));
        let mut p = Printer::new(
            options("", Reports::Raw, TailFormat::Text),
            Some("eu-west-1".into()),
        );
        let mut out = Vec::new();
        p.events(Some(&prod), &events, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "2026-03-14T09:00:00.000Z prod/us-east-1/orders START RequestId: 1f2e Version: $LATEST\n"
        );
        let mut p = Printer::new(
            options("", Reports::Raw, TailFormat::Jsonl),
            Some("eu-west-1".into()),
        );
        let mut out = Vec::new();
        p.events(Some(&prod), &events, &mut out);
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(
            (&line["function"], &line["region"], &line["account"]),
            (
                &serde_json::json!("orders"),
                &serde_json::json!("us-east-1"),
                &serde_json::json!("prod")
            )
        );
    }

    #[test]
    fn colour_marks_levels_and_only_when_asked() {
        let events = [ev(
            "orders",
            "2026-03-14T09:00:00Z",
            "2026-03-14T09:00:00.000Z\t1f2e0000-0000-4000-8000-000000000001\tERROR\tboom\n",
        )];
        let mut opts = options("", Reports::Raw, TailFormat::Text);
        opts.colour = true;
        let out = printed(opts, &events);
        assert_eq!(
            out,
            "\x1b[2m2026-03-14T09:00:00.000Z\x1b[0m \x1b[36morders\x1b[0m \
             \x1b[31m2026-03-14T09:00:00.000Z 1f2e0000-0000-4000-8000-000000000001 ERROR boom\x1b[0m\n"
        );
    }
}

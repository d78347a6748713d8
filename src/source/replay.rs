//! `--replay FILE|-`: Lambda logs saved to a file or piped in, analysed without AWS.
//!
//! Accepted inputs, told apart by their first bytes:
//! - plain messages, one per line, as Lambda wrote them;
//! - `aws logs tail` / `sam logs` output (`<timestamp> <stream> <message>`, or a bare time);
//! - the JSON of `aws logs filter-log-events` / `get-log-events` (`events[]` with `message`,
//!   `timestamp`, `logStreamName`), whose messages may contain newlines;
//! - a CloudWatch Logs subscription payload (`logGroup`, `logEvents[]`);
//! - JSON lines, one exported event per line.
//!
//! The function is named by the log group when the input carries one (or by a custom log
//! group's stream name), else by `--function`, else by the file's stem. Time comes from the
//! input: the replay clock follows the newest event, so the window covers the log's own time.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::Deserialize;

use super::{Poller, Source, SourceContext, SourceKind};
use crate::clock::{Clock, ManualClock};
use crate::lambda_log::strip_viewer_prefix;
use crate::model::{FunctionConfig, LogEvent};
use crate::store::{SourceError, Update};

/// Events sent per update.
const BATCH: usize = 8192;

/// Where the replayed log comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayInput {
    Stdin,
    File(PathBuf),
}

impl ReplayInput {
    /// `-` is standard input.
    pub fn from_arg(path: PathBuf) -> Self {
        if path.as_os_str() == "-" {
            ReplayInput::Stdin
        } else {
            ReplayInput::File(path)
        }
    }

    /// The name a function gets when nothing in the input names it.
    fn fallback_name(&self) -> String {
        match self {
            ReplayInput::Stdin => "stdin".to_string(),
            ReplayInput::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "replay".to_string()),
        }
    }
}

/// The replay source. Its clock is the one the store reads: it moves to the newest event.
pub struct ReplaySource {
    input: ReplayInput,
    function: Option<String>,
    clock: Arc<ManualClock>,
}

impl ReplaySource {
    pub fn new(input: ReplayInput, function: Option<String>, clock: Arc<ManualClock>) -> Self {
        Self {
            input,
            function,
            clock,
        }
    }
}

impl Source for ReplaySource {
    fn kind(&self) -> SourceKind {
        SourceKind::Replay
    }

    fn region(&self) -> Option<String> {
        None
    }

    fn pollers(&self) -> Vec<Poller> {
        vec![Poller::Logs]
    }

    fn finite(&self) -> bool {
        true
    }

    fn start(self: Box<Self>, ctx: SourceContext) {
        let source = *self;
        tokio::task::spawn_blocking(move || {
            let fallback = source
                .function
                .clone()
                .unwrap_or_else(|| source.input.fallback_name());
            let mut sink = Sink::new(
                ctx.clone(),
                source.clock.clone(),
                source.function.clone(),
                fallback,
            );
            let result = match &source.input {
                ReplayInput::Stdin => read_events(std::io::stdin().lock(), &mut sink),
                ReplayInput::File(path) => match std::fs::File::open(path) {
                    Ok(f) => read_events(f, &mut sink),
                    Err(e) => Err(format!("cannot open {}: {e}", path.display())),
                },
            };
            let failed = result.is_err();
            if let Err(message) = result {
                sink.send(Update::Failed {
                    poller: Poller::Logs,
                    at: source.clock.now(),
                    error: SourceError::new(
                        message,
                        Some("--replay reads Lambda log lines, `aws logs tail` output or `aws logs filter-log-events` JSON."),
                    ),
                });
            }
            sink.finish(failed);
        });
    }
}

/// Collects events into batches and sends them with the clock moved to the newest.
struct Sink {
    ctx: SourceContext,
    clock: Arc<ManualClock>,
    /// `--function`: names every event.
    forced: Option<String>,
    fallback: Arc<str>,
    batch: Vec<LogEvent>,
    functions: Vec<Arc<str>>,
    newest: Option<DateTime<Utc>>,
    /// Time of the previous event, for lines that carry none.
    last_time: Option<DateTime<Utc>>,
    last_stream: Arc<str>,
    open: bool,
}

impl Sink {
    fn new(
        ctx: SourceContext,
        clock: Arc<ManualClock>,
        forced: Option<String>,
        fallback: String,
    ) -> Self {
        Self {
            ctx,
            clock,
            forced,
            fallback: Arc::from(fallback),
            batch: Vec::with_capacity(BATCH),
            functions: Vec::new(),
            newest: None,
            last_time: None,
            last_stream: Arc::from(""),
            open: true,
        }
    }

    fn send(&mut self, update: Update) {
        if self.open && self.ctx.updates.blocking_send(update).is_err() {
            self.open = false;
        }
    }

    /// The function an event belongs to: `--function`, the log group, a custom group's stream
    /// name, or the fallback.
    fn function_for(&mut self, group: Option<&str>, stream: Option<&str>) -> Arc<str> {
        let name = match (&self.forced, group, stream) {
            (Some(f), _, _) => f.as_str(),
            (None, Some(g), _) => g.strip_prefix("/aws/lambda/").unwrap_or(g),
            (None, None, Some(s)) => function_from_stream(s).unwrap_or(&self.fallback),
            (None, None, None) => &self.fallback,
        };
        if let Some(f) = self.functions.iter().find(|f| &***f == name) {
            return f.clone();
        }
        let f: Arc<str> = Arc::from(name);
        self.functions.push(f.clone());
        self.send(Update::Functions(vec![FunctionConfig::named(name)]));
        f
    }

    fn push(
        &mut self,
        function: Arc<str>,
        at: Option<DateTime<Utc>>,
        stream: Option<&str>,
        message: String,
        event_id: Option<String>,
    ) {
        let timestamp = at.or(self.last_time).unwrap_or_else(|| self.clock.now());
        self.last_time = Some(timestamp);
        self.newest = Some(self.newest.map_or(timestamp, |n| n.max(timestamp)));
        if let Some(s) = stream
            && *self.last_stream != *s
        {
            self.last_stream = Arc::from(s);
        }
        self.batch.push(LogEvent {
            function,
            timestamp,
            stream: self.last_stream.clone(),
            message,
            event_id,
        });
        if self.batch.len() >= BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        if let Some(n) = self.newest {
            self.clock.set(n);
        }
        let events = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.send(Update::Logs(events));
        let at = self.clock.now();
        self.send(Update::Polled {
            poller: Poller::Logs,
            at,
        });
    }

    fn finish(mut self, failed: bool) {
        self.flush();
        if !failed {
            let at = self.clock.now();
            self.send(Update::Polled {
                poller: Poller::Logs,
                at,
            });
        }
        self.send(Update::Ended);
    }
}

/// A custom log group's stream, `YYYY/MM/DD/<function>[<version>]<id>`, names its function.
fn function_from_stream(stream: &str) -> Option<&str> {
    let rest = stream.splitn(4, '/').nth(3)?;
    let name = &rest[..rest.find('[')?];
    (!name.is_empty()).then_some(name)
}

/// An exported event (`filter-log-events`, subscription payloads, JSON lines).
#[derive(Debug, Deserialize)]
struct ExportedEvent {
    message: String,
    #[serde(default)]
    timestamp: Option<i64>,
    #[serde(default, rename = "logStreamName")]
    log_stream_name: Option<String>,
    #[serde(default, rename = "logGroupName")]
    log_group_name: Option<String>,
    #[serde(default, rename = "eventId", alias = "id")]
    event_id: Option<String>,
}

/// `aws logs filter-log-events` output, or a subscription payload.
#[derive(Debug, Deserialize)]
struct ExportedDocument {
    #[serde(default)]
    events: Vec<ExportedEvent>,
    #[serde(default, rename = "logEvents")]
    log_events: Vec<ExportedEvent>,
    #[serde(default, rename = "logGroup")]
    log_group: Option<String>,
    #[serde(default, rename = "logStream")]
    log_stream: Option<String>,
}

fn read_events(input: impl Read, sink: &mut Sink) -> Result<(), String> {
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let first = reader
        .fill_buf()
        .map_err(|e| format!("cannot read the input: {e}"))?;
    let starts_json = first.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if starts_json {
        // A whole JSON document (filter-log-events output) or JSON lines.
        let mut text = String::new();
        reader
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the input as UTF-8 text: {e}"))?;
        if let Ok(doc) = serde_json::from_str::<ExportedDocument>(&text)
            && !(doc.events.is_empty() && doc.log_events.is_empty())
        {
            for e in doc.events.into_iter().chain(doc.log_events) {
                let group = e.log_group_name.as_deref().or(doc.log_group.as_deref());
                let stream = e.log_stream_name.as_deref().or(doc.log_stream.as_deref());
                push_exported(sink, e.message, e.timestamp, group, stream, e.event_id);
            }
            return Ok(());
        }
        for line in text.lines() {
            read_line(sink, line);
        }
        return Ok(());
    }
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => read_line(sink, &String::from_utf8_lossy(&buf)),
            Err(e) => return Err(format!("cannot read the input: {e}")),
        }
    }
}

fn push_exported(
    sink: &mut Sink,
    message: String,
    ts: Option<i64>,
    group: Option<&str>,
    stream: Option<&str>,
    event_id: Option<String>,
) {
    let at = ts.and_then(|ms| Utc.timestamp_millis_opt(ms).single());
    let function = sink.function_for(group, stream);
    sink.push(function, at, stream, message, event_id);
}

/// One line of text input: an exported event as JSON, or a message with an optional viewer prefix.
fn read_line(sink: &mut Sink, line: &str) {
    let line = line.trim_end_matches(['\n', '\r']);
    if line.trim().is_empty() {
        return;
    }
    if line.starts_with('{')
        && (line.contains("\"eventId\"")
            || line.contains("\"logStreamName\"")
            || line.contains("\"ingestionTime\""))
        && let Ok(e) = serde_json::from_str::<ExportedEvent>(line)
    {
        let (group, stream) = (e.log_group_name.clone(), e.log_stream_name.clone());
        push_exported(
            sink,
            e.message,
            e.timestamp,
            group.as_deref(),
            stream.as_deref(),
            e.event_id,
        );
        return;
    }
    let (prefix, message) = strip_viewer_prefix(line);
    let stream = prefix.and_then(|p| p.stream);
    let at = prefix
        .and_then(|p| p.timestamp)
        .or_else(|| message_time(message))
        .and_then(|t| parse_time(t, sink.last_time));
    let function = sink.function_for(None, stream);
    sink.push(function, at, stream, message.to_string(), None);
}

/// The timestamp a runtime wrote into an application line, found without a full parse:
/// `<time>\t<id>\t…` (Node.js, .NET, Java), `[LEVEL]\t<time>\t…` (Python),
/// `{"timestamp": …}` / `{"time": …}` (JSON format). Platform lines carry none.
fn message_time(message: &str) -> Option<&str> {
    let first = *message.as_bytes().first()?;
    match first {
        b'0'..=b'9' => first_field(message),
        b'[' => first_field(message.split_once('\t')?.1),
        b'{' => {
            let key = ["\"timestamp\":\"", "\"time\":\""]
                .into_iter()
                .find_map(|k| message.find(k).map(|i| i + k.len()))?;
            let rest = &message[key..];
            Some(&rest[..rest.find('"')?])
        }
        _ => None,
    }
}

/// Reads the timestamps viewers and runtimes write: RFC 3339, ISO without zone (UTC), with a
/// space instead of `T`, or a bare time of day (on the date of the previous event).
pub fn parse_time(s: &str, previous: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Some(t) = parse_lambda_time(s) {
        return Some(t);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), fmt) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    let time = NaiveTime::parse_from_str(s, "%H:%M:%S%.f").ok()?;
    let date = previous.map_or_else(
        || NaiveDate::from_ymd_opt(1970, 1, 1),
        |p| Some(p.date_naive()),
    )?;
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

fn first_field(s: &str) -> Option<&str> {
    s.split(['\t', ' ']).next().filter(|t| !t.is_empty())
}

/// The runtime's own format, `2024-02-09T08:42:44.078Z`, read digit by digit: it starts most
/// application lines, so it is worth a fast path.
fn parse_lambda_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 24
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
        || b[19] != b'.'
        || b[23] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let time =
        NaiveTime::from_hms_milli_opt(num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?)?;
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_of_custom_groups_name_the_function() {
        assert_eq!(
            function_from_stream("2024/03/05/orders-api[$LATEST]6e67a1"),
            Some("orders-api")
        );
        assert_eq!(function_from_stream("2024/03/05/[$LATEST]6e67a1"), None);
        assert_eq!(function_from_stream("nonsense"), None);
    }

    #[test]
    fn reads_the_timestamps_viewers_write() {
        let t = Utc.with_ymd_and_hms(2023, 7, 5, 10, 16, 34).unwrap()
            + chrono::Duration::milliseconds(686);
        assert_eq!(parse_time("2023-07-05T10:16:34.686000", None), Some(t));
        assert_eq!(parse_time("2023-07-05T10:16:34.686Z", None), Some(t));
        assert_eq!(
            parse_time("2023-07-05T10:16:34.686000+00:00", None),
            Some(t)
        );
        assert_eq!(parse_time("2023-07-05 10:16:34.686", None), Some(t));
        assert_eq!(
            parse_time("10:16:34.686", Some(t - chrono::Duration::hours(3))),
            Some(t)
        );
        assert_eq!(parse_time("not a time", None), None);
        assert_eq!(
            parse_time("2023-07-05T10:16:34.686Z", None),
            parse_lambda_time("2023-07-05T10:16:34.686Z")
        );
        assert_eq!(parse_lambda_time("2023-13-05T10:16:34.686Z"), None);
    }

    #[test]
    fn finds_the_time_in_application_lines() {
        assert_eq!(
            message_time("2024-02-09T08:42:44.078Z\tabc\tINFO\thi"),
            Some("2024-02-09T08:42:44.078Z")
        );
        assert_eq!(
            message_time("[INFO]\t2024-02-09T08:42:44.078Z\tabc\thi"),
            Some("2024-02-09T08:42:44.078Z")
        );
        assert_eq!(
            message_time(r#"{"time":"2024-02-09T08:42:44.078Z","type":"platform.start"}"#),
            Some("2024-02-09T08:42:44.078Z")
        );
        assert_eq!(message_time("REPORT RequestId: x"), None);
        assert_eq!(message_time(""), None);
    }
}

//! One block of replayed text → one [`BlockLine`] per event: the viewer prefix split off, the
//! time and stream the line carries, the function it names, and the message parsed. Pure; runs
//! on the worker threads.

use std::borrow::Cow;
use std::cell::Cell;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::Deserialize;

use super::repeats::{digest_id, id_digest};
use crate::analytics::FunctionAnalytics;
use crate::lambda_log::{
    LogLine, StartLine, parse, parse_unprefixed, quiet_runtime_line, report_line, start_line,
    strip_viewer_prefix,
};
use crate::message::{BlockLine, BlockLines, Exported, LineSource, LineTime};

/// An exported event (`filter-log-events`, subscription payloads, JSON lines).
#[derive(Debug, Deserialize)]
pub(super) struct ExportedEvent {
    pub message: String,
    #[serde(default)]
    pub timestamp: Option<i64>,
    #[serde(default, rename = "logStreamName")]
    pub log_stream_name: Option<String>,
    #[serde(default, rename = "logGroupName")]
    pub log_group_name: Option<String>,
    #[serde(default, rename = "eventId", alias = "id")]
    pub event_id: Option<String>,
}

/// A block line for an exported event; the event's own group and stream win over the document's.
pub(super) fn exported_line(
    e: ExportedEvent,
    group: Option<&str>,
    stream: Option<&str>,
    offset: u32,
) -> BlockLine<'static> {
    let group = e.log_group_name.as_deref().or(group);
    let stream = e.log_stream_name.or_else(|| stream.map(str::to_string));
    let named = match group {
        Some(g) => Some(g.strip_prefix("/aws/lambda/").unwrap_or(g).to_string()),
        None => stream
            .as_deref()
            .and_then(function_from_stream)
            .map(str::to_string),
    };
    let time = e
        .timestamp
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .and_then(plausible)
        .map_or(LineTime::Inherited, LineTime::At);
    BlockLine {
        offset,
        function: 0,
        time,
        started: false,
        source: LineSource::Exported(Box::new(Exported {
            stream,
            named,
            event_id: e.event_id,
        })),
        message: Cow::Owned(e.message),
        parsed: None,
        id_digest: None,
    }
}

/// Every event of `text` (whole lines): one per non-blank line.
#[cfg(test)]
fn parse_lines(text: &str) -> BlockLines<'_> {
    let mut lines = Vec::new();
    parse_lines_into(text, 0, &mut lines);
    lines
}

/// The events of `text` (whole lines) into `lines`.
///
/// Before `pane_at`, where the lines the log pane may show start, a line that nothing needs is
/// left out: the analytics do not fold it (`END`, ordinary application lines), and it names no
/// stream or function. When such a line carries a time, the next line that would take on that
/// time carries it instead; when there is none (the next line has a time of its own, or the
/// block ends), it is kept. Either way every kept line has the time it would have had, and no
/// time is lost. A block keeps the first line it could leave out, so that the function such
/// lines belong to is known even when no other line is its. A `START` right before its
/// `REPORT` is left out too, the `REPORT` standing for both (see [`OpenStart`]).
pub(super) fn parse_lines_into<'a>(text: &'a str, pane_at: usize, lines: &mut BlockLines<'a>) {
    lines.reserve(text.len() / 64);
    let mut left_out = LeftOut::default();
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes())
        .chain((!text.ends_with('\n')).then_some(text.len()))
    {
        let line = &text[start..end];
        let offset = u32::try_from(start).unwrap_or(u32::MAX);
        let shown = start >= pane_at;
        start = end + 1;
        push_line(lines, &mut left_out, line, offset, shown);
    }
    left_out.keep_start(lines);
    if let Some(t) = left_out.timed {
        t.keep(lines);
    }
}

/// What a block has left out so far.
#[derive(Default)]
struct LeftOut<'a> {
    /// The last line left out, when the next kept line may take on its time.
    timed: Option<Timed<'a>>,
    /// Whether the block kept the first line it could have left out.
    kept_first: bool,
    /// The `START` held back, while it may still be left out with its `REPORT`.
    start: Option<OpenStart<'a>>,
}

impl<'a> LeftOut<'a> {
    /// Leaves out a line with a time: the line left out before it with one is kept, as no line
    /// took on its time.
    fn leave_out(&mut self, lines: &mut BlockLines<'a>, line: Timed<'a>) {
        if let Some(t) = self.timed.replace(line) {
            t.keep(lines);
        }
    }

    /// Keeps the `START` held back, if any.
    fn keep_start(&mut self, lines: &mut BlockLines<'a>) {
        if let Some(start) = self.start.take() {
            start.keep(lines);
        }
    }
}

/// A `START` line held back: when its invocation's `REPORT` comes next in the same block (no
/// line kept between them), the `REPORT` stands for both ([`BlockLine::started`]): the `START`
/// itself need not travel further. Otherwise it is kept, in its place. Only a line that takes on
/// the time of the line before it (and gives none to the lines after it) and that the pane does
/// not show is held back: its time is then the time the `REPORT` finds before its own.
struct OpenStart<'a> {
    /// Its place among the block's lines, were it kept.
    index: usize,
    offset: u32,
    message: &'a str,
    stream: Option<&'a str>,
    line: StartLine<'a>,
}

impl<'a> OpenStart<'a> {
    /// Keeps the line after all, in its place.
    fn keep(self, lines: &mut BlockLines<'a>) {
        lines.insert(
            self.index,
            BlockLine {
                offset: self.offset,
                function: 0,
                time: LineTime::Inherited,
                started: false,
                source: said(self.stream),
                message: Cow::Borrowed(self.message),
                id_digest: Some(digest_id(&self.line.request_id)),
                parsed: Some(LogLine::Start(self.line)),
            },
        );
    }
}

/// A line left out but for its time, which the next line that takes on a time carries. It
/// names no stream (or it would be kept). Its message is parsed again when it is kept after all,
/// which few are: carrying the parsed line along would cost every line left out a copy of it.
struct Timed<'a> {
    message: &'a str,
    offset: u32,
    time: LineTime,
    /// Whether a viewer prefix was split off the line.
    prefixed: bool,
}

impl<'a> Timed<'a> {
    /// Keeps the line after all: no line carried its time.
    fn keep(self, lines: &mut BlockLines<'a>) {
        let parsed = parse_message(self.prefixed, self.message);
        lines.push(BlockLine {
            offset: self.offset,
            function: 0,
            time: self.time,
            started: false,
            source: LineSource::Unsaid,
            message: Cow::Borrowed(self.message),
            id_digest: id_digest(&parsed),
            parsed: Some(parsed),
        });
    }
}

/// Parses a line straight from CloudWatch (see `plain` in [`push_line`]).
fn plain_line(line: &str) -> LogLine<'_> {
    let parsed = match line.as_bytes().first() {
        Some(b'R') => report_line(line).map(LogLine::Report),
        Some(b'S') => start_line(line).map(LogLine::Start),
        _ => None,
    };
    parsed.unwrap_or_else(|| parse_unprefixed(line))
}

/// Parses the message of a line, after its viewer prefix when there was one: a second look for
/// a prefix finds nothing when the first found nothing.
fn parse_message(prefixed: bool, message: &str) -> LogLine<'_> {
    if prefixed {
        parse(message)
    } else {
        parse_unprefixed(message)
    }
}

/// One line of text input: an exported event as JSON, or a message with an optional viewer
/// prefix. Nothing for a blank line; see [`parse_lines_into`] for the lines left out.
fn push_line<'a>(
    lines: &mut BlockLines<'a>,
    left_out: &mut LeftOut<'a>,
    line: &'a str,
    offset: u32,
    shown: bool,
) {
    let line = match line.as_bytes().last() {
        Some(b'\n' | b'\r') => line.trim_end_matches(['\n', '\r']),
        _ => line,
    };
    // Most lines start with a visible character: no need to look further for one.
    let visible = line
        .as_bytes()
        .first()
        .is_some_and(|b| b.is_ascii_graphic());
    if !visible && line.trim().is_empty() {
        return;
    }
    if line.starts_with('{')
        && (line.contains("\"eventId\"")
            || line.contains("\"logStreamName\"")
            || line.contains("\"ingestionTime\""))
        && let Ok(e) = serde_json::from_str::<ExportedEvent>(line)
    {
        let mut line = exported_line(e, None, None, offset);
        line.time = take_time(lines, left_out, line.time);
        // Parsed later, by the store: it may be about the open invocation.
        left_out.keep_start(lines);
        lines.push(line);
        return;
    }
    // Most lines are messages straight from CloudWatch: no prefix to look for.
    let plain = match line.as_bytes()[0] {
        b'{' => true,
        b'R' => starts_with(line, b"REPORT RequestId:"),
        b'S' => starts_with(line, b"START RequestId:"),
        b'E' => starts_with(line, b"END RequestId:"),
        _ => false,
    };
    // An `END` line folds nothing and carries no time: once the block has kept the first line
    // it could leave out, one the pane does not show is left out unparsed.
    if plain && !shown && left_out.kept_first && is_end_line(line) {
        return;
    }
    // Most other lines are the runtime's own, below ERROR: once the block has kept the first
    // line it could leave out, one the pane does not show is left out but for its time, without
    // the general parser (which reads it alike).
    if !plain
        && !shown
        && left_out.kept_first
        && let Some(time) = quiet_runtime_line(line).map(line_time)
    {
        match time {
            LineTime::Inherited => return,
            LineTime::At(_) => {
                left_out.leave_out(
                    lines,
                    Timed {
                        message: line,
                        offset,
                        time,
                        prefixed: false,
                    },
                );
                return;
            }
            LineTime::Clock(_) | LineTime::Yearless(_) => {}
        }
    }
    let (prefix, message) = if plain {
        (None, line)
    } else {
        strip_viewer_prefix(line)
    };
    let stream = prefix.and_then(|p| p.stream);
    let time = prefix
        .and_then(|p| p.timestamp)
        .or_else(|| message_time(message))
        .map_or(LineTime::Inherited, line_time);
    let parsed = match plain {
        // The lines most logs are made of, read without choosing a parser first.
        true => plain_line(line),
        false => parse_message(prefix.is_some(), message),
    };
    let needed = shown || stream.is_some() || FunctionAnalytics::folds(&parsed);
    // The block's first line that could be left out is kept.
    if !needed && std::mem::replace(&mut left_out.kept_first, true) {
        match time {
            LineTime::Inherited => return,
            LineTime::At(_) => {
                let timed = Timed {
                    message,
                    offset,
                    time,
                    prefixed: prefix.is_some(),
                };
                left_out.leave_out(lines, timed);
                return;
            }
            LineTime::Clock(_) | LineTime::Yearless(_) => {}
        }
    }
    let time = take_time(lines, left_out, time);
    let started = match pair(
        lines,
        left_out,
        &parsed,
        (offset, message),
        time,
        stream,
        shown,
    ) {
        Paired::HeldBack => return,
        Paired::Alone => false,
        Paired::WithItsStart => true,
    };
    lines.push(BlockLine {
        offset,
        function: 0,
        time,
        started,
        source: said(stream),
        message: Cow::Borrowed(message),
        id_digest: id_digest(&parsed),
        parsed: Some(parsed),
    });
}

/// What [`pair`] made of a line about to be kept.
enum Paired {
    /// A `START`, held back (see [`OpenStart`]).
    HeldBack,
    /// Any other line: kept as it is.
    Alone,
    /// A `REPORT` that stands for the `START` held back before it, too.
    WithItsStart,
}

/// Before `parsed` is kept: holds a `START` back, or leaves out the one held back when this is
/// its `REPORT` and no line was kept since (see [`OpenStart`]). Any other line about an
/// invocation (a timeout, a crash, the runtime's end) keeps the one held back.
fn pair<'a>(
    lines: &mut BlockLines<'a>,
    left_out: &mut LeftOut<'a>,
    parsed: &LogLine<'a>,
    (offset, message): (u32, &'a str),
    time: LineTime,
    stream: Option<&'a str>,
    shown: bool,
) -> Paired {
    match parsed {
        LogLine::Start(
            line @ StartLine {
                request_id: Cow::Borrowed(_),
                ..
            },
        ) if time == LineTime::Inherited && !shown => {
            left_out.keep_start(lines);
            left_out.start = Some(OpenStart {
                index: lines.len(),
                offset,
                message,
                stream,
                // Borrowed: no copy of the text.
                line: line.clone(),
            });
            return Paired::HeldBack;
        }
        LogLine::Report(report) => {
            if let Some(open) = left_out.start.take() {
                if open.index == lines.len()
                    && open.line.request_id == report.request_id
                    && open.stream == stream
                {
                    return Paired::WithItsStart;
                }
                open.keep(lines);
            }
        }
        LogLine::Start(_) | LogLine::Timeout(_) | LogLine::Crash(_) | LogLine::RuntimeDone(_) => {
            left_out.keep_start(lines)
        }
        _ => {}
    }
    Paired::Alone
}

/// Whether `line` is an `END` line with a request id, which the parser reads as
/// [`LogLine::End`] whatever follows the id.
fn is_end_line(line: &str) -> bool {
    const END: &[u8; 14] = b"END RequestId:";
    starts_with(line, END) && !line[END.len()..].trim_start().is_empty()
}

/// Whether `line` starts with `prefix`: compared as one fixed-size array, without a call.
fn starts_with<const N: usize>(line: &str, prefix: &[u8; N]) -> bool {
    line.as_bytes().first_chunk::<N>() == Some(prefix)
}

/// The time of a kept line that carries `time`: a line without one takes on the time of the
/// line left out before it; otherwise that line is kept.
fn take_time<'a>(
    lines: &mut BlockLines<'a>,
    left_out: &mut LeftOut<'a>,
    time: LineTime,
) -> LineTime {
    match (time, left_out.timed.take()) {
        (LineTime::Inherited, Some(t)) => t.time,
        (time, t) => {
            if let Some(t) = t {
                t.keep(lines);
            }
            time
        }
    }
}

/// Where a line of text says it comes from: the stream in front of it, if any.
fn said(stream: Option<&str>) -> LineSource<'_> {
    stream.map_or(LineSource::Unsaid, LineSource::Stream)
}

/// The function a line names: an exported event's (by its log group or stream), or that of the
/// stream in front of a line of text.
pub(super) fn named<'l>(line: &'l BlockLine<'_>) -> Option<&'l str> {
    match &line.source {
        LineSource::Unsaid => None,
        LineSource::Stream(s) => function_from_stream(s),
        LineSource::Exported(e) => e.named.as_deref(),
    }
}

/// A custom log group's stream, `YYYY/MM/DD/<function>[<version>]<id>`, names its function.
pub(super) fn function_from_stream(stream: &str) -> Option<&str> {
    let rest = stream.splitn(4, '/').nth(3)?;
    let name = &rest[..rest.find('[')?];
    (!name.is_empty()).then_some(name)
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
/// space instead of `T`, or a bare time of day. Anything else is no time at all.
/// A date outside [`PLAUSIBLE_YEARS`] is no time either.
pub(super) fn line_time(s: &str) -> LineTime {
    // The runtime's own format is most times, and has no space around it to trim.
    if let Some(t) = parse_lambda_time(s) {
        return plausible(t).map_or(LineTime::Inherited, LineTime::At);
    }
    let s = s.trim();
    if let Some(t) = parse_lambda_time(s) {
        return plausible(t).map_or(LineTime::Inherited, LineTime::At);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return plausible(t.with_timezone(&Utc)).map_or(LineTime::Inherited, LineTime::At);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), fmt) {
            return plausible(Utc.from_utc_datetime(&t)).map_or(LineTime::Inherited, LineTime::At);
        }
    }
    // Syslog's month and day without a year, read in a leap year so that 29 Feb is one.
    if let Ok(t) = NaiveDateTime::parse_from_str(&format!("2000 {s}"), "%Y %b %d %H:%M:%S%.f") {
        return LineTime::Yearless(t);
    }
    // 24-hour, then 12-hour clocks (`7:12:32 PM` is 19:12:32).
    ["%H:%M:%S%.f", "%I:%M:%S%.f %p"]
        .into_iter()
        .find_map(|fmt| NaiveTime::parse_from_str(s, fmt).ok())
        .map_or(LineTime::Inherited, LineTime::Clock)
}

/// Years a log line's time may have: from the Unix epoch to the last year RFC 3339 can write.
/// A replay has no "now" to compare with; a time outside these is a misread number, not a
/// time (and would make the window unprintable).
const PLAUSIBLE_YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// `t`, when its year is [`PLAUSIBLE_YEARS`].
fn plausible(t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // The UTC date as held, read without `DateTime::year`'s offset arithmetic (once a line).
    PLAUSIBLE_YEARS.contains(&t.naive_utc().year()).then_some(t)
}

/// A bare time of day on the date of `previous` (1970-01-01 when there is none), or on the day
/// after when the clock went back by more than half a day: the log crossed midnight
/// (`23:59:58` then `00:00:03`), and its times stay in order.
pub(super) fn on_date_of(previous: Option<DateTime<Utc>>, time: NaiveTime) -> DateTime<Utc> {
    let mut date = previous.map_or(NaiveDate::default(), |p| p.date_naive());
    if let Some(p) = previous
        && p.time() - time > chrono::TimeDelta::hours(12)
    {
        date = date.succ_opt().unwrap_or(date);
    }
    Utc.from_utc_datetime(&date.and_time(time))
}

/// A date and time without a year in the year of `previous` — the next year when that would put
/// it more than half a year before it (the log crossed New Year). Without a previous event, the
/// latest year that does not put it after `now` (as syslog's readers do).
pub(super) fn in_year_of(
    previous: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    t: NaiveDateTime,
) -> DateTime<Utc> {
    let at = |year: i32| {
        NaiveDate::from_ymd_opt(year, t.month(), t.day())
            .map(|d| Utc.from_utc_datetime(&d.and_time(t.time())))
    };
    let (anchor, forward) = match previous {
        Some(p) => (p, true),
        None => (now, false),
    };
    let year = anchor.year();
    let same = at(year);
    let picked = match same {
        Some(s) if forward && anchor - s > chrono::TimeDelta::days(182) => at(year + 1),
        Some(s) if !forward && s > anchor => at(year - 1),
        other => other,
    };
    // 29 February of a year without one: the day before.
    picked
        .or(same)
        .unwrap_or_else(|| anchor.with_time(t.time()).single().unwrap_or(anchor))
}

fn first_field(s: &str) -> Option<&str> {
    let end = memchr::memchr2(b'\t', b' ', s.as_bytes()).unwrap_or(s.len());
    (end > 0).then(|| &s[..end])
}

thread_local! {
    /// The date [`parse_lambda_time`] read last, and its text.
    static LAST_DATE: Cell<Option<([u8; 10], NaiveDate)>> = const { Cell::new(None) };
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
    // The lines of a log share a few dates: the last one read is kept with its text.
    let text: [u8; 10] = b[..10].try_into().ok()?;
    let date = match LAST_DATE.with(Cell::get) {
        Some((last, date)) if last == text => date,
        _ => {
            let date = NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
            LAST_DATE.with(|d| d.set(Some((text, date))));
            date
        }
    };
    let time =
        NaiveTime::from_hms_milli_opt(num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?)?;
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn exported_times_outside_the_plausible_years_are_no_time() {
        let time = |ms: i64| {
            let e: ExportedEvent =
                serde_json::from_str(&format!(r#"{{"message": "m", "timestamp": {ms}}}"#)).unwrap();
            exported_line(e, None, None, 0).time
        };
        // Milliseconds of the year 82269, before the epoch, and at the edges.
        assert_eq!(time(2_534_023_007_999_999), LineTime::Inherited);
        assert_eq!(time(253_402_300_800_000), LineTime::Inherited); // 10000-01-01
        assert_eq!(time(-1), LineTime::Inherited);
        assert_eq!(time(0), LineTime::At(DateTime::UNIX_EPOCH));
        assert_eq!(
            time(253_402_300_799_999),
            LineTime::At(at("9999-12-31T23:59:59.999Z"))
        );
    }

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
        let t = LineTime::At(at("2023-07-05T10:16:34.686Z"));
        assert_eq!(line_time("2023-07-05T10:16:34.686000"), t);
        assert_eq!(line_time("2023-07-05T10:16:34.686Z"), t);
        assert_eq!(line_time("2023-07-05T10:16:34.686000+00:00"), t);
        assert_eq!(line_time("2023-07-05 10:16:34.686"), t);
        assert_eq!(line_time("not a time"), LineTime::Inherited);
        assert_eq!(
            line_time("2023-07-05T10:16:34.686Z"),
            LineTime::At(parse_lambda_time("2023-07-05T10:16:34.686Z").unwrap())
        );
        assert_eq!(parse_lambda_time("2023-13-05T10:16:34.686Z"), None);
        // Years a log cannot have are no time at all.
        assert_eq!(line_time("0001-01-01T00:00:00.000Z"), LineTime::Inherited);
        assert_eq!(line_time("1969-12-31T23:59:59Z"), LineTime::Inherited);
        assert_eq!(line_time("0200-07-05 10:16:34.686"), LineTime::Inherited);
        assert_eq!(
            line_time("1970-01-01T00:00:00.000Z"),
            LineTime::At(DateTime::UNIX_EPOCH)
        );
        assert_eq!(
            line_time("9999-12-31T23:59:59Z"),
            LineTime::At(at("9999-12-31T23:59:59Z"))
        );

        let LineTime::Clock(clock) = line_time("10:16:34.686") else {
            panic!("a bare time of day");
        };
        assert_eq!(
            on_date_of(Some(at("2023-07-05T07:00:00Z")), clock),
            at("2023-07-05T10:16:34.686Z")
        );
        assert_eq!(on_date_of(None, clock), at("1970-01-01T10:16:34.686Z"));
    }

    #[test]
    fn syslog_dates_take_the_year_of_the_line_before() {
        let LineTime::Yearless(t) = line_time("May  1 23:59:58.500") else {
            panic!("a date without a year");
        };
        let now = at("2026-03-14T15:26:30Z");
        // The first line: the latest year that is not after now.
        assert_eq!(in_year_of(None, now, t), at("2025-05-01T23:59:58.500Z"));
        let LineTime::Yearless(march) = line_time("Mar 14 09:00:00") else {
            panic!("a date without a year");
        };
        assert_eq!(in_year_of(None, now, march), at("2026-03-14T09:00:00Z"));
        // Later lines: the previous line's year, the next one across New Year.
        let previous = at("2024-04-30T10:00:00Z");
        assert_eq!(
            in_year_of(Some(previous), now, t),
            at("2024-05-01T23:59:58.500Z")
        );
        let LineTime::Yearless(january) = line_time("Jan  2 00:00:01") else {
            panic!("a date without a year");
        };
        assert_eq!(
            in_year_of(Some(at("2024-12-31T23:59:59Z")), now, january),
            at("2025-01-02T00:00:01Z")
        );
        // Through the prefix, as a replay reads a line.
        let (prefix, message) =
            crate::lambda_log::strip_viewer_prefix("May  1 23:59:58.500 REPORT RequestId: a");
        assert_eq!(message, "REPORT RequestId: a");
        assert_eq!(
            prefix.and_then(|p| p.timestamp).map(line_time),
            Some(LineTime::Yearless(t))
        );
    }

    #[test]
    fn twelve_hour_and_dated_prefixes_and_midnight() {
        let clock = |s: &str| match line_time(s) {
            LineTime::Clock(c) => c,
            other => panic!("{s}: {other:?}"),
        };
        // `7:12:32 PM` is 19:12:32, `12:05:00 AM` five past midnight.
        assert_eq!(
            clock("7:12:32 PM"),
            NaiveTime::from_hms_opt(19, 12, 32).unwrap()
        );
        assert_eq!(
            clock("7:12:32 AM"),
            NaiveTime::from_hms_opt(7, 12, 32).unwrap()
        );
        assert_eq!(
            clock("12:05:00 AM"),
            NaiveTime::from_hms_opt(0, 5, 0).unwrap()
        );
        assert_eq!(
            line_time("2024-05-01 12:00:00"),
            LineTime::At(at("2024-05-01T12:00:00Z"))
        );
        assert_eq!(
            line_time("2024/05/01 23:59:58.250"),
            LineTime::At(at("2024-05-01T23:59:58.250Z"))
        );
        assert_eq!(
            line_time("2024-05-01T12:00:00+02:00"),
            LineTime::At(at("2024-05-01T10:00:00Z"))
        );
        // A bare clock that goes back past midnight is on the next day; a line a few seconds
        // out of order is not.
        let late = at("2024-05-01T23:59:58Z");
        assert_eq!(
            on_date_of(Some(late), clock("00:00:03")),
            at("2024-05-02T00:00:03Z")
        );
        assert_eq!(
            on_date_of(Some(late), clock("23:59:50")),
            at("2024-05-01T23:59:50Z")
        );
        // Through the prefix, as a replay reads a line.
        let (prefix, message) =
            crate::lambda_log::strip_viewer_prefix("7:12:32 PM: START RequestId: a Version: 1");
        assert_eq!(message, "START RequestId: a Version: 1");
        assert_eq!(
            prefix.and_then(|p| p.timestamp).map(line_time),
            Some(LineTime::Clock(
                NaiveTime::from_hms_opt(19, 12, 32).unwrap()
            ))
        );
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

    #[test]
    fn lines_of_a_block() {
        let text = "START RequestId: a-1 Version: 1\n\n2024/03/05/orders[$LATEST]ab 2024-03-05T10:00:00.000Z REPORT RequestId: a-1\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\r\n{\"message\":\"hi\",\"timestamp\":0,\"logStreamName\":\"s\",\"logGroupName\":\"/aws/lambda/f\"}";
        let lines = parse_lines(text);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].time, LineTime::Inherited);
        assert!(named(&lines[0]).is_none());
        assert_eq!(named(&lines[1]), Some("orders"));
        assert_eq!(lines[1].time, LineTime::At(at("2024-03-05T10:00:00Z")));
        assert!(lines[1].message.starts_with("REPORT"));
        assert!(matches!(
            lines[1].parsed,
            Some(crate::lambda_log::LogLine::Report(_))
        ));
        assert_eq!(&text[lines[1].offset as usize..][..10], "2024/03/05");
        assert_eq!(named(&lines[2]), Some("f"));
        assert_eq!(lines[2].message, "hi");
        assert!(lines[2].parsed.is_none());
    }

    #[test]
    fn lines_nothing_needs_are_left_out_and_their_time_carried() {
        let id = "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
        let report = format!(
            "REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\
             Memory Size: 128 MB\tMax Memory Used: 40 MB"
        );
        let text = format!(
            "START RequestId: {id} Version: $LATEST\n\
             2024-02-09T08:42:44.078Z\t{id}\tINFO\thello\n\
             END RequestId: {id}\n\
             {report}\n\
             2024-02-09T08:42:44.500Z\t{id}\tINFO\tagain\n\
             END RequestId: {id}\n\
             {report}\n\
             2024-02-09T08:42:45.000Z\t{id}\tINFO\tafter\n\
             2024-02-09T08:42:46.000Z\t{id}\tERROR\tfailed\n\
             2024-02-09T08:42:47.000Z\t{id}\tINFO\tlast\n"
        );
        let kinds = |pane_at: usize| -> Vec<(String, LineTime)> {
            let mut lines = Vec::new();
            parse_lines_into(&text, pane_at, &mut lines);
            lines
                .iter()
                .map(|l| (l.message.chars().take(12).collect(), l.time))
                .collect()
        };
        let t = |s: &str| LineTime::At(at(s));
        // Nothing is left out of the pane's lines.
        assert_eq!(kinds(0).len(), 10);
        assert_eq!(
            kinds(usize::MAX),
            [
                ("START Reques".to_string(), LineTime::Inherited),
                // The first line that could be left out is kept; the END after it is not.
                ("2024-02-09T0".to_string(), t("2024-02-09T08:42:44.078Z")),
                ("REPORT Reque".to_string(), LineTime::Inherited),
                // The next INFO line and END are left out; REPORT carries the INFO line's time.
                ("REPORT Reque".to_string(), t("2024-02-09T08:42:44.500Z")),
                // Followed by a line with a time of its own: kept.
                ("2024-02-09T0".to_string(), t("2024-02-09T08:42:45.000Z")),
                ("2024-02-09T0".to_string(), t("2024-02-09T08:42:46.000Z")),
                // The block's last line: kept.
                ("2024-02-09T0".to_string(), t("2024-02-09T08:42:47.000Z")),
            ]
        );
    }

    #[test]
    fn a_start_right_before_its_report_is_left_out_for_it() {
        let (a, b) = (
            "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
            "0c1d2e3f-2b4d-4e6f-8a9b-8f5e3c1a4a5b",
        );
        let start = |id: &str| format!("START RequestId: {id} Version: $LATEST\n");
        let report = |id: &str| {
            format!(
                "REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\
                 Memory Size: 128 MB\tMax Memory Used: 40 MB\n"
            )
        };
        let app = |id: &str| format!("2024-02-09T08:42:44.078Z\t{id}\tINFO\thello\n");
        let kept = |text: &str, pane_at: usize| -> Vec<String> {
            let mut lines = Vec::new();
            parse_lines_into(text, pane_at, &mut lines);
            lines
                .iter()
                .map(|l| {
                    let word = l.message.split_whitespace().next().unwrap();
                    match l.started {
                        true => format!("{word}+START"),
                        false => word.to_string(),
                    }
                })
                .collect()
        };
        // With an application line and END between them, left out: the REPORT stands for both.
        let paired = format!(
            "{}{}{}END RequestId: {a}\n{}",
            app(b),
            start(a),
            app(a),
            report(a)
        );
        assert_eq!(
            kept(&paired, usize::MAX),
            ["2024-02-09T08:42:44.078Z", "REPORT+START"]
        );
        // Shown in the pane: kept.
        assert_eq!(kept(&paired, 0).len(), 5);
        // A line kept between them (the block's first that could be left out): kept.
        let apart = format!("{}{}{}{}", start(a), app(a), app(a), report(a));
        assert_eq!(
            kept(&apart, usize::MAX),
            ["START", "2024-02-09T08:42:44.078Z", "REPORT"]
        );
        // A timeout between them: kept, and the timeout is its.
        let timed_out = format!(
            "{}2024-02-09T08:42:47.000Z {a} Task timed out after 3.00 seconds\n{}",
            start(a),
            report(a)
        );
        assert_eq!(
            kept(&timed_out, usize::MAX),
            ["START", "2024-02-09T08:42:47.000Z", "REPORT"]
        );
        // Another invocation's REPORT between them: both STARTs kept but the second's.
        let interleaved = format!("{}{}{}{}", start(a), start(b), report(b), report(a));
        assert_eq!(
            kept(&interleaved, usize::MAX),
            ["START", "REPORT+START", "REPORT"]
        );
        let crossed = format!("{}{}{}{}", start(a), report(b), start(b), report(a));
        assert_eq!(
            kept(&crossed, usize::MAX),
            ["START", "REPORT", "START", "REPORT"]
        );
        // A START with a time of its own gives it to the lines after it: kept.
        let tail = "2024-02-09T08:42:40.000000+00:00 2024/02/09/orders[$LATEST]0a1b2c";
        let own_time = format!("{tail} {}{tail} {}", start(a), report(a));
        assert_eq!(kept(&own_time, usize::MAX), ["START", "REPORT"]);
        // Without times, in one stream: taken out.
        let own_stream = own_time.replace("2024-02-09T08:42:40.000000+00:00 ", "");
        assert_eq!(kept(&own_stream, usize::MAX), ["REPORT+START"]);
        // Its REPORT in the next block: kept.
        assert_eq!(kept(&start(a), usize::MAX), ["START"]);
    }

    #[test]
    fn lines_left_out_then_kept_are_parsed_as_their_messages() {
        let id = "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
        let text = format!(
            "START RequestId: {id} Version: $LATEST\n\
             2024-02-09T08:42:44.078Z\t{id}\tINFO\thello\n\
             END RequestId: {id}\n\
             END RequestId:   \n\
             2024-05-01 12:00:00 2024-05-01T12:00:00.000Z\t{id}\tINFO\tprefixed\n\
             2024-05-01 12:00:01 INFO last\n"
        );
        let mut lines = Vec::new();
        parse_lines_into(&text, usize::MAX, &mut lines);
        let kept: Vec<_> = lines.iter().map(|l| &*l.message).collect();
        assert_eq!(
            kept,
            [
                format!("START RequestId: {id} Version: $LATEST").as_str(),
                format!("2024-02-09T08:42:44.078Z\t{id}\tINFO\thello").as_str(),
                // Followed by a line with a time of its own: kept.
                format!("2024-05-01T12:00:00.000Z\t{id}\tINFO\tprefixed").as_str(),
                // The block's last line, after its viewer's time.
                "INFO last",
            ]
        );
        for line in &lines {
            assert_eq!(line.parsed.as_ref(), Some(&parse(&line.message)));
        }
        assert!(matches!(lines[3].parsed, Some(LogLine::App(_))));
    }

    #[test]
    fn plain_lines_are_read_as_the_parser_reads_them() {
        let id = "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
        for line in [
            format!("START RequestId: {id} Version: $LATEST"),
            format!("START RequestId: {id}"),
            "START RequestId:".to_string(),
            "START RequestId:  ".to_string(),
            "STARTING now".to_string(),
            format!(
                "REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\t\
                 Memory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 2.50 ms\t"
            ),
            format!("REPORT RequestId: {id} Duration: 1.00 ms Billed Duration: 1 ms Memory Size: 128 MB Max Memory Used: 40 MB"),
            format!("REPORT RequestId: {id}\tDuration: 1.00 ms"),
            "REPORT".to_string(),
            "RESTORE_START Runtime Version: java:21.v9".to_string(),
            "RequestId: a-1 Error: Runtime exited with error: exit status 1".to_string(),
            format!("END RequestId: {id}"),
            r#"{"time":"2024-02-09T08:42:44.078Z","type":"platform.start","record":{"requestId":"a"}}"#.to_string(),
        ] {
            assert_eq!(plain_line(&line), parse(&line), "{line}");
        }
    }

    #[test]
    fn only_end_lines_with_a_request_id_are_left_out_unparsed() {
        assert!(is_end_line("END RequestId: 8f5e3c1a"));
        assert!(is_end_line("END RequestId:\tid REPORT RequestId: other"));
        assert!(!is_end_line("END RequestId:"));
        assert!(!is_end_line("END RequestId:  \t "));
        assert!(!is_end_line("ENDING RequestId: 8f5e3c1a"));
        for line in [
            "END RequestId: 8f5e3c1a",
            "END RequestId:\tid REPORT RequestId: x",
        ] {
            assert!(matches!(parse(line), LogLine::End(_)), "{line}");
            assert!(!FunctionAnalytics::folds(&parse(line)));
        }
    }

    #[test]
    fn runtime_times_are_read_whatever_date_was_read_before() {
        let lambda = |s: &str| parse_lambda_time(s).map(|t| t.to_rfc3339());
        assert_eq!(
            lambda("2024-02-29T23:59:59.999Z").as_deref(),
            Some("2024-02-29T23:59:59.999+00:00")
        );
        // Not a leap year: no such date, though the text differs only in its year.
        assert_eq!(lambda("2023-02-29T00:00:00.000Z"), None);
        assert_eq!(
            lambda("2024-02-29T00:00:00.001Z").as_deref(),
            Some("2024-02-29T00:00:00.001+00:00")
        );
        assert_eq!(lambda("2024-02-29T24:00:00.000Z"), None);
        assert_eq!(lambda("2024-02-2xT00:00:00.000Z"), None);
        assert_eq!(
            lambda("2024-03-01T00:00:00.000Z").as_deref(),
            Some("2024-03-01T00:00:00+00:00")
        );
        assert_eq!(
            line_time(" 2024-03-01T00:00:00.000Z\t"),
            LineTime::At(at("2024-03-01T00:00:00Z"))
        );
    }
}

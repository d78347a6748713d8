//! The text log format: platform lines and application lines of each runtime.

use std::borrow::Cow;

use super::fields::{number, scan_fields, whole};
use super::json;
use super::line::{
    AppLine, CrashLine, EndLine, InitReportLine, Level, LogLine, PlatformStatus, ReportLine,
    ReportRare, RestoreReportLine, RuntimeVersionLine, StartLine, SubscriberLine, TimeoutLine,
};
use super::scan::{
    TIMED_OUT, find_ws, first_token, is_iso_date_time, is_platform_start, split_token, trim_ws,
};

/// Parses a message whose viewer prefix is already gone.
pub(crate) fn parse_body(s: &str) -> LogLine<'_> {
    let s = trim_ws(s);
    let Some(&first) = s.as_bytes().first() else {
        return LogLine::Unknown;
    };
    if let Some(line) = parse_platform(s) {
        return line;
    }
    match first {
        b'{' => return json::parse_json(s),
        b'[' => return parse_bracketed(s),
        b'0'..=b'9' if is_iso_date_time(s.as_bytes()) => return parse_columns(s),
        _ => {}
    }
    // An unknown prefix (a redacted timestamp, a tool's label) before a platform keyword.
    for (skipped, (start, end)) in super::fields::tokens(s).take(4).enumerate() {
        let token = &s[start..end];
        if skipped > 0
            && is_platform_start(&s[start..])
            && let Some(line) = parse_platform(&s[start..])
        {
            return line;
        }
        if Level::parse(token).is_some() || looks_like_request_id(token) {
            break;
        }
    }
    classify(None, None, None, s, true)
}

/// Platform lines, recognised by their first word.
fn parse_platform(s: &str) -> Option<LogLine<'_>> {
    let keyword = |k: &str| -> Option<&str> {
        let rest = s.strip_prefix(k)?;
        match rest.as_bytes().first() {
            None => Some(rest),
            Some(b) if b.is_ascii_whitespace() => Some(rest),
            _ => None,
        }
    };
    match s.as_bytes()[0] {
        b'S' => start_line(s).map(LogLine::Start),
        b'E' => {
            if let Some(rest) = s.strip_prefix("END RequestId:") {
                let id = first_token(rest);
                return (!id.is_empty()).then_some(LogLine::End(EndLine {
                    request_id: Cow::Borrowed(id),
                }));
            }
            keyword("EXTENSION").map(|rest| LogLine::Extension(subscriber(rest, "Events")))
        }
        b'R' => {
            if s.starts_with("REPORT") {
                return report_line(s).map(LogLine::Report);
            }
            if let Some(rest) = keyword("RESTORE_START") {
                return Some(LogLine::RestoreStart(runtime_version(rest)));
            }
            if let Some(rest) = keyword("RESTORE_REPORT") {
                return Some(LogLine::RestoreReport(restore_report(rest)));
            }
            if let Some(rest) = s.strip_prefix("RequestId:") {
                return Some(request_error(rest));
            }
            if s.starts_with("Runtime.") {
                return Some(crash(None, s));
            }
            None
        }
        b'I' => {
            if let Some(rest) = keyword("INIT_START") {
                return Some(LogLine::InitStart(runtime_version(rest)));
            }
            keyword("INIT_REPORT").map(|rest| LogLine::InitReport(init_report(rest)))
        }
        b'T' => {
            if let Some(rest) = keyword("TELEMETRY") {
                return Some(LogLine::Telemetry(subscriber(rest, "Types")));
            }
            s.starts_with(TIMED_OUT).then(|| timeout(None, s))
        }
        b'L' => {
            if let Some(rest) = keyword("LOGS") {
                return trim_ws(rest)
                    .starts_with("Name:")
                    .then(|| LogLine::Telemetry(subscriber(rest, "Types")));
            }
            s.starts_with("LAMBDA_WARNING: Unhandled exception")
                .then(|| crash(None, s))
        }
        _ => None,
    }
}

/// A `START` line as CloudWatch holds it (nothing before `START`): what
/// [`parse`](super::parse) reads it as, without choosing a parser first. `None` for any other
/// line.
pub fn start_line(s: &str) -> Option<StartLine<'_>> {
    let rest = s.strip_prefix("START RequestId:")?;
    let (id, after) = split_token(trim_ws(rest));
    if id.is_empty() {
        return None;
    }
    let version = trim_ws(after)
        .strip_prefix("Version:")
        .map(first_token)
        .filter(|v| !v.is_empty())
        .map(Cow::Borrowed);
    Some(StartLine {
        request_id: Cow::Borrowed(id),
        version,
    })
}

/// A `REPORT` line as CloudWatch holds it (nothing before `REPORT`): what
/// [`parse`](super::parse) reads it as, without choosing a parser first. `None` for any other
/// line, and for one the parser reads as something else.
pub fn report_line(s: &str) -> Option<ReportLine<'_>> {
    parse_report(s.strip_prefix("REPORT")?)
}

const REPORT_LABELS: &[&[&str]] = &[
    &["RequestId"],
    &["Duration"],
    &["Billed", "Duration"],
    &["Memory", "Size"],
    &["Max", "Memory", "Used"],
    &["Init", "Duration"],
    &["Restore", "Duration"],
    &["Billed", "Restore", "Duration"],
    &["Status"],
    &["Error", "Type"],
    &["XRAY", "TraceId"],
];

/// The fields after `REPORT`. `None` unless the five mandatory fields are all there.
///
/// Lines straight from CloudWatch have the mandatory fields in a fixed order with tabs: that
/// layout is read directly, and only what follows (`Init Duration`, `Status`, the XRAY tail) is
/// scanned. Anything else (mangled separators, reordered fields) is scanned as a whole.
fn parse_report(rest: &str) -> Option<ReportLine<'_>> {
    let (canonical, tail) = match canonical_report(rest) {
        Some((mandatory, tail)) => (Some(mandatory), tail),
        None => (None, rest),
    };
    let mut request_id = None;
    let (mut duration, mut billed, mut size, mut used) = (None, None, None, None);
    let (mut init, mut restore, mut billed_restore) = (None, None, None);
    let (mut status, mut error_type, mut trace) = (None, None, None);
    if tail.bytes().any(|b| !b.is_ascii_whitespace()) {
        scan_fields(tail, REPORT_LABELS, |field, value| match field {
            0 => request_id = Some(first_token(value)).filter(|v| !v.is_empty()),
            1 => duration = number(value),
            2 => billed = whole(value),
            3 => size = whole(value),
            4 => used = whole(value),
            5 => init = number(value),
            6 => restore = number(value),
            7 => billed_restore = whole(value),
            8 => status = Some(PlatformStatus::parse(value)),
            9 => error_type = Some(first_token(value)).filter(|v| !v.is_empty()),
            _ => trace = Some(first_token(value)).filter(|v| !v.is_empty()),
        });
    }
    let m = match canonical {
        Some(m) => m,
        None => Mandatory {
            request_id: request_id?,
            duration_ms: duration?,
            billed_duration_ms: billed?,
            memory_size_mb: u32::try_from(size?).ok()?,
            max_memory_used_mb: u32::try_from(used?).ok()?,
        },
    };
    // Built once, in place: the line is large.
    Some(ReportLine {
        request_id: Cow::Borrowed(m.request_id),
        duration_ms: m.duration_ms,
        billed_duration_ms: m.billed_duration_ms,
        memory_size_mb: m.memory_size_mb,
        max_memory_used_mb: m.max_memory_used_mb,
        init_duration_ms: init,
        status,
        rare: ReportRare {
            restore_duration_ms: restore,
            billed_restore_duration_ms: billed_restore,
            error_type: error_type.map(Cow::Borrowed),
            xray_trace_id: trace.map(Cow::Borrowed),
        }
        .boxed(),
    })
}

/// The fields every REPORT has.
struct Mandatory<'a> {
    request_id: &'a str,
    duration_ms: f64,
    billed_duration_ms: u64,
    memory_size_mb: u32,
    max_memory_used_mb: u32,
}

/// `REPORT RequestId: <id>\tDuration: <f> ms\tBilled Duration: <n> ms\tMemory Size: <n> MB\t
/// Max Memory Used: <n> MB` exactly; returns the fields and what follows them.
fn canonical_report(rest: &str) -> Option<(Mandatory<'_>, &str)> {
    let r = rest.strip_prefix(" RequestId: ")?;
    // An id with a tab in it is not read here (it has whitespace): the first tab may be taken
    // to be the one after a UUID's length.
    let tab = tab_after_id(r.as_bytes())?;
    let (id, r) = (&r[..tab], &r[tab + 1..]);
    let (duration_ms, r) = leading_decimal(r.strip_prefix("Duration: ")?)?;
    let (billed_duration_ms, r) = leading_whole(r.strip_prefix(" ms\tBilled Duration: ")?)?;
    let (size, r) = leading_whole(r.strip_prefix(" ms\tMemory Size: ")?)?;
    let (used, r) = leading_whole(r.strip_prefix(" MB\tMax Memory Used: ")?)?;
    let tail = r.strip_prefix(" MB")?;
    if id.is_empty() || find_ws(id.as_bytes()).is_some() {
        return None;
    }
    let fields = Mandatory {
        request_id: id,
        duration_ms,
        billed_duration_ms,
        memory_size_mb: u32::try_from(size).ok()?,
        max_memory_used_mb: u32::try_from(used).ok()?,
    };
    Some((fields, tail))
}

/// The run of digits `s` starts with (at most 15, so it is exact) and what follows it; `None`
/// when there is none, or when a point follows it (a decimal, not a whole number).
fn leading_whole(s: &str) -> Option<(u64, &str)> {
    let b = s.as_bytes();
    let end = b
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(b.len());
    if end == 0 || end > 15 || b.get(end) == Some(&b'.') {
        return None;
    }
    let n = b[..end]
        .iter()
        .fold(0, |n, &c| n * 10 + u64::from(c - b'0'));
    Some((n, &s[end..]))
}

/// The decimal `s` starts with, `123.45` (digits, optionally a point and more digits, at most 15
/// digits in all), and what follows it; `None` when its run of digits and points is anything
/// else (`.5`, `1.2.3`, 16 digits). Read in one pass; the value is the correctly rounded one, like
/// `str::parse`'s: both the integer and the power of ten are exact in `f64`, and IEEE division
/// rounds correctly.
fn leading_decimal(s: &str) -> Option<(f64, &str)> {
    /// Powers of ten, exact in both `u64` and `f64`.
    const SCALE: [u64; 16] = {
        let mut p = [1; 16];
        let mut i = 1;
        while i < 16 {
            p[i] = p[i - 1] * 10;
            i += 1;
        }
        p
    };
    let b = s.as_bytes();
    let (mut n, mut digits, mut point) = (0u64, 0, None);
    let mut end = 0;
    while let Some(&c) = b.get(end) {
        match c {
            b'0'..=b'9' => {
                n = n.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                digits += 1;
            }
            b'.' if point.is_none() => point = Some(digits),
            b'.' => return None,
            _ => break,
        }
        end += 1;
    }
    let whole_digits = point.unwrap_or(digits);
    if whole_digits == 0 || digits > 15 {
        return None;
    }
    let scale = SCALE[digits - whole_digits];
    Some((n as f64 / scale as f64, &s[end..]))
}

fn runtime_version(rest: &str) -> RuntimeVersionLine<'_> {
    let mut line = RuntimeVersionLine::default();
    scan_fields(
        rest,
        &[&["Runtime", "Version"], &["Runtime", "Version", "ARN"]],
        |field, value| {
            let value = Some(Cow::Borrowed(first_token(value))).filter(|v| !v.is_empty());
            if field == 0 {
                line.runtime_version = value;
            } else {
                line.runtime_version_arn = value;
            }
        },
    );
    line
}

fn init_report(rest: &str) -> InitReportLine<'_> {
    let mut line = InitReportLine::default();
    scan_fields(
        rest,
        &[
            &["Init", "Duration"],
            &["Phase"],
            &["Status"],
            &["Error", "Type"],
        ],
        |field, value| match field {
            0 => line.init_duration_ms = number(value),
            1 => line.phase = non_empty(first_token(value)),
            2 => line.status = Some(PlatformStatus::parse(value)),
            _ => line.error_type = non_empty(first_token(value)),
        },
    );
    line
}

fn restore_report(rest: &str) -> RestoreReportLine<'_> {
    let mut line = RestoreReportLine::default();
    scan_fields(
        rest,
        &[
            &["Restore", "Duration"],
            &["Billed", "Restore", "Duration"],
            &["Status"],
            &["Error", "Type"],
        ],
        |field, value| match field {
            0 => line.restore_duration_ms = number(value),
            1 => line.billed_restore_duration_ms = whole(value),
            2 => line.status = Some(PlatformStatus::parse(value)),
            _ => line.error_type = non_empty(first_token(value)),
        },
    );
    line
}

/// `EXTENSION` / `TELEMETRY` / `LOGS` fields; `list_label` is `Events` or `Types`.
fn subscriber<'a>(rest: &'a str, list_label: &str) -> SubscriberLine<'a> {
    let mut line = SubscriberLine::default();
    scan_fields(
        rest,
        &[&["Name"], &["State"], &[list_label]],
        |field, value| match field {
            0 => line.name = non_empty(value),
            1 => line.state = non_empty(first_token(value)),
            _ => line.items = list_items(value),
        },
    );
    line
}

/// `[INVOKE, SHUTDOWN]` → `INVOKE`, `SHUTDOWN`.
fn list_items(value: &str) -> Vec<Cow<'_, str>> {
    let inner = value.trim();
    let inner = inner.strip_prefix('[').unwrap_or(inner);
    let inner = inner.find(']').map_or(inner, |end| &inner[..end]);
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Cow::Borrowed)
        .collect()
}

fn non_empty(s: &str) -> Option<Cow<'_, str>> {
    (!s.is_empty()).then_some(Cow::Borrowed(s))
}

/// `RequestId: <id> Error: …` / `RequestId: <id> Process exited before completing request`.
fn request_error(rest: &str) -> LogLine<'_> {
    let (id, after) = split_token(trim_ws(rest));
    let after = trim_ws(after);
    let id = non_empty(id);
    if let Some(pos) = memchr::memmem::find(after.as_bytes(), TIMED_OUT.as_bytes()) {
        return timeout(id, &after[pos..]);
    }
    crash(id, after)
}

/// `Task timed out after 3.00 seconds` (the text starts at `Task`).
fn timeout<'a>(request_id: Option<Cow<'a, str>>, text: &str) -> LogLine<'a> {
    let timeout_s = text.get(TIMED_OUT.len()..).and_then(number);
    LogLine::Timeout(TimeoutLine {
        request_id,
        timeout_s,
    })
}

fn crash<'a>(request_id: Option<Cow<'a, str>>, message: &'a str) -> LogLine<'a> {
    let message = message.trim();
    let request_id = request_id.or_else(|| json::string_field(message, "requestId"));
    LogLine::Crash(CrashLine {
        request_id,
        error_type: crash_error_type(message),
        message: Cow::Borrowed(message),
    })
}

/// The error type a crash message states: a JSON `"errorType"`, a `Runtime.*` word, or
/// `Runtime.ExitError` for "Runtime exited with error".
fn crash_error_type(message: &str) -> Option<Cow<'_, str>> {
    if let Some(t) = json::string_field(message, "errorType") {
        return Some(t);
    }
    let first = first_token(message);
    if first.starts_with("Runtime.") {
        return Some(Cow::Borrowed(first.trim_end_matches(':')));
    }
    if let Some(line) = message
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("Runtime.") && !l.contains(char::is_whitespace))
    {
        return Some(Cow::Borrowed(line));
    }
    if memchr::memmem::find(message.as_bytes(), b"Runtime exited with error").is_some() {
        return Some(Cow::Borrowed("Runtime.ExitError"));
    }
    None
}

/// Python's `[LEVEL]\t<timestamp>\t<request id>\t<message>`, and `[ERROR] Type: message` for an
/// unhandled exception. Other bracketed starts (`[appconfig agent] …`) are application lines.
fn parse_bracketed(s: &str) -> LogLine<'_> {
    let level = s
        .find(']')
        .filter(|end| *end <= 12)
        .and_then(|end| Some((Level::parse(&s[1..end])?, end)));
    let Some((level, end)) = level else {
        return classify(None, None, None, s, true);
    };
    let rest = trim_ws(&s[end + 1..]);
    if is_iso_date_time(rest.as_bytes()) {
        let (ts, after) = split_token(rest);
        let after = trim_ws(after);
        let (token, after_token) = split_token(after);
        if looks_like_request_id(token) || token == "undefined" {
            let id = (token != "undefined").then_some(token);
            return classify(Some(ts), id, Some(level), trim_ws(after_token), false);
        }
        return classify(Some(ts), None, Some(level), after, false);
    }
    let first = first_token(rest);
    if level >= Level::Error && first.len() > 1 && first.ends_with(':') && is_identifier(first) {
        return LogLine::Crash(CrashLine {
            request_id: None,
            error_type: Some(Cow::Borrowed(&first[..first.len() - 1])),
            message: Cow::Borrowed(rest.trim_end()),
        });
    }
    classify(None, None, Some(level), rest, true)
}

/// `Runtime.ImportModuleError:`, `KeyError:`.
fn is_identifier(token: &str) -> bool {
    let t = token.trim_end_matches(':');
    !t.is_empty()
        && t.as_bytes()[0].is_ascii_alphabetic()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_')
}

/// Lines that start with the runtime's timestamp: Node.js and .NET
/// (`<ts>\t<request id>\t<LEVEL>\t<message>`, level absent before Node.js 10), Java
/// (`<ts> <LEVEL> …`), and plain output with a timestamp.
fn parse_columns(s: &str) -> LogLine<'_> {
    let (ts, after) = split_token(s);
    let rest = trim_ws(after);
    if is_platform_start(rest)
        && let Some(line) = parse_platform(rest)
    {
        return line;
    }
    let (token, after_token) = split_token(rest);
    if let Some(level) = Level::parse(token) {
        return classify(Some(ts), None, Some(level), trim_ws(after_token), false);
    }
    if looks_like_request_id(token) || token == "undefined" {
        let id = (token != "undefined").then_some(token);
        let rest = trim_ws(after_token);
        let (token, after_token) = split_token(rest);
        if let Some(level) = Level::parse(token) {
            return classify(Some(ts), id, Some(level), trim_ws(after_token), false);
        }
        return classify(Some(ts), id, None, rest, false);
    }
    classify(Some(ts), None, None, rest, false)
}

/// A line as the Node.js and .NET runtimes write it, `<time>\t<request id>\t<LEVEL>\t
/// <message>`, below the ERROR level and no timeout, crash or EMF: what [`parse`](super::parse)
/// reads as an application line at that level, recognised without it. Most lines of a log are
/// such lines. Returns the line's time (the runtime's format, `2024-02-09T08:42:44.078Z`);
/// `None` for any other line.
pub fn quiet_runtime_line(line: &str) -> Option<&str> {
    let b = line.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    // One token, exactly the runtime's time, then a tab (`parse_columns`'s first split).
    if !(b.len() > 25
        && is_iso_date_time(b)
        && b[10] == b'T'
        && b[19] == b'.'
        && digits(&b[20..23])
        && b[23] == b'Z'
        && b[24] == b'\t')
    {
        return None;
    }
    let rest = &line[25..];
    // An id with a tab in it does not look like a request id (below).
    let tab = tab_after_id(rest.as_bytes())?;
    let (id, rest) = (&rest[..tab], &rest[tab + 1..]);
    // A level word has at most 11 letters (`information`): its tab is among the next 12 bytes.
    let tab = rest.bytes().take(12).position(|b| b == b'\t')?;
    let (level, message) = (&rest[..tab], trim_ws(&rest[tab + 1..]));
    // Words without whitespace: the tokens `parse_columns` splits off are these.
    if !looks_like_request_id(id) || !level.bytes().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let message = message.trim_end();
    let quiet = Level::parse(level).is_some_and(|l| l < Level::Error)
        && !message.starts_with(TIMED_OUT)
        && !is_crash_message(message, false)
        && !message.starts_with('{');
    quiet.then(|| &line[..24])
}

/// Where the tab after a request id at the start of `b` is: right after a UUID's 36 bytes
/// (most ids), else the first tab. For ids without tabs in them, the first tab either way.
fn tab_after_id(b: &[u8]) -> Option<usize> {
    const UUID: usize = 36;
    if b.get(UUID) == Some(&b'\t') {
        Some(UUID)
    } else {
        memchr::memchr(b'\t', b)
    }
}

/// Request ids are UUIDs, but emulators and redactions use other forms: accept a word of
/// letters, digits and dashes with at least one dash and one digit.
pub(crate) fn looks_like_request_id(token: &str) -> bool {
    const LETTER: u8 = 1;
    const DIGIT: u8 = 2;
    const DASH: u8 = 4;
    /// The class of each byte; 0 for bytes an id does not have.
    const CLASS: [u8; 256] = {
        let mut class = [0; 256];
        let mut c = 0;
        while c < 256 {
            class[c] = match c as u8 {
                b'a'..=b'z' | b'A'..=b'Z' => LETTER,
                b'0'..=b'9' => DIGIT,
                b'-' => DASH,
                _ => 0,
            };
            c += 1;
        }
        class
    };
    let b = token.as_bytes();
    if !(8..=64).contains(&b.len()) {
        return false;
    }
    // Without a branch per byte: the letters and digits of random ids do not predict.
    let (mut seen, mut ok) = (0u8, true);
    for &c in b {
        let class = CLASS[usize::from(c)];
        seen |= class;
        ok &= class != 0;
    }
    ok && seen & DASH != 0 && seen & DIGIT != 0
}

/// Decides what an application-shaped message is: a timeout, a crash, EMF or a plain line.
/// `bare` says no timestamp column was found, so platform messages without columns are looked
/// for too.
fn classify<'a>(
    timestamp: Option<&'a str>,
    request_id: Option<&'a str>,
    level: Option<Level>,
    message: &'a str,
    bare: bool,
) -> LogLine<'a> {
    let message = message.trim_end();
    let id = request_id.map(Cow::Borrowed);
    if message.starts_with(TIMED_OUT) {
        return timeout(id, message);
    }
    if is_crash_message(message, bare) {
        return crash(id, message);
    }
    if message.starts_with('{')
        && memchr::memmem::find(message.as_bytes(), b"\"_aws\"").is_some()
        && let LogLine::Emf(mut emf) = json::parse_json(message)
    {
        if emf.request_id.is_none() {
            emf.request_id = id;
        }
        return LogLine::Emf(emf);
    }
    LogLine::App(AppLine {
        timestamp: timestamp.map(Cow::Borrowed),
        request_id: id,
        level,
        message: Cow::Borrowed(message),
    })
}

fn is_crash_message(message: &str, bare: bool) -> bool {
    const STARTS: &[&str] = &[
        "Invoke Error",
        "Uncaught Exception",
        "Unhandled Promise Rejection",
        "LAMBDA_WARNING: Unhandled exception",
    ];
    // Most messages start with none of their first letters: no comparison at all.
    if matches!(message.as_bytes().first(), Some(b'I' | b'U' | b'L'))
        && STARTS.iter().any(|p| message.starts_with(p))
    {
        return true;
    }
    if !bare {
        return false;
    }
    let first = first_token(message);
    (first.starts_with("Runtime.") && is_identifier(first))
        || memchr::memmem::find(message.as_bytes(), b"Runtime exited with error").is_some()
        || memchr::memmem::find(
            message.as_bytes(),
            b"Process exited before completing request",
        )
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn request_ids_are_letters_digits_and_dashes(token in "[a-zA-Z0-9_ .-]{0,70}|[0-9a-f-]{36}") {
            let b = token.as_bytes();
            let simple = (8..=64).contains(&b.len())
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                && b.contains(&b'-')
                && b.iter().any(u8::is_ascii_digit);
            proptest::prop_assert_eq!(looks_like_request_id(&token), simple);
        }
    }

    proptest::proptest! {
        // The runtime's own forms are most of the alternatives, so that many lines are quiet.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        #[test]
        fn quiet_runtime_lines_are_what_the_parser_reads(
            time in "2024-02-09T08:42:44\\.078Z|2024-02-09T08:42:44\\.078Z|2024-02-09 08:42:44\\.078Z|2024-02-09T08:42:44\\.07Z|2024-13-09T08:42:44\\.078Z",
            gap in "\t|\t|\t\t| |\t ",
            id in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}|undefined|INFO|abc de-12345|[a-zA-Z0-9-]{0,12}",
            level in "INFO|info|WARN|Warning|DEBUG|TRACE|ERROR|FATAL|CRITICAL|INFO:|IN FO|",
            message in "( |\t)?(Task timed out after 3\\.00 seconds|Invoke Error x|Uncaught Exception|Runtime\\.ExitError|\\{\"_aws\":1\\}|\\{\"a\":1\\}|LAMBDA_WARNING: Unhandled exception|processing order 12|[ -~]{0,30})( |\r)?",
        ) {
            let line = format!("{time}{gap}{id}\t{level}\t{message}");
            if let Some(at) = quiet_runtime_line(&line) {
                proptest::prop_assert_eq!(at, time.as_str());
                proptest::prop_assert!(super::super::strip_viewer_prefix(&line).0.is_none(), "{}", line);
                let parsed = super::super::parse(&line);
                proptest::prop_assert!(
                    matches!(&parsed, LogLine::App(AppLine { level: Some(l), .. }) if *l < Level::Error),
                    "{} → {:?}", line, parsed
                );
            }
        }
    }

    #[test]
    fn quiet_runtime_lines_are_recognised() {
        let id = "8f5e3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
        let quiet = |l: String| quiet_runtime_line(&l).is_some();
        assert!(quiet(format!(
            "2024-02-09T08:42:44.078Z\t{id}\tINFO\tprocessing order 7"
        )));
        assert!(quiet(format!("2024-02-09T08:42:44.078Z\t{id}\tWARN\t")));
        assert!(!quiet(format!(
            "2024-02-09T08:42:44.078Z\t{id}\tERROR\tfailed"
        )));
        assert!(!quiet(format!(
            "2024-02-09T08:42:44.078Z\t{id}\tINFO\t{{\"_aws\":{{}}}}"
        )));
        assert!(!quiet(format!(
            "2024-02-09T08:42:44.078Z {id} Task timed out after 3.00 seconds"
        )));
        assert!(!quiet(format!(
            "2024-02-09T08:42:44.078Z\t{id}\tINFO\tInvoke Error x"
        )));
    }

    #[test]
    fn decimals_match_the_standard_parser() {
        let decimal = |s| leading_decimal(s).and_then(|(v, rest)| rest.is_empty().then_some(v));
        for s in [
            "0",
            "0.62",
            "3262.82",
            "600000.00",
            "1.0",
            "19266.38",
            "0.001",
            "7",
            "12.",
            "123456789012345",
            "0.12345678901234",
        ] {
            assert_eq!(decimal(s), s.parse::<f64>().ok(), "{s}");
        }
        for s in [
            "",
            ".5",
            "1.2.3",
            "1e3",
            "1234567890123456",
            "1.234567890123456",
        ] {
            assert_eq!(decimal(s), None, "{s}");
        }
        assert_eq!(
            leading_decimal("38.15 ms\tBilled"),
            Some((38.15, " ms\tBilled"))
        );
        assert_eq!(leading_whole("100 ms"), Some((100, " ms")));
        for s in ["", " 1", "1.5 ms", "1234567890123456 ms"] {
            assert_eq!(leading_whole(s), None, "{s}");
        }
    }

    #[test]
    fn canonical_and_scanned_reports_agree() {
        let tabbed = " RequestId: a-1\tDuration: 2.03 ms\tBilled Duration: 90 ms\tMemory Size: 128 MB\tMax Memory Used: 36 MB\tInit Duration: 87.78 ms\tStatus: error\tError Type: Runtime.ExitError\nXRAY TraceId: 1-ab\tSegmentId: cd\tSampled: true";
        let spaced = tabbed.replace('\t', "  ");
        let a = parse_report(tabbed).expect("tabbed report");
        let b = parse_report(&spaced).expect("spaced report");
        assert_eq!(a, b);
        assert_eq!(a.init_duration_ms, Some(87.78));
        assert_eq!(a.error_type(), Some("Runtime.ExitError"));
        assert_eq!(a.xray_trace_id(), Some("1-ab"));
        assert!(canonical_report(tabbed).is_some());
        assert!(canonical_report(&spaced).is_none());
    }

    #[test]
    fn reports_missing_a_mandatory_field_are_not_reports() {
        assert_eq!(
            parse_report(
                " RequestId: a\tDuration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 3 MB"
            ),
            None
        );
        assert_eq!(
            parse_report(
                " Duration: 1 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 3 MB"
            ),
            None
        );
        assert_eq!(parse_report(""), None);
    }
}

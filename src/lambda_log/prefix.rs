//! Splitting what log viewers put in front of a message.
//!
//! `sam logs` prints `<stream> <timestamp> <message>`, `aws logs tail` prints
//! `<timestamp> <stream> <message>`, the CloudWatch console and exports put a timestamp (and often a
//! tab) first, capture tools add a bare `HH:MM:SS`, docker-compose adds `name    | `.

use super::scan::{is_iso_date_time, is_platform_start, split_token, trim_ws};

/// What a viewer put in front of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ViewerPrefix<'a> {
    /// A log stream name (`2024/03/05/[$LATEST]6e67…`).
    pub stream: Option<&'a str>,
    /// The viewer's timestamp, as written (`2023-07-05T10:16:34.686000`, `21:00:55`,
    /// `7:12:32 PM`, `2024-05-01 12:00:00`, …), without a colon after it.
    pub timestamp: Option<&'a str>,
}

/// Splits a viewer prefix off `line`: returns what was found (`None` when there was none besides
/// whitespace) and the message that follows.
///
/// A timestamp in the Lambda runtime's own format (`2024-02-13T21:01:04.792Z`) also starts Node.js
/// and .NET application lines (`<timestamp>\t<request id>\tINFO\t…`), so it is only taken as a
/// prefix when a platform line (`START`, `REPORT`, …) or a JSON object follows it.
pub fn strip_viewer_prefix(line: &str) -> (Option<ViewerPrefix<'_>>, &str) {
    let mut rest = trim_ws(line);
    let mut prefix = ViewerPrefix::default();
    let mut found = false;
    if let Some(after) = strip_compose_prefix(rest) {
        rest = after;
        found = true;
    }
    for _ in 0..3 {
        let (token, after) = split_token(rest);
        if token.is_empty() {
            break;
        }
        if prefix.stream.is_none() && is_stream_name(token) {
            prefix.stream = Some(token);
        } else if prefix.timestamp.is_none()
            && let Some(taken) = viewer_timestamp(rest, token, after)
        {
            prefix.timestamp = Some(taken.timestamp);
            rest = trim_ws(taken.rest);
            found = true;
            continue;
        } else {
            break;
        }
        rest = trim_ws(after);
        found = true;
    }
    (found.then_some(prefix), rest)
}

struct Taken<'a> {
    timestamp: &'a str,
    rest: &'a str,
}

/// Decides whether `token` (followed by `after`; `rest` is both) is a viewer's timestamp, and
/// takes the words that belong to it: `PM` after a clock, the clock after a date.
fn viewer_timestamp<'a>(rest: &'a str, token: &'a str, after: &'a str) -> Option<Taken<'a>> {
    let b = token.as_bytes();
    let (next, after_next) = split_token(trim_ws(after));
    // From `token` to where `after_last` starts, as one slice of `rest`, without a colon.
    let until = |after_last: &str| {
        let end = rest.len() - after_last.len();
        rest[..end].trim_end_matches(':')
    };
    let with_next = || until(after_next);
    // Bare clock: `21:00:55`, `7:12:32 PM:` (Netlify), `21:00:55:`.
    if is_clock(token.trim_end_matches(':')) {
        if matches!(next.trim_end_matches(':'), "AM" | "PM" | "am" | "pm") {
            return Some(Taken {
                timestamp: with_next(),
                rest: after_next,
            });
        }
        return Some(Taken {
            timestamp: token.trim_end_matches(':'),
            rest: after,
        });
    }
    // A date, then the time: `2024-05-01 12:00:00`, `2024/05/01 12:00:00.123:`.
    if is_date(b) && next.get(..8).is_some_and(is_clock) {
        return Some(Taken {
            timestamp: with_next(),
            rest: after_next,
        });
    }
    // Syslog's month and day, then the time: `May  1 12:00:00`.
    if is_month(token) && (1..=2).contains(&next.len()) && next.bytes().all(|c| c.is_ascii_digit())
    {
        let (clock, after_clock) = split_token(trim_ws(after_next));
        if clock.get(..8).is_some_and(is_clock) {
            return Some(Taken {
                timestamp: until(after_clock),
                rest: after_clock,
            });
        }
    }
    if !is_iso_date_time(b) {
        return None;
    }
    if is_runtime_timestamp(b) {
        let next = trim_ws(after);
        if next.starts_with('{') || is_platform_start(next) {
            return Some(Taken {
                timestamp: token,
                rest: after,
            });
        }
        return None;
    }
    Some(Taken {
        timestamp: token,
        rest: after,
    })
}

/// `name    | ` as docker-compose prints it.
fn strip_compose_prefix(s: &str) -> Option<&str> {
    let (name, after) = split_token(s);
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
    {
        return None;
    }
    let after = trim_ws(after);
    after
        .strip_prefix("| ")
        .or_else(|| after.strip_prefix("|\t"))
}

/// `YYYY/MM/DD/[version]hex` or `YYYY/MM/DD/function[version]hex`.
pub(crate) fn is_stream_name(token: &str) -> bool {
    let b = token.as_bytes();
    b.len() > 13
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'/'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'/'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && b[10] == b'/'
        && memchr::memchr(b'[', &b[11..]).is_some()
        && memchr::memchr(b']', &b[11..]).is_some()
}

/// `Jan` … `Dec`.
fn is_month(token: &str) -> bool {
    matches!(
        token,
        "Jan"
            | "Feb"
            | "Mar"
            | "Apr"
            | "May"
            | "Jun"
            | "Jul"
            | "Aug"
            | "Sep"
            | "Oct"
            | "Nov"
            | "Dec"
    )
}

/// `YYYY-MM-DD` or `YYYY/MM/DD`.
fn is_date(b: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    b.len() == 10
        && digits(&b[..4])
        && (b[4] == b'-' || b[4] == b'/')
        && b[7] == b[4]
        && digits(&b[5..7])
        && digits(&b[8..])
}

/// `H:MM:SS` or `HH:MM:SS`.
fn is_clock(token: &str) -> bool {
    let b = token.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    match b.len() {
        7 => digits(&b[..1]) && b[1] == b':' && digits(&b[2..4]) && b[4] == b':' && digits(&b[5..]),
        8 => digits(&b[..2]) && b[2] == b':' && digits(&b[3..5]) && b[5] == b':' && digits(&b[6..]),
        _ => false,
    }
}

/// Exactly the runtime's format `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn is_runtime_timestamp(b: &[u8]) -> bool {
    b.len() == 24 && b[19] == b'.' && b[20..23].iter().all(u8::is_ascii_digit) && b[23] == b'Z'
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str) -> (Option<ViewerPrefix<'_>>, &str) {
        strip_viewer_prefix(line)
    }

    #[test]
    fn sam_logs_stream_then_timestamp() {
        let (p, rest) = split(
            "2023/07/05/[56]374cd7798d2a4e36a494a23d658b9741 2023-07-05T10:16:34.686000 REPORT x",
        );
        let p = p.expect("prefix");
        assert_eq!(
            p.stream,
            Some("2023/07/05/[56]374cd7798d2a4e36a494a23d658b9741")
        );
        assert_eq!(p.timestamp, Some("2023-07-05T10:16:34.686000"));
        assert_eq!(rest, "REPORT x");
    }

    #[test]
    fn aws_logs_tail_timestamp_then_stream() {
        let (p, rest) = split(
            "2024-03-05T15:18:18.321000+00:00 2024/03/05/fn[$LATEST]6e6762b029cb4f7d8963c3206226deac START RequestId: a",
        );
        let p = p.expect("prefix");
        assert_eq!(p.timestamp, Some("2024-03-05T15:18:18.321000+00:00"));
        assert_eq!(
            p.stream,
            Some("2024/03/05/fn[$LATEST]6e6762b029cb4f7d8963c3206226deac")
        );
        assert_eq!(rest, "START RequestId: a");
    }

    #[test]
    fn runtime_timestamp_is_kept_on_application_lines() {
        let line = "2023-12-05T22:14:43.862Z\t76269889-7d50-4d6d-a3f1-9b4f5322f47c\tINFO\thi";
        assert_eq!(split(line), (None, line));
        let (p, rest) = split("2024-02-13T21:01:04.792Z START RequestId: x Version: 1");
        assert_eq!(
            p.and_then(|p| p.timestamp),
            Some("2024-02-13T21:01:04.792Z")
        );
        assert_eq!(rest, "START RequestId: x Version: 1");
    }

    #[test]
    fn clocks_compose_and_whitespace() {
        assert_eq!(split("21:00:55  END RequestId: a").1, "END RequestId: a");
        assert_eq!(split("7:12:32 PM: Duration: 3 ms").1, "Duration: 3 ms");
        assert_eq!(
            split("7:12:32 PM: Duration: 3 ms")
                .0
                .and_then(|p| p.timestamp),
            Some("7:12:32 PM")
        );
        assert_eq!(
            split("21:00:55: END RequestId: a")
                .0
                .and_then(|p| p.timestamp),
            Some("21:00:55")
        );
        assert_eq!(
            split("lambda_1    | START RequestId: a").1,
            "START RequestId: a"
        );
        assert_eq!(
            split("\t  \r\nEND RequestId: a"),
            (None, "END RequestId: a")
        );
        assert_eq!(split(""), (None, ""));
    }

    #[test]
    fn dated_prefixes_keep_their_date() {
        for (line, stamp) in [
            (
                "2024-05-01 12:00:00 START RequestId: a",
                "2024-05-01 12:00:00",
            ),
            (
                "2024/05/01 23:59:58.250: END RequestId: a",
                "2024/05/01 23:59:58.250",
            ),
            (
                "2024-05-01T12:00:00+02:00 START RequestId: a",
                "2024-05-01T12:00:00+02:00",
            ),
        ] {
            let (p, rest) = split(line);
            assert_eq!(p.and_then(|p| p.timestamp), Some(stamp), "{line}");
            assert!(rest.ends_with("RequestId: a"), "{line}: {rest}");
        }
        let (p, rest) = split("May  1 12:00:00 REPORT RequestId: a");
        assert_eq!(p.and_then(|p| p.timestamp), Some("May  1 12:00:00"));
        assert_eq!(rest, "REPORT RequestId: a");
        // A month in a sentence is no prefix.
        assert_eq!(split("May 1 was a Wednesday").0, None);
        // A date alone is no prefix.
        assert_eq!(split("2024-05-01 was a Wednesday").0, None);
        // A character across the eighth byte of what follows a date is no clock, and no panic.
        assert_eq!(split("2024-05-01 12:00:0é x").0, None);
        assert_eq!(split("May  1 12:00:0é x").0, None);
        assert_eq!(split("May  1 12:00:0é x").1, "May  1 12:00:0é x");
    }

    #[test]
    fn a_stream_name_alone_leaves_nothing() {
        let (p, rest) = split("2024/06/18/[$LATEST]227e6c26d73f4f61a661350d72d3e7e9");
        assert!(p.is_some());
        assert_eq!(rest, "");
    }
}

//! Log lines in the words the log pane shows them: an application line without the columns the
//! row's gutter already shows, a REPORT line as a short summary, a message with its JSON
//! pretty-printed, and the OSC 52 sequence `y` writes to copy text.
//!
//! ```text
//! 2024-05-01T12:00:00.123Z  1f2e…  ERROR  Invoke Error {"errorType":…}   (as logged)
//! ERROR Invoke Error {"errorType":…}                                      (as shown)
//! REPORT RequestId: 1f2e… Duration: 38.12 ms … Status: error Error Type: TypeError
//! ✗ TypeError 38 ms 41/128 MB cold 172 ms                                 (folded)
//! ```

use base64::Engine;

use crate::lambda_log::{Level, LogLine};
use crate::sanitize::{sanitize, sanitize_lines};

/// Where Lambda's timeout message starts.
const TIMED_OUT: &str = "Task timed out after";

/// An application line (or a runtime's error or timeout line) without its timestamp and request
/// id columns: `ERROR message`. The level is kept when the line had one. `None` when the line
/// has no such columns (platform lines, JSON lines, plain output): it is shown as logged.
///
/// `raw` is one physical line and `line` what [`crate::lambda_log::parse`] made of it.
pub fn without_columns(raw: &str, line: &LogLine<'_>) -> Option<String> {
    let body = raw.trim_end();
    if body.trim_start().starts_with('{') {
        return None;
    }
    let message: &str = match line {
        LogLine::App(a) if a.timestamp.is_some() || a.request_id.is_some() => &a.message,
        LogLine::Crash(c) if c.request_id.is_some() => &c.message,
        LogLine::Timeout(t) if t.request_id.is_some() => &body[body.find(TIMED_OUT)?..],
        _ => return None,
    };
    let columns = body.strip_suffix(message)?;
    if message.is_empty() || columns.trim().is_empty() {
        return None;
    }
    let level = columns
        .split_whitespace()
        .find_map(|t| Level::parse(t.trim_matches(|c| c == '[' || c == ']')));
    Some(match level {
        Some(l) => format!("{} {message}", l.as_str()),
        None => message.to_string(),
    })
}

/// The message's physical lines made inert, each JSON object or array in it pretty-printed
/// (whatever precedes it on its line stays on a line of its own): `Invoke Error {"a":1}` reads
/// `Invoke Error`, `{`, `  "a": 1`, `}`. Keys keep their order.
pub fn pretty_lines(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in message.trim_end().lines() {
        let json = line
            .find(['{', '['])
            .map(|i| (line[..i].trim_end(), line[i..].trim_end()))
            .filter(|(_, json)| serde_json::from_str::<serde::de::IgnoredAny>(json).is_ok());
        match json {
            Some((before, json)) => {
                if !before.trim().is_empty() {
                    out.push(sanitize(before).into_owned());
                }
                out.extend(indent_json(json).lines().map(|l| sanitize(l).into_owned()));
            }
            None => out.push(sanitize(line).into_owned()),
        }
    }
    out
}

/// Valid JSON text re-indented by two spaces, one member or element a line, in its own order.
fn indent_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let (mut in_string, mut escaped) = (false, false);
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                // An empty object or array stays on its line.
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                if let Some(&close) = chars.peek()
                    && (close == '}' || close == ']')
                {
                    continue;
                }
                depth += 1;
                newline(&mut out, depth);
            }
            '}' | ']' => {
                if !matches!(out.chars().last(), Some('{' | '[')) {
                    depth = depth.saturating_sub(1);
                    newline(&mut out, depth);
                }
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// The OSC 52 escape that puts `text` on the terminal's clipboard: `ESC ] 52 ; c ; <base64> BEL`.
/// The text is made inert first, so no control byte from a log line reaches the clipboard (and,
/// pasted later, a shell); base64 keeps it from the terminal on the way.
pub fn osc52(text: &str) -> String {
    let inert = sanitize_lines(text);
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(inert.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda_log::parse;
    use crate::lambda_log::summary::report_summary;

    fn shown(raw: &str) -> Option<String> {
        without_columns(raw, &parse(raw))
    }

    #[test]
    fn app_lines_lose_the_time_and_request_id_but_keep_the_level() {
        let id = "8d3c7b0e-5a4f-4f0e-9a61-0c2b5e1d7f42";
        assert_eq!(
            shown(&format!(
                "2024-05-01T12:00:00.123Z\t{id}\tERROR\tpayment declined"
            ))
            .as_deref(),
            Some("ERROR payment declined")
        );
        // Python's order: level first.
        assert_eq!(
            shown(&format!(
                "[WARNING]\t2024-05-01T12:00:00.123Z\t{id}\tslow quote"
            ))
            .as_deref(),
            Some("WARN slow quote")
        );
        // Node's unhandled error keeps its whole message.
        assert_eq!(
            shown(&format!(
                "2024-05-01T12:00:00.123Z\t{id}\tERROR\tInvoke Error \t{{\"errorType\":\"TypeError\"}}"
            ))
            .as_deref(),
            Some("ERROR Invoke Error \t{\"errorType\":\"TypeError\"}")
        );
        // No level column: the message alone.
        assert_eq!(
            shown(&format!(
                "2024-05-01T12:00:00.123Z {id} Task timed out after 3.00 seconds"
            ))
            .as_deref(),
            Some("Task timed out after 3.00 seconds")
        );
        assert_eq!(
            shown(&format!("2024-05-01T12:00:00.123Z\t{id}\tcart has 3 items")).as_deref(),
            Some("cart has 3 items")
        );
    }

    #[test]
    fn other_lines_are_shown_as_logged() {
        for raw in [
            "START RequestId: 8d3c7b0e-5a4f-4f0e-9a61-0c2b5e1d7f42 Version: $LATEST",
            "{\"timestamp\":\"2024-05-01T12:00:00Z\",\"level\":\"ERROR\",\"message\":\"x\"}",
            "plain print output",
            "[INFO] no columns here",
            "",
        ] {
            assert_eq!(shown(raw), None, "{raw}");
        }
    }

    fn report(raw: &str) -> String {
        match parse(raw) {
            LogLine::Report(r) => report_summary(&r),
            other => panic!("not a REPORT: {other:?}"),
        }
    }

    #[test]
    fn reports_read_as_a_short_summary() {
        let id = "RequestId: 8d3c7b0e-5a4f-4f0e-9a61-0c2b5e1d7f42";
        assert_eq!(
            report(&format!(
                "REPORT {id}\tDuration: 38.12 ms\tBilled Duration: 39 ms\tMemory Size: 128 MB\t\
                 Max Memory Used: 41 MB\tInit Duration: 172.30 ms\tStatus: error\t\
                 Error Type: TypeError"
            )),
            "✗ TypeError 38 ms 41/128 MB cold 172 ms"
        );
        assert_eq!(
            report(&format!(
                "REPORT {id}\tDuration: 12.40 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\t\
                 Max Memory Used: 41 MB\t"
            )),
            "✓ 12 ms 41/128 MB"
        );
        assert_eq!(
            report(&format!(
                "REPORT {id}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\t\
                 Max Memory Used: 90 MB\tStatus: timeout"
            )),
            "⏱ timeout 3000 ms 90/128 MB"
        );
        assert_eq!(
            report(&format!(
                "REPORT {id}\tDuration: 4.31 ms\tBilled Duration: 5 ms\tMemory Size: 512 MB\t\
                 Max Memory Used: 90 MB\tRestore Duration: 310.40 ms\t\
                 Billed Restore Duration: 120 ms"
            )),
            "✓ 4.3 ms 90/512 MB restore 310 ms"
        );
    }

    #[test]
    fn json_is_pretty_printed_in_its_own_order() {
        let lines = pretty_lines(
            "Invoke Error \t{\"errorType\":\"TypeError\",\"stack\":[\"a, b\",\"c\\\"}\"],\"x\":{}}\nnext line",
        );
        assert_eq!(
            lines,
            [
                "Invoke Error",
                "{",
                "  \"errorType\": \"TypeError\",",
                "  \"stack\": [",
                "    \"a, b\",",
                "    \"c\\\"}\"",
                "  ],",
                "  \"x\": {}",
                "}",
                "next line",
            ]
        );
        // Not JSON after all: kept as it is.
        assert_eq!(pretty_lines("set {a, b}"), ["set {a, b}"]);
    }

    #[test]
    fn osc52_carries_the_text_in_base64_and_nothing_else() {
        assert_eq!(osc52("abc-123"), "\x1b]52;c;YWJjLTEyMw==\x07");
        // A hostile line: its own OSC 52, a bell, a colour.
        let hostile = "id\x1b]52;c;ZXZpbA==\x07\x1b[31mred";
        let seq = osc52(hostile);
        assert_eq!(seq.matches('\x1b').count(), 1, "{seq:?}");
        assert_eq!(seq.matches('\x07').count(), 1, "{seq:?}");
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        let payload = &seq["\x1b]52;c;".len()..seq.len() - 1];
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        let decoded = String::from_utf8(decoded).unwrap();
        assert_eq!(decoded, "id␛]52;c;ZXZpbA==␇␛[31mred");
    }
}

//! Parsing AWS Lambda log messages, in both of Lambda's log formats (text and JSON).
//!
//! [`parse`] turns one CloudWatch event message into a [`LogLine`]. It is pure (no I/O), never
//! panics and borrows from the message where it can: text platform lines (`START`, `END`,
//! `REPORT`, …) and text application lines allocate nothing. JSON lines are decoded with
//! `serde_json` and own their strings.
//!
//! Real logs are messy: copies turn tabs into spaces or newlines, viewers put stream names and
//! timestamps in front (see [`strip_viewer_prefix`]), lines end in `\r`, `\n` or stray tabs.
//! The parser accepts all of that; what it does not recognise becomes an application line
//! ([`LogLine::App`]) or, for empty input, [`LogLine::Unknown`].

mod fields;
pub mod filter;
mod json;
mod line;
mod prefix;
mod scan;
pub mod summary;
mod text;

pub use line::*;
pub use prefix::{ViewerPrefix, strip_viewer_prefix};
pub use text::{quiet_runtime_line, report_line, start_line};

/// Parses one CloudWatch event message (it may hold several physical lines).
///
/// A viewer prefix is skipped first (see [`strip_viewer_prefix`]); then the cheap checks on the
/// first bytes decide which parser runs: platform keywords, `{` for JSON, `[` for Python's
/// `[LEVEL]` lines, a timestamp for Node.js / .NET / Java lines.
pub fn parse(message: &str) -> LogLine<'_> {
    // The common case, a message straight from CloudWatch, starts with its keyword: skip the
    // prefix scan for it.
    let body = match message.as_bytes().first() {
        Some(b'S' | b'E' | b'R' | b'{') => message,
        _ => strip_viewer_prefix(message).1,
    };
    text::parse_body(body)
}

/// [`parse`] for a message known to carry no viewer prefix (one [`strip_viewer_prefix`] found
/// nothing in): skips looking for one again.
pub fn parse_unprefixed(message: &str) -> LogLine<'_> {
    text::parse_body(message)
}

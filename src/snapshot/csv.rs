//! CSV (RFC 4180): a header row, then one row per function. Numbers are unformatted (no
//! thousands separators, ratios as ratios, durations in milliseconds) and rounded as in the
//! JSON; an unknown value is an empty field. The columns are fixed, whether or not any function has logs.

use std::io::{self, Write};

use crate::sanitize::sanitize;

use super::document::decimals::{self, round};
use super::document::{FunctionRow, Snapshot, printed_ms, printed_usd};

/// The header row. Names follow the JSON keys; nested keys are joined with `_`.
pub const COLUMNS: [&str; 21] = [
    "name",
    "invocations",
    "errors",
    "throttles",
    "error_rate",
    "duration_ms_avg",
    "duration_ms_p99",
    "duration_ms_max",
    "concurrency_max",
    "alarm_state",
    "report_invocations",
    "report_cold_starts",
    "report_timeouts",
    "report_errors",
    "report_duration_ms_p50",
    "report_duration_ms_p99",
    "report_init_ms_p50",
    "report_billed_ms_total",
    "report_memory_size_mb",
    "report_max_memory_used_mb",
    "report_cost_usd",
];

pub fn write(out: &mut dyn Write, snap: &Snapshot) -> io::Result<()> {
    record(out, COLUMNS.iter().map(|c| c.to_string()))?;
    for f in &snap.functions {
        record(out, fields(f))?;
    }
    Ok(())
}

fn fields(f: &FunctionRow) -> impl Iterator<Item = String> {
    let r = f.report.as_ref();
    [
        f.name.clone(),
        f.invocations.to_string(),
        f.errors.to_string(),
        f.throttles.to_string(),
        round(f.error_rate, decimals::RATIO).to_string(),
        opt(printed_ms(f.duration_ms.avg)),
        opt(printed_ms(f.duration_ms.p99)),
        opt(printed_ms(f.duration_ms.max)),
        opt(f.concurrency_max),
        opt(f.alarm_state.map(|s| s.as_str())),
        opt(r.map(|r| r.invocations)),
        opt(r.map(|r| r.cold_starts)),
        opt(r.map(|r| r.timeouts)),
        opt(r.map(|r| r.errors)),
        opt(printed_ms(r.and_then(|r| r.duration_ms_p50))),
        opt(printed_ms(r.and_then(|r| r.duration_ms_p99))),
        opt(printed_ms(r.and_then(|r| r.init_ms_p50))),
        opt(r.map(|r| r.billed_ms_total)),
        opt(r.and_then(|r| r.memory_size_mb)),
        opt(r.and_then(|r| r.max_memory_used_mb)),
        opt(r.and_then(|r| printed_usd(r.cost_usd))),
    ]
    .into_iter()
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(String::new, |v| v.to_string())
}

/// Writes one record, CRLF-terminated as RFC 4180 says. CSV is read by people too (`cat`, a
/// terminal): control and bidi characters in a field are shown inert, as in the table.
fn record(out: &mut dyn Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(quote(&sanitize(&f)).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

/// Quotes a field when it holds a comma, a quote, a line break or leading/trailing blanks;
/// quotes inside are doubled.
pub fn quote(field: &str) -> std::borrow::Cow<'_, str> {
    let needs = field.contains([',', '"', '\r', '\n'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace);
    if needs {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn rfc_4180_quoting() {
        assert_eq!(quote("orders-prod-api"), "orders-prod-api");
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
        assert_eq!(quote(" padded"), "\" padded\"");
        assert_eq!(quote(""), "");
    }
}

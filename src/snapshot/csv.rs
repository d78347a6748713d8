//! CSV (RFC 4180): a header row, then one row per function. Numbers are unformatted (no
//! thousands separators, ratios as ratios, durations in milliseconds) and rounded as in the
//! JSON; an unknown value is an empty field. The columns are fixed, whether or not any function has logs.

use std::io::{self, Write};

use super::cells::{Place, place_columns};
use super::document::{FunctionRow, Snapshot};
use crate::figures::{Definition, FIGURES};
use crate::sanitize::sanitize;

/// The registry's figures with a JSON key, in its order: the CSV's columns after `name`.
fn figures() -> impl Iterator<Item = &'static Definition> {
    FIGURES.iter().filter(|d| d.key.is_some())
}

/// The header row: `name`, then each figure's JSON key with nested keys joined by `_`.
pub fn columns() -> Vec<String> {
    std::iter::once("name".to_string())
        .chain(figures().map(|d| d.key.unwrap_or("").replace('.', "_")))
        .collect()
}

/// With several Regions or accounts, `region` (and `account`) follow `name`.
pub fn write(out: &mut dyn Write, snap: &Snapshot) -> io::Result<()> {
    let places = place_columns(snap);
    let mut header = columns();
    for (i, p) in places.iter().enumerate() {
        header.insert(1 + i, p.key().to_string());
    }
    record(out, header.into_iter())?;
    for f in &snap.functions {
        record(out, fields(f, &places))?;
    }
    Ok(())
}

fn fields<'a>(f: &'a FunctionRow, places: &'a [Place]) -> impl Iterator<Item = String> + 'a {
    let place = places
        .iter()
        .map(|p| p.of(f).unwrap_or_default().to_string());
    std::iter::once(f.name.clone())
        .chain(place)
        .chain(figures().map(|d| {
            f.figure(d.figure)
                .map_or_else(String::new, |v| d.unit.plain(v))
        }))
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

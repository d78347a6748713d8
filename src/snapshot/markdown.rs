//! Markdown: a GitHub table for issues, pull requests and chat, under a short header.

use std::io::{self, Write};

use crate::sanitize::sanitize;

use super::cells::{self, Align};
use super::document::Snapshot;

pub fn write(out: &mut dyn Write, snap: &Snapshot) -> io::Result<()> {
    writeln!(out, "**{}**", escape(&cells::title(snap)))?;
    writeln!(out)?;
    writeln!(out, "{}  ", escape(&cells::totals_line(snap)))?;
    writeln!(out, "{}", escape(&cells::account_line(snap)))?;
    writeln!(out)?;
    let grid = cells::grid(snap);
    let headings: Vec<String> = grid.headings.iter().map(|h| escape(h)).collect();
    writeln!(out, "| {} |", headings.join(" | "))?;
    let rule: Vec<&str> = grid
        .align
        .iter()
        .map(|a| match a {
            Align::Left => "---",
            Align::Right => "---:",
        })
        .collect();
    writeln!(out, "|{}|", rule.join("|"))?;
    for row in &grid.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(&c.text)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Makes text safe inside a table cell: control characters shown inert, and the characters
/// Markdown would act on (`|` ends a cell; `\`, `*`, `_`, `` ` ``, `<`, `[`, `]` format or link)
/// escaped with a backslash.
pub fn escape(s: &str) -> String {
    let clean = sanitize(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        if matches!(c, '|' | '\\' | '*' | '_' | '`' | '<' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn pipes_and_markup_are_escaped() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("orders_prod*"), "orders\\_prod\\*");
        assert_eq!(escape("x\\y"), "x\\\\y");
        assert_eq!(escape("bell\u{7}"), "bell␇");
        assert_eq!(escape("plain-name"), "plain-name");
    }
}

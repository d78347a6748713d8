//! The table: aligned columns for people. Escape codes only when asked for (a terminal, no
//! `NO_COLOR`); every text is made inert so a function name or Region cannot drive the
//! terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::sanitize::sanitize;

use super::cells::{self, Align, Tone};
use super::document::Snapshot;

const BOLD: &str = "\x1b[1m";
const RED_BOLD: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const RESET: &str = "\x1b[0m";

pub fn write(out: &mut dyn Write, snap: &Snapshot, colour: bool) -> io::Result<()> {
    for header in [
        cells::title(snap),
        cells::totals_line(snap),
        cells::account_line(snap),
    ] {
        writeln!(out, "{}", sanitize(&header))?;
    }
    writeln!(out)?;
    let mut grid = cells::grid(snap);
    for cell in grid.rows.iter_mut().flatten() {
        if let Cow::Owned(clean) = sanitize(&cell.text) {
            cell.text = clean;
        }
    }
    let mut widths: Vec<usize> = grid.headings.iter().map(|h| width(h)).collect();
    for row in &grid.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&cell.text));
        }
    }
    let headings: Vec<(String, Tone)> = grid
        .headings
        .iter()
        .map(|h| (h.to_string(), Tone::Plain))
        .collect();
    let heading_line = line(&headings, &widths, &grid.align, false);
    if colour {
        writeln!(out, "{BOLD}{heading_line}{RESET}")?;
    } else {
        writeln!(out, "{heading_line}")?;
    }
    for row in &grid.rows {
        let cells: Vec<(String, Tone)> = row.iter().map(|c| (c.text.clone(), c.tone)).collect();
        writeln!(out, "{}", line(&cells, &widths, &grid.align, colour))?;
    }
    if grid.rows.is_empty() {
        writeln!(out, "(no functions)")?;
    }
    Ok(())
}

/// Display width of a cell, in terminal columns.
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Pads each cell to its column's width first, then wraps it in colour, so escape codes never
/// count towards alignment. Trailing blanks are trimmed.
fn line(cells: &[(String, Tone)], widths: &[usize], align: &[Align], colour: bool) -> String {
    let mut s = String::new();
    for (i, ((text, tone), w)) in cells.iter().zip(widths).enumerate() {
        if i > 0 {
            s.push_str("  ");
        }
        let pad = " ".repeat(w.saturating_sub(width(text)));
        let styled = match (colour, tone) {
            (true, Tone::Error) => format!("{RED_BOLD}{text}{RESET}"),
            (true, Tone::Warn) => format!("{YELLOW}{text}{RESET}"),
            (true, Tone::Ok) => format!("{GREEN}{text}{RESET}"),
            _ => text.clone(),
        };
        match align.get(i).copied().unwrap_or(Align::Right) {
            Align::Left => {
                s.push_str(&styled);
                s.push_str(&pad);
            }
            Align::Right => {
                s.push_str(&pad);
                s.push_str(&styled);
            }
        }
    }
    s.trim_end().to_string()
}

//! The plain-text table: aligned columns, no escape codes.

use std::io::{self, Write};

use crate::format;
use crate::store::{Selection, Store};

pub fn write(out: &mut dyn Write, store: &Store, selection: &Selection) -> io::Result<()> {
    let t = store.totals();
    let a = store.alarm_counts();
    let from = store.window_start();
    writeln!(
        out,
        "lambdatop {} · {} · last {} (from {} to {})",
        store.source,
        store.region.as_deref().unwrap_or("no region"),
        store.window(),
        from.format("%Y-%m-%d %H:%M UTC"),
        store.now().format("%Y-%m-%d %H:%M UTC"),
    )?;
    writeln!(
        out,
        "Invocations {}  Errors {} ({})  Throttles {}  Peak concurrency {} / {}",
        format::count(t.invocations),
        format::count(t.errors),
        format::percent(t.error_rate),
        format::count(t.throttles),
        t.concurrency_peak
            .map_or("-".to_string(), |c| format!("{c:.0}")),
        format::count(u64::from(t.concurrency_limit)),
    )?;
    writeln!(
        out,
        "Alarms  ALARM {}  INSUFFICIENT DATA {}  OK {}",
        a.alarm, a.insufficient_data, a.ok
    )?;
    writeln!(out)?;
    let header = [
        "FUNCTION",
        "INVOCATIONS",
        "ERRORS",
        "ERR%",
        "THROTTLES",
        "AVG",
        "P99",
        "MAX",
        "CONC",
        "ALARM",
    ];
    let rows: Vec<[String; 10]> = store
        .select(selection)
        .into_iter()
        .map(|f| {
            let s = &f.summary;
            [
                f.name().to_string(),
                format::count(s.invocations),
                format::count(s.errors),
                format::percent(s.error_rate),
                format::count(s.throttles),
                format::opt_millis(s.duration_avg_ms),
                format::opt_millis(s.duration_p99_ms),
                format::opt_millis(s.duration_max_ms),
                s.concurrency_max
                    .map_or("-".to_string(), |c| format!("{c:.0}")),
                s.alarm_state.map_or("-", |a| a.as_str()).to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut s = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i == 0 {
                s.push_str(&format!("{cell:<w$}"));
            } else {
                s.push_str(&format!("  {cell:>w$}"));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(&header.map(String::from)))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

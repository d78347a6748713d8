//! Human formatting of figures, shared by the dashboard and the table snapshot.

use chrono::{DateTime, Utc};

/// `1234567` → `1,234,567`.
pub fn count(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A count in at most 6 characters: `999`, `12.3k`, `4.56M`.
pub fn count_short(n: u64) -> String {
    let f = n as f64;
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", f / 1e3),
        1_000_000..=999_999_999 => format!("{:.2}M", f / 1e6),
        _ => format!("{:.2}G", f / 1e9),
    }
}

/// The longest duration shown, in milliseconds: a year. Lambda runs 15 minutes at most; a longer
/// figure comes from a broken or hostile log, and every format shows it as unknown.
pub const MAX_MILLIS: f64 = 365.0 * 86_400_000.0;

/// The largest amount of dollars shown: beyond a trillion, a figure comes from a broken price or
/// log, and every format shows it as unknown.
pub const MAX_USD: f64 = 1e12;

/// The largest count read from a floating-point figure: 2^53, past which an `f64` no longer holds
/// every integer.
pub const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// `v` when it lies in `0..=max`; `None` for a negative, non-finite or larger figure.
fn within(v: f64, max: f64) -> Option<f64> {
    (v.is_finite() && (0.0..=max).contains(&v)).then_some(v)
}

/// A duration every format can show: `None` (shown `-`, `null` or an empty field) when negative,
/// not finite or longer than [`MAX_MILLIS`].
pub fn millis_figure(ms: f64) -> Option<f64> {
    within(ms, MAX_MILLIS)
}

/// An amount of dollars every format can show: `None` when negative, not finite or over
/// [`MAX_USD`].
pub fn usd_figure(v: f64) -> Option<f64> {
    within(v, MAX_USD)
}

/// A floating-point count (a metric's peak) as an integer: `None` when negative, not finite or
/// over [`MAX_COUNT`], never a saturated `u64::MAX`.
pub fn count_figure(v: f64) -> Option<u64> {
    within(v.round(), MAX_COUNT).map(|v| v as u64)
}

/// Milliseconds in a readable unit: `0.92 ms`, `38.2 ms`, `412 ms`, `1.25 s`, `2m05s`, `3h20m`,
/// `12d05h`; `-` for a figure [`millis_figure`] rejects.
pub fn millis(ms: f64) -> String {
    let Some(ms) = millis_figure(ms) else {
        return "-".to_string();
    };
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        // At most a year: the seconds fit a u64 whole.
        let s = (ms / 1000.0).round() as u64;
        let (m, h, d) = (s / 60, s / 3600, s / 86_400);
        if d > 0 {
            format!("{d}d{:02}h", h % 24)
        } else if h > 0 {
            format!("{h}h{:02}m", m % 60)
        } else {
            format!("{m}m{:02}s", s % 60)
        }
    }
}

/// A total of many durations (billed time summed over invocations) in one unit picked for its
/// size, with one decimal: `412 ms`, `12.5 s`, `42.3 min`, `104.2 h`, `12.4 d`. Hours run to
/// ten days, so that a day or two of busy logs still reads in hours; `-` for a figure
/// [`millis_figure`] rejects.
pub fn total_millis(ms: f64) -> String {
    let Some(ms) = millis_figure(ms) else {
        return "-".to_string();
    };
    const UNITS: [(f64, f64, &str); 4] = [
        // (from, unit in ms, name)
        (1_000.0, 1_000.0, "s"),
        (60_000.0, 60_000.0, "min"),
        (3_600_000.0, 3_600_000.0, "h"),
        (864_000_000.0, 86_400_000.0, "d"),
    ];
    match UNITS.iter().rev().find(|(from, _, _)| ms >= *from) {
        Some((_, unit, name)) => format!("{:.1} {name}", ms / unit),
        None => format!("{ms:.0} ms"),
    }
}

/// GB-seconds with their unit: `0.50 GB-s`, `42.3 GB-s`, `187,575 GB-s`; `-` when negative or
/// not finite.
pub fn gb_seconds(v: f64) -> String {
    match within(v, MAX_COUNT) {
        None => "-".to_string(),
        Some(v) if v >= 1000.0 => format!("{} GB-s", count(v.round() as u64)),
        Some(v) if v >= 10.0 => format!("{v:.1} GB-s"),
        Some(v) => format!("{v:.2} GB-s"),
    }
}

/// `n` and its noun, in the plural unless `n` is one: `1 line`, `2 lines`, `1,024 lines`.
pub fn plural(n: u64, noun: &str) -> String {
    let s = if n == 1 { "" } else { "s" };
    format!("{} {noun}{s}", count(n))
}

/// Whether times from `first` to `last` fall on more than one day, so that a time of day alone
/// no longer tells them apart.
pub fn spans_days(first: DateTime<Utc>, last: DateTime<Utc>) -> bool {
    first.date_naive() != last.date_naive()
}

/// A time of day, `19:12:32`, with its date when `dated` (`05-01 19:12:32`).
pub fn clock(t: DateTime<Utc>, dated: bool) -> String {
    if dated {
        t.format("%m-%d %H:%M:%S").to_string()
    } else {
        t.format("%H:%M:%S").to_string()
    }
}

/// An optional duration, `-` when unknown.
pub fn opt_millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".to_string(), millis)
}

/// A ratio as a percentage: `0.0123` → `1.23%`; `-` when not finite.
pub fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if !p.is_finite() {
        "-".to_string()
    } else if p == 0.0 {
        "0%".to_string()
    } else if p < 10.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// US dollars: `$0.0042`, `$1.23`, `$1,234`; `-` for a figure [`usd_figure`] rejects.
pub fn usd(v: f64) -> String {
    match usd_figure(v) {
        None => "-".to_string(),
        Some(0.0) => "$0".to_string(),
        // Not `$0.0000`: something was spent.
        Some(v) if v < 0.0001 => "<$0.0001".to_string(),
        Some(v) if v >= 1000.0 => format!("${}", count(v.round() as u64)),
        Some(v) if v >= 1.0 => format!("${v:.2}"),
        Some(v) => format!("${v:.4}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1234567), "1,234,567");
        assert_eq!(count_short(9999), "9999");
        assert_eq!(count_short(12_345), "12.3k");
        assert_eq!(count_short(4_560_000), "4.56M");
    }

    #[test]
    fn durations() {
        assert_eq!(millis(0.92), "0.92 ms");
        assert_eq!(millis(38.15), "38.1 ms");
        assert_eq!(millis(412.4), "412 ms");
        assert_eq!(millis(1250.0), "1.25 s");
        assert_eq!(millis(125_000.0), "2m05s");
        assert_eq!(millis(3_599_000.0), "59m59s");
        assert_eq!(millis(12_000_000.0), "3h20m");
        // 12 days, 5 hours and a half: the hours are rounded down.
        assert_eq!(millis(12.0 * 86_400_000.0 + 5.5 * 3_600_000.0), "12d05h");
        assert_eq!(millis(MAX_MILLIS), "365d00h");
        assert_eq!(opt_millis(None), "-");
    }

    #[test]
    fn absurd_figures_are_unknown_never_saturated() {
        for ms in [1e300, MAX_MILLIS * 1.01, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(millis(ms), "-", "{ms}");
            assert_eq!(millis_figure(ms), None, "{ms}");
        }
        for v in [9.75e306, 1.1e12, -0.01, f64::NAN, f64::NEG_INFINITY] {
            assert_eq!(usd(v), "-", "{v}");
        }
        assert_eq!(usd(999_999_999_999.0), "$999,999,999,999");
        assert_eq!(count_figure(1e300), None);
        assert_eq!(count_figure(-3.0), None);
        assert_eq!(count_figure(f64::NAN), None);
        assert_eq!(count_figure(41.6), Some(42));
        assert_eq!(count_figure(MAX_COUNT), Some(1 << 53));
        assert_eq!(percent(f64::NAN), "-");
    }

    #[test]
    fn totals_pick_their_unit() {
        // 375,149,000 ms billed = 104.208 h.
        assert_eq!(total_millis(375_149_000.0), "104.2 h");
        assert_eq!(total_millis(412.4), "412 ms");
        assert_eq!(total_millis(12_500.0), "12.5 s");
        assert_eq!(total_millis(2_538_000.0), "42.3 min");
        assert_eq!(total_millis(3_600_000.0), "1.0 h");
        // Ten days and over: 12.4 days.
        assert_eq!(total_millis(12.4 * 86_400_000.0), "12.4 d");
        assert_eq!(total_millis(f64::NAN), "-");
        assert_eq!(gb_seconds(187_574.6), "187,575 GB-s");
        assert_eq!(gb_seconds(42.26), "42.3 GB-s");
        assert_eq!(gb_seconds(0.5), "0.50 GB-s");
        assert_eq!(gb_seconds(-1.0), "-");
    }

    #[test]
    fn plurals_and_clocks() {
        assert_eq!(plural(1, "line"), "1 line");
        assert_eq!(plural(0, "line"), "0 lines");
        assert_eq!(plural(1024, "line"), "1,024 lines");
        let t = chrono::TimeZone::with_ymd_and_hms(&Utc, 2024, 5, 1, 19, 12, 32).unwrap();
        assert_eq!(clock(t, false), "19:12:32");
        assert_eq!(clock(t, true), "05-01 19:12:32");
        let next = t + chrono::Duration::hours(5);
        assert!(spans_days(t, next));
        assert!(!spans_days(t, t + chrono::Duration::hours(4)));
    }

    #[test]
    fn percents_and_money() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0123), "1.23%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(usd(0.00421), "$0.0042");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(1234.5), "$1,235");
    }
}

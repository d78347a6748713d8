//! Human formatting of figures, shared by the dashboard and the table snapshot.

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
    fn percents_and_money() {
        assert_eq!(percent(0.0), "0%");
        assert_eq!(percent(0.0123), "1.23%");
        assert_eq!(percent(0.5), "50.0%");
        assert_eq!(usd(0.00421), "$0.0042");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(1234.5), "$1,235");
    }
}

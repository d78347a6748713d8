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

/// Milliseconds in a readable unit: `0.92 ms`, `38.2 ms`, `412 ms`, `1.25 s`, `2m05s`.
pub fn millis(ms: f64) -> String {
    if !ms.is_finite() {
        return "-".to_string();
    }
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else if ms < 60_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        let s = (ms / 1000.0).round() as u64;
        format!("{}m{:02}s", s / 60, s % 60)
    }
}

/// An optional duration, `-` when unknown.
pub fn opt_millis(ms: Option<f64>) -> String {
    ms.map_or_else(|| "-".to_string(), millis)
}

/// A ratio as a percentage: `0.0123` → `1.23%`.
pub fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p == 0.0 {
        "0%".to_string()
    } else if p < 10.0 {
        format!("{p:.2}%")
    } else {
        format!("{p:.1}%")
    }
}

/// US dollars: `$0.0042`, `$1.23`, `$1,234`.
pub fn usd(v: f64) -> String {
    if v >= 1000.0 {
        format!("${}", count(v.round() as u64))
    } else if v >= 1.0 {
        format!("${v:.2}")
    } else {
        format!("${v:.4}")
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
        assert_eq!(opt_millis(None), "-");
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

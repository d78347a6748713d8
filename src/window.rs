//! The time window the dashboard looks at, and the metric period that suits it.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};

/// A trailing time window ("the last hour"). The period follows from the length so that a series
/// holds at most a few hundred points and every period is one CloudWatch accepts for the age of
/// the data (multiples of 60 s up to 15 days back).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    minutes: u32,
}

impl TimeWindow {
    /// The presets the TUI cycles through.
    pub const PRESETS: [TimeWindow; 6] = [
        TimeWindow { minutes: 15 },
        TimeWindow { minutes: 60 },
        TimeWindow { minutes: 180 },
        TimeWindow { minutes: 720 },
        TimeWindow { minutes: 1440 },
        TimeWindow { minutes: 10080 },
    ];
    /// Longest window: CloudWatch keeps 1-minute data 15 days, and a week at hourly periods is
    /// what a glance needs.
    pub const MAX_MINUTES: u32 = 10080;

    /// A window of `minutes` (clamped to 5 minutes … 7 days).
    pub fn minutes(minutes: u32) -> Self {
        Self {
            minutes: minutes.clamp(5, Self::MAX_MINUTES),
        }
    }

    pub fn length(self) -> Duration {
        Duration::minutes(i64::from(self.minutes))
    }

    pub fn total_minutes(self) -> u32 {
        self.minutes
    }

    /// Metric period in seconds: 1 minute up to 3 h, 5 minutes up to 24 h, then 1 hour.
    pub fn period_s(self) -> u32 {
        match self.minutes {
            0..=180 => 60,
            181..=1440 => 300,
            _ => 3600,
        }
    }

    /// How many periods the window spans.
    pub fn slots(self) -> usize {
        (self.minutes as usize * 60).div_ceil(self.period_s() as usize)
    }

    /// Start of the window ending at `now`, aligned to the period so that buckets line up with
    /// CloudWatch's: `slots()` whole periods, the last one being the (incomplete) current one.
    pub fn start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let period = i64::from(self.period_s());
        let current = crate::clock::floor_to(now, period);
        current - Duration::seconds(period * (self.slots() as i64 - 1))
    }

    /// The shortest preset that covers `span` (the longest when none does).
    pub fn covering(span: Duration) -> Self {
        Self::PRESETS
            .into_iter()
            .find(|w| w.length() >= span)
            .unwrap_or(Self::PRESETS[Self::PRESETS.len() - 1])
    }

    /// The next preset up or down (wrapping at neither end).
    pub fn step(self, up: bool) -> Self {
        let i = Self::PRESETS.iter().position(|w| w.minutes >= self.minutes);
        match (i, up) {
            (Some(i), true) if Self::PRESETS[i].minutes > self.minutes => Self::PRESETS[i],
            (Some(i), true) => Self::PRESETS[(i + 1).min(Self::PRESETS.len() - 1)],
            (Some(i), false) => Self::PRESETS[i.saturating_sub(1)],
            (None, true) => Self::PRESETS[Self::PRESETS.len() - 1],
            (None, false) => Self::PRESETS[Self::PRESETS.len() - 2],
        }
    }
}

impl Default for TimeWindow {
    fn default() -> Self {
        Self { minutes: 60 }
    }
}

impl fmt::Display for TimeWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.minutes;
        if m.is_multiple_of(1440) && m >= 2880 {
            write!(f, "{}d", m / 1440)
        } else if m.is_multiple_of(60) {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

/// Why a window could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid window {0:?}: use a number with m, h or d, e.g. 15m, 1h, 3h, 12h, 24h, 7d (at most 7d)"
)]
pub struct WindowParseError(String);

impl FromStr for TimeWindow {
    type Err = WindowParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let err = || WindowParseError(s.to_string());
        let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(err)?;
        let (num, unit) = t.split_at(split);
        let n: u32 = num.parse().map_err(|_| err())?;
        let minutes = match unit {
            "m" | "min" => n,
            "h" => n.checked_mul(60).ok_or_else(err)?,
            "d" => n.checked_mul(1440).ok_or_else(err)?,
            _ => return Err(err()),
        };
        if !(5..=Self::MAX_MINUTES).contains(&minutes) {
            return Err(err());
        }
        Ok(Self { minutes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_presets_and_rejects_nonsense() {
        assert_eq!("15m".parse::<TimeWindow>().unwrap().total_minutes(), 15);
        assert_eq!("3h".parse::<TimeWindow>().unwrap().total_minutes(), 180);
        assert_eq!("7d".parse::<TimeWindow>().unwrap().total_minutes(), 10080);
        for bad in ["", "h", "10", "8d", "1w", "-1h", "2m", "99999999999h"] {
            assert!(bad.parse::<TimeWindow>().is_err(), "{bad}");
        }
    }

    #[test]
    fn periods_are_valid_and_series_short() {
        for w in TimeWindow::PRESETS {
            assert_eq!(w.period_s() % 60, 0);
            assert!(w.slots() <= 300, "{w} has {} slots", w.slots());
        }
        assert_eq!(TimeWindow::minutes(60).slots(), 60);
        assert_eq!(TimeWindow::minutes(1440).slots(), 288);
        assert_eq!(TimeWindow::minutes(10080).slots(), 168);
    }

    #[test]
    fn start_is_aligned_and_covers_the_window() {
        let now = Utc.with_ymd_and_hms(2026, 3, 14, 9, 26, 53).unwrap();
        let w = TimeWindow::minutes(60);
        assert_eq!(
            w.start(now),
            Utc.with_ymd_and_hms(2026, 3, 14, 8, 27, 0).unwrap()
        );
        let w = TimeWindow::minutes(720);
        assert_eq!(
            w.start(now),
            Utc.with_ymd_and_hms(2026, 3, 13, 21, 30, 0).unwrap()
        );
    }

    #[test]
    fn covering_picks_the_shortest_preset() {
        assert_eq!(
            TimeWindow::covering(Duration::minutes(3)).to_string(),
            "15m"
        );
        assert_eq!(
            TimeWindow::covering(Duration::minutes(61)).to_string(),
            "3h"
        );
        assert_eq!(TimeWindow::covering(Duration::days(30)).to_string(), "7d");
    }

    #[test]
    fn steps_through_presets() {
        let w = TimeWindow::default();
        assert_eq!(w.step(true).to_string(), "3h");
        assert_eq!(w.step(false).to_string(), "15m");
        assert_eq!(TimeWindow::minutes(15).step(false).to_string(), "15m");
        assert_eq!(TimeWindow::minutes(10080).step(true).to_string(), "7d");
        assert_eq!(TimeWindow::minutes(30).step(true).to_string(), "1h");
    }
}

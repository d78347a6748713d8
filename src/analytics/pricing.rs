//! Lambda on-demand prices, for estimating what a window of invocations cost.

use serde::{Deserialize, Serialize};

use crate::model::Architecture;

/// Prices of requests and compute. Defaults are us-east-1's first tier; the config file can
/// override any field.
///
/// The estimate is deliberately simple: it applies the first-tier price to every GB-second and
/// ignores volume tiers (which start after 6 billion GB-seconds a month) and the monthly free tier
/// (1M requests and 400,000 GB-seconds), because a dashboard window cannot know where in the
/// month's tiers and free allowance the account is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pricing {
    /// USD per one million requests.
    pub request_usd_per_million: f64,
    /// USD per GB-second on x86_64.
    pub gb_second_usd_x86_64: f64,
    /// USD per GB-second on arm64.
    pub gb_second_usd_arm64: f64,
    /// USD per GB (2^30 bytes) a CloudWatch Logs Insights query scans.
    pub insights_usd_per_gb: f64,
    /// USD per minute of a CloudWatch Logs Live Tail session.
    pub live_tail_usd_per_minute: f64,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            request_usd_per_million: 0.20,
            gb_second_usd_x86_64: 0.000_016_666_7,
            gb_second_usd_arm64: 0.000_013_333_4,
            insights_usd_per_gb: 0.005,
            live_tail_usd_per_minute: 0.01,
        }
    }
}

impl Pricing {
    /// Price of one GB-second on `architecture`.
    pub fn gb_second_usd(&self, architecture: Architecture) -> f64 {
        match architecture {
            Architecture::X86_64 => self.gb_second_usd_x86_64,
            Architecture::Arm64 => self.gb_second_usd_arm64,
        }
    }

    /// Checks that every price is a finite amount of 0 or more: `nan`, `inf` or a negative price
    /// would turn every cost into nonsense. The error names the first bad key and its value.
    pub fn check(&self) -> Result<(), String> {
        for (key, v) in [
            ("request_usd_per_million", self.request_usd_per_million),
            ("gb_second_usd_x86_64", self.gb_second_usd_x86_64),
            ("gb_second_usd_arm64", self.gb_second_usd_arm64),
            ("insights_usd_per_gb", self.insights_usd_per_gb),
            ("live_tail_usd_per_minute", self.live_tail_usd_per_minute),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(format!(
                    "{key} = {v}: use a price in US dollars, a finite number of 0 or more"
                ));
            }
        }
        Ok(())
    }

    /// Cost of `requests` invocations that used `gb_seconds` of compute in total.
    pub fn cost_usd(&self, requests: u64, gb_seconds: f64, architecture: Architecture) -> f64 {
        requests as f64 * self.request_usd_per_million / 1_000_000.0
            + gb_seconds * self.gb_second_usd(architecture)
    }
}

/// GB-seconds of one invocation: billed ms / 1000 × memory MB / 1024. Takes the billed duration
/// as logged (never recomputed from `Duration`: since August 2025 it includes billed INIT time).
pub fn gb_seconds(billed_ms: u64, memory_mb: u32) -> f64 {
    billed_ms as f64 / 1000.0 * f64::from(memory_mb) / 1024.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_can_override_one_field() {
        let p: Pricing = serde_json::from_str(r#"{"gb_second_usd_arm64": 0.00001}"#).unwrap();
        assert_eq!(p.gb_second_usd_arm64, 0.00001);
        assert_eq!(p.request_usd_per_million, 0.20);
        assert_eq!(p.live_tail_usd_per_minute, 0.01);
        let p: Pricing = serde_json::from_str(r#"{"live_tail_usd_per_minute": 0.0126}"#).unwrap();
        assert_eq!(p.live_tail_usd_per_minute, 0.0126);
    }

    #[test]
    fn prices_must_be_finite_and_not_negative() {
        assert_eq!(Pricing::default().check(), Ok(()));
        let free = Pricing {
            request_usd_per_million: 0.0,
            ..Pricing::default()
        };
        assert_eq!(free.check(), Ok(()));
        for (v, shown) in [(f64::NAN, "NaN"), (f64::INFINITY, "inf"), (-0.5, "-0.5")] {
            let p = Pricing {
                gb_second_usd_arm64: v,
                ..Pricing::default()
            };
            assert_eq!(
                p.check(),
                Err(format!(
                    "gb_second_usd_arm64 = {shown}: use a price in US dollars, a finite number of 0 or more"
                ))
            );
        }
    }

    #[test]
    fn gb_seconds_by_hand() {
        // 1,000 ms at 1,024 MB = 1 s × 1 GB.
        assert_eq!(gb_seconds(1000, 1024), 1.0);
        // 100 ms at 128 MB = 0.1 × 0.125.
        assert_eq!(gb_seconds(100, 128), 0.0125);
    }
}

//! A REPORT line in the few words the log pane and `lambdatop tail` show it as:
//! `✗ TypeError 38 ms 41/128 MB cold 172 ms`.

use super::{PlatformStatus, ReportLine};
use crate::sanitize::sanitize;

/// A REPORT line in a few words: status mark, error type when it failed, duration, memory used
/// of configured, and the init (or SnapStart restore) time of a cold start:
/// `✗ TypeError 38 ms 41/128 MB cold 172 ms`, `✓ 12 ms 41/128 MB`, `⏱ timeout 3000 ms 90/128 MB`.
pub fn report_summary(r: &ReportLine<'_>) -> String {
    let mut out = match (r.status, r.error_type()) {
        (Some(PlatformStatus::Timeout), _) => "⏱ timeout".to_string(),
        (_, Some(t)) => format!("✗ {}", sanitize(t)),
        (Some(s), None) if s.is_failure() => format!("✗ {}", status_word(s)),
        _ => "✓".to_string(),
    };
    out.push_str(&format!(
        " {} {}/{} MB",
        ms(r.duration_ms),
        r.max_memory_used_mb,
        r.memory_size_mb
    ));
    if let Some(init) = r.init_duration_ms {
        out.push_str(&format!(" cold {}", ms(init)));
    }
    if let Some(restore) = r.restore_duration_ms() {
        out.push_str(&format!(" restore {}", ms(restore)));
    }
    out
}

/// The platform's word for a status.
pub fn status_word(s: PlatformStatus) -> &'static str {
    match s {
        PlatformStatus::Success => "success",
        PlatformStatus::Error => "error",
        PlatformStatus::Failure => "failure",
        PlatformStatus::Timeout => "timeout",
        PlatformStatus::Other => "unknown status",
    }
}

/// Milliseconds as a summary reads them: whole above 10 ms (`38 ms`), one decimal below
/// (`1.5 ms`).
fn ms(v: f64) -> String {
    if v < 10.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

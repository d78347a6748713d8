//! Invocation analytics fed arbitrary lines: ingesting never panics, the summary never panics,
//! and the in-flight map stays within its cap.
#![no_main]

use chrono::{TimeZone, Utc};
use lambdatop::analytics::{FunctionAnalytics, Pricing};
use lambdatop::model::Architecture;
use lambdatop::snapshot::document::LogReport;
use libfuzzer_sys::fuzz_target;

const PENDING_CAP: usize = 16;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut analytics = FunctionAnalytics::with_caps(PENDING_CAP, 8);
    let start = Utc.with_ymd_and_hms(2026, 3, 14, 9, 0, 0).unwrap();
    // One message per line; a line starting with a tab continues the previous message, as
    // multi-line messages (stack traces) do.
    let mut messages: Vec<String> = Vec::new();
    for line in text.split('\n') {
        match messages.last_mut() {
            Some(m) if line.starts_with('\t') => {
                m.push('\n');
                m.push_str(line);
            }
            _ => messages.push(line.to_string()),
        }
    }
    for (i, m) in messages.iter().enumerate() {
        analytics.ingest_message(start + chrono::Duration::milliseconds(i as i64 * 250), m);
        assert!(analytics.in_flight() <= PENDING_CAP);
    }
    for arch in [Architecture::X86_64, Architecture::Arm64] {
        let summary = analytics.summary(&Pricing::default(), arch);
        let _ = format!("{summary:?}");
    }
    // The snapshot's view of it: never a number JSON cannot hold.
    let summary = analytics.summary(&Pricing::default(), Architecture::Arm64);
    let report = LogReport::from(&summary);
    assert!(report.cost_usd.is_finite());
    for ms in [
        report.duration_ms_p50,
        report.duration_ms_p99,
        report.init_ms_p50,
    ]
    .into_iter()
    .flatten()
    {
        assert!(ms.is_finite());
    }
});

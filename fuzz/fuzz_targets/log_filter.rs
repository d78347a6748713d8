//! The log filter language on arbitrary input: parsing never panics, and a filter that parses can
//! be matched against, and highlight, arbitrary log text without panicking or producing ranges
//! outside the text or off character boundaries.
#![no_main]

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lambdatop::lambda_log::filter::{ColdRequests, LogFilter};
use lambdatop::model::LogEvent;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is the filter, the rest the log message.
    let (filter, message) = text
        .split_once('\n')
        .unwrap_or((&text, "REPORT RequestId: x"));
    let Ok(filter) = LogFilter::parse(filter) else {
        return;
    };
    let event = LogEvent {
        function: Arc::from("fuzz-fn"),
        origin: Default::default(),
        timestamp: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
        stream: Arc::from("2026/01/01/[$LATEST]abc"),
        message: message.to_string(),
        event_id: None,
    };
    let _ = filter.matches(&event, &ColdRequests::default());
    for range in filter.highlights(message) {
        assert!(range.start <= range.end && range.end <= message.len());
        assert!(message.is_char_boundary(range.start) && message.is_char_boundary(range.end));
    }
});

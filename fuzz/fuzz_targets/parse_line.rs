//! The log parser on arbitrary text: `parse` and `strip_viewer_prefix` never panic, and what they
//! return is consistent (the stripped message is a suffix of the input).
#![no_main]

use lambdatop::lambda_log::{parse, strip_viewer_prefix};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let line = parse(&text);
    let _ = (
        line.request_id(),
        line.level(),
        line.kind_name(),
        line.is_platform(),
    );
    let _ = format!("{line:?}");

    let (prefix, message) = strip_viewer_prefix(&text);
    assert!(
        text.ends_with(message),
        "the message is the end of the line"
    );
    if let Some(p) = prefix {
        let _ = format!("{p:?}");
    }
    let _ = parse(message);
});

//! `--fail-on` rules on arbitrary input: the parser never panics, on rules or on nonsense.
#![no_main]

use lambdatop::snapshot::rules::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(rule) = parse(&text) {
        let _ = format!("{rule:?}");
    }
});

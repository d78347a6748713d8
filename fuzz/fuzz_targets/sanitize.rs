//! What the terminal is given: after `sanitize`, no control, bidi or other invisible format
//! character survives, and the length is capped; after `json_inert`, a JSON string holds none of
//! them raw and still reads back whole.
#![no_main]

use lambdatop::sanitize::{MAX_LINE_CHARS, json_inert, needs_escaping, sanitize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clean = sanitize(&text);
    assert!(clean.chars().count() <= MAX_LINE_CHARS + 1);
    for c in clean.chars() {
        assert!(!needs_escaping(c), "{c:?} survived in {clean:?}");
    }
    let json = serde_json::to_string_pretty(&[text.as_ref()]).expect("a string serialises");
    let inert = json_inert(&json);
    assert!(
        !inert.chars().any(|c| c != '\n' && needs_escaping(c)),
        "{inert:?}"
    );
    let back: Vec<String> = serde_json::from_str(&inert).expect("still JSON");
    assert_eq!(back, [text.as_ref()]);
});

//! What the terminal is given: after `sanitize`, no control or bidi character survives, and the
//! length is capped.
#![no_main]

use lambdatop::tui::sanitize::{MAX_LINE_CHARS, sanitize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let clean = sanitize(&text);
    assert!(clean.chars().count() <= MAX_LINE_CHARS + 1);
    for c in clean.chars() {
        assert!(!c.is_control(), "{c:?} survived in {clean:?}");
        assert!(
            !matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}'),
            "{c:?} survived in {clean:?}"
        );
    }
});

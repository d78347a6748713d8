//! The theme loader on arbitrary text: parsing never panics, and its errors (an excerpt of the
//! file included) quote nothing a terminal would act on but their own line breaks.
#![no_main]

use lambdatop::sanitize::needs_escaping;
use lambdatop::tui::theme::Theme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = Theme::from_toml(&text, "fuzz.toml", "fuzz") {
        let message = e.to_string();
        assert!(
            !message.chars().any(|c| c != '\n' && needs_escaping(c)),
            "{message:?}"
        );
    }
});

//! The config file loader on arbitrary text: parsing and checking never panic, a file it accepts
//! merges with the command line, and its errors quote nothing a terminal would act on.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use clap::Parser;
use lambdatop::cli::Cli;
use lambdatop::config::{ConfigFile, Settings};
use lambdatop::sanitize::needs_escaping;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    static CLI: OnceLock<Cli> = OnceLock::new();
    let text = String::from_utf8_lossy(data);
    match ConfigFile::parse(&text, Path::new("/fuzz/config.toml")) {
        Ok(file) => {
            let settings =
                Settings::merge(CLI.get_or_init(|| Cli::parse_from(["lambdatop"])), file);
            assert!(settings.pricing.check().is_ok(), "{:?}", settings.pricing);
            assert_ne!(settings.refresh_seconds, Some(0));
        }
        Err(e) => {
            let message = e.to_string();
            assert!(!message.chars().any(needs_escaping), "{message:?}");
        }
    }
});

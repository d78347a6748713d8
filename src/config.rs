//! The config file: `$XDG_CONFIG_HOME/lambdatop/config.toml` (or `--config PATH`), merged with the
//! command line in one place: command line > file > defaults.
//!
//! A missing file means defaults, silently; a bad one is an error that names the file, the line
//! and the problem.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::analytics::Pricing;
use crate::cli::Cli;
use crate::figures::SortKey;
use crate::store::StoreLimits;
use crate::textfile::TextFileError;
use crate::window::TimeWindow;

/// The file as written. Every field is optional; unknown keys are errors (typos should not pass
/// silently).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    /// Default time window, e.g. `"3h"`.
    pub window: Option<String>,
    /// Theme name or path.
    pub theme: Option<String>,
    pub sort: Option<SortKey>,
    /// Seconds between metric refreshes.
    pub refresh_seconds: Option<u64>,
    pub aws: AwsSection,
    pub logs: LogsSection,
    pub pricing: Option<Pricing>,
}

/// `[aws]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsSection {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// FilterLogEvents calls per second this dashboard may make (the account-wide quota is
    /// shared with every other tool: 5/s in some Regions).
    pub logs_requests_per_second: Option<f64>,
}

/// `[logs]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogsSection {
    /// Log lines kept for the log pane.
    pub max_lines: Option<usize>,
}

/// Why the config file could not be used. The path is quoted inert; the file's text never.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", crate::sanitize::path(path))]
    Read {
        path: PathBuf,
        source: TextFileError,
    },
    #[error(
        "bad config file {}: {}",
        crate::sanitize::path(path),
        crate::sanitize::sanitize(message)
    )]
    Parse { path: PathBuf, message: String },
}

/// The default location, `$XDG_CONFIG_HOME/lambdatop/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    config_dir().map(|d| d.join("config.toml"))
}

/// `$XDG_CONFIG_HOME/lambdatop` (`~/.config/lambdatop` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|d| d.join("lambdatop"))
}

impl ConfigFile {
    /// Reads `path`; `None` reads the default location, where a missing file means defaults.
    pub fn load(path: Option<&Path>) -> Result<Self, ConfigError> {
        let (path, must_exist) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Self::default()),
            },
        };
        match crate::textfile::read(&path) {
            Ok(text) => Self::parse(&text, &path),
            Err(e) if e.is_not_found() && !must_exist => Ok(Self::default()),
            Err(source) => Err(ConfigError::Read { path, source }),
        }
    }

    /// Parses the text of `path`, checking values as well as syntax.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let bad = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let file: ConfigFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| line_col(text, s.start))
                .map(|(l, c)| format!("line {l}, column {c}: "))
                .unwrap_or_default();
            bad(format!("{at}{}", e.message()))
        })?;
        if let Some(w) = &file.window {
            w.parse::<TimeWindow>()
                .map_err(|e| bad(format!("window: {e}")))?;
        }
        if let Some(r) = file.aws.logs_requests_per_second
            && !(r > 0.0 && r <= 100.0)
        {
            return Err(bad(format!(
                "aws.logs_requests_per_second = {r}: use a number above 0 and at most 100"
            )));
        }
        if let Some(r) = file.refresh_seconds {
            crate::cli::refresh_seconds(r)
                .map_err(|e| bad(format!("refresh_seconds = {r}: {e}")))?;
        }
        if let Some(p) = &file.pricing {
            p.check().map_err(|e| bad(format!("pricing.{e}")))?;
        }
        Ok(file)
    }
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Settings after merging the command line over the file over the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub window: TimeWindow,
    pub theme: Option<String>,
    pub sort: SortKey,
    pub refresh_seconds: Option<u64>,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub logs_requests_per_second: f64,
    pub limits: StoreLimits,
    pub pricing: Pricing,
}

/// FilterLogEvents calls per second when nothing says otherwise: the lowest Regional quota.
pub const DEFAULT_LOGS_REQUESTS_PER_SECOND: f64 = 5.0;

impl Settings {
    /// Command line over file over defaults.
    pub fn merge(cli: &Cli, file: ConfigFile) -> Self {
        let mut limits = StoreLimits::default();
        if let Some(n) = file.logs.max_lines {
            limits.log_events = n.max(100);
        }
        Self {
            window: cli
                .window
                .or_else(|| file.window.as_deref().and_then(|w| w.parse().ok()))
                .unwrap_or_default(),
            theme: cli.theme.clone().or(file.theme),
            sort: cli.sort.or(file.sort).unwrap_or_default(),
            refresh_seconds: cli.refresh.or(file.refresh_seconds),
            profile: cli.profile.clone().or(file.aws.profile),
            region: cli.region.clone().or(file.aws.region),
            endpoint_url: cli.endpoint_url.clone().or(file.aws.endpoint_url),
            logs_requests_per_second: file
                .aws
                .logs_requests_per_second
                .unwrap_or(DEFAULT_LOGS_REQUESTS_PER_SECOND),
            limits,
            pricing: file.pricing.unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse(text, Path::new("/home/u/.config/lambdatop/config.toml"))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn empty_file_is_defaults() {
        assert_eq!(parse("").unwrap(), ConfigFile::default());
    }

    #[test]
    fn reads_every_section() {
        let f = parse(
            r#"
            window = "3h"
            theme = "light"
            sort = "error-rate"
            refresh_seconds = 30
            [aws]
            profile = "prod"
            region = "eu-central-1"
            logs_requests_per_second = 2.5
            [logs]
            max_lines = 5000
            [pricing]
            gb_second_usd_arm64 = 0.00001
            "#,
        )
        .unwrap();
        assert_eq!(f.window.as_deref(), Some("3h"));
        assert_eq!(f.sort, Some(SortKey::By(crate::figures::Figure::ErrorRate)));
        assert_eq!(f.aws.logs_requests_per_second, Some(2.5));
        let p = f.pricing.unwrap();
        assert_eq!(p.gb_second_usd_arm64, 0.00001);
        // Partial pricing keeps the other defaults.
        assert_eq!(
            p.request_usd_per_million,
            Pricing::default().request_usd_per_million
        );
    }

    #[test]
    fn bad_files_name_the_file_line_and_problem() {
        let e = parse("window = \"3h\"\nwindoww = \"1h\"\n").unwrap_err();
        assert!(e.starts_with("bad config file /home/u/.config/lambdatop/config.toml: line 2, column 1: unknown field `windoww`"), "{e}");
        let e = parse("window = \"3 weeks\"").unwrap_err();
        assert!(e.contains("window: invalid window \"3 weeks\""), "{e}");
        let e = parse("[aws]\nlogs_requests_per_second = 0").unwrap_err();
        assert!(e.contains("logs_requests_per_second = 0"), "{e}");
        let e = parse("sort = \"sideways\"").unwrap_err();
        assert!(e.contains("line 1") && e.contains("sideways"), "{e}");
        let e = parse("window = ").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        let e = parse("refresh_seconds = 0").unwrap_err();
        assert!(e.ends_with(": refresh_seconds = 0: use 1 or more"), "{e}");
        let e = parse("[pricing]\nrequest_usd_per_million = nan").unwrap_err();
        assert!(
            e.contains(": pricing.request_usd_per_million = NaN: use a price"),
            "{e}"
        );
    }

    #[test]
    fn command_line_wins_over_file_over_defaults() {
        let file =
            parse("window = \"3h\"\nsort = \"errors\"\n[aws]\nregion = \"eu-west-1\"").unwrap();
        let cli = Cli::parse_from(["lambdatop", "--window", "15m"]);
        let s = Settings::merge(&cli, file.clone());
        assert_eq!(s.window.to_string(), "15m");
        assert_eq!(s.sort, SortKey::By(crate::figures::Figure::Errors));
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.logs_requests_per_second, DEFAULT_LOGS_REQUESTS_PER_SECOND);
        let s = Settings::merge(&Cli::parse_from(["lambdatop"]), ConfigFile::default());
        assert_eq!(s.window, TimeWindow::default());
        assert_eq!(s.sort, SortKey::By(crate::figures::Figure::Invocations));
    }

    #[test]
    fn a_missing_default_file_is_fine_but_a_named_one_is_not() {
        let e = ConfigFile::load(Some(Path::new("/nonexistent/lambdatop.toml"))).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("cannot read config file /nonexistent/lambdatop.toml")
        );
    }
}

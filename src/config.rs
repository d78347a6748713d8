//! The config file: `$XDG_CONFIG_HOME/lambdatop/config.toml` (or `--config PATH`), merged with the
//! command line in one place: command line > file > defaults.
//!
//! A missing file means defaults, silently; a bad one is an error that names the file, the line
//! and the problem.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::analytics::Pricing;
use crate::cli::Cli;
use crate::figures::SortKey;
use crate::source::cloudwatch::origins::ALL_REGIONS;
use crate::source::cloudwatch::{LiveTailMode, LogAnalytics};
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
    pub cost: CostSection,
}

/// `[cost]`: what the dashboard's own API use may cost.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CostSection {
    /// US dollars an hour, like --budget.
    pub budget_usd_per_hour: Option<f64>,
    /// No key for this long (`"10m"`) makes the dashboard idle.
    pub idle_after: Option<String>,
}

/// `[aws]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AwsSection {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Several profiles read at once, like `--profile dev,prod`.
    pub profiles: Vec<String>,
    /// Several Regions read at once, like `--region us-east-1,eu-west-1` (`["all"]` for every
    /// Region enabled by default).
    pub regions: Vec<String>,
    /// Linked source accounts too, like `--linked-accounts`.
    pub linked_accounts: Option<bool>,
    pub endpoint_url: Option<String>,
    /// FilterLogEvents calls per second this dashboard may make (the account-wide quota is
    /// shared with every other tool: 5/s in some Regions).
    pub logs_requests_per_second: Option<f64>,
    /// Seconds to wait for a connection to AWS (like --connect-timeout).
    pub connect_timeout: Option<f64>,
    /// Seconds to wait for one AWS call (like --operation-timeout).
    pub operation_timeout: Option<f64>,
}

/// `[logs]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogsSection {
    /// Log lines kept for the log pane.
    pub max_lines: Option<usize>,
    /// How REPORT figures are read: `auto`, `insights`, `filter` or `off` (like --log-analytics).
    pub analytics: Option<LogAnalytics>,
    /// Live Tail for followed logs: `auto`, `on` or `off` (like --live-tail).
    pub live_tail: Option<LiveTailMode>,
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
        for (key, value) in [
            ("connect_timeout", file.aws.connect_timeout),
            ("operation_timeout", file.aws.operation_timeout),
        ] {
            if let Some(v) = value
                && crate::cli::parse_seconds(&v.to_string()).is_err()
            {
                return Err(bad(format!(
                    "aws.{key} = {v}: use a number of seconds above 0 and at most 3600"
                )));
            }
        }
        if let Some(r) = file.refresh_seconds {
            crate::cli::refresh_seconds(r)
                .map_err(|e| bad(format!("refresh_seconds = {r}: {e}")))?;
        }
        if let Some(p) = &file.pricing {
            p.check().map_err(|e| bad(format!("pricing.{e}")))?;
        }
        if let Some(b) = file.cost.budget_usd_per_hour {
            crate::cli::budget(b)
                .map_err(|e| bad(format!("cost.budget_usd_per_hour = {b}: {e}")))?;
        }
        if let Some(t) = &file.cost.idle_after {
            crate::cli::parse_interval(t).map_err(|e| bad(format!("cost.idle_after: {e}")))?;
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

/// Settings after merging the command line over the environment over the file over the
/// defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub window: TimeWindow,
    pub theme: Option<String>,
    pub sort: SortKey,
    pub refresh_seconds: Option<u64>,
    /// `--profile`, else `AWS_PROFILE`, else the file's; `None` leaves it to the SDK (the
    /// default profile).
    pub profile: Option<String>,
    /// `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION`, else the file's; `None` leaves it
    /// to the SDK (the profile's), or names several (`regions`).
    pub region: Option<String>,
    /// Every profile to read, in the same order of precedence: `--profile dev,prod` or the
    /// file's `profiles`; one, or none for the SDK's default.
    pub profiles: Vec<String>,
    /// Every Region to read: `--region us-east-1,eu-west-1`, `all`, or the file's `regions`.
    pub regions: Vec<String>,
    /// `--linked-accounts`, else the file's `linked_accounts`.
    pub linked_accounts: bool,
    /// `--endpoint-url`: every service, over any variable or file.
    pub endpoint_url: Option<String>,
    /// The file's `endpoint_url`: below the `AWS_ENDPOINT_URL*` variables, above the profile's.
    pub config_endpoint_url: Option<String>,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    pub logs_requests_per_second: f64,
    /// `--log-analytics`, else `[logs] analytics`, else auto.
    pub log_analytics: LogAnalytics,
    /// `--live-tail`, else `[logs] live_tail`, else auto.
    pub live_tail: LiveTailMode,
    pub limits: StoreLimits,
    pub pricing: Pricing,
    /// `--budget`, else the file's `[cost] budget_usd_per_hour`.
    pub budget_usd_per_hour: Option<f64>,
    /// The file's `[cost] idle_after`, else 10 minutes.
    pub idle_after: Duration,
}

/// FilterLogEvents calls per second when nothing says otherwise: the lowest Regional quota.
pub const DEFAULT_LOGS_REQUESTS_PER_SECOND: f64 = 5.0;

/// Seconds to wait for a connection to AWS when nothing says otherwise.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Seconds to wait for one AWS call when nothing says otherwise.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// `a,b, c` as `[a, b, c]`, blanks and repeats left out.
pub fn split_list(s: &str) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if !v.iter().any(|x| x == item) {
            v.push(item.to_string());
        }
    }
    v
}

impl Settings {
    /// Whether several profiles or Regions are read at once.
    pub fn several_origins(&self) -> bool {
        self.profiles.len() > 1
            || self.regions.len() > 1
            || self.regions.iter().any(|r| r == ALL_REGIONS)
    }

    /// Command line over environment over file over defaults, reading the process's
    /// environment.
    pub fn merge(cli: &Cli, file: ConfigFile) -> Self {
        Self::merge_with_env(cli, file, &|name| std::env::var(name).ok())
    }

    /// [`Settings::merge`] with the environment given by `env` (a variable's value, if set).
    /// The AWS settings follow the AWS CLI: command line, then environment, then this file,
    /// then (left to the SDK) the profile.
    pub fn merge_with_env(
        cli: &Cli,
        file: ConfigFile,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Self {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let seconds =
            |s: Option<f64>| s.and_then(|s| crate::cli::parse_seconds(&s.to_string()).ok());
        // A list on the command line, else one from the environment, else the file's list,
        // else the file's one.
        let listed =
            |cli: &Option<String>, vars: &[&str], many: &[String], one: &Option<String>| {
                cli.as_deref()
                    .map(split_list)
                    .or_else(|| vars.iter().find_map(|v| var(v)).map(|v| vec![v]))
                    .or_else(|| (!many.is_empty()).then(|| many.to_vec()))
                    .or_else(|| one.clone().map(|v| vec![v]))
                    .unwrap_or_default()
            };
        let profiles = listed(
            &cli.profile,
            &["AWS_PROFILE"],
            &file.aws.profiles,
            &file.aws.profile,
        );
        let regions = listed(
            &cli.region,
            &["AWS_REGION", "AWS_DEFAULT_REGION"],
            &file.aws.regions,
            &file.aws.region,
        );
        let one = |list: &[String]| match list {
            [one] if one != ALL_REGIONS => Some(one.clone()),
            _ => None,
        };
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
            profile: one(&profiles),
            region: one(&regions),
            profiles,
            regions,
            linked_accounts: cli.linked_accounts || file.aws.linked_accounts.unwrap_or(false),
            endpoint_url: cli.endpoint_url.clone(),
            config_endpoint_url: file.aws.endpoint_url.filter(|e| !e.trim().is_empty()),
            connect_timeout: cli
                .connect_timeout
                .or_else(|| seconds(file.aws.connect_timeout))
                .unwrap_or(DEFAULT_CONNECT_TIMEOUT),
            operation_timeout: cli
                .operation_timeout
                .or_else(|| seconds(file.aws.operation_timeout))
                .unwrap_or(DEFAULT_OPERATION_TIMEOUT),
            logs_requests_per_second: file
                .aws
                .logs_requests_per_second
                .unwrap_or(DEFAULT_LOGS_REQUESTS_PER_SECOND),
            log_analytics: cli
                .log_analytics
                .or(file.logs.analytics)
                .unwrap_or_default(),
            live_tail: cli.live_tail.or(file.logs.live_tail).unwrap_or_default(),
            limits,
            pricing: file.pricing.unwrap_or_default(),
            budget_usd_per_hour: cli.budget.or(file.cost.budget_usd_per_hour),
            idle_after: file
                .cost
                .idle_after
                .as_deref()
                .and_then(|t| crate::cli::parse_interval(t).ok())
                .unwrap_or(crate::tui::view::IDLE_AFTER),
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
    fn the_cost_section_sets_a_budget_and_when_idle_begins() {
        let f = parse("[cost]\nbudget_usd_per_hour = 0.10\nidle_after = \"5m\"").unwrap();
        let cli = Cli::parse_from(["lambdatop"]);
        let s = Settings::merge_with_env(&cli, f.clone(), &|_| None);
        assert_eq!(s.budget_usd_per_hour, Some(0.10));
        assert_eq!(s.idle_after, Duration::from_secs(300));
        // --budget wins over the file.
        let cli = Cli::parse_from(["lambdatop", "--budget", "0.05"]);
        let s = Settings::merge_with_env(&cli, f, &|_| None);
        assert_eq!(s.budget_usd_per_hour, Some(0.05));
        // Defaults: no budget, idle after 10 minutes.
        let s = Settings::merge_with_env(&cli, ConfigFile::default(), &|_| None);
        assert_eq!(s.idle_after, Duration::from_secs(600));
        let e = parse("[cost]\nbudget_usd_per_hour = -1").unwrap_err();
        assert!(
            e.contains("cost.budget_usd_per_hour = -1: use US dollars"),
            "{e}"
        );
        let e = parse("[cost]\nidle_after = \"soon\"").unwrap_err();
        assert!(e.contains("cost.idle_after: \"soon\" is not a time"), "{e}");
        assert!(Cli::try_parse_from(["lambdatop", "--budget", "nan"]).is_err());
        assert!(Cli::try_parse_from(["lambdatop", "--budget", "$0.10"]).is_ok());
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
            live_tail = "off"
            max_lines = 5000
            analytics = "filter"
            [pricing]
            gb_second_usd_arm64 = 0.00001
            "#,
        )
        .unwrap();
        assert_eq!(f.logs.analytics, Some(LogAnalytics::Filter));
        assert_eq!(f.logs.live_tail, Some(LiveTailMode::Off));
        // --live-tail wins over the file; without either, auto.
        let on = Cli::parse_from(["lambdatop", "--live-tail", "on"]);
        assert_eq!(
            Settings::merge_with_env(&on, f.clone(), &|_| None).live_tail,
            LiveTailMode::On
        );
        let none = Cli::parse_from(["lambdatop"]);
        assert_eq!(
            Settings::merge_with_env(&none, f.clone(), &|_| None).live_tail,
            LiveTailMode::Off
        );
        assert_eq!(
            Settings::merge_with_env(&none, ConfigFile::default(), &|_| None).live_tail,
            LiveTailMode::Auto
        );
        // The command line wins over the file; without either, auto.
        let cli = Cli::parse_from(["lambdatop", "--log-analytics", "off"]);
        assert_eq!(
            Settings::merge_with_env(&cli, f.clone(), &|_| None).log_analytics,
            LogAnalytics::Off
        );
        let cli = Cli::parse_from(["lambdatop"]);
        assert_eq!(
            Settings::merge_with_env(&cli, f.clone(), &|_| None).log_analytics,
            LogAnalytics::Filter
        );
        assert_eq!(
            Settings::merge_with_env(&cli, ConfigFile::default(), &|_| None).log_analytics,
            LogAnalytics::Auto
        );
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
        let s = Settings::merge_with_env(&cli, file.clone(), &env(&[]));
        assert_eq!(s.window.to_string(), "15m");
        assert_eq!(s.sort, SortKey::By(crate::figures::Figure::Errors));
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.logs_requests_per_second, DEFAULT_LOGS_REQUESTS_PER_SECOND);
        let s = Settings::merge(&Cli::parse_from(["lambdatop"]), ConfigFile::default());
        assert_eq!(s.window, TimeWindow::default());
        assert_eq!(s.sort, SortKey::By(crate::figures::Figure::Invocations));
    }

    /// An environment of `vars` alone.
    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn aws_settings_rank_command_line_then_environment_then_file() {
        let file = parse(
            "[aws]\nprofile = \"file-profile\"\nregion = \"eu-west-1\"\nendpoint_url = \"http://file:1\"",
        )
        .unwrap();
        let bare = Cli::parse_from(["lambdatop"]);
        let flags = Cli::parse_from([
            "lambdatop",
            "--profile",
            "cli-profile",
            "--region",
            "ap-south-1",
            "--endpoint-url",
            "http://cli:1",
        ]);
        let vars = env(&[
            ("AWS_PROFILE", "env-profile"),
            ("AWS_REGION", "us-west-2"),
            ("AWS_DEFAULT_REGION", "us-east-2"),
            ("AWS_ENDPOINT_URL", "http://env:1"),
        ]);
        // The command line wins over the environment and the file.
        let s = Settings::merge_with_env(&flags, file.clone(), &vars);
        assert_eq!(s.profile.as_deref(), Some("cli-profile"));
        assert_eq!(s.region.as_deref(), Some("ap-south-1"));
        assert_eq!(s.endpoint_url.as_deref(), Some("http://cli:1"));
        // The environment wins over the file (the endpoint variables are weighed per service,
        // see `endpoint_override`: the file's endpoint is kept below them).
        let s = Settings::merge_with_env(&bare, file.clone(), &vars);
        assert_eq!(s.profile.as_deref(), Some("env-profile"));
        assert_eq!(s.region.as_deref(), Some("us-west-2"));
        assert_eq!(s.endpoint_url, None);
        assert_eq!(s.config_endpoint_url.as_deref(), Some("http://file:1"));
        let s = Settings::merge_with_env(
            &bare,
            file.clone(),
            &env(&[("AWS_DEFAULT_REGION", "us-east-2")]),
        );
        assert_eq!(s.region.as_deref(), Some("us-east-2"));
        // The file wins over the profile: its values are passed on; without any, the SDK reads
        // the profile.
        let s = Settings::merge_with_env(&bare, file, &env(&[("AWS_REGION", " ")]));
        assert_eq!(s.profile.as_deref(), Some("file-profile"));
        assert_eq!(s.region.as_deref(), Some("eu-west-1"));
        let s = Settings::merge_with_env(&bare, ConfigFile::default(), &env(&[]));
        assert_eq!((s.profile, s.region, s.endpoint_url), (None, None, None));
    }

    #[test]
    fn several_profiles_and_regions_come_from_lists() {
        let file = parse(
            "[aws]\nprofiles = [\"dev\", \"prod\"]\nregions = [\"us-east-1\", \"eu-west-1\"]",
        )
        .unwrap();
        let bare = Cli::parse_from(["lambdatop"]);
        let s = Settings::merge_with_env(&bare, file.clone(), &env(&[]));
        assert_eq!(s.profiles, ["dev", "prod"]);
        assert_eq!(s.regions, ["us-east-1", "eu-west-1"]);
        assert_eq!((&s.profile, &s.region), (&None, &None));
        assert!(s.several_origins());
        // The command line's list wins, blanks and repeats left out; one is one.
        let flags = Cli::parse_from([
            "lambdatop",
            "--region",
            "ap-south-1, ,ap-south-1,sa-east-1",
            "--profile",
            "ops",
        ]);
        let s = Settings::merge_with_env(&flags, file.clone(), &env(&[]));
        assert_eq!(s.regions, ["ap-south-1", "sa-east-1"]);
        assert_eq!(s.profiles, ["ops"]);
        assert_eq!(s.profile.as_deref(), Some("ops"));
        // The environment's one Region wins over the file's list.
        let s = Settings::merge_with_env(&bare, file, &env(&[("AWS_REGION", "us-west-2")]));
        assert_eq!(s.regions, ["us-west-2"]);
        assert_eq!(s.region.as_deref(), Some("us-west-2"));
        let all = Cli::parse_from(["lambdatop", "--region", "all"]);
        let s = Settings::merge_with_env(&all, ConfigFile::default(), &env(&[]));
        assert_eq!((s.region.is_none(), s.several_origins()), (true, true));
    }

    #[test]
    fn timeouts_come_from_the_command_line_then_the_file() {
        let file = parse("[aws]\nconnect_timeout = 2.5\noperation_timeout = 90").unwrap();
        let s = Settings::merge_with_env(&Cli::parse_from(["lambdatop"]), file.clone(), &env(&[]));
        assert_eq!(s.connect_timeout, Duration::from_millis(2500));
        assert_eq!(s.operation_timeout, Duration::from_secs(90));
        let cli = Cli::parse_from(["lambdatop", "--operation-timeout", "4"]);
        let s = Settings::merge_with_env(&cli, file, &env(&[]));
        assert_eq!(s.operation_timeout, Duration::from_secs(4));
        let s = Settings::merge_with_env(
            &Cli::parse_from(["lambdatop"]),
            ConfigFile::default(),
            &env(&[]),
        );
        assert_eq!(
            (s.connect_timeout, s.operation_timeout),
            (DEFAULT_CONNECT_TIMEOUT, DEFAULT_OPERATION_TIMEOUT)
        );
        let e = parse("[aws]\noperation_timeout = 0").unwrap_err();
        assert!(e.contains("aws.operation_timeout = 0"), "{e}");
        let e = parse("[aws]\nconnect_timeout = \"5s\"").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(Cli::try_parse_from(["lambdatop", "--connect-timeout", "-1"]).is_err());
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

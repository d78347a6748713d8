//! Command-line interface.

use std::path::PathBuf;

use clap::Parser;

pub use crate::figures::SortKey;
pub use crate::snapshot::OutputFormat;
use crate::window::TimeWindow;

const AFTER_HELP: &str = "\
Examples:
  lambdatop --demo                        the dashboard on a simulated account (no AWS needed)
  lambdatop --profile prod --region eu-west-1
  lambdatop --functions 'orders-*' --window 3h
  lambdatop --demo --once --output json   a snapshot for scripts
  lambdatop --once --fail-on 'error_rate>1%' --fail-on 'throttles>0'   exit 3 when a rule holds
  aws logs tail /aws/lambda/my-fn --since 1h | lambdatop --replay - --once
  aws logs tail /aws/lambda/my-fn --follow | lambdatop --replay -   a live view of one function

Exit codes: 0 ok, 1 runtime error (e.g. no credentials), 2 usage error (including a malformed
--fail-on rule), 3 a --fail-on rule held for a listed function.
Keys in the dashboard: press ? for help, q to quit.";

/// A terminal dashboard for AWS Lambda: invocations, errors, throttles, duration, concurrency,
/// alarms and logs of every function in one screen.
///
/// Reads AWS credentials and Region the way the AWS CLI does (environment, profiles, SSO,
/// instance roles). Use --demo to try it on a simulated account, or --replay to analyse saved logs.
#[derive(Debug, Clone, Parser)]
#[command(name = "lambdatop", version, about, long_about, after_help = AFTER_HELP)]
pub struct Cli {
    /// Show a simulated account instead of AWS: no credentials, no network.
    #[arg(long, conflicts_with = "replay", help_heading = "Source")]
    pub demo: bool,

    /// Analyse saved Lambda logs from FILE (or - for standard input) instead of AWS: plain
    /// messages, `aws logs tail` output or `aws logs filter-log-events` JSON.
    #[arg(long, value_name = "FILE|-", help_heading = "Source")]
    pub replay: Option<PathBuf>,

    /// With --replay: the function the log belongs to, when the input does not say.
    #[arg(
        long,
        value_name = "NAME",
        requires = "replay",
        help_heading = "Source"
    )]
    pub function: Option<String>,

    /// With --replay: when JSON input (`aws logs filter-log-events` output, subscription
    /// payloads) breaks off or is invalid, analyse the events read before the break, with a
    /// warning, instead of failing (exit code 1 with --once).
    #[arg(long, requires = "replay", help_heading = "Source")]
    pub accept_partial: bool,

    /// Seed of the simulated account.
    #[arg(long, value_name = "N", requires = "demo", help_heading = "Source")]
    pub seed: Option<u64>,

    /// Named profile from ~/.aws/config (like AWS_PROFILE).
    #[arg(long, value_name = "NAME", env = "AWS_PROFILE", help_heading = "AWS")]
    pub profile: Option<String>,

    /// AWS Region (like AWS_REGION), e.g. us-east-1.
    #[arg(long, value_name = "REGION", help_heading = "AWS")]
    pub region: Option<String>,

    /// Send AWS requests to this endpoint (a local emulator, a VPC endpoint).
    #[arg(long, value_name = "URL", help_heading = "AWS")]
    pub endpoint_url: Option<String>,

    /// Only functions whose name matches GLOB (e.g. 'orders-*').
    #[arg(long, value_name = "GLOB", help_heading = "View")]
    pub functions: Option<String>,

    /// Time window: 15m, 1h, 3h, 12h, 24h, 7d or any NUMBER with m, h or d up to 7d.
    #[arg(short, long, value_name = "WINDOW", help_heading = "View")]
    pub window: Option<TimeWindow>,

    /// Sort functions by this column.
    #[arg(long, value_enum, value_name = "COLUMN", help_heading = "View")]
    pub sort: Option<SortKey>,

    /// Colour theme: a built-in name (dark, light, high-contrast, nord), a name in
    /// $XDG_CONFIG_HOME/lambdatop/themes, or a .toml file.
    #[arg(long, value_name = "NAME|PATH", help_heading = "View")]
    pub theme: Option<String>,

    /// Seconds between metric refreshes (default 60 for AWS, Lambda's resolution).
    #[arg(long, value_name = "SECONDS", value_parser = parse_refresh, help_heading = "View")]
    pub refresh: Option<u64>,

    /// Print one snapshot and exit instead of opening the dashboard.
    #[arg(long, help_heading = "Snapshot")]
    pub once: bool,

    /// Snapshot format.
    #[arg(
        short,
        long,
        value_enum,
        value_name = "FORMAT",
        requires = "once",
        help_heading = "Snapshot"
    )]
    pub output: Option<OutputFormat>,

    /// Exit with 3 when RULE holds for any listed function; repeatable. RULE is METRIC OP
    /// THRESHOLD with OP one of > >= < <= == !=, or just `alarm` (a function in ALARM).
    // The metrics are listed from the figures registry by `Cli::command_with_figures`.
    #[arg(
        long,
        value_name = "RULE",
        requires = "once",
        help_heading = "Snapshot"
    )]
    pub fail_on: Vec<String>,

    /// Show at most N functions.
    #[arg(long, value_name = "N", help_heading = "View")]
    pub limit: Option<usize>,

    /// Config file (default: $XDG_CONFIG_HOME/lambdatop/config.toml).
    #[arg(long, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Append diagnostics (poller rounds, failures, API calls; credentials redacted) to PATH.
    #[arg(long, value_name = "PATH", env = "LAMBDATOP_LOG")]
    pub log_file: Option<PathBuf>,

    /// Freeze the clock at this RFC 3339 time (deterministic demo output and screenshots).
    #[arg(long, value_name = "TIME", hide = true)]
    pub clock: Option<chrono::DateTime<chrono::Utc>>,

    /// Print a shell completion script and exit.
    #[arg(long, value_enum, value_name = "SHELL")]
    pub completions: Option<clap_complete::Shell>,
}

impl Cli {
    /// The command line, its `--fail-on` help listing the registry's rule names by unit.
    pub fn command_with_figures() -> clap::Command {
        use clap::CommandFactory;
        <Cli as CommandFactory>::command().mut_arg("fail_on", |arg| {
            let about = arg.get_help().map(ToString::to_string).unwrap_or_default();
            let about = about.trim_end_matches('.');
            arg.help(format!("{about}. {}", crate::figures::rule_help()))
        })
    }

    /// Parses the process's arguments; the error carries the usage message (and `--help`).
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let matches = Self::command_with_figures().try_get_matches()?;
        Cli::from_arg_matches(&matches)
    }
}

/// Checks a refresh interval, the same for `--refresh` and the config file's `refresh_seconds`:
/// 0 would mean polling without a pause.
pub fn refresh_seconds(seconds: u64) -> Result<u64, &'static str> {
    if seconds == 0 {
        Err("use 1 or more")
    } else {
        Ok(seconds)
    }
}

fn parse_refresh(s: &str) -> Result<u64, String> {
    let seconds = s
        .parse::<u64>()
        .map_err(|_| "use a whole number of seconds, 1 or more".to_string())?;
    refresh_seconds(seconds).map_err(str::to_string)
}

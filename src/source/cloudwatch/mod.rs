//! The real AWS account: Lambda for the functions, CloudWatch for metrics and alarms, CloudWatch
//! Logs for log lines.
//!
//! ```text
//!  DiscoveryPoller ──(functions, log groups)──▶ MetricsPoller ──(recent invocations)──▶ LogsPoller
//!   ListFunctions, ListMetrics,                  GetMetricData                          FilterLogEvents
//!   DescribeLogGroups, GetAccountSettings                                               (rate limited)
//!  AlarmsPoller
//!   DescribeAlarms
//! ```
//!
//! Each poller is a [`crate::poll::Round`], run as a tokio task by [`crate::poll::drive`] that
//! sends [`crate::message::Update`]s; the pollers share what discovery found through a `watch`
//! channel, never a lock held across an await. Configuration follows the AWS CLI:
//! the default credential chain, `--profile`, `--region`, `--endpoint-url`, and the
//! `AWS_ENDPOINT_URL` / `AWS_ENDPOINT_URL_<SERVICE>` variables.
//!
//! Retries: the SDK's own retries are switched off (one HTTP request per SDK call, so call counts
//! are exact) and [`crate::poll::retry`] backs off with full jitter on throttling and server errors
//! (`call.rs`: retries, error mapping and paging shared by the pollers).

mod alarms;
mod call;
mod discovery;
pub mod error;
pub mod insights;
mod linked;
pub mod live_tail;
mod logs;
mod metrics;
pub mod origins;
mod reports;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatch::config::ProvideCredentials;
use aws_sdk_cloudwatch::error::DisplayErrorContext;
use globset::{Glob, GlobMatcher};
use tokio::sync::watch;

pub use alarms::{AlarmsPoller, alarm_from_composite, alarm_from_metric};
pub use discovery::{DiscoveryPoller, function_from_lambda, merge_functions};
pub use error::{AwsError, ErrorFacts, Operation, Service, Timeouts};
pub use live_tail::{LiveTailMode, LiveTailOptions};
pub use logs::{LogCursor, LogsPoller, SeenEvents, attribute_stream};
pub use metrics::{
    CallPlan, MAX_QUERIES_PER_CALL, MetricsPlan, MetricsPoller, QueryKind, QuerySpec, QueryTarget,
    TimeRange, ViewTiers, parse_query_id, query_id, reread_from,
};
pub use reports::{LogAnalytics, ReportsPoller};

use crate::message::SourceError;
use crate::message::{Poller, Provides, SourceContext, SourceKind, Update};
use crate::model::FunctionConfig;
use crate::poll::{Backoff, RateLimiter, drive};
use crate::source::Source;
use linked::OfAccount;

/// Every AWS action lambdatop calls: all reads. The README's IAM policy lists exactly these.
pub const AWS_OPERATIONS: &[&str] = &[
    "lambda:ListFunctions",
    "lambda:GetAccountSettings",
    "lambda:GetFunctionConcurrency",
    "cloudwatch:GetMetricData",
    "cloudwatch:ListMetrics",
    "cloudwatch:DescribeAlarms",
    "logs:DescribeLogGroups",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:StopQuery",
    "logs:StartLiveTail",
];

/// How to reach the account and how often to read it.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// `--profile`; the default chain (and `AWS_PROFILE`) when `None`.
    pub profile: Option<String>,
    /// `--region`; `AWS_REGION` or the profile's when `None`.
    pub region: Option<String>,
    /// `--endpoint-url`: one endpoint for every service (a local emulator). Wins over the
    /// `AWS_ENDPOINT_URL*` variables, as in the AWS CLI.
    pub endpoint_url: Option<String>,
    /// The config file's `endpoint_url`: used for a service unless `AWS_ENDPOINT_URL_<SERVICE>`
    /// or `AWS_ENDPOINT_URL` names one; wins over the profile's.
    pub config_endpoint_url: Option<String>,
    /// How long to wait for a connection and for a call.
    pub timeouts: Timeouts,
    /// `--functions GLOB`: only functions whose name matches.
    pub functions: Option<String>,
    pub discovery_interval: Duration,
    pub metrics_interval: Duration,
    pub alarms_interval: Duration,
    pub logs_interval: Duration,
    /// FilterLogEvents calls a second, shared by every log read (the account quota can be 5/s).
    pub logs_rate_limit_per_s: f64,
    /// Functions whose logs are followed when the front end names none (the busiest).
    pub log_functions_max: usize,
    /// How far back the first log read of a function goes.
    pub logs_lookback: Duration,
    /// How far each log read overlaps the previous one, for late-ingested events.
    pub logs_overlap: Duration,
    /// FilterLogEvents pages read per log group and round at most; a longer read goes on next
    /// round where it stopped.
    pub logs_max_pages: u32,
    /// Events per FilterLogEvents page; the service's default (up to 10,000) when `None`.
    pub logs_page_size: Option<u32>,
    /// Retries of throttled and failed calls.
    pub backoff: Backoff,
    /// How REPORT figures over the window are made.
    pub log_analytics: LogAnalytics,
    /// Time between two rounds of window REPORT figures.
    pub reports_interval: Duration,
    /// How long a snapshot waits for the REPORT figures of every listed function.
    pub reports_once_timeout: Duration,
    /// Time between two Logs Insights refreshes of the figures (each is billed by bytes scanned).
    pub insights_interval: Duration,
    /// How long the dashboard waits for its Logs Insights queries before stopping them.
    pub insights_timeout: Duration,
    /// What a GB Logs Insights scans costs (`[pricing] insights_usd_per_gb`).
    pub insights_usd_per_gb: f64,
    /// Logs only (`lambdatop tail`): the logs of every function listed are followed, and no
    /// metrics or alarms are read.
    pub logs_only: bool,
    /// How the followed log groups are read: Live Tail sessions or FilterLogEvents.
    pub live_tail: LiveTailOptions,
    /// In a CloudWatch cross-account observability monitoring account: the functions of the
    /// linked source accounts too (ListMetrics `IncludeLinkedAccounts`, GetMetricData
    /// `AccountId`), each keyed by its account.
    pub linked_accounts: bool,
}

impl Default for AwsOptions {
    fn default() -> Self {
        Self {
            profile: None,
            region: None,
            endpoint_url: None,
            config_endpoint_url: None,
            timeouts: Timeouts::default(),
            functions: None,
            discovery_interval: Duration::from_secs(600),
            metrics_interval: Duration::from_secs(60),
            alarms_interval: Duration::from_secs(60),
            logs_interval: Duration::from_secs(5),
            logs_rate_limit_per_s: 5.0,
            log_functions_max: 5,
            logs_lookback: Duration::from_secs(15 * 60),
            logs_overlap: Duration::from_secs(120),
            logs_max_pages: 20,
            logs_page_size: None,
            backoff: Backoff::default(),
            log_analytics: LogAnalytics::default(),
            reports_interval: Duration::from_secs(60),
            reports_once_timeout: Duration::from_secs(120),
            insights_interval: Duration::from_secs(300),
            insights_timeout: Duration::from_secs(600),
            insights_usd_per_gb: crate::analytics::Pricing::default().insights_usd_per_gb,
            logs_only: false,
            live_tail: LiveTailOptions::default(),
            linked_accounts: false,
        }
    }
}

/// The endpoint each service is reached at, for "cannot reach" messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    pub lambda: String,
    pub cloudwatch: String,
    pub logs: String,
}

/// The endpoint the `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` variable names for
/// `service`, as `env` reads them.
fn env_endpoint(service: Service, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    env(&format!("AWS_ENDPOINT_URL_{}", service.env_suffix()))
        .filter(|e| !e.trim().is_empty())
        .or_else(|| env("AWS_ENDPOINT_URL").filter(|e| !e.trim().is_empty()))
}

/// The endpoint lambdatop sets on `service`'s client itself, as the AWS CLI ranks them:
/// `--endpoint-url`; else the config file's `endpoint_url` unless an `AWS_ENDPOINT_URL*`
/// variable names one (the SDK applies those, and the profile's, when this is `None`).
pub fn endpoint_override(
    service: Service,
    opts: &AwsOptions,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    opts.endpoint_url.clone().or_else(|| {
        env_endpoint(service, env)
            .is_none()
            .then(|| opts.config_endpoint_url.clone())
            .flatten()
    })
}

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Endpoints {
    /// The endpoint of `service`: lambdatop's own ([`endpoint_override`]), else the variables',
    /// else `sdk_default` (the profile's), else the public one of the Region.
    pub fn resolve(opts: &AwsOptions, sdk_default: Option<&str>, region: &str) -> Self {
        let one = |s: Service| {
            endpoint_override(s, opts, &process_env)
                .or_else(|| env_endpoint(s, &process_env))
                .or_else(|| sdk_default.map(str::to_string))
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| {
                    let suffix = if region.starts_with("cn-") {
                        "amazonaws.com.cn"
                    } else {
                        "amazonaws.com"
                    };
                    format!("https://{}.{region}.{suffix}", s.endpoint_prefix())
                })
        };
        Self {
            lambda: one(Service::Lambda),
            cloudwatch: one(Service::CloudWatch),
            logs: one(Service::Logs),
        }
    }

    pub fn of(&self, service: Service) -> &str {
        match service {
            Service::Lambda => &self.lambda,
            Service::CloudWatch => &self.cloudwatch,
            Service::Logs => &self.logs,
        }
    }
}

/// The three SDK clients and where they point.
#[derive(Clone, Debug)]
pub(crate) struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub endpoints: Arc<Endpoints>,
    pub timeouts: Timeouts,
    /// CloudWatch Logs is reached at an endpoint given by the user or the environment, used as
    /// given (no host prefix for Live Tail).
    pub custom_logs_endpoint: bool,
}

impl Clients {
    pub fn source_error(&self, e: &AwsError) -> SourceError {
        e.to_source_error(self.endpoints.of(e.operation.service), self.timeouts)
    }
}

/// What discovery found, shared with the other pollers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Discovered {
    pub functions: Vec<FunctionConfig>,
    /// Log groups under `/aws/lambda/` that exist, when DescribeLogGroups could tell.
    pub log_groups: Option<HashSet<String>>,
    /// The account the functions belong to (from their ARNs), for log group ARNs.
    pub account: Option<String>,
    /// The linked source accounts' log groups, as (account, group name).
    pub linked_log_groups: HashSet<(String, String)>,
}

impl Discovered {
    /// Whether `f`'s log group can be read: custom groups are assumed to exist, default ones
    /// must have been listed (when listing worked).
    pub fn has_log_group(&self, f: &FunctionConfig) -> bool {
        let group = f.log_group_name();
        // A linked account's group is read by its ARN, once listed.
        if let Some(account) = &f.account {
            return self.linked_log_groups.contains(&(account.clone(), group));
        }
        match &self.log_groups {
            Some(known) if group.starts_with(discovery::LAMBDA_LOG_GROUP_PREFIX) => {
                known.contains(&group)
            }
            _ => true,
        }
    }
}

/// Invocations per function, by its account and name.
pub(crate) type Invocations = HashMap<OfAccount<String>, f64>;

/// State the pollers share.
#[derive(Debug)]
pub(crate) struct Shared {
    /// `None` until discovery's first round.
    pub discovered: watch::Sender<Option<Arc<Discovered>>>,
    /// Invocations per function (by account and name) in the latest metrics round; `None`
    /// before it.
    pub recent_invocations: watch::Sender<Option<Arc<Invocations>>>,
    /// Paces every FilterLogEvents call.
    pub log_limiter: RateLimiter,
    /// The Region read: a linked account's functions are of it.
    pub region: String,
}

/// The AWS source. Build it with [`CloudWatchSource::connect`], hand it to the front end as a
/// `Box<dyn Source>`.
pub struct CloudWatchSource {
    clients: Clients,
    region: String,
    opts: AwsOptions,
    filter: Option<GlobMatcher>,
    /// STS, asked once for the account id of a profile when several are read.
    sts: aws_sdk_sts::Client,
    /// The account id the credentials reach, sent at start when known.
    account_id: Option<String>,
}

/// The four pollers of a [`CloudWatchSource`], for running rounds one at a time (tests).
pub struct CloudWatchPollers {
    pub discovery: DiscoveryPoller,
    pub metrics: MetricsPoller,
    pub alarms: AlarmsPoller,
    pub logs: LogsPoller,
    pub reports: ReportsPoller,
}

fn compile_filter(pattern: Option<&str>) -> Result<Option<GlobMatcher>, SourceError> {
    pattern
        .map(|p| {
            Glob::new(p).map(|g| g.compile_matcher()).map_err(|e| {
                SourceError::new(
                    format!("Invalid --functions pattern `{p}`: {}.", e.kind()),
                    Some("Use a glob such as `orders-*` or `*-prod-?`."),
                )
            })
        })
        .transpose()
}

/// The config loader as lambdatop uses it: the options applied, SDK retries off (ours back off
/// with jitter instead), the connect and operation timeouts of the options.
pub fn config_loader(opts: &AwsOptions) -> aws_config::ConfigLoader {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(opts.timeouts.connect)
                .operation_timeout(opts.timeouts.operation)
                .operation_attempt_timeout(opts.timeouts.operation)
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(e) = &opts.endpoint_url {
        loader = loader.endpoint_url(e);
    }
    loader
}

/// Resolves the credentials once, so a missing or expired login is reported before the
/// dashboard starts.
pub async fn check_credentials(sdk: &SdkConfig, profile: Option<&str>) -> Result<(), SourceError> {
    let no_credentials =
        || SourceError::new(error::NO_CREDENTIALS, Some(error::NO_CREDENTIALS_HINT));
    let provider = sdk.credentials_provider().ok_or_else(no_credentials)?;
    match tokio::time::timeout(Duration::from_secs(30), provider.provide_credentials()).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            let text = DisplayErrorContext(&e).to_string();
            Err(error::credentials_problem(&text, profile).unwrap_or_else(no_credentials))
        }
        Err(_) => Err(SourceError::new(
            "Timed out loading AWS credentials.",
            Some("SSO, STS or the instance metadata service must be reachable; check the network."),
        )),
    }
}

impl CloudWatchSource {
    /// Loads the AWS configuration as the AWS CLI would, checks that credentials resolve and a
    /// Region is set, and builds the clients. Errors are one sentence and a hint, for main to
    /// print before exiting with status 1.
    pub async fn connect(opts: AwsOptions) -> Result<Self, SourceError> {
        compile_filter(opts.functions.as_deref())?;
        let sdk = config_loader(&opts).load().await;
        check_credentials(&sdk, opts.profile.as_deref()).await?;
        Self::from_sdk_config(&sdk, opts)
    }

    /// Builds the source from a loaded configuration without checking credentials (tests use
    /// static keys and a local endpoint).
    pub fn from_sdk_config(sdk: &SdkConfig, opts: AwsOptions) -> Result<Self, SourceError> {
        let filter = compile_filter(opts.functions.as_deref())?;
        let region = sdk
            .region()
            .map(|r| r.as_ref().to_string())
            .filter(|r| !r.trim().is_empty())
            .ok_or_else(|| {
                SourceError::new(
                    "No AWS Region configured.",
                    Some("Pass --region (e.g. --region eu-west-1), set AWS_REGION, or add a region to the profile."),
                )
            })?;
        let endpoints = Endpoints::resolve(&opts, sdk.endpoint_url(), &region);
        // A client built from `sdk` already has the variables' and the profile's endpoint: it is
        // replaced only by one of lambdatop's own.
        macro_rules! client {
            ($sdk:ident, $service:expr) => {{
                let mut config = $sdk::config::Builder::from(sdk);
                if let Some(url) = endpoint_override($service, &opts, &process_env) {
                    config = config.endpoint_url(url);
                }
                $sdk::Client::from_conf(config.build())
            }};
        }
        let clients = Clients {
            lambda: client!(aws_sdk_lambda, Service::Lambda),
            cloudwatch: client!(aws_sdk_cloudwatch, Service::CloudWatch),
            logs: client!(aws_sdk_cloudwatchlogs, Service::Logs),
            endpoints: Arc::new(endpoints),
            timeouts: opts.timeouts,
            custom_logs_endpoint: endpoint_override(Service::Logs, &opts, &process_env).is_some()
                || env_endpoint(Service::Logs, &process_env).is_some()
                || sdk.endpoint_url().is_some(),
        };
        Ok(Self {
            clients,
            region,
            opts,
            filter,
            sts: aws_sdk_sts::Client::new(sdk),
            account_id: None,
        })
    }

    /// The id of the account the credentials reach (STS `GetCallerIdentity`, one call); `None`
    /// when STS does not answer within twice the connect timeout, or refuses: not an error,
    /// the id is then just unknown.
    pub async fn caller_account(&self) -> Option<String> {
        let ask = self.sts.get_caller_identity().send();
        let answer = tokio::time::timeout(self.opts.timeouts.connect * 2, ask).await;
        match answer {
            Ok(Ok(identity)) => identity
                .account()
                .filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
                .map(str::to_string),
            Ok(Err(e)) => {
                crate::diag::log(&format!("account id unknown: {}", DisplayErrorContext(&e)));
                None
            }
            Err(_) => None,
        }
    }

    /// Sends the account id the credentials reach at start.
    pub fn set_account_id(&mut self, id: Option<String>) {
        self.account_id = id;
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.clients.endpoints
    }

    /// Splits the source into its pollers, which share what discovery finds.
    pub fn into_pollers(self) -> CloudWatchPollers {
        let shared = Arc::new(Shared {
            discovered: watch::Sender::new(None),
            recent_invocations: watch::Sender::new(None),
            log_limiter: RateLimiter::per_second(self.opts.logs_rate_limit_per_s),
            region: self.region.clone(),
        });
        let opts = Arc::new(self.opts);
        CloudWatchPollers {
            discovery: DiscoveryPoller::new(
                self.clients.clone(),
                shared.clone(),
                opts.clone(),
                self.filter.clone(),
            ),
            metrics: MetricsPoller::new(self.clients.clone(), shared.clone(), opts.clone()),
            alarms: AlarmsPoller::new(self.clients.clone(), opts.clone(), self.filter),
            logs: LogsPoller::new(self.clients.clone(), shared.clone(), opts.clone()),
            reports: ReportsPoller::new(self.clients, shared, opts),
        }
    }
}

impl Source for CloudWatchSource {
    fn kind(&self) -> SourceKind {
        SourceKind::Cloudwatch
    }

    fn region(&self) -> Option<String> {
        Some(self.region.clone())
    }

    fn provides(&self) -> Provides {
        let logs_only = self.opts.logs_only;
        let reports = !logs_only && self.opts.log_analytics != LogAnalytics::Off;
        let mut pollers = if logs_only {
            vec![Poller::Discovery, Poller::Logs]
        } else {
            Poller::ALL.to_vec()
        };
        if reports {
            pollers.push(Poller::Reports);
        }
        Provides {
            pollers,
            metrics: !logs_only,
            finite: false,
            refresh: self.opts.metrics_interval,
            window_reports: reports,
        }
    }

    fn start(self: Box<Self>, ctx: SourceContext) {
        if let Some(id) = self.account_id.clone() {
            // First in the channel: known before any poller's round.
            let _ = ctx.updates.try_send(Update::AccountId(id));
        }
        let logs_only = self.opts.logs_only;
        let reports = !logs_only && self.opts.log_analytics != LogAnalytics::Off;
        let p = self.into_pollers();
        if reports {
            tokio::spawn(drive(p.reports, ctx.clone()));
        }
        tokio::spawn(drive(p.discovery, ctx.clone()));
        if !logs_only {
            tokio::spawn(drive(p.metrics, ctx.clone()));
            tokio::spawn(drive(p.alarms, ctx.clone()));
        }
        tokio::spawn(drive(p.logs, ctx));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_list_matches_the_calls_made() {
        let actions: Vec<String> = error::OPERATIONS.iter().map(|o| o.action()).collect();
        assert_eq!(actions, AWS_OPERATIONS);
        // Every client call in the source names one of the listed operations, and each listed
        // operation is called somewhere: the list is complete and the code is read-only.
        let sources = [
            include_str!("mod.rs"),
            include_str!("call.rs"),
            include_str!("discovery.rs"),
            include_str!("metrics.rs"),
            include_str!("alarms.rs"),
            include_str!("logs.rs"),
            include_str!("reports.rs"),
            include_str!("insights.rs"),
            include_str!("live_tail.rs"),
            include_str!("origins.rs"),
        ];
        let mut called = std::collections::BTreeSet::new();
        let re =
            regex::Regex::new(r"\.(lambda|cloudwatch|logs)\s*\.\s*([a-z_]+)\(\)").expect("regex");
        for text in sources {
            for c in re.captures_iter(text) {
                called.insert(format!("{}:{}", &c[1], &c[2]));
            }
        }
        let snake = |op: &Operation| {
            let mut s = String::new();
            for (i, ch) in op.name.chars().enumerate() {
                if ch.is_ascii_uppercase() && i > 0 {
                    s.push('_');
                }
                s.push(ch.to_ascii_lowercase());
            }
            format!("{}:{s}", op.service.iam_prefix())
        };
        let listed: std::collections::BTreeSet<String> =
            error::OPERATIONS.iter().map(snake).collect();
        assert_eq!(called, listed);
    }

    #[test]
    fn endpoints_follow_the_override_then_the_region() {
        let cli = AwsOptions {
            endpoint_url: Some("http://127.0.0.1:5000".into()),
            ..AwsOptions::default()
        };
        let e = Endpoints::resolve(&cli, None, "eu-central-1");
        assert_eq!(e.cloudwatch, "http://127.0.0.1:5000");
        assert_eq!(e.of(Service::Logs), "http://127.0.0.1:5000");
        // Without an override (and unless the environment names one) the public endpoints.
        if std::env::var_os("AWS_ENDPOINT_URL").is_none()
            && std::env::var_os("AWS_ENDPOINT_URL_CLOUDWATCH").is_none()
        {
            let e = Endpoints::resolve(&AwsOptions::default(), None, "eu-central-1");
            assert_eq!(
                e.cloudwatch,
                "https://monitoring.eu-central-1.amazonaws.com"
            );
        }
    }

    #[test]
    fn endpoints_rank_command_line_then_variables_then_config_file() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let file = AwsOptions {
            config_endpoint_url: Some("http://file:1".into()),
            ..AwsOptions::default()
        };
        let both = AwsOptions {
            endpoint_url: Some("http://cli:1".into()),
            ..file.clone()
        };
        let none = env(&[]);
        let global = env(&[("AWS_ENDPOINT_URL", "http://env:1")]);
        let lambda_only = env(&[("AWS_ENDPOINT_URL_LAMBDA", "http://env-lambda:1")]);
        let blank = env(&[("AWS_ENDPOINT_URL", " ")]);
        // The command line wins over every variable and the file.
        assert_eq!(
            endpoint_override(Service::CloudWatch, &both, &global).as_deref(),
            Some("http://cli:1")
        );
        // The file applies when no variable names an endpoint (a blank one names none)...
        assert_eq!(
            endpoint_override(Service::Logs, &file, &none).as_deref(),
            Some("http://file:1")
        );
        assert_eq!(
            endpoint_override(Service::Logs, &file, &blank).as_deref(),
            Some("http://file:1")
        );
        // ...and gives way to AWS_ENDPOINT_URL, or to the service's own variable for that
        // service alone (the SDK then applies the variable).
        assert_eq!(endpoint_override(Service::Logs, &file, &global), None);
        assert_eq!(
            endpoint_override(Service::Lambda, &file, &lambda_only),
            None
        );
        assert_eq!(
            endpoint_override(Service::CloudWatch, &file, &lambda_only).as_deref(),
            Some("http://file:1")
        );
        assert_eq!(
            endpoint_override(Service::Lambda, &AwsOptions::default(), &none),
            None
        );
    }

    #[test]
    fn bad_globs_are_reported() {
        assert!(
            compile_filter(Some("orders-*"))
                .is_ok_and(|m| m.is_some_and(|m| m.is_match("orders-api")))
        );
        let e = compile_filter(Some("orders-[")).expect_err("invalid");
        assert!(
            e.message
                .starts_with("Invalid --functions pattern `orders-[`"),
            "{}",
            e.message
        );
    }

    #[tokio::test]
    async fn a_missing_region_is_one_sentence_and_a_hint() {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .build();
        let e = CloudWatchSource::from_sdk_config(&sdk, AwsOptions::default())
            .err()
            .expect("no region");
        assert_eq!(e.message, "No AWS Region configured.");
        assert!(e.hint.is_some_and(|h| h.contains("--region")));
    }

    #[tokio::test]
    async fn missing_credentials_are_reported_up_front() {
        let sdk = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-west-1"))
            .build();
        let e = check_credentials(&sdk, None)
            .await
            .expect_err("no credentials");
        assert_eq!(e.message, "No AWS credentials found.");
    }
}

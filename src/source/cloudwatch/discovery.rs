//! Which functions the account has: Lambda `ListFunctions` for their configuration, merged with
//! CloudWatch `ListMetrics` (functions with recent metrics) and CloudWatch Logs
//! `DescribeLogGroups` (functions with a log group), so none is missed when one API is denied or
//! lags. Lambda `GetAccountSettings` gives the account's concurrency limit, and
//! `GetFunctionConcurrency` the reserved concurrency of the functions the view is about (one call
//! each, when the view asks and again each round while it does).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use aws_sdk_cloudwatch::types::{DimensionFilter, RecentlyActive};
use globset::GlobMatcher;

use super::call::{Listed, MapErrOp, read_pages, retried};
use super::error::{
    AwsError, DESCRIBE_LOG_GROUPS, GET_ACCOUNT_SETTINGS, GET_FUNCTION_CONCURRENCY, LIST_FUNCTIONS,
    LIST_METRICS,
};
use super::linked::{Accounts, by_account};
use super::{AwsOptions, Clients, Discovered, Shared};
use crate::message::{ApiCalls, SourceError, Update};
use crate::message::{Poller, Request, SourceContext};
use crate::model::{Architecture, FunctionConfig, LogFormat, Reserved};
use crate::poll::{Round, RoundOutcome, round_now};

/// Prefix of Lambda's default log groups.
pub const LAMBDA_LOG_GROUP_PREFIX: &str = "/aws/lambda/";

/// A Lambda function's configuration as lambdatop keeps it. `None` without a name.
pub fn function_from_lambda(
    f: &aws_sdk_lambda::types::FunctionConfiguration,
) -> Option<FunctionConfig> {
    use aws_sdk_lambda::types::{
        Architecture as LambdaArch, LogFormat as LambdaLogFormat, SnapStartApplyOn,
    };
    let name = f.function_name().filter(|n| !n.is_empty())?;
    let logging = f.logging_config();
    Some(FunctionConfig {
        name: name.to_string(),
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        memory_mb: f.memory_size().and_then(|m| u32::try_from(m).ok()),
        timeout_s: f.timeout().and_then(|t| u32::try_from(t).ok()),
        architecture: if f.architectures().contains(&LambdaArch::Arm64) {
            Architecture::Arm64
        } else {
            Architecture::X86_64
        },
        log_group: logging
            .and_then(|l| l.log_group())
            .filter(|g| !g.is_empty())
            .map(str::to_string),
        log_format: match logging.and_then(|l| l.log_format()) {
            Some(LambdaLogFormat::Json) => LogFormat::Json,
            _ => LogFormat::Text,
        },
        snap_start: f
            .snap_start()
            .and_then(|s| s.apply_on())
            .is_some_and(|a| *a == SnapStartApplyOn::PublishedVersions),
        reserved_concurrency: Reserved::Unknown,
        account: None,
    })
}

/// The functions ListMetrics names in accounts other than the credentials' own (linked source
/// accounts, with `IncludeLinkedAccounts`), each once, by account and name. The own account is
/// `own_account` (from the ARNs of the functions Lambda listed) when known; otherwise every
/// account that owns a function Lambda listed; when Lambda listed none, every owning account
/// counts as linked. A linked account's function named like one of the own account's is a
/// function of its own.
pub fn linked_functions(
    metric_names: &[(String, Option<String>)],
    listed: &HashSet<String>,
    own_account: Option<&str>,
    filter: Option<&GlobMatcher>,
) -> Vec<FunctionConfig> {
    let own: HashSet<&str> = match own_account {
        Some(own) => HashSet::from([own]),
        None => metric_names
            .iter()
            .filter(|(name, _)| listed.contains(name))
            .filter_map(|(_, account)| account.as_deref())
            .collect(),
    };
    let mut linked: BTreeMap<(String, String), FunctionConfig> = BTreeMap::new();
    for (name, account) in metric_names {
        let Some(account) = account.as_deref().filter(|a| !own.contains(a)) else {
            continue;
        };
        if name.is_empty() || filter.is_some_and(|m| !m.is_match(name)) {
            continue;
        }
        linked
            .entry((name.clone(), account.to_string()))
            .or_insert_with(|| FunctionConfig {
                account: Some(account.to_string()),
                ..FunctionConfig::named(name)
            });
    }
    linked.into_values().collect()
}

/// Merges the three views of the account into one list sorted by name, narrowed by `filter`.
/// Lambda's configuration wins; names known only from metrics or from a `/aws/lambda/<name>`
/// log group (that no listed function logs to) are added with what little is known.
pub fn merge_functions(
    lambda: Vec<FunctionConfig>,
    metric_names: impl IntoIterator<Item = String>,
    log_groups: impl IntoIterator<Item = String>,
    filter: Option<&GlobMatcher>,
) -> Vec<FunctionConfig> {
    let mut by_name: BTreeMap<String, FunctionConfig> =
        lambda.into_iter().map(|f| (f.name.clone(), f)).collect();
    let owned_groups: HashSet<String> = by_name
        .values()
        .map(FunctionConfig::log_group_name)
        .collect();
    for name in metric_names {
        if !name.is_empty() {
            by_name
                .entry(name.clone())
                .or_insert_with(|| FunctionConfig::named(name));
        }
    }
    for group in log_groups {
        if owned_groups.contains(&group) {
            continue;
        }
        if let Some(name) = group.strip_prefix(LAMBDA_LOG_GROUP_PREFIX)
            && !name.is_empty()
            && !name.contains('/')
        {
            by_name
                .entry(name.to_string())
                .or_insert_with(|| FunctionConfig::named(name));
        }
    }
    by_name
        .into_values()
        .filter(|f| filter.is_none_or(|m| m.is_match(&f.name)))
        .collect()
}

/// Reads the function list every few minutes.
pub struct DiscoveryPoller {
    clients: Clients,
    shared: Arc<Shared>,
    opts: Arc<AwsOptions>,
    filter: Option<GlobMatcher>,
    /// The functions `ListFunctions` gave last round: those with a configuration to ask about.
    listed: HashSet<String>,
    /// Reserved concurrency of the functions in view.
    reserved: HashMap<String, Reserved>,
    /// Functions in view whose reserved concurrency could not be read this round.
    unreadable: HashSet<String>,
}

impl DiscoveryPoller {
    pub(crate) fn new(
        clients: Clients,
        shared: Arc<Shared>,
        opts: Arc<AwsOptions>,
        filter: Option<GlobMatcher>,
    ) -> Self {
        Self {
            clients,
            shared,
            opts,
            filter,
            listed: HashSet::new(),
            reserved: HashMap::new(),
            unreadable: HashSet::new(),
        }
    }

    /// The names of the own account's functions in view (a linked account's have no
    /// configuration to read).
    fn own_in_view(&self, req: &Request) -> Vec<String> {
        let discovered = self.shared.discovered.borrow();
        let functions = discovered.as_deref().map_or(&[][..], |d| &d.functions[..]);
        Accounts::new(functions).own_names(&req.log_functions)
    }

    /// Whether a function in view has a reserved concurrency not read yet.
    fn unread_in_view(&self, req: &Request) -> bool {
        self.own_in_view(req).iter().any(|f| {
            self.listed.contains(f)
                && !self.reserved.contains_key(f)
                && !self.unreadable.contains(f)
        })
    }

    /// Reads the reserved concurrency of the functions in view not read yet, and sends their
    /// configuration with it.
    pub async fn reserved_round(&mut self, ctx: &SourceContext, req: &Request) -> bool {
        self.interim(ctx, req).await.deliver_interim(ctx).await
    }

    /// The reserved concurrency of the functions in view not read yet, with their configuration.
    async fn read_unread_reserved(&mut self, req: &Request) -> RoundOutcome {
        let unread: Vec<String> = self
            .own_in_view(req)
            .into_iter()
            .filter(|f| !self.reserved.contains_key(f) && !self.unreadable.contains(f))
            .collect();
        let calls = self.read_reserved(&unread).await;
        let discovered = self.shared.discovered.borrow().clone().unwrap_or_default();
        let configs: Vec<FunctionConfig> = discovered
            .functions
            .iter()
            .filter(|f| f.account.is_none() && unread.contains(&f.name))
            .map(|f| FunctionConfig {
                reserved_concurrency: self.reserved.get(&f.name).copied().unwrap_or_default(),
                ..f.clone()
            })
            .collect();
        RoundOutcome {
            updates: if configs.is_empty() {
                Vec::new()
            } else {
                vec![Update::Functions(configs)]
            },
            calls: vec![ApiCalls {
                operation: GET_FUNCTION_CONCURRENCY.name,
                calls,
                billed_units: 0,
            }],
            ..RoundOutcome::default()
        }
    }

    /// Reads the reserved concurrency of `names` (those `ListFunctions` gave), one call each.
    /// A function whose concurrency cannot be read (a policy without the action) stays unknown,
    /// with the account's limit as its cap; the reason goes to the diagnostics log. Returns the
    /// calls.
    async fn read_reserved(&mut self, names: &[String]) -> u32 {
        let mut calls = 0;
        for name in names.iter().filter(|n| self.listed.contains(*n)) {
            let a = retried(&self.opts.backoff, || {
                self.clients
                    .lambda
                    .get_function_concurrency()
                    .function_name(name)
                    .send()
                    .map_err_op(GET_FUNCTION_CONCURRENCY)
            })
            .await;
            calls += a.calls;
            match a.result {
                Ok(out) => {
                    let reserved = out
                        .reserved_concurrent_executions()
                        .and_then(|n| u32::try_from(n).ok());
                    self.reserved
                        .insert(name.clone(), Reserved::from_lambda(reserved));
                }
                Err(e) => {
                    let why = self.clients.source_error(&e).message;
                    crate::diag::log(&format!("reserved concurrency of {name} not read: {why}"));
                    self.unreadable.insert(name.clone());
                }
            }
        }
        calls
    }

    /// One round with the current request, delivered: `Functions`, the concurrency limit, API
    /// calls and `Polled` (or `Failed` with the first error; what was found is sent).
    pub async fn round(&mut self, ctx: &SourceContext) -> bool {
        round_now(self, ctx).await
    }

    /// Lists functions, metrics and log groups, and reads the account's limit and the reserved
    /// concurrency of the functions in view. Only `ListFunctions` failing fails the round: the
    /// other calls are optional (a policy or an endpoint may lack them), and their failure is a
    /// notice saying what is missing, while the functions are listed all the same.
    async fn read_all(&mut self, req: &Request) -> RoundOutcome {
        // At once, so a slow optional call does not hold up the others.
        let ((functions, account), metrics, groups, settings) = tokio::join!(
            self.list_functions(),
            self.list_metric_functions(req.window.length() <= chrono::Duration::hours(3)),
            self.list_log_groups(),
            self.account_concurrency(),
        );

        let mut outcome = RoundOutcome::default();
        if let Err(e) = &functions.items {
            outcome.fail(self.clients.source_error(e));
        }
        let lambda = functions.items.as_ref().ok().cloned().unwrap_or_default();
        if functions.items.is_ok() {
            self.listed = lambda.iter().map(|f| f.name.clone()).collect();
        }
        let mut missing: Vec<(&str, SourceError)> = Vec::new();
        let mut optional = |what: &'static str, e: &AwsError| {
            let error = self.clients.source_error(e);
            crate::diag::log(&format!("{what}: {error}"));
            missing.push((what, error));
        };
        let named = match &metrics.items {
            Ok(names) => names.clone(),
            Err(e) => {
                optional("functions with metrics only may be missing", e);
                Vec::new()
            }
        };
        let listed_groups: Option<Vec<(String, Option<String>)>> = match &groups.items {
            Ok(g) => Some(g.clone()),
            Err(e) => {
                optional("log groups not listed", e);
                None
            }
        };
        let limit = match &settings.items {
            Ok(limit) => *limit,
            Err(e) => {
                optional("concurrency limit unknown", e);
                None
            }
        };
        outcome.notice = missing_notice(&missing);

        let lambda_names: HashSet<String> = lambda.iter().map(|f| f.name.clone()).collect();
        let linked = linked_functions(
            &named,
            &lambda_names,
            account.as_deref(),
            self.filter.as_ref(),
        );
        // The reserved concurrency of the own account's functions in view, read again.
        let in_view = Accounts::new(&linked).own_names(&req.log_functions);
        self.reserved.retain(|f, _| in_view.contains(f));
        self.unreadable.clear();
        let reserved_calls = self.read_reserved(&in_view).await;
        // The log groups of the linked accounts, by (account, name); the others are the own
        // account's.
        let linked_accounts: HashSet<&str> =
            linked.iter().filter_map(|f| f.account.as_deref()).collect();
        let (linked_log_groups, own) = split_groups(
            listed_groups.iter().flatten().cloned(),
            &linked_accounts,
            account.as_deref(),
        );
        let known_groups: Option<Vec<String>> = listed_groups.is_some().then_some(own);
        // A name a linked account owns is not the credentials' own account's as well.
        let names = named.into_iter().filter_map(|(name, account)| {
            let theirs = account.is_some()
                && linked
                    .iter()
                    .any(|l| l.name == name && l.account == account);
            (!theirs).then_some(name)
        });
        let mut all = merge_functions(
            lambda,
            names,
            known_groups.clone().unwrap_or_default(),
            self.filter.as_ref(),
        );
        for f in &mut all {
            f.reserved_concurrency = self.reserved.get(&f.name).copied().unwrap_or_default();
        }
        all.extend(linked);
        let discovered = Discovered {
            functions: all.clone(),
            log_groups: known_groups.map(|g| g.into_iter().collect()),
            account,
            linked_log_groups,
        };
        self.shared
            .discovered
            .send_replace(Some(Arc::new(discovered)));

        // Each linked account's functions as its own.
        let by_account_of = all.into_iter().map(|f| (f.account.clone(), f)).collect();
        outcome.updates.extend(by_account(
            by_account_of,
            Update::Functions,
            true,
            &self.shared.region,
        ));
        if let Some(limit) = limit {
            outcome.updates.push(Update::AccountConcurrencyLimit(limit));
        }
        for (operation, calls, billed) in [
            (LIST_FUNCTIONS.name, functions.calls, 0),
            (LIST_METRICS.name, metrics.calls, metrics.calls),
            (DESCRIBE_LOG_GROUPS.name, groups.calls, 0),
            (GET_ACCOUNT_SETTINGS.name, settings.calls, 0),
            (GET_FUNCTION_CONCURRENCY.name, reserved_calls, 0),
        ] {
            outcome.calls.push(ApiCalls {
                operation,
                calls,
                billed_units: billed,
            });
        }
        outcome
    }

    /// The functions, and the account of their ARNs.
    async fn list_functions(&self) -> (Listed<Vec<FunctionConfig>>, Option<String>) {
        let account = std::sync::OnceLock::new();
        let listed = read_pages(
            &self.opts.backoff,
            |marker| {
                self.clients
                    .lambda
                    .list_functions()
                    .set_marker(marker)
                    .max_items(50)
                    .send()
                    .map_err_op(LIST_FUNCTIONS)
            },
            |page, out| {
                if let Some(a) = page
                    .functions()
                    .iter()
                    .find_map(|f| account_of_arn(f.function_arn()?))
                {
                    let _ = account.set(a);
                }
                out.extend(page.functions().iter().filter_map(function_from_lambda));
                page.next_marker().map(str::to_string)
            },
        )
        .await;
        (listed, account.into_inner())
    }

    /// The functions with metrics, each with its owning account when linked accounts are read.
    async fn list_metric_functions(&self, recent: bool) -> Listed<Vec<(String, Option<String>)>> {
        let linked = self.opts.linked_accounts;
        read_pages(
            &self.opts.backoff,
            |token| {
                let mut call = self
                    .clients
                    .cloudwatch
                    .list_metrics()
                    .namespace("AWS/Lambda")
                    // Every metric, not only `Invocations`: a function throttled to zero
                    // publishes `Throttles` and nothing else.
                    .dimensions(DimensionFilter::builder().name("FunctionName").build())
                    .set_next_token(token);
                if recent {
                    call = call.recently_active(RecentlyActive::Pt3H);
                }
                if linked {
                    call = call.include_linked_accounts(true);
                }
                call.send().map_err_op(LIST_METRICS)
            },
            |page, out| {
                // `OwningAccounts` runs alongside `Metrics`, one account a metric.
                let owners = page.owning_accounts();
                for (i, m) in page.metrics().iter().enumerate() {
                    let dims = m.dimensions();
                    // A function's dozen metrics name it a dozen times; the merge dedupes.
                    // Only the per-function metric, not its per-version (`Resource`) twins.
                    if dims.len() == 1
                        && let Some(d) = dims.first()
                        && d.name() == Some("FunctionName")
                        && let Some(v) = d.value()
                    {
                        let owner = owners.get(i).filter(|_| linked).cloned();
                        out.push((v.to_string(), owner));
                    }
                }
                page.next_token().map(str::to_string)
            },
        )
        .await
    }

    /// The log groups under `/aws/lambda/`, each with its account when linked accounts are
    /// read (from its ARN).
    async fn list_log_groups(&self) -> Listed<Vec<(String, Option<String>)>> {
        let linked = self.opts.linked_accounts;
        read_pages(
            &self.opts.backoff,
            |token| {
                self.clients
                    .logs
                    .describe_log_groups()
                    .log_group_name_prefix(LAMBDA_LOG_GROUP_PREFIX)
                    .set_include_linked_accounts(linked.then_some(true))
                    .set_next_token(token)
                    .send()
                    .map_err_op(DESCRIBE_LOG_GROUPS)
            },
            |page, out| {
                out.extend(page.log_groups().iter().filter_map(|g| {
                    let account = g
                        .log_group_arn()
                        .or(g.arn())
                        .filter(|_| linked)
                        .and_then(account_of_arn);
                    Some((g.log_group_name()?.to_string(), account))
                }));
                page.next_token().map(str::to_string)
            },
        )
        .await
    }

    async fn account_concurrency(&self) -> Listed<Option<u32>> {
        let a = retried(&self.opts.backoff, || {
            self.clients
                .lambda
                .get_account_settings()
                .send()
                .map_err_op(GET_ACCOUNT_SETTINGS)
        })
        .await;
        Listed {
            items: a.result.map(|s| {
                s.account_limit()
                    .and_then(|l| u32::try_from(l.concurrent_executions()).ok())
                    .filter(|&l| l > 0)
            }),
            calls: a.calls,
        }
    }
}

/// The account of an ARN (`arn:aws:lambda:eu-west-1:123456789012:function:orders`).
fn account_of_arn(arn: &str) -> Option<String> {
    let account = arn.split(':').nth(4)?;
    (!account.is_empty() && account.bytes().all(|b| b.is_ascii_digit()))
        .then(|| account.to_string())
}

/// The log groups listed, `(name, account)`, split into the linked accounts' (by account and
/// name) and the own account's names: a group of no account, or of the own account's id when
/// it is known. A group of an account that is neither (a linked account none of whose
/// functions is listed) is left out, never taken for the own account's.
fn split_groups(
    listed: impl Iterator<Item = (String, Option<String>)>,
    linked_accounts: &HashSet<&str>,
    own_account: Option<&str>,
) -> (HashSet<(String, String)>, Vec<String>) {
    let (mut linked, mut own) = (HashSet::new(), Vec::new());
    for (group, account) in listed {
        match account {
            Some(a) if linked_accounts.contains(a.as_str()) => {
                linked.insert((a, group));
            }
            Some(a) if own_account.is_some_and(|own| own != a) => {}
            _ => own.push(group),
        }
    }
    (linked, own)
}

/// One notice for the optional calls that failed: what each leaves missing and why, with the
/// first one's hint.
fn missing_notice(missing: &[(&str, SourceError)]) -> Option<SourceError> {
    let (_, first) = missing.first()?;
    let mut message = String::new();
    for (what, error) in missing {
        if !message.is_empty() {
            message.push(' ');
        }
        let mut what = what.to_string();
        if let Some(c) = what.get(..1) {
            what.replace_range(..1, &c.to_uppercase());
        }
        message.push_str(&format!("{what}: {}", error.message));
    }
    Some(SourceError {
        message,
        hint: first.hint.clone(),
    })
}

impl Round for DiscoveryPoller {
    fn poller(&self) -> Poller {
        Poller::Discovery
    }

    fn interval(&self) -> std::time::Duration {
        self.opts.discovery_interval
    }

    /// A longer window may need the 14-day metric list rather than the 3-hour one.
    fn wants(&self, seen: &Request, now: &Request) -> bool {
        now.window.length() > seen.window.length()
    }

    async fn read(&mut self, _ctx: &SourceContext, req: &Request) -> RoundOutcome {
        self.read_all(req).await
    }

    /// A function newly in view needs only its reserved concurrency, which does not put off the
    /// next whole round.
    fn wants_interim(&self, now: &Request) -> bool {
        self.unread_in_view(now)
    }

    async fn interim(&mut self, _ctx: &SourceContext, req: &Request) -> RoundOutcome {
        self.read_unread_reserved(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_of_an_account_neither_linked_nor_own_is_left_out() {
        let g = |name: &str, account: Option<&str>| (name.to_string(), account.map(str::to_string));
        let listed = [
            g("/aws/lambda/orders", None),
            g("/aws/lambda/billing", Some("111122223333")),
            g("/aws/lambda/payments", Some("222233334444")),
            // A linked account whose functions were all idle: none listed.
            g("/aws/lambda/idle", Some("333344445555")),
        ];
        let linked = HashSet::from(["222233334444"]);
        let (theirs, own) = split_groups(listed.clone().into_iter(), &linked, Some("111122223333"));
        assert_eq!(
            theirs,
            HashSet::from([(
                "222233334444".to_string(),
                "/aws/lambda/payments".to_string()
            )])
        );
        assert_eq!(own, ["/aws/lambda/orders", "/aws/lambda/billing"]);
        // The own account's id unknown (an emulator): every group not linked is its own.
        let (_, own) = split_groups(listed.into_iter(), &linked, None);
        assert_eq!(
            own,
            [
                "/aws/lambda/orders",
                "/aws/lambda/billing",
                "/aws/lambda/idle"
            ]
        );
    }
    use aws_sdk_lambda::types::{
        Architecture as LambdaArch, FunctionConfiguration, LogFormat as LambdaLogFormat,
        LoggingConfig, Runtime, SnapStartApplyOn, SnapStartResponse,
    };

    #[test]
    fn a_linked_account_sharing_a_name_with_the_own_one_keeps_it() {
        let named = [
            ("orders".to_string(), Some("111122223333".to_string())),
            ("orders".to_string(), Some("222233334444".to_string())),
            ("payments".to_string(), Some("222233334444".to_string())),
        ];
        let listed = HashSet::from(["orders".to_string()]);
        let found = |own: Option<&str>| -> Vec<(String, Option<String>)> {
            linked_functions(&named, &listed, own, None)
                .into_iter()
                .map(|f| (f.name, f.account))
                .collect()
        };
        // The own account's `orders` is not a linked one; the linked account's `orders` and
        // `payments` are.
        let theirs = |name: &str| (name.to_string(), Some("222233334444".to_string()));
        assert_eq!(
            found(Some("111122223333")),
            [theirs("orders"), theirs("payments")]
        );
        // Without the own account's id, an account that owns a listed name counts as the own.
        assert_eq!(found(None), []);
    }

    #[test]
    fn lambda_configuration_is_read_without_trusting_it() {
        let f = FunctionConfiguration::builder()
            .function_name("orders-api")
            .runtime(Runtime::Python312)
            .memory_size(1024)
            .timeout(30)
            .architectures(LambdaArch::Arm64)
            .logging_config(
                LoggingConfig::builder()
                    .log_format(LambdaLogFormat::Json)
                    .log_group("/shared/orders")
                    .build(),
            )
            .snap_start(
                SnapStartResponse::builder()
                    .apply_on(SnapStartApplyOn::PublishedVersions)
                    .build(),
            )
            .build();
        let c = function_from_lambda(&f).expect("named");
        assert_eq!(c.name, "orders-api");
        assert_eq!(c.runtime.as_deref(), Some("python3.12"));
        assert_eq!((c.memory_mb, c.timeout_s), (Some(1024), Some(30)));
        assert_eq!(c.architecture, Architecture::Arm64);
        assert_eq!(c.log_group.as_deref(), Some("/shared/orders"));
        assert_eq!(c.log_format, LogFormat::Json);
        assert!(c.snap_start);

        let bare = FunctionConfiguration::builder()
            .function_name("x")
            .memory_size(-5)
            .build();
        let c = function_from_lambda(&bare).expect("named");
        assert_eq!(c.memory_mb, None);
        assert_eq!(c.log_group_name(), "/aws/lambda/x");
        assert!(function_from_lambda(&FunctionConfiguration::builder().build()).is_none());
    }

    #[test]
    fn merge_adds_functions_known_only_from_metrics_or_log_groups() {
        let mut custom = FunctionConfig::named("billing");
        custom.log_group = Some("/aws/lambda/shared-group".into());
        custom.memory_mb = Some(512);
        let lambda = vec![FunctionConfig::named("orders"), custom];
        let merged = merge_functions(
            lambda,
            ["orders".to_string(), "ghost".to_string()],
            [
                "/aws/lambda/orders".to_string(),
                "/aws/lambda/shared-group".to_string(), // billing's custom group, not a function
                "/aws/lambda/old-cron".to_string(),
                "/aws/lambda/".to_string(),
            ],
            None,
        );
        let names: Vec<&str> = merged.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["billing", "ghost", "old-cron", "orders"]);
        assert_eq!(
            merged[0].memory_mb,
            Some(512),
            "Lambda's configuration wins"
        );

        let glob = globset::Glob::new("o*").expect("glob").compile_matcher();
        let merged = merge_functions(
            vec![FunctionConfig::named("orders")],
            ["old-cron".to_string(), "billing".to_string()],
            Vec::new(),
            Some(&glob),
        );
        let names: Vec<&str> = merged.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["old-cron", "orders"]);
    }
}

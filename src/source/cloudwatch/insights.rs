//! The Logs Insights engine: REPORT figures aggregated by AWS, server-side, for every listed
//! function's log group over exactly the window.
//!
//! One query text ([`query_text`]) reads text `REPORT` lines (the fields Insights discovers in
//! Lambda logs: `@duration`, `@billedDuration`, `@memorySize`, `@maxMemoryUsed` — memory in
//! bytes — and `@initDuration`) and JSON `platform.report` records (`record.metrics.*`,
//! `record.status`) alike, and aggregates them by log group and the function a custom group's
//! stream names (`YYYY/MM/DD/<function>[<version>]<id>`).
//!
//! Limits, as documented for StartQuery: at most [`MAX_GROUPS_PER_QUERY`] log groups a query,
//! named in `logGroupNames`, or in `logGroupIdentifiers` by name or ARN (one or the other,
//! never both; a linked source account's group must be named by its ARN, without `:*`), and
//! a `SOURCE logGroups(namePrefix: …)` query reaches up to 10,000 and is used for the
//! default groups of large accounts (in a monitoring account, without `accountIdentifiers`,
//! it covers the linked source accounts' groups as well as its own), 30 concurrent queries per account *shared with the user's
//! own dashboards* (lambdatop keeps at most [`MAX_RUNNING_QUERIES`] running), queries time out
//! after 60 minutes, results hold at most 10,000 rows. GetQueryResults is polled with a
//! growing pause; a query is stopped (StopQuery) when the window changes or the front end goes.
//! Figures are refreshed every few minutes ([`super::AwsOptions::insights_interval`]), not every
//! round: each query is billed by the bytes it scans.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::QueryStatus;
use tokio::time::Instant;

use super::call::{MapErrOp, retried};
use super::error::{AwsError, GET_QUERY_RESULTS, START_QUERY, STOP_QUERY};
use super::live_tail::log_group_identifier;
use super::reports::{AccountFigures, GroupKey};
use super::{AwsOptions, Clients};
use crate::message::{ApiCalls, SourceContext, SourceError, WindowReport};

/// Log groups one query may name (StartQuery's `logGroupNames` or `logGroupIdentifiers`).
pub const MAX_GROUPS_PER_QUERY: usize = 50;
/// Queries lambdatop runs at once: the account's 30 are shared with its dashboards.
pub const MAX_RUNNING_QUERIES: usize = 3;
/// Default log groups from which one `SOURCE` query by prefix replaces queries by name.
pub const PREFIX_QUERY_FROM: usize = MAX_GROUPS_PER_QUERY * MAX_RUNNING_QUERIES;
/// Rows a query returns at most (the service's ceiling).
pub const RESULT_ROWS: i32 = 10_000;
/// Lambda's default log groups.
pub use super::discovery::LAMBDA_LOG_GROUP_PREFIX as LAMBDA_PREFIX;

/// The aggregation, after the optional `SOURCE` line.
const QUERY_BODY: &str = r#"filter @type = "REPORT" or type = "platform.report"
| parse @logStream /^\d{4}\/\d{2}\/\d{2}\/(?<streamFunction>[^\[]*)\[/
| parse @message /Restore Duration: (?<textRestoreMs>[0-9.]+) ms/
| parse @message /Billed Restore Duration: (?<textBilledRestoreMs>[0-9]+) ms/
| parse @message /Status: (?<textStatus>[a-z]+)/
| fields coalesce(@duration, record.metrics.durationMs) as durationMs,
    coalesce(@billedDuration, record.metrics.billedDurationMs) as billedMs,
    coalesce(textBilledRestoreMs, record.metrics.billedRestoreDurationMs, 0) as billedRestoreMs,
    coalesce(@memorySize / 1000000, record.metrics.memorySizeMB) as memoryMB,
    coalesce(@maxMemoryUsed / 1000000, record.metrics.maxMemoryUsedMB) as usedMB,
    coalesce(@initDuration, record.metrics.initDurationMs) as initMs,
    coalesce(textRestoreMs, record.metrics.restoreDurationMs) as restoreMs,
    coalesce(textStatus, record.status, "success") as status
| stats count(*) as invocations,
    count(initMs) as inits,
    count(restoreMs) as restores,
    sum(strcontains(status, "timeout")) as timeouts,
    sum(strcontains(status, "error") + strcontains(status, "failure")) as errors,
    pct(durationMs, 50) as durationP50,
    pct(durationMs, 90) as durationP90,
    pct(durationMs, 99) as durationP99,
    max(durationMs) as durationMax,
    pct(initMs, 50) as initP50,
    pct(initMs, 99) as initP99,
    pct(restoreMs, 50) as restoreP50,
    sum(billedMs + billedRestoreMs) as billedMsTotal,
    sum((billedMs + billedRestoreMs) * memoryMB) as mbMs,
    max(memoryMB) as memorySizeMB,
    min(memoryMB) as memorySizeMinMB,
    max(usedMB / memoryMB) as usedRatioMax,
    max(usedMB) as maxUsedMB,
    pct(usedMB, 99) as usedP99MB
  by @log, streamFunction"#;

/// The query text; `by_prefix`: it selects Lambda's default groups itself (`SOURCE`).
pub fn query_text(by_prefix: bool) -> String {
    if by_prefix {
        format!("SOURCE logGroups(namePrefix: [\"{LAMBDA_PREFIX}\"])\n| {QUERY_BODY}")
    } else {
        QUERY_BODY.to_string()
    }
}

/// One query: the log groups it names, or Lambda's default groups by prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryPlan {
    /// The groups named (empty for a query by prefix): the own account's by name, a linked
    /// account's by ARN.
    pub groups: Vec<String>,
    pub by_prefix: bool,
}

impl QueryPlan {
    /// Whether the groups go in `logGroupIdentifiers` (some are ARNs) rather than
    /// `logGroupNames`.
    pub fn by_identifier(&self) -> bool {
        self.groups.iter().any(|g| g.starts_with("arn:"))
    }
}

/// The queries that cover `groups` of `region`: 50 a query, a linked account's group by its
/// ARN; in a large account the default groups by prefix in one query (a monitoring account's
/// prefix query covers its linked accounts' default groups too), and the custom ones named.
pub fn plan(groups: &[GroupKey], region: &str) -> Vec<QueryPlan> {
    let defaults = groups
        .iter()
        .filter(|(_, g)| g.starts_with(LAMBDA_PREFIX))
        .count();
    let by_prefix = defaults > PREFIX_QUERY_FROM;
    let named: Vec<String> = groups
        .iter()
        .filter(|(_, g)| !(by_prefix && g.starts_with(LAMBDA_PREFIX)))
        .map(|(account, g)| log_group_identifier(g, region, account.as_deref()))
        .collect();
    let mut plans: Vec<QueryPlan> = named
        .chunks(MAX_GROUPS_PER_QUERY)
        .map(|c| QueryPlan {
            groups: c.to_vec(),
            by_prefix: false,
        })
        .collect();
    if by_prefix {
        plans.insert(
            0,
            QueryPlan {
                groups: Vec::new(),
                by_prefix: true,
            },
        );
    }
    plans
}

/// One result row: the account and the group, the function its streams name (empty in a
/// default group), the figures.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryRow {
    /// The account `@log` names, when it names one.
    pub account: Option<String>,
    pub group: String,
    pub function: String,
    pub report: WindowReport,
}

/// A result without the fields the query asks for: the endpoint does not compute them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// The fields a row had instead.
    pub fields: Vec<String>,
}

/// Reads the rows of a complete query. `@log` is `account-id:group`, a linked source account's
/// group's with that account's id.
pub fn parse_rows(rows: &[Vec<(String, String)>]) -> Result<Vec<QueryRow>, Unsupported> {
    rows.iter()
        .map(|row| {
            let get = |k: &str| {
                row.iter()
                    .find(|(f, _)| f == k)
                    .map(|(_, v)| v.as_str())
                    .filter(|v| !v.is_empty())
            };
            let num = |k: &str| {
                get(k)
                    .and_then(|v| v.parse::<f64>().ok())
                    .filter(|v| v.is_finite())
            };
            let count = |k: &str| num(k).map_or(0, |v| v.max(0.0).round() as u64);
            let mb = |k: &str| num(k).map(|v| v.max(0.0).round() as u32);
            let (Some(log), Some(invocations)) = (get("@log"), num("invocations")) else {
                return Err(Unsupported {
                    fields: row.iter().map(|(f, _)| f.clone()).collect(),
                });
            };
            let (account, group) = match log.split_once(':') {
                Some((account, group)) => (Some(account.to_string()), group.to_string()),
                None => (None, log.to_string()),
            };
            let inits = count("inits");
            let restores = count("restores");
            Ok(QueryRow {
                account,
                group,
                function: get("streamFunction").unwrap_or_default().to_string(),
                report: WindowReport {
                    invocations: invocations.max(0.0).round() as u64,
                    cold_starts: inits + restores,
                    restores,
                    timeouts: count("timeouts"),
                    errors: count("errors"),
                    duration_ms_p50: num("durationP50"),
                    duration_ms_p90: num("durationP90"),
                    duration_ms_p99: num("durationP99"),
                    duration_ms_max: num("durationMax"),
                    init_ms_p50: num("initP50"),
                    init_ms_p99: num("initP99"),
                    restore_ms_p50: num("restoreP50"),
                    billed_ms_total: count("billedMsTotal"),
                    gb_seconds: num("mbMs").unwrap_or(0.0) / 1024.0 / 1000.0,
                    memory_size_mb: mb("memorySizeMB"),
                    memory_size_min_mb: mb("memorySizeMinMB"),
                    memory_used_ratio: num("usedRatioMax"),
                    max_memory_used_mb: mb("maxUsedMB"),
                    max_memory_used_mb_p99: mb("usedP99MB"),
                },
            })
        })
        .collect()
}

/// Assigns rows to the functions of `groups` ((account, group) → the functions that log to
/// it): a row is a linked account's group's when `@log` names that account, the own account's
/// (`own`, when known) otherwise; its function is the one its streams name, the group's only
/// function otherwise. Every function of a group the queries covered has figures: those
/// without a row had no REPORT in the window.
pub fn attribute(
    rows: Vec<QueryRow>,
    groups: &BTreeMap<GroupKey, Vec<Arc<str>>>,
    own: Option<&str>,
) -> Vec<AccountFigures> {
    let mut by_function: HashMap<(Option<String>, Arc<str>), WindowReport> = HashMap::new();
    for row in rows {
        let linked = (row.account.clone(), row.group);
        let key = if groups.contains_key(&linked) {
            linked
        } else if own.is_none() || row.account.as_deref() == own || row.account.is_none() {
            (None, linked.1)
        } else {
            continue; // another account's group no function listed here logs to
        };
        let Some(owners) = groups.get(&key) else {
            continue; // a group of no listed function (a query by prefix)
        };
        let owner = owners
            .iter()
            .find(|o| &***o == row.function.as_str())
            .or_else(|| (owners.len() == 1).then(|| &owners[0]));
        if let Some(owner) = owner {
            by_function.insert((key.0, owner.clone()), row.report);
        }
    }
    groups
        .iter()
        .flat_map(|((account, _), owners)| owners.iter().map(move |f| (account, f)))
        .map(|(account, f)| {
            let figures = by_function
                .remove(&(account.clone(), f.clone()))
                .unwrap_or_default();
            (account.clone(), f.to_string(), Some(figures))
        })
        .collect()
}

/// Queries started and neither finished nor stopped, in the whole process.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Waits (at most `limit`) until no query lambdatop started is still running: when the front end
/// goes, the running queries are stopped (StopQuery) rather than left to scan — and bill — on.
pub async fn settle(limit: Duration) {
    let until = Instant::now() + limit;
    while RUNNING.load(Ordering::Relaxed) > 0 && Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Why Insights could not give figures.
#[derive(Debug)]
pub(super) enum Trouble {
    /// Denied, or the endpoint does not offer Insights or its statistics: `auto` falls back.
    Unavailable(String),
    /// A call or a query failed.
    Failed(SourceError),
    /// The window changed or the front end went: the queries were stopped.
    Abandoned,
}

/// What a set of queries brought.
pub(super) struct Answer {
    pub rows: Vec<QueryRow>,
    pub bytes_scanned: f64,
}

/// Runs the queries of `plans` over `[start_s, end_s]`, at most [`MAX_RUNNING_QUERIES`] at once.
pub(super) struct Runner<'a> {
    pub clients: &'a Clients,
    pub opts: &'a AwsOptions,
    pub ctx: &'a SourceContext,
    pub calls: &'a mut Vec<ApiCalls>,
    /// The queries are given up after this.
    pub deadline: Instant,
    /// Whether the request still wants these figures (the window has not changed).
    pub wanted: &'a (dyn Fn() -> bool + Sync),
}

/// Whether an error means Insights is not there to be used (as opposed to failing this once).
pub(super) fn unavailable(e: &AwsError) -> bool {
    let code = e.facts.code.as_deref().unwrap_or_default();
    let message = e
        .facts
        .message
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    code.contains("AccessDenied")
        || code.contains("UnknownOperation")
        || code.contains("InvalidAction")
        || code == "NotImplemented"
        || matches!(e.facts.status, Some(404 | 501))
        || message.contains("not been implemented")
        || message.contains("not implemented")
}

fn count(calls: &mut Vec<ApiCalls>, operation: &'static str, n: u32) {
    match calls.iter_mut().find(|c| c.operation == operation) {
        Some(c) => c.calls += n,
        None => calls.push(ApiCalls {
            operation,
            calls: n,
            billed_units: 0,
        }),
    }
}

impl Runner<'_> {
    pub async fn run(
        &mut self,
        plans: &[QueryPlan],
        start_s: i64,
        end_s: i64,
    ) -> Result<Answer, Trouble> {
        let mut answer = Answer {
            rows: Vec::new(),
            bytes_scanned: 0.0,
        };
        for wave in plans.chunks(MAX_RUNNING_QUERIES) {
            let mut running = Vec::new();
            for p in wave {
                match self.start(p, start_s, end_s).await {
                    Ok(id) => {
                        RUNNING.fetch_add(1, Ordering::Relaxed);
                        running.push(id);
                    }
                    Err(t) => {
                        self.stop_all(&running).await;
                        return Err(t);
                    }
                }
            }
            let r = self.wait(&mut running, &mut answer).await;
            if r.is_err() {
                self.stop_all(&running).await;
            }
            r?;
        }
        Ok(answer)
    }

    async fn start(&mut self, p: &QueryPlan, start_s: i64, end_s: i64) -> Result<String, Trouble> {
        let clients = self.clients;
        // Names alone go in `logGroupNames`; with a linked account's ARN among them, all go in
        // `logGroupIdentifiers` (StartQuery takes one or the other).
        let groups = (!p.by_prefix).then(|| p.groups.clone());
        let (names, identifiers) = match p.by_identifier() {
            true => (None, groups),
            false => (groups, None),
        };
        let text = query_text(p.by_prefix);
        let a = retried(&self.opts.backoff, || {
            clients
                .logs
                .start_query()
                .set_log_group_names(names.clone())
                .set_log_group_identifiers(identifiers.clone())
                .start_time(start_s)
                .end_time(end_s)
                .query_string(text.clone())
                .limit(RESULT_ROWS)
                .send()
                .map_err_op(START_QUERY)
        })
        .await;
        count(self.calls, START_QUERY.name, a.calls);
        match a.result {
            Ok(out) => out
                .query_id()
                .filter(|id| !id.is_empty())
                .map(str::to_string)
                .ok_or_else(|| Trouble::Unavailable("StartQuery returned no query id".into())),
            Err(e) if unavailable(&e) => {
                Err(Trouble::Unavailable(self.clients.source_error(&e).message))
            }
            Err(e) => Err(Trouble::Failed(self.clients.source_error(&e))),
        }
    }

    /// Polls the running queries until each is complete, with a growing pause between polls.
    async fn wait(
        &mut self,
        running: &mut Vec<String>,
        answer: &mut Answer,
    ) -> Result<(), Trouble> {
        let mut pause = Duration::from_millis(250);
        while !running.is_empty() {
            if self.ctx.updates.is_closed() || !(self.wanted)() {
                return Err(Trouble::Abandoned);
            }
            if Instant::now() >= self.deadline {
                return Err(Trouble::Failed(SourceError::new(
                    format!(
                        "Logs Insights did not finish within {} s.",
                        self.opts.insights_timeout.as_secs()
                    ),
                    Some("Shorten the window, or use --log-analytics filter."),
                )));
            }
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                // The front end went: stop the queries at once.
                () = self.ctx.updates.closed() => return Err(Trouble::Abandoned),
            }
            pause = (pause * 2).min(Duration::from_secs(5));
            let mut i = 0;
            while i < running.len() {
                let id = running[i].clone();
                let clients = self.clients;
                let a = retried(&self.opts.backoff, || {
                    clients
                        .logs
                        .get_query_results()
                        .query_id(id.clone())
                        .send()
                        .map_err_op(GET_QUERY_RESULTS)
                })
                .await;
                count(self.calls, GET_QUERY_RESULTS.name, a.calls);
                let out = match a.result {
                    Ok(out) => out,
                    Err(e) if unavailable(&e) => {
                        return Err(Trouble::Unavailable(self.clients.source_error(&e).message));
                    }
                    Err(e) => return Err(Trouble::Failed(self.clients.source_error(&e))),
                };
                match out.status() {
                    None | Some(QueryStatus::Scheduled | QueryStatus::Running) => {
                        i += 1;
                        continue;
                    }
                    Some(QueryStatus::Complete) => {}
                    Some(other) => {
                        return Err(Trouble::Failed(SourceError::new(
                            format!("A Logs Insights query ended as {}.", other.as_str()),
                            Some(
                                "It may have been stopped by someone else, or have hit the account's limits; it is run again next refresh.",
                            ),
                        )));
                    }
                }
                running.swap_remove(i);
                RUNNING.fetch_sub(1, Ordering::Relaxed);
                answer.bytes_scanned += out.statistics().map_or(0.0, |s| s.bytes_scanned());
                let rows: Vec<Vec<(String, String)>> = out
                    .results()
                    .iter()
                    .map(|row| {
                        row.iter()
                            .map(|f| {
                                (
                                    f.field().unwrap_or_default().to_string(),
                                    f.value().unwrap_or_default().to_string(),
                                )
                            })
                            .collect()
                    })
                    .collect();
                match parse_rows(&rows) {
                    Ok(rows) => answer.rows.extend(rows),
                    Err(u) => {
                        return Err(Trouble::Unavailable(format!(
                            "Logs Insights answered without the REPORT statistics (fields: {})",
                            u.fields.join(", ")
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// Stops queries that are still running (best effort: an endpoint without StopQuery, or a
    /// query that has just finished, is no failure).
    async fn stop_all(&mut self, running: &[String]) {
        for id in running {
            let r = self
                .clients
                .logs
                .stop_query()
                .query_id(id.clone())
                .send()
                .map_err_op(STOP_QUERY)
                .await;
            count(self.calls, STOP_QUERY.name, 1);
            drop(r);
            RUNNING.fetch_sub(1, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn plans_name_fifty_groups_a_query_and_use_the_prefix_for_large_accounts() {
        let own = |g: String| (None, g);
        let groups: Vec<GroupKey> = (0..120).map(|i| own(format!("/aws/lambda/f{i}"))).collect();
        let p = plan(&groups, "eu-west-1");
        assert_eq!(p.len(), 3);
        assert_eq!(
            p.iter().map(|q| q.groups.len()).collect::<Vec<_>>(),
            [50, 50, 20]
        );
        assert!(p.iter().all(|q| !q.by_prefix));
        let mut groups: Vec<GroupKey> =
            (0..151).map(|i| own(format!("/aws/lambda/f{i}"))).collect();
        groups.push(own("/custom/shared".into()));
        // A linked account's custom group, by ARN; its default groups are the prefix query's.
        let linked = Some("222233334444".to_string());
        groups.push((linked.clone(), "/custom/theirs".into()));
        groups.push((linked.clone(), "/aws/lambda/theirs".into()));
        let p = plan(&groups, "eu-west-1");
        assert_eq!(p.len(), 2);
        assert!(p[0].by_prefix && p[0].groups.is_empty());
        assert_eq!(
            p[1].groups,
            [
                "/custom/shared",
                "arn:aws:logs:eu-west-1:222233334444:log-group:/custom/theirs"
            ]
        );
        assert!(p[1].by_identifier());
        // A small account: the linked account's default group named by ARN too.
        let p = plan(
            &[
                own("/aws/lambda/a".into()),
                (linked, "/aws/lambda/a".into()),
            ],
            "cn-north-1",
        );
        assert_eq!(
            p[0].groups,
            [
                "/aws/lambda/a",
                "arn:aws-cn:logs:cn-north-1:222233334444:log-group:/aws/lambda/a"
            ]
        );
        assert!(!plan(&groups[..3], "eu-west-1")[0].by_identifier());
        assert!(
            query_text(true)
                .starts_with("SOURCE logGroups(namePrefix: [\"/aws/lambda/\"])\n| filter")
        );
    }

    #[test]
    fn rows_without_the_statistics_are_unsupported_not_zeros() {
        let e = parse_rows(&[row(&[("@ptr", "0")])]).expect_err("unsupported");
        assert_eq!(e.fields, ["@ptr"]);
        assert_eq!(parse_rows(&[]), Ok(Vec::new()));
    }

    #[test]
    fn rows_are_read_and_attributed_to_functions() {
        let rows = parse_rows(&[
            row(&[
                ("@log", "123456789012:/aws/lambda/orders"),
                ("streamFunction", ""),
                ("invocations", "3"),
                ("inits", "1"),
                ("restores", "0"),
                ("timeouts", "1"),
                ("errors", "0"),
                ("durationP50", "100"),
                ("billedMsTotal", "3371"),
                ("mbMs", "431488"),
                ("memorySizeMB", "128"),
                ("maxUsedMB", "70"),
            ]),
            row(&[
                ("@log", "123456789012:/shared/app"),
                ("streamFunction", "billing"),
                ("invocations", "2"),
            ]),
        ])
        .expect("rows");
        assert_eq!(rows[0].group, "/aws/lambda/orders");
        assert_eq!(rows[0].account.as_deref(), Some("123456789012"));
        let r = &rows[0].report;
        assert_eq!((r.invocations, r.cold_starts, r.timeouts), (3, 1, 1));
        // 431,488 MB-ms = 0.421375 GB-s.
        assert!((r.gb_seconds - 0.421_375).abs() < 1e-12);
        assert_eq!(r.memory_size_mb, Some(128));
        let groups: BTreeMap<GroupKey, Vec<Arc<str>>> = [
            (
                (None, "/aws/lambda/orders".to_string()),
                vec![Arc::from("orders")],
            ),
            (
                (None, "/shared/app".to_string()),
                vec![Arc::from("billing"), Arc::from("shipping")],
            ),
        ]
        .into();
        let a = attribute(rows, &groups, None);
        let get = |n: &str| {
            a.iter()
                .find(|(_, f, _)| f == n)
                .and_then(|(_, _, r)| r.clone())
        };
        assert_eq!(get("orders").map(|r| r.invocations), Some(3));
        assert_eq!(get("billing").map(|r| r.invocations), Some(2));
        // A function of a covered group without a row reported nothing in the window.
        assert_eq!(get("shipping").map(|r| r.invocations), Some(0));
    }

    #[test]
    fn a_linked_accounts_rows_are_its_functions_even_under_the_own_accounts_names() {
        let rows = parse_rows(&[
            row(&[
                ("@log", "111122223333:/aws/lambda/orders"),
                ("invocations", "3"),
            ]),
            row(&[
                ("@log", "222233334444:/aws/lambda/orders"),
                ("invocations", "5"),
            ]),
            // An account no listed function is of (a query by prefix covers every linked one).
            row(&[
                ("@log", "999988887777:/aws/lambda/orders"),
                ("invocations", "7"),
            ]),
        ])
        .expect("rows");
        let linked = Some("222233334444".to_string());
        let groups: BTreeMap<GroupKey, Vec<Arc<str>>> = [
            (
                (None, "/aws/lambda/orders".to_string()),
                vec![Arc::from("orders")],
            ),
            (
                (linked.clone(), "/aws/lambda/orders".to_string()),
                vec![Arc::from("orders")],
            ),
        ]
        .into();
        let invocations = |a: Vec<AccountFigures>| -> Vec<(Option<String>, u64)> {
            a.into_iter()
                .map(|(account, _, r)| (account, r.map_or(0, |r| r.invocations)))
                .collect()
        };
        assert_eq!(
            invocations(attribute(rows.clone(), &groups, Some("111122223333"))),
            [(None, 3), (linked.clone(), 5)]
        );
        // The own account unknown: a row of an account not linked is taken as the own's.
        assert_eq!(
            invocations(attribute(rows[..2].to_vec(), &groups, None)),
            [(None, 3), (linked, 5)]
        );
    }
}

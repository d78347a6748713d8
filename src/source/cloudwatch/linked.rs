//! A CloudWatch cross-account observability monitoring account: the functions of its linked
//! source accounts are read with the monitoring account's credentials (ListMetrics
//! `IncludeLinkedAccounts`, GetMetricData `AccountId`), and what the pollers send about them is
//! sent as their account's ([`crate::message::Update::From`]), so the store keys them apart.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::Shared;
use super::reports::AccountFigures;
use crate::message::{SourceContext, Update, WindowReports};
use crate::model::{FunctionConfig, Origin};

/// `ctx` with every update passed through [`attribute`] against what discovery found last.
pub(super) fn attributed(ctx: SourceContext, shared: Arc<Shared>) -> SourceContext {
    let (tx, mut rx) = mpsc::channel(1024);
    let to = ctx.updates.clone();
    tokio::spawn(async move {
        while let Some(update) = rx.recv().await {
            let discovered = shared.discovered.borrow().clone();
            let functions = discovered.as_deref().map_or(&[][..], |d| &d.functions[..]);
            for u in attribute(update, functions, &shared.region) {
                if to.send(u).await.is_err() {
                    return;
                }
            }
        }
    });
    SourceContext { updates: tx, ..ctx }
}

/// `update` split by the account of each function it names: the credentials' own account's
/// part as it is, each linked account's as [`Update::From`] that account in `region`. A name
/// both the own and a linked account have is read as the own account's.
pub fn attribute(update: Update, functions: &[FunctionConfig], region: &str) -> Vec<Update> {
    let account_of = |name: &str| -> Option<String> {
        if functions
            .iter()
            .any(|f| f.name == name && f.account.is_none())
        {
            return None;
        }
        functions
            .iter()
            .find(|f| f.name == name)
            .and_then(|f| f.account.clone())
    };
    match update {
        Update::Functions(all) => split(all, |f| f.account.clone(), Update::Functions, region),
        Update::Metrics(points) => split(
            points,
            |m| m.function.as_deref().and_then(account_of),
            Update::Metrics,
            region,
        ),
        Update::WindowStats(stats) => split(
            stats,
            |(name, _)| account_of(name),
            Update::WindowStats,
            region,
        ),
        Update::Reports(r) => {
            let WindowReports {
                origin,
                window,
                from,
                to,
                reports,
            } = r;
            let make = |reports| {
                Update::Reports(WindowReports {
                    origin,
                    window,
                    from,
                    to,
                    reports,
                })
            };
            split(reports, |(name, _)| account_of(name), make, region)
        }
        other => vec![other],
    }
}

/// The window figures of functions of several accounts, each with its account, as updates over
/// the span of `head` (whose own `reports` are left out): the own account's as
/// [`Update::Reports`], each linked account's as [`Update::From`] that account in `region`. Unlike
/// [`attribute`], which goes by name, a linked function's figures never land on a same-named
/// function of the own account.
pub(super) fn reports_by_account(
    head: &WindowReports,
    figures: Vec<AccountFigures>,
    region: &str,
) -> Vec<Update> {
    let make = |items: Vec<AccountFigures>| {
        Update::Reports(WindowReports {
            reports: items.into_iter().map(|(_, name, r)| (name, r)).collect(),
            ..*head
        })
    };
    split(figures, |(account, _, _)| account.clone(), make, region)
}

/// `items` grouped by account, each group made an update; the own account's first.
fn split<T>(
    items: Vec<T>,
    account: impl Fn(&T) -> Option<String>,
    make: impl Fn(Vec<T>) -> Update,
    region: &str,
) -> Vec<Update> {
    let mut groups: BTreeMap<Option<String>, Vec<T>> = BTreeMap::new();
    groups.entry(None).or_default();
    for item in items {
        groups.entry(account(&item)).or_default().push(item);
    }
    groups
        .into_iter()
        .filter(|(account, items)| account.is_none() || !items.is_empty())
        .map(|(account, items)| match account {
            None => make(items),
            Some(a) => Update::From {
                origin: Origin::of(Some(&a), Some(region)),
                update: Box::new(make(items)),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MetricKind;
    use crate::model::MetricPoints;

    fn linked(name: &str, account: &str) -> FunctionConfig {
        FunctionConfig {
            account: Some(account.to_string()),
            ..FunctionConfig::named(name)
        }
    }

    #[test]
    fn what_names_a_linked_function_is_its_accounts() {
        let functions = [
            FunctionConfig::named("orders"),
            linked("payments", "222233334444"),
            linked("orders", "222233334444"),
        ];
        let at = chrono::DateTime::UNIX_EPOCH;
        let points = |name: &str| MetricPoints {
            function: Some(name.to_string()),
            metric: MetricKind::Invocations,
            from: at,
            to: at,
            period_s: 60,
            points: Vec::new(),
        };
        let out = attribute(
            Update::Metrics(vec![points("orders"), points("payments")]),
            &functions,
            "eu-west-1",
        );
        let names = |u: &Update| match u {
            Update::Metrics(m) => m
                .iter()
                .filter_map(|p| p.function.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(out.len(), 2);
        // The own account's `orders`; the linked account's `payments`, as its own origin.
        assert_eq!(names(&out[0]), ["orders"]);
        match &out[1] {
            Update::From { origin, update } => {
                assert_eq!(origin, &Origin::of(Some("222233334444"), Some("eu-west-1")));
                assert_eq!(names(update), ["payments"]);
            }
            other => panic!("{other:?}"),
        }
        let out = attribute(
            Update::Functions(functions.to_vec()),
            &functions,
            "eu-west-1",
        );
        assert_eq!(out.len(), 2);
        assert!(matches!(&out[0], Update::Functions(own) if own.len() == 1));
        // Anything else passes as it is.
        let out = attribute(Update::Scanned { bytes: 1 }, &functions, "eu-west-1");
        assert!(matches!(out.as_slice(), [Update::Scanned { bytes: 1 }]));
    }
}

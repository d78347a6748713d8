//! A CloudWatch cross-account observability monitoring account: the functions of its linked
//! source accounts are read with the monitoring account's credentials (ListMetrics
//! `IncludeLinkedAccounts`, GetMetricData `AccountId`), and what the pollers send about them is
//! sent as their account's ([`crate::message::Update::From`]), so the store keys them apart. A
//! linked function named like one of the monitoring account's own is a function of its own: every
//! read names its account, and every answer is sent as that account's ([`by_account`]).

use std::collections::{BTreeMap, HashSet};

use super::reports::AccountFigures;
use crate::message::{Update, WindowReports};
use crate::model::{FunctionConfig, FunctionId, Origin};

/// Something of one function's account: `None` for the credentials' own account, else the linked
/// account's id.
pub type OfAccount<T> = (Option<String>, T);

/// Tells which discovered function a [`FunctionId`] of the request names. An id whose account is
/// one of the linked accounts discovery found is that account's function; any other (the
/// source's own origin, however the front end calls it: no account, or a profile's name) is the
/// credentials' own account's.
pub(crate) struct Accounts<'a> {
    linked: HashSet<&'a str>,
}

impl<'a> Accounts<'a> {
    /// The linked accounts of `functions`.
    pub fn new(functions: impl IntoIterator<Item = &'a FunctionConfig>) -> Self {
        Self {
            linked: functions
                .into_iter()
                .filter_map(|f| f.account.as_deref())
                .collect(),
        }
    }

    /// The account of `id` as discovery keeps it ([`FunctionConfig::account`]).
    pub fn of<'i>(&self, id: &'i FunctionId) -> Option<&'i str> {
        id.account.as_deref().filter(|a| self.linked.contains(a))
    }

    /// Whether `id` names `f`.
    pub fn names(&self, id: &FunctionId, f: &FunctionConfig) -> bool {
        *id.name == f.name && self.of(id) == f.account.as_deref()
    }

    /// The names of the credentials' own account's functions among `ids`.
    pub fn own_names(&self, ids: &[FunctionId]) -> Vec<String> {
        ids.iter()
            .filter(|id| self.of(id).is_none())
            .map(|id| id.name.to_string())
            .collect()
    }
}

/// The window figures of functions of several accounts, each with its account, as updates over
/// the span of `head` (whose own `reports` are left out): the own account's as
/// [`Update::Reports`] (sent even without figures), each linked account's as [`Update::From`]
/// that account in `region`. A linked function's figures never land on a same-named function of
/// the own account.
pub(super) fn reports_by_account(
    head: &WindowReports,
    figures: Vec<AccountFigures>,
    region: &str,
) -> Vec<Update> {
    let make = |reports| Update::Reports(WindowReports { reports, ..*head });
    let items = figures
        .into_iter()
        .map(|(account, name, r)| (account, (name, r)))
        .collect();
    by_account(items, make, true, region)
}

/// `items` grouped by account, each group made an update by `make`: the own account's as it is
/// (first, and sent without items too when `own_always`), each linked account's as
/// [`Update::From`] that account in `region`.
pub(super) fn by_account<T>(
    items: Vec<OfAccount<T>>,
    make: impl Fn(Vec<T>) -> Update,
    own_always: bool,
    region: &str,
) -> Vec<Update> {
    let mut groups: BTreeMap<Option<String>, Vec<T>> = BTreeMap::new();
    if own_always {
        groups.entry(None).or_default();
    }
    for (account, item) in items {
        groups.entry(account).or_default().push(item);
    }
    groups
        .into_iter()
        .filter(|(account, items)| (account.is_none() && own_always) || !items.is_empty())
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
    fn an_id_names_the_function_of_its_account() {
        let functions = [
            FunctionConfig::named("orders"),
            linked("payments", "222233334444"),
            linked("orders", "222233334444"),
        ];
        let accounts = Accounts::new(&functions);
        let own = Origin::region(Some("eu-west-1")).function("orders");
        let profile = Origin::of(Some("prod"), Some("eu-west-1")).function("orders");
        let theirs = Origin::of(Some("222233334444"), Some("eu-west-1")).function("orders");
        let named = |id: &FunctionId| -> Vec<usize> {
            (0..functions.len())
                .filter(|&i| accounts.names(id, &functions[i]))
                .collect()
        };
        assert_eq!(named(&own), [0]);
        // A profile's name is not a linked account: the own account's function.
        assert_eq!(named(&profile), [0]);
        assert_eq!(named(&theirs), [2]);
        assert_eq!(
            accounts.own_names(&[own, theirs.clone(), profile]),
            ["orders", "orders"]
        );
        assert_eq!(accounts.of(&theirs), Some("222233334444"));
    }

    #[test]
    fn what_a_linked_account_has_is_sent_as_its_own() {
        let at = chrono::DateTime::UNIX_EPOCH;
        let points = |name: &str| MetricPoints {
            function: Some(name.to_string()),
            metric: MetricKind::Invocations,
            from: at,
            to: at,
            period_s: 60,
            points: Vec::new(),
        };
        let linked = Some("222233334444".to_string());
        let items = vec![
            (None, points("orders")),
            (linked.clone(), points("orders")),
            (linked, points("payments")),
        ];
        let out = by_account(items, Update::Metrics, false, "eu-west-1");
        let names = |u: &Update| match u {
            Update::Metrics(m) => m
                .iter()
                .filter_map(|p| p.function.clone())
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        };
        assert_eq!(out.len(), 2);
        // The own account's `orders`; the linked account's `orders` and `payments`, as its own
        // origin.
        assert_eq!(names(&out[0]), ["orders"]);
        match &out[1] {
            Update::From { origin, update } => {
                assert_eq!(origin, &Origin::of(Some("222233334444"), Some("eu-west-1")));
                assert_eq!(names(update), ["orders", "payments"]);
            }
            other => panic!("{other:?}"),
        }
        // Nothing of the own account: no update for it, unless asked for.
        let theirs = vec![(Some("222233334444".to_string()), points("orders"))];
        let out = by_account(theirs.clone(), Update::Metrics, false, "eu-west-1");
        assert!(matches!(out.as_slice(), [Update::From { .. }]));
        let out = by_account(theirs, Update::Metrics, true, "eu-west-1");
        assert!(
            matches!(out.as_slice(), [Update::Metrics(own), Update::From { .. }] if own.is_empty())
        );
        assert!(
            by_account(
                Vec::<OfAccount<MetricPoints>>::new(),
                Update::Metrics,
                false,
                "eu-west-1"
            )
            .is_empty()
        );
    }
}

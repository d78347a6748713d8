//! Several profiles and Regions at once: one [`CloudWatchSource`] per (profile, Region),
//! connected in parallel and fanned into one [`MultiSource`].

use std::collections::HashMap;
use std::sync::Arc;

use globset::Glob;
use tokio::sync::OnceCell;
use tokio::task::JoinSet;

use super::{AwsOptions, CloudWatchSource};
use crate::message::SourceError;
use crate::model::Origin;
use crate::source::multi::{Child, MultiSource};

/// `--region all`.
pub const ALL_REGIONS: &str = "all";

/// `--region all`: the Regions of the `aws` partition that every account has enabled.
pub const DEFAULT_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
];

/// `--region all` also reads the opt-in Regions of the `aws` partition an account has enabled:
/// each is asked once (Lambda `GetAccountSettings`) and left out when the account's credentials
/// are not valid there (not enabled).
pub const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-south-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-west-1",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
];

/// What an opt-in Region the account has not enabled answers: the credentials are not valid
/// there.
const NOT_ENABLED: &[&str] = &[
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "AuthFailure",
    "OptInRequired",
];

/// One (profile, Region) to read; `None` leaves it to the SDK (the default profile, the
/// profile's Region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// An opt-in Region `--region all` added: read only when the account has enabled it.
    pub opt_in: bool,
}

impl Target {
    /// The origin of the source reading this target in `region` (the profile's default when it
    /// names none): its Region, and its profile when `several_profiles` are read.
    pub fn origin(&self, region: Option<&str>, several_profiles: bool) -> Origin {
        let account = self.profile.as_deref().filter(|_| several_profiles);
        Origin::of(account, Some(region.unwrap_or("default Region")))
    }
}

/// Whether `targets` name more than one profile: each origin then names its profile.
pub fn several_profiles(targets: &[Target]) -> bool {
    let mut p: Vec<&Option<String>> = targets.iter().map(|t| &t.profile).collect();
    p.dedup();
    p.len() > 1
}

/// Every (profile, Region) pair of the lists, `all` standing for [`DEFAULT_REGIONS`].
pub fn targets(profiles: &[String], regions: &[String]) -> Vec<Target> {
    let profiles: Vec<Option<String>> = match profiles {
        [] => vec![None],
        p => p.iter().cloned().map(Some).collect(),
    };
    // (Region, opt-in), each once: a Region named is read whatever `all` says of it.
    let mut names: Vec<(String, bool)> = Vec::new();
    for r in regions {
        let expanded: Vec<(&str, bool)> = if r == ALL_REGIONS {
            let default = DEFAULT_REGIONS.iter().map(|r| (*r, false));
            default
                .chain(OPT_IN_REGIONS.iter().map(|r| (*r, true)))
                .collect()
        } else {
            vec![(r.as_str(), false)]
        };
        for (r, opt_in) in expanded {
            match names.iter_mut().find(|(n, _)| n == r) {
                Some((_, o)) => *o &= opt_in,
                None => names.push((r.to_string(), opt_in)),
            }
        }
    }
    let regions: Vec<(Option<String>, bool)> = match names.is_empty() {
        true => vec![(None, false)],
        false => names.into_iter().map(|(r, o)| (Some(r), o)).collect(),
    };
    profiles
        .iter()
        .flat_map(|p| {
            regions.iter().map(move |(r, opt_in)| Target {
                profile: p.clone(),
                region: r.clone(),
                opt_in: *opt_in,
            })
        })
        .collect()
}

/// A `--functions` pattern split into where (`REGION` or `PROFILE/REGION`, a glob) and which
/// functions; a pattern without `/` (or with `{…}` alternatives) names functions anywhere.
pub fn scoped(pattern: &str) -> (Option<&str>, &str) {
    match pattern.rsplit_once('/') {
        Some((scope, name)) if !pattern.contains('{') => (Some(scope), name),
        _ => (None, pattern),
    }
}

/// Whether a scope glob names `origin` (its Region, or its profile and Region).
fn in_scope(scope: &str, origin: &Origin) -> bool {
    let Ok(glob) = Glob::new(scope) else {
        return false;
    };
    let glob = glob.compile_matcher();
    let region = origin.region.as_deref().unwrap_or_default();
    glob.is_match(region) || glob.is_match(origin.label())
}

/// Whether the account has enabled the Region `source` reads: `false` only when its
/// credentials are refused there as unknown (any other answer leaves it to the pollers).
async fn enabled(source: &CloudWatchSource) -> bool {
    use aws_sdk_lambda::error::ProvideErrorMetadata;
    let ask = source.clients.lambda.get_account_settings().send();
    // A Region that does not answer soon is kept: its pollers say what is wrong.
    match tokio::time::timeout(source.opts.timeouts.connect * 2, ask).await {
        Ok(Err(e)) => !e.code().is_some_and(|c| NOT_ENABLED.contains(&c)),
        Ok(Ok(_)) | Err(_) => true,
    }
}

/// Connects to every target at once. A target whose credentials or Region do not resolve is
/// read as failing, the others read on; when none connects, the first error. Targets a
/// `--functions REGION/GLOB` scope leaves out are not read. With several profiles, each
/// profile's account id is asked of STS once, by its first target to connect.
pub async fn connect_all(
    base: AwsOptions,
    targets: Vec<Target>,
) -> Result<MultiSource, SourceError> {
    let several_profiles = several_profiles(&targets);
    let (scope, names) = match base.functions.as_deref() {
        Some(p) => {
            let (scope, names) = scoped(p);
            (scope.map(str::to_string), Some(names.to_string()))
        }
        None => (None, None),
    };
    // One account id a profile, asked once however many Regions it reads.
    let mut ids: HashMap<Option<String>, Arc<OnceCell<Option<String>>>> = HashMap::new();
    let mut set = JoinSet::new();
    for (i, t) in targets.into_iter().enumerate() {
        let mut opts = base.clone();
        opts.profile = t.profile.clone();
        opts.region = t.region.clone();
        opts.functions = names.clone();
        let id = several_profiles.then(|| ids.entry(t.profile.clone()).or_default().clone());
        set.spawn(async move {
            let connected = match CloudWatchSource::connect(opts).await {
                Ok(source) if t.opt_in && !enabled(&source).await => None,
                Ok(mut source) => {
                    if let Some(id) = id {
                        let known = id.get_or_init(|| source.caller_account()).await;
                        source.set_account_id(known.clone());
                    }
                    Some(Ok(source))
                }
                other => Some(other),
            };
            (i, t, connected)
        });
    }
    let mut done = Vec::new();
    while let Some(joined) = set.join_next().await {
        if let Ok(one) = joined {
            done.push(one);
        }
    }
    done.sort_by_key(|(i, _, _)| *i);
    let mut first_error = None;
    let mut children = Vec::new();
    // Opt-in Regions the account has not enabled are left out.
    for (_, t, connected) in done.into_iter().filter_map(|(i, t, c)| Some((i, t, c?))) {
        let (region, child) = match connected {
            Ok(source) => (Some(source.region.clone()), Child::Ready(Box::new(source))),
            Err(e) => (t.region.clone(), Child::Failed(e)),
        };
        let origin = t.origin(region.as_deref(), several_profiles);
        if scope.as_deref().is_some_and(|s| !in_scope(s, &origin)) {
            continue;
        }
        // The error said when nothing can be read is one of a Region asked for.
        if let Child::Failed(e) = &child {
            first_error.get_or_insert(e.clone());
        }
        children.push((origin, child));
    }
    if children.iter().all(|(_, c)| matches!(c, Child::Failed(_))) {
        return Err(first_error.unwrap_or_else(|| {
            SourceError::new(
                "No Region matches the --functions pattern.",
                Some("Name a Region read, e.g. --functions 'eu-west-1/orders-*'."),
            )
        }));
    }
    Ok(MultiSource::new(children))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: Option<&str>, r: Option<&str>) -> Target {
        Target {
            profile: p.map(str::to_string),
            region: r.map(str::to_string),
            opt_in: false,
        }
    }

    #[test]
    fn targets_pair_every_profile_with_every_region() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            targets(&s(&["dev", "prod"]), &s(&["us-east-1", "eu-west-1"])),
            [
                t(Some("dev"), Some("us-east-1")),
                t(Some("dev"), Some("eu-west-1")),
                t(Some("prod"), Some("us-east-1")),
                t(Some("prod"), Some("eu-west-1")),
            ]
        );
        // Each profile its own Region when none is named.
        assert_eq!(
            targets(&s(&["dev", "prod"]), &[]),
            [t(Some("dev"), None), t(Some("prod"), None)]
        );
        // `all`: every default Region, then the opt-in ones, each asked first — unless named.
        let all = targets(&[], &s(&["all", "eu-west-1", "af-south-1"]));
        assert_eq!(all.len(), DEFAULT_REGIONS.len() + OPT_IN_REGIONS.len());
        assert_eq!(
            all.iter().filter(|t| t.opt_in).count(),
            OPT_IN_REGIONS.len() - 1
        );
        assert!(all.contains(&t(None, Some("af-south-1"))));
        assert!(all.contains(&Target {
            opt_in: true,
            ..t(None, Some("me-south-1"))
        }));
    }

    #[test]
    fn a_pattern_may_name_the_region() {
        assert_eq!(
            scoped("eu-west-1/orders-*"),
            (Some("eu-west-1"), "orders-*")
        );
        assert_eq!(
            scoped("prod/eu-*/orders-*"),
            (Some("prod/eu-*"), "orders-*")
        );
        assert_eq!(scoped("orders-*"), (None, "orders-*"));
        assert_eq!(scoped("{eu-west-1/a*,b*}"), (None, "{eu-west-1/a*,b*}"));
        let origin = Origin::of(Some("prod"), Some("eu-west-1"));
        assert!(in_scope("eu-*", &origin));
        assert!(in_scope("prod/eu-west-1", &origin));
        assert!(!in_scope("us-*", &origin));
        assert!(!in_scope("dev/*", &origin));
    }
}

//! Several profiles and Regions at once: one [`CloudWatchSource`] per (profile, Region),
//! connected in parallel and fanned into one [`MultiSource`].

use globset::Glob;
use tokio::task::JoinSet;

use super::{AwsOptions, CloudWatchSource};
use crate::message::SourceError;
use crate::model::Origin;
use crate::source::multi::{Child, MultiSource};

/// `--region all`.
pub const ALL_REGIONS: &str = "all";

/// `--region all`: the Regions of the `aws` partition that every account has enabled. Opt-in
/// Regions (af-south-1, ap-east-1, eu-south-1, me-south-1, …) are read when named.
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

/// One (profile, Region) to read; `None` leaves it to the SDK (the default profile, the
/// profile's Region).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// Every (profile, Region) pair of the lists, `all` standing for [`DEFAULT_REGIONS`].
pub fn targets(profiles: &[String], regions: &[String]) -> Vec<Target> {
    let profiles: Vec<Option<String>> = match profiles {
        [] => vec![None],
        p => p.iter().cloned().map(Some).collect(),
    };
    let mut names: Vec<String> = Vec::new();
    for r in regions {
        let expanded: Vec<String> = if r == ALL_REGIONS {
            DEFAULT_REGIONS.iter().map(|r| r.to_string()).collect()
        } else {
            vec![r.clone()]
        };
        for r in expanded {
            if !names.contains(&r) {
                names.push(r);
            }
        }
    }
    let regions: Vec<Option<String>> = match names.is_empty() {
        true => vec![None],
        false => names.into_iter().map(Some).collect(),
    };
    profiles
        .iter()
        .flat_map(|p| {
            regions.iter().map(move |r| Target {
                profile: p.clone(),
                region: r.clone(),
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

/// Connects to every target at once. A target whose credentials or Region do not resolve is
/// read as failing, the others read on; when none connects, the first error. Targets a
/// `--functions REGION/GLOB` scope leaves out are not read.
pub async fn connect_all(
    base: AwsOptions,
    targets: Vec<Target>,
) -> Result<MultiSource, SourceError> {
    let several_profiles = {
        let mut p: Vec<&Option<String>> = targets.iter().map(|t| &t.profile).collect();
        p.dedup();
        p.len() > 1
    };
    let (scope, names) = match base.functions.as_deref() {
        Some(p) => {
            let (scope, names) = scoped(p);
            (scope.map(str::to_string), Some(names.to_string()))
        }
        None => (None, None),
    };
    let mut set = JoinSet::new();
    for (i, t) in targets.into_iter().enumerate() {
        let mut opts = base.clone();
        opts.profile = t.profile.clone();
        opts.region = t.region.clone();
        opts.functions = names.clone();
        set.spawn(async move { (i, t, CloudWatchSource::connect(opts).await) });
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
    for (_, t, connected) in done {
        let account = t.profile.as_deref().filter(|_| several_profiles);
        let (region, child) = match connected {
            Ok(source) => (Some(source.region.clone()), Child::Ready(Box::new(source))),
            Err(e) => {
                first_error.get_or_insert(e.clone());
                (t.region.clone(), Child::Failed(e))
            }
        };
        let origin = Origin::of(account, Some(region.as_deref().unwrap_or("default Region")));
        if scope.as_deref().is_some_and(|s| !in_scope(s, &origin)) {
            continue;
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
        let all = targets(&[], &s(&["all", "eu-west-1", "af-south-1"]));
        assert_eq!(all.len(), DEFAULT_REGIONS.len() + 1);
        assert_eq!(all.last(), Some(&t(None, Some("af-south-1"))));
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

//! Choosing and ordering the functions a view shows: `--functions`, `/` filter, sort and limit.

use std::cmp::Ordering;

use std::sync::OnceLock;

use super::{FIGURES, Figure};
use crate::model::FunctionId;
use crate::store::{FunctionState, Store};

/// What functions can be sorted by: the name, the Region (and account, then name: a Region's
/// functions together), or any figure with a `--sort` name in the registry. Figures sort
/// largest first (missing last), names and Regions A to Z; ties by name, then Region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SortKey {
    Name,
    Region,
    By(Figure),
}

impl Default for SortKey {
    fn default() -> Self {
        SortKey::By(Figure::Invocations)
    }
}

impl SortKey {
    /// Every sort key, in the order `s` steps through them: the name, the Region, then the
    /// registry's order.
    pub fn all() -> &'static [SortKey] {
        static ALL: OnceLock<Vec<SortKey>> = OnceLock::new();
        ALL.get_or_init(|| {
            [SortKey::Name, SortKey::Region]
                .into_iter()
                .chain(
                    FIGURES
                        .iter()
                        .filter(|d| d.sort.is_some())
                        .map(|d| SortKey::By(d.figure)),
                )
                .collect()
        })
    }

    /// The `--sort` name.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Region => "region",
            SortKey::By(f) => f.def().sort.map_or("", |s| s.0),
        }
    }

    /// What the status line calls it.
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Region => "Region",
            SortKey::By(f) => f.def().sort.map_or("", |s| s.1),
        }
    }

    /// The next key in [`SortKey::all`], wrapping; the Region only when `several` are shown.
    pub fn next(self, several: bool) -> Self {
        let all = Self::all();
        let i = all.iter().position(|k| *k == self).unwrap_or(0);
        let next = all[(i + 1) % all.len()];
        if next == SortKey::Region && !several {
            next.next(several)
        } else {
            next
        }
    }

    /// The figure `f` is sorted by; `None` for the name and Region, or when `f` does not have it.
    fn figure_of(self, f: &FunctionState) -> Option<f64> {
        match self {
            SortKey::Name | SortKey::Region => None,
            SortKey::By(fig) => fig.value(f),
        }
    }
}

/// Orders two functions by their figures (largest first, missing last), then by id (name,
/// then Region).
fn order(x: Option<f64>, a: &FunctionState, y: Option<f64>, b: &FunctionState) -> Ordering {
    let by_figure = match (x, y) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    };
    by_figure.then_with(|| a.id.cmp(&b.id))
}

/// Orders two functions by Region, then account (the credentials' own first), then name.
fn by_region(a: &FunctionId, b: &FunctionId) -> Ordering {
    (&a.region, &a.account, &a.name).cmp(&(&b.region, &b.account, &b.name))
}

impl std::str::FromStr for SortKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SortKey::all()
            .iter()
            .find(|k| k.name() == s)
            .copied()
            .ok_or_else(|| {
                let names: Vec<&str> = SortKey::all().iter().map(|k| k.name()).collect();
                format!("unknown sort key {s:?}; one of: {}", names.join(", "))
            })
    }
}

impl clap::ValueEnum for SortKey {
    fn value_variants<'a>() -> &'a [Self] {
        SortKey::all()
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.name()))
    }
}

impl<'de> serde::Deserialize<'de> for SortKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Which functions to show and in which order.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// `--functions GLOB`.
    pub glob: Option<globset::GlobMatcher>,
    /// Case-insensitive substring typed after `/`.
    pub filter: String,
    pub sort: SortKey,
    /// Reverse the order.
    pub reverse: bool,
    pub limit: Option<usize>,
}

impl Selection {
    pub fn matches(&self, name: &str) -> bool {
        NameFilter::new(&self.filter).matches(self, name)
    }

    /// Whether the function passes: by its name, or as `region/name` or `account/region/name`
    /// (`eu-west-1/orders-*` picks the Region's).
    pub fn matches_id(&self, id: &FunctionId) -> bool {
        NameFilter::new(&self.filter).matches_id(self, id)
    }
}

/// The `/` filter, made once per selection: a case-insensitive substring, or, when it holds `*`,
/// `?` or `[`, a case-insensitive glob over part of the name (`ord*api` finds
/// `orders-prod-api`), as `--functions` reads it. A glob that does not parse is plain text.
enum NameFilter {
    All,
    Text(String),
    Glob(globset::GlobMatcher),
}

impl NameFilter {
    fn new(filter: &str) -> Self {
        if filter.is_empty() {
            return NameFilter::All;
        }
        let filter = filter.to_lowercase();
        if filter.contains(['*', '?', '['])
            && let Ok(glob) = globset::Glob::new(&format!("*{filter}*"))
        {
            return NameFilter::Glob(glob.compile_matcher());
        }
        NameFilter::Text(filter)
    }

    /// Whether `id` passes `--functions` and this filter, each by the name or a qualified name.
    fn matches_id(&self, sel: &Selection, id: &FunctionId) -> bool {
        if id.region.is_none() && id.account.is_none() {
            return self.matches(sel, &id.name);
        }
        let qualified = id.qualified();
        let names =
            || std::iter::once(&*id.name).chain(qualified.iter().flatten().map(String::as_str));
        let glob = sel
            .glob
            .as_ref()
            .is_none_or(|g| names().any(|n| g.is_match(n)));
        glob && names().any(|n| self.matches(&Selection::default(), n))
    }

    /// Whether `name` passes `--functions` and this filter.
    fn matches(&self, sel: &Selection, name: &str) -> bool {
        sel.glob.as_ref().is_none_or(|g| g.is_match(name))
            && match self {
                NameFilter::All => true,
                NameFilter::Text(t) => name.to_lowercase().contains(t.as_str()),
                NameFilter::Glob(g) => g.is_match(name.to_lowercase()),
            }
    }
}

/// Builds a `--functions` matcher; `*` and `?` as in a shell, `{a,b}` alternatives.
pub fn function_glob(pattern: &str) -> Result<globset::GlobMatcher, globset::Error> {
    Ok(globset::Glob::new(pattern)?.compile_matcher())
}

impl Store {
    /// The functions `sel` picks, in its order.
    pub fn select(&self, sel: &Selection) -> Vec<&FunctionState> {
        let filter = NameFilter::new(&sel.filter);
        // Each function's figure is read once, not once per comparison.
        let mut keyed: Vec<(Option<f64>, &FunctionState)> = self
            .functions()
            .filter(|f| filter.matches_id(sel, &f.id))
            .map(|f| (sel.sort.figure_of(f), f))
            .collect();
        if sel.sort == SortKey::Region {
            keyed.sort_by(|(_, a), (_, b)| by_region(&a.id, &b.id));
        } else {
            keyed.sort_by(|(x, a), (y, b)| order(*x, a, *y, b));
        }
        let mut v: Vec<&FunctionState> = keyed.into_iter().map(|(_, f)| f).collect();
        if sel.reverse {
            v.reverse();
        }
        if let Some(n) = sel.limit {
            v.truncate(n);
        }
        v
    }
}

/// What an order was computed for: when any of it changes, the order is stale.
#[derive(Debug, Clone, PartialEq)]
struct OrderKey {
    generation: u64,
    glob: Option<String>,
    filter: String,
    sort: SortKey,
    reverse: bool,
    limit: Option<usize>,
}

impl OrderKey {
    fn new(store: &Store, sel: &Selection) -> Self {
        Self {
            generation: store.generation(),
            glob: sel.glob.as_ref().map(|g| g.glob().glob().to_string()),
            filter: sel.filter.clone(),
            sort: sel.sort,
            reverse: sel.reverse,
            limit: sel.limit,
        }
    }

    fn matches(&self, store: &Store, sel: &Selection) -> bool {
        self.generation == store.generation()
            && self.sort == sel.sort
            && self.reverse == sel.reverse
            && self.limit == sel.limit
            && self.filter == sel.filter
            && self.glob.as_deref() == sel.glob.as_ref().map(|g| g.glob().glob())
    }
}

/// The functions a selection picks, in its order, remembered until the store or the selection
/// changes: drawing a frame or moving the cursor does not filter and sort again.
#[derive(Debug, Clone, Default)]
pub struct SelectionOrder {
    key: Option<OrderKey>,
    ids: Vec<FunctionId>,
}

impl SelectionOrder {
    /// The ordered functions, recomputed only when stale.
    pub fn ids(&mut self, store: &Store, sel: &Selection) -> &[FunctionId] {
        if !self.key.as_ref().is_some_and(|k| k.matches(store, sel)) {
            self.ids.clear();
            self.ids
                .extend(store.select(sel).into_iter().map(|f| f.id.clone()));
            self.key = Some(OrderKey::new(store, sel));
        }
        &self.ids
    }

    /// The ordered functions if they are up to date, without recomputing.
    pub fn cached(&self, store: &Store, sel: &Selection) -> Option<&[FunctionId]> {
        self.key
            .as_ref()
            .is_some_and(|k| k.matches(store, sel))
            .then_some(self.ids.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::Selection;

    fn filter_matches(filter: &str, name: &str) -> bool {
        Selection {
            filter: filter.to_string(),
            ..Selection::default()
        }
        .matches(name)
    }

    #[test]
    fn a_region_or_account_is_matched_as_part_of_the_name() {
        use crate::model::Origin;
        let id = Origin::of(Some("prod"), Some("eu-west-1")).function("orders-api");
        let sel = |filter: &str, glob: Option<&str>| Selection {
            filter: filter.to_string(),
            glob: glob.map(|g| super::function_glob(g).expect("glob")),
            ..Selection::default()
        };
        assert!(sel("", Some("eu-west-1/orders-*")).matches_id(&id));
        assert!(sel("", Some("orders-*")).matches_id(&id));
        assert!(sel("", Some("prod/*/orders-*")).matches_id(&id));
        assert!(!sel("", Some("us-east-1/orders-*")).matches_id(&id));
        assert!(sel("west-1/ord", None).matches_id(&id));
        assert!(sel("PROD/", None).matches_id(&id));
        assert!(!sel("us-east", None).matches_id(&id));
        assert!(!sel("orders", Some("us-*/*")).matches_id(&id));
    }

    #[test]
    fn the_slash_filter_reads_substrings_and_globs() {
        assert!(filter_matches("", "orders-prod-api"));
        assert!(filter_matches("PROD", "orders-prod-api"));
        assert!(filter_matches("ord*api", "orders-prod-api"));
        assert!(filter_matches("Ord*API", "orders-prod-api"));
        assert!(filter_matches("prod-?pi", "orders-prod-api"));
        assert!(!filter_matches("ord*xyz", "orders-prod-api"));
        // A glob that does not parse is text.
        assert!(filter_matches("[", "weird[name"));
        assert!(!filter_matches("[", "orders"));
    }
}

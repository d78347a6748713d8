//! Choosing and ordering the functions a view shows: `--functions`, `/` filter, sort and limit.

use std::cmp::Ordering;

use super::{FunctionState, Store};
use crate::model::FunctionId;

/// Columns functions can be sorted by. Figures sort largest first, names A to Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortKey {
    Name,
    #[default]
    Invocations,
    Errors,
    ErrorRate,
    Throttles,
    Duration,
    P99,
    Concurrency,
    /// Share of invocations that were cold starts (REPORT lines).
    ColdStart,
    /// Largest memory used over the memory configured (REPORT lines).
    Memory,
    /// Estimated cost of the invocations read from the logs (REPORT lines).
    Cost,
}

impl SortKey {
    pub const ALL: [SortKey; 11] = [
        SortKey::Name,
        SortKey::Invocations,
        SortKey::Errors,
        SortKey::ErrorRate,
        SortKey::Throttles,
        SortKey::Duration,
        SortKey::P99,
        SortKey::Concurrency,
        SortKey::ColdStart,
        SortKey::Memory,
        SortKey::Cost,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Invocations => "invocations",
            SortKey::Errors => "errors",
            SortKey::ErrorRate => "error rate",
            SortKey::Throttles => "throttles",
            SortKey::Duration => "avg duration",
            SortKey::P99 => "p99 duration",
            SortKey::Concurrency => "concurrency",
            SortKey::ColdStart => "cold starts",
            SortKey::Memory => "memory used",
            SortKey::Cost => "cost",
        }
    }

    /// The next key in [`SortKey::ALL`], wrapping.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|k| *k == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    fn figure(self, f: &FunctionState) -> Option<f64> {
        let s = &f.summary;
        match self {
            SortKey::Name => None,
            SortKey::Invocations => Some(s.invocations as f64),
            SortKey::Errors => Some(s.errors as f64),
            SortKey::ErrorRate => Some(s.error_rate),
            SortKey::Throttles => Some(s.throttles as f64),
            SortKey::Duration => s.duration_avg_ms,
            SortKey::P99 => s.duration_p99_ms,
            SortKey::Concurrency => s.concurrency_max,
            SortKey::ColdStart => f.cold_start_rate(),
            SortKey::Memory => f.memory_used_ratio(),
            SortKey::Cost => f.cost_usd(),
        }
    }

    /// Orders two functions: by the figure (largest first, missing last), then by name.
    pub fn compare(self, a: &FunctionState, b: &FunctionState) -> Ordering {
        let by_figure = match (self.figure(a), self.figure(b)) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_figure.then_with(|| a.id.cmp(&b.id))
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
        self.glob.as_ref().is_none_or(|g| g.is_match(name))
            && (self.filter.is_empty() || name.to_lowercase().contains(&self.filter.to_lowercase()))
    }
}

/// Builds a `--functions` matcher; `*` and `?` as in a shell, `{a,b}` alternatives.
pub fn function_glob(pattern: &str) -> Result<globset::GlobMatcher, globset::Error> {
    Ok(globset::Glob::new(pattern)?.compile_matcher())
}

impl Store {
    /// The functions `sel` picks, in its order.
    pub fn select(&self, sel: &Selection) -> Vec<&FunctionState> {
        let mut v: Vec<&FunctionState> =
            self.functions().filter(|f| sel.matches(f.name())).collect();
        v.sort_by(|a, b| sel.sort.compare(a, b));
        if sel.reverse {
            v.reverse();
        }
        if let Some(n) = sel.limit {
            v.truncate(n);
        }
        v
    }
}

/// Figures from the REPORT-line analytics, read from the summary the store caches.
impl FunctionState {
    /// Cold starts over invocations with a REPORT; `None` before any REPORT line.
    pub fn cold_start_rate(&self) -> Option<f64> {
        self.report().and_then(|r| r.cold_start_rate)
    }

    /// Largest `Max Memory Used` over the memory configured (from the REPORT, else the function's
    /// configuration); `None` when either is unknown.
    pub fn memory_used_ratio(&self) -> Option<f64> {
        let r = self.report()?;
        let used = r.max_memory_used_mb?;
        let size = r.memory_size_mb.or(self.config.memory_mb)?;
        (size > 0).then(|| f64::from(used) / f64::from(size))
    }

    /// Estimated cost of the invocations read from the logs; `None` before any REPORT line.
    pub fn cost_usd(&self) -> Option<f64> {
        self.report().map(|r| r.cost_usd)
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

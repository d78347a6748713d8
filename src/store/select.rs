//! Choosing and ordering the functions a view shows: `--functions`, `/` filter, sort and limit.

use std::cmp::Ordering;

use super::{FunctionState, Store};

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
}

impl SortKey {
    pub const ALL: [SortKey; 8] = [
        SortKey::Name,
        SortKey::Invocations,
        SortKey::Errors,
        SortKey::ErrorRate,
        SortKey::Throttles,
        SortKey::Duration,
        SortKey::P99,
        SortKey::Concurrency,
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
        by_figure.then_with(|| a.name().cmp(b.name()))
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

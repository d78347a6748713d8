//! Which metrics the dashboard asks for: what is on screen and no more.
//!
//! GetMetricData is billed per metric requested, so the dashboard names what it shows
//! ([`MetricsView`]) and the source reads that:
//!
//! - the header's totals from the Region's own Lambda metrics (no FunctionName dimension): three
//!   metrics, however many functions — unless `--functions` narrows the table, when they are the
//!   sums of the functions listed and every function's Invocations, Errors and Throttles are read;
//! - the sort column's metrics for every function: the order needs them (sorting by name needs
//!   none);
//! - the figures and sparklines of the columns drawn, for the rows on screen, and for the rows
//!   one screen above and below (the rows the user is about to scroll to);
//! - every metric of the detail view's function while it is open.
//!
//! Idle, nobody is looking: only the rows on screen, the header and the detail view's function.

use super::{Figure, SortKey};
use crate::message::{MetricRead, MetricsView};
use crate::model::{FunctionId, MetricKind};

/// What the dashboard shows, as the planner needs it.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    /// The functions of the table, in its order.
    pub order: &'a [FunctionId],
    /// Index in `order` of the first row on screen.
    pub offset: usize,
    /// Rows on screen.
    pub rows: usize,
    /// The figures of the columns drawn.
    pub columns: &'a [Figure],
    /// The series drawn as sparklines.
    pub sparklines: &'a [MetricKind],
    pub sort: SortKey,
    /// The detail view's function, while it is open (it takes the table's place).
    pub detail: Option<&'a FunctionId>,
    /// Nobody is looking.
    pub idle: bool,
    /// `--functions` narrows the functions: the header's totals are the sums of those listed.
    pub narrowed: bool,
}

impl Figure {
    /// The metric queries the figure is made from; none for figures from logs or alarms.
    pub fn reads(self) -> Vec<MetricRead> {
        use MetricRead::{Series, WindowP99};
        match self {
            Figure::Invocations => vec![Series(MetricKind::Invocations)],
            Figure::Errors => vec![Series(MetricKind::Errors)],
            Figure::Throttles => vec![Series(MetricKind::Throttles)],
            Figure::ErrorRate => vec![Series(MetricKind::Invocations), Series(MetricKind::Errors)],
            // The window's average is the per-minute averages weighted by the invocations.
            Figure::DurationAvg => vec![
                Series(MetricKind::DurationAvg),
                Series(MetricKind::Invocations),
            ],
            Figure::DurationP99 | Figure::TimeoutUsed => vec![WindowP99],
            Figure::DurationMax => vec![Series(MetricKind::DurationMax)],
            Figure::Concurrency => vec![Series(MetricKind::ConcurrentExecutions)],
            Figure::Detail(m) => vec![Series(m)],
            _ => Vec::new(),
        }
    }
}

impl SortKey {
    /// What every function must have read for the order.
    pub fn reads(self) -> Vec<MetricRead> {
        match self {
            SortKey::Name | SortKey::Region => Vec::new(),
            SortKey::By(f) => f.reads(),
        }
    }
}

/// The metrics `screen` shows.
pub fn plan(screen: &Screen) -> MetricsView {
    let sort = screen.sort.reads();
    let mut row: Vec<MetricRead> = screen
        .columns
        .iter()
        .flat_map(|f| f.reads())
        .chain(screen.sparklines.iter().map(|m| MetricRead::Series(*m)))
        .chain(sort.iter().copied())
        .collect();
    row.sort_unstable();
    row.dedup();

    let mut every_function = Vec::new();
    if !screen.idle {
        every_function.extend(sort);
        if screen.narrowed {
            every_function.extend(
                [
                    MetricKind::Invocations,
                    MetricKind::Errors,
                    MetricKind::Throttles,
                ]
                .map(MetricRead::Series),
            );
        }
        every_function.sort_unstable();
        every_function.dedup();
    }

    let n = screen.order.len();
    let start = screen.offset.min(n);
    let end = start.saturating_add(screen.rows).min(n);
    let names = |from: usize, to: usize| -> Vec<FunctionId> { screen.order[from..to].to_vec() };
    let on_screen = names(start, end);
    let mut ahead = Vec::new();
    if !screen.idle {
        ahead = names(start.saturating_sub(screen.rows), start);
        ahead.extend(names(end, end.saturating_add(screen.rows).min(n)));
    }
    // The detail view takes the table's place: the rows it hid are the ones the user goes
    // back to.
    let (shown, ahead) = match screen.detail {
        Some(_) if screen.idle => (Vec::new(), Vec::new()),
        Some(_) => (Vec::new(), on_screen),
        None => (on_screen, ahead),
    };
    MetricsView {
        account_totals: !screen.narrowed,
        every_function,
        shown,
        full: screen.detail.cloned().into_iter().collect(),
        ahead,
        row,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MetricRead::{Series, WindowP99};

    static IDS: std::sync::LazyLock<Vec<FunctionId>> = std::sync::LazyLock::new(|| {
        ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
            .map(|n| crate::model::Origin::default().function(n))
            .to_vec()
    });

    fn screen<'a>(columns: &'a [Figure], sparklines: &'a [MetricKind]) -> Screen<'a> {
        Screen {
            order: &IDS,
            offset: 0,
            rows: 3,
            columns,
            sparklines,
            sort: SortKey::By(Figure::Invocations),
            detail: None,
            idle: false,
            narrowed: false,
        }
    }

    fn names(v: &[FunctionId]) -> Vec<&str> {
        v.iter().map(|f| &*f.name).collect()
    }

    const COLUMNS: [Figure; 5] = [
        Figure::Invocations,
        Figure::ErrorRate,
        Figure::DurationP99,
        Figure::Alarm,
        Figure::Cost,
    ];

    #[test]
    fn rows_on_screen_read_their_columns_and_the_rest_the_sort_metric() {
        let v = plan(&screen(&COLUMNS, &[MetricKind::DurationP99]));
        assert!(v.account_totals);
        assert_eq!(v.every_function, [Series(MetricKind::Invocations)]);
        assert_eq!(names(&v.shown), ["a", "b", "c"]);
        // One screen below; nothing above the top.
        assert_eq!(names(&v.ahead), ["d", "e", "f"]);
        assert!(v.full.is_empty());
        // Invocations and error rate, p99 and its sparkline; alarms and cost need no metric.
        assert_eq!(
            v.row,
            [
                Series(MetricKind::Invocations),
                Series(MetricKind::Errors),
                Series(MetricKind::DurationP99),
                WindowP99,
            ]
        );
    }

    #[test]
    fn scrolling_moves_the_rows_read_and_the_rows_ahead() {
        let mut s = screen(&COLUMNS, &[]);
        s.offset = 4;
        let v = plan(&s);
        assert_eq!(names(&v.shown), ["e", "f", "g"]);
        assert_eq!(names(&v.ahead), ["b", "c", "d", "h", "i", "j"]);
        // At the end: what there is.
        s.offset = 8;
        let v = plan(&s);
        assert_eq!(names(&v.shown), ["i", "j"]);
        assert_eq!(names(&v.ahead), ["f", "g", "h"]);
        s.offset = 50;
        assert!(plan(&s).shown.is_empty());
    }

    #[test]
    fn the_sort_decides_what_every_function_reads() {
        let mut s = screen(&COLUMNS, &[]);
        s.sort = SortKey::Name;
        assert!(plan(&s).every_function.is_empty());
        s.sort = SortKey::By(Figure::ErrorRate);
        assert_eq!(
            plan(&s).every_function,
            [Series(MetricKind::Invocations), Series(MetricKind::Errors)]
        );
        s.sort = SortKey::By(Figure::DurationP99);
        assert_eq!(plan(&s).every_function, [WindowP99]);
        // A sort by a column not drawn: the rows on screen read it too.
        s.sort = SortKey::By(Figure::Concurrency);
        let v = plan(&s);
        assert_eq!(v.every_function, [Series(MetricKind::ConcurrentExecutions)]);
        assert!(v.row.contains(&Series(MetricKind::ConcurrentExecutions)));
        // Figures from logs need no metric at all.
        s.sort = SortKey::By(Figure::Cost);
        assert!(plan(&s).every_function.is_empty());
    }

    #[test]
    fn the_detail_view_reads_its_function_whole() {
        let mut s = screen(&COLUMNS, &[]);
        s.offset = 3;
        s.detail = Some(&IDS[4]);
        let v = plan(&s);
        assert_eq!(names(&v.full), ["e"]);
        // The table is hidden: its rows are the ones to go back to.
        assert!(v.shown.is_empty());
        assert_eq!(names(&v.ahead), ["d", "e", "f"]);
        assert_eq!(v.every_function, [Series(MetricKind::Invocations)]);
    }

    #[test]
    fn idle_reads_only_what_is_on_screen() {
        let mut s = screen(&COLUMNS, &[]);
        s.idle = true;
        let v = plan(&s);
        assert_eq!(names(&v.shown), ["a", "b", "c"]);
        assert!(v.ahead.is_empty());
        assert!(v.every_function.is_empty());
        assert!(v.account_totals);
        s.detail = Some(&IDS[1]);
        let v = plan(&s);
        assert_eq!(names(&v.full), ["b"]);
        assert!(v.shown.is_empty() && v.ahead.is_empty());
    }

    #[test]
    fn narrowed_functions_total_their_own_counts() {
        let mut s = screen(&COLUMNS, &[]);
        s.narrowed = true;
        let v = plan(&s);
        assert!(!v.account_totals);
        assert_eq!(
            v.every_function,
            [
                Series(MetricKind::Invocations),
                Series(MetricKind::Errors),
                Series(MetricKind::Throttles)
            ]
        );
    }
}

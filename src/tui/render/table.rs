//! The function table: one row per function, a sparkline per metric, a health colour per row.
//!
//! Only the rows on screen are built: with a thousand functions a frame formats and draws the
//! forty or so visible ones, and the order comes from the view's cached [`SelectionOrder`]
//! rather than a sort per frame.
//!
//! [`SelectionOrder`]: crate::figures::SelectionOrder

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Row, Table, TableState};

use crate::figures::{self, Figure, Health, SortKey, Unit};
use crate::format;
use crate::message::MetricRead;
use crate::model::{AlarmState, MetricKind, Origin};
use crate::store::{FunctionState, ReadState, Store};
use crate::tui::sanitize::sanitize;
use crate::tui::sparkline::{Combine, sparkline};
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

/// Rows above the first function: the top border with the title, and the column headers.
pub const ROWS_ABOVE: u16 = 2;

/// A column of the table: the name, or a figure of the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Fig(Figure),
}

impl Column {
    fn title(self, narrow: bool) -> &'static str {
        match self {
            Column::Name => "Function",
            Column::Fig(Figure::Throttles) if narrow => "Thr",
            Column::Fig(Figure::Errors) if narrow => "Errs",
            Column::Fig(Figure::ErrorRate) if narrow => "Err%",
            Column::Fig(f) => f.def().title.unwrap_or(""),
        }
    }

    fn sort(self) -> Option<SortKey> {
        match self {
            Column::Name => Some(SortKey::Name),
            Column::Fig(f) => f.def().sort.map(|_| SortKey::By(f)),
        }
    }

    /// The series drawn as a sparkline beside the figure, if any: counts add up, the rest
    /// keep their largest value.
    fn sparkline(self) -> Option<(MetricKind, Combine)> {
        let Column::Fig(f) = self else { return None };
        let combine = match f.unit() {
            Unit::Count => Combine::Sum,
            _ => Combine::Max,
        };
        f.def().series.map(|m| (m, combine))
    }

    /// Width of the figure (for the name: the narrowest it may get).
    fn figure_width(self) -> u16 {
        match self {
            Column::Name => 16,
            Column::Fig(f) => match f.unit() {
                Unit::Count | Unit::Megabytes | Unit::Ratio => 6,
                Unit::Millis | Unit::Usd => 8,
                Unit::AlarmState => 5,
            },
        }
    }
}

/// Layout of the table for one width.
#[derive(Debug)]
struct Layout {
    columns: Vec<Column>,
    /// Sparkline cells per sparked column.
    spark: usize,
    /// Columns that carry a sparkline.
    sparked: Vec<Column>,
    /// Short column titles.
    narrow: bool,
}

/// Sparklines grow with the terminal up to this many cells.
const MAX_SPARK: usize = 16;

impl Layout {
    /// Picks the columns for `width`; `longest_name` is the widest name on screen, which gets
    /// room (up to 32 cells) before sparklines grow.
    fn for_width(width: u16, longest_name: usize) -> Self {
        use Figure::*;
        let fig = |figures: &[Figure]| -> Vec<Column> {
            std::iter::once(Column::Name)
                .chain(figures.iter().map(|f| Column::Fig(*f)))
                .collect()
        };
        let sparks = |figures: &[Figure]| -> Vec<Column> {
            figures.iter().map(|f| Column::Fig(*f)).collect()
        };
        let (columns, sparked, fixed_spark) = if width >= 150 {
            (
                fig(&[
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    DurationAvg,
                    DurationP99,
                    Concurrency,
                    ColdStartRate,
                    MemoryUsed,
                    Cost,
                    Alarm,
                ]),
                sparks(&[Invocations, Errors, Throttles, DurationP99]),
                None,
            )
        } else if width >= 100 {
            (
                fig(&[
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    DurationP99,
                    ColdStartRate,
                    MemoryUsed,
                    Cost,
                    Alarm,
                ]),
                sparks(&[Invocations, DurationP99]),
                None,
            )
        } else {
            // 80 columns: one sparkline, the figures that matter, names still readable.
            (
                fig(&[
                    Invocations,
                    Errors,
                    ErrorRate,
                    Throttles,
                    DurationP99,
                    Concurrency,
                    Alarm,
                ]),
                sparks(&[Invocations]),
                Some(6),
            )
        };
        let mut layout = Self {
            columns,
            spark: 0,
            sparked,
            narrow: width < 150,
        };
        layout.spark = match fixed_spark {
            Some(n) => n,
            None => {
                let fixed = layout.figures_cells();
                let name = longest_name.clamp(usize::from(Column::Name.figure_width()), 32);
                let free = usize::from(width).saturating_sub(fixed + name);
                // Room for the sparkline and its gap; the title ("Invocations ▼") needs 6.
                (free / layout.sparked.len())
                    .saturating_sub(1)
                    .clamp(6, MAX_SPARK)
            }
        };
        layout
    }

    /// Cells the figures take without their sparklines, with the gap before each.
    fn figures_cells(&self) -> usize {
        self.columns
            .iter()
            .filter(|c| **c != Column::Name)
            .map(|c| usize::from(self.cells(*c)) + 1)
            .sum()
    }

    /// Cells left for the name column in `width`.
    fn name_room(&self, width: u16) -> usize {
        let sparks = self.sparked.len() * (self.spark + 1);
        usize::from(width).saturating_sub(self.figures_cells() + sparks)
    }

    /// Leaves out the figures of least use at a glance until the name column has `needed`
    /// cells, or none is left to leave out.
    fn make_room(&mut self, width: u16, needed: usize) {
        use Figure::*;
        for f in [
            MemoryUsed,
            Cost,
            ColdStartRate,
            Concurrency,
            ErrorRate,
            Throttles,
        ] {
            if self.name_room(width) >= needed {
                return;
            }
            self.leave_out(&[f]);
        }
    }

    /// Leaves out the columns of `figures`; the name takes their room.
    fn leave_out(&mut self, figures: &[Figure]) {
        let kept = |c: &Column| !matches!(c, Column::Fig(f) if figures.contains(f));
        self.columns.retain(kept);
        self.sparked.retain(kept);
    }

    /// Cells a column needs without its sparkline: the figure, or the title if wider. Every
    /// sortable title has room for the sort arrow, so that sorting never shifts the table.
    fn cells(&self, c: Column) -> u16 {
        let arrow = if c.sort().is_some() { 2 } else { 0 };
        let title = c.title(self.narrow).len() as u16 + arrow;
        if self.sparked.contains(&c) {
            c.figure_width()
        } else {
            c.figure_width().max(title)
        }
    }

    fn width(&self, c: Column) -> Constraint {
        if c == Column::Name {
            // The name takes what the figures leave.
            return Constraint::Fill(1);
        }
        let spark = if self.sparked.contains(&c) {
            self.spark as u16 + 1
        } else {
            0
        };
        Constraint::Length(self.cells(c) + spark)
    }
}

/// Characters of a name kept in view when a Region column takes room from the names.
const MIN_NAME: usize = 16;

pub fn render(frame: &mut Frame, area: Rect, view: &mut ViewState, store: &Store, theme: &Theme) {
    let visible = usize::from(area.height.saturating_sub(ROWS_ABOVE));
    let total = view.rows(store);
    view.selected = view.selected.min(total.saturating_sub(1));
    let mut offset = view.table_offset.min(total.saturating_sub(visible));
    if view.selected < offset {
        offset = view.selected;
    } else if visible > 0 && view.selected >= offset + visible {
        offset = view.selected + 1 - visible;
    }
    view.table_offset = offset;
    view.page = visible.saturating_sub(1).max(1);
    let functions: Vec<&FunctionState> = view
        .order
        .ids(store, &view.selection)
        .iter()
        .skip(offset)
        .take(visible)
        .filter_map(|n| store.function(n))
        .collect();
    view.table_area = area;

    // Of every function, not only those on screen: scrolling never shifts the table. With
    // several Regions, each name comes after its Region (and account), in a column of their own
    // width: a long name is cut, never the Region.
    let several = store.several();
    let place_title = if several { place_title(store) } else { "" };
    let place_width = store
        .functions()
        .filter(|_| several)
        .map(|f| Origin::label_width(f.id.account.as_deref(), f.id.region.as_deref()))
        .max()
        // Room for the title and its sort arrow.
        .map_or(0, |w| w.max(place_title.chars().count() + 2) + 2);
    let longest = store
        .functions()
        .map(|f| f.name().chars().count())
        .max()
        .unwrap_or(0)
        + place_width;
    let sort = view.selection.sort;
    let mut layout = Layout::for_width(area.width, longest);
    if store.from_logs_only() {
        // Log lines say nothing of throttles, concurrency or alarms: no column reads an
        // invented 0 or a `-` for what cannot be known.
        layout.leave_out(&[Figure::Throttles, Figure::Concurrency, Figure::Alarm]);
    }
    if place_width > 0 {
        // The Region column takes from the name's room: a name stays readable (its first 16
        // characters, or all of it) by leaving out figures of least use at a glance.
        let names = longest - place_width;
        layout.make_room(area.width, place_width + names.min(MIN_NAME));
    }
    // `<` and `>` move the sort between the columns shown (the Region's first, when shown).
    view.sort_columns = (place_width > 0)
        .then_some(SortKey::Region)
        .into_iter()
        .chain(layout.columns.iter().filter_map(|c| c.sort()))
        .collect();
    // What the rows on screen show, for the metrics to read.
    view.table_figures = layout
        .columns
        .iter()
        .filter_map(|c| match c {
            Column::Fig(f) => Some(*f),
            Column::Name => None,
        })
        .collect();
    view.table_sparklines = layout
        .sparked
        .iter()
        .filter_map(|c| c.sparkline().map(|(m, _)| m))
        .collect();
    view.table_rows = visible;
    let title = |key: Option<SortKey>, title: &str| {
        let arrow = match key {
            Some(k) if k == sort && view.selection.reverse => " ▲",
            Some(k) if k == sort => " ▼",
            _ => "",
        };
        let style = if key == Some(sort) {
            theme.accent
        } else {
            theme.muted
        };
        Span::styled(format!("{title}{arrow}"), style)
    };
    let headers: Vec<Cell> = layout
        .columns
        .iter()
        .map(|c| {
            let head = title(c.sort(), c.title(layout.narrow));
            if *c == Column::Name && place_width > 0 {
                // The Region's title over the Region, the name's over the names.
                let region = title(Some(SortKey::Region), place_title);
                let pad = place_width.saturating_sub(region.width());
                return Cell::from(Line::from(vec![region, Span::raw(" ".repeat(pad)), head]));
            }
            Cell::from(head)
        })
        .collect();
    // Every width is exact, the name taking what the figures leave, so the solver has no
    // spare cells to spread between columns.
    let figures: u16 = layout
        .columns
        .iter()
        .map(|c| match layout.width(*c) {
            Constraint::Length(n) => n + 1,
            _ => 0,
        })
        .sum();
    // The name column is as wide as the longest name (and its title), no wider: what the
    // figures leave beyond that stays at the right, so figures sit beside their names.
    let name_width = area
        .width
        .saturating_sub(figures)
        .min(
            u16::try_from(longest)
                .unwrap_or(u16::MAX)
                .max(Column::Name.figure_width()),
        )
        .max(8);
    let widths: Vec<Constraint> = layout
        .columns
        .iter()
        .map(|c| match layout.width(*c) {
            Constraint::Fill(_) => Constraint::Length(name_width),
            w => w,
        })
        .collect();
    let from = store.window_start();
    let slots = store.window().slots();
    let mut scratch = Vec::with_capacity(slots);
    // What each column's figure is read from, once a frame rather than once a cell.
    let reads: Vec<Vec<MetricRead>> = layout
        .columns
        .iter()
        .map(|c| match c {
            Column::Fig(f) => f.reads(),
            Column::Name => Vec::new(),
        })
        .collect();
    let rows: Vec<Row> = functions
        .iter()
        .map(|f| {
            let place = (place_width, store);
            row(
                f,
                (&layout, &reads),
                from,
                slots,
                &mut scratch,
                place,
                theme,
            )
        })
        .collect();
    let focused = view.pane == Pane::Functions;
    let border = if focused { theme.accent } else { theme.muted };
    let filter = if view.editing_filter || !view.selection.filter.is_empty() {
        let cursor = if view.editing_filter { "▏" } else { "" };
        let none = if total == 0 && !view.selection.filter.is_empty() {
            " · no function matches (Esc clears)"
        } else {
            ""
        };
        format!(" /{}{cursor}{none} ", sanitize(&view.selection.filter))
    } else {
        String::new()
    };
    let title = Line::from(vec![
        Span::styled(" Functions ", border),
        Span::styled(format!("({total}) "), theme.muted),
        Span::styled(filter, theme.highlight),
    ]);
    // What the figures cover, on the right, as much as there is room for.
    let covers = super::fit(
        Line::from(super::covers(store, " ", theme.muted)),
        area.width.saturating_sub(title.width() as u16 + 2),
    )
    .right_aligned();
    let table = Table::new(rows, widths)
        .header(Row::new(headers))
        .block(
            Block::new()
                .borders(Borders::TOP)
                .border_style(border)
                .title(title)
                .title(covers),
        )
        .row_highlight_style(if focused {
            theme.selection
        } else {
            Style::new()
        })
        .column_spacing(1);
    let mut state = TableState::new()
        .with_selected((!functions.is_empty()).then_some(view.selected.saturating_sub(offset)));
    frame.render_stateful_widget(table, area, &mut state);
}

/// The title over the Regions: `Account/Region` when some row is a linked account's (named by
/// its id), `Profile/Region` when rows are named by profile, else `Region`.
fn place_title(store: &Store) -> &'static str {
    let accounts = || store.functions().filter_map(|f| f.id.account.as_deref());
    if accounts().any(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit())) {
        "Account/Region"
    } else if accounts().next().is_some() {
        "Profile/Region"
    } else {
        "Region"
    }
}

fn row<'a>(
    f: &FunctionState,
    // The columns, and what each one's figure is read from.
    (layout, reads): (&Layout, &[Vec<MetricRead>]),
    from: DateTime<Utc>,
    slots: usize,
    scratch: &mut Vec<Option<f64>>,
    (place_width, store): (usize, &Store),
    theme: &Theme,
) -> Row<'a> {
    // While a new window loads, the figures are the old window's: shown muted. The metrics
    // and the REPORT figures load apart; fresh metrics keep their colours meanwhile.
    let metrics_loading = store.loading();
    let reports_loading = metrics_loading || f.window_report().is_some_and(|w| w.loading);
    let tone = |h: Health, loading: bool| match h {
        _ if loading => theme.muted,
        Health::Bad => theme.error,
        Health::Warn => theme.warn,
        Health::Good => theme.text,
    };
    let name_style = tone(figures::health(f), metrics_loading);
    let cells = layout.columns.iter().zip(reads).map(|(&c, reads)| {
        let figure = match c {
            Column::Name => {
                let name = Span::styled(sanitize(f.name()).into_owned(), name_style);
                if place_width == 0 {
                    return Cell::from(name);
                }
                let place = sanitize(&f.id.origin().label()).into_owned();
                return Cell::from(Line::from(vec![
                    Span::styled(format!("{place:<place_width$}"), theme.muted),
                    name,
                ]));
            }
            Column::Fig(figure) => figure,
        };
        if figure == Figure::Alarm {
            return Cell::from(match f.summary.alarm_state {
                Some(AlarmState::Alarm) => {
                    Span::styled("ALARM", theme.error.add_modifier(Modifier::REVERSED))
                }
                Some(AlarmState::InsufficientData) => Span::styled("INSUF", theme.warn),
                Some(AlarmState::Ok) => Span::styled("OK", theme.ok),
                None => Span::styled("-", theme.muted),
            });
        }
        // A row scrolled to for the first time waits for its read (`…`, never a false 0); one
        // read longer ago than data stays fresh shows its last value, muted.
        let state = store.read_state(f, reads);
        let text = match (figure.value(f), figure.unit()) {
            _ if state == ReadState::Unread => "…".to_string(),
            (None, _) => "-".to_string(),
            (Some(v), Unit::Count) => format::count_short(v.max(0.0).round() as u64),
            (Some(v), unit) => unit.show(v),
        };
        let style = match state {
            ReadState::Fresh => {
                let loading = if figure.needs_logs() {
                    reports_loading
                } else {
                    metrics_loading
                };
                tone(figures::judged_health(figure, f), loading)
            }
            _ => theme.muted,
        };
        let width = usize::from(layout.cells(c));
        let mut spans = vec![Span::styled(format!("{text:>width$}"), style)];
        if let (true, Some((metric, combine))) = (layout.sparked.contains(&c), c.sparkline()) {
            let line = match f.series(metric) {
                Some(series) => {
                    series.slots_into(from, slots, scratch);
                    // The newest periods that fill every cell alike, so no cell is left blank.
                    let shown = match slots % layout.spark {
                        extra if slots > layout.spark => slots - extra,
                        _ => slots,
                    };
                    sparkline(&scratch[slots - shown..], layout.spark, combine)
                }
                None => " ".repeat(layout.spark),
            };
            spans.push(Span::raw(" "));
            spans.push(Span::styled(line, theme.chart));
        }
        Cell::from(Line::from(spans))
    });
    Row::new(cells.collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn total(layout: &Layout, name: u16) -> u16 {
        layout
            .columns
            .iter()
            .map(|c| match layout.width(*c) {
                Constraint::Length(n) => n + 1,
                _ => name + 1,
            })
            .sum::<u16>()
            - 1
    }

    #[test]
    fn layouts_fit_their_width() {
        for width in [80, 99, 100, 120, 149, 150, 160, 200, 300] {
            for name in [8, 20, 29, 60] {
                let layout = Layout::for_width(width, name);
                // The name column may shrink to its minimum; everything else must fit.
                assert!(total(&layout, 16) <= width, "{width} {name} {layout:?}");
            }
        }
    }

    #[test]
    fn wide_terminals_show_every_column_and_longer_sparklines() {
        let wide = Layout::for_width(220, 29);
        assert_eq!(wide.columns.len(), 12);
        assert_eq!(wide.spark, MAX_SPARK);
        let at_160 = Layout::for_width(160, 29);
        assert!(at_160.spark >= 10, "{at_160:?}");
        let narrow = Layout::for_width(80, 29);
        assert!(!narrow.columns.contains(&Column::Fig(Figure::Cost)));
    }

    /// Every sortable title has room for its arrow in every layout, so sorting never shifts
    /// the table.
    #[test]
    fn every_sortable_title_fits_with_its_arrow() {
        for width in [80, 100, 160] {
            let layout = Layout::for_width(width, 20);
            for &c in layout.columns.iter().filter(|c| c.sort().is_some()) {
                let room = match layout.width(c) {
                    Constraint::Length(n) => n,
                    _ => u16::MAX,
                };
                assert!(
                    c.title(layout.narrow).len() as u16 + 2 <= room,
                    "{width} {c:?}"
                );
            }
        }
    }

    #[test]
    fn columns_left_out_give_their_room_to_the_name() {
        let mut layout = Layout::for_width(160, 20);
        let before = total(&layout, 16);
        layout.leave_out(&[Figure::Throttles, Figure::Concurrency]);
        assert!(!layout.columns.contains(&Column::Fig(Figure::Throttles)));
        assert!(!layout.sparked.contains(&Column::Fig(Figure::Throttles)));
        assert!(!layout.columns.contains(&Column::Fig(Figure::Concurrency)));
        // Throttles: 6 cells, its sparkline and a gap each; Conc: 6 and a gap.
        assert_eq!(
            before - total(&layout, 16),
            6 + 1 + layout.spark as u16 + 1 + 6 + 1
        );
    }

    #[test]
    fn costs_fit_their_column() {
        assert_eq!(format::usd(0.0), "$0");
        assert_eq!(format::usd(0.00001), "<$0.0001");
        assert_eq!(format::usd(0.0042), "$0.0042");
        assert_eq!(format::usd(1234.5), "$1,235");
    }
}

//! What the user is looking at: selection, sort, filter, open overlays. Changed only by keys.

use ratatui::layout::Rect;

use crate::analytics::{Invocation, InvocationStatus};
use crate::figures::{Figure, Screen, Selection, SelectionOrder, SortKey, plan_metrics};
use crate::message::MetricsView;
use crate::model::{FunctionId, MetricKind};
use crate::store::{FunctionState, Store};
use crate::window::TimeWindow;

use super::keys::Action;
use super::log_pane::{CopyWhat, HSCROLL_STEP, LogPane, Notice};
use super::sanitize::sanitize;

/// Which pane keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    #[default]
    Functions,
    Logs,
}

/// The dashboard's view state.
#[derive(Debug, Clone, Default)]
pub struct ViewState {
    pub selection: Selection,
    /// Index of the selected row in the selected functions.
    pub selected: usize,
    pub pane: Pane,
    pub help: bool,
    /// First line of the help overlay shown, when it is taller than the screen.
    pub help_scroll: usize,
    /// Typing a filter after `/`.
    pub editing_filter: bool,
    pub frozen: bool,
    /// The log pane: filter, follow / cursor, folding.
    pub logs: LogPane,
    /// The function detail view, when open (it takes the table's place).
    pub detail: Option<Detail>,
    /// A message for the status line, cleared by the next key.
    pub notice: Option<Notice>,
    /// The focused pane takes the whole body (`m`).
    pub maximised: bool,
    /// The sort keys of the table's columns as last drawn, left to right (for `<` and `>`).
    pub sort_columns: Vec<SortKey>,
    /// Rows the table showed last frame, for paging.
    pub page: usize,
    /// The selected functions in order, re-sorted only when the store or the selection changes.
    pub order: SelectionOrder,
    /// Index of the first function row the table showed last frame.
    pub table_offset: usize,
    /// Where the function table was drawn last frame, for the mouse.
    pub table_area: Rect,
    /// Text `y` asked to put on the clipboard, for the event loop to write (OSC 52).
    pub copied: Option<String>,
    /// The figures of the table's columns and its sparklines as last drawn, and how many rows
    /// it showed: what the metrics to read are made from.
    pub table_figures: Vec<Figure>,
    pub table_sparklines: Vec<MetricKind>,
    pub table_rows: usize,
    /// Nobody is looking: no key for [`CostSettings::idle_after`], or the terminal lost focus.
    pub idle: bool,
    pub cost: CostSettings,
}

/// What the dashboard may cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CostSettings {
    /// No key or mouse event for this long makes the dashboard idle.
    pub idle_after: std::time::Duration,
    /// US dollars an hour the dashboard's API use may cost; `None` for no limit.
    pub budget_usd_per_hour: Option<f64>,
}

/// Minutes without a key before the dashboard is idle, unless configured otherwise.
pub const IDLE_AFTER: std::time::Duration = std::time::Duration::from_secs(600);

impl Default for CostSettings {
    fn default() -> Self {
        Self {
            idle_after: IDLE_AFTER,
            budget_usd_per_hour: None,
        }
    }
}

/// Functions at the top of the table whose logs the log pane follows.
pub const LOG_FOLLOWED: usize = 5;

/// The function detail view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub function: FunctionId,
    /// Selected row of the recent invocations as listed.
    pub selected: usize,
    /// Which of the recent invocations are listed (`e` failed, `c` cold starts).
    pub only: Only,
    /// Slowest first instead of newest first (`d`).
    pub slowest_first: bool,
}

/// Which recent invocations the detail view lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Only {
    #[default]
    All,
    /// Errors and timeouts.
    Failed,
    ColdStarts,
}

impl Detail {
    pub fn new(function: FunctionId) -> Self {
        Self {
            function,
            selected: 0,
            only: Only::All,
            slowest_first: false,
        }
    }

    /// The recent invocations of `f` as the detail view lists them: filtered, newest (or
    /// slowest) first.
    pub fn invocations<'a>(&self, f: &'a FunctionState) -> Vec<&'a Invocation> {
        let mut list: Vec<&Invocation> = f
            .analytics()
            .map(|a| {
                a.recent()
                    .rev()
                    .filter(|i| match self.only {
                        Only::All => true,
                        Only::Failed => i.status != InvocationStatus::Success,
                        Only::ColdStarts => i.cold_start.is_some(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if self.slowest_first {
            list.sort_by(|a, b| b.duration_ms.total_cmp(&a.duration_ms));
        }
        list
    }

    /// What the list shows, in words: `newest first`, `failed only, slowest first`.
    pub fn listing(&self) -> String {
        let only = match self.only {
            Only::All => "",
            Only::Failed => "failed only, ",
            Only::ColdStarts => "cold starts only, ",
        };
        let order = if self.slowest_first {
            "slowest first"
        } else {
            "newest first"
        };
        format!("{only}{order}")
    }
}

/// What the event loop must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    Refresh,
    Window(TimeWindow),
    /// Write the log pane's lines to a file.
    SaveLogs,
    /// Give the terminal back and stop the process (Ctrl-Z).
    Suspend,
    /// Put [`ViewState::copied`] on the clipboard.
    Copy,
}

impl ViewState {
    pub fn new(selection: Selection) -> Self {
        Self {
            selection,
            page: 10,
            ..Self::default()
        }
    }

    /// The functions whose logs the view is about, for the source to read: the detail view's
    /// function, else the first [`LOG_FOLLOWED`] of the table in its order (sorting by errors
    /// follows the failing functions).
    pub fn log_focus(&mut self, store: &Store) -> Vec<FunctionId> {
        match &self.detail {
            Some(d) => vec![d.function.clone()],
            None => self
                .order
                .ids(store, &self.selection)
                .iter()
                .take(LOG_FOLLOWED)
                .cloned()
                .collect(),
        }
    }

    /// The metrics the view shows, for the source to read and no more.
    pub fn metrics_view(&mut self, store: &Store) -> MetricsView {
        let detail = self.detail_focus();
        let ids = self.order.ids(store, &self.selection);
        plan_metrics(&Screen {
            order: ids,
            offset: self.table_offset,
            rows: self.table_rows,
            columns: &self.table_figures,
            sparklines: &self.table_sparklines,
            sort: self.selection.sort,
            detail: detail.as_ref(),
            idle: self.idle,
            narrowed: self.selection.glob.is_some(),
        })
    }

    /// Whether someone reads the logs: the log pane has the focus (or the whole screen), or a
    /// detail view is open.
    pub fn reading_logs(&self) -> bool {
        !self.idle && (self.pane == Pane::Logs || self.detail.is_some())
    }

    /// The function of the detail view, whose less common metrics the source reads too.
    pub fn detail_focus(&self) -> Option<FunctionId> {
        self.detail.as_ref().map(|d| d.function.clone())
    }

    /// Name of the selected function, if any.
    pub fn selected_name<'a>(&self, store: &'a Store) -> Option<&'a str> {
        self.selected_function(store).map(|f| f.name())
    }

    /// The selected function, if any.
    pub fn selected_function<'a>(&self, store: &'a Store) -> Option<&'a FunctionState> {
        match self.order.cached(store, &self.selection) {
            Some(ids) => ids.get(self.selected).and_then(|id| store.function(id)),
            None => store.select(&self.selection).get(self.selected).copied(),
        }
    }

    /// Whether a function or log filter is set (state that quitting loses).
    pub fn has_filters(&self) -> bool {
        !self.selection.filter.is_empty() || !self.logs.input().is_empty()
    }

    /// How many functions the selection shows.
    pub fn rows(&mut self, store: &Store) -> usize {
        self.order.ids(store, &self.selection).len()
    }

    /// Applies an action; returns what the loop must do.
    pub fn apply(&mut self, action: Action, store: &Store) -> Effect {
        let rows = self.rows(store);
        let page = self.page.max(1);
        match action {
            Action::Quit => return Effect::Quit,
            Action::Suspend => return Effect::Suspend,
            // The pop-up takes the keys while it is open.
            _ if self.logs.popup.is_some() => return self.apply_popup(action, store),
            // `q` goes back out of what is open; from the table it quits, unless a filter is
            // set that quitting would lose: then it says so, and `Q` quits.
            Action::QuitOrBack
                if self.help
                    || self.logs.has_search()
                    || self.logs.can_go_back()
                    || self.detail.is_some() =>
            {
                return self.apply(Action::Back, store);
            }
            Action::QuitOrBack if self.has_filters() => {
                self.notice = Some(Notice::info(
                    "a filter is set: Q quits anyway, Esc clears the filter",
                ));
            }
            Action::QuitOrBack => return Effect::Quit,
            // Esc closes what is open, one thing at a time, and never quits.
            Action::Back if self.help => self.help = false,
            Action::Back if self.logs.has_search() => self.logs.clear_search(),
            Action::Back if self.logs.can_go_back() => {
                self.logs.go_back();
            }
            Action::Back if self.detail.is_some() => self.detail = None,
            Action::Back if self.pane == Pane::Logs && !self.logs.input().is_empty() => {
                self.logs.set_input("");
            }
            Action::Back if !self.selection.filter.is_empty() => self.selection.filter.clear(),
            Action::Back => self.notice = Some(Notice::info("nothing to close · q quits")),
            Action::ToggleHelp => {
                self.help = !self.help;
                self.help_scroll = 0;
            }
            Action::ToggleMaximise => self.maximised = !self.maximised,
            // A help taller than the screen scrolls.
            Action::Down if self.help => self.help_scroll += 1,
            Action::Up if self.help => self.help_scroll = self.help_scroll.saturating_sub(1),
            Action::PageDown | Action::Bottom if self.help => self.help_scroll = usize::MAX,
            Action::PageUp | Action::Top if self.help => self.help_scroll = 0,
            _ if self.help => {}
            Action::SwitchPane => {
                self.pane = match self.pane {
                    Pane::Functions => Pane::Logs,
                    Pane::Logs => Pane::Functions,
                }
            }
            Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
                if self.pane == Pane::Logs =>
            {
                self.refresh_logs(store);
                let page = page as isize;
                match action {
                    Action::Up => self.logs.move_cursor(-1),
                    Action::Down => self.logs.move_cursor(1),
                    Action::PageUp => self.logs.move_cursor(-page),
                    Action::PageDown => self.logs.move_cursor(page),
                    Action::Top => self.logs.to_top(),
                    _ => self.logs.follow(),
                }
            }
            Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
                if self.detail.is_some() =>
            {
                let rows = self.detail_rows(store);
                if let Some(d) = &mut self.detail {
                    let last = rows.saturating_sub(1);
                    d.selected = match action {
                        Action::Up => d.selected.saturating_sub(1),
                        Action::Down => d.selected + 1,
                        Action::PageUp => d.selected.saturating_sub(page),
                        Action::PageDown => d.selected + page,
                        Action::Top => 0,
                        _ => last,
                    }
                    .min(last);
                }
            }
            Action::Open if self.pane == Pane::Logs => {
                self.refresh_logs(store);
                self.notice = self.logs.open_popup(store);
            }
            Action::ShowInvocation if self.pane == Pane::Logs => {
                self.refresh_logs(store);
                self.notice = Some(self.logs.jump_to_invocation(store));
            }
            // In the detail view's list, the invocation's lines are what Enter shows.
            Action::ShowInvocation if self.detail.is_some() => {
                return self.apply(Action::Open, store);
            }
            Action::ShowInvocation => {
                self.notice = Some(Notice::info(
                    "i: in the log pane (Tab), every line of the selected line's invocation",
                ));
            }
            Action::Copy => return self.copy(store),
            Action::CommandLine => {
                self.help = true;
                self.help_scroll = 0;
                self.notice = Some(Notice::info(
                    "lambdatop has no command line: every key is listed here",
                ));
            }
            Action::ToggleWrap => self.notice = Some(self.logs.toggle_wrap()),
            Action::ScrollLeft => self.notice = self.logs.scroll_sideways(-(HSCROLL_STEP as isize)),
            Action::ScrollRight => self.notice = self.logs.scroll_sideways(HSCROLL_STEP as isize),
            Action::ScrollHome => self.notice = self.logs.scroll_sideways(isize::MIN),
            Action::SearchNext | Action::SearchPrevious => {
                self.refresh_logs(store);
                self.notice = Some(self.logs.next_hit(action == Action::SearchNext, false));
            }
            Action::Open => match &self.detail {
                None => {
                    if let Some(f) = self.selected_function(store) {
                        self.detail = Some(Detail::new(f.id.clone()));
                    }
                }
                Some(d) => {
                    let id = store
                        .function(&d.function)
                        .and_then(|f| d.invocations(f).get(d.selected).copied())
                        .map(|i| i.request_id.clone());
                    match id {
                        Some(id) => {
                            self.logs.show_invocation(&id);
                            self.pane = Pane::Logs;
                            self.notice = Some(Notice::info(
                                "showing the invocation's log lines · Esc goes back",
                            ));
                        }
                        None => self.notice = Some(Notice::info("no invocation selected")),
                    }
                }
            },
            Action::CloseDetail => self.detail = None,
            Action::EditLogFilter => {
                self.pane = Pane::Logs;
                self.logs.start_editing();
            }
            Action::ToggleFold => self.logs.toggle_fold(),
            Action::OpenInvocation => {
                self.refresh_logs(store);
                self.notice = self.logs.toggle_open(store);
            }
            // Only the detail view has a function to narrow the logs to: elsewhere `a` changes
            // nothing and says so.
            Action::ToggleLogScope => match &self.detail {
                None => {
                    self.notice = Some(Notice::info(
                        "a: in a function's detail view, its logs only / every function's",
                    ));
                }
                Some(d) => {
                    self.logs.all_functions = !self.logs.all_functions;
                    self.notice = Some(Notice::info(if self.logs.all_functions {
                        "logs: every function".to_string()
                    } else {
                        format!("logs: {} only", d.function.name)
                    }));
                }
            },
            Action::SaveLogs => {
                self.refresh_logs(store);
                return Effect::SaveLogs;
            }
            Action::Down => self.selected = (self.selected + 1).min(rows.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + page).min(rows.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(page),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = rows.saturating_sub(1),
            Action::SortNext => {
                self.selection.sort = self.selection.sort.next(store.several());
                self.selection.reverse = false;
            }
            Action::SortReverse => self.selection.reverse = !self.selection.reverse,
            Action::OnlyFailed | Action::OnlyColdStarts | Action::SlowestFirst => {
                match &mut self.detail {
                    None => {
                        self.notice = Some(Notice::info(
                            "e, c, d: in a function's detail view, list failed or cold \
                             invocations, or the slowest first",
                        ))
                    }
                    Some(d) => {
                        let pick = |want: Only| if d.only == want { Only::All } else { want };
                        match action {
                            Action::OnlyFailed => d.only = pick(Only::Failed),
                            Action::OnlyColdStarts => d.only = pick(Only::ColdStarts),
                            _ => d.slowest_first = !d.slowest_first,
                        }
                        d.selected = 0;
                        self.notice =
                            Some(Notice::info(format!("recent invocations: {}", d.listing())));
                    }
                }
            }
            Action::SortLeft | Action::SortRight => {
                let keys = &self.sort_columns;
                if !keys.is_empty() {
                    let at = keys.iter().position(|k| *k == self.selection.sort);
                    let next = match (at, action) {
                        (None, _) => 0,
                        (Some(i), Action::SortLeft) => (i + keys.len() - 1) % keys.len(),
                        (Some(i), _) => (i + 1) % keys.len(),
                    };
                    self.selection.sort = keys[next];
                    self.selection.reverse = false;
                }
            }
            Action::StartFilter if self.pane == Pane::Logs => self.logs.start_search(),
            Action::StartFilter => self.editing_filter = true,
            Action::WindowLonger => return Effect::Window(store.window().step(true)),
            Action::WindowShorter => return Effect::Window(store.window().step(false)),
            Action::RefreshNow => return Effect::Refresh,
            Action::ToggleFreeze => self.frozen = !self.frozen,
            Action::ToggleFollow => {
                self.refresh_logs(store);
                self.logs.toggle_follow();
            }
        }
        Effect::None
    }

    /// A key while the pop-up is open: Esc, q, Enter close it (never more); j k and the page
    /// keys scroll it; y copies; i shows the line's invocation.
    fn apply_popup(&mut self, action: Action, store: &Store) -> Effect {
        match action {
            Action::Back | Action::QuitOrBack | Action::Open | Action::CloseDetail => {
                self.logs.popup = None;
            }
            Action::Up => self.logs.scroll_popup(|s, _| s.saturating_sub(1)),
            Action::Down => self.logs.scroll_popup(|s, _| s + 1),
            Action::PageUp => self.logs.scroll_popup(|s, page| s.saturating_sub(page)),
            Action::PageDown => self.logs.scroll_popup(|s, page| s + page),
            Action::Top => self.logs.scroll_popup(|_, _| 0),
            Action::Bottom => self.logs.scroll_popup(|_, _| usize::MAX),
            Action::Copy => return self.copy(store),
            Action::ShowInvocation => {
                self.refresh_logs(store);
                self.notice = Some(self.logs.jump_to_invocation(store));
                self.pane = Pane::Logs;
            }
            _ => {
                self.notice = Some(Notice::info(
                    "Esc or q closes the line · j k PgUp PgDn scroll · y copies · i its invocation",
                ));
            }
        }
        Effect::None
    }

    /// `y`: the request id of the line in the pop-up or selected in the log pane (the whole
    /// line when it names none); in the detail view's list, the invocation's request id; on the
    /// table, the function's name. Says what was copied.
    fn copy(&mut self, store: &Store) -> Effect {
        self.refresh_logs(store);
        let target = if self.pane == Pane::Logs || self.logs.popup.is_some() {
            self.logs.copy_target(store)
        } else if let Some(d) = &self.detail {
            store
                .function(&d.function)
                .and_then(|f| d.invocations(f).get(d.selected).copied())
                .map(|i| (CopyWhat::RequestId, i.request_id.clone()))
        } else {
            self.selected_name(store)
                .map(|n| (CopyWhat::Function, n.to_string()))
        };
        let Some((what, text)) = target else {
            self.notice = Some(Notice::info("nothing selected to copy"));
            return Effect::None;
        };
        let shown = sanitize(&text).chars().take(60).collect::<String>();
        self.notice = Some(Notice::info(match what {
            CopyWhat::RequestId => format!("copied request id {shown} (OSC 52)"),
            CopyWhat::Function => format!("copied function name {shown} (OSC 52)"),
            CopyWhat::Line => format!(
                "copied the whole line, {} characters: it names no request id (OSC 52)",
                text.chars().count()
            ),
        }));
        self.copied = Some(text);
        Effect::Copy
    }

    /// Keeps the selection inside the list after the data or the filter changed.
    pub fn clamp(&mut self, store: &Store) {
        let rows = self.rows(store);
        self.selected = self.selected.min(rows.saturating_sub(1));
    }

    /// The function the log pane is limited to: the detail view's, unless all are asked for.
    pub fn log_scope(&self) -> Option<&FunctionId> {
        match (&self.detail, self.logs.all_functions) {
            (Some(d), false) => Some(&d.function),
            _ => None,
        }
    }

    /// Brings the log pane's rows up to date with the store.
    pub fn refresh_logs(&mut self, store: &Store) {
        let scope = self.log_scope().cloned();
        self.logs.refresh(store, scope.as_ref());
    }

    /// Recent invocations the detail view lists.
    fn detail_rows(&self, store: &Store) -> usize {
        self.detail.as_ref().map_or(0, |d| {
            store
                .function(&d.function)
                .map_or(0, |f| d.invocations(f).len())
        })
    }

    pub fn sort(&self) -> SortKey {
        self.selection.sort
    }
}

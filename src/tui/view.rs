//! What the user is looking at: selection, sort, filter, open overlays. Changed only by keys.

use ratatui::layout::Rect;

use crate::store::{Selection, SelectionOrder, SortKey, Store, TimeWindow};

use super::keys::Action;

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
    /// Typing a filter after `/`.
    pub editing_filter: bool,
    pub frozen: bool,
    /// Log pane: `None` follows the newest line; `Some(n)` stays `n` lines up from the end.
    pub log_scroll: Option<usize>,
    /// Rows the table showed last frame, for paging.
    pub page: usize,
    /// The selected functions in order, re-sorted only when the store or the selection changes.
    pub order: SelectionOrder,
    /// Index of the first function row the table showed last frame.
    pub table_offset: usize,
    /// Where the function table was drawn last frame, for the mouse.
    pub table_area: Rect,
}

/// What the event loop must do after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    None,
    Quit,
    Refresh,
    Window(TimeWindow),
}

impl ViewState {
    pub fn new(selection: Selection) -> Self {
        Self {
            selection,
            page: 10,
            ..Self::default()
        }
    }

    /// Name of the selected function, if any.
    pub fn selected_name<'a>(&self, store: &'a Store) -> Option<&'a str> {
        match self.order.cached(store, &self.selection) {
            Some(names) => names
                .get(self.selected)
                .and_then(|n| store.function(n))
                .map(|f| f.name()),
            None => store
                .select(&self.selection)
                .get(self.selected)
                .map(|f| f.name()),
        }
    }

    /// How many functions the selection shows.
    pub fn rows(&mut self, store: &Store) -> usize {
        self.order.names(store, &self.selection).len()
    }

    /// Applies an action; returns what the loop must do.
    pub fn apply(&mut self, action: Action, store: &Store) -> Effect {
        let rows = self.rows(store);
        let page = self.page.max(1);
        match action {
            Action::Quit => return Effect::Quit,
            Action::Back if self.help => self.help = false,
            Action::Back if !self.selection.filter.is_empty() => self.selection.filter.clear(),
            Action::Back => return Effect::Quit,
            Action::ToggleHelp => self.help = !self.help,
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
                let back = self.log_scroll.unwrap_or(0);
                let total = store.logs().len();
                let back = match action {
                    Action::Up => back + 1,
                    Action::Down => back.saturating_sub(1),
                    Action::PageUp => back + page,
                    Action::PageDown => back.saturating_sub(page),
                    Action::Top => total,
                    _ => 0,
                };
                self.log_scroll = (back > 0).then_some(back.min(total.saturating_sub(1)));
            }
            Action::Down => self.selected = (self.selected + 1).min(rows.saturating_sub(1)),
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::PageDown => self.selected = (self.selected + page).min(rows.saturating_sub(1)),
            Action::PageUp => self.selected = self.selected.saturating_sub(page),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = rows.saturating_sub(1),
            Action::SortNext => {
                self.selection.sort = self.selection.sort.next();
                self.selection.reverse = false;
            }
            Action::SortReverse => self.selection.reverse = !self.selection.reverse,
            Action::StartFilter => self.editing_filter = true,
            Action::WindowLonger => return Effect::Window(store.window().step(true)),
            Action::WindowShorter => return Effect::Window(store.window().step(false)),
            Action::RefreshNow => return Effect::Refresh,
            Action::ToggleFreeze => self.frozen = !self.frozen,
            Action::ToggleFollow => {
                self.log_scroll = match self.log_scroll {
                    None => Some(0),
                    Some(_) => None,
                }
            }
        }
        Effect::None
    }

    /// Keeps the selection inside the list after the data or the filter changed.
    pub fn clamp(&mut self, store: &Store) {
        let rows = self.rows(store);
        self.selected = self.selected.min(rows.saturating_sub(1));
    }

    pub fn sort(&self) -> SortKey {
        self.selection.sort
    }
}

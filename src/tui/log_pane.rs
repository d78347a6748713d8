//! The log pane's state: filter, follow / cursor, folded invocations, and the cache of the lines
//! the filter lets through.
//!
//! Filtering the whole ring (20,000 lines) happens only when the filter, the fold state, the
//! function scope or the ring changes; appending lines to a plain filtered stream only looks at
//! the new lines. Drawing reads the cached rows.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::log_text::pretty_lines;
use super::sanitize::sanitize;
use crate::lambda_log::filter::{ColdRequests, LogFilter, cold_requests};
use crate::lambda_log::summary::{report_summary, status_word};
use crate::lambda_log::{Level, LogLine, PlatformStatus, parse};
use crate::model::{FunctionId, LogEvent};
use crate::store::Store;

/// One drawn row of the pane: a log event, maybe inside an opened invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub seq: u64,
    /// Part of an invocation opened in the folded view (drawn indented, fully expanded).
    pub nested: bool,
}

/// What the cached rows were computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CacheKey {
    filter: String,
    scope: Option<FunctionId>,
    fold: bool,
    open_generation: u64,
    first_seq: u64,
    next_seq: u64,
}

/// A filter to return to with Esc after jumping to an invocation.
#[derive(Debug, Clone)]
struct Saved {
    input: String,
    fold: bool,
    cursor: Option<u64>,
}

/// A one-line message for the status line, replaced by the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
}

impl Notice {
    pub fn info(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            error: true,
        }
    }
}

/// State of the log pane.
#[derive(Debug, Clone, Default)]
pub struct LogPane {
    /// The filter as typed.
    input: String,
    /// Typing into the filter bar.
    pub editing: bool,
    /// The last filter that parsed: what is applied.
    filter: LogFilter,
    /// Why `input` does not parse (then the filter from before the edit stays applied).
    error: Option<String>,
    /// The filter in force before the edit under way: what a text that does not parse leaves
    /// applied (never a part of the text being typed).
    committed: LogFilter,
    back: Vec<Saved>,
    /// Show one line per invocation (its REPORT) instead of every line.
    pub fold: bool,
    /// Request ids of invocations opened in the folded view.
    open: HashSet<String>,
    open_generation: u64,
    /// Show every function's lines even when the detail view has one open.
    pub all_functions: bool,
    /// `None` follows the newest line; `Some(seq)` is the selected line.
    cursor: Option<u64>,
    /// First row drawn last frame.
    top: Option<u64>,
    /// Scroll up to show the lines of the invocation just opened above its REPORT.
    reveal_open: bool,
    rows: Vec<Row>,
    key: Option<CacheKey>,
    rebuilds: u64,
    /// Changes whenever `rows` does.
    rows_generation: u64,
    /// Long lines wrap onto the rows below instead of being cut at the edge (`W`).
    pub wrap: bool,
    /// Columns of the messages scrolled out on the left, when not wrapping.
    pub hscroll: usize,
    /// The search (`/`): its text as typed, whether it is being typed, and what applies.
    search_input: String,
    pub searching: bool,
    search: LogFilter,
    search_error: Option<String>,
    /// Indexes of the rows the search matches, and the rows and search they were found for.
    hits: Vec<usize>,
    hits_key: Option<(u64, String)>,
    /// The line shown in full over the dashboard (Enter).
    pub popup: Option<Popup>,
}

/// A log line shown in full in a pop-up: its lines are made when it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Popup {
    pub seq: u64,
    /// The request id, or the whole line when it names none: what `y` copies.
    pub copy: (CopyWhat, String),
    pub lines: Vec<(PopupText, String)>,
    /// First line shown.
    pub scroll: usize,
    /// Lines the pop-up showed last frame, for paging.
    pub page: usize,
}

/// How a pop-up line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PopupText {
    Label,
    Text,
    Error,
    Muted,
}

/// What `y` copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyWhat {
    RequestId,
    /// The line names no request id.
    Line,
    Function,
}

impl LogPane {
    pub fn input(&self) -> &str {
        &self.input
    }

    /// The filter error of the text as typed, if it does not parse.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    pub fn following(&self) -> bool {
        self.cursor.is_none()
    }

    /// Whether Esc returns to a filter from before a jump.
    pub fn can_go_back(&self) -> bool {
        !self.back.is_empty()
    }

    pub fn is_open(&self, request_id: &str) -> bool {
        self.open.contains(request_id)
    }

    /// How many times the rows were recomputed from the whole ring (appends are not counted).
    pub fn rebuilds(&self) -> u64 {
        self.rebuilds
    }

    /// Rows after the last [`LogPane::refresh`].
    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// Sets the filter text; it applies when it parses.
    pub fn set_input(&mut self, text: &str) {
        self.input = text.to_string();
        match LogFilter::parse(text) {
            Ok(f) => {
                self.filter = f;
                self.error = None;
            }
            Err(e) => {
                // Nothing of a text that does not parse applies: not the part typed so far.
                self.filter = self.committed.clone();
                self.error = Some(e.to_string());
            }
        }
        if !self.editing {
            self.committed = self.filter.clone();
        }
    }

    /// Starts typing the filter (`l`).
    pub fn start_editing(&mut self) {
        self.editing = true;
        self.committed = self.filter.clone();
    }

    /// A key while typing the filter. Enter keeps it, Esc clears it.
    pub fn edit_key(&mut self, key: KeyEvent) {
        let mut text = self.input.clone();
        match key.code {
            KeyCode::Enter => {
                self.editing = false;
                self.committed = self.filter.clone();
                return;
            }
            KeyCode::Esc => {
                self.editing = false;
                text.clear();
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
            KeyCode::Char(c) if !c.is_control() => text.push(c),
            _ => return,
        }
        self.set_input(&text);
    }

    /// Recomputes the rows if the filter, scope, fold state or ring changed since last time, and
    /// the rows the search matches if the rows or the search changed.
    pub fn refresh(&mut self, store: &Store, scope: Option<&FunctionId>) {
        let appended = self.refresh_rows(store, scope);
        self.refresh_hits(store, appended);
    }

    /// Returns, when the rows only lost old ones and gained new ones, how many they lost and
    /// where the new ones start.
    fn refresh_rows(
        &mut self,
        store: &Store,
        scope: Option<&FunctionId>,
    ) -> Option<(usize, usize)> {
        let ring = store.logs();
        let key = CacheKey {
            filter: self.filter.text().to_string(),
            scope: scope.cloned(),
            fold: self.fold,
            open_generation: self.open_generation,
            first_seq: ring.first_seq(),
            next_seq: ring.next_seq(),
        };
        let Some(old) = &self.key else {
            self.rebuild(store, scope);
            self.key = Some(key);
            self.rows_generation += 1;
            return None;
        };
        if *old == key {
            return None;
        }
        let appended_only = old.filter == key.filter
            && old.scope == key.scope
            && old.fold == key.fold
            && old.open_generation == key.open_generation
            && !key.fold
            && !self.filter.needs_cold()
            && old.next_seq >= key.first_seq;
        let mut appended = None;
        if appended_only {
            let keep_from = key.first_seq;
            let drop = self.rows.partition_point(|r| r.seq < keep_from);
            self.rows.drain(..drop);
            appended = Some((drop, self.rows.len()));
            let none = ColdRequests::new();
            for seq in old.next_seq..key.next_seq {
                if let Some(e) = ring.get(seq)
                    && in_scope(e, scope)
                    && self.filter.matches(e, &none)
                {
                    self.rows.push(Row { seq, nested: false });
                }
            }
        } else {
            self.rebuild(store, scope);
        }
        self.key = Some(key);
        self.rows_generation += 1;
        appended
    }

    fn rebuild(&mut self, store: &Store, scope: Option<&FunctionId>) {
        self.rebuilds += 1;
        let ring = store.logs();
        let cold = if self.filter.needs_cold() {
            let known = store
                .functions()
                .filter_map(|f| f.analytics())
                .flat_map(|a| a.recent())
                .filter(|i| i.cold_start.is_some())
                .map(|i| i.request_id.as_str());
            cold_requests(ring.iter(), known)
        } else {
            ColdRequests::new()
        };
        self.rows.clear();
        if !self.fold {
            self.rows.extend(
                ring.iter_seq()
                    .filter(|(_, e)| in_scope(e, scope) && self.filter.matches(e, &cold))
                    .map(|(seq, _)| Row { seq, nested: false }),
            );
            return;
        }
        // Folded: an invocation is shown (as its REPORT line) when any of its lines matches.
        let mut matched: HashSet<String> = HashSet::new();
        let mut reports: Vec<(u64, String)> = Vec::new();
        let mut standalone: Vec<u64> = Vec::new();
        let mut opened: HashMap<String, Vec<u64>> = HashMap::new();
        for (seq, e) in ring.iter_seq().filter(|(_, e)| in_scope(e, scope)) {
            let line = parse(&e.message);
            let hit = self.filter.matches_parsed(e, &line, &cold);
            match line.request_id() {
                Some(id) => {
                    if hit && !matched.contains(id) {
                        matched.insert(id.to_string());
                    }
                    if matches!(line, LogLine::Report(_)) {
                        reports.push((seq, id.to_string()));
                    } else if self.open.contains(id) {
                        opened.entry(id.to_string()).or_default().push(seq);
                    }
                }
                // Lines outside any invocation stay when they report a failure.
                None if hit && line.level().is_some_and(|l| l >= Level::Error) => {
                    standalone.push(seq);
                }
                None => {}
            }
        }
        let mut standalone = standalone.into_iter().peekable();
        for (seq, id) in reports.into_iter().filter(|(_, id)| matched.contains(id)) {
            while let Some(s) = standalone.next_if(|&s| s < seq) {
                self.rows.push(Row {
                    seq: s,
                    nested: false,
                });
            }
            if let Some(lines) = opened.get(&id) {
                self.rows.extend(lines.iter().map(|&s| Row {
                    seq: s,
                    nested: true,
                }));
            }
            self.rows.push(Row { seq, nested: false });
        }
        self.rows
            .extend(standalone.map(|seq| Row { seq, nested: false }));
    }

    /// Index of the selected row: the cursor's row, the next one after it if it went away, or
    /// the newest when following. `None` without rows.
    pub fn cursor_index(&self) -> Option<usize> {
        let last = self.rows.len().checked_sub(1)?;
        Some(match self.cursor {
            None => last,
            Some(seq) => self
                .rows
                .iter()
                .position(|r| r.seq == seq)
                .or_else(|| self.rows.iter().position(|r| r.seq >= seq))
                .unwrap_or(last),
        })
    }

    /// The selected event (the newest when following).
    pub fn selected<'a>(&self, store: &'a Store) -> Option<(u64, &'a LogEvent)> {
        let row = self.rows.get(self.cursor_index()?)?;
        Some((row.seq, store.logs().get(row.seq)?))
    }

    /// Moves the cursor by `delta` rows (negative is up). Moving down past the newest line
    /// resumes following.
    pub fn move_cursor(&mut self, delta: isize) {
        let Some(i) = self.cursor_index() else {
            return;
        };
        let last = self.rows.len() - 1;
        let target = i.saturating_add_signed(delta).min(last);
        if delta > 0 && i == last {
            self.cursor = None;
        } else if let Some(r) = self.rows.get(target) {
            self.cursor = Some(r.seq);
        }
    }

    pub fn to_top(&mut self) {
        self.cursor = self.rows.first().map(|r| r.seq);
    }

    pub fn follow(&mut self) {
        self.cursor = None;
    }

    /// Follows the newest line, or stays on it.
    pub fn toggle_follow(&mut self) {
        self.cursor = match self.cursor {
            None => self
                .cursor_index()
                .and_then(|i| self.rows.get(i))
                .map(|r| r.seq),
            Some(_) => None,
        };
    }

    /// The first row to draw so that the cursor is visible in `height` lines, given each row's
    /// height. Remembers it for the next frame so the view does not jump.
    pub fn scroll_to_cursor(
        &mut self,
        height: usize,
        row_height: impl Fn(usize, &Row) -> usize,
    ) -> usize {
        let Some(cursor) = self.cursor_index() else {
            self.top = None;
            return 0;
        };
        let h = |i: usize| self.rows.get(i).map_or(1, |r| row_height(i, r));
        let mut top = if self.cursor.is_none() {
            // Following: fill upwards from the newest row.
            let mut used = h(cursor);
            let mut top = cursor;
            while top > 0 && used + h(top - 1) <= height {
                top -= 1;
                used += h(top);
            }
            top
        } else {
            self.top
                .and_then(|seq| self.rows.iter().position(|r| r.seq == seq))
                .unwrap_or(cursor)
                .min(cursor)
        };
        if std::mem::take(&mut self.reveal_open) {
            while top > 0
                && self.rows[top - 1].nested
                && (top - 1..=cursor).map(h).sum::<usize>() <= height
            {
                top -= 1;
            }
        }
        while top < cursor && (top..=cursor).map(h).sum::<usize>() > height {
            top += 1;
        }
        // Rows above fill what the rows below leave empty: a short list after a filter ends at
        // the pane's bottom, never as one line over blank rows.
        let mut below = 0;
        for i in top..self.rows.len() {
            below += h(i);
            if below > height {
                break;
            }
        }
        while top > 0 && below + h(top - 1) <= height {
            top -= 1;
            below += h(top);
        }
        self.top = self.rows.get(top).map(|r| r.seq);
        top
    }

    /// Folds every invocation to its REPORT line, or unfolds them.
    pub fn toggle_fold(&mut self) {
        self.fold = !self.fold;
        if !self.fold {
            self.open.clear();
            self.open_generation += 1;
        }
    }

    /// Opens or closes the selected line's invocation in the folded view (folding the others).
    /// Returns a note when the line belongs to no invocation.
    pub fn toggle_open(&mut self, store: &Store) -> Option<Notice> {
        let (seq, event) = self.selected(store)?;
        let line = parse(&event.message);
        let Some(id) = line.request_id() else {
            return Some(Notice::info("this line belongs to no invocation"));
        };
        if !self.open.remove(id) {
            self.open.insert(id.to_string());
            self.reveal_open = true;
        }
        self.open_generation += 1;
        if !self.fold {
            self.fold = true;
        }
        self.cursor = Some(seq);
        None
    }

    /// Shows every line of the selected line's invocation (filter `req:<id>`); Esc comes back.
    /// The line is the pop-up's, when one is open (it closes).
    pub fn jump_to_invocation(&mut self, store: &Store) -> Notice {
        let event = match self.popup.take() {
            Some(p) => store.logs().get(p.seq),
            None => self.selected(store).map(|(_, e)| e),
        };
        let Some(event) = event else {
            return Notice::info("no log line selected");
        };
        let line = parse(&event.message);
        match line.request_id() {
            Some(id) => {
                let id = id.to_string();
                self.show_invocation(&id);
                Notice::info(format!(
                    "invocation {} · Esc goes back",
                    sanitize(&id).chars().take(36).collect::<String>()
                ))
            }
            None => Notice::info("this line has no request id"),
        }
    }

    /// Filters to the lines of invocation `request_id`, remembering the current filter.
    pub fn show_invocation(&mut self, request_id: &str) {
        self.back.push(Saved {
            input: self.input.clone(),
            fold: self.fold,
            cursor: self.cursor,
        });
        self.set_input(&format!(
            "req:{}",
            request_id.replace(char::is_whitespace, "")
        ));
        self.fold = false;
        // Select the invocation's first line.
        self.cursor = Some(0);
        self.top = None;
    }

    /// Returns to the filter from before the last jump. False when there was none.
    pub fn go_back(&mut self) -> bool {
        let Some(saved) = self.back.pop() else {
            return false;
        };
        self.set_input(&saved.input);
        self.fold = saved.fold;
        self.cursor = saved.cursor;
        self.top = None;
        true
    }

    /// The rows as text lines, as saved to a file: time, function, message (made inert, one
    /// line each).
    pub fn export_lines(&self, store: &Store) -> Vec<String> {
        self.rows
            .iter()
            .filter_map(|r| store.logs().get(r.seq))
            .map(|e| {
                format!(
                    "{} {} {}",
                    e.timestamp.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
                    sanitize(&function_label(e, store)),
                    sanitize(e.message.trim_end())
                )
            })
            .collect()
    }

    /// Writes the rows to `lambdatop-logs-<time>.txt` in `dir` (never overwriting a file).
    pub fn save(&self, store: &Store, dir: &Path) -> Notice {
        let lines = self.export_lines(store);
        match write_new_file(
            dir,
            &store.now().format("%Y%m%d-%H%M%S").to_string(),
            &lines,
        ) {
            Ok(path) => Notice::info(format!(
                "saved {} to {}",
                crate::format::plural(lines.len() as u64, "line"),
                path.display()
            )),
            Err(e) => Notice::error(format!(
                "cannot save the log lines in {}: {e}",
                dir.display()
            )),
        }
    }
}

/// Columns `←` / `→` scroll the log lines by.
pub const HSCROLL_STEP: usize = 20;

/// Search (`/`, `n`, `N`), wrapping and sideways scrolling, the pop-up and what `y` copies.
impl LogPane {
    /// The search as typed.
    pub fn search_input(&self) -> &str {
        &self.search_input
    }

    /// Why the search as typed does not parse.
    pub fn search_error(&self) -> Option<&str> {
        self.search_error.as_deref()
    }

    pub fn search(&self) -> &LogFilter {
        &self.search
    }

    /// Whether a search is set (typed or applied).
    pub fn has_search(&self) -> bool {
        self.searching || !self.search_input.is_empty()
    }

    /// Indexes of the rows the search matches (after [`LogPane::refresh`]).
    pub fn hits(&self) -> &[usize] {
        &self.hits
    }

    /// Which match the selected row is (1-based), when it is one.
    pub fn hit_number(&self) -> Option<usize> {
        let i = self.cursor_index()?;
        self.hits.binary_search(&i).ok().map(|n| n + 1)
    }

    /// Starts typing a new search (`/`).
    pub fn start_search(&mut self) {
        self.searching = true;
        self.set_search("");
    }

    /// Sets the search text; it applies when it parses (the filter's syntax: words, "phrases",
    /// /regexes/, level:, req:, fn:).
    pub fn set_search(&mut self, text: &str) {
        self.search_input = text.to_string();
        match LogFilter::parse(text) {
            Ok(f) => {
                self.search = f;
                self.search_error = None;
            }
            Err(e) => {
                self.search = LogFilter::default();
                self.search_error = Some(e.to_string());
            }
        }
    }

    /// Clears the search.
    pub fn clear_search(&mut self) {
        self.searching = false;
        self.set_search("");
    }

    /// A key while typing the search. Returns true when Enter ends it (the caller then moves
    /// to the first match); Esc clears it.
    pub fn search_key(&mut self, key: KeyEvent) -> bool {
        let mut text = self.search_input.clone();
        match key.code {
            KeyCode::Enter => {
                self.searching = false;
                return true;
            }
            KeyCode::Esc => {
                self.clear_search();
                return false;
            }
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
            KeyCode::Char(c) if !c.is_control() => text.push(c),
            _ => return false,
        }
        self.set_search(&text);
        false
    }

    /// Brings the search's matches up to date: only the new rows are searched when the rows
    /// were `appended` to (see [`LogPane::refresh_rows`]) since the last time.
    fn refresh_hits(&mut self, store: &Store, appended: Option<(usize, usize)>) {
        if self.search.is_empty() {
            self.hits.clear();
            self.hits_key = None;
            return;
        }
        let key = (self.rows_generation, self.search.text().to_string());
        if self.hits_key.as_ref() == Some(&key) {
            return;
        }
        let previous = (self.rows_generation.wrapping_sub(1), key.1.clone());
        let from = match appended {
            Some((dropped, first_new)) if self.hits_key.as_ref() == Some(&previous) => {
                self.hits.retain(|&i| i >= dropped);
                self.hits.iter_mut().for_each(|i| *i -= dropped);
                first_new
            }
            _ => {
                self.hits.clear();
                0
            }
        };
        let none = ColdRequests::new();
        let ring = store.logs();
        let search = &self.search;
        self.hits.extend(
            self.rows
                .iter()
                .enumerate()
                .skip(from)
                .filter(|(_, r)| ring.get(r.seq).is_some_and(|e| search.matches(e, &none)))
                .map(|(i, _)| i),
        );
        self.hits_key = Some(key);
    }

    /// Moves the cursor to the next (or previous) row the search matches, wrapping around at
    /// the end; `from_here` counts the selected row itself. Says where it went, or that
    /// nothing matches.
    ///
    /// A search started while following goes to the newest match: the line that matters is
    /// most often the latest.
    pub fn next_hit(&mut self, forward: bool, from_here: bool) -> Notice {
        let forward = forward && !(from_here && self.following());
        if self.search.is_empty() {
            return Notice::info("n / N: search the log lines with / first (in the log pane)");
        }
        if self.hits.is_empty() {
            return Notice::error(format!(
                "no line matches \"{}\"",
                sanitize(self.search.text())
            ));
        }
        let here = self.cursor_index().unwrap_or(0);
        let (target, wrapped) = if forward {
            let next = if from_here {
                self.hits.partition_point(|&i| i < here)
            } else {
                self.hits.partition_point(|&i| i <= here)
            };
            match self.hits.get(next) {
                Some(&i) => (i, false),
                None => (self.hits[0], true),
            }
        } else {
            let before = if from_here {
                self.hits.partition_point(|&i| i <= here)
            } else {
                self.hits.partition_point(|&i| i < here)
            };
            match before.checked_sub(1) {
                Some(n) => (self.hits[n], false),
                None => (self.hits[self.hits.len() - 1], true),
            }
        };
        self.cursor = self.rows.get(target).map(|r| r.seq);
        let n = self.hits.partition_point(|&i| i < target) + 1;
        let mut text = format!("match {n} of {}", self.hits.len());
        if wrapped {
            text.push_str(if forward {
                " (wrapped to the top)"
            } else {
                " (wrapped to the bottom)"
            });
        }
        Notice::info(text)
    }

    /// Wraps long lines, or cuts them at the edge again.
    pub fn toggle_wrap(&mut self) -> Notice {
        self.wrap = !self.wrap;
        Notice::info(if self.wrap {
            "logs: long lines wrap (W cuts them at the edge)"
        } else {
            "logs: long lines are cut at the edge: ← → scroll them, W wraps"
        })
    }

    /// Scrolls the lines sideways by `columns` (negative is left); not while wrapping.
    pub fn scroll_sideways(&mut self, columns: isize) -> Option<Notice> {
        if self.wrap {
            return Some(Notice::info(
                "logs: lines wrap, nothing to scroll sideways (W cuts them at the edge)",
            ));
        }
        self.hscroll = self
            .hscroll
            .saturating_add_signed(columns)
            .min(crate::sanitize::MAX_LINE_CHARS);
        None
    }

    /// What `y` copies from the selected line: its request id, or the whole line.
    pub fn copy_target(&self, store: &Store) -> Option<(CopyWhat, String)> {
        if let Some(p) = &self.popup {
            return Some(p.copy.clone());
        }
        let (_, e) = self.selected(store)?;
        Some(copy_of(e))
    }

    /// Opens the selected line in full.
    pub fn open_popup(&mut self, store: &Store) -> Option<Notice> {
        let Some((seq, e)) = self.selected(store) else {
            return Some(Notice::info("no log line selected"));
        };
        self.popup = Some(Popup {
            seq,
            copy: copy_of(e),
            lines: popup_lines(e, store),
            scroll: 0,
            page: 10,
        });
        None
    }

    /// Scrolls the pop-up to `to` (clamped when drawn).
    pub fn scroll_popup(&mut self, to: impl FnOnce(usize, usize) -> usize) {
        if let Some(p) = &mut self.popup {
            p.scroll = to(p.scroll, p.page.max(1));
        }
    }
}

/// The request id of `e`, or the whole line when it names none.
fn copy_of(e: &LogEvent) -> (CopyWhat, String) {
    match parse(&e.message).request_id() {
        Some(id) => (CopyWhat::RequestId, id.to_string()),
        None => (CopyWhat::Line, e.message.trim_end().to_string()),
    }
}

/// The pop-up's lines for `e`: when, which function, the invocation (its request id and REPORT
/// in words), then the whole message as logged with its JSON pretty-printed.
fn popup_lines(e: &LogEvent, store: &Store) -> Vec<(PopupText, String)> {
    use PopupText::{Error, Label, Muted, Text};
    let mut out = vec![
        (
            Label,
            format!(
                "Time        {}",
                e.timestamp.format("%Y-%m-%d %H:%M:%S%.3f UTC")
            ),
        ),
        (
            Label,
            format!("Function    {}", sanitize(&function_label(e, store))),
        ),
    ];
    let line = parse(&e.message);
    match line.request_id() {
        None => out.push((
            Muted,
            "Request id  none: the line belongs to no invocation".into(),
        )),
        Some(id) => {
            out.push((Label, format!("Request id  {}", sanitize(id))));
            let found = match &line {
                LogLine::Report(_) => None,
                _ => find_report(store, id),
            };
            let report = match (&line, &found) {
                (LogLine::Report(r), _) => Some(r.clone()),
                (_, Some(m)) => match parse(m) {
                    LogLine::Report(r) => Some(r),
                    _ => None,
                },
                _ => None,
            };
            match report {
                None => out.push((
                    Muted,
                    "Invocation  no REPORT line for it among the lines read (still running, or older)"
                        .into(),
                )),
                Some(r) => {
                    let failed = r.error_type().is_some() || r.status.is_some_and(|s| s.is_failure());
                    let style = if failed { Error } else { Text };
                    out.push((style, format!("Invocation  {}", report_summary(&r))));
                    out.push((
                        Text,
                        format!(
                            "Duration    {:.2} ms, billed {} ms",
                            r.duration_ms, r.billed_duration_ms
                        ),
                    ));
                    out.push((
                        Text,
                        format!(
                            "Memory      {} MB used of {} MB",
                            r.max_memory_used_mb, r.memory_size_mb
                        ),
                    ));
                    let start = match (r.init_duration_ms, r.restore_duration_ms()) {
                        (Some(init), _) => format!("cold start, init {init:.2} ms"),
                        (None, Some(restore)) => format!(
                            "SnapStart restore {restore:.2} ms{}",
                            r.billed_restore_duration_ms()
                                .map(|b| format!(", billed {b} ms"))
                                .unwrap_or_default()
                        ),
                        (None, None) => "warm".to_string(),
                    };
                    out.push((Text, format!("Start       {start}")));
                    let status = match (r.status, r.error_type()) {
                        (s, Some(t)) => format!(
                            "{}, error type {}",
                            status_word(s.unwrap_or(PlatformStatus::Error)),
                            sanitize(t)
                        ),
                        (Some(s), None) => status_word(s).to_string(),
                        (None, None) => "success".to_string(),
                    };
                    out.push((style, format!("Status      {status}")));
                }
            }
        }
    }
    out.push((Muted, String::new()));
    out.push((Label, "Message".into()));
    out.extend(pretty_lines(&e.message).into_iter().map(|l| (Text, l)));
    out
}

/// The message of invocation `id`'s REPORT line in the ring, if it is there.
fn find_report(store: &Store, id: &str) -> Option<String> {
    store
        .logs()
        .iter()
        .rev()
        .filter(|e| e.message.contains(id))
        .find(|e| matches!(parse(&e.message), LogLine::Report(r) if *r.request_id == *id))
        .map(|e| e.message.to_string())
}

/// The event's function as the pane names it: `region/name` when several Regions are shown.
fn function_label<'a>(e: &'a LogEvent, store: &Store) -> std::borrow::Cow<'a, str> {
    if store.several() {
        e.qualified_function().into()
    } else {
        (*e.function).into()
    }
}

fn in_scope(e: &LogEvent, scope: Option<&FunctionId>) -> bool {
    scope.is_none_or(|f| e.is_of(f))
}

fn write_new_file(dir: &Path, stamp: &str, lines: &[String]) -> std::io::Result<PathBuf> {
    let mut n = 0;
    let (path, file) = loop {
        let name = if n == 0 {
            format!("lambdatop-logs-{stamp}.txt")
        } else {
            format!("lambdatop-logs-{stamp}-{n}.txt")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => break (path, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    let mut out = std::io::BufWriter::new(file);
    for l in lines {
        writeln!(out, "{l}")?;
    }
    out.flush()?;
    Ok(path)
}

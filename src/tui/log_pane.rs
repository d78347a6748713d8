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

use super::log_filter::{ColdRequests, LogFilter, cold_requests};
use super::sanitize::sanitize;
use crate::lambda_log::{Level, LogLine, parse};
use crate::model::LogEvent;
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
    scope: Option<String>,
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
    /// Why `input` does not parse (then the previous filter stays applied).
    error: Option<String>,
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
            Err(e) => self.error = Some(e.to_string()),
        }
    }

    /// A key while typing the filter. Enter keeps it, Esc clears it.
    pub fn edit_key(&mut self, key: KeyEvent) {
        let mut text = self.input.clone();
        match key.code {
            KeyCode::Enter => {
                self.editing = false;
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

    /// Recomputes the rows if the filter, scope, fold state or ring changed since last time.
    pub fn refresh(&mut self, store: &Store, scope: Option<&str>) {
        let ring = store.logs();
        let key = CacheKey {
            filter: self.filter.text().to_string(),
            scope: scope.map(str::to_string),
            fold: self.fold,
            open_generation: self.open_generation,
            first_seq: ring.first_seq(),
            next_seq: ring.next_seq(),
        };
        let Some(old) = &self.key else {
            self.rebuild(store, scope);
            self.key = Some(key);
            return;
        };
        if *old == key {
            return;
        }
        let appended_only = old.filter == key.filter
            && old.scope == key.scope
            && old.fold == key.fold
            && old.open_generation == key.open_generation
            && !key.fold
            && !self.filter.needs_cold()
            && old.next_seq >= key.first_seq;
        if appended_only {
            let keep_from = key.first_seq;
            let drop = self.rows.partition_point(|r| r.seq < keep_from);
            self.rows.drain(..drop);
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
    }

    fn rebuild(&mut self, store: &Store, scope: Option<&str>) {
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
    pub fn jump_to_invocation(&mut self, store: &Store) -> Notice {
        let Some((_, event)) = self.selected(store) else {
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
                    sanitize(&e.function),
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

fn in_scope(e: &LogEvent, scope: Option<&str>) -> bool {
    scope.is_none_or(|f| *e.function == *f)
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

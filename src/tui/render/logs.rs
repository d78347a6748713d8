//! The log pane: the newest log lines (of every function, or of the one in the detail view),
//! filtered, with filter matches highlighted, made inert before drawing.
//!
//! ```text
//! ─ Logs · orders-prod-api (41 of 5899 lines, paused · folded) ─────────────────────
//!  filter: level:error timeout▏                                       3 lines match
//! 15:26:29 REPORT RequestId: dd99… Duration: 3000.00 ms … Status: timeout
//!   │ 15:26:26 START RequestId: dd99… Version: $LATEST
//!   │ 15:26:29 [ERROR] KeyError: 'customer_id' (+3 lines)
//! ```

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use unicode_width::UnicodeWidthChar;

use crate::format::plural;
use crate::lambda_log::filter::{LogFilter, merge_ranges};
use crate::lambda_log::summary::report_summary;
use crate::lambda_log::{Level, LogLine, parse};
use crate::model::{LogEvent, Origin};
use crate::store::Store;
use crate::tui::log_pane::Row;
use crate::tui::log_text::without_columns;
use crate::tui::sanitize::sanitize;
use crate::tui::theme::Theme;
use crate::tui::view::{Pane, ViewState};

/// Continuation lines shown for one expanded message, at most.
const MAX_EXPANDED: usize = 40;

pub fn render(frame: &mut Frame, area: Rect, view: &mut ViewState, store: &Store, theme: &Theme) {
    view.refresh_logs(store);
    let focused = view.pane == Pane::Logs;
    let border = if focused { theme.accent } else { theme.muted };
    let scope = view.log_scope().cloned();
    let pane = &view.logs;
    let show_bar = pane.editing || !pane.input().is_empty();
    let show_search = pane.has_search();
    let bars = u16::from(show_bar) + u16::from(show_search);
    let height = usize::from(area.height.saturating_sub(1 + bars));
    let ring = store.logs();

    let mut lines: Vec<Line> = Vec::with_capacity(height + 2);
    if show_bar {
        lines.push(filter_bar(view, theme));
    }
    if show_search {
        lines.push(search_bar(view, theme));
    }

    // With several Regions, each name comes after its Region (and account), as in the table.
    let place_width = store
        .functions()
        .filter(|_| scope.is_none() && store.several())
        .map(|f| Origin::label_width(f.id.account.as_deref(), f.id.region.as_deref()) + 1)
        .max()
        .unwrap_or(0);
    let name_width = match scope {
        Some(_) => 0,
        None => {
            let names = store
                .functions()
                .map(|f| f.name().chars().count())
                .max()
                .unwrap_or(8)
                .min(28)
                .min(usize::from(area.width / 5));
            place_width + names
        }
    };
    // Times carry their date when the lines read span more than a day.
    let dated = store
        .log_span()
        .is_some_and(|(first, last)| crate::format::spans_days(first, last));
    let gutter = Gutter {
        name_width,
        place_width,
        dated,
    };
    let pane = &mut view.logs;
    let fit = Fit {
        width: usize::from(area.width),
        wrap: pane.wrap,
        hscroll: pane.hscroll,
    };
    let fold = pane.fold;
    let following = pane.following();
    let cursor = pane.cursor_index();
    let expanded = |i: usize, row: &Row| row.nested || (!following && Some(i) == cursor);
    let top = pane.scroll_to_cursor(height, |i, row| {
        ring.get(row.seq).map_or(1, |e| {
            RowText::new(e, row, expanded(i, row), fold).height(row, gutter, fit)
        })
    });
    let rows = pane.rows();
    let marks = [pane.filter(), pane.search()];
    let mut drawn = 0;
    for (i, row) in rows.iter().enumerate().skip(top) {
        if drawn >= height {
            break;
        }
        let Some(e) = ring.get(row.seq) else { continue };
        let selected = !following && Some(i) == cursor;
        let text = RowText::new(e, row, expanded(i, row), fold);
        let row_lines = draw_row(e, row, &text, selected, gutter, &marks, fit, theme);
        drawn += row_lines.len();
        lines.extend(row_lines);
    }
    lines.truncate(height + usize::from(bars));

    // In words: frozen (p: nothing changes on screen), following the newest lines, or staying
    // where the cursor is (f).
    let state = if view.frozen {
        "frozen: p resumes"
    } else if following {
        "following"
    } else {
        "staying put: f follows"
    };
    let mut title = vec![Span::styled(" Logs ", border)];
    match &scope {
        Some(f) => {
            let name = if store.several() {
                f.origin().qualify(&f.name)
            } else {
                f.name.to_string()
            };
            title.push(Span::styled(
                format!("· {} ", sanitize(&name)),
                theme.accent,
            ));
        }
        // In a detail view with `a`: say that the pane is not the function's.
        None if view.detail.is_some() => {
            title.push(Span::styled("· every function ", theme.accent));
        }
        None => {}
    }
    let shown = if pane.filter().is_empty() && scope.is_none() && !pane.fold {
        plural(ring.len() as u64, "line")
    } else {
        format!("{} of {}", rows.len(), plural(ring.len() as u64, "line"))
    };
    let fold = if pane.fold { " · folded" } else { "" };
    let reading = if pane.wrap {
        " · wrap".to_string()
    } else if pane.hscroll > 0 {
        format!(" · → col {}", pane.hscroll)
    } else {
        String::new()
    };
    let search = match (
        pane.search().is_empty(),
        pane.hit_number(),
        pane.hits().len(),
    ) {
        (true, _, _) => String::new(),
        (false, _, 0) => " · no match".to_string(),
        (false, Some(n), all) => format!(" · match {n} of {all}"),
        (false, None, all) => format!(" · {all} matches"),
    };
    title.push(Span::styled(
        format!("({shown}, {state}{fold}{reading}{search}) "),
        theme.muted,
    ));
    let block = Block::new()
        .borders(Borders::TOP)
        .border_style(border)
        .title(Line::from(title));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// `filter: <text>▏` and, on the right, the error or how many lines match.
fn filter_bar<'a>(view: &ViewState, theme: &Theme) -> Line<'a> {
    let pane = &view.logs;
    let mut spans = vec![
        Span::styled(" filter: ", theme.muted),
        Span::styled(sanitize(pane.input()).into_owned(), theme.text),
    ];
    if pane.editing {
        spans.push(Span::styled("▏", theme.accent));
    }
    match pane.error() {
        Some(e) => spans.push(Span::styled(
            format!("  {} (not applied)", sanitize(e)),
            theme.error,
        )),
        None => spans.push(Span::styled(
            format!("  {} shown", pane.rows().len()),
            theme.muted,
        )),
    }
    if pane.can_go_back() {
        spans.push(Span::styled("  Esc: previous filter", theme.muted));
    }
    Line::from(spans)
}

/// `search: <text>▏` and how many lines it matches, or why it does not apply.
fn search_bar<'a>(view: &ViewState, theme: &Theme) -> Line<'a> {
    let pane = &view.logs;
    let mut spans = vec![
        Span::styled(" search: ", theme.muted),
        Span::styled(sanitize(pane.search_input()).into_owned(), theme.text),
    ];
    if pane.searching {
        spans.push(Span::styled("▏", theme.accent));
    }
    let hits = pane.hits().len();
    match pane.search_error() {
        Some(e) => spans.push(Span::styled(
            format!("  {} (not applied)", sanitize(e)),
            theme.error,
        )),
        None if pane.search().is_empty() => {}
        None if hits == 0 => spans.push(Span::styled("  no line matches", theme.warn)),
        None => spans.push(Span::styled(
            format!(
                "  {hits} matching line{} · n / N next / previous · Esc clears",
                if hits == 1 { "" } else { "s" }
            ),
            theme.muted,
        )),
    }
    Line::from(spans)
}

/// Lines after the first of a message (trailing blank lines do not count).
fn continuation_count(e: &LogEvent) -> usize {
    e.message.trim_end().lines().count().saturating_sub(1)
}

/// How the message part of a row meets the pane's width.
#[derive(Debug, Clone, Copy)]
struct Fit {
    width: usize,
    /// Long lines continue on the rows below, under the message's first column.
    wrap: bool,
    /// Columns cut on the left, when not wrapping.
    hscroll: usize,
}

/// What one log row says, before it is styled and fitted to the width.
struct RowText {
    /// The first line as shown: an app line without its columns, a folded REPORT as a summary.
    first: String,
    style_of: String,
    /// `… (+N lines)` when the message has more lines and the row is not expanded.
    note: Option<String>,
    /// The expanded row's further lines (at most [`MAX_EXPANDED`]), and `… N more lines`.
    more: Vec<String>,
    rest: Option<String>,
}

impl RowText {
    fn new(e: &LogEvent, row: &Row, expanded: bool, fold: bool) -> Self {
        let message = e.message.trim_end();
        let mut physical = message.lines();
        let raw = physical.next().unwrap_or("");
        let line = parse(raw);
        let first = match &line {
            LogLine::Report(r) if fold && !row.nested => report_summary(r),
            _ => without_columns(raw, &line).unwrap_or_else(|| raw.to_string()),
        };
        let more_count = continuation_count(e);
        let mut text = RowText {
            first: sanitize(&first).into_owned(),
            style_of: raw.to_string(),
            note: (more_count > 0 && !expanded)
                .then(|| format!(" … (+{})", plural(more_count as u64, "line"))),
            more: Vec::new(),
            rest: None,
        };
        if expanded && more_count > 0 {
            text.more = physical
                .by_ref()
                .take(MAX_EXPANDED)
                .map(|l| sanitize(l).into_owned())
                .collect();
            let rest = physical.count();
            text.rest = (rest > 0).then(|| format!("… {} more", plural(rest as u64, "line")));
        }
        text
    }

    /// Rows it takes on screen.
    fn height(&self, row: &Row, gutter: Gutter, fit: Fit) -> usize {
        let first = format!("{}{}", self.first, self.note.as_deref().unwrap_or(""));
        let pad = continuation_pad(row, gutter);
        pieces_rows(&first, gutter_width(row, gutter), fit)
            + self
                .more
                .iter()
                .map(|l| pieces_rows(l, pad, fit))
                .sum::<usize>()
            + usize::from(self.rest.is_some())
    }
}

/// What a row shows before its message: its time (with the date when the lines span days) and,
/// when the pane shows several functions, the function's name in `name_width` columns (its
/// Region and account first, in `place_width` of them, when there are several).
#[derive(Debug, Clone, Copy)]
struct Gutter {
    name_width: usize,
    place_width: usize,
    dated: bool,
}

impl Gutter {
    /// The time and the space after it.
    fn time_width(self) -> usize {
        if self.dated { 15 } else { 9 }
    }
}

/// Columns before the message: the indent of a nested row, the time and the function name.
fn gutter_width(row: &Row, gutter: Gutter) -> usize {
    let name = if gutter.name_width > 0 {
        gutter.name_width + 1
    } else {
        0
    };
    continuation_pad(row, gutter) + name
}

/// The indent of an expanded message's further lines: the nested row's indent and the time.
fn continuation_pad(row: &Row, gutter: Gutter) -> usize {
    let indent = if row.nested {
        NESTED.chars().count()
    } else {
        0
    };
    indent + gutter.time_width()
}

/// Marks a row inside an invocation opened in the folded view.
const NESTED: &str = "  │ ";

/// Rows `text` takes after a gutter of `gutter` columns.
fn pieces_rows(text: &str, gutter: usize, fit: Fit) -> usize {
    if fit.wrap {
        wrap_ranges(text, fit.width.saturating_sub(gutter)).len()
    } else {
        1
    }
}

/// Byte ranges of `text` that fit in `avail` columns each, in order (at least one range):
/// broken after a space when the row has one, else where the row is full.
pub(super) fn wrap_ranges(text: &str, avail: usize) -> Vec<Range<usize>> {
    let avail = avail.max(1);
    let mut ranges = Vec::new();
    let mut start = 0;
    // Columns used since `start`, and the last break after a space (its byte index and the
    // columns up to it).
    let mut used = 0;
    let mut space: Option<(usize, usize)> = None;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > avail && i > start {
            let (at, cols) = space.filter(|&(at, _)| at > start).unwrap_or((i, used));
            ranges.push(start..at);
            start = at;
            used -= cols;
            space = None;
            // The word since the space is itself longer than a row.
            if used + w > avail && i > start {
                ranges.push(start..i);
                (start, used) = (i, 0);
            }
        }
        used += w;
        if c == ' ' {
            space = Some((i + 1, used));
        }
    }
    ranges.push(start..text.len());
    ranges
}

/// The byte range of `text` shown from column `from`, `avail` columns wide.
fn column_range(text: &str, from: usize, avail: usize) -> Range<usize> {
    let (mut col, mut start, mut end) = (0, text.len(), text.len());
    for (i, c) in text.char_indices() {
        if col >= from && start == text.len() {
            start = i;
        }
        if col >= from + avail {
            end = i;
            break;
        }
        col += c.width().unwrap_or(0);
    }
    start.min(end)..end
}

/// The spans of `pieces` (styled parts of one text) inside the byte range `r` of their text.
fn slice(pieces: &[Span<'static>], r: Range<usize>) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut at = 0;
    for p in pieces {
        let len = p.content.len();
        let (from, to) = (r.start.max(at), r.end.min(at + len));
        if from < to
            && let Some(part) = p.content.get(from - at..to - at)
        {
            out.push(Span::styled(part.to_string(), p.style));
        }
        at += len;
    }
    out
}

/// `head` (a gutter `gutter` columns wide) and `pieces` fitted to the width: wrapped under the
/// message's first column, or cut at the edge after scrolling `fit.hscroll` columns.
fn fitted(
    head: Vec<Span<'static>>,
    gutter: usize,
    pieces: Vec<Span<'static>>,
    fit: Fit,
    pad_style: Style,
) -> Vec<Line<'static>> {
    let text: String = pieces.iter().map(|p| p.content.as_ref()).collect();
    let avail = fit.width.saturating_sub(gutter);
    let ranges = if fit.wrap {
        wrap_ranges(&text, avail)
    } else {
        vec![column_range(&text, fit.hscroll, avail)]
    };
    let mut head = Some(head);
    ranges
        .into_iter()
        .map(|r| {
            let mut spans = head
                .take()
                .unwrap_or_else(|| vec![Span::styled(" ".repeat(gutter), pad_style)]);
            spans.extend(slice(&pieces, r));
            Line::from(spans)
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn draw_row(
    e: &LogEvent,
    row: &Row,
    text: &RowText,
    selected: bool,
    gutter: Gutter,
    marks: &[&LogFilter],
    fit: Fit,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let style = line_style(&text.style_of, theme);
    let pick = |s: Style| if selected { theme.selection } else { s };
    let indent = if row.nested { NESTED } else { "" };
    let mut head = vec![Span::styled(
        format!(
            "{indent}{} ",
            crate::format::clock(e.timestamp, gutter.dated)
        ),
        pick(theme.muted),
    )];
    let name_width = gutter.name_width;
    if name_width > 0 {
        let name = if gutter.place_width > 0 {
            let place = e.origin.label();
            format!("{place:<width$}{}", e.function, width = gutter.place_width)
        } else {
            e.function.to_string()
        };
        let name: String = sanitize(&name).chars().take(name_width).collect();
        head.push(Span::styled(
            format!("{name:<name_width$} "),
            pick(theme.muted),
        ));
    }
    let width = gutter_width(row, gutter);
    let mut pieces = highlighted(text.first.clone(), marks, pick(style), theme.highlight);
    if let Some(note) = &text.note {
        pieces.push(Span::styled(note.clone(), pick(theme.muted)));
    }
    let mut lines = fitted(head, width, pieces, fit, pick(theme.muted));
    let pad = continuation_pad(row, gutter);
    for l in &text.more {
        let head = vec![Span::styled(" ".repeat(pad), pick(theme.muted))];
        let pieces = highlighted(l.clone(), marks, pick(style), theme.highlight);
        lines.extend(fitted(head, pad, pieces, fit, pick(theme.muted)));
    }
    if let Some(rest) = &text.rest {
        lines.push(Line::styled(
            format!("{}{rest}", " ".repeat(pad)),
            pick(theme.muted),
        ));
    }
    lines
}

/// Errors in the error colour, warnings in the warning colour, REPORT lines as accents.
fn line_style(first: &str, theme: &Theme) -> Style {
    let line = parse(first);
    match line.level() {
        Some(l) if l >= Level::Error => theme.error,
        Some(Level::Warn) => theme.warn,
        _ if matches!(line, LogLine::Report(_)) => theme.accent,
        _ => theme.text,
    }
}

/// `text` (already made inert) split into spans, what the filter and the search match in
/// `highlight`.
fn highlighted<'a>(
    text: String,
    marks: &[&LogFilter],
    base: Style,
    highlight: Style,
) -> Vec<Span<'a>> {
    let ranges = merge_ranges(marks.iter().flat_map(|f| f.highlights(&text)).collect());
    if ranges.is_empty() {
        return vec![Span::styled(text, base)];
    }
    let mut spans = Vec::with_capacity(ranges.len() * 2 + 1);
    let mut at = 0;
    for r in ranges {
        let (Some(before), Some(hit)) = (text.get(at..r.start), text.get(r.clone())) else {
            continue;
        };
        if !before.is_empty() {
            spans.push(Span::styled(before.to_string(), base));
        }
        spans.push(Span::styled(hit.to_string(), highlight));
        at = r.end;
    }
    if let Some(rest) = text.get(at..)
        && !rest.is_empty()
    {
        spans.push(Span::styled(rest.to_string(), base));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(spans: &[Span]) -> String {
        spans.iter().map(|s| s.content.as_ref()).collect()
    }

    fn pieces(text: &str, avail: usize) -> Vec<&str> {
        wrap_ranges(text, avail)
            .into_iter()
            .map(|r| &text[r])
            .collect()
    }

    #[test]
    fn wrapping_breaks_after_spaces_and_inside_words_too_long_for_a_row() {
        assert_eq!(pieces("lorem ipsum dolor", 11), ["lorem ", "ipsum dolor"]);
        assert_eq!(pieces("ab abcdefghij", 5), ["ab ", "abcde", "fghij"]);
        assert_eq!(pieces("abcdefgh", 3), ["abc", "def", "gh"]);
        // Wide characters take two columns.
        assert_eq!(pieces("日本語です", 5), ["日本", "語で", "す"]);
        assert_eq!(pieces("", 5), [""]);
    }

    #[test]
    fn scrolling_sideways_cuts_by_columns() {
        let text = "0123456789";
        assert_eq!(&text[column_range(text, 3, 4)], "3456");
        assert_eq!(&text[column_range(text, 8, 4)], "89");
        assert_eq!(&text[column_range(text, 20, 4)], "");
    }

    #[test]
    fn highlighting_keeps_the_text_and_marks_matches() {
        let f = LogFilter::parse("timeout /\\d+/").unwrap();
        let theme = Theme::dark();
        let spans = highlighted(
            "Task TIMEOUT after 3 s".to_string(),
            &[&f],
            theme.text,
            theme.highlight,
        );
        assert_eq!(text_of(&spans), "Task TIMEOUT after 3 s");
        let marked: Vec<&str> = spans
            .iter()
            .filter(|s| s.style == theme.highlight)
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, ["TIMEOUT", "3"]);
    }
}

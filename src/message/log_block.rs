//! A block of log lines read and parsed away from the store's thread: the one form in which log
//! lines reach the store.
//!
//! A source that reads a lot of log text at once (`--replay`) cuts it into blocks of whole lines,
//! parses each block on a worker thread and sends it as one [`LogBlock`]: the text and, borrowing
//! from it, one [`BlockLine`] per event. A source that reads events one by one (a CloudWatch
//! page, the demo) makes a block of them with [`LogBlock::from_events`]. The store folds the
//! parsed lines into its analytics without copying or re-parsing them; only the lines the log
//! pane will keep (`pane`) are owned events.

use std::borrow::Cow;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};

use crate::lambda_log::LogLine;
use crate::model::LogEvent;

/// The time a line carries, as read; the source, which knows the previous line's time, resolves
/// it into [`LineTime::At`] (see [`BlockLine::at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTime {
    /// A full date and time.
    At(DateTime<Utc>),
    /// A bare time of day (`21:00:55`): on the date of the previous event.
    Clock(NaiveTime),
    /// A date and time without a year (`May  1 12:00:00`, as syslog writes): in the year of
    /// the previous event. The year in it is a placeholder.
    Yearless(NaiveDateTime),
    /// None: the time of the previous event.
    Inherited,
}

/// One log event of a block.
#[derive(Debug)]
pub struct BlockLine<'a> {
    /// Where the line starts in the block's text.
    pub offset: u32,
    /// Index of the function in [`LogBlock::functions`].
    pub function: u32,
    /// The time the line carries, as read; [`LineTime::At`] once the source resolved it (see
    /// [`BlockLine::at`]).
    pub time: LineTime,
    /// A `REPORT` that stands for its invocation's `START` too: the `START` came right before it
    /// (no line kept between them, so its time is the time before the `REPORT`'s) and was left
    /// out by the source.
    pub started: bool,
    /// Where the line says it comes from.
    pub source: LineSource<'a>,
    pub message: Cow<'a, str>,
    /// `message` parsed; `None` when the message is owned (decoded from JSON), in which case
    /// the store parses it.
    pub parsed: Option<LogLine<'a>>,
    /// A digest of the request id `parsed` is about, made where the line was parsed (and its
    /// text is at hand), for a source that recognises lines read twice; `None` when the line is
    /// about no invocation or was not parsed.
    pub id_digest: Option<u64>,
}

impl BlockLine<'_> {
    /// When the event was written: its time once the source resolved it, the Unix epoch before.
    pub fn at(&self) -> DateTime<Utc> {
        match self.time {
            LineTime::At(t) => t,
            _ => DateTime::UNIX_EPOCH,
        }
    }
}

/// Where a block line says it comes from: most lines say nothing.
#[derive(Debug, Default)]
pub enum LineSource<'a> {
    #[default]
    Unsaid,
    /// A log stream, named in front of a line of text.
    Stream(&'a str),
    /// An exported event, which says its own.
    Exported(Box<Exported>),
}

/// What an exported event (JSON) says of where it comes from.
#[derive(Debug, Default)]
pub struct Exported {
    pub stream: Option<String>,
    /// The function, named by the event's log group (or stream).
    pub named: Option<String>,
    pub event_id: Option<String>,
}

impl LineSource<'_> {
    /// The log stream, when the line names one.
    pub fn stream(&self) -> Option<&str> {
        match self {
            LineSource::Unsaid => None,
            LineSource::Stream(s) => Some(s),
            LineSource::Exported(e) => e.stream.as_deref(),
        }
    }

    /// The event's id, when it has one.
    pub fn event_id(&self) -> Option<&str> {
        match self {
            LineSource::Exported(e) => e.event_id.as_deref(),
            _ => None,
        }
    }
}

/// The lines of a block, borrowing from its text.
pub type BlockLines<'a> = Vec<BlockLine<'a>>;

self_cell::self_cell!(
    /// A block's text (UTF-8) and its lines.
    pub struct ParsedText {
        owner: Vec<u8>,
        #[covariant]
        dependent: BlockLines,
    }
);

impl std::fmt::Debug for ParsedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedText")
            .field("bytes", &self.borrow_owner().len())
            .field("lines", &self.borrow_dependent().len())
            .finish()
    }
}

/// Log events parsed off the store's thread; see the module documentation.
#[derive(Debug)]
pub struct LogBlock {
    /// Always `Some` but while being dropped.
    text: Option<ParsedText>,
    /// The functions `BlockLine::function` indexes.
    pub functions: Vec<Arc<str>>,
    /// Events for the log pane, oldest first: a source may leave out lines it knows the pane
    /// would drop anyway.
    pub pane: Vec<LogEvent>,
    /// Where the block goes when it is dropped, for its buffers to be reused.
    pool: Option<Arc<BlockPool>>,
}

impl LogBlock {
    /// Parses `text` into lines with `parse_lines`.
    pub fn parse(
        text: String,
        parse_lines: impl for<'a> FnOnce(&'a str) -> BlockLines<'a>,
    ) -> Self {
        LogBlock {
            text: Some(parsed_text(text.into_bytes(), Vec::new(), |t, lines| {
                *lines = parse_lines(t);
            })),
            functions: Vec::new(),
            pane: Vec::new(),
            pool: None,
        }
    }

    /// A block of events read one by one, all of them for the log pane too. Each message is
    /// parsed here, by the source.
    pub fn from_events(events: Vec<LogEvent>) -> Self {
        let mut text = String::with_capacity(events.iter().map(|e| e.message.len()).sum());
        let mut functions: Vec<Arc<str>> = Vec::new();
        let mut index: rustc_hash::FxHashMap<Arc<str>, u32> = Default::default();
        let mut placed = Vec::with_capacity(events.len());
        for e in &events {
            let function = *index.entry(e.function.clone()).or_insert_with(|| {
                functions.push(e.function.clone());
                (functions.len() - 1) as u32
            });
            let start = text.len();
            text.push_str(&e.message);
            placed.push((start, text.len(), function));
        }
        let mut block = LogBlock::parse(text, |t| {
            events
                .iter()
                .zip(&placed)
                .map(|(e, &(start, end, function))| {
                    let message = &t[start..end];
                    BlockLine {
                        offset: start as u32,
                        function,
                        time: LineTime::At(e.timestamp),
                        started: false,
                        source: LineSource::Unsaid,
                        message: Cow::Borrowed(message),
                        parsed: Some(crate::lambda_log::parse(message)),
                        id_digest: None,
                    }
                })
                .collect()
        });
        block.functions = functions;
        block.pane = events;
        block
    }

    /// Parses `text` with `parse_lines` into a buffer from `pool`, where the block goes back
    /// when it is dropped. Invalid UTF-8 in `text` is replaced (as it would be line by line: a
    /// newline ends any broken sequence).
    pub fn parse_pooled(
        text: Vec<u8>,
        pool: &Arc<BlockPool>,
        parse_lines: impl for<'a> FnOnce(&'a str, &mut BlockLines<'a>),
    ) -> Self {
        LogBlock {
            text: Some(parsed_text(text, pool.take_lines(), parse_lines)),
            functions: Vec::new(),
            pane: Vec::new(),
            pool: Some(pool.clone()),
        }
    }

    /// The block's lines.
    pub fn lines(&self) -> &[BlockLine<'_>] {
        self.text.as_ref().map_or(&[], |t| t.borrow_dependent())
    }

    /// Calls `f` with the block's lines, to change them.
    pub fn with_lines_mut(&mut self, f: impl for<'a> FnOnce(&mut BlockLines<'a>)) {
        if let Some(t) = &mut self.text {
            t.with_dependent_mut(|_, lines| f(lines));
        }
    }

    /// Whether the block goes back to a pool when dropped.
    pub fn is_pooled(&self) -> bool {
        self.pool.is_some()
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.lines().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// `text` checked to be UTF-8 (once, unless it is not) and parsed into `spare` with
/// `parse_lines`; invalid UTF-8 is replaced first.
fn parsed_text<F>(text: Vec<u8>, spare: BlockLines<'static>, parse_lines: F) -> ParsedText
where
    F: for<'a> FnOnce(&'a str, &mut BlockLines<'a>),
{
    fn run<'a, F: for<'b> FnOnce(&'b str, &mut BlockLines<'b>)>(
        todo: &mut Option<(F, BlockLines<'static>)>,
        text: &'a str,
    ) -> BlockLines<'a> {
        let Some((parse_lines, spare)) = todo.take() else {
            return Vec::new();
        };
        let mut lines: BlockLines<'a> = spare;
        parse_lines(text, &mut lines);
        lines
    }
    let mut todo = Some((parse_lines, spare));
    ParsedText::try_new_or_recover(text, |bytes| {
        simdutf8::basic::from_utf8(bytes).map(|text| run(&mut todo, text))
    })
    .unwrap_or_else(|(bytes, _)| {
        let text = String::from_utf8_lossy(&bytes).into_owned().into_bytes();
        ParsedText::new(text, |bytes| {
            run(&mut todo, std::str::from_utf8(bytes).unwrap_or_default())
        })
    })
}

impl Drop for LogBlock {
    fn drop(&mut self) {
        // Handed over whole: the thread that reuses the buffers pays for dropping the lines.
        if let (Some(pool), Some(text)) = (self.pool.take(), self.text.take()) {
            pool.put(text);
        }
    }
}

/// Blocks that were dropped, whose buffers the next blocks reuse, so that reading does not keep
/// asking the system for fresh memory. It also counts the blocks dropped, so that a reader can
/// wait for the store to catch up.
#[derive(Debug, Default)]
pub struct BlockPool {
    state: Mutex<PoolState>,
    dropped_one: Condvar,
}

#[derive(Debug, Default)]
struct PoolState {
    used: Vec<ParsedText>,
    texts: Vec<Vec<u8>>,
    dropped: u64,
}

impl BlockPool {
    /// Buffers kept of each kind.
    const KEEP: usize = 32;

    /// A text buffer (empty).
    pub fn take_text(&self) -> Vec<u8> {
        let mut s = lock(&self.state).texts.pop().unwrap_or_default();
        s.clear();
        s
    }

    /// Pooled blocks dropped so far.
    pub fn dropped(&self) -> u64 {
        lock(&self.state).dropped
    }

    /// Waits until `n` pooled blocks have been dropped, or `timeout` has passed.
    pub fn wait_dropped(&self, n: u64, timeout: Duration) {
        let state = lock(&self.state);
        let _ = self
            .dropped_one
            .wait_timeout_while(state, timeout, |s| s.dropped < n);
    }

    /// A lines buffer (empty); its block's text goes to the text buffers.
    fn take_lines(&self) -> BlockLines<'static> {
        let Some(mut used) = lock(&self.state).used.pop() else {
            return Vec::new();
        };
        let lines = used.with_dependent_mut(|_, lines| {
            let mut lines = std::mem::take(lines);
            lines.clear();
            // Empty, the buffer borrows nothing: keep its allocation for any text.
            #[allow(clippy::unnecessary_filter_map)] // it changes the element type
            lines
                .into_iter()
                .filter_map(|_| None)
                .collect::<BlockLines<'static>>()
        });
        let text = used.into_owner();
        let mut state = lock(&self.state);
        if state.texts.len() < Self::KEEP {
            state.texts.push(text);
        }
        lines
    }

    fn put(&self, text: ParsedText) {
        let mut state = lock(&self.state);
        state.dropped += 1;
        if state.used.len() < Self::KEEP {
            state.used.push(text);
        }
        drop(state);
        self.dropped_one.notify_all();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages(block: &LogBlock) -> Vec<&str> {
        block.lines().iter().map(|l| &*l.message).collect()
    }

    fn each_line<'a>(text: &'a str, lines: &mut BlockLines<'a>) {
        lines.extend(text.lines().map(|line| BlockLine {
            offset: 0,
            function: 0,
            time: LineTime::Inherited,
            started: false,
            source: LineSource::Unsaid,
            message: Cow::Borrowed(line),
            parsed: None,
            id_digest: None,
        }));
    }

    #[test]
    fn invalid_utf8_is_replaced_and_the_buffers_are_reused() {
        let pool = Arc::new(BlockPool::default());
        let block = LogBlock::parse_pooled(b"a\xffb\nc\xe2\x82\n".to_vec(), &pool, each_line);
        assert_eq!(messages(&block), ["a\u{fffd}b", "c\u{fffd}"]);
        drop(block);
        assert_eq!(pool.dropped(), 1);
        let block = LogBlock::parse_pooled(b"d\ne\n".to_vec(), &pool, each_line);
        assert_eq!(messages(&block), ["d", "e"]);
        assert!(
            pool.take_text().capacity() > 0,
            "the first block's text is reused"
        );
    }
}

//! A block of log lines read and parsed away from the store's thread.
//!
//! A source that reads a lot of log text at once (`--replay`) cuts it into blocks of whole lines,
//! parses each block on a worker thread and sends it as one [`LogBlock`]: the text and, borrowing
//! from it, one [`BlockLine`] per event. The store folds the parsed lines into its analytics
//! without copying or re-parsing them; only the lines the log pane will keep (`pane`) are owned
//! events.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveTime, Utc};

use crate::lambda_log::LogLine;
use crate::model::LogEvent;

/// The time a line carries, as read: resolved into [`BlockLine::at`] by the source, which knows
/// the previous line's time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTime {
    /// A full date and time.
    At(DateTime<Utc>),
    /// A bare time of day (`21:00:55`): on the date of the previous event.
    Clock(NaiveTime),
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
    /// When the event was written (resolved from `time`).
    pub at: DateTime<Utc>,
    pub time: LineTime,
    /// The log stream, when the line names one.
    pub stream: Option<Cow<'a, str>>,
    /// The function, when the line names one (by its log group or stream).
    pub named: Option<Cow<'a, str>>,
    pub message: Cow<'a, str>,
    pub event_id: Option<String>,
    /// `message` parsed; `None` when the message is owned (decoded from JSON), in which case
    /// the store parses it.
    pub parsed: Option<LogLine<'a>>,
}

/// The lines of a block, borrowing from its text.
pub type BlockLines<'a> = Vec<BlockLine<'a>>;

self_cell::self_cell!(
    /// A block's text and its lines.
    pub struct ParsedText {
        owner: String,
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
    pub lines: ParsedText,
    /// The functions `BlockLine::function` indexes.
    pub functions: Vec<Arc<str>>,
    /// Events for the log pane, oldest first: a source may leave out lines it knows the pane
    /// would drop anyway.
    pub pane: Vec<LogEvent>,
}

impl LogBlock {
    /// Parses `text` into lines with `parse_lines`.
    pub fn parse(
        text: String,
        parse_lines: impl for<'a> FnOnce(&'a str) -> BlockLines<'a>,
    ) -> Self {
        LogBlock {
            lines: ParsedText::new(text, |t| parse_lines(t)),
            functions: Vec::new(),
            pane: Vec::new(),
        }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.lines.borrow_dependent().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

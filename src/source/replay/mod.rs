//! `--replay FILE|-`: Lambda logs saved to a file or piped in, analysed without AWS.
//!
//! Accepted inputs, told apart by their first bytes:
//! - plain messages, one per line, as Lambda wrote them;
//! - `aws logs tail` / `sam logs` output (`<timestamp> <stream> <message>`, or a bare time);
//! - the JSON of `aws logs filter-log-events` / `get-log-events` (`events[]` with `message`,
//!   `timestamp`, `logStreamName`), whose messages may contain newlines;
//! - a CloudWatch Logs subscription payload (`logGroup`, `logEvents[]`);
//! - JSON lines, one exported event per line.
//!
//! The function is named by the log group when the input carries one (or by a custom log
//! group's stream name), else by `--function`, else by the file's stem. Time comes from the
//! input: the replay clock follows the newest event, so the window covers the log's own time. A
//! line without a time has the time of the line before it; lines before the first line with a
//! time have that first time.
//!
//! Text is read in blocks of whole lines ([`blocks`]); worker threads parse the blocks
//! ([`lines`]) while this thread puts them back in order, resolves what depends on earlier lines
//! (times, streams, function names) and sends each block to the store, which folds the parsed
//! lines into its analytics. Only the lines the log pane can still show are copied into events.

mod blocks;
mod lines;

use std::collections::VecDeque;
use std::io::{Cursor, Read};
use std::path::PathBuf;
use std::sync::{Arc, mpsc};
use std::time::Duration;

use chrono::{DateTime, Utc};

use self::blocks::BlockReader;
use self::lines::{ExportedDocument, on_date_of};
use super::Source;
use crate::clock::{Clock, ManualClock};
use crate::message::{BlockPool, LineTime, LogBlock, SourceError, Update};
use crate::message::{DEFAULT_REFRESH, Poller, Provides, SourceContext, SourceKind};
use crate::model::{FunctionConfig, LogEvent};

/// Blocks queued per worker thread.
const QUEUE: usize = 2;
/// Worker threads at most.
const MAX_WORKERS: usize = 8;
/// Blocks sent to the store and not yet folded, at most: the reader waits for the store rather
/// than fill memory ahead of it.
const AHEAD: u64 = 8;
/// Blocks without any time kept back while waiting for the first line with one (then the clock's
/// time is used).
const MAX_HELD: usize = 64;

/// Where the replayed log comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayInput {
    Stdin,
    File(PathBuf),
}

impl ReplayInput {
    /// `-` is standard input.
    pub fn from_arg(path: PathBuf) -> Self {
        if path.as_os_str() == "-" {
            ReplayInput::Stdin
        } else {
            ReplayInput::File(path)
        }
    }

    /// The name a function gets when nothing in the input names it.
    fn fallback_name(&self) -> String {
        match self {
            ReplayInput::Stdin => "stdin".to_string(),
            ReplayInput::File(p) => p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "replay".to_string()),
        }
    }
}

/// The replay source. Its clock is the one the store reads: it moves to the newest event.
pub struct ReplaySource {
    input: ReplayInput,
    function: Option<String>,
    clock: Arc<ManualClock>,
    pane_events: usize,
    workers: usize,
    block_bytes: Option<usize>,
}

impl ReplaySource {
    pub fn new(input: ReplayInput, function: Option<String>, clock: Arc<ManualClock>) -> Self {
        Self {
            input,
            function,
            clock,
            pane_events: crate::message::LOG_PANE_EVENTS,
            workers: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(MAX_WORKERS),
            block_bytes: None,
        }
    }

    /// How many events the log pane keeps (the store's limit): older lines are analysed but
    /// not copied for display.
    pub fn with_pane_events(mut self, events: usize) -> Self {
        self.pane_events = events;
        self
    }

    /// Threads that parse blocks (at least one).
    pub fn with_workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// Reads `bytes` at a time instead of the default block size.
    pub fn with_block_bytes(mut self, bytes: usize) -> Self {
        self.block_bytes = Some(bytes);
        self
    }
}

impl Source for ReplaySource {
    fn kind(&self) -> SourceKind {
        SourceKind::Replay
    }

    fn region(&self) -> Option<String> {
        None
    }

    fn provides(&self) -> Provides {
        Provides {
            pollers: vec![Poller::Logs],
            metrics: false,
            finite: true,
            // No metrics are read on a schedule.
            refresh: DEFAULT_REFRESH,
        }
    }

    fn start(self: Box<Self>, ctx: SourceContext) {
        let source = *self;
        tokio::task::spawn_blocking(move || {
            let fallback = source
                .function
                .clone()
                .unwrap_or_else(|| source.input.fallback_name());
            let mut replay = Replay::new(ctx, &source, fallback);
            let result = replay.run(&source.input);
            let failed = result.is_err();
            if let Err(message) = result {
                replay.send(Update::Failed {
                    poller: Poller::Logs,
                    at: source.clock.now(),
                    error: SourceError::new(
                        message,
                        Some("--replay reads Lambda log lines, `aws logs tail` output or `aws logs filter-log-events` JSON."),
                    ),
                });
            }
            replay.finish(failed);
        });
    }
}

/// What the input has next.
enum Next {
    /// A block of whole lines, and where it starts in the input.
    Block(u64, String),
    /// Nothing yet: a pipe has no new data.
    NotYet,
    End,
}

impl Next {
    fn of(block: std::io::Result<Option<(u64, String)>>) -> Result<Next, String> {
        Ok(match block.map_err(read_error)? {
            Some((offset, text)) => Next::Block(offset, text),
            None => Next::End,
        })
    }
}

fn read_error(e: std::io::Error) -> String {
    format!("cannot read the input: {e}")
}

/// Blocks read from `reader` on a thread of their own, a few ahead.
fn read_ahead<R: Read + Send + 'static>(
    mut reader: BlockReader<R>,
) -> Result<mpsc::Receiver<Result<Next, String>>, String> {
    let (tx, rx) = mpsc::sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("replay-reader".to_string())
        .spawn(move || {
            loop {
                let next = Next::of(reader.next_block());
                let last = !matches!(next, Ok(Next::Block(..)));
                if tx.send(next).is_err() || last {
                    break;
                }
            }
        })
        .map_err(|e| format!("cannot start a thread to read the input: {e}"))?;
    Ok(rx)
}

/// Puts parsed blocks in order, resolves what depends on earlier lines, and sends them.
struct Replay {
    ctx: SourceContext,
    clock: Arc<ManualClock>,
    pane_events: usize,
    workers: usize,
    block_bytes: Option<usize>,
    /// `--function`: names every event.
    forced: Option<Arc<str>>,
    fallback: Arc<str>,
    functions: Vec<Arc<str>>,
    /// The index of the function of lines that name none (or of every line, with `--function`).
    unnamed: Option<u32>,
    /// Functions already sent to the store.
    announced: usize,
    newest: Option<DateTime<Utc>>,
    /// Time of the previous event, for lines that carry none.
    last_time: Option<DateTime<Utc>>,
    last_stream: Arc<str>,
    /// Blocks (and their offsets) read before any line with a time.
    held: Vec<(u64, LogBlock)>,
    /// Offset from which lines are copied for the log pane.
    pane_from: u64,
    /// Buffers of blocks the store is done with, for the next blocks.
    pool: Arc<BlockPool>,
    /// Pooled blocks sent to the store.
    pooled_sent: u64,
    open: bool,
}

impl Replay {
    fn new(ctx: SourceContext, source: &ReplaySource, fallback: String) -> Self {
        Self {
            ctx,
            clock: source.clock.clone(),
            pane_events: source.pane_events,
            workers: source.workers,
            block_bytes: source.block_bytes,
            forced: source.function.as_deref().map(Arc::from),
            fallback: Arc::from(fallback),
            functions: Vec::new(),
            unnamed: None,
            announced: 0,
            newest: None,
            last_time: None,
            last_stream: Arc::from(""),
            held: Vec::new(),
            // With no pane, no line is kept for it, piped or not.
            pane_from: if source.pane_events == 0 { u64::MAX } else { 0 },
            pool: Arc::default(),
            pooled_sent: 0,
            open: true,
        }
    }

    fn send(&mut self, update: Update) {
        if self.open && self.ctx.updates.blocking_send(update).is_err() {
            self.open = false;
        }
    }

    fn run(&mut self, input: &ReplayInput) -> Result<(), String> {
        match input {
            ReplayInput::Stdin => self.read(BlockReader::new(std::io::stdin())),
            ReplayInput::File(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                self.pane_from = blocks::tail_start(&file, self.pane_events)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                self.read(BlockReader::whole_blocks(file))
            }
        }
    }

    fn read(&mut self, reader: BlockReader<impl Read + Send + 'static>) -> Result<(), String> {
        let mut reader = self.configure(reader);
        let Some(first) = reader.next_block().map_err(read_error)? else {
            return Ok(());
        };
        let starts_json = first.1.bytes().find(|b| !b.is_ascii_whitespace()) == Some(b'{');
        if !starts_json {
            let mut first = Some(first);
            if reader.reads_whole_blocks() {
                return self.parse_in_order(|_| match first.take() {
                    Some((offset, text)) => Ok(Next::Block(offset, text)),
                    None => Next::of(reader.next_block()),
                });
            }
            // A pipe may be a live stream: a thread reads it, so that what has come is shown
            // while the next block is waited for.
            let blocks = read_ahead(reader)?;
            return self.parse_in_order(|wait| {
                if let Some((offset, text)) = first.take() {
                    return Ok(Next::Block(offset, text));
                }
                if wait {
                    return blocks.recv().unwrap_or(Ok(Next::End));
                }
                match blocks.try_recv() {
                    Ok(next) => next,
                    Err(mpsc::TryRecvError::Empty) => Ok(Next::NotYet),
                    Err(mpsc::TryRecvError::Disconnected) => Ok(Next::End),
                }
            });
        }
        // A whole JSON document (filter-log-events output) or JSON lines.
        let mut bytes = first.1.into_bytes();
        reader.read_rest(&mut bytes).map_err(read_error)?;
        let text = String::from_utf8(bytes)
            .map_err(|e| format!("cannot read the input as UTF-8 text: {e}"))?;
        if let Ok(doc) = serde_json::from_str::<ExportedDocument>(&text)
            && !(doc.events.is_empty() && doc.log_events.is_empty())
        {
            let lines = doc.into_lines();
            self.accept(0, LogBlock::parse(String::new(), move |_| lines));
            return Ok(());
        }
        let mut reader = self.configure(BlockReader::whole_blocks(Cursor::new(text.into_bytes())));
        self.parse_in_order(|_| Next::of(reader.next_block()))
    }

    fn configure<R: Read>(&self, reader: BlockReader<R>) -> BlockReader<R> {
        let reader = reader.with_pool(self.pool.clone());
        match self.block_bytes {
            Some(bytes) => reader.with_block_bytes(bytes),
            None => reader,
        }
    }

    /// Parses the blocks `next` reads on worker threads and takes them back in order. `next`
    /// is told whether it may wait for input: not while read blocks are still being parsed.
    fn parse_in_order(
        &mut self,
        mut next: impl FnMut(bool) -> Result<Next, String>,
    ) -> Result<(), String> {
        let workers = self.workers;
        let pool = self.pool.clone();
        let pool = &pool;
        let pane_from = self.pane_from;
        std::thread::scope(|scope| {
            let lanes: Vec<_> = (0..workers)
                .map(|_| {
                    let (job_tx, job_rx) = mpsc::sync_channel::<(u64, String)>(QUEUE);
                    let (done_tx, done_rx) = mpsc::sync_channel::<LogBlock>(QUEUE);
                    scope.spawn(move || {
                        for (offset, text) in job_rx {
                            // Where the lines the pane may show start, in this block.
                            let pane_at = usize::try_from(pane_from.saturating_sub(offset))
                                .unwrap_or(usize::MAX);
                            let block = LogBlock::parse_pooled(text, pool, |text, lines| {
                                lines::parse_lines_into(text, pane_at, lines);
                            });
                            if done_tx.send(block).is_err() {
                                break;
                            }
                        }
                    });
                    (job_tx, done_rx)
                })
                .collect();
            let mut offsets = VecDeque::new();
            let (mut sent, mut received) = (0, 0);
            let mut result = Ok(());
            let mut more = true;
            loop {
                while more && result.is_ok() && self.open && sent - received < workers * QUEUE {
                    let store_behind = self.pooled_sent.saturating_sub(AHEAD);
                    if self.pool.dropped() < store_behind {
                        // Never for long: the store drops every block it gets.
                        self.pool
                            .wait_dropped(store_behind, Duration::from_millis(100));
                    }
                    match next(sent == received) {
                        Ok(Next::Block(offset, text)) => {
                            // Never blocks: a lane has at most QUEUE blocks in flight.
                            if lanes[sent % workers].0.send((offset, text)).is_err() {
                                result = Err("a parser thread stopped".to_string());
                                break;
                            }
                            offsets.push_back(offset);
                            sent += 1;
                        }
                        Ok(Next::End) => more = false,
                        // Nothing was waited for while blocks are in flight.
                        Ok(Next::NotYet) => break,
                        Err(e) => result = Err(e),
                    }
                }
                if received == sent {
                    break;
                }
                let Ok(block) = lanes[received % workers].1.recv() else {
                    result = Err("a parser thread stopped".to_string());
                    break;
                };
                let offset = offsets.pop_front().unwrap_or_default();
                received += 1;
                self.accept(offset, block);
            }
            result
        })
    }

    /// Takes the next block in order: held back until some line has a time, then resolved and
    /// sent.
    fn accept(&mut self, offset: u64, block: LogBlock) {
        if self.last_time.is_none() {
            let first = block.lines().iter().find_map(|l| match l.time {
                LineTime::At(t) => Some(t),
                LineTime::Clock(c) => Some(on_date_of(None, c)),
                LineTime::Inherited => None,
            });
            match first {
                Some(t) => self.last_time = Some(t),
                None if self.held.len() < MAX_HELD => {
                    self.held.push((offset, block));
                    return;
                }
                None => self.last_time = Some(self.clock.now()),
            }
        }
        for (offset, held) in std::mem::take(&mut self.held) {
            self.resolve_and_send(offset, held);
        }
        self.resolve_and_send(offset, block);
    }

    /// Gives every line its time and function, copies the lines the pane keeps, and sends the
    /// block.
    fn resolve_and_send(&mut self, offset: u64, mut block: LogBlock) {
        let keep_from = block.len().saturating_sub(self.pane_events);
        let mut out = std::mem::take(&mut block.pane);
        block.with_lines_mut(|lines| {
            for (i, line) in lines.iter_mut().enumerate() {
                let at = match line.time {
                    LineTime::At(t) => t,
                    LineTime::Clock(c) => on_date_of(self.last_time, c),
                    LineTime::Inherited => self.last_time.unwrap_or_else(|| self.clock.now()),
                };
                line.at = at;
                self.last_time = Some(at);
                self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
                line.function = self.function_index(line.named.as_deref());
                if let Some(s) = &line.stream
                    && *self.last_stream != **s
                {
                    self.last_stream = Arc::from(&**s);
                }
                if i >= keep_from && offset + u64::from(line.offset) >= self.pane_from {
                    out.push(LogEvent {
                        function: self.functions[line.function as usize].clone(),
                        timestamp: at,
                        stream: self.last_stream.clone(),
                        message: line.message.to_string(),
                        event_id: line.event_id.clone(),
                    });
                }
            }
        });
        block.pane = out;
        if block.is_empty() {
            return;
        }
        block.functions = self.functions.clone();
        if self.announced < self.functions.len() {
            let new = self.functions[self.announced..]
                .iter()
                .map(|f| FunctionConfig::named(&**f))
                .collect();
            self.announced = self.functions.len();
            self.send(Update::Functions(new));
        }
        if let Some(n) = self.newest {
            self.clock.set(n);
        }
        self.pooled_sent += u64::from(block.is_pooled());
        self.send(Update::Logs(Arc::new(block)));
        let at = self.clock.now();
        self.send(Update::Polled {
            poller: Poller::Logs,
            at,
        });
    }

    /// The index of an event's function: `--function`, the one the line names, or the fallback.
    fn function_index(&mut self, named: Option<&str>) -> u32 {
        if self.forced.is_some() || named.is_none() {
            // Most logs name no function: the same one for every line.
            if let Some(i) = self.unnamed {
                return i;
            }
        }
        let name = match (&self.forced, named) {
            (Some(f), _) => f,
            (None, Some(n)) => n,
            (None, None) => &*self.fallback,
        };
        let index = match self.functions.iter().position(|f| **f == *name) {
            Some(i) => i,
            None => {
                self.functions.push(Arc::from(name));
                self.functions.len() - 1
            }
        };
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        if self.forced.is_some() || named.is_none() {
            self.unnamed = Some(index);
        }
        index
    }

    fn finish(mut self, failed: bool) {
        if !self.held.is_empty() {
            // No line had a time.
            self.last_time = Some(self.clock.now());
            for (offset, held) in std::mem::take(&mut self.held) {
                self.resolve_and_send(offset, held);
            }
        }
        if !failed {
            let at = self.clock.now();
            self.send(Update::Polled {
                poller: Poller::Logs,
                at,
            });
        }
        self.send(Update::Ended);
    }
}

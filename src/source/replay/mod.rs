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
//! Text is read in blocks of whole lines ([`blocks`]); worker threads (this one among them) take
//! the blocks one at a time, each reading the block it then parses ([`lines`]). The worker that
//! parsed the next block in order takes it back: it resolves what depends on earlier lines
//! (times, streams, function names) and sends the block to the store, which folds the parsed
//! lines into its analytics. Only the lines the log pane can still show are copied into events.
//! JSON documents are streamed ([`json`]), an event at a time.
//!
//! Hostile or broken input is bounded and said: a line longer than 1 MiB is cut, JSON that breaks
//! off or is invalid stops the read with where and how much was read (a failure unless
//! `--accept-partial`), lines that repeat an invocation already read are dropped ([`repeats`]),
//! and a time outside the years 1970–9999 is no time.

mod blocks;
pub mod json;
mod lines;
mod repeats;

use std::collections::BTreeMap;
use std::io::{self, Cursor, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, mpsc};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use self::blocks::{BlockReader, MAX_LINE, lock};
use self::json::{DocumentsError, Sniffed};
use self::lines::{in_year_of, on_date_of};
use self::repeats::Repeats;
use super::Source;
use crate::clock::{Clock, ManualClock};
use crate::format;
use crate::lambda_log::LogLine;
use crate::message::{BlockPool, LineTime, LogBlock, SourceError, Update};
use crate::message::{DEFAULT_REFRESH, Poller, Provides, SourceContext, SourceKind};
use crate::model::{FunctionConfig, LogEvent};

/// Blocks taken and not yet taken back in order, per worker thread.
const QUEUE: usize = 2;
/// How often a worker waiting for a pipe looks whether the reading stopped.
const STOP_CHECK: Duration = Duration::from_millis(100);
/// Worker threads at most.
const MAX_WORKERS: usize = 8;
/// Blocks sent to the store and not yet folded, at most: the reader waits for the store rather
/// than fill memory ahead of it.
const AHEAD: u64 = 4;
/// Blocks without any time kept back while waiting for the first line with one (then the clock's
/// time is used).
const MAX_HELD: usize = 64;
/// With `--once`, how long standard input may give nothing before lambdatop says it waits.
const STALL: Duration = Duration::from_secs(2);
/// Bytes read at a time while finding out what the input is.
const SNIFF_READ: usize = 64 << 10;
/// The dashboard is told what the reading found so far at most this often.
const NOTICE_EVERY: Duration = Duration::from_secs(1);

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

    /// The input, as messages name it.
    fn name(&self) -> String {
        match self {
            ReplayInput::Stdin => "standard input".to_string(),
            ReplayInput::File(p) => p.display().to_string(),
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
    max_line: Option<usize>,
    accept_partial: bool,
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
            max_line: None,
            accept_partial: false,
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

    /// Cuts lines longer than `bytes` instead of 1 MiB.
    pub fn with_max_line(mut self, bytes: usize) -> Self {
        self.max_line = Some(bytes);
        self
    }

    /// `--accept-partial`: JSON that breaks off or is invalid is a notice, and the events read
    /// before it are the replay, instead of a failure.
    pub fn with_accept_partial(mut self, accept: bool) -> Self {
        self.accept_partial = accept;
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
            window_reports: false,
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
            replay.finish(result);
        });
    }
}

/// A block of whole lines and where it starts in the input (not yet checked to be UTF-8); `None`
/// at the end.
type BlockRead = Result<Option<(u64, Vec<u8>)>, String>;

fn read_error(e: std::io::Error) -> String {
    format!("cannot read the input: {e}")
}

/// Blocks read from `reader` on a thread of their own, a few ahead.
fn read_ahead<R: Read + Send + 'static>(
    mut reader: BlockReader<R>,
) -> Result<mpsc::Receiver<BlockRead>, String> {
    let (tx, rx) = mpsc::sync_channel(QUEUE);
    std::thread::Builder::new()
        .name("replay-reader".to_string())
        .spawn(move || {
            loop {
                let next = reader.next_bytes().map_err(read_error);
                let last = !matches!(next, Ok(Some(_)));
                if tx.send(next).is_err() || last {
                    break;
                }
            }
        })
        .map_err(|e| format!("cannot start a thread to read the input: {e}"))?;
    Ok(rx)
}

/// The input's blocks, which the worker threads take one at a time (each reads the block it
/// takes, so that the text is in its own cache when it parses it), numbered in order.
struct Taking<'s, F> {
    reading: Mutex<Reading<F>>,
    /// Blocks taken back in order so far.
    back: Mutex<u64>,
    /// Signalled when a block was taken back in order, or when the reading stops.
    room: Condvar,
    /// Blocks taken and not yet taken back in order, at most.
    ahead: u64,
    stopped: &'s AtomicBool,
}

struct Reading<F> {
    /// Reads the next block.
    read: F,
    /// The number the next block gets.
    next: u64,
    /// The input ended or failed.
    ended: bool,
}

/// What a worker made of a block it took.
enum Taken {
    Block(u64, LogBlock),
    End,
    Failed(String),
}

/// Parsed blocks on their way back in order; see [`InOrder::put`].
struct InOrder<'r> {
    state: Mutex<Order>,
    /// Taken by the worker taking blocks back, one at a time.
    replay: Mutex<&'r mut Replay>,
}

#[derive(Default)]
struct Order {
    /// Blocks parsed before the ones before them.
    early: BTreeMap<u64, Taken>,
    /// Blocks taken back in order so far.
    back: u64,
    /// A worker is taking blocks back.
    busy: bool,
    /// How the reading ended, once it has.
    ended: Option<Result<(), String>>,
}

impl InOrder<'_> {
    /// Puts back block `n`, parsed. Unless another worker is at it, takes back every block next
    /// in order: each is accepted (or ends the reading). Whether to go on reading.
    fn put<F: FnMut() -> BlockRead>(&self, n: u64, taken: Taken, taking: &Taking<'_, F>) -> bool {
        let mut order = lock(&self.state);
        if order.ended.is_some() {
            return false;
        }
        order.early.insert(n, taken);
        if order.busy {
            return true;
        }
        order.busy = true;
        loop {
            let next = order.back;
            let Some(taken) = order.early.remove(&next) else {
                order.busy = false;
                return true;
            };
            order.back += 1;
            drop(order);
            let ended = {
                let mut replay = lock(&self.replay);
                match taken {
                    Taken::Block(offset, block) => {
                        replay.wait_for_store();
                        taking.taken_back(next + 1);
                        replay.accept(offset, block);
                        // The store closed: nothing more is wanted.
                        (!replay.open).then_some(Ok(()))
                    }
                    Taken::End => Some(Ok(())),
                    Taken::Failed(e) => Some(Err(e)),
                }
            };
            order = lock(&self.state);
            if let Some(ended) = ended {
                order.ended = Some(ended);
                order.early.clear();
                drop(order);
                taking.stop();
                return false;
            }
        }
    }
}

impl<F: FnMut() -> BlockRead> Taking<'_, F> {
    /// The next block read and its number; `None` once the input ended or the reading stopped.
    /// One worker reads at a time; taking blocks back in order never waits for it.
    fn take(&self) -> Option<(u64, BlockRead)> {
        let mut reading = lock(&self.reading);
        let mut back = lock(&self.back);
        while !self.stopped.load(Ordering::Relaxed) && reading.next - *back >= self.ahead {
            back = self.room.wait(back).unwrap_or_else(PoisonError::into_inner);
        }
        drop(back);
        if reading.ended || self.stopped.load(Ordering::Relaxed) {
            return None;
        }
        let read = (reading.read)();
        reading.ended = !matches!(read, Ok(Some(_)));
        reading.next += 1;
        Some((reading.next - 1, read))
    }

    /// Notes that `back` blocks were taken back in order.
    fn taken_back(&self, back: u64) {
        *lock(&self.back) = back;
        self.room.notify_all();
    }

    /// Stops the reading: no block is taken after this.
    fn stop(&self) {
        self.stopped.store(true, Ordering::Relaxed);
        let _back = lock(&self.back);
        self.room.notify_all();
    }
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
    /// `--once`: findings are warnings on standard error, not notices.
    once: bool,
    accept_partial: bool,
    max_line: Option<usize>,
    input_name: String,
    /// Lines cut so far, counted by the reader.
    lines_cut: Arc<AtomicU64>,
    /// Set when no more blocks are to be read (the input ended, failed, or the store closed).
    stopped: Arc<AtomicBool>,
    repeats: Repeats,
    /// Where and how JSON input broke off.
    broken: Option<String>,
    /// The findings last told the dashboard, and when.
    told: (String, Option<Instant>),
}

impl Replay {
    fn new(ctx: SourceContext, source: &ReplaySource, fallback: String) -> Self {
        Self {
            once: ctx.once,
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
            accept_partial: source.accept_partial,
            max_line: source.max_line,
            input_name: source.input.name(),
            lines_cut: Arc::default(),
            stopped: Arc::default(),
            repeats: Repeats::default(),
            broken: None,
            told: (String::new(), None),
        }
    }

    fn send(&mut self, update: Update) {
        if self.open && self.ctx.updates.blocking_send(update).is_err() {
            self.open = false;
        }
    }

    fn run(&mut self, input: &ReplayInput) -> Result<(), String> {
        match input {
            ReplayInput::Stdin if self.once => {
                let stdin = blocks::tell_stalls(std::io::stdin(), STALL, || {
                    let _ = writeln!(
                        std::io::stderr(),
                        "lambdatop: waiting for log lines on standard input \
                         (end it with Ctrl-D, or pipe a finished file)"
                    );
                });
                self.read(stdin, false)
            }
            ReplayInput::Stdin => self.read(std::io::stdin(), false),
            ReplayInput::File(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                self.pane_from = blocks::tail_start(&file, self.pane_events)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                self.read(file, true)
            }
        }
    }

    /// Reads `input`, a `file` or a pipe, as JSON documents or as lines, by what it starts with.
    fn read(&mut self, mut input: impl Read + Send + 'static, file: bool) -> Result<(), String> {
        let (head, documents) = sniff_input(&mut input).map_err(read_error)?;
        if head.starts_with(&[0x1f, 0x8b]) {
            // What a subscription's delivery (Kinesis, Firehose, S3) stores: not text.
            return Err(format!(
                "{} is compressed with gzip: decompress it first (gunzip -c FILE | lambdatop --replay -)",
                self.input_name
            ));
        }
        let input = Cursor::new(head).chain(input);
        if documents {
            return self.read_documents(input);
        }
        let reader = if file {
            BlockReader::whole_blocks(input)
        } else {
            BlockReader::new(input)
        };
        let mut reader = self.configure(reader);
        self.lines_cut = reader.lines_cut();
        if file {
            return self.parse_in_order(move || reader.next_bytes().map_err(read_error));
        }
        // A pipe may be a live stream: a thread reads it, so that what has come is shown while
        // the next block is waited for, and so that a worker waiting for it can give up when
        // the reading stops.
        let blocks = read_ahead(reader)?;
        let stopped = self.stopped.clone();
        self.parse_in_order(move || {
            loop {
                match blocks.recv_timeout(STOP_CHECK) {
                    Ok(read) => return read,
                    Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(None),
                    Err(mpsc::RecvTimeoutError::Timeout) if stopped.load(Ordering::Relaxed) => {
                        return Ok(None);
                    }
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                }
            }
        })
    }

    /// Streams the events of JSON documents into blocks. Where the JSON breaks off, the events
    /// read before are kept and the break is noted.
    fn read_documents(&mut self, input: impl Read) -> Result<(), String> {
        // Lines have no place in the input to compare with the pane's: each block keeps its
        // last lines for the pane, and the pane the last of them.
        if self.pane_events > 0 {
            self.pane_from = 0;
        }
        let pool = self.pool.clone();
        let result = json::read_documents(input, json::MAX_EVENT_JSON, |lines| {
            self.wait_for_store();
            let block = LogBlock::parse_pooled(Vec::new(), &pool, move |_, out| {
                for line in lines {
                    out.push(line);
                }
            });
            self.accept(0, block);
        });
        match result {
            Ok(_) => Ok(()),
            Err(DocumentsError::Broken(b)) => {
                self.broken = Some(format!("{} {b}", self.input_name));
                Ok(())
            }
            Err(DocumentsError::Io(e)) => Err(read_error(e)),
        }
    }

    fn configure<R: Read>(&self, reader: BlockReader<R>) -> BlockReader<R> {
        let mut reader = reader.with_pool(self.pool.clone());
        if let Some(bytes) = self.block_bytes {
            reader = reader.with_block_bytes(bytes);
        }
        if let Some(bytes) = self.max_line {
            reader = reader.with_max_line(bytes);
        }
        reader
    }

    /// Waits (a little) for the store when it is more than [`AHEAD`] blocks behind.
    fn wait_for_store(&self) {
        let store_behind = self.pooled_sent.saturating_sub(AHEAD);
        if self.pool.dropped() < store_behind {
            // Never for long: the store drops every block it gets.
            self.pool
                .wait_dropped(store_behind, Duration::from_millis(100));
        }
    }

    /// Parses the blocks `read` reads on worker threads (each reads the block it parses, this
    /// thread being one of them) and takes them back in order: the worker that parsed the next
    /// block takes it back, while its lines are in its cache, and any parsed early after it.
    fn parse_in_order(&mut self, read: impl FnMut() -> BlockRead + Send) -> Result<(), String> {
        let workers = self.workers;
        let pool = &self.pool.clone();
        let pane_from = self.pane_from;
        let taking = &Taking {
            reading: Mutex::new(Reading {
                read,
                next: 0,
                ended: false,
            }),
            back: Mutex::new(0),
            room: Condvar::new(),
            ahead: (workers * QUEUE) as u64,
            stopped: &self.stopped.clone(),
        };
        let in_order = &InOrder {
            state: Mutex::default(),
            replay: Mutex::new(self),
        };
        let work = move || {
            while let Some((n, read)) = taking.take() {
                let taken = match read {
                    Ok(Some((offset, bytes))) => {
                        // Where the lines the pane may show start, in this block.
                        let pane_at =
                            usize::try_from(pane_from.saturating_sub(offset)).unwrap_or(usize::MAX);
                        let block = LogBlock::parse_pooled(bytes, pool, |text, lines| {
                            lines::parse_lines_into(text, pane_at, lines);
                        });
                        Taken::Block(offset, block)
                    }
                    Ok(None) => Taken::End,
                    Err(e) => Taken::Failed(e),
                };
                if !in_order.put(n, taken, taking) {
                    break;
                }
            }
        };
        std::thread::scope(|scope| {
            for _ in 1..workers {
                scope.spawn(work);
            }
            work();
        });
        taking.stop();
        let result = lock(&in_order.state).ended.take();
        result.unwrap_or(Ok(()))
    }

    /// Takes the next block in order: held back until some line has a time, then resolved and
    /// sent.
    fn accept(&mut self, offset: u64, block: LogBlock) {
        if self.last_time.is_none() {
            let first = block.lines().iter().find_map(|l| match l.time {
                LineTime::At(t) => Some(t),
                LineTime::Clock(c) => Some(on_date_of(None, c)),
                LineTime::Yearless(t) => Some(in_year_of(None, self.clock.now(), t)),
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

    /// Gives every line its time and function, drops the lines that repeat an invocation
    /// already read, copies the lines the pane keeps, and sends the block.
    fn resolve_and_send(&mut self, offset: u64, mut block: LogBlock) {
        let keep_from = block.len().saturating_sub(self.pane_events);
        let mut out = std::mem::take(&mut block.pane);
        block.with_lines_mut(|lines| {
            let mut i = 0;
            lines.retain_mut(|line| {
                let shown = i >= keep_from && offset + u64::from(line.offset) >= self.pane_from;
                i += 1;
                // A START left out for its REPORT had the time of the line before.
                let started_at = line
                    .started
                    .then(|| self.last_time.unwrap_or_else(|| self.clock.now()));
                let at = match line.time {
                    LineTime::At(t) => t,
                    LineTime::Clock(c) => on_date_of(self.last_time, c),
                    LineTime::Yearless(t) => in_year_of(self.last_time, self.clock.now(), t),
                    LineTime::Inherited => self.last_time.unwrap_or_else(|| self.clock.now()),
                };
                line.time = LineTime::At(at);
                self.last_time = Some(at);
                self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
                line.function = self.function_index(lines::named(line));
                if let Some(s) = line.source.stream()
                    && *self.last_stream != *s
                {
                    self.last_stream = Arc::from(s);
                }
                // Decoded from JSON: the store parses it; only its request id is needed here.
                let decoded;
                let parsed = match &line.parsed {
                    Some(parsed) => parsed,
                    None => {
                        decoded = crate::lambda_log::parse(&line.message);
                        &decoded
                    }
                };
                let repeat = match (started_at, parsed, line.id_digest) {
                    (Some(started_at), LogLine::Report(report), Some(id)) => {
                        let (start, report) = self.repeats.report_and_start(
                            line.function,
                            started_at,
                            at,
                            report,
                            id,
                        );
                        // Read before: the START is not counted again.
                        line.started &= !start;
                        report
                    }
                    _ => self
                        .repeats
                        .repeats(line.function, at, parsed, line.id_digest),
                };
                if repeat {
                    return false;
                }
                if shown {
                    out.push(LogEvent {
                        function: self.functions[line.function as usize].clone(),
                        origin: Default::default(),
                        timestamp: at,
                        stream: self.last_stream.clone(),
                        message: line.message.to_string(),
                        event_id: line.source.event_id().map(str::to_string),
                    });
                }
                true
            });
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
        self.tell_dashboard(false);
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

    /// Sends what is held back, then how the reading ended: the findings (warnings on standard
    /// error with `--once`, a notice in the dashboard) and a failure, if any.
    fn finish(mut self, result: Result<(), String>) {
        if !self.held.is_empty() {
            // No line had a time.
            self.last_time = Some(self.clock.now());
            for (offset, held) in std::mem::take(&mut self.held) {
                self.resolve_and_send(offset, held);
            }
        }
        let error = match result {
            // Each failure says what to do where there is something to say (gzip).
            Err(message) => Some(SourceError::new(message, None)),
            Ok(()) if self.accept_partial => None,
            Ok(()) => self.broken.take().map(|broken| {
                SourceError::new(
                    format!("{broken}."),
                    Some("--accept-partial analyses the events read before it."),
                )
            }),
        };
        if self.once {
            let stderr = std::io::stderr();
            let mut err = stderr.lock();
            for finding in self.findings() {
                // Best effort: a closed standard error must not stop the snapshot.
                let _ = writeln!(err, "lambdatop: warning: {finding}");
            }
        } else {
            self.tell_dashboard(true);
        }
        let at = self.clock.now();
        match error {
            // After the last block's round, which has the same time (the newest event's): the
            // failure is the poller's latest news.
            Some(error) => self.send(Update::Failed {
                poller: Poller::Logs,
                at: at + chrono::Duration::nanoseconds(1),
                error,
            }),
            None => self.send(Update::Polled {
                poller: Poller::Logs,
                at,
            }),
        }
        self.send(Update::Ended);
    }

    /// What the reading found that the figures do not show, one sentence each.
    fn findings(&self) -> Vec<String> {
        let mut found = Vec::new();
        let cut = self.lines_cut.load(Ordering::Relaxed);
        if cut > 0 {
            let max = match self.max_line.unwrap_or(MAX_LINE) {
                max if max.is_multiple_of(1 << 20) => format!("{} MiB", max >> 20),
                max => format!("{} bytes", format::count(max as u64)),
            };
            found.push(format!(
                "{} longer than {max} {} cut to {} first {max}",
                lines(cut, "line"),
                were(cut),
                if cut == 1 { "its" } else { "their" },
            ));
        }
        let r = &self.repeats;
        if r.repeated > 0 {
            found.push(format!(
                "{} repeating an invocation already read (the same request id, time and figures) \
                 {} not counted again",
                lines(r.repeated, "REPORT line"),
                were(r.repeated),
            ));
        }
        if r.unchecked > 0 {
            found.push(format!(
                "{} older than every REPORT still remembered (at least the last {} invocation \
                 lines are) could not be checked for repeats",
                lines(r.unchecked, "REPORT line"),
                format::count(repeats::REMEMBERED as u64),
            ));
        }
        if let Some(broken) = &self.broken {
            found.push(format!(
                "{broken}; the events read were analysed (--accept-partial)"
            ));
        }
        found
    }

    /// Tells the dashboard the findings so far, when they changed: at most every
    /// [`NOTICE_EVERY`], or `now`.
    fn tell_dashboard(&mut self, now: bool) {
        if self.once || !(now || self.told.1.is_none_or(|t| t.elapsed() >= NOTICE_EVERY)) {
            return;
        }
        let findings = self.findings().join("; ");
        if findings.is_empty() || findings == self.told.0 {
            return;
        }
        self.told = (findings.clone(), Some(Instant::now()));
        self.send(Update::Notice {
            poller: Poller::Logs,
            notice: SourceError::new(findings, None),
        });
    }
}

/// `3 lines`, `1 line`.
fn lines(n: u64, what: &str) -> String {
    format!(
        "{} {what}{}",
        format::count(n),
        if n == 1 { "" } else { "s" }
    )
}

fn were(n: u64) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

/// Reads the start of `input` until it is known whether it is JSON documents ([`json::sniff`]);
/// returns what was read and the answer. Reads no more than it must: a live stream of lines is
/// shown as it comes.
fn sniff_input(input: &mut impl Read) -> io::Result<(Vec<u8>, bool)> {
    let mut head = Vec::new();
    // Each look reads the whole head again: looks are made when it has doubled, or (a few
    // times) when a line has ended.
    let (mut looked_at, mut line_looks) = (0, 0);
    loop {
        let start = head.len();
        head.resize(start + SNIFF_READ, 0);
        let n = loop {
            match input.read(&mut head[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        head.truncate(start + n);
        let eof = n == 0;
        let line_ended = memchr::memchr(b'\n', &head[start..]).is_some() && line_looks < 64;
        if eof || head.len() >= 2 * looked_at || line_ended {
            looked_at = head.len();
            line_looks += u32::from(line_ended);
            match json::sniff(&head) {
                Sniffed::Documents => return Ok((head, true)),
                Sniffed::Lines => return Ok((head, false)),
                Sniffed::Undecided if eof || head.len() >= MAX_LINE => return Ok((head, false)),
                Sniffed::Undecided => {}
            }
        }
    }
}

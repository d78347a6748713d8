//! Cutting replayed input into blocks of whole lines, and finding where the log pane's lines
//! start in a file.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::message::BlockPool;

/// Bytes read at a time: a block holds a few thousand lines, enough to spread over the worker
/// threads, small enough to stay in the caches between the threads that handle it.
const BLOCK_BYTES: usize = 512 << 10;

/// The longest line kept, in bytes: CloudWatch Logs' largest event is 1 MB. The rest of a longer
/// line is skipped as it is read, never held.
pub(super) const MAX_LINE: usize = 1 << 20;

/// Reads blocks of whole lines. A line longer than [`MAX_LINE`] is cut: its first `MAX_LINE`
/// bytes make a block of their own and the rest is skipped.
pub(super) struct BlockReader<R> {
    input: R,
    /// The input read but not yet cut into a block: the start of a line whose end has not been
    /// read yet, or (after a cut line) the lines that followed it.
    carry: Vec<u8>,
    /// Offset of `carry` in the input.
    offset: u64,
    eof: bool,
    /// Buffers of blocks the store is done with.
    pool: Option<Arc<BlockPool>>,
    /// Read whole blocks (a file) rather than what is available (a pipe).
    fill: bool,
    block_bytes: usize,
    max_line: usize,
    /// The rest of a cut line is still to be skipped.
    skipping: bool,
    /// Lines cut so far (shared with whoever reports it: the reader may run on a thread of its
    /// own).
    lines_cut: Arc<AtomicU64>,
}

impl<R: Read> BlockReader<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            carry: Vec::new(),
            offset: 0,
            eof: false,
            pool: None,
            fill: false,
            block_bytes: BLOCK_BYTES,
            max_line: MAX_LINE,
            skipping: false,
            lines_cut: Arc::default(),
        }
    }

    /// Reads `bytes` at a time (at least one).
    pub fn with_block_bytes(mut self, bytes: usize) -> Self {
        self.block_bytes = bytes.max(1);
        self
    }

    /// Cuts lines longer than `bytes` (at least one) instead of [`MAX_LINE`].
    pub fn with_max_line(mut self, bytes: usize) -> Self {
        self.max_line = bytes.max(1);
        self
    }

    /// A reader of a file: blocks are read whole, without waiting being a concern.
    pub fn whole_blocks(input: R) -> Self {
        Self {
            fill: true,
            ..Self::new(input)
        }
    }

    /// Takes its buffers from `pool`.
    pub fn with_pool(mut self, pool: Arc<BlockPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The count of lines cut so far, kept up to date as blocks are read.
    pub fn lines_cut(&self) -> Arc<AtomicU64> {
        self.lines_cut.clone()
    }

    /// The next block and its offset in the input, as text; `None` at the end.
    #[cfg(test)]
    pub fn next_block(&mut self) -> io::Result<Option<(u64, String)>> {
        Ok(self
            .next_bytes()?
            .map(|(offset, bytes)| (offset, String::from_utf8_lossy(&bytes).into_owned())))
    }

    /// The next block and its offset in the input; `None` at the end. A pipe's block holds the
    /// lines available so far, so that a live stream is shown as it comes. The bytes are not
    /// checked to be UTF-8 yet: that is left to the threads that parse them.
    pub fn next_bytes(&mut self) -> io::Result<Option<(u64, Vec<u8>)>> {
        let mut buf = match &self.pool {
            Some(pool) => pool.take_text(),
            None => Vec::with_capacity(self.block_bytes + self.carry.len()),
        };
        buf.append(&mut self.carry);
        if self.skipping {
            self.skip_rest_of_line(&mut buf)?;
        }
        // Nothing before `searched` holds a newline: it is the start of the block's first line.
        let mut searched = 0;
        loop {
            if let Some(first) = memchr::memchr(b'\n', &buf[searched..]) {
                let first = searched + first;
                if first > self.max_line {
                    return Ok(Some(self.cut_line(buf, Some(first))));
                }
                // Every later line is no longer than one read: at most `max_line`.
                let end = searched + memchr::memrchr(b'\n', &buf[searched..]).unwrap_or(0) + 1;
                self.carry.extend_from_slice(&buf[end..]);
                buf.truncate(end);
                return Ok(Some(self.cut(buf)));
            }
            if buf.len() > self.max_line {
                return Ok(Some(self.cut_line(buf, None)));
            }
            if self.eof {
                return Ok((!buf.is_empty()).then(|| self.cut(buf)));
            }
            searched = buf.len();
            self.read_more(&mut buf)?;
        }
    }

    /// Appends what the input has next to `buf`: a block's worth for a file, what is available
    /// for a pipe (never more than a line may hold).
    fn read_more(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        let want = self.block_bytes.min(self.max_line);
        let start = buf.len();
        let n = if self.fill {
            // Reads into the spare capacity without clearing it first.
            buf.reserve(want);
            (&mut self.input).take(want as u64).read_to_end(buf)?
        } else {
            buf.resize(start + want, 0);
            let n = loop {
                match self.input.read(&mut buf[start..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        buf.truncate(start);
                        return Err(e);
                    }
                }
            };
            buf.truncate(start + n);
            n
        };
        self.eof = n == 0;
        Ok(())
    }

    /// Cuts the over-long line that starts `buf` (and ends at `end`, when its end has been
    /// read) to its first `max_line` bytes, on a character boundary, as a block of its own. The
    /// rest of it is skipped; what follows it is kept for the next block.
    fn cut_line(&mut self, mut buf: Vec<u8>, end: Option<usize>) -> (u64, Vec<u8>) {
        self.lines_cut.fetch_add(1, Ordering::Relaxed);
        let mut keep = self.max_line;
        // A UTF-8 continuation byte is not where a character starts (a character has at most
        // four bytes).
        while keep + 3 > self.max_line && keep > 0 && buf[keep] & 0xC0 == 0x80 {
            keep -= 1;
        }
        let skipped = match end {
            Some(end) => {
                self.carry.extend_from_slice(&buf[end + 1..]);
                end + 1 - keep
            }
            None => {
                self.skipping = true;
                buf.len() - keep
            }
        };
        buf.truncate(keep);
        let block = self.cut(buf);
        self.offset += skipped as u64;
        block
    }

    /// Reads on past the rest of a cut line, holding at most one read of it at a time; leaves in
    /// `buf` what follows the line.
    fn skip_rest_of_line(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        loop {
            if let Some(end) = memchr::memchr(b'\n', buf) {
                self.offset += end as u64 + 1;
                buf.drain(..=end);
                break;
            }
            self.offset += buf.len() as u64;
            buf.clear();
            if self.eof {
                break;
            }
            self.read_more(buf)?;
        }
        self.skipping = false;
        Ok(())
    }

    fn cut(&mut self, block: Vec<u8>) -> (u64, Vec<u8>) {
        let offset = self.offset;
        self.offset += block.len() as u64;
        (offset, block)
    }
}

/// A reader that tells, once, when it has waited `after` for its input: a pipe that gives
/// nothing yet.
pub(super) struct Stalls<R> {
    input: R,
    state: Arc<StallState>,
}

#[derive(Debug, Default)]
struct StallState {
    /// When the read under way started, while one is.
    waiting_since: Mutex<(Option<Instant>, bool)>,
    changed: Condvar,
}

impl StallState {
    fn set(&self, waiting: Option<Instant>, done: bool) {
        *lock(&self.waiting_since) = (waiting, done);
        self.changed.notify_all();
    }
}

/// `input`, with `tell` called (on a thread of its own) when one read of it has waited
/// `after`. Never called after the reader is dropped.
pub(super) fn tell_stalls<R: Read>(
    input: R,
    after: Duration,
    tell: impl FnOnce() + Send + 'static,
) -> Stalls<R> {
    let state = Arc::new(StallState::default());
    let watched = state.clone();
    // Without the thread, nothing is told: the input is read all the same.
    let _ = std::thread::Builder::new()
        .name("replay-stalls".to_string())
        .spawn(move || {
            let mut s = lock(&watched.waiting_since);
            loop {
                s = match *s {
                    (_, true) => return,
                    (None, false) => watched
                        .changed
                        .wait(s)
                        .unwrap_or_else(PoisonError::into_inner),
                    (Some(since), false) => {
                        let waited = since.elapsed();
                        if waited >= after {
                            drop(s);
                            tell();
                            return;
                        }
                        watched
                            .changed
                            .wait_timeout(s, after - waited)
                            .unwrap_or_else(PoisonError::into_inner)
                            .0
                    }
                };
            }
        });
    Stalls { input, state }
}

impl<R: Read> Read for Stalls<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.state.set(Some(Instant::now()), false);
        let n = self.input.read(buf);
        self.state.set(None, false);
        n
    }
}

impl<R> Drop for Stalls<R> {
    fn drop(&mut self) {
        self.state.set(None, true);
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where the last `lines` non-blank lines of `file` start: the lines the log pane can show.
/// Reads only the end of the file.
pub(super) fn tail_start(file: &File, lines: usize) -> io::Result<u64> {
    tail_start_by(file, lines, 64 << 10)
}

fn tail_start_by(file: &File, lines: usize, chunk_bytes: u64) -> io::Result<u64> {
    if lines == 0 {
        return file.metadata().map(|m| m.len());
    }
    let mut pos = file.metadata()?.len();
    let mut buf = vec![0u8; chunk_bytes as usize];
    let mut count = 0;
    // Whether the line being walked back over (its end is in a later chunk) has text.
    let mut has_text = false;
    let text_in = |s: &[u8]| s.iter().any(|b| !b.is_ascii_whitespace());
    while pos > 0 {
        let start = pos.saturating_sub(chunk_bytes);
        let chunk = &mut buf[..(pos - start) as usize];
        file.read_exact_at(chunk, start)?;
        let mut end = chunk.len();
        for nl in memchr::memrchr_iter(b'\n', chunk) {
            if has_text || text_in(&chunk[nl + 1..end]) {
                count += 1;
                if count == lines {
                    return Ok(start + nl as u64 + 1);
                }
            }
            has_text = false;
            end = nl;
        }
        has_text = has_text || text_in(&chunk[..end]);
        pos = start;
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(self.0.len()).min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn blocks(input: &[u8], step: usize) -> Vec<(u64, String)> {
        let mut r = BlockReader::new(Trickle(input, step));
        let pipe: Vec<_> = std::iter::from_fn(|| r.next_block().unwrap()).collect();
        let mut r = BlockReader::whole_blocks(Trickle(input, step));
        let file: Vec<_> = std::iter::from_fn(|| r.next_block().unwrap()).collect();
        assert_eq!(
            pipe.iter().map(|b| b.1.as_str()).collect::<String>(),
            file.iter().map(|b| b.1.as_str()).collect::<String>()
        );
        pipe
    }

    #[test]
    fn blocks_hold_whole_lines_and_know_their_offsets() {
        let input = b"one\ntwo\nthree\nfour";
        for step in [1, 2, 3, 5, 100] {
            let b = blocks(input, step);
            let joined: String = b.iter().map(|(_, t)| t.as_str()).collect();
            assert_eq!(joined.as_bytes(), input, "step {step}");
            for (offset, text) in &b {
                assert!(text.ends_with('\n') || text == "four", "{text:?}");
                assert_eq!(&input[*offset as usize..][..text.len()], text.as_bytes());
            }
        }
        assert!(blocks(b"", 4).is_empty());
    }

    /// Every block of `input` read `step` bytes at a time, `block` at most, lines cut at `max`;
    /// and the lines cut.
    fn cut_blocks(input: &str, step: usize, block: usize, max: usize) -> (Vec<(u64, String)>, u64) {
        let mut all = Vec::new();
        let mut cut = 0;
        for fill in [false, true] {
            let trickle = Trickle(input.as_bytes(), step);
            let r = if fill {
                BlockReader::whole_blocks(trickle)
            } else {
                BlockReader::new(trickle)
            };
            let mut r = r.with_block_bytes(block).with_max_line(max);
            let blocks: Vec<_> = std::iter::from_fn(|| r.next_block().unwrap()).collect();
            for (offset, text) in &blocks {
                assert_eq!(
                    &input[*offset as usize..][..text.len()],
                    text,
                    "step {step}"
                );
                assert!(text.lines().all(|l| l.len() <= max), "{text:?}");
            }
            cut = r.lines_cut().load(Ordering::Relaxed);
            all = blocks;
        }
        (all, cut)
    }

    #[test]
    fn over_long_lines_are_cut_and_the_rest_skipped() {
        // Lines of 3, 12 (cut to 8), 8 (not cut) and 11 bytes (cut, no newline at the end).
        let input = "abc\nABCDEFGHIJKL\nxyzxyzxy\n0123456789a";
        for step in [1, 2, 3, 5, 100] {
            for block in [1, 4, 100] {
                let (blocks, cut) = cut_blocks(input, step, block, 8);
                let joined: String = blocks.iter().map(|(_, t)| t.as_str()).collect();
                assert_eq!(
                    joined, "abc\nABCDEFGHxyzxyzxy\n01234567",
                    "step {step}, block {block}"
                );
                assert_eq!(cut, 2, "step {step}, block {block}");
            }
        }
        // A line is cut where a character starts.
        let (blocks, cut) = cut_blocks("a\u{e9}\u{e9}\nb\n", 2, 100, 4);
        assert_eq!(blocks, [(0, "a\u{e9}".to_string()), (6, "b\n".to_string())]);
        assert_eq!(cut, 1);
    }

    #[test]
    fn a_stalled_read_is_told_once() {
        struct Slow(u32);
        impl Read for Slow {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                std::thread::sleep(Duration::from_millis(300));
                self.0 += 1;
                Ok(0)
            }
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let mut slow = tell_stalls(Slow(0), Duration::from_millis(100), move || {
            tx.send(()).unwrap()
        });
        for _ in 0..3 {
            assert_eq!(slow.read(&mut [0; 4]).unwrap(), 0);
        }
        assert_eq!(rx.try_recv(), Ok(()));
        // Told once: the teller is gone.
        assert!(rx.try_recv().is_err());

        let (tx, rx) = std::sync::mpsc::channel();
        let mut quick = tell_stalls(&b"abc"[..], Duration::from_millis(100), move || {
            tx.send(()).unwrap()
        });
        std::io::copy(&mut quick, &mut std::io::sink()).unwrap();
        drop(quick);
        assert!(rx.recv_timeout(Duration::from_millis(300)).is_err());
    }

    #[test]
    fn the_tail_starts_at_the_last_lines_with_text() {
        let dir = std::env::temp_dir().join(format!("lambdatop-tail-{}", std::process::id()));
        std::fs::write(&dir, "a\nb\n\n  \nc\nd").unwrap();
        let f = File::open(&dir).unwrap();
        for chunk in [1, 2, 3, 64 << 10] {
            let tail = |n| tail_start_by(&f, n, chunk).unwrap();
            assert_eq!(tail(1), 10, "chunk {chunk}"); // "d"
            assert_eq!(tail(2), 8, "chunk {chunk}"); // "c": blank lines do not count
            assert_eq!(tail(3), 2, "chunk {chunk}"); // "b"
            assert_eq!(tail(4), 0, "chunk {chunk}");
            assert_eq!(tail(99), 0, "chunk {chunk}");
        }
        assert_eq!(tail_start(&f, 0).unwrap(), 11);
        std::fs::remove_file(&dir).unwrap();
    }
}

//! Cutting replayed input into blocks of whole lines, and finding where the log pane's lines
//! start in a file.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::sync::Arc;

use crate::message::BlockPool;

/// Bytes read at a time: a block holds a few thousand lines, enough to spread over the worker
/// threads, small enough to stay in the caches between the threads that handle it.
const BLOCK_BYTES: usize = 256 << 10;

/// Reads blocks of whole lines. A line longer than a block makes a longer block.
pub(super) struct BlockReader<R> {
    input: R,
    /// The start of a line whose end has not been read yet.
    carry: Vec<u8>,
    /// Offset of `carry` in the input.
    offset: u64,
    eof: bool,
    /// Buffers of blocks the store is done with.
    pool: Option<Arc<BlockPool>>,
    /// Read whole blocks (a file) rather than what is available (a pipe).
    fill: bool,
    block_bytes: usize,
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
        }
    }

    /// Reads `bytes` at a time (at least one).
    pub fn with_block_bytes(mut self, bytes: usize) -> Self {
        self.block_bytes = bytes.max(1);
        self
    }

    /// A reader of a file: blocks are read whole, without waiting being a concern.
    pub fn whole_blocks(input: R) -> Self {
        Self {
            fill: true,
            ..Self::new(input)
        }
    }

    /// Whether blocks are read whole (a file) rather than as they come (a pipe).
    pub fn reads_whole_blocks(&self) -> bool {
        self.fill
    }

    /// Takes its buffers from `pool`.
    pub fn with_pool(mut self, pool: Arc<BlockPool>) -> Self {
        self.pool = Some(pool);
        self
    }

    /// The next block and its offset in the input; `None` at the end. A pipe's block holds the
    /// lines available so far, so that a live stream is shown as it comes.
    pub fn next_block(&mut self) -> io::Result<Option<(u64, String)>> {
        let mut buf = match &self.pool {
            Some(pool) => pool.take_text().into_bytes(),
            None => Vec::with_capacity(self.block_bytes + self.carry.len()),
        };
        buf.append(&mut self.carry);
        let mut searched = buf.len();
        loop {
            if let Some(pos) = memchr::memrchr(b'\n', &buf[searched..]) {
                let end = searched + pos + 1;
                self.carry.extend_from_slice(&buf[end..]);
                buf.truncate(end);
                return Ok(Some(self.cut(buf)));
            }
            if self.eof {
                return Ok((!buf.is_empty()).then(|| self.cut(buf)));
            }
            searched = buf.len();
            let n = if self.fill {
                // Reads into the spare capacity without clearing it first.
                buf.reserve(self.block_bytes);
                (&mut self.input)
                    .take(self.block_bytes as u64)
                    .read_to_end(&mut buf)?
            } else {
                buf.resize(searched + self.block_bytes, 0);
                let n = loop {
                    match self.input.read(&mut buf[searched..]) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                buf.truncate(searched + n);
                n
            };
            self.eof = n == 0;
        }
    }

    /// Reads everything left after the blocks taken so far.
    pub fn read_rest(mut self, into: &mut Vec<u8>) -> io::Result<()> {
        into.append(&mut self.carry);
        self.input.read_to_end(into).map(|_| ())
    }

    fn cut(&mut self, block: Vec<u8>) -> (u64, String) {
        let offset = self.offset;
        self.offset += block.len() as u64;
        (offset, text(block))
    }
}

/// Bytes as text; invalid UTF-8 is replaced (as it would be line by line: a newline ends any
/// broken sequence).
pub(super) fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

    #[test]
    fn invalid_utf8_is_replaced() {
        assert_eq!(text(b"a\xffb\n".to_vec()), "a\u{fffd}b\n");
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

//! Diagnostic logging to a file (`--log-file PATH` or `LAMBDATOP_LOG`), never to the terminal.
//!
//! It records what the sources report — poller rounds, failures, API calls — with a timestamp,
//! so a problem seen on a jump box can be looked at afterwards. Every line passes through
//! [`redact`] first: AWS access key ids, secret keys and session tokens never reach the file.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError, TrySendError};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::message::Update;

/// Lines waiting for the writer thread. When the file takes them slower than they come (a pipe
/// nobody reads), the newest are dropped and counted, and the dashboard goes on.
const QUEUE_LINES: usize = 4096;

/// How long the end of the program waits for the last lines to be written.
const FINISH_WAIT: Duration = Duration::from_secs(1);

static SINK: OnceLock<SyncSender<Message>> = OnceLock::new();
/// Lines dropped since the log last said so.
static DROPPED: AtomicU64 = AtomicU64::new(0);
/// Lines dropped since the start.
static DROPPED_TOTAL: AtomicU64 = AtomicU64::new(0);

enum Message {
    Line(String),
    /// Answered once every line sent before it has been written.
    Flush(SyncSender<()>),
}

/// Opens (appends to) the diagnostic log and starts the thread that writes it. Without a call,
/// logging does nothing. Never waits: a FIFO that nothing reads is an error, not a hang.
pub fn init(path: &Path) -> std::io::Result<()> {
    let file = open(path)?;
    let (tx, rx) = mpsc::sync_channel(QUEUE_LINES);
    std::thread::Builder::new()
        .name("diagnostics".to_string())
        .spawn(move || write_lines(file, &rx))?;
    let _ = SINK.set(tx);
    log("lambdatop started");
    Ok(())
}

/// Opens for appending without blocking in `open` (a FIFO without a reader), then makes writes
/// blocking again: only the writer thread waits on them.
fn open(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use nix::fcntl::{FcntlArg, OFlag, fcntl};
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(OFlag::O_NONBLOCK.bits());
        let file = options.open(path).map_err(|e| {
            if e.raw_os_error() == Some(nix::errno::Errno::ENXIO as i32) {
                std::io::Error::new(e.kind(), "it is a FIFO that no process reads")
            } else {
                e
            }
        })?;
        let flags = fcntl(&file, FcntlArg::F_GETFL)?;
        let blocking = OFlag::from_bits_truncate(flags) - OFlag::O_NONBLOCK;
        fcntl(&file, FcntlArg::F_SETFL(blocking))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// The writer thread: writes each line as it comes; once the queue is empty, says how many lines
/// were dropped meanwhile. Write failures are ignored: diagnostics must never take the dashboard
/// down.
fn write_lines(mut file: File, rx: &Receiver<Message>) {
    loop {
        let message = match rx.try_recv() {
            Ok(m) => m,
            Err(TryRecvError::Empty) => {
                let dropped = DROPPED.swap(0, Ordering::Relaxed);
                if dropped > 0 {
                    let _ = file.write_all(stamped(&dropped_note(dropped)).as_bytes());
                }
                match rx.recv() {
                    Ok(m) => m,
                    Err(_) => return,
                }
            }
            Err(TryRecvError::Disconnected) => return,
        };
        match message {
            Message::Line(line) => {
                let _ = file.write_all(line.as_bytes());
            }
            Message::Flush(done) => {
                let _ = done.send(());
            }
        }
    }
}

fn dropped_note(n: u64) -> String {
    format!("{n} diagnostic lines dropped here: the log was not written fast enough")
}

/// A log line: the time, then the text redacted and made inert (the log is read in a terminal).
fn stamped(line: &str) -> String {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    format!(
        "{now} {}\n",
        crate::sanitize::sanitize_lines(&redact(line)).replace('\n', " | ")
    )
}

/// Queues one redacted line, if logging is on. Never waits: when the writer is behind, the line
/// is dropped and counted.
pub fn log(line: &str) {
    if let Some(tx) = SINK.get()
        && let Err(TrySendError::Full(_)) = tx.try_send(Message::Line(stamped(line)))
    {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        DROPPED_TOTAL.fetch_add(1, Ordering::Relaxed);
    }
}

/// What became of the diagnostic log by the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Finish {
    /// Lines dropped because the file took them too slowly.
    pub dropped: u64,
    /// Whether every line queued was written before the end.
    pub complete: bool,
}

impl Finish {
    /// What to tell the user on the way out, if anything.
    pub fn note(&self) -> Option<String> {
        match (self.dropped, self.complete) {
            (0, true) => None,
            (0, false) => {
                Some("--log-file was not read in time: its last lines may be missing".to_string())
            }
            (n, true) => Some(format!(
                "--log-file was not read fast enough: {n} diagnostic lines were dropped"
            )),
            (n, false) => Some(format!(
                "--log-file was not read fast enough: {n} diagnostic lines were dropped and its last lines may be missing"
            )),
        }
    }
}

/// Ends the log: a last line with the number of lines dropped in all, then waits (at most a
/// second) for the writer to take every line queued.
pub fn finish() -> Finish {
    let Some(tx) = SINK.get() else {
        return Finish {
            dropped: 0,
            complete: true,
        };
    };
    let last = match DROPPED_TOTAL.load(Ordering::Relaxed) {
        0 => "lambdatop exiting".to_string(),
        n => format!("lambdatop exiting; {n} diagnostic lines were dropped in all"),
    };
    let deadline = Instant::now() + FINISH_WAIT;
    let (done_tx, done_rx) = mpsc::sync_channel(1);
    let mut queue = [Message::Line(stamped(&last)), Message::Flush(done_tx)].into_iter();
    let mut next = queue.next();
    let mut queued = true;
    while let Some(m) = next.take() {
        match tx.try_send(m) {
            Ok(()) => next = queue.next(),
            Err(TrySendError::Full(m)) if Instant::now() < deadline => {
                next = Some(m);
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(_) => queued = false,
        }
    }
    let left = deadline.saturating_duration_since(Instant::now());
    let complete = queued && done_rx.recv_timeout(left).is_ok();
    Finish {
        dropped: DROPPED_TOTAL.load(Ordering::Relaxed),
        complete,
    }
}

/// Logs what an update says about the source's health (not its data).
pub fn update(u: &Update) {
    if SINK.get().is_none() {
        return;
    }
    match u {
        Update::From {
            origin,
            update: inner,
        } => {
            log(&format!("{}:", origin.label()));
            update(inner);
        }
        Update::Polled { poller, at } => log(&format!("{poller}: round done, data as of {at}")),
        Update::Failed { poller, error, .. } => log(&format!("{poller}: failed: {error}")),
        Update::ApiCalls(c) => log(&format!("api: {}", c.billed())),
        Update::Charge(c) => log(&format!("api: {}", c.billed())),
        Update::Pace { poller, pace } => log(&format!(
            "{poller}: every {}s ({:?}), ~${:.4}/h",
            pace.every.as_secs(),
            pace.reason,
            pace.usd_per_hour
        )),
        Update::Notice { poller, notice } => log(&format!("{poller}: note: {notice}")),
        Update::Ended => log("source ended"),
        Update::AccountId(id) => log(&format!("account {id}")),
        _ => {}
    }
}

fn patterns() -> &'static [(Regex, &'static str)] {
    static PATTERNS: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            // Access key ids: AKIA… (long-term), ASIA… (temporary) and the other prefixes.
            (r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{12,}\b", "[REDACTED-KEY-ID]"),
            // Named secrets and tokens, in env, config, header or JSON form.
            (
                r#"(?i)((?:aws_)?(?:secret_access_key|secretaccesskey|session_token|sessiontoken|security[-_]token|x-amz-security-token)["']?\s*[:=]\s*["']?)[^\s"',;]+"#,
                "${1}[REDACTED]",
            ),
            // SigV4 signatures.
            (r"(?i)(Signature=)[0-9a-f]{16,}", "${1}[REDACTED]"),
        ]
        .into_iter()
        .filter_map(|(p, r)| Regex::new(p).ok().map(|re| (re, r)))
        .collect()
    })
}

/// Removes AWS credentials from a line of text.
pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    for (re, replacement) in patterns() {
        out = re.replace_all(&out, *replacement).into_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted() {
        let line = "env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
                    X-Amz-Security-Token: IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH \
                    Credential=ASIAQWERTYUIOPASDFGH/20260314/us-east-1 Signature=3f1c9a0b7d2e4f5a6b7c8d9e0f1a2b3c";
        let r = redact(line);
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "IQoJb3JpZ2luX2VjEJr",
            "ASIAQWERTYUIOPASDFGH",
            "3f1c9a0b7d2e4f5a6b7c8d9e0f1a2b3c",
        ] {
            assert!(!r.contains(secret), "{secret} survived in {r}");
        }
        assert!(r.contains("[REDACTED"));
    }

    #[test]
    fn lines_are_stamped_redacted_and_inert() {
        let line = stamped("failed: \u{1b}]52;c;aGk=\u{7} key AKIAIOSFODNN7EXAMPLE\nsecond");
        assert!(
            line.ends_with(" failed: ␛]52;c;aGk=␇ key [REDACTED-KEY-ID] | second\n"),
            "{line:?}"
        );
        assert_eq!(line.matches('\n').count(), 1);
    }

    /// The whole life of the process-wide log, in one test: a FIFO nobody reads is refused, one
    /// whose reader never reads costs the program nothing, and what could not be written is
    /// counted, in the log once it drains and at the end.
    #[cfg(unix)]
    #[test]
    fn a_log_nobody_reads_never_stalls_and_counts_what_it_drops() {
        use std::io::Read;
        use std::os::unix::fs::OpenOptionsExt;

        let fifo = std::env::temp_dir().join(format!("lambdatop-diag-{}", std::process::id()));
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");

        let started = Instant::now();
        let e = init(&fifo).unwrap_err();
        assert_eq!(e.to_string(), "it is a FIFO that no process reads");
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "open did not wait"
        );

        let mut reader = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
            .open(&fifo)
            .expect("reader");
        init(&fifo).expect("a FIFO with a reader opens");
        let sent = QUEUE_LINES * 3;
        let started = Instant::now();
        for i in 0..sent {
            log(&format!("line {i}"));
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "logging waited for the reader: {:?}",
            started.elapsed()
        );
        let end = finish();
        assert!(end.dropped > 0, "{end:?}");
        assert!(!end.complete, "nothing read the last lines: {end:?}");
        assert!(end.note().is_some_and(|n| n.contains("were dropped")));

        // Read it all now: the writer catches up, then says how many lines it dropped.
        let mut text = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        let note = loop {
            let mut buf = [0u8; 1 << 16];
            match reader.read(&mut buf) {
                Ok(n) => text.push_str(&String::from_utf8_lossy(&buf[..n])),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                Err(e) => panic!("read: {e}"),
            }
            if let Some(note) = text.lines().find(|l| l.contains("dropped here")) {
                break note.to_string();
            }
            assert!(Instant::now() < deadline, "no note of dropped lines");
        };
        let written = text.lines().filter(|l| l.contains(" line ")).count();
        assert_eq!(
            note.split(' ').nth(1),
            Some(end.dropped.to_string().as_str()),
            "{note}"
        );
        assert_eq!(
            written as u64 + end.dropped,
            sent as u64,
            "every line written or counted"
        );
        let _ = std::fs::remove_file(&fifo);
    }

    #[test]
    fn ordinary_text_is_kept() {
        let line = "metrics: failed: AccessDenied on cloudwatch:GetMetricData.";
        assert_eq!(redact(line), line);
        let json = r#"{"sessionToken": "abc123", "region": "us-east-1"}"#;
        assert_eq!(
            redact(json),
            r#"{"sessionToken": "[REDACTED]", "region": "us-east-1"}"#
        );
    }
}

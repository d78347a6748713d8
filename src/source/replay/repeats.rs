//! Lines that repeat an invocation already read: a log saved twice and concatenated, exports
//! whose time ranges overlap. Each such line is dropped, so that an invocation is counted once.
//!
//! A line is a repeat when an earlier line of the same function said the same about the same
//! invocation at the same millisecond: `START`, a timeout, a crash or a runtime's end of one
//! request id, or a `REPORT` of that request id with the same figures. A retried asynchronous
//! invocation keeps its request id, but runs again later: its lines are not repeats.
//!
//! Memory is bounded: the lines are remembered (as 64-bit fingerprints) in two generations of
//! up to [`REMEMBERED`] each; when the newer one is full, the older one is forgotten whole, so
//! the last `REMEMBERED` to `2 × REMEMBERED` such lines are remembered and no line is ever
//! removed one by one. Copies of one file are recognised whole when the file has up to
//! `REMEMBERED` of these lines (two per invocation); beyond that, a REPORT not newer than every
//! REPORT forgotten may repeat one forgotten, and is counted as not checked.

use std::collections::HashSet;
use std::hash::Hasher;

use chrono::{DateTime, Utc};
use rustc_hash::{FxBuildHasher, FxHasher};

use crate::lambda_log::LogLine;

/// Lines remembered in each generation.
pub const REMEMBERED: usize = 1 << 18;

/// Fingerprints of lines, with the newest REPORT time among them (in ms).
#[derive(Debug, Default)]
struct Generation {
    seen: HashSet<u64, FxBuildHasher>,
    newest_report: Option<i64>,
}

/// The lines of invocations read so far; see the module documentation.
#[derive(Debug)]
pub struct Repeats {
    newer: Generation,
    older: Generation,
    cap: usize,
    /// The newest time of a REPORT no longer remembered.
    forgotten_newest: Option<i64>,
    /// REPORT lines dropped as repeats.
    pub repeated: u64,
    /// REPORT lines older than a forgotten one: not known to be new.
    pub unchecked: u64,
}

impl Default for Repeats {
    fn default() -> Self {
        Self::with_cap(REMEMBERED)
    }
}

impl Repeats {
    /// Remembers generations of `cap` lines (at least one).
    pub fn with_cap(cap: usize) -> Self {
        Self {
            newer: Generation::default(),
            older: Generation::default(),
            cap: cap.max(1),
            forgotten_newest: None,
            repeated: 0,
            unchecked: 0,
        }
    }

    /// Whether `line`, of the function numbered `function` and written `at`, repeats a line read
    /// before. Remembers it when it does not.
    pub fn repeats(&mut self, function: u32, at: DateTime<Utc>, line: &LogLine<'_>) -> bool {
        let (kind, id) = match line {
            LogLine::Start(l) => (b'S', &l.request_id),
            LogLine::Report(l) => (b'R', &l.request_id),
            LogLine::Timeout(l) => match &l.request_id {
                Some(id) => (b'T', id),
                None => return false,
            },
            LogLine::Crash(l) => match &l.request_id {
                Some(id) => (b'C', id),
                None => return false,
            },
            LogLine::RuntimeDone(l) => match &l.request_id {
                Some(id) => (b'D', id),
                None => return false,
            },
            _ => return false,
        };
        let ms = at.timestamp_millis();
        let mut h = FxHasher::default();
        h.write_u32(function);
        h.write_u8(kind);
        h.write(id.as_bytes());
        h.write_i64(ms);
        let report = match line {
            LogLine::Report(r) => {
                h.write_u64(r.duration_ms.to_bits());
                h.write_u64(r.billed_duration_ms);
                h.write_u32(r.memory_size_mb);
                h.write_u32(r.max_memory_used_mb);
                true
            }
            _ => false,
        };
        let key = h.finish();
        if self.newer.seen.contains(&key) || self.older.seen.contains(&key) {
            self.repeated += u64::from(report);
            return true;
        }
        if report && self.forgotten_newest.is_some_and(|t| ms <= t) {
            self.unchecked += 1;
        }
        if self.newer.seen.len() >= self.cap {
            let forgotten = std::mem::replace(&mut self.older, std::mem::take(&mut self.newer));
            self.forgotten_newest = self.forgotten_newest.max(forgotten.newest_report);
            // The forgotten generation's table is reused: no allocation after the first two.
            self.newer.seen = forgotten.seen;
            self.newer.seen.clear();
        }
        self.newer.seen.insert(key);
        if report {
            self.newer.newest_report = self.newer.newest_report.max(Some(ms));
        }
        false
    }

    /// Lines remembered now.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.newer.seen.len() + self.older.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::lambda_log::parse;

    fn at(second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 10, 0, second).unwrap()
    }

    fn report(id: &str, ms: &str) -> String {
        format!(
            "REPORT RequestId: {id}\tDuration: {ms} ms\tBilled Duration: 2 ms\t\
             Memory Size: 128 MB\tMax Memory Used: 40 MB"
        )
    }

    #[test]
    fn a_copy_repeats_and_a_retry_does_not() {
        let mut r = Repeats::default();
        let log = [
            (0, 0, "START RequestId: a Version: $LATEST".to_string()),
            (0, 1, report("a", "1.50")),
            (0, 1, "2024-03-05T10:00:01.000Z\ta\tERROR\tboom".to_string()),
            (1, 1, report("a", "1.50")), // another function's request id "a"
        ];
        let fresh: Vec<bool> = log
            .iter()
            .map(|(f, s, m)| r.repeats(*f, at(*s), &parse(m)))
            .collect();
        assert_eq!(fresh, [false, false, false, false]);
        // The same lines again: the START and the REPORTs repeat; application lines are not
        // looked at.
        let again: Vec<bool> = log
            .iter()
            .map(|(f, s, m)| r.repeats(*f, at(*s), &parse(m)))
            .collect();
        assert_eq!(again, [true, true, false, true]);
        assert_eq!(r.repeated, 2);
        // A retry of "a", a minute later, and a REPORT of "a" at the same time with other
        // figures are new.
        assert!(!r.repeats(0, at(59), &parse("START RequestId: a Version: $LATEST")));
        assert!(!r.repeats(0, at(59), &parse(&report("a", "1.50"))));
        assert!(!r.repeats(0, at(1), &parse(&report("a", "9.00"))));
        assert_eq!((r.repeated, r.unchecked), (2, 0));
    }

    #[test]
    fn memory_is_bounded_and_older_reports_are_counted_as_unchecked() {
        let mut r = Repeats::with_cap(2);
        let line = |i: u32| report(&format!("id-{i}"), "1.00");
        for i in 0..4 {
            assert!(!r.repeats(0, at(i), &parse(&line(i))));
        }
        // Two generations of two: id-0 … id-3.
        assert_eq!(r.remembered(), 4);
        // The fifth line starts a new generation: id-0 and id-1 are forgotten whole; the newest
        // forgotten is at second 1.
        assert!(!r.repeats(0, at(4), &parse(&line(4))));
        assert_eq!(r.remembered(), 3);
        assert!(r.repeats(0, at(4), &parse(&line(4))));
        assert!(r.repeats(0, at(2), &parse(&line(2))));
        assert!(!r.repeats(0, at(1), &parse(&line(1))));
        assert!(!r.repeats(0, at(9), &parse(&line(9))));
        assert_eq!((r.repeated, r.unchecked), (2, 1));
    }
}

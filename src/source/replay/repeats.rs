//! Lines that repeat an invocation already read: a log saved twice and concatenated, exports
//! whose time ranges overlap. Each such line is dropped, so that an invocation is counted once.
//!
//! A line is a repeat when an earlier line of the same function said the same about the same
//! invocation at the same millisecond: `START`, a timeout, a crash or a runtime's end of one
//! request id, or a `REPORT` of that request id with the same figures. A retried asynchronous
//! invocation keeps its request id, but runs again later: its lines are not repeats.
//!
//! Memory is bounded: the lines are remembered (as 64-bit fingerprints) in generations of up
//! to [`REMEMBERED`] lines; when one is full, a new one starts and the one before the previous
//! is forgotten whole (never a removal per line), so the last `REMEMBERED` to `2 × REMEMBERED`
//! such lines are remembered. Copies of one file are recognised whole when the file has up to
//! `REMEMBERED` of these lines (two per invocation); beyond that, a REPORT not newer than every
//! REPORT forgotten may repeat one forgotten, and is counted as not checked.
//!
//! Most logs only move forward in time, and a line newer than every line before cannot repeat
//! one: while that holds, fingerprints are only appended to a list (and a line at the newest
//! millisecond is compared with the few lines of that millisecond). The first time the log goes
//! back in time, or a millisecond holds many lines, the lists become a hash index, which every
//! later line is looked up in.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hasher;

use chrono::{DateTime, Utc};
use rustc_hash::{FxBuildHasher, FxHasher};

use crate::lambda_log::{LogLine, ReportLine};

/// Lines remembered in each generation.
pub const REMEMBERED: usize = 1 << 18;

/// Lines of one millisecond compared one by one before the lines are indexed.
const SAME_MILLISECOND: usize = 32;

/// A digest of the request id `line` is about: `None` for a line about no invocation (or about
/// one it does not name). Made where a line is parsed, while its text is in the cache: the
/// fingerprints of [`Repeats`] start from it.
pub fn id_digest(line: &LogLine<'_>) -> Option<u64> {
    let id = match line {
        LogLine::Start(l) => &l.request_id,
        LogLine::Report(l) => &l.request_id,
        LogLine::Timeout(l) => l.request_id.as_ref()?,
        LogLine::Crash(l) => l.request_id.as_ref()?,
        LogLine::RuntimeDone(l) => l.request_id.as_ref()?,
        _ => return None,
    };
    Some(digest_id(id))
}

/// The digest of a request id ([`id_digest`]).
pub fn digest_id(id: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write(id.as_bytes());
    h.finish()
}

/// The lines of invocations read so far; see the module documentation.
#[derive(Debug)]
pub struct Repeats {
    memory: Memory,
    /// Lines of the current generation.
    in_generation: usize,
    /// The newest REPORT time (ms) of the previous and the current generation.
    newest_report: [Option<i64>; 2],
    cap: usize,
    /// The newest time of a REPORT no longer remembered.
    forgotten_newest: Option<i64>,
    /// REPORT lines dropped as repeats.
    pub repeated: u64,
    /// REPORT lines older than a forgotten one: not known to be new.
    pub unchecked: u64,
}

/// How the remembered lines are kept.
#[derive(Debug)]
enum Memory {
    /// In the order read, while the log moves forward in time: the fingerprints of the previous
    /// and the current generation, and how many lines the newest millisecond holds.
    Forward {
        previous: Vec<u64>,
        current: Vec<u64>,
        newest_ms: Option<i64>,
        same_ms: usize,
    },
    /// Fingerprint → the generation that saw it.
    Indexed {
        seen: HashMap<u64, u32, FxBuildHasher>,
        generation: u32,
    },
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
            memory: Memory::Forward {
                previous: Vec::new(),
                current: Vec::new(),
                newest_ms: None,
                same_ms: 0,
            },
            in_generation: 0,
            newest_report: [None; 2],
            cap: cap.max(1),
            forgotten_newest: None,
            repeated: 0,
            unchecked: 0,
        }
    }

    /// Whether `line`, of the function numbered `function` and written `at`, repeats a line read
    /// before. Remembers it when it does not. `id_digest` is the line's [`id_digest`] when it
    /// was made already.
    pub fn repeats(
        &mut self,
        function: u32,
        at: DateTime<Utc>,
        line: &LogLine<'_>,
        id_digest: Option<u64>,
    ) -> bool {
        let (kind, report) = match line {
            LogLine::Start(_) => (b'S', None),
            LogLine::Report(r) => (b'R', Some(r)),
            LogLine::Timeout(_) => (b'T', None),
            LogLine::Crash(_) => (b'C', None),
            LogLine::RuntimeDone(_) => (b'D', None),
            _ => return false,
        };
        match id_digest.or_else(|| self::id_digest(line)) {
            Some(id) => self.check(Self::invocation(function, id), kind, at, report),
            None => false,
        }
    }

    /// [`repeats`](Self::repeats) for a `REPORT` that stands for its `START` too, which was
    /// written `started_at` (see `BlockLine::started`): whether the START and whether the
    /// REPORT repeat lines read before. `id_digest` is the REPORT's [`id_digest`].
    pub fn report_and_start(
        &mut self,
        function: u32,
        started_at: DateTime<Utc>,
        at: DateTime<Utc>,
        report: &ReportLine<'_>,
        id_digest: u64,
    ) -> (bool, bool) {
        let invocation = Self::invocation(function, id_digest);
        (
            self.check(invocation, b'S', started_at, None),
            self.check(invocation, b'R', at, Some(report)),
        )
    }

    /// What the lines of one invocation share in their fingerprints: the function and the
    /// request id (its [`id_digest`]).
    fn invocation(function: u32, id_digest: u64) -> u64 {
        let mut h = FxHasher::default();
        h.write_u32(function);
        h.write_u64(id_digest);
        h.finish()
    }

    /// Whether the line of `kind` of `invocation` written `at` (with the figures of `report`, a
    /// REPORT's) was read before; remembers it when not.
    fn check(
        &mut self,
        invocation: u64,
        kind: u8,
        at: DateTime<Utc>,
        report: Option<&ReportLine<'_>>,
    ) -> bool {
        let ms = at.timestamp_millis();
        let mut h = FxHasher::default();
        h.write_u64(invocation);
        // Times are of the years 1970–9999: below 2^48 ms, with room for the kind.
        h.write_u64(((ms as u64) << 8) | u64::from(kind));
        if let Some(r) = report {
            h.write_u64(r.duration_ms.to_bits());
            h.write_u64(r.billed_duration_ms);
            h.write_u64((u64::from(r.memory_size_mb) << 32) | u64::from(r.max_memory_used_mb));
        }
        if self.in_generation >= self.cap {
            self.next_generation();
        }
        if self.seen_before(h.finish(), ms) {
            self.repeated += u64::from(report.is_some());
            return true;
        }
        self.in_generation += 1;
        if report.is_some() {
            if self.forgotten_newest.is_some_and(|t| ms <= t) {
                self.unchecked += 1;
            }
            self.newest_report[1] = self.newest_report[1].max(Some(ms));
        }
        false
    }

    /// Whether `key` (of a line at `ms`) was remembered; remembers it when not.
    fn seen_before(&mut self, key: u64, ms: i64) -> bool {
        if let Memory::Forward {
            previous,
            current,
            newest_ms,
            same_ms,
        } = &mut self.memory
        {
            match *newest_ms {
                Some(newest) if ms < newest => {}
                Some(newest) if ms == newest && *same_ms >= SAME_MILLISECOND => {}
                Some(newest) if ms == newest => {
                    let run = current.iter().rev().chain(previous.iter().rev());
                    if run.take(*same_ms).any(|&k| k == key) {
                        return true;
                    }
                    current.push(key);
                    *same_ms += 1;
                    return false;
                }
                _ => {
                    current.push(key);
                    *newest_ms = Some(ms);
                    *same_ms = 1;
                    return false;
                }
            }
            self.index();
        }
        let Memory::Indexed { seen, generation } = &mut self.memory else {
            return false;
        };
        match seen.entry(key) {
            Entry::Occupied(_) => true,
            Entry::Vacant(place) => {
                place.insert(*generation);
                false
            }
        }
    }

    /// From lists to a hash index: the log went back in time, or one millisecond holds many
    /// lines.
    fn index(&mut self) {
        let Memory::Forward {
            previous, current, ..
        } = &self.memory
        else {
            return;
        };
        let mut seen: HashMap<u64, u32, FxBuildHasher> = HashMap::default();
        seen.reserve(previous.len() + current.len());
        seen.extend(previous.iter().map(|&k| (k, 0)));
        seen.extend(current.iter().map(|&k| (k, 1)));
        self.memory = Memory::Indexed {
            seen,
            generation: 1,
        };
    }

    /// Starts a generation, forgetting the one before the previous.
    fn next_generation(&mut self) {
        self.forgotten_newest = self.forgotten_newest.max(self.newest_report[0]);
        self.newest_report = [self.newest_report[1], None];
        self.in_generation = 0;
        match &mut self.memory {
            Memory::Forward {
                previous, current, ..
            } => {
                std::mem::swap(previous, current);
                current.clear();
            }
            Memory::Indexed { seen, generation } => {
                let previous = *generation;
                seen.retain(|_, g| *g == previous);
                *generation = generation.wrapping_add(1);
            }
        }
    }

    /// Lines remembered now.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        match &self.memory {
            Memory::Forward {
                previous, current, ..
            } => previous.len() + current.len(),
            Memory::Indexed { seen, .. } => seen.len(),
        }
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
    fn a_start_a_report_stood_for_is_known_when_read_again_alone() {
        let mut r = Repeats::default();
        let line = report("a-1", "1.00");
        let parsed = parse(&line);
        let LogLine::Report(rep) = &parsed else {
            panic!("a REPORT");
        };
        let id = id_digest(&parsed).unwrap();
        assert_eq!(r.report_and_start(0, at(1), at(2), rep, id), (false, false));
        // The copy: its START alone (the block fell between them), then its REPORT.
        assert!(r.repeats(0, at(1), &parse("START RequestId: a-1 Version: 1"), None));
        assert!(r.repeats(0, at(2), &parsed, Some(id)));
        // A retry's START, later: new.
        assert!(!r.repeats(0, at(3), &parse("START RequestId: a-1 Version: 1"), None));
        // Both read before, both seen; another function's, neither.
        assert_eq!(r.report_and_start(0, at(1), at(2), rep, id), (true, true));
        assert_eq!(r.report_and_start(1, at(1), at(2), rep, id), (false, false));
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
            .map(|(f, s, m)| r.repeats(*f, at(*s), &parse(m), None))
            .collect();
        assert_eq!(fresh, [false, false, false, false]);
        // The same lines again: the START and the REPORTs repeat; application lines are not
        // looked at.
        let again: Vec<bool> = log
            .iter()
            .map(|(f, s, m)| r.repeats(*f, at(*s), &parse(m), None))
            .collect();
        assert_eq!(again, [true, true, false, true]);
        assert_eq!(r.repeated, 2);
        // A retry of "a", a minute later, and a REPORT of "a" at the same time with other
        // figures are new.
        assert!(!r.repeats(
            0,
            at(59),
            &parse("START RequestId: a Version: $LATEST"),
            None
        ));
        assert!(!r.repeats(0, at(59), &parse(&report("a", "1.50")), None));
        assert!(!r.repeats(0, at(1), &parse(&report("a", "9.00")), None));
        assert_eq!((r.repeated, r.unchecked), (2, 0));
    }

    #[test]
    fn a_log_moving_forward_is_not_indexed_until_it_goes_back() {
        let mut r = Repeats::default();
        let start = |i: u32| format!("START RequestId: id-{i} Version: $LATEST");
        // Three lines in one millisecond, a repeat among them, then a newer line.
        for i in 0..3 {
            assert!(!r.repeats(0, at(0), &parse(&start(i)), None));
        }
        assert!(r.repeats(0, at(0), &parse(&start(1)), None));
        assert!(!r.repeats(0, at(1), &parse(&start(3)), None));
        assert!(matches!(r.memory, Memory::Forward { .. }));
        // Back in time: indexed, and every line is still known.
        assert!(r.repeats(0, at(0), &parse(&start(2)), None));
        assert!(matches!(r.memory, Memory::Indexed { .. }));
        assert!(r.repeats(0, at(1), &parse(&start(3)), None));
        assert!(!r.repeats(0, at(1), &parse(&start(4)), None));

        // A millisecond of many lines is indexed too.
        let mut r = Repeats::default();
        for i in 0..40 {
            assert!(!r.repeats(0, at(7), &parse(&start(i)), None));
        }
        assert!(matches!(r.memory, Memory::Indexed { .. }));
        assert!(r.repeats(0, at(7), &parse(&start(0)), None));
        assert_eq!(r.remembered(), 40);
    }

    #[test]
    fn memory_is_bounded_and_older_reports_are_counted_as_unchecked() {
        let mut r = Repeats::with_cap(2);
        let line = |i: u32| report(&format!("id-{i}"), "1.00");
        for i in 0..4 {
            assert!(!r.repeats(0, at(i), &parse(&line(i)), None));
        }
        // Two generations of two: id-0 … id-3.
        assert_eq!(r.remembered(), 4);
        // The fifth line starts a new generation: id-0 and id-1 are forgotten whole; the newest
        // forgotten is at second 1.
        assert!(!r.repeats(0, at(4), &parse(&line(4)), None));
        assert_eq!(r.remembered(), 3);
        assert!(r.repeats(0, at(4), &parse(&line(4)), None));
        assert!(r.repeats(0, at(2), &parse(&line(2)), None));
        assert!(!r.repeats(0, at(1), &parse(&line(1)), None));
        assert!(!r.repeats(0, at(9), &parse(&line(9)), None));
        assert_eq!((r.repeated, r.unchecked), (2, 1));
    }
}

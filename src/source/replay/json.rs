//! The JSON documents `--replay` reads, streamed: `aws logs filter-log-events` /
//! `get-log-events` output (`{"events": […]}`) and CloudWatch Logs subscription payloads
//! (`{"logGroup": …, "logEvents": […]}`), one document or several one after the other (the AWS
//! CLI's pages, payloads saved one after another).
//!
//! Events are read one at a time and sent on in batches, so memory holds a batch, not the
//! document. The JSON of one event (or of a value kept, such as `logGroup`) may be at most
//! [`MAX_EVENT_JSON`] bytes: a longer one ends the read like invalid JSON. Values nothing needs
//! are skipped without being held.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lines::{ExportedEvent, exported_line};
use crate::format;
use crate::message::BlockLines;

/// The most JSON one event may take: CloudWatch's largest event is 1 MB, which JSON escapes
/// may make a few times longer.
pub const MAX_EVENT_JSON: u64 = 8 << 20;
/// Events are sent on in batches of about this weight (message bytes, plus [`EVENT_WEIGHT`]
/// each).
const BATCH: usize = 256 << 10;
const EVENT_WEIGHT: usize = 128;
/// A document's events are held back, up to this weight, while its `logGroup` may still come:
/// a subscription payload with its keys sorted (`jq -S`) names its group after `logEvents`.
const HOLD: usize = 4 << 20;

/// What the start of an input says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// JSON documents holding log events.
    Documents,
    /// Text: log lines (which may be JSON lines).
    Lines,
    /// Not known yet: more input is needed.
    Undecided,
}

/// Whether `head`, the start of an input, is a JSON document of log events: an object whose
/// `events` or `logEvents` is an empty array or starts with an object with a `message`.
/// Anything else (a Lambda log line in JSON, an exported event on a line of its own) is text.
pub fn sniff(head: &[u8]) -> Sniffed {
    match head.iter().find(|b| !b.is_ascii_whitespace()) {
        None => return Sniffed::Undecided,
        Some(b'{') => {}
        Some(_) => return Sniffed::Lines,
    }
    let verdict = Cell::new(None);
    let mut de = serde_json::Deserializer::from_slice(head);
    let result = serde::Deserializer::deserialize_map(&mut de, Probe(&verdict));
    match (verdict.get(), result) {
        (Some(true), _) => Sniffed::Documents,
        (Some(false), _) | (None, Ok(())) => Sniffed::Lines,
        (None, Err(e)) if e.is_eof() => Sniffed::Undecided,
        (None, Err(_)) => Sniffed::Lines,
    }
}

/// The keys the readers look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Events,
    LogGroup,
    LogStream,
    Message,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(match v {
                    "events" | "logEvents" => Key::Events,
                    "logGroup" => Key::LogGroup,
                    "logStream" => Key::LogStream,
                    "message" => Key::Message,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// Looks for the events of a document; stops as soon as it knows, with `Some(is a document)`.
struct Probe<'v>(&'v Cell<Option<bool>>);

impl Probe<'_> {
    fn decide<E: de::Error>(&self, documents: bool) -> Result<(), E> {
        self.0.set(Some(documents));
        Err(E::custom("decided"))
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Events => map.next_value_seed(FirstEvent(Probe(self.0)))?,
                _ => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(())
    }
}

/// The first element of an `events` array, for [`Probe`].
struct FirstEvent<'v>(Probe<'v>);

impl<'de> DeserializeSeed<'de> for FirstEvent<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for FirstEvent<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of log events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if seq
            .next_element_seed(EventProbe(Probe(self.0.0)))?
            .is_none()
        {
            // An export that found nothing.
            return self.0.decide(true);
        }
        self.0.decide(false)
    }
}

struct EventProbe<'v>(Probe<'v>);

impl<'de> DeserializeSeed<'de> for EventProbe<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for EventProbe<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a log event")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Key>()? {
            if key == Key::Message {
                return self.0.decide(true);
            }
            map.next_value::<IgnoredAny>()?;
        }
        self.0.decide(false)
    }
}

/// Where a JSON input stopped being readable, and what was read before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenJson {
    /// Bytes read when the reading failed.
    pub at: u64,
    pub reason: String,
    /// Events read before.
    pub events: u64,
    /// Bytes after the last event read.
    pub rest: u64,
}

impl fmt::Display for BrokenJson {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(
            f,
            "is not valid JSON after byte {}: {}; {} event{} read, the rest ({} bytes) was not",
            format::count(self.at),
            self.reason,
            format::count(self.events),
            if self.events == 1 { "" } else { "s" },
            format::count(self.rest),
        )
    }
}

/// Why JSON documents could not be read to their end.
#[derive(Debug, thiserror::Error)]
pub enum DocumentsError {
    #[error("{0}")]
    Broken(BrokenJson),
    #[error("cannot read the input: {0}")]
    Io(io::Error),
}

/// Reads the JSON documents of `input` to its end and hands their events to `emit`, in order
/// and in batches, each as a block line whose group and stream are the document's when the
/// event names none; returns the number of events. When the input breaks off or is not valid,
/// the events read before are still handed on.
pub fn read_documents<R: Read>(
    input: R,
    max_event_json: u64,
    emit: impl FnMut(BlockLines<'static>),
) -> Result<u64, DocumentsError> {
    let progress = Progress::default();
    let mut counted = Counted {
        input,
        buf: vec![0; 64 << 10].into_boxed_slice(),
        at: 0,
        len: 0,
        progress: &progress,
        limit: max_event_json,
    };
    let mut reader = Documents {
        progress: &progress,
        emit,
        held: Vec::new(),
        held_weight: 0,
        group: None,
        stream: None,
        group_may_come: false,
        events: 0,
        read_to: 0,
    };
    let result = {
        let mut de = serde_json::Deserializer::from_reader(&mut counted);
        loop {
            match de.end() {
                Ok(()) => break Ok(()),
                Err(e) if e.is_io() => break Err(e),
                // Something other than white space follows: the next document.
                Err(_) => {}
            }
            progress.watch();
            if let Err(e) = Document(&mut reader).deserialize(&mut de) {
                break Err(e);
            }
        }
    };
    progress.watching.set(None);
    reader.flush();
    let Err(e) = result else {
        return Ok(reader.events);
    };
    if e.is_io() && !progress.too_long.get() {
        return Err(DocumentsError::Io(e.into()));
    }
    let at = progress.pos.get();
    let reason = if progress.too_long.get() {
        format!(
            "a value longer than {} MiB (a log event holds at most 1 MB)",
            max_event_json >> 20
        )
    } else {
        e.to_string()
    };
    // The rest is read only to be counted; a read error leaves it uncounted.
    let rest = io::copy(&mut counted, &mut io::sink()).unwrap_or(0);
    Err(DocumentsError::Broken(BrokenJson {
        at,
        reason,
        events: reader.events,
        rest: (at + rest).saturating_sub(reader.read_to),
    }))
}

/// How far the reading got; shared by the reader and the visitors, on one thread.
#[derive(Debug, Default)]
struct Progress {
    /// Bytes handed to the parser.
    pos: Cell<u64>,
    /// Where the value being held started, while one is.
    watching: Cell<Option<u64>>,
    /// The reading stopped at a value longer than the limit.
    too_long: Cell<bool>,
}

impl Progress {
    fn watch(&self) {
        self.watching.set(Some(self.pos.get()));
    }

    fn unwatch(&self) {
        self.watching.set(None);
    }
}

/// A buffered reader that counts what it hands on and refuses to go on past `limit` bytes of a
/// watched value.
struct Counted<'p, R> {
    input: R,
    buf: Box<[u8]>,
    at: usize,
    len: usize,
    progress: &'p Progress,
    limit: u64,
}

impl<R: Read> Counted<'_, R> {
    fn refill(&mut self) -> io::Result<()> {
        self.len = loop {
            match self.input.read(&mut self.buf) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.at = 0;
        Ok(())
    }
}

impl<R: Read> Read for Counted<'_, R> {
    // The parser reads a byte at a time: that is the path to keep short.
    #[inline]
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.at == self.len {
            self.refill()?;
        }
        let n = out.len().min(self.len - self.at);
        let pos = self.progress.pos.get() + n as u64;
        if let Some(start) = self.progress.watching.get()
            && pos - start > self.limit
        {
            self.progress.too_long.set(true);
            return Err(io::Error::other("a JSON value is too long"));
        }
        match n {
            0 => {}
            1 => out[0] = self.buf[self.at],
            _ => out[..n].copy_from_slice(&self.buf[self.at..self.at + n]),
        }
        self.at += n;
        self.progress.pos.set(pos);
        Ok(n)
    }
}

/// The reading of the documents: the events held back and the document's group and stream.
struct Documents<'p, F> {
    progress: &'p Progress,
    emit: F,
    held: Vec<ExportedEvent>,
    held_weight: usize,
    group: Option<String>,
    stream: Option<String>,
    /// The document may still name its log group.
    group_may_come: bool,
    events: u64,
    /// Where the last event read ends.
    read_to: u64,
}

impl<F: FnMut(BlockLines<'static>)> Documents<'_, F> {
    fn push(&mut self, event: ExportedEvent) {
        self.held_weight += event.message.len() + EVENT_WEIGHT;
        self.held.push(event);
        self.events += 1;
        self.read_to = self.progress.pos.get();
        if self.held_weight >= HOLD {
            // Waited long enough for the group.
            self.group_may_come = false;
        }
        if self.held_weight >= BATCH && !self.group_may_come {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let (group, stream) = (self.group.as_deref(), self.stream.as_deref());
        let lines = self
            .held
            .drain(..)
            .map(|e| exported_line(e, group, stream, 0))
            .collect();
        self.held_weight = 0;
        (self.emit)(lines);
    }
}

/// One document.
struct Document<'r, 'p, F>(&'r mut Documents<'p, F>);

impl<'de, F: FnMut(BlockLines<'static>)> DeserializeSeed<'de> for Document<'_, '_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(BlockLines<'static>)> Visitor<'de> for Document<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object holding log events (`events` or `logEvents`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let r = self.0;
        r.group = None;
        r.stream = None;
        r.group_may_come = true;
        loop {
            r.progress.watch();
            let Some(key) = map.next_key::<Key>()? else {
                break;
            };
            match key {
                Key::Events => {
                    r.progress.unwatch();
                    map.next_value_seed(Events(&mut *r))?;
                }
                Key::LogGroup => {
                    r.group = map.next_value()?;
                    r.group_may_come = false;
                }
                Key::LogStream => r.stream = map.next_value()?,
                Key::Message | Key::Other => {
                    r.progress.unwatch();
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        r.progress.unwatch();
        r.flush();
        Ok(())
    }
}

/// A document's `events` or `logEvents`.
struct Events<'r, 'p, F>(&'r mut Documents<'p, F>);

impl<'de, F: FnMut(BlockLines<'static>)> DeserializeSeed<'de> for Events<'_, '_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(BlockLines<'static>)> Visitor<'de> for Events<'_, '_, F> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of log events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let r = self.0;
        loop {
            r.progress.watch();
            let Some(event) = seq.next_element::<ExportedEvent>()? else {
                break;
            };
            r.push(event);
        }
        r.progress.unwatch();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message handed on, and the function it names.
    type Seen = (String, Option<String>);

    /// The messages `read_documents` hands on, and the result.
    fn read(input: &[u8], limit: u64) -> (Vec<Seen>, Result<u64, String>) {
        let mut seen = Vec::new();
        let result = read_documents(input, limit, |lines| {
            seen.extend(lines.into_iter().map(|l| {
                let named = super::super::lines::named(&l).map(str::to_string);
                (l.message.into_owned(), named)
            }))
        })
        .map_err(|e| e.to_string());
        (seen, result)
    }

    fn messages(seen: &[Seen]) -> Vec<&str> {
        seen.iter().map(|(m, _)| m.as_str()).collect()
    }

    #[test]
    fn sniffs_documents_from_their_first_event() {
        assert_eq!(sniff(b"  \n"), Sniffed::Undecided);
        assert_eq!(sniff(b"START RequestId: 1"), Sniffed::Lines);
        assert_eq!(sniff(b"{\n  \"events\": [\n"), Sniffed::Undecided);
        assert_eq!(
            sniff(b"{\n  \"events\": [\n  {\"logStreamName\": \"s\", \"message\": \"RE"),
            Sniffed::Documents
        );
        assert_eq!(sniff(b"{\"events\": [], \"searched"), Sniffed::Documents);
        assert_eq!(
            sniff(br#"{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/f","logEvents":[{"id":"1","message":"x"}]}"#),
            Sniffed::Documents
        );
        // A Lambda log line in JSON, an exported event on a line of its own, broken JSON.
        assert_eq!(
            sniff(br#"{"time":"2024-02-09T08:42:44.078Z","type":"platform.start","record":{}}"#),
            Sniffed::Lines
        );
        assert_eq!(
            sniff(b"{\"message\": \"hi\", \"timestamp\": 1}\n{\"mess"),
            Sniffed::Lines
        );
        assert_eq!(
            sniff(b"{\"level\": \"info\", \"events\": [1, 2]}"),
            Sniffed::Lines
        );
        assert_eq!(
            sniff(b"{\"level\": \"info\", \"events\": [{\"id\": 1}]}"),
            Sniffed::Lines
        );
        assert_eq!(sniff(b"{not json}\n"), Sniffed::Lines);
    }

    #[test]
    fn reads_several_documents_one_after_the_other() {
        let input = br#"{"events": [{"message": "a", "timestamp": 1}, {"message": "b"}], "nextToken": "x"}
            {"messageType": "DATA_MESSAGE", "logGroup": "/aws/lambda/orders", "logStream": "s",
             "logEvents": [{"id": "1", "timestamp": 2, "message": "c"}]}
            {"logEvents": [{"id": "2", "timestamp": 3, "message": "d"}], "logGroup": "/aws/lambda/sorted", "logStream": "s"}"#;
        let (seen, result) = read(input, MAX_EVENT_JSON);
        assert_eq!(result, Ok(4));
        assert_eq!(
            seen,
            [
                ("a".to_string(), None),
                ("b".to_string(), None),
                ("c".to_string(), Some("orders".to_string())),
                // The group came after the events: they were held back for it.
                ("d".to_string(), Some("sorted".to_string())),
            ]
        );
    }

    #[test]
    fn a_document_that_breaks_off_says_where_and_keeps_the_events_before() {
        let input = br#"{"events": [{"message": "a"}, {"message": "b"}, {"message": "c", "timest"#;
        let (seen, result) = read(input, MAX_EVENT_JSON);
        assert_eq!(messages(&seen), ["a", "b"]);
        // The second event ends at byte 46; 72 bytes in all.
        assert_eq!(input.len(), 72);
        assert_eq!(
            result,
            Err(
                "is not valid JSON after byte 72: EOF while parsing a string at line 1 column 72; \
                 2 events read, the rest (26 bytes) was not"
                    .to_string()
            )
        );

        let (seen, result) = read(b"{\"events\": [{\"message\": \"a\"}]} trailing", 1 << 20);
        assert_eq!(messages(&seen), ["a"]);
        let err = result.unwrap_err();
        // Read as far as "tra" (not "true"); the event ends at byte 28 of 39.
        assert_eq!(
            err,
            "is not valid JSON after byte 34: expected ident at line 1 column 34; 1 event read, \
             the rest (11 bytes) was not"
        );
    }

    #[test]
    fn a_value_over_the_limit_is_refused_without_being_held() {
        let long = "x".repeat(5000);
        let input = format!(
            r#"{{"events": [{{"message": "a"}}, {{"message": "{long}"}}, {{"message": "b"}}]}}"#
        );
        let (seen, result) = read(input.as_bytes(), 1000);
        assert_eq!(messages(&seen), ["a"]);
        let err = result.unwrap_err();
        assert!(
            err.contains("a value longer than 0 MiB") && err.contains("1 event read"),
            "{err}"
        );
        // Skipped values are not held: no limit applies to them.
        let input =
            format!(r#"{{"searchedLogStreams": ["{long}"], "events": [{{"message": "a"}}]}}"#);
        let (seen, result) = read(input.as_bytes(), 1000);
        assert_eq!((messages(&seen), result), (vec!["a"], Ok(1)));
        // A long key is held, and refused.
        let input = format!(r#"{{"{long}": 1, "events": []}}"#);
        assert!(read(input.as_bytes(), 1000).1.is_err());
    }

    #[test]
    fn large_documents_go_in_batches() {
        let event = format!(r#"{{"message": "{}"}}"#, "m".repeat(1000));
        let input = format!(
            r#"{{"events": [{}]}}"#,
            std::iter::repeat_n(event.as_str(), 1000)
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut batches = Vec::new();
        let n = read_documents(input.as_bytes(), MAX_EVENT_JSON, |lines| {
            batches.push(lines.len())
        })
        .unwrap();
        assert_eq!(n, 1000);
        assert_eq!(batches.iter().sum::<usize>(), 1000);
        // No logGroup: held back up to 4 MiB (more than the 1000 events' 1.1 MB)… then sent
        // whole at the end of the document.
        assert_eq!(batches, [1000]);

        let input = input.replacen('{', r#"{"logGroup": "g", "#, 1);
        let mut batches = Vec::new();
        read_documents(input.as_bytes(), MAX_EVENT_JSON, |lines| {
            batches.push(lines.len())
        })
        .unwrap();
        // 256 KiB / (1000 + 128) bytes: 233 events a batch.
        assert_eq!(batches, [233, 233, 233, 233, 68]);
    }
}

//! The log pane's memory: the newest log events of every function, capped.

use std::collections::VecDeque;

use crate::model::LogEvent;

/// A ring of the newest log events, oldest dropped first. Each event also carries a sequence
/// number so that views can keep their place while the ring moves.
#[derive(Debug, Clone)]
pub struct LogRing {
    capacity: usize,
    events: VecDeque<LogEvent>,
    /// Sequence number of `events[0]`.
    first_seq: u64,
    /// Bytes of message text held, for the memory bound.
    bytes: usize,
    max_bytes: usize,
}

impl LogRing {
    /// A ring of at most `capacity` events and `max_bytes` of message text.
    pub fn new(capacity: usize, max_bytes: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            events: VecDeque::new(),
            first_seq: 0,
            bytes: 0,
            max_bytes: max_bytes.max(1),
        }
    }

    pub fn push(&mut self, event: LogEvent) {
        self.bytes += event.message.len();
        self.events.push_back(event);
        while self.events.len() > self.capacity
            || (self.bytes > self.max_bytes && self.events.len() > 1)
        {
            if let Some(old) = self.events.pop_front() {
                self.bytes -= old.message.len();
                self.first_seq += 1;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Sequence number of the oldest event held.
    pub fn first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Sequence number the next event will get.
    pub fn next_seq(&self) -> u64 {
        self.first_seq + self.events.len() as u64
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEvent> + ExactSizeIterator {
        self.events.iter()
    }

    /// Events with their sequence numbers.
    pub fn iter_seq(&self) -> impl DoubleEndedIterator<Item = (u64, &LogEvent)> {
        let first = self.first_seq;
        self.events
            .iter()
            .enumerate()
            .map(move |(i, e)| (first + i as u64, e))
    }

    pub fn get(&self, seq: u64) -> Option<&LogEvent> {
        seq.checked_sub(self.first_seq)
            .and_then(|i| self.events.get(usize::try_from(i).ok()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn ev(msg: &str) -> LogEvent {
        LogEvent {
            function: "f".into(),
            origin: Default::default(),
            timestamp: Utc::now(),
            stream: "s".into(),
            message: msg.to_string(),
            event_id: None,
        }
    }

    #[test]
    fn keeps_the_newest_up_to_capacity() {
        let mut r = LogRing::new(3, 1 << 20);
        for i in 0..5 {
            r.push(ev(&i.to_string()));
        }
        let kept: Vec<_> = r.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(kept, ["2", "3", "4"]);
        assert_eq!(r.first_seq(), 2);
        assert_eq!(r.next_seq(), 5);
        assert_eq!(r.get(3).map(|e| e.message.as_str()), Some("3"));
        assert!(r.get(1).is_none());
        assert_eq!(r.bytes(), 3);
    }

    #[test]
    fn bounded_by_bytes_but_keeps_the_newest_event() {
        let mut r = LogRing::new(100, 10);
        r.push(ev("12345"));
        r.push(ev("123456"));
        assert_eq!(r.len(), 1);
        r.push(ev(&"x".repeat(50)));
        assert_eq!(r.len(), 1);
        assert_eq!(r.bytes(), 50);
    }
}

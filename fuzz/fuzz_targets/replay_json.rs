//! The streamed JSON readers of `--replay` (`aws logs filter-log-events` output, subscription
//! payloads, several documents one after another) on arbitrary input:
//! - the bytes as they are: nothing may panic, what is handed on is what is counted, and a read
//!   that succeeds was of valid JSON;
//! - the bytes' lines as the messages of a subscription payload (its group after its events, as
//!   `jq -S` sorts them): every message is read back as it was, in order.
#![no_main]

use lambdatop::message::LineSource;
use lambdatop::source::replay::json::{
    DocumentsError, MAX_EVENT_JSON, Sniffed, read_documents, sniff,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data);

    let mut handed = 0;
    // A small limit, so that values over it are found too.
    match read_documents(data, 1 << 12, |lines| handed += lines.len() as u64) {
        Ok(events) => {
            assert_eq!(events, handed);
            assert!(
                serde_json::Deserializer::from_slice(data)
                    .into_iter::<serde::de::IgnoredAny>()
                    .all(|v| v.is_ok()),
                "read as documents, but not valid JSON"
            );
        }
        Err(DocumentsError::Broken(b)) => {
            assert_eq!(b.events, handed);
            assert!(
                b.at <= data.len() as u64 && b.rest <= data.len() as u64,
                "{b:?}"
            );
        }
        Err(DocumentsError::Io(e)) => panic!("reading from memory failed: {e}"),
    }

    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let messages: Vec<&str> = text.split('\n').collect();
    let events: Vec<serde_json::Value> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| serde_json::json!({"id": i.to_string(), "timestamp": i, "message": m}))
        .collect();
    // Keys sorted: `logEvents` before `logGroup`.
    let payload = serde_json::to_vec(&serde_json::json!({
        "logEvents": events,
        "logGroup": "/aws/lambda/fuzzed",
        "logStream": "2026/03/14/[$LATEST]ab",
        "messageType": "DATA_MESSAGE",
    }))
    .expect("JSON of strings");
    assert_eq!(sniff(&payload), Sniffed::Documents);
    let mut read = Vec::new();
    let result = read_documents(&payload[..], MAX_EVENT_JSON, |lines| {
        read.extend(lines.into_iter().map(|l| {
            let named = match &l.source {
                LineSource::Exported(e) => e.named.as_deref(),
                _ => None,
            };
            assert_eq!(named, Some("fuzzed"));
            l.message.into_owned()
        }))
    });
    assert_eq!(result.ok(), Some(messages.len() as u64));
    assert_eq!(read, messages);
});

//! A scripted CloudWatch Logs peer that speaks Live Tail, which moto does not emulate.
//!
//! `StartLiveTail` is answered with an HTTP/1.1 chunked response in the AWS event-stream binary
//! framing (encoded with `aws-smithy-eventstream`, the SDK's own codec), each message with the
//! `:message-type`, `:event-type` (or `:exception-type`) and `:content-type` headers the SDK
//! reads. What a stream sends is up to the test, frame by frame, through a channel: the
//! session's start, updates, sampling, a `SessionTimeoutException`, or the connection dropped
//! mid-stream. Each StartLiveTail call takes the next queued answer (a stream or an error).
//!
//! The lines of the log are kept here too: `FilterLogEvents` answers from them (every line of the
//! group in the asked range, with its event id and ingestion time), so the polling that covers
//! a stream's gaps reads the same log the stream sends. Discovery gets one function, `orders`
//! (account 123456789012), and its log group.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};

use super::http::{self, read_request};
use tokio::sync::mpsc;

pub const GROUP: &str = "/aws/lambda/orders";
pub const GROUP_ARN: &str = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/orders";
pub const STREAM: &str = "2026/03/14/[$LATEST]0123abcd";

/// One log line.
#[derive(Debug, Clone)]
pub struct Line {
    pub timestamp: i64,
    pub ingestion: i64,
    pub message: String,
    pub stream: String,
}

impl Line {
    pub fn new(timestamp: i64, ingestion: i64, message: &str) -> Self {
        Self {
            timestamp,
            ingestion,
            message: message.to_string(),
            stream: STREAM.to_string(),
        }
    }
}

/// What a stream sends next.
#[derive(Debug)]
pub enum Frame {
    Start,
    Update {
        lines: Vec<Line>,
        sampled: bool,
    },
    /// The service ends the session (after 3 hours).
    Timeout,
    /// The connection drops without the stream's end.
    Drop,
}

/// The answer to one StartLiveTail call.
pub enum Answer {
    Stream(mpsc::UnboundedReceiver<Frame>),
    Error { status: u16, code: &'static str },
}

#[derive(Default)]
struct State {
    log: Vec<(String, Line)>,
    answers: VecDeque<Answer>,
    /// Request bodies of StartLiveTail calls.
    live_calls: Vec<String>,
    filter_calls: u32,
}

/// The peer; its endpoint is `http://127.0.0.1:<port>`.
#[derive(Clone)]
pub struct LivePeer {
    state: Arc<Mutex<State>>,
    pub endpoint: String,
}

impl LivePeer {
    pub async fn start() -> LivePeer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
        let state = Arc::new(Mutex::new(State::default()));
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                tokio::spawn(connection(sock, s.clone()));
            }
        });
        LivePeer { state, endpoint }
    }

    /// Adds lines to the log (FilterLogEvents finds them from now on).
    pub fn ingest(&self, lines: &[Line]) {
        let mut s = self.state.lock().expect("state");
        s.log
            .extend(lines.iter().map(|l| (GROUP.to_string(), l.clone())));
    }

    /// Queues a stream for the next StartLiveTail call; frames sent on the returned channel go
    /// out as they come.
    pub fn stream(&self) -> mpsc::UnboundedSender<Frame> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.answer(Answer::Stream(rx));
        tx
    }

    pub fn answer(&self, a: Answer) {
        self.state.lock().expect("state").answers.push_back(a);
    }

    pub fn live_calls(&self) -> Vec<String> {
        self.state.lock().expect("state").live_calls.clone()
    }

    pub fn filter_calls(&self) -> u32 {
        self.state.lock().expect("state").filter_calls
    }
}

fn json_reply(status: u16, body: serde_json::Value) -> Vec<u8> {
    let body = body.to_string();
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/x-amz-json-1.1\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn connection(mut sock: TcpStream, state: Arc<Mutex<State>>) {
    let mut buf = Vec::new();
    loop {
        let Some((headers, body)) = read_request(&mut sock, &mut buf).await else {
            return;
        };
        let body = String::from_utf8_lossy(&body).into_owned();
        let path = headers.split_whitespace().nth(1).unwrap_or("/").to_string();
        let target = http::header(&headers, "x-amz-target")
            .and_then(|v| v.rsplit('.').next())
            .unwrap_or_default()
            .to_string();
        let reply = match (target.as_str(), path.as_str()) {
            ("StartLiveTail", _) => {
                let answer = {
                    let mut s = state.lock().expect("state");
                    s.live_calls.push(body);
                    s.answers.pop_front()
                };
                match answer {
                    Some(Answer::Stream(rx)) => {
                        stream(sock, rx).await;
                        return;
                    }
                    Some(Answer::Error { status, code }) => json_reply(
                        status,
                        serde_json::json!({"__type": code, "message": "scripted"}),
                    ),
                    None => json_reply(
                        400,
                        serde_json::json!({"__type": "UnknownOperationException"}),
                    ),
                }
            }
            ("FilterLogEvents", _) => {
                let req: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let group = req["logGroupName"].as_str().unwrap_or_default().to_string();
                let start = req["startTime"].as_i64().unwrap_or(i64::MIN);
                let end = req["endTime"].as_i64().unwrap_or(i64::MAX);
                let mut s = state.lock().expect("state");
                s.filter_calls += 1;
                let mut events: Vec<(usize, &Line)> = s
                    .log
                    .iter()
                    .enumerate()
                    .filter(|(_, (g, l))| *g == group && l.timestamp >= start && l.timestamp <= end)
                    .map(|(i, (_, l))| (i, l))
                    .collect();
                events.sort_by_key(|(i, l)| (l.timestamp, *i));
                let events: Vec<serde_json::Value> = events
                    .into_iter()
                    .map(|(i, l)| {
                        serde_json::json!({
                            "logStreamName": l.stream,
                            "timestamp": l.timestamp,
                            "ingestionTime": l.ingestion,
                            "message": l.message,
                            "eventId": format!("{i:056}"),
                        })
                    })
                    .collect();
                json_reply(200, serde_json::json!({ "events": events }))
            }
            ("DescribeLogGroups", _) => json_reply(
                200,
                serde_json::json!({"logGroups": [{"logGroupName": GROUP}]}),
            ),
            (_, p) if p.starts_with("/2015-03-31/functions") => json_reply(
                200,
                serde_json::json!({"Functions": [{
                    "FunctionName": "orders",
                    "FunctionArn": "arn:aws:lambda:eu-central-1:123456789012:function:orders",
                    "Timeout": 3
                }]}),
            ),
            (_, p) if p.starts_with("/2016-08-19/account-settings") => json_reply(
                200,
                serde_json::json!({"AccountLimit": {"ConcurrentExecutions": 50}}),
            ),
            _ => json_reply(
                400,
                serde_json::json!({"__type": "UnknownOperationException"}),
            ),
        };
        if sock.write_all(&reply).await.is_err() {
            return;
        }
    }
}

fn header(name: &'static str, value: &'static str) -> Header {
    Header::new(name, HeaderValue::String(value.into()))
}

/// One event-stream message, as the service frames it.
fn message(kind: &'static str, name: &'static str, payload: serde_json::Value) -> Vec<u8> {
    let name_header = if kind == "event" {
        ":event-type"
    } else {
        ":exception-type"
    };
    let m = Message::new(payload.to_string().into_bytes())
        .add_header(header(":message-type", kind))
        .add_header(header(name_header, name))
        .add_header(header(":content-type", "application/json"));
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&m, &mut out).expect("frame");
    out
}

fn frame_bytes(frame: &Frame) -> Option<Vec<u8>> {
    Some(match frame {
        Frame::Start => message(
            "event",
            "sessionStart",
            serde_json::json!({
                "requestId": "req-1",
                "sessionId": "session-1",
                "logGroupIdentifiers": [GROUP_ARN],
            }),
        ),
        Frame::Update { lines, sampled } => message(
            "event",
            "sessionUpdate",
            serde_json::json!({
                "sessionMetadata": {"sampled": sampled},
                "sessionResults": lines.iter().map(|l| serde_json::json!({
                    "logStreamName": l.stream,
                    "logGroupIdentifier": GROUP_ARN,
                    "message": l.message,
                    "timestamp": l.timestamp,
                    "ingestionTime": l.ingestion,
                })).collect::<Vec<_>>(),
            }),
        ),
        Frame::Timeout => message(
            "exception",
            "SessionTimeoutException",
            serde_json::json!({"message": "Session timed out after 3 hours"}),
        ),
        Frame::Drop => return None,
    })
}

/// Sends a stream's frames as chunks until it drops or the test stops sending.
async fn stream(mut sock: TcpStream, mut rx: mpsc::UnboundedReceiver<Frame>) {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: application/vnd.amazon.eventstream\r\ntransfer-encoding: chunked\r\nx-amzn-requestid: req-1\r\n\r\n";
    if sock.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    while let Some(frame) = rx.recv().await {
        let Some(bytes) = frame_bytes(&frame) else {
            // Dropped mid-stream: no final chunk.
            return;
        };
        let mut chunk = format!("{:x}\r\n", bytes.len()).into_bytes();
        chunk.extend(&bytes);
        chunk.extend(b"\r\n");
        if sock.write_all(&chunk).await.is_err() || sock.flush().await.is_err() {
            return;
        }
        if matches!(frame, Frame::Timeout) {
            let _ = sock.write_all(b"0\r\n\r\n").await;
            return;
        }
    }
}

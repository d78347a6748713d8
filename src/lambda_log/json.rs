//! The JSON log format (`platform.*` events, JSON application lines) and Embedded Metric Format.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::line::{
    AppLine, CrashLine, EmfLine, EmfMetric, EndLine, InitReportLine, Level, LogLine,
    OtherPlatformLine, Phase, PlatformStatus, ReportLine, ReportRare, RestoreReportLine,
    RuntimeDoneLine, RuntimeVersionLine, StartLine, SubscriberLine,
};

/// Keys application loggers put the request id under (Lambda runtimes, Powertools for Python,
/// Java and .NET, Lambda Insights).
const REQUEST_ID_KEYS: &[&str] = &[
    "requestId",
    "request_id",
    "lambda_request_id",
    "FunctionRequestId",
    "AWSRequestId",
    "aws_request_id",
];
const LEVEL_KEYS: &[&str] = &["level", "Level", "log_level", "levelname", "severity"];
const TIME_KEYS: &[&str] = &["timestamp", "time", "Timestamp", "@timestamp"];
const MESSAGE_KEYS: &[&str] = &["message", "Message", "msg"];

/// Parses a message that starts with `{`. Invalid JSON is retried without trailing commas (a
/// common slip in hand-written samples); if it still fails the message is an application line.
pub(crate) fn parse_json(s: &str) -> LogLine<'_> {
    let value = match serde_json::from_str::<Value>(s) {
        Ok(v) => v,
        Err(_) => match serde_json::from_str::<Value>(&without_trailing_commas(s)) {
            Ok(v) => v,
            Err(_) => return plain(s),
        },
    };
    match value {
        Value::Object(object) => from_object(object, s),
        _ => plain(s),
    }
}

fn plain(s: &str) -> LogLine<'_> {
    LogLine::App(AppLine {
        timestamp: None,
        request_id: None,
        level: None,
        message: Cow::Borrowed(s.trim_end()),
    })
}

fn from_object(object: Map<String, Value>, raw: &str) -> LogLine<'_> {
    if let (Some(event_type), Some(record)) = (
        object.get("type").and_then(Value::as_str),
        object.get("record"),
    ) {
        if event_type.starts_with("platform.") {
            return platform(event_type, record);
        }
        if let (Some(text), "function" | "extension") = (record.as_str(), event_type) {
            return LogLine::App(AppLine {
                timestamp: string(&object, "time"),
                request_id: None,
                level: None,
                message: Cow::Owned(text.trim_end().to_owned()),
            });
        }
    }
    if let Some(emf) = emf(&object) {
        return LogLine::Emf(emf);
    }
    let request_id = first_string(&object, REQUEST_ID_KEYS);
    let level = LEVEL_KEYS
        .iter()
        .find_map(|k| object.get(*k).and_then(Value::as_str))
        .and_then(Level::parse);
    let has_message = MESSAGE_KEYS.iter().any(|k| object.contains_key(*k));
    if let Some(error_type) = string(&object, "errorType")
        && !has_message
    {
        // An unhandled error as the runtime logs it has a request id, level or time; an object
        // with only errorType/errorMessage is an Invoke API response, not a log line.
        let looks_logged = request_id.is_some()
            || level.is_some()
            || TIME_KEYS.iter().any(|k| object.contains_key(*k));
        if !looks_logged {
            return LogLine::Unknown;
        }
        return LogLine::Crash(CrashLine {
            request_id,
            error_type: Some(error_type),
            message: string(&object, "errorMessage").unwrap_or(Cow::Borrowed("")),
        });
    }
    let message = MESSAGE_KEYS
        .iter()
        .find_map(|k| object.get(*k))
        .map(|m| match m {
            Value::String(s) => Cow::Owned(s.trim_end().to_owned()),
            other => Cow::Owned(other.to_string()),
        })
        .unwrap_or(Cow::Borrowed(raw.trim_end()));
    LogLine::App(AppLine {
        timestamp: first_string(&object, TIME_KEYS),
        request_id,
        level,
        message,
    })
}

fn platform<'a>(event_type: &str, record: &Value) -> LogLine<'a> {
    let get = |k: &str| record.get(k);
    let text = |k: &str| get(k).and_then(scalar_text);
    let metric = |k: &str| {
        get("metrics")
            .and_then(|m| m.get(k))
            .and_then(Value::as_f64)
    };
    let status = || {
        get("status")
            .and_then(Value::as_str)
            .map(PlatformStatus::parse)
    };
    let other = || {
        LogLine::Platform(OtherPlatformLine {
            event_type: Cow::Owned(event_type.to_owned()),
        })
    };
    match event_type {
        "platform.start" => match text("requestId") {
            Some(request_id) => LogLine::Start(StartLine {
                request_id,
                version: text("version"),
            }),
            None => other(),
        },
        "platform.end" => match text("requestId") {
            Some(request_id) => LogLine::End(EndLine { request_id }),
            None => other(),
        },
        "platform.report" => {
            let report = (|| {
                Some(ReportLine {
                    request_id: text("requestId")?,
                    duration_ms: metric("durationMs")?,
                    billed_duration_ms: whole(metric("billedDurationMs")?)?,
                    memory_size_mb: u32::try_from(whole(metric("memorySizeMB")?)?).ok()?,
                    max_memory_used_mb: u32::try_from(whole(metric("maxMemoryUsedMB")?)?).ok()?,
                    init_duration_ms: metric("initDurationMs"),
                    status: status(),
                    rare: ReportRare {
                        restore_duration_ms: metric("restoreDurationMs"),
                        billed_restore_duration_ms: metric("billedRestoreDurationMs")
                            .and_then(whole),
                        error_type: text("errorType"),
                        xray_trace_id: get("tracing")
                            .and_then(|t| t.get("value"))
                            .and_then(Value::as_str)
                            .and_then(trace_root),
                    }
                    .boxed(),
                })
            })();
            report.map_or_else(other, LogLine::Report)
        }
        "platform.initStart" => LogLine::InitStart(RuntimeVersionLine {
            runtime_version: text("runtimeVersion"),
            runtime_version_arn: text("runtimeVersionArn"),
        }),
        "platform.restoreStart" => LogLine::RestoreStart(RuntimeVersionLine {
            runtime_version: text("runtimeVersion"),
            runtime_version_arn: text("runtimeVersionArn"),
        }),
        "platform.initReport" => LogLine::InitReport(InitReportLine {
            init_duration_ms: metric("durationMs"),
            phase: text("phase"),
            status: status(),
            error_type: text("errorType"),
        }),
        "platform.restoreReport" => LogLine::RestoreReport(RestoreReportLine {
            restore_duration_ms: metric("durationMs"),
            billed_restore_duration_ms: metric("billedDurationMs").and_then(whole),
            status: status(),
            error_type: text("errorType"),
        }),
        "platform.runtimeDone" | "platform.initRuntimeDone" | "platform.restoreRuntimeDone" => {
            LogLine::RuntimeDone(RuntimeDoneLine {
                phase: match event_type {
                    "platform.initRuntimeDone" => Phase::Init,
                    "platform.restoreRuntimeDone" => Phase::Restore,
                    _ => Phase::Invoke,
                },
                request_id: text("requestId"),
                status: status(),
                duration_ms: metric("durationMs"),
            })
        }
        "platform.extension" => LogLine::Extension(subscriber(record, "events")),
        "platform.telemetrySubscription" | "platform.logsSubscription" => {
            LogLine::Telemetry(subscriber(record, "types"))
        }
        _ => other(),
    }
}

fn subscriber<'a>(record: &Value, list_key: &str) -> SubscriberLine<'a> {
    SubscriberLine {
        name: record.get("name").and_then(scalar_text),
        state: record.get("state").and_then(scalar_text),
        items: record
            .get(list_key)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(scalar_text).collect())
            .unwrap_or_default(),
    }
}

/// `Root=1-62e9…;Parent=…;Sampled=1` → `1-62e9…`.
fn trace_root<'a>(header: &str) -> Option<Cow<'a, str>> {
    header
        .split(';')
        .find_map(|part| part.trim().strip_prefix("Root="))
        .map(|root| Cow::Owned(root.to_owned()))
}

/// Embedded Metric Format: `_aws.CloudWatchMetrics[].Metrics[].Name`, values at the top level.
fn emf<'a>(object: &Map<String, Value>) -> Option<EmfLine<'a>> {
    let directives = object.get("_aws")?.get("CloudWatchMetrics")?.as_array()?;
    let mut namespace = None;
    let mut metrics = Vec::new();
    for directive in directives {
        if namespace.is_none() {
            namespace = directive
                .get("Namespace")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        let Some(definitions) = directive.get("Metrics").and_then(Value::as_array) else {
            continue;
        };
        for definition in definitions {
            let Some(name) = definition.get("Name").and_then(Value::as_str) else {
                continue;
            };
            let values = match object.get(name) {
                Some(Value::Number(n)) => n.as_f64().into_iter().collect(),
                Some(Value::Array(items)) => items.iter().filter_map(Value::as_f64).collect(),
                _ => Vec::new(),
            };
            metrics.push(EmfMetric {
                name: name.to_owned(),
                unit: definition
                    .get("Unit")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
                values,
            });
        }
    }
    Some(EmfLine {
        request_id: first_string(object, REQUEST_ID_KEYS),
        namespace,
        metrics,
    })
}

fn string<'a>(object: &Map<String, Value>, key: &str) -> Option<Cow<'a, str>> {
    object.get(key).and_then(scalar_text)
}

fn first_string<'a>(object: &Map<String, Value>, keys: &[&str]) -> Option<Cow<'a, str>> {
    keys.iter().find_map(|k| string(object, k))
}

/// A string, or a number written as text (`"version": 8`). Empty strings count as absent.
fn scalar_text<'a>(value: &Value) -> Option<Cow<'a, str>> {
    match value {
        Value::String(s) if !s.is_empty() => Some(Cow::Owned(s.clone())),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        _ => None,
    }
}

fn whole(v: f64) -> Option<u64> {
    (v.is_finite() && v >= 0.0 && v < u64::MAX as f64).then(|| v.round() as u64)
}

/// Removes commas directly followed (after whitespace) by `}` or `]`, outside strings.
fn without_trailing_commas(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = bytes[i + 1..].iter().find(|b| !b.is_ascii_whitespace());
            if matches!(next, Some(b'}' | b']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// The string value of `"key": "…"` found anywhere in `text`, which need not be valid (or
/// complete) JSON: crash messages embed JSON that viewers truncate.
pub(crate) fn string_field<'a>(text: &'a str, key: &str) -> Option<Cow<'a, str>> {
    let bytes = text.as_bytes();
    let mut quoted = Vec::with_capacity(key.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(key.as_bytes());
    quoted.push(b'"');
    let at = memchr::memmem::find(bytes, &quoted)? + quoted.len();
    let rest = text[at..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let body = rest.strip_prefix('"')?;
    let mut escaped = false;
    let mut has_escape = false;
    for (i, b) in body.bytes().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
            has_escape = true;
        } else if b == b'"' {
            let raw = &body[..i];
            if !has_escape {
                return (!raw.is_empty()).then_some(Cow::Borrowed(raw));
            }
            return serde_json::from_str::<String>(&rest[..i + 2])
                .ok()
                .filter(|s| !s.is_empty())
                .map(Cow::Owned);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_commas_are_removed_outside_strings() {
        assert_eq!(
            without_trailing_commas("{\"a\": \"x,}\", \"b\": [1,2,],\n}"),
            "{\"a\": \"x,}\", \"b\": [1,2]\n}"
        );
    }

    #[test]
    fn string_field_in_broken_json() {
        let text = r#"ERROR	Invoke Error 	{"errorType":"SyntaxError","errorMessage":"Unexpected"#;
        assert_eq!(
            string_field(text, "errorType").as_deref(),
            Some("SyntaxError")
        );
        assert_eq!(string_field(text, "errorMessage"), None);
        assert_eq!(
            string_field(r#"{"errorType" : "A\"B"}"#, "errorType").as_deref(),
            Some("A\"B")
        );
        assert_eq!(string_field(r#"{"errorType": 3}"#, "errorType"), None);
    }

    #[test]
    fn trace_root_from_tracing_header() {
        assert_eq!(
            trace_root("Root=1-62e9;Parent=0e;Sampled=1").as_deref(),
            Some("1-62e9")
        );
        assert_eq!(trace_root("Parent=0e"), None);
    }
}

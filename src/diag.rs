//! Diagnostic logging to a file (`--log-file PATH` or `LAMBDATOP_LOG`), never to the terminal.
//!
//! It records what the sources report — poller rounds, failures, API calls — with a timestamp,
//! so a problem seen on a jump box can be looked at afterwards. Every line passes through
//! [`redact`] first: AWS access key ids, secret keys and session tokens never reach the file.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use regex::Regex;

use crate::message::Update;

static SINK: OnceLock<Mutex<File>> = OnceLock::new();

/// Opens (appends to) the diagnostic log. Without a call, logging does nothing.
pub fn init(path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let _ = SINK.set(Mutex::new(file));
    log("lambdatop started");
    Ok(())
}

/// Writes one redacted line, if logging is on. Failures to write are ignored: diagnostics must
/// never take the dashboard down.
pub fn log(line: &str) {
    if let Some(sink) = SINK.get()
        && let Ok(mut f) = sink.lock()
    {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        let _ = writeln!(f, "{now} {}", redact(line));
    }
}

/// Logs what an update says about the source's health (not its data).
pub fn update(u: &Update) {
    if SINK.get().is_none() {
        return;
    }
    match u {
        Update::Polled { poller, at } => log(&format!("{poller}: round done, data as of {at}")),
        Update::Failed { poller, error, .. } => log(&format!("{poller}: failed: {error}")),
        Update::ApiCalls(c) => log(&format!(
            "api: {} × {} ({} billed units)",
            c.calls, c.operation, c.billed_units
        )),
        Update::Notice { poller, notice } => log(&format!("{poller}: note: {notice}")),
        Update::Ended => log("source ended"),
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

//! The AWS SDK's own events — credential resolution, endpoint resolution, retries, timeouts —
//! into the diagnostics log (`--log-file`), through the same credential redaction as every other
//! line ([`crate::diag::log`]).
//!
//! The SDK reports through `tracing`; a small [`Layer`] formats each event of an `aws_*` target at
//! or above the chosen level into one line, with the spans it happened in (the SDK names the
//! service and operation there). Nothing is installed without `--log-file`, so the SDK's
//! callsites stay disabled and cost nothing.

use std::fmt::{self, Write as _};

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Metadata, Subscriber, span};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

use crate::cli::LogLevel;

/// Routes SDK events of `level` and above to the diagnostics log. Call once, after
/// [`crate::diag::init`]; a second call changes nothing.
pub fn install(level: LogLevel) {
    let subscriber = tracing_subscriber::registry().with(DiagLayer::new(level));
    let _ = tracing::subscriber::set_global_default(subscriber);
}

/// Formats SDK events into diagnostics lines.
pub struct DiagLayer {
    level: Level,
    write: fn(&str),
}

impl DiagLayer {
    /// Writes to the diagnostics log.
    pub fn new(level: LogLevel) -> Self {
        Self::writing_to(level, crate::diag::log)
    }

    /// Writes each line with `write` (tests collect them).
    pub fn writing_to(level: LogLevel, write: fn(&str)) -> Self {
        let level = match level {
            LogLevel::Error => Level::ERROR,
            LogLevel::Warn => Level::WARN,
            LogLevel::Info => Level::INFO,
            LogLevel::Debug => Level::DEBUG,
            LogLevel::Trace => Level::TRACE,
        };
        Self { level, write }
    }
}

/// Whether `target` is the AWS SDK's (`aws_config`, `aws_smithy_runtime`, `aws_sdk_lambda`…):
/// the HTTP and TLS crates below it speak at length at debug level and are left out.
fn is_sdk(target: &str) -> bool {
    target.starts_with("aws_")
}

/// The fields of a span, kept in its extensions.
struct SpanFields(String);

/// `message` first, then ` name=value` for the others.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

impl Fields {
    fn line(self) -> String {
        let mut out = self.message;
        out.push_str(&self.rest);
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

impl<S> Layer<S> for DiagLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        *metadata.level() <= self.level && is_sdk(metadata.target())
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        attrs.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields.line()));
        }
    }

    fn on_record(&self, id: &span::Id, values: &span::Record<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        if let Some(span) = ctx.span(id) {
            let more = fields.line();
            let mut ext = span.extensions_mut();
            match ext.get_mut::<SpanFields>() {
                Some(SpanFields(f)) => {
                    f.push(' ');
                    f.push_str(&more);
                }
                None => ext.insert(SpanFields(more)),
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut line = format!("sdk {} {}:", meta.level(), meta.target());
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                let ext = span.extensions();
                match ext.get::<SpanFields>().map(|f| f.0.trim()) {
                    Some(f) if !f.is_empty() => {
                        let _ = write!(line, " {}{{{f}}}", span.name());
                    }
                    _ => {
                        let _ = write!(line, " {}", span.name());
                    }
                }
            }
            line.push(':');
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        line.push(' ');
        line.push_str(&fields.line());
        (self.write)(&line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

    fn collect(line: &str) {
        LINES.lock().unwrap().push(line.to_string());
    }

    #[test]
    fn sdk_events_become_lines_with_their_spans_at_the_level_chosen() {
        let subscriber =
            tracing_subscriber::registry().with(DiagLayer::writing_to(LogLevel::Info, collect));
        tracing::subscriber::with_default(subscriber, || {
            let span = tracing::info_span!(target: "aws_smithy_runtime", "invoke", service = "Lambda", operation = "ListFunctions");
            let _entered = span.enter();
            tracing::info!(target: "aws_config::meta::credentials::chain", provider = "Environment", "loaded credentials");
            tracing::debug!(target: "aws_smithy_runtime", "too detailed for info");
            tracing::warn!(target: "h2::codec", "not the SDK's");
        });
        let lines = LINES.lock().unwrap().clone();
        assert_eq!(
            lines,
            [
                "sdk INFO aws_config::meta::credentials::chain: invoke{service=Lambda operation=ListFunctions}: loaded credentials provider=Environment"
            ]
        );
    }
}

//! The log filter language of the dashboard's log pane and `lambdatop tail --filter`: pure
//! parsing and matching, no terminal.
//!
//! A filter is a list of terms separated by spaces; a line is shown when **every** term matches.
//!
//! | term              | matches lines …                                                    |
//! |-------------------|--------------------------------------------------------------------|
//! | `timeout`         | containing the word, ignoring case                                 |
//! | `"conn reset"`    | containing the phrase (spaces included), ignoring case             |
//! | `/5\d\d/`         | matching the regular expression, as written (add `(?i)` to ignore case) |
//! | `level:warn`      | at that level or above (`trace` … `fatal`); timeouts and crashes are errors |
//! | `req:3f2a`        | of the invocation whose request id starts with `3f2a`              |
//! | `fn:orders`       | of functions whose name (or `region/name`) contains `orders`        |
//! | `cold`            | of cold-start invocations, and the INIT / RESTORE lines themselves |
//!
//! Any term can be negated with a leading `-`: `-healthcheck`, `-"GET /ping"`, `-level:info`.
//! A regex runs to a `/` followed by a space or the end, so `/a/b/` is the regex `a/b`; `\/`
//! is a slash too. To look for text starting with `/`, `-` or one of the keywords, quote it:
//! `"/aws/lambda"`, `"cold"`.

use std::cell::OnceCell;
use std::collections::HashSet;
use std::ops::Range;

use regex::{Regex, RegexBuilder};

use super::{Level, LogLine, parse};
use crate::model::LogEvent;

/// Compiled regexes are capped at this size, so a pathological pattern fails to parse instead
/// of eating memory.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// Why a filter could not be parsed. The text is what the filter bar shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("unclosed quote: end the phrase with \"")]
    UnclosedQuote,
    #[error("unclosed regex: end it with / followed by a space")]
    UnclosedRegex,
    #[error("empty regex //")]
    EmptyRegex,
    #[error("bad regex /{pattern}/: {reason}")]
    BadRegex { pattern: String, reason: String },
    #[error("unknown level \"{0}\": use trace, debug, info, warn, error or fatal")]
    UnknownLevel(String),
    #[error("{0} needs a value, as in {1}")]
    MissingValue(&'static str, &'static str),
}

/// A parsed filter. The empty filter matches every line.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    text: String,
    terms: Vec<Term>,
}

#[derive(Debug, Clone)]
struct Term {
    negate: bool,
    kind: TermKind,
}

#[derive(Debug, Clone)]
enum TermKind {
    /// A word or phrase, compiled to a case-insensitive literal regex.
    Text(Regex),
    Regex(Regex),
    Level(Level),
    /// Lower-cased request id prefix.
    Request(String),
    /// Lower-cased function name substring.
    Function(String),
    Cold,
}

/// Request ids of invocations known to be cold starts.
pub type ColdRequests = HashSet<String>;

impl LogFilter {
    /// Parses `text`. Surrounding spaces do not matter; an empty text gives the empty filter.
    pub fn parse(text: &str) -> Result<Self, FilterError> {
        let terms = tokens(text)?
            .into_iter()
            .map(Token::into_term)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(LogFilter {
            text: text.trim().to_string(),
            terms,
        })
    }

    /// The text the filter was parsed from, trimmed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether matching needs the set of cold request ids (see [`cold_requests`]).
    pub fn needs_cold(&self) -> bool {
        self.terms.iter().any(|t| matches!(t.kind, TermKind::Cold))
    }

    /// Whether every term matches `event`. `cold` is only read for the `cold` term.
    pub fn matches(&self, event: &LogEvent, cold: &ColdRequests) -> bool {
        let parsed: OnceCell<LogLine<'_>> = OnceCell::new();
        self.matches_with(event, || parsed.get_or_init(|| parse(&event.message)), cold)
    }

    /// [`LogFilter::matches`] with the line already parsed.
    pub fn matches_parsed(
        &self,
        event: &LogEvent,
        line: &LogLine<'_>,
        cold: &ColdRequests,
    ) -> bool {
        self.matches_with(event, || line, cold)
    }

    fn matches_with<'a, 'b: 'a>(
        &self,
        event: &LogEvent,
        line: impl Fn() -> &'a LogLine<'b>,
        cold: &ColdRequests,
    ) -> bool {
        self.terms.iter().all(|t| {
            let hit = match &t.kind {
                TermKind::Text(re) | TermKind::Regex(re) => re.is_match(&event.message),
                TermKind::Level(min) => line().level().is_some_and(|l| l >= *min),
                TermKind::Request(prefix) => line()
                    .request_id()
                    .is_some_and(|id| starts_with_ignore_case(id, prefix)),
                // By name, or as `region/name` (`account/region/name`) when it has a Region.
                TermKind::Function(part) => {
                    contains_ignore_case(&event.function, part)
                        || (event.origin != Default::default()
                            && contains_ignore_case(&event.qualified_function(), part))
                }
                TermKind::Cold => is_cold(line(), cold),
            };
            hit != t.negate
        })
    }

    /// Byte ranges of `text` to highlight: what the positive words, phrases, regexes and request
    /// id prefixes match. Sorted, merged, never empty ranges.
    pub fn highlights(&self, text: &str) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for t in self.terms.iter().filter(|t| !t.negate) {
            match &t.kind {
                TermKind::Text(re) | TermKind::Regex(re) => {
                    ranges.extend(re.find_iter(text).map(|m| m.range()));
                }
                TermKind::Request(prefix) => {
                    let lower = text.to_ascii_lowercase();
                    ranges.extend(
                        lower
                            .match_indices(prefix.as_str())
                            .map(|(i, m)| i..i + m.len()),
                    );
                }
                _ => {}
            }
        }
        merge_ranges(ranges)
    }
}

/// `ranges` sorted, without empty ones, overlapping and touching ones merged.
pub fn merge_ranges(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| !r.is_empty());
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// Request ids of the cold starts among `events` (REPORT lines with an Init or Restore
/// Duration) together with those already `known` (from invocation analytics).
pub fn cold_requests<'a>(
    events: impl Iterator<Item = &'a LogEvent>,
    known: impl Iterator<Item = &'a str>,
) -> ColdRequests {
    let mut ids: ColdRequests = known.map(str::to_string).collect();
    add_cold_requests(&mut ids, events);
    ids
}

/// Adds the request ids of the cold starts among `events` to `ids`.
pub fn add_cold_requests<'a>(ids: &mut ColdRequests, events: impl Iterator<Item = &'a LogEvent>) {
    for e in events {
        if !(e.message.contains("REPORT") || e.message.contains("platform.report")) {
            continue;
        }
        if let LogLine::Report(r) = parse(&e.message)
            && (r.init_duration_ms.is_some() || r.restore_duration_ms().is_some())
        {
            ids.insert(r.request_id.into_owned());
        }
    }
}

fn is_cold(line: &LogLine<'_>, cold: &ColdRequests) -> bool {
    match line {
        LogLine::InitStart(_)
        | LogLine::InitReport(_)
        | LogLine::RestoreStart(_)
        | LogLine::RestoreReport(_) => true,
        LogLine::Report(r) if r.init_duration_ms.is_some() || r.restore_duration_ms().is_some() => {
            true
        }
        other => other.request_id().is_some_and(|id| cold.contains(id)),
    }
}

fn starts_with_ignore_case(s: &str, lower_prefix: &str) -> bool {
    s.get(..lower_prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(lower_prefix))
}

fn contains_ignore_case(s: &str, lower_part: &str) -> bool {
    s.to_lowercase().contains(lower_part)
}

/// One space-separated piece of a filter.
#[derive(Debug, PartialEq)]
struct Token {
    negate: bool,
    body: Body,
}

#[derive(Debug, PartialEq)]
enum Body {
    Word(String),
    Phrase(String),
    Regex(String),
}

fn tokens(text: &str) -> Result<Vec<Token>, FilterError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let negate = chars[i] == '-' && chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
        if negate {
            i += 1;
        }
        let body = match chars[i] {
            '"' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&c| c == '"')
                    .ok_or(FilterError::UnclosedQuote)?;
                let phrase: String = chars[i + 1..i + 1 + end].iter().collect();
                i += end + 2;
                Body::Phrase(phrase)
            }
            '/' => {
                let mut pattern = String::new();
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err(FilterError::UnclosedRegex),
                        Some('\\') if chars.get(j + 1) == Some(&'/') => {
                            pattern.push('/');
                            j += 2;
                        }
                        Some('/') if chars.get(j + 1).is_none_or(|c| c.is_whitespace()) => break,
                        Some(&c) => {
                            pattern.push(c);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
                Body::Regex(pattern)
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                Body::Word(chars[start..i].iter().collect())
            }
        };
        out.push(Token { negate, body });
    }
    Ok(out)
}

impl Token {
    fn into_term(self) -> Result<Term, FilterError> {
        let kind = match self.body {
            Body::Phrase(p) => TermKind::Text(literal(&p)),
            Body::Regex(p) if p.is_empty() => return Err(FilterError::EmptyRegex),
            Body::Regex(p) => TermKind::Regex(
                RegexBuilder::new(&p)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|e| FilterError::BadRegex {
                        reason: regex_reason(&e),
                        pattern: p,
                    })?,
            ),
            Body::Word(w) => word_term(&w)?,
        };
        Ok(Term {
            negate: self.negate,
            kind,
        })
    }
}

fn word_term(word: &str) -> Result<TermKind, FilterError> {
    if word.eq_ignore_ascii_case("cold") {
        return Ok(TermKind::Cold);
    }
    let Some((key, value)) = word.split_once(':') else {
        return Ok(TermKind::Text(literal(word)));
    };
    let key = key.to_ascii_lowercase();
    let need = |example| {
        if value.is_empty() {
            Err(FilterError::MissingValue(
                match key.as_str() {
                    "level" => "level:",
                    "req" => "req:",
                    _ => "fn:",
                },
                example,
            ))
        } else {
            Ok(())
        }
    };
    Ok(match key.as_str() {
        "level" => {
            need("level:warn")?;
            TermKind::Level(
                Level::parse(value).ok_or_else(|| FilterError::UnknownLevel(value.to_string()))?,
            )
        }
        "req" => {
            need("req:3f2a")?;
            TermKind::Request(value.to_lowercase())
        }
        "fn" => {
            need("fn:orders")?;
            TermKind::Function(value.to_lowercase())
        }
        _ => TermKind::Text(literal(word)),
    })
}

/// A case-insensitive regex for the literal `s` (escaping makes it always valid).
#[allow(clippy::expect_used, reason = "a constant pattern")]
fn literal(s: &str) -> Regex {
    RegexBuilder::new(&regex::escape(s))
        .case_insensitive(true)
        .build()
        .unwrap_or_else(|_| Regex::new("$^").expect("a constant regex compiles"))
}

/// The one-line reason of a regex error (the crate's message spans several lines).
fn regex_reason(e: &regex::Error) -> String {
    let text = e.to_string();
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| text.lines().last().unwrap_or("invalid").trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn ev(function: &str, message: &str) -> LogEvent {
        LogEvent {
            function: function.into(),
            origin: Default::default(),
            timestamp: Utc::now(),
            stream: "s".into(),
            message: message.to_string(),
            event_id: None,
        }
    }

    fn hits(filter: &str, lines: &[&str]) -> Vec<usize> {
        let f = LogFilter::parse(filter).expect("filter parses");
        let none = ColdRequests::new();
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| f.matches(&ev("orders-prod-api", l), &none))
            .map(|(i, _)| i)
            .collect()
    }

    const REQ: &str = "3f2a9c1e-0000-4000-8000-000000000001";
    const WARM: &str = "77777777-0000-4000-8000-000000000001";

    #[test]
    fn empty_filter_matches_everything() {
        let f = LogFilter::parse("   ").unwrap();
        assert!(f.is_empty());
        assert!(f.matches(&ev("f", "anything"), &ColdRequests::new()));
        assert!(f.highlights("anything").is_empty());
    }

    #[test]
    fn words_must_all_match_ignoring_case() {
        let lines = ["Connection RESET by peer", "connection refused", "reset"];
        assert_eq!(hits("connection reset", &lines), [0]);
        assert_eq!(hits("CONNECTION", &lines), [0, 1]);
    }

    #[test]
    fn quoted_phrases_keep_their_spaces() {
        let lines = ["connection reset by peer", "reset the connection"];
        assert_eq!(hits("\"connection reset\"", &lines), [0]);
        assert_eq!(hits("\"the connection\" reset", &lines), [1]);
        assert_eq!(
            LogFilter::parse("\"open phrase").unwrap_err(),
            FilterError::UnclosedQuote
        );
    }

    #[test]
    fn minus_excludes_words_and_phrases() {
        let lines = ["GET /ping 200", "GET /orders 200", "POST /orders 500"];
        assert_eq!(hits("-ping", &lines), [1, 2]);
        assert_eq!(hits("orders -\"post /orders\"", &lines), [1]);
        // A lone minus is a word.
        assert_eq!(hits("-", &["a - b", "ab"]), [0]);
    }

    #[test]
    fn regexes_match_as_written() {
        let lines = ["status=503", "status=200", "STATUS=504"];
        assert_eq!(hits("/status=5\\d\\d/", &lines), [0]);
        assert_eq!(hits("/(?i)status=5\\d\\d/", &lines), [0, 2]);
        assert_eq!(hits("-/=2\\d\\d/", &lines), [0, 2]);
        // The regex runs to a slash followed by a space or the end.
        assert_eq!(hits("/a/b/", &["xa/by", "ab"]), [0]);
        assert_eq!(hits("/a\\/b/ x", &["a/b x"]), [0]);
    }

    #[test]
    fn bad_regexes_say_why() {
        let e = LogFilter::parse("/ab(/").unwrap_err();
        assert_eq!(
            e,
            FilterError::BadRegex {
                pattern: "ab(".into(),
                reason: "unclosed group".into()
            }
        );
        assert_eq!(e.to_string(), "bad regex /ab(/: unclosed group");
        assert_eq!(
            LogFilter::parse("/open").unwrap_err(),
            FilterError::UnclosedRegex
        );
        assert_eq!(LogFilter::parse("//").unwrap_err(), FilterError::EmptyRegex);
        assert!(matches!(
            LogFilter::parse("/a{100000}{100000}/"),
            Err(FilterError::BadRegex { .. })
        ));
    }

    #[test]
    fn levels_match_at_or_above() {
        let lines = [
            "2026-03-14T15:26:29.873Z\t3f2a9c1e-0000-4000-8000-000000000002\tINFO\tfine",
            "2026-03-14T15:26:29.873Z\t3f2a9c1e-0000-4000-8000-000000000002\tWARN\tslow",
            "[ERROR]\t2026-03-14T15:26:29.873Z\t3f2a9c1e-0000-4000-8000-000000000002\tboom",
            "2026-03-14T15:26:29.873Z 3f2a9c1e-0000-4000-8000-000000000002 Task timed out after 3.00 seconds",
            "START RequestId: abc Version: $LATEST",
        ];
        assert_eq!(hits("level:error", &lines), [2, 3]);
        assert_eq!(hits("level:warn", &lines), [1, 2, 3]);
        assert_eq!(hits("LEVEL:Warning", &lines), [1, 2, 3]);
        assert_eq!(hits("-level:warn", &lines), [0, 4]);
        assert_eq!(
            LogFilter::parse("level:loud").unwrap_err(),
            FilterError::UnknownLevel("loud".into())
        );
        assert_eq!(
            LogFilter::parse("level:").unwrap_err().to_string(),
            "level: needs a value, as in level:warn"
        );
    }

    #[test]
    fn request_id_prefixes() {
        let start = format!("START RequestId: {REQ} Version: $LATEST");
        let app = format!("2026-03-14T15:26:29.873Z\t{REQ}\tINFO\thello");
        let report = format!(
            "REPORT RequestId: {REQ}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\t"
        );
        let other = "START RequestId: 99999999-0000-4000-8000-000000000001 Version: $LATEST";
        let lines = [start.as_str(), app.as_str(), report.as_str(), other];
        assert_eq!(hits("req:3f2a", &lines), [0, 1, 2]);
        assert_eq!(hits("req:3F2A9C1E", &lines), [0, 1, 2]);
        assert_eq!(hits(&format!("req:{REQ}"), &lines), [0, 1, 2]);
        assert_eq!(hits("-req:3f2a", &lines), [3]);
        // A prefix, not a substring; and lines without an id never match.
        assert_eq!(hits("req:9c1e", &lines), Vec::<usize>::new());
        assert_eq!(
            hits("req:3f2a", &["3f2a in the text only"]),
            Vec::<usize>::new()
        );
        assert!(LogFilter::parse("req:").is_err());
    }

    #[test]
    fn function_substrings() {
        let f = LogFilter::parse("fn:ORDERS").unwrap();
        let none = ColdRequests::new();
        assert!(f.matches(&ev("orders-prod-api", "x"), &none));
        assert!(!f.matches(&ev("auth-prod", "x"), &none));
        let f = LogFilter::parse("-fn:orders").unwrap();
        assert!(f.matches(&ev("auth-prod", "x"), &none));
    }

    #[test]
    fn a_function_term_matches_the_region_of_an_event_that_has_one() {
        let mut west = ev("orders-prod-api", "x");
        west.origin = crate::model::Origin::of(Some("prod"), Some("eu-west-1"));
        let mut east = west.clone();
        east.origin = crate::model::Origin::region(Some("us-east-1"));
        let none = ColdRequests::new();
        let f = LogFilter::parse("fn:eu-west-1/orders").unwrap();
        assert!(f.matches(&west, &none));
        assert!(!f.matches(&east, &none));
        assert!(!f.matches(&ev("orders-prod-api", "x"), &none));
        let f = LogFilter::parse("fn:prod/eu-west-1/").unwrap();
        assert!(f.matches(&west, &none));
        assert!(!f.matches(&east, &none));
    }

    #[test]
    fn cold_matches_cold_invocations_and_init_lines() {
        let cold_report = format!(
            "REPORT RequestId: {REQ}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB\tInit Duration: 250.00 ms\t"
        );
        let events = [
            ev(
                "f",
                "INIT_START Runtime Version: python:3.12.v1\tRuntime Version ARN: arn",
            ),
            ev("f", &format!("START RequestId: {REQ} Version: $LATEST")),
            ev(
                "f",
                &format!("2026-03-14T15:26:29.873Z\t{REQ}\tINFO\tfirst"),
            ),
            ev("f", &cold_report),
            ev("f", &format!("START RequestId: {WARM} Version: $LATEST")),
            ev(
                "f",
                &format!("2026-03-14T15:26:29.873Z\t{WARM}\tINFO\tsecond"),
            ),
        ];
        let cold = cold_requests(events.iter(), std::iter::empty());
        assert!(cold.contains(REQ));
        let f = LogFilter::parse("cold").unwrap();
        assert!(f.needs_cold());
        let matched: Vec<bool> = events.iter().map(|e| f.matches(e, &cold)).collect();
        assert_eq!(matched, [true, true, true, true, false, false]);
        // Ids known from the analytics count too.
        let known = cold_requests(std::iter::empty(), [WARM].into_iter());
        assert!(f.matches(&events[5], &known));
        // "cold" in quotes is just a word.
        let word = LogFilter::parse("\"cold\"").unwrap();
        assert!(!word.needs_cold());
        assert!(word.matches(&ev("f", "a Cold start"), &ColdRequests::new()));
    }

    #[test]
    fn combined_terms() {
        let lines = [
            "[ERROR]\t2026-03-14T15:26:29.873Z\tabc\tKeyError: 'customer_id'",
            "[ERROR]\t2026-03-14T15:26:29.873Z\tabc\tTimeoutError",
            "[INFO]\t2026-03-14T15:26:29.873Z\tabc\tKeyError handled",
        ];
        assert_eq!(hits("level:error keyerror", &lines), [0]);
        assert_eq!(hits("level:error -/Key/", &lines), [1]);
    }

    #[test]
    fn highlights_are_merged_and_skip_negated_terms() {
        let f = LogFilter::parse("order \"ORDERS api\" -api /\\d+/ req:ab").unwrap();
        let text = "orders api 42 ab12";
        let ranges = f.highlights(text);
        assert_eq!(ranges, [0..10, 11..13, 14..18]);
        // Zero-length regex matches are not highlighted.
        let f = LogFilter::parse("/x*/").unwrap();
        assert!(f.highlights("abc").is_empty());
    }

    #[test]
    fn text_is_kept_trimmed() {
        let f = LogFilter::parse("  level:error  ").unwrap();
        assert_eq!(f.text(), "level:error");
    }
}

//! Scanning `Label: value` fields out of Lambda's platform lines.
//!
//! Lambda separates fields with tabs, but copies of logs turn tabs into single spaces, runs of
//! spaces or newlines. So the scanner does not split on tabs: it walks whitespace-separated tokens
//! and recognises a field when a token ending in `:` completes one of the known labels (labels
//! may have several words: `Billed Restore Duration:`). A field's value is everything between its
//! label and the next known label, trimmed.

use super::scan::first_token;

/// Calls `on_field(label_index, value)` for every known label found in `text`, in order.
/// `labels` lists each label as its words without the colon, e.g. `&["Billed", "Duration"]`.
/// Labels must have at most three words.
pub(crate) fn scan_fields<'a>(
    text: &'a str,
    labels: &[&[&str]],
    mut on_field: impl FnMut(usize, &'a str),
) {
    // The current field: (label index, byte offset where its value starts).
    let mut current: Option<(usize, usize)> = None;
    // Up to two tokens seen since the last label, most recent last: they may be the first words
    // of the next label.
    let mut recent: [(usize, usize); 2] = [(0, 0); 2];
    let mut n_recent = 0usize;

    for (start, end) in tokens(text) {
        let token = &text[start..end];
        if token.len() > 1
            && token.ends_with(':')
            && let Some((index, words)) =
                match_label(labels, &token[..token.len() - 1], text, &recent, n_recent)
        {
            let label_start = if words == 1 {
                start
            } else {
                recent[2 - (words - 1)].0
            };
            if let Some((field, value_start)) = current {
                on_field(
                    field,
                    text[value_start..label_start.max(value_start)].trim(),
                );
            }
            current = Some((index, end));
            n_recent = 0;
            continue;
        }
        recent[0] = recent[1];
        recent[1] = (start, end);
        n_recent = (n_recent + 1).min(2);
    }
    if let Some((field, value_start)) = current {
        on_field(field, text[value_start..].trim());
    }
}

/// The longest label whose last word is `last` and whose other words are the tokens just before
/// it. Returns the label's index and its number of words.
fn match_label(
    labels: &[&[&str]],
    last: &str,
    text: &str,
    recent: &[(usize, usize); 2],
    n_recent: usize,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (index, words) in labels.iter().enumerate() {
        let n = words.len();
        if n == 0 || words[n - 1] != last || n - 1 > n_recent {
            continue;
        }
        // words[..n-1] must equal the last n-1 recent tokens, in order.
        let matches = words[..n - 1].iter().enumerate().all(|(i, word)| {
            let (s, e) = recent[2 - (n - 1) + i];
            &text[s..e] == *word
        });
        if matches && best.is_none_or(|(_, w)| n > w) {
            best = Some((index, n));
        }
    }
    best
}

/// Byte ranges of the whitespace-separated tokens of `text`.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut pos = 0;
    std::iter::from_fn(move || {
        while pos < bytes.len() && bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= bytes.len() {
            return None;
        }
        let start = pos;
        while pos < bytes.len() && !bytes[pos].is_ascii_whitespace() {
            pos += 1;
        }
        Some((start, pos))
    })
}

/// A number of milliseconds or megabytes: the first token parsed as `f64`.
pub(crate) fn number(value: &str) -> Option<f64> {
    first_token(value)
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
}

/// A whole number; tolerates a fractional part (`"100.0"`), which it rounds.
pub(crate) fn whole(value: &str) -> Option<u64> {
    let token = first_token(value);
    if let Ok(v) = token.parse::<u64>() {
        return Some(v);
    }
    number(token)
        .filter(|v| *v >= 0.0 && *v < u64::MAX as f64)
        .map(|v| v.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: &[&[&str]] = &[
        &["Duration"],
        &["Billed", "Duration"],
        &["Billed", "Restore", "Duration"],
        &["Status"],
        &["Error", "Type"],
        &["Events"],
    ];

    fn scan(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        scan_fields(text, LABELS, |i, v| out.push((i, v)));
        out
    }

    #[test]
    fn tabs_spaces_and_newlines_separate_fields_alike() {
        let want = vec![(0, "1.5 ms"), (1, "2 ms"), (2, "3 ms")];
        assert_eq!(
            scan("Duration: 1.5 ms\tBilled Duration: 2 ms\tBilled Restore Duration: 3 ms\t"),
            want
        );
        assert_eq!(
            scan("Duration: 1.5 ms  Billed Duration: 2 ms Billed Restore Duration: 3 ms"),
            want
        );
        assert_eq!(
            scan("Duration: 1.5 ms\nBilled Duration: 2 ms\r\nBilled Restore Duration: 3 ms\n"),
            want
        );
    }

    #[test]
    fn multi_word_values_and_unknown_labels() {
        assert_eq!(
            scan("Status: error Error Type: Runtime.ExitError Other: x"),
            vec![(3, "error"), (4, "Runtime.ExitError Other: x")]
        );
        assert_eq!(
            scan("Events: [INVOKE, SHUTDOWN]  "),
            vec![(5, "[INVOKE, SHUTDOWN]")]
        );
    }

    #[test]
    fn empty_values_do_not_panic() {
        assert_eq!(scan("Duration: Status:"), vec![(0, ""), (3, "")]);
        assert_eq!(scan("Error Type:"), vec![(4, "")]);
        assert_eq!(scan(":"), vec![]);
    }

    #[test]
    fn numbers() {
        assert_eq!(number("3000.00 ms"), Some(3000.0));
        assert_eq!(number("NaN ms"), None);
        assert_eq!(whole("100 ms"), Some(100));
        assert_eq!(whole("100.4 ms"), Some(100));
        assert_eq!(whole("-3 ms"), None);
        assert_eq!(whole(""), None);
    }
}

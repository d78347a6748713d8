//! Making outside text inert before it reaches a terminal.
//!
//! Function names, log groups, log lines, alarm names, error messages and the paths a user typed
//! come from anywhere: an attacker who can get a string logged (or a file named) must not be able
//! to move the cursor, change the window title, write the clipboard (OSC 52) or reorder text with
//! bidi controls. Every text bound for a terminal — the dashboard, the table, CSV and Markdown
//! snapshots, error messages, the diagnostic log — goes through [`sanitize`]: each control or
//! invisible format character is replaced by a visible stand-in, so nothing a terminal would
//! interpret survives, and what was there stays visible. JSON keeps the data whole instead:
//! [`json_inert`] writes those characters as `\uXXXX` escapes.

use std::borrow::Cow;
use std::path::Path;

/// At most this many characters of one line are drawn; a 1 MB line costs no more than this.
pub const MAX_LINE_CHARS: usize = 2000;

/// Returns `s` with control characters shown as inert symbols: ESC as `␛`, other C0 controls as
/// their control pictures (`␇`, `␍`, …), DEL as `␡`, C1 controls and bidi or invisible format
/// characters as `�`; tabs become a space. Longer lines are cut at [`MAX_LINE_CHARS`] with `…`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    inert(s, MAX_LINE_CHARS)
}

/// [`sanitize`] without the length cap: for lines printed whole (`lambdatop tail`), where a
/// pipe, not a screen, decides what is too long.
pub fn sanitize_uncut(s: &str) -> Cow<'_, str> {
    inert(s, usize::MAX)
}

/// `s` with control characters replaced, cut at `max_chars` characters with `…`.
fn inert(s: &str, max_chars: usize) -> Cow<'_, str> {
    let clean = s.len() <= max_chars && !s.chars().any(needs_escaping);
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(max_chars.saturating_mul(4)));
    for (n, c) in s.chars().enumerate() {
        if n == max_chars {
            out.push('…');
            break;
        }
        out.push(match c {
            '\t' => ' ',
            '\u{1b}' => '␛',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '␡',
            c if needs_escaping(c) => '\u{fffd}',
            c => c,
        });
    }
    Cow::Owned(out)
}

/// [`sanitize`] line by line: a multi-line message (an error with an excerpt) keeps its line
/// breaks, and nothing else a terminal would act on.
pub fn sanitize_lines(s: &str) -> String {
    inert_lines(s, MAX_LINE_CHARS)
}

/// [`sanitize_lines`] without the length cap (see [`sanitize_uncut`]).
pub fn sanitize_lines_uncut(s: &str) -> String {
    inert_lines(s, usize::MAX)
}

/// Each line of `s` made [`inert`], its `\r` before the break dropped.
fn inert_lines(s: &str, max_chars: usize) -> String {
    s.split('\n')
        .map(|l| inert(l.strip_suffix('\r').unwrap_or(l), max_chars))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A path as an error message quotes it: lossily decoded, then [`sanitize`]d.
pub fn path(p: &Path) -> String {
    sanitize(&p.to_string_lossy()).into_owned()
}

/// Whether a terminal could act on `c`, or `c` changes how the text around it reads while
/// showing nothing: C0 and C1 controls, DEL, and the invisible format characters.
pub fn needs_escaping(c: char) -> bool {
    c.is_control() || is_format_control(c)
}

/// Unicode's format characters (general category Cf: bidi overrides and isolates, zero-width
/// characters, tags, the soft hyphen…) and the line and paragraph separators.
fn is_format_control(c: char) -> bool {
    matches!(c,
        '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{890}'..='\u{891}'
        | '\u{8e2}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{110bd}'
        | '\u{110cd}' | '\u{13430}'..='\u{1343f}' | '\u{1bca0}'..='\u{1bca3}'
        | '\u{1d173}'..='\u{1d17a}' | '\u{e0000}'..='\u{e007f}')
}

/// Rewrites a JSON text so that every character [`needs_escaping`] is a `\uXXXX` escape: the
/// document means the same, and no C1 control, DEL or bidi character reaches the terminal raw.
/// A JSON writer escapes the C0 controls inside strings already, so a raw line break or tab is
/// whitespace between tokens and stays; every other such character can only be inside a string
/// (the rest of JSON's syntax is ASCII), where its escape means the same.
pub fn json_inert(json: &str) -> Cow<'_, str> {
    let escape = |c: char| needs_escaping(c) && !matches!(c, '\n' | '\r' | '\t');
    if !json.chars().any(escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_ordinary_text_alone_without_copying() {
        assert!(matches!(
            sanitize("REPORT RequestId: abc Duration: 1.00 ms"),
            Cow::Borrowed(_)
        ));
        assert_eq!(sanitize("naïve – 日本語"), "naïve – 日本語");
    }

    #[test]
    fn escape_sequences_become_visible_and_inert() {
        let hostile = [
            "\u{1b}[2J\u{1b}[H",                // clear screen, cursor home
            "\u{1b}]0;pwned\u{7}",              // window title
            "\u{1b}]52;c;ZWNobyBoaQ==\u{1b}\\", // OSC 52 clipboard write
            "\u{9b}31m",                        // 8-bit CSI
            "\u{90}q\u{9c}",                    // DCS … ST
            "a\rb\u{8}c",                       // carriage return, backspace
            "\u{202e}gnp.exe",                  // right-to-left override
            "\u{2067}isolate\u{2069}",          // right-to-left isolate
            "tag\u{e0041}\u{e007f}",            // invisible tag characters
            "line\u{2028}break",                // line separator
        ];
        for h in hostile {
            let s = sanitize(h);
            assert!(!s.chars().any(needs_escaping), "{h:?} -> {s:?}");
        }
        assert_eq!(sanitize("\u{1b}[31mred"), "␛[31mred");
        assert_eq!(sanitize("a\tb\u{7}"), "a b␇");
        assert_eq!(sanitize("x\u{9b}y\u{202e}z"), "x\u{fffd}y\u{fffd}z");
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "x".repeat(1 << 20);
        let s = sanitize(&long);
        assert_eq!(s.chars().count(), MAX_LINE_CHARS + 1);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(sanitize_lines("a\u{1b}\n  |\r\nb\rc"), "a␛\n  |\nb␍c");
    }

    #[test]
    fn paths_are_quoted_inert() {
        assert_eq!(
            path(Path::new("/tmp/\u{1b}]52;c;aGk=\u{7}.toml")),
            "/tmp/␛]52;c;aGk=␇.toml"
        );
    }

    #[test]
    fn json_keeps_the_data_and_escapes_what_a_terminal_reads() {
        let json = serde_json::to_string("a\u{9b}b\u{202e}c\u{7f}\u{e0041}\u{1b}").expect("json");
        // serde_json escapes C0 controls itself; C1, DEL and format characters go out raw.
        assert!(json.contains('\u{9b}'));
        let inert = json_inert(&json);
        assert_eq!(
            inert, r#""a\u009bb\u202ec\u007f\udb40\udc41\u001b""#,
            "surrogate pairs for characters beyond the BMP"
        );
        let back: String = serde_json::from_str(&inert).expect("still JSON");
        assert_eq!(back, "a\u{9b}b\u{202e}c\u{7f}\u{e0041}\u{1b}");
        assert!(matches!(
            json_inert("{\n\t\"a\": \"日本\"\r\n}"),
            Cow::Borrowed(_)
        ));
        let pretty = serde_json::to_string_pretty(&["\u{85}\n"]).expect("json");
        assert_eq!(json_inert(&pretty), "[\n  \"\\u0085\\n\"\n]");
    }
}

//! Making log text inert before it reaches the terminal.
//!
//! Log lines come from anywhere: an attacker who can get a string logged must not be able to move
//! the cursor, change the window title, write the clipboard (OSC 52) or reorder text with bidi
//! controls. Every control character is replaced by a visible stand-in, so nothing the terminal
//! would interpret survives, and what was there stays visible.

use std::borrow::Cow;

/// At most this many characters of one line are drawn; a 1 MB line costs no more than this.
pub const MAX_LINE_CHARS: usize = 2000;

/// Returns `s` with control characters shown as inert symbols: ESC as `␛`, other C0 controls as
/// their control pictures (`␇`, `␍`, …), DEL as `␡`, C1 controls and bidi or zero-width format
/// characters as `�`; tabs become a space. Longer lines are cut at [`MAX_LINE_CHARS`] with `…`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    let clean =
        s.len() <= MAX_LINE_CHARS && s.chars().all(|c| !c.is_control() && !is_format_control(c));
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len().min(MAX_LINE_CHARS * 4));
    for (n, c) in s.chars().enumerate() {
        if n == MAX_LINE_CHARS {
            out.push('…');
            break;
        }
        out.push(match c {
            '\t' => ' ',
            '\u{1b}' => '␛',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '␡',
            c if c.is_control() || is_format_control(c) => '\u{fffd}',
            c => c,
        });
    }
    Cow::Owned(out)
}

/// Bidi overrides and isolates, and invisible characters that change how text reads.
fn is_format_control(c: char) -> bool {
    matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{061c}' | '\u{feff}')
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
        ];
        for h in hostile {
            let s = sanitize(h);
            assert!(!s.chars().any(|c| c.is_control()), "{h:?} -> {s:?}");
            assert!(!s.chars().any(is_format_control), "{h:?} -> {s:?}");
        }
        assert_eq!(sanitize("\u{1b}[31mred"), "␛[31mred");
        assert_eq!(sanitize("a\tb\u{7}"), "a b␇");
    }

    #[test]
    fn long_lines_are_cut() {
        let long = "x".repeat(1 << 20);
        let s = sanitize(&long);
        assert_eq!(s.chars().count(), MAX_LINE_CHARS + 1);
        assert!(s.ends_with('…'));
    }
}

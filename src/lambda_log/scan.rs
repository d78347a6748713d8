//! Byte-level scanning shared by the parsers: whitespace, tokens, timestamps and the keywords
//! that start a platform line. The bottom of the parser: it uses nothing else of it.

pub(crate) const TIMED_OUT: &str = "Task timed out after";

/// Messages that start a platform line, as they follow a viewer prefix.
const PLATFORM_STARTS: &[&str] = &[
    "START RequestId:",
    "END RequestId:",
    "REPORT RequestId:",
    "INIT_START",
    "INIT_REPORT",
    "RESTORE_START",
    "RESTORE_REPORT",
    "EXTENSION",
    "TELEMETRY",
    "LOGS",
    TIMED_OUT,
];

/// True when `s` starts with a platform keyword (followed by whitespace, for bare keywords).
pub(crate) fn is_platform_start(s: &str) -> bool {
    if !matches!(
        s.as_bytes().first(),
        Some(b'S' | b'E' | b'R' | b'I' | b'T' | b'L')
    ) {
        return false;
    }
    PLATFORM_STARTS.iter().any(|k| {
        s.starts_with(k)
            && (k.ends_with(':')
                || s.as_bytes()
                    .get(k.len())
                    .is_none_or(|b| b.is_ascii_whitespace()))
    })
}

/// Starts with `YYYY-MM-DDTHH:MM:SS` (or a space instead of `T`).
pub(crate) fn is_iso_date_time(b: &[u8]) -> bool {
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    b.len() >= 19
        && digits(&b[..4])
        && b[4] == b'-'
        && digits(&b[5..7])
        && b[7] == b'-'
        && digits(&b[8..10])
        && (b[10] == b'T' || b[10] == b' ')
        && digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16])
        && b[16] == b':'
        && digits(&b[17..19])
}

/// Trims ASCII whitespace at the start.
pub(crate) fn trim_ws(s: &str) -> &str {
    let n = s.bytes().take_while(u8::is_ascii_whitespace).count();
    &s[n..]
}

/// The first whitespace-separated token and what follows it (not trimmed).
pub(crate) fn split_token(s: &str) -> (&str, &str) {
    s.split_at(find_ws(s.as_bytes()).unwrap_or(s.len()))
}

/// The position of the first ASCII whitespace byte. Tokens here are request ids, numbers and
/// timestamps: eight bytes at a time are ruled out when none is a space or a control byte.
pub(crate) fn find_ws(b: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let mut chunks = b.chunks_exact(8);
    let mut start = 0;
    for chunk in &mut chunks {
        let x = u64::from_ne_bytes(chunk.try_into().unwrap_or_default());
        // Non-zero when some byte is below 0x21 (space and the control bytes).
        if x.wrapping_sub(ONES * 0x21) & !x & HIGH != 0
            && let Some(i) = chunk.iter().position(u8::is_ascii_whitespace)
        {
            return Some(start + i);
        }
        start += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(u8::is_ascii_whitespace)
        .map(|i| start + i)
}

/// The first whitespace-separated token of `value` (`"3000.00 ms"` → `"3000.00"`).
pub(crate) fn first_token(value: &str) -> &str {
    let value = match value.as_bytes().first() {
        Some(b) if b.is_ascii() && !b.is_ascii_whitespace() => value,
        _ => value.trim_start(),
    };
    let end = find_ws(value.as_bytes()).unwrap_or(value.len());
    &value[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_whitespace_like_a_byte_loop() {
        let samples: &[&[u8]] = &[
            b"",
            b"abc",
            b"8f1c2a3e-1b2c-4d5e-9f00-aabbccddeeff tail",
            b"8f1c2a3e-1b2c-4d5e-9f00-aabbccddeeff\ttail",
            b"0123456\x01789abcdef\x0cx",
            b"\x7f\x80\xff\xfe\x21\x20",
            b"abcdefgh\r",
            b"abcdefghijklmnop",
            b"\n",
        ];
        for s in samples {
            for start in 0..s.len().max(1) {
                let s = &s[start.min(s.len())..];
                assert_eq!(
                    find_ws(s),
                    s.iter().position(u8::is_ascii_whitespace),
                    "{s:?}"
                );
            }
        }
    }
}

//! Text from outside (what was typed, what a DNS server or a saved file says) made safe to
//! print. A control character could move the cursor, recolour the screen or forge a line; a
//! bidirectional control reorders what is shown (CVE-2021-42574). Each is shown escaped, as
//! `\u{7f}`; the set is the core's [`is_control_or_bidi`], the same the input refuses.

use std::fmt::Write;

use mxdoctor_core::domain::is_control_or_bidi;

/// One line: every such character, line breaks included, shown as `\u{…}`.
pub fn inline(text: &str) -> String {
    escape(text, false)
}

/// Several lines: as [`inline`], but a line break stays one.
pub fn lines(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, keep_line_breaks: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control_or_bidi(c) && !(keep_line_breaks && c == '\n') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// JSON text as `serde_json` writes it, with the characters it leaves raw (DEL, C1 and the
/// bidi controls; it escapes C0 itself) written as `\u007f` escapes: the same value to any
/// JSON reader (RFC 8259 §7). Outside strings JSON holds only ASCII, so each is in a string.
pub fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_control_or_bidi(c) && u32::from(c) >= 0x7f {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_are_shown_escaped() {
        assert_eq!(inline("ok\x1b[31mred"), "ok\\u{1b}[31mred");
        assert_eq!(inline("del\x7f c1\u{9b}2J"), "del\\u{7f} c1\\u{9b}2J");
        assert_eq!(inline("abc\u{202e}cba"), "abc\\u{202e}cba");
        assert_eq!(inline("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert_eq!(inline("v=spf1 -all 例子"), "v=spf1 -all 例子");
        assert_eq!(
            inline("one\nforged line"),
            "one\\u{a}forged line",
            "one line stays one line"
        );
        assert_eq!(lines("one\ntwo\x1b"), "one\ntwo\\u{1b}");
    }

    #[test]
    fn json_keeps_its_value_and_loses_raw_controls() {
        let value = serde_json::json!({"m": "a\u{7f}b\u{85}c\u{202e}d\u{1b}e\n"});
        let text = json(&value.to_string());
        assert!(
            !text.chars().any(is_control_or_bidi),
            "nothing raw reaches the terminal: {text:?}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(back, value, "a JSON reader sees the same value");
    }
}

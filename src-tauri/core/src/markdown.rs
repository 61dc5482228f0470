//! Text from outside (DNS answers, saved files) made inert in the Markdown report a helpdesk
//! pastes into a ticket. Such text goes into code spans (CommonMark 0.31 §6.1), where nothing is
//! a link, emphasis or HTML; the span's fence is one backtick longer than any run of backticks
//! inside, so the text cannot close it. A line break or a control or bidi character is written
//! as an escape (`\n`, `\u{1b}`): inside a span a line break would still end a table row, and a
//! control character would reach whoever reads the file in a terminal.

use std::fmt::Write;

use crate::domain::is_control_or_bidi;

/// `value` as an inline code span that nothing inside can close.
pub fn code(value: &str) -> String {
    span(&visible(value))
}

/// `value` as a code span in a GFM table cell: as [`code`], with `|` escaped, which the table
/// reads before the span (GFM §4.10), so a `|` in DNS text cannot start a new cell.
pub fn cell(value: &str) -> String {
    span(&visible(value).replace('|', "\\|"))
}

/// `value` as it stands when it holds only ASCII letters, digits, spaces, parentheses, commas
/// and hyphens (a count, a record type, a provider's name), which make no Markdown mid-line (no
/// link without `[`, no autolink without `.`); anything else as a [`code`] span.
pub fn inline(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " (),-".contains(c))
    {
        value.to_string()
    } else {
        code(value)
    }
}

/// Line breaks, tabs, controls and bidi controls written as escapes.
fn visible(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control_or_bidi(c) || c == '\u{200e}' || c == '\u{200f}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// CommonMark §6.1: a span opens and closes with equal runs of backticks; one space at each
/// end is stripped when both ends have one, so padding lets the text start or end with a
/// backtick (or a space) and still read back exactly. An empty value is one space.
fn span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty());
    if text.is_empty() {
        return "` `".to_string();
    }
    if pad {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inside of a code span as CommonMark reads it back, or `None` when `md` is not one
    /// code span from end to end (something closed it early).
    fn read_span(md: &str) -> Option<String> {
        let n = md.chars().take_while(|&c| c == '`').count();
        let fence = "`".repeat(n);
        let inner = md.strip_prefix(&fence)?.strip_suffix(&fence)?;
        // A run of exactly n backticks inside would close the span.
        if inner.split(|c| c != '`').any(|run| run.len() == n) {
            return None;
        }
        let stripped = if inner.len() >= 2
            && inner.starts_with(' ')
            && inner.ends_with(' ')
            && !inner.trim().is_empty()
        {
            &inner[1..inner.len() - 1]
        } else {
            inner
        };
        Some(stripped.to_string())
    }

    #[test]
    fn backticks_inside_cannot_close_the_span() {
        for hostile in [
            "`",
            "a`b",
            "``x``",
            "v=spf1 ``` [click](https://evil.example) ```",
            "`start",
            "end`",
            " both ",
            "x",
        ] {
            let md = code(hostile);
            assert_eq!(
                read_span(&md).as_deref(),
                Some(hostile),
                "{hostile:?} written as {md:?} must read back whole, never closed early"
            );
        }
    }

    #[test]
    fn links_and_html_stay_inside_the_span() {
        let md = code("[ticket](javascript:alert(1)) <img src=x onerror=alert(1)> &amp;");
        assert!(md.starts_with('`') && md.ends_with('`'), "{md}");
        assert_eq!(
            read_span(&md).as_deref(),
            Some("[ticket](javascript:alert(1)) <img src=x onerror=alert(1)> &amp;"),
            "a link or a tag is shown as text, in a span"
        );
    }

    #[test]
    fn a_line_break_or_control_cannot_start_a_line_or_reach_a_terminal() {
        let md =
            code("v=spf1 -all\n# PROBLEM forged\r\n\u{1b}]0;title\u{7}\u{9b}\u{202e}x\u{2066}");
        assert!(!md.contains('\n') && !md.contains('\r'), "one line: {md}");
        assert!(!md.chars().any(is_control_or_bidi), "{md:?}");
        assert!(md.contains(r"\n# PROBLEM forged\r\n\u{1b}]0;title\u{7}\u{9b}\u{202e}x\u{2066}"));
    }

    #[test]
    fn a_pipe_cannot_add_a_table_cell() {
        assert_eq!(cell("a | b"), r"`a \| b`");
        assert_eq!(code("a | b"), "`a | b`", "outside a table a pipe is text");
    }

    #[test]
    fn only_plain_words_stand_outside_a_span() {
        assert_eq!(inline("MX"), "MX");
        assert_eq!(inline("Google Workspace"), "Google Workspace");
        assert_eq!(
            inline("Alibaba Mail (Standard and Premium editions)"),
            "Alibaba Mail (Standard and Premium editions)"
        );
        assert_eq!(inline("2"), "2");
        assert_eq!(inline("example.com"), "`example.com`");
        assert_eq!(
            inline("www.evil.example"),
            "`www.evil.example`",
            "no autolink"
        );
        assert_eq!(inline("*x*"), "`*x*`");
        assert_eq!(inline(""), "` `");
    }
}

//! The small grammars inside SPF terms (RFC 7208 §5, §7.1, §12): macro strings, domain specs
//! and CIDR lengths. A receiver that meets a term breaking them returns "permerror", so a term
//! MX Doctor proposes must pass them too.

use super::{shown, SpfError};

/// Macro letters allowed in a `domain-spec` (RFC 7208 §7.2: `c`, `r` and `t` only in `exp`).
pub const DOMAIN_MACROS: &str = "slodiphv";
/// Every macro letter, for modifiers whose value MX Doctor does not interpret.
pub const ANY_MACRO: &str = "slodiphcrtv";

/// One piece of a `macro-string`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// A `macro-literal` character (visible ASCII but `%`).
    Literal(char),
    /// A `macro-expand`: `%{…}`, `%%`, `%_` or `%-`.
    Expand,
}

/// Splits `value` into a `macro-string`'s pieces; `None` when it is not one (a stray `%`, an
/// unknown macro letter, a space or a character outside visible ASCII).
pub fn macro_string(value: &str, letters: &str) -> Option<Vec<Piece>> {
    let mut out = Vec::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => match chars.next()? {
                '%' | '_' | '-' => out.push(Piece::Expand),
                '{' => {
                    // macro-letter *DIGIT [ "r" ] *delimiter "}"
                    let letter = chars.next()?.to_ascii_lowercase();
                    if !letters.contains(letter) {
                        return None;
                    }
                    let mut rest = chars.clone().peekable();
                    let mut taken = 0;
                    while rest.next_if(char::is_ascii_digit).is_some() {
                        taken += 1;
                    }
                    if rest.next_if(|c| c.eq_ignore_ascii_case(&'r')).is_some() {
                        taken += 1;
                    }
                    while rest.next_if(|c| ".-+,/_=".contains(*c)).is_some() {
                        taken += 1;
                    }
                    if rest.next() != Some('}') {
                        return None;
                    }
                    chars.nth(taken)?;
                    out.push(Piece::Expand);
                }
                _ => return None,
            },
            '!'..='~' => out.push(Piece::Literal(c)),
            _ => return None,
        }
    }
    Some(out)
}

/// RFC 7208 §7.1: `domain-spec = macro-string domain-end`, `domain-end = ( "." toplabel [ "." ] )
/// / macro-expand`. A name without macros must also be a name DNS can ask about: no empty
/// label, none over 63 characters, at most 253 in all. So `x`, `a..b.com` and `example.123`
/// are refused; `_spf.example.com` and `%{i}._spf.example.com` are not.
pub fn domain_spec(spec: &str) -> bool {
    let Some(pieces) = macro_string(spec, DOMAIN_MACROS) else {
        return false;
    };
    if pieces.last() == Some(&Piece::Expand) {
        return true;
    }
    // The literal run at the end must be "." toplabel [ "." ].
    let tail: String = pieces
        .iter()
        .rev()
        .map_while(|p| match p {
            Piece::Literal(c) => Some(*c),
            Piece::Expand => None,
        })
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let tail = tail.strip_suffix('.').unwrap_or(&tail);
    let Some((_, top)) = tail.rsplit_once('.') else {
        return false;
    };
    if !toplabel(top) {
        return false;
    }
    if pieces.contains(&Piece::Expand) {
        return true;
    }
    let name = spec.strip_suffix('.').unwrap_or(spec);
    name.len() <= 253 && name.split('.').all(|l| !l.is_empty() && l.len() <= 63)
}

/// `toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum )`:
/// not all digits (so an address is never taken for a name), no hyphen at either end.
fn toplabel(label: &str) -> bool {
    let bytes = label.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes.iter().any(|b| b.is_ascii_alphabetic() || *b == b'-')
}

/// A CIDR length: `0`, or digits without a leading zero, at most `max`.
pub fn cidr_length(text: &str, max: u8) -> bool {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let no_leading_zero = text == "0" || !text.starts_with('0');
    digits && no_leading_zero && text.parse::<u8>().is_ok_and(|n| n <= max)
}

/// Removes the `dual-cidr-length` of `a` and `mx` (`/24`, `//64`, `/24//64`) from the end of
/// the argument, checking it; what is left is `""` or `":" domain-spec`.
pub fn strip_dual_cidr<'a>(raw: &str, arg: &'a str) -> Result<&'a str, SpfError> {
    let bad = || SpfError::BadNetwork { term: shown(raw) };
    let mut rest = arg;
    // A trailing run of digits after a slash is meant as a length: check it, never keep it as
    // part of the domain.
    if let Some(i) = rest.rfind("//") {
        let len = &rest[i + 2..];
        if len.bytes().all(|b| b.is_ascii_digit()) {
            if !cidr_length(len, 128) {
                return Err(bad());
            }
            rest = &rest[..i];
        }
    }
    if let Some(i) = rest.rfind('/') {
        let len = &rest[i + 1..];
        if !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()) {
            if !cidr_length(len, 32) {
                return Err(bad());
            }
            rest = &rest[..i];
        }
    }
    Ok(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_specs_as_receivers_read_them() {
        let cases = [
            ("spf.qiye.aliyun.com", true),
            ("_spf.google.com", true),
            ("spf.qiye.aliyun.com.", true),
            ("%{i}._spf.example.com", true),
            ("%{ir}.%{v}._spf.%{d2}", true),
            ("%{l1r-}.example.com", true),
            ("x", false),
            ("example.123", false),
            ("a..b.com", false),
            (".", false),
            ("example.com-", false),
            ("100%.example.com", false),
            ("%{z}.example.com", false),
            ("%{c}.example.com", false),
            ("%{i.example.com", false),
            ("ex ample.com", false),
            ("bücher.de", false),
        ];
        for (spec, want) in cases {
            assert_eq!(domain_spec(spec), want, "{spec}");
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(
            !domain_spec(&long),
            "a label over 63 characters cannot be asked"
        );
    }

    #[test]
    fn cidr_lengths() {
        assert!(cidr_length("0", 32) && cidr_length("24", 32) && cidr_length("128", 128));
        assert!(!cidr_length("33", 32) && !cidr_length("024", 32) && !cidr_length("+4", 32));
        assert!(!cidr_length("", 32) && !cidr_length("300", 128));
    }

    #[test]
    fn dual_cidr_is_checked_and_removed() {
        assert_eq!(strip_dual_cidr("a", "/24"), Ok(""));
        assert_eq!(strip_dual_cidr("a", ":x.example/24//64"), Ok(":x.example"));
        assert_eq!(strip_dual_cidr("a", "//64"), Ok(""));
        assert!(strip_dual_cidr("a", "/33").is_err());
        assert!(strip_dual_cidr("a", "//129").is_err());
        assert_eq!(strip_dual_cidr("a", ":x.example"), Ok(":x.example"));
    }
}

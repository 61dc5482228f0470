//! What people paste into the domain field, turned into the host name that gets checked.
//!
//! Accepts `user@Example.COM`, `https://www.example.com/path`, `example.com.`, surrounding
//! spaces and internationalised names (`bücher.de`, via UTS 46 in the `idna` crate). Rejects
//! what cannot be a mail domain with a reason a non-technical person can act on.

use serde::{Deserialize, Serialize};

/// A host name ready to be looked up, and how it was derived from the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MailDomain {
    /// The A-label form that goes on the wire, lower case, no trailing dot: `xn--bcher-kva.de`.
    pub ascii: String,
    /// The form people read: `bücher.de`. Equal to `ascii` for plain names.
    pub unicode: String,
    /// What was typed, trimmed.
    pub input: String,
    /// What was stripped or changed to get from the input to the host name, if anything.
    pub adjustments: Vec<Adjustment>,
}

/// A change made to the input, reported so the user knows what was actually checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Adjustment {
    /// `user@example.com`: the part before `@` was dropped.
    TookPartAfterAt,
    /// `https://example.com/path`: scheme, path, port or query were dropped.
    TookHostFromUrl,
    /// `www.example.com`: mail goes to the domain itself, not to the web host. Only applied
    /// to URLs, where `www.` is almost always the web site's name.
    DroppedWww,
    /// `example.com.`: the final dot was dropped.
    DroppedTrailingDot,
    /// `Example.COM`: letters were lower-cased, or an internationalised name was converted.
    Normalised,
}

/// Why the input cannot be checked. Each has a plain-language message.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum InputError {
    #[error("Please type your domain name, for example example.com.")]
    Empty,
    #[error("That is an IP address. Please type the domain name your email addresses end in, for example example.com.")]
    IpAddress,
    #[error("That is too long to be a domain name ({len} characters; the most is 253).")]
    TooLong { len: usize },
    #[error(
        "The part \"{label}\" is too long: each part between dots can have at most 63 characters."
    )]
    LabelTooLong { label: String },
    #[error("A domain name cannot contain \"{found}\". Use letters, digits, hyphens and dots, for example example.com.")]
    InvalidCharacter { found: String },
    #[error("\"{name}\" is only one word. Please type the full domain, for example {name}.com.")]
    SingleLabel { name: String },
    #[error(
        "There is an empty part between dots. Please check for a double dot or a dot at the start."
    )]
    EmptyLabel,
}

/// The longest name DNS can carry in presentation form (RFC 1035 §2.3.4).
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// Turns user input into the mail domain to check.
pub fn normalise(input: &str) -> Result<MailDomain, InputError> {
    let trimmed = input.trim();
    let mut adjustments = Vec::new();
    let mut host = trimmed;
    if host.is_empty() {
        return Err(InputError::Empty);
    }
    let from_url = if let Some(idx) = host.find("://") {
        host = &host[idx + 3..];
        true
    } else {
        false
    };
    if from_url || host.contains('/') {
        let end = host.find(['/', '?', '#']).unwrap_or(host.len());
        host = &host[..end];
        adjustments.push(Adjustment::TookHostFromUrl);
    }
    if let Some(idx) = host.rfind('@') {
        host = &host[idx + 1..];
        adjustments.push(Adjustment::TookPartAfterAt);
    }
    // A port after the host in a URL (`example.com:8080`); an IPv6 literal is caught below.
    if from_url {
        if let Some(idx) = host.rfind(':') {
            if host[idx + 1..].chars().all(|c| c.is_ascii_digit()) && !host.starts_with('[') {
                host = &host[..idx];
            }
        }
    }
    let host = host.trim();
    if host.is_empty() {
        return Err(InputError::Empty);
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return Err(InputError::IpAddress);
    }
    let mut host = host.to_string();
    if host.ends_with('.') {
        host.pop();
        adjustments.push(Adjustment::DroppedTrailingDot);
    }
    if host.chars().count() > MAX_NAME {
        return Err(InputError::TooLong {
            len: host.chars().count(),
        });
    }
    if let Some(bad) = host.chars().find(|c| {
        c.is_whitespace() || c.is_control() || "!\"#$%&'()*+,/:;<=>?@[\\]^`{|}~".contains(*c)
    }) {
        return Err(InputError::InvalidCharacter {
            found: bad.to_string(),
        });
    }
    if host.split('.').any(str::is_empty) {
        return Err(InputError::EmptyLabel);
    }
    if let Some(pictograph) = host.chars().find(|c| is_pictograph(*c)) {
        return Err(InputError::InvalidCharacter {
            found: pictograph.to_string(),
        });
    }
    let ascii = to_ascii(&host)?;
    check_lengths(&ascii)?;
    if ascii != host {
        adjustments.push(Adjustment::Normalised);
    }
    if !ascii.contains('.') {
        return Err(InputError::SingleLabel { name: host });
    }
    let ascii = if from_url && ascii.starts_with("www.") && ascii.matches('.').count() >= 2 {
        adjustments.push(Adjustment::DroppedWww);
        ascii["www.".len()..].to_string()
    } else {
        ascii
    };
    let (unicode, _) = idna::domain_to_unicode(&ascii);
    Ok(MailDomain {
        ascii,
        unicode,
        input: trimmed.to_string(),
        adjustments,
    })
}

/// Emoji and pictographs: UTS 46 maps them to A-labels, but IDNA 2008 (RFC 5892) disallows
/// them and registrars refuse them, so a name holding one is a typing or pasting mistake.
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2460..=0x27BF | 0x2900..=0x2BFF
        | 0xFE0F | 0x200D | 0x1F000..=0x1FAFF)
}

fn to_ascii(host: &str) -> Result<String, InputError> {
    // UTS 46 processing lower-cases, maps full-width dots and converts U-labels to A-labels.
    let ascii = idna::domain_to_ascii(host).map_err(|_| invalid_char(host))?;
    if ascii.is_empty() {
        return Err(InputError::Empty);
    }
    // UTS 46 lets through some characters that host names (RFC 952/1123) cannot hold.
    if let Some(bad) = ascii
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.' || *c == '_'))
    {
        return Err(InputError::InvalidCharacter {
            found: bad.to_string(),
        });
    }
    Ok(ascii)
}

/// The first character that made UTS 46 give up, for the message; emoji land here.
fn invalid_char(host: &str) -> InputError {
    let found = host
        .chars()
        .find(|c| idna::domain_to_ascii(&c.to_string()).is_err() && *c != '.')
        .map(|c| c.to_string())
        .unwrap_or_else(|| host.to_string());
    InputError::InvalidCharacter { found }
}

fn check_lengths(ascii: &str) -> Result<(), InputError> {
    if ascii.len() > MAX_NAME {
        return Err(InputError::TooLong { len: ascii.len() });
    }
    if let Some(label) = ascii.split('.').find(|l| l.len() > MAX_LABEL) {
        return Err(InputError::LabelTooLong {
            label: label.to_string(),
        });
    }
    if ascii.split('.').any(str::is_empty) {
        return Err(InputError::EmptyLabel);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_what_people_paste() {
        let cases = [
            ("example.com", "example.com"),
            ("  Example.COM  ", "example.com"),
            ("user@Example.COM", "example.com"),
            ("https://www.example.com/path?x=1", "example.com"),
            ("http://mail.example.com:8080/", "mail.example.com"),
            ("example.com.", "example.com"),
            ("bücher.de", "xn--bcher-kva.de"),
            ("www.example.com", "www.example.com"),
            ("例子.测试", "xn--fsqu00a.xn--0zwm56d"),
        ];
        for (input, want) in cases {
            let got = normalise(input).unwrap_or_else(|e| panic!("{input:?} rejected: {e}"));
            assert_eq!(got.ascii, want, "input {input:?}");
        }
    }

    #[test]
    fn shows_both_forms_of_an_international_name() {
        let d = normalise("BÜCHER.de").unwrap();
        assert_eq!(d.ascii, "xn--bcher-kva.de");
        assert_eq!(d.unicode, "bücher.de");
        assert!(d.adjustments.contains(&Adjustment::Normalised));
    }

    #[test]
    fn reports_what_it_changed() {
        let d = normalise("https://www.example.com/").unwrap();
        assert_eq!(
            d.adjustments,
            [Adjustment::TookHostFromUrl, Adjustment::DroppedWww]
        );
        let d = normalise("someone@example.com.").unwrap();
        assert_eq!(
            d.adjustments,
            [Adjustment::TookPartAfterAt, Adjustment::DroppedTrailingDot]
        );
        assert!(normalise("example.com").unwrap().adjustments.is_empty());
    }

    #[test]
    fn rejects_with_a_reason() {
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}com", "abcdefghi.".repeat(30));
        type Expect = fn(&InputError) -> bool;
        let cases: [(&str, Expect); 10] = [
            ("", |e| matches!(e, InputError::Empty)),
            ("   ", |e| matches!(e, InputError::Empty)),
            ("192.0.2.1", |e| matches!(e, InputError::IpAddress)),
            ("[2001:db8::1]", |e| matches!(e, InputError::IpAddress)),
            ("localhost", |e| matches!(e, InputError::SingleLabel { .. })),
            ("exa mple.com", |e| {
                matches!(e, InputError::InvalidCharacter { .. })
            }),
            ("😀.com", |e| {
                matches!(e, InputError::InvalidCharacter { .. })
            }),
            ("example..com", |e| matches!(e, InputError::EmptyLabel)),
            (&long_label, |e| {
                matches!(e, InputError::LabelTooLong { .. })
            }),
            (&long_name, |e| matches!(e, InputError::TooLong { .. })),
        ];
        for (input, is_expected) in cases {
            match normalise(input) {
                Ok(d) => panic!("{input:?} accepted as {}", d.ascii),
                Err(e) => assert!(is_expected(&e), "{input:?} gave {e:?}"),
            }
        }
        let too_long = "x".repeat(300);
        assert!(normalise(&too_long)
            .unwrap_err()
            .to_string()
            .contains("300"));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,300}") {
            let _ = normalise(&s);
        }

        #[test]
        fn accepted_names_are_valid_host_names(s in "[a-zA-Z0-9.@:/-]{0,80}") {
            if let Ok(d) = normalise(&s) {
                prop_assert!(d.ascii.len() <= MAX_NAME);
                prop_assert!(d.ascii.split('.').all(|l| !l.is_empty() && l.len() <= MAX_LABEL));
                prop_assert!(d.ascii.contains('.'));
            }
        }
    }
}

//! What people paste into the domain field, turned into the host name that gets checked.
//!
//! The rule: check the one name the person meant, or refuse with a reason they can act on;
//! never check another name. People paste a bare name (`example.com`, `example.com.`,
//! `bücher.de`, via UTS 46 in the `idna` crate), an email address (`user@Example.COM`), a web
//! address (`https://www.example.com/path`) or an email link (`mailto:you@example.com?cc=…`),
//! often typed on a Chinese keyboard in full-width mode (`example。com`, `user＠example.com`).
//! Whatever could be read as two different names (two `@`, a `..` in a path, an `@` inside a
//! web address, addresses at several domains) is refused rather than guessed. The table of
//! decisions is the test `decisions` below.

mod pasted;

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
    /// `user@example.com` (or `@example.com`): the part before `@` was dropped.
    TookPartAfterAt,
    /// `https://example.com/path`: scheme, path, port or query were dropped.
    TookHostFromUrl,
    /// `www.example.com`: mail goes to the domain itself, not to the web host. Only applied
    /// to URLs, where `www.` is almost always the web site's name.
    DroppedWww,
    /// `example.com.`: the final dot was dropped.
    DroppedTrailingDot,
    /// `Example.COM`, `example。com`: letters were lower-cased, full-width characters written
    /// as ordinary ones, or an internationalised name was converted.
    Normalised,
    /// `mailto:you@example.com?cc=…`: the domain of the address the email link is for; the
    /// rest of the link (copies, subject) was not read.
    TookAddressFromMailLink,
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
    /// `found` is the character as typed; the message names an invisible one by its number.
    #[error("A domain name cannot contain {}. Use letters, digits, hyphens and dots, for example example.com.", shown(.found))]
    InvalidCharacter { found: String },
    #[error("\"{name}\" is only one word. Please type the full domain, for example {name}.com.")]
    SingleLabel { name: String },
    #[error(
        "There is an empty part between dots. Please check for a double dot or a dot at the start."
    )]
    EmptyLabel,
    /// `300.1.2.3`, `127.1`: digits and dots only, and no IP address either (a part over 255,
    /// or a shorthand).
    #[error("\"{name}\" is only numbers, so it is not a domain name. Please type the domain name your email addresses end in, for example example.com.")]
    OnlyNumbers { name: String },
    /// `example.123`: a top-level domain is never all digits (RFC 3696 §2).
    #[error("A domain name cannot end in \".{ending}\": the last part is letters, like .com or .cn. Please check what you typed.")]
    NumericEnding { ending: String },
    /// `-example.com`, `example-.com` (RFC 952; RFC 1123 §2.1; RFC 5891 §4.2.3.1).
    #[error("The part \"{label}\" starts or ends with a hyphen (-), which a domain name cannot do. Please check what you typed.")]
    HyphenAtEdge { label: String },
    /// `a@b.com@c.com`: which of the names is meant cannot be known.
    #[error("There is more than one @ in that, so it is not clear which domain to check. Please type just the domain, for example example.com.")]
    SeveralAtSigns,
    /// `example.com, example.org`, or an email link to addresses at different domains.
    #[error("That is more than one domain. Please type just one, for example example.com.")]
    SeveralDomains,
    /// `https://example.com@evil.com/`: a browser goes to the name after the `@`, while
    /// people read the one before it.
    #[error("That web address has an @ in it, so it is not clear which domain it is about. Please type just the domain, for example example.com.")]
    AtInWebAddress,
    /// `example.com/../evil.com`, `http://evil.com/..%2f@example.com`.
    #[error("That address has \"..\" in it, which can hide where it really leads. Please type just the domain, for example example.com.")]
    DotDotInPath,
}

/// The longest name DNS can carry in presentation form (RFC 1035 §2.3.4).
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// Characters that change how text is shown instead of being shown: C0, DEL and C1 (ESC
/// among them), the bidirectional controls that reorder a line (CVE-2021-42574) and the line
/// and paragraph separators. Never part of a name; never printed raw by a front end.
pub fn is_control_or_bidi(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
        )
}

/// Turns user input into the mail domain to check.
pub fn normalise(input: &str) -> Result<MailDomain, InputError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(InputError::Empty);
    }
    if let Some(c) = trimmed.chars().find(|c| is_control_or_bidi(*c)) {
        return Err(invalid(c));
    }
    let text = pasted::narrow(trimmed);
    let mut adjustments = Vec::new();
    let picked = pasted::pick(&text, &mut adjustments)?;
    let ascii = one_name(&picked.hosts, &mut adjustments)?;
    let ascii = if picked.from_url && ascii.starts_with("www.") && ascii.matches('.').count() >= 2 {
        adjustments.push(Adjustment::DroppedWww);
        ascii["www.".len()..].to_string()
    } else {
        ascii
    };
    if text != trimmed && !adjustments.contains(&Adjustment::Normalised) {
        adjustments.push(Adjustment::Normalised);
    }
    let (unicode, _) = idna::domain_to_unicode(&ascii);
    Ok(MailDomain {
        ascii,
        unicode,
        input: trimmed.to_string(),
        adjustments,
    })
}

/// The name of the hosts picked: an email link to several addresses is fine when they are
/// at one domain.
fn one_name(hosts: &[String], adjustments: &mut Vec<Adjustment>) -> Result<String, InputError> {
    let [first, others @ ..] = hosts else {
        return Err(InputError::Empty);
    };
    if others.is_empty() {
        return name(first, adjustments);
    }
    let ascii = name(first, adjustments).map_err(|_| InputError::SeveralDomains)?;
    if others
        .iter()
        .any(|h| name(h, &mut Vec::new()).as_ref() != Ok(&ascii))
    {
        return Err(InputError::SeveralDomains);
    }
    Ok(ascii)
}

/// Checks `host` as a name to look up; its A-label form.
fn name(host: &str, adjustments: &mut Vec<Adjustment>) -> Result<String, InputError> {
    let host = host.trim();
    if host.is_empty() {
        return Err(InputError::Empty);
    }
    if is_ip(host) {
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
        return Err(invalid(bad));
    }
    if host.split('.').any(str::is_empty) {
        return Err(InputError::EmptyLabel);
    }
    if let Some(pictograph) = host.chars().find(|c| is_pictograph(*c)) {
        return Err(invalid(pictograph));
    }
    let ascii = to_ascii(&host)?;
    check_lengths(&ascii)?;
    if ascii != host {
        adjustments.push(Adjustment::Normalised);
    }
    check_labels(&ascii)?;
    Ok(ascii)
}

fn is_ip(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<std::net::IpAddr>().is_ok()
}

/// What UTS 46 lets through but a mail domain cannot be.
fn check_labels(ascii: &str) -> Result<(), InputError> {
    // `１９２.０.２.１` and `192.0.2.1.` are IP addresses once mapped.
    if is_ip(ascii) {
        return Err(InputError::IpAddress);
    }
    let (unicode, _) = idna::domain_to_unicode(ascii);
    let labels: Vec<&str> = ascii.split('.').collect();
    let numeric = |l: &&str| l.bytes().all(|b| b.is_ascii_digit());
    match labels.as_slice() {
        [_] => Err(InputError::SingleLabel { name: unicode }),
        all if all.iter().all(numeric) => Err(InputError::OnlyNumbers {
            name: ascii.to_string(),
        }),
        [.., tld] if numeric(tld) => Err(InputError::NumericEnding {
            ending: tld.to_string(),
        }),
        _ => match unicode
            .split('.')
            .find(|l| l.starts_with('-') || l.ends_with('-'))
        {
            Some(label) => Err(InputError::HyphenAtEdge {
                label: label.to_string(),
            }),
            None => Ok(()),
        },
    }
}

/// Emoji and pictographs: UTS 46 maps them to A-labels, but IDNA 2008 (RFC 5892) disallows
/// them and registrars refuse them, so a name holding one is a typing or pasting mistake.
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2460..=0x27BF | 0x2900..=0x2BFF
        | 0xFE0F | 0x200D | 0x1F000..=0x1FAFF)
}

fn to_ascii(host: &str) -> Result<String, InputError> {
    // UTS 46 processing lower-cases, maps full-width forms and converts U-labels to A-labels.
    let ascii = idna::domain_to_ascii(host).map_err(|_| invalid_char(host))?;
    if ascii.is_empty() {
        return Err(InputError::Empty);
    }
    // UTS 46 lets through some characters that host names (RFC 952/1123) cannot hold.
    if let Some(bad) = ascii
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.' || *c == '_'))
    {
        return Err(invalid(bad));
    }
    Ok(ascii)
}

fn invalid(c: char) -> InputError {
    InputError::InvalidCharacter {
        found: c.to_string(),
    }
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

/// A refused character as the message shows it: visible ones in quotes, a space by name, an
/// invisible one by its number, so the message itself stays printable.
fn shown(found: &str) -> String {
    match Character::of(found) {
        Character::Space => "a space".to_string(),
        Character::Invisible { code: Some(code) } => {
            format!("an invisible character ({code})")
        }
        Character::Invisible { code: None } => "an invisible character".to_string(),
        Character::Seen { text } => format!("\"{text}\""),
    }
}

/// A character a name cannot hold, as a front end may name it: a space, an invisible one by
/// its number (never printed raw), or as it was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Character {
    Space,
    /// `code` (`U+200B`) when it is one character.
    Invisible {
        code: Option<String>,
    },
    Seen {
        text: String,
    },
}

impl Character {
    /// How `found`, from [`InputError::InvalidCharacter`], is named.
    pub fn of(found: &str) -> Self {
        let mut chars = found.chars();
        match (chars.next(), chars.next()) {
            (Some(' '), None) => Character::Space,
            (Some(c), None) if is_control_or_bidi(c) || c.is_whitespace() || is_format(c) => {
                Character::Invisible {
                    code: Some(format!("U+{:04X}", c as u32)),
                }
            }
            _ if found.chars().any(|c| is_control_or_bidi(c) || is_format(c)) => {
                Character::Invisible { code: None }
            }
            _ => Character::Seen {
                text: found.to_string(),
            },
        }
    }
}

/// Zero-width and other format characters (Unicode category Cf) that show as nothing.
fn is_format(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x180E | 0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF)
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
    use Adjustment::*;

    /// The table of decisions: what people paste, and the name checked with what was changed
    /// to get there. Each class of input has a row; a name is checked only where there is one
    /// name the person can have meant.
    #[test]
    fn decisions_accepted() {
        let cases: &[(&str, &str, &[Adjustment])] = &[
            // The forms DESIGN.md promises.
            ("example.com", "example.com", &[]),
            (
                "user@Example.COM",
                "example.com",
                &[TookPartAfterAt, Normalised],
            ),
            (
                "https://www.example.com/",
                "example.com",
                &[TookHostFromUrl, DroppedWww],
            ),
            ("bücher.de", "xn--bcher-kva.de", &[Normalised]),
            ("example.com.", "example.com", &[DroppedTrailingDot]),
            ("  Example.COM  ", "example.com", &[Normalised]),
            (
                "http://mail.example.com:8080/",
                "mail.example.com",
                &[TookHostFromUrl],
            ),
            ("www.example.com", "www.example.com", &[]),
            ("example.com/contact", "example.com", &[TookHostFromUrl]),
            ("//example.com/contact", "example.com", &[TookHostFromUrl]),
            ("例子.测试", "xn--fsqu00a.xn--0zwm56d", &[Normalised]),
            // UTS 46 §2.3 separators and full-width forms, as a Chinese keyboard types them.
            ("example。com", "example.com", &[Normalised]),
            ("example．com", "example.com", &[Normalised]),
            ("example｡com", "example.com", &[Normalised]),
            (
                "example。com。",
                "example.com",
                &[DroppedTrailingDot, Normalised],
            ),
            (
                "user＠example。com",
                "example.com",
                &[TookPartAfterAt, Normalised],
            ),
            ("例子。测试", "xn--fsqu00a.xn--0zwm56d", &[Normalised]),
            // A zero-width space pasted along is no character of the name (UTS 46 ignores it).
            ("exa\u{200b}mple.com", "example.com", &[Normalised]),
            // A lone @: the name meant is the one after it, and the report says so.
            ("@example.com", "example.com", &[TookPartAfterAt]),
            // Code in a web address's path or query is not its host.
            (
                "https://example.com/{{7*7}}?q=${jndi:ldap://evil.com/a}",
                "example.com",
                &[TookHostFromUrl],
            ),
            (
                "example.com?next=http://evil.com",
                "example.com",
                &[TookHostFromUrl],
            ),
            (
                "https://example.com/?to=a,b;c",
                "example.com",
                &[TookHostFromUrl],
            ),
            (
                "ｅｘａｍｐｌｅ．ｃｏｍ／ｃｏｎｔａｃｔ",
                "example.com",
                &[TookHostFromUrl, Normalised],
            ),
            (
                "https://example.com/<script>alert(1)</script>",
                "example.com",
                &[TookHostFromUrl],
            ),
            // An email link: the address it is for, never a copy in the query.
            (
                "mailto:you@example.com?cc=boss@evil.com",
                "example.com",
                &[TookAddressFromMailLink],
            ),
            (
                "MAILTO:You@Example.com?to=boss@evil.com",
                "example.com",
                &[TookAddressFromMailLink, Normalised],
            ),
            (
                "ｍａｉｌｔｏ：you@example.com?cc=x@evil.com",
                "example.com",
                &[TookAddressFromMailLink, Normalised],
            ),
            (
                "mailto:you%40ex%61mple.com",
                "example.com",
                &[TookAddressFromMailLink],
            ),
            (
                "mailto:a@example.com,b@EXAMPLE.com",
                "example.com",
                &[TookAddressFromMailLink],
            ),
        ];
        for (input, ascii, adjustments) in cases {
            let got = normalise(input).unwrap_or_else(|e| panic!("{input:?} refused: {e}"));
            assert_eq!(got.ascii, *ascii, "{input:?} checks the name typed");
            assert_eq!(
                got.adjustments, *adjustments,
                "{input:?}: the report says what was changed"
            );
        }
    }

    /// The other half of the table: what is refused, and why. Each would otherwise check a
    /// name the person did not mean, or one that cannot exist.
    #[test]
    fn decisions_refused() {
        use InputError as E;
        let found = |c: &str| E::InvalidCharacter { found: c.into() };
        let cases: Vec<(&str, E)> = vec![
            ("", E::Empty),
            ("   ", E::Empty),
            ("192.0.2.1", E::IpAddress),
            ("[2001:db8::1]", E::IpAddress),
            ("https://[2001:db8::1]:443/", E::IpAddress),
            (
                "localhost",
                E::SingleLabel {
                    name: "localhost".into(),
                },
            ),
            ("exa mple.com", found(" ")),
            ("😀.com", found("😀")),
            ("example..com", E::EmptyLabel),
            // Numbers: an address-like name with a part over 255, or an all-digit ending
            // (RFC 3696 §2), also once full-width digits and dots are mapped.
            (
                "300.1.2.3",
                E::OnlyNumbers {
                    name: "300.1.2.3".into(),
                },
            ),
            (
                "1.2.3.256",
                E::OnlyNumbers {
                    name: "1.2.3.256".into(),
                },
            ),
            (
                "http://127.1/",
                E::OnlyNumbers {
                    name: "127.1".into(),
                },
            ),
            (
                "example.123",
                E::NumericEnding {
                    ending: "123".into(),
                },
            ),
            (
                "example.１２３",
                E::NumericEnding {
                    ending: "123".into(),
                },
            ),
            ("192.0.2.1.", E::IpAddress),
            ("１９２.０.２.１", E::IpAddress),
            ("192。0。2。1", E::IpAddress),
            // Hyphens at the edge of a label (RFC 952, RFC 1123 §2.1).
            (
                "-example.com",
                E::HyphenAtEdge {
                    label: "-example".into(),
                },
            ),
            (
                "example-.com",
                E::HyphenAtEdge {
                    label: "example-".into(),
                },
            ),
            (
                "mail.-example.com",
                E::HyphenAtEdge {
                    label: "-example".into(),
                },
            ),
            (
                "bücher-.de",
                E::HyphenAtEdge {
                    label: "bücher-".into(),
                },
            ),
            // More than one @: which name is meant cannot be known.
            ("a@b.com@c.com", E::SeveralAtSigns),
            ("@@example.com", E::SeveralAtSigns),
            ("\"you@evil.com\"@example.com", E::SeveralAtSigns),
            // Template injection where the host goes.
            ("{{7*7}}.example.com", found("{")),
            ("${jndi:ldap://x}", found("$")),
            ("<script>", found("<")),
            ("https://<script>/", found("<")),
            // `..` segments, plain or percent-encoded once or twice.
            ("example.com/../evil.com", E::DotDotInPath),
            ("../../etc/passwd", E::DotDotInPath),
            ("http://evil.com/..%2f@example.com", E::DotDotInPath),
            ("https://example.com/%2e%2e/evil.com", E::DotDotInPath),
            ("https://example.com/%252e%252e/evil.com", E::DotDotInPath),
            ("http：／／evil.com／..／@example.com", E::DotDotInPath),
            // An @ in a web address: a browser and a reader name different hosts.
            ("https://example.com@evil.com/", E::AtInWebAddress),
            ("http://evil.com/x@example.com", E::AtInWebAddress),
            ("example.com#@evil.com", E::AtInWebAddress),
            ("example.com:@evil.com", E::AtInWebAddress),
            ("http:example.com@evil.com", E::AtInWebAddress),
            ("http://evil.com\\@example.com", found("\\")),
            // Email links: several domains, the address only in the query, hidden lines.
            ("mailto:a@example.com,b@evil.com", E::SeveralDomains),
            ("mailto:a@example.com;b@evil.com", E::SeveralDomains),
            ("mailto:?to=boss@evil.com", E::Empty),
            ("mailto:evil.com?@example.com", E::Empty),
            ("mailto:you@evil.com%40example.com", E::SeveralAtSigns),
            ("mailto:you@example.com%0d%0abcc:x@evil.com", found("\r")),
            ("mailto:you@example.com%2cboss@evil.com", E::SeveralDomains),
            ("mailto:%ff@example.com", found("%")),
            ("example.com, evil.com", E::SeveralDomains),
            ("you@example.com;boss@evil.com", E::SeveralDomains),
            ("data:text/html,<script>", found(":")),
            // Characters that steer a terminal or reorder a line.
            ("example.com\u{7f}", found("\u{7f}")),
            ("exa\u{1b}[31mmple.com", found("\u{1b}")),
            ("example.com\u{202e}moc.live", found("\u{202e}")),
            ("https://example.com/\u{85}x", found("\u{85}")),
        ];
        for (input, want) in cases {
            match normalise(input) {
                Ok(d) => panic!("{input:?} accepted as {}: {want:?} expected", d.ascii),
                Err(e) => assert_eq!(e, want, "{input:?}"),
            }
        }
        let long_label = format!("{}.com", "a".repeat(64));
        assert!(matches!(
            normalise(&long_label),
            Err(InputError::LabelTooLong { .. })
        ));
        let long_name = format!("{}com", "abcdefghi.".repeat(30));
        assert!(matches!(
            normalise(&long_name),
            Err(InputError::TooLong { .. })
        ));
        let too_long = "x".repeat(300);
        assert!(normalise(&too_long)
            .unwrap_err()
            .to_string()
            .contains("300"));
    }

    #[test]
    fn shows_both_forms_of_an_international_name() {
        let d = normalise("BÜCHER.de").unwrap();
        assert_eq!(d.ascii, "xn--bcher-kva.de");
        assert_eq!(d.unicode, "bücher.de");
        assert!(d.adjustments.contains(&Adjustment::Normalised));
    }

    #[test]
    fn refusals_say_what_to_type_and_stay_printable() {
        let refused = [
            "300.1.2.3",
            "example.123",
            "-example.com",
            "a@b.com@c.com",
            "example.com, example.org",
            "https://example.com@evil.com/",
            "example.com/../evil.com",
        ];
        for input in refused {
            let message = normalise(input).unwrap_err().to_string();
            assert!(
                message.contains("example.com") || message.contains("check what you typed"),
                "{input:?}: the message says what to type instead: {message}"
            );
        }
        let del = normalise("example.com\u{7f}").unwrap_err().to_string();
        assert!(
            del.contains("invisible character (U+007F)") && !del.contains('\u{7f}'),
            "an invisible character is named, never echoed: {del}"
        );
        let rlo = normalise("example.com\u{202e}moc").unwrap_err().to_string();
        assert!(!rlo.contains('\u{202e}'), "{rlo}");
        let space = normalise("exa mple.com").unwrap_err().to_string();
        assert!(space.contains("cannot contain a space"), "{space}");
    }

    /// Parts of attacks, put together at random after the host.
    fn tail() -> impl Strategy<Value = String> {
        let pieces = [
            "evil.com", "@", "/", "..", "%2f", "%2e", "%40", "?", "#", ":", ",", ";", "\\",
            "http://", "mailto:", "{{7*7}}", "${jndi:", "。", "＠", "／", "x", "=", "&",
        ];
        prop::collection::vec(prop::sample::select(pieces.to_vec()), 0..8).prop_map(|p| p.concat())
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
                prop_assert!(d.ascii.split('.').all(|l| !l.starts_with('-') && !l.ends_with('-')));
                prop_assert!(d.ascii.contains('.'));
                let tld = d.ascii.rsplit('.').next().unwrap_or_default();
                prop_assert!(!tld.bytes().all(|b| b.is_ascii_digit()), "{tld} is all digits");
            }
        }

        /// What follows a web address's host or an email link's address (a path, a query, a
        /// fragment) never changes the name checked: it is that host, or the input is refused.
        #[test]
        fn what_follows_the_host_never_names_another(
            prefix in prop::sample::select(vec!["", "http://", "HTTPS://www.", "//", "mailto:you@"]),
            separator in prop::sample::select(vec!["/", "?", "#"]),
            tail in tail(),
        ) {
            let input = format!("{prefix}example.com{separator}{tail}");
            if let Ok(d) = normalise(&input) {
                prop_assert_eq!(d.ascii, "example.com", "{}", input);
            }
        }

        /// Whatever comes before the `@` of `…@example.com` is never the name checked (in an
        /// email link, a query before it is the link's own: `mailto:a@b.org?cc=c@example.com`
        /// is for b.org).
        #[test]
        fn what_precedes_the_at_never_names_another(
            prefix in prop::sample::select(vec!["", "mailto:", "http://", "//", "x"]),
            middle in tail(),
        ) {
            let middle = if prefix == "mailto:" { middle.replace(['?', '#'], "") } else { middle };
            let input = format!("{prefix}{middle}@example.com");
            if let Ok(d) = normalise(&input) {
                prop_assert_eq!(d.ascii, "example.com", "{}", input);
            }
        }
    }
}

//! SPF record syntax (RFC 7208 §4.5, §5, §6), enough to count DNS lookups and to edit a
//! record. No evaluation against a sender's address: MX Doctor checks configuration.

use serde::{Deserialize, Serialize};

mod compose;
mod syntax;

pub use compose::{compose, Change, Cost, Mode, Note, Proposal};

/// One parsed `v=spf1` record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpfRecord {
    pub terms: Vec<Term>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    Pass,
    Fail,
    SoftFail,
    Neutral,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Term {
    All {
        qualifier: Qualifier,
    },
    Include {
        qualifier: Qualifier,
        domain: String,
    },
    A {
        qualifier: Qualifier,
        domain: Option<String>,
    },
    Mx {
        qualifier: Qualifier,
        domain: Option<String>,
    },
    Ptr {
        qualifier: Qualifier,
        domain: Option<String>,
    },
    Ip4 {
        qualifier: Qualifier,
        network: String,
    },
    Ip6 {
        qualifier: Qualifier,
        network: String,
    },
    Exists {
        qualifier: Qualifier,
        domain: String,
    },
    Redirect {
        domain: String,
    },
    /// `exp=` and unknown modifiers (RFC 7208 §6: unknown modifiers are ignored).
    OtherModifier {
        name: String,
        value: String,
    },
}

/// Why a record is not valid SPF; any of these is a "permerror" for receivers. Terms are kept
/// as [`shown`] gives them: untrusted DNS text, made safe to print.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SpfError {
    #[error("it does not start with v=spf1")]
    NotSpf,
    #[error("\"{term}\" is not something SPF understands")]
    UnknownTerm { term: String },
    #[error("\"{term}\" needs a domain after the colon")]
    MissingDomain { term: String },
    #[error("\"{term}\" is not a valid address range")]
    BadNetwork { term: String },
    #[error("the {name}= modifier appears more than once")]
    DuplicateModifier { name: String },
    /// RFC 7208 §12: terms are visible ASCII separated by spaces; a line break, a tab, a
    /// control character or a full-width character makes the term unreadable.
    #[error("\"{term}\" contains a character SPF does not allow")]
    BadCharacter { term: String },
    /// RFC 7208 §7.1 `domain-spec`: it must end in a top-level label (or a macro).
    #[error("\"{term}\" does not name a valid domain")]
    BadDomain { term: String },
}

/// RFC 7208 §4.6.4: more than 10 DNS-querying terms is a permerror; so is more than 2 voids.
pub const MAX_LOOKUPS: usize = 10;
pub const MAX_VOIDS: usize = 2;

/// A DNS-querying term, which RFC 7208 §4.6.4 limits to ten per check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LookupTerm {
    Include(String),
    Redirect(String),
    /// `a`, with the domain it names (the current domain when it names none).
    A(String),
    Mx(String),
    Ptr,
    Exists(String),
}

/// True when a TXT string is an SPF record: `v=spf1` then a space or the end (RFC 7208 §4.5).
pub fn is_spf(text: &str) -> bool {
    let t = text.trim_start();
    t.len() >= 6
        && t.is_char_boundary(6)
        && t[..6].eq_ignore_ascii_case("v=spf1")
        && (t.len() == 6 || t.as_bytes()[6] == b' ')
}

/// The terms of an SPF record as written: what follows `v=spf1`, split at spaces (RFC 7208
/// §4.6.1: terms are separated by SP only, so a tab or line break stays inside a term).
pub fn raw_terms(text: &str) -> Vec<&str> {
    if !is_spf(text) {
        return Vec::new();
    }
    text.trim_start()[6..]
        .split(' ')
        .filter(|t| !t.is_empty())
        .collect()
}

/// Parses an SPF record.
pub fn parse(text: &str) -> Result<SpfRecord, SpfError> {
    if !is_spf(text) {
        return Err(SpfError::NotSpf);
    }
    let mut terms = Vec::new();
    let mut seen_redirect = false;
    let mut seen_exp = false;
    for raw in raw_terms(text) {
        let term = parse_term(raw)?;
        match &term {
            Term::Redirect { .. } if seen_redirect => {
                return Err(SpfError::DuplicateModifier {
                    name: "redirect".into(),
                })
            }
            Term::Redirect { .. } => seen_redirect = true,
            Term::OtherModifier { name, .. } if name == "exp" => {
                if seen_exp {
                    return Err(SpfError::DuplicateModifier { name: "exp".into() });
                }
                seen_exp = true;
            }
            _ => {}
        }
        terms.push(term);
    }
    Ok(SpfRecord { terms })
}

/// The terms of an SPF record that parse, in order, the others skipped: what can be known of a
/// record that does not parse as a whole (a merge keeps these; their lookups are asked too).
pub fn readable(text: &str) -> SpfRecord {
    SpfRecord {
        terms: raw_terms(text)
            .into_iter()
            .filter_map(|raw| parse_term(raw).ok())
            .collect(),
    }
}

/// Parses one term of a record (RFC 7208 §12 `directive` / `modifier`).
pub fn parse_term(raw: &str) -> Result<Term, SpfError> {
    if !raw.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SpfError::BadCharacter { term: shown(raw) });
    }
    // A modifier is name=value where the name is alphanumeric (RFC 7208 §12 "modifier").
    if let Some((name, value)) = raw.split_once('=') {
        let is_name = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if is_name {
            let name = name.to_ascii_lowercase();
            return match name.as_str() {
                "redirect" => Ok(Term::Redirect {
                    domain: domain_spec(raw, Some(value))?,
                }),
                "exp" => {
                    domain_spec(raw, Some(value))?;
                    Ok(Term::OtherModifier {
                        name,
                        value: value.to_string(),
                    })
                }
                _ if syntax::macro_string(value, syntax::ANY_MACRO).is_some() => {
                    Ok(Term::OtherModifier {
                        name,
                        value: value.to_string(),
                    })
                }
                _ => Err(SpfError::UnknownTerm { term: shown(raw) }),
            };
        }
    }
    let (qualifier, rest) = match raw.as_bytes().first() {
        Some(b'+') => (Qualifier::Pass, &raw[1..]),
        Some(b'-') => (Qualifier::Fail, &raw[1..]),
        Some(b'~') => (Qualifier::SoftFail, &raw[1..]),
        Some(b'?') => (Qualifier::Neutral, &raw[1..]),
        _ => (Qualifier::Pass, raw),
    };
    // The mechanism name ends at ':' or '/' (a CIDR length with no domain: `a/24`).
    let split = rest.find([':', '/']).unwrap_or(rest.len());
    let (name, arg) = rest.split_at(split);
    let name = name.to_ascii_lowercase();
    let unknown = || SpfError::UnknownTerm { term: shown(raw) };
    Ok(match name.as_str() {
        "all" if arg.is_empty() => Term::All { qualifier },
        "include" => Term::Include {
            qualifier,
            domain: domain_spec(raw, arg.strip_prefix(':'))?,
        },
        "exists" => Term::Exists {
            qualifier,
            domain: domain_spec(raw, arg.strip_prefix(':'))?,
        },
        "ptr" => Term::Ptr {
            qualifier,
            domain: optional_domain(raw, arg)?,
        },
        "a" => Term::A {
            qualifier,
            domain: optional_domain(raw, syntax::strip_dual_cidr(raw, arg)?)?,
        },
        "mx" => Term::Mx {
            qualifier,
            domain: optional_domain(raw, syntax::strip_dual_cidr(raw, arg)?)?,
        },
        "ip4" => Term::Ip4 {
            qualifier,
            network: network::<std::net::Ipv4Addr>(raw, arg, 32)?,
        },
        "ip6" => Term::Ip6 {
            qualifier,
            network: network::<std::net::Ipv6Addr>(raw, arg, 128)?,
        },
        _ => return Err(unknown()),
    })
}

/// A required `domain-spec` (RFC 7208 §7.1): present, non-empty and well formed.
fn domain_spec(raw: &str, value: Option<&str>) -> Result<String, SpfError> {
    match value {
        Some(v) if !v.is_empty() => {
            if syntax::domain_spec(v) {
                Ok(v.to_string())
            } else {
                Err(SpfError::BadDomain { term: shown(raw) })
            }
        }
        _ => Err(SpfError::MissingDomain { term: shown(raw) }),
    }
}

/// The `[":" domain-spec]` of `a`, `mx` and `ptr`: nothing, or a colon and a domain.
fn optional_domain(raw: &str, arg: &str) -> Result<Option<String>, SpfError> {
    if arg.is_empty() {
        return Ok(None);
    }
    match arg.strip_prefix(':') {
        Some(spec) => domain_spec(raw, Some(spec)).map(Some),
        None => Err(SpfError::UnknownTerm { term: shown(raw) }),
    }
}

fn network<T: std::str::FromStr>(raw: &str, arg: &str, max_len: u8) -> Result<String, SpfError> {
    let bad = || SpfError::BadNetwork { term: shown(raw) };
    let value = arg.strip_prefix(':').ok_or_else(bad)?;
    let (addr, len) = match value.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (value, None),
    };
    addr.parse::<T>().map_err(|_| bad())?;
    if let Some(len) = len {
        if !syntax::cidr_length(len, max_len) {
            return Err(bad());
        }
    }
    Ok(value.to_string())
}

/// Untrusted DNS text made safe to show: anything but visible ASCII is escaped (`\n`,
/// `\u{3000}`) and a long term is cut, so no control character reaches a screen or a log.
pub fn shown(raw: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::new();
    for (i, c) in raw.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        match c {
            '!'..='~' => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

impl SpfRecord {
    /// The terms that cost a DNS lookup, with the domain each queries; `current` is the
    /// domain whose record this is (for `a` and `mx` without a domain).
    pub fn lookup_terms(&self, current: &str) -> Vec<LookupTerm> {
        let or_current = |d: &Option<String>| d.clone().unwrap_or_else(|| current.to_string());
        self.terms
            .iter()
            .filter_map(|t| match t {
                Term::Include { domain, .. } => Some(LookupTerm::Include(domain.clone())),
                Term::Redirect { domain } => Some(LookupTerm::Redirect(domain.clone())),
                Term::A { domain, .. } => Some(LookupTerm::A(or_current(domain))),
                Term::Mx { domain, .. } => Some(LookupTerm::Mx(or_current(domain))),
                Term::Ptr { .. } => Some(LookupTerm::Ptr),
                Term::Exists { domain, .. } => Some(LookupTerm::Exists(domain.clone())),
                _ => None,
            })
            .collect()
    }

    /// The `all` mechanism's qualifier, if the record ends in one.
    pub fn all_qualifier(&self) -> Option<Qualifier> {
        self.terms.iter().find_map(|t| match t {
            Term::All { qualifier } => Some(*qualifier),
            _ => None,
        })
    }

    /// True when the record names `domain` in an include (case-insensitive, trailing dot ignored).
    pub fn includes(&self, domain: &str) -> bool {
        let want = domain.trim_end_matches('.');
        self.terms.iter().any(|t| match t {
            Term::Include { domain, .. } | Term::Redirect { domain } => {
                domain.trim_end_matches('.').eq_ignore_ascii_case(want)
            }
            _ => false,
        })
    }
}

/// True when a domain-spec holds macros (`%{i}`), which cannot be expanded without a sender.
pub fn has_macro(domain: &str) -> bool {
    domain.contains('%')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn recognises_spf_records() {
        assert!(is_spf("v=spf1 -all"));
        assert!(is_spf("V=SPF1"));
        assert!(!is_spf("v=spf10 -all"));
        assert!(!is_spf("google-site-verification=abc"));
        assert!(!is_spf("v=spf"));
    }

    #[test]
    fn parses_the_seed_record() {
        let r = parse("v=spf1 include:spf.qiye.aliyun.com -all").unwrap();
        assert_eq!(
            r.terms,
            [
                Term::Include {
                    qualifier: Qualifier::Pass,
                    domain: "spf.qiye.aliyun.com".into()
                },
                Term::All {
                    qualifier: Qualifier::Fail
                }
            ]
        );
        assert!(r.includes("SPF.qiye.aliyun.com."));
        assert_eq!(r.all_qualifier(), Some(Qualifier::Fail));
    }

    #[test]
    fn lists_the_terms_that_cost_a_lookup() {
        let r = parse("v=spf1 a mx:mail.example.com ip4:192.0.2.0/24 ptr exists:%{i}.x.example include:a.example redirect=b.example").unwrap();
        assert_eq!(
            r.lookup_terms("example.com"),
            [
                LookupTerm::A("example.com".into()),
                LookupTerm::Mx("mail.example.com".into()),
                LookupTerm::Ptr,
                LookupTerm::Exists("%{i}.x.example".into()),
                LookupTerm::Include("a.example".into()),
                LookupTerm::Redirect("b.example".into()),
            ]
        );
    }

    #[test]
    fn rejects_what_receivers_reject() {
        let cases = [
            ("v=spf1 include -all", "MissingDomain"),
            ("v=spf1 include: -all", "MissingDomain"),
            ("v=spf1 ip4:300.1.1.1 -all", "BadNetwork"),
            ("v=spf1 ip4:192.0.2.0/33 -all", "BadNetwork"),
            ("v=spf1 ip6:zz::1 -all", "BadNetwork"),
            ("v=spf1 inclde:x.example -all", "UnknownTerm"),
            (
                "v=spf1 redirect=a.example redirect=b.example",
                "DuplicateModifier",
            ),
            ("v=spf1 all:x", "UnknownTerm"),
            ("spf1 -all", "NotSpf"),
            // Terms are visible ASCII separated by spaces (RFC 7208 §12): a line break, a
            // control character or a full-width space (a Chinese keyboard's) stays in the term.
            (
                "v=spf1 include:a.example\ninclude:b.example -all",
                "BadCharacter",
            ),
            ("v=spf1 ip4:192.0.2.1\u{7} -all", "BadCharacter"),
            (
                "v=spf1 include:spf.qiye.aliyun.com\u{3000}-all",
                "BadCharacter",
            ),
            ("v=spf1 include:x -all", "BadDomain"),
            ("v=spf1 include:192.0.2.1 -all", "BadDomain"),
            ("v=spf1 exists:%{z}.example.com -all", "BadDomain"),
            ("v=spf1 exp=x", "BadDomain"),
            ("v=spf1 foo=100% -all", "UnknownTerm"),
            ("v=spf1 a/33 -all", "BadNetwork"),
            ("v=spf1 mx//129 -all", "BadNetwork"),
            ("v=spf1 ip4:192.0.2.0/024 -all", "BadNetwork"),
            ("v=spf1 ptr/24 -all", "UnknownTerm"),
            ("v=spf1 a:/24 -all", "MissingDomain"),
        ];
        for (text, want) in cases {
            let err = parse(text).expect_err(text);
            assert!(format!("{err:?}").starts_with(want), "{text}: {err:?}");
        }
        assert!(parse("v=spf1 a/24 mx:example.com/24 ip6:2001:db8::/32 ~all").is_ok());
        assert!(parse("v=spf1 exp=explain.example -all").is_ok());
        assert!(parse(
            "v=spf1 a:mail.example.com/24//64 mx//64 include:_spf.google.com. \
             exists:%{i}._spf.example.com ptr:example.com ?ip4:192.0.2.0/24 \
             exp=explain.%{d} foo=bar -all"
        )
        .is_ok());
    }

    #[test]
    fn a_record_that_does_not_parse_is_still_read_term_by_term() {
        let r = readable("v=spf1 inclde:x.example include:a.example mx\n-all ip4:192.0.2.1");
        assert_eq!(
            r.lookup_terms("example.com"),
            [LookupTerm::Include("a.example".into())],
            "the readable include is still looked up; the rest is skipped"
        );
        assert_eq!(r.terms.len(), 2);
        assert!(readable("google-site-verification=abc").terms.is_empty());
    }

    #[test]
    fn an_error_shows_the_term_without_its_control_characters() {
        let err = parse("v=spf1 include:a.example\ninclude:b.example\u{1b}[2J -all").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(r"include:a.example\ninclude:b.example\u{1b}[2J"),
            "the term is shown escaped: {text}"
        );
        assert!(
            !text.chars().any(char::is_control),
            "no raw control character may reach a screen: {text:?}"
        );
    }

    proptest! {
        #[test]
        fn parser_never_panics(s in "\\PC{0,200}") {
            let _ = parse(&s);
            let _ = parse(&format!("v=spf1 {s}"));
        }

        #[test]
        fn parser_never_panics_on_spf_like_text(s in "(v=spf1)?( [-+~?]?(all|include|a|mx|ptr|ip4|ip6|exists|redirect|exp)[:=/]?[a-z0-9.%{}:/]{0,12}){0,12}") {
            if let Ok(r) = parse(&s) {
                let _ = r.lookup_terms("example.com");
            }
        }
    }
}

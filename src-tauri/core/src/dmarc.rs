//! DMARC records as receivers read them (RFC 7489): which TXT records count, the policy they
//! ask for, and the organisational domain a receiver falls back to when the mail host has no
//! record of its own. No evaluation of messages: MX Doctor checks configuration.

/// What a receiver is asked to do with mail that fails DMARC (RFC 7489 §6.3, `p` and `sp`),
/// mildest first, so that `max` is the strictest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Disposition {
    /// Only reports: nothing is blocked.
    None,
    /// Treat as suspicious (usually: the spam folder).
    Quarantine,
    /// Refuse the message.
    Reject,
}

impl Disposition {
    /// The tag value, as in the record (`p=reject`).
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::None => "none",
            Disposition::Quarantine => "quarantine",
            Disposition::Reject => "reject",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Disposition::None),
            "quarantine" => Some(Disposition::Quarantine),
            "reject" => Some(Disposition::Reject),
            _ => None,
        }
    }
}

/// The tags of one `v=DMARC1` record that policy discovery needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DmarcRecord {
    /// `p`: the policy for the domain itself; `None` when absent or not one of the three words.
    pub p: Option<Disposition>,
    /// `sp`: the policy for its subdomains; `None` when absent or invalid.
    pub sp: Option<Disposition>,
}

impl DmarcRecord {
    /// The policy a receiver applies: `p` for mail from the record's own domain; for mail from
    /// a subdomain that has no record of its own, `sp`, else `p` (RFC 7489 §6.3, §6.6.3).
    /// `None` when the record names no valid policy (§6.6.3 step 6: then at most `p=none`).
    pub fn policy(&self, for_subdomain: bool) -> Option<Disposition> {
        if for_subdomain {
            self.sp.or(self.p)
        } else {
            self.p
        }
    }

    /// How strict the record is, for choosing which of several to keep: `p` first, then the
    /// policy it gives subdomains. A record without a valid `p` is the mildest of all.
    pub fn strictness(&self) -> (Option<Disposition>, Option<Disposition>) {
        (self.p, self.policy(true))
    }
}

/// Whether a TXT record at `_dmarc` is a DMARC record: its first tag is `v=DMARC1`.
/// RFC 7489 §6.6.3 step 2: records that do not start with that tag are discarded, so other
/// TXT records published at the same name neither count nor conflict. Whitespace around the
/// `=` is allowed (§6.4 ABNF `*WSP`); the case of `DMARC1` is forgiven, as MX Doctor did before.
pub fn is_dmarc(text: &str) -> bool {
    let first = text.split(';').next().unwrap_or_default();
    match first.split_once('=') {
        // The whole value up to `;` or the end: `v=DMARC10` would be another version.
        Some((tag, value)) => tag.trim() == "v" && value.trim().eq_ignore_ascii_case("DMARC1"),
        None => false,
    }
}

/// The policy tags of a DMARC record, or `None` when `text` is not one ([`is_dmarc`]).
/// Untrusted text: anything that does not parse is simply not a valid tag.
pub fn parse(text: &str) -> Option<DmarcRecord> {
    if !is_dmarc(text) {
        return None;
    }
    let mut record = DmarcRecord { p: None, sp: None };
    let mut seen_p = false;
    let mut seen_sp = false;
    for tag in text.split(';').skip(1) {
        let Some((name, value)) = tag.split_once('=') else {
            continue;
        };
        // The first occurrence of a tag counts (a record repeating a tag is malformed; a
        // receiver that reads it at all reads the first).
        match name.trim().to_ascii_lowercase().as_str() {
            "p" if !seen_p => {
                seen_p = true;
                record.p = Disposition::parse(value);
            }
            "sp" if !seen_sp => {
                seen_sp = true;
                record.sp = Disposition::parse(value);
            }
            _ => {}
        }
    }
    Some(record)
}

/// The organisational domain of `name` (RFC 7489 §3.2): the public suffix (from the Public
/// Suffix List, compiled into the `psl` crate, never downloaded at run time) plus one label.
/// A name under a top-level domain the list does not know (`.test`, `.internal`) follows the
/// list's default rule `*`, so its last two labels. A name that is itself a public suffix, or
/// that the list cannot read, is its own organisational domain.
pub fn organisational_domain(name: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    psl::domain_str(&name).map(str::to_string).unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Receivers fall back to the organisational domain; a wrong one sends them (and us) to the
    /// wrong `_dmarc` name.
    #[test]
    fn organisational_domains_from_the_public_suffix_list() {
        for (name, org) in [
            ("example.com", "example.com"),
            ("mail.example.com", "example.com"),
            ("a.b.example.com", "example.com"),
            ("example.co.uk", "example.co.uk"),
            ("mail.example.co.uk", "example.co.uk"),
            ("shop.example.com.cn", "example.com.cn"),
            // IDN top-level domain (中国), as the snapshot holds it: ASCII.
            ("mail.xn--fiqs8s.xn--fiqs8s", "xn--fiqs8s.xn--fiqs8s"),
            // The private section counts too: each github.io site is its own organisation.
            ("docs.someone.github.io", "someone.github.io"),
            // Unknown top-level domains (our loopback scenarios): the last two labels.
            ("sub.orgdmarc.test", "orgdmarc.test"),
            ("orgdmarc.test", "orgdmarc.test"),
            ("x.y.lab.internal", "lab.internal"),
            ("Mail.Example.COM.", "example.com"),
            // A public suffix itself, or a lone label: its own organisational domain.
            ("co.uk", "co.uk"),
            ("localhost", "localhost"),
        ] {
            assert_eq!(
                organisational_domain(name),
                org,
                "{name}: receivers look for the policy at _dmarc.{org}"
            );
        }
    }

    #[test]
    fn only_records_that_start_with_the_version_tag_count() {
        for (text, dmarc) in [
            ("v=DMARC1; p=reject", true),
            ("v=DMARC1", true),
            ("  v = DMARC1 ;p=none", true),
            ("v=dmarc1; p=none", true),
            ("p=reject; v=DMARC1", false),
            ("v=DMARC10; p=reject", false),
            ("v=spf1 -all", false),
            ("google-site-verification=abc", false),
            ("", false),
            ("v=", false),
            ("v=DMARC1\u{0}; p=reject", false),
        ] {
            assert_eq!(is_dmarc(text), dmarc, "{text:?}");
        }
    }

    #[test]
    fn policy_for_the_domain_and_for_its_subdomains() {
        let r = parse("v=DMARC1; p=reject; sp=none; rua=mailto:d@example.com").unwrap();
        assert_eq!(r.policy(false), Some(Disposition::Reject));
        assert_eq!(
            r.policy(true),
            Some(Disposition::None),
            "sp= applies to a subdomain that has no record of its own"
        );
        let r = parse("v=DMARC1; p=Quarantine").unwrap();
        assert_eq!(
            r.policy(true),
            Some(Disposition::Quarantine),
            "without sp=, p= applies to subdomains too"
        );
        let r = parse("v=DMARC1; p=rejet; p=reject").unwrap();
        assert_eq!(
            r.p, None,
            "a misspelt policy is no policy; the first p= counts"
        );
        assert!(parse("v=spf1 -all").is_none());
        assert!(
            parse("v=DMARC1; p=reject").unwrap().strictness()
                > parse("v=DMARC1; p=reject; sp=none").unwrap().strictness()
        );
        assert!(
            parse("v=DMARC1; p=none").unwrap().strictness()
                > parse("v=DMARC1; p=nothing").unwrap().strictness()
        );
    }
}

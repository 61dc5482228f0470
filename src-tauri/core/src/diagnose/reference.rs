//! The published rule each finding rests on, as a user can follow it: one RFC section and its
//! address at the RFC Editor. A finding's `reference` is shown beside its code (the window's
//! technical line, the CLI), so it names nothing a user cannot open: no design notes, no
//! internal cases. Each code has one reference, so a report saved by an older version is
//! given the same one when it is read again.

use super::Code;

/// An RFC section and the address of that section at the RFC Editor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    /// As shown: `RFC 2181 §10.1`.
    pub text: &'static str,
    /// `https://www.rfc-editor.org/rfc/rfc2181#section-10.1`.
    pub url: &'static str,
}

macro_rules! rfc {
    ($rfc:literal, $section:literal) => {
        Reference {
            text: concat!("RFC ", $rfc, " §", $section),
            url: concat!(
                "https://www.rfc-editor.org/rfc/rfc",
                $rfc,
                "#section-",
                $section
            ),
        }
    };
}

impl Code {
    /// The RFC section the rule behind this code rests on.
    pub fn reference(self) -> Reference {
        match self {
            // A CNAME owner can hold no other data: the MX beside it is not served.
            Code::CnameAtMailHost => rfc!("2181", "10.1"),
            // Where mail for a domain is delivered: its MX records.
            Code::MxMissing
            | Code::MxForeign
            | Code::MxProviderIncomplete
            | Code::MxTargetUnresolvable => rfc!("5321", "5.1"),
            // An MX exchange must not be an alias.
            Code::MxTargetCname => rfc!("2181", "10.3"),
            // The exchange is a domain name, not an address.
            Code::MxTargetIpLiteral => rfc!("1035", "3.3.9"),
            // A name without its final dot is relative to the zone (master file format).
            Code::MxZoneAppended => rfc!("1035", "5.1"),
            Code::MxNull => rfc!("7505", "3"),
            Code::SpfMissing => rfc!("7208", "3"),
            Code::SpfMultiple => rfc!("7208", "4.5"),
            Code::SpfProviderMissing | Code::SpfIncludeLoop | Code::SpfBrokenInclude => {
                rfc!("7208", "5.2")
            }
            Code::SpfTooManyLookups | Code::SpfTooManyVoidLookups => rfc!("7208", "4.6.4"),
            Code::SpfSyntax => rfc!("7208", "4.6"),
            Code::SpfPermissive => rfc!("7208", "4.6.2"),
            Code::DmarcMissing => rfc!("7489", "6.1"),
            Code::DmarcMultiple | Code::DmarcInherited => rfc!("7489", "6.6.3"),
            Code::DkimNotFound => rfc!("6376", "3.6.2.1"),
            // NXDOMAIN means nothing exists at or below the name.
            Code::DomainNotFound | Code::ResolverUnreliable => rfc!("8020", "2"),
            // Secondaries copy the zone by serial; a lagging one serves an older copy.
            Code::NsInconsistent => rfc!("1034", "4.3.5"),
            // The TTL: how long a resolver may keep an answer.
            Code::TtlHigh | Code::ResolverStale => rfc!("1035", "3.2.1"),
            // A failed lookup is not an answer (resolution failures, RFC 2308 §7).
            Code::LookupFailed => rfc!("2308", "7"),
        }
    }
}

/// Every address a finding's reference can link to: the window opens these and no others.
pub fn reference_urls() -> impl Iterator<Item = &'static str> {
    ALL.iter().map(|c| c.reference().url)
}

/// Every code, for the link allow-list and the tests.
pub(crate) const ALL: [Code; 28] = [
    Code::CnameAtMailHost,
    Code::MxMissing,
    Code::MxForeign,
    Code::MxProviderIncomplete,
    Code::MxTargetCname,
    Code::MxTargetUnresolvable,
    Code::MxTargetIpLiteral,
    Code::MxNull,
    Code::SpfMissing,
    Code::SpfMultiple,
    Code::SpfProviderMissing,
    Code::SpfTooManyLookups,
    Code::SpfTooManyVoidLookups,
    Code::SpfIncludeLoop,
    Code::SpfBrokenInclude,
    Code::SpfSyntax,
    Code::SpfPermissive,
    Code::DmarcMissing,
    Code::DkimNotFound,
    Code::DomainNotFound,
    Code::NsInconsistent,
    Code::TtlHigh,
    Code::LookupFailed,
    Code::ResolverStale,
    Code::MxZoneAppended,
    Code::DmarcMultiple,
    Code::DmarcInherited,
    Code::ResolverUnreliable,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 15: a reference is something a user can follow. Our design notes and internal
    /// cases mean nothing outside this repository.
    #[test]
    fn every_reference_is_an_rfc_section_with_its_link_and_names_nothing_internal() {
        for code in ALL {
            let r = code.reference();
            for word in ["seed", "DESIGN", "issue"] {
                assert!(
                    !r.text.to_lowercase().contains(&word.to_lowercase()),
                    "{code:?}'s reference {} names {word}",
                    r.text
                );
            }
            assert!(
                r.url.starts_with("https://www.rfc-editor.org/rfc/rfc"),
                "{code:?} links to the RFC Editor: {}",
                r.url
            );
            // The link goes to the section the text names.
            let (rfc, section) = r
                .text
                .strip_prefix("RFC ")
                .and_then(|t| t.split_once(" §"))
                .expect("RFC NNNN §X");
            assert_eq!(
                r.url,
                format!("https://www.rfc-editor.org/rfc/rfc{rfc}#section-{section}"),
                "{code:?}"
            );
        }
    }

    #[test]
    fn the_list_of_codes_is_every_code_the_catalog_words() {
        // The catalog's other keys are wordings of these codes (`CODE.variant`).
        let worded = crate::words::catalog(crate::words::Locale::En)
            .codes
            .keys()
            .filter(|k| !k.contains('.'))
            .count();
        assert_eq!(ALL.len(), worded, "every worded code has a reference");
        for code in ALL {
            assert!(
                crate::words::catalog(crate::words::Locale::En)
                    .codes
                    .contains_key(&code.as_str()),
                "{code:?}"
            );
        }
    }
}

//! DMARC and DKIM: not needed to receive mail, but checked because senders judge the domain
//! by them. Both are at most `warning`; DKIM selectors cannot be listed, so it is `info`.

use super::{lookup_failed, Action, Code, Ctx, Finding, Severity};
use crate::dns::{RType, RecordData};

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(dmarc(ctx));
    findings.extend(dkim(ctx));
    findings
}

/// No `v=DMARC1` record at `_dmarc` (RFC 7489 §6.1).
fn dmarc(ctx: &Ctx) -> Option<Finding> {
    let name = format!("_dmarc.{}", ctx.domain);
    let outcome = ctx.snap.recursive(&name, RType::TXT)?;
    if outcome.status.is_failure() {
        return Some(lookup_failed(
            &name,
            RType::TXT,
            outcome,
            Severity::Info,
            "dmarc",
        ));
    }
    let present = outcome.final_records(&name, RType::TXT).iter().any(|r| {
        matches!(&r.data, RecordData::TXT { text } if text.trim_start().to_ascii_lowercase().starts_with("v=dmarc1"))
    });
    (!present).then(|| {
        Finding::new(Code::DmarcMissing, Severity::Info, &name, "RFC 7489 §6.1").fix([ctx.new_row(
            Action::Add,
            &name,
            "TXT",
            None,
            "v=DMARC1; p=none",
        )])
    })
}

/// No key at any of the provider's usual selectors (RFC 6376 §3.6.2.1).
fn dkim(ctx: &Ctx) -> Option<Finding> {
    let provider = ctx.provider?;
    let names: Vec<String> = provider
        .dkim_selectors
        .iter()
        .map(|s| format!("{s}._domainkey.{}", ctx.domain))
        .collect();
    let first = names.first()?;
    let mut failed = None;
    for name in &names {
        match ctx.snap.recursive(name, RType::TXT) {
            Some(o) if o.status.is_failure() => failed = Some((name, o)),
            Some(o) if !o.final_records(name, RType::TXT).is_empty() => return None,
            Some(_) => {}
            None => return None,
        }
    }
    if let Some((name, outcome)) = failed {
        return Some(lookup_failed(
            name,
            RType::TXT,
            outcome,
            Severity::Info,
            "dkim",
        ));
    }
    Some(
        Finding::new(
            Code::DkimNotFound,
            Severity::Info,
            first,
            "RFC 6376 §3.6.2.1",
        )
        .param("selectors", provider.dkim_selectors.join(", "))
        .param("provider", provider.name.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::dns::{RType, Status};

    #[test]
    fn dmarc_present_missing_and_unverifiable() {
        assert!(!has(
            &check(&world().alibaba_healthy().build()),
            Code::DmarcMissing
        ));
        let missing = check(
            &world()
                .alibaba_healthy()
                .auth_txt("_dmarc.example.com", &[])
                .build(),
        );
        let f = only(&missing, Code::DmarcMissing);
        assert_eq!(f.severity, Severity::Info);
        assert_eq!(row_text(&f.fix[0]), "add _dmarc TXT - v=DMARC1; p=none");
        let failed = check(
            &world()
                .alibaba_healthy()
                .rec(
                    "_dmarc.example.com",
                    RType::TXT,
                    fixtures::failed(Status::Timeout),
                )
                .build(),
        );
        assert!(!has(&failed, Code::DmarcMissing));
        assert_eq!(only(&failed, Code::LookupFailed).host, "_dmarc.example.com");
    }

    #[test]
    fn dkim_at_the_providers_selector() {
        let key = "v=DKIM1; k=rsa; p=MIGf";
        let none = check(
            &world()
                .alibaba_healthy()
                .auth_txt("default._domainkey.example.com", &[])
                .build(),
        );
        assert_eq!(only(&none, Code::DkimNotFound).severity, Severity::Info);
        let found = check(
            &world()
                .alibaba_healthy()
                .auth_txt("default._domainkey.example.com", &[key])
                .build(),
        );
        assert!(!has(&found, Code::DkimNotFound));
        let unknown_provider = diagnose(
            &world()
                .auth_txt("default._domainkey.example.com", &[])
                .build(),
            detect(),
        );
        assert!(
            !has(&unknown_provider, Code::DkimNotFound),
            "no provider, no selector to look for"
        );
    }
}

//! DMARC and DKIM: not needed to receive mail, but checked because senders judge the domain
//! by them. Both are at most `warning`; DKIM selectors cannot be listed, so it is `info`.

use std::cmp::Reverse;

use super::{lookup_failed, Action, Code, Ctx, Finding, FixRow, Severity};
use crate::diagnose::Variant;
use crate::dmarc::{self, Disposition, DmarcRecord};
use crate::dns::{DnsRecord, Outcome, RType, RecordData, Status};

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(dmarc(ctx));
    findings.extend(dkim(ctx));
    findings
}

/// DMARC policy discovery as a receiver does it (RFC 7489 §6.6.3): the mail host's `_dmarc`;
/// if it holds no DMARC record, the organisational domain's, whose `sp=` (else `p=`) then
/// applies to the mail host. Only records that start with `v=DMARC1` count.
///
/// A fix never weakens a policy in force: `p=none` is proposed only where no policy applies
/// at all; an inherited policy is reported as such ([`Code::DmarcInherited`]), never as missing.
/// `LOOKUP_FAILED` for a DMARC question the snapshot does not hold (an older or edited file).
fn not_asked(ctx: &Ctx, name: &str) -> Finding {
    let outcome = Outcome::failed(Status::Error, "this question was not asked");
    lookup_failed(name, RType::TXT, &outcome, Severity::Info, "dmarc")
        .param("asked_of", ctx.snap.resolvers.join(", "))
        .worded(Variant::NotAsked, true)
}

fn dmarc(ctx: &Ctx) -> Option<Finding> {
    let own = format!("_dmarc.{}", ctx.domain);
    let Some(outcome) = ctx.snap.recursive(&own, RType::TXT) else {
        return Some(not_asked(ctx, &own));
    };
    if outcome.status.is_failure() {
        return Some(lookup_failed(
            &own,
            RType::TXT,
            outcome,
            Severity::Info,
            "dmarc",
        ));
    }
    let records = dmarc_records(outcome, &own);
    match records.len() {
        0 => {}
        1 => return None,
        _ => return Some(multiple(ctx, &own, records)),
    }
    let org = dmarc::organisational_domain(ctx.domain);
    if org == ctx.domain {
        return Some(missing(ctx, &own));
    }
    let org_name = format!("_dmarc.{org}");
    // A snapshot taken before MX Doctor asked the organisational domain: whether a policy is in
    // force there is unknown, so nothing is called missing and no record is proposed (it could
    // weaken the policy that applies); the question not asked is said, never a silent pass.
    let Some(org_outcome) = ctx.snap.recursive(&org_name, RType::TXT) else {
        return Some(not_asked(ctx, &org_name).param("mail_host", ctx.domain));
    };
    if org_outcome.status.is_failure() {
        return Some(
            lookup_failed(&org_name, RType::TXT, org_outcome, Severity::Info, "dmarc")
                .param("mail_host", ctx.domain),
        );
    }
    let mut org_records = dmarc_records(org_outcome, &org_name);
    Some(match org_records.len() {
        0 => missing(ctx, &own).param("organisational_domain", org),
        1 => {
            let (record, parsed) = org_records.remove(0);
            // No valid policy tag: at most `p=none` is applied (§6.6.3 step 6).
            let policy = parsed.policy(true).unwrap_or(Disposition::None);
            Finding::new(Code::DmarcInherited, Severity::Info, &org_name)
                .records([record])
                .param("mail_host", ctx.domain)
                .param("organisational_domain", org)
                .param("policy", policy.as_str())
        }
        _ => multiple(ctx, &org_name, org_records).param("mail_host", ctx.domain),
    })
}

/// The DMARC records at `name` (after any alias), each with its tags; other TXT records there
/// are ignored, as receivers ignore them (RFC 7489 §6.6.3 step 2).
fn dmarc_records(outcome: &Outcome, name: &str) -> Vec<(DnsRecord, DmarcRecord)> {
    outcome
        .final_records(name, RType::TXT)
        .into_iter()
        .filter_map(|r| match &r.data {
            RecordData::TXT { text } => dmarc::parse(text).map(|parsed| (r.clone(), parsed)),
            _ => None,
        })
        .collect()
}

/// No DMARC record where receivers look (RFC 7489 §6.1): the proposal only asks for reports,
/// and blocks nothing.
fn missing(ctx: &Ctx, own: &str) -> Finding {
    Finding::new(Code::DmarcMissing, Severity::Info, own).fix([ctx.new_row(
        Action::Add,
        own,
        RType::TXT,
        None,
        "v=DMARC1; p=none",
    )])
}

/// More than one DMARC record at the name receivers take the policy from: policy discovery
/// ends there and no DMARC policy is applied at all (RFC 7489 §6.6.3 step 5), whatever the
/// records say. The fix keeps the strictest record and deletes the others, so following it
/// never leaves a weaker policy than one of the records asked for.
///
/// `warning`, not `error`: DMARC does not decide whether the domain receives mail, and an
/// `error` would tell the user (and the check's status) that mail to them is broken. Not
/// `info` either: the owner published a policy that receivers silently ignore (forged mail in
/// the domain's name is not stopped, and services that require DMARC of senders see none), so
/// the check must not say `ok`.
fn multiple(ctx: &Ctx, name: &str, records: Vec<(DnsRecord, DmarcRecord)>) -> Finding {
    let keep = records
        .iter()
        .enumerate()
        .max_by_key(|(i, (_, parsed))| (parsed.strictness(), Reverse(*i)))
        .map(|(i, _)| i)
        .unwrap_or_default();
    let rows: Vec<FixRow> = records
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != keep)
        .filter_map(|(_, (record, _))| ctx.row(Action::Delete, name, record))
        .collect();
    let kept = records
        .get(keep)
        .map(|(record, _)| record.value())
        .unwrap_or_default();
    Finding::new(Code::DmarcMultiple, Severity::Warning, name)
        .param("count", records.len().to_string())
        .param("kept", kept)
        .records(records.into_iter().map(|(record, _)| record))
        .fix(rows)
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
        Finding::new(Code::DkimNotFound, Severity::Info, first)
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
        assert_eq!(
            only(&failed, Code::LookupFailed).severity,
            Severity::Warning,
            "a question nobody answered keeps the check from saying ok, even for DMARC"
        );
    }

    const ORG_DMARC: &str = "_dmarc.example.com";

    /// No finding that would make the check say anything but `ok`, and no row to change.
    fn healthy(d: &Diagnosis, why: &str) {
        assert!(
            d.findings.iter().all(|f| f.severity == Severity::Info),
            "{why}: {:?}",
            codes(d)
        );
        assert!(
            d.findings.iter().all(|f| f.fix.is_empty()),
            "{why}: no row to change, got {:?}",
            d.findings
                .iter()
                .flat_map(|f| f.fix.iter().map(row_text))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_subdomain_inherits_the_organisational_domains_reject() {
        let d = check(
            &sub_world()
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![txt(
                        ORG_DMARC,
                        "v=DMARC1; p=reject; rua=mailto:d@example.com",
                    )]),
                )
                .build(),
        );
        assert_eq!(
            codes(&d),
            [Code::DmarcInherited],
            "sub.example.com is protected by example.com's policy: nothing missing"
        );
        let f = only(&d, Code::DmarcInherited);
        assert_eq!(f.host, ORG_DMARC, "the record that applies");
        assert_eq!(f.params["policy"], "reject");
        assert_eq!(f.params["organisational_domain"], "example.com");
        assert_eq!(f.params["mail_host"], SUB);
        assert_eq!(f.records.len(), 1, "the inherited record is the evidence");
        healthy(
            &d,
            "a p=none row for _dmarc.sub would weaken the reject in force",
        );
    }

    #[test]
    fn an_inherited_sp_applies_to_the_subdomain() {
        let d = check(
            &sub_world()
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![txt(ORG_DMARC, "v=DMARC1; p=reject; sp=none")]),
                )
                .build(),
        );
        let f = only(&d, Code::DmarcInherited);
        assert_eq!(
            f.params["policy"], "none",
            "sp= is the policy receivers apply to a subdomain without a record of its own"
        );
        assert!(
            !has(&d, Code::DmarcMissing),
            "a policy is in force: {:?}",
            codes(&d)
        );
        healthy(&d, "an inherited p=none is in force, not missing");
    }

    #[test]
    fn a_subdomain_with_its_own_record_uses_it() {
        let d = check(
            &sub_world()
                .rec(
                    "_dmarc.sub.example.com",
                    RType::TXT,
                    answer(vec![txt(
                        "_dmarc.sub.example.com",
                        "v=DMARC1; p=quarantine",
                    )]),
                )
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![txt(ORG_DMARC, "v=DMARC1; p=reject")]),
                )
                .build(),
        );
        assert_eq!(
            codes(&d),
            [],
            "the mail host's own record applies; nothing inherited"
        );
    }

    #[test]
    fn two_dmarc_records_mean_none_applies() {
        let records = [
            "v=DMARC1; p=none",
            "v=DMARC1; p=reject; rua=mailto:d@example.com",
            "google-site-verification=abc",
        ];
        let d = check(
            &world()
                .alibaba_healthy()
                .auth_txt(ORG_DMARC, &records)
                .build(),
        );
        let f = only(&d, Code::DmarcMultiple);
        assert_eq!(
            f.severity,
            Severity::Warning,
            "receivers apply no policy: the check must not say ok, but mail still arrives"
        );
        assert_eq!(f.host, ORG_DMARC);
        assert_eq!(
            f.params["count"], "2",
            "the verification record does not count"
        );
        assert_eq!(
            f.records.iter().map(|r| r.value()).collect::<Vec<_>>(),
            &records[..2],
            "the DMARC records are the evidence, nothing else"
        );
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete _dmarc TXT - v=DMARC1; p=none"],
            "keep the strictest, delete the other"
        );
        assert_eq!(f.params["kept"], records[1]);
        assert!(!has(&d, Code::DmarcMissing), "{:?}", codes(&d));
        let plan = crate::repair::plan(&d, &world().build());
        assert!(
            plan.steps.iter().any(|s| s.rows == f.fix),
            "the delete row is in the plan: {plan:?}"
        );

        let one = check(
            &world()
                .alibaba_healthy()
                .auth_txt(
                    ORG_DMARC,
                    &["v=DMARC1; p=none", "google-site-verification=abc"],
                )
                .build(),
        );
        assert_eq!(
            codes(&one),
            [],
            "one DMARC record beside another TXT record is fine"
        );
    }

    #[test]
    fn two_records_where_the_subdomain_looks() {
        let own = "_dmarc.sub.example.com";
        let at_sub = check(
            &sub_world()
                .rec(
                    own,
                    RType::TXT,
                    answer(vec![
                        txt(own, "v=DMARC1; p=reject"),
                        txt(own, "v=DMARC1; p=quarantine"),
                    ]),
                )
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![txt(ORG_DMARC, "v=DMARC1; p=reject")]),
                )
                .build(),
        );
        let f = only(&at_sub, Code::DmarcMultiple);
        assert_eq!(
            f.host, own,
            "discovery stops at the mail host's two records"
        );
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete _dmarc.sub TXT - v=DMARC1; p=quarantine"]
        );
        assert!(!has(&at_sub, Code::DmarcInherited), "{:?}", codes(&at_sub));

        let at_org = check(
            &sub_world()
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![
                        txt(ORG_DMARC, "v=DMARC1; p=quarantine"),
                        txt(ORG_DMARC, "v=DMARC1; p=quarantine; sp=reject"),
                    ]),
                )
                .build(),
        );
        let f = only(&at_org, Code::DmarcMultiple);
        assert_eq!(f.host, ORG_DMARC, "the organisational domain's two records");
        assert_eq!(f.params["mail_host"], SUB);
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete _dmarc TXT - v=DMARC1; p=quarantine"],
            "the one that also rejects for subdomains is the strictest"
        );
        assert!(
            !has(&at_org, Code::DmarcMissing) && !has(&at_org, Code::DmarcInherited),
            "{:?}",
            codes(&at_org)
        );
    }

    #[test]
    fn a_failed_organisational_lookup_is_never_missing() {
        for status in [Status::Timeout, Status::ServFail, Status::Refused] {
            let d = check(
                &sub_world()
                    .rec(ORG_DMARC, RType::TXT, fixtures::failed(status))
                    .build(),
            );
            let f = only(&d, Code::LookupFailed);
            assert_eq!(f.host, ORG_DMARC, "{status:?}");
            assert_eq!(f.params["purpose"], "dmarc");
            assert!(
                !has(&d, Code::DmarcMissing) && !has(&d, Code::DmarcInherited),
                "{status:?}: the policy in force is unknown, not missing: {:?}",
                codes(&d)
            );
            assert!(
                d.findings.iter().all(|f| f.fix.is_empty()),
                "{status:?}: no p=none row that might weaken an unseen policy"
            );
        }
    }

    #[test]
    fn no_policy_anywhere_proposes_one_at_the_mail_host() {
        let d = check(&sub_world().build());
        let f = only(&d, Code::DmarcMissing);
        assert_eq!(f.host, "_dmarc.sub.example.com");
        assert_eq!(
            f.params["organisational_domain"], "example.com",
            "looked there too"
        );
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["add _dmarc.sub TXT - v=DMARC1; p=none"],
            "nothing in force: the proposal only asks for reports"
        );
        let not_dmarc = check(
            &sub_world()
                .rec(
                    ORG_DMARC,
                    RType::TXT,
                    answer(vec![txt(ORG_DMARC, "v=spf1 -all")]),
                )
                .build(),
        );
        assert!(
            has(&not_dmarc, Code::DmarcMissing),
            "a TXT record that is not DMARC is no policy"
        );
    }

    #[test]
    fn a_snapshot_without_the_organisational_question_claims_nothing() {
        let old = sub_world()
            .with(|s| s.recursive.retain(|o| o.name != ORG_DMARC))
            .build();
        let d = check(&old);
        assert!(
            !has(&d, Code::DmarcMissing) && !has(&d, Code::DmarcInherited),
            "unknown is not missing: {:?}",
            codes(&d)
        );
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

//! MX rules: missing, null, foreign, incomplete, and exchanges that are aliases, IP addresses,
//! names with the zone appended or nothing at all.
//!
//! Every row is judged once, for the real reason (DESIGN.md "Name the real fault"): an
//! exchange is foreign only if, after following its aliases and taking off a zone the panel
//! appended, it is not the provider's; a row with a fault is reported for that fault, also
//! when the plan deletes it. One row, one reason, one fix.

use super::{lookup_failed, Action, Code, Ctx, Finding, Severity};
use crate::dns::{DnsRecord, RType, RecordData};
use crate::providers::{self, MxEntry};

mod exchange;

use crate::diagnose::Variant;
use exchange::{judge, Fault};

/// `hidden_by_cname`: an alias sits at the mail host, so servers may hide the MX behind it;
/// the CNAME finding covers that, and "missing" would be wrong.
pub(crate) fn check(ctx: &Ctx, hidden_by_cname: bool) -> Vec<Finding> {
    let Some(outcome) = ctx.published(RType::MX) else {
        return Vec::new();
    };
    if outcome.status.is_failure() {
        return vec![lookup_failed(
            ctx.domain,
            RType::MX,
            &outcome,
            Severity::Warning,
            "mx",
        )];
    }
    let records: Vec<DnsRecord> = outcome.of(ctx.domain, RType::MX).cloned().collect();
    if records.is_empty() {
        if hidden_by_cname {
            return Vec::new();
        }
        return vec![Finding::new(Code::MxMissing, Severity::Error, ctx.domain)
            .fix(ctx.provider_mx_rows())
            .param("provider", provider_name(ctx))
            .worded(Variant::NoProvider, ctx.provider.is_none())];
    }
    if let Some(null) = null_mx(ctx, &records) {
        return vec![null];
    }
    let mut findings = foreign(ctx, &records);
    findings.extend(incomplete(ctx, &records));
    findings.extend(targets(ctx, &records));
    findings
}

/// True when `exchange` is one of the chosen provider's mail servers.
fn ours(ctx: &Ctx, exchange: &str) -> bool {
    ctx.provider.is_some_and(|p| {
        p.owns(exchange) || p.expected_mx(ctx.domain).iter().any(|e| e.host == exchange)
    })
}

/// The catalogued provider whose server `exchange` is: id and name, empty when unknown.
fn owner(exchange: &str) -> (String, String) {
    providers::recognise(exchange)
        .map(|p| (p.id.clone(), p.name.clone()))
        .unwrap_or_default()
}

fn provider_name(ctx: &Ctx) -> String {
    ctx.provider.map(|p| p.name.clone()).unwrap_or_default()
}

fn mx_parts(record: &DnsRecord) -> Option<(u16, &str)> {
    match &record.data {
        RecordData::MX {
            preference,
            exchange,
        } => Some((*preference, exchange.as_str())),
        _ => None,
    }
}

/// A null MX (`0 .`, RFC 7505 §3) says the domain accepts no mail at all.
fn null_mx(ctx: &Ctx, records: &[DnsRecord]) -> Option<Finding> {
    let null: Vec<DnsRecord> = records
        .iter()
        .filter(|r| mx_parts(r).is_some_and(|(_, x)| x == "."))
        .cloned()
        .collect();
    if null.is_empty() {
        return None;
    }
    let mut fix: Vec<_> = null
        .iter()
        .filter_map(|r| ctx.row(Action::Delete, ctx.domain, r))
        .collect();
    fix.extend(ctx.provider_mx_rows());
    Some(
        Finding::new(Code::MxNull, Severity::Error, ctx.domain)
            .records(null)
            .fix(fix),
    )
}

/// MX records of another provider (seed 001 §2.1): some senders deliver there instead.
/// One finding per owner, so the message can say whose they are.
fn foreign(ctx: &Ctx, records: &[DnsRecord]) -> Vec<Finding> {
    let Some(provider) = ctx.provider else {
        return Vec::new();
    };
    let mut groups: Vec<(String, String, Vec<DnsRecord>)> = Vec::new();
    for x in records.iter().filter_map(|r| judge(ctx, r)) {
        // A row with a fault of its own is reported for that fault (`targets`), once. A row
        // whose address could not be looked up is still another provider's by its name.
        if x.belongs(ctx) || !matches!(x.fault, None | Some(Fault::Unverified { .. })) {
            continue;
        }
        let (owner_id, owner_name) = owner(x.exchange);
        match groups.iter_mut().find(|g| g.0 == owner_id) {
            Some(g) => g.2.push(x.record.clone()),
            None => groups.push((owner_id, owner_name, vec![x.record.clone()])),
        }
    }
    groups
        .into_iter()
        .map(|(owner_id, owner_name, found)| {
            let fix: Vec<_> = found
                .iter()
                .filter_map(|r| ctx.row(Action::Delete, ctx.domain, r))
                .collect();
            Finding::new(Code::MxForeign, Severity::Error, ctx.domain)
                .param("count", found.len().to_string())
                .worded(Variant::UnknownOwner, owner_id.is_empty())
                .param("owner", owner_id)
                .param("owner_name", owner_name)
                .param("provider", provider.name.clone())
                .records(found)
                .fix(fix)
        })
        .collect()
}

/// The provider's MX records that are missing or have the wrong priority, judged against the
/// accepted set that matches best.
fn incomplete(ctx: &Ctx, records: &[DnsRecord]) -> Option<Finding> {
    let provider = ctx.provider?;
    // A row meant as one of the provider's servers (zone appended, an alias of it) counts as
    // present: its own finding corrects the value, so adding the server again would double it.
    let judged: Vec<(u16, String)> = records
        .iter()
        .filter_map(|r| judge(ctx, r))
        .map(|x| (x.priority, x.intended))
        .collect();
    let present: Vec<(u16, &str)> = judged.iter().map(|(p, x)| (*p, x.as_str())).collect();
    let score = |set: &Vec<MxEntry>| {
        set.iter()
            .filter(|e| present.iter().any(|(_, x)| *x == e.host))
            .count()
    };
    let sets = provider.accepted_sets(ctx.domain);
    let complete = |set: &Vec<MxEntry>| {
        set.iter().all(|e| {
            present
                .iter()
                .any(|(p, x)| *x == e.host && *p == e.priority)
        })
    };
    if sets.iter().any(complete) {
        return None;
    }
    let best = sets.iter().max_by_key(|s| score(s))?;
    let mut fix = Vec::new();
    for entry in best {
        match present.iter().find(|(_, x)| *x == entry.host) {
            Some((p, _)) if *p != entry.priority => {
                let mut row =
                    ctx.new_row(Action::Change, ctx.domain, RType::MX, Some(*p), &entry.host);
                row.new_value = Some(entry.host.clone());
                row.new_priority = Some(entry.priority);
                fix.push(row);
            }
            Some(_) => {}
            None => fix.push(ctx.new_row(
                Action::Add,
                ctx.domain,
                RType::MX,
                Some(entry.priority),
                &entry.host,
            )),
        }
    }
    let any_ours = present.iter().any(|(_, x)| provider.owns(x));
    let severity = if any_ours {
        Severity::Warning
    } else {
        Severity::Error
    };
    Some(
        Finding::new(Code::MxProviderIncomplete, severity, ctx.domain)
            .records(
                records
                    .iter()
                    .filter(|r| mx_parts(r).is_some_and(|(_, x)| provider.owns(x)))
                    .cloned(),
            )
            .fix(fix)
            .param("provider", provider.name.clone())
            .param("any_present", any_ours.to_string())
            .worded(Variant::NonePresent, !any_ours),
    )
}

/// Names the fault of every row, kept or deleted: IP literal, zone appended, alias, no address,
/// or unverifiable. A row that stays is corrected; a row that is not the provider's (after
/// following what it was meant to be) is deleted, for the reason named.
fn targets(ctx: &Ctx, records: &[DnsRecord]) -> Vec<Finding> {
    records
        .iter()
        .filter_map(|r| judge(ctx, r))
        .filter_map(|x| exchange::finding(ctx, x))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::dns::{RType, Status};

    #[test]
    fn healthy_alibaba_domain_has_no_mx_findings() {
        let d = check(&world().alibaba_healthy().build());
        assert!(
            d.findings.iter().all(|f| f.severity == Severity::Info),
            "{:?}",
            codes(&d)
        );
    }

    #[test]
    fn missing_mx_is_an_error_with_the_rows_to_add() {
        let d = check(&world().build());
        let f = only(&d, Code::MxMissing);
        let rows: Vec<String> = f.fix.iter().map(row_text).collect();
        assert_eq!(
            rows,
            [
                "add @ MX 5 mx1.qiye.aliyun.com",
                "add @ MX 10 mx2.qiye.aliyun.com",
                "add @ MX 15 mx3.qiye.aliyun.com"
            ]
        );
    }

    #[test]
    fn a_timed_out_mx_lookup_is_not_missing() {
        let d = check(
            &world()
                .auth("example.com", RType::MX, failed(Status::Timeout))
                .build(),
        );
        assert!(!has(&d, Code::MxMissing));
        let f = d
            .findings
            .iter()
            .find(|f| f.code == Code::LookupFailed && f.params["purpose"] == "mx")
            .expect("the MX question is reported as unverified");
        assert_eq!(f.params["status"], "timeout");
        assert_eq!(
            f.severity,
            Severity::Warning,
            "an unverified MX is never a pass"
        );
    }

    #[test]
    fn null_mx_is_an_error() {
        let d = check(&world().auth_mx("example.com", &[(0, ".")]).build());
        let f = only(&d, Code::MxNull);
        assert_eq!(row_text(&f.fix[0]), "delete @ MX 0 .");
        assert!(
            !has(&d, Code::MxTargetUnresolvable),
            "the root is not a host to resolve"
        );
    }

    #[test]
    fn stray_google_mx_is_named_and_deleted() {
        let mut entries = ALIBABA.to_vec();
        entries.extend([
            (1, "aspmx.l.google.com"),
            (5, "alt1.aspmx.l.google.com"),
            (20, "mail.example.com"),
        ]);
        let d = check(&world().auth_mx("example.com", &entries).build());
        let foreign: Vec<&Finding> = d
            .findings
            .iter()
            .filter(|f| f.code == Code::MxForeign)
            .collect();
        assert_eq!(
            foreign.len(),
            2,
            "one group for Google, one for the unknown server"
        );
        assert_eq!(foreign[0].params["owner"], "google-workspace");
        assert_eq!(foreign[0].params["count"], "2");
        assert_eq!(
            row_text(&foreign[0].fix[0]),
            "delete @ MX 1 aspmx.l.google.com"
        );
        assert_eq!(foreign[1].params["owner"], "");
        assert!(!has(&d, Code::MxProviderIncomplete));
    }

    #[test]
    fn only_the_providers_records_are_not_foreign() {
        let d = check(&world().auth_mx("example.com", &ALIBABA).build());
        assert!(!has(&d, Code::MxForeign));
    }

    #[test]
    fn missing_and_misprioritised_provider_records() {
        let d = check(
            &world()
                .auth_mx(
                    "example.com",
                    &[(5, "mx1.qiye.aliyun.com"), (20, "mx2.qiye.aliyun.com")],
                )
                .build(),
        );
        let f = only(&d, Code::MxProviderIncomplete);
        assert_eq!(
            f.severity,
            Severity::Warning,
            "mail still arrives through mx1"
        );
        let rows: Vec<String> = f.fix.iter().map(row_text).collect();
        assert_eq!(
            rows,
            [
                "change @ MX 20 mx2.qiye.aliyun.com -> 10 mx2.qiye.aliyun.com",
                "add @ MX 15 mx3.qiye.aliyun.com"
            ]
        );

        let other = check(
            &world()
                .auth_mx("example.com", &[(10, "mx.other-host.example")])
                .build(),
        );
        assert_eq!(
            only(&other, Code::MxProviderIncomplete).severity,
            Severity::Error
        );
    }

    #[test]
    fn google_legacy_set_counts_as_complete() {
        let legacy = [
            (1, "aspmx.l.google.com"),
            (5, "alt1.aspmx.l.google.com"),
            (5, "alt2.aspmx.l.google.com"),
            (10, "alt3.aspmx.l.google.com"),
            (10, "alt4.aspmx.l.google.com"),
        ];
        let d = diagnose(&world().auth_mx("example.com", &legacy).build(), detect());
        assert_eq!(
            d.provider.as_ref().map(|p| p.id.as_str()),
            Some("google-workspace")
        );
        assert_eq!(d.provider_source, ProviderSource::Detected);
        assert!(
            !has(&d, Code::MxProviderIncomplete) && !has(&d, Code::MxForeign),
            "{:?}",
            codes(&d)
        );
    }

    #[test]
    fn mx_pointing_at_an_alias_seed_004() {
        let d = check(
            &world()
                .rec_a_via(
                    "mx1.qiye.aliyun.com",
                    "mx.alias-target.example",
                    "198.51.100.9",
                )
                .auth_mx("example.com", &ALIBABA)
                .build(),
        );
        let f = only(&d, Code::MxTargetCname);
        assert_eq!(f.host, "mx1.qiye.aliyun.com");
        assert_eq!(f.params["canonical"], "mx.alias-target.example");
        assert!(
            !has(&d, Code::MxTargetUnresolvable),
            "the alias does lead to an address"
        );
    }

    #[test]
    fn unresolvable_and_unverifiable_exchanges() {
        let d = check(
            &world()
                .rec("mx1.qiye.aliyun.com", RType::A, nx())
                .rec("mx1.qiye.aliyun.com", RType::Aaaa, nx())
                .rec("mx2.qiye.aliyun.com", RType::A, failed(Status::ServFail))
                .rec("mx2.qiye.aliyun.com", RType::Aaaa, failed(Status::ServFail))
                .auth_mx("example.com", &ALIBABA)
                .build(),
        );
        let f = only(&d, Code::MxTargetUnresolvable);
        assert_eq!(f.host, "mx1.qiye.aliyun.com");
        let failed = only(&d, Code::LookupFailed);
        assert_eq!(failed.host, "mx2.qiye.aliyun.com");
        assert_eq!(failed.params["status"], "servfail");
    }

    #[test]
    fn an_exchange_written_as_an_ip_address() {
        let d = diagnose(
            &world()
                .auth_mx("example.com", &[(10, "192.0.2.25")])
                .build(),
            detect(),
        );
        let f = only(&d, Code::MxTargetIpLiteral);
        assert_eq!(
            row_text(&f.fix[0]),
            "change @ MX 10 192.0.2.25 -> mail.example.com"
        );
        assert_eq!(row_text(&f.fix[1]), "add mail A - 192.0.2.25");
    }
}

//! The DNS host's servers: does the domain exist, did every authoritative server answer, do
//! they agree, do the caches still hold older data, and how long will the wait be.

use std::collections::BTreeSet;

use super::{lookup_failed, status_word, Action, Code, Ctx, Finding, Severity};
use crate::diagnose::Variant;
use crate::dns::{DnsRecord, Outcome, RType, Status};
use crate::snapshot::AuthServer;

const HOST_TYPES: [RType; 4] = [RType::MX, RType::Cname, RType::A, RType::TXT];
/// Above an hour, a changed record keeps old caches around long enough to warn about it.
const TTL_HIGH_SECONDS: u32 = 3600;

/// What stops every other rule when the resolvers say the mail host does not exist:
/// `DOMAIN_NOT_FOUND` when that is proven, `RESOLVER_UNRELIABLE` when the resolvers deny names
/// that exist, `LOOKUP_FAILED` (purpose `domain_exists`) when it could not be confirmed.
///
/// NXDOMAIN from a resolver is no proof (DESIGN.md, truth rules): a captive portal, a filter or
/// an offline computer denies everything. The proof is an authoritative NXDOMAIN from a server
/// of the zone above, asked directly: nothing exists at or below that name (RFC 8020 §2). The
/// observer asks those servers whenever it found no zone at the mail host itself. Snapshots of
/// older versions are judged by the same rule: they hold that proof when the resolver's
/// negative answer named the zone above (its servers were asked); without it, they read
/// "could not be confirmed", never "does not exist".
pub(crate) fn domain_not_found(ctx: &Ctx) -> Option<Finding> {
    if let Some(f) = denies_root(ctx) {
        return Some(f);
    }
    let answered: Vec<(&AuthServer, &Outcome)> = ctx
        .snap
        .reachable_auth()
        .filter_map(|s| s.get(ctx.domain, RType::MX).map(|o| (s, o)))
        .filter(|(_, o)| !o.status.is_failure())
        .collect();
    let denied = ctx
        .snap
        .recursive(ctx.domain, RType::MX)
        .is_some_and(|o| o.status == Status::NxDomain && o.records.is_empty());
    let exists: Vec<String> = answered
        .iter()
        .filter(|(_, o)| o.status != Status::NxDomain)
        .map(|(s, _)| s.label())
        .collect();
    if denied && !exists.is_empty() {
        return Some(
            unreliable(ctx, "denies_domain")
                .worded(Variant::DeniesDomain, true)
                .param("zone", ctx.zone)
                .param("servers", exists.join(", ")),
        );
    }
    let mx = ctx.published(RType::MX)?;
    if mx.status != Status::NxDomain || !mx.records.is_empty() {
        return None;
    }
    let proof: Vec<String> = answered
        .iter()
        .filter(|(_, o)| o.status == Status::NxDomain && o.authoritative)
        .map(|(s, _)| s.label())
        .collect();
    if proof.is_empty() {
        return Some(unconfirmed(ctx));
    }
    let zone_ns = ctx
        .snap
        .recursive(ctx.zone, RType::NS)
        .map(|o| o.of(ctx.zone, RType::NS).cloned().collect::<Vec<_>>())
        .unwrap_or_default();
    Some(
        Finding::new(Code::DomainNotFound, Severity::Error, ctx.domain)
            .records(zone_ns)
            .param("zone", ctx.zone.to_string())
            .param("servers", proof.join(", ")),
    )
}

/// `RESOLVER_UNRELIABLE` when the resolvers deny the root's name servers (asked when no
/// ancestor of the mail host had any): they exist on every working connection.
fn denies_root(ctx: &Ctx) -> Option<Finding> {
    let root = ctx.snap.recursive(".", RType::NS)?;
    if root.status.is_failure() || root.of(".", RType::NS).next().is_some() {
        return None;
    }
    let denials: Vec<_> = ctx
        .snap
        .recursive
        .iter()
        .filter(|o| o.rtype == RType::NS)
        .filter(|o| o.name == "." || ctx.domain.ends_with(&format!(".{}", o.name)))
        .filter(|o| {
            !o.outcome.status.is_failure() && o.outcome.of(&o.name, RType::NS).next().is_none()
        })
        .collect();
    // "Says they do not exist" only when it said so: an empty answer (a filter, a DNS64 box,
    // a captive portal) is no "does not exist".
    let all_nxdomain = denials.iter().all(|o| o.outcome.status == Status::NxDomain);
    let denied: Vec<String> = denials
        .iter()
        .map(|o| format!("{} NS: {}", o.name, status_word(o.outcome.status)))
        .collect();
    Some(
        unreliable(ctx, "denies_root")
            .worded(Variant::NoAnswer, !all_nxdomain)
            .param("denied", denied.join("; ")),
    )
}

fn unreliable(ctx: &Ctx, reason: &str) -> Finding {
    Finding::new(Code::ResolverUnreliable, Severity::Warning, ctx.domain)
        .param("reason", reason)
        .param("resolvers", ctx.snap.resolvers.join(", "))
}

/// `LOOKUP_FAILED` for the proof of absence: what kept the zone above from confirming it.
fn unconfirmed(ctx: &Ctx) -> Finding {
    let failed_server = ctx
        .snap
        .authoritative
        .iter()
        .flat_map(|s| &s.observations)
        .find(|o| o.name == ctx.domain && o.outcome.status.is_failure())
        .map(|o| (o.name.clone(), o.rtype, o.outcome.clone()));
    let failed_zone = || {
        ctx.snap
            .recursive
            .iter()
            .find(|o| o.rtype == RType::NS && o.name != ctx.domain && o.outcome.status.is_failure())
            .map(|o| (o.name.clone(), o.rtype, o.outcome.clone()))
    };
    let (name, rtype, outcome) = failed_server.or_else(failed_zone).unwrap_or_else(|| {
        (
            ctx.domain.to_string(),
            RType::MX,
            Outcome::failed(
                Status::Error,
                "no server of a zone above it was asked directly",
            ),
        )
    });
    let mut f = lookup_failed(&name, rtype, &outcome, Severity::Warning, "domain_exists");
    f.host = ctx.domain.to_string();
    f
}

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(unreachable(ctx));
    findings.extend(not_asked(ctx));
    findings.extend(resolver_failures(ctx));
    findings.extend(inconsistent(ctx));
    findings.extend(stale(ctx));
    findings
}

/// Authoritative servers that could not be found or did not answer.
fn unreachable(ctx: &Ctx) -> Vec<Finding> {
    if ctx.snap.authoritative.is_empty() {
        let outcome = ctx
            .snap
            .recursive(ctx.zone, RType::NS)
            .cloned()
            .filter(|o| o.status.is_failure())
            .unwrap_or_else(|| {
                Outcome::failed(Status::Error, "no name servers were found for the domain")
            });
        return vec![lookup_failed(
            ctx.zone,
            RType::NS,
            &outcome,
            Severity::Warning,
            "name_servers",
        )];
    }
    let mut findings = Vec::new();
    for server in &ctx.snap.authoritative {
        if server.address.is_none() {
            let outcome = ctx
                .snap
                .recursive(&server.host, RType::A)
                .cloned()
                .unwrap_or_else(|| Outcome::failed(Status::Error, "no address"));
            findings.push(
                lookup_failed(
                    &server.host,
                    RType::A,
                    &outcome,
                    Severity::Warning,
                    "name_server_address",
                )
                .param("server", server.label()),
            );
            continue;
        }
        if let Some(o) = server
            .observations
            .iter()
            .find(|o| o.outcome.status.is_failure())
        {
            findings.push(
                lookup_failed(
                    &o.name,
                    o.rtype,
                    &o.outcome,
                    Severity::Warning,
                    "name_server",
                )
                .param("server", server.label()),
            );
        }
    }
    findings
}

/// The mail host's MX and TXT questions that a vantage was never asked (a snapshot from an
/// older version, cut short or edited): what was not seen is not a pass (DESIGN.md "Truth
/// rules"), so each is `LOOKUP_FAILED` naming the vantage, and the status is not `ok`.
fn not_asked(ctx: &Ctx) -> Vec<Finding> {
    let outcome = Outcome::failed(Status::Error, "this question was not asked");
    let purpose = |rtype| if rtype == RType::MX { "mx" } else { "spf" };
    let mut findings = Vec::new();
    for rtype in [RType::MX, RType::TXT] {
        let not_asked = |asked_of: String| {
            lookup_failed(
                ctx.domain,
                rtype,
                &outcome,
                Severity::Warning,
                purpose(rtype),
            )
            .param("asked_of", asked_of)
            .worded(Variant::NotAsked, true)
        };
        if ctx.snap.recursive(ctx.domain, rtype).is_none() {
            findings.push(
                not_asked(ctx.snap.resolvers.join(", "))
                    .param("vantage", "resolver")
                    .worded(Variant::Resolver, true)
                    .param("server", ctx.snap.resolvers.join(", ")),
            );
        }
        for server in ctx.snap.reachable_auth() {
            if server.get(ctx.domain, rtype).is_none() {
                findings.push(not_asked(server.label()).param("server", server.label()));
            }
        }
    }
    findings
}

/// Questions at the mail host that the resolvers could not answer while the DNS host's own
/// servers did. What senders see is what resolvers serve: a resolver that cannot get the MX (a
/// DNSSEC failure does exactly this) is never hidden behind the authoritative answer.
fn resolver_failures(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rtype in [RType::MX, RType::TXT, RType::Cname, RType::A, RType::Aaaa] {
        let Some(served) = ctx.snap.recursive(ctx.domain, rtype) else {
            continue;
        };
        let published_answered = ctx
            .snap
            .current_auth()
            .iter()
            .filter_map(|s| s.get(ctx.domain, rtype))
            .any(|o| !o.status.is_failure());
        if served.status.is_failure() && published_answered {
            let severity = if rtype == RType::MX {
                Severity::Error
            } else {
                Severity::Warning
            };
            let purpose = match rtype {
                RType::MX => "mx",
                RType::TXT => "spf",
                _ => "host_records",
            };
            findings.push(
                lookup_failed(ctx.domain, rtype, served, severity, purpose)
                    .param("vantage", "resolver")
                    .worded(Variant::Resolver, true)
                    .param("server", ctx.snap.resolvers.join(", ")),
            );
        }
    }
    findings
}

fn record_set(outcome: &Outcome, name: &str, rtype: RType) -> BTreeSet<String> {
    outcome
        .of(name, rtype)
        .chain(outcome.of(name, RType::Cname))
        .map(DnsRecord::summary)
        .collect()
}

/// `NS_INCONSISTENT`: authoritative servers that answered differently for the mail host.
fn inconsistent(ctx: &Ctx) -> Option<Finding> {
    let mut differing = Vec::new();
    let mut evidence: Vec<DnsRecord> = Vec::new();
    let mut lines = Vec::new();
    for rtype in HOST_TYPES {
        let sets: Vec<(String, BTreeSet<String>, &Outcome)> = ctx
            .snap
            .reachable_auth()
            .filter_map(|s| {
                s.get(ctx.domain, rtype)
                    .filter(|o| !o.status.is_failure())
                    .map(|o| (s.label(), record_set(o, ctx.domain, rtype), o))
            })
            .collect();
        let distinct: BTreeSet<&BTreeSet<String>> = sets.iter().map(|(_, set, _)| set).collect();
        if distinct.len() < 2 {
            continue;
        }
        differing.push(rtype.to_string());
        for (label, set, outcome) in &sets {
            let shown = if set.is_empty() {
                "nothing".to_string()
            } else {
                set.iter().cloned().collect::<Vec<_>>().join(", ")
            };
            lines.push(format!("{label} {rtype}: {shown}"));
            for r in outcome.at(ctx.domain) {
                if !evidence.contains(r) {
                    evidence.push(r.clone());
                }
            }
        }
    }
    if differing.is_empty() {
        return None;
    }
    let zone = ctx.snap.zone_name();
    let current_serial = ctx.snap.current_auth().iter().find_map(|s| s.serial(zone));
    let stale: Vec<String> = ctx
        .snap
        .stale_auth()
        .iter()
        .map(|(s, serial)| format!("{} (serial {serial})", s.label()))
        .collect();
    let current: Vec<String> = ctx.snap.current_auth().iter().map(|s| s.label()).collect();
    Some(
        Finding::new(Code::NsInconsistent, Severity::Warning, ctx.domain)
            .records(evidence)
            .param("types", differing.join(", "))
            .param("servers", lines.join("\n"))
            .worded(Variant::Stale, !stale.is_empty())
            .param("stale", stale.join(", "))
            .param("current", current.join(", "))
            .param(
                "current_serial",
                current_serial.map(|s| s.to_string()).unwrap_or_default(),
            ),
    )
}

/// `RESOLVER_STALE`: the resolver still serves something other than what is published.
fn stale(ctx: &Ctx) -> Option<Finding> {
    if ctx
        .snap
        .reachable_auth()
        .all(|s| s.observations.iter().all(|o| o.outcome.status.is_failure()))
    {
        return None;
    }
    let mut old = Vec::new();
    for rtype in [RType::MX, RType::Cname] {
        let (Some(recursive), Some(published)) =
            (ctx.snap.recursive(ctx.domain, rtype), ctx.published(rtype))
        else {
            continue;
        };
        if recursive.status.is_failure() || published.status.is_failure() {
            continue;
        }
        if record_set(recursive, ctx.domain, rtype) != record_set(&published, ctx.domain, rtype) {
            old.extend(recursive.at(ctx.domain).cloned());
        }
    }
    if old.is_empty() {
        return None;
    }
    let remaining = old.iter().map(|r| r.ttl).max().unwrap_or(0);
    Some(
        Finding::new(Code::ResolverStale, Severity::Info, ctx.domain)
            .records(old)
            .param("remaining_seconds", remaining.to_string()),
    )
}

/// `TTL_HIGH`: records the fix deletes or changes whose TTL is over an hour.
pub(crate) fn ttl_high(ctx: &Ctx, findings: &[Finding]) -> Option<Finding> {
    let mut slow: Vec<DnsRecord> = Vec::new();
    for f in findings {
        for row in f.fix.iter().filter(|r| r.action != Action::Add) {
            for r in &f.records {
                if r.ttl > TTL_HIGH_SECONDS
                    && r.value() == row.value
                    && ctx.host_label(&r.name) == row.host
                    && !slow.contains(r)
                {
                    slow.push(r.clone());
                }
            }
        }
    }
    let longest = slow.iter().map(|r| r.ttl).max()?;
    Some(
        Finding::new(Code::TtlHigh, Severity::Info, ctx.domain)
            .records(slow)
            .param("seconds", longest.to_string())
            .param("hours", format!("{:.1}", f64::from(longest) / 3600.0)),
    )
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::dns::{Outcome, RType, RecordData, Status};

    /// A snapshot that holds the MX and the exchanges' addresses but never asked the SPF, the
    /// DMARC questions or one server's MX (an older or edited file) said "Mail delivery looks
    /// right": what was not asked is LOOKUP_FAILED, never a silent pass.
    #[test]
    fn questions_a_snapshot_never_asked_are_not_a_pass() {
        let healthy = world().alibaba_healthy().second_server();
        let d = check(&healthy.build());
        assert!(
            d.findings.iter().all(|f| f.severity == Severity::Info),
            "the whole snapshot is healthy: {:?}",
            codes(&d)
        );
        type Cut = fn(&mut crate::Snapshot);
        let cuts: [(&str, Cut); 4] = [
            ("the mail host's TXT, everywhere", |s| {
                s.recursive
                    .retain(|o| !(o.name == DOMAIN && o.rtype == RType::TXT));
                for a in &mut s.authoritative {
                    a.observations.retain(|o| o.rtype != RType::TXT);
                }
            }),
            ("the MX at the resolver", |s| {
                s.recursive
                    .retain(|o| !(o.name == DOMAIN && o.rtype == RType::MX));
            }),
            ("everything at the second server", |s| {
                s.authoritative[1].observations.clear();
            }),
            ("the DMARC question", |s| {
                s.recursive.retain(|o| !o.name.starts_with("_dmarc."));
            }),
        ];
        for (what, cut) in cuts {
            let d = check(&world().alibaba_healthy().second_server().with(cut).build());
            assert!(
                d.findings
                    .iter()
                    .any(|f| f.code == Code::LookupFailed && f.severity <= Severity::Warning),
                "{what} was never asked: {:?}",
                codes(&d)
            );
            for false_code in [Code::SpfMissing, Code::MxMissing, Code::DmarcMissing] {
                assert!(!has(&d, false_code), "{what}: nothing was seen missing");
            }
        }
    }

    #[test]
    fn a_domain_that_does_not_exist() {
        let d = check(&world().auth("example.com", RType::MX, nx()).build());
        assert_eq!(codes(&d), [Code::DomainNotFound], "nothing else is judged");
        assert!(!has(
            &check(&world().alibaba_healthy().build()),
            Code::DomainNotFound
        ));
    }

    #[test]
    fn servers_that_disagree() {
        let snap = world()
            .alibaba_healthy()
            .second_server()
            .auth_on(
                1,
                RType::MX,
                answer(vec![mx("example.com", 10, "mx.old-provider.example")]),
            )
            .build();
        let d = check(&snap);
        let f = only(&d, Code::NsInconsistent);
        assert_eq!(f.params["types"], "MX");
        assert!(f.params["servers"]
            .contains("ns2.example.com (192.0.2.54) MX: MX 10 mx.old-provider.example"));
        assert_eq!(f.params["stale"], "", "no serial tells them apart");
        let foreign = only(&d, Code::MxForeign);
        assert_eq!(
            foreign.params["servers_only"], "ns2.example.com (192.0.2.54)",
            "each server is judged on its own records: the row only ns2 serves still goes"
        );
        assert!(
            !has(&d, Code::MxProviderIncomplete),
            "ns2 alone lacks Alibaba's rows; adding them would duplicate ns1's: {:?}",
            codes(&d)
        );
        let report = crate::report::build(&crate::domain::normalise(DOMAIN).unwrap(), &snap, d);
        let words = report
            .findings
            .iter()
            .find(|f| f.finding.code == Code::MxForeign)
            .map(|f| f.message.clone())
            .unwrap_or_default();
        assert!(
            words.contains("only ns2.example.com (192.0.2.54) gives these rows"),
            "the message says which server alone serves the row: {words}"
        );
        let agreeing = check(&world().alibaba_healthy().second_server().build());
        assert!(!has(&agreeing, Code::NsInconsistent));
    }

    fn soa(serial: u32) -> Outcome {
        answer(vec![rec(
            DOMAIN,
            RecordData::SOA {
                mname: "ns1.example.com".into(),
                rname: "hostmaster.example.com".into(),
                serial,
                minimum: 300,
            },
        )])
    }

    #[test]
    fn a_stale_server_is_named_and_the_plan_follows_the_newest_copy() {
        // The current copy (serial 2026120102) on ns1 has one SPF record and the provider's MX;
        // ns2 (serial 2025010101), a former host still listed, has another SPF and an old MX.
        let old_mx = answer(vec![mx(DOMAIN, 10, "mx.old-provider.example")]);
        let old_spf = answer(vec![txt(
            DOMAIN,
            "v=spf1 include:old-provider.example -all",
        )]);
        let snap = world()
            .alibaba_healthy()
            .second_server()
            .with(|s| {
                s.authoritative[0]
                    .observations
                    .push(obs(DOMAIN, RType::SOA, soa(2026120102)));
                s.authoritative[1]
                    .observations
                    .push(obs(DOMAIN, RType::SOA, soa(2025010101)));
            })
            .auth_on(1, RType::MX, old_mx)
            .auth_on(1, RType::TXT, old_spf)
            .build();
        // The stale server is listed second and first: neither order changes the verdict.
        for flipped in [false, true] {
            let mut snap = snap.clone();
            if flipped {
                snap.authoritative.reverse();
            }
            let d = check(&snap);
            let f = only(&d, Code::NsInconsistent);
            assert_eq!(
                f.params["stale"],
                "ns2.example.com (192.0.2.54) (serial 2025010101)"
            );
            assert_eq!(f.params["current_serial"], "2026120102");
            assert_eq!(f.params["types"], "MX, TXT");
            for false_code in [Code::SpfMultiple, Code::MxForeign, Code::SpfProviderMissing] {
                assert!(
                    !has(&d, false_code),
                    "{false_code:?} is false for each server: {:?}",
                    codes(&d)
                );
            }
            let report = crate::report::build(&crate::domain::normalise(DOMAIN).unwrap(), &snap, d);
            assert!(
                report.findings[0].title.contains("old copy"),
                "{}",
                report.findings[0].title
            );
        }
    }

    #[test]
    fn with_equal_serials_each_server_is_judged_and_rows_it_alone_serves_are_deleted() {
        // Both servers say serial 7; only ns2 still serves Google's row, and lacks the SPF.
        let mut with_google: Vec<DnsRecord> =
            ALIBABA.iter().map(|(p, h)| mx(DOMAIN, *p, h)).collect();
        with_google.push(mx(DOMAIN, 1, "aspmx.l.google.com"));
        let snap = world()
            .alibaba_healthy()
            .second_server()
            .with(|s| {
                for server in &mut s.authoritative {
                    server.observations.push(obs(DOMAIN, RType::SOA, soa(7)));
                }
            })
            .auth_on(1, RType::MX, answer(with_google))
            .auth_on(1, RType::TXT, nodata())
            .rec(
                "aspmx.l.google.com",
                RType::A,
                answer(vec![a("aspmx.l.google.com", "192.0.2.9")]),
            )
            .rec("aspmx.l.google.com", RType::Aaaa, nodata())
            .build();
        for flipped in [false, true] {
            let mut snap = snap.clone();
            if flipped {
                snap.authoritative.reverse();
            }
            let d = check(&snap);
            let f = only(&d, Code::MxForeign);
            assert_eq!(
                row_text(&f.fix[0]),
                "delete @ MX 1 aspmx.l.google.com",
                "a row one current server serves goes, whichever server is listed first"
            );
            assert!(has(&d, Code::NsInconsistent));
            assert!(
                !has(&d, Code::SpfMissing),
                "a row one server lacks is not added while another serves it, in either order \
                 (nothing tells which copy is current; a second SPF record would break mail) \
                 ({flipped})"
            );
        }
    }

    #[test]
    fn the_same_rows_in_another_order_on_another_server_are_listed_once() {
        let mut rows: Vec<DnsRecord> = ALIBABA.iter().map(|(p, h)| mx(DOMAIN, *p, h)).collect();
        rows.push(mx(DOMAIN, 1, "aspmx.l.google.com"));
        rows.push(mx(DOMAIN, 5, "alt1.aspmx.l.google.com"));
        let mut reversed = rows.clone();
        reversed.reverse();
        let d = check(
            &world()
                .alibaba_healthy()
                .auth(DOMAIN, RType::MX, answer(rows))
                .second_server()
                .auth_on(1, RType::MX, answer(reversed))
                .auth_on(1, RType::TXT, nodata())
                .build(),
        );
        let foreign = only(&d, Code::MxForeign);
        assert!(
            !foreign.params.contains_key("servers_only"),
            "both servers give Google's row: {:?}",
            foreign.params
        );
    }

    #[test]
    fn a_row_both_servers_give_is_never_called_one_servers_alone() {
        // ns1 gives Google's first row; ns2 gives it and a second one, equal copies otherwise.
        let mut one: Vec<DnsRecord> = ALIBABA.iter().map(|(p, h)| mx(DOMAIN, *p, h)).collect();
        one.push(mx(DOMAIN, 1, "aspmx.l.google.com"));
        let mut two = one.clone();
        two.push(mx(DOMAIN, 5, "alt1.aspmx.l.google.com"));
        let d = check(
            &world()
                .alibaba_healthy()
                .auth(DOMAIN, RType::MX, answer(one))
                .second_server()
                .auth_on(1, RType::MX, answer(two))
                .build(),
        );
        let alone: Vec<&Finding> = d
            .findings
            .iter()
            .filter(|f| f.params.contains_key("servers_only"))
            .collect();
        assert_eq!(alone.len(), 1, "{:?}", codes(&d));
        assert_eq!(
            alone[0].fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete @ MX 5 alt1.aspmx.l.google.com"],
            "the row ns1 gives too is not said to be ns2's alone"
        );
    }

    #[test]
    fn serial_numbers_compare_as_rfc_1982_says() {
        use crate::snapshot::serial_newer;
        assert!(serial_newer(2, 1));
        assert!(!serial_newer(1, 2));
        assert!(!serial_newer(7, 7));
        assert!(serial_newer(3, u32::MAX), "the serial wrapped past 2^32");
    }

    #[test]
    fn a_resolver_that_fails_where_the_dns_host_answers_is_never_hidden() {
        for status in [
            Status::Timeout,
            Status::ServFail,
            Status::Refused,
            Status::Error,
        ] {
            let d = check(
                &world()
                    .alibaba_healthy()
                    .rec(DOMAIN, RType::MX, failed(status))
                    .rec(DOMAIN, RType::TXT, failed(status))
                    .build(),
            );
            let failed: Vec<&Finding> = d
                .findings
                .iter()
                .filter(|f| f.code == Code::LookupFailed)
                .collect();
            assert_eq!(
                failed.len(),
                2,
                "MX and TXT at the resolver: {:?}",
                codes(&d)
            );
            assert_eq!(failed[0].params["vantage"], "resolver");
            assert_eq!(failed[0].params["server"], "192.0.2.1:53");
            assert_eq!(
                failed[0].severity,
                Severity::Error,
                "senders that cannot get the MX cannot deliver"
            );
            assert!(!has(&d, Code::MxMissing) && !has(&d, Code::SpfMissing));
        }
    }

    #[test]
    fn a_dead_authoritative_server_is_reported_and_the_other_still_counts() {
        let mut w = world().alibaba_healthy().second_server();
        for t in [RType::MX, RType::Cname, RType::A, RType::Aaaa, RType::TXT] {
            w = w.auth_on(1, t, failed(Status::Timeout));
        }
        let d = check(&w.build());
        let f = only(&d, Code::LookupFailed);
        assert_eq!(f.params["server"], "ns2.example.com (192.0.2.54)");
        assert!(
            !has(&d, Code::MxMissing) && !has(&d, Code::NsInconsistent),
            "{:?}",
            codes(&d)
        );
    }

    #[test]
    fn no_name_servers_found() {
        let d = check(
            &world()
                .alibaba_healthy()
                .rec("example.com", RType::NS, failed(Status::ServFail))
                .with(|s| s.authoritative.clear())
                .build(),
        );
        assert_eq!(only(&d, Code::LookupFailed).params["status"], "servfail");
    }

    #[test]
    fn a_resolver_that_still_has_the_old_answer() {
        let d = check(
            &world()
                .alibaba_healthy()
                .rec(
                    "example.com",
                    RType::MX,
                    answer(vec![mx("example.com", 10, "mx.old-provider.example")]),
                )
                .build(),
        );
        assert_eq!(
            only(&d, Code::ResolverStale).params["remaining_seconds"],
            TTL.to_string()
        );
        assert!(
            !has(&d, Code::MxForeign),
            "the DNS host's servers already have the fix"
        );
    }

    #[test]
    fn long_ttl_on_a_record_being_removed() {
        let mut entries = ALIBABA.to_vec();
        entries.push((1, "aspmx.l.google.com"));
        let snap = world()
            .alibaba_healthy()
            .auth_mx("example.com", &entries)
            .with(|s| {
                for server in &mut s.authoritative {
                    for o in &mut server.observations {
                        for r in &mut o.outcome.records {
                            if r.value() == "aspmx.l.google.com" {
                                r.ttl = 86400;
                            }
                        }
                    }
                }
            })
            .build();
        let d = check(&snap);
        let f = only(&d, Code::TtlHigh);
        assert_eq!(f.params["hours"], "24.0");
        assert_eq!(f.records[0].value(), "aspmx.l.google.com");
        assert!(!has(
            &check(
                &world()
                    .alibaba_healthy()
                    .auth_mx("example.com", &entries)
                    .build()
            ),
            Code::TtlHigh
        ));
    }
}

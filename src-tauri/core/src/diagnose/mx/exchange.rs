//! One MX row's exchange, judged for the real reason (DESIGN.md "Name the real fault"): an IP
//! address, a name with the zone appended by the DNS panel, an alias, a name with no address,
//! or a lookup that failed. The judgement follows what the row was meant to name (the name
//! before the appended zone, the provider's server an alias leads to), so that a row is
//! foreign only if that is not the provider's; one row gets one reason and one fix.

use std::net::IpAddr;

use super::super::{lookup_failed, Action, Code, Ctx, Finding, Severity};
use super::{mx_parts, ours, owner, provider_name};
use crate::diagnose::Variant;
use crate::dns::{DnsRecord, Outcome, RType, Status};
use crate::providers;

/// One MX row as the rules judge it.
pub(super) struct Exchange<'a> {
    pub(super) record: &'a DnsRecord,
    pub(super) priority: u16,
    pub(super) exchange: &'a str,
    /// The server the row was meant to name: the name without the zone the panel appended,
    /// or the provider's server an alias leads to; the exchange itself otherwise.
    pub(super) intended: String,
    pub(super) fault: Option<Fault>,
}

/// What is wrong with a row's exchange. One per row, the first that applies in this order.
pub(super) enum Fault {
    /// Written as an IP address (RFC 5321 §5.1 wants a domain name). `address` is the IP
    /// without any zone the panel appended to it.
    IpLiteral { address: String },
    /// The panel appended `zone` to a value typed without its final dot (RFC 1035 §5.1: a
    /// name without the final dot is relative to the origin).
    ZoneAppended { zone: String },
    /// An alias (RFC 2181 §10.3). `links`: the CNAME records from the exchange on; `to`: the
    /// name to write instead (the provider's server on the way, else the end of the chain).
    Alias { links: Vec<DnsRecord>, to: String },
    /// No address at all: the name itself does not exist (`nxdomain`), or it (or the end of
    /// its alias chain, `links`) holds no A or AAAA record.
    NoAddress {
        nxdomain: bool,
        links: Vec<DnsRecord>,
    },
    /// The address lookup failed or was not asked: nothing may be concluded.
    Unverified { rtype: RType, outcome: Outcome },
}

impl Exchange<'_> {
    /// The row stays in the repaired domain: it is (meant as) the provider's server, or no
    /// provider is known to judge it against.
    pub(super) fn belongs(&self, ctx: &Ctx) -> bool {
        ctx.provider.is_none() || ours(ctx, &self.intended)
    }
}

/// Judges one MX row; `None` for anything but an MX record naming a host.
pub(super) fn judge<'a>(ctx: &Ctx, record: &'a DnsRecord) -> Option<Exchange<'a>> {
    let (priority, exchange) = mx_parts(record)?;
    if exchange == "." {
        return None;
    }
    let row = |intended: &str, fault: Option<Fault>| Exchange {
        record,
        priority,
        exchange,
        intended: intended.to_string(),
        fault,
    };
    if exchange.parse::<IpAddr>().is_ok() {
        let address = exchange.to_string();
        return Some(row(exchange, Some(Fault::IpLiteral { address })));
    }
    if let Some((intended, zone)) = zone_appended(ctx, exchange) {
        let fault = if intended.parse::<IpAddr>().is_ok() {
            Fault::IpLiteral {
                address: intended.clone(),
            }
        } else {
            Fault::ZoneAppended { zone }
        };
        return Some(row(&intended, Some(fault)));
    }
    let a = ctx.snap.recursive(exchange, RType::A);
    let aaaa = ctx.snap.recursive(exchange, RType::Aaaa);
    let links = alias_links(exchange, a.into_iter().chain(aaaa));
    let names: Vec<String> = links.iter().map(DnsRecord::value).collect();
    // An alias of the provider's own server is the provider's row written the wrong way; the
    // provider's own names are judged as they are (seed 004: the provider's name is an alias).
    let hop = if ours(ctx, exchange) {
        None
    } else {
        names.iter().find(|n| ours(ctx, n))
    };
    if let Some(hop) = hop {
        let to = hop.clone();
        return Some(row(hop, Some(Fault::Alias { links, to })));
    }
    if has_address(ctx, exchange) {
        let fault = names.last().map(|end| Fault::Alias {
            to: end.clone(),
            links,
        });
        return Some(row(exchange, fault));
    }
    // NXDOMAIN is about the name, not one type (RFC 8020 §2): the name in the row does not
    // exist, whatever became of the question of the other type.
    if links.is_empty()
        && [a, aaaa]
            .iter()
            .flatten()
            .any(|o| o.status == Status::NxDomain)
    {
        let fault = Fault::NoAddress {
            nxdomain: true,
            links,
        };
        return Some(row(exchange, Some(fault)));
    }
    let not_asked = Outcome::failed(Status::Error, "this question was not asked");
    let failure = [(RType::A, a), (RType::Aaaa, aaaa)]
        .into_iter()
        .find_map(|(rtype, o)| match o {
            None => Some((rtype, not_asked.clone())),
            Some(o) if o.status.is_failure() => Some((rtype, o.clone())),
            Some(_) => None,
        });
    let fault = match failure {
        Some((rtype, outcome)) => Fault::Unverified { rtype, outcome },
        // NXDOMAIN after an alias is about the alias's target, not the name in the row.
        None => Fault::NoAddress {
            nxdomain: links.is_empty() && a.is_some_and(|o| o.status == Status::NxDomain),
            links,
        },
    };
    Some(row(exchange, Some(fault)))
}

/// The CNAME records from `name` on, as the resolvers' A/AAAA answers show them.
fn alias_links<'a>(name: &str, outcomes: impl Iterator<Item = &'a Outcome>) -> Vec<DnsRecord> {
    for o in outcomes {
        let mut links = Vec::new();
        let mut current = name.to_string();
        while let Some(link) = o.of(&current, RType::Cname).next() {
            if links.contains(link) {
                break;
            }
            links.push(link.clone());
            current = link.value();
        }
        if !links.is_empty() {
            return links;
        }
    }
    Vec::new()
}

/// True when the resolvers found an address for `name` (through its aliases, if any).
fn has_address(ctx: &Ctx, name: &str) -> bool {
    [RType::A, RType::Aaaa].into_iter().any(|rtype| {
        ctx.snap
            .recursive(name, rtype)
            .is_some_and(|o| !o.final_records(name, rtype).is_empty())
    })
}

/// The name a row was meant to hold when the panel appended the mail host or the zone to a
/// value typed without its final dot (`mx1.qiye.aliyun.com.example.com`), with the suffix.
/// What is left must be a catalogued provider's server (or the chosen provider's), an IP
/// address, or a name of at least two labels that resolves while the whole does not: a name
/// in the zone that works (`mx.mail.example.com`) is left alone.
fn zone_appended(ctx: &Ctx, exchange: &str) -> Option<(String, String)> {
    let suffixes = if ctx.domain == ctx.zone {
        vec![ctx.domain]
    } else {
        vec![ctx.domain, ctx.zone]
    };
    let (stripped, suffix) = suffixes.into_iter().find_map(|suffix| {
        exchange
            .strip_suffix(suffix)
            .and_then(|s| s.strip_suffix('.'))
            .map(|s| (s, suffix))
    })?;
    let whole_works = has_address(ctx, exchange);
    let meant = if stripped.parse::<IpAddr>().is_ok() {
        !whole_works
    } else {
        stripped.contains('.')
            && (ours(ctx, stripped)
                || providers::recognise(stripped).is_some()
                || (has_address(ctx, stripped) && !whole_works))
    };
    meant.then(|| (stripped.to_string(), suffix.to_string()))
}

/// The finding for a row's fault, if it has one: corrected when the row stays, deleted when
/// it is not the provider's.
pub(super) fn finding(ctx: &Ctx, x: Exchange) -> Option<Finding> {
    let stays = x.belongs(ctx);
    let record = x.record.clone();
    let delete = || ctx.row(Action::Delete, ctx.domain, &record);
    let change = |to: &str| {
        let mut row = ctx.row(Action::Change, ctx.domain, &record);
        if let Some(row) = &mut row {
            row.new_value = Some(to.to_string());
        }
        row
    };
    let (owner_id, owner_name) = owner(&x.intended);
    let new_finding = |code, severity| {
        let mut f =
            Finding::new(code, severity, x.exchange).param("priority", x.priority.to_string());
        if !stays {
            f = f
                .worded(Variant::Foreign, true)
                .param("foreign", "true")
                .param("provider", provider_name(ctx))
                .param("owner", owner_id.clone())
                .param("owner_name", owner_name.clone());
        }
        f
    };
    let found = match x.fault? {
        Fault::Unverified { rtype, outcome } => {
            return Some(lookup_failed(
                x.exchange,
                rtype,
                &outcome,
                Severity::Warning,
                "mx_target",
            ))
        }
        Fault::IpLiteral { address } => {
            let named = format!("mail.{}", ctx.zone);
            let f = new_finding(Code::MxTargetIpLiteral, Severity::Error)
                .records([record.clone()])
                .param("address", address.clone());
            if stays {
                f.fix(change(&named).into_iter().chain([ctx.new_row(
                    Action::Add,
                    &named,
                    RType::A,
                    None,
                    &address,
                )]))
            } else {
                f.fix(delete())
            }
        }
        Fault::ZoneAppended { zone } => {
            let f = new_finding(Code::MxZoneAppended, Severity::Error)
                .records([record.clone()])
                .param("intended", x.intended.clone())
                .param("intended_dot", format!("{}.", x.intended))
                .param("zone", zone);
            f.fix(if stays { change(&x.intended) } else { delete() })
        }
        Fault::Alias { links, to } => {
            let severity = if stays {
                Severity::Warning
            } else {
                Severity::Error
            };
            new_finding(Code::MxTargetCname, severity)
                .records(std::iter::once(record.clone()).chain(links))
                .param("canonical", to.clone())
                .fix(if stays { change(&to) } else { delete() })
        }
        Fault::NoAddress { nxdomain, links } => {
            // The provider's own published server without an address is the provider's to
            // fix (and with no provider known, nothing says what the row should be); any
            // other row that leads nowhere only misleads senders.
            let published = ctx.provider.is_none_or(|p| {
                p.accepted_sets(ctx.domain)
                    .iter()
                    .flatten()
                    .any(|e| e.host == x.exchange)
            });
            let f = new_finding(Code::MxTargetUnresolvable, Severity::Error)
                .records(std::iter::once(record.clone()).chain(links))
                .param("nxdomain", nxdomain.to_string())
                .worded(Variant::NxdomainForeign, nxdomain && !stays)
                .worded(Variant::Nxdomain, nxdomain && stays);
            if published && stays {
                f
            } else {
                f.fix(delete())
            }
        }
    };
    Some(found)
}

#[cfg(test)]
mod tests {
    use super::super::super::fixtures::*;
    use super::super::super::*;
    use crate::dns::{RType, Status};

    // Every exchange, for the real reason (issue 11 item 2; DESIGN.md "Name the real fault").

    use crate::repair;
    use crate::snapshot::Snapshot;

    /// One row, one reason, one fix: no console row is deleted or changed by two findings.
    fn assert_one_reason_per_row(d: &Diagnosis) {
        let mut seen: Vec<(String, Code)> = Vec::new();
        for f in &d.findings {
            for row in f
                .fix
                .iter()
                .filter(|r| r.rtype == RType::MX && r.action != Action::Add)
            {
                let key = format!("{} {:?} {}", row.host, row.priority, row.value);
                if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
                    panic!("row {key} is fixed by both {other:?} and {:?}", f.code);
                }
                seen.push((key, f.code));
            }
        }
    }

    /// The MX rows at `@` once the plan is carried out, as the console would hold them.
    fn repaired(entries: &[(u16, &str)], d: &Diagnosis, snap: &Snapshot) -> Vec<(u16, String)> {
        let mut set: Vec<(u16, String)> =
            entries.iter().map(|(p, x)| (*p, x.to_string())).collect();
        let plan = repair::plan(d, snap);
        let rows = plan
            .steps
            .iter()
            .flat_map(|s| &s.rows)
            .filter(|r| r.rtype == RType::MX && r.host == "@");
        for row in rows {
            let matches = |(p, x): &(u16, String)| Some(*p) == row.priority && *x == row.value;
            match row.action {
                Action::Delete => set.retain(|e| !matches(e)),
                Action::Add => set.push((row.priority.unwrap_or_default(), row.value.clone())),
                Action::Change => {
                    let new = row.target_value().expect("a change has a new value");
                    let new = new.to_string();
                    let priority = row.target_priority();
                    for e in set.iter_mut().filter(|e| matches(e)) {
                        e.1 = new.clone();
                        if let Some(p) = priority {
                            e.0 = p;
                        }
                    }
                }
            }
        }
        set.sort();
        set
    }

    /// The plan, carried out and served back, leaves no MX problem: a fix we propose passes
    /// our own checks (DESIGN.md).
    fn assert_repair_is_healthy(entries: &[(u16, &str)], d: &Diagnosis, snap: &Snapshot) {
        let after = repaired(entries, d, snap);
        let rows: Vec<(u16, &str)> = after.iter().map(|(p, x)| (*p, x.as_str())).collect();
        let again = check(&world().auth_mx(DOMAIN, &rows).build());
        let left: Vec<Code> = codes(&again)
            .into_iter()
            .filter(|c| c.as_str().starts_with("MX"))
            .collect();
        assert!(left.is_empty(), "after the repair {rows:?} still: {left:?}");
        let mut want = ALIBABA.map(|(p, x)| (p, x.to_string())).to_vec();
        want.sort();
        assert_eq!(after, want, "the repair ends at the provider's own set");
    }

    fn words(snap: &Snapshot, code: Code) -> (String, String) {
        let domain = crate::check::parse_domain(DOMAIN).expect("a valid domain");
        let report = crate::check::replay(&domain, snap, alibaba());
        let f = report
            .findings
            .iter()
            .find(|f| f.finding.code == code)
            .expect("the finding is in the report");
        assert!(
            !f.message.contains('{') && !f.title.contains('{'),
            "no placeholder left: {} / {}",
            f.title,
            f.message
        );
        (f.title.clone(), f.message.clone())
    }

    #[test]
    fn an_alias_of_the_providers_server_is_an_alias_not_foreign() {
        let entries = [
            (5, "mx.example.com"),
            (10, "mx2.qiye.aliyun.com"),
            (15, "mx3.qiye.aliyun.com"),
        ];
        let snap = world()
            .rec(
                "mx.example.com",
                RType::A,
                answer(vec![
                    cname("mx.example.com", "relay.example.net"),
                    cname("relay.example.net", "mx1.qiye.aliyun.com"),
                    a("mx1.qiye.aliyun.com", "198.51.100.1"),
                ]),
            )
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        assert!(
            !has(&d, Code::MxForeign),
            "after following its aliases the row is Alibaba's: {:?}",
            codes(&d)
        );
        assert!(
            !has(&d, Code::MxProviderIncomplete),
            "mx1 is there, written the wrong way: adding it again would double it"
        );
        let f = only(&d, Code::MxTargetCname);
        assert_eq!(f.host, "mx.example.com");
        assert_eq!(f.severity, Severity::Warning, "mail still arrives");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["change @ MX 5 mx.example.com -> mx1.qiye.aliyun.com"],
            "the provider's own name, not the alias"
        );
        assert_eq!(f.records.len(), 3, "the row and both links of the chain");
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn an_ip_address_beside_the_providers_rows_is_named_and_deleted() {
        let mut entries = ALIBABA.to_vec();
        entries.push((20, "192.0.2.25"));
        let snap = world().auth_mx(DOMAIN, &entries).build();
        let d = check(&snap);
        assert!(
            !has(&d, Code::MxForeign),
            "an IP address is called that: {:?}",
            codes(&d)
        );
        let f = only(&d, Code::MxTargetIpLiteral);
        assert_eq!(f.params["address"], "192.0.2.25");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete @ MX 20 192.0.2.25"],
            "not Alibaba's: deleted, not given a name"
        );
        let plan = repair::plan(&d, &snap);
        assert_eq!(plan.steps[0].id, crate::repair::StepId::DeleteStrayMx);
        let (_, message) = words(&snap, Code::MxTargetIpLiteral);
        assert!(
            message.contains("not one of Alibaba Mail") && message.contains("delete this row"),
            "{message}"
        );
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn an_ip_address_alone_is_deleted_and_the_providers_rows_added() {
        let entries = [(10, "192.0.2.25")];
        let snap = world().auth_mx(DOMAIN, &entries).build();
        let d = check(&snap);
        assert!(!has(&d, Code::MxForeign), "{:?}", codes(&d));
        let f = only(&d, Code::MxTargetIpLiteral);
        assert_eq!(row_text(&f.fix[0]), "delete @ MX 10 192.0.2.25");
        assert_eq!(
            only(&d, Code::MxProviderIncomplete).fix.len(),
            3,
            "Alibaba's three rows are added"
        );
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn a_backup_mx_whose_host_does_not_exist() {
        let mut entries = ALIBABA.to_vec();
        entries.push((50, "backup.example.com"));
        let snap = world()
            .rec_nx_host("backup.example.com")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        assert!(
            !has(&d, Code::MxForeign),
            "the real fault is that it does not exist: {:?}",
            codes(&d)
        );
        let f = only(&d, Code::MxTargetUnresolvable);
        assert_eq!(f.host, "backup.example.com");
        assert_eq!(f.params["nxdomain"], "true");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete @ MX 50 backup.example.com"]
        );
        let (title, message) = words(&snap, Code::MxTargetUnresolvable);
        assert_eq!(title, "The mail server backup.example.com does not exist");
        assert!(message.contains("delete this row"), "{message}");
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);

        // A name that exists but holds no address is worded differently.
        let snap = world()
            .rec("backup.example.com", RType::A, nodata())
            .rec("backup.example.com", RType::Aaaa, nodata())
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        assert_eq!(
            only(&d, Code::MxTargetUnresolvable).params["nxdomain"],
            "false"
        );
        let (title, _) = words(&snap, Code::MxTargetUnresolvable);
        assert_eq!(title, "The mail server backup.example.com has no address");
    }

    #[test]
    fn a_backup_mx_that_does_not_exist_is_not_called_foreign_when_its_other_question_failed() {
        // NXDOMAIN for A is about the name: a failed AAAA question cannot make it "another
        // provider's server" (it was MX_FOREIGN beside a LOOKUP_FAILED).
        let mut entries = ALIBABA.to_vec();
        entries.push((50, "backup.example.com"));
        for (nx_type, failed_type) in [(RType::A, RType::Aaaa), (RType::Aaaa, RType::A)] {
            let snap = world()
                .rec("backup.example.com", nx_type, nx())
                .rec("backup.example.com", failed_type, failed(Status::ServFail))
                .auth_mx(DOMAIN, &entries)
                .build();
            let d = check(&snap);
            assert!(
                !has(&d, Code::MxForeign),
                "{nx_type:?} NXDOMAIN: it does not exist: {:?}",
                codes(&d)
            );
            let f = only(&d, Code::MxTargetUnresolvable);
            assert_eq!(f.params["nxdomain"], "true");
            assert_eq!(
                f.fix.iter().map(row_text).collect::<Vec<_>>(),
                ["delete @ MX 50 backup.example.com"]
            );
            assert_one_reason_per_row(&d);
        }
    }

    #[test]
    fn a_providers_name_with_the_zone_appended_by_the_panel() {
        let entries = [
            (5, "mx1.qiye.aliyun.com.example.com"),
            (10, "mx2.qiye.aliyun.com"),
            (15, "mx3.qiye.aliyun.com"),
        ];
        let snap = world()
            .rec_nx_host("mx1.qiye.aliyun.com.example.com")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        for wrong in [
            Code::MxForeign,
            Code::MxProviderIncomplete,
            Code::MxTargetUnresolvable,
        ] {
            assert!(
                !has(&d, wrong),
                "one row, one reason (the appended zone), not {wrong:?}: {:?}",
                codes(&d)
            );
        }
        let f = only(&d, Code::MxZoneAppended);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.params["intended"], "mx1.qiye.aliyun.com");
        assert_eq!(f.params["intended_dot"], "mx1.qiye.aliyun.com.");
        assert_eq!(f.params["zone"], "example.com");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["change @ MX 5 mx1.qiye.aliyun.com.example.com -> mx1.qiye.aliyun.com"]
        );
        let (title, message) = words(&snap, Code::MxZoneAppended);
        assert_eq!(
            title,
            "The mail server mx1.qiye.aliyun.com has your domain name added to its end"
        );
        assert!(
            message.contains("without a final dot")
                && message.contains("exactly \u{201c}mx1.qiye.aliyun.com.\u{201d}")
                && message.contains("type \u{201c}mx1.qiye.aliyun.com\u{201d}"),
            "says why, and what to type: with the final dot, or the bare name: {message}"
        );
        let plan = repair::plan(&d, &snap);
        assert_eq!(
            plan.steps[0].id,
            crate::repair::StepId::MailServers,
            "corrected, not deleted as a stray row"
        );
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn the_panel_appends_the_zone_to_a_name_of_no_provider_too() {
        // No provider known: a resolving name of two labels or more, stuck to the zone.
        let entries = [(10, "mail.example.net.example.com")];
        let snap = world()
            .rec_nx_host("mail.example.net.example.com")
            .rec_host("mail.example.net", "203.0.113.25")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = diagnose(&snap, detect());
        let f = only(&d, Code::MxZoneAppended);
        assert_eq!(
            row_text(&f.fix[0]),
            "change @ MX 10 mail.example.net.example.com -> mail.example.net"
        );
        assert!(!has(&d, Code::MxTargetUnresolvable), "{:?}", codes(&d));

        // With Alibaba chosen, the same row is not Alibaba's: deleted, for the same reason.
        let d = check(&snap);
        let f = only(&d, Code::MxZoneAppended);
        assert_eq!(f.params["foreign"], "true");
        assert_eq!(
            row_text(&f.fix[0]),
            "delete @ MX 10 mail.example.net.example.com"
        );
        assert!(!has(&d, Code::MxForeign), "{:?}", codes(&d));
        let (_, message) = words(&snap, Code::MxZoneAppended);
        assert!(
            message.contains("meant to be mail.example.net"),
            "{message}"
        );
        assert_one_reason_per_row(&d);
    }

    #[test]
    fn a_name_in_the_zone_that_works_is_not_an_appended_zone() {
        // `mx.mail` is left once the zone is taken off, but `mx.mail.example.com` itself works.
        let entries = [(10, "mx.mail.example.com")];
        let snap = world()
            .rec_host("mx.mail", "203.0.113.9")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = diagnose(&snap, detect());
        assert!(
            d.findings
                .iter()
                .all(|f| !f.code.as_str().starts_with("MX")),
            "{:?}",
            codes(&d)
        );
        // And a one-label remainder (`mail.example.com`) is the zone's own host, never asked.
        let d = diagnose(
            &world().auth_mx(DOMAIN, &[(10, "mail.example.com")]).build(),
            detect(),
        );
        assert!(!has(&d, Code::MxZoneAppended));
    }

    #[test]
    fn another_providers_name_with_the_zone_appended_is_deleted_as_such() {
        let mut entries = ALIBABA.to_vec();
        entries.push((1, "aspmx.l.google.com.example.com"));
        let snap = world()
            .rec_nx_host("aspmx.l.google.com.example.com")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        let f = only(&d, Code::MxZoneAppended);
        assert_eq!(f.params["owner"], "google-workspace");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete @ MX 1 aspmx.l.google.com.example.com"]
        );
        assert!(
            !has(&d, Code::MxForeign) && !has(&d, Code::MxTargetUnresolvable),
            "{:?}",
            codes(&d)
        );
        assert_eq!(
            repair::plan(&d, &snap).steps[0].id,
            crate::repair::StepId::DeleteStrayMx
        );
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn an_ip_address_with_the_zone_appended_is_an_ip_address() {
        let entries = [(10, "192.0.2.25.example.com")];
        let snap = world()
            .rec_nx_host("192.0.2.25.example.com")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = diagnose(&snap, detect());
        let f = only(&d, Code::MxTargetIpLiteral);
        assert_eq!(f.params["address"], "192.0.2.25");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            [
                "change @ MX 10 192.0.2.25.example.com -> mail.example.com",
                "add mail A - 192.0.2.25"
            ]
        );
        assert!(!has(&d, Code::MxTargetUnresolvable), "{:?}", codes(&d));
    }

    #[test]
    fn a_really_foreign_exchange_stays_foreign() {
        let mut entries = ALIBABA.to_vec();
        entries.extend([(1, "aspmx.l.google.com"), (20, "mx.other-host.example")]);
        let snap = world().auth_mx(DOMAIN, &entries).build();
        let d = check(&snap);
        let foreign: Vec<&Finding> = d
            .findings
            .iter()
            .filter(|f| f.code == Code::MxForeign)
            .collect();
        assert_eq!(foreign.len(), 2, "{:?}", codes(&d));
        assert_eq!(foreign[0].params["owner"], "google-workspace");
        assert_eq!(foreign[1].params["owner"], "");
        for code in [
            Code::MxTargetCname,
            Code::MxTargetIpLiteral,
            Code::MxTargetUnresolvable,
            Code::MxZoneAppended,
        ] {
            assert!(
                !has(&d, code),
                "nothing else is wrong with them: {:?}",
                codes(&d)
            );
        }
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn an_alias_of_another_server_is_named_an_alias_and_deleted() {
        let mut entries = ALIBABA.to_vec();
        entries.push((20, "relay.example.com"));
        let snap = world()
            .rec_a_via("relay.example.com", "mx.other-host.example", "203.0.113.5")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        let f = only(&d, Code::MxTargetCname);
        assert_eq!(f.severity, Severity::Error, "senders may deliver elsewhere");
        assert_eq!(f.params["canonical"], "mx.other-host.example");
        assert_eq!(
            f.fix.iter().map(row_text).collect::<Vec<_>>(),
            ["delete @ MX 20 relay.example.com"]
        );
        assert!(!has(&d, Code::MxForeign), "{:?}", codes(&d));
        assert_one_reason_per_row(&d);
        assert_repair_is_healthy(&entries, &d, &snap);
    }

    #[test]
    fn a_foreign_exchange_whose_address_lookup_failed_is_foreign_and_unverified() {
        let mut entries = ALIBABA.to_vec();
        entries.push((20, "mx.old-host.example"));
        let snap = world()
            .rec("mx.old-host.example", RType::A, failed(Status::ServFail))
            .rec("mx.old-host.example", RType::Aaaa, failed(Status::ServFail))
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        assert_eq!(
            row_text(&only(&d, Code::MxForeign).fix[0]),
            "delete @ MX 20 mx.old-host.example",
            "by its name it is not Alibaba's"
        );
        let failed = only(&d, Code::LookupFailed);
        assert_eq!(failed.host, "mx.old-host.example");
        assert_eq!(
            failed.severity,
            Severity::Warning,
            "checked, even if deleted"
        );
        assert_one_reason_per_row(&d);
    }

    #[test]
    fn an_unpublished_name_of_the_provider_without_an_address_is_deleted() {
        // Looks like Alibaba's (its suffix), is in no set of theirs, and leads nowhere.
        let mut entries = ALIBABA.to_vec();
        entries.push((20, "mx9.qiye.aliyun.com"));
        let snap = world()
            .rec_nx_host("mx9.qiye.aliyun.com")
            .auth_mx(DOMAIN, &entries)
            .build();
        let d = check(&snap);
        let f = only(&d, Code::MxTargetUnresolvable);
        assert_eq!(row_text(&f.fix[0]), "delete @ MX 20 mx9.qiye.aliyun.com");
        assert_repair_is_healthy(&entries, &d, &snap);
        // The provider's published name without an address is the provider's to fix.
        let snap = world()
            .rec_nx_host("mx1.qiye.aliyun.com")
            .auth_mx(DOMAIN, &ALIBABA)
            .build();
        assert!(only(&check(&snap), Code::MxTargetUnresolvable)
            .fix
            .is_empty());
    }

    #[test]
    fn on_a_subdomain_mail_host_the_mail_host_or_the_zone_may_be_appended() {
        // Mail host `sub.example.com` in zone `example.com`: some panels append the zone to a
        // row at `sub`, others the row's own name.
        let host = "sub.example.com";
        let rows = [
            (5, "mx1.qiye.aliyun.com.sub.example.com"),
            (10, "mx2.qiye.aliyun.com.example.com"),
            (15, "mx3.qiye.aliyun.com"),
        ];
        let snap = world()
            .rec_nx_host(rows[0].1)
            .rec_nx_host(rows[1].1)
            .rec_host("mx3.qiye.aliyun.com", "198.51.100.3")
            .with(|s| {
                s.domain = host.into();
                let records: Vec<_> = rows.iter().map(|(p, x)| mx(host, *p, x)).collect();
                for server in &mut s.authoritative {
                    let answered = obs(host, RType::MX, answer(records.clone()));
                    server.observations.push(answered);
                }
                s.recursive.push(obs(host, RType::MX, answer(records)));
            })
            .build();
        let d = check(&snap);
        let fixes: Vec<String> = d
            .findings
            .iter()
            .filter(|f| f.code == Code::MxZoneAppended)
            .map(|f| row_text(&f.fix[0]))
            .collect();
        assert_eq!(
            fixes,
            [
                "change sub MX 5 mx1.qiye.aliyun.com.sub.example.com -> mx1.qiye.aliyun.com",
                "change sub MX 10 mx2.qiye.aliyun.com.example.com -> mx2.qiye.aliyun.com",
            ],
            "{:?}",
            codes(&d)
        );
        assert!(
            !has(&d, Code::MxForeign) && !has(&d, Code::MxProviderIncomplete),
            "{:?}",
            codes(&d)
        );
    }
}

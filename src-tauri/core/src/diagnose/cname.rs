//! `CNAME_AT_MAIL_HOST`: the mail host itself is an alias (RFC 1912 §2.4, RFC 2181 §10.1;
//! seeds 000 and 001 §2.2).
//!
//! The alias is detected from any answer at the mail host, not from the MX: servers that answer
//! only the CNAME for every type make the MX the user typed invisible. Scope (seed 000): only a
//! CNAME owned by the mail host itself counts; `www` CNAME beside `@` MX is healthy, and so is
//! a flattened apex (A records served where a CNAME was configured).

use std::collections::BTreeMap;

use super::{Action, Code, Ctx, Finding, FixRow, OptionId, RepairOption, Severity};
use crate::diagnose::Variant;
use crate::dns::{canonical, DnsRecord, RType, RecordData};

pub(crate) fn check(ctx: &Ctx) -> Option<Finding> {
    let cname = [RType::Cname, RType::MX, RType::A, RType::TXT]
        .into_iter()
        .filter_map(|t| ctx.published(t))
        .flat_map(|o| o.of(ctx.domain, RType::Cname).cloned().collect::<Vec<_>>())
        .next()?;
    let RecordData::Cname { target } = &cname.data else {
        return None;
    };
    let addresses = target_addresses(ctx);
    let hidden = hidden_mx_rows(ctx);
    let mut options = vec![
        replace_with_a(ctx, &cname, &addresses),
        move_cname(ctx, &cname, target),
        separate_subdomain(ctx),
    ];
    // Once the alias is gone the rows beside it are served: old ones must go first (seed 001
    // §2.1 before §2.2). Keeping the alias (a separate subdomain) leaves them hidden and harmless.
    // The provider's rows to add come after the alias is gone (seed 001's order: delete the
    // old rows, delete the alias, then add).
    let (deletes, adds): (Vec<FixRow>, Vec<FixRow>) = hidden
        .iter()
        .cloned()
        .partition(|r| r.action == Action::Delete);
    for option in options
        .iter_mut()
        .filter(|o| o.id != OptionId::SeparateSubdomain)
    {
        option.fix.splice(0..0, deletes.iter().cloned());
        option.fix.extend(adds.iter().cloned());
    }
    let fix = options[0].fix.clone();
    let mut finding = Finding::new(Code::CnameAtMailHost, Severity::Error, ctx.domain)
        .records([cname.clone()])
        .fix(fix)
        .param("target", target.clone())
        .param("host_label", ctx.host_label(ctx.domain))
        .param("hidden_mx", (!hidden.is_empty()).to_string())
        .worded(Variant::HiddenMx, !hidden.is_empty())
        .param(
            "provider",
            ctx.provider.map(|p| p.name.clone()).unwrap_or_default(),
        );
    finding.options = options;
    Some(finding)
}

/// MX rows at the mail host that are not the provider's, when the DNS host's current answer
/// shows the alias and no MX (seed 001's exact situation: the old provider's rows sit beside the
/// alias, and deleting the alias brings them back). Listed by value where any vantage shows them;
/// where none does, one row stands for "every MX row except the provider's". Nothing when the
/// provider is unknown (nothing to keep is known) or when the MX rows are visible (the MX rules
/// list those).
fn hidden_mx_rows(ctx: &Ctx) -> Vec<FixRow> {
    let Some(provider) = ctx.provider else {
        return Vec::new();
    };
    let visible = ctx
        .published(RType::MX)
        .is_some_and(|o| o.of(ctx.domain, RType::MX).next().is_some());
    if visible {
        return Vec::new();
    }
    let keep: Vec<String> = provider
        .expected_mx(ctx.domain)
        .into_iter()
        .map(|e| e.host)
        .collect();
    if keep.is_empty() {
        return Vec::new();
    }
    let seen = ctx.snap.seen_anywhere(ctx.domain, RType::MX);
    if seen.is_empty() {
        let mut row = ctx.new_row(Action::Delete, ctx.domain, RType::MX, None, "");
        row.keep = keep;
        // Whether the provider's rows sit beside the alias nobody can see: each is added if it
        // is not there yet, so the domain never ends with no mail server at all.
        let mut rows = vec![row];
        rows.extend(provider.expected_mx(ctx.domain).into_iter().map(|e| {
            let mut add = ctx.new_row(
                Action::Add,
                ctx.domain,
                RType::MX,
                Some(e.priority),
                &e.host,
            );
            add.if_missing = true;
            add
        }));
        return rows;
    }
    let mut rows: Vec<FixRow> = seen
        .iter()
        .filter(|r| match &r.data {
            RecordData::MX { exchange, .. } => !provider.owns(exchange) && !keep.contains(exchange),
            _ => false,
        })
        .filter_map(|r| ctx.row(Action::Delete, ctx.domain, r))
        .collect();
    // The provider's rows missing beside the alias are added once it is gone; otherwise the
    // domain would end with no mail server at all.
    let present = |host: &str| {
        seen.iter().any(|r| match &r.data {
            RecordData::MX { exchange, .. } => canonical(exchange) == canonical(host),
            _ => false,
        })
    };
    rows.extend(
        provider
            .expected_mx(ctx.domain)
            .into_iter()
            .filter(|e| !present(&e.host))
            .map(|e| {
                ctx.new_row(
                    Action::Add,
                    ctx.domain,
                    RType::MX,
                    Some(e.priority),
                    &e.host,
                )
            }),
    );
    rows
}

/// The IPv4 addresses the alias leads to right now, to pre-fill option 2.
fn target_addresses(ctx: &Ctx) -> Vec<DnsRecord> {
    [
        ctx.snap.recursive(ctx.domain, RType::A).cloned(),
        ctx.published(RType::A),
    ]
    .into_iter()
    .flatten()
    .map(|o| {
        o.final_records(ctx.domain, RType::A)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>()
    })
    .find(|found| !found.is_empty())
    .unwrap_or_default()
}

/// Option 2 of seed 000: delete the CNAME, add A records with the addresses it leads to.
fn replace_with_a(ctx: &Ctx, cname: &DnsRecord, addresses: &[DnsRecord]) -> RepairOption {
    let mut fix: Vec<FixRow> = ctx
        .row(Action::Delete, ctx.domain, cname)
        .into_iter()
        .collect();
    fix.extend(
        addresses
            .iter()
            .map(|a| ctx.new_row(Action::Add, ctx.domain, RType::A, None, &a.value())),
    );
    let mut params = BTreeMap::new();
    params.insert(
        "addresses".to_string(),
        addresses
            .iter()
            .map(DnsRecord::value)
            .collect::<Vec<_>>()
            .join(", "),
    );
    params.insert(
        "addresses_found".to_string(),
        (!addresses.is_empty()).to_string(),
    );
    RepairOption {
        id: OptionId::ReplaceWithA,
        recommended: true,
        fix,
        params,
        no_addresses: addresses.is_empty(),
    }
}

/// Option 3 of seed 000: keep the alias, on another host name such as `www`.
fn move_cname(ctx: &Ctx, cname: &DnsRecord, target: &str) -> RepairOption {
    let www = format!("www.{}", ctx.zone);
    let new_host = if ctx.domain == www {
        format!("web.{}", ctx.zone)
    } else {
        www
    };
    RepairOption {
        id: OptionId::MoveCname,
        recommended: false,
        fix: ctx
            .row(Action::Delete, ctx.domain, cname)
            .into_iter()
            .chain([ctx.new_row(Action::Add, &new_host, RType::Cname, None, target)])
            .collect(),
        params: BTreeMap::from([("new_host".to_string(), ctx.host_label(&new_host))]),
        no_addresses: false,
    }
}

/// Option 1 of seed 000: leave the alias and receive mail at a separate subdomain.
fn separate_subdomain(ctx: &Ctx) -> RepairOption {
    let mail = format!("mail.{}", ctx.domain);
    let fix = ctx
        .provider
        .map(|p| p.expected_mx(&mail))
        .unwrap_or_default()
        .into_iter()
        .map(|e| ctx.new_row(Action::Add, &mail, RType::MX, Some(e.priority), &e.host))
        .collect();
    RepairOption {
        id: OptionId::SeparateSubdomain,
        recommended: false,
        fix,
        params: BTreeMap::from([("mail_domain".to_string(), mail)]),
        no_addresses: false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::dns::RType;

    #[test]
    fn seed_000_cname_beside_mx_is_flagged_with_three_options() {
        let snap = world()
            .auth_cname("example.com", "cdn.example.net")
            .rec_a_via("example.com", "cdn.example.net", "203.0.113.7")
            .build();
        let d = diagnose(&snap, alibaba());
        let f = only(&d, Code::CnameAtMailHost);
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.records[0].value(), "cdn.example.net");
        let ids: Vec<&str> = f.options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, ["replace_with_a", "move_cname", "separate_subdomain"]);
        let a = &f.options[0].fix;
        assert_eq!(
            (row_text(&a[0]), a[0].keep.clone()),
            (
                "delete @ MX - ".to_string(),
                ALIBABA.iter().map(|(_, h)| h.to_string()).collect()
            ),
            "the alias hides the MX rows everywhere: every MX row but the provider's goes first"
        );
        assert_eq!(row_text(&a[1]), "delete @ CNAME - cdn.example.net");
        assert_eq!(
            row_text(&a[2]),
            "add @ A - 203.0.113.7",
            "pre-filled with the current address"
        );
        // Whether Alibaba's rows sit beside the alias nobody can see: each is added if missing,
        // once the alias is gone.
        let adds: Vec<(String, bool)> = a[3..6]
            .iter()
            .map(|r| (row_text(r), r.if_missing))
            .collect();
        assert_eq!(
            adds,
            ALIBABA
                .iter()
                .map(|(p, h)| (format!("add @ MX {p} {h}"), true))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            row_text(&f.options[1].fix[2]),
            "add www CNAME - cdn.example.net"
        );
        assert_eq!(
            f.options[2].fix.len(),
            3,
            "keeping the alias leaves @ alone"
        );
        assert_eq!(
            row_text(&f.options[2].fix[0]),
            "add mail MX 5 mx1.qiye.aliyun.com"
        );
    }

    #[test]
    fn seed_001_old_mx_rows_hidden_by_the_alias_are_listed_where_any_server_shows_them() {
        // The DNS host's current server answers the alias only; a resolver (or another
        // server) still shows the rows beside it, the old provider's among them.
        let mut entries = ALIBABA.to_vec();
        entries.push((1, "aspmx.l.google.com"));
        let shown = answer(entries.iter().map(|(p, h)| mx(DOMAIN, *p, h)).collect());
        let snap = world()
            .auth_mx_answer_is_cname(DOMAIN, "cdn.example.net")
            .auth_cname(DOMAIN, "cdn.example.net")
            .rec(DOMAIN, RType::MX, shown)
            .build();
        let d = diagnose(&snap, alibaba());
        let f = only(&d, Code::CnameAtMailHost);
        assert_eq!(f.params["hidden_mx"], "true");
        assert_eq!(
            row_text(&f.fix[0]),
            "delete @ MX 1 aspmx.l.google.com",
            "listed by value, the provider's own rows kept"
        );
        assert_eq!(row_text(&f.fix[1]), "delete @ CNAME - cdn.example.net");
        let plan = crate::repair::plan(&d, &snap);
        assert_eq!(
            plan.steps[0].id,
            crate::repair::StepId::DeleteStrayMx,
            "seed 001: stray MX first"
        );
        assert_eq!(plan.steps[1].id, crate::repair::StepId::DeleteCname);
        assert!(
            !has(&d, Code::MxForeign),
            "listed once, in the alias finding"
        );
    }

    #[test]
    fn the_service_is_suggested_from_mx_rows_the_alias_hides_from_the_dns_host() {
        let mut entries = ALIBABA.to_vec();
        entries.push((1, "aspmx.l.google.com"));
        let shown = answer(entries.iter().map(|(p, h)| mx(DOMAIN, *p, h)).collect());
        let snap = world()
            .auth_mx_answer_is_cname(DOMAIN, "cdn.example.net")
            .auth_cname(DOMAIN, "cdn.example.net")
            .rec(DOMAIN, RType::MX, shown)
            .build();
        let d = diagnose(&snap, detect());
        assert_eq!(
            d.provider.as_ref().map(|p| p.id.as_str()),
            Some("alibaba-standard"),
            "three of Alibaba's rows against one of Google's, seen by the resolver"
        );
        assert_eq!(
            row_text(&only(&d, Code::CnameAtMailHost).fix[0]),
            "delete @ MX 1 aspmx.l.google.com",
            "with the service suggested, the old provider's row is in the plan"
        );
    }

    #[test]
    fn visible_mx_rows_beside_the_alias_are_the_mx_rules_business() {
        let mut entries = ALIBABA.to_vec();
        entries.push((1, "aspmx.l.google.com"));
        let snap = world()
            .auth_mx(DOMAIN, &entries)
            .auth_cname(DOMAIN, "cdn.example.net")
            .build();
        let d = diagnose(&snap, alibaba());
        let f = only(&d, Code::CnameAtMailHost);
        assert_eq!(f.params["hidden_mx"], "false");
        assert!(f.fix.iter().all(|r| r.rtype != RType::MX));
        assert_eq!(
            row_text(&only(&d, Code::MxForeign).fix[0]),
            "delete @ MX 1 aspmx.l.google.com"
        );
    }

    #[test]
    fn the_cname_is_seen_even_when_only_the_mx_question_shows_it() {
        // Servers that answer the CNAME for every type: the MX question returns the alias.
        let snap = world()
            .auth_mx_answer_is_cname("example.com", "cdn.example.net")
            .build();
        let d = diagnose(&snap, alibaba());
        only(&d, Code::CnameAtMailHost);
        assert!(!has(&d, Code::MxMissing), "the MX is hidden, not missing");
    }

    #[test]
    fn a_txt_hidden_behind_the_alias_is_not_missing_spf() {
        let mut hidden = nodata();
        hidden.records = vec![cname("example.com", "cdn.example.net")];
        let snap = world()
            .auth_cname("example.com", "cdn.example.net")
            .auth("example.com", RType::TXT, hidden)
            .build();
        let d = diagnose(&snap, alibaba());
        assert!(!has(&d, Code::SpfMissing), "{:?}", codes(&d));
    }

    #[test]
    fn scope_rule_www_cname_and_flattened_apex_are_healthy() {
        let snap = world()
            .auth_mx(
                "example.com",
                &[
                    (5, "mx1.qiye.aliyun.com"),
                    (10, "mx2.qiye.aliyun.com"),
                    (15, "mx3.qiye.aliyun.com"),
                ],
            )
            .auth_cname("www.example.com", "cdn.example.net")
            .auth_a("example.com", "203.0.113.7")
            .build();
        let d = diagnose(&snap, alibaba());
        assert!(!has(&d, Code::CnameAtMailHost), "{:?}", codes(&d));
    }
}

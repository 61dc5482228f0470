//! SPF rules (RFC 7208): one record, valid syntax, the provider's include, at most ten
//! DNS-querying terms and two void lookups (§4.6.4), no include loops, no permissive `all`.

use std::collections::BTreeSet;

use super::{lookup_failed, Action, Code, Ctx, Finding, Severity};
use crate::dns::{canonical, DnsRecord, Outcome, RType, RecordData};
use crate::spf::{self, LookupTerm, Mode, Qualifier, SpfRecord, MAX_LOOKUPS, MAX_VOIDS};

mod propose;
#[cfg(test)]
mod roundtrip;

pub(crate) fn check(ctx: &Ctx) -> Vec<Finding> {
    let Some(outcome) = ctx.published(RType::TXT) else {
        return Vec::new();
    };
    if outcome.status.is_failure() {
        return vec![lookup_failed(
            ctx.domain,
            RType::TXT,
            &outcome,
            Severity::Warning,
            "spf",
        )];
    }
    let records: Vec<DnsRecord> = outcome
        .of(ctx.domain, RType::TXT)
        .filter(|r| matches!(&r.data, RecordData::TXT { text } if spf::is_spf(text)))
        .cloned()
        .collect();
    let include = ctx.provider.and_then(|p| p.spf_include.clone());
    match records.as_slice() {
        // The TXT the user typed is hidden behind an alias at the mail host, like the MX; the
        // CNAME finding covers it, and "missing" would send them to add a duplicate.
        [] if outcome.of(ctx.domain, RType::Cname).next().is_some() => Vec::new(),
        [] => {
            let value = match &include {
                Some(i) => format!("v=spf1 include:{i} -all"),
                None => "v=spf1 mx -all".to_string(),
            };
            vec![
                Finding::new(Code::SpfMissing, Severity::Warning, ctx.domain).fix([ctx.new_row(
                    Action::Add,
                    ctx.domain,
                    RType::TXT,
                    None,
                    &value,
                )]),
            ]
        }
        [one] => single(ctx, one, include.as_deref()),
        many => vec![multiple(ctx, many)],
    }
}

/// Two or more SPF records: receivers return permerror (RFC 7208 §4.5). Merge them into one
/// that passes our own rules ([`spf::compose`] says how, and what it leaves out).
///
/// Servers may rotate a record set's order from one answer to the next (BIND's default), so
/// the merge reads the record naming the provider first, then the others by text: each check
/// proposes the same record, and "the first record's ending" is the provider record's.
fn multiple(ctx: &Ctx, records: &[DnsRecord]) -> Finding {
    let names_provider = |text: &str| {
        let readable = spf::readable(text);
        ctx.provider
            .is_some_and(|p| p.spf_includes().iter().any(|i| readable.includes(i)))
    };
    let mut texts: Vec<String> = records.iter().map(DnsRecord::value).collect();
    texts.sort_by(|a, b| {
        names_provider(b)
            .cmp(&names_provider(a))
            .then_with(|| a.cmp(b))
    });
    let merged = propose::propose(ctx, &texts, Mode::Merge);
    // Where the merge is one of the records as it stands, that one stays: deleting it and adding
    // it back would be two rows for nothing (and a delete that could never be seen done).
    let kept = records.iter().position(|r| r.value() == merged.text);
    let mut fix: Vec<_> = records
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != kept)
        .filter_map(|(_, r)| ctx.row(Action::Delete, ctx.domain, r))
        .collect();
    if kept.is_none() {
        fix.push(ctx.new_row(Action::Add, ctx.domain, RType::TXT, None, &merged.text));
    }
    let finding = Finding::new(Code::SpfMultiple, Severity::Error, ctx.domain)
        .records(records.iter().cloned())
        .fix(fix)
        .param("count", records.len().to_string())
        .param("all", propose::ending(&merged));
    propose::describe(finding, &merged)
}

fn single(ctx: &Ctx, record: &DnsRecord, include: Option<&str>) -> Vec<Finding> {
    let text = record.value();
    let mut findings = match spf::parse(&text) {
        Ok(parsed) => judge(ctx, record, &parsed, include),
        Err(e) => vec![Finding::new(Code::SpfSyntax, Severity::Error, ctx.domain)
            .records([record.clone()])
            .param("reason", e.to_string())],
    };
    propose::repair(ctx, record, &mut findings);
    findings
}

/// The rules for one record that parses: its tree, its `all`, the provider's include.
fn judge(ctx: &Ctx, record: &DnsRecord, parsed: &SpfRecord, include: Option<&str>) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut walk = Walk::default();
    walk.visit(ctx, parsed, ctx.domain, &mut vec![ctx.domain.to_string()]);
    findings.extend(walk.findings(ctx, record));
    if let Some(permissive) = permissive(ctx, record, parsed) {
        findings.push(permissive);
    }
    if let (Some(include), Some(provider)) = (include, ctx.provider) {
        let reached = provider
            .spf_includes()
            .iter()
            .any(|i| walk.reached.contains(&canonical(i)));
        if !reached && !walk.unfinished {
            findings.push(
                Finding::new(Code::SpfProviderMissing, Severity::Warning, ctx.domain)
                    .records([record.clone()])
                    .param("include", include)
                    .param("provider", provider.name.clone()),
            );
        }
    }
    findings
}

/// `+all` lets anyone send as the domain; `?all` says nothing (RFC 7208 §4.6.2, §8).
fn permissive(ctx: &Ctx, record: &DnsRecord, parsed: &SpfRecord) -> Option<Finding> {
    let severity = match parsed.all_qualifier()? {
        Qualifier::Pass => Severity::Warning,
        Qualifier::Neutral => Severity::Info,
        _ => return None,
    };
    Some(Finding::new(Code::SpfPermissive, severity, ctx.domain).records([record.clone()]))
}

/// The SPF tree as the snapshot holds it, counted as a receiver would count it.
#[derive(Default)]
struct Walk {
    lookups: usize,
    voids: usize,
    loops: Vec<String>,
    broken: Vec<String>,
    failed: Vec<(String, RType, Outcome)>,
    /// Domains reached through include or redirect.
    reached: BTreeSet<String>,
    /// Part of the tree was not fetched (past the limits): absence proves nothing.
    unfinished: bool,
}

impl Walk {
    fn visit(&mut self, ctx: &Ctx, record: &SpfRecord, owner: &str, stack: &mut Vec<String>) {
        for term in record.lookup_terms(owner) {
            self.lookups += 1;
            let (domain, rtype) = match &term {
                LookupTerm::Include(d) | LookupTerm::Redirect(d) => (d, RType::TXT),
                LookupTerm::A(d) | LookupTerm::Exists(d) => (d, RType::A),
                LookupTerm::Mx(d) => (d, RType::MX),
                LookupTerm::Ptr => continue,
            };
            if spf::has_macro(domain) {
                continue;
            }
            let domain = canonical(domain);
            if rtype == RType::TXT {
                self.reached.insert(domain.clone());
                if stack.contains(&domain) {
                    self.loops.push(domain);
                    continue;
                }
            }
            let Some(outcome) = ctx.snap.recursive(&domain, rtype) else {
                self.unfinished = true;
                continue;
            };
            if outcome.status.is_failure() {
                // What lies behind a failed lookup is unknown: no verdict rests on its absence.
                self.unfinished = true;
                self.failed.push((domain, rtype, outcome.clone()));
                continue;
            }
            let found = outcome.final_records(&domain, rtype);
            if found.is_empty() {
                self.voids += 1;
            }
            if rtype != RType::TXT {
                continue;
            }
            let child = found.iter().find_map(|r| match &r.data {
                RecordData::TXT { text } if spf::is_spf(text) => Some(spf::parse(text)),
                _ => None,
            });
            match child {
                Some(Ok(child)) if stack.len() < 12 => {
                    stack.push(domain.clone());
                    self.visit(ctx, &child, &domain, stack);
                    stack.pop();
                }
                Some(Ok(_)) => self.unfinished = true,
                _ => self.broken.push(domain),
            }
        }
    }

    fn findings(&self, ctx: &Ctx, record: &DnsRecord) -> Vec<Finding> {
        let mut out = Vec::new();
        let evidence = || [record.clone()];
        if !self.loops.is_empty() {
            out.push(
                Finding::new(Code::SpfIncludeLoop, Severity::Error, ctx.domain)
                    .records(evidence())
                    .param("domains", self.loops.join(", ")),
            );
        } else if self.lookups > MAX_LOOKUPS {
            out.push(
                Finding::new(Code::SpfTooManyLookups, Severity::Error, ctx.domain)
                    .records(evidence())
                    .param("count", self.lookups.to_string())
                    .param("limit", MAX_LOOKUPS.to_string()),
            );
        }
        if self.voids > MAX_VOIDS {
            out.push(
                Finding::new(Code::SpfTooManyVoidLookups, Severity::Error, ctx.domain)
                    .records(evidence())
                    .param("count", self.voids.to_string())
                    .param("limit", MAX_VOIDS.to_string()),
            );
        }
        for domain in &self.broken {
            out.push(
                Finding::new(Code::SpfBrokenInclude, Severity::Error, ctx.domain)
                    .records(evidence())
                    .param("include", domain.clone()),
            );
        }
        for (domain, rtype, outcome) in &self.failed {
            out.push(lookup_failed(
                domain,
                *rtype,
                outcome,
                Severity::Warning,
                "spf",
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::*;
    use super::super::*;
    use crate::dns::{RType, Status};

    fn with_spf(text: &str) -> fixtures::World {
        world().alibaba_healthy().auth_txt("example.com", &[text])
    }

    #[test]
    fn the_seed_record_is_healthy() {
        let d = check(&world().alibaba_healthy().build());
        assert!(
            !d.findings.iter().any(|f| f.code.is_spf()),
            "{:?}",
            codes(&d)
        );
    }

    #[test]
    fn missing_spf_gets_the_seed_record_to_add() {
        let d = check(
            &world()
                .alibaba_healthy()
                .auth_txt("example.com", &["some-verification=abc"])
                .build(),
        );
        let f = only(&d, Code::SpfMissing);
        assert_eq!(
            row_text(&f.fix[0]),
            "add @ TXT - v=spf1 include:spf.qiye.aliyun.com -all"
        );
    }

    #[test]
    fn two_spf_records_are_merged_into_one() {
        let d = check(
            &world()
                .alibaba_healthy()
                .auth_txt(
                    "example.com",
                    &[
                        "v=spf1 include:spf.qiye.aliyun.com -all",
                        "v=spf1 include:_spf.google.com ~all",
                    ],
                )
                .build(),
        );
        let f = only(&d, Code::SpfMultiple);
        assert_eq!(f.fix.len(), 3);
        assert_eq!(
            f.fix[2].value,
            "v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com -all"
        );
    }

    #[test]
    fn a_merge_says_which_ending_it_kept_and_what_it_left_out() {
        let d = check(
            &world()
                .alibaba_healthy()
                .auth_txt(
                    "example.com",
                    &[
                        "v=spf1 inclde:x.example ip4:192.0.2.1 ip4:192.0.2.2 -all",
                        "v=spf1 ip4:192.0.2.1 include:spf.qiye.aliyun.com +all",
                    ],
                )
                .build(),
        );
        let f = only(&d, Code::SpfMultiple);
        assert_eq!(
            f.fix[2].value, "v=spf1 ip4:192.0.2.1 include:spf.qiye.aliyun.com ip4:192.0.2.2 ~all",
            "the record naming the provider is read first; its +all becomes ~all; the \
             misspelt term is left out"
        );
        assert_eq!(f.params["all"], "~all");
        assert_eq!(f.params["dropped"], "inclde:x.example -all");
        assert_eq!(
            f.params["changes"],
            "unknown inclde:x.example\nduplicate ip4:192.0.2.1\n\
             all_softened +all\nall_extra -all"
        );
    }

    #[test]
    fn a_merge_is_the_same_whichever_order_the_server_answers_in() {
        let records = [
            "v=spf1 include:_spf.google.com ~all",
            "v=spf1 ip4:192.0.2.1 -all",
            "v=spf1 include:spf.qiye.aliyun.com ?all",
        ];
        let merged = |order: [usize; 3]| {
            let texts = order.map(|i| records[i]);
            let d = check(
                &world()
                    .alibaba_healthy()
                    .auth_txt("example.com", &texts)
                    .build(),
            );
            only(&d, Code::SpfMultiple).fix[3].value.clone()
        };
        let first = merged([0, 1, 2]);
        assert_eq!(
            first,
            "v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com ip4:192.0.2.1 ~all"
        );
        for order in [[2, 1, 0], [1, 0, 2], [1, 2, 0]] {
            assert_eq!(merged(order), first, "answered in order {order:?}");
        }
    }

    #[test]
    fn one_record_gets_one_repair_for_all_its_faults() {
        let d = check(
            &with_spf("v=spf1 ip4:192.0.2.1 include:gone.example.net +all")
                .rec("gone.example.net", RType::TXT, nx())
                .build(),
        );
        let want = "change @ TXT - v=spf1 ip4:192.0.2.1 include:gone.example.net +all \
                    -> v=spf1 ip4:192.0.2.1 include:spf.qiye.aliyun.com -all";
        for code in [
            Code::SpfBrokenInclude,
            Code::SpfPermissive,
            Code::SpfProviderMissing,
        ] {
            let f = only(&d, code);
            assert_eq!(
                f.fix.iter().map(row_text).collect::<Vec<_>>(),
                [want],
                "{code:?}: each fault of the record is fixed by the same one change"
            );
        }
        let lead = only(&d, Code::SpfBrokenInclude);
        assert_eq!(lead.params["dropped"], "include:gone.example.net");
        assert!(
            !only(&d, Code::SpfPermissive).params.contains_key("changes"),
            "what the change does is said once, on the first finding shown"
        );
        let plan = crate::repair::plan(&d, &world().build());
        let spf_rows: Vec<_> = plan
            .steps
            .iter()
            .flat_map(|s| &s.rows)
            .filter(|r| r.rtype == RType::TXT)
            .collect();
        assert_eq!(
            spf_rows.len(),
            1,
            "the plan asks for one change: {spf_rows:?}"
        );
    }

    #[test]
    fn a_misspelt_record_gets_a_repair_that_says_what_it_left_out() {
        let d = check(&with_spf("v=spf1 inclde:spf.qiye.aliyun.com -all").build());
        let f = only(&d, Code::SpfSyntax);
        assert_eq!(
            f.fix[0].new_value.as_deref(),
            Some("v=spf1 include:spf.qiye.aliyun.com -all")
        );
        assert_eq!(
            f.params["changes"],
            "unknown inclde:spf.qiye.aliyun.com\ninclude_added include:spf.qiye.aliyun.com"
        );
    }

    #[test]
    fn the_plans_target_is_the_proposed_record() {
        let snap = world()
            .alibaba_healthy()
            .auth_txt(
                "example.com",
                &[
                    "v=spf1 include:spf.qiye.aliyun.com -all",
                    "v=spf1 include:_spf.google.com\n~all",
                ],
            )
            .build();
        let d = check(&snap);
        let target = crate::repair::plan(&d, &snap).target;
        let spf: Vec<&str> = target
            .iter()
            .filter(|r| r.rtype == RType::TXT)
            .map(|r| r.value.as_str())
            .collect();
        // The merge is the provider's record as it stands: it stays, only the other goes (a
        // delete and an add of the same record could never be seen done).
        let fix: Vec<String> = only(&d, Code::SpfMultiple)
            .fix
            .iter()
            .map(row_text)
            .collect();
        assert_eq!(
            fix,
            ["delete @ TXT - v=spf1 include:_spf.google.com\n~all"],
            "{fix:?}"
        );
        assert_eq!(
            spf,
            ["v=spf1 include:spf.qiye.aliyun.com -all"],
            "the rows to end with hold the merged record, the one kept"
        );
    }

    #[test]
    fn syntax_errors_are_reported_with_the_reason() {
        let d = check(&with_spf("v=spf1 include:spf.qiye.aliyun.com ip4:999.1.1.1 -all").build());
        assert!(only(&d, Code::SpfSyntax).params["reason"].contains("999.1.1.1"));
        let ok =
            check(&with_spf("v=spf1 ip4:192.0.2.0/24 include:spf.qiye.aliyun.com -all").build());
        assert!(!has(&ok, Code::SpfSyntax));
    }

    #[test]
    fn provider_include_missing_is_changed_in_place() {
        let d = check(&with_spf("v=spf1 ip4:192.0.2.1 ~all").build());
        let f = only(&d, Code::SpfProviderMissing);
        assert_eq!(
            f.fix[0].new_value.as_deref(),
            Some("v=spf1 ip4:192.0.2.1 include:spf.qiye.aliyun.com ~all")
        );
    }

    #[test]
    fn a_nested_provider_include_counts() {
        let d = check(
            &with_spf("v=spf1 include:spf.example.net -all")
                .auth_txt(
                    "spf.example.net",
                    &["v=spf1 include:spf.qiye.aliyun.com -all"],
                )
                .build(),
        );
        assert!(!has(&d, Code::SpfProviderMissing), "{:?}", codes(&d));
    }

    #[test]
    fn eleven_lookups_are_too_many_but_ten_are_fine() {
        let names: Vec<String> = (0..10).map(|i| format!("s{i}.example.net")).collect();
        let build = |n: usize| {
            let includes: Vec<String> = names[..n].iter().map(|d| format!("include:{d}")).collect();
            let mut w = with_spf(&format!(
                "v=spf1 include:spf.qiye.aliyun.com {} -all",
                includes.join(" ")
            ));
            for d in &names {
                w = w.auth_txt(d, &["v=spf1 ip4:192.0.2.1 -all"]);
            }
            check(&w.build())
        };
        assert!(
            !has(&build(9), Code::SpfTooManyLookups),
            "10 lookups are allowed"
        );
        assert_eq!(
            only(&build(10), Code::SpfTooManyLookups).params["count"],
            "11"
        );
    }

    #[test]
    fn mx_target_addresses_do_not_count_but_mx_does() {
        // a, mx, and 8 includes: 10 lookups; the MX's own address lookups are not counted.
        let names: Vec<String> = (0..7).map(|i| format!("s{i}.example.net")).collect();
        let mut w = with_spf(&format!(
            "v=spf1 a mx include:spf.qiye.aliyun.com {} -all",
            names
                .iter()
                .map(|d| format!("include:{d}"))
                .collect::<Vec<_>>()
                .join(" ")
        ));
        for d in &names {
            w = w.auth_txt(d, &["v=spf1 ip4:192.0.2.1 -all"]);
        }
        let d = check(&w.auth_a("example.com", "192.0.2.80").build());
        assert!(!has(&d, Code::SpfTooManyLookups), "{:?}", codes(&d));
    }

    #[test]
    fn three_void_lookups_are_too_many() {
        let w = with_spf("v=spf1 a:v1.example.net a:v2.example.net exists:v3.example.net include:spf.qiye.aliyun.com -all")
            .rec("v1.example.net", RType::A, nx())
            .rec("v2.example.net", RType::A, nodata())
            .rec("v3.example.net", RType::A, nx());
        assert_eq!(
            only(&check(&w.build()), Code::SpfTooManyVoidLookups).params["count"],
            "3"
        );
        let two =
            with_spf("v=spf1 a:v1.example.net a:v2.example.net include:spf.qiye.aliyun.com -all")
                .rec("v1.example.net", RType::A, nx())
                .rec("v2.example.net", RType::A, nodata());
        assert!(!has(&check(&two.build()), Code::SpfTooManyVoidLookups));
    }

    #[test]
    fn include_loops_and_broken_includes() {
        let looped = with_spf("v=spf1 include:a.example.net include:spf.qiye.aliyun.com -all")
            .auth_txt("a.example.net", &["v=spf1 include:b.example.net -all"])
            .auth_txt("b.example.net", &["v=spf1 include:a.example.net -all"]);
        assert_eq!(
            only(&check(&looped.build()), Code::SpfIncludeLoop).params["domains"],
            "a.example.net"
        );

        let broken = with_spf("v=spf1 include:gone.example.net include:spf.qiye.aliyun.com -all")
            .rec("gone.example.net", RType::TXT, nx());
        assert_eq!(
            only(&check(&broken.build()), Code::SpfBrokenInclude).params["include"],
            "gone.example.net"
        );
    }

    #[test]
    fn a_failed_include_lookup_is_not_a_verdict() {
        let d = check(
            &with_spf("v=spf1 include:slow.example.net ~all")
                .rec("slow.example.net", RType::TXT, failed(Status::Timeout))
                .build(),
        );
        assert_eq!(only(&d, Code::LookupFailed).host, "slow.example.net");
        assert!(!has(&d, Code::SpfBrokenInclude));
        assert!(
            !has(&d, Code::SpfProviderMissing),
            "the provider may be behind the include that did not answer: {:?}",
            codes(&d)
        );
    }

    #[test]
    fn permissive_all() {
        let plus = check(&with_spf("v=spf1 include:spf.qiye.aliyun.com +all").build());
        let f = only(&plus, Code::SpfPermissive);
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.fix[0].new_value.as_deref(),
            Some("v=spf1 include:spf.qiye.aliyun.com -all")
        );
        let neutral = check(&with_spf("v=spf1 include:spf.qiye.aliyun.com ?all").build());
        assert_eq!(only(&neutral, Code::SpfPermissive).severity, Severity::Info);
        assert!(!has(
            &check(&with_spf("v=spf1 include:spf.qiye.aliyun.com ~all").build()),
            Code::SpfPermissive
        ));
    }
}

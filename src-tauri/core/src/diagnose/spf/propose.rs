//! The SPF records the diagnosis proposes, built by [`spf::compose`] with each term priced
//! from the snapshot by the same [`Walk`] that judges a published record: a proposal served
//! back yields none of our SPF findings (DESIGN.md "Truth rules").

use super::Walk;
use crate::diagnose::{Action, Code, Ctx, Finding};
use crate::dns::{canonical, DnsRecord};
use crate::spf::{self, Change, Cost, Mode, Proposal, SpfRecord, Term};

/// One record made from `records` (SPF texts at the mail host).
pub(super) fn propose(ctx: &Ctx, records: &[String], mode: Mode) -> Proposal {
    let include = ctx.provider.and_then(|p| p.spf_include.as_deref());
    let provider: Vec<String> = ctx
        .provider
        .map(|p| p.spf_includes().into_iter().map(canonical).collect())
        .unwrap_or_default();
    let texts: Vec<&str> = records.iter().map(String::as_str).collect();
    spf::compose(&texts, mode, include, |term| cost(ctx, &provider, term))
}

/// What `term` costs in the mail host's record: the walk of a record holding only that term
/// (costs add up term by term: receivers keep no cache between terms, RFC 7208 §4.6.4).
fn cost(ctx: &Ctx, provider: &[String], term: &Term) -> Cost {
    let mut walk = Walk::default();
    let record = SpfRecord {
        terms: vec![term.clone()],
    };
    walk.visit(ctx, &record, ctx.domain, &mut vec![ctx.domain.to_string()]);
    let defect = if !walk.loops.is_empty() {
        Some(Change::Loop)
    } else if !walk.broken.is_empty() {
        Some(Change::Broken)
    } else {
        None
    };
    Cost {
        lookups: walk.lookups,
        voids: walk.voids,
        defect,
        reaches_provider: provider.iter().any(|i| walk.reached.contains(i)),
    }
}

/// The `all` a proposal ends in (`-all`, `~all`), for the wording.
pub(super) fn ending(proposal: &Proposal) -> String {
    spf::raw_terms(&proposal.text)
        .into_iter()
        .find(|t| matches!(spf::parse_term(t), Ok(Term::All { .. })))
        .unwrap_or_default()
        .to_string()
}

/// Tells the reader what the proposal changed: `changes` (one `reason term` a line, worded by
/// the catalogs' `spf_changes`) and `dropped` (the terms left out, separated by spaces).
pub(super) fn describe(finding: Finding, proposal: &Proposal) -> Finding {
    finding
        .param("changes", proposal.changes())
        .param("dropped", proposal.dropped().join(" "))
}

/// One repair for the one SPF record at the mail host, shared by every finding about it (the
/// plan shows the row once): syntax, lookups, voids, loops, broken includes, a permissive
/// `all`, the provider's include, all fixed by the same change. The first of the most severe
/// of these findings says what the change leaves out.
pub(super) fn repair(ctx: &Ctx, record: &DnsRecord, findings: &mut [Finding]) {
    let about_record = |f: &Finding| f.code != Code::LookupFailed;
    let Some(lead) = findings
        .iter()
        .enumerate()
        .filter(|(_, f)| about_record(f))
        .min_by_key(|(_, f)| f.severity)
        .map(|(i, _)| i)
    else {
        return;
    };
    let text = record.value();
    let proposal = propose(ctx, std::slice::from_ref(&text), Mode::Repair);
    if spf::raw_terms(&proposal.text) == spf::raw_terms(&text) {
        return;
    }
    let Some(mut row) = ctx.row(Action::Change, ctx.domain, record) else {
        return;
    };
    row.new_value = Some(proposal.text.clone());
    for finding in findings.iter_mut().filter(|f| about_record(f)) {
        finding.fix.push(row.clone());
    }
    let described = describe(findings[lead].clone(), &proposal);
    findings[lead] = described;
}

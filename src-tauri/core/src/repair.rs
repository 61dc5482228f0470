//! The repair plan: the findings' rows in seed 001's order (delete stray MX, delete the
//! conflicting CNAME, then make the records match the correct example), as data that a person
//! reads and that a machine could apply (Domain Connect, a DNS host's API) later.

use serde::{Deserialize, Serialize};

use crate::diagnose::{host_label, Action, Code, Diagnosis, FixRow};
use crate::dns::{RType, RecordData};
use crate::providers::Provider;
use crate::snapshot::Snapshot;
use crate::spf;

/// One step of the plan, in the order the user should do them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlanStep {
    /// Stable: `delete_stray_mx`, `delete_cname`, `mail_servers`, `spf`, `other`.
    pub id: String,
    pub rows: Vec<FixRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RepairPlan {
    pub steps: Vec<PlanStep>,
    /// Seed 001 §2.3: how the mail host's MX and SPF rows look once everything is right.
    /// Every row here has action `add` in the sense "should exist".
    pub target: Vec<FixRow>,
}

fn step_of(code: Code, row: &FixRow) -> &'static str {
    let action = row.action;
    match code {
        Code::MxForeign => "delete_stray_mx",
        // A row that is not the provider's goes, whatever else is wrong with it.
        Code::MxNull
        | Code::MxTargetCname
        | Code::MxTargetIpLiteral
        | Code::MxTargetUnresolvable
        | Code::MxZoneAppended
            if action == Action::Delete =>
        {
            "delete_stray_mx"
        }
        // MX rows hidden beside an alias go before the alias (seed 001 §2.1, then §2.2).
        Code::CnameAtMailHost if action == Action::Delete && row.rtype == "MX" => "delete_stray_mx",
        Code::CnameAtMailHost => "delete_cname",
        Code::MxMissing
        | Code::MxNull
        | Code::MxProviderIncomplete
        | Code::MxTargetCname
        | Code::MxTargetIpLiteral
        | Code::MxZoneAppended => "mail_servers",
        c if c.as_str().starts_with("SPF") => "spf",
        _ => "other",
    }
}

const ORDER: [&str; 5] = [
    "delete_stray_mx",
    "delete_cname",
    "mail_servers",
    "spf",
    "other",
];

/// Builds the plan from a diagnosis of `snap`.
pub fn plan(diagnosis: &Diagnosis, snap: &Snapshot) -> RepairPlan {
    let mut steps: Vec<PlanStep> = ORDER
        .iter()
        .map(|id| PlanStep {
            id: id.to_string(),
            rows: Vec::new(),
        })
        .collect();
    for finding in &diagnosis.findings {
        for row in &finding.fix {
            let id = step_of(finding.code, row);
            if let Some(step) = steps.iter_mut().find(|s| s.id == id) {
                if !step.rows.contains(row) {
                    step.rows.push(row.clone());
                }
            }
        }
    }
    steps.retain(|s| !s.rows.is_empty());
    RepairPlan {
        steps,
        target: target(diagnosis, snap),
    }
}

fn target(diagnosis: &Diagnosis, snap: &Snapshot) -> Vec<FixRow> {
    let Some(provider) = &diagnosis.provider else {
        return Vec::new();
    };
    let zone = snap.zone.as_deref().unwrap_or(&snap.domain);
    let host = host_label(&snap.domain, zone);
    let row = |rtype: &str, priority, value: String| FixRow {
        action: Action::Add,
        host: host.clone(),
        rtype: rtype.to_string(),
        priority,
        value,
        new_value: None,
        keep: Vec::new(),
    };
    let mut rows: Vec<FixRow> = provider
        .expected_mx(&snap.domain)
        .into_iter()
        .map(|e| row("MX", Some(e.priority), e.host))
        .collect();
    if let Some(value) = target_spf(diagnosis, snap, &host, provider) {
        rows.push(row("TXT", None, value));
    }
    rows
}

/// The one SPF record the mail host should hold: the record the diagnosis proposes (a merge,
/// a repair or the record to add, each built to pass our own rules), else the one published
/// record when no SPF rule found fault with it, else the provider's own record.
fn target_spf(
    diagnosis: &Diagnosis,
    snap: &Snapshot,
    host: &str,
    provider: &Provider,
) -> Option<String> {
    let proposed = diagnosis
        .findings
        .iter()
        .filter(|f| f.code.as_str().starts_with("SPF"))
        .flat_map(|f| &f.fix)
        .filter(|r| r.rtype == "TXT" && r.host == host)
        .find_map(|r| match r.action {
            Action::Add => Some(r.value.clone()),
            Action::Change => r.new_value.clone(),
            Action::Delete => None,
        })
        .filter(|v| spf::is_spf(v));
    if proposed.is_some() {
        return proposed;
    }
    let include = provider.spf_include.as_ref()?;
    let published: Vec<String> = snap
        .published(&snap.domain, RType::TXT)
        .map(|o| {
            o.of(&snap.domain, RType::TXT)
                .filter_map(|r| match &r.data {
                    RecordData::TXT { text } if spf::is_spf(text) => Some(text.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    match published.as_slice() {
        [one] if spf::parse(one).is_ok() => Some(one.clone()),
        _ => Some(format!("v=spf1 include:{include} -all")),
    }
}

//! The repair plan: the findings' rows in seed 001's order (delete stray MX, delete the
//! conflicting CNAME, then make the records match the correct example), as data that a person
//! reads and that a machine could apply (Domain Connect, a DNS host's API) later.

use serde::{Deserialize, Serialize};

use crate::diagnose::{host_label, Action, Code, Diagnosis, FixRow};
use crate::dns::{RType, RecordData};
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
    if let Some(include) = &provider.spf_include {
        let current = snap.published(&snap.domain, RType::TXT).and_then(|o| {
            o.of(&snap.domain, RType::TXT).find_map(|r| match &r.data {
                RecordData::TXT { text } if spf::is_spf(text) => Some(text.clone()),
                _ => None,
            })
        });
        let value = match current {
            Some(text)
                if provider
                    .spf_includes()
                    .iter()
                    .any(|i| spf::parse(&text).is_ok_and(|p| p.includes(i))) =>
            {
                text
            }
            Some(text) if spf::parse(&text).is_ok() => spf::with_include(&text, include),
            _ => format!("v=spf1 include:{include} -all"),
        };
        rows.push(row("TXT", None, value));
    }
    rows
}

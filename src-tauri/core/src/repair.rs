//! The repair plan: the findings' rows in seed 001's order (delete stray MX, delete the
//! conflicting CNAME, then make the records match the correct example), as data that a person
//! reads and that a machine could apply (Domain Connect, a DNS host's API) later.

use serde::{Deserialize, Serialize};

use crate::diagnose::{host_label, Action, Code, Diagnosis, FixRow, OptionId, RepairOption};
use crate::dns::{RType, RecordData};
use crate::providers::Provider;
use crate::snapshot::Snapshot;
use crate::spf;

/// The steps of a plan, in the order the user does them (seed 001's order). Serialised as
/// the stable ids of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum StepId {
    DeleteStrayMx,
    DeleteCname,
    MailSubdomain,
    MailServers,
    Spf,
    Other,
}

impl StepId {
    /// The id as the JSON contract and the wording catalogs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            StepId::DeleteStrayMx => "delete_stray_mx",
            StepId::DeleteCname => "delete_cname",
            StepId::MailSubdomain => "mail_subdomain",
            StepId::MailServers => "mail_servers",
            StepId::Spf => "spf",
            StepId::Other => "other",
        }
    }
}

/// One step of the plan, in the order the user should do them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PlanStep {
    pub id: StepId,
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

fn step_of(code: Code, row: &FixRow) -> StepId {
    let action = row.action;
    match code {
        Code::MxForeign => StepId::DeleteStrayMx,
        // A row that is not the provider's goes, whatever else is wrong with it.
        Code::MxNull
        | Code::MxTargetCname
        | Code::MxTargetIpLiteral
        | Code::MxTargetUnresolvable
        | Code::MxZoneAppended
            if action == Action::Delete =>
        {
            StepId::DeleteStrayMx
        }
        // MX rows hidden beside an alias go before the alias (seed 001 §2.1, then §2.2).
        Code::CnameAtMailHost if action == Action::Delete && row.rtype == RType::MX => {
            StepId::DeleteStrayMx
        }
        // The provider's rows missing beside the alias come once it is gone.
        Code::CnameAtMailHost if action == Action::Add && row.rtype == RType::MX => {
            StepId::MailServers
        }
        Code::CnameAtMailHost => StepId::DeleteCname,
        Code::MxMissing
        | Code::MxNull
        | Code::MxProviderIncomplete
        | Code::MxTargetCname
        | Code::MxTargetIpLiteral
        | Code::MxZoneAppended => StepId::MailServers,
        c if c.is_spf() => StepId::Spf,
        _ => StepId::Other,
    }
}

const ORDER: [StepId; 6] = [
    StepId::DeleteStrayMx,
    StepId::DeleteCname,
    StepId::MailSubdomain,
    StepId::MailServers,
    StepId::Spf,
    StepId::Other,
];

/// A plan asked for with an alias option the diagnosis does not offer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "\"{given}\" is not one of the ways offered to remove the alias{}",
        offered_words(offered)
    )]
    UnknownOption { given: String, offered: Vec<String> },
}

fn offered_words(offered: &[String]) -> String {
    if offered.is_empty() {
        ": the check found no alias to remove".to_string()
    } else {
        format!(" ({})", offered.join(", "))
    }
}

/// An alias option id, also as DESIGN.md's `fix --option` spells it (`a-records`,
/// `move-to-www`, `separate-subdomain`).
pub fn option_id(name: &str) -> &str {
    match OptionId::parse(name) {
        Some(id) => id.as_str(),
        None => name.trim(),
    }
}

/// Builds the plan from a diagnosis of `snap`, with the recommended way to remove an alias.
pub fn plan(diagnosis: &Diagnosis, snap: &Snapshot) -> RepairPlan {
    build(diagnosis, snap, None)
}

/// The plan with alias option `option` (an id of `CNAME_AT_MAIL_HOST`'s options) in place of
/// the recommended one; `None` is [`plan`]. Every screen, the wait and the report take their
/// rows from here, so they always agree on what the user was asked to do.
pub fn plan_for(
    diagnosis: &Diagnosis,
    snap: &Snapshot,
    option: Option<&str>,
) -> Result<RepairPlan, PlanError> {
    let Some(id) = option.map(option_id) else {
        return Ok(plan(diagnosis, snap));
    };
    let offered: Vec<&RepairOption> = diagnosis
        .findings
        .iter()
        .filter(|f| f.code == Code::CnameAtMailHost)
        .flat_map(|f| &f.options)
        .collect();
    let chosen = offered
        .iter()
        .find(|o| o.id.as_str() == id)
        .ok_or_else(|| PlanError::UnknownOption {
            given: option.unwrap_or_default().to_string(),
            offered: offered.iter().map(|o| o.id.as_str().to_string()).collect(),
        })?;
    Ok(build(diagnosis, snap, Some(chosen)))
}

/// The plan of every alias option, by option id (empty when there is no alias to remove).
pub fn option_plans(diagnosis: &Diagnosis, snap: &Snapshot) -> Vec<(OptionId, RepairPlan)> {
    diagnosis
        .findings
        .iter()
        .filter(|f| f.code == Code::CnameAtMailHost)
        .flat_map(|f| &f.options)
        .map(|o| (o.id, build(diagnosis, snap, Some(o))))
        .collect()
}

/// The mail host once the plan is done: the checked name, or the separate subdomain.
pub fn mail_host(diagnosis: &Diagnosis, snap: &Snapshot, option: Option<&str>) -> String {
    diagnosis
        .findings
        .iter()
        .filter(|f| f.code == Code::CnameAtMailHost)
        .flat_map(|f| &f.options)
        .find(|o| {
            option.map(option_id) == Some(o.id.as_str()) && o.id == OptionId::SeparateSubdomain
        })
        .and_then(|o| o.params.get("mail_domain").cloned())
        .unwrap_or_else(|| snap.domain.clone())
}

fn build(diagnosis: &Diagnosis, snap: &Snapshot, chosen: Option<&RepairOption>) -> RepairPlan {
    let mut steps: Vec<PlanStep> = ORDER
        .iter()
        .map(|&id| PlanStep {
            id,
            rows: Vec::new(),
        })
        .collect();
    // Keeping the alias (a separate subdomain) leaves every other row at the alias host hidden
    // behind it: asking the user to change those would be work that changes nothing.
    let keeps_alias = chosen.is_some_and(|o| o.id == OptionId::SeparateSubdomain);
    let zone = snap.zone.as_deref().unwrap_or(&snap.domain);
    let alias_label = host_label(&snap.domain, zone);
    for finding in &diagnosis.findings {
        let alias = finding.code == Code::CnameAtMailHost;
        let rows = match chosen {
            Some(option) if alias => &option.fix,
            _ => &finding.fix,
        };
        for row in rows {
            let id = if alias && keeps_alias {
                StepId::MailSubdomain
            } else if keeps_alias && row.host == alias_label {
                continue;
            } else {
                step_of(finding.code, row)
            };
            if let Some(step) = steps.iter_mut().find(|s| s.id == id) {
                if !step.rows.contains(row) {
                    step.rows.push(row.clone());
                }
            }
        }
    }
    // A row listed in an earlier step is not listed again.
    let mut seen: Vec<FixRow> = Vec::new();
    for step in &mut steps {
        step.rows.retain(|r| {
            let new = !seen.contains(r);
            seen.push(r.clone());
            new
        });
    }
    steps.retain(|s| !s.rows.is_empty());
    let host = match chosen {
        Some(o) if keeps_alias => o.params.get("mail_domain").cloned(),
        _ => None,
    };
    RepairPlan {
        steps,
        target: target(diagnosis, snap, host.as_deref().unwrap_or(&snap.domain)),
    }
}

/// The rows the mail host `mail_host` should hold once everything is right.
fn target(diagnosis: &Diagnosis, snap: &Snapshot, mail_host: &str) -> Vec<FixRow> {
    let Some(provider) = &diagnosis.provider else {
        return Vec::new();
    };
    let zone = snap.zone.as_deref().unwrap_or(&snap.domain);
    let host = host_label(mail_host, zone);
    let row = |rtype: RType, priority, value: String| FixRow {
        action: Action::Add,
        host: host.clone(),
        rtype,
        priority,
        value,
        new_value: None,
        new_priority: None,
        keep: Vec::new(),
        if_missing: false,
    };
    let mut rows: Vec<FixRow> = provider
        .expected_mx(mail_host)
        .into_iter()
        .map(|e| row(RType::MX, Some(e.priority), e.host))
        .collect();
    // The subdomain's SPF is not part of the option's rows: only the mail servers are shown.
    if mail_host == snap.domain {
        if let Some(value) = target_spf(diagnosis, snap, &host, provider) {
            rows.push(row(RType::TXT, None, value));
        }
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
        .filter(|f| f.code.is_spf())
        .flat_map(|f| &f.fix)
        .filter(|r| r.rtype == RType::TXT && r.host == host)
        .find_map(|r| match r.action {
            Action::Add => Some(r.value.clone()),
            Action::Change => r.new_value.clone(),
            Action::Delete => None,
        })
        .filter(|v| spf::is_spf(v));
    if proposed.is_some() {
        return proposed;
    }
    // Two records whose merge is one of them: that one stays, the others go.
    let kept = diagnosis
        .findings
        .iter()
        .filter(|f| f.code == Code::SpfMultiple)
        .flat_map(|f| {
            f.records
                .iter()
                .map(|r| r.value())
                .filter(|v| !f.fix.iter().any(|row| row.value == *v))
        })
        .next();
    if kept.is_some() {
        return kept;
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

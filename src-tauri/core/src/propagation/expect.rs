//! What "clear" means for one wait: conditions taken from the diagnosis that started it, and
//! their evaluation against what one vantage point answered.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::diagnose::{Code, Diagnosis, FixRow, Severity};
use crate::dns::{canonical, DnsRecord, Outcome, RType, RecordData};
use crate::providers::Provider;
use crate::repair;
use crate::saved::{self, RowState};
use crate::snapshot::Snapshot;
use crate::spf;

/// One thing that must be true at a vantage point before it counts as clear.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    /// No alias (CNAME) at the mail host (seed 000): asked with a CNAME question, and seen in
    /// the chain of every other answer.
    NoAlias { name: String },
    /// The mail host lists the provider's mail servers (one complete accepted set) and none of
    /// anyone else's (seed 001). Priorities are not compared: a wrong priority delays no mail.
    MailServers {
        name: String,
        provider: Box<Provider>,
    },
    /// Exactly one SPF record at the mail host, and it includes the provider's domain.
    SpfInclude { name: String, includes: Vec<String> },
    /// One row of the plan the user chose, as the repair step showed it: deleted, added or
    /// changed at `name` (judged as "I've made the changes" judges it).
    Row {
        name: String,
        rtype: RType,
        row: FixRow,
        /// A row only a suggestion asked for (a finding of severity `info`, such as adding a
        /// DMARC record): followed and reported, but it does not hold the wait.
        #[serde(default)]
        optional: bool,
    },
}

impl Condition {
    /// The question whose answer decides this condition.
    pub fn question(&self) -> (String, RType) {
        match self {
            Condition::NoAlias { name } => (name.clone(), RType::Cname),
            Condition::MailServers { name, .. } => (name.clone(), RType::MX),
            Condition::SpfInclude { name, .. } => (name.clone(), RType::TXT),
            Condition::Row { name, rtype, .. } => (name.clone(), *rtype),
        }
    }

    /// The kind of gap this condition leaves when unmet.
    pub fn gap_kind(&self) -> GapKind {
        match self {
            Condition::NoAlias { .. } => GapKind::AliasPresent,
            Condition::MailServers { .. } => GapKind::MailServersDiffer,
            Condition::SpfInclude { .. } => GapKind::SpfIncludeMissing,
            Condition::Row { .. } => GapKind::RowDiffers,
        }
    }

    /// True for a suggested row's condition: it never holds the wait.
    pub fn is_optional(&self) -> bool {
        matches!(self, Condition::Row { optional: true, .. })
    }

    pub fn name(&self) -> &str {
        match self {
            Condition::NoAlias { name }
            | Condition::MailServers { name, .. }
            | Condition::SpfInclude { name, .. }
            | Condition::Row { name, .. } => name,
        }
    }
}

/// What still differs at one vantage point, with the records it answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Gap {
    pub kind: GapKind,
    /// What the vantage answered (the old data, for a cache).
    pub records: Vec<DnsRecord>,
    /// Seconds the answer may still be served from a cache: the TTL of the record at the mail
    /// host that decides the condition, or the negative TTL of an empty answer (RFC 2308 §5).
    /// From an authoritative server this is the full TTL; from a cache, what remains of it.
    pub ttl: Option<u32>,
    /// For a row of the plan: the row that is not (yet) as the repair step asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<FixRow>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// The alias (CNAME) is still there.
    AliasPresent,
    /// The mail servers are not (yet) exactly the provider's.
    MailServersDiffer,
    /// The SPF record does not (yet) include the provider.
    SpfIncludeMissing,
    /// A row of the chosen plan is not (yet) deleted, added or changed as asked.
    RowDiffers,
}

/// The judgement of one condition from one vantage's answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Unmet(Gap),
    /// The question could not be answered (timeout, SERVFAIL, …): nothing is concluded.
    Unknown(String),
}

/// The conditions for a wait started from `diagnosis` of `snap` with the recommended plan.
/// Empty when nothing is known to wait for.
pub fn conditions(diagnosis: &Diagnosis, snap: &Snapshot) -> Vec<Condition> {
    goal(diagnosis, snap, None)
        .map(|g| g.conditions)
        .unwrap_or_default()
}

/// What a wait waits for: the rows of the plan the user chose (the alias option `option`, or
/// the recommended one), and what receiving mail needs at the mail host once they are made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Goal {
    /// The alias option chosen, if the plan offered one.
    pub option: Option<String>,
    /// Where mail is received once the plan is done (a separate subdomain keeps the alias).
    pub mail_host: String,
    pub conditions: Vec<Condition>,
    /// Every row of the plan, each with its condition (`None`: a row type MX Doctor cannot
    /// look up; it is never called saved) and whether only a suggestion asked for it.
    pub rows: Vec<(FixRow, Option<usize>, bool)>,
}

/// Why no wait can follow a plan.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GoalError {
    /// The plan has no row and no mailbox service is known: nothing can be looked for.
    #[error("there is nothing to wait for: the check asked for no change at {0}, and the mail service is not known")]
    Nothing(String),
    #[error(transparent)]
    Plan(#[from] repair::PlanError),
}

/// The goal of a wait for the plan with alias option `option` (see [`repair::plan_for`]): one
/// condition per row of that plan, plus, at the mail host, no alias (unless the option keeps
/// it), the provider's mail servers and none of anyone else's, and one SPF record that
/// includes the provider where the check found SPF wanting.
pub fn goal(
    diagnosis: &Diagnosis,
    snap: &Snapshot,
    option: Option<&str>,
) -> Result<Goal, GoalError> {
    let plan = repair::plan_for(diagnosis, snap, option)?;
    let mail_host = canonical(&repair::mail_host(diagnosis, snap, option));
    let option = option.map(repair::option_id);
    let keeps_alias = option == Some(crate::diagnose::OptionId::SeparateSubdomain.as_str());
    let host = canonical(&snap.domain);
    let codes: BTreeSet<Code> = diagnosis.findings.iter().map(|f| f.code).collect();
    let mut out = Vec::new();
    if codes.contains(&Code::CnameAtMailHost) && !keeps_alias {
        out.push(Condition::NoAlias { name: host.clone() });
    }
    if let Some(provider) = &diagnosis.provider {
        if !provider.mx_sets.is_empty() {
            out.push(Condition::MailServers {
                name: mail_host.clone(),
                provider: Box::new(provider.clone()),
            });
        }
        let spf_codes = [
            Code::SpfMissing,
            Code::SpfProviderMissing,
            Code::SpfMultiple,
        ];
        let includes: Vec<String> = provider
            .spf_includes()
            .into_iter()
            .map(str::to_string)
            .collect();
        if !includes.is_empty() && !keeps_alias && spf_codes.iter().any(|c| codes.contains(c)) {
            out.push(Condition::SpfInclude {
                name: host.clone(),
                includes,
            });
        }
    }
    let zone = snap.zone.clone().unwrap_or_else(|| snap.domain.clone());
    // A row is needed when a problem or a risk asks for it (the alias option's rows are the
    // alias finding's); one that only a note suggests is followed but does not hold the wait.
    let needed = |row: &FixRow| {
        diagnosis.findings.iter().any(|f| {
            f.severity <= Severity::Warning
                && (f.fix.contains(row) || f.options.iter().any(|o| o.fix.contains(row)))
        })
    };
    let mut rows = Vec::new();
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        let optional = !needed(row);
        let index = saved::row_type(row).map(|rtype| {
            out.push(Condition::Row {
                name: saved::row_name(row, &zone),
                rtype,
                row: row.clone(),
                optional,
            });
            out.len() - 1
        });
        rows.push((row.clone(), index, optional));
    }
    if out.iter().all(Condition::is_optional) {
        return Err(GoalError::Nothing(snap.domain.clone()));
    }
    Ok(Goal {
        option: option.map(str::to_string),
        mail_host,
        conditions: out,
        rows,
    })
}

/// The distinct questions to ask each vantage for `conditions`.
pub fn questions(conditions: &[Condition]) -> Vec<(String, RType)> {
    let mut out: Vec<(String, RType)> = Vec::new();
    for q in conditions.iter().map(Condition::question) {
        if !out.contains(&q) {
            out.push(q);
        }
    }
    out
}

/// Judges `condition` from the answers one vantage gave (`answer(name, type)`).
pub fn evaluate<'a>(
    condition: &Condition,
    answer: impl Fn(&str, RType) -> Option<&'a Outcome>,
) -> Verdict {
    let (name, rtype) = condition.question();
    let Some(outcome) = answer(&name, rtype) else {
        return Verdict::Unknown(format!("{name} {rtype} was not asked"));
    };
    if outcome.status.is_failure() {
        return Verdict::Unknown(
            outcome
                .detail
                .clone()
                .unwrap_or_else(|| format!("{:?}", outcome.status)),
        );
    }
    let name = condition.name();
    let alias = outcome.of(name, RType::Cname).next().cloned();
    match condition {
        Condition::NoAlias { .. } => match alias {
            Some(record) => Verdict::Unmet(Gap {
                kind: GapKind::AliasPresent,
                ttl: Some(record.ttl),
                records: vec![record],
                row: None,
            }),
            None => Verdict::Met,
        },
        Condition::MailServers { provider, .. } => {
            let records: Vec<DnsRecord> = outcome
                .final_records(name, RType::MX)
                .into_iter()
                .cloned()
                .collect();
            let exchanges: Vec<String> = records
                .iter()
                .filter_map(|r| match &r.data {
                    RecordData::MX { exchange, .. } => Some(canonical(exchange)),
                    _ => None,
                })
                .collect();
            let complete = provider
                .accepted_sets(name)
                .iter()
                .any(|set| set.iter().all(|e| exchanges.contains(&canonical(&e.host))));
            let only_theirs = exchanges.iter().all(|x| {
                provider.owns(x)
                    || provider
                        .accepted_sets(name)
                        .iter()
                        .flatten()
                        .any(|e| canonical(&e.host) == *x)
            });
            if alias.is_none() && complete && only_theirs {
                Verdict::Met
            } else {
                unmet(GapKind::MailServersDiffer, outcome, name, RType::MX, alias)
            }
        }
        Condition::SpfInclude { includes, .. } => {
            let spf: Vec<String> = outcome
                .final_records(name, RType::TXT)
                .into_iter()
                .filter_map(|r| match &r.data {
                    RecordData::TXT { text } if spf::is_spf(text) => Some(text.clone()),
                    _ => None,
                })
                .collect();
            let included = match spf.as_slice() {
                [one] => spf::parse(one)
                    .map(|record| includes.iter().any(|i| record.includes(i)))
                    .unwrap_or(false),
                _ => false,
            };
            if alias.is_none() && included {
                Verdict::Met
            } else {
                unmet(GapKind::SpfIncludeMissing, outcome, name, RType::TXT, alias)
            }
        }
        Condition::Row { rtype, row, .. } => {
            // While an alias sits at the name, the rows beside it are not served: a row to
            // delete there is not gone for anyone yet, and one to add is not seen.
            let hidden = *rtype != RType::Cname && alias.is_some();
            let state = if hidden {
                RowState::NotSaved
            } else {
                saved::judge(row, name, outcome)
            };
            match state {
                RowState::Saved => Verdict::Met,
                RowState::NotSaved => {
                    match unmet(GapKind::RowDiffers, outcome, name, *rtype, alias) {
                        Verdict::Unmet(mut gap) => {
                            gap.row = Some(row.clone());
                            Verdict::Unmet(gap)
                        }
                        other => other,
                    }
                }
                RowState::Unknown => {
                    Verdict::Unknown(format!("{name} {rtype} could not be judged"))
                }
            }
        }
    }
}

/// An unmet condition: the records shown are the answer; the TTL is the one of the record at
/// `name` that a cache must forget (the alias when there is one, since a resolver re-reads the
/// chain from there), else of the record set, else the negative TTL.
fn unmet(
    kind: GapKind,
    outcome: &Outcome,
    name: &str,
    rtype: RType,
    alias: Option<DnsRecord>,
) -> Verdict {
    let own: Vec<&DnsRecord> = outcome.of(name, rtype).collect();
    let ttl = match alias {
        Some(a) => Some(a.ttl),
        None if !own.is_empty() => own.iter().map(|r| r.ttl).min(),
        None => outcome.negative_ttl,
    };
    Verdict::Unmet(Gap {
        kind,
        records: outcome.records.clone(),
        ttl,
        row: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::Status;
    use crate::providers;

    fn mx(name: &str, ttl: u32, pref: u16, host: &str) -> DnsRecord {
        DnsRecord {
            name: name.into(),
            ttl,
            data: RecordData::MX {
                preference: pref,
                exchange: host.into(),
            },
        }
    }

    fn cname(name: &str, ttl: u32, target: &str) -> DnsRecord {
        DnsRecord {
            name: name.into(),
            ttl,
            data: RecordData::Cname {
                target: target.into(),
            },
        }
    }

    fn answer(records: Vec<DnsRecord>) -> Outcome {
        Outcome {
            status: Status::Answer,
            records,
            negative_ttl: None,
            zone: None,
            authoritative: false,
            detail: None,
            delegation: Vec::new(),
        }
    }

    fn servers() -> Condition {
        Condition::MailServers {
            name: "example.com".into(),
            provider: Box::new(providers::by_id("alibaba-standard").unwrap().clone()),
        }
    }

    fn alibaba_mx(ttl: u32) -> Vec<DnsRecord> {
        providers::by_id("alibaba-standard")
            .unwrap()
            .expected_mx("example.com")
            .into_iter()
            .map(|e| mx("example.com", ttl, e.priority, &e.host))
            .collect()
    }

    #[test]
    fn the_providers_set_alone_is_met() {
        let o = answer(alibaba_mx(600));
        assert_eq!(evaluate(&servers(), |_, _| Some(&o)), Verdict::Met);
    }

    #[test]
    fn a_stray_mx_is_unmet_with_the_record_sets_ttl() {
        let mut records = alibaba_mx(600);
        records.push(mx("example.com", 600, 1, "aspmx.l.google.com"));
        let o = answer(records);
        let Verdict::Unmet(gap) = evaluate(&servers(), |_, _| Some(&o)) else {
            panic!("a Google MX beside Alibaba's must not be clear");
        };
        assert_eq!(gap.kind, GapKind::MailServersDiffer);
        assert_eq!(gap.ttl, Some(600));
    }

    #[test]
    fn an_alias_decides_the_ttl_even_when_its_target_has_mx() {
        // A resolver's answer to MX: the alias (40 s left), then the target's MX (290 s left).
        let mut records = vec![cname("example.com", 40, "cdn.example.net")];
        records.push(mx("cdn.example.net", 290, 10, "mx.example.net"));
        let o = answer(records);
        let Verdict::Unmet(gap) = evaluate(&servers(), |_, _| Some(&o)) else {
            panic!("MX behind an alias is not clear");
        };
        assert_eq!(gap.ttl, Some(40));
        let alias = Condition::NoAlias {
            name: "example.com".into(),
        };
        let Verdict::Unmet(gap) = evaluate(&alias, |_, _| Some(&o)) else {
            panic!("the alias is still there");
        };
        assert_eq!(gap.kind, GapKind::AliasPresent);
    }

    #[test]
    fn an_empty_answer_lives_for_the_negative_ttl() {
        let mut o = answer(Vec::new());
        o.status = Status::NoData;
        o.negative_ttl = Some(120);
        let Verdict::Unmet(gap) = evaluate(&servers(), |_, _| Some(&o)) else {
            panic!("no MX at all is not clear");
        };
        assert_eq!(gap.ttl, Some(120));
    }

    #[test]
    fn a_failed_lookup_is_unknown_never_met() {
        let o = Outcome::failed(Status::Timeout, "no answer in 3 s");
        assert!(matches!(
            evaluate(&servers(), |_, _| Some(&o)),
            Verdict::Unknown(_)
        ));
    }

    #[test]
    fn spf_must_be_single_and_include_the_provider() {
        let cond = Condition::SpfInclude {
            name: "example.com".into(),
            includes: vec!["spf.mxhichina.com".into()],
        };
        let txt = |text: &str| DnsRecord {
            name: "example.com".into(),
            ttl: 300,
            data: RecordData::TXT { text: text.into() },
        };
        let good = answer(vec![txt("v=spf1 include:spf.mxhichina.com -all")]);
        assert_eq!(evaluate(&cond, |_, _| Some(&good)), Verdict::Met);
        let two = answer(vec![
            txt("v=spf1 include:spf.mxhichina.com -all"),
            txt("v=spf1 -all"),
        ]);
        assert!(matches!(
            evaluate(&cond, |_, _| Some(&two)),
            Verdict::Unmet(_)
        ));
        let without = answer(vec![txt("v=spf1 mx -all")]);
        assert!(matches!(
            evaluate(&cond, |_, _| Some(&without)),
            Verdict::Unmet(_)
        ));
    }
}

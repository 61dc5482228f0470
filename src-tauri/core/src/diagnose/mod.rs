//! The rules: pure functions of a [`Snapshot`] and the expected provider (STYLE.md convention
//! 2). One file per family; each rule cites the RFC section or seed it rests on.

mod cname;
mod finding;
mod mx;
mod policy;
mod reference;
mod servers;
mod spf;

#[cfg(test)]
mod fixtures;

use serde::{Deserialize, Serialize};

pub use finding::{Action, Code, Finding, FixRow, OptionId, RepairOption, Severity, Variant};
pub use reference::{reference_urls, Reference};

use crate::dns::{DnsRecord, Outcome, RType, RecordData, Status};
use crate::providers::{self, Provider};
use crate::snapshot::{AuthServer, Snapshot};

/// How the provider being checked against was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum ProviderSource {
    /// The user said which service they bought.
    Given,
    /// Suggested from the current MX records.
    Detected,
    /// Neither: the provider-specific rules were skipped.
    Unknown,
}

/// The result of diagnosing a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Diagnosis {
    pub provider: Option<Provider>,
    pub provider_source: ProviderSource,
    /// Worst first: errors, then warnings, then info.
    pub findings: Vec<Finding>,
}

/// What the rules see: the snapshot, the mail host, its zone and the provider.
pub(crate) struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub domain: &'a str,
    pub zone: &'a str,
    pub provider: Option<&'a Provider>,
    /// The DNS-host server whose records are judged, when not the first current one (another
    /// current server that serves different records: see [`other_views`]).
    pub view: Option<&'a AuthServer>,
}

impl Ctx<'_> {
    pub fn host_label(&self, name: &str) -> String {
        host_label(name, self.zone)
    }

    /// What the DNS host publishes at the mail host (as the server judged serves it).
    pub fn published(&self, rtype: RType) -> Option<Outcome> {
        self.view
            .and_then(|s| s.get(self.domain, rtype))
            .filter(|o| !o.status.is_failure())
            .cloned()
            .or_else(|| self.snap.published(self.domain, rtype))
    }

    /// The console row of `record`, for a type a console row can hold (not `OTHER`).
    pub fn row(&self, action: Action, name: &str, record: &DnsRecord) -> Option<FixRow> {
        Some(FixRow {
            action,
            host: self.host_label(name),
            rtype: record.rtype()?,
            priority: record.priority(),
            value: record.value(),
            new_value: None,
            new_priority: None,
            keep: Vec::new(),
            if_missing: false,
        })
    }

    pub fn new_row(
        &self,
        action: Action,
        name: &str,
        rtype: RType,
        priority: Option<u16>,
        value: &str,
    ) -> FixRow {
        FixRow {
            action,
            host: self.host_label(name),
            rtype,
            priority,
            value: value.to_string(),
            new_value: None,
            new_priority: None,
            keep: Vec::new(),
            if_missing: false,
        }
    }

    /// The MX rows the provider wants at the mail host.
    pub fn provider_mx_rows(&self) -> Vec<FixRow> {
        self.provider
            .map(|p| p.expected_mx(self.domain))
            .unwrap_or_default()
            .into_iter()
            .map(|e| {
                self.new_row(
                    Action::Add,
                    self.domain,
                    RType::MX,
                    Some(e.priority),
                    &e.host,
                )
            })
            .collect()
    }
}

/// The host column of a console row for `name` in `zone`: `@` at the zone apex, else the
/// name relative to the zone (`www`), as DNS consoles write it.
pub fn host_label(name: &str, zone: &str) -> String {
    if name == zone {
        "@".to_string()
    } else {
        name.strip_suffix(&format!(".{zone}"))
            .unwrap_or(name)
            .to_string()
    }
}

/// A lookup that failed: what it was for, never reported as "missing" (STYLE.md convention 3).
/// At least a warning, whatever it was for: a check with a question nobody answered is never
/// `ok` (DESIGN.md "Truth rules"), even for a record that is only worth knowing about.
pub(crate) fn lookup_failed(
    name: &str,
    rtype: RType,
    outcome: &Outcome,
    severity: Severity,
    purpose: &str,
) -> Finding {
    let severity = severity.min(Severity::Warning);
    Finding::new(Code::LookupFailed, severity, name)
        .param("question", format!("{name} {rtype}"))
        .param("status", status_word(outcome.status))
        .param("detail", outcome.detail.clone().unwrap_or_default())
        .param("purpose", purpose)
        .worded(Variant::NameServer, purpose == "name_server")
        .worded(Variant::DomainExists, purpose == "domain_exists")
}

pub(crate) fn status_word(status: Status) -> &'static str {
    match status {
        Status::Answer => "answer",
        Status::NoData => "no_data",
        Status::NxDomain => "nxdomain",
        Status::Timeout => "timeout",
        Status::ServFail => "servfail",
        Status::Refused => "refused",
        Status::Error => "error",
    }
}

/// Which provider to check against: the one given, else the one the MX records point to.
#[derive(Clone, Debug)]
pub enum ProviderChoice {
    Given(Provider),
    Detect,
}

/// Diagnoses a snapshot. Pure: no I/O, no clock.
pub fn diagnose(snap: &Snapshot, choice: ProviderChoice) -> Diagnosis {
    let domain = snap.domain.as_str();
    let zone = snap.zone.as_deref().unwrap_or(domain);
    let (provider, provider_source) = match choice {
        ProviderChoice::Given(p) => (Some(p), ProviderSource::Given),
        ProviderChoice::Detect => {
            let exchanges = current_exchanges(snap);
            match providers::detect(exchanges.iter().map(String::as_str)) {
                Some(p) => (Some(p.clone()), ProviderSource::Detected),
                None => (None, ProviderSource::Unknown),
            }
        }
    };
    let ctx = Ctx {
        snap,
        domain,
        zone,
        provider: provider.as_ref(),
        view: None,
    };
    let mut findings = Vec::new();
    if let Some(not_found) = servers::domain_not_found(&ctx) {
        findings.push(not_found);
    } else {
        findings.extend(agreed_records(&ctx));
        findings.extend(rows_only_elsewhere(&ctx, &findings));
        findings.extend(policy::check(&ctx));
        findings.extend(servers::check(&ctx));
        findings.extend(servers::ttl_high(&ctx, &findings));
    }
    findings.sort_by_key(|f| f.severity);
    #[cfg(test)]
    for f in &findings {
        // Every diagnosis of every unit test: the typed variant says what the params did.
        assert_eq!(
            f.variant.map(Variant::as_str),
            crate::report::legacy::variant_from_params(f),
            "{:?} {:?}",
            f.code,
            f.params
        );
    }
    Diagnosis {
        provider,
        provider_source,
        findings,
    }
}

/// The rules about the records at the mail host (alias, MX, SPF), judged on one server's view.
fn records(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = Vec::new();
    let cname = cname::check(ctx);
    let hidden_by_cname = cname.is_some();
    findings.extend(cname);
    findings.extend(mx::check(ctx, hidden_by_cname));
    findings.extend(spf::check(ctx));
    findings
}

/// The first current server's record findings, less those that would add or change rows which
/// another current server already gets right (no such finding from its own records): which copy
/// is current cannot be told then, and adding a row the other copy has breaks things (a second
/// SPF record). `NS_INCONSISTENT` shows what each server serves.
fn agreed_records(ctx: &Ctx) -> Vec<Finding> {
    let mut findings = records(ctx);
    let others: Vec<Vec<Finding>> = other_views(ctx.snap)
        .into_iter()
        .map(|server| {
            records(&Ctx {
                view: Some(server),
                ..*ctx
            })
        })
        .collect();
    findings.retain(|f| {
        f.fix.iter().all(|r| r.action == Action::Delete)
            || others.iter().all(|o| o.iter().any(|g| g.code == f.code))
    });
    findings
}

/// Current DNS-host servers (none proven older) whose records at the mail host differ from the
/// first one's: equal serials, or serials nobody could read. Which copy is right cannot be told,
/// so each is judged on its own records too.
fn other_views(snap: &Snapshot) -> Vec<&AuthServer> {
    let current = snap.current_auth();
    let Some(first) = current.first() else {
        return Vec::new();
    };
    let shown = |s: &AuthServer| -> Vec<(RType, Vec<String>)> {
        [RType::MX, RType::Cname, RType::A, RType::TXT]
            .into_iter()
            .map(|t| {
                let mut set: Vec<String> = s
                    .get(&snap.domain, t)
                    .filter(|o| !o.status.is_failure())
                    .map(|o| o.at(&snap.domain).map(DnsRecord::summary).collect())
                    .unwrap_or_default();
                set.sort();
                (t, set)
            })
            .collect()
    };
    let theirs = shown(first);
    current
        .iter()
        .skip(1)
        .filter(|s| shown(s) != theirs)
        .copied()
        .collect()
}

/// Rows that another current server serves and that must go (seed 001 §2.1 applies to every
/// server senders may ask): the findings of that server's own records whose fix only deletes,
/// and that the first server's findings do not already carry. Findings that would add or change
/// rows are not taken: the first server may already have those rows, and adding them twice
/// breaks things (two SPF records); `NS_INCONSISTENT` shows what those servers serve.
fn rows_only_elsewhere(ctx: &Ctx, judged: &[Finding]) -> Vec<Finding> {
    let mut extra: Vec<Finding> = Vec::new();
    for server in other_views(ctx.snap) {
        let view = Ctx {
            view: Some(server),
            ..*ctx
        };
        let label = server.label();
        for mut f in records(&view) {
            if f.fix.is_empty() || f.fix.iter().any(|r| r.action != Action::Delete) {
                continue;
            }
            // A row the first server's findings carry is not "only" this server's; one an
            // earlier extra finding carries gains this server's name there. Only the rest is
            // this server's alone (servers may give the same rows in another order).
            f.fix
                .retain(|row| !judged.iter().any(|g| g.fix.contains(row)));
            for g in extra.iter_mut() {
                if f.fix.iter().any(|row| g.fix.contains(row)) {
                    let named = g.params.entry("servers_only".into()).or_default();
                    if !named.contains(&label) {
                        named.push_str(&format!(", {label}"));
                    }
                }
            }
            f.fix
                .retain(|row| !extra.iter().any(|g| g.fix.contains(row)));
            if f.fix.is_empty() {
                continue;
            }
            let kept: Vec<String> = f.fix.iter().map(|r| r.value.clone()).collect();
            f.records.retain(|r| kept.contains(&r.value()));
            extra.push(f.param("servers_only", label.clone()));
        }
    }
    extra
}

/// The MX exchanges published at the mail host now, to suggest the mailbox service from. Where
/// an alias at the mail host hides them from the DNS host's current answer, one vantage's own
/// rows suggest it instead (a current server's, else the resolver's; never a merge, and never a
/// server proven to hold an older copy): seed 001's provider rows beside an old provider's.
pub fn current_exchanges(snap: &Snapshot) -> Vec<String> {
    let exchanges = |o: &Outcome| -> Vec<String> {
        o.of(&snap.domain, RType::MX)
            .filter_map(|r| match &r.data {
                RecordData::MX { exchange, .. } => Some(exchange.clone()),
                _ => None,
            })
            .collect()
    };
    let published = snap
        .published(&snap.domain, RType::MX)
        .map(|o| exchanges(&o))
        .unwrap_or_default();
    if !published.is_empty() {
        return published;
    }
    snap.current_auth()
        .iter()
        .filter_map(|s| s.get(&snap.domain, RType::MX))
        .chain(snap.recursive(&snap.domain, RType::MX))
        .map(exchanges)
        .find(|found| !found.is_empty())
        .unwrap_or_default()
}

//! The result of a check as the CLI prints it and the app shows it: DESIGN.md's JSON contract
//! (`domain`, `provider`, `status`, `findings` with `code`, `severity`, `host`, `records`,
//! `fix`), with each finding's words taken from the catalog keyed by its code.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnose::{Action, Code, Diagnosis, Finding, FixRow, ProviderSource, Severity};
use crate::dns::RType;
use crate::domain::{Adjustment, MailDomain};
use crate::markdown;
use crate::propagation::{VantageKind, VantageState, WaitStatus, WaitView};
use crate::providers::{self, DnsHostGuide};
use crate::repair::{self, RepairPlan};
use crate::saved::{RowCheck, RowState};
use crate::snapshot::Snapshot;
use crate::time::rfc3339;

/// `ok`: no error or warning; `problems`: at least one; `error`: nothing could be judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Problems,
    Error,
}

impl CheckStatus {
    /// The CLI's exit code (DESIGN.md: 0 ok, 1 problems, 2 error).
    pub fn exit_code(self) -> i32 {
        match self {
            CheckStatus::Ok => 0,
            CheckStatus::Problems => 1,
            CheckStatus::Error => 2,
        }
    }
}

/// A finding with its words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ReportFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub title: String,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub option_texts: Vec<OptionText>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OptionText {
    pub id: crate::diagnose::OptionId,
    pub title: String,
    pub consequence: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct CheckReport {
    /// The host name checked, ASCII.
    pub domain: String,
    pub domain_unicode: String,
    pub input: String,
    pub adjustments: Vec<Adjustment>,
    /// Provider id, or `unknown` when none was given or recognised.
    pub provider: String,
    pub provider_name: Option<String>,
    pub provider_source: ProviderSource,
    pub status: CheckStatus,
    pub findings: Vec<ReportFinding>,
    pub plan: RepairPlan,
    /// The plan of each way to remove an alias at the mail host (`plan` is the recommended
    /// one's), so a screen that offers the choice shows the core's rows for it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub option_plans: Vec<OptionPlan>,
    pub dns_host: DnsHostGuide,
    pub resolvers: Vec<String>,
    pub authoritative_servers: Vec<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub taken_at: u64,
}

/// How many findings a check has of each severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Problems that stop mail.
    pub problems: u32,
    /// Risks: mail may go astray or be refused.
    pub risks: u32,
    /// Notes and suggestions.
    pub notes: u32,
}

impl CheckReport {
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            match f.finding.severity {
                Severity::Error => c.problems += 1,
                Severity::Warning => c.risks += 1,
                Severity::Info => c.notes += 1,
            }
        }
        c
    }
}

/// The plan for one way of removing the alias.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct OptionPlan {
    pub option: crate::diagnose::OptionId,
    pub plan: RepairPlan,
}

/// Builds the report of a diagnosed snapshot.
pub fn build(domain: &MailDomain, snap: &Snapshot, diagnosis: Diagnosis) -> CheckReport {
    let status = status(snap, &diagnosis);
    let plan = repair::plan(&diagnosis, snap);
    let option_plans = repair::option_plans(&diagnosis, snap)
        .into_iter()
        .map(|(option, plan)| OptionPlan { option, plan })
        .collect();
    let zone = snap.zone.as_deref().unwrap_or(&snap.domain);
    let ns: Vec<String> = snap
        .recursive(zone, RType::NS)
        .map(|o| o.of(zone, RType::NS).map(|r| r.value()).collect())
        .unwrap_or_default();
    let ns = if ns.is_empty() {
        snap.authoritative
            .iter()
            .map(|s| s.host.clone())
            .collect::<Vec<_>>()
    } else {
        ns
    };
    CheckReport {
        domain: domain.ascii.clone(),
        domain_unicode: domain.unicode.clone(),
        input: domain.input.clone(),
        adjustments: domain.adjustments.clone(),
        provider: diagnosis
            .provider
            .as_ref()
            .map(|p| p.id.clone())
            .unwrap_or_else(|| "unknown".into()),
        provider_name: diagnosis.provider.as_ref().map(|p| p.name.clone()),
        provider_source: diagnosis.provider_source,
        status,
        findings: diagnosis
            .findings
            .into_iter()
            .map(|f| words(f, Locale::En))
            .collect(),
        plan,
        option_plans,
        dns_host: providers::dns_host_for(&ns),
        resolvers: snap.resolvers.clone(),
        authoritative_servers: snap.authoritative.iter().map(|s| s.label()).collect(),
        taken_at: snap.taken_at,
    }
}

/// `error` when the mail host's MX could not be asked of anyone, when the resolvers deny names
/// that exist, or when "does not exist" could not be confirmed: nothing about receiving mail
/// could be judged. Otherwise `problems` if any finding is an error or a warning.
fn status(snap: &Snapshot, diagnosis: &Diagnosis) -> CheckStatus {
    let mx = snap.published(&snap.domain, RType::MX);
    if mx.is_none_or(|o| o.status.is_failure()) {
        return CheckStatus::Error;
    }
    // The resolvers deny names that exist, or "does not exist" could not be confirmed: the
    // check judged nothing.
    let judged_nothing = |f: &Finding| {
        f.code == Code::ResolverUnreliable
            || (f.code == Code::LookupFailed
                && f.params.get("purpose").map(String::as_str) == Some("domain_exists"))
    };
    if diagnosis.findings.iter().any(judged_nothing) {
        return CheckStatus::Error;
    }
    if diagnosis
        .findings
        .iter()
        .any(|f| f.severity <= Severity::Warning)
    {
        CheckStatus::Problems
    } else {
        CheckStatus::Ok
    }
}

pub use crate::words::Locale;
use crate::words::{self, catalog, Catalog};

/// The report's words in another language: the findings' codes and values stay, their titles,
/// messages and option texts are written again from `locale`'s catalog.
pub fn reword(mut report: CheckReport, locale: Locale) -> CheckReport {
    report.findings = report
        .findings
        .into_iter()
        .map(|f| words(f.finding.referenced(), locale))
        .collect();
    report.dns_host = dns_host_guide(&report.dns_host.name_servers, locale);
    if report.provider_name.is_some() {
        report.provider_name = Some(words::provider_name(&report.provider, locale));
    }
    report
}

/// Where the DNS of a domain served by `name_servers` is managed, with the steps to its records
/// in `locale`.
pub fn dns_host_guide(name_servers: &[String], locale: Locale) -> DnsHostGuide {
    let mut guide = providers::dns_host_for(name_servers);
    let id = guide.host.as_ref().map_or("generic", |h| h.id.as_str());
    guide.steps = words::dns_host_steps(id, locale);
    if let Some(host) = guide.host.as_mut() {
        host.name = words::dns_host_name(&host.id, locale);
        host.steps = guide.steps.clone();
        host.key_steps = words::dns_host_key_steps(&host.id, locale);
    }
    guide
}

/// The report as a Markdown document that also reads as plain text: for a helpdesk ticket, or
/// to send to the DNS provider when the user cannot make the changes themselves (seed 001
/// §1.2): it opens with the request, then the rows to change in order, then the end state.
pub fn document(report: &CheckReport, locale: Locale) -> String {
    body(report, locale, false)
}

/// The report once the wait is over (or given up): what was wrong, what was changed, and when
/// each server asked gave the repaired records, for the user's files or the helpdesk ticket.
pub fn outcome_document(report: &CheckReport, outcome: &WaitView, locale: Locale) -> String {
    outcome_with(report, outcome, None, locale)
}

/// The outcome report with what MX Doctor itself changed at the DNS host (`journal`, made for
/// this check). Once an undo put records back, the wait's result no longer holds: the report
/// says so where it would say mail works again.
pub fn outcome_document_with_journal(
    report: &CheckReport,
    outcome: &WaitView,
    journal: &crate::apply::Journal,
    locale: Locale,
) -> String {
    let undone_at = journal.undo.as_ref().and_then(|u| {
        u.steps
            .iter()
            .any(|s| s.result == crate::apply::StepResult::Done)
            .then(|| u.finished.clone().unwrap_or_else(|| u.started.clone()))
    });
    let mut out = outcome_with(report, outcome, undone_at.as_deref(), locale);
    out += &journal_section(journal, locale);
    out
}

fn outcome_with(
    report: &CheckReport,
    outcome: &WaitView,
    undone_at: Option<&str>,
    locale: Locale,
) -> String {
    let cat = catalog(locale);
    let w = |key: &str| cat.document.get(key).cloned().unwrap_or_default();
    let mut out = body(report, locale, true);
    out += &format!("\n## {}\n\n", w("outcome"));
    let total = outcome.vantages.len();
    let clear = outcome
        .vantages
        .iter()
        .filter(|v| v.state == VantageState::Clear)
        .count();
    let silent: Vec<String> = outcome
        .except
        .iter()
        .map(|u| markdown::code(&vantage_label(u.kind, &u.name, locale)))
        .collect();
    let line = match &outcome.cleared_at {
        _ if undone_at.is_some() => {
            w("outcome_undone").replace("{time}", &utc(undone_at.unwrap_or_default()))
        }
        Some(at) if outcome.status == WaitStatus::Clear => {
            w("outcome_clear").replace("{time}", &utc(at))
        }
        Some(at) if outcome.status == WaitStatus::ClearExcept => w("outcome_clear_except")
            .replace("{time}", &utc(at))
            .replace("{servers}", &silent.join(", ")),
        _ => w("outcome_waiting")
            .replace("{time}", &utc(&outcome.at))
            .replace("{clear}", &clear.to_string())
            .replace("{total}", &total.to_string()),
    };
    // "Mail to … works again" is said of where mail now arrives: a separate subdomain, when
    // the option kept the alias at the domain.
    let mail_host = if outcome.mail_host == report.domain {
        markdown::inline(&report.domain_unicode)
    } else {
        markdown::inline(&outcome.mail_host)
    };
    out += &format!("{}\n\n", line.replace("{domain}", &mail_host));
    out += &rows_seen(outcome, &w);
    out += &format!(
        "| {} |\n|---|---|---|\n",
        w("outcome_columns")
            .split(" | ")
            .collect::<Vec<_>>()
            .join(" | ")
    );
    for v in &outcome.vantages {
        let state = w(&format!("state_{}", vantage_state(v.state)));
        let seen = v
            .checked_at
            .as_deref()
            .map(utc)
            .unwrap_or_else(|| "—".into());
        let name = vantage_label(v.kind, &v.name, locale);
        out += &format!("| {} | {state} | {seen} |\n", markdown::cell(&name));
    }
    out += &format!(
        "\n{}\n",
        w("outcome_queries").replace("{n}", &outcome.queries.to_string())
    );
    out
}

/// The rows of the plan the wait followed: those every DNS host server gave as asked, then,
/// apart, those never seen so, each with what each server said. Never the plan as such: a row
/// the user was asked to make is not a change made until a server was seen giving it.
fn rows_seen(outcome: &WaitView, w: &dyn Fn(&str) -> String) -> String {
    let (saved, unseen): (Vec<&RowCheck>, Vec<&RowCheck>) = outcome
        .rows
        .iter()
        .partition(|r| r.state == RowState::Saved);
    let (suggested_saved, suggested_unseen): (Vec<&RowCheck>, Vec<&RowCheck>) = outcome
        .optional_rows
        .iter()
        .partition(|r| r.state == RowState::Saved);
    let saved: Vec<&RowCheck> = saved.into_iter().chain(suggested_saved).collect();
    let mut out = String::new();
    if !saved.is_empty() {
        out += &format!("### {}\n\n", w("changed_seen"));
        let rows: Vec<FixRow> = saved.iter().map(|r| r.row.clone()).collect();
        out += &table(&rows, w, true);
        out += "\n";
    }
    if !unseen.is_empty() {
        out += &format!("### {}\n\n", w("changed_unseen"));
        let rows: Vec<FixRow> = unseen.iter().map(|r| r.row.clone()).collect();
        out += &table(&rows, w, true);
        out += "\n";
        for (i, r) in unseen.iter().enumerate() {
            let said: Vec<String> = r
                .servers
                .iter()
                .map(|s| {
                    let state = match s.state {
                        RowState::Saved => w("row_saved"),
                        RowState::NotSaved => w("row_not_there"),
                        RowState::Unknown => w("row_could_not_ask"),
                    };
                    format!("{}: {state}", markdown::code(&s.server))
                })
                .collect();
            out += &format!("{}. {}\n", i + 1, said.join("; "));
        }
        out += "\n";
    }
    if !suggested_unseen.is_empty() {
        out += &format!("### {}\n\n", w("suggested_unseen"));
        let rows: Vec<FixRow> = suggested_unseen.iter().map(|r| r.row.clone()).collect();
        out += &table(&rows, w, true);
        out += "\n";
    }
    out
}

/// An RFC 3339 time as the report writes it: `2026-11-22 14:42:16` (UTC).
/// An RFC 3339 UTC time as the report writes it ("2026-01-02 03:04:05"). Times come from saved
/// state (a file): anything not shaped like one is not a time MX Doctor wrote, and is shown as
/// a dash, never as Markdown.
fn utc(rfc3339: &str) -> String {
    let shaped = rfc3339.len() >= 20
        && rfc3339.ends_with('Z')
        && rfc3339
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | 'Z' | '.'));
    if shaped {
        rfc3339.replace('T', " ").trim_end_matches('Z').to_string()
    } else {
        "—".to_string()
    }
}

fn vantage_state(state: VantageState) -> &'static str {
    match state {
        VantageState::Pending => "pending",
        VantageState::Clear => "clear",
        VantageState::Stale => "stale",
        VantageState::NotSaved => "not_saved",
        VantageState::Failed => "failed",
    }
}

/// The check's report; `done`: the changes are made (the outcome report), so it says what was
/// changed instead of asking for the changes.
fn body(report: &CheckReport, locale: Locale, done: bool) -> String {
    let report = &reword(report.clone(), locale);
    let cat = catalog(locale);
    let w = |key: &str| cat.document.get(key).cloned().unwrap_or_default();
    let domain = &markdown::inline(&report.domain_unicode);
    let mut out = format!("# {}\n\n", w("title").replace("{domain}", domain));
    let request = match &report.provider_name {
        Some(_) => w("request").replace(
            "{provider}",
            &markdown::inline(&words::provider_name(&report.provider, locale)),
        ),
        None => w("request_no_provider"),
    };
    if !report.plan.steps.is_empty() && !done {
        out += &format!("{}\n\n", request.replace("{domain}", domain));
    }
    let time = utc(&rfc3339(report.taken_at.saturating_mul(1000)));
    let resolvers: Vec<String> = report.resolvers.iter().map(|r| markdown::code(r)).collect();
    out += &format!(
        "{}\n\n",
        w("checked")
            .replace("{time}", &time)
            .replace("{resolvers}", &resolvers.join(", "))
    );
    let shown: Vec<&ReportFinding> = report
        .findings
        .iter()
        .filter(|f| f.finding.severity != Severity::Info)
        .collect();
    out += &format!("## {}\n\n", w("found"));
    if shown.is_empty() {
        out += &format!("{}\n\n", w("ok"));
    }
    for f in shown {
        let severity = match f.finding.severity {
            Severity::Error => w("severity_error"),
            Severity::Warning => w("severity_warning"),
            Severity::Info => w("severity_info"),
        };
        // The words again, with each value from DNS or a file in a code span.
        let f = words_with(f.finding.clone(), locale, &markdown::inline);
        out += &format!("- **{severity}**: {}\n  {}\n", f.title, f.message);
    }
    // Once the changes are made, the outcome lists the rows seen saved instead of the plan.
    if !report.plan.steps.is_empty() && !done {
        out += &format!("\n## {}\n", w("change"));
        for (i, step) in report.plan.steps.iter().enumerate() {
            let title = cat
                .steps
                .get(step.id.as_str())
                .cloned()
                .unwrap_or_else(|| step.id.as_str().to_string());
            out += &format!("\n### {}. {title}\n\n", i + 1);
            out += &table(&step.rows, &w, true);
        }
    }
    if !report.plan.target.is_empty() && report.status != CheckStatus::Ok && !done {
        out += &format!("\n## {}\n\n", w("target"));
        out += &table(&report.plan.target, &w, false);
    }
    out
}

/// Seed 001's table in Markdown; `|` inside DNS text is escaped so a TXT value cannot break it.
fn table(rows: &[FixRow], w: &dyn Fn(&str) -> String, with_action: bool) -> String {
    let columns = w("columns");
    let columns: Vec<&str> = columns.split(" | ").collect();
    let shown: &[&str] = if with_action { &columns } else { &columns[1..] };
    let mut out = format!(
        "| {} |\n|{}\n",
        shown.join(" | "),
        "---|".repeat(shown.len())
    );
    for r in rows {
        let action = match r.action {
            Action::Delete => w("delete"),
            Action::Add if r.if_missing => w("add_if_missing"),
            Action::Add => w("add"),
            Action::Change => w("change_row"),
        };
        let value = if r.is_all_except() {
            all_except(r, w)
        } else {
            change_cell(r, w)
        };
        let priority = r
            .priority
            .map(|p| p.to_string())
            .unwrap_or_else(|| "—".into());
        let priority = match r.target_priority() {
            Some(new) if Some(new) != r.priority => format!("{priority} → {new}"),
            _ => priority,
        };
        let cells = [
            action,
            markdown::cell(&r.host),
            plain_cell(r.rtype.as_str()),
            priority,
            value,
        ];
        let cells = if with_action { &cells[..] } else { &cells[1..] };
        out += &format!("| {} |\n", cells.join(" | "));
    }
    out
}

/// The value cell of a row: its value; for a `change`, the row to change and what it becomes
/// ("replace `a` with `b`", or "`mx` (priority 30 to 20)" when only the priority changes). A
/// change that names no new value (a crafted or old report) names only the row to change.
fn change_cell(row: &FixRow, w: &dyn Fn(&str) -> String) -> String {
    let old = markdown::cell(&row.value);
    if row.action != Action::Change {
        return old;
    }
    let new_priority = row.target_priority().filter(|p| Some(*p) != row.priority);
    match (row.target_value(), new_priority) {
        (Some(new), _) if new != row.value => w("change_value")
            .replace("{old}", &old)
            .replace("{new}", &markdown::cell(new)),
        (_, Some(p)) => w("change_priority")
            .replace("{value}", &old)
            .replace(
                "{old}",
                &row.priority
                    .map(|p| p.to_string())
                    .unwrap_or_else(|| "—".into()),
            )
            .replace("{new}", &p.to_string()),
        _ => old,
    }
}

/// The value cell of a row that stands for unseen rows: "every MX row except `a`, `b`".
fn all_except(row: &FixRow, w: &dyn Fn(&str) -> String) -> String {
    let keep: Vec<String> = row.keep.iter().map(|k| markdown::cell(k)).collect();
    w("all_except")
        .replace("{type}", &plain_cell(row.rtype.as_str()))
        .replace("{keep}", &keep.join(", "))
}

/// The value of a row as a person reads it, in `locale`: the value itself, or for a row that
/// stands for unseen rows, "every MX row except a, b".
pub fn row_value_text(row: &FixRow, locale: Locale) -> String {
    if !row.is_all_except() {
        return row.value.clone();
    }
    catalog(locale)
        .document
        .get("all_except")
        .cloned()
        .unwrap_or_default()
        .replace("{type}", row.rtype.as_str())
        .replace("{keep}", &row.keep.join(", "))
}

/// A record type (or such short text) in a table cell: as it stands when plain, else a span.
fn plain_cell(value: &str) -> String {
    match markdown::inline(value) {
        plain if plain == value => plain,
        _ => markdown::cell(value),
    }
}

/// A server's name as a person reads it: this computer's resolver is named by the catalog,
/// the others by DNS or the resolver catalog.
pub fn vantage_label(kind: VantageKind, name: &str, locale: Locale) -> String {
    match kind {
        VantageKind::System => words::vantage_name("system", locale),
        _ => name.to_string(),
    }
}

/// The title of a plan step.
pub fn step_title(id: &str) -> String {
    catalog(Locale::En)
        .steps
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// Which wording variant applies to a finding: chosen where the finding was made.
fn variant(f: &Finding) -> Option<&'static str> {
    match f.variant {
        Some(v) => Some(v.as_str()),
        None => legacy::variant_from_params(f),
    }
}

/// `template` with each `{name}` filled in one pass (a value is never read for placeholders
/// again): the finding's host and params and `raw` (text from DNS or a file) through `quote`,
/// `rendered` (words already written for the target) as they are.
fn fill(
    template: &str,
    f: &Finding,
    raw: &BTreeMap<String, String>,
    rendered: &BTreeMap<String, String>,
    quote: Quote,
) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out += &rest[..open];
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        let value = name.and_then(|k| {
            if k == "host" {
                return Some(quote(&f.host));
            }
            f.params
                .get(k)
                .or_else(|| raw.get(k))
                .map(|v| quote(v))
                .or_else(|| rendered.get(k).cloned())
        });
        match (name, value) {
            (Some(k), Some(v)) => {
                out += &v;
                rest = &after[k.len() + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out += rest;
    out.trim().to_string()
}

/// How a value from DNS or a file is written into words: as it is for the window and the
/// terminal (each escapes on its own), in a code span for the Markdown report.
type Quote<'a> = &'a dyn Fn(&str) -> String;

fn as_is(value: &str) -> String {
    value.to_string()
}

/// The sentences saying what a proposed SPF record left out or changed, from the finding's
/// `changes` param (`reason term`, one a line; terms are already safe to print).
fn spf_changes(finding: &Finding, cat: &Catalog, locale: Locale, quote: Quote) -> String {
    let Some(changes) = finding.params.get("changes") else {
        return String::new();
    };
    let sentences: Vec<String> = changes
        .lines()
        .filter_map(|line| line.split_once(' '))
        .map(|(reason, term)| match cat.spf_changes.get(reason) {
            Some(text) => text.replace("{term}", &quote(term)),
            None => format!("{}: {}", quote(reason), quote(term)),
        })
        .collect();
    let between = match locale {
        Locale::En => " ",
        Locale::ZhCn => "",
    };
    sentences.join(between)
}

/// `finding` with the mailbox services its params name (`provider`, `owner_name`) named as
/// `locale` names them: 阿里邮箱 in Chinese. A name no catalog holds stays as it is.
fn in_words(finding: &Finding, locale: Locale) -> Finding {
    let mut shown = finding.clone();
    for key in ["provider", "owner_name"] {
        if let Some(v) = shown.params.get_mut(key) {
            if let Some(id) = words::provider_id_by_english_name(v) {
                *v = words::provider_name(id, locale);
            }
        }
    }
    shown
}

fn words(finding: Finding, locale: Locale) -> ReportFinding {
    words_with(finding, locale, &as_is)
}

/// The words of `finding` in `locale`, each value from DNS or a file written by `quote`.
fn words_with(finding: Finding, locale: Locale, quote: Quote) -> ReportFinding {
    let cat = catalog(locale);
    let code = finding.code.as_str();
    let key = match variant(&finding) {
        Some(v) => format!("{code}.{v}"),
        None => code.clone(),
    };
    let text = cat.codes.get(&key).or_else(|| cat.codes.get(&code));
    // The services' names as this language has them (diagnose keeps them in English).
    let shown = in_words(&finding, locale);
    let mut extra = BTreeMap::new();
    if let Some(status) = finding.params.get("status") {
        extra.insert(
            "status_text".to_string(),
            cat.status
                .get(status)
                .cloned()
                .unwrap_or_else(|| quote(status)),
        );
    }
    if let Some(purpose) = finding.params.get("purpose") {
        let text = cat
            .purposes
            .get(purpose)
            .cloned()
            .unwrap_or_else(|| quote(purpose));
        extra.insert(
            "purpose_text".to_string(),
            text.replace("{host}", &quote(&finding.host)),
        );
    }
    extra.insert(
        "changes_text".to_string(),
        spf_changes(&finding, cat, locale, quote),
    );
    let (title, message) = match text {
        Some(t) => (
            fill(
                t.title.form(&shown.params, locale),
                &shown,
                &BTreeMap::new(),
                &extra,
                quote,
            ),
            fill(
                t.explain.form(&shown.params, locale),
                &shown,
                &BTreeMap::new(),
                &extra,
                quote,
            ),
        ),
        None => (code.clone(), String::new()),
    };
    // Rows that only some of the DNS host's servers serve say so (diagnose: other views).
    let message = match finding.params.get("servers_only") {
        Some(servers) => {
            let note = cat
                .document
                .get("servers_only")
                .cloned()
                .unwrap_or_default()
                .replace("{servers}", &quote(servers));
            format!("{message} {note}").trim().to_string()
        }
        None => message,
    };
    let option_texts = finding
        .options
        .iter()
        .map(|o| {
            // `addresses_found`: how a report saved before `no_addresses` says it.
            let no_addresses = o.no_addresses
                || o.params.get("addresses_found").map(String::as_str) == Some("false");
            let key = if o.id == crate::diagnose::OptionId::ReplaceWithA && no_addresses {
                "replace_with_a.no_addresses".to_string()
            } else {
                o.id.as_str().to_string()
            };
            let (title, consequence) = cat
                .options
                .get(&key)
                .map(|t| {
                    (
                        fill(&t.title, &shown, &o.params, &BTreeMap::new(), quote),
                        fill(&t.consequence, &shown, &o.params, &BTreeMap::new(), quote),
                    )
                })
                .unwrap_or_else(|| (o.id.as_str().to_string(), String::new()));
            OptionText {
                id: o.id,
                title,
                consequence,
            }
        })
        .collect();
    ReportFinding {
        finding,
        title,
        message,
        option_texts,
    }
}

/// "Changes MX Doctor made at your DNS host": every write of `journal` with the record set
/// before and after, when it was made, its result and its undo, for the outcome report. DNS text
/// (names, values, the host's reasons) stays inside code spans, as everywhere in the report.
pub fn journal_section(journal: &crate::apply::Journal, locale: Locale) -> String {
    use crate::apply::{JournalStatus, StepResult};
    let cat = catalog(locale);
    let w = |key: &str| cat.document.get(key).cloned().unwrap_or_default();
    let values = |set: &crate::apply::RrSet| {
        if set.values.is_empty() {
            w("journal_none")
        } else {
            markdown::cell(&crate::apply::journal::values_words(set))
        }
    };
    let mut out = format!("\n## {}\n\n", w("journal"));
    out += &w("journal_intro")
        .replace("{adapter}", &markdown::code(&journal.adapter))
        .replace("{zone}", &markdown::code(&journal.zone))
        .replace("{time}", &utc(&journal.started));
    out += "\n\n";
    let status = match journal.status {
        JournalStatus::Applied => "applied",
        JournalStatus::InProgress | JournalStatus::Partial => "partial",
        JournalStatus::Refused => "refused",
        JournalStatus::NothingToDo => "nothing_to_do",
        JournalStatus::Error => "error",
    };
    out += &format!("{}\n\n", w(&format!("journal_status_{status}")));
    if !journal.steps.is_empty() {
        let heads = w("journal_columns");
        let columns: Vec<&str> = heads.split(" | ").collect();
        out += &format!(
            "| {} |\n|{}\n",
            columns.join(" | "),
            "---|".repeat(columns.len())
        );
    }
    for step in &journal.steps {
        let result = match step.result {
            StepResult::Done => w("journal_step_done"),
            StepResult::Unconfirmed => w("journal_step_unconfirmed"),
            StepResult::Failed => w("journal_step_failed"),
            StepResult::NotAttempted => w("journal_step_not_attempted"),
        };
        let result = match &step.error {
            Some(e) => format!("{result}: {}", markdown::cell(e)),
            None => result,
        };
        let undo = journal
            .undo
            .as_ref()
            .and_then(|u| u.steps.iter().find(|s| s.seq == step.seq));
        let undo = match undo {
            None => w("journal_undo_none"),
            Some(u) if u.result == StepResult::Done => w("journal_undo_done"),
            Some(u) => match &u.error {
                Some(e) => format!("{}: {}", w("journal_undo_failed"), markdown::cell(e)),
                None => w("journal_undo_failed"),
            },
        };
        let set = format!(
            "{} {}",
            step.after.name,
            serde_json::to_value(step.after.rtype)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        );
        out += &format!(
            "| {} | {} | {} | {} | {} | {result} | {undo} |\n",
            step.seq,
            markdown::cell(&set),
            values(&step.before),
            values(&step.after),
            step.at.as_deref().map(utc).unwrap_or_else(|| "—".into()),
        );
    }
    if let Some(u) = &journal.undo {
        let key = match u.status {
            JournalStatus::Applied => Some("journal_undo_applied"),
            JournalStatus::Partial | JournalStatus::InProgress => Some("journal_undo_partial"),
            JournalStatus::Error => Some("journal_undo_error"),
            _ => None,
        };
        if let Some(key) = key {
            let at = u.finished.as_deref().unwrap_or(&u.started);
            out += &format!("\n{}\n", w(key).replace("{time}", &utc(at)));
        }
    }
    out += &format!(
        "\n{} {}\n",
        w("journal_why"),
        markdown::code(&journal.message)
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_section_lists_every_write_with_dns_text_in_code_spans() {
        use crate::apply::{Journal, JournalStatus, JournalStep, RrSet, RrValue, StepResult};
        let mut before = RrSet::empty("example.com", RType::Cname);
        before.values.push(RrValue::new(None, "evil.test|<b>x</b>"));
        let journal = Journal {
            version: 1,
            domain: "example.com".into(),
            zone: "example.com".into(),
            dns_host: "practice".into(),
            adapter: "practice".into(),
            endpoint: None,
            started: "2026-01-02T03:04:05Z".into(),
            finished: Some("2026-01-02T03:04:06Z".into()),
            status: JournalStatus::Partial,
            message: "Stopped after 1 of 2 changes".into(),
            rows: Vec::new(),
            row_results: Vec::new(),
            steps: vec![
                JournalStep {
                    seq: 1,
                    before,
                    after: RrSet::empty("example.com", RType::Cname),
                    rows: vec![0],
                    at: Some("2026-01-02T03:04:05Z".into()),
                    result: StepResult::Done,
                    error: None,
                    seen: None,
                },
                JournalStep {
                    seq: 2,
                    before: RrSet::empty("www.example.com", RType::Cname),
                    after: RrSet::empty("www.example.com", RType::Cname),
                    rows: vec![1],
                    at: None,
                    result: StepResult::NotAttempted,
                    error: None,
                    seen: None,
                },
            ],
            undo: None,
            refusal: None,
        };
        let md = journal_section(&journal, Locale::En);
        assert!(
            md.contains("## Changes MX Doctor made at your DNS host"),
            "{md}"
        );
        assert!(
            md.contains("stopped part way"),
            "the status is the journal's, not the plan's: {md}"
        );
        assert!(
            md.contains("| 1 | `example.com CNAME` | `evil.test\\|<b>x</b>` | none | 2026-01-02 03:04:05 | done | not undone |"),
            "DNS text inside a code span, its | escaped: {md}"
        );
        assert!(
            md.contains("| 2 |") && md.contains("| not attempted |"),
            "{md}"
        );
        let zh = journal_section(&journal, Locale::ZhCn);
        assert!(zh.contains("MX Doctor 在您的解析服务商处做的修改"), "{zh}");
    }

    #[test]
    fn every_code_has_words() {
        let all = [
            "CNAME_AT_MAIL_HOST",
            "MX_MISSING",
            "MX_FOREIGN",
            "MX_PROVIDER_INCOMPLETE",
            "MX_TARGET_CNAME",
            "MX_TARGET_UNRESOLVABLE",
            "MX_TARGET_IP_LITERAL",
            "MX_NULL",
            "SPF_MISSING",
            "SPF_MULTIPLE",
            "SPF_PROVIDER_MISSING",
            "SPF_TOO_MANY_LOOKUPS",
            "SPF_TOO_MANY_VOID_LOOKUPS",
            "SPF_INCLUDE_LOOP",
            "SPF_BROKEN_INCLUDE",
            "SPF_SYNTAX",
            "SPF_PERMISSIVE",
            "DMARC_MISSING",
            "DKIM_NOT_FOUND",
            "DOMAIN_NOT_FOUND",
            "NS_INCONSISTENT",
            "TTL_HIGH",
            "LOOKUP_FAILED",
            "RESOLVER_STALE",
            "MX_ZONE_APPENDED",
            "DMARC_MULTIPLE",
            "DMARC_INHERITED",
            "RESOLVER_UNRELIABLE",
        ];
        let have: Vec<String> = catalog(Locale::En).codes.keys().cloned().collect();
        for code in all {
            assert!(have.contains(&code.to_string()), "{code} has no wording");
            let parsed: Code = serde_json::from_value(serde_json::Value::String(code.into()))
                .expect("code parses");
            assert_eq!(parsed.as_str(), code);
        }
    }

    #[test]
    fn a_record_value_cannot_break_the_table_or_reach_a_terminal() {
        let row = FixRow {
            action: Action::Delete,
            host: "@".into(),
            rtype: RType::TXT,
            priority: None,
            value: "v=spf1 a\n| forged | row |\u{1b}[2J\u{202e}`x`".into(),
            new_value: None,
            new_priority: None,
            keep: Vec::new(),
            if_missing: false,
        };
        let text = table(&[row], &|k| k.to_string(), true);
        assert_eq!(text.lines().count(), 3, "header, rule and one row: {text}");
        assert!(
            text.contains(r"`` v=spf1 a\n\| forged \| row \|\u{1b}[2J\u{202e}`x` ``"),
            "the value whole, backticks kept, in a span they cannot close: {text}"
        );
        assert!(!text.trim_end().chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn a_change_row_names_the_row_to_change_and_what_it_becomes() {
        let cat = catalog(Locale::En);
        let w = |k: &str| cat.document.get(k).cloned().unwrap_or_default();
        let change =
            |priority: Option<u16>, value: &str, new_value: Option<&str>, new_priority| FixRow {
                action: Action::Change,
                host: "@".into(),
                rtype: if priority.is_some() {
                    RType::MX
                } else {
                    RType::TXT
                },
                priority,
                value: value.into(),
                new_value: new_value.map(str::to_string),
                new_priority,
                keep: Vec::new(),
                if_missing: false,
            };
        let row = |r: FixRow| table(&[r], &w, true).lines().nth(2).unwrap().to_string();
        assert_eq!(
            row(change(None, "v=spf1 -all", Some("v=spf1 mx -all"), None)),
            "| Change | `@` | TXT | — | replace `v=spf1 -all` with `v=spf1 mx -all` |"
        );
        let priority_only = "| Change | `@` | MX | 30 → 20 | `mx2.zoho.com` (priority 30 to 20) |";
        assert_eq!(
            row(change(
                Some(30),
                "mx2.zoho.com",
                Some("mx2.zoho.com"),
                Some(20)
            )),
            priority_only
        );
        // A report saved before `new_priority` wrote the change as "priority 20".
        assert_eq!(
            row(change(Some(30), "mx2.zoho.com", Some("priority 20"), None)),
            priority_only
        );
        // No new value (a crafted or old report): the row to change, and no "replace X with X".
        assert_eq!(
            row(change(None, "v=spf1 -all", None, None)),
            "| Change | `@` | TXT | — | `v=spf1 -all` |"
        );
    }

    #[test]
    fn every_spf_change_has_words_with_its_term() {
        for locale in [Locale::En, Locale::ZhCn] {
            let cat = catalog(locale);
            for change in crate::spf::Change::ALL {
                let text = cat.spf_changes.get(change.as_str());
                assert!(
                    text.is_some_and(|t| t.contains("{term}")),
                    "{locale:?}: {} needs words naming the term",
                    change.as_str()
                );
            }
        }
    }

    #[test]
    fn a_merged_spf_record_says_in_words_what_it_left_out() {
        let f = Finding::new(Code::SpfMultiple, Severity::Error, "example.com")
            .param("count", "2")
            .param("all", "-all")
            .param(
                "changes",
                "unknown inclde:x.example\ncontrol ip4:192.0.2.1\\u{7}\nall_kept -all",
            )
            .param("dropped", "inclde:x.example ip4:192.0.2.1\\u{7}");
        let en = words(f.clone(), Locale::En).message;
        assert!(
            en.ends_with(
                "add the single combined record listed in the changes to make at your DNS host. \
                 Left out \"inclde:x.example\": SPF does \
                 not know this word; it is probably misspelt. Left out \"ip4:192.0.2.1\\u{7}\": \
                 it contains a line break or an invisible control character, which SPF does not \
                 allow. The combined record ends in \"-all\", as your records do (the record \
                 naming your mailbox provider counts first)."
            ),
            "{en}"
        );
        let zh = words(f, Locale::ZhCn).message;
        assert!(
            zh.contains("已去掉“inclde:x.example”：SPF 不认识这个词"),
            "{zh}"
        );
        let plain = Finding::new(Code::SpfPermissive, Severity::Warning, "example.com");
        let text = words(plain, Locale::En).message;
        assert!(
            !text.contains('{') && text.ends_with("send for you)."),
            "{text}"
        );
    }

    #[test]
    fn words_fill_the_findings_values() {
        let f = Finding::new(Code::MxForeign, Severity::Error, "example.com")
            .param("count", "2")
            .param("owner", "google-workspace")
            .param("owner_name", "Google Workspace")
            .param("provider", "Alibaba Mail");
        let r = words(f, Locale::En);
        assert_eq!(r.title, "2 mail server records belong to Google Workspace");
        assert!(!r.message.contains('{'), "{}", r.message);
    }

    #[test]
    fn a_failed_lookup_says_what_it_was_for_in_plain_words() {
        let f = Finding::new(Code::LookupFailed, Severity::Warning, "example.com")
            .param("question", "example.com MX")
            .param("status", "timeout")
            .param("detail", "192.0.2.1:53 did not answer within 3.0 s")
            .param("purpose", "mx");
        let r = words(f, Locale::En);
        assert_eq!(r.title, "Could not check your mail server records (MX)");
        assert!(
            r.message.contains("did not answer in time"),
            "{}",
            r.message
        );
    }

    /// `{name}` placeholders of a template, sorted.
    fn placeholders(text: &str) -> Vec<String> {
        let mut out: Vec<String> = text
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn simplified_chinese_has_every_text_with_the_same_placeholders() {
        let (en, zh) = (catalog(Locale::En), catalog(Locale::ZhCn));
        let keys = |m: &BTreeMap<String, words::Text>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&zh.codes), keys(&en.codes));
        // Every plural form of a text has the placeholders of every form in the other language.
        let same = |z: &words::Words, e: &words::Words, what: &str| {
            for zf in z.forms() {
                assert!(!zf.is_empty(), "{what}");
                for ef in e.forms() {
                    assert_eq!(placeholders(zf), placeholders(ef), "{what}");
                }
            }
        };
        for (key, e) in &en.codes {
            let z = &zh.codes[key];
            same(&z.title, &e.title, &format!("{key} title"));
            same(&z.explain, &e.explain, &format!("{key} explain"));
        }
        for (key, e) in &en.options {
            let z = &zh.options[key];
            assert_eq!(placeholders(&z.title), placeholders(&e.title), "{key}");
            assert_eq!(
                placeholders(&z.consequence),
                placeholders(&e.consequence),
                "{key}"
            );
        }
        for (section_en, section_zh) in [
            (&en.status, &zh.status),
            (&en.steps, &zh.steps),
            (&en.purposes, &zh.purposes),
            (&en.spf_changes, &zh.spf_changes),
            (&en.document, &zh.document),
            (&en.providers, &zh.providers),
            (&en.vantages, &zh.vantages),
            (&en.notification, &zh.notification),
        ] {
            assert_eq!(
                section_en.keys().collect::<Vec<_>>(),
                section_zh.keys().collect::<Vec<_>>()
            );
            for (key, e) in section_en {
                assert_eq!(placeholders(&section_zh[key]), placeholders(e), "{key}");
            }
        }
    }

    #[test]
    fn every_dns_host_has_chinese_steps_and_switching_back_restores_english() {
        let zh = catalog(Locale::ZhCn);
        for ns in [
            "dns1.hichina.com",
            "f1g1ns1.dnspod.net",
            "ada.ns.cloudflare.com",
            "ns01.domaincontrol.com",
            "ns-1.awsdns-01.org",
            "ns-cloud-a1.googledomains.com",
            "ns1-01.azure-dns.com",
            "dns1.registrar-servers.com",
            "ns1.huaweicloud-dns.com",
            "ns-1-a.gandi.net",
            "dns10.ovh.net",
            "ns1045.ui-dns.com",
            "ns1.unknown-host.example",
        ] {
            let en = providers::dns_host_for(&[ns.to_string()]);
            let id = en.host.as_ref().map_or("generic", |h| h.id.as_str());
            let steps = zh.dns_hosts.get(id);
            assert!(
                steps.is_some_and(|s| s.steps.len() == en.steps.len()),
                "{ns} ({id})"
            );
            let chinese = dns_host_guide(&[ns.to_string()], Locale::ZhCn);
            let at = |g: &DnsHostGuide| {
                g.host
                    .as_ref()
                    .map(|h| (h.id.clone(), h.console_url.clone()))
            };
            assert_eq!(at(&chinese), at(&en), "the same host, at the same console");
            assert_ne!(chinese.steps, en.steps, "{ns}");
            assert_eq!(
                dns_host_guide(&[ns.to_string()], Locale::En).steps,
                en.steps
            );
        }
    }

    #[test]
    fn an_empty_answer_from_the_resolver_is_not_quoted_as_does_not_exist() {
        use crate::diagnose::Variant;
        let denied = |d: &str, nx: bool| {
            Finding::new(Code::ResolverUnreliable, Severity::Warning, "example.com")
                .param("reason", "denies_root")
                .param("resolvers", "192.168.1.1:53")
                .param("denied", d)
                .worded(Variant::NoAnswer, !nx)
        };
        let empty = denied(". NS: no_data; com NS: no_data", false);
        assert_eq!(legacy::variant_from_params(&empty), Some("no_answer"));
        let r = words(empty, Locale::En);
        assert!(
            r.message.contains("gives no usable answer"),
            "{}",
            r.message
        );
        assert!(!r.message.contains("do not exist"), "{}", r.message);
        let zh = words(denied(". NS: no_data", false), Locale::ZhCn);
        assert!(!zh.message.contains("说不存在"), "{}", zh.message);
        let nx = denied(". NS: nxdomain; com NS: nxdomain", true);
        assert_eq!(legacy::variant_from_params(&nx), None);
        assert!(words(nx, Locale::En).message.contains("do not exist"));
    }

    #[test]
    fn a_report_is_reworded_in_chinese_with_its_values() {
        let f = Finding::new(Code::LookupFailed, Severity::Warning, "example.com")
            .param("question", "example.com MX")
            .param("status", "timeout")
            .param("detail", "no answer")
            .param("purpose", "mx");
        let r = words(f, Locale::ZhCn);
        assert_eq!(r.title, "无法检测您的邮件服务器记录（MX）");
        assert!(r.message.contains("没有及时应答"), "{}", r.message);
        assert!(!r.message.contains('{'), "{}", r.message);
    }
}

/// Reports saved by a version before `Finding.variant` (a wait resumed across an upgrade)
/// carry their wording only in `params`: this rule reads it there, for them alone. It is also
/// the oracle every diagnosis of the core's unit tests must agree with.
pub(crate) mod legacy {
    use crate::diagnose::{Code, Finding};

    /// The rule that read the wording variant back out of `params`, before the diagnosis chose it.
    pub(crate) fn variant_from_params(f: &Finding) -> Option<&'static str> {
        let p = |k: &str| f.params.get(k).map(String::as_str);
        match f.code {
            Code::MxMissing if p("provider") == Some("") => Some("no_provider"),
            Code::MxForeign if p("owner") == Some("") => Some("unknown_owner"),
            // A row that is not the provider's is deleted for its own fault (diagnose/mx.rs).
            Code::MxTargetUnresolvable => {
                match (p("nxdomain") == Some("true"), p("foreign").is_some()) {
                    (true, true) => Some("nxdomain_foreign"),
                    (true, false) => Some("nxdomain"),
                    (false, true) => Some("foreign"),
                    (false, false) => None,
                }
            }
            Code::MxTargetCname | Code::MxTargetIpLiteral | Code::MxZoneAppended
                if p("foreign").is_some() =>
            {
                Some("foreign")
            }
            Code::MxProviderIncomplete if p("any_present") == Some("false") => Some("none_present"),
            Code::LookupFailed if p("asked_of").is_some() => Some("not_asked"),
            Code::LookupFailed if p("purpose") == Some("name_server") => Some("name_server"),
            Code::LookupFailed if p("vantage") == Some("resolver") => Some("resolver"),
            Code::CnameAtMailHost if p("hidden_mx") == Some("true") => Some("hidden_mx"),
            Code::NsInconsistent if p("stale").is_some_and(|s| !s.is_empty()) => Some("stale"),
            Code::LookupFailed if p("purpose") == Some("domain_exists") => Some("domain_exists"),
            Code::ResolverUnreliable if p("reason") == Some("denies_domain") => {
                Some("denies_domain")
            }
            // "<name> NS: <outcome>; …": not every denial an NXDOMAIN.
            Code::ResolverUnreliable
                if p("reason") == Some("denies_root")
                    && !p("denied")
                        .unwrap_or("")
                        .split("; ")
                        .all(|d| d.ends_with(": nxdomain")) =>
            {
                Some("no_answer")
            }
            _ => None,
        }
    }
}

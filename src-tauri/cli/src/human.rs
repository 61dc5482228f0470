//! The report in plain words for a terminal. DNS answers and what was typed are untrusted
//! text: control and bidi characters are shown escaped ([`crate::escape`]), so a TXT record
//! cannot move the cursor, recolour the terminal or forge a line.

use std::fmt::Write;
use std::io::IsTerminal;

use mxdoctor_core::diagnose::{Action, FixRow, ProviderSource, Severity};
use mxdoctor_core::dns::RType;
use mxdoctor_core::domain::Adjustment;
use mxdoctor_core::propagation::{
    Gap, GapKind, Phase, VantageKind, VantageState, WaitStatus, WaitView,
};
use mxdoctor_core::report::{self, step_title, CheckReport, CheckStatus, Locale, ReportFinding};
use mxdoctor_core::saved::{RowCheck, RowState};

use crate::escape;

/// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
pub fn use_colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn bold(&self, t: &str) -> String {
        self.wrap("1", t)
    }
    fn severity(&self, s: Severity) -> String {
        match s {
            Severity::Error => self.wrap("1;31", "PROBLEM"),
            Severity::Warning => self.wrap("1;33", "RISK   "),
            Severity::Info => self.wrap("36", "NOTE   "),
        }
    }
}

pub fn render(report: &CheckReport, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let shown = if report.domain_unicode != report.domain {
        format!(
            "{} ({})",
            escape::inline(&report.domain_unicode),
            report.domain
        )
    } else {
        report.domain.clone()
    };
    let _ = writeln!(out, "{}", p.bold(&format!("MX Doctor checked {shown}")));
    for adj in &report.adjustments {
        let _ = writeln!(out, "  {}", adjustment(*adj, &report.input));
    }
    let provider = match (&report.provider_name, report.provider_source) {
        (Some(name), ProviderSource::Given) => format!("Mailbox service: {name}"),
        (Some(name), _) => format!("Mailbox service: {name} (recognised from your current mail records; use --provider to choose)"),
        (None, _) => "Mailbox service: not recognised (use --provider to say which one you bought)".to_string(),
    };
    let _ = writeln!(out, "  {provider}");
    match &report.dns_host.host {
        Some(h) => {
            let _ = writeln!(
                out,
                "  Your DNS is managed at: {} ({})",
                h.name, h.console_url
            );
        }
        None if !report.dns_host.name_servers.is_empty() => {
            let _ = writeln!(
                out,
                "  Your DNS is managed by the servers {}",
                escape::inline(&report.dns_host.name_servers.join(", "))
            );
        }
        None => {}
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", p.bold(&summary(report)));
    for f in &report.findings {
        finding(&mut out, &p, f);
    }
    if !report.plan.steps.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold("What to change at your DNS host, in this order:")
        );
        for (i, step) in report.plan.steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {}", i + 1, step_title(step.id.as_str()));
            table(&mut out, &step.rows, "     ");
        }
        if let Some(h) = &report.dns_host.host {
            let _ = writeln!(out, "\n  Where: {} ({})", h.name, h.console_url);
        }
        if report.dns_host.host.is_none() {
            let _ = writeln!(out, "\n  Where:");
        }
        for s in &report.dns_host.steps {
            let _ = writeln!(out, "   - {s}");
        }
    }
    if !report.plan.target.is_empty() && report.status != CheckStatus::Ok {
        let _ = writeln!(
            out,
            "\n{}",
            p.bold("When you are done, these rows should be there:")
        );
        target_table(&mut out, &report.plan.target, "     ");
    }
    out
}

fn adjustment(adj: Adjustment, input: &str) -> String {
    let input = escape::inline(input);
    match adj {
        Adjustment::TookPartAfterAt => {
            format!("You typed \"{input}\": checked the domain after the @.")
        }
        Adjustment::TookHostFromUrl => {
            format!("You typed a web address (\"{input}\"): checked its domain.")
        }
        Adjustment::DroppedWww => {
            "Mail goes to the domain itself, so \"www.\" was left out.".to_string()
        }
        Adjustment::DroppedTrailingDot => "The final dot was left out.".to_string(),
        Adjustment::Normalised => "The name was written in its standard form.".to_string(),
        Adjustment::TookAddressFromMailLink => {
            format!("You pasted an email link (\"{input}\"): checked the domain of the address it is for.")
        }
    }
}

fn summary(report: &CheckReport) -> String {
    let counts = report.counts();
    match report.status {
        CheckStatus::Ok => "Mail delivery looks right. Nothing needs changing.".to_string(),
        CheckStatus::Error => {
            "The check could not be completed: the DNS questions that matter got no answer."
                .to_string()
        }
        CheckStatus::Problems => format!(
            "Found {} mail and {}.",
            plural(counts.problems, "problem that stops", "problems that stop"),
            plural(counts.risks, "risk", "risks")
        ),
    }
}

/// "1 problem", "2 problems": the count with the form English uses for it.
fn plural(n: u32, one: &str, other: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { other })
}

fn finding(out: &mut String, p: &Paint, f: &ReportFinding) {
    let _ = writeln!(
        out,
        "\n{} {}",
        p.severity(f.finding.severity),
        escape::inline(&f.title)
    );
    for line in wrap(&escape::lines(&f.message), 80) {
        let _ = writeln!(out, "        {line}");
    }
    if !f.finding.records.is_empty() {
        let _ = writeln!(out, "        Seen:");
        for r in &f.finding.records {
            let _ = writeln!(
                out,
                "          {} {} (TTL {} s)",
                escape::inline(&r.name),
                escape::inline(&r.summary()),
                r.ttl
            );
        }
    }
    for (i, (option, text)) in f.finding.options.iter().zip(&f.option_texts).enumerate() {
        let _ = writeln!(out, "        Option {}: {}", i + 1, text.title);
        for line in wrap(&escape::lines(&text.consequence), 76) {
            let _ = writeln!(out, "          {line}");
        }
        table(out, &option.fix, "          ");
    }
    // The rule's RFC section with its address, so the line leads somewhere a reader can go.
    let reference = match f.finding.reference_url.as_str() {
        "" => f.finding.reference.clone(),
        url => format!("{}, {url}", f.finding.reference),
    };
    let _ = writeln!(
        out,
        "        ({reference}; code {})",
        f.finding.code.as_str()
    );
}

/// Seed 001's table: Host record · Record type · Priority · Record value.
fn table(out: &mut String, rows: &[FixRow], indent: &str) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{indent}{:<8} {:<12} {:<12} {:<9} Record value",
        "Action", "Host record", "Record type", "Priority"
    );
    for r in rows {
        let action = match r.action {
            Action::Delete => "Delete",
            Action::Add if r.if_missing => "Add*",
            Action::Add => "Add",
            Action::Change => "Change",
        };
        let priority = r
            .priority
            .map(|p| p.to_string())
            .unwrap_or_else(|| "-".into());
        let new_priority = r.target_priority().filter(|p| Some(*p) != r.priority);
        let priority = match new_priority {
            Some(new) => format!("{priority} -> {new}"),
            None => priority,
        };
        // A change names the row to change and what it becomes; a priority-only change keeps
        // the value, and a change without a new value (an old report) names only the row.
        let value = match r.target_value() {
            Some(new) if new != r.value => {
                format!("{} -> {}", escape::inline(&r.value), escape::inline(new))
            }
            _ => escape::inline(&report::row_value_text(r, Locale::En)),
        };
        let _ = writeln!(
            out,
            "{indent}{action:<8} {:<12} {:<12} {priority:<9} {value}",
            escape::inline(&r.host),
            r.rtype
        );
    }
    if rows.iter().any(|r| r.if_missing) {
        let _ = writeln!(
            out,
            "{indent}* add it if it is not there yet (the alias hides what is beside it)"
        );
    }
}

/// The rows that should exist once the repair is done (seed 001 §2.3): no action column.
fn target_table(out: &mut String, rows: &[FixRow], indent: &str) {
    let _ = writeln!(
        out,
        "{indent}{:<12} {:<12} {:<9} Record value",
        "Host record", "Record type", "Priority"
    );
    for r in rows {
        let priority = r
            .priority
            .map(|p| p.to_string())
            .unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{indent}{:<12} {:<12} {priority:<9} {}",
            escape::inline(&r.host),
            r.rtype,
            escape::inline(&r.value)
        );
    }
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + word.chars().count() + 1 > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// What `watch` prints before the wait: the check's verdict in a few lines.
pub fn render_brief(report: &CheckReport, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!(
            "MX Doctor checked {}",
            escape::inline(&report.domain_unicode)
        ))
    );
    let _ = writeln!(out, "  {}", summary(report));
    for f in report
        .findings
        .iter()
        .filter(|f| f.finding.severity != Severity::Info)
    {
        let _ = writeln!(
            out,
            "  {} {}",
            p.severity(f.finding.severity),
            escape::inline(&f.title)
        );
    }
    if report.status == CheckStatus::Problems {
        let _ = writeln!(
            out,
            "  (Run `mxdoctor check {}` for the rows to change.)",
            report.domain
        );
    }
    let _ = writeln!(
        out,
        "\nWaiting until every server below gives the repaired records. Ctrl-C stops.\n"
    );
    out
}

fn seconds(s: u64) -> String {
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

fn hidden(g: &Gap) -> bool {
    !g.records.iter().any(|r| r.rtype() == Some(RType::MX))
}

/// The old data a vantage still gives, in a few words.
fn gap_words(g: &Gap) -> String {
    let values: Vec<String> =
        g.records
            .iter()
            .filter(|r| match g.kind {
                GapKind::AliasPresent => r.rtype() == Some(RType::Cname),
                GapKind::MailServersDiffer => matches!(r.rtype(), Some(RType::MX | RType::Cname)),
                GapKind::SpfIncludeMissing => r.rtype() == Some(RType::TXT),
                GapKind::RowDiffers => g.row.as_ref().is_some_and(|row| {
                    r.rtype() == Some(RType::Cname) || r.rtype() == Some(row.rtype)
                }),
            })
            .map(|r| escape::inline(&r.summary()))
            .collect();
    let list = if values.is_empty() {
        "none".to_string()
    } else {
        values.join(", ")
    };
    match g.kind {
        GapKind::AliasPresent => format!("alias {list}"),
        GapKind::MailServersDiffer => format!("mail servers: {list}"),
        GapKind::SpfIncludeMissing => format!("SPF: {list}"),
        GapKind::RowDiffers => match &g.row {
            Some(row) => format!("asked: {}; gives: {list}", row_words(row)),
            None => format!("gives: {list}"),
        },
    }
}

/// A plan row in a few words: "delete MX 10 mx.old.example", "change TXT … to …".
pub fn row_words(row: &FixRow) -> String {
    let action = match row.action {
        Action::Delete => "delete",
        Action::Add if row.if_missing => "add if not there yet",
        Action::Add => "add",
        Action::Change => "change",
    };
    let host = escape::inline(&row.host);
    let rtype = row.rtype.as_str();
    if row.is_all_except() {
        let keep: Vec<String> = row.keep.iter().map(|k| escape::inline(k)).collect();
        return format!(
            "delete every {rtype} row at {host} except {}",
            keep.join(", ")
        );
    }
    let priority = row.priority.map(|p| format!("{p} ")).unwrap_or_default();
    let value = escape::inline(&row.value);
    let new_priority = row.target_priority().filter(|p| Some(*p) != row.priority);
    match (row.target_value(), new_priority) {
        (Some(new), _) if new != row.value => {
            let to = new_priority.map(|p| format!("{p} ")).unwrap_or_default();
            format!(
                "change {rtype} at {host} from {priority}{value} to {to}{}",
                escape::inline(new)
            )
        }
        (_, Some(new)) => format!(
            "change the priority of {rtype} {value} at {host} from {} to {new}",
            row.priority
                .map(|p| p.to_string())
                .unwrap_or_else(|| "-".into())
        ),
        _ => format!("{action} {rtype} at {host}: {priority}{value}"),
    }
}

/// The names of the vantages the wait could not hear from, with why, for one line.
fn except_words(view: &WaitView) -> String {
    view.except
        .iter()
        .map(|u| {
            let why = match (&u.failure, u.server.is_none()) {
                (_, true) => "its address was never found".to_string(),
                (Some(f), _) => escape::inline(f),
                (None, false) => "no answer".to_string(),
            };
            let old = if u.last_old {
                "; the last it gave were the old records"
            } else {
                ""
            };
            format!("{} ({why}{old})", escape::inline(&u.name))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One round of the wait: the phase, one line per vantage, the expected end.
pub fn render_wait(view: &WaitView, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let clear = view
        .vantages
        .iter()
        .filter(|v| v.state == VantageState::Clear)
        .count();
    let headline = match view.phase {
        Phase::Checking => "Asking every server…".to_string(),
        Phase::NotSaved => "Your change is not saved at your DNS host yet: its own servers still give the old records. Save the change in your DNS console; MX Doctor keeps asking.".to_string(),
        Phase::Propagating => format!(
            "Your change is saved at your DNS host. Waiting for the caches to let go of the old records: {clear} of {} places show the new ones.",
            view.vantages.len()
        ),
        Phase::Clear => "Every server gives the repaired records.".to_string(),
        Phase::TimedOut => "The wait ran out.".to_string(),
        Phase::SavedExcept
            if !view.vantages.iter().any(|v| {
                v.kind == VantageKind::Authoritative && v.state == VantageState::Clear
            }) =>
        {
            format!(
                "None of your DNS host's servers answered ({}), so MX Doctor cannot see whether your change is saved. Waiting for the caches meanwhile: {clear} of {} places show the new records.",
                except_words(view),
                view.vantages.len()
            )
        }
        Phase::SavedExcept => format!(
            "No server of your DNS host gives the old records any more, but the change is not confirmed saved on every one: {} did not answer. Waiting for the caches meanwhile: {clear} of {} places show the new records.",
            except_words(view),
            view.vantages.len()
        ),
        Phase::ClearExcept => format!(
            "Every server that answered gives the repaired records; {} did not.",
            except_words(view)
        ),
    };
    for line in wrap(&headline, 90) {
        let _ = writeln!(out, "{}", p.bold(&line));
    }
    let width = view
        .vantages
        .iter()
        .map(|v| v.name.chars().count() + v.server.len() + 3)
        .max()
        .unwrap_or(0);
    for v in &view.vantages {
        let label = if v.name == v.server {
            escape::inline(&v.server)
        } else {
            format!(
                "{} ({})",
                escape::inline(&v.name),
                escape::inline(&v.server)
            )
        };
        let (state, detail) = match v.state {
            VantageState::Pending => (p.wrap("2", "ASKING   "), String::new()),
            VantageState::Clear => (p.wrap("1;32", "CLEAR    "), String::new()),
            VantageState::Stale => {
                let left = match v.expires_in {
                    // Never "for up to 0 s more": the copy has run out and it is asked again.
                    Some(0) => "its old copy has run out".to_string(),
                    Some(s) => format!("old records for up to {} more", seconds(s)),
                    None => "old records".to_string(),
                };
                (p.wrap("1;33", "OLD      "), left)
            }
            VantageState::NotSaved => (
                p.wrap("1;31", "NOT SAVED"),
                "publishes the old records".to_string(),
            ),
            VantageState::Failed => (
                p.wrap("35", "NO ANSWER"),
                escape::inline(v.failure.as_deref().unwrap_or("no answer")),
            ),
        };
        let next = match (v.state, v.next_check_in) {
            (VantageState::Stale, None) => " · asked again once the change is saved".to_string(),
            (VantageState::Clear, _) | (_, None) => String::new(),
            (_, Some(0)) => " · asking now".to_string(),
            (_, Some(s)) => format!(" · next check in {}", seconds(s)),
        };
        // Behind an alias the mail servers are hidden too: naming the alias says it all.
        let alias = v.gaps.iter().any(|g| g.kind == GapKind::AliasPresent);
        let gaps: Vec<String> = v
            .gaps
            .iter()
            .filter(|g| !(alias && g.kind == GapKind::MailServersDiffer && hidden(g)))
            .map(gap_words)
            .collect();
        let _ = writeln!(out, "  {state}  {label:<width$}  {detail}{next}");
        if !gaps.is_empty() && v.state != VantageState::Clear {
            let _ = writeln!(out, "             {:<width$}  ({})", "", gaps.join("; "));
        }
    }
    if let (Some(e), Some(l), Some(ein), Some(lin)) = (
        &view.earliest,
        &view.latest,
        view.earliest_in,
        view.latest_in,
    ) {
        if view.status == WaitStatus::Waiting {
            let _ = writeln!(
                out,
                "Expected: from {e} (in {}) to {l} at the latest (in {}).",
                seconds(ein),
                seconds(lin)
            );
            let _ = writeln!(
                out,
                "  One question sees one cache of a resolver; its other caches may keep the old records until the latest time."
            );
        }
    }
    out
}

/// The rows of the plan, seen saved at every DNS host server or not.
fn rows_words(view: &WaitView) -> String {
    let mut out = String::new();
    let (saved, not): (Vec<&RowCheck>, Vec<&RowCheck>) =
        view.rows.iter().partition(|r| r.state == RowState::Saved);
    let (suggested, skipped): (Vec<&RowCheck>, Vec<&RowCheck>) = view
        .optional_rows
        .iter()
        .partition(|r| r.state == RowState::Saved);
    let saved: Vec<&RowCheck> = saved.into_iter().chain(suggested).collect();
    if !saved.is_empty() {
        out += "  Seen saved at every server of your DNS host:\n";
        for r in saved {
            out += &format!("    {}\n", row_words(&r.row));
        }
    }
    if !not.is_empty() {
        out += "  Never seen saved at every server of your DNS host:\n";
        for r in not {
            let at: Vec<String> = r
                .servers
                .iter()
                .filter(|s| s.state != RowState::Saved)
                .map(|s| {
                    let how = if s.state == RowState::NotSaved {
                        "not there"
                    } else {
                        "could not ask"
                    };
                    format!("{}: {how}", escape::inline(&s.server))
                })
                .collect();
            out += &format!("    {} ({})\n", row_words(&r.row), at.join("; "));
        }
    }
    if !skipped.is_empty() {
        out += "  Suggested, not seen made (optional; mail arrives without them):\n";
        for r in skipped {
            out += &format!("    {}\n", row_words(&r.row));
        }
    }
    out
}

/// The last words of a wait.
pub fn render_end(view: &WaitView, colour: bool) -> String {
    let p = Paint(colour);
    let rows = rows_words(view);
    let text = render_end_headline(view, &p);
    format!("{text}{rows}")
}

fn render_end_headline(view: &WaitView, p: &Paint) -> String {
    match view.status {
        WaitStatus::ClearExcept => format!(
            "\n{}\n  {} did not answer, so MX Doctor cannot say they give the repaired records. Cleared elsewhere at {}; {} DNS questions were sent in {} rounds.\n",
            p.wrap(
                "1;33",
                "Clear, except where no answer came: every server that answered gives the repaired records."
            ),
            except_words(view),
            view.cleared_at.as_deref().unwrap_or(&view.at),
            view.queries,
            view.round
        ),
        WaitStatus::Clear => format!(
            "\n{}\n  Cleared at {}; {} DNS questions were sent in {} rounds.\n",
            p.wrap(
                "1;32",
                &format!(
                    "All clear: mail to {} now goes to your mailbox service.",
                    escape::inline(&view.mail_host)
                )
            ),
            view.cleared_at.as_deref().unwrap_or(&view.at),
            view.queries,
            view.round
        ),
        _ => {
            let left: Vec<String> = view
                .vantages
                .iter()
                .filter(|v| v.state != VantageState::Clear)
                .map(|v| escape::inline(&v.name))
                .collect();
            format!(
                "\n{}\n  Still not clear: {}. Run `mxdoctor check {}` to see what they give.\n",
                p.wrap(
                    "1;31",
                    "The wait ran out before every server gave the repaired records."
                ),
                left.join(", "),
                view.domain
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
    }

    use mxdoctor_core::propagation::{Condition, TimeRange, VantageSpec, Wait, WaitSettings};

    fn wait() -> Wait {
        let spec = |kind, name: &str, last: u8| VantageSpec {
            kind,
            name: name.into(),
            server: std::net::SocketAddr::from(([192, 0, 2, last], 53)),
        };
        Wait::new(
            "example.com",
            None,
            vec![Condition::NoAlias {
                name: "example.com".into(),
            }],
            vec![
                spec(VantageKind::Authoritative, "ns1.example.com", 1),
                spec(VantageKind::Authoritative, "ns2.example.com", 2),
                spec(VantageKind::Public, "Google Public DNS", 8),
            ],
            WaitSettings::default(),
            1_000_000,
        )
        .unwrap()
    }

    #[test]
    fn an_expired_copy_is_never_shown_as_0_s_more() {
        let mut w = wait();
        let now = 2_000_000;
        for v in &mut w.vantages[..2] {
            v.state = VantageState::Clear;
            v.next_check = None;
        }
        let cache = &mut w.vantages[2];
        cache.state = VantageState::Stale;
        cache.expiry = Some(TimeRange {
            earliest: now - 2_000,
            latest: now - 1_000,
        });
        cache.next_check = Some(now);
        let text = render_wait(&w.view(now), false);
        assert!(!text.contains("0 s more"), "{text}");
        assert!(text.contains("its old copy has run out"), "{text}");
        assert!(text.contains("asking now"), "{text}");
    }

    #[test]
    fn a_silent_dns_host_server_is_named_and_nothing_is_called_saved() {
        let mut w = wait();
        let now = 2_000_000;
        w.vantages[0].state = VantageState::Clear;
        w.vantages[1].state = VantageState::Failed;
        w.vantages[1].failure = Some("no answer in 3 s".into());
        w.vantages[2].state = VantageState::Clear;
        let text = render_wait(&w.view(now), false);
        assert!(!text.contains("is saved"), "{text}");
        assert!(
            text.contains("ns2.example.com (no answer in 3 s)"),
            "{text}"
        );
        w.conclude(now);
        assert_eq!(w.finished, None, "one failure does not end the wait");
    }
}

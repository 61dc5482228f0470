//! The report in plain words for a terminal. DNS answers are untrusted text: control characters
//! are shown escaped so a TXT record cannot move the cursor or recolour the terminal.

use std::fmt::Write;
use std::io::IsTerminal;

use mxdoctor_core::diagnose::{Action, FixRow, ProviderSource, Severity};
use mxdoctor_core::domain::Adjustment;
use mxdoctor_core::report::{step_title, CheckReport, CheckStatus, ReportFinding};

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

/// Untrusted text made safe to print.
pub fn clean(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

pub fn render(report: &CheckReport, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let shown = if report.domain_unicode != report.domain {
        format!("{} ({})", clean(&report.domain_unicode), report.domain)
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
                clean(&report.dns_host.name_servers.join(", "))
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
            let _ = writeln!(out, "  {}. {}", i + 1, step_title(&step.id));
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
    let input = clean(input);
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
    }
}

fn summary(report: &CheckReport) -> String {
    let count = |s: Severity| {
        report
            .findings
            .iter()
            .filter(|f| f.finding.severity == s)
            .count()
    };
    match report.status {
        CheckStatus::Ok => "Mail delivery looks right. Nothing needs changing.".to_string(),
        CheckStatus::Error => {
            "The check could not be completed: the DNS questions that matter got no answer."
                .to_string()
        }
        CheckStatus::Problems => format!(
            "Found {} problem(s) that stop mail and {} risk(s).",
            count(Severity::Error),
            count(Severity::Warning)
        ),
    }
}

fn finding(out: &mut String, p: &Paint, f: &ReportFinding) {
    let _ = writeln!(
        out,
        "\n{} {}",
        p.severity(f.finding.severity),
        clean(&f.title)
    );
    for line in wrap(&clean(&f.message), 80) {
        let _ = writeln!(out, "        {line}");
    }
    if !f.finding.records.is_empty() {
        let _ = writeln!(out, "        Seen:");
        for r in &f.finding.records {
            let _ = writeln!(
                out,
                "          {} {} (TTL {} s)",
                clean(&r.name),
                clean(&r.summary()),
                r.ttl
            );
        }
    }
    for (i, (option, text)) in f.finding.options.iter().zip(&f.option_texts).enumerate() {
        let _ = writeln!(out, "        Option {}: {}", i + 1, text.title);
        for line in wrap(&clean(&text.consequence), 76) {
            let _ = writeln!(out, "          {line}");
        }
        table(out, &option.fix, "          ");
    }
    let _ = writeln!(
        out,
        "        ({}; code {})",
        f.finding.reference,
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
            Action::Add => "Add",
            Action::Change => "Change",
        };
        let priority = r
            .priority
            .map(|p| p.to_string())
            .unwrap_or_else(|| "-".into());
        let value = match &r.new_value {
            Some(new) => format!("{} -> {}", clean(&r.value), clean(new)),
            None => clean(&r.value),
        };
        let _ = writeln!(
            out,
            "{indent}{action:<8} {:<12} {:<12} {priority:<9} {value}",
            clean(&r.host),
            r.rtype
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
            clean(&r.host),
            r.rtype,
            clean(&r.value)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_from_dns_are_escaped() {
        assert_eq!(clean("ok\x1b[31mred"), "ok\\u{1b}[31mred");
        assert_eq!(clean("v=spf1 -all"), "v=spf1 -all");
    }

    #[test]
    fn wraps_at_word_boundaries() {
        assert_eq!(wrap("aaa bbb ccc", 7), ["aaa bbb", "ccc"]);
    }
}

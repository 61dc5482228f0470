//! `mxdoctor fix` and `mxdoctor undo`: the repair plan applied through the DNS host's API, for
//! helpdesk scripts (DESIGN.md, "One-click repair", the CLI contract). Keys come from
//! `MXDOCTOR_DNS_KEY` / `MXDOCTOR_DNS_SECRET` / `MXDOCTOR_TSIG_ALGORITHM`, else the keychain;
//! never from the command line, and they are never printed.

use std::path::{Path, PathBuf};

use clap::Args;
use mxdoctor_core::apply::{
    self, hosts, journal::values_words, keys, DnsHostApi, Journal, JournalStatus, Preview,
    RowResult,
};
use mxdoctor_core::check::{self, CheckOptions};
use mxdoctor_core::diagnose::FixRow;
use mxdoctor_core::files;
use mxdoctor_core::repair;
use mxdoctor_core::report::CheckStatus;
use mxdoctor_core::saved::{self, RowState};
use serde_json::{json, Value};

use crate::{escape, fail, human, provider_choice, timeout, unix_now, Failure, Target};

#[derive(Args)]
pub struct FixArgs {
    #[command(flatten)]
    target: Target,
    /// Where the domain's DNS is hosted: alibaba-cloud-dns, dnspod, cloudflare, route53,
    /// godaddy, or powerdns / rfc2136 (these two with --endpoint).
    #[arg(long, value_name = "ID")]
    dns_host: String,
    /// PowerDNS: its API's http://IP:PORT; RFC 2136: the primary server's IP[:PORT].
    #[arg(long, value_name = "URL|IP:PORT")]
    endpoint: Option<String>,
    /// The way to remove an alias at the mail host: a-records (the default), move-to-www or
    /// separate-subdomain.
    #[arg(long, value_name = "ID")]
    option: Option<String>,
    /// Print the preview and change nothing (the default without --yes).
    #[arg(long)]
    dry_run: bool,
    /// Make the changes.
    #[arg(long)]
    yes: bool,
    /// Apply exactly this preview (the output of `fix --dry-run --json`); refused when the zone
    /// differs from the one it was made from.
    #[arg(long, value_name = "FILE")]
    plan: Option<PathBuf>,
    /// Write the journal here (default: beside MX Doctor's saved state).
    #[arg(long, value_name = "FILE")]
    journal: Option<PathBuf>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct UndoArgs {
    /// The journal `mxdoctor fix` wrote.
    #[arg(long, value_name = "FILE")]
    journal: PathBuf,
    /// For powerdns / rfc2136 with a key from the environment: the endpoint the key is for,
    /// which must be the journal's (a journal is a file; the key is not sent where a file says).
    #[arg(long, value_name = "URL|IP:PORT")]
    endpoint: Option<String>,
    /// Put the records back (without it, say what would be put back).
    #[arg(long)]
    yes: bool,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// The largest journal or plan file read (they hold a few record sets).
const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// The exit code of a finished apply: 0 every row seen saved, 1 some row not, 2 refused or
/// failed before any change.
fn exit_code(status: JournalStatus, all_saved: bool) -> i32 {
    match status {
        JournalStatus::Applied if all_saved => 0,
        JournalStatus::NothingToDo => 0,
        JournalStatus::Applied | JournalStatus::Partial | JournalStatus::InProgress => 1,
        JournalStatus::Refused | JournalStatus::Error => 2,
    }
}

fn credentials(dns_host: &str, endpoint: Option<&str>) -> Result<keys::Credentials, Failure> {
    if let Some(c) = keys::Credentials::from_env() {
        return Ok(c);
    }
    let account = keys::keychain_account(dns_host, endpoint);
    match keys::keychain_get(&account) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(fail(
            "no_key",
            format!(
                "no key for {dns_host}: set {} (and {} where the DNS host gives a pair), or save one in MX Doctor's window",
                keys::ENV_KEY,
                keys::ENV_SECRET
            ),
        )),
        Err(e) => Err(fail(
            "no_key",
            format!("no key in {}, and {e}", keys::ENV_KEY),
        )),
    }
}

fn connect(dns_host: &str, endpoint: Option<&str>) -> Result<Box<dyn DnsHostApi>, Failure> {
    let creds = credentials(dns_host, endpoint)?;
    hosts::connect(dns_host, endpoint, creds).map_err(|e| fail("bad_dns_host", e.to_string()))
}

/// The default journal path: beside the window's saved state, one file per apply.
fn default_journal(domain: &str) -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(std::env::temp_dir);
    // The domain is checked ASCII (letters, digits, dots, hyphens): safe in a file name.
    base.join("app.mxdoctor.desktop")
        .join("journals")
        .join(format!("{domain}-{}.json", unix_now()))
}

fn save_journal(path: &Path, journal: &Journal) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(journal).map_err(|e| e.to_string())?;
    files::write_atomic(path, text.as_bytes()).map_err(|e| format!("{}: {e}", path.display()))
}

fn row_json(row: &FixRow, result: Option<RowResult>) -> Value {
    let mut v = serde_json::to_value(row).expect("a row serialises");
    if let (Some(r), Some(map)) = (result, v.as_object_mut()) {
        map.insert(
            "result".into(),
            serde_json::to_value(r).expect("a result serialises"),
        );
    }
    v
}

fn result_words(r: RowResult) -> &'static str {
    match r {
        RowResult::Done => "done",
        RowResult::Failed => "FAILED",
        RowResult::Unconfirmed => "sent, NOT CONFIRMED",
        RowResult::Skipped => "already so",
        RowResult::NotAttempted => "not attempted",
        RowResult::Planned => "will be made",
    }
}

fn print_rows(rows: &[FixRow], results: &[RowResult]) {
    for (row, r) in rows.iter().zip(results) {
        println!(
            "  [{}] {}",
            result_words(*r),
            escape::inline(&human::row_words(row))
        );
    }
}

fn print_preview(preview: &Preview) {
    println!(
        "Preview for {} at {} (read from the DNS host {}):",
        escape::inline(&preview.domain),
        escape::inline(&preview.dns_host),
        escape::inline(&preview.read_at)
    );
    print_rows(&preview.rows, &preview.row_results);
    if preview.nothing_to_do() {
        println!("The DNS host already lists every row as the plan asks: nothing to change.");
        return;
    }
    println!("The record sets that will be written, in this order:");
    for op in &preview.ops {
        println!(
            "  {} {:?}: {}  ->  {}",
            escape::inline(&op.after.name),
            op.after.rtype,
            escape::inline(&values_words(&op.before)),
            escape::inline(&values_words(&op.after))
        );
    }
    println!("Nothing was changed. Run again with --yes to make these changes.");
}

impl FixArgs {
    pub fn target_domain(&self) -> &str {
        &self.target.domain
    }
}

pub fn run_fix(args: FixArgs) -> Result<i32, Failure> {
    let domain =
        check::parse_domain(&args.target.domain).map_err(|e| fail("bad_domain", e.to_string()))?;
    let dns_host = args.dns_host.trim().to_ascii_lowercase();
    if !apply::has_adapter(&dns_host) {
        return Err(fail(
            "bad_dns_host",
            format!(
                "MX Doctor cannot make changes at \"{}\"; it can at: {}",
                args.dns_host,
                apply::ADAPTER_HOSTS.join(", ")
            ),
        ));
    }
    if args.plan.is_some() && args.option.is_some() {
        return Err(fail(
            "bad_arguments",
            "--plan already holds the rows (and the alias option they were made for); leave --option out",
        ));
    }
    let endpoint = args.endpoint.as_deref().map(str::trim);
    let choice = provider_choice(args.target.provider.as_deref(), &args.target.mx)?;
    let options = CheckOptions {
        resolvers: args
            .target
            .nameserver
            .iter()
            .map(|s| check::parse_server(s).map_err(|e| fail("bad_nameserver", e.to_string())))
            .collect::<Result<_, _>>()?,
        auth_port: args.target.auth_port,
        timeout: timeout(args.target.timeout)?,
        progress: None,
    };
    let from_file = match &args.plan {
        Some(path) => Some(read_plan(path, &domain.ascii, &dns_host)?),
        None => None,
    };
    let api = connect(&dns_host, endpoint)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| fail("runtime", e.to_string()))?;
    runtime.block_on(async {
        // The check gives the plan and the DNS host's servers for the saved-check afterwards.
        let (report, snapshot) = check::check(&domain, choice, &options, unix_now())
            .await
            .map_err(|e| fail("no_resolver", e.to_string()))?;
        if report.status == CheckStatus::Error && from_file.is_none() {
            return Err(fail(
                "check_failed",
                "the check could not see the domain's records, so there is no plan to apply (run `mxdoctor check` to see why)",
            ));
        }
        let preview = match from_file {
            Some(p) => p,
            None => {
                let plan = match args.option.as_deref() {
                    None => report.plan.clone(),
                    Some(id) => {
                        let wanted = repair::option_id(id);
                        report
                            .option_plans
                            .iter()
                            .find(|o| o.option.as_str() == wanted)
                            .map(|o| o.plan.clone())
                            .ok_or_else(|| {
                                fail(
                                    "bad_option",
                                    format!(
                                        "\"{id}\" is not one of the ways offered to remove the alias ({})",
                                        report
                                            .option_plans
                                            .iter()
                                            .map(|o| o.option.as_str())
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                )
                            })?
                    }
                };
                let rows = apply::plan_rows(&plan);
                if rows.is_empty() {
                    return Ok(nothing_to_do(&args, &domain.ascii, &dns_host));
                }
                let zone = snapshot.zone.clone().ok_or_else(|| {
                    fail(
                        "no_zone",
                        "the check could not find the DNS zone the domain belongs to, so MX Doctor does not know where to make the changes",
                    )
                })?;
                apply::preview(api.as_ref(), &domain.ascii, &zone, &dns_host, &rows)
                    .await
                    .map_err(|e| fail("preview_failed", e.to_string()))?
            }
        };
        if args.dry_run || !args.yes {
            if args.json {
                let out = json!({
                    "domain": preview.domain,
                    "dns_host": preview.dns_host,
                    "status": if preview.nothing_to_do() { "nothing_to_do" } else { "preview" },
                    "rows": preview.rows.iter().zip(&preview.row_results).map(|(r, s)| row_json(r, Some(*s))).collect::<Vec<_>>(),
                    "journal": null,
                    "message": "Nothing was changed. Run again with --yes (or --plan FILE --yes) to make these changes.",
                    "preview": preview,
                });
                println!("{}", escape::json(&out.to_string()));
            } else {
                print_preview(&preview);
            }
            return Ok(0);
        }
        let path = args
            .journal
            .clone()
            .unwrap_or_else(|| default_journal(&domain.ascii));
        refuse_to_replace(&path)?;
        let mut save = |j: &Journal| save_journal(&path, j);
        let journal = apply::apply(api.as_ref(), &preview, &mut save).await;
        let journal_written = !matches!(journal.status, JournalStatus::Refused | JournalStatus::Error)
            || path.exists();
        // The per-row saved-check: the DNS host's own servers, as "I've made the changes" does.
        let checks = if journal.steps.iter().any(|s| s.result.may_have_changed())
            || journal.status == JournalStatus::NothingToDo
        {
            saved::verify(&snapshot, &journal.rows, args.target.auth_port, options.timeout).await
        } else {
            Vec::new()
        };
        let all_saved = !checks.is_empty() && checks.iter().all(|c| c.state == RowState::Saved);
        let code = exit_code(journal.status, all_saved);
        let mut message = journal.message.clone();
        if matches!(journal.status, JournalStatus::Applied | JournalStatus::Partial) {
            let unseen = checks.iter().filter(|c| c.state != RowState::Saved).count();
            if unseen > 0 {
                message.push_str(&format!(
                    " {unseen} of {} rows are not yet seen saved by every one of the DNS host's servers; run `mxdoctor watch` to follow them.",
                    checks.len()
                ));
            } else if journal.status == JournalStatus::Applied {
                message.push_str(" Every one of the DNS host's servers answers with the new rows.");
            }
        }
        if args.json {
            let out = json!({
                "domain": journal.domain,
                "dns_host": journal.dns_host,
                "status": journal.status.as_str(),
                "rows": journal.rows.iter().zip(&journal.row_results).map(|(r, s)| row_json(r, Some(*s))).collect::<Vec<_>>(),
                "journal": journal_written.then(|| path.display().to_string()),
                "message": message,
                "saved": checks,
            });
            println!("{}", escape::json(&out.to_string()));
        } else {
            println!("{}", escape::inline(&message));
            print_rows(&journal.rows, &journal.row_results);
            if journal_written {
                println!("Journal: {}", escape::inline(&path.display().to_string()));
                if journal.can_undo() {
                    println!(
                        "To put the records back: mxdoctor undo --journal {} --yes",
                        escape::inline(&path.display().to_string())
                    );
                }
            }
        }
        Ok(code)
    })
}

fn nothing_to_do(args: &FixArgs, domain: &str, dns_host: &str) -> i32 {
    let message = "The check found nothing to change.";
    if args.json {
        let out = json!({"domain": domain, "dns_host": dns_host, "status": "nothing_to_do", "rows": [], "journal": null, "message": message});
        println!("{}", escape::json(&out.to_string()));
    } else {
        println!("{message}");
    }
    0
}

/// A journal holding changes not yet undone is never written over: it is the only way back.
fn refuse_to_replace(path: &Path) -> Result<(), Failure> {
    let Ok(text) = files::read_limited(path, MAX_FILE_BYTES) else {
        return Ok(());
    };
    match serde_json::from_str::<Journal>(&text) {
        Ok(j) if !j.can_undo() => Ok(()),
        Ok(_) => Err(fail(
            "journal_in_use",
            format!(
                "{} holds changes MX Doctor made that are not undone; undo them first (mxdoctor undo --journal {}) or choose another --journal file. Nothing was changed",
                path.display(),
                path.display()
            ),
        )),
        Err(_) => Err(fail(
            "journal_in_use",
            format!(
                "{} exists and is not a journal of MX Doctor's; choose another --journal file. Nothing was changed",
                path.display()
            ),
        )),
    }
}

/// The preview in a `fix --dry-run --json` output file, for the same domain and DNS host.
fn read_plan(path: &Path, domain: &str, dns_host: &str) -> Result<Preview, Failure> {
    let text = files::read_limited(path, MAX_FILE_BYTES).map_err(|e| {
        fail(
            "plan_unreadable",
            format!("cannot use {}: {e}", path.display()),
        )
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        fail(
            "plan_invalid",
            format!(
                "{} is not the output of `mxdoctor fix --dry-run --json`: {e}",
                path.display()
            ),
        )
    })?;
    let preview: Preview = serde_json::from_value(value.get("preview").cloned().unwrap_or(value))
        .map_err(|e| {
        fail(
            "plan_invalid",
            format!(
                "{} holds no preview MX Doctor can read: {e}",
                path.display()
            ),
        )
    })?;
    if preview.domain != domain {
        return Err(fail(
            "plan_mismatch",
            format!(
                "{} is the plan for {}, not {domain}",
                path.display(),
                preview.domain
            ),
        ));
    }
    if preview.dns_host != dns_host {
        return Err(fail(
            "plan_mismatch",
            format!(
                "{} was made through {}, not {dns_host}",
                path.display(),
                preview.dns_host
            ),
        ));
    }
    if preview.rows.len() != preview.row_results.len()
        || preview
            .ops
            .iter()
            .flat_map(|o| &o.rows)
            .any(|&r| r as usize >= preview.rows.len())
    {
        return Err(fail(
            "plan_invalid",
            format!("{} does not hold a whole preview", path.display()),
        ));
    }
    Ok(preview)
}

/// What undo did for row `i`: done when its write was put back, failed when not, skipped when
/// MX Doctor never changed it.
fn undo_row_result(journal: &Journal, undo: &apply::UndoRecord, i: usize) -> RowResult {
    let step = journal
        .steps
        .iter()
        .find(|s| s.rows.contains(&(i as u32)) && s.result.may_have_changed());
    match step.and_then(|s| undo.steps.iter().find(|u| u.seq == s.seq)) {
        None if step.is_some() => RowResult::NotAttempted,
        None => RowResult::Skipped,
        Some(u) if u.result == apply::StepResult::Done => RowResult::Done,
        Some(_) => RowResult::Failed,
    }
}

pub fn run_undo(args: UndoArgs) -> Result<i32, Failure> {
    let text = files::read_limited(&args.journal, MAX_FILE_BYTES).map_err(|e| {
        fail(
            "journal_unreadable",
            format!("cannot use {}: {e}", args.journal.display()),
        )
    })?;
    let mut journal: Journal = serde_json::from_str(&text).map_err(|e| {
        fail(
            "journal_invalid",
            format!(
                "{} is not a journal MX Doctor wrote: {e}",
                args.journal.display()
            ),
        )
    })?;
    if !apply::has_adapter(&journal.dns_host) {
        return Err(fail(
            "journal_invalid",
            format!(
                "{} names a DNS host MX Doctor cannot change records at",
                args.journal.display()
            ),
        ));
    }
    if !journal.can_undo() {
        let message = if journal.undo.is_some() {
            "These changes were already put back; nothing to undo."
        } else {
            "MX Doctor made no change in this journal; nothing to undo."
        };
        if args.json {
            let out = json!({"domain": journal.domain, "dns_host": journal.dns_host, "status": "nothing_to_do", "rows": [], "journal": args.journal.display().to_string(), "message": message});
            println!("{}", escape::json(&out.to_string()));
        } else {
            println!("{message}");
        }
        return Ok(0);
    }
    let made: Vec<&apply::JournalStep> = journal
        .steps
        .iter()
        .filter(|s| s.result.may_have_changed())
        .collect();
    if !args.yes {
        if args.json {
            let out = json!({"domain": journal.domain, "dns_host": journal.dns_host, "status": "preview", "rows": journal.rows.iter().zip(&journal.row_results).map(|(r, s)| row_json(r, Some(*s))).collect::<Vec<_>>(), "journal": args.journal.display().to_string(), "message": "Nothing was changed. Run again with --yes to put these records back."});
            println!("{}", escape::json(&out.to_string()));
        } else {
            println!(
                "Undo would put back, in the zone {} at {}{}, newest first:",
                escape::inline(&journal.zone),
                escape::inline(&journal.dns_host),
                journal
                    .endpoint
                    .as_deref()
                    .map(|e| format!(" ({})", escape::inline(e)))
                    .unwrap_or_default()
            );
            for s in made.iter().rev() {
                println!(
                    "  {} {:?}: {}  ->  {}",
                    escape::inline(&s.after.name),
                    s.after.rtype,
                    escape::inline(&values_words(&s.after)),
                    escape::inline(&values_words(&s.before))
                );
            }
            println!("Nothing was changed. Run again with --yes to put these records back.");
        }
        return Ok(0);
    }
    if hosts::needs_endpoint(&journal.dns_host) && keys::Credentials::from_env().is_some() {
        let given = args.endpoint.as_deref().map(str::trim);
        let written = journal.endpoint.as_deref().map(str::trim);
        if given.is_none() || given != written {
            return Err(fail(
                "endpoint_mismatch",
                format!(
                    "this journal names {} as the DNS host's address; the key in {} is sent only where you say: repeat that address with --endpoint to confirm it (nothing was changed)",
                    written.unwrap_or("no address"),
                    keys::ENV_KEY
                ),
            ));
        }
    }
    let api = connect(&journal.dns_host, journal.endpoint.as_deref())?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| fail("runtime", e.to_string()))?;
    let path = args.journal.clone();
    runtime.block_on(async {
        let mut save = |j: &Journal| save_journal(&path, j);
        apply::undo(api.as_ref(), &mut journal, &mut save).await;
    });
    let undo = journal.undo.as_ref().expect("undo records itself");
    let code = match undo.status {
        JournalStatus::Applied | JournalStatus::NothingToDo => 0,
        JournalStatus::Partial | JournalStatus::InProgress => 1,
        JournalStatus::Refused | JournalStatus::Error => 2,
    };
    if args.json {
        let out = json!({
            "domain": journal.domain,
            "dns_host": journal.dns_host,
            "status": undo.status.as_str(),
            "rows": journal.rows.iter().enumerate().map(|(i, r)| row_json(r, Some(undo_row_result(&journal, undo, i)))).collect::<Vec<_>>(),
            "journal": args.journal.display().to_string(),
            "message": undo.message,
            "undo": undo,
        });
        println!("{}", escape::json(&out.to_string()));
    } else {
        println!("{}", escape::inline(&undo.message));
    }
    Ok(code)
}

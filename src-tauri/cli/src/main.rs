//! `mxdoctor`: the command-line front end over mxdoctor-core, for helpdesk scripts and tests.
//! The contract (commands, flags, JSON, exit codes) is fixed by DESIGN.md.

mod escape;
mod fix;
mod human;
mod watch;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use mxdoctor_core::check::{self, CheckOptions, ChoiceError};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::providers::{self, CUSTOM_ID};
use mxdoctor_core::report::CheckStatus;
use mxdoctor_core::snapshot::{self, SnapshotError};
use mxdoctor_core::{files, Snapshot};
use serde_json::json;

#[derive(Parser)]
#[command(
    name = "mxdoctor",
    bin_name = "mxdoctor",
    version,
    about = "Finds and clears the DNS conflicts that stop a domain from receiving mail."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check a domain's mail records and say exactly which rows to delete and add.
    Check(CheckArgs),
    /// Wait with you after a repair: re-check each server just after its cached copy of the
    /// old records runs out, until every one gives the repaired records.
    Watch(watch::WatchArgs),
    /// Make the repair at the DNS host through its API: a preview without --yes; with --yes
    /// the changes, the saved-check of every row and a journal for `undo`. Keys come from
    /// MXDOCTOR_DNS_KEY / MXDOCTOR_DNS_SECRET (MXDOCTOR_TSIG_ALGORITHM for rfc2136), else the
    /// keychain; never from the command line.
    Fix(fix::FixArgs),
    /// Put back the records a `fix` changed, as its journal says they were.
    Undo(fix::UndoArgs),
    /// List the mailbox services MX Doctor knows, with their ids for --provider.
    Providers {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// What to check and through which servers: the same for `check` and `watch`.
#[derive(Args)]
pub(crate) struct Target {
    /// The domain, or an email address or web address at it (user@example.com works).
    pub(crate) domain: String,
    /// The mailbox service bought (see `mxdoctor providers`); suggested from the MX if omitted.
    #[arg(long, value_name = "ID")]
    pub(crate) provider: Option<String>,
    /// With --provider custom: one of your MX records, as "PRIORITY HOST" (repeatable).
    #[arg(long, value_name = "PRIORITY HOST")]
    pub(crate) mx: Vec<String>,
    /// Ask this resolver instead of this computer's (repeatable; port defaults to 53); `watch`
    /// then watches these instead of this computer's and the public resolvers.
    #[arg(long, value_name = "IP[:PORT]")]
    pub(crate) nameserver: Vec<String>,
    /// Seconds to wait for each DNS answer.
    #[arg(long, value_name = "S", default_value_t = 3.0)]
    pub(crate) timeout: f64,
    /// The port authoritative servers are asked on (for loopback labs; 53 on the internet).
    #[arg(long, value_name = "PORT", default_value_t = 53, hide = true)]
    pub(crate) auth_port: u16,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    target: Target,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also save what was seen to FILE, for a helpdesk to replay.
    #[arg(long, value_name = "FILE")]
    snapshot_out: Option<PathBuf>,
    /// Judge a saved snapshot instead of looking anything up.
    #[arg(long, value_name = "FILE", conflicts_with = "nameserver")]
    from_snapshot: Option<PathBuf>,
}

/// An error before any check could run: bad input, unusable flags, unreadable files.
pub(crate) struct Failure {
    code: &'static str,
    message: String,
}

pub(crate) fn fail(code: &'static str, message: impl Into<String>) -> Failure {
    Failure {
        code,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => return argument_error(&args, &e),
    };
    match cli.command {
        Command::Providers { json } => {
            print_providers(json);
            ExitCode::SUCCESS
        }
        Command::Watch(args) => {
            let (json, input) = (args.json, args.target.domain.clone());
            let code = match watch::run(args) {
                Ok(watch::Ended::Clear) => 0,
                Ok(watch::Ended::TimedOut | watch::Ended::ClearExcept) => 1,
                Ok(watch::Ended::CheckFailed) => CheckStatus::Error.exit_code(),
                Ok(watch::Ended::Interrupted) => 130,
                Err(f) => {
                    report_failure(json, Some(&input), &f);
                    CheckStatus::Error.exit_code()
                }
            };
            ExitCode::from(code as u8)
        }
        Command::Fix(args) => {
            let (json, input) = (args.json, args.target_domain().to_string());
            let code = fix::run_fix(args).unwrap_or_else(|f| {
                report_failure(json, Some(&input), &f);
                CheckStatus::Error.exit_code()
            });
            ExitCode::from(code as u8)
        }
        Command::Undo(args) => {
            let json = args.json;
            let code = fix::run_undo(args).unwrap_or_else(|f| {
                report_failure(json, None, &f);
                CheckStatus::Error.exit_code()
            });
            ExitCode::from(code as u8)
        }
        Command::Check(args) => {
            let json = args.json;
            let input = args.target.domain.clone();
            let code = match run_check(args) {
                Ok(status) => status.exit_code(),
                Err(f) => {
                    report_failure(json, Some(&input), &f);
                    CheckStatus::Error.exit_code()
                }
            };
            ExitCode::from(code as u8)
        }
    }
}

/// An error before anything could be judged, in the output's format. Messages may quote
/// what was typed: it is shown escaped.
fn report_failure(json: bool, input: Option<&str>, f: &Failure) {
    if json {
        let out = json!({"domain": input, "provider": null, "status": "error", "findings": [], "error": {"code": f.code, "message": f.message}});
        println!("{}", escape::json(&out.to_string()));
    } else {
        eprintln!("mxdoctor: {}", escape::inline(&f.message));
    }
}

/// The arguments could not be read. Help and version are printed as clap prints them; an
/// error is, under `--json`, one JSON object with status `error` (DESIGN.md's contract), and
/// otherwise clap's message. Exit 2 either way.
fn argument_error(args: &[OsString], e: &clap::Error) -> ExitCode {
    if !e.use_stderr() {
        let _ = e.print();
        return ExitCode::SUCCESS;
    }
    let text = printable(args, e);
    if wants_json(args) {
        // The first paragraph is the complaint; the rest is usage and tips for a person.
        let first = text.split("\n\n").next().unwrap_or_default();
        let message = first.trim().trim_start_matches("error: ");
        report_failure(true, None, &fail("bad_arguments", message));
    } else {
        eprint!("{text}");
    }
    ExitCode::from(CheckStatus::Error.exit_code() as u8)
}

/// clap's message in plain text. It quotes what was typed, perhaps with a control character
/// in it: the arguments are read again, each shown escaped, for the same complaint with the
/// quotes printable (a line break in a value must not split the message either).
fn printable(args: &[OsString], e: &clap::Error) -> String {
    let shown: Vec<String> = args
        .iter()
        .map(|a| escape::inline(&a.to_string_lossy()))
        .collect();
    let again = Cli::try_parse_from(&shown)
        .err()
        .filter(|again| again.kind() == e.kind());
    let text = again.as_ref().unwrap_or(e).render().to_string();
    escape::lines(&text)
}

/// `--json` among the arguments, before any `--`, even when they could not be read.
fn wants_json(args: &[OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| a.as_os_str() != "--")
        .any(|a| a.as_os_str() == "--json")
}

fn run_check(args: CheckArgs) -> Result<CheckStatus, Failure> {
    let domain =
        check::parse_domain(&args.target.domain).map_err(|e| fail("bad_domain", e.to_string()))?;
    let choice = provider_choice(args.target.provider.as_deref(), &args.target.mx)?;
    let (report, snapshot) = match &args.from_snapshot {
        Some(path) => {
            let text = files::read_limited(path, snapshot::MAX_SNAPSHOT_BYTES).map_err(|e| {
                let code = match e {
                    files::ReadError::Io(_) | files::ReadError::NotAFile => "snapshot_unreadable",
                    files::ReadError::TooLarge { .. } | files::ReadError::NotText => {
                        "snapshot_invalid"
                    }
                };
                fail(code, format!("cannot use {}: {e}", path.display()))
            })?;
            let (_, snapshot) = Snapshot::open(&text, Some(&domain)).map_err(|e| {
                let code = match e {
                    SnapshotError::OtherDomain { .. } => "snapshot_mismatch",
                    _ => "snapshot_invalid",
                };
                fail(code, format!("{}: {e}", path.display()))
            })?;
            (check::replay(&domain, &snapshot, choice), snapshot)
        }
        None => {
            let options = CheckOptions {
                resolvers: args
                    .target
                    .nameserver
                    .iter()
                    .map(|s| {
                        check::parse_server(s).map_err(|e| fail("bad_nameserver", e.to_string()))
                    })
                    .collect::<Result<_, _>>()?,
                auth_port: args.target.auth_port,
                timeout: timeout(args.target.timeout)?,
                progress: None,
            };
            let runtime =
                tokio::runtime::Runtime::new().map_err(|e| fail("runtime", e.to_string()))?;
            runtime
                .block_on(check::check(&domain, choice, &options, unix_now()))
                .map_err(|e| fail("no_resolver", e.to_string()))?
        }
    };
    if let Some(path) = &args.snapshot_out {
        files::write_atomic(path, snapshot.to_json().as_bytes()).map_err(|e| {
            fail(
                "snapshot_unwritable",
                format!("cannot write {}: {e}", path.display()),
            )
        })?;
    }
    if args.json {
        let text = serde_json::to_string(&report).expect("a report always serialises");
        println!("{}", escape::json(&text));
    } else {
        print!("{}", human::render(&report, human::use_colour()));
    }
    Ok(report.status)
}

pub(crate) fn provider_choice(id: Option<&str>, mx: &[String]) -> Result<ProviderChoice, Failure> {
    // The window sends "" for "suggest one" (the core reads it so); typed on a command line it
    // is a mistake, an unset variable in a script, say, and leaving the flag out suggests one.
    if id.is_some_and(|id| id.trim().is_empty()) {
        return Err(fail(
            "bad_provider",
            format!(
                "--provider is empty; use one of: {} (or leave --provider out to have the service recognised from your current mail records)",
                provider_ids()
            ),
        ));
    }
    check::provider_choice(id, mx).map_err(|e| match e {
        ChoiceError::Mx(e) => fail("bad_mx", e.to_string()),
        ChoiceError::NoRows => fail(
            "bad_provider",
            "--provider custom needs your MX records: --mx \"10 mail.example.com\"",
        ),
        ChoiceError::Unknown(id) => fail(
            "bad_provider",
            format!("unknown provider \"{id}\"; use one of: {}", provider_ids()),
        ),
    })
}

/// The ids `--provider` takes, for a refusal.
fn provider_ids() -> String {
    let mut ids: Vec<&str> = providers::all().iter().map(|p| p.id.as_str()).collect();
    ids.push(CUSTOM_ID);
    ids.join(", ")
}

pub(crate) fn timeout(seconds: f64) -> Result<Duration, Failure> {
    if !(0.05..=60.0).contains(&seconds) {
        return Err(fail(
            "bad_timeout",
            "--timeout must be between 0.05 and 60 seconds",
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

pub(crate) use mxdoctor_core::time::unix_now;

fn print_providers(json: bool) {
    let all = providers::all();
    if json {
        println!(
            "{}",
            serde_json::to_string(all).expect("the catalog serialises")
        );
        return;
    }
    for p in all {
        println!("{:<20} {}", p.id, p.name);
        for e in p.expected_mx("example.com") {
            println!("{:<20}   MX {:>3}  {}", "", e.priority, e.host);
        }
        if let Some(include) = &p.spf_include {
            println!("{:<20}   SPF include:{include}", "");
        }
    }
    println!(
        "{:<20} Your own mail servers: --provider custom --mx \"10 mail.example.com\"",
        CUSTOM_ID
    );
}

//! `mxdoctor watch`: check, then wait with the user until every vantage point serves the
//! repaired records. The schedule and the state are the core's ([`mxdoctor_core::propagation`]);
//! this file reads flags, saves the state file, and prints.

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;
use mxdoctor_core::check::{self, CheckOptions};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::propagation::{
    check_due, Clock, NetLookup, SystemClock, Wait, WaitError, WaitSettings, WaitStatus,
};
use mxdoctor_core::repair;
use mxdoctor_core::report::CheckStatus;

use crate::{escape, fail, human, provider_choice, timeout, unix_now, Failure, Target};

#[derive(Args)]
pub struct WatchArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// How often your DNS host's servers are asked until your change is saved there, and the
    /// first retry of a server that did not answer, in seconds (or 30s, 2m) [default: 15].
    /// Caches are asked when their copy of the old records runs out, not on this timer.
    #[arg(long, value_name = "S")]
    interval: Option<String>,
    /// Give up after this long, in seconds (or 90m, 48h) [default: 48h].
    #[arg(long, value_name = "S")]
    max_wait: Option<String>,
    /// The way to remove an alias at the mail host, as the check offers them:
    /// replace_with_a (the default; also a-records), move_cname (move-to-www) or
    /// separate_subdomain (separate-subdomain). The wait follows the rows of that plan.
    #[arg(long, value_name = "ID")]
    option: Option<String>,
    /// Print one JSON object per round instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Save the wait to FILE after every round, and resume from FILE when it holds a wait for
    /// this domain (after a restart, say).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
}

/// What ended the watch.
pub enum Ended {
    Clear,
    /// Clear wherever an answer came; the silent vantages are named (exit code 1).
    ClearExcept,
    TimedOut,
    /// Ctrl-C: the state is saved when a file was given.
    Interrupted,
    /// The check found nothing that could be judged (the report was printed).
    CheckFailed,
}

pub fn run(args: WatchArgs) -> Result<Ended, Failure> {
    let domain =
        check::parse_domain(&args.target.domain).map_err(|e| fail("bad_domain", e.to_string()))?;
    let choice = provider_choice(args.target.provider.as_deref(), &args.target.mx)?;
    let custom: Vec<SocketAddr> = args
        .target
        .nameserver
        .iter()
        .map(|s| check::parse_server(s).map_err(|e| fail("bad_nameserver", e.to_string())))
        .collect::<Result<_, _>>()?;
    let answer_timeout = timeout(args.target.timeout)?;
    // The bounds are the core's, the same as the window's settings.
    let bad_duration =
        |e: mxdoctor_core::propagation::BoundsError| fail("bad_duration", e.to_string());
    let interval = args
        .interval
        .as_deref()
        .map(WaitSettings::interval_flag)
        .transpose()
        .map_err(bad_duration)?;
    let max_wait = args
        .max_wait
        .as_deref()
        .map(WaitSettings::max_wait_flag)
        .transpose()
        .map_err(bad_duration)?;
    let mut settings = WaitSettings::default();
    if let Some(i) = interval {
        settings.poll_interval = i;
    }
    if let Some(m) = max_wait {
        settings.max_wait = m;
    }
    let clock = SystemClock;
    let out = Output::new(args.json);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| fail("runtime", e.to_string()))?;
    runtime.block_on(async {
        let resumed = match &args.state {
            Some(path) => load(path, &domain.ascii, &out)?,
            None => None,
        };
        // A saved wait follows the plan it was started for: one started for another alias
        // option or mailbox service is set aside and a new wait starts, never silently resumed.
        let option = args.option.as_deref().map(repair::option_id);
        let resumed = match (resumed, &args.state) {
            (Some(w), Some(path)) if differs(&w, option, &choice) => {
                let aside = set_aside(path)?;
                out.note(&format!(
                    "{} held a wait for another plan ({}); it was moved to {} and a new wait starts.",
                    path.display(),
                    plan_words(&w),
                    aside.display()
                ));
                None
            }
            (w, _) => w,
        };
        let mut wait = match resumed {
            Some(mut wait) => {
                wait.resume(clock.now());
                if let Some(i) = interval {
                    wait.settings.poll_interval = i;
                }
                if let Some(m) = max_wait {
                    wait.settings.max_wait = m;
                    wait.deadline = wait.started_at.saturating_add(m);
                }
                out.note(&format!(
                    "Resuming the wait for {} started at {}; asking again now.",
                    wait.domain,
                    mxdoctor_core::time::rfc3339(wait.started_at)
                ));
                wait
            }
            None => {
                let options = CheckOptions {
                    resolvers: custom.clone(),
                    auth_port: args.target.auth_port,
                    timeout: answer_timeout,
                    progress: None,
                };
                let (report, snapshot) =
                    check::check(&domain, choice.clone(), &options, unix_now())
                        .await
                        .map_err(|e| fail("no_resolver", e.to_string()))?;
                if report.status == CheckStatus::Error {
                    if args.json {
                        let text = serde_json::to_string(&report).unwrap_or_default();
                        println!("{}", escape::json(&text));
                    } else {
                        print!("{}", human::render(&report, human::use_colour()));
                    }
                    return Ok(Ended::CheckFailed);
                }
                let wait = Wait::after_check(
                    &snapshot,
                    choice,
                    option,
                    &custom,
                    args.target.auth_port,
                    settings,
                    clock.now(),
                )
                .map_err(|e| match e {
                    WaitError::UnknownOption(_) => fail("bad_option", e.to_string()),
                    WaitError::NoDnsHost(_) => fail("no_dns_host", e.to_string()),
                    _ => fail("nothing_to_wait_for", e.to_string()),
                })?;
                // The check's summary only once there is a wait to follow it.
                if !args.json {
                    print!("{}", human::render_brief(&report, human::use_colour()));
                }
                wait
            }
        };
        let lookup = NetLookup {
            timeout: answer_timeout,
        };
        watch(&mut wait, &clock, &lookup, &out, args.state.as_deref()).await
    })
}

async fn watch(
    wait: &mut Wait,
    clock: &SystemClock,
    lookup: &NetLookup,
    out: &Output,
    state: Option<&Path>,
) -> Result<Ended, Failure> {
    let mut shown = 0usize;
    loop {
        let asked = tokio::select! {
            asked = check_due(wait, clock, lookup) => asked,
            _ = tokio::signal::ctrl_c() => return stop(wait, state, out),
        };
        if let Some(path) = state {
            save(path, wait)?;
        }
        if !asked.is_empty() || wait.finished.is_some() {
            shown = out.round(wait, clock.now(), shown, !asked.is_empty());
        }
        if let Some(f) = wait.finished {
            let view = wait.view(clock.now());
            out.end(&view);
            return Ok(match f.phase {
                mxdoctor_core::propagation::Phase::Clear => Ended::Clear,
                mxdoctor_core::propagation::Phase::ClearExcept => Ended::ClearExcept,
                _ => Ended::TimedOut,
            });
        }
        let wake = wait.next_wake().unwrap_or_else(|| clock.now());
        // Sleep until the next question, redrawing the countdown once a second on a terminal.
        loop {
            let now = clock.now();
            if now >= wake {
                break;
            }
            let step = if out.live {
                (wake - now).min(1000)
            } else {
                wake - now
            };
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_millis(step)) => {}
                _ = tokio::signal::ctrl_c() => return stop(wait, state, out),
            }
            if out.live && clock.now() < wake {
                shown = out.round(wait, clock.now(), shown, false);
            }
        }
    }
}

/// Whether the saved `wait` follows another plan than the one asked for now: another alias
/// option, or another mailbox service.
fn differs(wait: &Wait, option: Option<&str>, choice: &ProviderChoice) -> bool {
    let other_option = option.is_some() && option != wait.option.as_deref();
    let other_provider = match choice {
        ProviderChoice::Given(p) => wait.provider.as_deref() != Some(p.id.as_str()),
        _ => false,
    };
    other_option || other_provider
}

fn plan_words(wait: &Wait) -> String {
    format!(
        "alias option {}, mailbox service {}",
        wait.option.as_deref().unwrap_or("the recommended one"),
        wait.provider.as_deref().unwrap_or("unknown")
    )
}

fn stop(wait: &Wait, state: Option<&Path>, out: &Output) -> Result<Ended, Failure> {
    match state {
        Some(path) => {
            save(path, wait)?;
            out.note(&format!(
                "Stopped. The wait is saved in {}; run the same command to resume it.",
                path.display()
            ));
        }
        None => out.note("Stopped. (With --state FILE the wait can be resumed later.)"),
    }
    Ok(Ended::Interrupted)
}

/// Writes the state atomically: a crash mid-write never leaves half a file.
fn save(path: &Path, wait: &Wait) -> Result<(), Failure> {
    mxdoctor_core::files::write_atomic(path, wait.to_json().as_bytes()).map_err(|e| {
        fail(
            "state_unwritable",
            format!("cannot save the wait to {}: {e}", path.display()),
        )
    })
}

/// The saved wait for `domain` in `path`, if there is one to resume. A file that cannot be read
/// as a wait is set aside (renamed), never overwritten, and a new wait starts.
fn load(path: &Path, domain: &str, out: &Output) -> Result<Option<Wait>, Failure> {
    use mxdoctor_core::files::{read_limited, ReadError};
    let text = match read_limited(path, mxdoctor_core::propagation::MAX_WAIT_BYTES) {
        Ok(t) => t,
        Err(ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e @ (ReadError::TooLarge { .. } | ReadError::NotText)) => {
            let aside = set_aside(path)?;
            out.note(&format!(
                "The saved wait in {} could not be used ({e}); it was moved to {} and a new wait starts.",
                path.display(),
                aside.display()
            ));
            return Ok(None);
        }
        Err(e) => {
            return Err(fail(
                "state_unreadable",
                format!("cannot read {}: {e}", path.display()),
            ))
        }
    };
    match Wait::from_json(&text) {
        Ok(w) if w.domain == domain && w.finished.is_none() => Ok(Some(w)),
        Ok(w) if w.finished.is_some() => Ok(None),
        Ok(w) => {
            let aside = set_aside(path)?;
            out.note(&format!(
                "{} held a wait for {}, not {domain}; it was moved to {} and a new wait starts.",
                path.display(),
                w.domain,
                aside.display()
            ));
            Ok(None)
        }
        Err(e) => {
            let aside = set_aside(path)?;
            out.note(&format!(
                "The saved wait in {} could not be used ({e}); it was moved to {} and a new wait starts.",
                path.display(),
                aside.display()
            ));
            Ok(None)
        }
    }
}

fn set_aside(path: &Path) -> Result<PathBuf, Failure> {
    mxdoctor_core::files::set_aside(path, unix_now()).map_err(|e| {
        fail(
            "state_unreadable",
            format!("cannot move {} aside: {e}", path.display()),
        )
    })
}

/// JSON lines, or text; on a terminal the vantage table is redrawn in place.
struct Output {
    json: bool,
    colour: bool,
    live: bool,
}

impl Output {
    fn new(json: bool) -> Self {
        let tty = std::io::stdout().is_terminal();
        Self {
            json,
            colour: human::use_colour(),
            live: tty && !json,
        }
    }

    /// One line for the user. It may quote a file's path or what a state file says (a domain
    /// a stranger wrote): shown escaped, so it can neither forge a line nor drive the terminal.
    fn note(&self, text: &str) {
        let text = escape::inline(text);
        if self.json {
            eprintln!("mxdoctor: {text}");
        } else {
            println!("{text}");
        }
    }

    /// Prints a round (or, on a terminal, redraws the last `shown` lines); returns the number
    /// of lines now on screen. JSON is printed only for rounds that asked something.
    fn round(&self, wait: &Wait, now: u64, shown: usize, asked: bool) -> usize {
        let view = wait.view(now);
        if self.json {
            if asked || view.status != WaitStatus::Waiting {
                let text = serde_json::to_string(&view).expect("a view always serialises");
                println!("{}", escape::json(&text));
            }
            return 0;
        }
        let text = human::render_wait(&view, self.colour);
        let mut stdout = std::io::stdout().lock();
        if self.live && shown > 0 {
            let _ = write!(stdout, "\x1b[{shown}F\x1b[J");
        } else if !self.live && !asked {
            return 0;
        }
        let _ = write!(stdout, "{text}");
        let _ = stdout.flush();
        text.lines().count()
    }

    fn end(&self, view: &mxdoctor_core::propagation::WaitView) {
        if !self.json {
            print!("{}", human::render_end(view, self.colour));
        }
    }
}

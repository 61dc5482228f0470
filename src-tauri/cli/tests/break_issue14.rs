//! Issue 14 break tests: the CLI's words and contract after the refactoring (typed `RType`,
//! `CheckReport::counts`, one set of interval bounds). Each test compares with what the CLI
//! did before issue 14 (5440c53).

use std::path::PathBuf;
use std::process::{Command, Output};

use mxdoctor_dnsworld::{load_dir, Lab};

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

async fn lab() -> Lab {
    let zones = load_dir(&zones_dir()).unwrap().into_values().collect();
    Lab::start(zones, Vec::new())
        .await
        .expect("loopback servers start")
}

async fn mxdoctor(lab: Option<&Lab>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(lab) = lab {
        cmd.args([
            "--nameserver",
            &lab.resolver.addr().to_string(),
            "--auth-port",
            &lab.auth_port.to_string(),
            "--timeout",
            "0.7",
        ]);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("mxdoctor runs"))
        .await
        .unwrap()
}

/// User-visible harm: the table of rows to change, which a helpdesk reads out or pastes into a
/// ticket, lost its columns. `FixRow.rtype` became `RType`, whose `Display` uses `write_str`
/// and so ignores `{:<12}`: seed 000's plan prints `MX -  every MX row…`, `CNAME -  site…`,
/// `MX 5  mx1…`, with the priority glued to the record type under the "Record type" heading
/// ("MX 5" reads as one value) and every value shifted out of its column. Before issue 14 the
/// type was a `String` and was padded.
#[tokio::test(flavor = "multi_thread")]
async fn break_the_rows_table_keeps_its_columns() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &["check", "seed000.test", "--provider", "alibaba-standard"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut header: Option<&str> = None;
    let mut checked = 0;
    for line in text.lines() {
        if line.contains("Record type") && line.contains("Priority") {
            header = Some(line);
            continue;
        }
        let t = line.trim_start();
        if !(t.starts_with("Delete ") || t.starts_with("Add ") || t.starts_with("Add* ")) {
            continue;
        }
        // Each row against the heading of its own table (tables are indented differently).
        let header = header.expect("a heading before the rows");
        let priority_at = header.find("Priority").unwrap();
        let before = &line[..priority_at.min(line.len())];
        assert!(
            before.ends_with(' ') && !line[priority_at..].starts_with(' '),
            "row out of its columns:\n{header}\n{line}"
        );
        checked += 1;
    }
    assert!(checked > 0, "{text}");
}

/// User-visible harm: the first line a person reads after every check with one problem is
/// ungrammatical ("Found 1 problem that stop mail and 0 risks."): issue 14 replaced "(s)" by
/// real plural forms but left the verb in the plural, so the most common outcome (one alias
/// at the mail host, seed 000) reads wrong.
#[tokio::test(flavor = "multi_thread")]
async fn break_one_problem_stops_mail() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &["check", "seed000.test", "--provider", "alibaba-standard"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    let summary = text
        .lines()
        .find(|l| l.starts_with("Found "))
        .expect("a summary line");
    assert!(summary.starts_with("Found 1 problem "), "{summary}");
    assert!(
        !summary.contains("1 problem that stop "),
        "one problem, plural verb: {summary}"
    );
}

/// User-visible harm: a helpdesk script that ran `mxdoctor watch DOMAIN --interval 15m` (the
/// CLI's own error message suggests "15m") now stops at once with exit 2 `bad_duration`:
/// issue 14 made the window's 1-600 s the CLI's bound too, narrowing `--interval` from
/// 1 s..1 day to 1 s..10 min. DESIGN.md's CLI contract only adds; a flag value that worked must
/// keep working (or the window's bound should have widened instead).
#[tokio::test(flavor = "multi_thread")]
async fn break_watch_interval_of_15_minutes_is_still_accepted() {
    // A resolver that does not answer: the run gets past the flags to the check, which fails
    // (exit 2, status error, no `error.code`); a refused flag is exit 2 with `bad_duration`.
    let out = mxdoctor(
        None,
        &[
            "watch",
            "seed000.test",
            "--interval",
            "15m",
            "--max-wait",
            "1",
            "--nameserver",
            "127.0.0.1:1",
            "--timeout",
            "0.2",
            "--json",
        ],
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout.contains("bad_duration"),
        "--interval 15m refused: {stdout}"
    );
}

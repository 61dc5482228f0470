//! Plans done by hand in the practice world, shared by the wait's integration tests
//! (`wait_goal.rs`, `wait_plans.rs`): a practice world checked, a wait on its DNS host's own
//! servers, and the console edits a person following the repair step makes.
#![allow(dead_code)]

use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{diagnose, Action, FixRow, ProviderChoice};
use mxdoctor_core::propagation::{check_due, Clock, SystemClock, Wait, WaitError, WaitSettings};
use mxdoctor_core::providers;
use mxdoctor_core::repair::{self, RepairPlan};
use mxdoctor_core::saved::RowState;
use mxdoctor_core::snapshot::Snapshot;
use mxdoctor_dnsworld::practice::{ConsoleRow, Practice};

pub fn choice(practice: &Practice) -> ProviderChoice {
    match practice.scenario.provider {
        Some(id) => ProviderChoice::Given(providers::by_id(id).unwrap().clone()),
        None => ProviderChoice::Detect,
    }
}

pub async fn checked(practice: &Practice) -> Snapshot {
    let options = CheckOptions {
        resolvers: practice.resolvers(),
        auth_port: practice.port(),
        timeout: Duration::from_millis(700),
        progress: None,
    };
    let domain = parse_domain(practice.scenario.domain).unwrap();
    check(&domain, choice(practice), &options, 0)
        .await
        .unwrap()
        .1
}

/// A wait on the DNS host's own servers only (the caches are the cache tests' business).
pub fn start(
    practice: &Practice,
    snap: &Snapshot,
    option: Option<&str>,
) -> Result<Wait, WaitError> {
    let settings = WaitSettings {
        poll_interval: 5_000,
        ..WaitSettings::default()
    };
    let diagnosis = diagnose(snap, choice(practice));
    Wait::start_option(
        &diagnosis,
        snap,
        option,
        Vec::new(),
        practice.port(),
        settings,
        SystemClock.now(),
    )
}

pub fn plan(practice: &Practice, snap: &Snapshot, option: Option<&str>) -> RepairPlan {
    repair::plan_for(&diagnose(snap, choice(practice)), snap, option).unwrap()
}

pub fn host(h: &str, domain: &str) -> String {
    let h = h.trim_end_matches('.').to_ascii_lowercase();
    if h == "@" || h == domain {
        "@".to_string()
    } else {
        h.trim_end_matches(&format!(".{domain}")).to_string()
    }
}

pub fn value(v: &str) -> String {
    v.trim_end_matches('.').to_ascii_lowercase()
}

pub fn matches(console: &ConsoleRow, row: &FixRow, domain: &str) -> bool {
    if host(&console.host, domain) != host(&row.host, domain)
        || !console.rtype.eq_ignore_ascii_case(row.rtype.as_str())
    {
        return false;
    }
    if row.is_all_except() {
        return !row.keep.iter().any(|k| value(k) == value(&console.value));
    }
    value(&console.value) == value(&row.value)
        && (row.priority.is_none() || row.priority == console.priority)
}

/// Does one row in the practice console, as a person following the repair step would.
pub fn apply(practice: &Practice, row: &FixRow) {
    let domain = practice.scenario.domain;
    match row.action {
        Action::Delete => {
            while let Some(i) = practice.rows().iter().position(|c| matches(c, row, domain)) {
                practice.delete(i).unwrap();
            }
        }
        // "Add if not there yet": a person adds it only when the console does not list it.
        Action::Add
            if row.if_missing
                && practice
                    .rows()
                    .iter()
                    .any(|c| matches(c, row, practice.scenario.domain)) => {}
        Action::Add => practice
            .add(&ConsoleRow {
                host: row.host.clone(),
                rtype: row.rtype.as_str().to_string(),
                priority: row.priority,
                value: row.value.clone(),
                ttl: 60,
            })
            .unwrap(),
        Action::Change => {
            let i = practice
                .rows()
                .iter()
                .position(|c| matches(c, row, domain))
                .unwrap_or_else(|| panic!("the row to change is in the console: {row:?}"));
            let mut new = practice.rows()[i].clone();
            new.value = row
                .target_value()
                .expect("a change has a new value")
                .to_string();
            if let Some(p) = row.target_priority() {
                new.priority = Some(p);
            }
            practice.update(i, &new).unwrap();
        }
    }
}

/// Rounds until the wait ends or `limit` passes.
pub async fn run_for(wait: &mut Wait, limit: Duration) {
    let end = SystemClock.now() + limit.as_millis() as u64;
    let lookup = mxdoctor_core::propagation::NetLookup {
        timeout: Duration::from_millis(700),
    };
    while wait.finished.is_none() && SystemClock.now() < end {
        check_due(wait, &SystemClock, &lookup).await;
        if let Some(at) = wait.next_wake() {
            let pause = at.saturating_sub(SystemClock.now()).min(200);
            tokio::time::sleep(Duration::from_millis(pause)).await;
        }
    }
}

pub fn states(wait: &Wait) -> Vec<(String, RowState)> {
    wait.row_checks(false)
        .into_iter()
        .map(|r| {
            (
                format!(
                    "{:?} {} {} {}",
                    r.row.action, r.row.host, r.row.rtype, r.row.value
                ),
                r.state,
            )
        })
        .collect()
}

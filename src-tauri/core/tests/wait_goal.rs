//! The wait follows the plan the user chose (issue 12): in the practice world, each seed's plan
//! (seed 001 with the old provider's MX rows hidden beside the alias, seed 004's MX that names
//! an alias with no mailbox service known, and each of seed 000's three ways to remove the
//! alias) is done in the console exactly as the repair step shows it, and the wait, asking the
//! DNS host's own servers, must end clear with every row seen saved. Done only in part, it
//! must not.

use std::time::Duration;

use mxdoctor_core::diagnose::{Action, FixRow};
use mxdoctor_core::dns::RType;
use mxdoctor_core::propagation::{
    check_due, Clock, Phase, SystemClock, Wait, WaitError, WaitStatus,
};
use mxdoctor_core::repair::RepairPlan;
use mxdoctor_core::saved::RowState;
use mxdoctor_dnsworld::practice::Practice;

mod common;
use common::*;

/// Does `plan` in the console, starts the wait for it, and expects it clear with every row seen
/// saved; before the plan is done, the first round says not saved.
async fn walk(id: &str, option: Option<&str>) -> (Wait, RepairPlan) {
    let practice = Practice::start(id, 0, None).await.unwrap();
    let snap = checked(&practice).await;
    let plan = plan(&practice, &snap, option);
    assert!(!plan.steps.is_empty(), "{id} {option:?}: a plan");
    let mut wait = start(&practice, &snap, option)
        .unwrap_or_else(|e| panic!("{id} {option:?}: every plan with rows can be waited for: {e}"));
    assert_eq!(wait.option.as_deref(), option);
    let planned: Vec<FixRow> = plan.steps.iter().flat_map(|s| s.rows.clone()).collect();
    let followed: Vec<FixRow> = wait.rows.iter().map(|r| r.row.clone()).collect();
    assert_eq!(
        followed, planned,
        "{id} {option:?}: the wait follows the rows shown"
    );
    check_due(
        &mut wait,
        &SystemClock,
        &mxdoctor_core::propagation::NetLookup {
            timeout: Duration::from_millis(700),
        },
    )
    .await;
    assert_eq!(
        wait.phase(),
        Phase::NotSaved,
        "{id} {option:?}: nothing done yet"
    );
    assert!(
        states(&wait).iter().any(|(_, s)| *s == RowState::NotSaved),
        "{id} {option:?}: {:?}",
        states(&wait)
    );
    for row in &planned {
        apply(&practice, row);
    }
    wait.resume(SystemClock.now());
    run_for(&mut wait, Duration::from_secs(20)).await;
    assert_eq!(
        wait.finished.map(|f| f.phase),
        Some(Phase::Clear),
        "{id} {option:?}: done as the plan says, the wait clears: {:?} {:?}",
        wait.vantages
            .iter()
            .map(|v| (&v.name, v.state, &v.gaps))
            .collect::<Vec<_>>(),
        states(&wait)
    );
    let view = wait.view(SystemClock.now());
    assert_eq!(view.status, WaitStatus::Clear);
    assert!(
        view.rows.iter().all(|r| r.state == RowState::Saved),
        "{id} {option:?}: every row seen saved: {:?}",
        states(&wait)
    );
    (wait, plan)
}

#[tokio::test]
async fn seed_001_with_the_old_providers_rows_hidden_by_the_alias() {
    let (wait, plan) = walk("seed001", None).await;
    let hidden = &plan.steps[0].rows[0];
    assert!(hidden.is_all_except(), "{hidden:?}");
    assert!(wait.rows.iter().any(|r| r.row == *hidden));
}

#[tokio::test]
async fn seed_004_an_mx_naming_an_alias_with_no_mailbox_service_known() {
    let (wait, _) = walk("seed004", None).await;
    assert_eq!(
        wait.provider, None,
        "no provider: the rows alone are the goal"
    );
}

#[tokio::test]
async fn seed_000_replace_the_alias_with_addresses() {
    let (wait, plan) = walk("seed000", Some("replace_with_a")).await;
    assert!(plan
        .steps
        .iter()
        .flat_map(|s| &s.rows)
        .any(|r| r.action == Action::Add && r.rtype == RType::A));
    assert!(wait.rows.iter().any(|r| r.row.rtype == RType::A));
}

#[tokio::test]
async fn seed_000_move_the_alias_to_www() {
    let (_, plan) = walk("seed000", Some("move_cname")).await;
    assert!(plan
        .steps
        .iter()
        .flat_map(|s| &s.rows)
        .any(|r| r.action == Action::Add && r.rtype == RType::Cname && r.host == "www"));
}

#[tokio::test]
async fn seed_000_a_separate_mail_subdomain_keeps_the_alias() {
    let (wait, plan) = walk("seed000", Some("separate_subdomain")).await;
    assert_eq!(
        plan.steps.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        ["mail_subdomain"],
        "only the subdomain's rows: the alias and the rows beside it stay"
    );
    assert!(plan.steps[0].rows.iter().all(|r| r.host == "mail"));
    assert!(
        plan.target.iter().all(|r| r.host == "mail"),
        "{:?}",
        plan.target
    );
    assert!(wait.rows.iter().all(|r| r.row.host == "mail"));
}

/// Half the plan is not the plan: with the alias deleted but its addresses not added, the
/// website rows are named as not seen saved and the wait does not clear.
#[tokio::test]
async fn a_plan_done_in_part_never_clears() {
    let practice = Practice::start("seed000", 0, None).await.unwrap();
    let snap = checked(&practice).await;
    let plan = plan(&practice, &snap, None);
    let mut wait = start(&practice, &snap, None).unwrap();
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        if row.rtype != RType::A {
            apply(&practice, row);
        }
    }
    run_for(&mut wait, Duration::from_secs(3)).await;
    assert_eq!(wait.finished, None);
    assert_eq!(wait.phase(), Phase::NotSaved);
    let not: Vec<(String, RowState)> = states(&wait)
        .into_iter()
        .filter(|(_, s)| *s != RowState::Saved)
        .collect();
    assert!(
        !not.is_empty() && not.iter().all(|(r, _)| r.contains(" A ")),
        "only the address rows are not seen saved: {not:?}"
    );
    // What a server gives instead is on view, row by row.
    let ns1 = &wait.vantages[0];
    assert!(ns1
        .gaps
        .iter()
        .any(|g| g.row.as_ref().is_some_and(|r| r.rtype == RType::A)));
}

#[tokio::test]
async fn an_option_the_check_did_not_offer_is_refused_by_name() {
    let practice = Practice::start("seed004", 0, None).await.unwrap();
    let snap = checked(&practice).await;
    match start(&practice, &snap, Some("move_cname")) {
        Err(WaitError::UnknownOption(why)) => assert!(why.contains("move_cname"), "{why}"),
        other => panic!("refused: {:?}", other.map(|w| w.conditions)),
    }
}

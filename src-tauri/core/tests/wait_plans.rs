//! The wait against plans done by hand in the practice world, found by trying to break issue
//! 12's wait: every option of seed 001 and the SPF example clears; a plan with the provider's
//! rows missing beside an alias adds them; two SPF records whose merge is one of them; no wait
//! without a DNS host server; the outcome of a separate subdomain names the subdomain; and no
//! more questions to the caches than each plan needs.

use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{diagnose, ProviderChoice};
use mxdoctor_core::propagation::{
    Clock, Phase, SystemClock, Wait, WaitError, WaitSettings, WaitStatus,
};
use mxdoctor_core::providers;
use mxdoctor_core::repair::RepairPlan;
use mxdoctor_core::saved::RowState;
use mxdoctor_core::snapshot::Snapshot;
use mxdoctor_dnsworld::practice::{ConsoleRow, Practice};

mod common;
use common::*;

/// Does the whole plan and expects the wait to clear with every row seen saved.
async fn walk(id: &str, option: Option<&str>) {
    let practice = Practice::start(id, 0, None).await.unwrap();
    let snap = checked(&practice).await;
    let plan = plan(&practice, &snap, option);
    let mut wait = start(&practice, &snap, option)
        .unwrap_or_else(|e| panic!("{id} {option:?}: wait cannot start: {e}"));
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        apply(&practice, row);
    }
    run_for(&mut wait, Duration::from_secs(15)).await;
    assert_eq!(
        wait.finished.map(|f| f.phase),
        Some(Phase::Clear),
        "{id} {option:?}: plan {:#?}\nrows {:?}\nconsole {:#?}\nvantages {:#?}",
        plan.steps,
        states(&wait),
        practice.rows(),
        wait.vantages
            .iter()
            .map(|v| (&v.name, v.state, &v.gaps))
            .collect::<Vec<_>>()
    );
    let view = wait.view(SystemClock.now());
    assert_eq!(view.status, WaitStatus::Clear);
    assert!(
        view.rows.iter().all(|r| r.state == RowState::Saved),
        "{:?}",
        states(&wait)
    );
}

#[tokio::test]
async fn walk_seed001_move_cname() {
    walk("seed001", Some("move_cname")).await;
}
#[tokio::test]
async fn walk_seed001_separate_subdomain() {
    walk("seed001", Some("separate_subdomain")).await;
}
#[tokio::test]
async fn walk_seed001_replace_with_a() {
    walk("seed001", Some("replace_with_a")).await;
}
#[tokio::test]
async fn walk_spf() {
    walk("spf", None).await;
}

fn zones_dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

/// The resolver does not answer NS questions: the check finds no DNS host server, yet reports
/// problems. A wait then could never see the change saved: it is refused, never "saved".
#[tokio::test]
async fn with_no_dns_host_server_found_no_wait_calls_the_change_saved() {
    use mxdoctor_core::propagation::{VantageKind, VantageSpec};
    use mxdoctor_dnsworld::{load_dir, Fault, Lab, Liar, RecordType, Zone};
    let mut zones: Vec<Zone> = load_dir(&zones_dir()).unwrap().into_values().collect();
    zones.extend(load_dir(&zones_dir().join("parent")).unwrap().into_values());
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let liar = Liar::start("127.0.0.41".parse().unwrap(), lab.resolver.addr())
        .await
        .unwrap();
    liar.set(Some(RecordType::NS), Fault::Timeout);
    let options = CheckOptions {
        resolvers: vec![liar.addr()],
        auth_port: lab.auth_port,
        timeout: Duration::from_millis(500),
        progress: None,
    };
    let domain = parse_domain("seed001.test").unwrap();
    let choice = ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone());
    let (report, snap) = check(&domain, choice.clone(), &options, 0).await.unwrap();
    println!(
        "status {:?} auth {:?}",
        report.status, report.authoritative_servers
    );
    assert_ne!(
        report.status,
        mxdoctor_core::report::CheckStatus::Error,
        "the check goes on to a wait"
    );
    let d = diagnose(&snap, choice);
    let refused = Wait::start(
        &d,
        &snap,
        vec![VantageSpec {
            kind: VantageKind::Custom,
            name: "resolver".into(),
            server: liar.addr(),
        }],
        lab.auth_port,
        WaitSettings::default(),
        SystemClock.now(),
    );
    // Without one of the DNS host's servers nothing can be seen saved: no wait starts, and
    // the refusal says why.
    match refused {
        Err(WaitError::NoDnsHost(domain)) => assert_eq!(domain, "seed001.test"),
        other => panic!(
            "a wait with no DNS host server to ask: {:?}",
            other.map(|w| w.phase())
        ),
    }
}

fn console(host: &str, rtype: &str, priority: Option<u16>, value: &str) -> ConsoleRow {
    ConsoleRow {
        host: host.into(),
        rtype: rtype.into(),
        priority,
        value: value.into(),
        ttl: 60,
    }
}

/// Does the plan of `option` on a practice world prepared by `prepare`, then waits 10 s.
async fn walk_prepared(
    id: &str,
    option: Option<&str>,
    prepare: impl Fn(&Practice),
) -> (Practice, Snapshot, RepairPlan, Wait) {
    let practice = Practice::start(id, 0, None).await.unwrap();
    prepare(&practice);
    let snap = checked(&practice).await;
    let plan = plan(&practice, &snap, option);
    let mut wait = start(&practice, &snap, option)
        .unwrap_or_else(|e| panic!("{id} {option:?}: wait cannot start: {e}"));
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        apply(&practice, row);
    }
    run_for(&mut wait, Duration::from_secs(10)).await;
    (practice, snap, plan, wait)
}

#[tokio::test]
async fn spf_multiple_whose_merge_is_one_of_them() {
    let (practice, _, plan, wait) = walk_prepared("spf", None, |p| {
        let rows: Vec<ConsoleRow> = p
            .rows()
            .into_iter()
            .filter(|r| !(r.host == "@" && r.rtype == "TXT"))
            .chain([
                console("@", "TXT", None, "v=spf1 include:spf.qiye.aliyun.com -all"),
                console("@", "TXT", None, "v=spf1 -all"),
            ])
            .collect();
        p.set_rows(&rows).unwrap();
    })
    .await;
    assert_eq!(
        wait.finished.map(|f| f.phase),
        Some(Phase::Clear),
        "plan {:#?}\nrows {:?}\nconsole {:?}",
        plan.steps,
        states(&wait),
        practice.rows()
    );
}

/// After the separate-subdomain option, mail is received at mail.<domain>; the outcome report
/// must not say that mail to <domain> works again.
#[tokio::test]
async fn separate_subdomain_outcome_does_not_claim_the_domain_works() {
    use mxdoctor_core::report::{outcome_document, Locale};
    let practice = Practice::start("seed000", 0, None).await.unwrap();
    let options = CheckOptions {
        resolvers: practice.resolvers(),
        auth_port: practice.port(),
        timeout: Duration::from_millis(700),
        progress: None,
    };
    let domain = parse_domain("seed000.test").unwrap();
    let (report, snap) = check(&domain, choice(&practice), &options, 0)
        .await
        .unwrap();
    let option = Some("separate_subdomain");
    let plan = plan(&practice, &snap, option);
    let mut wait = start(&practice, &snap, option).unwrap();
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        apply(&practice, row);
    }
    run_for(&mut wait, Duration::from_secs(10)).await;
    assert_eq!(wait.finished.map(|f| f.phase), Some(Phase::Clear));
    let doc = outcome_document(&report, &wait.view(SystemClock.now()), Locale::En);
    let headline = doc
        .lines()
        .find(|l| l.contains("works again"))
        .unwrap_or("");
    assert!(
        !headline.contains("Mail to seed000.test works again"),
        "seed000.test still has its alias and no MX: {headline}"
    );
}

/// The question budget with the practice caches (TTL 60): the plan is done right after the
/// check (which filled the caches with the old records); questions per cache are counted.
async fn budget(id: &str, option: Option<&str>) {
    use mxdoctor_core::propagation::{VantageKind, VantageSpec};
    let practice = Practice::start(id, 0, None).await.unwrap();
    let snap = checked(&practice).await;
    let plan = plan(&practice, &snap, option);
    let d = diagnose(&snap, choice(&practice));
    let caches: Vec<VantageSpec> = practice
        .resolvers()
        .into_iter()
        .map(|a| VantageSpec {
            kind: VantageKind::Custom,
            name: a.to_string(),
            server: a,
        })
        .collect();
    let mut wait = Wait::start_option(
        &d,
        &snap,
        option,
        caches,
        practice.port(),
        WaitSettings::default(),
        SystemClock.now(),
    )
    .unwrap();
    for row in plan.steps.iter().flat_map(|s| &s.rows) {
        apply(&practice, row);
    }
    run_for(&mut wait, Duration::from_secs(150)).await;
    let per: Vec<(String, u64)> = wait
        .vantages
        .iter()
        .map(|v| (v.name.clone(), v.queries))
        .collect();
    println!(
        "{id} {option:?}: {:?} in {:?}, questions {per:?}, per-cache questions {:?}",
        wait.finished.map(|f| f.phase),
        wait.finished.map(|f| (f.at - wait.started_at) / 1000),
        wait.questions_for(2)
    );
    assert_eq!(wait.finished.map(|f| f.phase), Some(Phase::Clear));
    for v in wait.vantages.iter().filter(|v| v.kind.is_cache()) {
        assert!(
            v.queries <= 10,
            "{id} {option:?}: {} asked {} questions",
            v.name,
            v.queries
        );
    }
}

#[tokio::test]
async fn budget_seed001_move_cname() {
    budget("seed001", Some("move_cname")).await;
}
#[tokio::test]
async fn budget_seed001_default() {
    budget("seed001", None).await;
}
#[tokio::test]
async fn budget_seed000_separate() {
    budget("seed000", Some("separate_subdomain")).await;
}
#[tokio::test]
async fn budget_spf() {
    budget("spf", None).await;
}
#[tokio::test]
async fn budget_seed004() {
    budget("seed004", None).await;
}

/// Seed 001 before the user typed the new provider's rows: only the old provider's MX sit
/// beside the alias, which nobody can see. The plan deletes "every MX row except Alibaba's"
/// and adds each of Alibaba's "if not there yet": done exactly, the wait clears.
#[tokio::test]
async fn hidden_old_mx_without_the_providers_rows_clears_once_they_are_added() {
    let (practice, _, plan, wait) = walk_prepared("seed001", None, |p| {
        let rows: Vec<ConsoleRow> = p
            .rows()
            .into_iter()
            .filter(|r| !(r.rtype == "MX" && r.value.contains("aliyun")))
            .collect();
        p.set_rows(&rows).unwrap();
    })
    .await;
    assert_eq!(
        wait.finished.map(|f| f.phase),
        Some(Phase::Clear),
        "plan {:#?}\ntarget {:?}\nrows {:?}\nconsole {:?}",
        plan.steps,
        plan.target,
        states(&wait),
        practice.rows()
    );
}

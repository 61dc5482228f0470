//! The propagation wait against a real cache: the DNS world's authoritative servers on
//! 127.0.0.11/.12, Debian's Unbound in front of them on its own loopback address, and the
//! user's edit saved in the middle of the wait. A probe asks Unbound every 50 ms to learn the
//! moment it first serves the repaired records; the wait must report clear within a second or
//! so of that moment, having asked few questions.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mxdoctor_core::check::{self, CheckOptions};
use mxdoctor_core::diagnose::{diagnose, ProviderChoice};
use mxdoctor_core::dns::{query, QueryMode, RType, Status};
use mxdoctor_core::propagation::{
    check_due, resolver_specs, run, Clock, Millis, NetLookup, Phase, SystemClock, VantageKind,
    VantageState, Wait, WaitSettings,
};
use mxdoctor_core::providers;
use mxdoctor_core::report::{outcome_document, CheckReport, Locale};
use mxdoctor_dnsworld::{load_dir, Lab, Name, RData, RecordType, Unbound, Zone};

/// Seed 000 with 5-second TTLs: the CDN alias at `@` beside the mailbox MX.
const BROKEN: &str = "$ORIGIN wait.test.
$TTL 5
@ IN SOA ns1.wait.test. hostmaster.wait.test. 1 3600 600 86400 5
@ IN NS ns1
@ IN NS ns2
ns1 IN A 127.0.0.11
ns2 IN A 127.0.0.12
@ IN CNAME site.cdn.test.
@ IN MX 5 mx1.qiye.aliyun.com.
@ IN MX 10 mx2.qiye.aliyun.com.
@ IN MX 15 mx3.qiye.aliyun.com.
";

struct World {
    lab: Lab,
    unbound: Unbound,
}

async fn world(unbound_ip: [u8; 4]) -> World {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones");
    let mut zones: Vec<Zone> = load_dir(&dir)
        .unwrap()
        .into_values()
        .filter(|z| z.origin().to_ascii() == "cdn.test.")
        .collect();
    zones.extend(load_dir(&dir.join("parent")).unwrap().into_values());
    zones.push(Zone::parse(BROKEN, None).unwrap());
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    // One stub zone per zone served (the parent too, for the walk from the parent).
    let unbound = Unbound::in_front_of(&lab, IpAddr::V4(Ipv4Addr::from(unbound_ip)))
        .unwrap_or_else(|e| panic!("{e}"));
    World { lab, unbound }
}

/// The user deletes the alias in their DNS console: every authoritative server serves the edit.
fn save_the_edit(lab: &Lab) {
    let name = Name::from_ascii("wait.test.").unwrap();
    // As the plan says: the alias goes, the addresses it led to come in its place.
    let removed = lab.edit_zone("wait.test", |z| {
        z.replace(
            &name,
            RecordType::A,
            5,
            vec![
                RData::A("203.0.113.7".parse().unwrap()),
                RData::A("203.0.113.8".parse().unwrap()),
            ],
        );
        z.replace(&name, RecordType::CNAME, 5, Vec::new())
    });
    assert_eq!(removed, [1, 1], "the alias is deleted on ns1 and ns2");
}

/// Checks the domain through Unbound (which fills its cache, as the user's own check would)
/// and starts a wait watching the two authoritative servers and Unbound.
async fn check_and_start(w: &World) -> (Wait, CheckReport) {
    let domain = check::parse_domain("wait.test").unwrap();
    let provider = providers::by_id("alibaba-standard").unwrap().clone();
    let options = CheckOptions {
        resolvers: vec![w.unbound.addr()],
        auth_port: w.lab.auth_port,
        timeout: Duration::from_secs(2),
        progress: None,
    };
    let (report, snap) = check::check(
        &domain,
        ProviderChoice::Given(provider.clone()),
        &options,
        0,
    )
    .await
    .unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.finding.code.as_str() == "CNAME_AT_MAIL_HOST"),
        "the check sees seed 000's alias: {:?}",
        report
            .findings
            .iter()
            .map(|f| (f.finding.code.as_str(), f.title.clone()))
            .collect::<Vec<_>>()
    );
    let diagnosis = diagnose(&snap, ProviderChoice::Given(provider));
    let report_out = report.clone();
    let settings = WaitSettings {
        poll_interval: 1_000,
        max_wait: 60_000,
        ..WaitSettings::default()
    };
    let wait = Wait::start(
        &diagnosis,
        &snap,
        resolver_specs(&[w.unbound.addr()], &[]),
        w.lab.auth_port,
        settings,
        SystemClock.now(),
    )
    .unwrap();
    assert_eq!(
        wait.vantages.len(),
        3,
        "ns1, ns2 and Unbound: {:?}",
        snap.authoritative
            .iter()
            .map(|a| (&a.host, &a.address))
            .collect::<Vec<_>>()
    );
    (wait, report_out)
}

/// Asks Unbound for the alias every 50 ms until it no longer has it; returns that moment.
async fn first_new_answer(unbound: SocketAddr) -> Millis {
    loop {
        let o = query(
            unbound,
            "wait.test",
            RType::Cname,
            QueryMode::Recursive,
            Duration::from_secs(1),
        )
        .await;
        if o.status == Status::NoData {
            return SystemClock.now();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wait_clears_within_a_second_of_the_real_caches_expiry() {
    let w = world([127, 0, 0, 31]).await;
    let (mut wait, _) = check_and_start(&w).await;
    let lookup = NetLookup {
        timeout: Duration::from_secs(2),
    };
    let rounds: Arc<Mutex<Vec<Wait>>> = Arc::default();
    let probe = tokio::spawn(first_new_answer(w.unbound.addr()));
    let lab = &w.lab;
    let edit = async {
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        save_the_edit(lab);
        SystemClock.now()
    };
    let watch = run(&mut wait, &SystemClock, &lookup, |w| {
        rounds.lock().unwrap().push(w.clone())
    });
    let ((finish, saved_at), new_at) = (
        tokio::join!(
            async { tokio::time::timeout(Duration::from_secs(60), watch).await },
            edit
        ),
        probe,
    );
    let finish = finish.expect("the wait ends within its 60 s");
    let new_at = tokio::time::timeout(Duration::from_secs(10), new_at)
        .await
        .expect("Unbound serves the edit once its copy expires")
        .unwrap();
    let rounds = rounds.lock().unwrap();

    // First round: the DNS host has not got the edit; Unbound holds the alias, TTL counting down.
    let first = &rounds[0];
    assert_eq!(first.phase(), Phase::NotSaved);
    let cache = |w: &Wait| {
        w.vantages
            .iter()
            .find(|v| v.kind == VantageKind::Custom)
            .unwrap()
            .clone()
    };
    assert_eq!(cache(first).state, VantageState::Stale);
    let left = cache(first).stale_ttl().unwrap();
    assert!(
        left <= 5,
        "Unbound reports what remains of the 5 s TTL, not {left}"
    );

    // The edit is seen at the first poll after it was saved.
    let seen = wait.saved_at.expect("the edit was seen at the DNS host");
    assert!(
        seen >= saved_at && seen - saved_at <= 1_500,
        "seen {} ms after saving",
        seen - saved_at
    );

    // Clear, and not before the real cache let go of the alias.
    assert_eq!(finish.phase, Phase::Clear);
    assert!(
        finish.at + 100 >= new_at,
        "clear {} ms before Unbound served the edit",
        new_at - finish.at
    );
    let late = finish.at.saturating_sub(new_at);
    assert!(
        late <= 1_200,
        "clear {late} ms after Unbound first served the edit"
    );

    // Few questions: 2 per visit; Unbound visited at the start, then around its expiry.
    let unbound_queries = cache(&wait).queries;
    assert!(
        unbound_queries <= 8,
        "asked Unbound {unbound_queries} questions"
    );
    assert!(wait.queries() <= 30, "{} questions in all", wait.queries());
    eprintln!(
        "clear {late} ms after the cache could serve the edit; {} questions ({} to Unbound)",
        wait.queries(),
        unbound_queries
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn name_servers_hidden_by_a_cached_alias_are_found_through_the_parent() {
    let w = world([127, 0, 0, 33]).await;
    // Someone's earlier question left the alias in the cache: now Unbound answers every
    // question at wait.test, NS included, with the alias.
    let ns = query(
        w.unbound.addr(),
        "wait.test",
        RType::Cname,
        QueryMode::Recursive,
        Duration::from_secs(2),
    )
    .await;
    assert_eq!(ns.status, Status::Answer);
    let hidden = query(
        w.unbound.addr(),
        "wait.test",
        RType::NS,
        QueryMode::Recursive,
        Duration::from_secs(2),
    )
    .await;
    assert!(
        hidden.of("wait.test", RType::NS).next().is_none(),
        "Unbound hides the NS records behind the cached alias: {hidden:?}"
    );
    let (wait, _) = check_and_start(&w).await;
    let auth: Vec<&str> = wait
        .vantages
        .iter()
        .filter(|v| v.kind == VantageKind::Authoritative)
        .map(|v| v.name.as_str())
        .collect();
    assert_eq!(auth, ["ns1.wait.test", "ns2.wait.test"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_wait_resumes_against_the_real_cache() {
    let w = world([127, 0, 0, 32]).await;
    let (mut wait, report) = check_and_start(&w).await;
    let lookup = NetLookup {
        timeout: Duration::from_secs(2),
    };
    check_due(&mut wait, &SystemClock, &lookup).await;
    assert_eq!(wait.phase(), Phase::NotSaved);
    // The report of a wait given up here says so, server by server.
    let waiting = outcome_document(&report, &wait.view(SystemClock.now()), Locale::En);
    assert!(
        waiting.contains("Not every server gives the repaired records yet: 0 of 3 did at"),
        "{waiting}"
    );
    assert_eq!(
        waiting.matches("| Change not saved here |").count(),
        2,
        "{waiting}"
    );
    // Nothing is listed as changed: every row is under "never seen saved", server by server.
    assert!(
        !waiting.contains("Changes seen saved at every server"),
        "{waiting}"
    );
    assert!(
        waiting.contains("### Changes never seen saved at every server of your DNS host"),
        "{waiting}"
    );
    assert!(
        waiting.contains("`ns1.wait.test (127.0.0.11)`: not as asked"),
        "{waiting}"
    );
    let saved = wait.to_json();
    drop(wait);

    // The app is closed; meanwhile the user saves the edit and the cache lets go.
    save_the_edit(&w.lab);
    let new_at = first_new_answer(w.unbound.addr()).await;

    let mut restored = Wait::from_json(&saved).unwrap();
    let now = SystemClock.now();
    restored.resume(now);
    assert_eq!(restored.due(now).len(), 3, "every vantage is asked at once");
    let mut rounds = 0;
    let finish = run(&mut restored, &SystemClock, &lookup, |_| rounds += 1).await;
    assert_eq!(finish.phase, Phase::Clear);
    assert_eq!(rounds, 1, "one immediate round finds everything clear");
    assert!(finish.at >= new_at);

    // The outcome report: what was changed (no longer asked for), and every server clear.
    let done = outcome_document(&report, &restored.view(SystemClock.now()), Locale::En);
    assert!(
        done.contains("\n### Changes seen saved at every server of your DNS host\n"),
        "{done}"
    );
    assert!(!done.contains("never seen saved"), "{done}");
    assert!(done.contains("| Delete | `@` | CNAME |"), "{done}");
    assert!(
        !done.contains("Please make the following changes"),
        "{done}"
    );
    assert!(
        done.contains("Mail to `wait.test` works again: every server MX Doctor asked gave the repaired records by"),
        "{done}"
    );
    assert_eq!(
        done.matches("| Gives the repaired records |").count(),
        3,
        "{done}"
    );
    assert!(done.contains("| `ns1.wait.test` |"), "{done}");
    let zh = outcome_document(&report, &restored.view(SystemClock.now()), Locale::ZhCn);
    assert!(
        zh.contains("### 在您的解析服务商的所有服务器上均已确认保存的修改")
            && zh.contains("`wait.test` 已恢复正常收信"),
        "{zh}"
    );
}

//! Scenario tests: the zone files in `tests/zones/` served by real DNS servers on loopback
//! (UDP and TCP), run through the whole pipeline: observe, diagnose, report.

use std::path::PathBuf;
use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{Code, ProviderChoice, Severity};
use mxdoctor_core::dns::RType;
use mxdoctor_core::providers;
use mxdoctor_core::repair::StepId;
use mxdoctor_core::report::{CheckReport, CheckStatus};
use mxdoctor_core::Snapshot;
use mxdoctor_dnsworld::{load_dir, Behavior, CnamePolicy, Lab, Zone};

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

fn zones() -> Vec<Zone> {
    load_dir(&zones_dir())
        .expect("scenario zones load")
        .into_values()
        .collect()
}

async fn lab() -> Lab {
    let ns2 = load_dir(&zones_dir().join("ns2"))
        .expect("ns2 zones load")
        .into_values()
        .collect();
    Lab::start(zones(), ns2)
        .await
        .expect("loopback servers start")
}

fn options(lab: &Lab) -> CheckOptions {
    CheckOptions {
        resolvers: vec![lab.resolver.addr()],
        auth_port: lab.auth_port,
        timeout: Duration::from_millis(700),
        progress: None,
    }
}

fn alibaba() -> ProviderChoice {
    ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone())
}

async fn run(lab: &Lab, domain: &str, choice: ProviderChoice) -> (CheckReport, Snapshot) {
    let d = parse_domain(domain).unwrap();
    let (report, snap) = check(&d, choice, &options(lab), 0)
        .await
        .expect("check runs");
    assert_words_filled(&report);
    (report, snap)
}

/// Every title, message and option text is filled in: no `{placeholder}` reaches the user. Every
/// reference is one a user can follow (issue 15): an RFC section with its https address, never
/// our own design notes or cases.
fn assert_words_filled(report: &CheckReport) {
    for f in &report.findings {
        let reference = &f.finding.reference;
        assert!(
            !reference.to_lowercase().contains("seed") && !reference.contains("DESIGN"),
            "{:?} refers to {reference}",
            f.finding.code
        );
        assert!(
            f.finding.reference_url.starts_with("https://"),
            "{:?} links its reference {reference}: {:?}",
            f.finding.code,
            f.finding.reference_url
        );
        let texts = [&f.title, &f.message].into_iter().chain(
            f.option_texts
                .iter()
                .flat_map(|o| [&o.title, &o.consequence]),
        );
        for text in texts {
            assert!(!text.is_empty(), "{:?} has no words", f.finding.code);
            let open = text.find('{');
            assert!(
                open.is_none_or(|i| !text[i..].contains('}')),
                "{:?}: unfilled placeholder in {text:?}",
                f.finding.code
            );
        }
    }
}

fn codes(r: &CheckReport) -> Vec<Code> {
    r.findings.iter().map(|f| f.finding.code).collect()
}

fn has(r: &CheckReport, code: Code) -> bool {
    codes(r).contains(&code)
}

#[tokio::test]
async fn seed_000_cname_beside_mx_served_as_cname_only() {
    let lab = lab().await;
    let (r, snap) = run(&lab, "seed000.test", alibaba()).await;
    assert_eq!(r.status, CheckStatus::Problems);
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::CnameAtMailHost)
        .expect("CNAME conflict found");
    assert_eq!(f.finding.severity, Severity::Error);
    let hidden = &f.finding.options[0].fix[0];
    assert!(
        hidden.is_all_except() && hidden.rtype == RType::MX,
        "the alias hides the MX rows: every one that is not the provider's goes first: {hidden:?}"
    );
    let a_rows: Vec<&str> = f.finding.options[0].fix[1..]
        .iter()
        .map(|r| r.value.as_str())
        .collect();
    assert_eq!(
        a_rows,
        [
            "site.cdn.test",
            "203.0.113.7",
            "203.0.113.8",
            "mx1.qiye.aliyun.com",
            "mx2.qiye.aliyun.com",
            "mx3.qiye.aliyun.com"
        ],
        "delete the alias, add the CDN's current addresses, then Alibaba's rows if not there yet"
    );
    assert!(f.finding.options[0].fix[4..].iter().all(|r| r.if_missing));
    assert!(
        !has(&r, Code::MxMissing),
        "the MX is hidden, not missing: {:?}",
        codes(&r)
    );
    // The server really did hide the MX: the authoritative MX answer is the alias alone.
    let mx = snap.authoritative[0]
        .get("seed000.test", mxdoctor_core::dns::RType::MX)
        .unwrap();
    assert!(
        mx.records.iter().all(|r| r.type_label() == "CNAME"),
        "{:?}",
        mx.records
    );
    assert_eq!(
        r.plan.steps[0].id,
        StepId::DeleteStrayMx,
        "seed 001 §2.1: the hidden MX rows first"
    );
    assert_eq!(r.plan.steps[1].id, StepId::DeleteCname);
    assert_eq!(
        r.authoritative_servers,
        [
            "ns1.seed000.test (127.0.0.11)",
            "ns2.seed000.test (127.0.0.12)"
        ]
    );
    assert!(
        !has(&r, Code::LookupFailed),
        "the alias must not send us to the CDN's servers: {:?}",
        codes(&r)
    );
}

#[tokio::test]
async fn seed_001_stray_mx_and_cname_when_the_panel_serves_both() {
    let lab = lab().await;
    for s in lab.auth.iter().chain([&lab.resolver]) {
        s.set_cname_policy(CnamePolicy::ServeBoth);
    }
    let (r, _) = run(&lab, "seed001.test", alibaba()).await;
    assert!(has(&r, Code::CnameAtMailHost), "{:?}", codes(&r));
    let foreign = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::MxForeign)
        .expect("stray MX found");
    assert_eq!(foreign.finding.params["owner"], "google-workspace");
    assert!(
        foreign.title.contains("Google Workspace"),
        "{}",
        foreign.title
    );
    let order: Vec<&str> = r.plan.steps.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        &order[..2],
        ["delete_stray_mx", "delete_cname"],
        "seed 001's order"
    );
}

#[tokio::test]
async fn scope_table_negative_case_is_healthy() {
    let lab = lab().await;
    let (r, _) = run(&lab, "scope.test", ProviderChoice::Detect).await;
    assert_eq!(r.provider, "alibaba-standard", "suggested from the MX");
    assert_eq!(
        r.status,
        CheckStatus::Ok,
        "www CNAME and a flattened apex are fine: {:?}",
        r.findings
    );
    assert!(!has(&r, Code::CnameAtMailHost));
}

#[tokio::test]
async fn seed_004_mx_pointing_at_an_alias() {
    let lab = lab().await;
    let (r, _) = run(&lab, "aliasmx.test", ProviderChoice::Detect).await;
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::MxTargetCname)
        .expect("alias MX found");
    assert_eq!(f.finding.host, "mail.aliasmx.test");
    assert_eq!(
        f.finding.fix[0].new_value.as_deref(),
        Some("mailhost.aliasmx.test")
    );
}

#[tokio::test]
async fn spf_without_the_providers_include() {
    let lab = lab().await;
    let (r, _) = run(&lab, "nospf.test", alibaba()).await;
    assert_eq!(
        codes(&r)
            .iter()
            .filter(|c| **c != Code::DkimNotFound)
            .collect::<Vec<_>>(),
        [&Code::SpfProviderMissing]
    );
}

#[tokio::test]
async fn two_authoritative_servers_that_disagree() {
    let lab = lab().await;
    let (r, _) = run(&lab, "split.test", alibaba()).await;
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::NsInconsistent)
        .expect("disagreement found");
    assert!(
        f.finding.params["servers"].contains("mx.old-provider.test"),
        "{}",
        f.finding.params["servers"]
    );
    assert!(
        f.finding.params["stale"].starts_with("ns2.split.test (127.0.0.12"),
        "ns2 holds the older copy (serial 1): {}",
        f.finding.params["stale"]
    );
    for false_code in [Code::MxForeign, Code::SpfMultiple, Code::SpfProviderMissing] {
        assert!(
            !has(&r, false_code),
            "{false_code:?} is false for each server; the plan follows the newest copy: {:?}",
            codes(&r)
        );
    }
}

#[tokio::test]
async fn cname_loop_and_spf_include_loop_end_cleanly() {
    let lab = lab().await;
    let (r, _) = run(&lab, "loops.test", ProviderChoice::Detect).await;
    assert!(has(&r, Code::SpfIncludeLoop), "{:?}", codes(&r));
    // One row, one reason: an alias that goes round in circles leads to no address. It used
    // to be reported twice, once as an alias to "change to mail.loops.test" (itself).
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::MxTargetUnresolvable)
        .expect("the looping exchange has no address");
    assert!(
        !has(&r, Code::MxTargetCname),
        "no fix that changes the row to the loop: {:?}",
        codes(&r)
    );
    assert!(
        f.finding.records.iter().any(|r| r.type_label() == "CNAME"),
        "the loop's aliases are the evidence: {:?}",
        f.finding.records
    );
    assert_eq!(r.status, CheckStatus::Problems);
}

#[tokio::test]
async fn oversized_txt_comes_over_tcp() {
    let lab = lab().await;
    let (r, snap) = run(&lab, "bigtxt.test", alibaba()).await;
    let txt = snap.authoritative[0]
        .get("bigtxt.test", mxdoctor_core::dns::RType::TXT)
        .unwrap();
    assert!(
        txt.records[0].value().len() > 1500,
        "the whole record arrived"
    );
    assert!(
        !has(&r, Code::LookupFailed) && !has(&r, Code::SpfSyntax),
        "{:?}",
        codes(&r)
    );
}

#[tokio::test]
async fn truncated_udp_answers_are_retried_over_tcp() {
    let lab = lab().await;
    for s in lab.auth.iter().chain([&lab.resolver]) {
        s.set_behavior(Behavior::Truncated);
    }
    let (r, _) = run(&lab, "seed000.test", alibaba()).await;
    assert!(
        has(&r, Code::CnameAtMailHost),
        "same diagnosis as over UDP: {:?}",
        r.findings
            .iter()
            .map(|f| f.finding.params.clone())
            .collect::<Vec<_>>()
    );
    let failed: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.finding.code == Code::LookupFailed)
        .map(|f| &f.finding.params)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// A resolver that fails in a named way gives status `error` and says what failed, quickly.
#[tokio::test]
async fn failing_resolver_is_never_healthy() {
    for (behavior, status) in [
        (Behavior::Timeout, "timeout"),
        (Behavior::ServFail, "servfail"),
        (Behavior::Refused, "refused"),
    ] {
        let lab = lab().await;
        lab.resolver.set_behavior(behavior);
        // A guard against hanging, not a speed target (that is the benchmark's job).
        let (r, _) =
            tokio::time::timeout(Duration::from_secs(30), run(&lab, "scope.test", alibaba()))
                .await
                .unwrap_or_else(|_| panic!("{behavior:?}: the check hung"));
        assert_eq!(r.status, CheckStatus::Error, "{behavior:?}");
        let f = r
            .findings
            .iter()
            .find(|f| f.finding.code == Code::LookupFailed)
            .expect("failure reported");
        assert_eq!(f.finding.params["status"], status);
        assert!(
            !has(&r, Code::MxMissing) && !has(&r, Code::SpfMissing),
            "{behavior:?}: never 'missing'"
        );
    }
}

#[tokio::test]
async fn one_dead_authoritative_server_gives_a_partial_result() {
    let lab = lab().await;
    lab.auth[1].set_behavior(Behavior::Timeout);
    let (r, _) = run(&lab, "scope.test", alibaba()).await;
    assert_eq!(
        r.status,
        CheckStatus::Problems,
        "a dead server is a risk, not healthy"
    );
    let f = r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::LookupFailed)
        .expect("dead server reported");
    assert!(
        f.finding.params["server"].contains("127.0.0.12"),
        "{:?}",
        f.finding.params
    );
    assert!(
        !has(&r, Code::MxMissing) && !has(&r, Code::NsInconsistent),
        "{:?}",
        codes(&r)
    );
}

#[tokio::test]
async fn a_domain_that_does_not_exist() {
    let lab = lab().await;
    let (r, _) = run(&lab, "nothere.scope.test", alibaba()).await;
    assert_eq!(codes(&r), [Code::DomainNotFound]);
}

#[tokio::test]
async fn a_snapshot_replays_to_the_same_report() {
    let lab = lab().await;
    let (r, snap) = run(&lab, "seed000.test", alibaba()).await;
    let text = snap.to_json();
    let again = Snapshot::from_json(&text).expect("snapshot reads back");
    let replayed =
        mxdoctor_core::check::replay(&parse_domain("seed000.test").unwrap(), &again, alibaba());
    assert_eq!(replayed, r);
    assert!(Snapshot::from_json("{\"not\": \"a snapshot\"}").is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn progress_reports_every_question_once_started_and_once_ended() {
    use std::sync::{Arc, Mutex};

    use mxdoctor_core::dns::Status;
    use mxdoctor_core::observe::{LookupEvent, ProgressSink};

    let lab = lab().await;
    lab.auth[1].set_behavior(Behavior::Timeout);
    let events: Arc<Mutex<Vec<LookupEvent>>> = Arc::default();
    let sink = events.clone();
    let mut opts = options(&lab);
    opts.progress = Some(ProgressSink(Arc::new(move |e| {
        sink.lock().unwrap().push(e)
    })));
    let d = parse_domain("seed000.test").unwrap();
    check(&d, ProviderChoice::Detect, &opts, 0).await.unwrap();
    let events = events.lock().unwrap();
    let started: Vec<u32> = events
        .iter()
        .filter(|e| e.status.is_none())
        .map(|e| e.id)
        .collect();
    let ended: Vec<&LookupEvent> = events.iter().filter(|e| e.status.is_some()).collect();
    assert!(started.len() > 10, "a check asks many questions");
    assert_eq!(
        started.len(),
        ended.len(),
        "every question that starts, ends"
    );
    for e in &ended {
        assert!(started.contains(&e.id));
    }
    // The dead ns2 shows up as failed questions to the authoritative server, not as answers.
    assert!(ended
        .iter()
        .any(|e| e.authoritative && e.failed && e.status == Some(Status::Timeout)));
    assert!(ended.iter().any(|e| e.authoritative && !e.failed));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_exported_report_asks_for_the_rows_in_order_in_both_languages() {
    use mxdoctor_core::report::{document, Locale};

    let lab = lab().await;
    let (report, _) = run(&lab, "seed000.test", alibaba()).await;
    let en = document(&report, Locale::En);
    assert!(
        en.starts_with("# MX Doctor: mail settings of `seed000.test`\n\nPlease make the following changes to the DNS records of `seed000.test`, in this order, so that its mail reaches"),
        "{en}"
    );
    assert!(en.contains("| Action | Host record | Record type | Priority | Record value |"));
    assert!(
        en.contains("| Delete | `@` | CNAME | — | `site.cdn.test` |"),
        "{en}"
    );
    let delete = en.find("| Delete | `@` | CNAME").unwrap();
    let end_state = en.find("## When you are done").unwrap();
    assert!(delete < end_state, "the changes come before the end state");
    let zh = document(&report, Locale::ZhCn);
    assert!(
        zh.contains("请按顺序对 `seed000.test` 的 DNS 解析记录做以下修改"),
        "{zh}"
    );
    assert!(
        zh.contains("| 删除 | `@` | CNAME | — | `site.cdn.test` |"),
        "{zh}"
    );
    assert!(
        zh.contains("`seed000.test` 上的别名（CNAME）记录挡住了您的邮件设置"),
        "{zh}"
    );
    assert!(
        !zh.contains('{') && !en.contains('{'),
        "no placeholder left"
    );
}

#[tokio::test]
async fn saved_rows_are_judged_per_dns_host_server() {
    use hickory_proto::rr::{Name, RecordType};
    use mxdoctor_core::saved::{verify, RowState};
    let lab = lab().await;
    let (r, snap) = run(&lab, "seed000.test", alibaba()).await;
    let rows: Vec<_> = r.plan.steps.iter().flat_map(|s| s.rows.clone()).collect();
    let delete_cname = rows
        .iter()
        .position(|row| row.rtype == RType::Cname)
        .expect("a row deletes the alias");
    let timeout = Duration::from_millis(700);

    let before = verify(&snap, &rows, lab.auth_port, timeout).await;
    assert_eq!(before[delete_cname].state, RowState::NotSaved);
    assert_eq!(before[delete_cname].servers.len(), 2);

    // The alias deleted on one of the two DNS host servers only: still not saved.
    let apex = Name::from_ascii("seed000.test.").unwrap();
    lab.auth[0].edit_zones(|zones| {
        for z in zones.iter_mut().filter(|z| z.origin() == &apex) {
            z.replace(&apex, RecordType::CNAME, 600, vec![]);
        }
    });
    let half = verify(&snap, &rows, lab.auth_port, timeout).await;
    assert_eq!(half[delete_cname].state, RowState::NotSaved);
    let states: Vec<RowState> = half[delete_cname].servers.iter().map(|s| s.state).collect();
    assert!(states.contains(&RowState::Saved) && states.contains(&RowState::NotSaved));

    lab.edit_zone("seed000.test", |z| {
        z.replace(&apex, RecordType::CNAME, 600, vec![])
    });
    // One DNS host server stops answering: the other's word alone is not "saved".
    lab.auth[1].set_behavior(Behavior::Timeout);
    let silent = verify(&snap, &rows, lab.auth_port, timeout).await;
    assert_eq!(
        silent[delete_cname].state,
        RowState::Unknown,
        "a silent DNS-host server leaves the row unverified: {:?}",
        silent[delete_cname].servers
    );
    assert!(silent[delete_cname]
        .servers
        .iter()
        .any(|s| s.server.contains("127.0.0.12") && s.state == RowState::Unknown));
    lab.auth[1].set_behavior(Behavior::Normal);

    let after = verify(&snap, &rows, lab.auth_port, timeout).await;
    assert_eq!(after[delete_cname].state, RowState::Saved);
    // The MX rows were there all along, hidden by the alias: saved too.
    for (i, check) in after
        .iter()
        .enumerate()
        .filter(|(_, c)| c.row.rtype == RType::MX)
    {
        assert_eq!(check.state, RowState::Saved, "row {i}: {:?}", check.row);
    }
}

#[tokio::test]
async fn the_dns_host_is_found_before_the_check_even_behind_an_alias() {
    use mxdoctor_core::check::dns_host;
    use mxdoctor_core::report::Locale;
    let lab = lab().await;
    let domain = parse_domain("seed000.test").unwrap();
    let guide = dns_host(&domain, &options(&lab), Locale::ZhCn)
        .await
        .unwrap();
    assert_eq!(guide.name_servers, ["ns1.seed000.test", "ns2.seed000.test"]);
    assert!(guide.host.is_none(), "a lab host is no catalogued DNS host");
    assert!(guide.steps[0].contains("域名"), "{:?}", guide.steps);
}

/// Issue 11 item 2: every exchange, for the real reason. `exchanges.test` holds, beside
/// Alibaba's mx3, a provider name typed without its final dot (the zone appended), an alias
/// of Alibaba's mx2, an IP address, a backup host that does not exist, and Google's server.
#[tokio::test]
async fn every_exchange_is_named_for_its_real_fault_and_the_repair_is_healthy() {
    use hickory_proto::rr::rdata::MX;
    use hickory_proto::rr::{Name, RData, RecordType};
    use mxdoctor_core::report::{reword, Locale};

    let lab = lab().await;
    let (r, snap) = run(&lab, "exchanges.test", alibaba()).await;
    assert_eq!(r.status, CheckStatus::Problems);
    let find = |code: Code| {
        let found: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.finding.code == code)
            .collect();
        assert_eq!(found.len(), 1, "one {code:?} in {:?}", codes(&r));
        found[0]
    };
    let rows = |code: Code| -> Vec<String> {
        find(code)
            .finding
            .fix
            .iter()
            .map(|row| match &row.new_value {
                Some(new) => format!("{:?} {} -> {new}", row.action, row.value),
                None => format!("{:?} {}", row.action, row.value),
            })
            .collect()
    };
    assert_eq!(
        rows(Code::MxZoneAppended),
        ["Change mx1.qiye.aliyun.com.exchanges.test -> mx1.qiye.aliyun.com"],
        "the panel's appended zone is taken off, not the row deleted"
    );
    let appended = find(Code::MxZoneAppended);
    assert!(
        appended
            .message
            .contains("\u{201c}mx1.qiye.aliyun.com.\u{201d}")
            && appended.message.contains("without a final dot"),
        "{}",
        appended.message
    );
    assert_eq!(
        rows(Code::MxTargetCname),
        ["Change mx.exchanges.test -> mx2.qiye.aliyun.com"],
        "an alias of Alibaba's own server becomes Alibaba's name"
    );
    assert_eq!(rows(Code::MxTargetIpLiteral), ["Delete 192.0.2.25"]);
    assert_eq!(
        rows(Code::MxTargetUnresolvable),
        ["Delete backup.exchanges.test"]
    );
    assert_eq!(
        find(Code::MxTargetUnresolvable).title,
        "The mail server backup.exchanges.test does not exist"
    );
    assert_eq!(
        rows(Code::MxForeign),
        ["Delete aspmx.l.google.com"],
        "only the really foreign row is called foreign"
    );
    assert!(
        !has(&r, Code::MxProviderIncomplete) && !has(&r, Code::LookupFailed),
        "Alibaba's three servers are all there, two written the wrong way: {:?}",
        codes(&r)
    );
    // The intended name's addresses were asked in the same round as the exchanges'.
    assert!(
        snap.recursive("mx1.qiye.aliyun.com", mxdoctor_core::dns::RType::A)
            .is_some(),
        "the name before the appended zone was looked up"
    );
    let zh = reword(r.clone(), Locale::ZhCn);
    let zh_appended = zh
        .findings
        .iter()
        .find(|f| f.finding.code == Code::MxZoneAppended)
        .expect("reworded");
    assert!(
        zh_appended.message.contains("“mx1.qiye.aliyun.com.”"),
        "{}",
        zh_appended.message
    );

    // Carry out the plan at the DNS host, as the user would, and check again.
    let mut mx: Vec<(u16, String)> = snap.authoritative[0]
        .get("exchanges.test", mxdoctor_core::dns::RType::MX)
        .expect("asked")
        .records
        .iter()
        .filter_map(|rec| rec.priority().map(|p| (p, rec.value())))
        .collect();
    for row in r
        .plan
        .steps
        .iter()
        .flat_map(|s| &s.rows)
        .filter(|row| row.rtype == RType::MX)
    {
        let here = |(p, x): &(u16, String)| row.priority == Some(*p) && *x == row.value;
        match (&row.action, &row.new_value) {
            (mxdoctor_core::diagnose::Action::Delete, _) => mx.retain(|e| !here(e)),
            (mxdoctor_core::diagnose::Action::Change, Some(new)) => {
                for e in mx.iter_mut().filter(|e| here(e)) {
                    e.1 = new.clone();
                }
            }
            (action, _) => panic!("no {action:?} row expected: {row:?}"),
        }
    }
    let apex = Name::from_ascii("exchanges.test.").unwrap();
    let data: Vec<RData> = mx
        .iter()
        .map(|(p, x)| RData::MX(MX::new(*p, Name::from_ascii(format!("{x}.")).unwrap())))
        .collect();
    lab.edit_zone("exchanges.test", |z| {
        z.replace(&apex, RecordType::MX, 60, data.clone())
    });
    let (again, _) = run(&lab, "exchanges.test", alibaba()).await;
    assert_eq!(
        again.status,
        CheckStatus::Ok,
        "the repaired rows pass our own checks: {:?}",
        codes(&again)
    );
}

/// Codes other than the DKIM note, which every lab domain gets (no key is published).
fn codes_but_dkim(r: &CheckReport) -> Vec<Code> {
    codes(r)
        .into_iter()
        .filter(|c| *c != Code::DkimNotFound)
        .collect()
}

/// RFC 7489 §6.6.3: a mailbox at `sub.orgdmarc.test` has no `_dmarc` of its own, so receivers
/// apply `orgdmarc.test`'s `p=reject`. Reported as inherited, never as missing, and no
/// `p=none` row that would weaken the policy in force.
#[tokio::test]
async fn dmarc_inherited_from_the_organisational_domain() {
    use mxdoctor_core::dns::RType;
    use mxdoctor_core::observe::{LookupEvent, ProgressSink};
    use std::sync::{Arc, Mutex};

    let lab = lab().await;
    let events: Arc<Mutex<Vec<LookupEvent>>> = Arc::default();
    let sink = events.clone();
    let mut opts = options(&lab);
    opts.progress = Some(ProgressSink(Arc::new(move |e| {
        sink.lock().unwrap().push(e)
    })));
    let d = parse_domain("sub.orgdmarc.test").unwrap();
    let (r, snap) = check(&d, alibaba(), &opts, 0).await.expect("check runs");
    assert_words_filled(&r);

    assert_eq!(
        codes_but_dkim(&r),
        [Code::DmarcInherited],
        "the healthy subdomain is only told where its policy comes from"
    );
    assert_eq!(r.status, CheckStatus::Ok, "{:?}", r.findings);
    let f = &r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::DmarcInherited)
        .unwrap()
        .finding;
    assert_eq!(f.severity, Severity::Info);
    assert_eq!(f.host, "_dmarc.orgdmarc.test");
    assert_eq!(f.params["policy"], "reject");
    assert_eq!(
        f.records[0].value(),
        "v=DMARC1; p=reject; rua=mailto:dmarc@orgdmarc.test"
    );
    assert!(
        r.plan.steps.is_empty(),
        "nothing to change, above all no p=none at _dmarc.sub: {:?}",
        r.plan.steps
    );
    assert!(
        snap.recursive("_dmarc.sub.orgdmarc.test", RType::TXT)
            .is_some_and(|o| o.status == mxdoctor_core::dns::Status::NxDomain),
        "the mail host's own policy name was asked first"
    );

    // No dependent round trip: the organisational domain's `_dmarc` starts with the first
    // round, before any answer has come back. (The test runtime has one thread, so the lab's
    // servers cannot answer until the check's first round has sent every question.)
    let events = events.lock().unwrap();
    let first_end = events
        .iter()
        .position(|e| e.status.is_some())
        .expect("questions end");
    let org_start = events
        .iter()
        .position(|e| e.status.is_none() && e.name == "_dmarc.orgdmarc.test")
        .expect("the organisational domain's policy is asked");
    assert!(
        org_start < first_end,
        "asked in the first round: started at event {org_start}, first answer at {first_end}"
    );
    assert_eq!(
        events
            .iter()
            .filter(|e| e.status.is_none() && e.name == "_dmarc.orgdmarc.test")
            .count(),
        1,
        "asked once"
    );
}

/// Two `v=DMARC1` records at `_dmarc`: receivers apply neither. A warning (mail still arrives),
/// so the check is not `ok`; the fix keeps the strictest and deletes the other; the TXT record
/// that is not DMARC neither counts nor is touched.
#[tokio::test]
async fn two_dmarc_records_at_the_domain_and_above_a_subdomain() {
    let lab = lab().await;
    let (r, _) = run(&lab, "twodmarc.test", alibaba()).await;
    assert_eq!(
        codes_but_dkim(&r),
        [Code::DmarcMultiple],
        "{:?}",
        r.findings
    );
    assert_eq!(
        r.status,
        CheckStatus::Problems,
        "two DMARC records must not pass as fine"
    );
    let f = &r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::DmarcMultiple)
        .unwrap()
        .finding;
    assert_eq!(f.severity, Severity::Warning);
    assert_eq!(f.host, "_dmarc.twodmarc.test");
    assert_eq!(f.params["count"], "2");
    let mut evidence: Vec<String> = f.records.iter().map(|r| r.value()).collect();
    evidence.sort();
    assert_eq!(
        evidence,
        [
            "v=DMARC1; p=none; rua=mailto:dmarc@twodmarc.test",
            "v=DMARC1; p=quarantine"
        ],
        "the two DMARC records are the evidence; the verification record is not"
    );
    let rows: Vec<(String, String, String, String)> = r
        .plan
        .steps
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|row| {
            (
                format!("{:?}", row.action),
                row.host.clone(),
                row.rtype.as_str().to_string(),
                row.value.clone(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [(
            "Delete".to_string(),
            "_dmarc".to_string(),
            "TXT".to_string(),
            "v=DMARC1; p=none; rua=mailto:dmarc@twodmarc.test".to_string()
        )],
        "keep the strictest (quarantine), delete the other; nothing else to change"
    );
    assert!(!has(&r, Code::DmarcMissing));

    // A mailbox below it finds the same two records at the organisational domain.
    let (r, _) = run(&lab, "mail.twodmarc.test", alibaba()).await;
    assert_eq!(
        codes_but_dkim(&r),
        [Code::DmarcMultiple],
        "{:?}",
        r.findings
    );
    assert_eq!(r.status, CheckStatus::Problems);
    let f = &r
        .findings
        .iter()
        .find(|f| f.finding.code == Code::DmarcMultiple)
        .unwrap()
        .finding;
    assert_eq!(f.host, "_dmarc.twodmarc.test");
    assert_eq!(f.params["mail_host"], "mail.twodmarc.test");
    assert_eq!(
        f.fix
            .iter()
            .map(|row| row.host.as_str())
            .collect::<Vec<_>>(),
        ["_dmarc"],
        "the row is at the organisational domain's _dmarc, not at _dmarc.mail"
    );
}

//! The check claims only what it saw. "Does not exist" needs proof from the zone above, asked
//! directly; a resolver that denies names that exist is reported as such, never as a problem
//! of the domain; and a mail host that is an alias (one, a chain, dangling, a wildcard) still
//! has its DNS host's servers found and asked. Real DNS servers on loopback, the parent zone
//! `test.` included.

use std::path::PathBuf;
use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, replay, CheckOptions};
use mxdoctor_core::diagnose::{Code, ProviderChoice, Severity};
use mxdoctor_core::dns::{RType, Status};
use mxdoctor_core::providers;
use mxdoctor_core::report::{document, CheckReport, CheckStatus, Locale};
use mxdoctor_core::Snapshot;
use mxdoctor_dnsworld::{load_dir, Behavior, Lab, Name, Zone};

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

/// The scenario zones and their parent `test.`, on the resolver and on ns1 and ns2.
async fn lab() -> Lab {
    let mut zones: Vec<Zone> = load_dir(&zones_dir())
        .expect("scenario zones load")
        .into_values()
        .collect();
    zones.extend(
        load_dir(&zones_dir().join("parent"))
            .expect("parent zone loads")
            .into_values(),
    );
    Lab::start(zones, Vec::new())
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

async fn run(lab: &Lab, domain: &str) -> (CheckReport, Snapshot) {
    let d = parse_domain(domain).unwrap();
    let (report, snap) = check(&d, alibaba(), &options(lab), 0)
        .await
        .expect("check runs");
    for f in &report.findings {
        assert!(
            !f.title.is_empty() && !f.message.contains('{'),
            "{:?} has unfilled words: {} / {}",
            f.finding.code,
            f.title,
            f.message
        );
    }
    // The proof is in the snapshot: judged again elsewhere, it says the same.
    let again = Snapshot::from_json(&snap.to_json()).expect("snapshot reads back");
    assert_eq!(replay(&d, &again, alibaba()), report, "replay differs");
    (report, snap)
}

fn codes(r: &CheckReport) -> Vec<Code> {
    r.findings.iter().map(|f| f.finding.code).collect()
}

fn finding(r: &CheckReport, code: Code) -> &mxdoctor_core::report::ReportFinding {
    r.findings
        .iter()
        .find(|f| f.finding.code == code)
        .unwrap_or_else(|| panic!("no {code:?} in {:?}", codes(r)))
}

#[tokio::test]
async fn a_resolver_that_denies_everything_is_not_a_missing_domain() {
    let lab = lab().await;
    lab.resolver.set_behavior(Behavior::DenyAll);
    let (r, snap) = run(&lab, "scope.test").await;
    assert_eq!(
        codes(&r),
        [Code::ResolverUnreliable],
        "the domain is fine on its servers: only the resolver is at fault"
    );
    assert_eq!(
        r.status,
        CheckStatus::Error,
        "nothing could be judged: exit 2"
    );
    assert_eq!(r.status.exit_code(), 2);
    let f = finding(&r, Code::ResolverUnreliable);
    assert_eq!(f.title, "Your DNS service is not answering normally");
    for words in [
        "internet",
        "sign-in page",
        "another network",
        "practice mode",
    ] {
        assert!(
            f.message.contains(words),
            "what to do: {words}: {}",
            f.message
        );
    }
    assert!(
        f.message.contains(". NS: nxdomain") && f.message.contains("test NS: nxdomain"),
        "the names denied are named: {}",
        f.message
    );
    // What was asked is kept: the root's and the top-level name's NS, denied.
    for name in [".", "test"] {
        let o = snap
            .recursive(name, RType::NS)
            .unwrap_or_else(|| panic!("{name} NS is in the snapshot"));
        assert_eq!(o.status, Status::NxDomain, "{name}");
    }
    let zh = document(&r, Locale::ZhCn);
    assert!(
        zh.contains("您的 DNS 服务工作不正常") && zh.contains("练习模式"),
        "{zh}"
    );
}

#[tokio::test]
async fn a_domain_that_does_not_exist_is_proven_by_the_parents_servers() {
    let lab = lab().await;
    let (r, snap) = run(&lab, "nothere.test").await;
    assert_eq!(codes(&r), [Code::DomainNotFound], "nothing else is judged");
    assert_eq!(r.status, CheckStatus::Problems);
    let f = finding(&r, Code::DomainNotFound);
    assert_eq!(f.finding.params["zone"], "test");
    assert_eq!(
        f.finding.params["servers"], "ns1.test (127.0.0.11), ns2.test (127.0.0.12)",
        "the servers that confirmed it, asked directly"
    );
    let evidence: Vec<String> = f.finding.records.iter().map(|r| r.summary()).collect();
    assert_eq!(
        evidence,
        ["NS ns1.test", "NS ns2.test"],
        "the parent zone's servers are the evidence"
    );
    assert!(f.message.contains("confirmed"), "{}", f.message);
    for server in &snap.authoritative {
        let mx = server.get("nothere.test", RType::MX).expect("MX asked");
        assert!(
            mx.status == Status::NxDomain && mx.authoritative,
            "{}: an authoritative NXDOMAIN is the proof: {mx:?}",
            server.label()
        );
    }
}

#[tokio::test]
async fn nxdomain_the_parent_cannot_confirm_is_not_called_missing() {
    let lab = lab().await;
    for s in &lab.auth {
        s.set_behavior(Behavior::Timeout);
    }
    let (r, _) = run(&lab, "nothere.test").await;
    assert_eq!(
        codes(&r),
        [Code::LookupFailed],
        "unconfirmed: not DOMAIN_NOT_FOUND, nothing else judged"
    );
    assert_eq!(r.status, CheckStatus::Error);
    let f = finding(&r, Code::LookupFailed);
    assert_eq!(f.finding.params["purpose"], "domain_exists");
    assert_eq!(f.finding.params["status"], "timeout");
    assert_eq!(
        f.title,
        "Could not confirm that nothere.test does not exist"
    );
}

#[tokio::test]
async fn a_resolver_that_denies_an_existing_domain_is_named_not_the_domain() {
    let lab = lab().await;
    // The resolver no longer knows scope.test (as a filter, or a stale "does not exist" in
    // its cache would): it answers NXDOMAIN from the parent zone. ns1 and ns2 still serve it.
    let scope = Name::from_ascii("scope.test.").unwrap();
    lab.resolver
        .edit_zones(|zones| zones.retain(|z| *z.origin() != scope));
    let (r, snap) = run(&lab, "scope.test").await;
    assert_eq!(
        snap.recursive("scope.test", RType::MX).unwrap().status,
        Status::NxDomain,
        "the resolver denies it"
    );
    assert_eq!(
        codes(&r),
        [Code::ResolverUnreliable],
        "never DOMAIN_NOT_FOUND"
    );
    assert_eq!(r.status, CheckStatus::Error);
    let f = finding(&r, Code::ResolverUnreliable);
    assert_eq!(f.finding.params["reason"], "denies_domain");
    assert!(
        f.message.contains("ns1.test (127.0.0.11)"),
        "the servers that answered for it: {}",
        f.message
    );
}

#[tokio::test]
async fn an_older_snapshot_without_the_proof_is_not_called_missing() {
    // What an older version saved behind a resolver that denies everything: NXDOMAIN at the
    // mail host, no zone, no server asked directly, no root or parent question.
    let old = r#"{
      "format": 1, "domain": "example.com", "taken_at": 1700000000,
      "resolvers": ["192.0.2.1:53"], "zone": null,
      "recursive": [
        {"name": "example.com", "rtype": "MX", "status": "nx_domain"},
        {"name": "example.com", "rtype": "NS", "status": "nx_domain"},
        {"name": "example.com", "rtype": "SOA", "status": "nx_domain"},
        {"name": "example.com", "rtype": "TXT", "status": "nx_domain"}
      ],
      "authoritative": []
    }"#;
    let snap = Snapshot::from_json(old).expect("an older snapshot still loads");
    let r = replay(&parse_domain("example.com").unwrap(), &snap, alibaba());
    assert!(
        !codes(&r).contains(&Code::DomainNotFound),
        "no proof, no 'does not exist': {:?}",
        codes(&r)
    );
    let f = finding(&r, Code::LookupFailed);
    assert_eq!(f.finding.params["purpose"], "domain_exists");
    assert_eq!(r.status, CheckStatus::Error);

    // An older snapshot that asked the zone above directly (its negative answer named it)
    // holds the proof.
    let proven = old.replace(r#""zone": null"#, r#""zone": "com""#).replace(
        r#""authoritative": []"#,
        r#""authoritative": [{"host": "a.gtld-servers.net", "address": "192.0.2.30",
            "observations": [{"name": "example.com", "rtype": "MX", "status": "nx_domain",
                              "zone": "com", "authoritative": true}]}]"#,
    );
    let snap = Snapshot::from_json(&proven).unwrap();
    let r = replay(&parse_domain("example.com").unwrap(), &snap, alibaba());
    assert_eq!(codes(&r), [Code::DomainNotFound]);
    assert_eq!(
        r.findings[0].finding.params["servers"],
        "a.gtld-servers.net (192.0.2.30)"
    );
}

/// Each alias shape at the mail host: the DNS host's servers (those of alias.test) are found
/// and asked, the alias is the finding, and nothing reads as missing or failed.
#[tokio::test]
async fn alias_mail_hosts_are_judged_on_their_dns_hosts_servers() {
    let lab = lab().await;
    for (host, label) in [
        ("mail.alias.test", "mail"),
        ("chain.alias.test", "chain"),
        ("dangling.alias.test", "dangling"),
        ("away.alias.test", "away"),
        // The console row is `*.wild`; the fix names the host checked (cname.rs; reported).
        ("mx.wild.alias.test", ""),
    ] {
        let (r, snap) = run(&lab, host).await;
        assert_eq!(snap.zone.as_deref(), Some("alias.test"), "{host}");
        assert_eq!(
            r.authoritative_servers,
            ["ns1.alias.test (127.0.0.11)", "ns2.alias.test (127.0.0.12)"],
            "{host}: the DNS host's servers, found through the zone above"
        );
        let cname = finding(&r, Code::CnameAtMailHost);
        assert_eq!(cname.finding.severity, Severity::Error, "{host}");
        if !label.is_empty() {
            assert_eq!(
                cname.finding.fix[0].host, label,
                "{host}: the console's host"
            );
        }
        for wrong in [
            Code::LookupFailed,
            Code::DomainNotFound,
            Code::MxMissing,
            Code::ResolverUnreliable,
        ] {
            assert!(
                !codes(&r).contains(&wrong),
                "{host}: {wrong:?} in {:?}",
                codes(&r)
            );
        }
        let mx = snap.authoritative[0]
            .get(host, RType::MX)
            .expect("MX asked");
        assert_eq!(
            mx.records[0].type_label(),
            "CNAME",
            "{host}: asked directly, the server gives the alias"
        );
    }
}

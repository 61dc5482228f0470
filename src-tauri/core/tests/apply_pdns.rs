//! One-click repair against a real DNS host on loopback: PowerDNS (Debian's `pdns-server`)
//! through its HTTP API and through RFC 2136 updates signed with TSIG (DESIGN.md "One-click
//! repair through the DNS host's API": "Tested against real servers on loopback").
//!
//! Each test serves one zone from PowerDNS on `ns1`/`ns2` (127.0.0.11/.12, as the zones' glue
//! says), checks it with our own check (a fresh Unbound per check: stubs to PowerDNS for the
//! zone and to the DNS world for the mail providers' zones), previews and applies the check's
//! plan through `apply::hosts::connect`, checks again, and undoes. Without `pdns_server` the
//! tests print "skipped" unless `CI` is set, where they fail: `scripts/setup` installs it.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use mxdoctor_core::apply::hosts::connect;
use mxdoctor_core::apply::keys::Credentials;
use mxdoctor_core::apply::{
    self, plan_rows, ApiError, DnsHostApi, Journal, JournalStatus, RrSet, StepResult,
};
use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{ProviderChoice, Severity};
use mxdoctor_core::dns::RType;
use mxdoctor_core::providers;
use mxdoctor_core::report::CheckReport;
use mxdoctor_dnsworld::{load_dir, pdns_binary, Lab, PowerDns};

/// Seed 001's shape: a stray MX left from an earlier provider, SPF without the provider's
/// include, and one of the provider's MX missing.
fn stray() -> String {
    std::fs::read_to_string(zones_dir().join("../apply-zones/stray.test.zone")).expect("test zone")
}

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

fn zone_file(name: &str) -> String {
    std::fs::read_to_string(zones_dir().join(name)).expect("test zone")
}

/// PowerDNS serving `zone`, and the DNS world for every other zone; `None` (skipped) when
/// PowerDNS is not installed and this is not CI.
async fn world(zone: &str, text: &str) -> Option<(PowerDns, Lab)> {
    if pdns_binary().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdns_server is not installed, and CI must run the one-click repair against it: scripts/setup installs pdns-server pdns-backend-sqlite3 sqlite3"
        );
        eprintln!("skipped: pdns_server not installed");
        return None;
    }
    let pdns = PowerDns::start(zone, text).expect("PowerDNS starts");
    let zones: Vec<_> = load_dir(&zones_dir())
        .expect("test zones")
        .into_values()
        .collect();
    let lab = Lab::start(zones, Vec::new()).await.expect("DNS world");
    Some((pdns, lab))
}

/// Our own check of `domain`, as the Alibaba Mail standard edition's user runs it.
async fn check_now(pdns: &PowerDns, lab: &Lab, domain: &str) -> CheckReport {
    // A fresh resolver each time: nothing cached from before the change.
    let unbound = pdns.resolver(lab).expect("Unbound starts");
    let options = CheckOptions {
        resolvers: vec![unbound.addr()],
        auth_port: pdns.dns_port(),
        timeout: Duration::from_millis(1500),
        progress: None,
    };
    let choice = ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone());
    check(&parse_domain(domain).unwrap(), choice, &options, 0)
        .await
        .unwrap()
        .0
}

fn errors(report: &CheckReport) -> Vec<String> {
    report
        .findings
        .iter()
        .filter(|f| f.finding.severity == Severity::Error)
        .map(|f| format!("{:?} at {}", f.finding.code, f.finding.host))
        .collect()
}

fn powerdns(pdns: &PowerDns) -> Box<dyn DnsHostApi> {
    connect(
        "powerdns",
        Some(&pdns.api_url()),
        Credentials {
            key: pdns.api_key().into(),
            secret: None,
            algorithm: None,
        },
    )
    .unwrap()
}

fn rfc2136(pdns: &PowerDns) -> Box<dyn DnsHostApi> {
    connect(
        "rfc2136",
        Some(&pdns.dns_addr().to_string()),
        Credentials {
            key: pdns.tsig_name().into(),
            secret: Some(pdns.tsig_secret().into()),
            algorithm: None,
        },
    )
    .unwrap()
}

fn no_save() -> impl FnMut(&Journal) -> Result<(), String> + Send {
    |_| Ok(())
}

/// The listing without the SOA's serial: RFC 2136 updates raise it (PowerDNS's default
/// SOA-EDIT-DNSUPDATE), and undo does not put it back (a serial only goes up, RFC 1982).
fn without_serial(listing: &[String]) -> Vec<String> {
    listing
        .iter()
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            if parts.get(2) == Some(&"SOA") && parts.len() >= 6 {
                let mut p = parts.clone();
                p[5] = "SERIAL";
                p.join(" ")
            } else {
                line.clone()
            }
        })
        .collect()
}

/// Check, preview, apply, check, undo through `api`; returns the journal after the undo.
async fn repair_and_undo(
    pdns: &PowerDns,
    lab: &Lab,
    api: &dyn DnsHostApi,
    domain: &str,
    dns_host: &str,
) -> Journal {
    let before = check_now(pdns, lab, domain).await;
    let rows = plan_rows(&before.plan);
    assert!(
        !errors(&before).is_empty() && !rows.is_empty(),
        "{domain} starts broken, with a plan"
    );
    let preview = apply::preview(api, domain, pdns.zone(), dns_host, &rows)
        .await
        .unwrap_or_else(|e| panic!("{dns_host}: the preview of {domain} failed: {e}"));
    let mut journal = apply::apply(api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Applied,
        "{dns_host}: {domain}: {}\n{}",
        journal.message,
        pdns.log()
    );
    let after = check_now(pdns, lab, domain).await;
    assert!(
        errors(&after).is_empty(),
        "{dns_host}: after the apply our own check still finds errors at {domain}: {:?}\nzone: {:#?}",
        errors(&after),
        pdns.listing().unwrap()
    );
    apply::undo(api, &mut journal, &mut no_save()).await;
    journal
}

#[tokio::test]
async fn powerdns_api_repairs_seeds_001_and_004_and_undo_restores_the_zone_exactly() {
    for (zone, text) in [
        ("stray.test", stray()),
        ("aliasmx.test", zone_file("aliasmx.test.zone")),
    ] {
        let Some((pdns, lab)) = world(zone, &text).await else {
            return;
        };
        let original = pdns.listing().unwrap();
        let api = powerdns(&pdns);
        let journal = repair_and_undo(&pdns, &lab, api.as_ref(), zone, "powerdns").await;
        let undo = journal.undo.expect("an undo record");
        assert_eq!(undo.status, JournalStatus::Applied, "{}", undo.message);
        assert_eq!(
            pdns.listing().unwrap(),
            original,
            "{zone}: after undo the zone is byte for byte as before, TTLs included"
        );
    }
}

#[tokio::test]
async fn rfc2136_with_tsig_repairs_seeds_001_and_004_and_undo_restores_the_zone() {
    for (zone, text) in [
        ("stray.test", stray()),
        ("aliasmx.test", zone_file("aliasmx.test.zone")),
    ] {
        let Some((pdns, lab)) = world(zone, &text).await else {
            return;
        };
        let original = pdns.listing().unwrap();
        let api = rfc2136(&pdns);
        let journal = repair_and_undo(&pdns, &lab, api.as_ref(), zone, "rfc2136").await;
        let undo = journal.undo.expect("an undo record");
        assert_eq!(undo.status, JournalStatus::Applied, "{}", undo.message);
        let now = pdns.listing().unwrap();
        assert_eq!(
            without_serial(&now),
            without_serial(&original),
            "{zone}: after undo every record is as before (TTLs included); only the SOA serial moved on"
        );
        assert_ne!(now, original, "RFC 2136 updates raise the SOA serial");
    }
}

/// Seed 000: the alias at the apex beside the MX. The apply removes it; undo cannot put an
/// alias back beside the SOA and NS (the host refuses), and says so; the rest is put back.
#[tokio::test]
async fn seed_000_alias_at_the_apex_is_removed_and_undo_reports_the_host_refusing_it() {
    for adapter in ["powerdns", "rfc2136"] {
        let Some((pdns, lab)) = world("seed000.test", &zone_file("seed000.test.zone")).await else {
            return;
        };
        let original = pdns.listing().unwrap();
        let api = if adapter == "powerdns" {
            powerdns(&pdns)
        } else {
            rfc2136(&pdns)
        };
        let journal = repair_and_undo(&pdns, &lab, api.as_ref(), "seed000.test", adapter).await;
        let undo = journal.undo.expect("an undo record");
        let cname_step = journal
            .steps
            .iter()
            .find(|s| s.after.rtype == RType::Cname)
            .expect("the plan removes the alias");
        let cname_undo = undo
            .steps
            .iter()
            .find(|u| u.seq == cname_step.seq)
            .expect("undo tried the alias");
        assert_eq!(
            cname_undo.result,
            StepResult::Failed,
            "{adapter}: an alias beside the SOA and NS cannot be recreated; undo says so ({})",
            undo.message
        );
        let reason = cname_undo.error.clone().unwrap_or_default();
        assert!(!reason.is_empty(), "{adapter}: the host's reason is kept");
        let expected: Vec<String> = original
            .iter()
            .filter(|l| !l.contains(" CNAME "))
            .cloned()
            .collect();
        assert_eq!(
            without_serial(&pdns.listing().unwrap()),
            without_serial(&expected),
            "{adapter}: everything but the alias is back ({reason})"
        );
    }
}

#[tokio::test]
async fn an_apply_is_refused_when_the_zone_changed_after_the_preview_and_nothing_is_written() {
    let Some((pdns, lab)) = world("stray.test", &stray()).await else {
        return;
    };
    let report = check_now(&pdns, &lab, "stray.test").await;
    for api in [powerdns(&pdns), rfc2136(&pdns)] {
        let preview = apply::preview(
            api.as_ref(),
            "stray.test",
            "stray.test",
            api.id(),
            &plan_rows(&report.plan),
        )
        .await
        .unwrap();
        // Someone at the console adds an MX between the preview and the apply.
        pdns.replace(
            "@",
            "MX",
            300,
            &[
                "5 mx1.qiye.aliyun.com.",
                "10 mx2.qiye.aliyun.com.",
                "1 aspmx.l.google.com.",
                "20 backup.example.net.",
            ],
        )
        .unwrap();
        let changed = pdns.listing().unwrap();
        let journal = apply::apply(api.as_ref(), &preview, &mut no_save()).await;
        assert_eq!(
            journal.status,
            JournalStatus::Refused,
            "{}: {}",
            api.id(),
            journal.message
        );
        assert!(
            journal.message.contains("backup.example.net"),
            "{}",
            journal.message
        );
        assert_eq!(
            pdns.listing().unwrap(),
            changed,
            "{}: a refused apply writes nothing",
            api.id()
        );
        // Back as it was for the next adapter.
        pdns.replace(
            "@",
            "MX",
            300,
            &[
                "5 mx1.qiye.aliyun.com.",
                "10 mx2.qiye.aliyun.com.",
                "1 aspmx.l.google.com.",
            ],
        )
        .unwrap();
    }
}

/// Delegates to the real adapter, and kills the server just before write number `after + 1`.
struct DiesAfter {
    inner: Box<dyn DnsHostApi>,
    pdns: Arc<Mutex<PowerDns>>,
    after: u32,
    writes: AtomicU32,
}

impl DnsHostApi for DiesAfter {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn endpoint(&self) -> Option<String> {
        self.inner.endpoint()
    }
    fn read<'a>(
        &'a self,
        zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>> {
        self.inner.read(zone, name, rtype)
    }
    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            // Dies once `after` writes were made (and read back by the apply): the next write
            // finds no server.
            if self.writes.fetch_add(1, Ordering::SeqCst) == self.after {
                self.pdns.lock().unwrap().stop();
            }
            self.inner.write(zone, set).await
        })
    }
}

#[tokio::test]
async fn a_server_that_dies_half_way_leaves_a_partial_apply_that_undo_reverses() {
    for adapter in ["powerdns", "rfc2136"] {
        let Some((pdns, lab)) = world("stray.test", &stray()).await else {
            return;
        };
        let original = pdns.listing().unwrap();
        let report = check_now(&pdns, &lab, "stray.test").await;
        let inner = if adapter == "powerdns" {
            powerdns(&pdns)
        } else {
            rfc2136(&pdns)
        };
        let pdns = Arc::new(Mutex::new(pdns));
        let api = DiesAfter {
            inner,
            pdns: pdns.clone(),
            after: 1,
            writes: AtomicU32::new(0),
        };
        let preview = apply::preview(
            &api,
            "stray.test",
            "stray.test",
            adapter,
            &plan_rows(&report.plan),
        )
        .await
        .unwrap();
        assert!(preview.ops.len() >= 2, "the plan writes MX and SPF");
        let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
        assert_eq!(
            journal.status,
            JournalStatus::Partial,
            "{adapter}: {}",
            journal.message
        );
        assert_eq!(journal.steps[0].result, StepResult::Done);
        assert_ne!(journal.steps[1].result, StepResult::Done);
        pdns.lock().unwrap().restart().expect("PowerDNS restarts");
        apply::undo(&api, &mut journal, &mut no_save()).await;
        let undo = journal.undo.as_ref().expect("an undo record");
        assert_eq!(
            undo.status,
            JournalStatus::Applied,
            "{adapter}: {}",
            undo.message
        );
        let pdns = pdns.lock().unwrap();
        assert_eq!(
            without_serial(&pdns.listing().unwrap()),
            without_serial(&original),
            "{adapter}: after undo the zone is as before the half-done apply"
        );
    }
}

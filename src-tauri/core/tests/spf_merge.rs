//! Issue 11, "Proposed records pass our own rules", against real DNS servers on loopback: a
//! domain with two SPF records, one holding a misspelt term, a line break and a control
//! character, is checked; the merged record the check proposes is saved in place of both, as
//! the plan says; the check then finds nothing wrong with SPF.

use std::path::PathBuf;
use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{Action, Code, ProviderChoice};
use mxdoctor_core::dns::RType;
use mxdoctor_core::providers;
use mxdoctor_core::report::{CheckReport, CheckStatus};
use mxdoctor_dnsworld::{load_dir, Lab, Name, RData, RecordType, Zone};

const DOMAIN: &str = "spfmerge.test";

const ZONE: &str = "$ORIGIN spfmerge.test.
$TTL 60
@ IN SOA ns1.spfmerge.test. hostmaster.spfmerge.test. 1 3600 600 86400 30
@ IN NS ns1
@ IN NS ns2
ns1 IN A 127.0.0.11
ns2 IN A 127.0.0.12
@ IN MX 5 mx1.qiye.aliyun.com.
@ IN MX 10 mx2.qiye.aliyun.com.
@ IN MX 15 mx3.qiye.aliyun.com.
_dmarc IN TXT \"v=DMARC1; p=none\"
";

/// What the panel saved: the provider's record, and an older one typed by hand with a
/// misspelling, a line break pasted in, an escape character, and an include of a name that
/// does not exist (the older record does not parse, so only a term-by-term reading finds it).
const PUBLISHED: [&str; 2] = [
    "v=spf1 include:spf.qiye.aliyun.com -all",
    "v=spf1 inclde:spf.example.net include:_spf.google.com ip4:192.0.2.9 \
     include:mail.example.net\ninclude:x.example.net ip4:192.0.2.1\u{1b}[2J \
     include:gone.spfmerge.test ~all",
];

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

async fn lab() -> Lab {
    let mut zones: Vec<Zone> = load_dir(&zones_dir())
        .expect("scenario zones load")
        .into_values()
        .collect();
    zones.push(Zone::parse(ZONE, None).expect("the test zone parses"));
    let ns2 = load_dir(&zones_dir().join("ns2"))
        .expect("ns2 zones load")
        .into_values()
        .collect();
    Lab::start(zones, ns2)
        .await
        .expect("loopback servers start")
}

/// Saves `texts` as the TXT records at the apex, on the DNS host's servers and the resolver.
fn publish_txt(lab: &Lab, texts: &[&str]) {
    let apex = Name::from_ascii(format!("{DOMAIN}.")).unwrap();
    let data: Vec<RData> = texts
        .iter()
        .map(|t| RData::TXT(hickory_proto::rr::rdata::TXT::new(vec![t.to_string()])))
        .collect();
    for server in lab.auth.iter().chain([&lab.resolver]) {
        server.edit_zones(|zones| {
            for z in zones.iter_mut().filter(|z| z.origin() == &apex) {
                z.replace(&apex, RecordType::TXT, 60, data.clone());
            }
        });
    }
}

async fn run(lab: &Lab) -> CheckReport {
    let options = CheckOptions {
        resolvers: vec![lab.resolver.addr()],
        auth_port: lab.auth_port,
        timeout: Duration::from_millis(700),
        progress: None,
    };
    let choice = ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone());
    let (report, _) = check(&parse_domain(DOMAIN).unwrap(), choice, &options, 0)
        .await
        .expect("check runs");
    report
}

fn spf_codes(report: &CheckReport) -> Vec<Code> {
    report
        .findings
        .iter()
        .map(|f| f.finding.code)
        .filter(|c| c.is_spf())
        .collect()
}

#[tokio::test]
async fn the_merged_spf_record_saved_as_planned_passes_the_check() {
    let lab = lab().await;
    publish_txt(&lab, &PUBLISHED);

    let before = run(&lab).await;
    assert_eq!(before.status, CheckStatus::Problems);
    assert_eq!(
        spf_codes(&before),
        [Code::SpfMultiple],
        "two SPF records, one finding"
    );
    let multiple = &before.findings[0];
    let added: Vec<&str> = multiple
        .finding
        .fix
        .iter()
        .filter(|r| r.action == Action::Add)
        .map(|r| r.value.as_str())
        .collect();
    assert_eq!(
        added,
        ["v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com ip4:192.0.2.9 -all"],
        "the misspelt term, the glued pair, the term with an escape and the include of a name \
         without SPF are left out; the first record's ending is kept"
    );
    assert_eq!(
        multiple.finding.params["dropped"],
        r"inclde:spf.example.net include:mail.example.net\ninclude:x.example.net ip4:192.0.2.1\u{1b}[2J include:gone.spfmerge.test ~all"
    );
    assert!(
        multiple
            .message
            .contains("Left out \"inclde:spf.example.net\": SPF does not know this word"),
        "the reader is told what was left out and why: {}",
        multiple.message
    );
    for f in &before.findings {
        for text in [&f.title, &f.message] {
            assert!(
                !text.chars().any(char::is_control),
                "no raw control character reaches the reader: {text:?}"
            );
        }
    }
    let target: Vec<&str> = before
        .plan
        .target
        .iter()
        .filter(|r| r.rtype == RType::TXT)
        .map(|r| r.value.as_str())
        .collect();
    assert_eq!(target, added, "the rows to end with hold the same record");

    // Done as the plan says: both records deleted, the merged one added.
    publish_txt(&lab, &added);
    let after = run(&lab).await;
    assert_eq!(
        spf_codes(&after),
        [],
        "the record we proposed passes our own check: {:?}",
        after.findings.iter().map(|f| &f.title).collect::<Vec<_>>()
    );
    assert_eq!(after.status, CheckStatus::Ok);
}

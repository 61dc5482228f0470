//! Issue 13 break test: the bound on DNS host servers asked (`MAX_NS_HOSTS` = 16 NS names,
//! `MAX_ADDRESSES_PER_NS` = 4 addresses each) drops the rest without a trace.

use std::path::PathBuf;
use std::time::Duration;

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::{Code, ProviderChoice};
use mxdoctor_core::providers;
use mxdoctor_dnsworld::{load_dir, Lab, Zone};

/// `wide.test`: 16 NS names on ns1 (127.0.0.11, the new copy, serial 2) and a 17th, `zz-old`,
/// on ns2 (127.0.0.12), which still serves an older copy (serial 1) with the old provider's MX.
fn wide(serial: u32, mx: &str) -> Zone {
    let mut text = format!(
        "$ORIGIN wide.test.\n$TTL 60\n@ IN SOA a01.wide.test. hostmaster.wide.test. {serial} 3600 600 86400 30\n"
    );
    for i in 1..=16 {
        text.push_str(&format!("@ IN NS a{i:02}\na{i:02} IN A 127.0.0.11\n"));
    }
    text.push_str("@ IN NS zz-old\nzz-old IN A 127.0.0.12\n");
    text.push_str(&format!("@ IN MX 10 {mx}\n"));
    Zone::parse(&text, None).unwrap()
}

/// User-visible harm: a zone with more than 16 NS names (or an NS name with more than four
/// addresses, as anycast hosts publish) has the rest silently left out of the check: they are
/// not asked, not in the snapshot, not listed as "not asked" (`address: None`, the way the
/// core marks a server it could not ask so that nothing is called saved on its behalf). A DNS
/// host server still serving the old records is then never seen: no NS_INCONSISTENT, and the
/// repair step and the wait call the change saved "at every server" when one still gives the
/// old MX. Before the bound every NS name was asked.
#[tokio::test]
async fn servers_beyond_the_bound_are_listed_as_not_asked_not_dropped() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones");
    let mut zones: Vec<Zone> = load_dir(&dir).unwrap().into_values().collect();
    zones.push(wide(2, "mx1.qiye.aliyun.com."));
    let lab = Lab::start(zones, vec![wide(1, "mx.old-provider.test.")])
        .await
        .unwrap();
    let options = CheckOptions {
        resolvers: vec![lab.resolver.addr()],
        auth_port: lab.auth_port,
        timeout: Duration::from_millis(700),
        progress: None,
    };
    let choice = ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone());
    let (report, snap) = check(&parse_domain("wide.test").unwrap(), choice, &options, 0)
        .await
        .unwrap();
    assert!(
        report
            .findings
            .iter()
            .any(|f| f.finding.code == Code::NsInconsistent),
        "the server with the old copy went unseen; the report says {:?}: {:?}",
        report.status,
        report
            .findings
            .iter()
            .map(|f| f.finding.code)
            .collect::<Vec<_>>()
    );

    let hosts: Vec<&str> = snap.authoritative.iter().map(|s| s.host.as_str()).collect();
    assert!(
        hosts.contains(&"zz-old.wide.test"),
        "the 17th NS name is not in the snapshot at all (not even as not asked): {hosts:?}"
    );
}

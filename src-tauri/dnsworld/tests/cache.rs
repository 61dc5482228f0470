//! The practice world's caching resolver behaves like a real one: it keeps answers for their
//! TTL (counting down), keeps NXDOMAIN for the SOA's negative TTL, and only then sees an edit.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::udp::UdpClientStream;
use hickory_net::xfer::{DnsHandle, FirstAnswer};
use hickory_proto::op::{DnsRequest, DnsRequestOptions, Message, Query, ResponseCode};
use hickory_proto::rr::rdata::MX;
use mxdoctor_dnsworld::{CachingResolver, Lab, Name, RData, RecordType, Zone};

async fn ask(server: SocketAddr, name: &str, rtype: RecordType) -> Message {
    let mut options = DnsRequestOptions::default();
    options.recursion_desired = true;
    let request = DnsRequest::from_query(
        Query::query(Name::from_ascii(name).unwrap(), rtype),
        options,
    );
    let udp = UdpClientStream::builder(server, TokioRuntimeProvider::default())
        .with_timeout(Some(Duration::from_secs(2)))
        .exchange();
    udp.send(request)
        .first_answer()
        .await
        .expect("an answer")
        .into_message()
}

const ZONE: &str = "$ORIGIN cached.test.
$TTL 3
@ IN SOA ns1 hostmaster 1 3600 600 86400 2
@ IN NS ns1
ns1 IN A 127.0.0.11
@ IN MX 10 old.example.net.
";

#[tokio::test]
async fn answers_are_kept_for_their_ttl_counting_down_and_absence_for_the_negative_ttl() {
    let zone = Zone::parse(ZONE, None).unwrap();
    let lab = Lab::start(vec![zone], Vec::new()).await.unwrap();
    let cache = CachingResolver::start(IpAddr::V4(Ipv4Addr::LOCALHOST), 0, lab.auth_addrs())
        .await
        .unwrap();
    let apex = Name::from_ascii("cached.test.").unwrap();
    let www = Name::from_ascii("www.cached.test.").unwrap();

    let first = ask(cache.addr(), "cached.test.", RecordType::MX).await;
    assert_eq!(first.answers[0].ttl, 3);
    let missing = ask(cache.addr(), "www.cached.test.", RecordType::A).await;
    assert_eq!(missing.metadata.response_code, ResponseCode::NXDomain);

    // The DNS host changes both; the cache keeps what it has.
    lab.edit_zone("cached.test", |z| {
        let new = Name::from_ascii("new.example.net.").unwrap();
        z.replace(&apex, RecordType::MX, 3, vec![RData::MX(MX::new(10, new))]);
        z.replace(
            &www,
            RecordType::A,
            3,
            vec![RData::A("192.0.2.80".parse().unwrap())],
        );
    });
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let held = ask(cache.addr(), "cached.test.", RecordType::MX).await;
    assert_eq!(held.answers[0].data.to_string(), "10 old.example.net.");
    assert!(
        held.answers[0].ttl < 3,
        "the TTL counts down: {}",
        held.answers[0].ttl
    );
    let still_missing = ask(cache.addr(), "www.cached.test.", RecordType::A).await;
    assert_eq!(still_missing.metadata.response_code, ResponseCode::NXDomain);

    // After the negative TTL (2 s) the name appears; after the TTL (3 s) the new MX does.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let found = ask(cache.addr(), "www.cached.test.", RecordType::A).await;
    assert_eq!(found.metadata.response_code, ResponseCode::NoError);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let fresh = ask(cache.addr(), "cached.test.", RecordType::MX).await;
    assert_eq!(fresh.answers[0].data.to_string(), "10 new.example.net.");
    assert!(cache.queries() >= 6);
}

#[tokio::test]
async fn a_cache_restarted_with_what_it_kept_still_holds_the_old_answer_until_it_expires() {
    let zone = Zone::parse(&ZONE.replace("$TTL 3", "$TTL 4"), None).unwrap();
    let lab = Lab::start(vec![zone], Vec::new()).await.unwrap();
    let ip = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1));
    let cache = CachingResolver::start(ip, 0, lab.auth_addrs())
        .await
        .unwrap();
    let addr = cache.addr();
    let first = ask(addr, "cached.test.", RecordType::MX).await;
    assert_eq!(first.answers[0].ttl, 4);
    let missing = ask(addr, "www.cached.test.", RecordType::A).await;
    assert_eq!(missing.metadata.response_code, ResponseCode::NXDomain);
    let kept = cache.kept();
    assert_eq!(kept.len(), 2, "the answer and the NXDOMAIN");
    drop(cache);

    // The DNS host changes the MX while the cache is down; a second later it starts again
    // with what it kept, on the same address.
    let apex = Name::from_ascii("cached.test.").unwrap();
    lab.edit_zone("cached.test", |z| {
        let new = Name::from_ascii("new.example.net.").unwrap();
        z.replace(&apex, RecordType::MX, 4, vec![RData::MX(MX::new(10, new))]);
    });
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let again = CachingResolver::start(ip, addr.port(), lab.auth_addrs())
        .await
        .unwrap();
    again.restore(&kept);
    let held = ask(addr, "cached.test.", RecordType::MX).await;
    assert_eq!(held.answers[0].data.to_string(), "10 old.example.net.");
    assert!(
        held.answers[0].ttl <= 3,
        "the TTL went on counting while it was down: {}",
        held.answers[0].ttl
    );
    let still_missing = ask(addr, "www.cached.test.", RecordType::A).await;
    assert_eq!(still_missing.metadata.response_code, ResponseCode::NXDomain);

    // After the TTL the copies are gone (and not handed on again), and the new MX shows.
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(again.kept(), []);
    let fresh = ask(addr, "cached.test.", RecordType::MX).await;
    assert_eq!(fresh.answers[0].data.to_string(), "10 new.example.net.");
}

/// The lab example answers `--help` and ends, instead of starting the lab and never returning.
#[test]
fn the_lab_answers_help_and_ends() {
    // Examples are built beside the test binaries: target/<profile>/examples/lab.
    let me = std::env::current_exe().expect("the test binary's path");
    let lab = me
        .parent()
        .and_then(|deps| deps.parent())
        .map(|profile| profile.join("examples").join("lab"))
        .expect("target/<profile>/examples");
    assert!(
        lab.exists(),
        "cargo test builds the examples: {}",
        lab.display()
    );
    let mut child = std::process::Command::new(&lab)
        .arg("--help")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the lab runs");
    // Before: `--help` started the lab, which then served until killed.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while child.try_wait().expect("the lab's status").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("lab --help did not end within 20 s: it started the lab instead");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let out = child.wait_with_output().expect("the lab's output");
    assert!(out.status.success(), "--help ends with 0: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--zones") && text.contains("--unbound"),
        "{text}"
    );
}

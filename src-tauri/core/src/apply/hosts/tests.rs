//! `connect`'s refusals in words, and the key kept out of `Debug` and errors.

use super::*;

const KEY: &str = "KEY-SENTINEL-7f3a";
const SECRET: &str = "c2VjcmV0LVNFTlRJTkVMLTlkMmI="; // base64 of "secret-SENTINEL-9d2b"

fn creds(secret: Option<&str>, algorithm: Option<&str>) -> Credentials {
    Credentials {
        key: KEY.into(),
        secret: secret.map(str::to_string),
        algorithm: algorithm.map(str::to_string),
    }
}

fn refusal(host: &str, endpoint: Option<&str>, c: Credentials) -> ConnectError {
    match connect(host, endpoint, c) {
        Ok(api) => panic!("{host} {endpoint:?} should be refused, got {api:?}"),
        Err(e) => e,
    }
}

#[test]
fn bad_inputs_are_refused_in_words() {
    let cases: Vec<(&str, Option<&str>, Credentials, &str)> = vec![
        (
            "namecheap",
            None,
            creds(Some(SECRET), None),
            "cannot change records at \"namecheap\"",
        ),
        (
            "powerdns",
            None,
            creds(None, None),
            "needs the address of PowerDNS's API",
        ),
        (
            "powerdns",
            Some("127.0.0.1:8081"),
            creds(None, None),
            "is not PowerDNS's API",
        ),
        (
            "powerdns",
            Some("http://user@127.0.0.1:8081"),
            creds(None, None),
            "is not PowerDNS's API",
        ),
        (
            "rfc2136",
            None,
            creds(Some(SECRET), None),
            "needs the address of the primary",
        ),
        (
            "rfc2136",
            Some("ns1.example.com"),
            creds(Some(SECRET), None),
            "is not the primary server's address",
        ),
        (
            "rfc2136",
            Some("127.0.0.1:53"),
            creds(None, None),
            "needs a secret",
        ),
        (
            "rfc2136",
            Some("127.0.0.1:53"),
            creds(Some("not base64!"), None),
            "not base64",
        ),
        (
            "rfc2136",
            Some("127.0.0.1:53"),
            creds(Some(SECRET), Some("hmac-md5")),
            "\"hmac-md5\" is not a TSIG algorithm",
        ),
        (
            "alibaba-cloud-dns",
            None,
            creds(None, None),
            "needs a secret",
        ),
        ("dnspod", None, creds(Some("  "), None), "needs a secret"),
        ("godaddy", None, creds(None, None), "needs a secret"),
        ("route53", None, creds(None, None), "needs a secret"),
    ];
    for (host, endpoint, c, words) in cases {
        let e = refusal(host, endpoint, c).to_string();
        assert!(
            e.contains(words),
            "{host} {endpoint:?}: \"{e}\" should say \"{words}\""
        );
        assert!(
            !e.contains("SENTINEL") && !e.contains(SECRET),
            "a key in an error: {e}"
        );
    }
    let e = refusal("namecheap", None, creds(None, None)).to_string();
    for id in [
        "alibaba-cloud-dns",
        "dnspod",
        "cloudflare",
        "route53",
        "godaddy",
        "powerdns",
        "rfc2136",
    ] {
        assert!(
            e.contains(id),
            "the refusal lists the hosts MX Doctor supports: {e}"
        );
    }
    assert_eq!(
        refusal(
            "cloudflare",
            None,
            Credentials {
                key: " ".into(),
                secret: None,
                algorithm: None
            }
        ),
        ConnectError::MissingKey
    );
}

#[test]
fn every_supported_host_connects_and_never_shows_its_key() {
    let cases = [
        ("alibaba-cloud-dns", None, "alidns"),
        ("dnspod", None, "tencentcloud"),
        ("cloudflare", None, "cloudflare"),
        ("route53", None, "route53"),
        ("godaddy", None, "godaddy"),
        ("powerdns", Some("http://127.0.0.1:8081/"), "powerdns"),
        ("rfc2136", Some("127.0.0.1:5300"), "rfc2136"),
        ("rfc2136", Some("127.0.0.1"), "rfc2136"),
    ];
    for (host, endpoint, adapter) in cases {
        let api = connect(host, endpoint, creds(Some(SECRET), Some("HMAC-SHA512.")))
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(api.id(), adapter);
        assert_eq!(adapter_for(host), Some(adapter));
        let debug = format!("{api:?}");
        assert!(
            !debug.contains("SENTINEL") && !debug.contains(SECRET),
            "the Debug of {host}'s adapter shows its key: {debug}"
        );
        assert!(
            !api.endpoint().unwrap_or_default().contains("SENTINEL"),
            "the journal's endpoint holds no key"
        );
    }
    assert_eq!(
        connect("rfc2136", Some("127.0.0.1"), creds(Some(SECRET), None))
            .unwrap()
            .endpoint()
            .as_deref(),
        Some("127.0.0.1:53"),
        "an RFC 2136 primary without a port is asked on 53"
    );
}

#[test]
fn the_questions_to_ask_follow_the_host() {
    assert!(needs_endpoint("powerdns") && needs_endpoint("rfc2136"));
    assert!(!needs_endpoint("cloudflare"));
    assert!(needs_secret("alibaba-cloud-dns") && needs_secret("dnspod") && needs_secret("rfc2136"));
    assert!(!needs_secret("cloudflare") && !needs_secret("powerdns"));
    assert_eq!(adapter_for("namecheap"), None);
    for id in supported_ids().filter(|id| !["powerdns", "rfc2136"].contains(id)) {
        assert!(
            crate::providers::dns_host_ids().any(|c| c == id),
            "{id} is a DNS-host catalog id"
        );
    }
}

#[test]
fn values_mx_doctor_cannot_write_are_unsupported_in_words() {
    let mut set = RrSet::empty("example.com", RType::SOA);
    set.values
        .push(RrValue::new(None, "ns1 hostmaster 1 2 3 4 5"));
    assert!(matches!(records(&set), Err(ApiError::Unsupported(_))));
    let mut set = RrSet::empty("example.com", RType::A);
    set.values.push(RrValue::new(None, "mail.example.com"));
    let e = records(&set).unwrap_err().to_string();
    assert!(e.contains("is not an IPv4 address"), "{e}");
    let mut set = RrSet::empty("example.com", RType::MX);
    set.values.push(RrValue::new(Some(10), "MX.Example.com."));
    assert_eq!(
        records(&set).unwrap(),
        vec![DnsRecord::MX(MXRecord {
            exchange: "mx.example.com".into(),
            priority: 10
        })]
    );
}

#[test]
fn connect_supports_exactly_the_hosts_the_window_offers() {
    assert_eq!(
        supported_ids().collect::<Vec<_>>(),
        crate::apply::ADAPTER_HOSTS.to_vec(),
        "apply::ADAPTER_HOSTS (what the window offers) and connect()'s table must name the same hosts"
    );
}

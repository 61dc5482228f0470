//! Issue 13: one way for a snapshot file to become a snapshot (the window's "Open a snapshot
//! file" and `check --from-snapshot` both go through `Snapshot::open`). A file a stranger wrote
//! is judged as its honest twin is, or refused with a reason; it never panics, and never reads
//! healthy because its names are in capitals or its servers repeated.

mod common;

use mxdoctor_core::check::{parse_domain, replay};
use mxdoctor_core::report::CheckReport;
use mxdoctor_core::snapshot::{
    Snapshot, SnapshotError, MAX_AUTH_SERVERS, MAX_OBSERVATIONS, MAX_RECORDS, MAX_RESOLVERS,
    MAX_SNAPSHOT_BYTES,
};
use mxdoctor_dnsworld::practice::Practice;
use proptest::prelude::*;
use serde_json::Value;

async fn practice_snapshot(id: &str) -> (Practice, Snapshot) {
    let practice = Practice::start(id, 0, None).await.unwrap();
    let snap = common::checked(&practice).await;
    (practice, snap)
}

fn codes(report: &CheckReport) -> Vec<String> {
    let mut c: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{:?}", f.finding.code))
        .collect();
    c.sort();
    c
}

fn judge(practice: &Practice, text: &str) -> Result<CheckReport, SnapshotError> {
    let (domain, snap) = Snapshot::open(text, None)?;
    Ok(replay(&domain, &snap, common::choice(practice)))
}

/// Every string in `v` that is a DNS name of the domain, in capitals with a final dot.
fn shout(v: &mut Value, domain: &str) {
    match v {
        Value::String(s) if s.to_ascii_lowercase().contains(domain) && !s.contains(' ') => {
            *s = format!("{}.", s.to_ascii_uppercase());
        }
        Value::Array(a) => a.iter_mut().for_each(|x| shout(x, domain)),
        Value::Object(o) => o.values_mut().for_each(|x| shout(x, domain)),
        _ => {}
    }
}

#[tokio::test]
async fn a_snapshot_in_capitals_is_judged_as_the_same_snapshot_in_lower_case() {
    for id in ["seed000", "seed001", "seed004"] {
        let (practice, snap) = practice_snapshot(id).await;
        let honest = judge(&practice, &snap.to_json()).unwrap();
        assert!(!honest.findings.is_empty(), "{id} has problems to find");
        let mut v: Value = serde_json::from_str(&snap.to_json()).unwrap();
        shout(&mut v, practice.scenario.domain);
        let loud = v.to_string();
        assert!(loud.contains(&practice.scenario.domain.to_ascii_uppercase()));
        let report = judge(&practice, &loud).unwrap();
        assert_eq!(codes(&report), codes(&honest), "{id}");
        assert_eq!(report.status, honest.status, "{id}");
        // The domain the user typed matches whatever its case.
        let typed = parse_domain(&practice.scenario.domain.to_ascii_uppercase()).unwrap();
        assert!(Snapshot::open(&loud, Some(&typed)).is_ok());
    }
}

#[tokio::test]
async fn repeated_servers_answers_and_records_are_kept_once() {
    let (practice, snap) = practice_snapshot("seed001").await;
    let honest = judge(&practice, &snap.to_json()).unwrap();
    let mut doubled = snap.clone();
    doubled.resolvers = [snap.resolvers.clone(), snap.resolvers.clone()].concat();
    doubled.authoritative = [snap.authoritative.clone(), snap.authoritative.clone()].concat();
    for s in &mut doubled.authoritative {
        s.observations = [s.observations.clone(), s.observations.clone()].concat();
        for o in &mut s.observations {
            o.outcome.records = [o.outcome.records.clone(), o.outcome.records.clone()].concat();
        }
    }
    doubled.recursive = [snap.recursive.clone(), snap.recursive.clone()].concat();
    let text = serde_json::to_string(&doubled).unwrap();
    let (_, opened) = Snapshot::open(&text, None).unwrap();
    assert_eq!(opened, snap, "the doubled file opens as the original");
    let report = judge(&practice, &text).unwrap();
    assert_eq!(codes(&report), codes(&honest));
    assert_eq!(report.findings.len(), honest.findings.len());
}

#[tokio::test]
async fn a_snapshot_of_another_domain_is_refused_by_name() {
    let (_practice, snap) = practice_snapshot("seed001").await;
    let other = parse_domain("another.example").unwrap();
    let err = Snapshot::open(&snap.to_json(), Some(&other)).unwrap_err();
    assert_eq!(err.reason(), "other_domain");
    assert!(err.to_string().contains("another.example"), "{err}");
}

fn base() -> Value {
    serde_json::json!({
        "format": 1, "domain": "example.com", "taken_at": 1_800_000_000u64,
        "resolvers": ["192.0.2.1:53"], "zone": "example.com",
        "recursive": [{"name": "example.com", "rtype": "MX", "status": "no_data"}],
        "authoritative": []
    })
}

fn refused(v: &Value) -> SnapshotError {
    Snapshot::open(&v.to_string(), None).unwrap_err()
}

#[test]
fn every_limit_is_enforced_with_a_refusal_that_names_it() {
    assert!(Snapshot::open(&base().to_string(), None).is_ok());

    let mut v = base();
    v["resolvers"] = (0..=MAX_RESOLVERS)
        .map(|i| format!("192.0.2.{i}:53"))
        .collect();
    let e = refused(&v);
    assert!(e.to_string().contains("resolvers"), "{e}");

    let mut v = base();
    v["authoritative"] = (0..=MAX_AUTH_SERVERS)
        .map(|i| serde_json::json!({"host": format!("ns{i}.example.net"), "address": null, "observations": []}))
        .collect();
    let e = refused(&v);
    assert!(e.to_string().contains("DNS host servers"), "{e}");
    // At the limit it opens.
    v["authoritative"].as_array_mut().unwrap().pop();
    assert!(Snapshot::open(&v.to_string(), None).is_ok());

    let mut v = base();
    v["recursive"] = (0..=MAX_OBSERVATIONS)
        .map(|i| serde_json::json!({"name": format!("n{i}.example.com"), "rtype": "A", "status": "no_data"}))
        .collect();
    assert_eq!(refused(&v).reason(), "too_many");

    let mut v = base();
    v["recursive"][0] = serde_json::json!({"name": "example.com", "rtype": "MX", "status": "answer",
        "records": (0..=MAX_RECORDS).map(|i| serde_json::json!({"name": "example.com", "ttl": 60, "type": "MX", "preference": 10, "exchange": format!("mx{i}.example.net")})).collect::<Vec<_>>()});
    let e = refused(&v);
    assert!(e.to_string().contains("records in one answer"), "{e}");

    let huge = format!(
        "{}, \"pad\": \"{}\"}}",
        base().to_string().trim_end_matches('}'),
        "x".repeat(MAX_SNAPSHOT_BYTES)
    );
    assert_eq!(
        Snapshot::open(&huge, None).unwrap_err().reason(),
        "too_large"
    );
}

#[test]
fn damaged_and_crafted_files_are_refused_with_a_reason() {
    let good = base().to_string();
    // Cut off anywhere.
    for cut in [1, good.len() / 3, good.len() / 2, good.len() - 1] {
        assert_eq!(
            Snapshot::open(&good[..cut], None).unwrap_err().reason(),
            "not_a_snapshot"
        );
    }
    // Nested far deeper than any snapshot: refused, no stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(
        Snapshot::open(&deep, None).unwrap_err().reason(),
        "not_a_snapshot"
    );
    let mut v = base();
    v["domain"] = "<img src=x onerror=alert(1)>".into();
    assert_eq!(refused(&v).reason(), "bad_domain");
    let mut v = base();
    v["domain"] = "".into();
    assert_eq!(refused(&v).reason(), "bad_domain");
    let mut v = base();
    v["taken_at"] = 253_402_300_800u64.into();
    assert_eq!(refused(&v).reason(), "time_out_of_range");
    let mut v = base();
    v["format"] = 2.into();
    assert_eq!(refused(&v).reason(), "wrong_format");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any bytes changed anywhere in a real snapshot: opened or refused, never a panic.
    #[test]
    fn a_snapshot_changed_anywhere_opens_or_is_refused(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..8),
    ) {
        let mut chars: Vec<char> = base().to_string().chars().collect();
        for (at, c) in edits {
            let i = at.index(chars.len());
            chars[i] = c;
        }
        let text: String = chars.into_iter().collect();
        if let Ok((domain, snap)) = Snapshot::open(&text, None) {
            let _ = replay(&domain, &snap, mxdoctor_core::diagnose::ProviderChoice::Detect);
        }
    }
}

#[test]
fn a_snapshot_that_holds_no_answer_is_never_healthy() {
    let mut v = base();
    v["recursive"] = serde_json::json!([]);
    let (domain, snap) = Snapshot::open(&v.to_string(), None).unwrap();
    let report = replay(
        &domain,
        &snap,
        mxdoctor_core::diagnose::ProviderChoice::Detect,
    );
    // Nothing was seen, so nothing is called fine: the lookups read as failed.
    assert_eq!(report.status, mxdoctor_core::report::CheckStatus::Error);
    assert!(codes(&report).contains(&"LookupFailed".to_string()));
}

//! Issue 13: any time a snapshot or a saved wait holds (a file a stranger wrote) is either
//! refused with a message or shown; loading, viewing, resuming and writing the report never
//! panic, and a huge `taken_at` is never shown as 1970.

use mxdoctor_core::check::{parse_domain, replay};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::propagation::{Condition, Millis, VantageKind, VantageSpec, Wait, WaitSettings};
use mxdoctor_core::providers;
use mxdoctor_core::report::{document, outcome_document, Locale};
use mxdoctor_core::snapshot::{SnapshotError, LAST_TAKEN_AT};
use mxdoctor_core::Snapshot;
use proptest::prelude::*;

const HOST: &str = "example.com";

fn snapshot_json(taken_at: u64) -> String {
    serde_json::json!({
        "format": 1, "domain": HOST, "taken_at": taken_at,
        "resolvers": ["192.0.2.1:53"], "zone": HOST,
        "recursive": [{"name": HOST, "rtype": "MX", "status": "no_data"}],
        "authoritative": []
    })
    .to_string()
}

fn alibaba() -> ProviderChoice {
    ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone())
}

fn saved_wait() -> serde_json::Value {
    let conditions = vec![Condition::MailServers {
        name: HOST.into(),
        provider: Box::new(providers::by_id("alibaba-standard").unwrap().clone()),
    }];
    let specs = [VantageKind::Authoritative, VantageKind::Public]
        .into_iter()
        .enumerate()
        .map(|(i, kind)| VantageSpec {
            kind,
            name: format!("{kind:?}"),
            server: format!("192.0.2.{}:53", i + 1).parse().unwrap(),
        })
        .collect();
    let w = Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions,
        specs,
        WaitSettings::default(),
        1_800_000_000_000,
    )
    .unwrap();
    serde_json::from_str(&w.to_json()).unwrap()
}

/// Loads the snapshot taken at `taken_at` and writes its report; the report's first time, if
/// it loaded.
fn snapshot_report(taken_at: u64) -> Result<String, SnapshotError> {
    let snap = Snapshot::from_json(&snapshot_json(taken_at))?;
    let report = replay(&parse_domain(HOST).unwrap(), &snap, alibaba());
    Ok(document(&report, Locale::En))
}

#[test]
fn a_snapshot_after_the_year_9999_is_refused_in_words() {
    for taken_at in [LAST_TAKEN_AT + 1, u64::MAX / 1000 + 1, u64::MAX] {
        let e = snapshot_report(taken_at).expect_err("a time no calendar here can show");
        assert!(
            e.to_string().contains("after the year 9999"),
            "the refusal says why: {e}"
        );
    }
    let last = snapshot_report(LAST_TAKEN_AT).expect("the last second RFC 3339 can write");
    assert!(last.contains("9999-12-31 23:59:59"), "{last}");
}

#[test]
fn a_report_of_a_stored_time_out_of_range_shows_the_last_second_never_1970() {
    // The window keeps reports of its recent checks: one that bypassed loading still renders.
    let snap = Snapshot::from_json(&snapshot_json(0)).unwrap();
    let mut report = replay(&parse_domain(HOST).unwrap(), &snap, alibaba());
    report.taken_at = u64::MAX / 1000 + 1; // times 1000 wraps to a time in 1970
    let md = document(&report, Locale::En);
    assert!(md.contains("9999-12-31"), "{md}");
    assert!(!md.contains("1970-"), "a wrapped time would say 1970: {md}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_snapshot_time_loads_and_renders_or_is_refused(taken_at in any::<u64>()) {
        match snapshot_report(taken_at) {
            Ok(md) => {
                prop_assert!(taken_at <= LAST_TAKEN_AT);
                let year = 1970 + taken_at / 31_556_952;
                prop_assert!(md.contains(&format!("{year:04}-")) || md.contains(&format!("{:04}-", year.saturating_sub(1))) || md.contains(&format!("{:04}-", year + 1)),
                    "the report shows the snapshot's year {year}: {md}");
            }
            Err(e) => {
                prop_assert!(taken_at > LAST_TAKEN_AT, "refused only out of range: {e}");
            }
        }
    }

    #[test]
    fn any_saved_wait_time_is_refused_or_viewed_and_reported(
        times in proptest::collection::vec(any::<u64>(), 7),
        small in proptest::collection::vec(0u64..=253_402_300_799_000, 7),
        pick in proptest::collection::vec(any::<bool>(), 7),
        now in any::<u64>(),
    ) {
        let t: Vec<Millis> = (0..7).map(|i| if pick[i] { times[i] } else { small[i] }).collect();
        let mut value = saved_wait();
        value["started_at"] = t[0].into();
        value["deadline"] = t[1].into();
        value["saved_at"] = t[2].into();
        for v in value["vantages"].as_array_mut().unwrap() {
            v["checked_at"] = t[3].into();
            v["next_check"] = t[4].into();
            v["cleared_at"] = t[5].into();
            v["expiry"] = serde_json::json!({"earliest": t[5], "latest": t[6]});
        }
        let text = value.to_string();
        let Ok(mut wait) = Wait::from_json(&text) else {
            return Ok(());
        };
        let snap = Snapshot::from_json(&snapshot_json(0)).unwrap();
        let report = replay(&parse_domain(HOST).unwrap(), &snap, alibaba());
        let view = wait.view(now);
        let md = outcome_document(&report, &view, Locale::En);
        prop_assert!(!md.is_empty());
        wait.resume(now);
        let _ = wait.next_wake();
        let view = wait.view(now);
        prop_assert!(!view.at.is_empty());
    }
}

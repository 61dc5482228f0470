//! Issue 13 break tests for `Snapshot::open`: files that name the same domain in another form.

mod common;

use mxdoctor_core::check::{parse_domain, replay};
use mxdoctor_core::report::CheckReport;
use mxdoctor_core::snapshot::Snapshot;
use mxdoctor_dnsworld::practice::Practice;
use serde_json::Value;

fn codes(report: &CheckReport) -> Vec<String> {
    let mut c: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{:?}", f.finding.code))
        .collect();
    c.sort();
    c
}

/// User-visible harm: `Snapshot::open` accepts any `domain` field the *input rules* accept
/// (they strip spaces, `user@`, `https://www.…/`, full-width dots, and turn `bücher.de` into
/// `xn--bcher-kva.de`), and checks it against the domain typed, but then the snapshot is judged
/// under the field's raw text, which matches none of its own answers. The helpdesk (window, and
/// `check --from-snapshot`, which before this change refused such a file) is told every lookup
/// failed ("LookupFailed" ×7, status error) for a customer whose snapshot holds every answer
/// and shows three real problems. A snapshot must be judged as its honest twin, or refused.
#[tokio::test]
async fn a_domain_field_in_another_form_is_judged_as_the_honest_snapshot_or_refused() {
    let practice = Practice::start("seed001", 0, None).await.unwrap();
    let snap = common::checked(&practice).await;
    let typed = parse_domain(practice.scenario.domain).unwrap();
    let honest = {
        let (d, s) = Snapshot::open(&snap.to_json(), Some(&typed)).unwrap();
        replay(&d, &s, common::choice(&practice))
    };
    assert!(!honest.findings.is_empty());
    let name = practice.scenario.domain;
    for form in [
        format!(" {name} "),
        format!("postmaster@{name}"),
        format!("https://www.{name}/"),
        name.replace('.', "。"),
    ] {
        let mut v: Value = serde_json::from_str(&snap.to_json()).unwrap();
        v["domain"] = Value::String(form.clone());
        match Snapshot::open(&v.to_string(), Some(&typed)) {
            Err(_) => {} // refused: fine
            Ok((d, s)) => {
                let report = replay(&d, &s, common::choice(&practice));
                assert_eq!(
                    (report.status, codes(&report)),
                    (honest.status, codes(&honest)),
                    "domain field {form:?} accepted as {name} but judged differently"
                );
            }
        }
    }
}

/// User-visible harm: a snapshot file saved again by a Windows editor (Notepad adds a UTF-8
/// byte order mark) opens in the window (the browser's `File.text()` drops the mark) but
/// `mxdoctor check --from-snapshot` refuses it as "not an MX Doctor snapshot file (expected
/// value at line 1 column 1)": the window and the CLI disagree on the same file again, which
/// is what issue 13's one loading path was for.
#[tokio::test]
async fn a_byte_order_mark_is_read_as_the_window_reads_it() {
    let practice = Practice::start("seed001", 0, None).await.unwrap();
    let snap = common::checked(&practice).await;
    let text = format!("\u{feff}{}", snap.to_json());
    let opened = Snapshot::open(&text, None);
    assert!(
        opened.is_ok(),
        "refused: {}",
        opened.err().map(|e| e.to_string()).unwrap_or_default()
    );
}

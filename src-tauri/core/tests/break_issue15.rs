//! Issue 15 break tests: DNS host recognition by a lookalike name server, and the "Change" rows
//! as the report (the text a helpdesk pastes into a ticket or sends to the DNS host) words them.

use mxdoctor_core::check::{parse_domain, replay};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::providers;
use mxdoctor_core::report::{document, Locale};
use mxdoctor_core::Snapshot;

/// Route 53 is recognised by `ns_contains: ["awsdns-"]`, a substring anywhere in the name, not
/// a label-anchored suffix like every other host. Anyone can name their own name servers
/// `ns1.awsdns-evil.test` (or `awsdns-1.attacker.example`) and the guide then tells the user
/// "your DNS is at Amazon Route 53: sign in to the AWS console…", a false claim that sends
/// them to a console where their records are not. The issue asks for recognition that a
/// lookalike cannot trigger.
#[test]
fn route53_is_not_claimed_for_a_name_server_that_merely_contains_awsdns() {
    for lookalike in [
        "ns1.awsdns-evil.test",
        "awsdns-1.attacker.example",
        "ns-1.awsdns-12.org.evil.example",
        "notawsdns-12.com",
    ] {
        let guide = providers::dns_host_for(&[lookalike.to_string()]);
        assert!(
            guide.host.is_none(),
            "{lookalike} is not an Amazon Route 53 name server, yet the guide names {:?} as the \
             user's DNS host and links its console",
            guide.host.map(|h| h.id)
        );
    }
    // Real Route 53 name servers are still recognised.
    for real in [
        "ns-1234.awsdns-12.org",
        "ns-5.awsdns-00.com",
        "ns-700.awsdns-23.net",
        "ns-1800.awsdns-33.co.uk",
    ] {
        let guide = providers::dns_host_for(&[real.to_string()]);
        assert_eq!(
            guide.host.map(|h| h.id).as_deref(),
            Some("route53"),
            "{real}"
        );
    }
}

/// Zoho's first set asks for MX 10 mx / 20 mx2 / 50 mx3.zoho.com; this zone has mx2 at 30.
fn zoho_wrong_priority() -> Snapshot {
    let mx = |p: u16, x: &str| serde_json::json!({"name": "example.com", "ttl": 300, "type": "MX", "preference": p, "exchange": x});
    let value = serde_json::json!({
        "format": 1, "domain": "example.com", "taken_at": 1_700_000_000u64,
        "resolvers": ["192.0.2.1:53"], "zone": "example.com",
        "recursive": [
            {"name": "example.com", "rtype": "MX", "status": "answer", "records": [
                mx(10, "mx.zoho.com."), mx(30, "mx2.zoho.com."), mx(50, "mx3.zoho.com.")]},
            {"name": "example.com", "rtype": "TXT", "status": "answer", "records": [
                {"name": "example.com", "ttl": 300, "type": "TXT", "text": "v=spf1 include:zohomail.com ~all"}]},
            {"name": "example.com", "rtype": "SOA", "status": "no_data"},
            {"name": "example.com", "rtype": "NS", "status": "no_data"}
        ],
        "authoritative": []
    });
    Snapshot::from_json(&value.to_string()).expect("a well-formed snapshot loads")
}

fn zoho_report() -> mxdoctor_core::report::CheckReport {
    let zoho = ProviderChoice::Given(providers::by_id("zoho").unwrap().clone());
    replay(
        &parse_domain("example.com").unwrap(),
        &zoho_wrong_priority(),
        zoho,
    )
}

/// The core's row for a wrong MX priority holds `new_value: "priority 20"`: a phrase, in
/// English, where every consumer (the window's "replace OLD with NEW", its Copy button, the
/// report's Value column, the Chinese screens) expects a record value. Users paste the value
/// they are given into the console's value field.
#[test]
fn a_priority_change_row_holds_a_record_value_not_an_english_phrase() {
    let report = zoho_report();
    let rows: Vec<_> = report
        .plan
        .steps
        .iter()
        .flat_map(|s| s.rows.iter())
        .filter(|r| r.value == "mx2.zoho.com")
        .collect();
    assert!(
        !rows.is_empty(),
        "the plan corrects mx2.zoho.com: {:#?}",
        report.plan
    );
    for row in rows {
        if let Some(new) = &row.new_value {
            assert!(
                !new.starts_with("priority "),
                "the change row's new value is {new:?}: the window shows \"replace mx2.zoho.com with \
                 {new}\" and copies {new:?} as the value to paste, which would replace the mail \
                 server's name with that text (and stays English in the Chinese window)"
            );
        }
    }
}

/// Issue 15: a Change row showed only the new value, never the one to replace. The window now
/// says both; the report (the text for the helpdesk or the DNS host) still gives only the new
/// value. Here its Value cell reads `priority 20` with 30 in the Priority column: nowhere does
/// the report name mx2.zoho.com on that row, so the reader cannot tell which row to change.
#[test]
fn the_reports_change_row_names_the_row_to_change() {
    let report = zoho_report();
    for locale in [Locale::En, Locale::ZhCn] {
        let md = document(&report, locale);
        let change_word = if locale == Locale::En {
            "| Change |"
        } else {
            "| 修改 |"
        };
        let lines: Vec<&str> = md.lines().filter(|l| l.starts_with(change_word)).collect();
        assert!(
            !lines.is_empty(),
            "{locale:?}: the report has a Change row:\n{md}"
        );
        for line in lines {
            assert!(
                line.contains("mx2.zoho.com"),
                "{locale:?}: the report's Change row does not say which record to change: {line}"
            );
        }
    }
}

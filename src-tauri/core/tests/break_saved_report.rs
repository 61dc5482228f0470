//! Issue 14 break test: a report saved by the previous version (before `Finding.variant`) is
//! still read back by the app (`persist::load_report`, for a wait resumed after a restart) and
//! reworded by `report::reword` whenever the window shows it (`wizard.resumed` sets no
//! language, so the window always rewords a resumed report).
//!
//! User-visible harm: a person who updates MX Doctor during a wait (waits last up to 48 hours)
//! reopens it and is told the wrong thing about their domain. The saved finding has no
//! `variant`; its params still say `any_present: "false"` (the rule the old version worded
//! from), but the wording now reads only `variant`, so "None of Google Workspace's mail servers
//! are set" becomes the plain MX_PROVIDER_INCOMPLETE wording (some are missing / have the wrong
//! priority), in English and in Chinese alike. The same happens to no_provider, unknown_owner,
//! nxdomain, not_asked, hidden_mx, stale, … and to "replace with A records" without addresses.

use mxdoctor_core::report::{reword, CheckReport, Locale};

/// `mxdoctor check alias.test --provider google-workspace --json` as 5440c53 wrote it (the
/// same serialisation the app's store keeps), with its MX_PROVIDER_INCOMPLETE finding only.
const SAVED_BEFORE_ISSUE_14: &str = r#"{"domain": "alias.test", "domain_unicode": "alias.test", "input": "alias.test", "adjustments": [], "provider": "google-workspace", "provider_name": "Google Workspace", "provider_source": "given", "status": "problems", "findings": [{"code": "MX_PROVIDER_INCOMPLETE", "severity": "error", "host": "alias.test", "records": [], "fix": [{"action": "add", "host": "@", "type": "MX", "priority": 1, "value": "aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 5, "value": "alt1.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 5, "value": "alt2.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 10, "value": "alt3.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 10, "value": "alt4.aspmx.l.google.com"}], "reference": "seed 001 \u00a72.1, \u00a72.3", "params": {"any_present": "false", "provider": "Google Workspace"}, "title": "None of Google Workspace's mail servers are set for alias.test", "message": "Your MX records point somewhere else, so mail does not reach your Google Workspace mailbox. Add the rows below (and delete the others, as listed)."}], "plan": {"steps": [{"id": "delete_stray_mx", "rows": [{"action": "delete", "host": "@", "type": "MX", "priority": 5, "value": "mx1.qiye.aliyun.com"}, {"action": "delete", "host": "@", "type": "MX", "priority": 10, "value": "mx2.qiye.aliyun.com"}, {"action": "delete", "host": "@", "type": "MX", "priority": 15, "value": "mx3.qiye.aliyun.com"}]}, {"id": "mail_servers", "rows": [{"action": "add", "host": "@", "type": "MX", "priority": 1, "value": "aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 5, "value": "alt1.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 5, "value": "alt2.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 10, "value": "alt3.aspmx.l.google.com"}, {"action": "add", "host": "@", "type": "MX", "priority": 10, "value": "alt4.aspmx.l.google.com"}]}, {"id": "spf", "rows": [{"action": "change", "host": "@", "type": "TXT", "priority": null, "value": "v=spf1 include:spf.qiye.aliyun.com -all", "new_value": "v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com -all"}]}], "target": [{"action": "add", "host": "@", "type": "MX", "priority": 1, "value": "smtp.google.com"}, {"action": "add", "host": "@", "type": "TXT", "priority": null, "value": "v=spf1 include:spf.qiye.aliyun.com include:_spf.google.com -all"}]}, "dns_host": {"host": null, "name_servers": ["ns1.alias.test", "ns2.alias.test"], "steps": ["Log in where you bought or manage your domain name.", "Look for a section called DNS, DNS Settings, Name Server Records, or Domain Name Resolution, usually under Domain Management.", "If you cannot find it, send this guide to your domain provider's support and ask them to make the changes."]}, "resolvers": ["127.0.0.1:35417"], "authoritative_servers": ["ns1.alias.test (127.0.0.11)", "ns2.alias.test (127.0.0.12)"], "taken_at": 1796198136}"#;

#[test]
fn break_a_report_saved_before_the_typed_variant_keeps_its_wording() {
    let saved: CheckReport = serde_json::from_str(SAVED_BEFORE_ISSUE_14).expect("still readable");
    let said = saved.findings[0].title.clone();
    assert_eq!(
        said,
        "None of Google Workspace's mail servers are set for alias.test"
    );
    let again = reword(saved.clone(), Locale::En);
    assert_eq!(
        again.findings[0].title, said,
        "reworded in the same language"
    );

    // In Chinese: the words of the same finding checked today (which carries its variant).
    let mut today: serde_json::Value = serde_json::from_str(SAVED_BEFORE_ISSUE_14).unwrap();
    today["findings"][0]["variant"] = "none_present".into();
    let today: CheckReport = serde_json::from_value(today).unwrap();
    assert_eq!(
        reword(saved, Locale::ZhCn).findings[0].title,
        reword(today, Locale::ZhCn).findings[0].title
    );
}

/// Issue 15: the same saved report named our own notes as its reference ("seed 001 §2.1, §2.3");
/// read again, it shows the rule's RFC section with the address to follow.
#[test]
fn a_report_saved_with_an_internal_reference_shows_the_rfc_section_when_read_again() {
    let saved: CheckReport = serde_json::from_str(SAVED_BEFORE_ISSUE_14).expect("still readable");
    assert_eq!(saved.findings[0].finding.reference, "seed 001 §2.1, §2.3");
    assert_eq!(
        saved.findings[0].finding.reference_url, "",
        "not saved then"
    );
    let again = reword(saved, Locale::En);
    assert_eq!(again.findings[0].finding.reference, "RFC 5321 §5.1");
    assert_eq!(
        again.findings[0].finding.reference_url,
        "https://www.rfc-editor.org/rfc/rfc5321#section-5.1"
    );
}

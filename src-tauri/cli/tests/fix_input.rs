//! `mxdoctor fix` and `mxdoctor undo` refusing what they cannot do, in words, with nothing
//! changed and no key shown: unknown DNS hosts, missing keys, crafted plan and journal files.

use std::process::Output;

use serde_json::Value;

mod fix_support;
use fix_support::{all_output, mxdoctor};

const SENTINEL: &str = "sk-SENTINEL-do-not-print-0123456789";

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[test]
fn an_unknown_dns_host_is_refused_with_the_ones_that_work() {
    let home = tempfile::tempdir().unwrap();
    let out = mxdoctor(
        &["fix", "example.com", "--dns-host", "namecheap", "--json"],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["status"], "error");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("cannot make changes at \"namecheap\""),
        "{message}"
    );
    assert!(
        message.contains("cloudflare") && message.contains("rfc2136"),
        "{message}"
    );
}

#[test]
fn no_key_anywhere_is_said_and_nothing_is_tried() {
    let home = tempfile::tempdir().unwrap();
    let out = mxdoctor(
        &["fix", "example.com", "--dns-host", "cloudflare", "--yes"],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let text = all_output(&out);
    assert!(text.contains("no key"), "{text}");
    assert!(text.contains("MXDOCTOR_DNS_KEY"), "{text}");
    assert!(
        !home.path().join("data").exists(),
        "no journal for an apply that never began"
    );
}

#[test]
fn a_key_is_never_printed_even_when_the_rest_is_wrong() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["fix", "example.com", "--dns-host", "powerdns", "--json"][..],
        &[
            "fix",
            "example.com",
            "--dns-host",
            "rfc2136",
            "--endpoint",
            "127.0.0.1:1",
        ][..],
        &[
            "fix",
            "example.com",
            "--dns-host",
            "powerdns",
            "--endpoint",
            "not a url",
        ][..],
    ] {
        let out = mxdoctor(
            args,
            &[
                ("MXDOCTOR_DNS_KEY", SENTINEL),
                ("MXDOCTOR_DNS_SECRET", SENTINEL),
            ],
            home.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", all_output(&out));
        assert!(
            !all_output(&out).contains("SENTINEL"),
            "{args:?} printed the key"
        );
    }
}

#[test]
fn a_crafted_plan_file_is_refused_in_words() {
    let home = tempfile::tempdir().unwrap();
    let cases: [(&str, &str); 4] = [
        (
            "not json at all\u{1b}[2J",
            "is not the output of `mxdoctor fix --dry-run --json`",
        ),
        (
            "{\"preview\": {\"domain\": 7}}",
            "holds no preview MX Doctor can read",
        ),
        (
            r#"{"preview":{"domain":"other.example","zone":"other.example","dns_host":"cloudflare","adapter":"cloudflare","rows":[],"row_results":[],"ops":[],"read_at":"x"}}"#,
            "is the plan for other.example, not example.com",
        ),
        (
            r#"{"preview":{"domain":"example.com","zone":"example.com","dns_host":"cloudflare","adapter":"cloudflare","rows":[],"row_results":[],"ops":[{"before":{"name":"example.com","type":"MX","ttl":null,"values":[]},"after":{"name":"example.com","type":"MX","ttl":null,"values":[]},"rows":[99]}],"read_at":"x"}}"#,
            "does not hold a whole preview",
        ),
    ];
    for (text, expected) in cases {
        let plan = home.path().join("plan.json");
        std::fs::write(&plan, text).unwrap();
        let out = mxdoctor(
            &[
                "fix",
                "example.com",
                "--dns-host",
                "cloudflare",
                "--plan",
                plan.to_str().unwrap(),
                "--yes",
                "--json",
            ],
            &[("MXDOCTOR_DNS_KEY", SENTINEL)],
            home.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{text}");
        let v = json(&out);
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{text}: {message}");
        assert!(!message.contains('\u{1b}'));
    }
}

fn journal_text(done: bool) -> String {
    let result = if done { "done" } else { "not_attempted" };
    format!(
        r#"{{"version":1,"domain":"example.com","zone":"example.com","dns_host":"powerdns","adapter":"powerdns","endpoint":"http://127.0.0.1:1","started":"2026-12-02T10:00:00Z","finished":"2026-12-02T10:00:01Z","status":"error","message":"m","rows":[],"row_results":[],"steps":[{{"seq":1,"before":{{"name":"example.com","type":"MX","ttl":300,"values":[{{"priority":5,"value":"mail.old.example"}}]}},"after":{{"name":"example.com","type":"MX","ttl":300,"values":[]}},"rows":[],"at":null,"result":"{result}","error":null}}],"undo":null}}"#
    )
}

#[test]
fn undo_of_a_journal_with_no_change_made_is_nothing_to_do() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("j.json");
    std::fs::write(&path, journal_text(false)).unwrap();
    let out = mxdoctor(
        &[
            "undo",
            "--journal",
            path.to_str().unwrap(),
            "--yes",
            "--json",
        ],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", all_output(&out));
    assert_eq!(json(&out)["status"], "nothing_to_do");
}

#[test]
fn undo_without_yes_says_what_it_would_put_back_and_changes_nothing() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("j.json");
    std::fs::write(&path, journal_text(true)).unwrap();
    let out = mxdoctor(
        &["undo", "--journal", path.to_str().unwrap()],
        &[],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let text = all_output(&out);
    assert!(text.contains("5 mail.old.example"), "{text}");
    assert!(text.contains("Nothing was changed"), "{text}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), journal_text(true));
}

#[test]
fn undo_of_a_crafted_journal_is_refused_in_words() {
    let home = tempfile::tempdir().unwrap();
    let path = home.path().join("j.json");
    for (text, expected) in [
        ("[]", "is not a journal MX Doctor wrote"),
        (
            &journal_text(true).replace(
                "\"dns_host\":\"powerdns\"",
                "\"dns_host\":\"evil; rm -rf /\"",
            ) as &str,
            "names a DNS host MX Doctor cannot change records at",
        ),
    ] {
        std::fs::write(&path, text).unwrap();
        let out = mxdoctor(
            &[
                "undo",
                "--journal",
                path.to_str().unwrap(),
                "--yes",
                "--json",
            ],
            &[],
            home.path(),
        );
        assert_eq!(out.status.code(), Some(2), "{text}");
        let message = json(&out)["error"]["message"].as_str().unwrap().to_string();
        assert!(message.contains(expected), "{message}");
    }
}

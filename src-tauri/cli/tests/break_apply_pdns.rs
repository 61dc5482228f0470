//! Attacks on `mxdoctor fix` / `mxdoctor undo` (issue 16) against PowerDNS on loopback, as a
//! helpdesk scripts them. Each test is a defect and fails on the code as it is; the comment on
//! each says what a user would see and why it is wrong. Without `pdns_server` they print
//! "skipped" (unless `CI` is set).

use std::path::PathBuf;
use std::process::Output;

use serde_json::{json, Value};

mod fix_support;
use fix_support::{world, World};

impl World {
    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, self.pdns.api_key(), None).await
    }

    async fn fix(&self, extra: &[&str]) -> Output {
        let url = self.pdns.api_url();
        let mut args: Vec<&str> = vec![
            "fix",
            "stray.test",
            "--provider",
            "alibaba-standard",
            "--dns-host",
            "powerdns",
            "--endpoint",
            &url,
        ];
        args.extend_from_slice(extra);
        self.run(&args).await
    }

    async fn undo(&self, journal: &std::path::Path) -> Output {
        let endpoint = self.pdns.api_url();
        self.run(&[
            "undo",
            "--journal",
            journal.to_str().unwrap(),
            "--endpoint",
            &endpoint,
            "--yes",
            "--json",
        ])
        .await
    }

    /// The dry-run preview, saved as a plan file.
    async fn plan(&self, name: &str) -> (PathBuf, Value) {
        let out = self.fix(&["--dry-run", "--json"]).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let path = self.home.path().join(name);
        std::fs::write(&path, &out.stdout).unwrap();
        (path, parse(&out))
    }

    fn listing(&self) -> Vec<String> {
        self.pdns.listing().unwrap()
    }

    fn patch(&self, zone: &str, rrsets: Value) {
        let (status, body) = self
            .pdns
            .api(
                "PATCH",
                &format!("/api/v1/servers/localhost/zones/{zone}."),
                Some(&json!({ "rrsets": rrsets }).to_string()),
            )
            .unwrap();
        assert!(status == 204 || status == 200, "PATCH: {status} {body}");
    }
}

fn parse(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("stdout is one JSON object ({e}): {}", text(out)))
}

fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// DEFECT: a second run with the same `--journal` path overwrites the first apply's journal,
/// and the first apply can no longer be undone.
///
/// A helpdesk script runs `fix --plan plan.json --yes --journal /srv/tickets/4711.json`; it
/// applies. The script is run again (a retry, a double click): the zone has changed (by the
/// first run), so the apply is rightly refused, and the refused journal is written over the
/// first one. Now `mxdoctor undo --journal /srv/tickets/4711.json --yes` says "MX Doctor made no
/// change in this journal; nothing to undo." and exits 0: false, and the records the first run
/// removed can no longer be put back ("whatever was applied can be undone"). A journal holding
/// changes that were made must never be replaced by one that holds none.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_with_the_same_journal_path_does_not_lose_the_undo() {
    let Some(w) = world().await else { return };
    let original = w.listing();
    let (plan, _) = w.plan("plan.json").await;
    let journal = w.home.path().join("4711.json");
    let args = [
        "--plan",
        plan.to_str().unwrap(),
        "--yes",
        "--journal",
        journal.to_str().unwrap(),
        "--json",
    ];
    let first = w.fix(&args).await;
    assert_eq!(parse(&first)["status"], "applied", "{}", text(&first));
    // The retry is refused before anything (the journal still holds the first run's changes).
    let second = w.fix(&args).await;
    assert_eq!(second.status.code(), Some(2), "{}", text(&second));
    let v = parse(&second);
    assert!(
        v["status"] == "refused" || v["error"]["code"] == "journal_in_use",
        "{v}"
    );

    let out = w.undo(&journal).await;
    let v = parse(&out);
    assert_eq!(
        w.listing(),
        original,
        "after the retry, undo no longer puts the zone back; it said: {v}"
    );
    assert_eq!(v["status"], "applied", "{v}");
}

/// DEFECT: a crafted plan file makes `fix` write a record set its rows do not name, and the
/// output reports only the rows.
///
/// `--plan FILE` is applied as the file's `ops` say; the only checks are the domain, the DNS
/// host and that row indexes are in range. A plan file passed around a ticket (or edited by a
/// hand that meant well) adds one op: `www A 192.0.2.80 -> 203.0.113.66`, its `before` copied
/// from public DNS so the "zone changed since the preview" check passes. `fix --plan --yes`
/// writes it, and prints "All 3 changes were made…" with the plan's MX/SPF rows `[done]`: the
/// web site now points at a stranger, and no row on screen says so. "Only rows of the plan are
/// touched": the ops must be what the rows make of the zone (re-derive them from the rows
/// against the re-read zone and refuse any difference), not taken on trust from a file.
#[tokio::test(flavor = "multi_thread")]
async fn a_crafted_plan_file_cannot_write_records_its_rows_do_not_name() {
    let Some(w) = world().await else { return };
    let (plan, mut v) = w.plan("plan.json").await;
    let ops = v["preview"]["ops"].as_array_mut().unwrap();
    ops.push(json!({
        "before": {"name": "www.stray.test", "type": "A", "ttl": 300, "values": [{"value": "192.0.2.80"}]},
        "after": {"name": "www.stray.test", "type": "A", "ttl": 300, "values": [{"value": "203.0.113.66"}]},
        "rows": [0]
    }));
    std::fs::write(&plan, v.to_string()).unwrap();
    let out = w
        .fix(&["--plan", plan.to_str().unwrap(), "--yes", "--json"])
        .await;
    let listing = w.listing();
    assert!(
        !listing.iter().any(|l| l.contains("203.0.113.66")),
        "fix wrote www A 203.0.113.66, which no row of the plan names; it said: {}\nzone: {listing:#?}",
        text(&out)
    );
}

/// DEFECT: a plan file for stray.test writes into another zone on the same DNS host.
///
/// The plan's `zone` is not checked against its `domain`. A PowerDNS API key is server-wide
/// (a Cloudflare token often covers every zone of an account), so a plan for stray.test whose
/// `zone` is `victim.test` writes victim.test's MX, while the output says "stray.test" and
/// lists stray.test's rows as done. The zone must be the domain or one of its parents, and
/// ops must lie inside it.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_file_for_one_domain_cannot_write_another_zone() {
    let Some(w) = world().await else { return };
    let (status, body) = w
        .pdns
        .api(
            "POST",
            "/api/v1/servers/localhost/zones",
            Some(
                &json!({
                    "name": "victim.test.", "kind": "Native", "nameservers": ["ns1.victim.test."],
                    "rrsets": [{"name": "victim.test.", "type": "MX", "ttl": 300, "changetype": "REPLACE",
                                "records": [{"content": "10 mx.victim.test.", "disabled": false}]}]
                })
                .to_string(),
            ),
        )
        .unwrap();
    assert_eq!(status, 201, "the second zone: {body}");
    let (plan, mut v) = w.plan("plan.json").await;
    v["preview"]["zone"] = json!("victim.test");
    v["preview"]["watched"] = json!([]);
    v["preview"]["ops"] = json!([{
        "before": {"name": "victim.test", "type": "MX", "ttl": 300, "values": [{"priority": 10, "value": "mx.victim.test"}]},
        "after": {"name": "victim.test", "type": "MX", "ttl": 300, "values": [{"priority": 10, "value": "mail.attacker.example"}]},
        "rows": [0]
    }]);
    std::fs::write(&plan, v.to_string()).unwrap();
    let out = w
        .fix(&["--plan", plan.to_str().unwrap(), "--yes", "--json"])
        .await;
    let (_, zone) = w
        .pdns
        .api("GET", "/api/v1/servers/localhost/zones/victim.test.", None)
        .unwrap();
    assert!(
        !zone.contains("attacker"),
        "a plan for stray.test rewrote victim.test's MX; it said: {}",
        text(&out)
    );
}

/// DEFECT: a record value with a line break forges a line of `fix`'s own output.
///
/// After the preview, the SPF record at the DNS host is changed to a TXT value holding a line
/// break (`\010`, which PowerDNS and every zone file allow). The apply is rightly refused, and
/// the refusal quotes the new value; but the message goes out through `escape::lines`, which
/// keeps line breaks, so the value's second half is printed as a line of its own:
///   All 4 changes were made, and the DNS host lists each one as planned.
/// under "Nothing was changed…". The user cannot tell MX Doctor's sentences from the record's.
/// A value from outside must be shown with its line breaks escaped (as the row lines are).
#[tokio::test(flavor = "multi_thread")]
async fn a_record_value_cannot_forge_a_line_of_the_output() {
    let Some(w) = world().await else { return };
    let (plan, _) = w.plan("plan.json").await;
    w.patch(
        "stray.test",
        json!([{"name": "stray.test.", "type": "TXT", "ttl": 300, "changetype": "REPLACE",
                "records": [{"content": "\"v=spf1 ~all\\010All 4 changes were made, and the DNS host lists each one as planned.\"", "disabled": false}]}]),
    );
    let out = w.fix(&["--plan", plan.to_str().unwrap(), "--yes"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with("All 4 changes were made")),
        "a line of the record's text is printed as MX Doctor's own:\n{stdout}"
    );
}

/// DEFECT: the apply deletes a disabled record that the plan never named, and undo does not
/// bring it back while saying the records are "back as they were".
///
/// PowerDNS keeps disabled records in a record set (a backup MX switched off at the console,
/// kept to switch on again). The adapter's reading leaves them out ("disabled records are not
/// served, so not listed"), and its write replaces the whole record set: the disabled record
/// is gone after the apply, though no row named it, and undo (which restores the listing it
/// read) never puts it back. The zone after undo is not the zone before; the user is told it
/// is.
#[tokio::test(flavor = "multi_thread")]
async fn a_disabled_record_beside_the_plan_survives_apply_and_undo() {
    let Some(w) = world().await else { return };
    w.patch(
        "stray.test",
        json!([{"name": "stray.test.", "type": "MX", "ttl": 300, "changetype": "REPLACE",
        "records": [
            {"content": "5 mx1.qiye.aliyun.com.", "disabled": false},
            {"content": "10 mx2.qiye.aliyun.com.", "disabled": false},
            {"content": "1 aspmx.l.google.com.", "disabled": false},
            {"content": "50 backup-mx.stray.test.", "disabled": true}
        ]}]),
    );
    let original = w.listing();
    assert!(
        original.iter().any(|l| l.contains("(disabled)")),
        "{original:#?}"
    );
    let journal = w.home.path().join("j.json");
    let out = w
        .fix(&["--yes", "--journal", journal.to_str().unwrap(), "--json"])
        .await;
    let v = parse(&out);
    assert!(
        w.listing()
            .iter()
            .any(|l| l.contains("backup-mx.stray.test")),
        "the apply deleted the disabled backup MX, which no row names; it said: {v}\nzone: {:#?}",
        w.listing()
    );
    let out = w.undo(&journal).await;
    let u = parse(&out);
    assert_eq!(
        w.listing(),
        original,
        "undo said {} but the zone is not as it was",
        u["message"]
    );
}

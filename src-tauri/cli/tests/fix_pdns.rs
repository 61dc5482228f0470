//! `mxdoctor fix` and `mxdoctor undo` as a helpdesk scripts them, against PowerDNS on loopback
//! (its HTTP API, and RFC 2136 with TSIG): the preview changes nothing, `--plan FILE --yes`
//! applies exactly that preview or is refused when the zone changed, the check then finds no
//! problem, and undo brings the zone back byte for byte. Without `pdns_server` the tests print
//! "skipped" unless `CI` is set, where they fail (scripts/setup installs it).

use std::process::Output;

use serde_json::Value;

mod fix_support;
use fix_support::{world, World};

impl World {
    async fn run(&self, args: &[&str], creds: (&str, Option<&str>)) -> Output {
        self.run_with(args, creds.0, creds.1).await
    }

    fn api(&self) -> (Vec<String>, (String, Option<String>)) {
        (
            vec![
                "--dns-host".into(),
                "powerdns".into(),
                "--endpoint".into(),
                self.pdns.api_url(),
            ],
            (self.pdns.api_key().to_string(), None),
        )
    }

    fn rfc2136(&self) -> (Vec<String>, (String, Option<String>)) {
        (
            vec![
                "--dns-host".into(),
                "rfc2136".into(),
                "--endpoint".into(),
                self.pdns.dns_addr().to_string(),
            ],
            (
                self.pdns.tsig_name().to_string(),
                Some(self.pdns.tsig_secret().to_string()),
            ),
        )
    }

    /// The zone without its SOA (RFC 2136 updates raise the serial, and undo does not lower it).
    fn listing(&self) -> Vec<String> {
        self.pdns
            .listing()
            .unwrap()
            .into_iter()
            .filter(|l| !l.contains(" SOA "))
            .collect()
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

async fn fix(w: &World, how: &(Vec<String>, (String, Option<String>)), extra: &[&str]) -> Output {
    let mut args: Vec<&str> = vec!["fix", "stray.test", "--provider", "alibaba-standard"];
    args.extend(how.0.iter().map(String::as_str));
    args.extend_from_slice(extra);
    w.run(&args, (&how.1 .0, how.1 .1.as_deref())).await
}

async fn check_exit(w: &World) -> Option<i32> {
    w.run(
        &["check", "stray.test", "--provider", "alibaba-standard"],
        ("", None),
    )
    .await
    .status
    .code()
}

async fn the_whole_path(w: &World, how: &(Vec<String>, (String, Option<String>))) {
    let original = w.listing();
    assert_eq!(
        check_exit(w).await,
        Some(1),
        "the zone starts with a problem"
    );

    // The preview, saved for the helpdesk's ticket: nothing changes.
    let preview = fix(w, how, &["--dry-run", "--json"]).await;
    assert_eq!(
        preview.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&preview.stderr)
    );
    let v = json(&preview);
    assert_eq!(v["status"], "preview");
    assert!(v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["value"] == "aspmx.l.google.com"
            && r["action"] == "delete"
            && r["result"] == "planned"));
    assert_eq!(w.listing(), original, "a preview changes nothing");
    let plan = w.home.path().join("plan.json");
    std::fs::write(&plan, &preview.stdout).unwrap();

    let journal = w.home.path().join("journal.json");
    let out = fix(
        w,
        how,
        &[
            "--plan",
            plan.to_str().unwrap(),
            "--yes",
            "--journal",
            journal.to_str().unwrap(),
            "--json",
        ],
    )
    .await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["status"], "applied", "{v}");
    assert_eq!(v["journal"], journal.to_str().unwrap());
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["result"] == "done" || r["result"] == "skipped"),
        "{v}"
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .contains("Every one of the DNS host's servers"),
        "{v}"
    );
    assert_eq!(
        check_exit(w).await,
        Some(0),
        "our own check finds nothing wrong now"
    );
    let saved = std::fs::read_to_string(&journal).unwrap();
    assert!(
        !saved.contains(&how.1 .0) || how.1 .0 == "mxd",
        "the journal holds no key"
    );
    if let Some(secret) = &how.1 .1 {
        assert!(
            !saved.contains(secret.as_str()),
            "the journal holds no secret"
        );
    }

    let out = w
        .run(
            &[
                "undo",
                "--journal",
                journal.to_str().unwrap(),
                "--endpoint",
                &how.0[3],
                "--yes",
                "--json",
            ],
            (&how.1 .0, how.1 .1.as_deref()),
        )
        .await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["status"], "applied", "{v}");
    assert_eq!(w.listing(), original, "undo puts the zone back exactly");
    assert_eq!(check_exit(w).await, Some(1), "and the problem is back");

    // A second undo has nothing to do.
    let out = w
        .run(
            &[
                "undo",
                "--journal",
                journal.to_str().unwrap(),
                "--endpoint",
                &how.0[3],
                "--yes",
                "--json",
            ],
            (&how.1 .0, how.1 .1.as_deref()),
        )
        .await;
    assert_eq!(json(&out)["status"], "nothing_to_do");
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_and_undo_through_the_powerdns_api() {
    let Some(w) = world().await else { return };
    let how = w.api();
    // What a person at a terminal reads.
    let text = fix(&w, &how, &[]).await;
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    eprintln!("{text}");
    assert!(text.contains("[will be made] delete"), "{text}");
    assert!(text.contains("aspmx.l.google.com"), "{text}");
    assert!(
        text.contains("Nothing was changed. Run again with --yes"),
        "{text}"
    );
    the_whole_path(&w, &how).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fix_and_undo_through_rfc2136_with_tsig() {
    let Some(w) = world().await else { return };
    let how = w.rfc2136();
    the_whole_path(&w, &how).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_applied_after_the_zone_changed_is_refused_with_exit_2() {
    let Some(w) = world().await else { return };
    let how = w.api();
    let preview = fix(&w, &how, &["--dry-run", "--json"]).await;
    let plan = w.home.path().join("plan.json");
    std::fs::write(&plan, &preview.stdout).unwrap();
    // Someone edits the SPF row at the console after the preview.
    w.pdns
        .replace(
            "@",
            "TXT",
            300,
            &["\"v=spf1 include:_spf.google.com include:other.example ~all\""],
        )
        .unwrap();
    let before = w.listing();
    let out = fix(
        &w,
        &how,
        &["--plan", plan.to_str().unwrap(), "--yes", "--json"],
    )
    .await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(2), "{v}");
    assert_eq!(v["status"], "refused");
    assert!(
        v["message"].as_str().unwrap().contains("other.example"),
        "says what changed: {v}"
    );
    assert!(
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["result"] == "not_attempted"),
        "{v}"
    );
    assert_eq!(w.listing(), before, "nothing was written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_said_plainly_and_nothing_changes() {
    let Some(w) = world().await else { return };
    let before = w.listing();
    let mut how = w.api();
    how.1 .0 = "wrong-key-SENTINEL".into();
    let out = fix(&w, &how, &["--yes", "--json"]).await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(2), "{v}");
    let message = v["error"]["message"].as_str().unwrap();
    assert!(message.contains("did not accept the key"), "{message}");
    assert!(
        !out.stdout.windows(8).any(|w| w == b"SENTINEL"),
        "the key is not printed"
    );
    assert_eq!(w.listing(), before);
}

//! The `mxdoctor` binary against the scenario zones on loopback: DESIGN.md's CLI contract.

use std::path::PathBuf;
use std::process::{Command, Output};

use mxdoctor_dnsworld::{load_dir, Lab};
use serde_json::Value;

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

async fn lab() -> Lab {
    let zones = load_dir(&zones_dir()).unwrap().into_values().collect();
    Lab::start(zones, Vec::new())
        .await
        .expect("loopback servers start")
}

/// Runs `mxdoctor` on a blocking thread, so the servers keep answering meanwhile.
async fn mxdoctor(lab: Option<&Lab>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(lab) = lab {
        cmd.args([
            "--nameserver",
            &lab.resolver.addr().to_string(),
            "--auth-port",
            &lab.auth_port.to_string(),
            "--timeout",
            "0.7",
        ]);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("mxdoctor runs"))
        .await
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn conflict_exits_1_with_the_contracted_json() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &[
            "check",
            "someone@SEED000.test",
            "--provider",
            "alibaba-standard",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["domain"], "seed000.test");
    assert_eq!(v["provider"], "alibaba-standard");
    assert_eq!(v["status"], "problems");
    let f = &v["findings"][0];
    for key in ["code", "severity", "host", "records", "fix"] {
        assert!(f.get(key).is_some(), "finding has {key}: {f}");
    }
    assert_eq!(f["code"], "CNAME_AT_MAIL_HOST");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["fix"][0]["action"], "delete");
    assert_eq!(f["fix"][0]["host"], "@");
    assert_eq!(f["fix"][0]["type"], "CNAME");
}

#[tokio::test(flavor = "multi_thread")]
async fn healthy_domain_exits_0_and_names_the_provider() {
    let lab = lab().await;
    let out = mxdoctor(Some(&lab), &["check", "https://www.scope.test/", "--json"]).await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["provider"], "alibaba-standard");
    assert_eq!(v["provider_source"], "detected");
}

#[tokio::test(flavor = "multi_thread")]
async fn human_output_shows_the_rows_in_plain_words() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &["check", "seed000.test", "--provider", "alibaba-standard"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("An alias (CNAME) at seed000.test hides your mail settings"),
        "{text}"
    );
    assert!(text.contains("Host record"), "{text}");
    assert!(text.contains("Delete   @            CNAME"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_with_a_clear_message() {
    for input in ["", "192.0.2.1", "localhost", "😀.com", &"a".repeat(300)] {
        let out = mxdoctor(None, &["check", input, "--json"]).await;
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        let v = json(&out);
        assert_eq!(v["status"], "error");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
        let human = mxdoctor(None, &["check", input]).await;
        assert!(
            String::from_utf8_lossy(&human.stderr).starts_with("mxdoctor: "),
            "{input:?}"
        );
    }
    let unknown = mxdoctor(None, &["check", "example.com", "--provider", "nope"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("alibaba-standard"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_snapshot_replays_offline() {
    let lab = lab().await;
    let dir = std::env::temp_dir().join(format!("mxdoctor-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed001.json");
    let path = file.to_str().unwrap();
    let live = mxdoctor(
        Some(&lab),
        &["check", "seed001.test", "--json", "--snapshot-out", path],
    )
    .await;
    drop(lab);
    let replay = mxdoctor(
        None,
        &["check", "seed001.test", "--json", "--from-snapshot", path],
    )
    .await;
    assert_eq!(json(&live), json(&replay));
    assert_eq!(replay.status.code(), live.status.code());
    std::fs::write(&file, "{corrupt").unwrap();
    let corrupt = mxdoctor(None, &["check", "seed001.test", "--from-snapshot", path]).await;
    assert_eq!(corrupt.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&corrupt.stderr).contains("not an MX Doctor snapshot"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_lists_the_contracted_ids() {
    let out = mxdoctor(None, &["providers", "--json"]).await;
    let v = json(&out);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "alibaba-standard",
            "alibaba-enterprise",
            "google-workspace",
            "microsoft-365",
            "zoho",
            "tencent-exmail"
        ]
    );
}

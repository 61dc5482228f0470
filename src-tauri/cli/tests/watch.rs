//! `mxdoctor watch` against loopback: the DNS world's authoritative servers, Debian's Unbound as
//! the cache, the edit saved mid-wait. DESIGN.md's contract: one JSON object per round, a final
//! `"status": "clear"` or `"timeout"`, exit 0 / 1 / 2.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use mxdoctor_dnsworld::{load_dir, Fault, Lab, Liar, Name, RData, RecordType, Unbound, Zone};
use serde_json::Value;

const BROKEN: &str = "$ORIGIN wait.test.
$TTL 4
@ IN SOA ns1.wait.test. hostmaster.wait.test. 1 3600 600 86400 4
@ IN NS ns1
@ IN NS ns2
ns1 IN A 127.0.0.11
ns2 IN A 127.0.0.12
@ IN CNAME site.cdn.test.
@ IN MX 5 mx1.qiye.aliyun.com.
@ IN MX 10 mx2.qiye.aliyun.com.
@ IN MX 15 mx3.qiye.aliyun.com.
";

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

struct World {
    lab: Lab,
    unbound: Unbound,
}

async fn world(last_octet: u8) -> World {
    let mut zones: Vec<Zone> = load_dir(&zones_dir()).unwrap().into_values().collect();
    zones.extend(load_dir(&zones_dir().join("parent")).unwrap().into_values());
    zones.push(Zone::parse(BROKEN, None).unwrap());
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let unbound = Unbound::in_front_of(&lab, IpAddr::V4(Ipv4Addr::new(127, 0, 0, last_octet)))
        .unwrap_or_else(|e| panic!("{e}"));
    World { lab, unbound }
}

fn save_the_edit(lab: &Lab) {
    let name = Name::from_ascii("wait.test.").unwrap();
    // As the plan says: the alias goes, the addresses it led to come in its place.
    let removed = lab.edit_zone("wait.test", |z| {
        z.replace(
            &name,
            RecordType::A,
            4,
            vec![
                RData::A("203.0.113.7".parse().unwrap()),
                RData::A("203.0.113.8".parse().unwrap()),
            ],
        );
        z.replace(&name, RecordType::CNAME, 4, Vec::new())
    });
    assert_eq!(removed, [1, 1], "the alias is deleted on ns1 and ns2");
}

/// `mxdoctor watch wait.test` through the loopback world, polling the DNS host every second.
fn watch_cmd(w: &World, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(["watch", "wait.test", "--provider", "alibaba-standard"])
        .args(["--nameserver", &w.unbound.addr().to_string()])
        .args(["--auth-port", &w.lab.auth_port.to_string()])
        .args(["--timeout", "1"])
        .args(extra)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !extra.contains(&"--interval") {
        cmd.args(["--interval", "1"]);
    }
    cmd
}

async fn finish(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object ({e}): {l}"))
        })
        .collect()
}

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mxdoctor-watch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("wait.json")
}

fn state(round: &Value, kind: &str) -> Vec<String> {
    round["vantages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == kind)
        .map(|v| v["state"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn watch_json_follows_the_edit_to_clear_and_exits_0() {
    let w = world(41).await;
    let file = temp("clear");
    let child = watch_cmd(
        &w,
        &[
            "--json",
            "--max-wait",
            "25",
            "--state",
            file.to_str().unwrap(),
        ],
    )
    .spawn()
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    save_the_edit(&w.lab);
    let out = finish(child).await;
    let rounds = lines(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{} {}",
        String::from_utf8_lossy(&out.stderr),
        rounds.last().map(|r| r.to_string()).unwrap_or_default()
    );

    let first = &rounds[0];
    assert_eq!(first["status"], "waiting");
    assert_eq!(first["phase"], "not_saved");
    assert_eq!(state(first, "authoritative"), ["not_saved", "not_saved"]);
    assert_eq!(state(first, "custom"), ["stale"]);
    let cache = &first["vantages"][2];
    let ttl = cache["stale_ttl"].as_u64().unwrap();
    assert!(ttl <= 4, "the cache's remaining TTL, not {ttl}");
    // Not asked again until the edit is saved.
    assert!(cache["next_check"].is_null(), "{cache}");
    assert!(first["vantages"][0]["next_check_in"].as_u64().unwrap() <= 1);
    assert_eq!(cache["gaps"][0]["kind"], "alias_present");

    let last = rounds.last().unwrap();
    assert_eq!(last["status"], "clear");
    assert!(last["cleared_at"].is_string());
    assert_eq!(state(last, "custom"), ["clear"]);
    let before = &rounds[rounds.len() - 2];
    assert_eq!(before["phase"], "propagating");
    assert!(before["vantages"][2]["next_check"].is_string());
    assert!(before["earliest"].is_string() && before["latest"].is_string());
    assert!(rounds[..rounds.len() - 1]
        .iter()
        .all(|r| r["status"] == "waiting"));
    // Few rounds: the edit is polled once a second at the DNS host, the cache at its expiry.
    assert!(rounds.len() <= 12, "{} rounds", rounds.len());

    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(
        saved.contains("\"phase\": \"clear\""),
        "the state file records the end"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_watch_resumes_from_its_state_file() {
    let w = world(42).await;
    let file = temp("resume");
    let child = watch_cmd(&w, &["--state", file.to_str().unwrap()])
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let stopped = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let out = finish(child).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{text}");
    assert!(text.contains("NOT SAVED"), "{text}");
    assert!(text.contains("The wait is saved in"), "{text}");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert!(saved.contains("\"not_saved\""));

    save_the_edit(&w.lab);
    let out = finish(
        watch_cmd(&w, &["--state", file.to_str().unwrap()])
            .spawn()
            .unwrap(),
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.starts_with("Resuming the wait for wait.test"),
        "{text}"
    );
    assert!(
        !text.contains("MX Doctor checked"),
        "a resumed wait does not check again: {text}"
    );
    assert!(text.contains("All clear"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wait_runs_out_with_exit_1_and_a_timeout_line() {
    let w = world(43).await;
    let out = finish(
        watch_cmd(&w, &["--json", "--max-wait", "2"])
            .spawn()
            .unwrap(),
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let rounds = lines(&out);
    let last = rounds.last().unwrap();
    assert_eq!(last["status"], "timeout");
    assert_eq!(last["phase"], "timed_out");
    assert_eq!(state(last, "authoritative"), ["not_saved", "not_saved"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unusable_state_file_is_set_aside_never_lost() {
    let w = world(44).await;
    let file = temp("corrupt");
    std::fs::write(&file, "{ this is not a wait \u{1F4A5}").unwrap();
    let out = finish(
        watch_cmd(
            &w,
            &[
                "--json",
                "--max-wait",
                "1",
                "--state",
                file.to_str().unwrap(),
            ],
        )
        .spawn()
        .unwrap(),
    )
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could not be used") && err.contains("set-aside"),
        "{err}"
    );
    let aside: Vec<PathBuf> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("set-aside"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap(),
        "{ this is not a wait \u{1F4A5}"
    );
    assert!(
        Path::new(&file).exists(),
        "a new wait was saved in its place"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_with_a_message() {
    let w = world(45).await;
    for (args, words) in [
        (
            vec!["--interval", "soon"],
            "--interval \"soon\" is not a duration",
        ),
        (vec!["--max-wait", "0"], "--max-wait must be between"),
        (
            vec!["--nameserver", "dns.google"],
            "is not a DNS server address",
        ),
    ] {
        let out = finish(watch_cmd(&w, &args).spawn().unwrap()).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_mxdoctor"))
        .args(["watch", "🙂.🙂", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "error");
    assert_eq!(v["error"]["code"], "bad_domain");
}

/// A resolver that never answers does not make the wait "clear": once every other vantage gives
/// the repaired records and it has failed three times in a row, the wait ends as
/// `clear_except`, naming it, with exit code 1; the rows the DNS host was seen saving are listed.
#[tokio::test(flavor = "multi_thread")]
async fn a_silent_resolver_ends_the_wait_as_clear_except_with_exit_1() {
    let w = world(46).await;
    let liar = Liar::start(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 47)), w.unbound.addr())
        .await
        .unwrap();
    liar.set(None, Fault::Timeout);
    let child = watch_cmd(
        &w,
        &[
            "--json",
            "--max-wait",
            "40",
            "--nameserver",
            &liar.addr().to_string(),
        ],
    )
    .spawn()
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    save_the_edit(&w.lab);
    let out = finish(child).await;
    let rounds = lines(&out);
    let last = rounds.last().unwrap();
    assert_eq!(out.status.code(), Some(1), "{last}");
    assert_eq!(last["status"], "clear_except", "{last}");
    assert_eq!(last["phase"], "clear_except");
    let except = last["except"].as_array().unwrap();
    assert_eq!(except.len(), 1, "{last}");
    assert_eq!(except[0]["server"], liar.addr().to_string());
    assert!(except[0]["failure"].is_string());
    assert!(
        rounds.iter().all(|r| r["status"] != "clear"),
        "never plain clear"
    );
    let rows = last["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["state"] == "saved"), "{last}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alias_option_the_check_did_not_offer_is_refused_with_exit_2() {
    let w = world(48).await;
    let out = finish(
        watch_cmd(&w, &["--json", "--option", "paint_it_blue"])
            .spawn()
            .unwrap(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(v["error"]["code"], "bad_option");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("paint_it_blue"));
}

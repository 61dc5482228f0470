//! `watch --state FILE` resumed with other flags: a saved wait for another plan (`--option`,
//! `--provider`) is set aside with a message and a new one starts; `--max-wait` given now
//! applies to the resumed wait.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use mxdoctor_dnsworld::{load_dir, Lab, Zone};
use serde_json::Value;

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

fn watch(lab: &Lab, state: &std::path::Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args([
        "watch",
        "seed001.test",
        "--provider",
        "alibaba-standard",
        "--json",
    ])
    .args(["--nameserver", &lab.resolver.addr().to_string()])
    .args(["--auth-port", &lab.auth_port.to_string()])
    .args(["--timeout", "1", "--interval", "1"])
    .args(["--state", state.to_str().unwrap()])
    .args(extra)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    cmd
}

fn interrupt_after(mut child: std::process::Child, secs: u64) -> std::process::Output {
    std::thread::sleep(Duration::from_secs(secs));
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_resumed_wait_follows_the_option_given_now_or_says_it_does_not() {
    let mut zones: Vec<Zone> = load_dir(&zones_dir()).unwrap().into_values().collect();
    zones.extend(load_dir(&zones_dir().join("parent")).unwrap().into_values());
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("mxdoctor-break-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("wait.json");
    let first = watch(&lab, &state, &["--option", "separate_subdomain"])
        .spawn()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || interrupt_after(first, 3))
        .await
        .unwrap();
    assert!(state.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    // Now the user picks another option, and a short limit.
    let second = watch(&lab, &state, &["--option", "move_cname", "--max-wait", "2"])
        .spawn()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || interrupt_after(second, 6))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last: Value = serde_json::from_str(stdout.lines().last().unwrap_or("{}")).unwrap();
    assert!(
        last["option"] == "move_cname" || stderr.contains("separate_subdomain"),
        "asked for move_cname; the wait follows {} and says only: {stderr}",
        last["option"]
    );
    assert_ne!(
        last["status"], "waiting",
        "--max-wait 2 was given, yet after 6 s the wait goes on (deadline {})",
        last["deadline"]
    );
}

/// Issue 13: a state file names its domain; one holding an escape sequence (it would retitle
/// the terminal and clear the screen), a C1 control or a right-to-left override is named in the
/// note escaped, never raw.
#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_domain_in_a_state_file_is_shown_escaped() {
    let zones: Vec<Zone> = load_dir(&zones_dir()).unwrap().into_values().collect();
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let dir = std::env::temp_dir().join(format!("mxdoctor-hostile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("wait.json");
    let first = watch(&lab, &state, &[]).spawn().unwrap();
    let out = tokio::task::spawn_blocking(move || interrupt_after(first, 3))
        .await
        .unwrap();
    let text = std::fs::read_to_string(&state)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let mut saved: Value = serde_json::from_str(&text).unwrap();
    saved["domain"] =
        "evil\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}2J\u{202e}\nPROBLEM forged.test".into();
    std::fs::write(&state, saved.to_string()).unwrap();
    let second = watch(&lab, &state, &[]).spawn().unwrap();
    let out = tokio::task::spawn_blocking(move || interrupt_after(second, 3))
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stderr.contains(r"evil\u{1b}]0;pwned\u{7}"),
        "the note names the file's domain, escaped: {stderr}"
    );
    for (name, text) in [("stderr", &stderr), ("stdout", &stdout)] {
        let raw: Vec<char> = text
            .chars()
            .filter(|&c| mxdoctor_core::domain::is_control_or_bidi(c) && c != '\n')
            .collect();
        assert!(
            raw.is_empty(),
            "raw controls on {name}: {raw:?} in {text:?}"
        );
        assert!(
            !text.lines().any(|l| l.starts_with("PROBLEM")),
            "a line break in the file forged a line on {name}: {text}"
        );
    }
}

//! Issue 13 break tests for the CLI's files: `--from-snapshot`, `--snapshot-out` and
//! `watch --state` given things that are not ordinary files, or paths that do not exist.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use mxdoctor_dnsworld::{load_dir, Lab};

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("mxdoctor-break-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `mxdoctor ARGS`, killed after `limit`; `None` when it had to be killed (it hung).
fn run_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mxdoctor"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A real snapshot of seed001.test, made by the CLI against the loopback world.
async fn honest_snapshot(at: &Path) {
    let zones = load_dir(&zones_dir()).unwrap().into_values().collect();
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let args = vec![
        "check".to_string(),
        "seed001.test".into(),
        "--json".into(),
        "--snapshot-out".into(),
        at.to_str().unwrap().into(),
        "--nameserver".into(),
        lab.resolver.addr().to_string(),
        "--auth-port".into(),
        lab.auth_port.to_string(),
        "--timeout".into(),
        "0.7".into(),
    ];
    let out = tokio::task::spawn_blocking(move || {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        run_within(&a, Duration::from_secs(8)).expect("a live check ends")
    })
    .await
    .unwrap();
    assert!(at.exists(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// User-visible harm: a script or helpdesk that passes a named pipe (`--from-snapshot
/// <(curl ...)` whose writer failed, or a FIFO left in a folder) to `check --from-snapshot` or
/// `watch --state` waits for ever with nothing printed: no refusal, no exit. The change says a
/// pipe is refused ("a device or a pipe could be endless"); it is opened first and blocks.
#[test]
fn a_named_pipe_as_snapshot_or_state_file_is_refused_at_once() {
    let d = dir("fifo");
    let fifo = d.join("pipe.json");
    if !mkfifo(&fifo) {
        eprintln!("SKIPPED: no mkfifo");
        return;
    }
    let path = fifo.to_str().unwrap();
    let mut results = Vec::new();
    for args in [
        vec!["check", "seed001.test", "--json", "--from-snapshot", path],
        // The state is read before anything is looked up; a refusal needs no DNS.
        vec!["watch", "seed001.test", "--json", "--state", path],
    ] {
        let out = run_within(&args, Duration::from_secs(3));
        results.push((args.join(" "), out.map(|o| o.status.code())));
    }
    std::fs::remove_dir_all(&d).ok();
    for (args, code) in results {
        let code = code.unwrap_or_else(|| panic!("`mxdoctor {args}` hung on a FIFO"));
        assert_eq!(code, Some(2), "{args}");
    }
}

/// User-visible harm: `--snapshot-out` naming a link to standard output (the usual way to pipe
/// a file on, `--snapshot-out /dev/stdout | gzip`; here a link in a temporary folder pointing
/// at /dev/stdout) prints nothing and replaces the link with a file, exit status as if it
/// worked. Run as root with `--snapshot-out /dev/stdout` it replaces the system's /dev/stdout
/// link with a regular file; as another user it fails (no temporary file can be made in
/// /dev). Before this change `std::fs::write` wrote through the link.
#[tokio::test(flavor = "multi_thread")]
async fn snapshot_out_through_a_link_to_stdout_reaches_stdout() {
    let d = dir("stdout");
    let honest = d.join("seed001.json");
    honest_snapshot(&honest).await;
    let link = d.join("out.json");
    std::os::unix::fs::symlink("/dev/stdout", &link).unwrap();
    let out = run_within(
        &[
            "check",
            "seed001.test",
            "--from-snapshot",
            honest.to_str().unwrap(),
            "--snapshot-out",
            link.to_str().unwrap(),
        ],
        Duration::from_secs(5),
    )
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let kept_link = std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink();
    std::fs::remove_dir_all(&d).ok();
    assert!(kept_link, "the link was replaced by a plain file");
    assert!(
        stdout.contains("\"format\": 1"),
        "the snapshot never reached standard output: {stdout}"
    );
}

/// User-visible harm: a mistyped or not-mounted `--snapshot-out` folder (`/media/usb/x.json`
/// while the stick is not mounted, `~/Dekstop/x.json`) is created silently and the snapshot
/// saved there; the helpdesk is told nothing and cannot find the file where they asked for it.
/// Before this change the command refused (exit 2, `snapshot_unwritable`).
#[tokio::test(flavor = "multi_thread")]
async fn snapshot_out_into_a_folder_that_does_not_exist_is_refused() {
    let d = dir("noparent");
    let honest = d.join("seed001.json");
    honest_snapshot(&honest).await;
    let missing = d.join("not-mounted").join("usb").join("x.json");
    let out = run_within(
        &[
            "check",
            "seed001.test",
            "--json",
            "--from-snapshot",
            honest.to_str().unwrap(),
            "--snapshot-out",
            missing.to_str().unwrap(),
        ],
        Duration::from_secs(5),
    )
    .unwrap();
    let created = d.join("not-mounted").exists();
    std::fs::remove_dir_all(&d).ok();
    assert!(
        !created,
        "folders were created that the user never asked for"
    );
    assert_eq!(out.status.code(), Some(2));
}

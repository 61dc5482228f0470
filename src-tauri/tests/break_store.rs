//! Issue 13 break tests for the app's store (its own process: one store file per test, one
//! test at a time, as in store.rs).

use std::sync::Mutex;

use serde_json::json;
use tauri::Manager;

mod common;
use common::{app, invoke, lab};

use mxdoctor_app::persist::STORE_FILE;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// User-visible harm: the history of recent checks is read all or nothing. One line the app
/// cannot read (a status a newer MX Doctor writes, a hand edit, one damaged value) makes the
/// whole list read as empty, and the next check then *writes* a history of one line over the
/// file: the nine good lines are gone for good, with no notice and no set-aside copy. The
/// code's own comment promises "an unreadable entry reads as none". (Older than issue 13, but
/// the store rewrite kept it, and it is the "recent checks were gone" loss the issue is about.)
#[test]
fn one_unreadable_line_of_history_does_not_wipe_the_other_lines() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lab = lab(&runtime);
    let (app, window) = app("break-recent");
    let dir = app.path().app_data_dir().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let line = |d: &str, status: &str| {
        json!({"input": d, "domain": d, "provider": null, "mx": [],
            "status": status, "problems": 1, "risks": 0, "taken_at": 1_800_000_000u64})
    };
    let mut lines: Vec<_> = (1..=8)
        .map(|i| line(&format!("good{i}.example"), "problems"))
        .collect();
    lines.insert(
        3,
        line("newer.example", "some_status_a_newer_version_writes"),
    );
    std::fs::write(dir.join(STORE_FILE), json!({ "recent": lines }).to_string()).unwrap();

    invoke(
        &window,
        "run_check",
        json!({
            "request": {"input": "seed000.test", "provider": "alibaba-standard", "mx": [],
                "resolvers": [lab.resolver.addr().to_string()]},
            "onLookup": "__CHANNEL__:1"
        }),
    )
    .unwrap();
    let recent = invoke(&window, "recent_checks", json!({})).unwrap();
    let domains: Vec<&str> = recent
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["domain"].as_str().unwrap())
        .collect();
    let on_disk = std::fs::read_to_string(dir.join(STORE_FILE)).unwrap();
    // The whole XDG_DATA_HOME of this test (common::app names it after the test and process).
    std::fs::remove_dir_all(
        std::env::temp_dir().join(format!("mxdoctor-break-recent-{}", std::process::id())),
    )
    .ok();
    assert!(
        domains.contains(&"good1.example") && domains.contains(&"good8.example"),
        "the eight readable checks were lost: {domains:?}"
    );
    assert!(on_disk.contains("good1.example"), "and on the disk too");
}

//! The store file on its own (its own process, so no other test writes the same file): an
//! unreadable one is moved aside with a message, never overwritten.

use serde_json::json;

mod common;
use common::{app, invoke};

#[test]
fn an_unreadable_store_is_moved_aside_with_a_message_and_the_app_starts_fresh() {
    use tauri::Manager;

    let (app, window) = app("store");
    let dir = app.path().app_data_dir().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(mxdoctor_app::persist::STORE_FILE);
    std::fs::write(&file, "{ not json \u{1F4A5}").unwrap();
    let notice = invoke(&window, "startup_notice", json!({})).unwrap();
    let text = notice.as_str().expect("a message for the user");
    assert!(
        text.contains("could not be read") && text.contains("set-aside"),
        "{text}"
    );
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("set-aside"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap(),
        "{ not json \u{1F4A5}"
    );
    // Fresh: no wait to resume, and the history is empty.
    assert_eq!(
        invoke(&window, "recent_checks", json!({})).unwrap(),
        json!([])
    );
}

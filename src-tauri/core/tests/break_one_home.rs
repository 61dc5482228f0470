//! Issue 14 break tests: "one home per concern" — the wall clock is read in one place
//! (`core/src/time.rs`: `unix_now`, `now_millis`), not rebuilt by the app and the wait.
//!
//! User-visible harm: the same rule written three times drifts (one copy already differs in
//! units: the app's check takes seconds by hand, the wait's clock milliseconds by hand, while
//! `time::now_millis` exists and is used by nobody); a clock fix (e.g. a clock set before 1970,
//! or a test clock) made in `time.rs` does not reach the check's `taken_at` or the wait's rounds.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(path) = todo.pop() {
        if path.is_dir() {
            todo.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            found.push(path);
        }
    }
    found
}

#[test]
fn break_the_wall_clock_is_read_only_in_core_time_rs() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut copies = Vec::new();
    for dir in ["core/src", "cli/src", "src"] {
        for path in rust_files(&root.join(dir)) {
            if path.ends_with("core/src/time.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Code only: a file's test module (at its end) may do as it likes.
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            if code.contains("SystemTime::now()") {
                copies.push(path.strip_prefix(&root).unwrap().display().to_string());
            }
        }
    }
    assert!(
        copies.is_empty(),
        "the wall clock is read outside core/src/time.rs in: {copies:?}"
    );
}

//! The store file on its own (its own process, so no other test writes the same file): an
//! unreadable one is moved aside with a message, never overwritten; a save that cannot be
//! written (a full disk) changes nothing, on the disk or in the app, and is told. The app reads
//! its store at the first command that needs it, so each test prepares the file between
//! building the app and its first command.

use std::sync::Mutex;

use serde_json::json;
use tauri::Manager;

mod common;
use common::{app, invoke};

use mxdoctor_app::persist::STORE_FILE;

/// The data folder comes from `XDG_DATA_HOME`, one variable for the process: one test at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn app_and_folder(
    name: &str,
) -> (
    std::sync::MutexGuard<'static, ()>,
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
    std::path::PathBuf,
) {
    let guard = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let (app, window) = app(name);
    let dir = app.path().app_data_dir().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    (guard, app, window, dir)
}

#[test]
fn an_unreadable_store_is_moved_aside_with_a_message_and_the_app_starts_fresh() {
    let (_one, _app, window, dir) = app_and_folder("store-unreadable");
    let file = dir.join(STORE_FILE);
    std::fs::write(&file, "{ not json \u{1F4A5}").unwrap();
    // A typed notice the window words in its language: what went wrong, and where the old
    // file went.
    let notice = invoke(&window, "startup_notice", json!({})).unwrap();
    assert_eq!(notice["kind"], "set_aside", "{notice}");
    assert!(
        notice["aside"].as_str().unwrap().contains("set-aside"),
        "{notice}"
    );
    assert!(!notice["problem"].as_str().unwrap().is_empty(), "{notice}");
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
    // Fresh: the history is empty, and saving works again (into a new file).
    assert_eq!(
        invoke(&window, "recent_checks", json!({})).unwrap(),
        json!([])
    );
    let mut settings = invoke(&window, "get_settings", json!({})).unwrap();
    settings["technical"] = json!(true);
    invoke(&window, "save_settings", json!({ "settings": settings })).unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["settings"]["technical"], json!(true));
}

#[test]
fn a_store_written_by_hand_with_a_domain_twice_lists_it_once() {
    let (_one, _app, window, dir) = app_and_folder("store-twice");
    let line = json!({"input": "a.example", "domain": "a.example", "provider": null, "mx": [],
        "status": "problems", "problems": 1, "risks": 0, "taken_at": 1_800_000_000u64});
    std::fs::write(
        dir.join(STORE_FILE),
        json!({ "recent": [line.clone(), line.clone(), line] }).to_string(),
    )
    .unwrap();
    let recent = invoke(&window, "recent_checks", json!({})).unwrap();
    assert_eq!(recent.as_array().unwrap().len(), 1, "{recent}");
}

/// A full disk: the store's folder is a tiny tmpfs, filled up. Saving the settings is refused
/// with `not_saved` in words, the file on the disk still holds the previous settings, and the
/// app keeps showing those (what it holds is what the disk holds). Needs `mount` (root); where
/// it is not allowed the injected-writer test of `mxdoctor_core::files` covers the same path.
#[test]
fn a_save_onto_a_full_disk_is_refused_in_words_and_the_previous_settings_stay() {
    let (_one, _app, window, dir) = app_and_folder("store-full");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: no tmpfs could be mounted here (not root?)");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(dir.clone());
    let mut settings = invoke(&window, "get_settings", json!({})).unwrap();
    settings["check_every_secs"] = json!(20);
    invoke(
        &window,
        "save_settings",
        json!({ "settings": settings.clone() }),
    )
    .unwrap();
    let before = std::fs::read_to_string(dir.join(STORE_FILE)).unwrap();

    // Fill the disk to the last byte.
    let mut filler = std::fs::File::create(dir.join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    let _ = std::io::Write::write_all(&mut filler, &[0u8; 1]);
    drop(filler);

    let mut changed = settings.clone();
    changed["check_every_secs"] = json!(30);
    changed["technical"] = json!(true);
    let err = invoke(&window, "save_settings", json!({ "settings": changed })).unwrap_err();
    assert_eq!(err["code"], "not_saved", "{err}");
    let message = err["message"].as_str().unwrap();
    assert!(message.contains("No space left"), "{message}");
    // The disk and the app both still hold the previous settings.
    assert_eq!(
        std::fs::read_to_string(dir.join(STORE_FILE)).unwrap(),
        before
    );
    assert_eq!(
        invoke(&window, "get_settings", json!({})).unwrap(),
        settings
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(
        !left.iter().any(|n| n.ends_with(".part")),
        "no half-written file is left: {left:?}"
    );

    // Room again: the same save goes through.
    std::fs::remove_file(dir.join("filler")).unwrap();
    let mut changed = settings.clone();
    changed["check_every_secs"] = json!(30);
    invoke(
        &window,
        "save_settings",
        json!({ "settings": changed.clone() }),
    )
    .unwrap();
    assert_eq!(invoke(&window, "get_settings", json!({})).unwrap(), changed);
}

/// The store file was read again by every command, so a read that caught a write half-done
/// moved a good file aside and lost everything. Now it is read once per run: whatever happens
/// to the file afterwards (here, something writing half a file) is not read back, nothing is
/// moved aside, and the next save writes the app's whole state over it.
#[test]
fn the_store_is_read_once_per_run_and_never_again_under_a_writer() {
    let (_one, _app, window, dir) = app_and_folder("store-once");
    let file = dir.join(STORE_FILE);
    let mut settings = invoke(&window, "get_settings", json!({})).unwrap();
    settings["technical"] = json!(true);
    invoke(
        &window,
        "save_settings",
        json!({ "settings": settings.clone() }),
    )
    .unwrap();
    // Another writer caught mid-write: half a file.
    let whole = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, &whole[..whole.len() / 2]).unwrap();
    for _ in 0..5 {
        assert_eq!(
            invoke(&window, "get_settings", json!({})).unwrap(),
            settings
        );
        assert_eq!(
            invoke(&window, "startup_notice", json!({})).unwrap(),
            json!(null)
        );
    }
    let aside = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains("set-aside")
        })
        .count();
    assert_eq!(aside, 0, "nothing was moved aside");
    settings["check_every_secs"] = json!(25);
    invoke(
        &window,
        "save_settings",
        json!({ "settings": settings.clone() }),
    )
    .unwrap();
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["settings"], settings);
}

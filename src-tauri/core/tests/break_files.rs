//! Issue 13 break tests for `mxdoctor_core::files`: things a user names as a file that are not
//! ordinary files. `read_limited` promises to refuse "a device or a pipe" (they could be
//! endless), and `write_atomic` to write "whole or not at all" where the user said.

use std::path::Path;
use std::time::Duration;

use mxdoctor_core::files::{read_limited, write_atomic};

/// Runs `f` on a thread and gives its result, or `None` when it has not returned after 3 s.
fn within_3s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(3)).ok()
}

fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// User-visible harm: `mxdoctor watch --state FILE` and `mxdoctor check --from-snapshot FILE`
/// hang for ever, silently, when FILE is a named pipe (a FIFO, or a `<(...)` process
/// substitution nobody writes to); the app would freeze the same way at its first command if
/// its store file were one. `read_limited` opens the file *before* it looks at what it is, and
/// opening a FIFO for reading blocks until a writer comes. It must refuse it as `NotAFile`.
#[test]
fn reading_a_named_pipe_is_refused_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("wait.json");
    if !mkfifo(&fifo) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let path = fifo.clone();
    let result = within_3s(move || read_limited(&path, 4096).map_err(|e| e.to_string()));
    // Unblock the reader (if it is still stuck) so the thread can end.
    let _ = std::fs::OpenOptions::new()
        .write(true)
        .custom_flags_nonblock()
        .open(&fifo);
    let result = result.expect("read_limited on a FIFO hangs instead of refusing it");
    assert!(result.is_err(), "a FIFO was read as a file: {result:?}");
}

trait NonBlock {
    fn custom_flags_nonblock(&mut self) -> &mut Self;
}
impl NonBlock for std::fs::OpenOptions {
    fn custom_flags_nonblock(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.custom_flags(0o4000) // O_NONBLOCK
    }
}

/// User-visible harm: `--snapshot-out` (and the window's "Save the snapshot as a file…") given
/// a character device replaces the device node with a regular file and reports success. Run
/// as root, `mxdoctor check example.com --snapshot-out /dev/null` deletes the system's
/// /dev/null (every program that writes to it then writes into a file), and
/// `--snapshot-out /dev/full` "succeeds" where it used to fail with "no space left". Shown here
/// on a copy of /dev/null made with mknod in a temporary folder (skipped when not root).
#[test]
fn writing_onto_a_device_never_replaces_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let dev = dir.path().join("null");
    let made = std::process::Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("SKIPPED: mknod not permitted (not root)");
        return;
    }
    let _ = write_atomic(&dev, b"{\"format\": 1}");
    let kind = std::fs::symlink_metadata(&dev).unwrap().file_type();
    assert!(
        kind.is_char_device(),
        "the device node was replaced by a {kind:?}"
    );
}

/// User-visible harm: `--snapshot-out out.json` where out.json is a symbolic link (to a file
/// in a synced folder, or `/dev/stdout` to pipe the snapshot on) replaces the link itself with
/// a new regular file: the file the link pointed to is never updated, though the command says
/// nothing went wrong. (Before this change, `std::fs::write` wrote through the link.)
#[test]
fn writing_through_a_symbolic_link_updates_the_file_it_points_to() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("synced-copy.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("snapshot.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    write_atomic(&link, b"new").unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link was replaced by a plain file"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
}

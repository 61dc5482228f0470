//! Files both front ends write and read, done one way: written whole or not at all, set aside
//! rather than overwritten, and read with a size limit (a customer's file may be anything).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same folder, flushed to
/// the disk, then renamed over `path`. On any failure (a full disk, a folder that cannot be
/// written) `path` keeps what it held before and the temporary file is removed.
///
/// The folder must exist (a mistyped path, or a stick that is not mounted, is an error, not a
/// new folder). A symbolic link is followed: the file it points to is replaced, the link stays.
/// What is not a regular file (`/dev/stdout`, `/dev/null`, a pipe) is written into directly,
/// never replaced: renaming over it would replace the device itself.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// What `path` names, once symbolic links are followed: the file to write, and whether it is
/// a regular file (or nothing yet).
fn target(path: &Path) -> std::io::Result<(PathBuf, bool)> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok((
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
            meta.is_file(),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link names the file it would point to.
            match std::fs::read_link(path) {
                Ok(to) => Ok((path.parent().unwrap_or(Path::new(".")).join(to), true)),
                Err(_) => Ok((path.to_path_buf(), true)),
            }
        }
        Err(e) => Err(e),
    }
}

/// [`write_atomic`] with the writing done by `write` (tests inject a failing writer).
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let (path, regular) = target(path)?;
    if !regular {
        if std::fs::metadata(&path)?.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a folder",
            ));
        }
        let mut device = std::fs::OpenOptions::new().write(true).open(&path)?;
        write(&mut device)?;
        return device.flush();
    }
    let path = path.as_path();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".mxdoctor-")
        .suffix(".part")
        .tempfile_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file_mut().flush()?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        // The file keeps its permissions (tempfile creates 0600).
        tmp.as_file().set_permissions(meta.permissions())?;
    } else {
        set_readable(tmp.as_file())?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    // The rename itself reaches the disk once the folder is flushed (not possible everywhere).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn set_readable(file: &std::fs::File) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_readable(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// Moves `path` aside, never over another file: `NAME.set-aside-STAMP`, then `-2`, `-3`…
/// Returns where it went.
pub fn set_aside(path: &Path, stamp: u64) -> std::io::Result<PathBuf> {
    for n in 1..1000u32 {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".set-aside-{stamp}"));
        if n > 1 {
            name.push(format!("-{n}"));
        }
        let aside = PathBuf::from(name);
        if std::fs::symlink_metadata(&aside).is_ok() {
            continue;
        }
        std::fs::rename(path, &aside)?;
        return Ok(aside);
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "too many files were set aside already",
    ))
}

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("it cannot be read ({0})")]
    Io(#[from] std::io::Error),
    #[error("it is not a file")]
    NotAFile,
    #[error("it is larger than {} MB, far more than such a file ever holds", .limit / (1024 * 1024))]
    TooLarge { limit: usize },
    #[error("it is not text (UTF-8)")]
    NotText,
}

/// The text of the file at `path`, refused above `limit` bytes (read no further), when it is
/// not a regular file (a device or a pipe could be endless) and when it is not UTF-8. A byte
/// order mark at the start (Notepad writes one) is dropped, as a browser reading the file does.
pub fn read_limited(path: &Path, limit: usize) -> Result<String, ReadError> {
    // Looked at before it is opened: opening a named pipe waits for a writer, for ever.
    if !std::fs::metadata(path)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let mut bytes = Vec::new();
    file.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    let text = String::from_utf8(bytes).map_err(|_| ReadError::NotText)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_replaces_the_whole_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"first, a longer text").unwrap();
        write_atomic(&path, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "second");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only the file itself is left");
    }

    #[test]
    fn writing_onto_a_folder_is_refused_and_the_folder_and_its_neighbours_kept() {
        // The failure half-way through a write is `a_writer_that_fails_half_way_…`; this one
        // is a folder where the file should be: refused before anything is written.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"kept").unwrap();
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), "x").unwrap();
        assert!(write_atomic(&blocked, b"new").is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
        assert!(blocked.join("inside").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(
            !names.iter().any(|n| n.ends_with(".part")),
            "the temporary file is removed: {names:?}"
        );
    }

    #[test]
    fn a_writer_that_fails_half_way_leaves_the_previous_file_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        write_atomic(&path, b"kept").unwrap();
        let err = write_atomic_with(&path, |f| {
            f.write_all(b"half of the new")?;
            Err(std::io::Error::from_raw_os_error(28)) // ENOSPC: no space left on device
        })
        .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(28));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn setting_aside_never_overwrites_an_earlier_copy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wait.json");
        std::fs::write(&path, "one").unwrap();
        let first = set_aside(&path, 7).unwrap();
        std::fs::write(&path, "two").unwrap();
        let second = set_aside(&path, 7).unwrap();
        assert_ne!(first, second);
        assert_eq!(std::fs::read_to_string(first).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(second).unwrap(), "two");
        assert!(!path.exists());
    }

    #[test]
    fn reading_stops_at_the_limit_and_refuses_what_is_not_a_text_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b'a'; 2049]).unwrap();
        assert!(matches!(
            read_limited(&path, 2048),
            Err(ReadError::TooLarge { .. })
        ));
        assert_eq!(read_limited(&path, 4096).unwrap().len(), 2049);
        std::fs::write(&path, [0xff, 0xfe, 0x00]).unwrap();
        assert!(matches!(read_limited(&path, 4096), Err(ReadError::NotText)));
        assert!(matches!(
            read_limited(dir.path(), 4096),
            Err(ReadError::NotAFile) | Err(ReadError::Io(_))
        ));
        if Path::new("/dev/zero").exists() {
            assert!(matches!(
                read_limited(Path::new("/dev/zero"), 4096),
                Err(ReadError::NotAFile)
            ));
        }
    }
}

//! What the app remembers: the wait in progress (so closing and reopening the app resumes it),
//! the step the window showed, the settings and the recent checks, in one JSON file in the
//! app's data folder.
//!
//! The file is read once, when the app starts, and never again under a writer. Every change is
//! written whole or not at all ([`mxdoctor_core::files::write_atomic`]: a temporary file,
//! flushed, then renamed), so a full disk or a crash mid-write leaves the previous file as it
//! was; a change that could not be written is undone in memory too, and the user is told. A
//! file that cannot be read is moved aside, never lost, and the app starts fresh with a message.
//! (tauri-plugin-store was used before: it saves with a plain truncate-then-write, also on its
//! own at exit, which a full disk turned into a cut-off file and every setting lost.)

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mxdoctor_core::files;
use mxdoctor_core::propagation::Wait;
use mxdoctor_core::report::CheckReport;
use mxdoctor_core::Snapshot;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tauri::{AppHandle, Emitter, Manager, Runtime};

use crate::error::{AppError, ErrorCode};
use crate::model::{RecentCheck, SaveState, SavedPractice, Session, Settings, Step, StoreNotice};

/// The most the store file may weigh when it is read (it holds a few snapshots at most).
pub const MAX_STORE_BYTES: usize = 32 * 1024 * 1024;

/// The app's saved state: the file's contents in memory, written back whole on every change.
pub struct Store {
    path: Option<PathBuf>,
    /// The store file that could be neither read nor moved aside, if so.
    blocked: Option<String>,
    data: Mutex<Map<String, Value>>,
    /// What the user is told at start (the file could not be read and was moved aside).
    notice: Option<StoreNotice>,
    /// The last save that failed, so the window is told once, and told again when saving works.
    failing: Mutex<Option<String>>,
}

/// A change that could not be written: nothing changed, on the disk or in memory.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("MX Doctor has no folder to save in on this computer")]
    NoFolder,
    #[error("{0} could not be read nor moved aside, and MX Doctor never writes over it")]
    Blocked(String),
    #[error("{path} could not be written ({source})")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

impl Store {
    /// Reads `path` once. A missing file is a fresh start; one that cannot be read as the
    /// store is moved aside (`mxdoctor.json.set-aside-TIME`) with a notice; `None` (no data
    /// folder) keeps everything in memory and every save says so.
    pub fn open(path: Option<PathBuf>) -> Self {
        let (data, notice, writable) = match &path {
            Some(p) => read_or_set_aside(p),
            None => (Map::new(), None, false),
        };
        Self {
            // A file that could be neither read nor moved aside is never written over.
            blocked: path
                .as_ref()
                .filter(|_| !writable)
                .map(|p| p.display().to_string()),
            path: path.filter(|_| writable),
            data: Mutex::new(data),
            notice,
            failing: Mutex::new(None),
        }
    }

    pub fn notice(&self) -> Option<StoreNotice> {
        self.notice.clone()
    }

    /// The value under `key`, as it was last saved.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.data.lock().ok()?.get(key).cloned()
    }

    /// Makes `change` and writes the whole store; when the write fails, the change is dropped
    /// in memory too, so what the app holds is always what the disk holds.
    pub fn update(&self, change: impl FnOnce(&mut Map<String, Value>)) -> Result<(), SaveError> {
        let mut data = self.data.lock().unwrap_or_else(|p| p.into_inner());
        let mut next = data.clone();
        change(&mut next);
        if next == *data {
            return Ok(());
        }
        let path = match (&self.path, &self.blocked) {
            (Some(p), None) => p.as_path(),
            (_, Some(blocked)) => return Err(SaveError::Blocked(blocked.clone())),
            (None, None) => return Err(SaveError::NoFolder),
        };
        let bytes = serde_json::to_vec_pretty(&next).expect("JSON values always serialise");
        let write = |source| SaveError::Write {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        files::write_atomic(path, &bytes).map_err(write)?;
        *data = next;
        Ok(())
    }

    /// Sets `key` to `value` and writes the store.
    pub fn set(&self, key: &str, value: impl Serialize) -> Result<(), SaveError> {
        let value = serde_json::to_value(value).expect("the app's types always serialise");
        self.update(|m| {
            m.insert(key.to_string(), value);
        })
    }

    /// Removes `keys` and writes the store.
    pub fn remove(&self, keys: &[&str]) -> Result<(), SaveError> {
        self.update(|m| {
            for k in keys {
                m.remove(*k);
            }
        })
    }
}

/// The event the window hears when saving starts failing (`detail` says why) or works again
/// (`detail` is `None`).
pub const SAVE_EVENT: &str = "save-state";

/// Where the app's store lives between commands (managed by the app).
#[derive(Default)]
pub struct StoreCell(std::sync::OnceLock<Store>);

/// The app's store: its file is read by the first command that needs it, once per run.
pub fn store<R: Runtime>(app: &AppHandle<R>) -> &Store {
    app.state::<StoreCell>()
        .inner()
        .0
        .get_or_init(|| Store::open(app.path().app_data_dir().ok().map(|d| d.join(STORE_FILE))))
}

/// Tells the window when saving starts failing or works again, and turns a failure into the
/// `not_saved` error for commands that report it. Every save of the app goes through here.
pub fn told<R: Runtime>(
    app: &AppHandle<R>,
    result: Result<(), SaveError>,
) -> crate::error::Result<()> {
    let store = store(app);
    let detail = result.as_ref().err().map(ToString::to_string);
    if let Ok(mut failing) = store.failing.lock() {
        if *failing != detail {
            failing.clone_from(&detail);
            if let Some(d) = &detail {
                tracing::warn!("not saved: {d}");
            }
            let _ = app.emit(
                SAVE_EVENT,
                SaveState {
                    detail: detail.clone(),
                },
            );
        }
    }
    match detail {
        None => Ok(()),
        Some(d) => Err(AppError::new(ErrorCode::NotSaved, d)),
    }
}

fn read_or_set_aside(path: &Path) -> (Map<String, Value>, Option<StoreNotice>, bool) {
    let problem = match files::read_limited(path, MAX_STORE_BYTES) {
        Err(files::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return (Map::new(), None, true)
        }
        Err(e) => e.to_string(),
        Ok(text) => match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => return (map, None, true),
            Ok(_) => "it does not hold settings".to_string(),
            Err(e) => e.to_string(),
        },
    };
    match files::set_aside(path, mxdoctor_core::time::unix_now()) {
        Ok(aside) => (
            Map::new(),
            Some(StoreNotice::SetAside {
                problem,
                aside: aside.display().to_string(),
            }),
            true,
        ),
        Err(e) => (
            Map::new(),
            Some(StoreNotice::Blocked {
                problem,
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
            false,
        ),
    }
}

pub const STORE_FILE: &str = "mxdoctor.json";
const WAIT_KEY: &str = "wait";
const REPORT_KEY: &str = "report";
const RECENT_KEY: &str = "recent";
/// How many recent checks are remembered.
pub const RECENT_MAX: usize = 10;

/// The recent checks, newest first; an unreadable entry reads as none.
/// A domain listed twice (a file written by hand) is listed once, at its newest place.
pub fn recent(store: &Store) -> Vec<RecentCheck> {
    // Line by line: one damaged line (an older version's, or a hand edit) loses only itself.
    let lines: Vec<Value> = store
        .get(RECENT_KEY)
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    let mut list: Vec<RecentCheck> = lines
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect();
    let mut seen = std::collections::HashSet::new();
    list.retain(|c| seen.insert(c.domain.clone()));
    list.truncate(RECENT_MAX);
    list
}

/// Puts `check` first, dropping an older line for the same domain, keeping [`RECENT_MAX`].
pub fn remember(store: &Store, check: RecentCheck) -> Result<(), SaveError> {
    let mut list = recent(store);
    list.retain(|c| c.domain != check.domain);
    list.insert(0, check);
    list.truncate(RECENT_MAX);
    store.set(RECENT_KEY, &list)
}

/// The wait with the check it follows (for the summary after a restart), saved together.
pub fn save_wait(
    store: &Store,
    wait: &Wait,
    report: Option<&CheckReport>,
) -> Result<(), SaveError> {
    save_wait_while(store, wait, report, || true)
}

/// [`save_wait`], only if `current()` still holds once no other save runs: a round that ends
/// while the user stops the wait never writes it back after it was forgotten.
pub fn save_wait_while(
    store: &Store,
    wait: &Wait,
    report: Option<&CheckReport>,
    current: impl FnOnce() -> bool,
) -> Result<(), SaveError> {
    let wait = serde_json::to_value(wait).expect("a wait always serialises");
    let report = report.map(|r| serde_json::to_value(r).expect("a report always serialises"));
    store.update(|m| {
        if !current() {
            return;
        }
        m.insert(WAIT_KEY.to_string(), wait);
        if let Some(r) = report {
            m.insert(REPORT_KEY.to_string(), r);
        }
    })
}

/// The saved wait, if there is one that can still be used (a damaged one is left in the file,
/// where the next wait replaces it).
pub fn load_wait(store: &Store) -> Option<Wait> {
    let value = store.get(WAIT_KEY)?;
    match Wait::from_json(&value.to_string()) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!("saved wait unusable, not resumed: {e}");
            None
        }
    }
}

pub fn load_report(store: &Store) -> Option<CheckReport> {
    serde_json::from_value(store.get(REPORT_KEY)?).ok()
}

pub fn clear_wait(store: &Store) -> Result<(), SaveError> {
    store.remove(&[WAIT_KEY, REPORT_KEY])
}

const SETTINGS_KEY: &str = "settings";
const SESSION_KEY: &str = "session";

/// Saved settings; unusable ones read as the defaults.
pub fn load_settings(store: &Store) -> Settings {
    store
        .get(SETTINGS_KEY)
        .and_then(|v| serde_json::from_value::<Settings>(v).ok())
        .filter(|s| s.wait_settings().is_ok())
        .unwrap_or_default()
}

pub fn save_settings(store: &Store, settings: &Settings) -> Result<(), SaveError> {
    store.set(SETTINGS_KEY, settings)
}

#[derive(Serialize, Deserialize)]
struct SavedSession {
    session: Session,
    snapshot: Option<Snapshot>,
}

pub fn save_session(
    store: &Store,
    session: &Session,
    snapshot: Option<&Snapshot>,
) -> Result<(), SaveError> {
    let saved = SavedSession {
        session: session.clone(),
        snapshot: snapshot.filter(|_| session.step != Step::Prepare).cloned(),
    };
    store.set(SESSION_KEY, &saved)
}

/// The saved session and the snapshot of its check, if one was kept.
pub fn load_session(store: &Store) -> Option<(Session, Option<Snapshot>)> {
    let saved: SavedSession = serde_json::from_value(store.get(SESSION_KEY)?).ok()?;
    Some((saved.session, saved.snapshot))
}

const JOURNAL_KEY: &str = "journal";

/// The journal of the last "Let MX Doctor make these changes" (never a key: the journal holds
/// none), kept so that undo works after a restart; `None` forgets it.
pub fn save_journal(
    store: &Store,
    journal: Option<&mxdoctor_core::apply::Journal>,
) -> Result<(), SaveError> {
    match journal {
        Some(j) => store.set(JOURNAL_KEY, j),
        None => store.remove(&[JOURNAL_KEY]),
    }
}

/// The saved journal, if one can be read.
pub fn load_journal(store: &Store) -> Option<mxdoctor_core::apply::Journal> {
    serde_json::from_value(store.get(JOURNAL_KEY)?).ok()
}

const PRACTICE_KEY: &str = "practice";

/// Practice mode's scenario and records; `None` forgets them (practice mode left).
pub fn save_practice(store: &Store, practice: Option<&SavedPractice>) -> Result<(), SaveError> {
    match practice {
        Some(p) => store.set(PRACTICE_KEY, p),
        None => store.remove(&[PRACTICE_KEY]),
    }
}

pub fn load_practice(store: &Store) -> Option<SavedPractice> {
    serde_json::from_value(store.get(PRACTICE_KEY)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mxdoctor_core::propagation::{Condition, VantageKind, VantageSpec, WaitSettings};

    fn wait() -> Wait {
        let provider = mxdoctor_core::providers::by_id("alibaba-standard").unwrap();
        Wait::new(
            "example.com",
            Some(provider.id.clone()),
            vec![Condition::MailServers {
                name: "example.com".into(),
                provider: Box::new(provider.clone()),
            }],
            vec![VantageSpec {
                kind: VantageKind::Authoritative,
                name: "ns1.example.com".into(),
                server: "127.0.0.1:53".parse().unwrap(),
            }],
            WaitSettings::default(),
            1_800_000_000_000,
        )
        .unwrap()
    }

    /// The user stops the wait while a round is being saved: the round sees it is no longer
    /// current and writes nothing, so the stopped wait never comes back at the next start.
    #[test]
    fn a_round_of_a_stopped_wait_is_not_written_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(Some(dir.path().join(STORE_FILE)));
        save_wait_while(&store, &wait(), None, || false).unwrap();
        assert!(load_wait(&store).is_none());
        assert!(!dir.path().join(STORE_FILE).exists());
        save_wait_while(&store, &wait(), None, || true).unwrap();
        assert!(load_wait(&store).is_some());
        clear_wait(&store).unwrap();
        let reopened = Store::open(Some(dir.path().join(STORE_FILE)));
        assert!(load_wait(&reopened).is_none());
    }
}

//! What the app remembers, through tauri-plugin-store: the wait in progress (so closing and
//! reopening the app resumes it). A store file that cannot be read is moved aside, never lost,
//! and the app starts fresh with a message.

use std::sync::Arc;

use mxdoctor_core::diagnose::Severity;
use mxdoctor_core::propagation::Wait;
use mxdoctor_core::report::{CheckReport, CheckStatus};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::{Store, StoreExt};
use ts_rs::TS;

pub const STORE_FILE: &str = "mxdoctor.json";
const WAIT_KEY: &str = "wait";
const REPORT_KEY: &str = "report";
const RECENT_KEY: &str = "recent";
/// How many recent checks are remembered.
pub const RECENT_MAX: usize = 10;

/// One line of the history of checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentCheck {
    /// What the user typed, so "check again" repeats it exactly.
    pub input: String,
    pub domain: String,
    pub provider: Option<String>,
    /// With the `custom` provider: the MX rows given.
    pub mx: Vec<String>,
    pub status: CheckStatus,
    pub problems: u32,
    pub risks: u32,
    /// Unix seconds.
    #[ts(type = "number")]
    pub taken_at: u64,
}

impl RecentCheck {
    pub fn of(report: &CheckReport, provider: Option<String>, mx: Vec<String>) -> Self {
        let count = |s: Severity| {
            report
                .findings
                .iter()
                .filter(|f| f.finding.severity == s)
                .count() as u32
        };
        Self {
            input: report.input.clone(),
            domain: report.domain_unicode.clone(),
            provider,
            mx,
            status: report.status,
            problems: count(Severity::Error),
            risks: count(Severity::Warning),
            taken_at: report.taken_at,
        }
    }
}

/// The recent checks, newest first; an unreadable entry reads as none.
pub fn recent<R: Runtime>(store: &Store<R>) -> Vec<RecentCheck> {
    store
        .get(RECENT_KEY)
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// Puts `check` first, dropping an older line for the same domain, keeping [`RECENT_MAX`].
pub fn remember<R: Runtime>(store: &Store<R>, check: RecentCheck) {
    let mut list = recent(store);
    list.retain(|c| c.domain != check.domain);
    list.insert(0, check);
    list.truncate(RECENT_MAX);
    if let Ok(v) = serde_json::to_value(&list) {
        store.set(RECENT_KEY, v);
        let _ = store.save();
    }
}

/// The store, and a message for the user when its file could not be read. tauri-plugin-store
/// ignores a file it cannot parse and would overwrite it on the next save, so the file is
/// checked first: an unreadable one is moved aside (`mxdoctor.json.set-aside-TIME`), never
/// lost, and the app starts fresh.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> (Option<Arc<Store<R>>>, Option<String>) {
    let note = app
        .path()
        .app_data_dir()
        .ok()
        .and_then(|dir| set_aside_if_unreadable(&dir.join(STORE_FILE)));
    (app.store(STORE_FILE).ok(), note)
}

fn set_aside_if_unreadable(path: &std::path::Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let problem = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) if v.is_object() => return None,
        Ok(_) => "it does not hold settings".to_string(),
        Err(e) => e.to_string(),
    };
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut aside = path.as_os_str().to_owned();
    aside.push(format!(".set-aside-{stamp}"));
    let aside = std::path::PathBuf::from(aside);
    Some(match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "The saved settings could not be read ({problem}). They were moved to {} and MX Doctor started fresh.",
            aside.display()
        ),
        Err(e) => format!("The saved settings could not be read ({problem}) nor moved aside ({e})."),
    })
}

pub fn save_wait<R: Runtime>(store: &Store<R>, wait: &Wait) {
    match serde_json::to_value(wait) {
        Ok(v) => {
            store.set(WAIT_KEY, v);
            if let Err(e) = store.save() {
                tracing::warn!("could not save the wait: {e}");
            }
        }
        Err(e) => tracing::warn!("could not serialise the wait: {e}"),
    }
}

/// The saved wait, if there is one that can still be used (a damaged entry is dropped).
pub fn load_wait<R: Runtime>(store: &Store<R>) -> Option<Wait> {
    let value = store.get(WAIT_KEY)?;
    match Wait::from_json(&value.to_string()) {
        Ok(w) => Some(w),
        Err(e) => {
            tracing::warn!("saved wait unusable, dropped: {e}");
            store.delete(WAIT_KEY);
            None
        }
    }
}

/// The check the wait follows, for the summary after a restart.
pub fn save_report<R: Runtime>(store: &Store<R>, report: &CheckReport) {
    if let Ok(v) = serde_json::to_value(report) {
        store.set(REPORT_KEY, v);
    }
}

pub fn load_report<R: Runtime>(store: &Store<R>) -> Option<CheckReport> {
    serde_json::from_value(store.get(REPORT_KEY)?).ok()
}

pub fn clear_wait<R: Runtime>(store: &Store<R>) {
    store.delete(WAIT_KEY);
    store.delete(REPORT_KEY);
    let _ = store.save();
}

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

/// The store, or a fresh one when the file was unreadable; the second value says what was
/// moved aside, for the window to tell the user.
pub fn open<R: Runtime>(app: &AppHandle<R>) -> (Option<Arc<Store<R>>>, Option<String>) {
    match app.store(STORE_FILE) {
        Ok(store) => (Some(store), None),
        Err(e) => {
            let Ok(dir) = app.path().app_data_dir() else {
                return (
                    None,
                    Some(format!("The saved settings could not be read ({e}).")),
                );
            };
            let path = dir.join(STORE_FILE);
            let stamp = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let aside = dir.join(format!("{STORE_FILE}.set-aside-{stamp}"));
            let moved = std::fs::rename(&path, &aside).is_ok();
            let note = if moved {
                format!(
                    "The saved settings could not be read ({e}). They were moved to {} and MX Doctor started fresh.",
                    aside.display()
                )
            } else {
                format!("The saved settings could not be read ({e}).")
            };
            (app.store(STORE_FILE).ok(), Some(note))
        }
    }
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

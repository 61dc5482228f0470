//! What the app remembers, through tauri-plugin-store: the wait in progress (so closing and
//! reopening the app resumes it), the step the window showed, the settings and the recent
//! checks. A store file that cannot be read is moved aside, never lost, and the app starts
//! fresh with a message.

use std::sync::Arc;

use mxdoctor_core::diagnose::Severity;
use mxdoctor_core::propagation::{Wait, WaitSettings};
use mxdoctor_core::report::{CheckReport, CheckStatus, Locale};
use mxdoctor_core::Snapshot;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_store::{Store, StoreExt};
use ts_rs::TS;

use crate::commands::check::{provider_choice, CheckRequest};
use crate::state::AppState;

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

const SETTINGS_KEY: &str = "settings";
const SESSION_KEY: &str = "session";

/// What the user set once and expects kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct Settings {
    /// The window's language; `None` follows the operating system.
    pub locale: Option<Locale>,
    /// The helpdesk's technical details shown.
    pub technical: bool,
    /// DNS services to ask instead of this computer's ("IP" or "IP:PORT").
    pub resolvers: Vec<String>,
    /// While the DNS host has not saved the change yet: how often to ask it, in seconds.
    pub check_every_secs: u32,
    /// The longest pause between two checks of one DNS service, in seconds.
    pub longest_gap_secs: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let wait = WaitSettings::default();
        Self {
            locale: None,
            technical: false,
            resolvers: Vec::new(),
            check_every_secs: (wait.poll_interval / 1000) as u32,
            longest_gap_secs: (wait.max_interval / 1000) as u32,
        }
    }
}

impl Settings {
    /// The wait's schedule with these bounds, or why a setting cannot be used, in words.
    pub fn wait_settings(&self) -> Result<WaitSettings, String> {
        for r in self.resolvers.iter().filter(|r| !r.trim().is_empty()) {
            mxdoctor_core::check::parse_server(r).map_err(|e| e.to_string())?;
        }
        WaitSettings::bounded(self.check_every_secs, self.longest_gap_secs)
            .map_err(|e| e.to_string())
    }
}

/// Saved settings; unusable ones read as the defaults.
pub fn load_settings<R: Runtime>(store: &Store<R>) -> Settings {
    store
        .get(SETTINGS_KEY)
        .and_then(|v| serde_json::from_value::<Settings>(v).ok())
        .filter(|s| s.wait_settings().is_ok())
        .unwrap_or_default()
}

pub fn save_settings<R: Runtime>(store: &Store<R>, settings: &Settings) {
    if let Ok(v) = serde_json::to_value(settings) {
        store.set(SETTINGS_KEY, v);
        let _ = store.save();
    }
}

/// The steps of the wizard that are kept when the window closes outside a wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Prepare,
    Check,
    Repair,
}

/// Where the window was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    pub step: Step,
    pub request: CheckRequest,
}

#[derive(Serialize, Deserialize)]
struct SavedSession {
    session: Session,
    snapshot: Option<Snapshot>,
}

/// A session brought back: the step, what was asked, and the check's report when there was one.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct Restored {
    pub session: Session,
    pub report: Option<CheckReport>,
}

pub fn save_session<R: Runtime>(store: &Store<R>, session: &Session, snapshot: Option<&Snapshot>) {
    let saved = SavedSession {
        session: session.clone(),
        snapshot: snapshot.filter(|_| session.step != Step::Prepare).cloned(),
    };
    if let Ok(v) = serde_json::to_value(&saved) {
        store.set(SESSION_KEY, v);
        let _ = store.save();
    }
}

/// The saved session, its check replayed from the snapshot into `state` (so the repair step
/// can verify rows and start the wait). A repair step without a usable check goes back to the
/// check step, which checks again.
pub fn restore_session<R: Runtime>(store: &Store<R>, state: &AppState) -> Option<Restored> {
    let saved: SavedSession = serde_json::from_value(store.get(SESSION_KEY)?).ok()?;
    let mut session = saved.session;
    let request = &session.request;
    let replayed = saved.snapshot.and_then(|snapshot| {
        let domain = mxdoctor_core::check::parse_domain(&request.input).ok()?;
        let choice = provider_choice(request.provider.as_deref(), &request.mx).ok()?;
        let resolvers = state.resolvers(&request.resolvers).ok()?;
        Some(state.adopt_snapshot(&domain, snapshot, choice, resolvers))
    });
    if session.step == Step::Repair && replayed.is_none() {
        session.step = Step::Check;
    }
    Some(Restored {
        session,
        report: replayed,
    })
}

const PRACTICE_KEY: &str = "practice";

/// Practice mode's scenario and records; `None` forgets them (practice mode left).
pub fn save_practice<R: Runtime>(
    store: &Store<R>,
    practice: Option<&crate::commands::practice::SavedPractice>,
) {
    match practice.and_then(|p| serde_json::to_value(p).ok()) {
        Some(v) => store.set(PRACTICE_KEY, v),
        None => {
            store.delete(PRACTICE_KEY);
        }
    }
    let _ = store.save();
}

pub fn load_practice<R: Runtime>(
    store: &Store<R>,
) -> Option<crate::commands::practice::SavedPractice> {
    serde_json::from_value(store.get(PRACTICE_KEY)?).ok()
}

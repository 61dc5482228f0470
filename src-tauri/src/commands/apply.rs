//! "Let MX Doctor make these changes": the plan of the last check previewed, applied and undone
//! through the DNS host's API (or practice mode's console), with the journal kept in the store.
//!
//! A key typed in the window is used for one command and dropped; it is saved only in the
//! operating system's keychain, and only when the user asks ("Remember this key on this
//! computer"). It never reaches the store, the session, a snapshot, a report or a log.

use std::fmt;

use mxdoctor_core::apply::{
    self,
    keys::{self, Credentials},
    DnsHostApi, Journal, Preview,
};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::persist;
use crate::practice_api::{PracticeApi, PRACTICE_ID};
use crate::state::AppState;

/// A key typed in the window: used for the one command it is given to.
#[derive(Clone, Deserialize, TS)]
#[ts(export)]
pub struct KeyInput {
    /// The token, API key, AccessKey ID or key id.
    pub key: String,
    /// The secret of a pair, where the DNS host needs one.
    #[serde(default)]
    pub secret: Option<String>,
    /// "Remember this key on this computer": saved in the keychain after it worked.
    #[serde(default)]
    pub remember: bool,
}

impl fmt::Debug for KeyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyInput")
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

impl KeyInput {
    fn credentials(&self) -> Option<Credentials> {
        let key = self.key.trim();
        (!key.is_empty()).then(|| Credentials {
            key: key.to_string(),
            secret: self
                .secret
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
            algorithm: None,
        })
    }
}

/// Where the changes of the last check would be made, as the repair step offers it.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ApplyTarget {
    /// `practice`, or the DNS-host catalog id; `None` when MX Doctor cannot make the changes.
    pub dns_host: Option<String>,
    /// A key must be given (none is saved in the keychain, and practice needs none).
    pub needs_key: bool,
    /// The DNS host's key comes as a pair (an id and a secret).
    pub needs_secret: bool,
    /// A key for this DNS host is saved in this computer's keychain.
    pub key_saved: bool,
}

/// The real DNS hosts' adapters (`mxdoctor_core::apply::hosts::connect`), with `credentials`.
fn connect_dns_host(
    dns_host: &str,
    endpoint: Option<&str>,
    credentials: Credentials,
) -> Result<Box<dyn DnsHostApi>> {
    apply::hosts::connect(dns_host, endpoint, credentials).map_err(|e| host_error(e.to_string()))
}

fn host_error(message: impl Into<String>) -> AppError {
    AppError::new(ErrorCode::DnsHost, message)
}

/// The DNS host the last check's changes would be made at, or `None`.
fn target_host(state: &AppState) -> Result<Option<String>> {
    let last = state.last_check()?;
    let practice_domain = state
        .practice
        .lock()
        .ok()
        .and_then(|p| p.as_ref().map(|p| p.scenario.domain.to_string()));
    if practice_domain.is_some_and(|d| d == last.snapshot.zone_name()) {
        return Ok(Some(PRACTICE_ID.to_string()));
    }
    Ok(last
        .report
        .dns_host
        .host
        .as_ref()
        .map(|h| h.id.clone())
        .filter(|id| apply::has_adapter(id)))
}

fn saved_key(dns_host: &str, endpoint: Option<&str>) -> Option<Credentials> {
    keys::keychain_get(&keys::keychain_account(dns_host, endpoint))
        .ok()
        .flatten()
}

/// What the repair step offers: "Let MX Doctor make these changes", and whether a key is needed.
#[tauri::command]
pub fn apply_target(state: State<'_, AppState>) -> Result<ApplyTarget> {
    Ok(match target_host(&state)? {
        Some(id) if id == PRACTICE_ID => ApplyTarget {
            dns_host: Some(id),
            needs_key: false,
            needs_secret: false,
            key_saved: false,
        },
        Some(id) => {
            let saved = saved_key(&id, None).is_some();
            ApplyTarget {
                needs_key: !saved,
                needs_secret: apply::hosts::needs_secret(&id),
                key_saved: saved,
                dns_host: Some(id),
            }
        }
        None => ApplyTarget {
            dns_host: None,
            needs_key: false,
            needs_secret: false,
            key_saved: false,
        },
    })
}

/// The DNS host's API for one command: practice mode's console, or a real host's adapter.
enum Adapter<'a> {
    Practice(PracticeApi<'a>),
    Real(Box<dyn DnsHostApi>),
}

impl Adapter<'_> {
    fn api(&self) -> &dyn DnsHostApi {
        match self {
            Adapter::Practice(p) => p,
            Adapter::Real(r) => r.as_ref(),
        }
    }
}

/// The adapter of `dns_host`: practice mode's console, else the real host with the key given
/// (or the one saved in the keychain).
fn adapter<'a>(
    state: &'a AppState,
    dns_host: &str,
    endpoint: Option<&str>,
    key: Option<&KeyInput>,
) -> Result<Adapter<'a>> {
    if dns_host == PRACTICE_ID {
        return Ok(Adapter::Practice(PracticeApi {
            world: &state.practice,
        }));
    }
    let credentials = key
        .and_then(KeyInput::credentials)
        .or_else(|| saved_key(dns_host, endpoint))
        .ok_or_else(|| {
            AppError::new(
                ErrorCode::NeedsKey,
                format!("A key for {dns_host} is needed: none was given and none is saved."),
            )
        })?;
    connect_dns_host(dns_host, endpoint, credentials).map(Adapter::Real)
}

/// The rows of the plan the user chose (alias `option`, `None`: the recommended plan), read
/// from the DNS host: what will change and what is already as needed. Nothing is written.
#[tauri::command]
pub async fn apply_preview(
    state: State<'_, AppState>,
    option: Option<String>,
    key: Option<KeyInput>,
) -> Result<Preview> {
    let last = state.last_check()?;
    let Some(dns_host) = target_host(&state)? else {
        return Err(host_error(
            "MX Doctor cannot change records at this DNS host; make the changes in its console.",
        ));
    };
    let plan = match option.as_deref() {
        None => &last.report.plan,
        Some(o) => last
            .report
            .option_plans
            .iter()
            .find(|p| serde_json::to_value(p.option).is_ok_and(|v| v == o))
            .map(|p| &p.plan)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::BadOption,
                    format!("The check offered no option \"{o}\"; check again."),
                )
            })?,
    };
    let rows = apply::plan_rows(plan);
    let domain = last.report.domain.clone();
    let zone = last.snapshot.zone_name().to_string();
    let host = adapter(&state, &dns_host, None, key.as_ref())?;
    let preview = apply::preview(host.api(), &domain, &zone, &dns_host, &rows)
        .await
        .map_err(|e| host_error(e.to_string()))?;
    if let Ok(mut slot) = state.preview.lock() {
        *slot = Some(preview.clone());
    }
    Ok(preview)
}

/// What an apply or an undo did, with the journal as saved.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct JournalView {
    pub journal: Journal,
    /// Some change MX Doctor made is still there to be undone.
    pub can_undo: bool,
    /// Undo needs a key typed in (practice needs none; a saved key is used).
    pub needs_key: bool,
    pub needs_secret: bool,
    /// Why the key could not be remembered in the keychain, when that was asked and failed.
    pub not_remembered: Option<String>,
}

fn journal_view(journal: Journal, not_remembered: Option<String>) -> JournalView {
    let real = journal.adapter != PRACTICE_ID;
    JournalView {
        can_undo: journal.can_undo(),
        needs_key: real && saved_key(&journal.dns_host, journal.endpoint.as_deref()).is_none(),
        needs_secret: real && apply::hosts::needs_secret(&journal.dns_host),
        not_remembered,
        journal,
    }
}

/// Saves `key` in the keychain when the user asked; why not, if it failed.
fn remember(dns_host: &str, endpoint: Option<&str>, key: Option<&KeyInput>) -> Option<String> {
    let key = key.filter(|k| k.remember && dns_host != PRACTICE_ID)?;
    let credentials = key.credentials()?;
    keys::keychain_set(&keys::keychain_account(dns_host, endpoint), &credentials)
        .err()
        .map(|e| e.to_string())
}

/// Keeps practice mode's records after a change made through its adapter.
fn keep_practice<R: Runtime>(app: &AppHandle<R>, state: &AppState, adapter: &str) {
    if adapter != PRACTICE_ID {
        return;
    }
    if let Some(p) = state
        .practice
        .lock()
        .ok()
        .as_deref()
        .and_then(Option::as_ref)
    {
        let _ = crate::commands::practice::save(app, p);
    }
}

/// Makes the changes of the last preview (refused, nothing written, if the zone changed since),
/// saving the journal before the first write and after every step.
#[tauri::command]
pub async fn apply_changes<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    key: Option<KeyInput>,
) -> Result<JournalView> {
    let _one = state.applying.lock().await;
    let preview: Preview = state
        .preview
        .lock()
        .ok()
        .and_then(|mut p| p.take())
        .ok_or_else(|| host_error("Show what will change first."))?;
    let store = persist::store(&app);
    keep_earlier_journal(&app, store)?;
    let mut save = |j: &Journal| {
        persist::told(&app, persist::save_journal(store, Some(j))).map_err(|e| e.message)
    };
    let endpoint = preview.endpoint.clone();
    let host = adapter(&state, &preview.dns_host, endpoint.as_deref(), key.as_ref())?;
    let journal = apply::apply(host.api(), &preview, &mut save).await;
    keep_practice(&app, &state, &journal.adapter);
    let not_remembered =
        if journal.can_undo() || journal.status == apply::JournalStatus::NothingToDo {
            remember(&journal.dns_host, endpoint.as_deref(), key.as_ref())
        } else {
            None
        };
    Ok(journal_view(journal, not_remembered))
}

/// The store keeps the last apply's journal. One whose changes are not undone is the only way
/// back to them: before a new apply replaces it, it is kept as a file in the app's data folder
/// (`journals/`, which `mxdoctor undo --journal FILE` reads); if that fails, nothing is applied.
fn keep_earlier_journal<R: Runtime>(app: &AppHandle<R>, store: &persist::Store) -> Result<()> {
    use tauri::Manager;
    let Some(earlier) = persist::load_journal(store).filter(Journal::can_undo) else {
        return Ok(());
    };
    let kept = app.path().app_data_dir().ok().and_then(|dir| {
        let dir = dir.join("journals");
        std::fs::create_dir_all(&dir).ok()?;
        let stamp: String = earlier
            .started
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        // The domain is canonical ASCII (letters, digits, dots, hyphens) in a journal we wrote;
        // anything else is replaced so the file name stays in this folder.
        let domain: String = earlier
            .domain
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = dir.join(format!("{domain}-{stamp}.json"));
        let text = serde_json::to_string_pretty(&earlier).ok()?;
        mxdoctor_core::files::write_atomic(&path, text.as_bytes()).ok()?;
        Some(path)
    });
    match kept {
        Some(_) => Ok(()),
        None => Err(host_error(
            "Nothing was changed: the changes MX Doctor made earlier are not undone, and their journal could not be kept aside (needed to undo them). Undo them first, or free some disk space.",
        )),
    }
}

/// The journal of the last apply, as saved (also after a restart); `None` when there is none.
#[tauri::command]
pub fn apply_journal<R: Runtime>(app: AppHandle<R>) -> Option<JournalView> {
    persist::load_journal(persist::store(&app)).map(|j| journal_view(j, None))
}

/// Puts back every record set the saved journal's apply changed (never one changed since).
#[tauri::command]
pub async fn apply_undo<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    key: Option<KeyInput>,
) -> Result<JournalView> {
    let _one = state.applying.lock().await;
    let store = persist::store(&app);
    let mut journal = persist::load_journal(store)
        .filter(Journal::can_undo)
        .ok_or_else(|| host_error("MX Doctor made no change that is still there to undo."))?;
    let mut save = |j: &Journal| {
        persist::told(&app, persist::save_journal(store, Some(j))).map_err(|e| e.message)
    };
    let (dns_host, endpoint) = (journal.dns_host.clone(), journal.endpoint.clone());
    let adapter_id = if journal.adapter == PRACTICE_ID {
        PRACTICE_ID
    } else {
        dns_host.as_str()
    };
    let host = adapter(&state, adapter_id, endpoint.as_deref(), key.as_ref())?;
    apply::undo(host.api(), &mut journal, &mut save).await;
    // Earlier applies to this domain, kept aside when a later one replaced them in the store:
    // "every change MX Doctor made is back" is said only once they are back too.
    if journal
        .undo
        .as_ref()
        .is_some_and(|u| u.status == apply::JournalStatus::Applied)
    {
        undo_earlier(&app, host.api(), &mut journal).await;
        let _ = save(&journal);
    }
    keep_practice(&app, &state, &journal.adapter);
    // A key is remembered only once a DNS host accepted it.
    let worked = journal
        .undo
        .as_ref()
        .is_some_and(|u| u.steps.iter().any(|s| s.result == apply::StepResult::Done));
    let not_remembered = if worked {
        remember(&dns_host, endpoint.as_deref(), key.as_ref())
    } else {
        None
    };
    Ok(journal_view(journal, not_remembered))
}

/// The journals kept aside (`journals/` in the app's data folder) for `domain` with changes
/// not undone, newest first.
fn earlier_journals<R: Runtime>(
    app: &AppHandle<R>,
    domain: &str,
) -> Vec<(std::path::PathBuf, Journal)> {
    use tauri::Manager;
    let Some(dir) = app.path().app_data_dir().ok().map(|d| d.join("journals")) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<(std::path::PathBuf, Journal)> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter_map(|p| {
            let text = mxdoctor_core::files::read_limited(&p, 4 * 1024 * 1024).ok()?;
            let j: Journal = serde_json::from_str(&text).ok()?;
            (j.domain == domain && j.can_undo()).then_some((p, j))
        })
        .collect();
    found.sort_by(|a, b| b.1.started.cmp(&a.1.started));
    found
}

/// Undoes the earlier applies to the journal's domain through the same DNS host, newest first,
/// and folds what happened into the journal's undo record (partial at the first that does not
/// go back entirely, or that was made through another DNS host).
async fn undo_earlier<R: Runtime>(
    app: &AppHandle<R>,
    api: &dyn apply::DnsHostApi,
    journal: &mut Journal,
) {
    for (path, mut earlier) in earlier_journals(app, &journal.domain) {
        let Some(record) = journal.undo.as_mut() else {
            return;
        };
        let same_host = earlier.adapter == journal.adapter
            && earlier.dns_host == journal.dns_host
            && earlier.endpoint == journal.endpoint;
        if !same_host {
            record.status = apply::JournalStatus::Partial;
            record.message.push_str(&format!(
                " Changes MX Doctor made earlier ({}) through another DNS host are still there: undo them with mxdoctor undo --journal {}.",
                earlier.started,
                path.display()
            ));
            return;
        }
        let mut save_file = |j: &Journal| {
            let text = serde_json::to_string_pretty(j).map_err(|e| e.to_string())?;
            mxdoctor_core::files::write_atomic(&path, text.as_bytes()).map_err(|e| e.to_string())
        };
        apply::undo(api, &mut earlier, &mut save_file).await;
        let done = earlier.undo.as_ref();
        if done.is_some_and(|u| u.status == apply::JournalStatus::Applied) {
            record.message.push_str(&format!(
                " The changes MX Doctor made before that ({}) were put back too.",
                earlier.started
            ));
        } else {
            record.status = apply::JournalStatus::Partial;
            record.message.push_str(&format!(
                " The changes MX Doctor made before that ({}) were not all put back: {}",
                earlier.started,
                done.map(|u| u.message.as_str()).unwrap_or_default()
            ));
            return;
        }
    }
}

/// Removes every DNS host key MX Doctor saved in this computer's keychain; how many there were.
#[tauri::command]
pub fn forget_keys() -> Result<u32> {
    let mut forgotten = 0;
    for id in apply::ADAPTER_HOSTS {
        match keys::keychain_forget(&keys::keychain_account(id, None)) {
            Ok(true) => forgotten += 1,
            Ok(false) => {}
            Err(keys::KeyError::NoKeychain(_)) => return Ok(0),
            Err(e) => return Err(AppError::new(ErrorCode::Internal, e.to_string())),
        }
    }
    Ok(forgotten)
}

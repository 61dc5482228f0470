//! What the user chose and where they were: settings and the current step, kept in the store.

use mxdoctor_core::report::{self, Locale};
use tauri::{AppHandle, Runtime, State};

use crate::error::Result;
use crate::model::{provider_choice, Restored, Session, Settings, Step};
use crate::persist;
use crate::state::AppState;

/// The saved settings (defaults when none were saved or they could not be read).
#[tauri::command]
pub fn get_settings<R: Runtime>(app: AppHandle<R>) -> Settings {
    persist::load_settings(persist::store(&app))
}

/// Saves `settings`, or says in words which one cannot be used, or that they could not be
/// written (`not_saved`); in both cases nothing is saved and the previous settings stay.
#[tauri::command]
pub fn save_settings<R: Runtime>(app: AppHandle<R>, settings: Settings) -> Result<Settings> {
    settings.wait_settings()?;
    persist::told(
        &app,
        persist::save_settings(persist::store(&app), &settings),
    )?;
    Ok(settings)
}

/// Remembers the step the window shows (with the last check, for the repair step).
#[tauri::command]
pub fn save_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    session: Session,
) -> Result<()> {
    let snapshot = state.last_check().ok().map(|c| c.snapshot);
    persist::told(
        &app,
        persist::save_session(persist::store(&app), &session, snapshot.as_ref()),
    )
}

/// The step the window showed when it was closed, with its check replayed from the saved
/// snapshot (so "I've made the changes" and the wait work again at once).
#[tauri::command]
pub fn restore_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    locale: Option<Locale>,
) -> Option<Restored> {
    let (mut session, snapshot) = persist::load_session(persist::store(&app))?;
    let request = &session.request;
    let replayed = snapshot.and_then(|snapshot| {
        // The file may have been edited: the snapshot goes through the same checks as one a
        // customer sent, and must be of the domain the session asked about.
        let domain = mxdoctor_core::check::parse_domain(&request.input).ok()?;
        let text = serde_json::to_string(&snapshot).ok()?;
        let (_, snapshot) = mxdoctor_core::Snapshot::open(&text, Some(&domain)).ok()?;
        let choice = provider_choice(request.provider.as_deref(), &request.mx).ok()?;
        let resolvers = state.resolvers(&request.resolvers).ok()?;
        Some(state.adopt_snapshot(&domain, snapshot, choice, resolvers))
    });
    // A repair step without a usable check goes back to the check step, which checks again.
    if session.step == Step::Repair && replayed.is_none() {
        session.step = Step::Check;
    }
    Some(Restored {
        session,
        report: replayed.map(|r| report::reword(r, locale.unwrap_or_default())),
    })
}

/// The operating system's language, as a BCP 47 tag ("zh-CN", "en-GB"), if it says.
#[tauri::command]
pub fn os_locale() -> Option<String> {
    sys_locale::get_locale()
}

//! What the user chose and where they were: settings and the current step, kept in the store.

use mxdoctor_core::report::{self, Locale};
use tauri::{AppHandle, Runtime, State};

use crate::error::{AppError, ErrorCode, Result};
use crate::persist::{self, Restored, Session, Settings};
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
    settings
        .wait_settings()
        .map_err(|m| AppError::new(ErrorCode::BadSetting, m))?;
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
    let mut restored = persist::restore_session(persist::store(&app), &state)?;
    restored.report = restored
        .report
        .map(|r| report::reword(r, locale.unwrap_or_default()));
    Some(restored)
}

/// The operating system's language, as a BCP 47 tag ("zh-CN", "en-GB"), if it says.
#[tauri::command]
pub fn os_locale() -> Option<String> {
    sys_locale::get_locale()
}

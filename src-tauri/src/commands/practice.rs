//! Practice mode: the embedded DNS world and its console. The wizard itself has no practice
//! path: while the world runs, every question simply goes to its servers.

use std::sync::atomic::Ordering;
use std::time::Duration;

use mxdoctor_dnsworld::practice::{self, ConsoleRow, Practice, Scenario};
use mxdoctor_dnsworld::KeptAnswer;
use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, ErrorDetail, Result};
use crate::model::SavedPractice;
use crate::persist;
use crate::state::AppState;

/// The port of the practice world: fixed, so that a wait saved in practice mode finds its
/// servers again after a restart (`MXDOCTOR_PRACTICE_PORT` overrides it).
fn port() -> u16 {
    std::env::var("MXDOCTOR_PRACTICE_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(53053)
}

/// What the window shows of practice mode.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct PracticeView {
    pub scenario: Scenario,
    pub rows: Vec<ConsoleRow>,
    /// For each row, whether the DNS host manages it (its name servers): shown without Edit
    /// and Delete.
    pub locked: Vec<bool>,
}

/// How often what the practice caches hold is written to the store, when it changed.
const KEEP_CACHES_EVERY: Duration = Duration::from_secs(2);

fn view(p: &Practice) -> PracticeView {
    PracticeView {
        scenario: p.scenario.clone(),
        rows: p.rows(),
        locked: p.locked_rows(),
    }
}

pub(crate) fn save<R: Runtime>(app: &AppHandle<R>, p: &Practice) -> Result<()> {
    persist::told(
        app,
        persist::save_practice(
            persist::store(app),
            Some(&SavedPractice {
                scenario: p.scenario.id.to_string(),
                rows: p.rows(),
                caches: p.kept(),
            }),
        ),
    )
}

/// Starts scenario `id` (with the learner's `rows`, if kept) and makes it the app's world.
async fn launch<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    id: &str,
    rows: Option<&[ConsoleRow]>,
    caches: &[Vec<KeptAnswer>],
) -> Result<PracticeView> {
    // The old world stops first: the new one takes its addresses.
    if let Ok(mut slot) = state.practice.lock() {
        slot.take();
    }
    let started = match Practice::start(id, port(), rows).await {
        Ok(p) => Ok(p),
        // The fixed port is taken (another copy of MX Doctor?): any free one will do.
        Err(_) => Practice::start(id, 0, rows).await,
    };
    let p = started.map_err(|e| {
        AppError::internal(
            format!("The practice DNS servers could not start: {e}"),
            ErrorDetail::PracticeNotStarted,
        )
    })?;
    p.restore_caches(caches);
    let shown = view(&p);
    let _ = save(app, &p);
    if let Ok(mut slot) = state.practice.lock() {
        *slot = Some(p);
    }
    keep_caches(
        app.clone(),
        state.practice_generation.fetch_add(1, Ordering::SeqCst) + 1,
    );
    Ok(shown)
}

/// While practice world `generation` runs, writes what its caches hold to the store whenever
/// it changed, so that closing the app (or its end by a crash) loses at most a moment of it.
fn keep_caches<R: Runtime>(app: AppHandle<R>, generation: u64) {
    tauri::async_runtime::spawn(async move {
        let mut last = None;
        loop {
            tokio::time::sleep(KEEP_CACHES_EVERY).await;
            let state = app.state::<AppState>();
            if state.practice_generation.load(Ordering::SeqCst) != generation {
                return;
            }
            let Ok(slot) = state.practice.lock() else {
                return;
            };
            let Some(p) = slot.as_ref() else {
                return;
            };
            let kept = p.kept();
            if last.as_ref() != Some(&kept) && save(&app, p).is_ok() {
                last = Some(kept);
            }
        }
    });
}

/// The practice scenarios.
#[tauri::command]
pub fn practice_scenarios() -> Vec<Scenario> {
    practice::scenarios().to_vec()
}

/// Practice mode as it is: running, or started now when the app was opened with `--practice`
/// or was in practice mode when it closed; `None` otherwise.
#[tauri::command]
pub async fn practice_status<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<PracticeView>> {
    if let Some(p) = state
        .practice
        .lock()
        .ok()
        .as_deref()
        .and_then(Option::as_ref)
    {
        return Ok(Some(view(p)));
    }
    let saved = persist::load_practice(persist::store(&app));
    let (id, rows, caches) = match saved {
        Some(s) => (s.scenario, Some(s.rows), s.caches),
        None if state.practice_requested => ("seed000".to_string(), None, Vec::new()),
        None => return Ok(None),
    };
    launch(&app, &state, &id, rows.as_deref(), &caches)
        .await
        .map(Some)
}

/// Starts (or switches to) scenario `id` with its starting records.
#[tauri::command]
pub async fn practice_start<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<PracticeView> {
    launch(&app, &state, &id, None, &[]).await
}

/// Leaves practice mode: its servers stop, the next check asks the internet.
#[tauri::command]
pub fn practice_stop<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) {
    state.practice_generation.fetch_add(1, Ordering::SeqCst);
    if let Ok(mut slot) = state.practice.lock() {
        slot.take();
    }
    let _ = persist::told(&app, persist::save_practice(persist::store(&app), None));
}

/// Runs `f` on the running practice world, then keeps its records in the store.
fn edit_practice<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    f: impl FnOnce(&Practice) -> std::result::Result<(), practice::ConsoleError>,
) -> Result<PracticeView> {
    let guard = state.practice.lock().map_err(|_| {
        AppError::internal(
            "The practice world is unavailable.",
            ErrorDetail::PracticeUnavailable,
        )
    })?;
    let p = guard.as_ref().ok_or_else(|| {
        AppError::internal(
            "Practice mode is not running.",
            ErrorDetail::PracticeNotRunning,
        )
    })?;
    f(p).map_err(|e| AppError::console_row(&e))?;
    // The edit is made in the practice world either way; one that could not be kept for the
    // next start is said so by the window's banner.
    let _ = save(app, p);
    Ok(view(p))
}

/// One console edit: add a row (`index` none), change row `index`, or delete it (`row` none).
#[tauri::command]
pub fn practice_edit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    index: Option<usize>,
    row: Option<ConsoleRow>,
) -> Result<PracticeView> {
    edit_practice(&app, &state, |p| match (index, row) {
        (None, Some(row)) => p.add(&row),
        (Some(i), Some(row)) => p.update(i, &row),
        (Some(i), None) => p.delete(i),
        (None, None) => Ok(()),
    })
}

/// Restores the scenario's starting records.
#[tauri::command]
pub fn practice_reset<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<PracticeView> {
    edit_practice(&app, &state, |p| {
        p.reset();
        Ok(())
    })
}

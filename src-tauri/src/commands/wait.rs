//! The wait step: start the propagation wait for the last check, follow it round by round over
//! a channel, resume it after a restart.

use mxdoctor_core::diagnose::diagnose;
use mxdoctor_core::dns;
use mxdoctor_core::propagation::{
    resolver_specs, run, Clock, NetLookup, Phase, SystemClock, Wait, WaitView,
};
use mxdoctor_core::report::CheckReport;
use mxdoctor_core::report::Locale;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::persist;
use crate::state::AppState;

/// Starts waiting for the repair of what the last check found; `on_round` hears every round.
#[tauri::command]
pub async fn start_wait<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_round: Channel<WaitView>,
) -> Result<WaitView> {
    let last = state.last_check()?;
    let system = if last.resolvers.is_empty() {
        dns::system_resolvers().unwrap_or_default()
    } else {
        Vec::new()
    };
    let diagnosis = diagnose(&last.snapshot, last.choice.clone());
    let (store, _) = persist::open(&app);
    let settings = store
        .as_ref()
        .map(|s| persist::load_settings(s))
        .unwrap_or_default();
    let wait = Wait::start(
        &diagnosis,
        &last.snapshot,
        resolver_specs(&last.resolvers, &system),
        last.auth_port,
        settings.wait_settings().unwrap_or_default(),
        SystemClock.now(),
    )
    .map_err(|e| AppError::new(ErrorCode::Internal, e.to_string()))?;
    if let Some(store) = &store {
        persist::save_report(store, &last.report);
    }
    Ok(follow(app, &state, wait, on_round))
}

/// A wait restored after a restart, with the check it follows.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct ResumedWait {
    pub view: WaitView,
    pub report: Option<CheckReport>,
}

/// Resumes the saved wait, if any, asking every vantage that was not clear at once.
#[tauri::command]
pub async fn resume_wait<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on_round: Channel<WaitView>,
) -> Result<Option<ResumedWait>> {
    let (store, _) = persist::open(&app);
    let Some(store) = store else {
        return Ok(None);
    };
    let Some(mut wait) = persist::load_wait(&store) else {
        return Ok(None);
    };
    let report = persist::load_report(&store);
    if wait.finished.is_some() {
        let view = wait.view(SystemClock.now());
        return Ok(Some(ResumedWait { view, report }));
    }
    wait.resume(SystemClock.now());
    let view = follow(app, &state, wait, on_round);
    Ok(Some(ResumedWait { view, report }))
}

/// Forgets the wait (the user starts over).
#[tauri::command]
pub fn stop_wait<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) {
    if let Some(h) = state.wait.lock().ok().and_then(|mut w| w.take()) {
        h.abort();
    }
    if let (Some(store), _) = persist::open(&app) {
        persist::clear_wait(&store);
    }
}

/// A desktop notification: the user may have left the window long ago. Where the desktop has no
/// notification service, the window's own "clear" state is all there is.
fn notify_clear<R: Runtime>(app: &AppHandle<R>, domain: &str, locale: Locale) {
    let (title, body) = match locale {
        Locale::ZhCn => (
            format!("{domain} 已恢复正常收信"),
            "所有服务器都返回了修复后的记录。".to_string(),
        ),
        Locale::En => (
            format!("Mail to {domain} works again"),
            "Every server gives the repaired records.".to_string(),
        ),
    };
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::info!("no desktop notification: {e}");
    }
}

/// Runs `wait` in the background, saving and sending it after every round.
fn follow<R: Runtime>(
    app: AppHandle<R>,
    state: &AppState,
    mut wait: Wait,
    on_round: Channel<WaitView>,
) -> WaitView {
    let first = wait.view(SystemClock.now());
    let timeout = state.timeout;
    let locale = state.locale.lock().map(|l| *l).unwrap_or_default();
    let task = tokio::spawn(async move {
        let (store, _) = persist::open(&app);
        let lookup = NetLookup { timeout };
        let finish = run(&mut wait, &SystemClock, &lookup, |w| {
            if let Some(s) = &store {
                persist::save_wait(s, w);
            }
            let _ = on_round.send(w.view(SystemClock.now()));
        })
        .await;
        if finish.phase == Phase::Clear {
            notify_clear(&app, &wait.domain, locale);
        }
    });
    if let Ok(mut slot) = state.wait.lock() {
        if let Some(previous) = slot.replace(task.abort_handle()) {
            previous.abort();
        }
    }
    first
}

//! The check step: a live diagnosis with per-question progress over a channel, cancellable.

use std::sync::Arc;

use mxdoctor_core::check::{self, CheckOptions};
use mxdoctor_core::observe::{LookupEvent, ProgressSink};
use mxdoctor_core::propagation::WaitView;
use mxdoctor_core::report::{self, CheckReport, Locale};
use mxdoctor_core::Snapshot;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};

use crate::error::{AppError, ErrorCode, Result};
use crate::model::{provider_choice, CheckRequest, RecentCheck};
use crate::persist;
use crate::state::{AppState, LastCheck};

/// Checks the request's domain, worded in `locale`, telling `on_lookup` about every
/// question; `cancel_check` stops it.
#[tauri::command]
pub async fn run_check<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    request: CheckRequest,
    locale: Option<Locale>,
    on_lookup: Channel<LookupEvent>,
) -> Result<CheckReport> {
    let CheckRequest {
        input,
        provider,
        mx,
        resolvers,
    } = request;
    let domain = check::parse_domain(&input).map_err(|e| AppError::bad_domain(&e))?;
    let choice = provider_choice(provider.as_deref(), &mx)?;
    if let (Some(l), Ok(mut current)) = (locale, state.locale.lock()) {
        *current = l;
    }
    // Asked of the practice world (its caches, its DNS host's port): not a check of the
    // internet, so not one for the history of real checks.
    let practising = state.practising();
    let resolvers = state.resolvers(&resolvers)?;
    let auth_port = state.auth_port();
    let asked = resolvers.clone();
    let kept_choice = choice.clone();
    let options = CheckOptions {
        resolvers,
        auth_port,
        timeout: state.timeout,
        progress: Some(ProgressSink(Arc::new(move |e| {
            // The window may have gone; the check goes on regardless.
            let _ = on_lookup.send(e);
        }))),
    };
    let now = mxdoctor_core::time::unix_now();
    let task = tokio::spawn(async move { check::check(&domain, choice, &options, now).await });
    if let Ok(mut slot) = state.check.lock() {
        if let Some(previous) = slot.replace(task.abort_handle()) {
            previous.abort();
        }
    }
    match task.await {
        Ok(Ok((report, snapshot))) => {
            state.set_last_check(LastCheck {
                report: report.clone(),
                snapshot,
                choice: kept_choice,
                resolvers: asked,
                auth_port,
            });
            // A history that could not be saved is told by the window's banner; the check
            // itself stands. A practice check stays out of it: offered again outside practice
            // mode, it would ask the internet about a domain that exists on this computer only.
            if !practising {
                let _ = persist::told(
                    &app,
                    persist::remember(persist::store(&app), RecentCheck::of(&report, provider, mx)),
                );
            }
            Ok(report::reword(report, locale.unwrap_or_default()))
        }
        Ok(Err(e)) => Err(AppError::new(ErrorCode::NoResolver, e.to_string())),
        Err(e) if e.is_cancelled() => Err(AppError::new(
            ErrorCode::Cancelled,
            "The check was cancelled.",
        )),
        Err(e) => Err(AppError::new(ErrorCode::Internal, e.to_string())),
    }
}

/// The same report in another language (the user switched while looking at it).
#[tauri::command]
pub fn reword_report(
    state: State<'_, AppState>,
    report: CheckReport,
    locale: Locale,
) -> CheckReport {
    if let Ok(mut current) = state.locale.lock() {
        *current = locale;
    }
    report::reword(report, locale)
}

/// The report as Markdown (also plain text), for the clipboard or a helpdesk ticket, or to send
/// to the DNS provider.
#[tauri::command]
pub fn report_document<R: Runtime>(
    app: AppHandle<R>,
    report: CheckReport,
    locale: Locale,
    outcome: Option<WaitView>,
) -> String {
    match outcome {
        Some(view) => {
            // What MX Doctor itself changed at the DNS host for this domain since this check,
            // with its undo.
            let checked = mxdoctor_core::time::rfc3339(report.taken_at.saturating_mul(1000));
            let since = |at: &str| at.get(..19) >= checked.get(..19);
            match persist::load_journal(persist::store(&app))
                .filter(|j| j.domain == report.domain && since(&j.started))
            {
                Some(j) => report::outcome_document_with_journal(&report, &view, &j, locale),
                None => report::outcome_document(&report, &view, locale),
            }
        }
        None => report::document(&report, locale),
    }
}

/// The recent checks, newest first, for the first screen.
#[tauri::command]
pub fn recent_checks<R: Runtime>(app: AppHandle<R>) -> Vec<RecentCheck> {
    persist::recent(persist::store(&app))
}

/// Everything the last check saw (for the helpdesk view: raw answers, TTLs, `dig` commands,
/// and the snapshot to send to a helpdesk).
#[tauri::command]
pub fn last_snapshot(state: State<'_, AppState>) -> Option<Snapshot> {
    state.last_check().ok().map(|c| c.snapshot)
}

/// Stops the check in progress, if any.
#[tauri::command]
pub fn cancel_check(state: State<'_, AppState>) {
    if let Some(handle) = state.check.lock().ok().and_then(|mut s| s.take()) {
        handle.abort();
    }
}

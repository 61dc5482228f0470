//! The check step: a live diagnosis with per-question progress over a channel, cancellable.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use mxdoctor_core::check::{self, CheckOptions, ChoiceError};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::dns::{LookupEvent, ProgressSink};
use mxdoctor_core::propagation::WaitView;
use mxdoctor_core::report::{self, CheckReport, Locale};
use mxdoctor_core::Snapshot;
use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, Result};
use crate::persist::{self, RecentCheck};
use crate::state::{AppState, LastCheck};

/// Which provider to check against: an id, `custom` with MX rows, or none (suggest one);
/// refused in the window's words.
pub fn provider_choice(id: Option<&str>, mx: &[String]) -> Result<ProviderChoice> {
    check::provider_choice(id, mx).map_err(|e| {
        let message = match e {
            ChoiceError::Mx(e) => e.to_string(),
            ChoiceError::NoRows => "Add at least one mail server row for your own servers.".into(),
            ChoiceError::Unknown(id) => format!("Unknown mailbox service \"{id}\"."),
        };
        AppError::new(ErrorCode::BadSetting, message)
    })
}

/// What the preparation step asks to check.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CheckRequest {
    /// The domain, or an address or web address at it.
    pub input: String,
    /// A provider id, `custom`, or none to suggest one from the current MX records.
    pub provider: Option<String>,
    /// With `custom`: "PRIORITY HOST" rows.
    pub mx: Vec<String>,
    /// Resolvers to ask ("IP" or "IP:PORT"); empty for this computer's.
    pub resolvers: Vec<String>,
}

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
    let domain = check::parse_domain(&input)
        .map_err(|e| AppError::new(ErrorCode::BadDomain, e.to_string()))?;
    let choice = provider_choice(provider.as_deref(), &mx)?;
    if let (Some(l), Ok(mut current)) = (locale, state.locale.lock()) {
        *current = l;
    }
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
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
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
            // itself stands.
            let _ = persist::told(
                &app,
                persist::remember(persist::store(&app), RecentCheck::of(&report, provider, mx)),
            );
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
pub fn report_document(report: CheckReport, locale: Locale, outcome: Option<WaitView>) -> String {
    match outcome {
        Some(view) => report::outcome_document(&report, &view, locale),
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

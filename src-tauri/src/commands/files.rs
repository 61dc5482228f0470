//! Files and links: a snapshot or report saved where the user chooses, a customer's snapshot
//! opened, and catalog links opened in the browser.

use std::path::PathBuf;

use mxdoctor_core::links;
use mxdoctor_core::propagation::WaitView;
use mxdoctor_core::report::{self, CheckReport, Locale};
use mxdoctor_core::Snapshot;
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, ErrorDetail, Result};
use crate::model::provider_choice;
use crate::state::AppState;

/// Asks where to save, with `name` proposed; `None` when the user cancelled.
async fn ask_where<R: Runtime>(
    app: &AppHandle<R>,
    name: &str,
    kind: &str,
    ext: &str,
) -> Option<PathBuf> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_file_name(name)
        .add_filter(kind, &[ext])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    rx.await.ok().flatten().and_then(|p| p.into_path().ok())
}

/// Writes `text` to `path` whole or not at all; a failure says where and why.
fn write_file(path: &std::path::Path, text: &str) -> Result<()> {
    mxdoctor_core::files::write_atomic(path, text.as_bytes()).map_err(|e| {
        AppError::new(
            ErrorCode::NotSaved,
            format!("{} could not be written ({e})", path.display()),
        )
    })
}

/// Saves the last check's snapshot to a file the user picks; returns where, or `None` if they
/// cancelled.
#[tauri::command]
pub async fn export_snapshot<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>> {
    let snapshot = state.last_check()?.snapshot;
    let name = format!("mxdoctor-{}.json", snapshot.domain);
    let Some(path) = ask_where(&app, &name, "MX Doctor snapshot", "json").await else {
        return Ok(None);
    };
    write_file(&path, &snapshot.to_json())?;
    Ok(Some(path.display().to_string()))
}

/// Saves the report as a Markdown file the user picks.
#[tauri::command]
pub async fn export_report<R: Runtime>(
    app: AppHandle<R>,
    report: CheckReport,
    locale: Locale,
    outcome: Option<WaitView>,
) -> Result<Option<String>> {
    let name = format!("mxdoctor-{}.md", report.domain);
    let Some(path) = ask_where(&app, &name, "Markdown", "md").await else {
        return Ok(None);
    };
    let text = crate::commands::check::report_document(app.clone(), report, locale, outcome);
    write_file(&path, &text)?;
    Ok(Some(path.display().to_string()))
}

/// A snapshot opened in the window: the report it gives, and when it was taken.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct OpenedSnapshot {
    pub report: CheckReport,
}

/// Judges a snapshot a customer sent (the text of the file), as if the check had just run here:
/// the same screens follow. A file that cannot be used is a `bad_snapshot` error saying why
/// (the same checks and limits as `mxdoctor check --from-snapshot`).
#[tauri::command]
pub fn open_snapshot(
    state: State<'_, AppState>,
    text: String,
    provider: Option<String>,
    mx: Vec<String>,
    locale: Locale,
) -> Result<OpenedSnapshot> {
    let (domain, snapshot) = Snapshot::open(&text, None)
        .map_err(|e| AppError::new(ErrorCode::BadSnapshot, e.to_string()))?;
    let choice = provider_choice(provider.as_deref(), &mx)?;
    let report = state.adopt_snapshot(&domain, snapshot, choice, state.lab().resolvers);
    Ok(OpenedSnapshot {
        report: report::reword(report, locale),
    })
}

/// Opens a link MX Doctor lists (a DNS host's console, a resolver's flush page, an RFC section)
/// in the user's browser.
#[tauri::command]
pub fn open_link<R: Runtime>(app: AppHandle<R>, url: String) -> Result<()> {
    if !links::may_open(&url) {
        return Err(AppError::new(
            ErrorCode::BadSetting,
            "MX Doctor only opens the links it lists itself.",
        ));
    }
    app.opener().open_url(url, None::<&str>).map_err(|e| {
        AppError::internal(
            format!("The browser could not be opened ({e}). Copy the link instead."),
            ErrorDetail::BrowserNotOpened,
        )
    })
}

/// Puts `text` on the clipboard from Rust: WebKitGTK refuses `navigator.clipboard` once the
/// click that asked for it has waited for anything (the report is worded by a command first).
#[tauri::command]
pub fn copy_text<R: Runtime>(app: AppHandle<R>, text: String) -> Result<()> {
    app.clipboard().write_text(text).map_err(|e| {
        tracing::warn!("clipboard: {e}");
        AppError::internal(
            "MX Doctor could not copy the text. Save it as a file instead.",
            ErrorDetail::NotCopied,
        )
    })
}

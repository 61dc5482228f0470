//! Input rules and catalogs: what the preparation step needs before any lookup.

use mxdoctor_core::check;
use mxdoctor_core::domain::MailDomain;
use mxdoctor_core::providers::{self, Provider};

use tauri::{AppHandle, Runtime};

use crate::error::{AppError, ErrorCode, Result};
use crate::persist;

/// The domain as it will be checked, or why it cannot be (shown inline as the user types).
#[tauri::command]
pub fn normalise_domain(input: String) -> Result<MailDomain> {
    check::parse_domain(&input).map_err(|e| AppError::new(ErrorCode::BadDomain, e.to_string()))
}

/// What the window should tell the user at start, e.g. that unreadable saved settings were
/// moved aside.
#[tauri::command]
pub fn startup_notice<R: Runtime>(app: AppHandle<R>) -> Option<String> {
    persist::open(&app).1
}

/// The mailbox services MX Doctor knows.
#[tauri::command]
pub fn list_providers() -> Vec<Provider> {
    providers::all().to_vec()
}

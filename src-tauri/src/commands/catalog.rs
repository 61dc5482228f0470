//! Input rules and catalogs: what the preparation step needs before any lookup.

use mxdoctor_core::check;
use mxdoctor_core::domain::MailDomain;
use mxdoctor_core::providers::{self, Provider};

use crate::error::{AppError, ErrorCode, Result};

/// The domain as it will be checked, or why it cannot be (shown inline as the user types).
#[tauri::command]
pub fn normalise_domain(input: String) -> Result<MailDomain> {
    check::parse_domain(&input).map_err(|e| AppError::new(ErrorCode::BadDomain, e.to_string()))
}

/// The mailbox services MX Doctor knows.
#[tauri::command]
pub fn list_providers() -> Vec<Provider> {
    providers::all().to_vec()
}

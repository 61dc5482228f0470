//! Input rules and catalogs: what the preparation step needs before any lookup.

use mxdoctor_core::check;
use mxdoctor_core::domain::MailDomain;
use mxdoctor_core::providers::{self, Provider};

use mxdoctor_core::check::CheckOptions;
use mxdoctor_core::providers::DnsHostGuide;
use mxdoctor_core::report::Locale;
use mxdoctor_core::words;
use tauri::{AppHandle, Runtime, State};

use crate::error::{AppError, ErrorCode, Result};
use crate::persist;
use crate::state::AppState;

/// The domain as it will be checked, or why it cannot be (shown inline as the user types).
#[tauri::command]
pub fn normalise_domain(input: String) -> Result<MailDomain> {
    check::parse_domain(&input).map_err(|e| AppError::bad_domain(&e))
}

/// What the window should tell the user at start, e.g. that unreadable saved settings were
/// moved aside.
#[tauri::command]
pub fn startup_notice<R: Runtime>(app: AppHandle<R>) -> Option<crate::model::StoreNotice> {
    persist::store(&app).notice()
}

/// The mailbox services MX Doctor knows, named in `locale` (English when not given).
#[tauri::command]
pub fn list_providers(locale: Option<Locale>) -> Vec<Provider> {
    let locale = locale.unwrap_or_default();
    providers::all()
        .iter()
        .map(|p| Provider {
            name: words::provider_name(&p.id, locale),
            ..p.clone()
        })
        .collect()
}

/// Who hosts the DNS of the domain typed so far, with the way to its records in `locale`
/// (asked while the user is still on the first step).
#[tauri::command]
pub async fn detect_dns_host(
    state: State<'_, AppState>,
    input: String,
    resolvers: Vec<String>,
    locale: Locale,
) -> Result<DnsHostGuide> {
    let domain = check::parse_domain(&input).map_err(|e| AppError::bad_domain(&e))?;
    let options = CheckOptions {
        resolvers: state.resolvers(&resolvers)?,
        auth_port: state.auth_port(),
        timeout: state.timeout,
        progress: None,
    };
    check::dns_host(&domain, &options, locale)
        .await
        .map_err(|e| AppError::new(ErrorCode::NoResolver, e.to_string()))
}

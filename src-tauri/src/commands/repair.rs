//! The repair step: "I've made the changes" asks the DNS host's own servers about every row
//! shown, before any waiting starts.

use mxdoctor_core::diagnose::FixRow;
use mxdoctor_core::saved::{self, RowCheck};
use tauri::State;

use crate::error::Result;
use crate::state::AppState;

/// Whether each of `rows` is saved at the DNS host of the last check's domain.
#[tauri::command]
pub async fn verify_rows(state: State<'_, AppState>, rows: Vec<FixRow>) -> Result<Vec<RowCheck>> {
    let last = state.last_check()?;
    Ok(saved::verify(&last.snapshot, &rows, last.auth_port, state.timeout).await)
}

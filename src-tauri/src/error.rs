//! The one error contract across IPC (STYLE.md convention 5): `{code, message}`. A code exists
//! only where the window branches on it; the message is plain words for the user.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The domain field: shown inline under it.
    BadDomain,
    /// A setting (provider, MX row, resolver address): shown beside it.
    BadSetting,
    /// No DNS server to ask: the window offers practice mode.
    NoResolver,
    /// The user pressed Cancel.
    Cancelled,
    /// The wait has nothing to look for (no row to change, no mailbox service known): the
    /// repair step sends the user back to name the service, or to check again.
    NothingToWaitFor,
    /// The wait was asked to follow a way of removing the alias the check did not offer: the
    /// repair step asks the user to check again.
    BadOption,
    /// No server to ask during the wait (no DNS host server found, no resolver): the repair
    /// step asks the user to check again.
    NoVantage,
    /// None of the DNS host's servers was found: nothing could ever be seen saved, so no wait
    /// starts; the repair step asks the user to check again.
    NoDnsHost,
    /// What the user asked to keep could not be saved (a full disk, a folder that cannot be
    /// written): nothing changed, and the window says so beside what was being saved.
    NotSaved,
    /// A snapshot file that cannot be opened (damaged, crafted, of another version, above the
    /// limits): the message says which.
    BadSnapshot,
    /// Anything else.
    Internal,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, AppError>;

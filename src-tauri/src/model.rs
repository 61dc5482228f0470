//! The app's model: what the window and the store exchange with the commands (generated into
//! TypeScript by ts-rs). It depends on the core only: the commands and the store depend on it,
//! never the other way round.

use mxdoctor_core::check::{self, ChoiceError};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::propagation::{BoundsError, WaitSettings};
use mxdoctor_core::report::{CheckReport, CheckStatus, Locale};
use mxdoctor_dnsworld::practice::ConsoleRow;
use mxdoctor_dnsworld::KeptAnswer;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{AppError, ErrorCode, ErrorDetail, Result};

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

/// Which provider to check against: an id, `custom` with MX rows, or none (suggest one);
/// refused in the window's words.
pub fn provider_choice(id: Option<&str>, mx: &[String]) -> Result<ProviderChoice> {
    check::provider_choice(id, mx).map_err(|e| {
        let message = match &e {
            ChoiceError::Mx(e) => e.to_string(),
            ChoiceError::NoRows => "Add at least one mail server row for your own servers.".into(),
            ChoiceError::Unknown(id) => format!("Unknown mailbox service \"{id}\"."),
        };
        AppError::new(ErrorCode::BadSetting, message).with((&e).into())
    })
}

/// One line of the history of checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecentCheck {
    /// What the user typed, so "check again" repeats it exactly.
    pub input: String,
    pub domain: String,
    pub provider: Option<String>,
    /// With the `custom` provider: the MX rows given.
    pub mx: Vec<String>,
    pub status: CheckStatus,
    pub problems: u32,
    pub risks: u32,
    /// Unix seconds.
    #[ts(type = "number")]
    pub taken_at: u64,
}

impl RecentCheck {
    pub fn of(report: &CheckReport, provider: Option<String>, mx: Vec<String>) -> Self {
        let counts = report.counts();
        Self {
            input: report.input.clone(),
            domain: report.domain_unicode.clone(),
            provider,
            mx,
            status: report.status,
            problems: counts.problems,
            risks: counts.risks,
            taken_at: report.taken_at,
        }
    }
}

/// What the user set once and expects kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(default)]
pub struct Settings {
    /// The window's language; `None` follows the operating system.
    pub locale: Option<Locale>,
    /// The helpdesk's technical details shown.
    pub technical: bool,
    /// DNS services to ask instead of this computer's ("IP" or "IP:PORT").
    pub resolvers: Vec<String>,
    /// While the DNS host has not saved the change yet: how often to ask it, in seconds.
    pub check_every_secs: u32,
    /// The longest pause between two checks of one DNS service, in seconds.
    pub longest_gap_secs: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let wait = WaitSettings::default();
        Self {
            locale: None,
            technical: false,
            resolvers: Vec::new(),
            check_every_secs: (wait.poll_interval / 1000) as u32,
            longest_gap_secs: (wait.max_interval / 1000) as u32,
        }
    }
}

/// A setting that cannot be used, and why.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Server(#[from] check::SettingError),
    #[error(transparent)]
    Bounds(#[from] BoundsError),
}

impl From<SettingsError> for AppError {
    fn from(e: SettingsError) -> Self {
        let detail = match &e {
            SettingsError::Server(s) => Some(s.into()),
            SettingsError::Bounds(b) => ErrorDetail::bounds(b),
        };
        AppError {
            detail,
            ..AppError::new(ErrorCode::BadSetting, e.to_string())
        }
    }
}

impl Settings {
    /// The wait's schedule with these bounds, or which setting cannot be used and why.
    pub fn wait_settings(&self) -> std::result::Result<WaitSettings, SettingsError> {
        for r in self.resolvers.iter().filter(|r| !r.trim().is_empty()) {
            check::parse_server(r)?;
        }
        Ok(WaitSettings::bounded(
            self.check_every_secs,
            self.longest_gap_secs,
        )?)
    }
}

/// The steps of the wizard that are kept when the window closes outside a wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Prepare,
    Check,
    Repair,
}

/// Where the window was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Session {
    pub step: Step,
    pub request: CheckRequest,
}

/// A session brought back: the step, what was asked, and the check's report when there was one.
#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct Restored {
    pub session: Session,
    pub report: Option<CheckReport>,
}

#[derive(Clone, Debug, Serialize, TS)]
#[ts(export)]
pub struct SaveState {
    /// Why the last save failed, in the system's words; `None` once saving works again.
    pub detail: Option<String>,
}

/// Kept in the store: which scenario, the learner's records, and what the caches hold (so a
/// wait resumed after a restart meets them still counting down, as the internet's would).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedPractice {
    pub scenario: String,
    pub rows: Vec<ConsoleRow>,
    #[serde(default)]
    pub caches: Vec<Vec<KeptAnswer>>,
}

/// What the window tells the user at start about the saved state: the window words it; the
/// `problem` and `reason` are the system's words, shown as the technical detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StoreNotice {
    /// The saved state could not be read; it was moved to `aside` and the app started fresh.
    SetAside { problem: String, aside: String },
    /// It could be neither read nor moved aside (`reason`): nothing is saved over it.
    Blocked {
        problem: String,
        path: String,
        reason: String,
    },
}

impl std::fmt::Display for StoreNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreNotice::SetAside { problem, aside } => write!(
                f,
                "The saved settings could not be read ({problem}). They were moved to {aside} and MX Doctor started fresh."
            ),
            StoreNotice::Blocked {
                problem,
                path,
                reason,
            } => write!(
                f,
                "The saved settings in {path} could not be read ({problem}) nor moved aside ({reason}). MX Doctor started fresh and saves nothing until that file is moved."
            ),
        }
    }
}

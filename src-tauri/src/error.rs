//! The one error contract across IPC (STYLE.md convention 5): `{code, message}`. A code exists
//! only where the window branches on it; the message is plain words for the user.

use mxdoctor_core::check::{ChoiceError, SettingError};
use mxdoctor_core::domain::{Character, InputError};
use mxdoctor_core::propagation::{BoundsError, WaitSettings};
use mxdoctor_dnsworld::practice::ConsoleError;
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS, thiserror::Error)]
#[ts(export)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    /// English, for the log and the helpdesk; the window words `detail` when there is one.
    pub message: String,
    /// Why, as data the window words in its own language (`ui/src/i18n/errors.ts`), so no
    /// English sentence from Rust reaches a person who reads another language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub detail: Option<ErrorDetail>,
}

/// What a person typed that cannot be used, as data (the words are in the window's catalogs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ErrorDetail {
    /// The domain field (`bad_domain`), with how a character it cannot hold is named.
    Input {
        input: InputError,
        character: Option<Character>,
    },
    /// A DNS server address that is not `IP` or `IP:PORT`.
    Server { text: String },
    /// One of the user's own mail server rows that is not `PRIORITY HOST`.
    MxRow { text: String },
    /// One of the user's own mail server names that is not a name.
    MxHost {
        host: String,
        input: InputError,
        character: Option<Character>,
    },
    /// "My own mail servers" with no row.
    NoMxRows,
    /// Not a mailbox service of the catalog.
    UnknownProvider { id: String },
    /// How often to ask the DNS host, outside its bounds.
    PollBounds { min: u32, max: u32 },
    /// The longest pause, outside its bounds.
    GapBounds { min: u32, max: u32 },
    /// A practice console row that cannot be saved (`bad_setting`), and why.
    ConsoleRow { refusal: ConsoleRefusal },
    /// A practice console edit while practice mode is not running.
    PracticeNotRunning,
    /// The practice world could not be reached (its lock was poisoned by a panic).
    PracticeUnavailable,
    /// The practice DNS servers could not start (no port to listen on).
    PracticeNotStarted,
    /// A step that follows the last check (repair, wait, export) asked before any check.
    CheckFirst,
    /// The browser could not be opened on a catalog link: the window offers to copy it.
    BrowserNotOpened,
    /// The clipboard could not be written: the window offers to save a file instead.
    NotCopied,
}

/// Why the practice console refused a row (the DNS world's `ConsoleError`), as data: the
/// window words it, with a hint per record type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ConsoleRefusal {
    /// The host is not a name in the practice domain.
    Host { host: String },
    /// A record type the console does not offer.
    Type { rtype: String },
    /// An MX row without a priority.
    Priority,
    /// A value that record type cannot hold (`rtype` upper case, as the console lists it).
    Value { rtype: String, value: String },
    /// A TTL outside 1..=86400.
    Ttl,
    /// A row that is no longer there.
    NoRow,
    /// One of the DNS host's own name server rows.
    Locked,
    /// The practice zone itself refused the change.
    Zone,
}

impl From<&ConsoleError> for ConsoleRefusal {
    fn from(e: &ConsoleError) -> Self {
        match e {
            ConsoleError::Host(host) => ConsoleRefusal::Host { host: host.clone() },
            ConsoleError::Type(rtype) => ConsoleRefusal::Type {
                rtype: rtype.clone(),
            },
            ConsoleError::Priority => ConsoleRefusal::Priority,
            ConsoleError::Value { rtype, value, .. } => ConsoleRefusal::Value {
                rtype: rtype.clone(),
                value: value.clone(),
            },
            ConsoleError::Ttl => ConsoleRefusal::Ttl,
            ConsoleError::NoRow(_) => ConsoleRefusal::NoRow,
            ConsoleError::Locked => ConsoleRefusal::Locked,
            ConsoleError::Zone(_) => ConsoleRefusal::Zone,
        }
    }
}

impl ErrorDetail {
    pub fn input(e: &InputError) -> Self {
        ErrorDetail::Input {
            input: e.clone(),
            character: character(e),
        }
    }
}

fn character(e: &InputError) -> Option<Character> {
    match e {
        InputError::InvalidCharacter { found } => Some(Character::of(found)),
        _ => None,
    }
}

impl From<&SettingError> for ErrorDetail {
    fn from(e: &SettingError) -> Self {
        match e {
            SettingError::Server(text) => ErrorDetail::Server { text: text.clone() },
            SettingError::Mx(text) => ErrorDetail::MxRow { text: text.clone() },
            SettingError::MxHost { host, reason } => ErrorDetail::MxHost {
                host: host.clone(),
                input: reason.clone(),
                character: character(reason),
            },
        }
    }
}

impl From<&ChoiceError> for ErrorDetail {
    fn from(e: &ChoiceError) -> Self {
        match e {
            ChoiceError::Mx(e) => e.into(),
            ChoiceError::NoRows => ErrorDetail::NoMxRows,
            ChoiceError::Unknown(id) => ErrorDetail::UnknownProvider { id: id.clone() },
        }
    }
}

impl ErrorDetail {
    /// The window's interval settings out of bounds (the CLI's flags have their own words).
    pub fn bounds(e: &BoundsError) -> Option<Self> {
        match e {
            BoundsError::Poll => Some(ErrorDetail::PollBounds {
                min: *WaitSettings::POLL_SECS.start(),
                max: *WaitSettings::POLL_SECS.end(),
            }),
            BoundsError::Gap(min) => Some(ErrorDetail::GapBounds {
                min: *min,
                max: WaitSettings::MAX_GAP_SECS,
            }),
            BoundsError::NotADuration { .. } | BoundsError::OutOfRange { .. } => None,
        }
    }
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
    /// The DNS host's API (or the practice console) refused or failed: a wrong key, no
    /// permission, a zone the key cannot see, a timeout, a plan it cannot make. The one-click
    /// repair panel shows the message (the core's words) under its own sentence.
    DnsHost,
    /// No key was given for the DNS host and none is saved: the panel asks for one.
    NeedsKey,
    /// Anything else.
    Internal,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            detail: None,
        }
    }

    /// With the data the window words instead of `message`.
    pub fn with(mut self, detail: ErrorDetail) -> Self {
        self.detail = Some(detail);
        self
    }

    /// `bad_domain` for what the domain field holds.
    pub fn bad_domain(e: &InputError) -> Self {
        AppError::new(ErrorCode::BadDomain, e.to_string()).with(ErrorDetail::input(e))
    }

    /// `bad_setting` for a server address or mail server row the user typed.
    pub fn bad_setting(e: &SettingError) -> Self {
        AppError::new(ErrorCode::BadSetting, e.to_string()).with(e.into())
    }
    /// `bad_setting` for a practice console row that cannot be saved.
    pub fn console_row(e: &ConsoleError) -> Self {
        AppError::new(
            ErrorCode::BadSetting,
            format!("This record cannot be saved: {e}."),
        )
        .with(ErrorDetail::ConsoleRow { refusal: e.into() })
    }

    /// `internal`, worded by the window from `detail` (no code: the window does not branch).
    pub fn internal(message: impl Into<String>, detail: ErrorDetail) -> Self {
        AppError::new(ErrorCode::Internal, message).with(detail)
    }
}

pub type Result<T> = std::result::Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every refusal of the practice console reaches the window as data, so no English sentence
    /// of the DNS world is shown in another language.
    #[test]
    fn every_console_refusal_is_worded_by_the_window() {
        let cases = [
            (
                ConsoleError::Host("a b".into()),
                json_of(r#"{"reason":"host","host":"a b"}"#),
            ),
            (
                ConsoleError::Type("SRV".into()),
                json_of(r#"{"reason":"type","rtype":"SRV"}"#),
            ),
            (ConsoleError::Priority, json_of(r#"{"reason":"priority"}"#)),
            (
                ConsoleError::Value {
                    rtype: "A".into(),
                    value: "not an address".into(),
                    hint: "an A record holds an address such as 203.0.113.7",
                },
                json_of(r#"{"reason":"value","rtype":"A","value":"not an address"}"#),
            ),
            (ConsoleError::Ttl, json_of(r#"{"reason":"ttl"}"#)),
            (ConsoleError::NoRow(7), json_of(r#"{"reason":"no_row"}"#)),
            (ConsoleError::Locked, json_of(r#"{"reason":"locked"}"#)),
            (
                ConsoleError::Zone("bad".into()),
                json_of(r#"{"reason":"zone"}"#),
            ),
        ];
        for (error, refusal) in cases {
            let e = serde_json::to_value(AppError::console_row(&error)).unwrap();
            assert_eq!(e["code"], "bad_setting", "{error}");
            assert_eq!(e["detail"]["kind"], "console_row", "{error}");
            assert_eq!(
                e["detail"]["refusal"], refusal,
                "{error}: the window words the refusal from this data alone"
            );
            assert!(
                !e["detail"].to_string().contains(" record holds "),
                "the DNS world's English hint stays out of the detail"
            );
        }
    }

    fn json_of(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap()
    }
}

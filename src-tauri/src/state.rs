//! What the app keeps between commands: where to ask, and the running check (to cancel it).

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;
use std::time::Duration;

use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::report::{CheckReport, Locale};
use mxdoctor_core::Snapshot;
use mxdoctor_dnsworld::practice::Practice;
use tokio::task::AbortHandle;

pub struct AppState {
    pub lab: LabSettings,
    /// How long to wait for one DNS answer.
    pub timeout: Duration,
    /// The check in progress, if any.
    pub check: Mutex<Option<AbortHandle>>,
    /// What the last check saw, for the wait that follows the repair.
    pub last_check: Mutex<Option<LastCheck>>,
    /// The wait being followed, if any.
    pub wait: Mutex<Option<AbortHandle>>,
    /// Counts waits started and stopped: a wait's rounds are saved only while it is current.
    pub wait_generation: AtomicU64,
    /// The window's language, for what the app says outside the window (notifications).
    pub locale: Mutex<Locale>,
    /// Practice mode's DNS world, while it runs: then every question goes to it.
    pub practice: Mutex<Option<Practice>>,
    /// Counts practice worlds started and stopped; a world's background work ends when it moves.
    pub practice_generation: AtomicU64,
    /// `--practice` was given on the command line.
    pub practice_requested: bool,
    /// The last preview of "Let MX Doctor make these changes": the apply makes exactly it.
    pub preview: Mutex<Option<mxdoctor_core::apply::Preview>>,
    /// An apply or undo in progress: a second one waits for it (never two writers at once).
    pub applying: tokio::sync::Mutex<()>,
}

impl AppState {
    /// `practice_requested`: the window was started with `--practice`.
    pub fn new(lab: LabSettings, practice_requested: bool) -> Self {
        Self {
            lab,
            timeout: mxdoctor_core::dns::DEFAULT_TIMEOUT,
            check: Mutex::default(),
            last_check: Mutex::default(),
            wait: Mutex::default(),
            wait_generation: AtomicU64::new(0),
            locale: Mutex::default(),
            practice: Mutex::default(),
            practice_generation: AtomicU64::new(0),
            practice_requested,
            preview: Mutex::default(),
            applying: tokio::sync::Mutex::const_new(()),
        }
    }

    /// Where to ask: the practice world while it runs, else the lab of the environment, else
    /// (empty) the internet.
    pub fn lab(&self) -> LabSettings {
        match self
            .practice
            .lock()
            .ok()
            .as_deref()
            .and_then(Option::as_ref)
        {
            Some(p) => LabSettings {
                resolvers: p.resolvers(),
                auth_port: Some(p.port()),
            },
            None => self.lab.clone(),
        }
    }

    /// Whether the practice world runs: a check started now asks it, not the internet.
    pub fn practising(&self) -> bool {
        self.practice
            .lock()
            .ok()
            .is_some_and(|p| p.as_ref().is_some())
    }

    /// The port authoritative servers are asked on.
    pub fn auth_port(&self) -> u16 {
        self.lab().auth_port.unwrap_or(53)
    }

    /// What the last check saw, or the error the repair, wait and export steps give without one.
    pub fn last_check(&self) -> crate::error::Result<LastCheck> {
        self.last_check
            .lock()
            .ok()
            .and_then(|l| l.clone())
            .ok_or_else(|| {
                crate::error::AppError::internal(
                    "Check the domain first.",
                    crate::error::ErrorDetail::CheckFirst,
                )
            })
    }

    /// Makes `check` the one the next steps follow.
    pub fn set_last_check(&self, check: LastCheck) {
        if let Ok(mut last) = self.last_check.lock() {
            *last = Some(check);
        }
    }

    /// A snapshot taken earlier (a customer's file, the check before a restart) judged again
    /// and made the last check, asked again through `resolvers` and this state's DNS host port.
    pub fn adopt_snapshot(
        &self,
        domain: &mxdoctor_core::domain::MailDomain,
        snapshot: Snapshot,
        choice: ProviderChoice,
        resolvers: Vec<SocketAddr>,
    ) -> CheckReport {
        let report = mxdoctor_core::check::replay(domain, &snapshot, choice.clone());
        self.set_last_check(LastCheck {
            report: report.clone(),
            snapshot,
            choice,
            resolvers,
            auth_port: self.auth_port(),
        });
        report
    }
}

impl AppState {
    /// The resolvers the user listed ("IP" or "IP:PORT"), else the lab's (practice world,
    /// `MXDOCTOR_NAMESERVER`); empty means this computer's.
    pub fn resolvers(&self, listed: &[String]) -> crate::error::Result<Vec<SocketAddr>> {
        let listed = listed
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| {
                mxdoctor_core::check::parse_server(r)
                    .map_err(|e| crate::error::AppError::bad_setting(&e))
            })
            .collect::<crate::error::Result<Vec<_>>>()?;
        Ok(if listed.is_empty() {
            self.lab().resolvers
        } else {
            listed
        })
    }
}

#[derive(Clone, Debug)]
pub struct LastCheck {
    pub report: CheckReport,
    pub snapshot: Snapshot,
    pub choice: ProviderChoice,
    /// The resolvers asked (empty: the system's).
    pub resolvers: Vec<SocketAddr>,
    pub auth_port: u16,
}

/// Servers to use instead of the internet's, for loopback labs (and the practice world):
/// `MXDOCTOR_NAMESERVER=127.0.0.1:5300[,…]` and `MXDOCTOR_AUTH_PORT=5301`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabSettings {
    pub resolvers: Vec<SocketAddr>,
    pub auth_port: Option<u16>,
}

impl LabSettings {
    pub fn from_env() -> Self {
        Self::parse(
            std::env::var("MXDOCTOR_NAMESERVER").ok().as_deref(),
            std::env::var("MXDOCTOR_AUTH_PORT").ok().as_deref(),
        )
    }

    /// Unusable values are ignored with a log line: the app still starts, on the internet.
    pub fn parse(nameservers: Option<&str>, auth_port: Option<&str>) -> Self {
        let resolvers = nameservers
            .unwrap_or_default()
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .filter_map(|s| match mxdoctor_core::check::parse_server(s) {
                Ok(a) => Some(a),
                Err(e) => {
                    tracing::warn!("MXDOCTOR_NAMESERVER: {e}");
                    None
                }
            })
            .collect();
        let auth_port = auth_port.and_then(|p| p.trim().parse().ok());
        Self {
            resolvers,
            auth_port,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lab_settings_from_the_environment() {
        let s = LabSettings::parse(Some("127.0.0.1:5300, 127.0.0.2"), Some("5301"));
        assert_eq!(s.resolvers.len(), 2);
        assert_eq!(s.resolvers[1].port(), 53);
        assert_eq!(s.auth_port, Some(5301));
        let bad = LabSettings::parse(Some("dns.google"), Some("port"));
        assert_eq!(bad, LabSettings::default());
    }
}

//! One check from start to finish: normalise the input, observe, diagnose, report. The CLI and
//! the app both call this; neither holds any of the logic.

use std::net::SocketAddr;
use std::time::Duration;

use crate::diagnose::{diagnose, ProviderChoice};
use crate::dns::{self, ObserveConfig};
use crate::domain::{self, InputError, MailDomain};
use crate::providers;
use crate::report::{self, CheckReport};
use crate::snapshot::Snapshot;

/// Where and how to look.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Recursive resolvers; empty means the system's.
    pub resolvers: Vec<SocketAddr>,
    /// The port authoritative servers listen on (53 on the internet).
    pub auth_port: u16,
    pub timeout: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            resolvers: Vec::new(),
            auth_port: 53,
            timeout: dns::DEFAULT_TIMEOUT,
        }
    }
}

/// Why a check could not start.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("{0}")]
    NoResolver(String),
}

/// Observes `domain` and judges it. `now` is the Unix time recorded in the snapshot.
pub async fn check(
    domain: &MailDomain,
    choice: ProviderChoice,
    options: &CheckOptions,
    now: u64,
) -> Result<(CheckReport, Snapshot), CheckError> {
    let resolvers = if options.resolvers.is_empty() {
        dns::system_resolvers().map_err(CheckError::NoResolver)?
    } else {
        options.resolvers.clone()
    };
    let dkim_selectors = match &choice {
        ProviderChoice::Given(p) => p.dkim_selectors.clone(),
        // Unknown yet: look at every catalogued provider's selectors in the same round.
        ProviderChoice::Detect => {
            let mut all: Vec<String> = providers::all()
                .iter()
                .flat_map(|p| p.dkim_selectors.clone())
                .collect();
            all.sort();
            all.dedup();
            all
        }
    };
    let config = ObserveConfig {
        resolvers,
        auth_port: options.auth_port,
        timeout: options.timeout,
        dkim_selectors,
    };
    let snapshot = dns::observe(&domain.ascii, &config, now).await;
    Ok((replay(domain, &snapshot, choice), snapshot))
}

/// Judges a snapshot taken earlier, perhaps on another machine.
pub fn replay(domain: &MailDomain, snapshot: &Snapshot, choice: ProviderChoice) -> CheckReport {
    report::build(domain, snapshot, diagnose(snapshot, choice))
}

/// Normalises the input: re-exported so front ends need one import.
pub fn parse_domain(input: &str) -> Result<MailDomain, InputError> {
    domain::normalise(input)
}

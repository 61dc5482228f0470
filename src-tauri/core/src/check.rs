//! One check from start to finish: normalise the input, observe, diagnose, report. The CLI and
//! the app both call this; neither holds any of the logic.

use std::net::SocketAddr;
use std::time::Duration;

use crate::diagnose::{diagnose, ProviderChoice};
use crate::dns;
use crate::domain::{self, InputError, MailDomain};
use crate::observe::{self, ObserveConfig};
use crate::providers;
use crate::providers::DnsHostGuide;
use crate::report::{self, CheckReport, Locale};
use crate::snapshot::Snapshot;

/// Where and how to look.
#[derive(Clone, Debug)]
pub struct CheckOptions {
    /// Recursive resolvers; empty means the system's.
    pub resolvers: Vec<SocketAddr>,
    /// The port authoritative servers listen on (53 on the internet).
    pub auth_port: u16,
    pub timeout: Duration,
    /// Told about every question as it starts and ends.
    pub progress: Option<observe::ProgressSink>,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            resolvers: Vec::new(),
            auth_port: 53,
            timeout: dns::DEFAULT_TIMEOUT,
            progress: None,
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
        progress: options.progress.clone(),
    };
    let snapshot = observe::observe(&domain.ascii, &config, now).await;
    Ok((replay(domain, &snapshot, choice), snapshot))
}

/// Who hosts `domain`'s DNS and how to reach its records, in `locale`: a few questions, asked
/// while the user is still filling in the first step.
pub async fn dns_host(
    domain: &MailDomain,
    options: &CheckOptions,
    locale: Locale,
) -> Result<DnsHostGuide, CheckError> {
    let resolvers = if options.resolvers.is_empty() {
        dns::system_resolvers().map_err(CheckError::NoResolver)?
    } else {
        options.resolvers.clone()
    };
    let config = ObserveConfig {
        resolvers,
        auth_port: options.auth_port,
        timeout: options.timeout,
        dkim_selectors: Vec::new(),
        progress: None,
    };
    let ns = observe::name_servers(&domain.ascii, &config).await;
    Ok(report::dns_host_guide(&ns, locale))
}

/// Judges a snapshot taken earlier, perhaps on another machine.
pub fn replay(domain: &MailDomain, snapshot: &Snapshot, choice: ProviderChoice) -> CheckReport {
    report::build(domain, snapshot, diagnose(snapshot, choice))
}

/// A setting typed by a person that cannot be used, with the reason in plain words.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SettingError {
    #[error("\"{0}\" is not a DNS server address; write an IP address, optionally with :PORT (e.g. 192.0.2.53 or 192.0.2.53:5353)")]
    Server(String),
    #[error(
        "\"{0}\" is not an MX record; write it as \"PRIORITY HOST\", e.g. \"10 mail.example.com\""
    )]
    Mx(String),
    #[error("the mail server name \"{host}\" cannot be used: {reason}")]
    MxHost { host: String, reason: InputError },
}

/// A DNS server as `IP` or `IP:PORT` (`[IPv6]:PORT`); the port defaults to 53.
pub fn parse_server(text: &str) -> Result<SocketAddr, SettingError> {
    let text = text.trim();
    text.parse::<SocketAddr>()
        .or_else(|_| {
            text.parse::<std::net::IpAddr>()
                .map(|ip| SocketAddr::new(ip, 53))
        })
        .map_err(|_| SettingError::Server(text.to_string()))
}

/// One of the user's own MX records, as `PRIORITY HOST` (for the `custom` provider).
pub fn parse_mx(text: &str) -> Result<providers::MxEntry, SettingError> {
    let bad = || SettingError::Mx(text.to_string());
    let mut parts = text.split_whitespace();
    let priority: u16 = parts.next().ok_or_else(bad)?.parse().map_err(|_| bad())?;
    let host = parts.next().ok_or_else(bad)?;
    if parts.next().is_some() {
        return Err(bad());
    }
    let parsed = domain::normalise(host).map_err(|reason| SettingError::MxHost {
        host: host.to_string(),
        reason,
    })?;
    Ok(providers::MxEntry {
        priority,
        host: parsed.ascii,
    })
}

/// Why a provider choice cannot be used; each front end words it for its own inputs.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChoiceError {
    #[error(transparent)]
    Mx(#[from] SettingError),
    /// `custom` with no MX rows.
    #[error("your own mail servers need at least one MX row")]
    NoRows,
    /// Not a provider id of the catalog.
    #[error("unknown mailbox service \"{0}\"")]
    Unknown(String),
}

/// The mailbox service to check against, from a provider id (or none) and the user's own MX
/// rows: none and no rows suggests one from the current MX records; `custom` (or none) with
/// rows checks against those rows.
pub fn provider_choice(id: Option<&str>, mx: &[String]) -> Result<ProviderChoice, ChoiceError> {
    match id.filter(|i| !i.is_empty()) {
        None if mx.is_empty() => Ok(ProviderChoice::Detect),
        None | Some(providers::CUSTOM_ID) => {
            let rows = mx
                .iter()
                .map(|m| parse_mx(m))
                .collect::<Result<Vec<_>, _>>()?;
            if rows.is_empty() {
                return Err(ChoiceError::NoRows);
            }
            Ok(ProviderChoice::Given(providers::custom(rows)))
        }
        Some(id) => providers::by_id(id)
            .map(|p| ProviderChoice::Given(p.clone()))
            .ok_or_else(|| ChoiceError::Unknown(id.to_string())),
    }
}

/// Normalises the input: re-exported so front ends need one import.
pub fn parse_domain(input: &str) -> Result<MailDomain, InputError> {
    domain::normalise(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_provider_choice_is_detect_an_id_or_the_users_own_rows() {
        assert!(matches!(
            provider_choice(None, &[]),
            Ok(ProviderChoice::Detect)
        ));
        assert!(matches!(
            provider_choice(Some(""), &[]),
            Ok(ProviderChoice::Detect)
        ));
        let Ok(ProviderChoice::Given(p)) = provider_choice(Some("alibaba-standard"), &[]) else {
            panic!("a catalog id is that provider");
        };
        assert_eq!(p.id, "alibaba-standard");
        let rows = ["10 mail.example.com".to_string()];
        for id in [None, Some("custom")] {
            let Ok(ProviderChoice::Given(p)) = provider_choice(id, &rows) else {
                panic!("rows are the user's own servers");
            };
            assert_eq!(p.mx_sets[0][0].host, "mail.example.com");
        }
        assert_eq!(
            provider_choice(Some("custom"), &[]).err(),
            Some(ChoiceError::NoRows)
        );
        assert_eq!(
            provider_choice(Some("nope"), &[]).err(),
            Some(ChoiceError::Unknown("nope".into()))
        );
        assert!(matches!(
            provider_choice(Some("custom"), &["mail.example.com".into()]),
            Err(ChoiceError::Mx(SettingError::Mx(_)))
        ));
    }

    #[test]
    fn servers_as_people_type_them() {
        let ok = [
            ("192.0.2.53", "192.0.2.53:53"),
            (" 192.0.2.53:5353 ", "192.0.2.53:5353"),
            ("2001:db8::53", "[2001:db8::53]:53"),
            ("[2001:db8::53]:5353", "[2001:db8::53]:5353"),
        ];
        for (text, want) in ok {
            assert_eq!(parse_server(text).unwrap().to_string(), want, "{text}");
        }
        for bad in ["", "dns.google", "192.0.2.53:99999", "1.2.3"] {
            assert!(
                matches!(parse_server(bad), Err(SettingError::Server(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn mx_rows_as_people_type_them() {
        let e = parse_mx("10  Mail.Example.COM.").unwrap();
        assert_eq!((e.priority, e.host.as_str()), (10, "mail.example.com"));
        for bad in [
            "mail.example.com",
            "ten mail.example.com",
            "10",
            "10 a b",
            "70000 mail.example.com",
        ] {
            assert!(matches!(parse_mx(bad), Err(SettingError::Mx(_))), "{bad}");
        }
        assert!(matches!(
            parse_mx("10 192.0.2.1"),
            Err(SettingError::MxHost { .. })
        ));
    }
}

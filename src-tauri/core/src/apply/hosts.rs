//! The real DNS hosts, through the `dns-update` crate: [`connect`] turns a DNS-host id, an
//! endpoint and a key into a [`DnsHostApi`].
//!
//! Writes go through `dns-update`'s `set_rrset` (replace one record set). Reads go where the
//! "before" state is exact (DESIGN.md: "not from DNS answers: an alias hides the records beside
//! it"): PowerDNS's own zone listing over its HTTP API (with TTLs), a TSIG-signed zone transfer
//! for RFC 2136, and `dns-update`'s `list_rrset` for the cloud hosts (which gives no TTL).

mod errors;
mod reads;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use dns_update::{DnsRecord, DnsRecordType, DnsUpdater, MXRecord, TsigAlgorithm};
use futures::future::BoxFuture;

use super::keys::Credentials;
use super::{ApiError, DnsHostApi, RrSet, RrValue};
use crate::dns::{canonical, RType};

use errors::Redactor;
use reads::Reader;

/// How long one request to a DNS host may take.
const TIMEOUT: Duration = Duration::from_secs(20);
/// The TTL written when the DNS host's listing did not say one (the cloud hosts' lists): the
/// lowest most of them accept on every plan (Alibaba Cloud DNS and DNSPod free editions,
/// GoDaddy).
pub const DEFAULT_TTL: u32 = 600;

/// What MX Doctor needs to ask for each DNS host it can change records at, in one table.
struct HostKind {
    /// The DNS-host catalog id (`providers::dns_host_ids()`), or `powerdns` / `rfc2136`.
    id: &'static str,
    /// The adapter written to the journal.
    adapter: &'static str,
    needs_endpoint: bool,
    needs_secret: bool,
}

const HOSTS: &[HostKind] = &[
    HostKind {
        id: "alibaba-cloud-dns",
        adapter: "alidns",
        needs_endpoint: false,
        needs_secret: true,
    },
    HostKind {
        id: "dnspod",
        adapter: "tencentcloud",
        needs_endpoint: false,
        needs_secret: true,
    },
    HostKind {
        id: "cloudflare",
        adapter: "cloudflare",
        needs_endpoint: false,
        needs_secret: false,
    },
    HostKind {
        id: "route53",
        adapter: "route53",
        needs_endpoint: false,
        needs_secret: true,
    },
    HostKind {
        id: "godaddy",
        adapter: "godaddy",
        needs_endpoint: false,
        needs_secret: true,
    },
    HostKind {
        id: "powerdns",
        adapter: "powerdns",
        needs_endpoint: true,
        needs_secret: false,
    },
    HostKind {
        id: "rfc2136",
        adapter: "rfc2136",
        needs_endpoint: true,
        needs_secret: true,
    },
];

fn kind(id: &str) -> Option<&'static HostKind> {
    HOSTS.iter().find(|h| h.id == id.trim())
}

/// The DNS hosts [`connect`] supports, by id.
pub fn supported_ids() -> impl Iterator<Item = &'static str> {
    HOSTS.iter().map(|h| h.id)
}

/// The `dns-update` adapter behind a DNS-host id; `None` when MX Doctor cannot change records
/// there (the user follows the console guide instead).
pub fn adapter_for(dns_host_id: &str) -> Option<&'static str> {
    kind(dns_host_id).map(|h| h.adapter)
}

/// Whether the host needs `--endpoint` (PowerDNS's API address, an RFC 2136 primary).
pub fn needs_endpoint(dns_host_id: &str) -> bool {
    kind(dns_host_id).is_some_and(|h| h.needs_endpoint)
}

/// Whether the host needs a secret beside the key (a key id and secret pair, a TSIG secret).
pub fn needs_secret(dns_host_id: &str) -> bool {
    kind(dns_host_id).is_some_and(|h| h.needs_secret)
}

/// Why MX Doctor could not set up the DNS host's API, in words. Never holds a key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    #[error("MX Doctor cannot change records at \"{given}\" through its API; it can at: {supported}. Make the changes in the DNS host's console instead")]
    UnknownHost { given: String, supported: String },
    #[error("{host} needs the address of {what} (--endpoint)")]
    MissingEndpoint { host: String, what: &'static str },
    #[error("\"{given}\" is not {what}")]
    BadEndpoint { given: String, what: &'static str },
    #[error("{host} needs a secret beside the key (MXDOCTOR_DNS_SECRET, or the keychain)")]
    MissingSecret { host: String },
    #[error("the key is empty")]
    MissingKey,
    #[error(
        "the TSIG secret is not base64 (as `pdnsutil list-tsig-keys` or `tsig-keygen` print it)"
    )]
    SecretNotBase64,
    #[error("\"{given}\" is not a TSIG algorithm MX Doctor can sign with; use hmac-sha256, hmac-sha384 or hmac-sha512")]
    UnknownTsigAlgorithm { given: String },
    #[error("the DNS host's API could not be set up: {0}")]
    Setup(String),
}

/// An adapter over one DNS host's API. Its `Debug` shows the host and the endpoint, never the
/// key.
pub struct HostApi {
    adapter: &'static str,
    endpoint: Option<String>,
    updater: DnsUpdater,
    reader: Reader,
    redact: Redactor,
}

impl fmt::Debug for HostApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HostApi")
            .field("adapter", &self.adapter)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

/// Sets up the API of `dns_host` (a DNS-host catalog id, or `powerdns` / `rfc2136`) with
/// `credentials`. Nothing is sent yet.
pub fn connect(
    dns_host: &str,
    endpoint: Option<&str>,
    credentials: Credentials,
) -> Result<Box<dyn DnsHostApi>, ConnectError> {
    let host = kind(dns_host).ok_or_else(|| ConnectError::UnknownHost {
        given: dns_host.trim().to_string(),
        supported: supported_ids().collect::<Vec<_>>().join(", "),
    })?;
    let key = credentials.key.trim().to_string();
    if key.is_empty() {
        return Err(ConnectError::MissingKey);
    }
    let secret = credentials
        .secret
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    if host.needs_secret && secret.is_none() {
        return Err(ConnectError::MissingSecret {
            host: host.id.to_string(),
        });
    }
    let endpoint = endpoint.map(str::trim).filter(|e| !e.is_empty());
    let redact = Redactor::new(&key, secret.as_deref());
    let setup = |e: dns_update::Error| ConnectError::Setup(redact.text(&errors::raw(&e)));
    let secret_text = secret.clone().unwrap_or_default();
    let (updater, reader, endpoint) = match host.id {
        "powerdns" => {
            let url = powerdns_endpoint(endpoint)?;
            let updater = DnsUpdater::new_pdns(&key, Some(&url), None::<&str>, Some(TIMEOUT))
                .map_err(setup)?;
            let reader = Reader::powerdns(&url, &key, TIMEOUT)
                .map_err(|e| ConnectError::Setup(redact.text(&e)))?;
            (updater, reader, Some(url))
        }
        "rfc2136" => {
            let addr = rfc2136_endpoint(endpoint)?;
            let algorithm = tsig_algorithm(credentials.algorithm.as_deref())?;
            let secret = data_encoding::BASE64
                .decode(secret_text.as_bytes())
                .map_err(|_| ConnectError::SecretNotBase64)?;
            // Over TCP: an update and a zone transfer never get cut at 512 bytes.
            let updater = DnsUpdater::new_rfc2136_tsig(
                format!("tcp://{addr}"),
                &key,
                secret.clone(),
                algorithm.0,
            )
            .map_err(setup)?;
            let reader = Reader::axfr(addr, &key, secret, algorithm.1, TIMEOUT)
                .map_err(|e| ConnectError::Setup(redact.text(&e)))?;
            (updater, reader, Some(addr.to_string()))
        }
        cloud => {
            let updater = match cloud {
                "alibaba-cloud-dns" => DnsUpdater::new_alidns(
                    &key,
                    &secret_text,
                    None::<&str>,
                    None::<&str>,
                    None::<&str>,
                    Some(TIMEOUT),
                ),
                "dnspod" => DnsUpdater::new_tencentcloud(
                    &key,
                    &secret_text,
                    None::<&str>,
                    None::<&str>,
                    Some(TIMEOUT),
                ),
                "cloudflare" => DnsUpdater::new_cloudflare(&key, Some(TIMEOUT)),
                "godaddy" => DnsUpdater::new_godaddy(&key, &secret_text, Some(TIMEOUT)),
                "route53" => {
                    DnsUpdater::new_route53(dns_update::providers::route53::Route53Config {
                        access_key_id: key.clone(),
                        secret_access_key: secret_text.clone(),
                        session_token: None,
                        region: None,
                        hosted_zone_id: None,
                        private_zone_only: None,
                        endpoint: None,
                    })
                }
                other => unreachable!("{other} is in HOSTS but has no constructor"),
            }
            .map_err(setup)?;
            (updater.clone(), Reader::ListRrset(Box::new(updater)), None)
        }
    };
    Ok(Box::new(HostApi {
        adapter: host.adapter,
        endpoint,
        updater,
        reader,
        redact,
    }))
}

const POWERDNS_WHAT: &str = "PowerDNS's API, like http://127.0.0.1:8081";
const RFC2136_WHAT: &str = "the primary server's address, like 192.0.2.1 or 192.0.2.1:53";

fn powerdns_endpoint(endpoint: Option<&str>) -> Result<String, ConnectError> {
    let given = endpoint.ok_or(ConnectError::MissingEndpoint {
        host: "powerdns".into(),
        what: POWERDNS_WHAT,
    })?;
    // A login written into the address is never echoed back (it may be a password).
    let shown = match given.rsplit_once('@') {
        Some((_, host)) => format!("…@{host}"),
        None => given.to_string(),
    };
    let bad = || ConnectError::BadEndpoint {
        given: shown.clone(),
        what: POWERDNS_WHAT,
    };
    let rest = given
        .strip_prefix("http://")
        .or_else(|| given.strip_prefix("https://"))
        .ok_or_else(bad)?;
    let authority = rest.split('/').next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') || rest.contains(['?', '#', ' ']) {
        return Err(bad());
    }
    Ok(given.trim_end_matches('/').to_string())
}

fn rfc2136_endpoint(endpoint: Option<&str>) -> Result<SocketAddr, ConnectError> {
    let given = endpoint.ok_or(ConnectError::MissingEndpoint {
        host: "rfc2136".into(),
        what: RFC2136_WHAT,
    })?;
    if let Ok(addr) = given.parse::<SocketAddr>() {
        return Ok(addr);
    }
    given
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .map(|ip| SocketAddr::new(ip, 53))
        .map_err(|_| ConnectError::BadEndpoint {
            given: given.to_string(),
            what: RFC2136_WHAT,
        })
}

/// The algorithm for `dns-update` and for hickory's signer (the zone transfer). Only the ones
/// hickory can compute (RFC 8945 §6: HMAC-SHA256 is mandatory to implement).
fn tsig_algorithm(
    given: Option<&str>,
) -> Result<(TsigAlgorithm, hickory_proto::rr::rdata::tsig::TsigAlgorithm), ConnectError> {
    use hickory_proto::rr::rdata::tsig::TsigAlgorithm as H;
    let name = given
        .map(|a| a.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| "hmac-sha256".to_string());
    match name.as_str() {
        "hmac-sha256" => Ok((TsigAlgorithm::HmacSha256, H::HmacSha256)),
        "hmac-sha384" => Ok((TsigAlgorithm::HmacSha384, H::HmacSha384)),
        "hmac-sha512" => Ok((TsigAlgorithm::HmacSha512, H::HmacSha512)),
        _ => Err(ConnectError::UnknownTsigAlgorithm {
            given: given.unwrap_or_default().trim().to_string(),
        }),
    }
}

fn record_type(rtype: RType) -> Result<DnsRecordType, ApiError> {
    Ok(match rtype {
        RType::A => DnsRecordType::A,
        RType::Aaaa => DnsRecordType::AAAA,
        RType::Cname => DnsRecordType::CNAME,
        RType::MX => DnsRecordType::MX,
        RType::TXT => DnsRecordType::TXT,
        RType::NS => DnsRecordType::NS,
        RType::SOA => {
            return Err(ApiError::Unsupported(
                "the SOA record cannot be changed through the DNS host's API; the DNS host keeps it itself".into(),
            ))
        }
    })
}

fn bad_value(set: &RrSet, value: &RrValue, why: &str) -> ApiError {
    ApiError::Unsupported(format!(
        "{} at {} cannot be written: \"{}\" {why}",
        serde_json::to_value(set.rtype)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        set.name,
        value.value
    ))
}

/// The record set as `dns-update` writes it.
fn records(set: &RrSet) -> Result<Vec<DnsRecord>, ApiError> {
    set.values
        .iter()
        .map(|v| {
            let text = v.value.trim();
            Ok(match set.rtype {
                RType::A => DnsRecord::A(
                    text.parse()
                        .map_err(|_| bad_value(set, v, "is not an IPv4 address"))?,
                ),
                RType::Aaaa => DnsRecord::AAAA(
                    text.parse()
                        .map_err(|_| bad_value(set, v, "is not an IPv6 address"))?,
                ),
                RType::Cname => DnsRecord::CNAME(canonical(text)),
                RType::NS => DnsRecord::NS(canonical(text)),
                RType::MX => DnsRecord::MX(MXRecord {
                    exchange: canonical(text),
                    priority: v
                        .priority
                        .ok_or_else(|| bad_value(set, v, "has no priority"))?,
                }),
                RType::TXT => DnsRecord::TXT(v.value.clone()),
                RType::SOA => return Err(record_type(RType::SOA).unwrap_err()),
            })
        })
        .collect()
}

impl DnsHostApi for HostApi {
    fn id(&self) -> &str {
        self.adapter
    }

    fn endpoint(&self) -> Option<String> {
        self.endpoint.clone()
    }

    fn read<'a>(
        &'a self,
        zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>> {
        Box::pin(async move {
            let zone = canonical(zone);
            let name = canonical(name);
            let dtype = record_type(rtype)?;
            self.reader
                .read(&zone, &name, rtype, dtype)
                .await
                .map_err(|e| self.redact.error(e, &zone))
        })
    }

    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let zone = canonical(zone);
            let dtype = record_type(set.rtype)?;
            let records = records(set)?;
            self.updater
                .set_rrset(
                    canonical(&set.name),
                    dtype,
                    set.ttl.unwrap_or(DEFAULT_TTL),
                    records,
                    zone.clone(),
                )
                .await
                .map_err(|e| self.redact.error(errors::classify(&e, &zone), &zone))
        })
    }
}

#[cfg(test)]
mod tests;

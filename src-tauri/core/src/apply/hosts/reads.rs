//! Reading one record set as the DNS host holds it: PowerDNS's zone over its HTTP API (with
//! TTLs), RFC 2136 primaries by a zone transfer signed with the same TSIG key (RFC 5936, RFC
//! 8945), the cloud hosts through `dns-update`'s `list_rrset` (no TTL).
//!
//! Not from ordinary DNS answers: a name with an alias (CNAME) answers every question with the
//! alias, hiding the records beside it, which are exactly what a repair must see.

use std::net::SocketAddr;
use std::time::Duration;

use dns_update::{DnsRecord, DnsRecordType, DnsUpdater};
use futures::StreamExt;
use hickory_net::client::{Client, ClientHandle};
use hickory_net::runtime::TokioRuntimeProvider;
use hickory_net::tcp::TcpClientStream;
use hickory_net::xfer::DnsMultiplexer;
use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::tsig::TsigAlgorithm;
use hickory_proto::rr::{DNSClass, Name, RData, TSigner};

use super::errors;
use crate::apply::{ApiError, RrSet, RrValue};
use crate::dns::{canonical, RType};

pub(super) enum Reader {
    ListRrset(Box<DnsUpdater>),
    PowerDns {
        client: reqwest::Client,
        /// `http://host:port/api/v1/servers/localhost/zones/`
        zones_url: String,
        key: String,
    },
    Axfr {
        addr: SocketAddr,
        signer: TSigner,
        timeout: Duration,
    },
}

impl Reader {
    pub(super) fn powerdns(endpoint: &str, key: &str, timeout: Duration) -> Result<Reader, String> {
        let base = endpoint.trim_end_matches('/');
        let base = base.strip_suffix("/api/v1").unwrap_or(base);
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Reader::PowerDns {
            client,
            zones_url: format!("{base}/api/v1/servers/localhost/zones/"),
            key: key.to_string(),
        })
    }

    pub(super) fn axfr(
        addr: SocketAddr,
        key_name: &str,
        secret: Vec<u8>,
        algorithm: TsigAlgorithm,
        timeout: Duration,
    ) -> Result<Reader, String> {
        let name = Name::from_ascii(key_name).map_err(|_| {
            format!("\"{key_name}\" is not a TSIG key name (a domain name, like mxdoctor-key)")
        })?;
        let signer = TSigner::new(secret, algorithm, name, 300).map_err(|e| e.to_string())?;
        Ok(Reader::Axfr {
            addr,
            signer,
            timeout,
        })
    }

    pub(super) async fn read(
        &self,
        zone: &str,
        name: &str,
        rtype: RType,
        dtype: DnsRecordType,
    ) -> Result<RrSet, ApiError> {
        match self {
            Reader::ListRrset(updater) => {
                let records = updater
                    .list_rrset(name, dtype, zone)
                    .await
                    .map_err(|e| errors::classify(&e, zone))?;
                let values = records
                    .into_iter()
                    .map(from_dns_update)
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(RrSet {
                    name: name.to_string(),
                    rtype,
                    ttl: None,
                    values,
                })
            }
            Reader::PowerDns {
                client,
                zones_url,
                key,
            } => powerdns(client, zones_url, key, zone, name, rtype).await,
            Reader::Axfr {
                addr,
                signer,
                timeout,
            } => tokio::time::timeout(*timeout, axfr(*addr, signer, zone, name, rtype))
                .await
                .unwrap_or(Err(ApiError::Timeout)),
        }
    }
}

fn from_dns_update(record: DnsRecord) -> Result<RrValue, ApiError> {
    Ok(match record {
        DnsRecord::A(a) => RrValue::new(None, a.to_string()),
        DnsRecord::AAAA(a) => RrValue::new(None, a.to_string()),
        DnsRecord::CNAME(n) | DnsRecord::NS(n) => RrValue::new(None, canonical(&n)),
        DnsRecord::MX(mx) => RrValue::new(Some(mx.priority), canonical(&mx.exchange)),
        DnsRecord::TXT(t) => RrValue::new(None, t),
        other => {
            return Err(ApiError::Unsupported(format!(
                "the DNS host listed a record MX Doctor does not handle: {other:?}"
            )))
        }
    })
}

#[derive(serde::Deserialize)]
struct PdnsZone {
    #[serde(default)]
    rrsets: Vec<PdnsRrset>,
}

#[derive(serde::Deserialize)]
struct PdnsRrset {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: u32,
    #[serde(default)]
    records: Vec<PdnsRecord>,
}

#[derive(serde::Deserialize)]
struct PdnsRecord {
    content: String,
    #[serde(default)]
    disabled: bool,
}

fn type_text(rtype: RType) -> &'static str {
    match rtype {
        RType::A => "A",
        RType::Aaaa => "AAAA",
        RType::Cname => "CNAME",
        RType::MX => "MX",
        RType::TXT => "TXT",
        RType::NS => "NS",
        RType::SOA => "SOA",
    }
}

/// `GET /api/v1/servers/localhost/zones/ZONE.`: the whole zone (small for a mail domain), from
/// which the one record set is picked. Disabled records are not served, so not listed.
async fn powerdns(
    client: &reqwest::Client,
    zones_url: &str,
    key: &str,
    zone: &str,
    name: &str,
    rtype: RType,
) -> Result<RrSet, ApiError> {
    let response = client
        .get(format!("{zones_url}{zone}."))
        .header("X-API-Key", key)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                ApiError::Timeout
            } else {
                ApiError::Unreachable(
                    if e.is_connect() {
                        "the connection was refused or failed"
                    } else {
                        "the request failed"
                    }
                    .to_string(),
                )
            }
        })?;
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    let snippet: String = body.chars().take(300).collect();
    match status {
        200 => {}
        401 => return Err(ApiError::Unauthorized(format!("HTTP 401: {snippet}"))),
        403 => return Err(ApiError::Forbidden(format!("HTTP 403: {snippet}"))),
        // PowerDNS 4 answers 404, or 422 "Could not find domain", for a zone it does not have.
        404 | 422 => {
            return Err(ApiError::ZoneNotFound {
                zone: zone.to_string(),
            })
        }
        429 => return Err(ApiError::RateLimited),
        _ => return Err(ApiError::Other(format!("HTTP {status}: {snippet}"))),
    }
    let listing: PdnsZone = serde_json::from_str(&body)
        .map_err(|e| ApiError::Other(format!("PowerDNS's zone listing could not be read: {e}")))?;
    let mut set = RrSet::empty(name, rtype);
    for rrset in listing.rrsets {
        if canonical(&rrset.name) != name || !rrset.rtype.eq_ignore_ascii_case(type_text(rtype)) {
            continue;
        }
        // A disabled record is kept by the host but not served. MX Doctor writes whole record
        // sets through an API that cannot write a disabled record, so it would be lost.
        if rrset.records.iter().any(|r| r.disabled) {
            return Err(ApiError::Unsupported(format!(
                "the {} records at {name} include a disabled one, which MX Doctor could not keep when it writes them; make these changes in the DNS host's console, or delete or enable the disabled record first",
                type_text(rtype)
            )));
        }
        let values: Vec<RrValue> = rrset
            .records
            .iter()
            .map(|r| parse_content(rtype, &r.content))
            .collect();
        if !values.is_empty() {
            set.ttl = Some(rrset.ttl);
        }
        set.values.extend(values);
    }
    Ok(set)
}

/// A record's content in zone-file form, as PowerDNS lists it, as MX Doctor's value.
pub(super) fn parse_content(rtype: RType, content: &str) -> RrValue {
    let content = content.trim();
    match rtype {
        RType::MX => match content.split_once(char::is_whitespace) {
            Some((p, host)) if p.parse::<u16>().is_ok() => {
                RrValue::new(p.parse().ok(), canonical(host.trim()))
            }
            _ => RrValue::new(None, canonical(content)),
        },
        RType::Cname | RType::NS => RrValue::new(None, canonical(content)),
        RType::TXT => RrValue::new(None, unquote(content)),
        _ => RrValue::new(None, content),
    }
}

/// `"v=spf1 " "-all"` → `v=spf1 -all`: the strings joined, `\"`, `\\` and `\DDD` undone
/// (RFC 1035 §5.1).
fn unquote(text: &str) -> String {
    if !text.starts_with('"') {
        return text.to_string();
    }
    let mut bytes = Vec::with_capacity(text.len());
    let mut chars = text.bytes().peekable();
    let mut inside = false;
    while let Some(c) = chars.next() {
        match c {
            b'"' => inside = !inside,
            b'\\' if inside => {
                let mut digits = Vec::new();
                while digits.len() < 3 && chars.peek().is_some_and(u8::is_ascii_digit) {
                    digits.push(chars.next().unwrap_or(b'0'));
                }
                if digits.len() == 3 {
                    let n = digits
                        .iter()
                        .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
                    bytes.push(n.min(255) as u8);
                } else {
                    bytes.extend(digits);
                    if let Some(next) = chars.next() {
                        bytes.push(next);
                    }
                }
            }
            _ if inside => bytes.push(c),
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The zone by a TSIG-signed AXFR over TCP, and the one record set from it, with its TTL.
async fn axfr(
    addr: SocketAddr,
    signer: &TSigner,
    zone: &str,
    name: &str,
    rtype: RType,
) -> Result<RrSet, ApiError> {
    let net = |e: hickory_net::NetError| errors::network(&e.to_string());
    let origin = Name::from_ascii(format!("{zone}."))
        .map_err(|_| ApiError::Other(format!("\"{zone}\" is not a zone name")))?;
    let (connect, sender) = TcpClientStream::new(addr, None, None, TokioRuntimeProvider::new());
    let stream = connect.await.map_err(net)?;
    let multiplexer = DnsMultiplexer::new(stream, sender).with_signer(signer.clone());
    let (mut client, background) = Client::<TokioRuntimeProvider>::from_sender(multiplexer);
    let background = tokio::spawn(background);
    let mut responses = client.zone_transfer(origin, None);
    let mut set = RrSet::empty(name, rtype);
    let mut outcome = Ok(());
    while let Some(response) = responses.next().await {
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                outcome = Err(net(e));
                break;
            }
        };
        match response.metadata.response_code {
            ResponseCode::NoError => {}
            ResponseCode::NotAuth => {
                outcome = Err(ApiError::Unauthorized(
                    "NOTAUTH to the signed zone transfer (the TSIG key's name, secret or algorithm does not match, or this computer's clock is off)".into(),
                ));
                break;
            }
            ResponseCode::Refused => {
                outcome = Err(ApiError::Forbidden(format!(
                    "REFUSED to the signed zone transfer: the server does not let this key transfer zone {zone} (PowerDNS: pdnsutil activate-tsig-key {zone} KEY primary)"
                )));
                break;
            }
            ResponseCode::NotZone => {
                outcome = Err(ApiError::ZoneNotFound {
                    zone: zone.to_string(),
                });
                break;
            }
            code => {
                outcome = Err(ApiError::Other(format!(
                    "the zone transfer was answered {code}"
                )));
                break;
            }
        }
        for record in &response.answers {
            if record.dns_class != DNSClass::IN || canonical(&record.name.to_ascii()) != name {
                continue;
            }
            if let Some(value) = rdata_value(rtype, &record.data) {
                set.ttl = Some(record.ttl);
                if !set.values.contains(&value) {
                    set.values.push(value);
                }
            }
        }
    }
    background.abort();
    outcome.map(|()| set)
}

fn rdata_value(rtype: RType, data: &RData) -> Option<RrValue> {
    let name = |n: &Name| canonical(&n.to_ascii());
    Some(match (rtype, data) {
        (RType::A, RData::A(a)) => RrValue::new(None, a.0.to_string()),
        (RType::Aaaa, RData::AAAA(a)) => RrValue::new(None, a.0.to_string()),
        (RType::Cname, RData::CNAME(c)) => RrValue::new(None, name(&c.0)),
        (RType::NS, RData::NS(n)) => RrValue::new(None, name(&n.0)),
        (RType::MX, RData::MX(mx)) => RrValue::new(Some(mx.preference), name(&mx.exchange)),
        (RType::TXT, RData::TXT(txt)) => RrValue::new(
            None,
            txt.txt_data
                .iter()
                .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
                .collect::<String>(),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powerdns_contents_read_as_consoles_write_them() {
        let cases = [
            (
                RType::MX,
                "10 MX1.Qiye.Aliyun.com.",
                Some(10),
                "mx1.qiye.aliyun.com",
            ),
            (RType::TXT, "\"v=spf1 \" \"-all\"", None, "v=spf1 -all"),
            (RType::TXT, "\"say \\\"hi\\\" \\059\"", None, "say \"hi\" ;"),
            (RType::Cname, "site.cdn.test.", None, "site.cdn.test"),
            (RType::A, "192.0.2.25", None, "192.0.2.25"),
        ];
        for (rtype, content, priority, value) in cases {
            assert_eq!(
                parse_content(rtype, content),
                RrValue::new(priority, value),
                "{content}"
            );
        }
    }
}

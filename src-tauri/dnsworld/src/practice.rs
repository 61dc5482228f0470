//! Practice mode's world: a practice domain served by two authoritative servers (ns1, ns2) and
//! three caching resolvers in front of them, all on loopback, started inside the app. The
//! learner edits the practice domain's records in a console that works like a hosting panel;
//! the wizard sees the edit exactly as it would on the internet: at the DNS host at once, in
//! the caches when their copies expire.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use hickory_proto::rr::{Name, RData, Record, RecordType};
use serde::{Deserialize, Serialize};

use crate::cache::{CachingResolver, KeptAnswer};
use crate::lab::{NS1, NS2};
use crate::server::DnsServer;
use crate::zone::Zone;

/// One starting point, from the seeds.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Scenario {
    /// Stable: `seed000`, `seed001`, `seed004`, `spf`.
    pub id: &'static str,
    /// The practice domain.
    pub domain: &'static str,
    /// The mailbox service the practice domain bought (a provider id of the catalog); `None`
    /// for its own mail servers, recognised from the MX records.
    pub provider: Option<&'static str>,
    #[serde(skip)]
    zone: &'static str,
}

const SCENARIOS: [Scenario; 4] = [
    Scenario {
        id: "seed000",
        domain: "seed000.test",
        provider: Some("alibaba-standard"),
        zone: include_str!("../data/practice/seed000.test.zone"),
    },
    Scenario {
        id: "seed001",
        domain: "seed001.test",
        provider: Some("alibaba-standard"),
        zone: include_str!("../data/practice/seed001.test.zone"),
    },
    Scenario {
        id: "seed004",
        domain: "aliasmx.test",
        provider: None,
        zone: include_str!("../data/practice/aliasmx.test.zone"),
    },
    Scenario {
        id: "spf",
        domain: "nospf.test",
        provider: Some("alibaba-standard"),
        zone: include_str!("../data/practice/nospf.test.zone"),
    },
];

/// The zones around the practice domains: the CDN, the providers' published names, the parent.
const AROUND: [&str; 4] = [
    include_str!("../data/practice/cdn.test.zone"),
    include_str!("../data/practice/aliyun.com.zone"),
    include_str!("../data/practice/google.com.zone"),
    include_str!("../data/practice/parent/test.zone"),
];

/// Where the practice caching resolvers listen (with the world's port).
pub const CACHES: [Ipv4Addr; 3] = [
    Ipv4Addr::new(127, 0, 0, 21),
    Ipv4Addr::new(127, 0, 0, 22),
    Ipv4Addr::new(127, 0, 0, 23),
];

pub fn scenarios() -> &'static [Scenario] {
    &SCENARIOS
}

/// One row of the practice console, as a hosting panel shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ConsoleRow {
    /// `@` for the domain itself, else the name relative to it.
    pub host: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub priority: Option<u16>,
    pub value: String,
    pub ttl: u32,
}

/// A console row that cannot be saved, in words.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConsoleError {
    #[error("the host \"{0}\" is not a name in this domain")]
    Host(String),
    #[error("record type {0} is not offered here; choose A, AAAA, CNAME, MX, TXT or NS")]
    Type(String),
    #[error("an MX record needs a priority from 0 to 65535")]
    Priority,
    #[error("\"{value}\" cannot be the value of a {rtype} record: {hint}")]
    Value {
        rtype: String,
        value: String,
        hint: &'static str,
    },
    #[error("the TTL must be between 1 and 86400 seconds")]
    Ttl,
    #[error("there is no row {0}")]
    NoRow(usize),
    #[error("this row names the DNS host's own servers, which are managed by the DNS host and cannot be changed here")]
    Locked,
    #[error("the practice zone cannot be changed: {0}")]
    Zone(String),
}

/// The running practice world. Dropping it stops every server.
pub struct Practice {
    pub scenario: &'static Scenario,
    auth: Vec<DnsServer>,
    caches: Vec<CachingResolver>,
    port: u16,
}

fn zone_of(text: &str) -> Zone {
    Zone::parse(text, None).expect("the practice zones parse (checked by a test)")
}

impl Practice {
    /// Starts scenario `id` on `port` (0 picks a free one) for every server, its records being
    /// `rows` when given (a practice resumed after a restart), else the scenario's.
    pub async fn start(id: &str, port: u16, rows: Option<&[ConsoleRow]>) -> std::io::Result<Self> {
        let scenario = SCENARIOS
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| std::io::Error::other(format!("no practice scenario \"{id}\"")))?;
        let mut zones: Vec<Zone> = AROUND.iter().map(|t| zone_of(t)).collect();
        zones.push(zone_of(scenario.zone));
        let mut last = None;
        for _ in 0..if port == 0 { 20 } else { 1 } {
            match Self::bind(scenario, port, zones.clone()).await {
                Ok(p) => {
                    if let Some(rows) = rows {
                        p.set_rows(rows).map_err(std::io::Error::other)?;
                    }
                    return Ok(p);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| std::io::Error::other("no free port")))
    }

    async fn bind(
        scenario: &'static Scenario,
        port: u16,
        zones: Vec<Zone>,
    ) -> std::io::Result<Self> {
        let ns1 = DnsServer::start(IpAddr::V4(NS1), port, zones.clone()).await?;
        let port = ns1.addr().port();
        let ns2 = DnsServer::start(IpAddr::V4(NS2), port, zones).await?;
        let upstream = vec![ns1.addr(), ns2.addr()];
        let mut caches = Vec::new();
        for ip in CACHES {
            caches.push(CachingResolver::start(IpAddr::V4(ip), port, upstream.clone()).await?);
        }
        Ok(Self {
            scenario,
            auth: vec![ns1, ns2],
            caches,
            port,
        })
    }

    /// The caching resolvers, for the wizard to ask as it would ask the internet's.
    pub fn resolvers(&self) -> Vec<SocketAddr> {
        self.caches.iter().map(CachingResolver::addr).collect()
    }

    /// What each caching resolver holds, to be handed to [`Practice::restore_caches`] after a
    /// restart (in the order of [`Practice::resolvers`]).
    pub fn kept(&self) -> Vec<Vec<KeptAnswer>> {
        self.caches.iter().map(CachingResolver::kept).collect()
    }

    /// Fills the caches with what they held before a restart, each copy expiring when it would
    /// have: a wait resumed in practice mode meets the caches as it left them.
    pub fn restore_caches(&self, kept: &[Vec<KeptAnswer>]) {
        for (cache, kept) in self.caches.iter().zip(kept) {
            cache.restore(kept);
        }
    }

    /// The port the practice DNS host's servers (127.0.0.11, .12) listen on.
    pub fn port(&self) -> u16 {
        self.port
    }

    fn origin(&self) -> Name {
        Name::from_ascii(format!("{}.", self.scenario.domain)).expect("scenario domains are names")
    }

    /// The practice domain's records, as the console lists them (the SOA is the host's own).
    pub fn rows(&self) -> Vec<ConsoleRow> {
        let origin = self.origin();
        self.auth[0].edit_zones(|zones| {
            zones
                .iter()
                .find(|z| *z.origin() == origin)
                .map(|z| {
                    z.records()
                        .iter()
                        .filter(|r| r.record_type() != RecordType::SOA)
                        .map(|r| to_row(r, &origin))
                        .collect()
                })
                .unwrap_or_default()
        })
    }

    /// Replaces every record but the SOA with `rows` on both servers, as a save does.
    pub fn set_rows(&self, rows: &[ConsoleRow]) -> Result<(), ConsoleError> {
        let origin = self.origin();
        let records = rows
            .iter()
            .map(|r| to_record(r, &origin))
            .collect::<Result<Vec<_>, _>>()?;
        for server in &self.auth {
            server.edit_zones(|zones| {
                if let Some(z) = zones.iter_mut().find(|z| *z.origin() == origin) {
                    z.records_mut()
                        .retain(|r| r.record_type() == RecordType::SOA);
                    z.records_mut().extend(records.iter().cloned());
                }
            });
        }
        Ok(())
    }

    /// For each of [`Practice::rows`], whether the DNS host manages it itself, as hosting
    /// panels show the name servers: the NS rows at `@` and the addresses of those servers.
    /// Changing them would cut the practice domain off, so they cannot be edited or deleted.
    pub fn locked_rows(&self) -> Vec<bool> {
        let rows = self.rows();
        rows.iter()
            .map(|r| locked(&rows, r, self.scenario.domain))
            .collect()
    }

    pub fn add(&self, row: &ConsoleRow) -> Result<(), ConsoleError> {
        let mut rows = self.rows();
        if locked(&rows, row, self.scenario.domain) {
            return Err(ConsoleError::Locked);
        }
        rows.push(row.clone());
        self.set_rows(&rows)
    }

    pub fn update(&self, index: usize, row: &ConsoleRow) -> Result<(), ConsoleError> {
        let mut rows = self.rows();
        let old = rows.get(index).ok_or(ConsoleError::NoRow(index))?;
        if locked(&rows, old, self.scenario.domain) || locked(&rows, row, self.scenario.domain) {
            return Err(ConsoleError::Locked);
        }
        rows[index] = row.clone();
        self.set_rows(&rows)
    }

    pub fn delete(&self, index: usize) -> Result<(), ConsoleError> {
        let mut rows = self.rows();
        let old = rows.get(index).ok_or(ConsoleError::NoRow(index))?;
        if locked(&rows, old, self.scenario.domain) {
            return Err(ConsoleError::Locked);
        }
        rows.remove(index);
        self.set_rows(&rows)
    }

    /// Back to the scenario's records (the caches keep what they have, as real ones would).
    pub fn reset(&self) {
        let fresh = zone_of(self.scenario.zone);
        let origin = self.origin();
        for server in &self.auth {
            server.edit_zones(|zones| {
                zones.retain(|z| *z.origin() != origin);
                zones.push(fresh.clone());
            });
        }
    }
}

/// The DNS host's own rows among `rows` of `domain`: NS at `@`, and the A/AAAA rows of the
/// name servers those NS rows name inside the domain.
fn locked(rows: &[ConsoleRow], row: &ConsoleRow, domain: &str) -> bool {
    let rtype = row.rtype.to_ascii_uppercase();
    let host = row.host.trim().trim_end_matches('.').to_ascii_lowercase();
    let apex = host.is_empty() || host == "@" || host == domain;
    if rtype == "NS" && apex {
        return true;
    }
    if rtype != "A" && rtype != "AAAA" {
        return false;
    }
    let full = if host.ends_with(&format!(".{domain}")) {
        host
    } else {
        format!("{host}.{domain}")
    };
    rows.iter().any(|r| {
        r.host == "@"
            && r.rtype.eq_ignore_ascii_case("NS")
            && r.value.trim_end_matches('.').eq_ignore_ascii_case(&full)
    })
}

fn to_row(record: &Record, origin: &Name) -> ConsoleRow {
    let host = if record.name == *origin {
        "@".to_string()
    } else {
        let full = record.name.to_ascii();
        let suffix = format!(".{}", origin.to_ascii());
        full.strip_suffix(&suffix).unwrap_or(&full).to_string()
    };
    let name = |n: &Name| n.to_ascii().trim_end_matches('.').to_string();
    let (priority, value) = match &record.data {
        RData::MX(mx) => (Some(mx.preference), name(&mx.exchange)),
        RData::CNAME(c) => (None, name(&c.0)),
        RData::NS(ns) => (None, name(&ns.0)),
        RData::TXT(txt) => (
            None,
            txt.txt_data
                .iter()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .collect(),
        ),
        other => (None, other.to_string()),
    };
    ConsoleRow {
        host,
        rtype: record.record_type().to_string(),
        priority,
        value,
        ttl: record.ttl,
    }
}

fn to_record(row: &ConsoleRow, origin: &Name) -> Result<Record, ConsoleError> {
    let host = row.host.trim().trim_end_matches('.');
    let name = if host.is_empty() || host == "@" {
        origin.clone()
    } else {
        Name::from_ascii(host)
            .and_then(|n| n.append_domain(origin))
            .map_err(|_| ConsoleError::Host(row.host.clone()))?
    };
    if !(1..=86_400).contains(&row.ttl) {
        return Err(ConsoleError::Ttl);
    }
    let rtype = row.rtype.trim().to_ascii_uppercase();
    let value = row.value.trim();
    let absolute = |v: &str| {
        if v.ends_with('.') {
            v.to_string()
        } else {
            format!("{v}.")
        }
    };
    let (record_type, text) = match rtype.as_str() {
        "A" => (RecordType::A, value.to_string()),
        "AAAA" => (RecordType::AAAA, value.to_string()),
        "CNAME" => (RecordType::CNAME, absolute(value)),
        "NS" => (RecordType::NS, absolute(value)),
        "MX" => (
            RecordType::MX,
            format!(
                "{} {}",
                row.priority.ok_or(ConsoleError::Priority)?,
                absolute(value)
            ),
        ),
        // Character strings of at most 255 bytes each (RFC 1035 §3.3), quoted and escaped.
        "TXT" => (RecordType::TXT, txt_strings(value)),
        other => return Err(ConsoleError::Type(other.to_string())),
    };
    // What such a value looks like, in words: the parser's own message is for programmers.
    let hint = match record_type {
        RecordType::A => "an A record holds an address such as 203.0.113.7",
        RecordType::AAAA => "an AAAA record holds an address such as 2001:db8::1",
        RecordType::TXT => "write the text as the service gave it to you",
        _ => "it needs a host name such as mail.example.com",
    };
    let bad = || ConsoleError::Value {
        rtype: rtype.clone(),
        value: row.value.clone(),
        hint,
    };
    if value.is_empty() {
        return Err(bad());
    }
    let data = RData::try_from_str(record_type, &text).map_err(|_| bad())?;
    Ok(Record::from_rdata(name, row.ttl, data))
}

fn txt_strings(value: &str) -> String {
    let mut out = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > 255 {
            out.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    out.push(chunk);
    out.iter()
        .map(|s| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_scenario_and_the_zones_around_them_parse() {
        for s in scenarios() {
            let z = zone_of(s.zone);
            assert_eq!(z.origin().to_ascii(), format!("{}.", s.domain));
        }
        for t in AROUND {
            zone_of(t);
        }
    }

    #[test]
    fn the_name_server_rows_are_the_dns_hosts_own() {
        let row = |host: &str, t: &str, v: &str| ConsoleRow {
            host: host.into(),
            rtype: t.into(),
            priority: None,
            value: v.into(),
            ttl: 60,
        };
        let rows = [
            row("@", "NS", "ns1.seed000.test"),
            row("@", "NS", "ns2.seed000.test"),
            row("ns1", "A", "127.0.0.11"),
            row("@", "A", "203.0.113.7"),
            row("www", "NS", "ns.elsewhere.test"),
        ];
        let d = "seed000.test";
        assert!(locked(&rows, &rows[0], d));
        assert!(locked(&rows, &rows[2], d), "the address of a name server");
        assert!(!locked(&rows, &rows[3], d));
        assert!(
            !locked(&rows, &rows[4], d),
            "a delegation below @ is the user's"
        );
        assert!(
            locked(&rows, &row("", "ns", "ns3.example"), d),
            "a new NS at @"
        );
        assert!(locked(
            &rows,
            &row("ns2.seed000.test.", "A", "192.0.2.1"),
            d
        ));
        assert!(!locked(&rows, &row("ns3", "A", "192.0.2.1"), d));
    }

    #[test]
    fn console_rows_become_records_and_back() {
        let origin = Name::from_ascii("seed000.test.").unwrap();
        let row = |host: &str, t: &str, p: Option<u16>, v: &str| ConsoleRow {
            host: host.into(),
            rtype: t.into(),
            priority: p,
            value: v.into(),
            ttl: 60,
        };
        for r in [
            row("@", "MX", Some(5), "mx1.qiye.aliyun.com"),
            row("www", "CNAME", None, "site.cdn.test"),
            row("@", "A", None, "203.0.113.7"),
            row("@", "TXT", None, "v=spf1 include:spf.qiye.aliyun.com -all"),
            row(
                "@",
                "TXT",
                None,
                "<img src=x onerror=alert(1)> \"quoted\" \\",
            ),
            row("_dmarc", "TXT", None, &"x".repeat(300)),
        ] {
            let record = to_record(&r, &origin).unwrap_or_else(|e| panic!("{r:?}: {e}"));
            assert_eq!(to_row(&record, &origin), r);
        }
        assert_eq!(
            to_record(&row("@", "MX", None, "mx.example.com"), &origin),
            Err(ConsoleError::Priority)
        );
        assert!(matches!(
            to_record(&row("@", "A", None, "not-an-ip"), &origin),
            Err(ConsoleError::Value { .. })
        ));
        assert!(matches!(
            to_record(&row("a b", "A", None, "192.0.2.1"), &origin),
            Err(ConsoleError::Host(_))
        ));
        assert!(matches!(
            to_record(&row("@", "SRV", None, "x"), &origin),
            Err(ConsoleError::Type(_))
        ));
        assert!(matches!(
            to_record(&row("@", "A", None, ""), &origin),
            Err(ConsoleError::Value { .. })
        ));
    }
}

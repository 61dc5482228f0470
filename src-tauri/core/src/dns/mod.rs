//! DNS observations: what one server said to one question, kept exactly, with NXDOMAIN,
//! NODATA, timeout, SERVFAIL and REFUSED distinct (STYLE.md convention 3).

mod transport;

use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

/// How long to wait for one DNS answer.
pub const DEFAULT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);
/// How many questions are out at the same time, in one check or one "is it saved?".
pub const MAX_QUERIES_IN_FLIGHT: usize = 64;
pub use transport::{query, system_resolvers, QueryMode};

/// The record types MX Doctor asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "UPPERCASE")]
pub enum RType {
    A,
    #[serde(rename = "AAAA")]
    Aaaa,
    #[serde(rename = "CNAME")]
    Cname,
    MX,
    TXT,
    NS,
    SOA,
}

impl RType {
    /// The type a console or a person writes ("mx", "AAAA"), if it is one MX Doctor knows.
    pub fn parse(text: &str) -> Option<RType> {
        Some(match text.trim().to_ascii_uppercase().as_str() {
            "A" => RType::A,
            "AAAA" => RType::Aaaa,
            "CNAME" => RType::Cname,
            "MX" => RType::MX,
            "TXT" => RType::TXT,
            "NS" => RType::NS,
            "SOA" => RType::SOA,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RType::A => "A",
            RType::Aaaa => "AAAA",
            RType::Cname => "CNAME",
            RType::MX => "MX",
            RType::TXT => "TXT",
            RType::NS => "NS",
            RType::SOA => "SOA",
        }
    }
}

impl std::fmt::Display for RType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad`, not `write_str`: a table's `{:<12}` lines the columns up.
        f.pad(self.as_str())
    }
}

/// One resource record. Names are lower-case ASCII without the final dot; the root is ".".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DnsRecord {
    pub name: String,
    pub ttl: u32,
    #[serde(flatten)]
    pub data: RecordData,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(tag = "type")]
pub enum RecordData {
    A {
        address: Ipv4Addr,
    },
    #[serde(rename = "AAAA")]
    Aaaa {
        address: Ipv6Addr,
    },
    #[serde(rename = "CNAME")]
    Cname {
        target: String,
    },
    MX {
        preference: u16,
        exchange: String,
    },
    /// The character-strings joined without separators, as SPF reads them (RFC 7208 §3.3).
    TXT {
        text: String,
    },
    NS {
        host: String,
    },
    SOA {
        mname: String,
        rname: String,
        serial: u32,
        minimum: u32,
    },
    /// Any other type that turned up in an answer, in presentation form.
    #[serde(rename = "OTHER")]
    Other {
        rtype: String,
        value: String,
    },
}

impl DnsRecord {
    pub fn rtype(&self) -> Option<RType> {
        Some(match self.data {
            RecordData::A { .. } => RType::A,
            RecordData::Aaaa { .. } => RType::Aaaa,
            RecordData::Cname { .. } => RType::Cname,
            RecordData::MX { .. } => RType::MX,
            RecordData::TXT { .. } => RType::TXT,
            RecordData::NS { .. } => RType::NS,
            RecordData::SOA { .. } => RType::SOA,
            RecordData::Other { .. } => return None,
        })
    }

    /// The type as shown in a record table.
    pub fn type_label(&self) -> &str {
        match &self.data {
            RecordData::Other { rtype, .. } => rtype,
            _ => self.rtype().map(RType::as_str).unwrap_or("?"),
        }
    }

    /// The value as a DNS console shows it (priority separately, for MX).
    pub fn value(&self) -> String {
        match &self.data {
            RecordData::A { address } => address.to_string(),
            RecordData::Aaaa { address } => address.to_string(),
            RecordData::Cname { target } => target.clone(),
            RecordData::MX { exchange, .. } => exchange.clone(),
            RecordData::TXT { text } => text.clone(),
            RecordData::NS { host } => host.clone(),
            RecordData::SOA {
                mname,
                rname,
                serial,
                minimum,
            } => {
                format!("{mname} {rname} {serial} (negative TTL {minimum})")
            }
            RecordData::Other { value, .. } => value.clone(),
        }
    }

    /// Type, priority and value, as in a zone file: `MX 10 mx1.example.com`.
    pub fn summary(&self) -> String {
        match self.priority() {
            Some(p) => format!("{} {p} {}", self.type_label(), self.value()),
            None => format!("{} {}", self.type_label(), self.value()),
        }
    }

    pub fn priority(&self) -> Option<u16> {
        match self.data {
            RecordData::MX { preference, .. } => Some(preference),
            _ => None,
        }
    }
}

/// How a question was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Records of the asked type came back.
    Answer,
    /// The name exists but holds no record of that type (NOERROR, empty answer; RFC 2308 §2.2).
    NoData,
    /// The name does not exist (RCODE 3; RFC 2308 §2.1).
    NxDomain,
    /// No answer within the time limit.
    Timeout,
    /// The server reported a failure (RCODE 2).
    ServFail,
    /// The server refused to answer (RCODE 5).
    Refused,
    /// Anything else: no server listening, a malformed answer, an unexpected RCODE.
    Error,
}

impl Status {
    /// True when the question could not be answered, so nothing may be concluded from it.
    pub fn is_failure(self) -> bool {
        !matches!(self, Status::Answer | Status::NoData | Status::NxDomain)
    }
}

/// What one server said to one question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Outcome {
    pub status: Status,
    /// The answer section: records of the asked type, and any CNAME chain before them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<DnsRecord>,
    /// For NODATA and NXDOMAIN: how long a resolver may cache the absence (RFC 2308 §5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_ttl: Option<u32>,
    /// The zone apex named by the SOA in a negative answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// The AA bit: the answer came from a server authoritative for the name.
    #[serde(default)]
    pub authoritative: bool,
    /// For failures: what went wrong, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A referral from a parent zone's server: the NS records of the child zone, from the
    /// authority section (RFC 1034 §4.3.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub delegation: Vec<DnsRecord>,
}

impl Outcome {
    pub fn failed(status: Status, detail: impl Into<String>) -> Self {
        Self {
            status,
            records: Vec::new(),
            negative_ttl: None,
            zone: None,
            authoritative: false,
            detail: Some(detail.into()),
            delegation: Vec::new(),
        }
    }

    /// Records owned by `name` (any type), e.g. the CNAME at the mail host.
    pub fn at<'a>(&'a self, name: &str) -> impl Iterator<Item = &'a DnsRecord> + 'a {
        let name = canonical(name);
        self.records.iter().filter(move |r| r.name == name)
    }

    /// Records of one type owned by `name`.
    pub fn of<'a>(&'a self, name: &str, rtype: RType) -> impl Iterator<Item = &'a DnsRecord> + 'a {
        self.at(name).filter(move |r| r.rtype() == Some(rtype))
    }

    /// The records of `rtype` at the end of the CNAME chain starting at `name`.
    pub fn final_records(&self, name: &str, rtype: RType) -> Vec<&DnsRecord> {
        let chain = self.cname_chain(name);
        let end = chain.last().map(String::as_str).unwrap_or(name);
        self.of(end, rtype).collect()
    }

    /// The names reached by following CNAMEs from `name` (not including `name`); stops at a
    /// loop.
    pub fn cname_chain(&self, name: &str) -> Vec<String> {
        let mut chain: Vec<String> = Vec::new();
        let mut current = name.to_string();
        while let Some(RecordData::Cname { target }) = self
            .of(&current, RType::Cname)
            .next()
            .map(|r| r.data.clone())
        {
            let looped = target == name || chain.contains(&target);
            chain.push(target.clone());
            if looped {
                break;
            }
            current = target;
        }
        chain
    }
}

/// One question and its outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Observation {
    pub name: String,
    pub rtype: RType,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The outcome of one question in a list of observations, if it was asked.
pub(crate) fn find<'a>(
    observations: &'a [Observation],
    name: &str,
    rtype: RType,
) -> Option<&'a Outcome> {
    observations
        .iter()
        .find(|o| o.name == name && o.rtype == rtype)
        .map(|o| &o.outcome)
}

/// Canonical form of a name for comparisons and output.
pub fn canonical(name: &str) -> String {
    let lower = name.trim_end_matches('.').to_ascii_lowercase();
    if lower.is_empty() {
        ".".to_string()
    } else {
        lower
    }
}

//! What one vantage point saw of a mail domain, serialisable so that a customer's snapshot can be
//! replayed by a helpdesk on another machine (`mxdoctor check --from-snapshot`).

use serde::{Deserialize, Serialize};

use crate::dns::{find, DnsRecord, Observation, Outcome, RType, Status};

/// Bumped when the format changes incompatibly; older files are refused with a message.
pub const SNAPSHOT_FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Snapshot {
    pub format: u32,
    /// The mail host that was checked, ASCII.
    pub domain: String,
    /// Unix seconds when the snapshot was taken.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub taken_at: u64,
    /// The recursive resolvers asked.
    pub resolvers: Vec<String>,
    /// The zone apex the mail host belongs to, from its SOA.
    pub zone: Option<String>,
    /// What the recursive resolvers answered.
    pub recursive: Vec<Observation>,
    /// What each authoritative server answered when asked directly.
    pub authoritative: Vec<AuthServer>,
}

/// One authoritative server (one address of one NS name).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct AuthServer {
    /// The NS host name.
    pub host: String,
    /// The address asked; `None` when the NS name's address could not be found.
    pub address: Option<String>,
    pub observations: Vec<Observation>,
}

impl AuthServer {
    pub fn label(&self) -> String {
        match &self.address {
            Some(a) => format!("{} ({a})", self.host),
            None => self.host.clone(),
        }
    }

    pub fn get(&self, name: &str, rtype: RType) -> Option<&Outcome> {
        find(&self.observations, name, rtype)
    }
}

/// A snapshot file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("this is not an MX Doctor snapshot file ({0})")]
    NotASnapshot(String),
    #[error("this snapshot was made by a different version of MX Doctor (format {found}, this version reads {SNAPSHOT_FORMAT})")]
    WrongFormat { found: u32 },
}

impl Snapshot {
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        let snapshot: Snapshot =
            serde_json::from_str(text).map_err(|e| SnapshotError::NotASnapshot(e.to_string()))?;
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::WrongFormat {
                found: snapshot.format,
            });
        }
        Ok(snapshot)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a snapshot always serialises")
    }

    /// What the recursive resolvers answered to one question, if it was asked.
    pub fn recursive(&self, name: &str, rtype: RType) -> Option<&Outcome> {
        find(&self.recursive, name, rtype)
    }

    /// The authoritative servers that could be asked (an address was found).
    pub fn reachable_auth(&self) -> impl Iterator<Item = &AuthServer> {
        self.authoritative.iter().filter(|s| s.address.is_some())
    }

    /// What the DNS host publishes for a question at the mail host: the records of every
    /// authoritative server that answered, merged (a record on any server is published
    /// somewhere), falling back to the recursive answer when no authoritative server answered.
    /// The scope is the mail host only; other names are asked of the recursive resolvers.
    pub fn published(&self, name: &str, rtype: RType) -> Option<Outcome> {
        let answered: Vec<&Outcome> = self
            .authoritative
            .iter()
            .filter_map(|s| s.get(name, rtype))
            .filter(|o| !o.status.is_failure())
            .collect();
        let Some(first) = answered.first() else {
            return self.recursive(name, rtype).cloned();
        };
        let mut merged = (*first).clone();
        for other in &answered[1..] {
            for record in &other.records {
                if !merged.records.iter().any(|r| same_record(r, record)) {
                    merged.records.push(record.clone());
                }
            }
            if other.status == Status::Answer {
                merged.status = Status::Answer;
            } else if merged.status == Status::NxDomain && other.status == Status::NoData {
                merged.status = Status::NoData;
            }
        }
        Some(merged)
    }
}

/// Same owner, type and data; TTLs may differ.
pub fn same_record(a: &DnsRecord, b: &DnsRecord) -> bool {
    a.name == b.name && a.data == b.data
}

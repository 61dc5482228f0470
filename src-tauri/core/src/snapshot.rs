//! What one vantage point saw of a mail domain, serialisable so that a customer's snapshot can be
//! replayed by a helpdesk on another machine (`mxdoctor check --from-snapshot`).

use serde::{Deserialize, Serialize};

use crate::dns::{find, DnsRecord, Observation, Outcome, RType, RecordData};

/// Bumped when the format changes incompatibly; older files are refused with a message.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The last second a snapshot may be taken at, 9999-12-31T23:59:59Z: RFC 3339 has four-digit
/// years, and in milliseconds (as the report's times are counted) it is far from overflowing.
pub const LAST_TAKEN_AT: u64 = 253_402_300_799;

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

    /// The SOA serial this server gave for `zone`, if it was asked and answered.
    pub fn serial(&self, zone: &str) -> Option<u32> {
        self.get(zone, RType::SOA)?
            .of(zone, RType::SOA)
            .find_map(|r| match r.data {
                RecordData::SOA { serial, .. } => Some(serial),
                _ => None,
            })
    }
}

/// A snapshot file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("this is not an MX Doctor snapshot file ({0})")]
    NotASnapshot(String),
    #[error("this snapshot was made by a different version of MX Doctor (format {found}, this version reads {SNAPSHOT_FORMAT})")]
    WrongFormat { found: u32 },
    #[error("its time ({0} seconds after 1970) is after the year 9999")]
    TimeOutOfRange(u64),
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
        if snapshot.taken_at > LAST_TAKEN_AT {
            return Err(SnapshotError::TimeOutOfRange(snapshot.taken_at));
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

    /// The zone the mail host belongs to, or the mail host itself when no zone was found.
    pub fn zone_name(&self) -> &str {
        self.zone.as_deref().unwrap_or(&self.domain)
    }

    /// The DNS host's servers that may hold the current copy of the zone: every reachable
    /// server but those proven older, whose SOA serial another server's serial is newer than
    /// (RFC 1982 serial arithmetic). A server that gave no serial (its SOA question failed) is
    /// not proven older, so it stays: excluding it would let an old copy decide whenever the
    /// current server is silent on the SOA alone.
    pub fn current_auth(&self) -> Vec<&AuthServer> {
        let zone = self.zone_name();
        let serials: Vec<u32> = self
            .reachable_auth()
            .filter_map(|s| s.serial(zone))
            .collect();
        self.reachable_auth()
            .filter(|s| match s.serial(zone) {
                Some(mine) => !serials.iter().any(|other| serial_newer(*other, mine)),
                None => true,
            })
            .collect()
    }

    /// Servers that serve an older copy of the zone than the others, with their serial.
    pub fn stale_auth(&self) -> Vec<(&AuthServer, u32)> {
        let zone = self.zone_name();
        let current = self.current_auth();
        self.reachable_auth()
            .filter(|s| !current.iter().any(|c| std::ptr::eq(*c, *s)))
            .filter_map(|s| s.serial(zone).map(|serial| (s, serial)))
            .collect()
    }

    /// What the DNS host publishes for a question at the mail host: the answer of the first
    /// server holding the current copy of the zone that answered it. Record sets of different
    /// servers are never merged (DESIGN.md "Truth rules": two servers with one SPF record each
    /// is not two SPF records); where servers disagree, `NS_INCONSISTENT` shows each one's. Falls
    /// back to the recursive answer only when no current server answered at all.
    pub fn published(&self, name: &str, rtype: RType) -> Option<Outcome> {
        self.current_auth()
            .into_iter()
            .filter_map(|s| s.get(name, rtype))
            .find(|o| !o.status.is_failure())
            .or_else(|| self.recursive(name, rtype))
            .cloned()
    }

    /// Every record of `rtype` owned by `name` that any vantage (a DNS-host server, current or
    /// not, or a resolver) showed. Only for listing rows that must go wherever they are seen,
    /// never for judging a record set (seed 001 §2.1: old MX rows beside an alias).
    pub fn seen_anywhere(&self, name: &str, rtype: RType) -> Vec<DnsRecord> {
        let mut found: Vec<DnsRecord> = Vec::new();
        let outcomes = self
            .authoritative
            .iter()
            .flat_map(|s| s.observations.iter())
            .chain(self.recursive.iter())
            .filter(|o| o.name == name)
            .map(|o| &o.outcome);
        for outcome in outcomes {
            for r in outcome.of(name, rtype) {
                if !found.iter().any(|f| same_record(f, r)) {
                    found.push(r.clone());
                }
            }
        }
        found
    }
}

/// RFC 1982 §3.2: `a` is newer than `b` in serial number arithmetic (wraps at 2^32).
pub fn serial_newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 1 << 31
}

/// Same owner, type and data; TTLs may differ.
pub fn same_record(a: &DnsRecord, b: &DnsRecord) -> bool {
    a.name == b.name && a.data == b.data
}

//! What one vantage point saw of a mail domain, serialisable so that a customer's snapshot can be
//! replayed by a helpdesk on another machine (`mxdoctor check --from-snapshot`).

use serde::{Deserialize, Serialize};

use crate::dns::{canonical, find, DnsRecord, Observation, Outcome, RType, RecordData};
use crate::domain::{InputError, MailDomain};

/// Bumped when the format changes incompatibly; older files are refused with a message.
pub const SNAPSHOT_FORMAT: u32 = 1;

/// The last second a snapshot may be taken at, 9999-12-31T23:59:59Z: RFC 3339 has four-digit
/// years, and in milliseconds (as the report's times are counted) it is far from overflowing.
pub const LAST_TAKEN_AT: u64 = 253_402_300_799;

/// The most a snapshot file may weigh. A real check's snapshot is a few tens of kilobytes.
pub const MAX_SNAPSHOT_BYTES: usize = 4 * 1024 * 1024;
/// The most recursive resolvers a snapshot may name (a check asks one to a handful).
pub const MAX_RESOLVERS: usize = 16;
/// The most DNS host servers (one address of one NS name each) a snapshot may hold. The
/// largest DNS hosts publish 4 to 13 NS names with one or two addresses each; a check asks at
/// most 64 NS names with 8 addresses each.
pub const MAX_AUTH_SERVERS: usize = 512;
/// The most answers one vantage (the resolvers, or one DNS host server) may hold. A check asks
/// a few dozen questions (the SPF chain has at most 10 lookups, RFC 7208 §4.6.4).
pub const MAX_OBSERVATIONS: usize = 512;
/// The most records one answer may hold (a DNS message is at most 64 KB).
pub const MAX_RECORDS: usize = 1024;

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
    #[error("it is larger than {} MB, far more than a snapshot ever holds", MAX_SNAPSHOT_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("it lists {found} {what}; a snapshot holds at most {limit}")]
    TooMany {
        what: &'static str,
        found: usize,
        limit: usize,
    },
    #[error("the domain it names cannot be checked: {0}")]
    BadDomain(InputError),
    #[error("it is a snapshot of {found}, not of {expected}")]
    OtherDomain { found: String, expected: String },
}

impl SnapshotError {
    /// A short stable name for the reason, for JSON output and the window's wording.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::NotASnapshot(_) => "not_a_snapshot",
            Self::WrongFormat { .. } => "wrong_format",
            Self::TimeOutOfRange(_) => "time_out_of_range",
            Self::TooLarge => "too_large",
            Self::TooMany { .. } => "too_many",
            Self::BadDomain(_) => "bad_domain",
            Self::OtherDomain { .. } => "other_domain",
        }
    }
}

impl Snapshot {
    /// The one way a snapshot's text becomes a snapshot, for the app and the CLI alike: see
    /// [`Snapshot::checked`]. Text above [`MAX_SNAPSHOT_BYTES`] is refused unread.
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge);
        }
        // A byte order mark (Notepad writes one) is read as the window's browser reads it.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let snapshot: Snapshot =
            serde_json::from_str(text).map_err(|e| SnapshotError::NotASnapshot(e.to_string()))?;
        snapshot.checked()
    }

    /// A snapshot file opened: checked as [`Snapshot::from_json`] does, with the mail domain it
    /// names read by the input rules. With `expected` (the domain the user typed), a snapshot
    /// of another domain is refused; names that differ only in case or a final dot are the
    /// same domain.
    pub fn open(
        text: &str,
        expected: Option<&MailDomain>,
    ) -> Result<(MailDomain, Snapshot), SnapshotError> {
        let snapshot = Self::from_json(text)?;
        let domain = snapshot.mail_domain()?;
        if let Some(expected) = expected {
            if expected.ascii != domain.ascii {
                return Err(SnapshotError::OtherDomain {
                    found: domain.unicode,
                    expected: expected.unicode.clone(),
                });
            }
        }
        Ok((domain, snapshot))
    }

    /// The mail domain the snapshot is of, read by the input rules.
    pub fn mail_domain(&self) -> Result<MailDomain, SnapshotError> {
        crate::domain::normalise(&self.domain).map_err(SnapshotError::BadDomain)
    }

    /// A snapshot that came from outside this run (a file, the saved session) made safe to
    /// judge: its format and time checked, every name in the canonical form the check uses
    /// (lower case, no final dot: otherwise a domain in capitals matches none of its own
    /// answers and reads as healthy), repeated servers, answers and records kept once, and the
    /// limits above enforced with a refusal that says which.
    pub fn checked(mut self) -> Result<Self, SnapshotError> {
        if self.format != SNAPSHOT_FORMAT {
            return Err(SnapshotError::WrongFormat { found: self.format });
        }
        if self.taken_at > LAST_TAKEN_AT {
            return Err(SnapshotError::TimeOutOfRange(self.taken_at));
        }
        // The domain in the form the check writes and its answers are named in: a field in
        // another form (capitals, Unicode, an address at it) is read by the input rules.
        self.domain = crate::domain::normalise(&self.domain)
            .map_err(SnapshotError::BadDomain)?
            .ascii;
        self.zone = self.zone.as_deref().map(canonical);
        let mut resolvers: Vec<String> = Vec::new();
        for r in self.resolvers.drain(..) {
            if !resolvers.contains(&r) {
                resolvers.push(r);
            }
        }
        self.resolvers = resolvers;
        limit("resolvers", self.resolvers.len(), MAX_RESOLVERS)?;
        self.recursive = checked_observations(std::mem::take(&mut self.recursive))?;
        let mut servers: Vec<AuthServer> = Vec::new();
        for mut s in self.authoritative.drain(..) {
            s.host = canonical(&s.host);
            s.address = s.address.map(|a| a.trim().to_string());
            if servers
                .iter()
                .any(|k| k.host == s.host && k.address == s.address)
            {
                continue;
            }
            limit("DNS host servers", servers.len() + 1, MAX_AUTH_SERVERS)?;
            s.observations = checked_observations(s.observations)?;
            servers.push(s);
        }
        self.authoritative = servers;
        Ok(self)
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

fn limit(what: &'static str, found: usize, limit: usize) -> Result<(), SnapshotError> {
    if found > limit {
        return Err(SnapshotError::TooMany { what, found, limit });
    }
    Ok(())
}

/// One vantage's answers: names canonical, one answer per question (the first, as [`find`]
/// reads them), each record once.
fn checked_observations(list: Vec<Observation>) -> Result<Vec<Observation>, SnapshotError> {
    limit("answers from one server", list.len(), MAX_OBSERVATIONS)?;
    let mut kept: Vec<Observation> = Vec::with_capacity(list.len());
    let mut asked = std::collections::HashSet::new();
    for mut o in list {
        o.name = canonical(&o.name);
        if !asked.insert((o.name.clone(), o.rtype)) {
            continue;
        }
        let outcome = &mut o.outcome;
        limit("records in one answer", outcome.records.len(), MAX_RECORDS)?;
        limit(
            "records in one answer",
            outcome.delegation.len(),
            MAX_RECORDS,
        )?;
        outcome.zone = outcome.zone.as_deref().map(canonical);
        outcome.records = canonical_records(std::mem::take(&mut outcome.records));
        outcome.delegation = canonical_records(std::mem::take(&mut outcome.delegation));
        kept.push(o);
    }
    Ok(kept)
}

fn canonical_records(list: Vec<DnsRecord>) -> Vec<DnsRecord> {
    let mut kept: Vec<DnsRecord> = Vec::with_capacity(list.len());
    let mut seen = std::collections::HashSet::new();
    for mut r in list {
        r.name = canonical(&r.name);
        match &mut r.data {
            RecordData::Cname { target } => *target = canonical(target),
            RecordData::MX { exchange, .. } => *exchange = canonical(exchange),
            RecordData::NS { host } => *host = canonical(host),
            RecordData::SOA { mname, rname, .. } => {
                *mname = canonical(mname);
                *rname = canonical(rname);
            }
            RecordData::A { .. }
            | RecordData::Aaaa { .. }
            | RecordData::TXT { .. }
            | RecordData::Other { .. } => {}
        }
        if seen.insert((r.name.clone(), r.data.clone())) {
            kept.push(r);
        }
    }
    kept
}

/// RFC 1982 §3.2: `a` is newer than `b` in serial number arithmetic (wraps at 2^32).
pub fn serial_newer(a: u32, b: u32) -> bool {
    a != b && a.wrapping_sub(b) < 1 << 31
}

/// Same owner, type and data; TTLs may differ.
pub fn same_record(a: &DnsRecord, b: &DnsRecord) -> bool {
    a.name == b.name && a.data == b.data
}

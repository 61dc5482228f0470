//! "Let MX Doctor make these changes": the repair plan applied through the DNS host's own API,
//! with a preview, a re-read that refuses a zone changed since the preview, a journal written
//! after every step, and an undo that restores the records exactly as the DNS host listed them
//! just before the apply (DESIGN.md "One-click repair through the DNS host's API").
//!
//! The DNS host is behind [`DnsHostApi`], a small trait of two calls: read one record set, and
//! replace one record set. The real hosts go through the `dns-update` crate ([`hosts`]); the
//! practice world plugs in its own implementation; the tests plug in a fake with faults.

pub mod hosts;
pub mod journal;
pub mod keys;
pub mod memory;
mod plan;

use std::fmt;

use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};

use crate::diagnose::FixRow;
use crate::dns::{canonical, RType};

pub use journal::{
    apply, undo, Journal, JournalStatus, JournalStep, Refusal, StepResult, UndoRecord,
};
pub use plan::{preview, Op, Preview, PreviewError, RowResult};

/// One value of a record set: an MX row's priority and exchange, or any other type's value in
/// the form DNS consoles write it (names without the final dot, TXT as one unquoted string).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RrValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u16>,
    pub value: String,
}

impl RrValue {
    pub fn new(priority: Option<u16>, value: impl Into<String>) -> Self {
        RrValue {
            priority,
            value: value.into(),
        }
    }

    /// The same record, whatever the case of a name or a final dot; addresses as addresses;
    /// text exactly.
    pub fn same(&self, rtype: RType, other: &RrValue) -> bool {
        self.priority == other.priority && same_value(rtype, &self.value, &other.value)
    }
}

/// Whether two values of type `rtype` are the same record data.
pub fn same_value(rtype: RType, a: &str, b: &str) -> bool {
    match rtype {
        RType::TXT => a == b,
        RType::A | RType::Aaaa => {
            match (a.parse::<std::net::IpAddr>(), b.parse::<std::net::IpAddr>()) {
                (Ok(x), Ok(y)) => x == y,
                _ => a == b,
            }
        }
        _ => canonical(a) == canonical(b),
    }
}

/// Every record of one name and type at the DNS host, as its API lists them. An empty
/// `values` is "no such records"; writing it deletes the set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RrSet {
    /// The full name, lower case, without the final dot.
    pub name: String,
    #[serde(rename = "type")]
    pub rtype: RType,
    /// The TTL the DNS host listed; `None` when its API does not say.
    #[serde(default)]
    pub ttl: Option<u32>,
    pub values: Vec<RrValue>,
}

impl RrSet {
    pub fn empty(name: &str, rtype: RType) -> Self {
        RrSet {
            name: canonical(name),
            rtype,
            ttl: None,
            values: Vec::new(),
        }
    }

    /// The same records (in any order, each value once), and the same TTL where both say one.
    pub fn same(&self, other: &RrSet) -> bool {
        let contains_all = |a: &RrSet, b: &RrSet| {
            a.values
                .iter()
                .all(|v| b.values.iter().any(|w| v.same(self.rtype, w)))
        };
        canonical(&self.name) == canonical(&other.name)
            && self.rtype == other.rtype
            && contains_all(self, other)
            && contains_all(other, self)
            && match (self.ttl, other.ttl) {
                (Some(a), Some(b)) => a == b,
                _ => true,
            }
    }

    pub fn contains(&self, value: &RrValue) -> bool {
        self.values.iter().any(|v| v.same(self.rtype, value))
    }
}

/// Why the DNS host did not do what was asked, in the classes a person can act on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum ApiError {
    /// The key was refused: wrong, revoked or expired.
    #[error("the DNS host did not accept the key (it may be wrong, revoked or expired): {0}")]
    Unauthorized(String),
    /// The key is valid but may not do this (read-only, or another zone's key).
    #[error("the key is valid but is not allowed to change records in this zone: {0}")]
    Forbidden(String),
    /// The zone is not one the key can see at this DNS host.
    #[error("the DNS host has no zone {zone} that this key can see")]
    ZoneNotFound { zone: String },
    #[error("the DNS host asked us to slow down (too many requests); try again in a minute")]
    RateLimited,
    #[error("the DNS host's API did not answer in time")]
    Timeout,
    #[error("the DNS host's API could not be reached: {0}")]
    Unreachable(String),
    /// The host answered and refused the change, with its reason.
    #[error("the DNS host refused the change: {0}")]
    Refused(String),
    /// A record MX Doctor cannot write through this host's API (a type it does not offer).
    #[error("{0}")]
    Unsupported(String),
    #[error("the DNS host's API answered with an error: {0}")]
    Other(String),
}

/// A DNS host's API, as MX Doctor uses it: read one record set, replace one record set.
///
/// Implementations keep their key inside and never show it: not in `Debug`, not in an error.
pub trait DnsHostApi: Send + Sync {
    /// The adapter id written to the journal (`cloudflare`, `powerdns`, `rfc2136`, `practice`…).
    fn id(&self) -> &str;
    /// Where the adapter sends its requests, for the journal (never with a key in it).
    fn endpoint(&self) -> Option<String>;
    /// The record set of `name` and `rtype` in `zone`, as the DNS host lists it.
    fn read<'a>(
        &'a self,
        zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>>;
    /// Makes the record set of `set.name` and `set.rtype` exactly `set` (empty: delete it).
    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>>;
    /// The TTL `write` gives a set whose TTL is not known (`None`).
    fn ttl_when_unknown(&self) -> u32 {
        hosts::DEFAULT_TTL
    }
}

impl fmt::Debug for dyn DnsHostApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DnsHostApi")
            .field("id", &self.id())
            .field("endpoint", &self.endpoint())
            .finish()
    }
}

/// The rows of a plan as one flat list, in the plan's order (seed 001's).
pub fn plan_rows(plan: &crate::repair::RepairPlan) -> Vec<FixRow> {
    plan.steps.iter().flat_map(|s| s.rows.clone()).collect()
}

/// The DNS hosts MX Doctor can change records at (the DNS-host catalog's ids, then the two
/// protocols that need an endpoint). Practice mode's host is `practice`.
pub const ADAPTER_HOSTS: [&str; 7] = [
    "alibaba-cloud-dns",
    "dnspod",
    "cloudflare",
    "route53",
    "godaddy",
    "powerdns",
    "rfc2136",
];

/// True when "Let MX Doctor make these changes" can be offered for DNS host `id`.
pub fn has_adapter(id: &str) -> bool {
    ADAPTER_HOSTS.contains(&id)
}

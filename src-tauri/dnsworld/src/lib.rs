//! An embedded DNS world for MX Doctor: zones served by real DNS servers on loopback.
//!
//! The scenario tests serve the zone files in `tests/zones/` through it, and practice mode
//! serves its example domains through it. The zones practice mode ships live in this crate's
//! `data/practice/` (embedded at build time); `tests/zones/` links to them, so the tests serve
//! exactly what the app ships. It stores zones the way hosting panels do, CNAME beside
//! MX included, and can misbehave on purpose ([`Behavior`]).

#![deny(unsafe_code)]

mod cache;
mod lab;
mod liar;
mod pdns;
pub mod practice;
mod server;
mod unbound;
mod zone;

pub use cache::{CachingResolver, KeptAnswer};
pub use lab::{Lab, NS1, NS2};
pub use liar::{Fault, Liar};
pub use pdns::{pdns_binary, PowerDns};
pub use server::{Behavior, DnsServer};
pub use unbound::{unbound_binary, Unbound};
pub use zone::{answer, load_dir, Answer, CnamePolicy, Zone, ZoneError};

pub use hickory_proto::rr::{Name, RData, Record, RecordType};

//! MX Doctor's core: observe a mail domain's DNS, diagnose it, plan the repair.
//!
//! No Tauri, no UI: the desktop app and the `mxdoctor` CLI are thin front ends over this crate.
//! Network code ([`dns`]) produces a serialisable [`Snapshot`]; [`diagnose`] is a pure function of
//! a snapshot and the expected provider, so rules are tested from fixtures and a snapshot taken
//! on one machine can be replayed on another.

#![deny(unsafe_code)]

pub mod apply;
pub mod check;
pub mod diagnose;
pub mod dmarc;
pub mod dns;
pub mod domain;
pub mod files;
pub mod links;
pub mod markdown;
pub mod observe;
pub mod propagation;
pub mod providers;
pub mod repair;
pub mod report;
pub mod saved;
pub mod snapshot;
pub mod spf;
pub mod time;
pub mod words;

pub use snapshot::Snapshot;

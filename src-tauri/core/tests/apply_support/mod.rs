//! What the apply tests (`apply_memory.rs`, `break_apply.rs`) build their zones and plans from.
#![allow(dead_code)]

use mxdoctor_core::apply::{Journal, RrSet, RrValue};
use mxdoctor_core::diagnose::{Action, FixRow};
use mxdoctor_core::dns::RType;

pub const ZONE: &str = "example.com";

/// A record set at TTL 300: `(priority, value)` per record.
pub fn set(name: &str, rtype: RType, values: &[(Option<u16>, &str)]) -> RrSet {
    RrSet {
        name: name.into(),
        rtype,
        ttl: Some(300),
        values: values.iter().map(|(p, v)| RrValue::new(*p, *v)).collect(),
    }
}

/// A plan row as the check writes one.
pub fn row(action: Action, host: &str, rtype: RType, priority: Option<u16>, value: &str) -> FixRow {
    FixRow {
        action,
        host: host.into(),
        rtype,
        priority,
        value: value.into(),
        new_value: None,
        new_priority: None,
        keep: Vec::new(),
        if_missing: false,
    }
}

/// A journal "saved" nowhere.
pub fn no_save() -> impl FnMut(&Journal) -> Result<(), String> + Send {
    |_| Ok(())
}

//! A DNS host held in memory, with faults on demand: the tests' adapter, and the model of what
//! an adapter must do.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;

use super::{ApiError, DnsHostApi, RrSet};
use crate::dns::{canonical, RType};

/// A fault to inject: the `n`th call (counting from 1) of a kind fails with `error`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub on_write: Option<u32>,
    pub on_read: Option<u32>,
    pub error: ApiError,
}

#[derive(Default)]
struct Inner {
    sets: BTreeMap<(String, String), RrSet>,
    reads: u32,
    writes: u32,
    fault: Option<Fault>,
    /// Writes that the host "accepts" but does not keep (a host that lies).
    drop_writes: bool,
}

/// A zone in memory. Cloning shares it.
#[derive(Clone, Default)]
pub struct MemoryApi {
    inner: Arc<Mutex<Inner>>,
}

fn key(name: &str, rtype: RType) -> (String, String) {
    (canonical(name), format!("{rtype:?}"))
}

impl MemoryApi {
    pub fn new(sets: impl IntoIterator<Item = RrSet>) -> Self {
        let api = MemoryApi::default();
        {
            let mut inner = api.inner.lock().expect("memory zone");
            for s in sets {
                inner.sets.insert(key(&s.name, s.rtype), s);
            }
        }
        api
    }

    /// Every non-empty record set, sorted: a whole-zone listing to compare.
    pub fn listing(&self) -> Vec<RrSet> {
        let inner = self.inner.lock().expect("memory zone");
        inner
            .sets
            .values()
            .filter(|s| !s.values.is_empty())
            .map(|s| {
                let mut s = s.clone();
                s.values.sort();
                s
            })
            .collect()
    }

    pub fn set_fault(&self, fault: Option<Fault>) {
        self.inner.lock().expect("memory zone").fault = fault;
    }

    pub fn drop_writes(&self, drop: bool) {
        self.inner.lock().expect("memory zone").drop_writes = drop;
    }

    /// Replaces a record set directly, as another person at the console would.
    pub fn put(&self, set: RrSet) {
        let mut inner = self.inner.lock().expect("memory zone");
        inner.sets.insert(key(&set.name, set.rtype), set);
    }

    pub fn writes(&self) -> u32 {
        self.inner.lock().expect("memory zone").writes
    }
}

impl DnsHostApi for MemoryApi {
    fn id(&self) -> &str {
        "memory"
    }

    fn endpoint(&self) -> Option<String> {
        None
    }

    fn ttl_when_unknown(&self) -> u32 {
        3600
    }

    fn read<'a>(
        &'a self,
        _zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>> {
        Box::pin(async move {
            let mut inner = self.inner.lock().expect("memory zone");
            inner.reads += 1;
            let n = inner.reads;
            if let Some(f) = &inner.fault {
                if f.on_read == Some(n) {
                    return Err(f.error.clone());
                }
            }
            let set = inner
                .sets
                .get(&key(name, rtype))
                .cloned()
                .unwrap_or_else(|| RrSet::empty(name, rtype));
            Ok(set)
        })
    }

    fn write<'a>(&'a self, _zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let mut inner = self.inner.lock().expect("memory zone");
            inner.writes += 1;
            let n = inner.writes;
            if let Some(f) = &inner.fault {
                if f.on_write == Some(n) {
                    return Err(f.error.clone());
                }
            }
            if !inner.drop_writes {
                let mut stored = set.clone();
                stored.ttl = set.ttl.or(Some(3600));
                inner.sets.insert(key(&set.name, set.rtype), stored);
            }
            Ok(())
        })
    }
}

//! Practice mode's DNS host behind the same [`DnsHostApi`] the real hosts have: a read lists
//! the console's rows, a write replaces them as the console's Save does, so "Let MX Doctor make
//! these changes" changes what the practice DNS servers answer, exactly as a learner's edit
//! would, and is refused where the console refuses (the DNS host's own name-server rows).

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use mxdoctor_core::apply::{ApiError, DnsHostApi, RrSet, RrValue};
use mxdoctor_core::dns::{canonical, RType};
use mxdoctor_dnsworld::practice::{ConsoleRow, Practice};

/// The adapter id written to the journal.
pub const PRACTICE_ID: &str = "practice";

/// The TTL of a row MX Doctor adds where the set had none: the practice zones' own.
const PRACTICE_TTL: u32 = 60;

/// A console row with whether the DNS host keeps it for itself (locked).
type Listed = (ConsoleRow, bool);

type Answer<'a, T> = Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send + 'a>>;

/// The running practice world (the app's slot: the adapter follows whichever world runs).
pub struct PracticeApi<'a> {
    pub world: &'a Mutex<Option<Practice>>,
}

fn type_text(t: RType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The console's host for `name` in `zone`: `@`, or the name relative to the zone.
fn host_of(name: &str, zone: &str) -> String {
    let name = canonical(name);
    if name == zone {
        "@".to_string()
    } else {
        name.strip_suffix(&format!(".{zone}"))
            .unwrap_or(&name)
            .to_string()
    }
}

fn full_name(host: &str, zone: &str) -> String {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() || host == "@" {
        zone.to_string()
    } else if host == zone || host.ends_with(&format!(".{zone}")) {
        host
    } else {
        format!("{host}.{zone}")
    }
}

fn is_of(row: &ConsoleRow, zone: &str, name: &str, rtype: RType) -> bool {
    row.rtype.eq_ignore_ascii_case(&type_text(rtype)) && full_name(&row.host, zone) == name
}

impl PracticeApi<'_> {
    /// Runs `f` on the running world of `zone`, or says why it cannot.
    fn with<T>(
        &self,
        zone: &str,
        f: impl FnOnce(&Practice, &str) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let slot = self
            .world
            .lock()
            .map_err(|_| ApiError::Unreachable("the practice world is unavailable".into()))?;
        let p = slot
            .as_ref()
            .ok_or_else(|| ApiError::Unreachable("practice mode is not running".into()))?;
        let zone = canonical(zone);
        if zone != p.scenario.domain {
            return Err(ApiError::ZoneNotFound { zone });
        }
        f(p, &zone)
    }

    fn read_now(&self, zone: &str, name: &str, rtype: RType) -> Result<RrSet, ApiError> {
        self.with(zone, |p, zone| {
            let name = canonical(name);
            let rows: Vec<ConsoleRow> = p
                .rows()
                .into_iter()
                .filter(|r| is_of(r, zone, &name, rtype))
                .collect();
            Ok(RrSet {
                ttl: rows.first().map(|r| r.ttl),
                values: rows
                    .iter()
                    .map(|r| {
                        RrValue::new(
                            if rtype == RType::MX { r.priority } else { None },
                            r.value.clone(),
                        )
                    })
                    .collect(),
                name,
                rtype,
            })
        })
    }

    fn write_now(&self, zone: &str, set: &RrSet) -> Result<(), ApiError> {
        self.with(zone, |p, zone| {
            let name = canonical(&set.name);
            let rows = p.rows();
            let locked = p.locked_rows();
            let (old, mut kept): (Vec<Listed>, Vec<Listed>) = rows
                .into_iter()
                .zip(locked)
                .partition(|(r, _)| is_of(r, zone, &name, set.rtype));
            let host = host_of(&name, zone);
            let ttl = set
                .ttl
                .or_else(|| old.first().map(|(r, _)| r.ttl))
                .unwrap_or(PRACTICE_TTL);
            let new: Vec<ConsoleRow> = set
                .values
                .iter()
                .map(|v| ConsoleRow {
                    host: host.clone(),
                    rtype: type_text(set.rtype),
                    priority: if set.rtype == RType::MX {
                        v.priority
                    } else {
                        None
                    },
                    value: v.value.clone(),
                    ttl,
                })
                .collect();
            // The console's own rule: the DNS host's name-server rows are neither removed nor
            // added here. Unchanged, they may be written back as they are.
            let same = old.len() == new.len() && old.iter().zip(&new).all(|((o, _), n)| o == n);
            if !same && (old.iter().any(|(_, l)| *l) || locked_if_added(p, &kept, &new)) {
                return Err(ApiError::Refused(
                    mxdoctor_dnsworld::practice::ConsoleError::Locked.to_string(),
                ));
            }
            kept.extend(new.into_iter().map(|r| (r, false)));
            let rows: Vec<ConsoleRow> = kept.into_iter().map(|(r, _)| r).collect();
            p.set_rows(&rows)
                .map_err(|e| ApiError::Refused(e.to_string()))
        })
    }
}

/// Whether one of `new` would be a row the console keeps for the DNS host (an NS row at `@`, or
/// an address of the name servers): asked of the console itself, on a copy of the rows.
fn locked_if_added(p: &Practice, kept: &[Listed], new: &[ConsoleRow]) -> bool {
    new.iter().any(|row| {
        let rtype = row.rtype.to_ascii_uppercase();
        let apex_ns = rtype == "NS" && row.host == "@";
        let ns_address = (rtype == "A" || rtype == "AAAA")
            && kept.iter().any(|(r, _)| {
                r.host == "@"
                    && r.rtype.eq_ignore_ascii_case("NS")
                    && canonical(&r.value) == full_name(&row.host, p.scenario.domain)
            });
        apex_ns || ns_address
    })
}

impl DnsHostApi for PracticeApi<'_> {
    fn id(&self) -> &str {
        PRACTICE_ID
    }

    fn endpoint(&self) -> Option<String> {
        None
    }

    fn read<'a>(&'a self, zone: &'a str, name: &'a str, rtype: RType) -> Answer<'a, RrSet> {
        let answer = self.read_now(zone, name, rtype);
        Box::pin(async move { answer })
    }

    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> Answer<'a, ()> {
        let answer = self.write_now(zone, set);
        Box::pin(async move { answer })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> (tokio::runtime::Runtime, Mutex<Option<Practice>>) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let p = rt.block_on(Practice::start("seed000", 0, None)).unwrap();
        (rt, Mutex::new(Some(p)))
    }

    #[test]
    fn a_write_is_what_the_next_read_and_the_console_list() {
        let (rt, slot) = world();
        let api = PracticeApi { world: &slot };
        let mx = rt
            .block_on(api.read("seed000.test", "seed000.test", RType::MX))
            .unwrap();
        assert_eq!(mx.values.len(), 3, "the scenario's three MX rows: {mx:?}");
        assert_eq!(mx.values[0], RrValue::new(Some(5), "mx1.qiye.aliyun.com"));
        let alias = rt
            .block_on(api.read("seed000.test", "seed000.test", RType::Cname))
            .unwrap();
        assert_eq!(alias.values, vec![RrValue::new(None, "site.cdn.test")]);

        rt.block_on(api.write("seed000.test", &RrSet::empty("seed000.test", RType::Cname)))
            .unwrap();
        let mut www = RrSet::empty("www.seed000.test", RType::Cname);
        www.values.push(RrValue::new(None, "site.cdn.test"));
        rt.block_on(api.write("seed000.test", &www)).unwrap();

        let back = rt
            .block_on(api.read("seed000.test", "www.seed000.test", RType::Cname))
            .unwrap();
        assert!(back.same(&www), "read back as written: {back:?}");
        assert_eq!(back.ttl, Some(PRACTICE_TTL));
        let rows = slot.lock().unwrap().as_ref().unwrap().rows();
        assert!(
            !rows.iter().any(|r| r.host == "@" && r.rtype == "CNAME"),
            "the console no longer lists the alias at @: {rows:?}"
        );
        assert!(rows
            .iter()
            .any(|r| r.host == "www" && r.rtype == "CNAME" && r.value == "site.cdn.test"));
        assert_eq!(
            rows.iter().filter(|r| r.rtype == "MX").count(),
            3,
            "rows of other sets are left as they were"
        );
    }

    #[test]
    fn a_write_the_console_refuses_is_an_api_error_in_words() {
        let (rt, slot) = world();
        let api = PracticeApi { world: &slot };
        let err = rt
            .block_on(api.write("seed000.test", &RrSet::empty("seed000.test", RType::NS)))
            .unwrap_err();
        assert!(
            matches!(&err, ApiError::Refused(why) if why.contains("managed by the DNS host")),
            "deleting the DNS host's own NS rows is refused as the console refuses it: {err:?}"
        );
        let ns = rt
            .block_on(api.read("seed000.test", "seed000.test", RType::NS))
            .unwrap();
        assert_eq!(ns.values.len(), 2, "nothing was changed");

        let mut bad = RrSet::empty("seed000.test", RType::A);
        bad.values.push(RrValue::new(None, "not an address"));
        let err = rt.block_on(api.write("seed000.test", &bad)).unwrap_err();
        assert!(
            err.to_string()
                .contains("cannot be the value of a A record"),
            "{err}"
        );

        let err = rt
            .block_on(api.read("other.test", "other.test", RType::MX))
            .unwrap_err();
        assert_eq!(
            err,
            ApiError::ZoneNotFound {
                zone: "other.test".into()
            }
        );
        *slot.lock().unwrap() = None;
        let err = rt
            .block_on(api.read("seed000.test", "seed000.test", RType::MX))
            .unwrap_err();
        assert!(err.to_string().contains("practice mode is not running"));
    }
}

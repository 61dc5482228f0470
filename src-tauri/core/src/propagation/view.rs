//! The wait as shown: one line of JSON per round for `mxdoctor watch --json`, and what the
//! wizard draws. Times are RFC 3339 (UTC), durations whole seconds from `at`.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

use super::{Gap, Millis, Phase, TimeRange, Vantage, VantageKind, VantageSpec, VantageState, Wait};
pub use crate::providers::{public_resolvers, PublicResolver};
use crate::saved::{overall, RowCheck, RowState, ServerVerdict};
pub use crate::time::rfc3339;

/// The resolvers to watch: `custom` when given (`--nameserver`), else the system's and the
/// public ones.
pub fn resolver_specs(custom: &[SocketAddr], system: &[SocketAddr]) -> Vec<VantageSpec> {
    if !custom.is_empty() {
        return custom
            .iter()
            .map(|&server| VantageSpec {
                kind: VantageKind::Custom,
                name: server.to_string(),
                server,
            })
            .collect();
    }
    let mut specs: Vec<VantageSpec> = system
        .iter()
        .map(|&server| VantageSpec {
            kind: VantageKind::System,
            name: "This computer's resolver".to_string(),
            server,
        })
        .collect();
    specs.extend(public_resolvers().iter().map(|r| VantageSpec {
        kind: VantageKind::Public,
        name: r.name.clone(),
        server: SocketAddr::new(r.address, 53),
    }));
    specs
}

/// The overall status of one round, as `watch --json` prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum WaitStatus {
    Waiting,
    Clear,
    Timeout,
    /// Every vantage that answered serves the repaired records; those in `except` never
    /// answered. Never called plain clear (exit code 1).
    ClearExcept,
}

/// A vantage the wait could not hear from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Unanswered {
    pub kind: VantageKind,
    pub name: String,
    /// The address asked; `None` for a DNS host server whose address was never found.
    pub server: Option<String>,
    /// Why the last question failed (`None`: it could not be asked at all).
    pub failure: Option<String>,
    /// It had shown the old records before it went silent.
    pub last_old: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WaitView {
    pub domain: String,
    pub provider: Option<String>,
    pub status: WaitStatus,
    pub phase: Phase,
    pub round: u32,
    pub at: String,
    pub started_at: String,
    pub saved_at: Option<String>,
    /// When every cache seen so far should serve the new data…
    pub earliest: Option<String>,
    /// …and the bound for every cache, seen or not.
    pub latest: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub earliest_in: Option<u64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub latest_in: Option<u64>,
    pub cleared_at: Option<String>,
    pub deadline: String,
    pub vantages: Vec<VantageView>,
    /// Questions sent so far.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queries: u64,
    /// The alias option of the plan the wait follows, if the plan offered one.
    pub option: Option<String>,
    /// Where mail is received once the plan is done: the domain, or the separate subdomain
    /// the option chose (what "mail works again" may be said of).
    pub mail_host: String,
    /// Every row of that plan and whether each DNS host server gives it as asked (its last
    /// answer): `saved` only when every one of them does.
    pub rows: Vec<RowCheck>,
    /// Rows only a suggestion asked for (adding a DMARC record, say): followed and shown the
    /// same way, but the wait does not wait for them.
    pub optional_rows: Vec<RowCheck>,
    /// The vantages that did not answer their last question, and DNS host servers that could
    /// not be asked: what "clear except" and "saved except" leave out, by name.
    pub except: Vec<Unanswered>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VantageView {
    pub kind: VantageKind,
    pub name: String,
    pub server: String,
    pub state: VantageState,
    /// Seconds the stale data may still be served, as the vantage said at its last answer.
    pub stale_ttl: Option<u32>,
    /// Seconds from `at` until the stale data must be gone (the end of its window).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub expires_in: Option<u64>,
    pub next_check: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub next_check_in: Option<u64>,
    pub checked_at: Option<String>,
    pub gaps: Vec<Gap>,
    pub failure: Option<String>,
    /// For a public resolver that offers one: a page to make it forget the name.
    pub flush_url: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queries: u64,
}

fn secs_until(at: Millis, now: Millis) -> u64 {
    at.saturating_sub(now).div_ceil(1000)
}

impl Wait {
    /// The wait as shown at `now`.
    pub fn view(&self, now: Millis) -> WaitView {
        let estimate: Option<TimeRange> = self.estimate(now);
        let status = match self.finished.map(|f| f.phase) {
            Some(Phase::Clear) => WaitStatus::Clear,
            Some(Phase::ClearExcept) => WaitStatus::ClearExcept,
            Some(_) => WaitStatus::Timeout,
            None => WaitStatus::Waiting,
        };
        WaitView {
            domain: self.domain.clone(),
            provider: self.provider.clone(),
            status,
            phase: self.phase(),
            round: self.rounds,
            at: rfc3339(now),
            started_at: rfc3339(self.started_at),
            saved_at: self.saved_at.map(rfc3339),
            earliest: estimate.map(|e| rfc3339(e.earliest)),
            latest: estimate.map(|e| rfc3339(e.latest)),
            earliest_in: estimate.map(|e| secs_until(e.earliest, now)),
            latest_in: estimate.map(|e| secs_until(e.latest, now)),
            cleared_at: self
                .finished
                .filter(|f| matches!(f.phase, Phase::Clear | Phase::ClearExcept))
                .map(|f| rfc3339(f.at)),
            deadline: rfc3339(self.deadline),
            vantages: self
                .vantages
                .iter()
                .map(|v| vantage_view(v, now, self.phase()))
                .collect(),
            queries: self.queries(),
            option: self.option.clone(),
            mail_host: self
                .mail_host
                .clone()
                .unwrap_or_else(|| self.domain.clone()),
            rows: self.row_checks(false),
            optional_rows: self.row_checks(true),
            except: self
                .vantages
                .iter()
                .filter(|v| v.state == VantageState::Failed)
                .map(|v| Unanswered {
                    kind: v.kind,
                    name: v.name.clone(),
                    server: Some(v.server.to_string()),
                    failure: v.failure.clone(),
                    last_old: !v.gaps.is_empty(),
                })
                .chain(self.unasked.iter().map(|name| Unanswered {
                    kind: VantageKind::Authoritative,
                    name: name.clone(),
                    server: None,
                    failure: None,
                    last_old: false,
                }))
                .collect(),
        }
    }

    /// Each row of the plan (the suggested ones when `optional`), judged from every DNS host
    /// server's last answer.
    pub fn row_checks(&self, optional: bool) -> Vec<RowCheck> {
        self.rows
            .iter()
            .filter(|r| r.optional == optional)
            .map(|r| {
                let servers: Vec<ServerVerdict> = self
                    .vantages
                    .iter()
                    .filter(|v| !v.kind.is_cache())
                    .map(|v| ServerVerdict {
                        server: format!("{} ({})", v.name, v.server.ip()),
                        state: match r
                            .condition
                            .and_then(|i| v.verdicts.get(i).copied().flatten())
                        {
                            Some(true) => RowState::Saved,
                            Some(false) => RowState::NotSaved,
                            None => RowState::Unknown,
                        },
                    })
                    .chain(self.unasked.iter().map(|name| ServerVerdict {
                        server: name.clone(),
                        state: RowState::Unknown,
                    }))
                    .collect();
                RowCheck {
                    row: r.row.clone(),
                    state: overall(&servers),
                    servers,
                }
            })
            .collect()
    }
}

fn vantage_view(v: &Vantage, now: Millis, phase: Phase) -> VantageView {
    let stale = v.state == VantageState::Stale;
    // While the edit is not saved the caches are not asked: no next check to show.
    let next_check = v.next_check.filter(|_| {
        !(phase == Phase::NotSaved && v.kind.is_cache() && v.state != VantageState::Pending)
    });
    VantageView {
        kind: v.kind,
        name: v.name.clone(),
        server: v.server.to_string(),
        state: v.state,
        stale_ttl: v.stale_ttl().filter(|_| stale),
        expires_in: v
            .expiry
            .filter(|_| stale)
            .map(|e| secs_until(e.latest, now)),
        next_check: next_check.map(rfc3339),
        next_check_in: next_check.map(|t| secs_until(t, now)),
        checked_at: v.checked_at.map(rfc3339),
        gaps: v.gaps.clone(),
        failure: v.failure.clone(),
        flush_url: public_resolvers()
            .iter()
            .find(|r| v.kind == VantageKind::Public && r.address == v.server.ip())
            .and_then(|r| r.flush_url.clone()),
        queries: v.queries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resolver_catalog_has_the_seven_defaults_with_flush_pages() {
        let all = public_resolvers();
        let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(all.len(), 7, "{names:?}");
        let flush: Vec<&str> = all
            .iter()
            .filter(|r| r.flush_url.is_some())
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(flush, ["Google Public DNS", "Cloudflare", "OpenDNS"]);
    }

    #[test]
    fn nameserver_flags_replace_the_system_and_public_resolvers() {
        let mine: SocketAddr = "127.0.0.1:5353".parse().unwrap();
        let sys: SocketAddr = "10.0.0.1:53".parse().unwrap();
        let specs = resolver_specs(&[mine], &[sys]);
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].kind, VantageKind::Custom);
        let specs = resolver_specs(&[], &[sys]);
        assert_eq!(specs.len(), 8);
        assert_eq!(specs[0].kind, VantageKind::System);
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_795_347_453_250), "2026-11-22T11:37:33Z");
    }
}

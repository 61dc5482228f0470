//! Observing a mail domain: every question the rules need, asked concurrently, so a check
//! costs a few dependent round trips (questions → authoritative servers' addresses → the
//! authoritative servers themselves), not dozens.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use futures::future::join_all;

use super::{find, query, Observation, Outcome, QueryMode, RType, RecordData, Status};
use crate::snapshot::{AuthServer, Snapshot, SNAPSHOT_FORMAT};
use crate::spf::{self, LookupTerm};

/// How long to wait for one server to answer one question.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// An SPF tree deeper than this cannot be valid (RFC 7208 §4.6.4 allows 10 lookups), so the
/// observer stops expanding there and the rule reports the limit.
const MAX_SPF_ROUNDS: usize = 11;
const MAX_SPF_QUERIES: usize = 40;

/// Where to ask.
#[derive(Clone, Debug)]
pub struct ObserveConfig {
    /// Recursive resolvers, tried in order until one answers.
    pub resolvers: Vec<SocketAddr>,
    /// The port authoritative servers are asked on: 53, except in loopback labs and tests.
    pub auth_port: u16,
    pub timeout: Duration,
    /// DKIM selectors to look for (`SELECTOR._domainkey.DOMAIN`).
    pub dkim_selectors: Vec<String>,
    /// Told when each question starts and ends, for a progress display.
    pub progress: Option<ProgressSink>,
}

/// One question starting or ending, as a progress display shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct LookupEvent {
    /// The same for the start and the end of one question.
    pub id: u32,
    pub name: String,
    pub rtype: RType,
    /// The server asked.
    pub server: String,
    /// True for one of the domain's own servers, asked directly.
    pub authoritative: bool,
    /// `None` while the question runs; how it ended after.
    pub status: Option<Status>,
    /// It ended without a usable answer (timeout, SERVFAIL, …: [`Status::is_failure`]).
    pub failed: bool,
}

/// Where progress goes: any function of a [`LookupEvent`] (the app sends it to its window).
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(LookupEvent) + Send + Sync>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

struct Asker<'a> {
    config: &'a ObserveConfig,
    next_id: AtomicU32,
}

impl Asker<'_> {
    /// Asks one server one question, telling the progress sink before and after.
    async fn ask(&self, server: SocketAddr, name: &str, rtype: RType, mode: QueryMode) -> Outcome {
        let Some(sink) = &self.config.progress else {
            return query(server, name, rtype, mode, self.config.timeout).await;
        };
        let mut event = LookupEvent {
            id: self.next_id.fetch_add(1, Ordering::Relaxed),
            name: name.to_string(),
            rtype,
            server: server.to_string(),
            authoritative: mode == QueryMode::Authoritative,
            status: None,
            failed: false,
        };
        (sink.0)(event.clone());
        let outcome = query(server, name, rtype, mode, self.config.timeout).await;
        event.status = Some(outcome.status);
        event.failed = outcome.status.is_failure();
        (sink.0)(event);
        outcome
    }
}

impl Asker<'_> {
    /// Asks the recursive resolvers in turn until one gives an answer (positive or negative).
    async fn recursive(&self, name: String, rtype: RType) -> Observation {
        let mut outcome = Outcome::failed(Status::Error, "no DNS resolver is configured");
        for server in &self.config.resolvers {
            outcome = self.ask(*server, &name, rtype, QueryMode::Recursive).await;
            if !outcome.status.is_failure() {
                break;
            }
        }
        Observation {
            name,
            rtype,
            outcome,
        }
    }

    async fn all_recursive(&self, questions: Vec<(String, RType)>) -> Vec<Observation> {
        join_all(questions.into_iter().map(|(n, t)| self.recursive(n, t))).await
    }

    async fn authoritative(&self, server: IpAddr, name: &str, rtype: RType) -> Observation {
        let addr = SocketAddr::new(server, self.config.auth_port);
        let outcome = self.ask(addr, name, rtype, QueryMode::Authoritative).await;
        Observation {
            name: name.to_string(),
            rtype,
            outcome,
        }
    }
}

/// The types asked at the mail host, of the recursive resolvers and of each authoritative
/// server. A CNAME is asked for directly: some servers answer only the CNAME for every type.
const HOST_TYPES: [RType; 5] = [RType::MX, RType::Cname, RType::A, RType::Aaaa, RType::TXT];

/// Observes `domain` (ASCII, no final dot): the time of the snapshot is the caller's clock.
pub async fn observe(domain: &str, config: &ObserveConfig, taken_at: u64) -> Snapshot {
    let asker = Asker {
        config,
        next_id: AtomicU32::new(0),
    };
    let mut first: Vec<(String, RType)> = HOST_TYPES
        .iter()
        .map(|t| (domain.to_string(), *t))
        .collect();
    first.push((domain.to_string(), RType::NS));
    first.push((domain.to_string(), RType::SOA));
    first.push((format!("_dmarc.{domain}"), RType::TXT));
    // Where receivers look when the mail host has no DMARC record (RFC 7489 §6.6.3), asked in
    // the same round: the rule needs it only then, but waiting to know would cost a round trip.
    let org = crate::dmarc::organisational_domain(domain);
    if org != domain {
        first.push((format!("_dmarc.{org}"), RType::TXT));
    }
    for selector in &config.dkim_selectors {
        first.push((format!("{selector}._domainkey.{domain}"), RType::TXT));
    }
    let mut recursive = asker.all_recursive(first).await;

    let (mx_targets, spf_tree, (zone, auth, ns_lookups)) = tokio::join!(
        asker.all_recursive(mx_target_questions(
            &recursive,
            domain,
            zone_apex(&recursive, domain).as_deref(),
            &BTreeSet::new()
        )),
        expand_spf(&asker, domain, &recursive),
        authoritative_servers(&asker, domain, &recursive),
    );
    recursive.extend(mx_targets);
    recursive.extend(spf_tree);
    recursive.extend(ns_lookups);

    // MX hosts that only the authoritative servers publish (an edit not yet in the caches).
    let asked: BTreeSet<String> = recursive.iter().map(|o| o.name.clone()).collect();
    let auth_obs: Vec<Observation> = auth.iter().flat_map(|s| s.observations.clone()).collect();
    let extra = mx_target_questions(&auth_obs, domain, zone.as_deref(), &asked);
    recursive.extend(asker.all_recursive(extra).await);

    Snapshot {
        format: SNAPSHOT_FORMAT,
        domain: domain.to_string(),
        taken_at,
        resolvers: config.resolvers.iter().map(|a| a.to_string()).collect(),
        zone,
        recursive,
        authoritative: auth,
    }
}

/// A and AAAA for every MX exchange at `domain` not yet asked; an IP literal is not a name.
/// Where an exchange ends with the mail host or its `zone`, the name before that suffix is
/// asked too, in the same round: a panel that appends the zone to a value typed without its
/// final dot turns `mx1.provider.example` into `mx1.provider.example.example.com`, and the
/// rule needs the intended name's addresses to recognise it (diagnose/mx.rs). A single label
/// left (`mail` of `mail.example.com`) is an ordinary name in the zone and is not asked.
fn mx_target_questions(
    observations: &[Observation],
    domain: &str,
    zone: Option<&str>,
    asked: &BTreeSet<String>,
) -> Vec<(String, RType)> {
    let mut names = BTreeSet::new();
    let suffixes: Vec<String> = [Some(domain), zone]
        .into_iter()
        .flatten()
        .map(|s| format!(".{s}"))
        .collect();
    for obs in observations
        .iter()
        .filter(|o| o.name == domain && o.rtype == RType::MX)
    {
        for record in obs.outcome.of(domain, RType::MX) {
            let RecordData::MX { exchange, .. } = &record.data else {
                continue;
            };
            if exchange == "." || exchange.parse::<IpAddr>().is_ok() {
                continue;
            }
            names.insert(exchange.clone());
            // The mail host first: it is the longer suffix when it is not the zone apex.
            let stripped = suffixes
                .iter()
                .find_map(|suffix| exchange.strip_suffix(suffix.as_str()));
            if let Some(stripped) = stripped {
                if stripped.contains('.') && stripped.parse::<IpAddr>().is_err() {
                    names.insert(stripped.to_string());
                }
            }
        }
    }
    names
        .into_iter()
        .filter(|n| !asked.contains(n))
        .flat_map(|n| [(n.clone(), RType::A), (n, RType::Aaaa)])
        .collect()
}

/// Follows the SPF record's DNS-querying terms, level by level, each level concurrently.
async fn expand_spf(asker: &Asker<'_>, domain: &str, first: &[Observation]) -> Vec<Observation> {
    let mut out = Vec::new();
    let mut asked: BTreeSet<(String, RType)> = BTreeSet::new();
    asked.insert((domain.to_string(), RType::TXT));
    let mut frontier = spf_questions(first, domain);
    for _ in 0..MAX_SPF_ROUNDS {
        frontier.retain(|q| asked.insert(q.clone()));
        if frontier.is_empty() || asked.len() > MAX_SPF_QUERIES {
            break;
        }
        let answers = asker.all_recursive(std::mem::take(&mut frontier)).await;
        for obs in answers.iter().filter(|o| o.rtype == RType::TXT) {
            frontier.extend(spf_questions(std::slice::from_ref(obs), &obs.name));
        }
        out.extend(answers);
    }
    out
}

/// The lookups the SPF record(s) at `owner` would make, as questions.
fn spf_questions(observations: &[Observation], owner: &str) -> Vec<(String, RType)> {
    let mut questions = Vec::new();
    for obs in observations
        .iter()
        .filter(|o| o.name == owner && o.rtype == RType::TXT)
    {
        for record in obs.outcome.of(owner, RType::TXT) {
            let RecordData::TXT { text } = &record.data else {
                continue;
            };
            // Term by term: a record that does not parse may be merged into one that does,
            // keeping its readable terms, whose lookups the proposal must be priced with.
            for term in spf::readable(text).lookup_terms(owner) {
                let q = match term {
                    LookupTerm::Include(d) | LookupTerm::Redirect(d) => (d, RType::TXT),
                    LookupTerm::A(d) | LookupTerm::Exists(d) => (d, RType::A),
                    LookupTerm::Mx(d) => (d, RType::MX),
                    LookupTerm::Ptr => continue,
                };
                if !spf::has_macro(&q.0) {
                    questions.push((super::canonical(&q.0), q.1));
                }
            }
        }
    }
    questions
}

/// Finds the zone's authoritative servers and asks each one directly about the mail host.
/// Returns the zone apex, the servers with their answers, and the lookups made on the way.
/// The zone apex and the NS host names of the zone `domain` belongs to, from the first round's
/// answers (SOA, NS); walks from the parent zone when an alias at `domain` hides them.
async fn zone_servers(
    asker: &Asker<'_>,
    domain: &str,
    first: &[Observation],
) -> (Option<String>, Vec<String>, Vec<Observation>) {
    let mut lookups = Vec::new();
    let mut zone = zone_apex(first, domain);
    let mut ns_outcome = find(first, domain, RType::NS).cloned();
    let zone_name = zone.clone().unwrap_or_else(|| domain.to_string());
    if zone_name != domain {
        let obs = asker.recursive(zone_name.clone(), RType::NS).await;
        ns_outcome = Some(obs.outcome.clone());
        lookups.push(obs);
    }
    let mut hosts: Vec<String> = ns_outcome
        .iter()
        .flat_map(|o| ns_hosts(o, &zone_name))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let hidden = ns_outcome
        .as_ref()
        .is_some_and(|o| !o.status.is_failure() && o.of(domain, RType::Cname).next().is_some());
    if hosts.is_empty() && hidden {
        let (delegated, walk) = delegated_servers(asker, domain).await;
        lookups.extend(walk);
        if !delegated.is_empty() {
            zone = Some(domain.to_string());
            hosts = delegated;
        }
    }
    (zone, hosts, lookups)
}

/// The NS host names of the zone `domain` (ASCII) belongs to, as the recursive resolvers see
/// them: enough to tell who hosts the DNS before a full check. Empty when nobody answered.
pub async fn name_servers(domain: &str, config: &ObserveConfig) -> Vec<String> {
    let asker = Asker {
        config,
        next_id: AtomicU32::new(0),
    };
    let first = asker
        .all_recursive(vec![
            (domain.to_string(), RType::NS),
            (domain.to_string(), RType::SOA),
        ])
        .await;
    zone_servers(&asker, domain, &first).await.1
}

async fn authoritative_servers(
    asker: &Asker<'_>,
    domain: &str,
    first: &[Observation],
) -> (Option<String>, Vec<AuthServer>, Vec<Observation>) {
    let (zone, hosts, mut lookups) = zone_servers(asker, domain, first).await;

    let address_questions: Vec<(String, RType)> = hosts
        .iter()
        .flat_map(|h| [(h.clone(), RType::A), (h.clone(), RType::Aaaa)])
        .collect();
    let addresses = asker.all_recursive(address_questions).await;
    let servers: Vec<(String, Option<IpAddr>)> = hosts
        .iter()
        .flat_map(|host| {
            let ips = server_addresses(&addresses, host);
            if ips.is_empty() {
                vec![(host.clone(), None)]
            } else {
                ips.into_iter().map(|ip| (host.clone(), Some(ip))).collect()
            }
        })
        .collect();
    lookups.extend(addresses);

    // Each server's SOA serial says which copy of the zone it holds, so servers that disagree
    // can be told apart: the stale one is named, the current one is judged (RFC 1982).
    let mut questions: Vec<(String, RType)> = HOST_TYPES
        .iter()
        .map(|t| (domain.to_string(), *t))
        .collect();
    if let Some(zone) = &zone {
        questions.push((zone.clone(), RType::SOA));
    }
    let questions = &questions;
    let asked = servers.into_iter().map(|(host, ip)| async move {
        let observations = match ip {
            Some(ip) => {
                join_all(
                    questions
                        .iter()
                        .map(|(name, t)| asker.authoritative(ip, name, *t)),
                )
                .await
            }
            None => Vec::new(),
        };
        AuthServer {
            host,
            address: ip.map(|ip| ip.to_string()),
            observations,
        }
    });
    (zone, join_all(asked).await, lookups)
}

/// The NS host names owned by `owner` in an answer or a referral.
fn ns_hosts(outcome: &Outcome, owner: &str) -> Vec<String> {
    outcome
        .of(owner, RType::NS)
        .chain(outcome.delegation.iter().filter(|r| r.name == owner))
        .filter_map(|r| match &r.data {
            RecordData::NS { host } => Some(host.clone()),
            _ => None,
        })
        .collect()
}

/// The mail host's name servers when a resolver hides them: one that has cached an alias
/// (CNAME) at the name answers every question there with the alias, NS included. The parent
/// zone's servers still know the delegation, so they are asked directly, as `dig +trace`
/// does: the nearest ancestor that has name servers decides.
async fn delegated_servers(asker: &Asker<'_>, domain: &str) -> (Vec<String>, Vec<Observation>) {
    let mut lookups = Vec::new();
    let labels: Vec<&str> = domain.split('.').collect();
    for i in 1..labels.len() {
        let parent = labels[i..].join(".");
        let ns = asker.recursive(parent.clone(), RType::NS).await;
        let parent_hosts = ns_hosts(&ns.outcome, &parent);
        let failed = ns.outcome.status.is_failure();
        lookups.push(ns);
        if parent_hosts.is_empty() {
            if failed {
                break;
            }
            continue;
        }
        let addresses = asker
            .all_recursive(parent_hosts.iter().map(|h| (h.clone(), RType::A)).collect())
            .await;
        let ips: Vec<IpAddr> = parent_hosts
            .iter()
            .flat_map(|h| server_addresses(&addresses, h))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        lookups.extend(addresses);
        for ip in ips.into_iter().take(3) {
            let referral = asker.authoritative(ip, domain, RType::NS).await;
            let found: BTreeSet<String> = ns_hosts(&referral.outcome, domain).into_iter().collect();
            if !found.is_empty() {
                return (found.into_iter().collect(), lookups);
            }
        }
        break;
    }
    (Vec::new(), lookups)
}

/// IPv4 addresses of a name server, or its IPv6 ones when it has no IPv4: many networks
/// cannot reach IPv6, and a failure there would wrongly read as a dead server.
fn server_addresses(observations: &[Observation], host: &str) -> Vec<IpAddr> {
    let collect = |rtype| -> Vec<IpAddr> {
        find(observations, host, rtype)
            .map(|o| o.final_records(host, rtype))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| match r.data {
                RecordData::A { address } => Some(IpAddr::V4(address)),
                RecordData::Aaaa { address } => Some(IpAddr::V6(address)),
                _ => None,
            })
            .collect()
    };
    let v4 = collect(RType::A);
    if v4.is_empty() {
        collect(RType::Aaaa)
    } else {
        v4
    }
}

/// The zone apex: the mail host itself when it owns the SOA or NS records, else the zone named
/// by a negative answer's SOA, but only if that zone is an ancestor: a CNAME at the mail host
/// leads resolvers into the alias target's zone, which is not ours.
fn zone_apex(observations: &[Observation], domain: &str) -> Option<String> {
    let owns = |rtype| {
        find(observations, domain, rtype).is_some_and(|o| o.of(domain, rtype).next().is_some())
    };
    if owns(RType::SOA) || owns(RType::NS) {
        return Some(domain.to_string());
    }
    [RType::SOA, RType::NS]
        .into_iter()
        .filter_map(|t| find(observations, domain, t)?.zone.clone())
        .find(|zone| domain.ends_with(&format!(".{zone}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::DnsRecord;

    fn mx_answer(domain: &str, exchanges: &[&str]) -> Vec<Observation> {
        let records = exchanges
            .iter()
            .map(|x| DnsRecord {
                name: domain.to_string(),
                ttl: 600,
                data: RecordData::MX {
                    preference: 10,
                    exchange: x.to_string(),
                },
            })
            .collect();
        let outcome = Outcome {
            status: Status::Answer,
            records,
            negative_ttl: None,
            zone: None,
            authoritative: false,
            detail: None,
            delegation: Vec::new(),
        };
        vec![Observation {
            name: domain.to_string(),
            rtype: RType::MX,
            outcome,
        }]
    }

    fn names(questions: &[(String, RType)]) -> Vec<&str> {
        let mut out: Vec<&str> = questions.iter().map(|(n, _)| n.as_str()).collect();
        out.dedup();
        out
    }

    #[test]
    fn the_name_before_an_appended_zone_is_asked_in_the_same_round() {
        let obs = mx_answer(
            "sub.example.com",
            &[
                "mx1.qiye.aliyun.com.example.com",
                "mx2.qiye.aliyun.com.sub.example.com",
                "mail.example.com",
                "192.0.2.25",
                "192.0.2.26.example.com",
                ".",
            ],
        );
        let q = mx_target_questions(
            &obs,
            "sub.example.com",
            Some("example.com"),
            &BTreeSet::new(),
        );
        assert_eq!(
            names(&q),
            [
                "192.0.2.26.example.com",
                "mail.example.com",
                "mx1.qiye.aliyun.com",
                "mx1.qiye.aliyun.com.example.com",
                "mx2.qiye.aliyun.com",
                "mx2.qiye.aliyun.com.sub.example.com",
            ],
            "every exchange, and what is left once the mail host (else the zone) is taken off; \
             an IP address (bare or with the zone appended) and a single label are no names to ask"
        );
        assert!(
            q.iter().filter(|(n, _)| n == "mx1.qiye.aliyun.com").count() == 2,
            "A and AAAA"
        );
        let asked: BTreeSet<String> = ["mx1.qiye.aliyun.com".to_string()].into();
        let again = mx_target_questions(&obs, "sub.example.com", Some("example.com"), &asked);
        assert!(
            !names(&again).contains(&"mx1.qiye.aliyun.com"),
            "a name asked already is not asked twice"
        );
    }
}

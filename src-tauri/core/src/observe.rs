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

use crate::dns::{
    find, query, Observation, Outcome, QueryMode, RType, RecordData, Status, MAX_QUERIES_IN_FLIGHT,
};
use crate::snapshot::{AuthServer, Snapshot, SNAPSHOT_FORMAT};
use crate::spf::{self, LookupTerm};

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
    /// At most [`MAX_QUERIES_IN_FLIGHT`] questions are out at once; the others wait their turn.
    in_flight: tokio::sync::Semaphore,
}

/// The most NS names of a zone that are asked (the largest DNS hosts publish 4 to 13; every
/// one is asked, however many, up to this). Only a zone built to exhaust its checkers has more.
pub const MAX_NS_HOSTS: usize = 64;
/// The most addresses of one NS name that are asked (anycast hosts publish one or two per
/// family); 64 × 8 is the snapshot's limit of [`crate::snapshot::MAX_AUTH_SERVERS`].
pub const MAX_ADDRESSES_PER_NS: usize = 8;

impl<'a> Asker<'a> {
    fn new(config: &'a ObserveConfig) -> Self {
        Self {
            config,
            next_id: AtomicU32::new(0),
            in_flight: tokio::sync::Semaphore::new(MAX_QUERIES_IN_FLIGHT),
        }
    }

    /// Asks one server one question, telling the progress sink before and after.
    async fn ask(&self, server: SocketAddr, name: &str, rtype: RType, mode: QueryMode) -> Outcome {
        // The semaphore is never closed, so a permit always comes.
        let _permit = self.in_flight.acquire().await.ok();
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
    let asker = Asker::new(config);
    let mut first: Vec<(String, RType)> = HOST_TYPES
        .iter()
        .map(|t| (domain.to_string(), *t))
        .collect();
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
    // The walk to the DNS host's servers is the longest chain of dependent questions: it
    // starts at once with its own first questions (the NS and SOA at the mail host and the
    // ancestors' NS), beside this first round, not after it.
    let from_first = async {
        let first = asker.all_recursive(first).await;
        let (mx_targets, spf_tree) = tokio::join!(
            // The zone is not known yet: names ending in the mail host are tried now, those
            // ending in the zone after the walk (see below).
            asker.all_recursive(mx_target_questions(&first, domain, None, &BTreeSet::new())),
            expand_spf(&asker, domain, &first),
        );
        (first, mx_targets, spf_tree)
    };
    let ((mut recursive, mx_targets, spf_tree), (zone, auth, ns_lookups)) =
        tokio::join!(from_first, authoritative_servers(&asker, domain));
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
                    questions.push((crate::dns::canonical(&q.0), q.1));
                }
            }
        }
    }
    questions
}

/// At most this many zone cuts are followed down from the first zone found (root → TLD →
/// domain → a delegated subdomain).
const MAX_ZONE_CUTS: usize = 4;
/// The root's and a top-level domain's servers all answer alike and are never a user's DNS
/// host: a few of them are enough to ask (there are 13 of each).
const MAX_TOP_SERVERS: usize = 3;

/// The zone that holds the mail host, its servers, and what they said.
struct Walk {
    zone: Option<String>,
    hosts: Vec<String>,
    /// The servers, each asked directly about the mail host (empty when nothing was asked).
    servers: Vec<AuthServer>,
    /// The resolvers' answers on the way, kept in the snapshot: the NS and SOA at the mail
    /// host, the ancestors' NS up to the zone found, the root's NS when asked, the servers'
    /// addresses.
    lookups: Vec<Observation>,
}

/// Where the walk starts, from the resolvers' first answers.
struct Start {
    zone: Option<String>,
    hosts: Vec<String>,
    /// The zone is an ancestor of the mail host: its servers may refer us further down.
    enclosing: bool,
    /// The ancestors' NS answers to keep: those a walk up from the mail host needed.
    kept: Vec<Observation>,
    /// No ancestor named its servers although the resolvers answered for the top-level name:
    /// the root's NS tells a misspelt top-level name from a resolver that denies names that
    /// must exist.
    ask_root: bool,
}

/// The mail host's ancestors below the root, nearest first: `mail.example.com` gives
/// `example.com`, `com`.
fn ancestors(domain: &str) -> Vec<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    (1..labels.len()).map(|i| labels[i..].join(".")).collect()
}

/// The zone of `domain`: `domain` itself when it owns an SOA or NS, else the nearest ancestor
/// the resolvers name servers for. Every ancestor's NS is asked in the first round, beside the
/// mail host's own questions, so an alias, a name below the apex or a name that does not exist
/// costs no walk up, one question after another.
fn start(domain: &str, own: &[Observation], ancestors: Vec<Observation>) -> Start {
    let owns =
        |rtype| find(own, domain, rtype).is_some_and(|o| o.of(domain, rtype).next().is_some());
    if owns(RType::SOA) || owns(RType::NS) {
        return Start {
            zone: Some(domain.to_string()),
            hosts: find(own, domain, RType::NS)
                .map(|o| unique(ns_hosts(o, domain)))
                .unwrap_or_default(),
            enclosing: false,
            kept: Vec::new(),
            ask_root: false,
        };
    }
    let mut kept = Vec::new();
    for obs in ancestors {
        let hosts = unique(ns_hosts(&obs.outcome, &obs.name));
        let name = obs.name.clone();
        kept.push(obs);
        if !hosts.is_empty() {
            return Start {
                zone: Some(name),
                hosts,
                enclosing: true,
                kept,
                ask_root: false,
            };
        }
    }
    let ask_root = kept
        .last()
        .is_some_and(|tld| !tld.outcome.status.is_failure());
    Start {
        zone: None,
        hosts: Vec::new(),
        enclosing: true,
        kept,
        ask_root,
    }
}

fn unique(hosts: Vec<String>) -> Vec<String> {
    hosts
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Finds the zone that holds `domain` and its servers. With `ask`, asks each server `ask`'s
/// types at `domain` directly; servers of an ancestor zone are also asked its NS, and a
/// referral (RFC 1034 §4.3.2), or the NS of a zone they serve too, leads one zone cut down.
/// Without `ask`, servers are asked only when an alias hides the mail host's own NS.
///
/// Proof of absence comes out of the same walk: a mail host the resolvers call non-existent
/// is asked of the servers of the zone above it, whose authoritative NXDOMAIN means nothing
/// exists there or below (RFC 8020); `diagnose` judges it from the snapshot.
async fn walk(asker: &Asker<'_>, domain: &str, ask: &[RType]) -> Walk {
    let questions = ancestors(domain)
        .into_iter()
        .map(|a| (a, RType::NS))
        .collect();
    let (own, ancestors) = tokio::join!(
        asker.all_recursive(vec![
            (domain.to_string(), RType::NS),
            (domain.to_string(), RType::SOA),
        ]),
        asker.all_recursive(questions),
    );
    let hidden = find(&own, domain, RType::NS)
        .is_some_and(|o| !o.status.is_failure() && o.of(domain, RType::Cname).next().is_some());
    let Start {
        mut zone,
        mut hosts,
        mut enclosing,
        kept,
        ask_root,
    } = start(domain, &own, ancestors);
    let mut lookups = own;
    lookups.extend(kept);
    if ask_root {
        let root = asker.recursive(".".to_string(), RType::NS).await;
        hosts = unique(ns_hosts(&root.outcome, "."));
        if !hosts.is_empty() {
            zone = Some(".".to_string());
        }
        lookups.push(root);
    }
    // The resolvers say the mail host does not exist: when none of its own zone's servers
    // can be found (their names lie under it, denied too) or answers, the answers of the zone
    // above stay, as the proof that it does exist.
    let denied = find(&lookups, domain, RType::NS).is_some_and(|o| o.status == Status::NxDomain);
    let mut servers = Vec::new();
    let mut above: Option<(Option<String>, Vec<String>, Vec<AuthServer>)> = None;
    for _ in 0..MAX_ZONE_CUTS {
        let Some(current) = zone.clone() else { break };
        if hosts.is_empty() || (ask.is_empty() && !(enclosing && hidden)) {
            break;
        }
        let mut types = ask.to_vec();
        if enclosing && !types.contains(&RType::NS) {
            types.push(RType::NS);
        }
        if current == "." || !current.contains('.') {
            hosts.truncate(MAX_TOP_SERVERS);
        }
        // The zone's own servers (not an enclosing zone's) are asked for its serial.
        let serial_of = (!enclosing && !ask.is_empty()).then_some(current.as_str());
        let (asked, addresses) = ask_servers(asker, &hosts, domain, &types, serial_of).await;
        lookups.extend(addresses);
        let silent = |s: &AuthServer| s.observations.iter().all(|o| o.outcome.status.is_failure());
        if denied && asked.iter().all(silent) {
            if let Some((z, h, s)) = above.take() {
                (zone, hosts, servers) = (z, h, s);
                break;
            }
        }
        servers = asked;
        if !enclosing {
            break;
        }
        let Some((child, child_hosts)) = zone_cut(&servers, domain, &current) else {
            break;
        };
        enclosing = child != domain;
        let parent_hosts = std::mem::replace(&mut hosts, child_hosts);
        above = Some((
            zone.replace(child),
            parent_hosts,
            std::mem::take(&mut servers),
        ));
    }
    Walk {
        zone,
        hosts,
        servers,
        lookups,
    }
}

/// A zone cut below `zone` on the way to `domain`, from its servers' direct answers: NS records
/// owned by `domain` (a server that serves the child zone too) or a referral to `domain` or
/// to an ancestor of it. The deepest one wins.
fn zone_cut(servers: &[AuthServer], domain: &str, zone: &str) -> Option<(String, Vec<String>)> {
    let below = |owner: &str| {
        (owner == domain || domain.ends_with(&format!(".{owner}")))
            && owner != zone
            && (zone == "." || owner.ends_with(&format!(".{zone}")))
    };
    let mut cuts: BTreeSet<(usize, String)> = BTreeSet::new();
    for o in servers
        .iter()
        .flat_map(|s| &s.observations)
        .filter(|o| o.name == domain)
    {
        for r in o.outcome.records.iter().chain(&o.outcome.delegation) {
            if matches!(r.data, RecordData::NS { .. }) && below(&r.name) {
                cuts.insert((r.name.split('.').count(), r.name.clone()));
            }
        }
    }
    let (_, owner) = cuts.pop_last()?;
    let hosts: Vec<String> = servers
        .iter()
        .flat_map(|s| &s.observations)
        .filter(|o| o.name == domain)
        .flat_map(|o| ns_hosts(&o.outcome, &owner))
        .collect();
    Some((owner, unique(hosts)))
}

/// Asks every server of `hosts` `types` at `domain`, each as soon as its own address is known
/// (not after the slowest name server's address). Returns the servers and the address lookups.
async fn ask_servers(
    asker: &Asker<'_>,
    hosts: &[String],
    domain: &str,
    types: &[RType],
    serial_of: Option<&str>,
) -> (Vec<AuthServer>, Vec<Observation>) {
    // Each server's SOA serial says which copy of the zone it holds, so servers that disagree
    // can be told apart: the stale one is named, the current one is judged (RFC 1982).
    let mut questions: Vec<(String, RType)> =
        types.iter().map(|t| (domain.to_string(), *t)).collect();
    if let Some(zone) = serial_of.filter(|z| *z != domain || !types.contains(&RType::SOA)) {
        questions.push((zone.to_string(), RType::SOA));
    }
    let questions = &questions;
    if hosts.len() > MAX_NS_HOSTS {
        tracing::warn!(
            "{} NS names for {domain}; only the first {MAX_NS_HOSTS} are asked",
            hosts.len()
        );
    }
    let per_host = hosts.iter().take(MAX_NS_HOSTS).map(|host| async move {
        let addresses = asker
            .all_recursive(vec![(host.clone(), RType::A), (host.clone(), RType::Aaaa)])
            .await;
        let ips = server_addresses(&addresses, host);
        let servers = if ips.is_empty() {
            vec![AuthServer {
                host: host.clone(),
                address: None,
                observations: Vec::new(),
            }]
        } else {
            join_all(
                ips.into_iter()
                    .take(MAX_ADDRESSES_PER_NS)
                    .map(|ip| async move {
                        AuthServer {
                            host: host.clone(),
                            address: Some(ip.to_string()),
                            observations: join_all(
                                questions
                                    .iter()
                                    .map(|(name, t)| asker.authoritative(ip, name, *t)),
                            )
                            .await,
                        }
                    }),
            )
            .await
        };
        (servers, addresses)
    });
    let mut servers = Vec::new();
    let mut lookups = Vec::new();
    for (s, a) in join_all(per_host).await {
        servers.extend(s);
        lookups.extend(a);
    }
    (servers, lookups)
}

/// The NS host names of the zone `domain` (ASCII) belongs to, as the recursive resolvers see
/// them: enough to tell who hosts the DNS before a full check. Empty when nobody answered.
pub async fn name_servers(domain: &str, config: &ObserveConfig) -> Vec<String> {
    let asker = Asker::new(config);
    walk(&asker, domain, &[]).await.hosts
}

/// Finds the zone's authoritative servers and asks each one directly about the mail host.
/// Returns the zone apex, the servers with their answers, and the lookups made on the way.
async fn authoritative_servers(
    asker: &Asker<'_>,
    domain: &str,
) -> (Option<String>, Vec<AuthServer>, Vec<Observation>) {
    let walk = walk(asker, domain, &HOST_TYPES).await;
    (walk.zone, walk.servers, walk.lookups)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(
        name: &str,
        rtype: RType,
        status: Status,
        records: Vec<(&str, RecordData)>,
    ) -> Observation {
        Observation {
            name: name.to_string(),
            rtype,
            outcome: Outcome {
                status,
                records: records
                    .into_iter()
                    .map(|(owner, data)| crate::dns::DnsRecord {
                        name: owner.to_string(),
                        ttl: 60,
                        data,
                    })
                    .collect(),
                negative_ttl: None,
                zone: None,
                authoritative: false,
                detail: None,
                delegation: Vec::new(),
            },
        }
    }

    fn ns(host: &str) -> RecordData {
        RecordData::NS {
            host: host.to_string(),
        }
    }

    fn cname(target: &str) -> RecordData {
        RecordData::Cname {
            target: target.to_string(),
        }
    }

    #[test]
    fn every_ancestor_below_the_root_is_asked_nearest_first() {
        assert_eq!(
            ancestors("mail.example.co.uk"),
            ["example.co.uk", "co.uk", "uk"]
        );
        assert!(ancestors("localhost").is_empty());
    }

    #[test]
    fn the_zone_is_the_mail_host_or_its_nearest_ancestor_with_servers() {
        let apex = start(
            "example.com",
            &[obs(
                "example.com",
                RType::NS,
                Status::Answer,
                vec![("example.com", ns("ns1.example.com"))],
            )],
            vec![obs(
                "com",
                RType::NS,
                Status::Answer,
                vec![("com", ns("a.gtld.net"))],
            )],
        );
        assert_eq!(apex.zone.as_deref(), Some("example.com"));
        assert!(
            !apex.enclosing && apex.kept.is_empty(),
            "an apex needs no ancestor"
        );

        // An alias at the mail host: the resolver's NS answer is the alias and the target's.
        let alias = start(
            "mail.example.com",
            &[obs(
                "mail.example.com",
                RType::NS,
                Status::NoData,
                vec![("mail.example.com", cname("cdn.example.net"))],
            )],
            vec![
                obs(
                    "example.com",
                    RType::NS,
                    Status::Answer,
                    vec![("example.com", ns("ns1.example.com"))],
                ),
                obs(
                    "com",
                    RType::NS,
                    Status::Answer,
                    vec![("com", ns("a.gtld.net"))],
                ),
            ],
        );
        assert_eq!(alias.zone.as_deref(), Some("example.com"));
        assert_eq!(alias.hosts, ["ns1.example.com"]);
        assert!(alias.enclosing);
        assert_eq!(
            alias.kept.len(),
            1,
            "only the ancestors a walk up would have asked are kept"
        );
        assert!(!alias.ask_root);
    }

    #[test]
    fn no_ancestor_with_servers_asks_the_root_only_if_the_top_level_name_was_answered() {
        let denied = start(
            "example.com",
            &[obs("example.com", RType::NS, Status::NxDomain, vec![])],
            vec![obs("com", RType::NS, Status::NxDomain, vec![])],
        );
        assert!(denied.zone.is_none() && denied.ask_root);
        let failing = start(
            "example.com",
            &[obs("example.com", RType::NS, Status::Timeout, vec![])],
            vec![obs("com", RType::NS, Status::Timeout, vec![])],
        );
        assert!(
            !failing.ask_root,
            "a resolver that fails is not denying anything"
        );
    }

    #[test]
    fn a_referral_or_the_childs_own_ns_lead_one_cut_down_never_up() {
        let server = |observations| AuthServer {
            host: "a.gtld.net".into(),
            address: Some("192.0.2.1".into()),
            observations,
        };
        let mut referral = obs("mail.example.com", RType::MX, Status::NoData, vec![]);
        referral.outcome.delegation = vec![crate::dns::DnsRecord {
            name: "example.com".into(),
            ttl: 60,
            data: ns("ns1.example.com"),
        }];
        assert_eq!(
            zone_cut(&[server(vec![referral.clone()])], "mail.example.com", "com"),
            Some((
                "example.com".to_string(),
                vec!["ns1.example.com".to_string()]
            ))
        );
        assert_eq!(
            zone_cut(&[server(vec![referral])], "mail.example.com", "example.com"),
            None,
            "a referral to the zone itself or above it is no cut"
        );
        let child = obs(
            "wait.test",
            RType::NS,
            Status::Answer,
            vec![
                ("wait.test", ns("ns1.wait.test")),
                ("wait.test", ns("ns2.wait.test")),
            ],
        );
        assert_eq!(
            zone_cut(&[server(vec![child])], "wait.test", "test"),
            Some((
                "wait.test".to_string(),
                vec!["ns1.wait.test".to_string(), "ns2.wait.test".to_string()]
            )),
            "a server of the parent that serves the child too answers with the child's NS"
        );
    }
}

#[cfg(test)]
mod exchange_tests {
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

//! The propagation wait against a naive poller that asks every vantage every 5 s, in the same
//! run, against real caches:
//!
//!     cargo bench -p mxdoctor-core --bench watch_vs_poll
//!     MXDOCTOR_BENCH_TTL=20 MXDOCTOR_BENCH_RUNS=5 cargo bench -p mxdoctor-core --bench watch_vs_poll
//!
//! The world: seed 000 (`@` CNAME beside the MX, TTL 60 s) on two authoritative servers, two
//! Unbound caches in front, filled 2 s apart; the user saves the repair (the alias deleted, its
//! addresses added) 6 s in. Issue 12's budget: at most 10 questions to the resolvers, each
//! cache seen serving the repair within 1 s of letting go of the old copy. Both
//! contenders ask the same questions and judge the answers with the same rules; only the
//! schedule differs. A probe asks each cache every 25 ms to find the moment it first serves
//! the repaired records; the delay is the moment a contender reports that cache clear minus
//! that moment. Queries are counted from the start to the moment each contender is done.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::join_all;
use mxdoctor_core::check::{self, CheckOptions};
use mxdoctor_core::diagnose::{diagnose, ProviderChoice};
use mxdoctor_core::dns::{query, Outcome, QueryMode, RType, Status};
use mxdoctor_core::propagation::{
    evaluate, questions, resolver_specs, run, Clock, Condition, Millis, NetLookup, SystemClock,
    Verdict, Wait, WaitSettings,
};
use mxdoctor_core::providers;
use mxdoctor_dnsworld::{load_dir, Lab, Name, RData, RecordType, Unbound, Zone};

const POLL: Duration = Duration::from_secs(5);
const SAVE_AFTER: Duration = Duration::from_secs(6);
const CACHES: u8 = 2;
/// Questions to the resolvers a TTL-aware wait may ask in this world (issue 12).
const RESOLVER_BUDGET: u64 = 10;

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn zone(ttl: u64) -> Zone {
    let text = format!(
        "$ORIGIN bench.test.
$TTL {ttl}
@ IN SOA ns1.bench.test. hostmaster.bench.test. 1 3600 600 86400 {ttl}
@ IN NS ns1
@ IN NS ns2
ns1 IN A 127.0.0.11
ns2 IN A 127.0.0.12
@ IN CNAME site.cdn.test.
@ IN MX 5 mx1.qiye.aliyun.com.
@ IN MX 10 mx2.qiye.aliyun.com.
@ IN MX 15 mx3.qiye.aliyun.com.
"
    );
    Zone::parse(&text, None).expect("bench zone parses")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

struct RunResult {
    watch_delay_ms: Vec<f64>,
    naive_delay_ms: Vec<f64>,
    watch_queries: u64,
    naive_queries: u64,
    /// Questions to the caches only.
    watch_resolver_queries: u64,
    naive_resolver_queries: u64,
    /// Questions the watch sent to each vantage (authoritative servers first).
    per_vantage: Vec<u64>,
}

async fn one_run(ttl: u64, octet_base: u8) -> RunResult {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones");
    let mut zones: Vec<Zone> = load_dir(&dir)
        .unwrap()
        .into_values()
        .filter(|z| z.origin().to_ascii() == "cdn.test.")
        .collect();
    zones.extend(load_dir(&dir.join("parent")).unwrap().into_values());
    zones.push(zone(ttl));
    let lab = Lab::start(zones, Vec::new()).await.unwrap();
    let caches: Vec<Unbound> = (0..CACHES)
        .map(|i| {
            Unbound::in_front_of(&lab, IpAddr::V4(Ipv4Addr::new(127, 0, 0, octet_base + i)))
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect();
    let cache_addrs: Vec<SocketAddr> = caches.iter().map(|c| c.addr()).collect();

    // The user's check fills the first cache; other users fill the others 2 s and 4 s later.
    let domain = check::parse_domain("bench.test").unwrap();
    let provider = providers::by_id("alibaba-standard").unwrap().clone();
    let options = CheckOptions {
        resolvers: vec![cache_addrs[0]],
        auth_port: lab.auth_port,
        timeout: Duration::from_secs(2),
        progress: None,
    };
    let (_, snap) = check::check(
        &domain,
        ProviderChoice::Given(provider.clone()),
        &options,
        0,
    )
    .await
    .unwrap();
    let diagnosis = diagnose(&snap, ProviderChoice::Given(provider));
    for c in cache_addrs.iter().skip(1) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        for t in [RType::MX, RType::Cname, RType::TXT] {
            query(
                *c,
                "bench.test",
                t,
                QueryMode::Recursive,
                Duration::from_secs(2),
            )
            .await;
        }
    }
    let settings = WaitSettings {
        max_wait: (ttl + 60) * 1000,
        ..WaitSettings::default()
    };
    let specs = resolver_specs(&cache_addrs, &[]);
    let mut wait = Wait::start(
        &diagnosis,
        &snap,
        specs,
        lab.auth_port,
        settings,
        SystemClock.now(),
    )
    .unwrap();
    assert_eq!(
        wait.vantages.len(),
        2 + cache_addrs.len(),
        "both authoritative servers were found"
    );
    // Each vantage judged on what the watch judges it on: the needed conditions (a suggested
    // row does not hold either contender), a cache only on what senders look up.
    type Judged = (SocketAddr, QueryMode, Vec<Condition>, Vec<(String, RType)>);
    let vantages: Vec<Judged> = wait
        .vantages
        .iter()
        .map(|v| {
            let mode = if v.kind.is_cache() {
                QueryMode::Recursive
            } else {
                QueryMode::Authoritative
            };
            let conditions: Vec<Condition> = wait
                .conditions
                .iter()
                .filter(|c| !c.is_optional() && wait.judges(v.kind, c))
                .cloned()
                .collect();
            let asked = questions(&conditions);
            (v.server, mode, conditions, asked)
        })
        .collect();

    let save = async {
        tokio::time::sleep(SAVE_AFTER).await;
        let name = Name::from_ascii("bench.test.").unwrap();
        // As the plan says: the alias goes, the addresses it led to come in its place.
        lab.edit_zone("bench.test", |z| {
            z.replace(
                &name,
                RecordType::A,
                ttl as u32,
                vec![
                    RData::A("203.0.113.7".parse().unwrap()),
                    RData::A("203.0.113.8".parse().unwrap()),
                ],
            );
            z.replace(&name, RecordType::CNAME, ttl as u32, Vec::new())
        });
    };

    // Ground truth: the first moment each cache serves the repaired records.
    let probes = join_all(cache_addrs.iter().map(|&c| async move {
        loop {
            let o = query(
                c,
                "bench.test",
                RType::Cname,
                QueryMode::Recursive,
                Duration::from_secs(1),
            )
            .await;
            if o.status == Status::NoData {
                return SystemClock.now();
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }));

    // The watch, noting when it saw each cache clear.
    let watch_cleared: Arc<Mutex<Vec<Option<Millis>>>> =
        Arc::new(Mutex::new(vec![None; cache_addrs.len()]));
    let lookup = NetLookup {
        timeout: Duration::from_secs(2),
    };
    let cleared = watch_cleared.clone();
    let addrs = cache_addrs.clone();
    let watch = async {
        let finish = run(&mut wait, &SystemClock, &lookup, |w| {
            let mut c = cleared.lock().unwrap();
            for v in &w.vantages {
                if let (Some(i), Some(at)) = (
                    addrs
                        .iter()
                        .position(|a| *a == v.server && v.kind.is_cache()),
                    v.cleared_at,
                ) {
                    c[i].get_or_insert(at);
                }
            }
        })
        .await;
        finish
    };

    // The naive poller: every vantage, every 5 s, the same questions and rules.
    let naive =
        async {
            let mut sent = 0u64;
            let mut to_caches = 0u64;
            let mut cleared: Vec<Option<Millis>> = vec![None; cache_addrs.len()];
            let mut tick = tokio::time::interval(POLL);
            loop {
                tick.tick().await;
                let answers = join_all(vantages.iter().map(
                    |(server, mode, conditions, questions)| {
                        let (server, mode) = (*server, *mode);
                        async move {
                            let outs: Vec<Outcome> =
                                join_all(questions.iter().map(|(n, t)| {
                                    query(server, n, *t, mode, Duration::from_secs(2))
                                }))
                                .await;
                            (server, mode, conditions, questions, outs, SystemClock.now())
                        }
                    },
                ))
                .await;
                let mut all_clear = true;
                for (server, mode, conditions, questions, outs, at) in answers {
                    sent += outs.len() as u64;
                    if mode == QueryMode::Recursive {
                        to_caches += outs.len() as u64;
                    }
                    let clear = conditions.iter().all(|c| {
                        let v = evaluate(c, |n, t| {
                            questions
                                .iter()
                                .position(|(qn, qt)| qn == n && *qt == t)
                                .map(|i| &outs[i])
                        });
                        v == Verdict::Met
                    });
                    all_clear &= clear;
                    if mode == QueryMode::Recursive && clear {
                        let i = cache_addrs.iter().position(|a| *a == server).unwrap();
                        cleared[i].get_or_insert(at);
                    }
                }
                if all_clear {
                    return (sent, to_caches, cleared);
                }
            }
        };

    let (finish, (naive_queries, naive_resolver_queries, naive_cleared), truth, ()) =
        tokio::join!(watch, naive, probes, save);
    assert_eq!(
        finish.phase,
        mxdoctor_core::propagation::Phase::Clear,
        "the watch clears"
    );
    let watch_cleared = watch_cleared.lock().unwrap().clone();
    let delay = |seen: &[Option<Millis>]| -> Vec<f64> {
        seen.iter()
            .zip(&truth)
            .map(|(s, t)| s.expect("every cache was seen clear") as f64 - *t as f64)
            .collect()
    };
    RunResult {
        watch_delay_ms: delay(&watch_cleared),
        naive_delay_ms: delay(&naive_cleared),
        watch_queries: wait.queries(),
        naive_queries,
        watch_resolver_queries: wait
            .vantages
            .iter()
            .filter(|v| v.kind.is_cache())
            .map(|v| v.queries)
            .sum(),
        naive_resolver_queries,
        per_vantage: wait.vantages.iter().map(|v| v.queries).collect(),
    }
}

#[tokio::main]
async fn main() {
    let ttl = env("MXDOCTOR_BENCH_TTL", 60);
    let runs = env("MXDOCTOR_BENCH_RUNS", 3) as usize;
    println!(
        "watch vs a naive 5 s poller: TTL {ttl} s, 2 authoritative servers + {CACHES} Unbound caches, repair saved at {} s, {runs} runs",
        SAVE_AFTER.as_secs()
    );
    let mut results = Vec::new();
    for r in 0..runs {
        let res = one_run(ttl, 51 + (r as u8 % 4) * 4).await;
        println!(
            "  run {}: watch delay {:?} ms, {} queries {:?} ({} to the resolvers); naive delay {:?} ms, {} queries ({} to the resolvers)",
            r + 1,
            res.watch_delay_ms
                .iter()
                .map(|d| d.round() as i64)
                .collect::<Vec<_>>(),
            res.watch_queries,
            res.per_vantage,
            res.watch_resolver_queries,
            res.naive_delay_ms
                .iter()
                .map(|d| d.round() as i64)
                .collect::<Vec<_>>(),
            res.naive_queries,
            res.naive_resolver_queries
        );
        results.push(res);
    }
    let all = |f: fn(&RunResult) -> &Vec<f64>| -> Vec<f64> {
        results.iter().flat_map(|r| f(r).clone()).collect()
    };
    let watch_delays = all(|r| &r.watch_delay_ms);
    let naive_delays = all(|r| &r.naive_delay_ms);
    let max = |v: &[f64]| v.iter().cloned().fold(f64::MIN, f64::max);
    let ratio = median(
        results
            .iter()
            .map(|r| r.watch_queries as f64 / r.naive_queries as f64)
            .collect(),
    );
    println!(
        "delay after a cache could serve the repair: watch median {:.0} ms (max {:.0}), naive median {:.0} ms (max {:.0})",
        median(watch_delays.clone()),
        max(&watch_delays),
        median(naive_delays.clone()),
        max(&naive_delays)
    );
    println!(
        "queries: watch median {:.0}, naive median {:.0}; watch/naive ratio (median of per-run ratios) {:.2}",
        median(results.iter().map(|r| r.watch_queries as f64).collect()),
        median(results.iter().map(|r| r.naive_queries as f64).collect()),
        ratio
    );
    let resolver = |f: fn(&RunResult) -> u64| median(results.iter().map(|r| f(r) as f64).collect());
    let most = results
        .iter()
        .map(|r| r.watch_resolver_queries)
        .max()
        .unwrap_or(0);
    println!(
        "questions to the resolvers: watch median {:.0} (most {most}, budget {RESOLVER_BUDGET}), naive median {:.0}",
        resolver(|r| r.watch_resolver_queries),
        resolver(|r| r.naive_resolver_queries)
    );
    let late = watch_delays.iter().filter(|d| **d > 1000.0).count();
    println!(
        "caches seen later than 1 s after letting go of the old copy: watch {late} of {}",
        watch_delays.len()
    );
    if most > RESOLVER_BUDGET || late > 0 {
        println!("OVER BUDGET");
        std::process::exit(1);
    }
}

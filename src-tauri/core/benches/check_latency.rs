//! A full check against loopback servers that delay every answer by 50 ms.
//!
//!     cargo bench -p mxdoctor-core --bench check_latency
//!
//! Prints the median wall time over several runs, the dependent round trips it implies, the
//! floor (three dependent rounds: questions → name servers' addresses → name servers) and the
//! number of queries sent. Independent questions run concurrently, so the time is a few round
//! trips, not one per question.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_dnsworld::{load_dir, Behavior, Lab};

const DELAY: Duration = Duration::from_millis(50);
const RUNS: usize = 9;
const FLOOR_ROUNDS: u32 = 3;

fn queries_received(lab: &Lab) -> u64 {
    lab.auth
        .iter()
        .chain([&lab.resolver])
        .map(|s| s.queries())
        .sum()
}

#[tokio::main]
async fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones");
    let zones = load_dir(&dir).expect("zones load").into_values().collect();
    let lab = Lab::start(zones, Vec::new()).await.expect("servers start");
    for s in lab.auth.iter().chain([&lab.resolver]) {
        s.set_behavior(Behavior::Delay(DELAY));
    }
    let options = CheckOptions {
        resolvers: vec![lab.resolver.addr()],
        auth_port: lab.auth_port,
        timeout: Duration::from_secs(2),
        progress: None,
    };
    for domain in ["scope.test", "seed000.test"] {
        let parsed = parse_domain(domain).unwrap();
        let mut times = Vec::new();
        let mut queries = 0;
        for _ in 0..RUNS {
            let before = queries_received(&lab);
            let started = Instant::now();
            let (report, _) = check(&parsed, ProviderChoice::Detect, &options, 0)
                .await
                .expect("check runs");
            times.push(started.elapsed());
            queries = queries_received(&lab) - before;
            assert!(
                report
                    .findings
                    .iter()
                    .all(|f| f.finding.code.as_str() != "LOOKUP_FAILED"),
                "no lookup may fail in the benchmark"
            );
        }
        times.sort();
        let median = times[RUNS / 2];
        let rounds = median.as_secs_f64() / DELAY.as_secs_f64();
        println!(
            "{domain:<14} median {:>6.1} ms over {RUNS} runs (min {:.1}, max {:.1}); {rounds:.1} round trips of 50 ms; floor {} ms ({FLOOR_ROUNDS} rounds); {queries} queries",
            median.as_secs_f64() * 1000.0,
            times[0].as_secs_f64() * 1000.0,
            times[RUNS - 1].as_secs_f64() * 1000.0,
            FLOOR_ROUNDS * 50,
        );
    }
}

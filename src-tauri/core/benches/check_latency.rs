//! A full check against loopback servers that delay every answer by 50 ms.
//!
//!     cargo bench -p mxdoctor-core --bench check_latency
//!
//! For each scenario, prints the median wall time over several runs, the dependent round trips
//! it implies, the floor (the dependent round trips a minimal observer needs, explained beside
//! each scenario) and the ratio of the two, with the number of queries sent. Independent
//! questions run concurrently, so the time is a few round trips, not one per question. The
//! target is a ratio of at most 1.2 for every scenario.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use mxdoctor_core::check::{check, parse_domain, CheckOptions};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_dnsworld::{load_dir, Behavior, Lab};

const DELAY: Duration = Duration::from_millis(50);
const RUNS: usize = 9;
const TARGET_RATIO: f64 = 1.2;

/// Every floor below rests on the same three steps, because the lab's servers, like many real
/// ones, put no addresses beside an NS answer (no glue in the additional section):
/// 1. ask the resolver everything that depends only on the name typed (the mail host's
///    records, its NS and SOA, the NS of each of its ancestors);
/// 2. ask for the addresses of the name servers named in step 1 (and follow the SPF include
///    and the MX exchanges, which depend on step 1 only);
/// 3. ask those name servers directly.
///
/// No step can start before the one it follows has answered, so 3 is the least any observer
/// can do; nothing in these zones needs a fourth (no nested SPF include, no MX exchange that
/// only the DNS host's servers publish).
struct Scenario {
    domain: &'static str,
    what: &'static str,
    floor: u32,
}

const SCENARIOS: [Scenario; 8] = [
    Scenario {
        domain: "scope.test",
        what: "healthy zone apex",
        floor: 3,
    },
    Scenario {
        domain: "seed000.test",
        what: "alias at the apex (seed 000)",
        // The resolver follows the alias inside step 1; the apex's NS are served beside it.
        floor: 3,
    },
    Scenario {
        domain: "mail.alias.test",
        what: "alias at the mail host",
        // The zone (alias.test) and its servers come from the ancestors' NS of step 1.
        floor: 3,
    },
    Scenario {
        domain: "chain.alias.test",
        what: "chain of two aliases",
        // The resolver follows both links inside step 1.
        floor: 3,
    },
    Scenario {
        domain: "dangling.alias.test",
        what: "dangling alias (same zone)",
        // The NXDOMAIN at the alias' end is the target's, not the mail host's: step 1 still
        // holds everything needed to find the zone.
        floor: 3,
    },
    Scenario {
        domain: "away.alias.test",
        what: "dangling alias (other zone)",
        floor: 3,
    },
    Scenario {
        domain: "mx.wild.alias.test",
        what: "wildcard alias",
        // Synthesised from `*.wild`: to the observer the same as an alias at the mail host.
        floor: 3,
    },
    Scenario {
        domain: "nothere.alias.test",
        what: "name that does not exist",
        // Step 3 asks the enclosing zone's servers directly: the proof of "does not exist".
        floor: 3,
    },
];

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
    println!(
        "{:<21} {:<29} {:>8} {:>7} {:>6} {:>6} {:>8}  findings",
        "mail host", "scenario", "median", "rounds", "floor", "ratio", "queries"
    );
    let mut over = Vec::new();
    let mut failed = Vec::new();
    for s in &SCENARIOS {
        let parsed = parse_domain(s.domain).unwrap();
        let mut times = Vec::new();
        let mut queries = 0;
        let mut codes = Vec::new();
        for _ in 0..RUNS {
            let before = queries_received(&lab);
            let started = Instant::now();
            let (report, _) = check(&parsed, ProviderChoice::Detect, &options, 0)
                .await
                .expect("check runs");
            times.push(started.elapsed());
            queries = queries_received(&lab) - before;
            codes = report
                .findings
                .iter()
                .map(|f| f.finding.code.as_str())
                .collect::<Vec<_>>();
        }
        times.sort();
        let median = times[RUNS / 2];
        let rounds = median.as_secs_f64() / DELAY.as_secs_f64();
        let ratio = rounds / f64::from(s.floor);
        println!(
            "{:<21} {:<29} {:>5.1} ms {:>7.2} {:>6} {:>6.2} {:>8}  {}",
            s.domain,
            s.what,
            median.as_secs_f64() * 1000.0,
            rounds,
            s.floor,
            ratio,
            queries,
            codes.join(" "),
        );
        if ratio > TARGET_RATIO {
            over.push(s.domain);
        }
        if codes.iter().any(|c| c == "LOOKUP_FAILED") {
            failed.push(s.domain);
        }
    }
    println!(
        "median of {RUNS} runs per scenario; {} ms per round trip",
        DELAY.as_millis()
    );
    assert!(
        failed.is_empty(),
        "no lookup may fail in the benchmark: {failed:?}"
    );
    assert!(over.is_empty(), "over {TARGET_RATIO} × the floor: {over:?}");
}

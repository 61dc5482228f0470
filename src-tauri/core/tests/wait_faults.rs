//! The wait's end states and crafted saved waits, in simulated time, through the public API
//! (found by trying to break issue 12's wait): a cache that falls silent after its old copy ran
//! out, DNS host servers nobody can ask, and state files a stranger wrote.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use mxdoctor_core::dns::{DnsRecord, Outcome, QueryMode, RType, RecordData, Status};
use mxdoctor_core::propagation::{
    run, Clock, Condition, Finish, Lookup, Millis, Phase, VantageKind, VantageSpec, Wait,
    WaitSettings,
};
use mxdoctor_core::providers;

const HOST: &str = "example.com";
const T0: Millis = 1_800_000_000_000;

struct SimClock(AtomicU64);
impl Clock for SimClock {
    fn now(&self) -> Millis {
        self.0.load(Ordering::SeqCst)
    }
    fn sleep_until(&self, at: Millis) -> impl std::future::Future<Output = ()> + Send {
        self.0.fetch_max(at, Ordering::SeqCst);
        std::future::ready(())
    }
}

type Answer = Box<dyn Fn(SocketAddr, RType, Millis) -> Outcome + Send>;

struct Sim {
    clock: SimClock,
    answer: Mutex<Answer>,
    asked: Mutex<Vec<(SocketAddr, RType, Millis)>>,
}

impl Lookup for Sim {
    fn ask(
        &self,
        server: SocketAddr,
        _mode: QueryMode,
        _name: &str,
        rtype: RType,
    ) -> impl std::future::Future<Output = Outcome> + Send {
        let now = self.clock.now();
        self.asked.lock().unwrap().push((server, rtype, now));
        let o = (self.answer.lock().unwrap())(server, rtype, now);
        std::future::ready(o)
    }
}

fn addr(last: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, last], 53))
}

fn rec(ttl: u32, data: RecordData) -> DnsRecord {
    DnsRecord {
        name: HOST.into(),
        ttl,
        data,
    }
}

fn outcome(rtype: RType, records: Vec<DnsRecord>, neg: u32) -> Outcome {
    let has = records.iter().any(|r| r.rtype() == Some(rtype));
    Outcome {
        status: if has { Status::Answer } else { Status::NoData },
        negative_ttl: (!has).then_some(neg),
        records,
        zone: Some(HOST.into()),
        authoritative: true,
        detail: None,
        delegation: Vec::new(),
    }
}

/// The alias, as any question at the mail host is answered while it is there.
fn old(rtype: RType, ttl: u32) -> Outcome {
    outcome(
        rtype,
        vec![rec(
            ttl,
            RecordData::Cname {
                target: "cdn.example.net".into(),
            },
        )],
        ttl,
    )
}

/// The provider's MX, no alias.
fn new(rtype: RType, ttl: u32) -> Outcome {
    let records = if rtype == RType::MX {
        providers::by_id("alibaba-standard")
            .unwrap()
            .expected_mx(HOST)
            .into_iter()
            .map(|e| {
                rec(
                    ttl,
                    RecordData::MX {
                        preference: e.priority,
                        exchange: e.host,
                    },
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    outcome(rtype, records, ttl)
}

fn timeout() -> Outcome {
    Outcome::failed(Status::Timeout, "no answer in 3 s")
}

fn conditions() -> Vec<Condition> {
    vec![
        Condition::NoAlias { name: HOST.into() },
        Condition::MailServers {
            name: HOST.into(),
            provider: Box::new(providers::by_id("alibaba-standard").unwrap().clone()),
        },
    ]
}

fn spec(kind: VantageKind, last: u8) -> VantageSpec {
    VantageSpec {
        kind,
        name: format!("{kind:?} {last}"),
        server: addr(last),
    }
}

fn sim(answer: Answer) -> Sim {
    Sim {
        clock: SimClock(AtomicU64::new(T0)),
        answer: Mutex::new(answer),
        asked: Mutex::new(Vec::new()),
    }
}

fn run_all(s: &Sim, w: &mut Wait) -> (Finish, Vec<Wait>) {
    let mut rounds = Vec::new();
    let f = futures::executor::block_on(run(w, &s.clock, s, |w| rounds.push(w.clone())));
    (f, rounds)
}

/// A cache that showed the old alias (60 s left) and then never answers again: once its copy
/// and the old TTL bound have run out, and every other vantage is clear, the wait ends "clear
/// except" that cache, named, instead of running on for the whole max_wait asking it.
#[test]
fn a_cache_silent_after_its_old_copy_ran_out_ends_the_wait_clear_except() {
    let s = sim(Box::new(|server, rtype, now| {
        if server == addr(9) {
            if now < T0 + 1_000 {
                old(rtype, 60)
            } else {
                timeout()
            }
        } else {
            new(rtype, 60)
        }
    }));
    let settings = WaitSettings {
        max_wait: 6 * 3_600_000,
        ..WaitSettings::default()
    };
    let mut w = Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions(),
        vec![
            spec(VantageKind::Authoritative, 1),
            spec(VantageKind::Public, 8),
            spec(VantageKind::Public, 9),
        ],
        settings,
        T0,
    )
    .unwrap();
    w.old_ttl = Some(60);
    let (finish, _) = run_all(&s, &mut w);
    let to_dead = s
        .asked
        .lock()
        .unwrap()
        .iter()
        .filter(|(a, _, _)| *a == addr(9))
        .count();
    assert_eq!(
        finish.phase,
        Phase::ClearExcept,
        "ended {:?} after {} s, {} questions to the silent cache",
        finish.phase,
        (finish.at - T0) / 1000,
        to_dead
    );
}

/// No DNS host server could be asked (their addresses were never found) and every cache gives
/// the repaired records: the wait ends at once as "clear except" them, never idles to max_wait.
#[test]
fn unasked_dns_host_servers_and_every_cache_clear_end_the_wait_at_once() {
    let s = sim(Box::new(|_, rtype, _| new(rtype, 60)));
    let mut w = Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions(),
        vec![spec(VantageKind::Public, 8), spec(VantageKind::Public, 9)],
        WaitSettings::default(),
        T0,
    )
    .unwrap();
    w.unasked = vec!["ns1.example.com".into(), "ns2.example.com".into()];
    let (finish, rounds) = run_all(&s, &mut w);
    assert!(
        finish.at - T0 < 3_600_000,
        "ended {:?} after {} h and {} rounds; last round's next wake {:?}",
        finish.phase,
        (finish.at - T0) / 3_600_000,
        rounds.len(),
        rounds
            .first()
            .map(|r| r.next_wake().map(|t| (t - T0) / 1000))
    );
}

/// No DNS host server at all: the phase never says "saved at your DNS host" (propagating), as
/// not one of its servers was asked.
#[test]
fn without_any_dns_host_server_nothing_is_called_saved() {
    let s = sim(Box::new(|_, rtype, now| {
        if now < T0 + 1_000 {
            old(rtype, 60)
        } else {
            new(rtype, 60)
        }
    }));
    let mut w = Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions(),
        vec![spec(VantageKind::Public, 8)],
        WaitSettings::default(),
        T0,
    )
    .unwrap();
    let (_, rounds) = run_all(&s, &mut w);
    assert_ne!(
        rounds[0].phase(),
        Phase::Propagating,
        "'Your change is saved at your DNS host' with no DNS host server asked"
    );
}

// ---- crafted saved state files (`watch --state FILE`, the app's store) ----

fn base_json() -> serde_json::Value {
    let w = Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions(),
        vec![
            spec(VantageKind::Authoritative, 1),
            spec(VantageKind::Public, 8),
        ],
        WaitSettings::default(),
        T0,
    )
    .unwrap();
    serde_json::from_str(&w.to_json()).unwrap()
}

/// Restores `value`, resumes it and runs rounds (each answer a timeout, or the new records)
/// for up to 5 simulated minutes; returns the panic message, if any.
fn survive(value: serde_json::Value, answers_fail: bool) -> Result<Option<Phase>, String> {
    let text = value.to_string();
    std::panic::catch_unwind(move || {
        let Ok(mut w) = Wait::from_json(&text) else {
            return None;
        };
        let s = sim(if answers_fail {
            Box::new(|_, _, _| timeout())
        } else {
            Box::new(|_, rtype, _| new(rtype, 60))
        });
        w.resume(T0);
        let _ = w.view(T0);
        for _ in 0..20 {
            futures::executor::block_on(mxdoctor_core::propagation::check_due(
                &mut w, &s.clock, &s,
            ));
            let _ = w.view(s.clock.now());
            if w.finished.is_some() {
                break;
            }
            let next = w
                .next_wake()
                .unwrap_or(s.clock.now() + 1000)
                .min(T0 + 300_000);
            s.clock
                .0
                .store(next.max(s.clock.now() + 1), Ordering::SeqCst);
        }
        w.finished.map(|f| f.phase)
    })
    .map_err(|e| {
        e.downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default()
    })
}

#[test]
fn crafted_state_deadline_in_year_10000_does_not_panic() {
    let mut v = base_json();
    v["deadline"] = serde_json::json!(300_000_000_000_000u64);
    assert!(survive(v, false).is_ok(), "{:?}", {
        let mut v = base_json();
        v["deadline"] = serde_json::json!(300_000_000_000_000u64);
        survive(v, false)
    });
}

#[test]
fn crafted_state_saved_at_near_u64_max_does_not_panic() {
    let mut v = base_json();
    v["saved_at"] = serde_json::json!(u64::MAX - 1000);
    v["old_ttl"] = serde_json::json!(u32::MAX);
    let r = survive(v, true);
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn crafted_state_failures_at_u32_max_does_not_panic() {
    let mut v = base_json();
    for x in v["vantages"].as_array_mut().unwrap() {
        x["failures"] = serde_json::json!(u32::MAX);
    }
    let r = survive(v, true);
    assert!(r.is_ok(), "{r:?}");
}

#[test]
fn crafted_state_huge_intervals_do_not_panic() {
    let mut v = base_json();
    v["settings"]["poll_interval"] = serde_json::json!(u64::MAX);
    v["settings"]["min_interval"] = serde_json::json!(u64::MAX);
    let r = survive(v, true);
    assert!(r.is_ok(), "{r:?}");
}

/// A state file with no conditions would make every vantage "clear" after zero questions: it is
/// refused like any file that could not come from a wait.
#[test]
fn crafted_state_without_conditions_is_not_all_clear() {
    let mut v = base_json();
    v["conditions"] = serde_json::json!([]);
    let r = survive(v, true);
    assert_ne!(
        r,
        Ok(Some(Phase::Clear)),
        "every server timed out, yet: {r:?}"
    );
}

//! The schedule in simulated time: a DNS host whose records change at a chosen moment, and
//! caches that behave like Unbound (whole-second TTLs counted down from the fetch, negative
//! answers kept for the SOA's negative TTL, busy ones fetching again the moment a copy
//! expires).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::*;
use crate::diagnose::FixRow;
use crate::dns::{DnsRecord, QueryMode, RecordData, Status};
use crate::providers;

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

/// What the DNS host publishes at the mail host.
#[derive(Clone)]
struct Published {
    cname: Option<&'static str>,
    mx: Vec<(u16, String)>,
    ttl: u32,
    negative_ttl: u32,
}

fn broken() -> Published {
    Published {
        cname: Some("cdn.example.net"),
        mx: Vec::new(),
        ttl: 600,
        negative_ttl: 300,
    }
}

fn fixed() -> Published {
    Published {
        cname: None,
        mx: alibaba()
            .expected_mx(HOST)
            .into_iter()
            .map(|e| (e.priority, e.host))
            .collect(),
        ttl: 600,
        negative_ttl: 300,
    }
}

fn alibaba() -> providers::Provider {
    providers::by_id("alibaba-standard").unwrap().clone()
}

impl Published {
    fn answer(&self, rtype: RType) -> Outcome {
        let rec = |data| DnsRecord {
            name: HOST.into(),
            ttl: self.ttl,
            data,
        };
        let mut records = Vec::new();
        if let Some(target) = self.cname {
            records.push(rec(RecordData::Cname {
                target: target.into(),
            }));
        } else if rtype == RType::MX {
            for (p, x) in &self.mx {
                records.push(rec(RecordData::MX {
                    preference: *p,
                    exchange: x.clone(),
                }));
            }
        }
        let has_type = records.iter().any(|r| r.rtype() == Some(rtype));
        Outcome {
            status: if has_type {
                Status::Answer
            } else {
                Status::NoData
            },
            negative_ttl: (!has_type).then_some(self.negative_ttl),
            records,
            zone: Some(HOST.into()),
            authoritative: true,
            detail: None,
            delegation: Vec::new(),
        }
    }
}

struct Cache {
    /// (question) → (Unix second the copy expires, the answer as fetched)
    entries: HashMap<RType, (u64, Outcome)>,
    /// Other users ask all the time: an expired copy is fetched again at once.
    busy: bool,
    /// Answers nothing before this moment.
    down_until: Millis,
}

struct World {
    /// (from, published): the DNS host's data changes at `from`.
    history: Vec<(Millis, Published)>,
    caches: HashMap<SocketAddr, Cache>,
    asked: HashMap<SocketAddr, u64>,
    /// Servers (authoritative or caches) that answer nothing in [from, until).
    silent: HashMap<SocketAddr, (Millis, Millis)>,
}

impl World {
    fn ask(&mut self, server: SocketAddr, mode: QueryMode, rtype: RType, now: Millis) -> Outcome {
        *self.asked.entry(server).or_default() += 1;
        if let Some((from, until)) = self.silent.get(&server) {
            if (*from..*until).contains(&now) {
                return Outcome::failed(Status::Timeout, "no answer in 3 s");
            }
        }
        if mode == QueryMode::Authoritative {
            return published(&self.history, now).answer(rtype);
        }
        let now_s = now / 1000;
        let cache = self.caches.get_mut(&server).unwrap();
        if now < cache.down_until {
            return Outcome::failed(Status::Timeout, "no answer in 3 s");
        }
        let current = match cache.entries.get(&rtype) {
            None => fetch(&self.history, now, rtype),
            Some((expires, o)) if now_s <= *expires => (*expires, o.clone()),
            Some((expires, _)) if cache.busy => {
                // Someone else asked the moment each copy expired, while nobody here looked.
                let mut entry = fetch(&self.history, (expires + 1) * 1000, rtype);
                while now_s > entry.0 {
                    entry = fetch(&self.history, (entry.0 + 1) * 1000, rtype);
                }
                entry
            }
            Some(_) => fetch(&self.history, now, rtype),
        };
        cache.entries.insert(rtype, current.clone());
        let (expires, mut o) = current;
        let left = (expires - now_s) as u32;
        o.authoritative = false;
        for r in &mut o.records {
            r.ttl = r.ttl.min(left);
        }
        o.negative_ttl = o.negative_ttl.map(|t| t.min(left));
        o
    }
}

fn published(history: &[(Millis, Published)], at: Millis) -> &Published {
    &history
        .iter()
        .rev()
        .find(|(from, _)| *from <= at)
        .unwrap()
        .1
}

/// Fetches into a cache at `at` (ms): the copy lives to the end of the second `at_s + ttl`, as
/// Unbound keeps it.
fn fetch(history: &[(Millis, Published)], at: Millis, rtype: RType) -> (u64, Outcome) {
    let o = published(history, at).answer(rtype);
    let ttl = o
        .records
        .first()
        .map(|r| r.ttl)
        .or(o.negative_ttl)
        .unwrap_or(0);
    (at / 1000 + u64::from(ttl), o)
}

struct Sim {
    clock: SimClock,
    world: Mutex<World>,
}

impl Lookup for Sim {
    fn ask(
        &self,
        server: SocketAddr,
        mode: QueryMode,
        _name: &str,
        rtype: RType,
    ) -> impl std::future::Future<Output = Outcome> + Send {
        let now = self.clock.now();
        let o = self.world.lock().unwrap().ask(server, mode, rtype, now);
        std::future::ready(o)
    }
}

fn addr(last: u8) -> SocketAddr {
    SocketAddr::from(([192, 0, 2, last], 53))
}

const NS1: u8 = 1;
const NS2: u8 = 2;
const GOOGLE: u8 = 8;
const ALI: u8 = 9;

fn sim(history: Vec<(Millis, Published)>, caches: &[(u8, bool)]) -> Sim {
    Sim {
        clock: SimClock(AtomicU64::new(T0)),
        world: Mutex::new(World {
            history,
            caches: caches
                .iter()
                .map(|&(a, busy)| {
                    (
                        addr(a),
                        Cache {
                            entries: HashMap::new(),
                            busy,
                            down_until: 0,
                        },
                    )
                })
                .collect(),
            asked: HashMap::new(),
            silent: HashMap::new(),
        }),
    }
}

impl Sim {
    /// Someone else asks cache `a` at `at` (ms after T0), filling it.
    fn prime(&self, a: u8, at: Millis) {
        let mut w = self.world.lock().unwrap();
        for t in [RType::MX, RType::Cname] {
            w.ask(addr(a), QueryMode::Recursive, t, T0 + at);
        }
        w.asked.clear();
    }

    fn asked(&self, a: u8) -> u64 {
        self.world
            .lock()
            .unwrap()
            .asked
            .get(&addr(a))
            .copied()
            .unwrap_or(0)
    }

    fn wait(&self, caches: &[u8], settings: WaitSettings) -> Wait {
        let mut specs = vec![
            VantageSpec {
                kind: VantageKind::Authoritative,
                name: "ns1.example.com".into(),
                server: addr(NS1),
            },
            VantageSpec {
                kind: VantageKind::Authoritative,
                name: "ns2.example.com".into(),
                server: addr(NS2),
            },
        ];
        specs.extend(caches.iter().map(|&a| VantageSpec {
            kind: VantageKind::Public,
            name: format!("cache {a}"),
            server: addr(a),
        }));
        let conditions = vec![
            Condition::NoAlias { name: HOST.into() },
            Condition::MailServers {
                name: HOST.into(),
                provider: Box::new(alibaba()),
            },
        ];
        Wait::new(
            HOST,
            Some("alibaba-standard".into()),
            conditions,
            specs,
            settings,
            self.clock.now(),
        )
        .unwrap()
    }
}

fn vantage(w: &Wait, a: u8) -> &Vantage {
    w.vantages.iter().find(|v| v.server == addr(a)).unwrap()
}

/// Runs to the end, keeping a copy of the wait after every round.
fn run_all(s: &Sim, w: &mut Wait) -> (Finish, Vec<Wait>) {
    let mut rounds = Vec::new();
    let finish = futures::executor::block_on(run(w, &s.clock, s, |w| rounds.push(w.clone())));
    (finish, rounds)
}

#[test]
fn a_cached_alias_is_asked_again_just_after_its_ttl_runs_out() {
    // Saved long ago at the DNS host; one cache fetched the alias 560 s ago (40 s left).
    let s = sim(
        vec![(0, broken()), (T0 - 570_000, fixed())],
        &[(GOOGLE, false)],
    );
    {
        let mut w = s.world.lock().unwrap();
        let old = broken().answer(RType::MX);
        let cname = broken().answer(RType::Cname);
        let c = w.caches.get_mut(&addr(GOOGLE)).unwrap();
        let expires = (T0 - 560_000) / 1000 + 600;
        c.entries.insert(RType::MX, (expires, old));
        c.entries.insert(RType::Cname, (expires, cname));
    }
    let mut w = s.wait(&[GOOGLE], WaitSettings::default());
    let (finish, rounds) = run_all(&s, &mut w);
    assert_eq!(finish.phase, Phase::Clear);
    // Round 1 saw 40 s left.
    assert_eq!(rounds[0].phase(), Phase::Propagating);
    assert_eq!(vantage(&rounds[0], GOOGLE).stale_ttl(), Some(40));
    let est = rounds[0].estimate(T0).unwrap();
    assert_eq!(est.earliest, T0 + 40_000);
    // The copy could first be replaced at T0 + 41 s (the end of its last second).
    let could_clear = T0 + 41_000;
    assert!(
        finish.at >= could_clear,
        "cleared before the cache could: {}",
        finish.at - T0
    );
    assert!(
        finish.at - could_clear <= 1_000,
        "late by {} ms",
        finish.at - could_clear
    );
    // Two questions (MX, CNAME) per visit: at 0 s, just after 40 s, just after 41 s.
    assert!(
        s.asked(GOOGLE) <= 6,
        "asked the cache {} times",
        s.asked(GOOGLE)
    );
}

#[test]
fn a_cached_empty_answer_lives_for_the_negative_ttl() {
    // The DNS host had no MX at all (negative TTL 300) and now has the provider's.
    let mut no_mx = fixed();
    no_mx.mx.clear();
    no_mx.negative_ttl = 300;
    let s = sim(vec![(0, no_mx), (T0 + 1_000, fixed())], &[(ALI, false)]);
    s.prime(ALI, 0);
    let mut w = s.wait(&[ALI], WaitSettings::default());
    w.conditions
        .retain(|c| matches!(c, Condition::MailServers { .. }));
    let (finish, rounds) = run_all(&s, &mut w);
    assert_eq!(vantage(&rounds[0], ALI).stale_ttl(), Some(300));
    assert_eq!(finish.phase, Phase::Clear);
    let could_clear = T0 + 301_000;
    assert!(finish.at >= could_clear && finish.at - could_clear <= 1_000);
}

#[test]
fn a_vantage_that_fails_is_retried_with_backoff_and_can_recover() {
    let s = sim(vec![(0, fixed())], &[(GOOGLE, false), (ALI, false)]);
    s.world
        .lock()
        .unwrap()
        .caches
        .get_mut(&addr(ALI))
        .unwrap()
        .down_until = T0 + 50_000;
    let mut w = s.wait(&[GOOGLE, ALI], WaitSettings::default());
    futures::executor::block_on(check_due(&mut w, &s.clock, &s));
    assert_eq!(vantage(&w, ALI).state, VantageState::Failed);
    assert_eq!(vantage(&w, GOOGLE).state, VantageState::Clear);
    // A silent resolver is never counted as clear: the wait goes on asking it.
    assert_eq!(w.finished, None);
    assert_eq!(w.view(T0).status, WaitStatus::Waiting);
    // It stays silent (down until 50 s; asked at 0, 15 and 45 s): after three failures in a
    // row the wait ends as "clear except" that resolver, named, never as plain clear.
    let (finish, _) = run_all(&s, &mut w);
    assert_eq!(finish.phase, Phase::ClearExcept);
    assert_eq!(finish.at, T0 + 45_000);
    let view = w.view(finish.at);
    assert_eq!(view.status, WaitStatus::ClearExcept);
    let names: Vec<&str> = view.except.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, [format!("cache {ALI}")]);
    assert!(view.except[0].failure.is_some());

    // One that recovers before the third try ends the wait plain clear.
    let s = sim(vec![(0, fixed())], &[(GOOGLE, false), (ALI, false)]);
    s.world
        .lock()
        .unwrap()
        .caches
        .get_mut(&addr(ALI))
        .unwrap()
        .down_until = T0 + 40_000;
    let mut w = s.wait(&[GOOGLE, ALI], WaitSettings::default());
    let (finish, _) = run_all(&s, &mut w);
    assert_eq!(finish.phase, Phase::Clear);
    assert_eq!(finish.at, T0 + 45_000);
    assert!(w.view(finish.at).except.is_empty());

    // With the resolver that works also failing, the wait goes on and retries with backoff.
    let s = sim(vec![(0, fixed())], &[(ALI, false)]);
    s.world
        .lock()
        .unwrap()
        .caches
        .get_mut(&addr(ALI))
        .unwrap()
        .down_until = T0 + 50_000;
    let mut w = s.wait(&[ALI], WaitSettings::default());
    let (finish, rounds) = run_all(&s, &mut w);
    let states: Vec<VantageState> = rounds.iter().map(|r| vantage(r, ALI).state).collect();
    assert_eq!(states[0], VantageState::Failed);
    assert_eq!(*states.last().unwrap(), VantageState::Clear);
    // Retries at 15 s, then 30 s later: 0, 15, 45 (still down), 105 (back).
    let times: Vec<Millis> = rounds
        .iter()
        .map(|r| vantage(r, ALI).checked_at.unwrap() - T0)
        .collect();
    assert_eq!(times, vec![0, 15_000, 45_000, 105_000]);
    assert_eq!(finish.phase, Phase::Clear);
}

#[test]
fn not_saved_then_saved_asks_only_the_dns_host_until_the_edit_lands() {
    // The user saves at 95 s. The cache is busy: it fetched the old alias again at every expiry.
    let mut old = broken();
    old.ttl = 60;
    let mut new = fixed();
    new.ttl = 60;
    let s = sim(vec![(0, old), (T0 + 95_000, new)], &[(GOOGLE, true)]);
    s.prime(GOOGLE, 0);
    let settings = WaitSettings {
        poll_interval: 10_000,
        ..WaitSettings::default()
    };
    let mut w = s.wait(&[GOOGLE], settings);
    let (finish, rounds) = run_all(&s, &mut w);
    assert_eq!(rounds[0].phase(), Phase::NotSaved);
    assert_eq!(vantage(&rounds[0], NS1).state, VantageState::NotSaved);
    assert_eq!(
        rounds[0].estimate(T0),
        None,
        "no end is promised before the edit is saved"
    );
    // While not saved, the cache is not asked (2 questions in the first round only).
    let before_save: Vec<&Wait> = rounds.iter().filter(|r| r.saved_at.is_none()).collect();
    assert!(before_save.len() >= 9);
    assert!(before_save.iter().all(|r| vantage(r, GOOGLE).queries == 2));
    // The save is seen at the first poll after 95 s.
    assert_eq!(w.saved_at, Some(T0 + 100_000));
    // The busy cache fetched the old alias again at 61 s, before the save: that copy lasts
    // until 122 s, when the cache can first fetch the new data.
    let could_clear = T0 + 122_000;
    assert_eq!(finish.phase, Phase::Clear);
    assert!(
        finish.at >= could_clear && finish.at - could_clear <= 1_000,
        "at {}",
        finish.at - T0
    );
    // The latest bound: seen saved at 100 s, plus the old data's full 60 s, plus 1 s rounding.
    let saved = rounds.iter().find(|r| r.saved_at.is_some()).unwrap();
    let est = saved.estimate(saved.saved_at.unwrap()).unwrap();
    assert_eq!(est.latest, T0 + 161_000);
    // Polling the DNS host every 10 s for 100 s: both questions at first, then only the one
    // for the alias (10 polls), then both again once the alias is gone: 2 + 10 + 2.
    assert_eq!(vantage(&w, NS1).queries, 14);
}

#[test]
fn the_wait_gives_up_at_max_wait() {
    let s = sim(vec![(0, broken())], &[(GOOGLE, false)]);
    let settings = WaitSettings {
        max_wait: 600_000,
        ..WaitSettings::default()
    };
    let mut w = s.wait(&[GOOGLE], settings);
    let (finish, rounds) = run_all(&s, &mut w);
    assert_eq!(finish.phase, Phase::TimedOut);
    assert_eq!(finish.at, T0 + 600_000);
    assert_eq!(rounds.last().unwrap().phase(), Phase::TimedOut);
    // The DNS host was asked every 15 s: both questions, then 40 polls for the alias alone;
    // the cache once.
    assert_eq!(vantage(&w, NS1).queries, 2 + 40);
    assert_eq!(vantage(&w, GOOGLE).queries, 2);
}

#[test]
fn a_saved_wait_resumes_with_an_immediate_check() {
    let s = sim(
        vec![(0, broken()), (T0 + 5_000, fixed())],
        &[(GOOGLE, false)],
    );
    s.prime(GOOGLE, 0);
    let mut w = s.wait(&[GOOGLE], WaitSettings::default());
    futures::executor::block_on(check_due(&mut w, &s.clock, &s));
    let saved = w.to_json();
    // The app is closed for an hour; the copy expired long ago.
    s.clock.0.store(T0 + 3_600_000, Ordering::SeqCst);
    let mut restored = Wait::from_json(&saved).unwrap();
    assert_eq!(restored, w);
    restored.resume(s.clock.now());
    assert_eq!(
        restored.due(s.clock.now()).len(),
        3,
        "every vantage is asked at once"
    );
    let (finish, rounds) = run_all(&s, &mut restored);
    assert_eq!(rounds.len(), 1);
    assert_eq!(finish.phase, Phase::Clear);
    assert_eq!(finish.at, T0 + 3_600_000);
    assert_eq!(
        restored.started_at, T0,
        "the wait keeps its start and deadline"
    );
}

impl Sim {
    fn silence(&self, a: u8, from: Millis, until: Millis) {
        self.world
            .lock()
            .unwrap()
            .silent
            .insert(addr(a), (T0 + from, T0 + until));
    }
}

/// A plan row the wait follows: "delete the alias at the mail host".
fn follow_alias_row(w: &mut Wait) {
    let row = FixRow {
        action: crate::diagnose::Action::Delete,
        host: "@".into(),
        rtype: RType::Cname,
        priority: None,
        value: "cdn.example.net".into(),
        new_value: None,
        new_priority: None,
        keep: Vec::new(),
        if_missing: false,
    };
    w.conditions.push(Condition::Row {
        name: HOST.into(),
        rtype: RType::Cname,
        row: row.clone(),
        optional: false,
    });
    w.rows.push(WaitRow {
        row,
        condition: Some(w.conditions.len() - 1),
        optional: false,
    });
}

#[test]
fn a_silent_dns_host_server_is_never_called_saved_and_the_end_names_it() {
    // Saved long ago; ns2 never answers.
    let s = sim(vec![(0, fixed())], &[(GOOGLE, false)]);
    s.silence(NS2, 0, Millis::MAX - T0);
    let mut w = s.wait(&[GOOGLE], WaitSettings::default());
    follow_alias_row(&mut w);
    let (finish, rounds) = run_all(&s, &mut w);
    for r in &rounds {
        assert_eq!(r.saved_at, None, "saved needs every DNS host server");
        assert_ne!(
            r.phase(),
            Phase::Propagating,
            "never 'saved at your DNS host'"
        );
        assert_ne!(r.view(T0).status, WaitStatus::Clear);
        // The row is seen at ns1 only: never called saved.
        let rows = r.row_checks(false);
        assert_eq!(rows[0].state, crate::saved::RowState::Unknown);
        assert_eq!(rows[0].servers[0].state, crate::saved::RowState::Saved);
        assert_eq!(rows[0].servers[1].state, crate::saved::RowState::Unknown);
    }
    assert_eq!(rounds[0].phase(), Phase::SavedExcept);
    // Asked at 0, 15 and 45 s; then the wait ends naming it.
    assert_eq!(finish.phase, Phase::ClearExcept);
    assert_eq!(finish.at, T0 + 45_000);
    let view = w.view(finish.at);
    assert_eq!(view.status, WaitStatus::ClearExcept);
    assert_eq!(view.except.len(), 1);
    assert_eq!(view.except[0].name, "ns2.example.com");
    assert_eq!(view.except[0].kind, VantageKind::Authoritative);
    assert!(!view.except[0].last_old);
}

#[test]
fn a_dns_host_server_that_gave_old_records_then_fell_silent_is_still_not_saved() {
    // ns1 gets the change at 30 s; ns2 gave the old records, then stops answering at 20 s.
    let s = sim(
        vec![(0, broken()), (T0 + 30_000, fixed())],
        &[(GOOGLE, false)],
    );
    s.silence(NS2, 20_000, Millis::MAX - T0);
    let settings = WaitSettings {
        max_wait: 300_000,
        ..WaitSettings::default()
    };
    let mut w = s.wait(&[GOOGLE], settings);
    let (finish, rounds) = run_all(&s, &mut w);
    // The headline never flips to "saved": the last ns2 said was the old records.
    for r in &rounds {
        assert_eq!(
            r.phase(),
            if r.finished.is_some() {
                Phase::TimedOut
            } else {
                Phase::NotSaved
            }
        );
        assert_eq!(r.saved_at, None);
        assert_eq!(r.published_at, None);
    }
    assert!(rounds
        .iter()
        .any(|r| vantage(r, NS2).state == VantageState::Failed));
    assert_eq!(finish.phase, Phase::TimedOut);
    let view = w.view(finish.at);
    let ns2 = view
        .except
        .iter()
        .find(|u| u.name == "ns2.example.com")
        .unwrap();
    assert!(ns2.last_old, "the window says it last gave the old records");
}

#[test]
fn a_cache_back_from_a_failure_streak_is_asked_when_the_row_said() {
    // Saved long ago; the cache fetched the old alias 30 s before the wait (570 s left) and is
    // down for the first 130 s of the wait.
    let s = sim(
        vec![(0, broken()), (T0 - 3_600_000, fixed())],
        &[(GOOGLE, false)],
    );
    {
        let mut world = s.world.lock().unwrap();
        let history = vec![(0, broken())];
        let copy = fetch(&history, T0 - 30_000, RType::Cname);
        world
            .caches
            .get_mut(&addr(GOOGLE))
            .unwrap()
            .entries
            .insert(RType::Cname, copy);
        let copy = fetch(&history, T0 - 30_000, RType::MX);
        world
            .caches
            .get_mut(&addr(GOOGLE))
            .unwrap()
            .entries
            .insert(RType::MX, copy);
    }
    s.silence(GOOGLE, 0, 130_000);
    let mut w = s.wait(&[GOOGLE], WaitSettings::default());
    let (finish, rounds) = run_all(&s, &mut w);
    let asked: Vec<Millis> = rounds
        .iter()
        .filter_map(|r| vantage(r, GOOGLE).checked_at)
        .map(|t| t - T0)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // Failures at 0, 15, 45, 105 (back off: 15, 30, 60, 60 s, never more), back at 165 s with
    // the old copy (405 s left), then just after that copy runs out.
    assert_eq!(asked, vec![0, 15_000, 45_000, 105_000, 165_000, 571_250]);
    // Every countdown shown was kept: the next question came at the time the row said.
    for pair in rounds.windows(2) {
        let (shown, next) = (vantage(&pair[0], GOOGLE), vantage(&pair[1], GOOGLE));
        if next.checked_at != shown.checked_at {
            assert_eq!(next.checked_at, shown.next_check, "asked when the row said");
        }
    }
    assert_eq!(finish.phase, Phase::Clear);
}

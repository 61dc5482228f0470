//! Issue 13: a saved wait is a file a stranger may have written. One naming the same server
//! twice asks it once; one naming more servers than any check finds is refused; and however
//! many servers a wait follows, only a few are asked at the same time (no running out of
//! sockets, then "All clear" with every one unanswered).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use mxdoctor_core::dns::{Outcome, QueryMode, RType, Status};
use mxdoctor_core::propagation::{
    check_due, Clock, Condition, Lookup, Millis, VantageKind, VantageSpec, Wait, WaitSettings,
    MAX_IN_FLIGHT, MAX_VANTAGES,
};
use mxdoctor_core::providers;

const HOST: &str = "example.com";
const START: Millis = 1_800_000_000_000;

fn wait_with(servers: usize) -> Wait {
    let conditions = vec![Condition::MailServers {
        name: HOST.into(),
        provider: Box::new(providers::by_id("alibaba-standard").unwrap().clone()),
    }];
    let specs = (0..servers)
        .map(|i| VantageSpec {
            kind: VantageKind::Authoritative,
            name: format!("ns{i}.example.net"),
            server: SocketAddr::new([127, 0, (i / 250) as u8, (i % 250) as u8 + 1].into(), 53),
        })
        .collect();
    Wait::new(
        HOST,
        Some("alibaba-standard".into()),
        conditions,
        specs,
        WaitSettings::default(),
        START,
    )
    .unwrap()
}

fn with_vantages(wait: &Wait, count: usize) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&wait.to_json()).unwrap();
    let one = v["vantages"][0].clone();
    v["vantages"] = (0..count)
        .map(|i| {
            let mut x = one.clone();
            x["server"] = format!("127.0.{}.{}:53", i / 250, i % 250 + 1).into();
            x
        })
        .collect();
    v.to_string()
}

#[test]
fn a_server_listed_twice_in_a_saved_wait_is_asked_once() {
    let wait = wait_with(2);
    let mut v: serde_json::Value = serde_json::from_str(&wait.to_json()).unwrap();
    let first = v["vantages"][0].clone();
    v["vantages"].as_array_mut().unwrap().push(first.clone());
    v["vantages"].as_array_mut().unwrap().push(first);
    let loaded = Wait::from_json(&v.to_string()).unwrap();
    assert_eq!(loaded.vantages.len(), 2);
    assert_eq!(loaded.view(START).vantages.len(), 2);
}

#[test]
fn a_saved_wait_naming_more_servers_than_any_check_finds_is_refused() {
    let wait = wait_with(1);
    assert!(Wait::from_json(&with_vantages(&wait, MAX_VANTAGES)).is_ok());
    let err = Wait::from_json(&with_vantages(&wait, MAX_VANTAGES + 1)).unwrap_err();
    assert!(err.to_string().contains("servers to ask"), "{err}");
}

struct Counting {
    now: AtomicU64,
    running: AtomicUsize,
    most: AtomicUsize,
    asked: AtomicUsize,
}

impl Clock for Counting {
    fn now(&self) -> Millis {
        self.now.load(Ordering::SeqCst)
    }
    fn sleep_until(&self, at: Millis) -> impl std::future::Future<Output = ()> + Send {
        self.now.fetch_max(at, Ordering::SeqCst);
        std::future::ready(())
    }
}

impl Lookup for Counting {
    async fn ask(
        &self,
        _server: SocketAddr,
        _mode: QueryMode,
        _name: &str,
        _rtype: RType,
    ) -> Outcome {
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        self.asked.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(5)).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
        Outcome::failed(Status::Timeout, "no answer")
    }
}

#[tokio::test]
async fn only_a_few_servers_are_asked_at_the_same_time() {
    let mut wait = Wait::from_json(&with_vantages(&wait_with(1), MAX_VANTAGES)).unwrap();
    let sim = Counting {
        now: AtomicU64::new(START),
        running: AtomicUsize::new(0),
        most: AtomicUsize::new(0),
        asked: AtomicUsize::new(0),
    };
    let asked = check_due(&mut wait, &sim, &sim).await;
    assert_eq!(
        asked.len(),
        MAX_VANTAGES,
        "every server is asked in the round"
    );
    let questions = wait.questions().len();
    assert_eq!(sim.asked.load(Ordering::SeqCst), MAX_VANTAGES * questions);
    let most = sim.most.load(Ordering::SeqCst);
    assert!(
        most <= MAX_IN_FLIGHT * questions,
        "{most} questions out at once"
    );
    // And none is called clear on a timeout.
    assert!(wait.finished.is_none());
    assert!(wait
        .vantages
        .iter()
        .all(|v| v.state != mxdoctor_core::propagation::VantageState::Clear));
}

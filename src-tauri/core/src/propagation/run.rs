//! Driving a [`Wait`]: the clock and the lookups are injected, so tests run the same code in
//! simulated time against simulated caches.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use futures::future::join_all;
use futures::StreamExt;

use super::{Finish, Millis, Wait};
use crate::dns::{query, Outcome, QueryMode, RType};

/// The time, and a way to wait for a moment.
pub trait Clock: Sync {
    fn now(&self) -> Millis;
    fn sleep_until(&self, at: Millis) -> impl Future<Output = ()> + Send;
}

/// One question to one server.
pub trait Lookup: Sync {
    fn ask(
        &self,
        server: SocketAddr,
        mode: QueryMode,
        name: &str,
        rtype: RType,
    ) -> impl Future<Output = Outcome> + Send;
}

/// The wall clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Millis {
        crate::time::now_millis()
    }

    fn sleep_until(&self, at: Millis) -> impl Future<Output = ()> + Send {
        let wait = at.saturating_sub(self.now());
        tokio::time::sleep(Duration::from_millis(wait))
    }
}

/// Real DNS questions over the network.
#[derive(Clone, Copy, Debug)]
pub struct NetLookup {
    pub timeout: Duration,
}

impl Lookup for NetLookup {
    fn ask(
        &self,
        server: SocketAddr,
        mode: QueryMode,
        name: &str,
        rtype: RType,
    ) -> impl Future<Output = Outcome> + Send {
        query(server, name, rtype, mode, self.timeout)
    }
}

/// Asks every vantage that is due, all at once, records the answers and concludes the round.
/// Returns the indexes of the vantages asked (empty when none was due).
pub async fn check_due<C: Clock, L: Lookup>(wait: &mut Wait, clock: &C, lookup: &L) -> Vec<usize> {
    let now = clock.now();
    let due = wait.due(now);
    if due.is_empty() {
        if now >= wait.deadline {
            wait.conclude(now);
        }
        return due;
    }
    let asks = due
        .iter()
        .map(|&i| {
            let v = &wait.vantages[i];
            let questions = wait.questions_for(i);
            let mode = if v.kind.is_cache() {
                QueryMode::Recursive
            } else {
                QueryMode::Authoritative
            };
            let server = v.server;
            async move {
                let sent = clock.now();
                let outcomes = join_all(
                    questions
                        .iter()
                        .map(|(name, rtype)| lookup.ask(server, mode, name, *rtype)),
                )
                .await;
                let answers: Vec<(String, RType, Outcome)> = questions
                    .into_iter()
                    .zip(outcomes)
                    .map(|((n, t), o)| (n, t, o))
                    .collect();
                (i, answers, sent, clock.now())
            }
        })
        // Collected first: a stream over the iterator's closures is not `Send` for every lifetime
        // (rust-lang/rust#102211), and the app's wait task must be.
        .collect::<Vec<_>>();
    // At most MAX_IN_FLIGHT servers at once: a saved wait naming a hundred servers does not
    // open a hundred sockets (each is asked when its turn comes, and timed from then).
    let answered: Vec<_> = futures::stream::iter(asks)
        .buffer_unordered(super::MAX_IN_FLIGHT)
        .collect()
        .await;
    for (i, answers, sent, received) in answered {
        wait.record(i, &answers, sent, received);
    }
    wait.conclude(clock.now());
    due
}

/// Runs `wait` to its end, calling `on_round` after every round (to show or save it).
pub async fn run<C: Clock, L: Lookup>(
    wait: &mut Wait,
    clock: &C,
    lookup: &L,
    mut on_round: impl FnMut(&Wait),
) -> Finish {
    loop {
        let asked = check_due(wait, clock, lookup).await;
        if !asked.is_empty() || wait.finished.is_some() {
            on_round(wait);
        }
        if let Some(finish) = wait.finished {
            return finish;
        }
        match wait.next_wake() {
            Some(at) => clock.sleep_until(at).await,
            None => continue,
        }
    }
}

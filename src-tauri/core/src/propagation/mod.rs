//! The propagation wait (DESIGN.md "The propagation wait"): after the user edits their records,
//! ask every authoritative server whether the edit is saved, then ask each resolver again just
//! after the moment its cached copy of the old data must expire, until every vantage point is
//! clear.
//!
//! [`Wait`] is the whole state: plain data (serde), so it is saved after every round and
//! resumed after a restart. It does no I/O and reads no clock: [`run`] asks the questions
//! through an injected [`Lookup`] at times from an injected [`Clock`], so the schedule is
//! tested in simulated time.

mod expect;
mod run;
#[cfg(test)]
mod sim;
mod view;

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

pub use expect::{
    conditions, evaluate, goal, questions, Condition, Gap, GapKind, Goal, GoalError, Verdict,
};
pub use run::{check_due, run, Clock, Lookup, NetLookup, SystemClock};
pub use view::{
    public_resolvers, resolver_specs, rfc3339, PublicResolver, Unanswered, VantageView, WaitStatus,
    WaitView,
};

use crate::diagnose::{Diagnosis, FixRow};
use crate::dns::{Outcome, RType};
use crate::snapshot::Snapshot;

/// Milliseconds since the Unix epoch.
pub use crate::time::Millis;

/// Bumped when the saved format changes incompatibly; older files are refused with a message.
pub const WAIT_FORMAT: u32 = 1;

/// How often to ask. Every field is in milliseconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WaitSettings {
    /// Never ask one vantage again sooner than this.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub min_interval: Millis,
    /// How often the DNS host's servers are asked while the edit is not saved there yet, and
    /// the first retry after a failed lookup (`--interval`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub poll_interval: Millis,
    /// The longest gap between two questions to one vantage, however long its TTL.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_interval: Millis,
    /// Give up after this long (`--max-wait`).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub max_wait: Millis,
    /// Asked this long after the earliest moment a cache may have forgotten the old data.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub margin: Millis,
}

/// Failed lookups in a row after which a silent vantage no longer holds the wait, when every
/// other one is clear: the wait then ends as "clear except" that vantage, named.
pub const GIVE_UP_AFTER: u32 = 3;

/// The most servers one wait asks: the resolvers and every DNS host server a snapshot may
/// hold ([`crate::snapshot::MAX_RESOLVERS`] + [`crate::snapshot::MAX_AUTH_SERVERS`]) and the
/// public resolvers. A saved wait naming more is refused.
pub const MAX_VANTAGES: usize = 560;
/// The most a saved wait file may weigh (one with every limit reached is well under it).
pub const MAX_WAIT_BYTES: usize = 4 * 1024 * 1024;
/// The most rows (and conditions) one wait follows; a plan has a handful.
pub const MAX_CONDITIONS: usize = 256;
/// How many servers are asked at the same time; the others wait their turn in the same round.
pub const MAX_IN_FLIGHT: usize = 16;

/// Check-interval bounds a person set that the wait cannot use, in words.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BoundsError {
    #[error("Check the DNS host every {min} to {max} seconds.", min = WaitSettings::POLL_SECS.start(), max = WaitSettings::POLL_SECS.end())]
    Poll,
    #[error("The longest pause must be between {0} and {max} seconds.", max = WaitSettings::MAX_GAP_SECS)]
    Gap(u32),
    #[error(
        "{flag} \"{text}\" is not a duration ({reason}); write seconds, or e.g. 90s, 15m, 48h"
    )]
    NotADuration {
        flag: &'static str,
        text: String,
        reason: String,
    },
    #[error("{flag} must be between {min} and {max}")]
    OutOfRange {
        flag: &'static str,
        min: String,
        max: String,
    },
}

impl WaitSettings {
    /// The DNS host poll interval a person may choose, in seconds (the window's settings and
    /// `watch --interval` alike; the CLI's contract has always allowed up to a day).
    pub const POLL_SECS: std::ops::RangeInclusive<u32> = 1..=86_400;
    /// How long a person may let one wait run, in seconds (`watch --max-wait`).
    pub const MAX_WAIT_SECS: std::ops::RangeInclusive<u64> = 1..=30 * 86_400;
    /// The longest longest-gap a person may choose, in seconds.
    pub const MAX_GAP_SECS: u32 = 3600;

    /// `watch --interval TEXT`: how often to ask the DNS host, within [`Self::POLL_SECS`].
    pub fn interval_flag(text: &str) -> Result<Millis, BoundsError> {
        let secs = Self::POLL_SECS;
        flag_duration(
            "--interval",
            text,
            u64::from(*secs.start()),
            u64::from(*secs.end()),
        )
    }

    /// `watch --max-wait TEXT`: how long the wait may run, within [`Self::MAX_WAIT_SECS`].
    pub fn max_wait_flag(text: &str) -> Result<Millis, BoundsError> {
        let secs = Self::MAX_WAIT_SECS;
        flag_duration("--max-wait", text, *secs.start(), *secs.end())
    }

    /// The default schedule with a person's bounds: ask the DNS host every `poll_secs` while
    /// the edit is not saved, never leave a vantage unasked for longer than `max_gap_secs`.
    pub fn bounded(poll_secs: u32, max_gap_secs: u32) -> Result<Self, BoundsError> {
        if !Self::POLL_SECS.contains(&poll_secs) {
            return Err(BoundsError::Poll);
        }
        if max_gap_secs < poll_secs || max_gap_secs > Self::MAX_GAP_SECS {
            return Err(BoundsError::Gap(poll_secs));
        }
        Ok(Self {
            poll_interval: u64::from(poll_secs) * 1000,
            max_interval: u64::from(max_gap_secs) * 1000,
            ..Self::default()
        })
    }
}

fn flag_duration(
    flag: &'static str,
    text: &str,
    min_secs: u64,
    max_secs: u64,
) -> Result<Millis, BoundsError> {
    use std::time::Duration;
    let d = crate::time::parse_duration(text).map_err(|reason| BoundsError::NotADuration {
        flag,
        text: text.trim().to_string(),
        reason,
    })?;
    let (min, max) = (Duration::from_secs(min_secs), Duration::from_secs(max_secs));
    if d < min || d > max {
        return Err(BoundsError::OutOfRange {
            flag,
            min: crate::time::format_duration(min),
            max: crate::time::format_duration(max),
        });
    }
    Ok(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

impl Default for WaitSettings {
    fn default() -> Self {
        Self {
            min_interval: 500,
            poll_interval: 15_000,
            max_interval: 15 * 60_000,
            max_wait: 48 * 3_600_000,
            margin: 250,
        }
    }
}

/// Where a vantage point sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum VantageKind {
    /// One of the domain's own name servers, asked directly: the truth.
    Authoritative,
    /// The resolver this computer uses.
    System,
    /// A large public resolver (Google, Cloudflare, …).
    Public,
    /// A resolver given with `--nameserver` or in the settings.
    Custom,
}

impl VantageKind {
    pub fn is_cache(self) -> bool {
        self != VantageKind::Authoritative
    }
}

/// What one vantage point shows now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum VantageState {
    /// Not asked yet.
    Pending,
    /// Serves the new data.
    Clear,
    /// A cache that still serves the old data.
    Stale,
    /// An authoritative server that still publishes the old data: the edit is not saved at
    /// the DNS host (or has not reached this server yet).
    NotSaved,
    /// Could not be asked (no answer, SERVFAIL, …).
    Failed,
}

/// A span of time: for a cache, when it must have forgotten what it holds (not before
/// `earliest`, at the latest by `latest`: a resolver reports whole seconds, so one answer pins
/// expiry to a one-second window, and a second answer narrows it); for the whole wait
/// ([`Wait::estimate`]), when every cache seen will have let go (`earliest`) and the bound for
/// every cache, including those behind an anycast address that this computer cannot see: the
/// moment the edit was seen saved plus the old data's full TTL (`latest`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct TimeRange {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub earliest: Millis,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub latest: Millis,
}

/// A vantage point to watch, before it has been asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct VantageSpec {
    pub kind: VantageKind,
    pub name: String,
    pub server: SocketAddr,
}

/// One vantage point and what it showed last.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Vantage {
    pub kind: VantageKind,
    /// `ns1.example.com`, `Google`, `This computer's resolver`, or the address.
    pub name: String,
    pub server: SocketAddr,
    pub state: VantageState,
    /// What still differs, when stale or not saved.
    #[serde(default)]
    pub gaps: Vec<Gap>,
    /// Why the last question failed.
    #[serde(default)]
    pub failure: Option<String>,
    /// For a stale cache: when the old data must expire.
    #[serde(default)]
    pub expiry: Option<TimeRange>,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub checked_at: Option<Millis>,
    /// `None` once clear: a clear vantage is not asked again.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub next_check: Option<Millis>,
    #[serde(default)]
    pub failures: u32,
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub cleared_at: Option<Millis>,
    /// Questions sent to this vantage during the wait.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub queries: u64,
    /// What it said last about each of the wait's conditions (same order): met, unmet, or
    /// `None` (not asked, could not be judged, or not one this vantage judges).
    #[serde(default)]
    pub verdicts: Vec<Option<bool>>,
}

impl Vantage {
    fn new(kind: VantageKind, name: String, server: SocketAddr, now: Millis) -> Self {
        Self {
            kind,
            name,
            server,
            state: VantageState::Pending,
            gaps: Vec::new(),
            failure: None,
            expiry: None,
            checked_at: None,
            next_check: Some(now),
            failures: 0,
            cleared_at: None,
            queries: 0,
            verdicts: Vec::new(),
        }
    }

    /// An authoritative server that still publishes the old data, as far as anyone saw: it
    /// said so last, or it said so and then stopped answering.
    fn holds_old(&self) -> bool {
        !self.kind.is_cache()
            && (self.state == VantageState::NotSaved
                || (self.state == VantageState::Failed && !self.gaps.is_empty()))
    }

    /// A vantage that failed often enough in a row to no longer hold the wait: it never showed
    /// old data, or it is a cache whose old copy must be gone by `now` (its own expiry and
    /// `bound`, the old data's full TTL after it was published, have both passed). A DNS host
    /// server that last gave the old records never is: nobody saw it saved.
    fn given_up(&self, now: Millis, bound: Option<Millis>) -> bool {
        let old_gone = self.kind.is_cache()
            && self.expiry.is_none_or(|e| e.latest <= now)
            && bound.is_some_and(|b| b <= now);
        self.state == VantageState::Failed
            && self.failures >= GIVE_UP_AFTER
            && (self.gaps.is_empty() || old_gone)
    }

    /// Seconds the stale data may still be served, as the vantage said last.
    pub fn stale_ttl(&self) -> Option<u32> {
        self.gaps.iter().filter_map(|g| g.ttl).max()
    }
}

/// Where the wait stands as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Some vantage has not been asked yet.
    Checking,
    /// An authoritative server still publishes the old data.
    NotSaved,
    /// Saved at the DNS host; caches still hold the old data.
    Propagating,
    /// Every vantage serves the new data.
    Clear,
    /// `max_wait` ran out first.
    TimedOut,
    /// No DNS host server still gives the old data, but some could not be asked: the change
    /// is seen saved only at the others (the silent ones are named).
    SavedExcept,
    /// Every vantage that answered serves the new data; the ones named never answered (after
    /// [`GIVE_UP_AFTER`] tries) or could not be asked at all.
    ClearExcept,
}

/// How the wait ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Finish {
    pub phase: Phase,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub at: Millis,
}

/// The whole state of one wait.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Wait {
    pub format: u32,
    /// The mail host, ASCII.
    pub domain: String,
    /// Provider id the conditions come from, if any.
    pub provider: Option<String>,
    pub conditions: Vec<Condition>,
    pub settings: WaitSettings,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub started_at: Millis,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub deadline: Millis,
    /// When every reachable authoritative server was first seen serving the new data.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub saved_at: Option<Millis>,
    /// The old data's full TTL at the DNS host, in seconds (for the latest expected time).
    pub old_ttl: Option<u32>,
    pub vantages: Vec<Vantage>,
    pub finished: Option<Finish>,
    pub rounds: u32,
    /// The alias option of the plan the user chose, if the plan offered one.
    #[serde(default)]
    pub option: Option<String>,
    /// Every row of that plan, with the index of its condition (`None`: not one MX Doctor can
    /// look up).
    #[serde(default)]
    pub rows: Vec<WaitRow>,
    /// DNS host servers whose address was never found: they cannot be asked, so nothing is
    /// called saved on their behalf.
    #[serde(default)]
    pub unasked: Vec<String>,
    /// Where mail is received once the plan is done, ASCII: the domain, or the separate
    /// subdomain the option chose (`None` in waits saved before it was kept: the domain).
    #[serde(default)]
    pub mail_host: Option<String>,
    /// When no DNS host server gave the old data any more and at least one gave the new.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub published_at: Option<Millis>,
}

/// One row of the chosen plan, followed by the wait.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct WaitRow {
    pub row: FixRow,
    pub condition: Option<usize>,
    /// Only a suggestion asked for it: followed, never waited for.
    #[serde(default)]
    pub optional: bool,
}

/// Why a wait cannot start, or a saved one cannot be restored.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WaitError {
    #[error("there is nothing to wait for: the check asked for no change at {0} and does not know which mail service it should use. Name it with --provider (or --mx for your own servers)")]
    NothingToWaitFor(String),
    #[error("{0}")]
    UnknownOption(String),
    #[error("there is no server to ask: no name server of {0} was found and no resolver is set")]
    NoVantage(String),
    /// Without one of the DNS host's servers nothing can ever be seen saved.
    #[error("no server of the DNS host of {0} was found, so MX Doctor cannot see whether your change is saved; check the domain again")]
    NoDnsHost(String),
    #[error("this is not a saved MX Doctor wait ({0})")]
    NotAWait(String),
    #[error("this wait was saved by a different version of MX Doctor (format {found}, this version reads {WAIT_FORMAT})")]
    WrongFormat { found: u32 },
}

impl WaitError {
    fn from_goal(e: GoalError, snap: &Snapshot) -> Self {
        match e {
            GoalError::Nothing(_) => WaitError::NothingToWaitFor(snap.domain.clone()),
            GoalError::Plan(p) => WaitError::UnknownOption(p.to_string()),
        }
    }
}

impl Wait {
    /// A wait for the repair of what `diagnosis` found in `snap`, with the recommended plan:
    /// the domain's authoritative servers (from the snapshot, asked on `auth_port`) and
    /// `resolvers`.
    pub fn start(
        diagnosis: &Diagnosis,
        snap: &Snapshot,
        resolvers: Vec<VantageSpec>,
        auth_port: u16,
        settings: WaitSettings,
        now: Millis,
    ) -> Result<Self, WaitError> {
        Self::start_option(diagnosis, snap, None, resolvers, auth_port, settings, now)
    }

    /// The wait that follows a check, as the window and `mxdoctor watch` start it: the plan
    /// with alias option `option` for the mailbox service `choice`, watched at the DNS host's
    /// servers (on `auth_port`), at the resolvers the check asked (`asked`) or, when it asked
    /// this computer's, at this computer's and the public ones.
    pub fn after_check(
        snap: &Snapshot,
        choice: crate::diagnose::ProviderChoice,
        option: Option<&str>,
        asked: &[SocketAddr],
        auth_port: u16,
        settings: WaitSettings,
        now: Millis,
    ) -> Result<Self, WaitError> {
        let system = if asked.is_empty() {
            crate::dns::system_resolvers().unwrap_or_default()
        } else {
            Vec::new()
        };
        let diagnosis = crate::diagnose::diagnose(snap, choice);
        Self::start_option(
            &diagnosis,
            snap,
            option,
            view::resolver_specs(asked, &system),
            auth_port,
            settings,
            now,
        )
    }

    /// A wait for the plan with alias option `option` (`None`: the recommended plan), as the
    /// repair step showed it: the goal comes from the core, never from a screen's copy.
    pub fn start_option(
        diagnosis: &Diagnosis,
        snap: &Snapshot,
        option: Option<&str>,
        resolvers: Vec<VantageSpec>,
        auth_port: u16,
        settings: WaitSettings,
        now: Millis,
    ) -> Result<Self, WaitError> {
        let goal = goal(diagnosis, snap, option).map_err(|e| WaitError::from_goal(e, snap))?;
        Self::start_goal(goal, diagnosis, snap, resolvers, auth_port, settings, now)
    }

    /// A wait for `goal` (the plan the user chose, see [`goal`]).
    pub fn start_goal(
        goal: Goal,
        diagnosis: &Diagnosis,
        snap: &Snapshot,
        resolvers: Vec<VantageSpec>,
        auth_port: u16,
        settings: WaitSettings,
        now: Millis,
    ) -> Result<Self, WaitError> {
        if snap.authoritative.is_empty() {
            return Err(WaitError::NoDnsHost(snap.domain.clone()));
        }
        let mut specs: Vec<VantageSpec> = Vec::new();
        let mut unasked = Vec::new();
        for server in &snap.authoritative {
            let Some(ip) = server.address.as_ref().and_then(|a| a.parse().ok()) else {
                unasked.push(server.host.clone());
                continue;
            };
            specs.push(VantageSpec {
                kind: VantageKind::Authoritative,
                name: server.host.clone(),
                server: SocketAddr::new(ip, auth_port),
            });
        }
        specs.extend(resolvers);
        let conditions = goal.conditions;
        // The old data's full TTL, from what the DNS host published when the check ran.
        let old_ttl = snap
            .authoritative
            .iter()
            .flat_map(|s| {
                conditions
                    .iter()
                    .filter_map(|c| match evaluate(c, |n, t| s.get(n, t)) {
                        Verdict::Unmet(gap) => gap.ttl,
                        _ => None,
                    })
                    .collect::<Vec<_>>()
            })
            .max();
        let provider = diagnosis.provider.as_ref().map(|p| p.id.clone());
        let mut wait = Self::new(&snap.domain, provider, conditions, specs, settings, now)?;
        wait.old_ttl = old_ttl;
        wait.option = goal.option;
        wait.mail_host = Some(goal.mail_host);
        wait.rows = goal
            .rows
            .into_iter()
            .map(|(row, condition, optional)| WaitRow {
                row,
                condition,
                optional,
            })
            .collect();
        wait.unasked = unasked;
        Ok(wait)
    }

    /// A wait for `conditions` at `domain`, asking `specs` (duplicates dropped).
    pub fn new(
        domain: &str,
        provider: Option<String>,
        conditions: Vec<Condition>,
        specs: Vec<VantageSpec>,
        settings: WaitSettings,
        now: Millis,
    ) -> Result<Self, WaitError> {
        if conditions.is_empty() {
            return Err(WaitError::NothingToWaitFor(domain.to_string()));
        }
        let mut vantages: Vec<Vantage> = Vec::new();
        for s in specs {
            let cache = s.kind.is_cache();
            if !vantages
                .iter()
                .any(|v| v.server == s.server && v.kind.is_cache() == cache)
            {
                vantages.push(Vantage::new(s.kind, s.name, s.server, now));
            }
        }
        if vantages.is_empty() {
            return Err(WaitError::NoVantage(domain.to_string()));
        }
        Ok(Self {
            format: WAIT_FORMAT,
            domain: domain.to_string(),
            provider,
            conditions,
            deadline: now.saturating_add(settings.max_wait),
            settings,
            started_at: now,
            saved_at: None,
            old_ttl: None,
            vantages,
            finished: None,
            rounds: 0,
            option: None,
            rows: Vec::new(),
            unasked: Vec::new(),
            mail_host: None,
            published_at: None,
        })
    }

    pub fn from_json(text: &str) -> Result<Self, WaitError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.len() > MAX_WAIT_BYTES {
            return Err(WaitError::NotAWait(format!(
                "larger than {} MB",
                MAX_WAIT_BYTES / (1024 * 1024)
            )));
        }
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| WaitError::NotAWait(e.to_string()))?;
        match value.get("format").and_then(|f| f.as_u64()) {
            Some(f) if f == u64::from(WAIT_FORMAT) => {}
            Some(f) => {
                return Err(WaitError::WrongFormat {
                    found: u32::try_from(f).unwrap_or(u32::MAX),
                })
            }
            None => return Err(WaitError::NotAWait("no format field".into())),
        }
        let mut wait: Self =
            serde_json::from_value(value).map_err(|e| WaitError::NotAWait(e.to_string()))?;
        // The domain as the check writes it (a file edited by hand may have capitals).
        wait.domain = crate::dns::canonical(&wait.domain);
        // A server listed twice is asked once (the first entry keeps what it saw).
        let mut seen = std::collections::HashSet::new();
        wait.vantages.retain(|v| seen.insert((v.kind, v.server)));
        wait.validate()?;
        Ok(wait)
    }

    /// A saved wait is a file anyone could have written: one whose times, intervals or goal
    /// could not come from a wait is refused (and set aside by the caller), never run.
    fn validate(&self) -> Result<(), WaitError> {
        // 9999-12-31: RFC 3339 has four-digit years.
        const LAST: Millis = 253_402_300_799_000;
        let bad = |why: &str| Err(WaitError::NotAWait(why.to_string()));
        let mut times = vec![
            Some(self.started_at),
            Some(self.deadline),
            self.saved_at,
            self.published_at,
            self.finished.map(|f| f.at),
        ];
        for v in &self.vantages {
            times.extend([
                v.checked_at,
                v.next_check,
                v.cleared_at,
                v.expiry.map(|e| e.earliest),
                v.expiry.map(|e| e.latest),
            ]);
        }
        if times.into_iter().flatten().any(|t| t > LAST) {
            return bad("a time after the year 9999");
        }
        let s = &self.settings;
        let day = 86_400_000;
        if s.min_interval > 3_600_000
            || !(1..=day).contains(&s.poll_interval)
            || s.max_interval > day
            || s.max_wait > WaitSettings::MAX_WAIT_SECS.end() * 1000
            || s.margin > 60_000
        {
            return bad("check intervals out of range");
        }
        if self.conditions.iter().all(Condition::is_optional) {
            return bad("nothing to wait for");
        }
        if self
            .rows
            .iter()
            .any(|r| r.condition.is_some_and(|i| i >= self.conditions.len()))
        {
            return bad("a row without its condition");
        }
        if self.vantages.is_empty() {
            return bad("no server to ask");
        }
        if self.vantages.len() > MAX_VANTAGES {
            return bad(&format!(
                "{} servers to ask; a wait asks at most {MAX_VANTAGES}",
                self.vantages.len()
            ));
        }
        if self.conditions.len() > MAX_CONDITIONS || self.rows.len() > MAX_CONDITIONS {
            return bad(&format!("more than {MAX_CONDITIONS} rows to wait for"));
        }
        Ok(())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a wait always serialises")
    }

    /// Restores a saved wait at `now`: every vantage that is not clear is asked again at once
    /// (anything may have changed while nobody watched; what it showed last stays on view until
    /// the answer comes); the deadline stays where it was.
    pub fn resume(&mut self, now: Millis) {
        if self.finished.is_some() {
            return;
        }
        for v in &mut self.vantages {
            if v.state != VantageState::Clear {
                v.state = VantageState::Pending;
                v.next_check = Some(now);
            }
        }
    }

    /// The distinct questions asked of every vantage.
    pub fn questions(&self) -> Vec<(String, RType)> {
        questions(&self.conditions)
    }

    /// Whether a vantage of `kind` judges `condition`. The DNS host's servers judge every one
    /// (saved means every row is there); a cache judges what senders look up, not a website's
    /// addresses at the mail host or a TXT row elsewhere (DMARC), so it is asked fewer
    /// questions.
    pub fn judges(&self, kind: VantageKind, condition: &Condition) -> bool {
        if !kind.is_cache() {
            return true;
        }
        match condition {
            Condition::Row { name, rtype, .. } => match rtype {
                RType::A | RType::Aaaa => *name != self.domain,
                RType::TXT => *name == self.domain,
                _ => true,
            },
            _ => true,
        }
    }

    /// The indexes of the conditions vantage `index` judges.
    fn judged(&self, index: usize) -> Vec<usize> {
        let Some(v) = self.vantages.get(index) else {
            return Vec::new();
        };
        (0..self.conditions.len())
            .filter(|&i| self.judges(v.kind, &self.conditions[i]))
            .collect()
    }

    /// The questions to ask vantage `index` now. An authoritative server that still publishes
    /// the old data is asked only what was still wrong there (one question instead of several
    /// per poll, while the user is at their DNS console); once that looks right, everything
    /// is asked again at once before it counts as saved.
    pub fn questions_for(&self, index: usize) -> Vec<(String, RType)> {
        let Some(v) = self.vantages.get(index) else {
            return Vec::new();
        };
        let judged = self.judged(index);
        let all = || {
            questions(
                &judged
                    .iter()
                    .map(|&i| self.conditions[i].clone())
                    .collect::<Vec<_>>(),
            )
        };
        if v.state != VantageState::NotSaved
            || v.gaps.is_empty()
            || v.verdicts.len() != self.conditions.len()
        {
            return all();
        }
        // While the alias is there it hides everything else at the name: ask only for it.
        let alias = v.gaps.iter().any(|g| g.kind == GapKind::AliasPresent);
        let unmet: Vec<Condition> = judged
            .iter()
            .filter(|&&i| v.verdicts[i] == Some(false))
            .map(|&i| self.conditions[i].clone())
            .filter(|c| !alias || c.gap_kind() == GapKind::AliasPresent)
            .collect();
        if unmet.is_empty() {
            return all();
        }
        questions(&unmet)
    }

    fn auth(&self) -> impl Iterator<Item = &Vantage> {
        self.vantages.iter().filter(|v| !v.kind.is_cache())
    }

    fn caches(&self) -> impl Iterator<Item = &Vantage> {
        self.vantages.iter().filter(|v| v.kind.is_cache())
    }

    /// Where the wait stands.
    pub fn phase(&self) -> Phase {
        if let Some(f) = self.finished {
            return f.phase;
        }
        if self.auth().any(Vantage::holds_old) {
            Phase::NotSaved
        } else if self
            .vantages
            .iter()
            .any(|v| v.state == VantageState::Pending)
        {
            Phase::Checking
        } else if !self.unasked.is_empty()
            || self.auth().next().is_none()
            || self.auth().any(|v| v.state != VantageState::Clear)
        {
            // Saved needs every DNS host server, asked: with none asked, nothing is saved.
            Phase::SavedExcept
        } else {
            Phase::Propagating
        }
    }

    /// The indexes of the vantages to ask at `now`. While the edit is not saved, only the
    /// authoritative servers are asked: the caches cannot clear before it is.
    pub fn due(&self, now: Millis) -> Vec<usize> {
        if self.finished.is_some() {
            return Vec::new();
        }
        let not_saved = self.phase() == Phase::NotSaved;
        self.vantages
            .iter()
            .enumerate()
            .filter(|(_, v)| v.next_check.is_some_and(|t| t <= now))
            .filter(|(_, v)| !(not_saved && v.kind.is_cache() && v.state != VantageState::Pending))
            .map(|(i, _)| i)
            .collect()
    }

    /// When something is next due (or the deadline, if sooner); `None` once finished.
    pub fn next_wake(&self) -> Option<Millis> {
        if self.finished.is_some() {
            return None;
        }
        let not_saved = self.phase() == Phase::NotSaved;
        self.vantages
            .iter()
            .filter(|v| !(not_saved && v.kind.is_cache()))
            .filter_map(|v| v.next_check)
            .min()
            .map(|t| t.min(self.deadline))
            .or(Some(self.deadline))
    }

    /// Records what vantage `index` answered: `answers` to [`Wait::questions_for`], sent at
    /// `sent` and all back by `received`.
    pub fn record(
        &mut self,
        index: usize,
        answers: &[(String, RType, Outcome)],
        sent: Millis,
        received: Millis,
    ) {
        let settings = self.settings.clone();
        let judged = self.judged(index);
        let answer = |n: &str, t: RType| {
            answers
                .iter()
                .find(|(an, at, _)| an == n && *at == t)
                .map(|(_, _, o)| o)
        };
        let asked: Vec<usize> = judged
            .iter()
            .copied()
            .filter(|&i| {
                let (n, t) = self.conditions[i].question();
                answer(&n, t).is_some()
            })
            .collect();
        let partial = asked.len() < judged.len();
        let verdicts: Vec<(usize, Verdict)> = asked
            .iter()
            .map(|&i| (i, evaluate(&self.conditions[i], answer)))
            .collect();
        // A suggested row's verdict is kept (below), but neither it nor its failure holds the wait.
        let needed = |i: &usize| !self.conditions[*i].is_optional();
        let gaps: Vec<Gap> = verdicts
            .iter()
            .filter(|(i, _)| needed(i))
            .filter_map(|(_, x)| match x {
                Verdict::Unmet(g) => Some(g.clone()),
                _ => None,
            })
            .collect();
        let failure = verdicts
            .iter()
            .filter(|(i, _)| needed(i))
            .find_map(|(_, x)| match x {
                Verdict::Unknown(why) => Some(why.clone()),
                _ => None,
            });
        // The latest moment any cache may still hold the old data (the full TTL after it was
        // published): a cache that stopped answering is asked again by then at the latest.
        let bound = self.old_copy_bound();
        let count = self.conditions.len();
        let Some(v) = self.vantages.get_mut(index) else {
            return;
        };
        v.queries += answers.len() as u64;
        v.checked_at = Some(received);
        if v.verdicts.len() != count {
            v.verdicts = vec![None; count];
        }
        for (i, verdict) in &verdicts {
            v.verdicts[*i] = match verdict {
                Verdict::Met => Some(true),
                Verdict::Unmet(_) => Some(false),
                Verdict::Unknown(_) => None,
            };
        }
        if !gaps.is_empty() {
            v.failures = 0;
            v.failure = None;
            if v.kind.is_cache() {
                v.state = VantageState::Stale;
                let ttl = gaps.iter().filter_map(|g| g.ttl).max();
                v.expiry = ttl.map(|secs| narrow(v.expiry, sent, received, secs));
                v.next_check = Some(match v.expiry {
                    Some(e) => next_for_expiry(e, received, &settings),
                    None => received + settings.poll_interval,
                });
            } else {
                v.state = VantageState::NotSaved;
                let ttl = gaps.iter().filter_map(|g| g.ttl).max();
                self.old_ttl = self.old_ttl.max(ttl);
                v.next_check = Some(received + settings.poll_interval.max(settings.min_interval));
            }
            v.gaps = gaps;
        } else if failure.is_none() && partial {
            // What was wrong looks right: ask everything now before calling it saved.
            v.gaps.clear();
            v.next_check = Some(received);
        } else if let Some(why) = failure {
            // What it showed before stays on view (old data is not forgotten by a timeout).
            v.state = VantageState::Failed;
            v.failure = Some(why);
            v.failures = v.failures.saturating_add(1);
            // Doubling from the poll interval, to four times it at most: a server that comes
            // back is heard from within a minute or so, not after a quarter of an hour.
            let backoff = settings
                .poll_interval
                .saturating_mul(1 << v.failures.saturating_sub(1).min(2))
                .min(settings.max_interval.max(settings.poll_interval));
            let mut next = received.saturating_add(backoff.max(settings.min_interval));
            if v.kind.is_cache() {
                // Back off, but never past the moment its old copy (or any cache's) must go:
                // a cache that recovers is seen serving the change as soon as it can.
                let limits = [v.expiry.map(|e| e.latest + settings.margin), bound];
                for limit in limits.into_iter().flatten() {
                    if limit > received {
                        next = next.min(limit.max(received + settings.min_interval));
                    }
                }
            }
            v.next_check = Some(next);
        } else {
            v.state = VantageState::Clear;
            v.gaps.clear();
            v.failure = None;
            v.failures = 0;
            v.expiry = None;
            v.next_check = None;
            v.cleared_at = Some(received);
        }
    }

    /// After a round: note when the edit was first seen published and saved (and ask the
    /// caches whose old data may have been fetched again meanwhile), then finish if every
    /// vantage is clear (or clear except ones that never answered), or the deadline passed.
    pub fn conclude(&mut self, now: Millis) {
        if self.finished.is_some() {
            return;
        }
        self.rounds += 1;
        let auth_answered = self.auth().all(|v| v.state != VantageState::Pending);
        let published = self.auth().any(|v| v.state == VantageState::Clear)
            && !self.auth().any(Vantage::holds_old)
            && auth_answered;
        if self.published_at.is_none() && published {
            self.published_at = Some(now);
            // A cache whose old data expired before the change was seen may have fetched the
            // old data again: its schedule is no longer known, so ask it now.
            for v in self.vantages.iter_mut().filter(|v| v.kind.is_cache()) {
                if v.state == VantageState::Stale
                    && v.expiry.is_none_or(|e| e.latest <= now)
                    && v.next_check.is_some_and(|t| t > now)
                {
                    v.next_check = Some(now);
                }
            }
        }
        let all_auth_clear = self.auth().next().is_some()
            && self.auth().all(|v| v.state == VantageState::Clear)
            && self.unasked.is_empty();
        if self.saved_at.is_none() && all_auth_clear {
            self.saved_at = Some(now);
        }
        let pending = self
            .vantages
            .iter()
            .any(|v| v.state == VantageState::Pending);
        let every_clear = self.vantages.iter().all(|v| v.state == VantageState::Clear);
        // Each group that has members has one that answered with the new data.
        let seen = |mut group: Box<dyn Iterator<Item = &Vantage> + '_>| {
            let mut any = false;
            let clear = group.any(|v| {
                any = true;
                v.state == VantageState::Clear
            });
            clear || !any
        };
        let bound = self.old_copy_bound();
        let rest_silent = self
            .vantages
            .iter()
            .all(|v| v.state == VantageState::Clear || v.given_up(now, bound));
        if !pending && every_clear && self.unasked.is_empty() {
            self.finished = Some(Finish {
                phase: Phase::Clear,
                at: now,
            });
        } else if !pending
            && rest_silent
            && seen(Box::new(self.auth()))
            && seen(Box::new(self.caches()))
        {
            self.finished = Some(Finish {
                phase: Phase::ClearExcept,
                at: now,
            });
        } else if now >= self.deadline {
            self.finished = Some(Finish {
                phase: Phase::TimedOut,
                at: now,
            });
        }
    }

    /// The latest moment any cache may still hold the old data: the old data's full TTL after
    /// the change was seen saved (or published, or the wait started), plus a second.
    fn old_copy_bound(&self) -> Option<Millis> {
        self.old_ttl.map(|ttl| {
            self.saved_at
                .or(self.published_at)
                .unwrap_or(self.started_at)
                .saturating_add(u64::from(ttl) * 1000 + 1000)
        })
    }

    /// The vantages the wait ended without (or has no answer from yet): names, with why.
    pub fn silent(&self) -> Vec<(&str, Option<&str>)> {
        self.vantages
            .iter()
            .filter(|v| v.state == VantageState::Failed)
            .map(|v| (v.name.as_str(), v.failure.as_deref()))
            .chain(self.unasked.iter().map(|n| (n.as_str(), None)))
            .collect()
    }

    /// The expected end, once the edit is saved; `None` before that (it has not started).
    pub fn estimate(&self, now: Millis) -> Option<TimeRange> {
        if let Some(f) = self.finished {
            return matches!(f.phase, Phase::Clear | Phase::ClearExcept).then_some(TimeRange {
                earliest: f.at,
                latest: f.at,
            });
        }
        if !matches!(self.phase(), Phase::Propagating | Phase::SavedExcept) {
            return None;
        }
        let stale: Vec<TimeRange> = self
            .caches()
            .filter(|v| v.state == VantageState::Stale)
            .filter_map(|v| v.expiry)
            .collect();
        let earliest = stale
            .iter()
            .map(|e| e.earliest)
            .max()
            .unwrap_or(now)
            .max(now);
        let seen_latest = stale.iter().map(|e| e.latest).max().unwrap_or(now);
        let full = self.old_ttl.map(|ttl| {
            self.saved_at
                .or(self.published_at)
                .unwrap_or(self.started_at)
                + u64::from(ttl) * 1000
                + 1000
        });
        let latest = seen_latest.max(full.unwrap_or(0)).max(earliest);
        Some(TimeRange { earliest, latest })
    }

    /// Questions sent so far, to every vantage.
    pub fn queries(&self) -> u64 {
        self.vantages.iter().map(|v| v.queries).sum()
    }
}

/// The expiry window of a cache that said `secs` remain, asked at `sent`, answered by
/// `received`: it was answering from a copy that expires after `sent + secs` and, since TTLs
/// are rounded down to whole seconds, no later than `received + secs + 1 s`. When the previous
/// window overlaps (the same copy), the two are intersected.
fn narrow(previous: Option<TimeRange>, sent: Millis, received: Millis, secs: u32) -> TimeRange {
    let ttl = u64::from(secs) * 1000;
    let new = TimeRange {
        earliest: sent + ttl,
        latest: received + ttl + 1000,
    };
    match previous {
        Some(p) if new.earliest <= p.latest && p.earliest <= new.latest => {
            let earliest = p.earliest.max(new.earliest);
            let latest = p.latest.min(new.latest);
            if earliest <= latest {
                TimeRange { earliest, latest }
            } else {
                new
            }
        }
        _ => new,
    }
}

/// When to ask a stale cache again. Caches keep an absolute expiry in whole seconds of their
/// clock (Unbound and BIND do), so the copy goes at a whole second: the first one inside the
/// window, asked `margin` after (if its clock runs a little behind ours, it answers "0 s left"
/// and the next whole second is tried). A window without a whole second: just after it.
fn next_for_expiry(e: TimeRange, now: Millis, s: &WaitSettings) -> Millis {
    let whole = (e.earliest / 1000 + 1) * 1000;
    let at = if whole <= e.latest {
        whole + s.margin
    } else {
        e.latest + s.margin
    };
    at.max(now + s.min_interval).min(now + s.max_interval)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_persons_interval_bounds_are_kept_or_refused_in_words() {
        let w = WaitSettings::bounded(30, 600).unwrap();
        assert_eq!((w.poll_interval, w.max_interval), (30_000, 600_000));
        assert_eq!(w.min_interval, WaitSettings::default().min_interval);
        // One set of bounds for the window and `watch --interval`: 1 s to a day.
        assert_eq!(WaitSettings::bounded(0, 600), Err(BoundsError::Poll));
        assert_eq!(WaitSettings::bounded(86_401, 3600), Err(BoundsError::Poll));
        assert!(WaitSettings::bounded(1, 600).is_ok());
        assert_eq!(WaitSettings::interval_flag("1"), Ok(1000));
        assert_eq!(WaitSettings::interval_flag("15m"), Ok(900_000));
        assert!(WaitSettings::interval_flag("86401")
            .unwrap_err()
            .to_string()
            .contains("--interval must be between 1s and 1day"));
        assert!(WaitSettings::max_wait_flag("31days").is_err());
        assert_eq!(WaitSettings::bounded(60, 30), Err(BoundsError::Gap(60)));
        assert_eq!(WaitSettings::bounded(60, 7200), Err(BoundsError::Gap(60)));
        assert!(BoundsError::Gap(60)
            .to_string()
            .contains("between 60 and 3600"));
    }

    #[test]
    fn one_answer_pins_expiry_to_a_second_and_a_second_narrows_it() {
        // 30 s left, asked at t=1000 ms, answered at 1010 ms.
        let e = narrow(None, 1_000, 1_010, 30);
        assert_eq!(
            e,
            TimeRange {
                earliest: 31_000,
                latest: 32_010
            }
        );
        // Asked again at 31 300 ms: 0 s left, so the same copy, expiring by 32 300 ms.
        let e2 = narrow(Some(e), 31_300, 31_305, 0);
        assert_eq!(
            e2,
            TimeRange {
                earliest: 31_300,
                latest: 32_010
            }
        );
        // A fresh copy (TTL back to 60) replaces the window.
        let e3 = narrow(Some(e2), 40_000, 40_001, 60);
        assert_eq!(e3.earliest, 100_000);
    }

    #[test]
    fn the_next_question_follows_the_window_within_the_bounds() {
        let s = WaitSettings::default();
        let e = TimeRange {
            earliest: 31_000,
            latest: 32_010,
        };
        // The whole second inside (31 000, 32 010] is 32 000.
        assert_eq!(next_for_expiry(e, 1_010, &s), 32_000 + s.margin);
        // Asked then, it still had the copy (0 s left; its clock is behind ours): the next
        // whole second.
        let e = narrow(Some(e), 32_250, 32_255, 0);
        assert_eq!(next_for_expiry(e, 32_255, &s), 33_000 + s.margin);
        // A day-long TTL is still looked at every max_interval.
        let far = TimeRange {
            earliest: 86_400_000,
            latest: 86_401_000,
        };
        assert_eq!(next_for_expiry(far, 0, &s), s.max_interval);
        // Never sooner than min_interval after the last question.
        let past = TimeRange {
            earliest: 0,
            latest: 10,
        };
        assert_eq!(next_for_expiry(past, 5_000, &s), 5_000 + s.min_interval);
    }

    #[test]
    fn a_saved_wait_of_another_format_is_refused_with_a_message() {
        assert!(matches!(
            Wait::from_json(r#"{"format": 99}"#),
            Err(WaitError::WrongFormat { found: 99 })
        ));
        assert!(matches!(Wait::from_json("{"), Err(WaitError::NotAWait(_))));
        assert!(matches!(Wait::from_json("[]"), Err(WaitError::NotAWait(_))));
    }
}

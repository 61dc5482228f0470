//! Snapshot fixtures for the rule tests: a healthy-but-empty `example.com` with one
//! authoritative server, to which each test adds the records of its situation.

use super::{diagnose, Code, Diagnosis, Finding, FixRow, ProviderChoice};
use crate::dns::{DnsRecord, Observation, Outcome, RType, RecordData, Status};
use crate::providers;
use crate::snapshot::{AuthServer, Snapshot, SNAPSHOT_FORMAT};

pub const DOMAIN: &str = "example.com";
pub const TTL: u32 = 600;
/// Alibaba Mail Standard's MX set (seed 001 §2.1).
pub const ALIBABA: [(u16, &str); 3] = [
    (5, "mx1.qiye.aliyun.com"),
    (10, "mx2.qiye.aliyun.com"),
    (15, "mx3.qiye.aliyun.com"),
];

pub struct World {
    snap: Snapshot,
}

/// `example.com`, zone apex, one authoritative server; every question asked, nothing found.
pub fn world() -> World {
    let host_types = [RType::MX, RType::Cname, RType::A, RType::Aaaa, RType::TXT];
    let mut recursive: Vec<Observation> = host_types
        .iter()
        .chain([RType::NS, RType::SOA].iter())
        .map(|t| obs(DOMAIN, *t, nodata()))
        .collect();
    recursive.push(obs(&format!("_dmarc.{DOMAIN}"), RType::TXT, nodata()));
    let auth = AuthServer {
        host: "ns1.example.com".into(),
        address: Some("192.0.2.53".into()),
        observations: host_types
            .iter()
            .map(|t| obs(DOMAIN, *t, nodata()))
            .collect(),
    };
    World {
        snap: Snapshot {
            format: SNAPSHOT_FORMAT,
            domain: DOMAIN.into(),
            taken_at: 0,
            resolvers: vec!["192.0.2.1:53".into()],
            zone: Some(DOMAIN.into()),
            recursive,
            authoritative: vec![auth],
        },
    }
}

/// A mail host below its organisational domain, in the same zone.
pub const SUB: &str = "sub.example.com";

/// `sub.example.com` as the mail host, in the zone `example.com` (also its organisational
/// domain), with Alibaba Mail Standard's MX and SPF: `_dmarc.sub.example.com` does not exist
/// and `_dmarc.example.com` (asked in the same round) holds no record until a test sets one.
pub fn sub_world() -> World {
    world()
        .with(|snap| {
            snap.domain = SUB.into();
            let observations = snap.recursive.iter_mut().chain(
                snap.authoritative
                    .iter_mut()
                    .flat_map(|s| &mut s.observations),
            );
            for o in observations.filter(|o| o.name == DOMAIN) {
                o.name = SUB.into();
            }
        })
        .rec(&format!("_dmarc.{SUB}"), RType::TXT, nx())
        .auth_mx(SUB, &ALIBABA)
        .auth_txt(SUB, &["v=spf1 include:spf.qiye.aliyun.com -all"])
        .auth_txt("spf.qiye.aliyun.com", &["v=spf1 ip4:198.51.100.0/24 -all"])
}

pub fn obs(name: &str, rtype: RType, outcome: Outcome) -> Observation {
    Observation {
        name: name.into(),
        rtype,
        outcome,
    }
}

pub fn answer(records: Vec<DnsRecord>) -> Outcome {
    Outcome {
        status: Status::Answer,
        records,
        negative_ttl: None,
        zone: None,
        authoritative: true,
        detail: None,
        delegation: Vec::new(),
    }
}

pub fn nodata() -> Outcome {
    Outcome {
        status: Status::NoData,
        records: Vec::new(),
        negative_ttl: Some(300),
        zone: Some(DOMAIN.into()),
        authoritative: true,
        detail: None,
        delegation: Vec::new(),
    }
}

pub fn nx() -> Outcome {
    Outcome {
        status: Status::NxDomain,
        ..nodata()
    }
}

pub fn failed(status: Status) -> Outcome {
    Outcome::failed(status, "test failure")
}

pub fn rec(name: &str, data: RecordData) -> DnsRecord {
    DnsRecord {
        name: name.into(),
        ttl: TTL,
        data,
    }
}

pub fn mx(name: &str, preference: u16, exchange: &str) -> DnsRecord {
    rec(
        name,
        RecordData::MX {
            preference,
            exchange: exchange.into(),
        },
    )
}

pub fn cname(name: &str, target: &str) -> DnsRecord {
    rec(
        name,
        RecordData::Cname {
            target: target.into(),
        },
    )
}

pub fn a(name: &str, ip: &str) -> DnsRecord {
    rec(
        name,
        RecordData::A {
            address: ip.parse().expect("test IPv4 address"),
        },
    )
}

pub fn txt(name: &str, text: &str) -> DnsRecord {
    rec(name, RecordData::TXT { text: text.into() })
}

fn set(list: &mut Vec<Observation>, name: &str, rtype: RType, outcome: Outcome) {
    match list.iter_mut().find(|o| o.name == name && o.rtype == rtype) {
        Some(o) => o.outcome = outcome,
        None => list.push(obs(name, rtype, outcome)),
    }
}

impl World {
    /// Sets the answer of the recursive resolvers.
    pub fn rec(mut self, name: &str, rtype: RType, outcome: Outcome) -> Self {
        set(&mut self.snap.recursive, name, rtype, outcome);
        self
    }

    /// Sets the answer of every authoritative server (and of the resolvers, which agree).
    pub fn auth(mut self, name: &str, rtype: RType, outcome: Outcome) -> Self {
        if name == self.snap.domain {
            for server in &mut self.snap.authoritative {
                set(&mut server.observations, name, rtype, outcome.clone());
            }
        }
        self.rec(name, rtype, outcome)
    }

    /// Sets the answer of one authoritative server only.
    pub fn auth_on(mut self, server: usize, rtype: RType, outcome: Outcome) -> Self {
        set(
            &mut self.snap.authoritative[server].observations,
            DOMAIN,
            rtype,
            outcome,
        );
        self
    }

    /// Adds a second authoritative server that answers like the first.
    pub fn second_server(mut self) -> Self {
        let mut second = self.snap.authoritative[0].clone();
        second.host = "ns2.example.com".into();
        second.address = Some("192.0.2.54".into());
        self.snap.authoritative.push(second);
        self
    }

    /// MX records at `name`; each exchange resolves to an address unless set otherwise.
    pub fn auth_mx(mut self, name: &str, entries: &[(u16, &str)]) -> Self {
        let records = entries.iter().map(|(p, h)| mx(name, *p, h)).collect();
        self = self.auth(name, RType::MX, answer(records));
        for (_, host) in entries {
            if self.snap.recursive(host, RType::A).is_none() {
                self = self
                    .rec(host, RType::A, answer(vec![a(host, "198.51.100.25")]))
                    .rec(host, RType::Aaaa, nodata());
            }
        }
        self
    }

    /// `name` does not exist: the resolvers answer NXDOMAIN to its A and AAAA questions.
    pub fn rec_nx_host(self, name: &str) -> Self {
        self.rec(name, RType::A, nx()).rec(name, RType::Aaaa, nx())
    }

    /// `name` resolves directly to `ip` (IPv4 only).
    pub fn rec_host(self, name: &str, ip: &str) -> Self {
        self.rec(name, RType::A, answer(vec![a(name, ip)]))
            .rec(name, RType::Aaaa, nodata())
    }

    pub fn auth_cname(self, name: &str, target: &str) -> Self {
        self.auth(name, RType::Cname, answer(vec![cname(name, target)]))
    }

    /// The MX question at `name` is answered with the alias alone.
    pub fn auth_mx_answer_is_cname(self, name: &str, target: &str) -> Self {
        let mut o = nodata();
        o.records = vec![cname(name, target)];
        self.auth(name, RType::MX, o)
    }

    pub fn auth_a(self, name: &str, ip: &str) -> Self {
        self.auth(name, RType::A, answer(vec![a(name, ip)]))
    }

    /// An A answer at `name` through an alias: `name CNAME via`, `via A ip`.
    pub fn rec_a_via(self, name: &str, via: &str, ip: &str) -> Self {
        self.rec(name, RType::A, answer(vec![cname(name, via), a(via, ip)]))
    }

    pub fn auth_txt(self, name: &str, texts: &[&str]) -> Self {
        let records: Vec<DnsRecord> = texts.iter().map(|t| txt(name, t)).collect();
        let outcome = if records.is_empty() {
            nodata()
        } else {
            answer(records)
        };
        self.auth(name, RType::TXT, outcome)
    }

    /// The healthy Alibaba Mail Standard set of seed 001 §2.3, MX and SPF.
    pub fn alibaba_healthy(self) -> Self {
        self.auth_mx(DOMAIN, &ALIBABA)
            .auth_txt(DOMAIN, &["v=spf1 include:spf.qiye.aliyun.com -all"])
            .auth_txt("spf.qiye.aliyun.com", &["v=spf1 ip4:198.51.100.0/24 -all"])
            .auth_txt("_dmarc.example.com", &["v=DMARC1; p=none"])
    }

    pub fn with<F: FnOnce(&mut Snapshot)>(mut self, edit: F) -> Self {
        edit(&mut self.snap);
        self
    }

    pub fn build(self) -> Snapshot {
        self.snap
    }
}

pub fn alibaba() -> ProviderChoice {
    ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone())
}

pub fn detect() -> ProviderChoice {
    ProviderChoice::Detect
}

pub fn codes(d: &Diagnosis) -> Vec<Code> {
    d.findings.iter().map(|f| f.code).collect()
}

pub fn has(d: &Diagnosis, code: Code) -> bool {
    d.findings.iter().any(|f| f.code == code)
}

/// The one finding with this code; fails the test when there is none or more than one.
pub fn only(d: &Diagnosis, code: Code) -> &Finding {
    let found: Vec<&Finding> = d.findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {code:?}, got findings {:?}",
        codes(d)
    );
    found[0]
}

/// A row as a line: `delete @ MX 5 mx1.example`.
pub fn row_text(row: &FixRow) -> String {
    let priority = row
        .priority
        .map(|p| p.to_string())
        .unwrap_or_else(|| "-".into());
    let mut s = format!(
        "{} {} {} {} {}",
        serde_json::to_value(row.action).unwrap().as_str().unwrap(),
        row.host,
        row.rtype,
        priority,
        row.value
    );
    match (row.new_priority, &row.new_value) {
        (Some(p), Some(new)) => s.push_str(&format!(" -> {p} {new}")),
        (None, Some(new)) => s.push_str(&format!(" -> {new}")),
        (Some(p), None) => s.push_str(&format!(" -> {p}")),
        (None, None) => {}
    }
    s
}

/// Diagnoses against Alibaba Mail Standard, the seeds' provider.
pub fn check(snap: &Snapshot) -> Diagnosis {
    diagnose(snap, alibaba())
}

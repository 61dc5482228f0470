//! Zones as hosting panels store them, and the answers an authoritative server gives from them.
//!
//! Unlike a strict DNS server, a [`Zone`] accepts a CNAME beside other data at one name: Alibaba
//! Cloud DNS and other panels do serve `@ CNAME` next to `@ MX` (see `shared/DESIGN.md`, "What
//! the field has taught"), and MX Doctor must be tested against exactly that.

use std::collections::BTreeMap;
use std::path::Path;

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_proto::serialize::txt::Parser;

/// How a server answers a query for a name that holds a CNAME beside other records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CnamePolicy {
    /// The CNAME wins for every type (RFC 1034 §3.6.2): an MX typed into the panel beside
    /// the CNAME is invisible. This is what most authoritative servers do.
    #[default]
    CnameHidesOthers,
    /// Records of the asked type are served when they exist, the CNAME otherwise: the other
    /// half of what panels serve.
    ServeBoth,
}

/// One zone: its origin and its records, in file order.
#[derive(Clone, Debug)]
pub struct Zone {
    origin: Name,
    records: Vec<Record>,
}

/// A zone file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ZoneError {
    #[error("cannot read zone file {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("zone file does not parse: {0}")]
    Parse(String),
    #[error("zone {0} has no SOA record")]
    NoSoa(String),
}

/// What a server answers to one question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub rcode: ResponseCode,
    pub answers: Vec<Record>,
    /// The zone's SOA for negative answers (RFC 2308 §3), with the negative TTL as its TTL.
    pub soa: Option<Record>,
}

impl Zone {
    /// Parses RFC 1035 master-file text; `origin` is used when the text has no `$ORIGIN`.
    pub fn parse(text: &str, origin: Option<&str>) -> Result<Self, ZoneError> {
        let origin = match origin {
            Some(o) => Some(Name::from_ascii(o).map_err(|e| ZoneError::Parse(e.to_string()))?),
            None => None,
        };
        let (origin, sets) = Parser::new(text, None, origin)
            .parse()
            .map_err(|e| ZoneError::Parse(e.to_string()))?;
        let records: Vec<Record> = sets
            .into_values()
            .flat_map(|set| set.records_without_rrsigs().cloned().collect::<Vec<_>>())
            .collect();
        let zone = Self { origin, records };
        zone.soa_record()
            .ok_or_else(|| ZoneError::NoSoa(zone.origin.to_string()))?;
        Ok(zone)
    }

    /// Reads and parses a zone file.
    pub fn from_file(path: &Path, origin: Option<&str>) -> Result<Self, ZoneError> {
        let text = std::fs::read_to_string(path).map_err(|source| ZoneError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, origin)
    }

    pub fn origin(&self) -> &Name {
        &self.origin
    }

    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The records, to edit as a panel does (the SOA should stay).
    pub fn records_mut(&mut self) -> &mut Vec<Record> {
        &mut self.records
    }

    /// Replaces every record of `rtype` at `name` with `data` (empty `data` deletes them), as a
    /// panel's edit would. Returns how many records were removed.
    pub fn replace(&mut self, name: &Name, rtype: RecordType, ttl: u32, data: Vec<RData>) -> usize {
        let before = self.records.len();
        self.records
            .retain(|r| !(r.name == *name && r.record_type() == rtype));
        let removed = before - self.records.len();
        for rdata in data {
            let mut record = Record::from_rdata(name.clone(), ttl, rdata);
            record.dns_class = DNSClass::IN;
            self.records.push(record);
        }
        removed
    }

    fn soa_record(&self) -> Option<&Record> {
        self.records
            .iter()
            .find(|r| r.record_type() == RecordType::SOA && r.name == self.origin)
    }

    /// The SOA to put in a negative answer: its TTL is min(SOA TTL, SOA MINIMUM) (RFC 2308 §5).
    fn negative_soa(&self) -> Option<Record> {
        let soa = self.soa_record()?;
        let minimum = match &soa.data {
            RData::SOA(s) => s.minimum,
            _ => soa.ttl,
        };
        let mut soa = soa.clone();
        soa.ttl = soa.ttl.min(minimum);
        Some(soa)
    }

    fn contains(&self, name: &Name) -> bool {
        self.origin.zone_of(name)
    }

    fn at<'a>(&'a self, name: &'a Name) -> impl Iterator<Item = &'a Record> + 'a {
        self.records.iter().filter(move |r| r.name == *name)
    }

    /// The records at `name`, or, when `name` does not exist, those of the wildcard at its
    /// closest encloser, owned by `name` (RFC 4592 §3.3.1). `None` when neither exists.
    fn at_or_wildcard(&self, name: &Name) -> Option<Vec<Record>> {
        if self.name_exists(name) {
            return Some(self.at(name).cloned().collect());
        }
        let mut encloser = name.base_name();
        while !self.name_exists(&encloser) && self.origin.zone_of(&encloser.base_name()) {
            encloser = encloser.base_name();
        }
        let wildcard = encloser.prepend_label("*").ok()?;
        let synthesised: Vec<Record> = self
            .at(&wildcard)
            .map(|r| {
                let mut r = r.clone();
                r.name = name.clone();
                r
            })
            .collect();
        (!synthesised.is_empty()).then_some(synthesised)
    }

    /// True when the name owns records or has descendants (an empty non-terminal, RFC 8020).
    fn name_exists(&self, name: &Name) -> bool {
        self.records.iter().any(|r| name.zone_of(&r.name))
    }
}

/// Answers `qname`/`qtype` from a set of zones, following CNAME chains across them (at most
/// eight links, so a CNAME loop ends) the way a recursive resolver in front of them would.
pub fn answer(zones: &[Zone], qname: &Name, qtype: RecordType, policy: CnamePolicy) -> Answer {
    let Some(first) = best_zone(zones, qname) else {
        return Answer {
            rcode: ResponseCode::Refused,
            answers: Vec::new(),
            soa: None,
        };
    };
    let mut answers = Vec::new();
    let mut name = qname.clone();
    let mut zone = first;
    for _ in 0..8 {
        let found = zone.at_or_wildcard(&name);
        let exists = found.is_some();
        let here: Vec<Record> = found.unwrap_or_default();
        let wanted: Vec<Record> = here
            .iter()
            .filter(|r| r.record_type() == qtype)
            .cloned()
            .collect();
        let cname = here.iter().find(|r| r.record_type() == RecordType::CNAME);
        // The zone's own SOA and NS at its apex are the panel's, not the user's: they are
        // served even where the user put a CNAME.
        let infrastructure =
            name == zone.origin && matches!(qtype, RecordType::SOA | RecordType::NS);
        let cname_first =
            !infrastructure && (policy == CnamePolicy::CnameHidesOthers || wanted.is_empty());
        match cname {
            Some(cname) if qtype != RecordType::CNAME && cname_first => {
                answers.push(cname.clone());
                let RData::CNAME(target) = &cname.data else {
                    break;
                };
                let target = target.0.clone();
                match best_zone(zones, &target) {
                    Some(next) => {
                        zone = next;
                        name = target;
                    }
                    // The target lies outside every zone we serve: an authoritative server
                    // answers with the CNAME alone.
                    None => return positive(answers),
                }
            }
            _ if !wanted.is_empty() => {
                answers.extend(wanted);
                return positive(answers);
            }
            _ => {
                let rcode = if exists {
                    ResponseCode::NoError
                } else {
                    ResponseCode::NXDomain
                };
                return Answer {
                    rcode,
                    answers,
                    soa: zone.negative_soa(),
                };
            }
        }
    }
    // A chain longer than eight links: answer what we have; the client sees the loop.
    positive(answers)
}

fn positive(answers: Vec<Record>) -> Answer {
    Answer {
        rcode: ResponseCode::NoError,
        answers,
        soa: None,
    }
}

fn best_zone<'a>(zones: &'a [Zone], name: &Name) -> Option<&'a Zone> {
    zones
        .iter()
        .filter(|z| z.contains(name))
        .max_by_key(|z| z.origin.num_labels())
}

/// Loads every zone file in `dir` whose name ends in `.zone`, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<BTreeMap<String, Zone>, ZoneError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ZoneError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    let mut zones = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "zone") {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            zones.insert(stem, Zone::from_file(&path, None)?);
        }
    }
    Ok(zones)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE: &str = "$ORIGIN example.test.
$TTL 600
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 127.0.0.11
@ IN CNAME cdn.example.net.
@ IN MX 5 mx1.qiye.aliyun.com.
www IN CNAME web
web IN A 192.0.2.10
loop1 IN CNAME loop2
loop2 IN CNAME loop1
a.b IN A 192.0.2.1
*.w IN CNAME web
";

    fn zone() -> Zone {
        Zone::parse(ZONE, None).expect("test zone parses")
    }

    fn name(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    #[test]
    fn cname_beside_mx_is_loaded_and_hides_the_mx() {
        let z = [zone()];
        let a = answer(
            &z,
            &name("example.test."),
            RecordType::MX,
            CnamePolicy::default(),
        );
        assert_eq!(a.rcode, ResponseCode::NoError);
        assert_eq!(
            a.answers.len(),
            1,
            "only the CNAME is served: {:?}",
            a.answers
        );
        assert_eq!(a.answers[0].record_type(), RecordType::CNAME);
    }

    #[test]
    fn serve_both_policy_returns_the_mx() {
        let z = [zone()];
        let a = answer(
            &z,
            &name("example.test."),
            RecordType::MX,
            CnamePolicy::ServeBoth,
        );
        assert_eq!(a.answers[0].record_type(), RecordType::MX);
    }

    #[test]
    fn in_zone_chain_is_followed_and_negative_answers_carry_the_negative_ttl() {
        let z = [zone()];
        let a = answer(
            &z,
            &name("www.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        let types: Vec<_> = a.answers.iter().map(|r| r.record_type()).collect();
        assert_eq!(types, [RecordType::CNAME, RecordType::A]);

        let nx = answer(
            &z,
            &name("nope.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(nx.rcode, ResponseCode::NXDomain);
        assert_eq!(nx.soa.expect("SOA in a negative answer").ttl, 300);

        let nodata = answer(
            &z,
            &name("web.example.test."),
            RecordType::MX,
            CnamePolicy::default(),
        );
        assert_eq!(nodata.rcode, ResponseCode::NoError);
        assert!(nodata.answers.is_empty());
        let ent = answer(
            &z,
            &name("b.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(
            ent.rcode,
            ResponseCode::NoError,
            "an empty non-terminal exists"
        );
    }

    #[test]
    fn a_wildcard_answers_for_names_that_do_not_exist_as_the_name_asked() {
        let z = [zone()];
        let a = answer(
            &z,
            &name("mail.w.example.test."),
            RecordType::MX,
            CnamePolicy::default(),
        );
        assert_eq!(a.rcode, ResponseCode::NoError);
        let owners: Vec<String> = a.answers.iter().map(|r| r.name.to_ascii()).collect();
        assert_eq!(
            owners,
            ["mail.w.example.test."],
            "the alias is synthesised at the name asked (RFC 4592 §3.3.1)"
        );
        assert_eq!(a.answers[0].record_type(), RecordType::CNAME);
        let deeper = answer(
            &z,
            &name("a.mail.w.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(
            deeper
                .answers
                .iter()
                .map(Record::record_type)
                .collect::<Vec<_>>(),
            [RecordType::CNAME, RecordType::A],
            "the closest encloser is w: the wildcard covers every depth below it"
        );
        let elsewhere = answer(
            &z,
            &name("x.web.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(
            elsewhere.rcode,
            ResponseCode::NXDomain,
            "no wildcard at web's level"
        );
    }

    #[test]
    fn a_cname_loop_ends() {
        let z = [zone()];
        let a = answer(
            &z,
            &name("loop1.example.test."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(a.answers.len(), 8);
    }

    #[test]
    fn names_outside_every_zone_are_refused_and_edits_apply() {
        let mut z = zone();
        let out = answer(
            &[z.clone()],
            &name("example.org."),
            RecordType::A,
            CnamePolicy::default(),
        );
        assert_eq!(out.rcode, ResponseCode::Refused);
        assert_eq!(
            z.replace(&name("example.test."), RecordType::CNAME, 600, vec![]),
            1
        );
        let a = answer(
            &[z],
            &name("example.test."),
            RecordType::MX,
            CnamePolicy::default(),
        );
        assert_eq!(a.answers[0].record_type(), RecordType::MX);
    }
}

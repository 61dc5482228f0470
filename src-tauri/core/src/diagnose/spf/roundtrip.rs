//! "A fix we propose passes our own checks" (DESIGN.md "Truth rules"): every SPF record the
//! diagnosis proposes, published in place of the SPF records it replaces, yields no SPF
//! finding. Checked for generated record sets: valid terms, misspelt ones, control characters,
//! line breaks, full-width characters, duplicates, `+all`/`?all`, redirects, and includes whose
//! targets are healthy, nested, looping, missing, broken, unanswered or absent from the snapshot.

use proptest::prelude::*;

use crate::diagnose::fixtures::*;
use crate::diagnose::{diagnose, Action, Code, Diagnosis, ProviderChoice};
use crate::dns::{Outcome, RType, Status};
use crate::providers;
use crate::repair;
use crate::snapshot::Snapshot;
use crate::spf;

/// `snap` with the mail host's SPF records replaced by `record`, on every server and resolver;
/// its other TXT records stay.
pub(crate) fn serve_back(snap: &Snapshot, record: &str) -> Snapshot {
    let mut snap = snap.clone();
    let domain = snap.domain.clone();
    let replace = |outcome: &mut Outcome| {
        if outcome.status.is_failure() {
            return;
        }
        outcome
            .records
            .retain(|r| !(r.name == domain && spf::is_spf(&r.value())));
        outcome.records.push(txt(&domain, record));
        outcome.status = Status::Answer;
    };
    let observations = snap.recursive.iter_mut().chain(
        snap.authoritative
            .iter_mut()
            .flat_map(|s| s.observations.iter_mut()),
    );
    for o in observations.filter(|o| o.name == domain && o.rtype == RType::TXT) {
        replace(&mut o.outcome);
    }
    snap
}

/// Every SPF record the diagnosis and its plan propose for the mail host: the values of rows
/// that add, the new values of rows that change, and the plan's target row.
pub(crate) fn proposals(d: &Diagnosis, snap: &Snapshot) -> Vec<String> {
    let plan = repair::plan(d, snap);
    let rows = d
        .findings
        .iter()
        .flat_map(|f| f.fix.iter().chain(f.options.iter().flat_map(|o| &o.fix)))
        .chain(&plan.target);
    let mut out: Vec<String> = rows
        .filter(|r| r.rtype == RType::TXT && r.host == "@")
        .filter_map(|r| match r.action {
            Action::Add => Some(r.value.clone()),
            Action::Change => r.new_value.clone(),
            Action::Delete => None,
        })
        .filter(|v| spf::is_spf(v))
        .collect();
    out.dedup();
    out
}

/// The SPF findings (and their proposals) a published record gets; empty when it passes.
pub(crate) fn spf_faults(d: &Diagnosis) -> Vec<String> {
    d.findings
        .iter()
        .filter(|f| f.code.is_spf())
        .map(|f| format!("{:?} {:?}", f.code, f.params))
        .collect()
}

/// The case issue 11 names: two SPF records, one holding a misspelt term, a line break or a
/// control character. The merge leaves it out, says why, and served back passes.
#[test]
fn the_merge_copies_no_misspelt_term_line_break_or_control_character() {
    let cases = [
        ("inclde:x", "inclde:x", "unknown"),
        (
            "include:_spf.google.com\ninclude:x.example",
            r"include:_spf.google.com\ninclude:x.example",
            "control",
        ),
        (
            "ip4:192.0.2.7\u{1b}[2J",
            r"ip4:192.0.2.7\u{1b}[2J",
            "control",
        ),
        ("ip4:192.0.2.7\r", r"ip4:192.0.2.7\r", "control"),
        ("mx\u{3000}", r"mx\u{3000}", "not_ascii"),
    ];
    for (bad, shown, reason) in cases {
        let second = format!("v=spf1 ip4:192.0.2.8 {bad} ~all");
        let snap = world()
            .alibaba_healthy()
            .auth_txt(
                DOMAIN,
                &["v=spf1 include:spf.qiye.aliyun.com -all", &second],
            )
            .build();
        let d = check(&snap);
        let f = only(&d, Code::SpfMultiple);
        let merged = &f.fix[2].value;
        assert_eq!(
            merged, "v=spf1 include:spf.qiye.aliyun.com ip4:192.0.2.8 -all",
            "{bad:?} is left out of the merge"
        );
        assert_eq!(f.params["dropped"], format!("{shown} ~all"), "{bad:?}");
        assert!(
            f.params["changes"].contains(&format!("{reason} {shown}\n")),
            "{bad:?}: {}",
            f.params["changes"]
        );
        let again = check(&serve_back(&snap, merged));
        assert_eq!(
            spf_faults(&again),
            Vec::<String>::new(),
            "{bad:?}: the merge served back"
        );

        // The same term in the only record: the repair leaves it out too.
        let snap = world()
            .alibaba_healthy()
            .auth_txt(DOMAIN, &[&second])
            .build();
        let d = check(&snap);
        let f = only(&d, Code::SpfSyntax);
        let repaired = f.fix[0].new_value.clone().expect("a change row");
        assert_eq!(
            repaired, "v=spf1 ip4:192.0.2.8 include:spf.qiye.aliyun.com ~all",
            "{bad:?}"
        );
        let again = check(&serve_back(&snap, &repaired));
        assert_eq!(
            spf_faults(&again),
            Vec::<String>::new(),
            "{bad:?}: the repair served back"
        );
    }
}

/// SPF_MISSING's record, for every provider in the catalog and for none: it parses, and added
/// beside the other TXT records it yields no SPF finding.
#[test]
fn the_record_to_add_passes_for_every_provider() {
    let snap = world()
        .alibaba_healthy()
        .auth_txt(DOMAIN, &["google-site-verification=abc"])
        .build();
    let choices = providers::all()
        .iter()
        .map(|p| ProviderChoice::Given(p.clone()))
        .chain([ProviderChoice::Given(providers::custom(Vec::new()))]);
    for choice in choices {
        let d = diagnose(&snap, choice.clone());
        let proposed = proposals(&d, &snap);
        assert_eq!(proposed.len(), 1, "{choice:?}: one record to add");
        assert!(spf::parse(&proposed[0]).is_ok(), "{proposed:?}");
        let again = diagnose(&serve_back(&snap, &proposed[0]), choice.clone());
        assert_eq!(spf_faults(&again), Vec::<String>::new(), "{proposed:?}");
    }
}

/// One record over the limits: its repair keeps the provider and what fits, and passes.
#[test]
fn a_record_over_the_limits_is_repaired_to_fit() {
    let names: Vec<String> = (0..11).map(|i| format!("s{i}.example.net")).collect();
    let includes: Vec<String> = names.iter().map(|n| format!("include:{n}")).collect();
    let mut w = world().alibaba_healthy().auth_txt(
        DOMAIN,
        &[&format!(
            "v=spf1 a:v1.example.net a:v2.example.net {} a:v3.example.net -all",
            includes.join(" ")
        )],
    );
    for n in &names {
        w = w.auth_txt(n, &["v=spf1 ip4:192.0.2.1 -all"]);
    }
    for v in ["v1", "v2", "v3"] {
        w = w.rec(&format!("{v}.example.net"), RType::A, nx());
    }
    let snap = w.build();
    let d = check(&snap);
    let f = only(&d, Code::SpfTooManyLookups);
    assert_eq!(f.params["count"], "14");
    assert!(has(&d, Code::SpfTooManyVoidLookups) && has(&d, Code::SpfProviderMissing));
    let repaired = f.fix[0].new_value.clone().expect("a change row");
    assert_eq!(
        repaired,
        format!(
            "v=spf1 a:v1.example.net a:v2.example.net {} include:spf.qiye.aliyun.com -all",
            includes[..7].join(" ")
        ),
        "the provider first, then the terms in order while ten lookups and two voids last"
    );
    assert_eq!(
        f.params["dropped"],
        format!("{} a:v3.example.net", includes[7..].join(" "))
    );
    let again = check(&serve_back(&snap, &repaired));
    assert_eq!(spf_faults(&again), Vec::<String>::new());
}

/// A term receivers accept: a mechanism with or without a qualifier, or a modifier.
fn valid_term() -> BoxedStrategy<String> {
    let qualifier = prop::sample::select(vec!["", "+", "-", "~", "?"]);
    let include = (0..6u8).prop_map(|i| format!("include:s{i}.example.net"));
    let mechanism = prop_oneof![
        include.clone(),
        Just("include:spf.qiye.aliyun.com".to_string()),
        Just("include:_spf.google.com".to_string()),
        Just("include:example.com".to_string()),
        (0..=255u8).prop_map(|n| format!("ip4:192.0.2.{n}")),
        (1..=255u16).prop_map(|n| format!("ip6:2001:db8::{n:x}/64")),
        Just("a".to_string()),
        Just("mx".to_string()),
        Just("ptr".to_string()),
        (0..4u8).prop_map(|i| format!("a:v{i}.example.net")),
        (0..4u8).prop_map(|i| format!("mx:v{i}.example.net/24")),
        Just("exists:%{i}._spf.example.net".to_string()),
        Just("all".to_string()),
    ];
    let valid = (qualifier, mechanism).prop_map(|(q, m)| format!("{q}{m}"));
    let modifier = prop_oneof![
        (0..6u8).prop_map(|i| format!("redirect=s{i}.example.net")),
        Just("exp=explain.example.net".to_string()),
        Just("exp=other.example.net".to_string()),
        Just("foo=bar".to_string()),
        Just("v=spf1".to_string()),
    ];
    prop_oneof![4 => valid, 1 => modifier].boxed()
}

/// Any term: valid, in capitals, misspelt, or spoilt by a character SPF does not allow.
fn term() -> impl Strategy<Value = String> {
    let valid = valid_term();
    let misspelt = prop::sample::select(vec![
        "inclde:x.example",
        "incude:s1.example.net",
        "ip4:300.1.1.1",
        "ip4:192.0.2.0/33",
        "include:",
        "include:x",
        "a:/24",
        "spf2.0/pra",
        "all:x",
        "exp=%{z}",
    ])
    .prop_map(str::to_string);
    // A valid term spoilt: a control character or a full-width one inside, or two glued
    // together by a line break.
    let spoilt = (
        valid.clone(),
        valid.clone(),
        prop::sample::select(vec![
            '\n', '\r', '\t', '\u{7}', '\u{1b}', '\0', '\u{3000}', '\u{a0}', 'ｉ',
        ]),
        any::<prop::sample::Index>(),
    )
        .prop_map(|(a, b, bad, at)| {
            if bad == '\n' {
                return format!("{a}\n{b}");
            }
            let mut chars: Vec<char> = a.chars().collect();
            chars.insert(at.index(chars.len() + 1), bad);
            chars.into_iter().collect()
        });
    let cased =
        (valid.clone(), any::<bool>()).prop_map(
            |(t, upper)| {
                if upper {
                    t.to_ascii_uppercase()
                } else {
                    t
                }
            },
        );
    prop_oneof![6 => valid, 2 => cased, 2 => misspelt, 2 => spoilt]
}

/// What an include target holds in the snapshot.
#[derive(Clone, Debug)]
enum Target {
    Leaf,
    /// Includes these others (loops come from here too).
    Nested(Vec<u8>),
    /// Four includes of its own: a big tree that pushes a merge over ten lookups.
    Heavy,
    NxDomain,
    NoSpf,
    Unparsable,
    Timeout,
    Absent,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        3 => Just(Target::Leaf),
        2 => prop::collection::vec(0..6u8, 1..3).prop_map(Target::Nested),
        2 => Just(Target::Heavy),
        1 => Just(Target::NxDomain),
        1 => Just(Target::NoSpf),
        1 => Just(Target::Unparsable),
        1 => Just(Target::Timeout),
        1 => Just(Target::Absent),
    ]
}

#[derive(Clone, Debug)]
struct Case {
    records: Vec<Vec<String>>,
    other_txt: bool,
    targets: Vec<Target>,
    voids: Vec<bool>,
    provider_in_snapshot: bool,
    provider: u8,
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            // Records a person might have typed, none of them spoilt: one of them, or none.
            prop::collection::vec(prop::collection::vec(valid_term(), 0..9), 0..3),
            prop::collection::vec(prop::collection::vec(term(), 0..9), 1..4),
        ],
        any::<bool>(),
        prop::collection::vec(target(), 6),
        prop::collection::vec(any::<bool>(), 4),
        any::<bool>(),
        0..3u8,
    )
        .prop_map(
            |(records, other_txt, targets, voids, provider_in_snapshot, provider)| Case {
                records,
                other_txt,
                targets,
                voids,
                provider_in_snapshot,
                provider,
            },
        )
}

fn snapshot(case: &Case) -> Snapshot {
    let mut texts: Vec<String> = case
        .records
        .iter()
        .map(|terms| {
            std::iter::once("v=spf1".to_string())
                .chain(terms.iter().cloned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    if case.other_txt {
        texts.push("google-site-verification=abc".into());
    }
    let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
    let mut w = world().alibaba_healthy().auth_txt(DOMAIN, &texts);
    if case.provider == 2 {
        // No provider known: the MX rows are nobody's.
        w = w.auth_mx(DOMAIN, &[(10, "mail.example.net")]);
    }
    w = w.auth_txt("_spf.google.com", &["v=spf1 ip4:198.51.100.0/28 ~all"]);
    for (i, t) in case.targets.iter().enumerate() {
        let name = format!("s{i}.example.net");
        w = match t {
            Target::Leaf => w.auth_txt(&name, &[&format!("v=spf1 ip4:198.51.100.{i} -all")]),
            Target::Nested(to) => {
                let inc: Vec<String> = to
                    .iter()
                    .map(|j| format!("include:s{j}.example.net"))
                    .collect();
                w.auth_txt(&name, &[&format!("v=spf1 {} -all", inc.join(" "))])
            }
            Target::Heavy => {
                let mut w = w.auth_txt(
                    &name,
                    &[&format!(
                        "v=spf1 include:h{i}a.example.net include:h{i}b.example.net \
                         include:h{i}c.example.net include:h{i}d.example.net -all"
                    )],
                );
                for leaf in ["a", "b", "c", "d"] {
                    w = w.auth_txt(&format!("h{i}{leaf}.example.net"), &["v=spf1 -all"]);
                }
                w
            }
            Target::NxDomain => w.rec(&name, RType::TXT, nx()),
            Target::NoSpf => w.auth_txt(&name, &["hello"]),
            Target::Unparsable => w.auth_txt(&name, &["v=spf1 inclde:x.example -all"]),
            Target::Timeout => w.rec(&name, RType::TXT, failed(Status::Timeout)),
            Target::Absent => w,
        };
    }
    for (i, has_address) in case.voids.iter().enumerate() {
        let name = format!("v{i}.example.net");
        w = if *has_address {
            w.auth_a(&name, "198.51.100.9")
                .auth_mx(&name, &[(10, "mx.example.net")])
        } else {
            w.rec(&name, RType::A, nx()).rec(&name, RType::MX, nx())
        };
    }
    if !case.provider_in_snapshot {
        w = w.with(|s| s.recursive.retain(|o| o.name != "spf.qiye.aliyun.com"));
    }
    w.build()
}

fn choice(case: &Case) -> ProviderChoice {
    match case.provider {
        0 => alibaba(),
        1 => ProviderChoice::Given(providers::by_id("google-workspace").unwrap().clone()),
        _ => detect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn every_proposed_spf_record_passes_our_own_rules(case in case()) {
        let snap = snapshot(&case);
        let d = diagnose(&snap, choice(&case));
        for proposal in proposals(&d, &snap) {
            prop_assert!(spf::parse(&proposal).is_ok(), "proposed {proposal:?} does not parse");
            let again = diagnose(&serve_back(&snap, &proposal), choice(&case));
            let faults = spf_faults(&again);
            prop_assert!(
                faults.is_empty(),
                "proposed {:?} for {:?} is itself faulty: {:?}",
                proposal,
                case.records,
                faults
            );
        }
    }
}

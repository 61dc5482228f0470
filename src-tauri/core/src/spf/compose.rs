//! Proposing an SPF record that passes our own rules: the merge of several records into one
//! (RFC 7208 §4.5 allows one), or the repair of one record in place. Only terms that parse
//! are kept; each term left out or changed is noted with the reason, for the user to read.
//!
//! Decisions, for the merge:
//! - One `all`: the first record's ending (the first `all` in record order; the diagnosis
//!   puts the record naming the provider first), except that
//!   `+all` and `?all` become `~all`: a merged record speaks for senders from several records,
//!   so it neither lets everyone through nor rejects mail outright on our guess. No `all`
//!   anywhere: `~all` is added.
//! - `redirect=D` becomes `include:D`. A record with mechanisms and an `all` ignores its
//!   redirect (RFC 7208 §6.1), so copying it would silently drop D's senders; as an include,
//!   D's senders still pass and everyone else gets the merged record's `all`. Same one lookup.
//! - `exp=`: the first is kept (at the end), the others left out: one explanation per record
//!   (RFC 7208 §6), and it only words a rejection.
//!
//! For both: lookups stay within RFC 7208 §4.6.4's ten (and two void lookups), counting each
//! term's nested includes as far as the snapshot holds them; the provider's include comes first,
//! then the other terms in their order while they fit. A term whose includes loop or end at a
//! name without SPF is left out: receivers would reject the whole record for it.

use super::{parse_term, raw_terms, shown, Qualifier, SpfError, Term, MAX_LOOKUPS, MAX_VOIDS};

/// What happened to one term of the records a proposal was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Change {
    /// Left out: holds a line break or another control character.
    Control,
    /// Left out: holds a character outside visible ASCII (a full-width letter or space).
    NotAscii,
    /// Left out: not a mechanism or modifier SPF knows (a misspelling such as `inclde:`).
    Unknown,
    /// Left out: a known word with a bad domain or address (`include:`, `ip4:300.1.1.1`).
    Invalid,
    /// Listed more than once: kept once.
    Duplicate,
    /// Left out: leads to a name without an SPF record (RFC 7208 §5.2).
    Broken,
    /// Left out: leads back to a record already being read.
    Loop,
    /// Left out: did not fit within the ten lookups.
    TooManyLookups,
    /// Left out: would make more than two lookups that find nothing.
    TooManyVoids,
    /// Left out: a second `redirect=` or `exp=`.
    RepeatedModifier,
    /// Left out: passes every address (`ip4:0.0.0.0/0`, `ip6:::/0`), as `+all` would.
    Everyone,
    /// Left out: a mechanism written after its record's `all`, which receivers never reach
    /// (RFC 7208 §5.1); moved into a merged record it would start to count.
    AfterAll,
    /// `redirect=D` became `include:D` in a merge.
    RedirectAsInclude,
    /// The merged record ends in this `all`, the first record's.
    AllKept,
    /// The first record's `+all` or `?all` became `~all`.
    AllSoftened,
    /// No record had an `all`: `~all` was added.
    AllAdded,
    /// Left out: another record's different `all`.
    AllExtra,
    /// A repaired record's `+all` or `?all` became `-all`.
    AllStrengthened,
    /// The provider's include was added.
    IncludeAdded,
}

impl Change {
    pub const ALL: [Change; 19] = [
        Change::Control,
        Change::NotAscii,
        Change::Unknown,
        Change::Invalid,
        Change::Duplicate,
        Change::Broken,
        Change::Loop,
        Change::TooManyLookups,
        Change::TooManyVoids,
        Change::RepeatedModifier,
        Change::Everyone,
        Change::AfterAll,
        Change::RedirectAsInclude,
        Change::AllKept,
        Change::AllSoftened,
        Change::AllAdded,
        Change::AllExtra,
        Change::AllStrengthened,
        Change::IncludeAdded,
    ];

    /// The key of its wording in the catalogs' `spf_changes` section.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Control => "control",
            Change::NotAscii => "not_ascii",
            Change::Unknown => "unknown",
            Change::Invalid => "invalid",
            Change::Duplicate => "duplicate",
            Change::Broken => "broken",
            Change::Loop => "loop",
            Change::TooManyLookups => "too_many_lookups",
            Change::TooManyVoids => "too_many_voids",
            Change::RepeatedModifier => "repeated_modifier",
            Change::Everyone => "everyone",
            Change::AfterAll => "after_all",
            Change::RedirectAsInclude => "redirect_as_include",
            Change::AllKept => "all_kept",
            Change::AllSoftened => "all_softened",
            Change::AllAdded => "all_added",
            Change::AllExtra => "all_extra",
            Change::AllStrengthened => "all_strengthened",
            Change::IncludeAdded => "include_added",
        }
    }

    /// True when the term is not in the proposal (rather than kept, changed or added).
    pub fn drops(self) -> bool {
        matches!(
            self,
            Change::Control
                | Change::NotAscii
                | Change::Unknown
                | Change::Invalid
                | Change::Broken
                | Change::Loop
                | Change::TooManyLookups
                | Change::TooManyVoids
                | Change::RepeatedModifier
                | Change::Everyone
                | Change::AfterAll
                | Change::AllExtra
        )
    }
}

/// One term and what happened to it; the term as [`shown`] gives it (safe to print).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub change: Change,
    pub term: String,
}

/// A proposed record and what was changed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub text: String,
    pub notes: Vec<Note>,
}

impl Proposal {
    /// The terms left out, as shown.
    pub fn dropped(&self) -> Vec<&str> {
        self.notes
            .iter()
            .filter(|n| n.change.drops())
            .map(|n| n.term.as_str())
            .collect()
    }

    /// The notes as lines `reason term` (terms hold no space or line break once shown).
    pub fn changes(&self) -> String {
        self.notes
            .iter()
            .map(|n| format!("{} {}", n.change.as_str(), n.term))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Several records become one: mechanisms in order, one `all`, then the modifiers.
    Merge,
    /// One record is repaired: the user's order kept, a permissive `all` made `-all`.
    Repair,
}

/// What one DNS-querying term costs, following its includes as far as the snapshot holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    pub lookups: usize,
    pub voids: usize,
    /// [`Change::Loop`] or [`Change::Broken`]: receivers reject any record holding the term.
    pub defect: Option<Change>,
    /// The provider's include is reached through this term.
    pub reaches_provider: bool,
}

struct Item {
    /// The term as it will be written.
    raw: String,
    term: Term,
    key: String,
    cost: Cost,
}

impl Item {
    fn new(raw: &str, term: Term) -> Self {
        Self {
            key: key(raw),
            raw: raw.to_string(),
            term,
            cost: Cost::default(),
        }
    }

    fn is_modifier(&self) -> bool {
        matches!(
            self.term,
            Term::Redirect { .. } | Term::OtherModifier { .. }
        )
    }
}

/// Proposes one record from `records` (SPF texts); `provider_include` is added when no kept
/// term reaches the provider; `cost` prices a DNS-querying term from the snapshot.
pub fn compose(
    records: &[&str],
    mode: Mode,
    provider_include: Option<&str>,
    cost: impl Fn(&Term) -> Cost,
) -> Proposal {
    let mut draft = Draft::read(records, mode);
    draft.price(&cost, provider_include);
    draft.add_provider(&cost, provider_include);
    draft.fit_limits();
    draft.write()
}

/// A proposal being made: the terms kept so far and what was said about the others.
struct Draft {
    mode: Mode,
    items: Vec<Item>,
    /// The first `all` met, and the others (judged once the ending is chosen).
    first_all: Option<(Qualifier, String)>,
    other_alls: Vec<(Qualifier, String)>,
    notes: Vec<Note>,
}

impl Draft {
    fn note(&mut self, change: Change, raw: &str) {
        self.notes.push(Note {
            change,
            term: shown(raw),
        });
    }

    fn has(&self, key: &str) -> bool {
        self.items.iter().any(|i| i.key == key)
    }

    /// Every term of every record, in order: those that parse, once each.
    fn read(records: &[&str], mode: Mode) -> Self {
        let mut draft = Draft {
            mode,
            items: Vec::new(),
            first_all: None,
            other_alls: Vec::new(),
            notes: Vec::new(),
        };
        for record in records {
            let mut ended = false;
            for raw in raw_terms(record) {
                match parse_term(raw) {
                    // Receivers stop at `all` (RFC 7208 §5.1): what follows it never counted.
                    Ok(term) if ended && !Item::new(raw, term.clone()).is_modifier() => {
                        draft.note(Change::AfterAll, raw)
                    }
                    Ok(term) => {
                        ended |= matches!(term, Term::All { .. });
                        draft.take(raw, term)
                    }
                    Err(e) => draft.note(reason(&e, raw), raw),
                }
            }
        }
        draft
    }

    fn take(&mut self, raw: &str, term: Term) {
        let mut item = Item::new(raw, term);
        match &item.term {
            Term::All { qualifier } => {
                match self.first_all {
                    None => {
                        self.first_all = Some((*qualifier, raw.to_string()));
                        if self.mode == Mode::Repair {
                            self.items.push(item);
                        }
                    }
                    Some(_) => self.other_alls.push((*qualifier, raw.to_string())),
                }
                return;
            }
            // `v=spf1` typed twice reads as an unknown modifier: harmless, not worth keeping.
            Term::OtherModifier { name, value }
                if name == "v" && value.eq_ignore_ascii_case("spf1") =>
            {
                return self.note(Change::Duplicate, raw);
            }
            Term::Redirect { domain } if self.mode == Mode::Merge => {
                self.note(Change::RedirectAsInclude, raw);
                let include = format!("include:{domain}");
                let domain = domain.clone();
                item = Item::new(
                    &include,
                    Term::Include {
                        qualifier: Qualifier::Pass,
                        domain,
                    },
                );
                if self.has(&item.key) {
                    return;
                }
            }
            // A network of every address lets anyone send as the domain: a proposal never
            // carries it (a merge would make a hostile second record's term count).
            Term::Ip4 { qualifier, network } | Term::Ip6 { qualifier, network }
                if *qualifier == Qualifier::Pass
                    && network.rsplit_once('/').is_some_and(|(_, len)| len == "0") =>
            {
                return self.note(Change::Everyone, raw);
            }
            Term::Redirect { .. } | Term::OtherModifier { .. }
                if item.single_use()
                    && !self.has(&item.key)
                    && self.items.iter().any(|i| i.same_modifier(&item)) =>
            {
                return self.note(Change::RepeatedModifier, raw);
            }
            _ => {}
        }
        if self.has(&item.key) {
            return self.note(Change::Duplicate, raw);
        }
        self.items.push(item);
    }

    /// Prices the DNS-querying terms and leaves out those receivers would reject the whole
    /// record for (a loop, an include without SPF), but the provider's own include.
    fn price(&mut self, cost: &impl Fn(&Term) -> Cost, provider_include: Option<&str>) {
        for item in &mut self.items {
            if item.term_costs() {
                item.cost = cost(&item.term);
            }
        }
        let items = std::mem::take(&mut self.items);
        for item in items {
            let provider = provider_include.is_some_and(
                |p| matches!(&item.term, Term::Include { domain, .. } if same_domain(domain, p)),
            );
            match item.cost.defect {
                Some(defect) if !provider => self.note(defect, &item.raw),
                _ => self.items.push(item),
            }
        }
    }

    /// Adds the provider's include where no kept term reaches it: in a repair just before the
    /// ending, as a person would type it; in a merge after the other mechanisms.
    fn add_provider(&mut self, cost: &impl Fn(&Term) -> Cost, provider_include: Option<&str>) {
        let Some(include) = provider_include else {
            return;
        };
        if self.items.iter().any(|i| i.cost.reaches_provider) {
            return;
        }
        let raw = format!("include:{include}");
        let mut item = Item::new(
            &raw,
            Term::Include {
                qualifier: Qualifier::Pass,
                domain: include.to_string(),
            },
        );
        item.cost = cost(&item.term);
        item.cost.reaches_provider = true;
        self.note(Change::IncludeAdded, &raw);
        let at = match self.mode {
            Mode::Repair => self
                .items
                .iter()
                .position(|i| matches!(i.term, Term::All { .. } | Term::Redirect { .. })),
            Mode::Merge => None,
        };
        self.items.insert(at.unwrap_or(self.items.len()), item);
    }

    /// RFC 7208 §4.6.4's limits: the first term reaching the provider always stays; then the
    /// other terms reaching it, then the rest, in order, while they fit.
    fn fit_limits(&mut self) {
        let mut order: Vec<usize> = (0..self.items.len()).collect();
        order.sort_by_key(|&i| !self.items[i].cost.reaches_provider);
        let first_provider = order
            .first()
            .copied()
            .filter(|&i| self.items[i].cost.reaches_provider);
        let (mut lookups, mut voids) = (0, 0);
        let mut left_out = vec![None; self.items.len()];
        for i in order {
            let c = &self.items[i].cost;
            if Some(i) != first_provider {
                if lookups + c.lookups > MAX_LOOKUPS {
                    left_out[i] = Some(Change::TooManyLookups);
                    continue;
                }
                if voids + c.voids > MAX_VOIDS {
                    left_out[i] = Some(Change::TooManyVoids);
                    continue;
                }
            }
            lookups += c.lookups;
            voids += c.voids;
        }
        let items = std::mem::take(&mut self.items);
        for (item, why) in items.into_iter().zip(left_out) {
            match why {
                Some(change) => self.note(change, &item.raw),
                None => self.items.push(item),
            }
        }
    }

    /// The record's text, with its one ending.
    fn write(mut self) -> Proposal {
        let items = std::mem::take(&mut self.items);
        let (ending, terms) = match self.mode {
            Mode::Repair => self.write_repair(items),
            Mode::Merge => self.write_merge(items),
        };
        // The other endings: the one kept, again, says nothing new (a merge's records each
        // have one); a different one is left out, and said so.
        for (qualifier, raw) in std::mem::take(&mut self.other_alls) {
            if Some(qualifier) != ending {
                self.note(Change::AllExtra, &raw);
            } else if self.mode == Mode::Repair {
                self.note(Change::Duplicate, &raw);
            }
        }
        let text = std::iter::once("v=spf1".to_string())
            .chain(terms)
            .collect::<Vec<_>>()
            .join(" ");
        Proposal {
            text,
            notes: self.notes,
        }
    }

    /// The user's order; a permissive ending made `-all`.
    fn write_repair(&mut self, mut items: Vec<Item>) -> (Option<Qualifier>, Vec<String>) {
        for item in &mut items {
            if let Term::All {
                qualifier: Qualifier::Pass | Qualifier::Neutral,
            } = item.term
            {
                self.note(Change::AllStrengthened, &item.raw);
                item.raw = "-all".into();
            }
        }
        let ending = self.first_all.as_ref().map(|(q, _)| match q {
            Qualifier::Pass | Qualifier::Neutral => Qualifier::Fail,
            q => *q,
        });
        (ending, items.into_iter().map(|i| i.raw).collect())
    }

    /// Mechanisms in order, the first ending (`~all` for a permissive one or none), modifiers.
    fn write_merge(&mut self, items: Vec<Item>) -> (Option<Qualifier>, Vec<String>) {
        let (ending, all) = match self.first_all.clone() {
            None => {
                self.note(Change::AllAdded, "~all");
                (Qualifier::SoftFail, "~all")
            }
            Some((Qualifier::Pass | Qualifier::Neutral, raw)) => {
                self.note(Change::AllSoftened, &raw);
                (Qualifier::SoftFail, "~all")
            }
            Some((Qualifier::Fail, _)) => {
                self.note(Change::AllKept, "-all");
                (Qualifier::Fail, "-all")
            }
            Some((Qualifier::SoftFail, _)) => {
                self.note(Change::AllKept, "~all");
                (Qualifier::SoftFail, "~all")
            }
        };
        let (modifiers, mechanisms): (Vec<Item>, Vec<Item>) =
            items.into_iter().partition(Item::is_modifier);
        let terms = mechanisms
            .into_iter()
            .map(|i| i.raw)
            .chain([all.to_string()])
            .chain(modifiers.into_iter().map(|i| i.raw))
            .collect();
        (Some(ending), terms)
    }
}

impl Item {
    /// `redirect=` and `exp=` may appear once per record (RFC 7208 §6).
    fn single_use(&self) -> bool {
        match &self.term {
            Term::Redirect { .. } => true,
            Term::OtherModifier { name, .. } => name == "exp",
            _ => false,
        }
    }

    fn same_modifier(&self, other: &Item) -> bool {
        match (&self.term, &other.term) {
            (Term::Redirect { .. }, Term::Redirect { .. }) => true,
            (Term::OtherModifier { name: a, .. }, Term::OtherModifier { name: b, .. }) => a == b,
            _ => false,
        }
    }

    fn term_costs(&self) -> bool {
        matches!(
            self.term,
            Term::Include { .. }
                | Term::Redirect { .. }
                | Term::A { .. }
                | Term::Mx { .. }
                | Term::Ptr { .. }
                | Term::Exists { .. }
        )
    }
}

fn reason(error: &SpfError, raw: &str) -> Change {
    match error {
        SpfError::BadCharacter { .. } if raw.chars().any(char::is_control) => Change::Control,
        SpfError::BadCharacter { .. } => Change::NotAscii,
        SpfError::UnknownTerm { .. } | SpfError::NotSpf | SpfError::DuplicateModifier { .. } => {
            Change::Unknown
        }
        SpfError::MissingDomain { .. }
        | SpfError::BadNetwork { .. }
        | SpfError::BadDomain { .. } => Change::Invalid,
    }
}

/// Terms that mean the same: case aside, `+` being the default qualifier, a final dot aside.
fn key(raw: &str) -> String {
    let lower = raw.to_ascii_lowercase();
    let bare = lower.strip_prefix('+').unwrap_or(&lower);
    bare.strip_suffix('.').unwrap_or(bare).to_string()
}

fn same_domain(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spf::parse;

    const ALIYUN: &str = "spf.qiye.aliyun.com";

    /// One lookup per DNS-querying term; `big.example` costs `n` more, `void.example` is void,
    /// `loop.example` loops, `gone.example` has no SPF record; the provider is reached through
    /// its include and through `via.example`.
    fn cost(term: &Term) -> Cost {
        let domain = match term {
            Term::Include { domain, .. }
            | Term::Redirect { domain }
            | Term::Exists { domain, .. } => domain.as_str(),
            Term::A { domain, .. } | Term::Mx { domain, .. } => domain.as_deref().unwrap_or(""),
            _ => "",
        };
        let mut c = Cost {
            lookups: 1,
            ..Cost::default()
        };
        match domain {
            "big.example" => c.lookups = 9,
            "void.example" => c.voids = 1,
            "loop.example" => c.defect = Some(Change::Loop),
            "gone.example" => c.defect = Some(Change::Broken),
            "via.example" | ALIYUN => {
                c.reaches_provider = true;
                c.lookups = 2;
            }
            _ => {}
        }
        c
    }

    fn merge(records: &[&str]) -> Proposal {
        compose(records, Mode::Merge, Some(ALIYUN), cost)
    }

    fn notes(p: &Proposal) -> Vec<(&'static str, &str)> {
        p.notes
            .iter()
            .map(|n| (n.change.as_str(), n.term.as_str()))
            .collect()
    }

    #[test]
    fn terms_after_a_records_all_never_counted_and_are_not_brought_back() {
        let p = merge(&[
            "v=spf1 include:spf.qiye.aliyun.com -all ip4:6.6.6.0/24",
            "v=spf1 a -all",
        ]);
        assert_eq!(
            p.text, "v=spf1 include:spf.qiye.aliyun.com a -all",
            "ip4:6.6.6.0/24 came after -all: receivers never read it, so a merge must not authorise it"
        );
        assert!(
            notes(&p).contains(&("after_all", "ip4:6.6.6.0/24")),
            "{:?}",
            notes(&p)
        );
    }

    #[test]
    fn the_why_case_keeps_only_what_parses_and_says_why() {
        let p = merge(&[
            "v=spf1 include:spf.qiye.aliyun.com -all",
            "v=spf1 inclde:x.example include:a.example\ninclude:b.example ip4:192.0.2.1\u{7} ip4:192.0.2.9 ~all",
        ]);
        assert_eq!(
            p.text, "v=spf1 include:spf.qiye.aliyun.com ip4:192.0.2.9 -all",
            "a misspelt term, a line break and a control character are never copied"
        );
        assert_eq!(
            notes(&p),
            [
                ("unknown", "inclde:x.example"),
                ("control", r"include:a.example\ninclude:b.example"),
                ("control", r"ip4:192.0.2.1\u{7}"),
                ("all_kept", "-all"),
                ("all_extra", "~all"),
            ]
        );
        assert_eq!(
            p.dropped(),
            [
                "inclde:x.example",
                r"include:a.example\ninclude:b.example",
                r"ip4:192.0.2.1\u{7}",
                "~all"
            ]
        );
        assert!(parse(&p.text).is_ok());
    }

    #[test]
    fn the_ending_is_the_first_records_unless_it_lets_everyone_through() {
        let cases = [
            (
                ["v=spf1 include:via.example -all", "v=spf1 ~all"],
                "-all",
                "all_kept",
            ),
            (
                ["v=spf1 include:via.example ~all", "v=spf1 -all"],
                "~all",
                "all_kept",
            ),
            (
                ["v=spf1 include:via.example +all", "v=spf1 -all"],
                "~all",
                "all_softened",
            ),
            (
                ["v=spf1 include:via.example ?all", "v=spf1 -all"],
                "~all",
                "all_softened",
            ),
            (
                ["v=spf1 include:via.example all", "v=spf1 -all"],
                "~all",
                "all_softened",
            ),
            (
                ["v=spf1 include:via.example", "v=spf1 mx -all"],
                "-all",
                "all_kept",
            ),
            (
                ["v=spf1 include:via.example", "v=spf1 mx"],
                "~all",
                "all_added",
            ),
        ];
        for (records, ending, why) in cases {
            let p = merge(&records);
            assert!(
                p.text.ends_with(&format!(" {ending}")),
                "{records:?}: {}",
                p.text
            );
            assert_eq!(
                p.text.matches("all").count(),
                1,
                "{records:?}: one ending only: {}",
                p.text
            );
            assert!(
                p.notes.iter().any(|n| n.change.as_str() == why),
                "{records:?}: says {why}: {:?}",
                notes(&p)
            );
        }
    }

    #[test]
    fn duplicates_are_kept_once_whatever_their_case() {
        let p = merge(&[
            "v=spf1 INCLUDE:via.example +ip4:192.0.2.1 -all",
            "v=spf1 include:via.example. ip4:192.0.2.1 mx MX -all",
        ]);
        assert_eq!(p.text, "v=spf1 INCLUDE:via.example +ip4:192.0.2.1 mx -all");
        assert_eq!(
            notes(&p)[..3],
            [
                ("duplicate", "include:via.example."),
                ("duplicate", "ip4:192.0.2.1"),
                ("duplicate", "MX"),
            ]
        );
    }

    #[test]
    fn a_redirect_becomes_an_include_and_one_explanation_is_kept() {
        let p = merge(&[
            "v=spf1 redirect=via.example",
            "v=spf1 ip4:192.0.2.1 exp=why.example -all",
            "v=spf1 a:mail.example.com exp=other.example ~all",
        ]);
        assert_eq!(
            p.text,
            "v=spf1 include:via.example ip4:192.0.2.1 a:mail.example.com -all exp=why.example",
            "a redirect beside mechanisms and an all would be ignored (RFC 7208 §6.1)"
        );
        assert_eq!(
            notes(&p)[..2],
            [
                ("redirect_as_include", "redirect=via.example"),
                ("repeated_modifier", "exp=other.example"),
            ]
        );
        assert!(parse(&p.text).is_ok());
    }

    #[test]
    fn the_provider_comes_first_then_what_fits_in_ten_lookups() {
        // The provider costs 2; nine other includes of 1 each: one does not fit.
        let others: Vec<String> = (0..9).map(|i| format!("include:s{i}.example")).collect();
        let first = format!("v=spf1 {} -all", others.join(" "));
        let p = merge(&[&first, "v=spf1 include:spf.qiye.aliyun.com ~all"]);
        let kept = others[..8].join(" ");
        assert_eq!(
            p.text,
            format!("v=spf1 {kept} include:spf.qiye.aliyun.com -all"),
            "the provider's include is never the one left out"
        );
        assert!(notes(&p).contains(&("too_many_lookups", "include:s8.example")));

        // A nested tree counts whole: big.example's 9 do not fit beside the provider's 2.
        let p = merge(&["v=spf1 include:big.example mx -all", "v=spf1 ~all"]);
        assert_eq!(p.text, "v=spf1 mx include:spf.qiye.aliyun.com -all");
        assert_eq!(
            notes(&p)[..2],
            [
                ("include_added", "include:spf.qiye.aliyun.com"),
                ("too_many_lookups", "include:big.example")
            ]
        );
    }

    #[test]
    fn loops_broken_includes_and_a_third_void_are_left_out() {
        let p = merge(&[
            "v=spf1 include:loop.example include:gone.example a:void.example -all",
            "v=spf1 include:via.example mx:void.example exists:void.example ~all",
        ]);
        assert_eq!(
            p.text,
            "v=spf1 a:void.example include:via.example mx:void.example -all"
        );
        assert_eq!(
            notes(&p)[..3],
            [
                ("loop", "include:loop.example"),
                ("broken", "include:gone.example"),
                ("too_many_voids", "exists:void.example"),
            ]
        );
    }

    #[test]
    fn a_repair_keeps_the_users_order_and_fixes_the_ending() {
        let repair = |text: &str| compose(&[text], Mode::Repair, Some(ALIYUN), cost);
        assert_eq!(
            repair("v=spf1 ip4:192.0.2.1 ~all").text,
            "v=spf1 ip4:192.0.2.1 include:spf.qiye.aliyun.com ~all"
        );
        assert_eq!(
            repair("v=spf1 redirect=x.example").text,
            "v=spf1 include:spf.qiye.aliyun.com redirect=x.example",
            "a record of its own keeps its redirect: nothing else decides its result"
        );
        let p = repair("v=spf1 inclde:via.example include:via.example +all mx");
        assert_eq!(
            p.text, "v=spf1 include:via.example -all",
            "`mx` after `all` was never read by receivers: it is left out, and said so"
        );
        assert_eq!(
            notes(&p),
            [
                ("unknown", "inclde:via.example"),
                ("after_all", "mx"),
                ("all_strengthened", "+all")
            ]
        );
        let p = repair("v=spf1 include:via.example redirect=a.example redirect=b.example");
        assert_eq!(p.text, "v=spf1 include:via.example redirect=a.example");
        assert_eq!(notes(&p), [("repeated_modifier", "redirect=b.example")]);
    }

    #[test]
    fn without_a_provider_nothing_is_added() {
        let p = compose(
            &["v=spf1 inclde:x.example", "v=spf1 bad"],
            Mode::Merge,
            None,
            cost,
        );
        assert_eq!(p.text, "v=spf1 ~all");
        assert!(parse(&p.text).is_ok());
    }

    #[test]
    fn a_network_of_every_address_is_never_proposed() {
        // Two SPF records count as none (permerror); merged, a hostile or mistaken second
        // record's ip4:0.0.0.0/0 would let every server on the internet send as the domain.
        for hostile in [
            "ip4:0.0.0.0/0",
            "+ip4:0.0.0.0/0",
            "ip6:::/0",
            "IP4:0.0.0.0/0",
        ] {
            let other = format!("v=spf1 {hostile} -all");
            let p = merge(&["v=spf1 include:spf.qiye.aliyun.com ~all", &other]);
            assert_eq!(
                p.text, "v=spf1 include:spf.qiye.aliyun.com ~all",
                "{hostile}"
            );
            assert!(
                notes(&p).contains(&("everyone", hostile)),
                "{hostile}: {:?}",
                notes(&p)
            );
            assert!(parse(&p.text).is_ok());
        }
        // A network that is not every address stays, and so does one that fails everyone.
        let p = compose(
            &["v=spf1 ip4:192.0.2.0/24 -ip4:0.0.0.0/0 -all"],
            Mode::Merge,
            None,
            cost,
        );
        assert_eq!(p.text, "v=spf1 ip4:192.0.2.0/24 -ip4:0.0.0.0/0 -all");
    }

    #[test]
    fn every_change_has_one_key() {
        let keys: std::collections::BTreeSet<&str> =
            Change::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(keys.len(), Change::ALL.len());
    }
}

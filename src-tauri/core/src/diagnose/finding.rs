//! Findings: stable codes (DESIGN.md "Contract: finding codes"), evidence and fix rows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::dns::{DnsRecord, RType};

/// A finding's code. Serialised as in DESIGN.md; never renamed, only added to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    CnameAtMailHost,
    MxMissing,
    MxForeign,
    MxProviderIncomplete,
    MxTargetCname,
    MxTargetUnresolvable,
    MxTargetIpLiteral,
    MxNull,
    SpfMissing,
    SpfMultiple,
    SpfProviderMissing,
    SpfTooManyLookups,
    /// More than two lookups returned nothing (RFC 7208 §4.6.4).
    SpfTooManyVoidLookups,
    /// An include leads back to a record already being evaluated.
    SpfIncludeLoop,
    /// An include or redirect names a domain with no SPF record (RFC 7208 §5.2, §6.1).
    SpfBrokenInclude,
    SpfSyntax,
    SpfPermissive,
    DmarcMissing,
    DkimNotFound,
    DomainNotFound,
    NsInconsistent,
    TtlHigh,
    LookupFailed,
    /// The resolver still serves older data than the DNS host publishes: a wait is under way.
    ResolverStale,
    /// An MX exchange is a server's name with the mail host or the zone appended by the DNS
    /// panel, because the value was typed without its final dot (RFC 1035 §5.1).
    MxZoneAppended,
    /// More than one `v=DMARC1` record at the name receivers take the policy from: they then
    /// apply none (RFC 7489 §6.6.3 step 5).
    DmarcMultiple,
    /// The mail host has no DMARC record of its own; receivers apply its organisational
    /// domain's (RFC 7489 §6.6.3 step 3). `info`: nothing is wrong, and nothing to add.
    DmarcInherited,
    /// The resolver denies names that exist (the root, or the mail host its servers answer
    /// for): a captive portal, a filter, an offline computer. Nothing could be judged.
    ResolverUnreliable,
}

/// The ways to remove an alias at the mail host (seed 000's options). Serialised as the stable
/// ids of the JSON contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum OptionId {
    /// Delete the alias, add A records with the addresses it leads to.
    ReplaceWithA,
    /// Move the alias to another name (`www`).
    MoveCname,
    /// Keep the alias; mail moves to a subdomain.
    SeparateSubdomain,
}

impl OptionId {
    /// The id as the JSON contract and the wording catalogs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            OptionId::ReplaceWithA => "replace_with_a",
            OptionId::MoveCname => "move_cname",
            OptionId::SeparateSubdomain => "separate_subdomain",
        }
    }

    /// An id as typed: the contract's, or as DESIGN.md's `fix --option` spells it
    /// (`a-records`, `move-to-www`, `separate-subdomain`).
    pub fn parse(name: &str) -> Option<OptionId> {
        Some(match name.trim() {
            "replace_with_a" | "a-records" => OptionId::ReplaceWithA,
            "move_cname" | "move-to-www" => OptionId::MoveCname,
            "separate_subdomain" | "separate-subdomain" => OptionId::SeparateSubdomain,
            _ => return None,
        })
    }
}

impl Code {
    /// The SPF family (the repair's SPF step).
    pub fn is_spf(self) -> bool {
        matches!(
            self,
            Code::SpfMissing
                | Code::SpfMultiple
                | Code::SpfProviderMissing
                | Code::SpfTooManyLookups
                | Code::SpfTooManyVoidLookups
                | Code::SpfIncludeLoop
                | Code::SpfBrokenInclude
                | Code::SpfSyntax
                | Code::SpfPermissive
        )
    }

    pub fn as_str(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// `error` breaks delivery, `warning` risks it, `info` is worth knowing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What to do with one row at the DNS console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Delete,
    Add,
    Change,
}

/// One row of seed 001's table: Host record · Record type · Priority · Record value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct FixRow {
    pub action: Action,
    /// As DNS consoles write it: `@` for the zone apex, else the label relative to the zone.
    pub host: String,
    #[serde(rename = "type")]
    pub rtype: RType,
    pub priority: Option<u16>,
    /// The value to delete or add; for `change`, the current value.
    pub value: String,
    /// For `change`: the value to put instead (the same value when only the priority changes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<String>,
    /// For `change` of an MX row: the priority to put instead of `priority`. Absent when the
    /// priority stays. Reports saved before this field hold `new_value: "priority N"` instead;
    /// read it through [`FixRow::target_priority`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_priority: Option<u16>,
    /// For a `delete` row that stands for rows no server lets us see (an alias at the host hides
    /// them, seed 001 §2.1): delete every row of this type at this host whose value is not one of
    /// these; `value` is then empty. Empty for an ordinary row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keep: Vec<String>,
    /// For an `add` row MX Doctor could not see either way (an alias hides the rows beside it):
    /// add it if it is not there yet. A row already there counts as done.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub if_missing: bool,
}

impl FixRow {
    /// True for a row that stands for unseen rows: "every MX row except these".
    pub fn is_all_except(&self) -> bool {
        !self.keep.is_empty()
    }

    /// The priority N of a legacy `new_value: "priority N"` (reports saved before
    /// `new_priority` existed wrote a priority change that way).
    fn legacy_priority(&self) -> Option<u16> {
        self.new_value
            .as_deref()?
            .strip_prefix("priority ")?
            .trim()
            .parse()
            .ok()
    }

    /// For a `change` row: the priority to set, if the change sets one (`new_priority`, or the
    /// legacy `new_value: "priority N"` of an older saved report).
    pub fn target_priority(&self) -> Option<u16> {
        if self.action != Action::Change {
            return None;
        }
        self.new_priority.or_else(|| self.legacy_priority())
    }

    /// For a `change` row: the value the row holds afterwards. A priority-only change (new or
    /// legacy form) keeps `value`; `None` when the row says nothing about the new value.
    pub fn target_value(&self) -> Option<&str> {
        if self.action != Action::Change {
            return None;
        }
        if self.legacy_priority().is_some() {
            return Some(&self.value);
        }
        match self.new_value.as_deref() {
            Some(v) => Some(v),
            None if self.new_priority.is_some() => Some(&self.value),
            None => None,
        }
    }
}

/// One way to resolve a finding that has more than one (seed 000's three options).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RepairOption {
    pub id: OptionId,
    pub recommended: bool,
    pub fix: Vec<FixRow>,
    /// Values for the wording catalog (e.g. the addresses found).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, String>,
    /// `true` for "replace with A records" when the alias led to no address: it is worded so.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub no_addresses: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The DNS name the finding concerns.
    pub host: String,
    /// The records that prove it.
    pub records: Vec<DnsRecord>,
    /// The rows to change; for findings with options, the recommended option's rows.
    pub fix: Vec<FixRow>,
    /// The RFC section the rule rests on, as shown (`RFC 2181 §10.1`); see `reference.rs`.
    pub reference: String,
    /// The address of that section at the RFC Editor, for a user to follow. Empty only in a
    /// report saved before it existed, until the report is read again (`report::reword`).
    #[serde(default)]
    pub reference_url: String,
    /// Values the wording catalog fills in.
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub params: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub options: Vec<RepairOption>,
    /// Which wording of the code applies, chosen where the finding is made (the wording never
    /// reads it back out of `params`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub variant: Option<Variant>,
}

/// A wording of a finding other than its code's plain one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// `MX_MISSING` with no mailbox service known.
    NoProvider,
    /// `MX_FOREIGN` whose rows belong to no service MX Doctor knows.
    UnknownOwner,
    /// A server row that is not the provider's, with a fault of its own.
    Foreign,
    /// `MX_TARGET_UNRESOLVABLE`: the name does not exist.
    Nxdomain,
    /// `MX_TARGET_UNRESOLVABLE`: the name does not exist, and the row is not the provider's.
    NxdomainForeign,
    /// `MX_PROVIDER_INCOMPLETE` with none of the provider's rows there.
    NonePresent,
    /// `LOOKUP_FAILED`: the question was never asked of that server.
    NotAsked,
    /// `LOOKUP_FAILED` for a name server's address.
    NameServer,
    /// `LOOKUP_FAILED` at the resolvers.
    Resolver,
    /// `LOOKUP_FAILED` while proving the domain exists.
    DomainExists,
    /// `CNAME_AT_MAIL_HOST` with MX rows hidden beside the alias.
    HiddenMx,
    /// `NS_INCONSISTENT` where a server serves an older copy.
    Stale,
    /// `RESOLVER_UNRELIABLE`: the resolver denies the domain that exists.
    DeniesDomain,
    /// `RESOLVER_UNRELIABLE` (even the root denied) where not every denial was NXDOMAIN: an
    /// empty answer or another one, never quoted as "does not exist".
    NoAnswer,
}

impl Variant {
    /// The wording catalog's key for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::NoProvider => "no_provider",
            Variant::UnknownOwner => "unknown_owner",
            Variant::Foreign => "foreign",
            Variant::Nxdomain => "nxdomain",
            Variant::NxdomainForeign => "nxdomain_foreign",
            Variant::NonePresent => "none_present",
            Variant::NotAsked => "not_asked",
            Variant::NameServer => "name_server",
            Variant::Resolver => "resolver",
            Variant::DomainExists => "domain_exists",
            Variant::HiddenMx => "hidden_mx",
            Variant::Stale => "stale",
            Variant::DeniesDomain => "denies_domain",
            Variant::NoAnswer => "no_answer",
        }
    }

    /// Which of two wordings of `LOOKUP_FAILED` wins when both apply.
    fn rank(self) -> u8 {
        match self {
            Variant::NotAsked => 4,
            Variant::NameServer => 3,
            Variant::Resolver => 2,
            Variant::DomainExists => 1,
            _ => 0,
        }
    }
}

impl Finding {
    /// Worded as `variant` (when `when` holds), unless a wording that outranks it is set.
    pub fn worded(mut self, variant: Variant, when: bool) -> Self {
        if when && self.variant.is_none_or(|v| v.rank() <= variant.rank()) {
            self.variant = Some(variant);
        }
        self
    }

    /// A finding of `code`; its reference is the code's (`Code::reference`).
    pub fn new(code: Code, severity: Severity, host: &str) -> Self {
        let reference = code.reference();
        Self {
            code,
            severity,
            host: host.to_string(),
            records: Vec::new(),
            fix: Vec::new(),
            reference: reference.text.to_string(),
            reference_url: reference.url.to_string(),
            params: BTreeMap::new(),
            options: Vec::new(),
            variant: None,
        }
    }

    /// With its code's reference, as this version gives it: a report saved by an older version
    /// may name notes a user cannot follow.
    pub fn referenced(mut self) -> Self {
        let reference = self.code.reference();
        self.reference = reference.text.to_string();
        self.reference_url = reference.url.to_string();
        self
    }

    pub fn records(mut self, records: impl IntoIterator<Item = DnsRecord>) -> Self {
        self.records.extend(records);
        self
    }

    pub fn fix(mut self, rows: impl IntoIterator<Item = FixRow>) -> Self {
        self.fix.extend(rows);
        self
    }

    pub fn param(mut self, key: &str, value: impl Into<String>) -> Self {
        self.params.insert(key.to_string(), value.into());
        self
    }
}

//! The wording catalogs, one per locale (`data/messages.LOCALE.json`): every text the core gives
//! a person, in the CLI, the window, the exported report and the desktop notification: the
//! findings' words, the DNS hosts' names and console guides, the mailbox services' names, the
//! names of the kinds of server a wait asks and the notification at the end of a wait. The data
//! files (`providers.json`, `dns_hosts.json`, `resolvers.json`) hold no words of their own:
//! adding a language is adding one catalog (STYLE.md, "One home per concern").

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The languages of the wording catalogs (`data/messages.LOCALE.json`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];
}

#[derive(Deserialize)]
pub(crate) struct Catalog {
    pub codes: BTreeMap<String, Text>,
    pub status: BTreeMap<String, String>,
    pub options: BTreeMap<String, OptionCatalog>,
    pub steps: BTreeMap<String, String>,
    /// What a failed lookup was for, in words: `LOOKUP_FAILED`'s `purpose` param.
    pub purposes: BTreeMap<String, String>,
    /// What a proposed SPF record changed, one sentence per SPF change (`spf::Change`), with the
    /// term as `{term}`: the SPF findings' `changes` param, worded as `{changes_text}`.
    pub spf_changes: BTreeMap<String, String>,
    /// The words of the exported report (`report::document`).
    pub document: BTreeMap<String, String>,
    /// Each DNS host's name and where to find the records at its console, by host id
    /// (`generic`, without a name, for any other host).
    pub dns_hosts: BTreeMap<String, HostWords>,
    /// Each mailbox service's name, by provider id; a locale gives the name the provider uses
    /// in that language (阿里邮箱, 腾讯企业邮箱), or the international one.
    pub providers: BTreeMap<String, String>,
    /// The names of the servers a wait asks that are not named by DNS (this computer's).
    pub vantages: BTreeMap<String, String>,
    /// The desktop notification at the end of a wait.
    pub notification: BTreeMap<String, String>,
}

/// A finding's words: a title and an explanation, each plain or in plural forms.
#[derive(Deserialize)]
pub(crate) struct Text {
    pub title: Words,
    pub explain: Words,
}

/// Words that may depend on a number: plain, or in the CLDR plural forms `one` and `other`
/// (`by` names the param that holds the number, `count` unless said; a list such as
/// `a, b` counts its items). Chinese needs only `other`, so its catalog writes plain text.
#[derive(Deserialize)]
#[serde(untagged)]
pub(crate) enum Words {
    Plain(String),
    Plural {
        #[serde(default)]
        one: Option<String>,
        other: String,
        #[serde(default)]
        by: Option<String>,
    },
}

impl Words {
    /// Every form, for the tests that compare catalogs.
    #[cfg(test)]
    pub fn forms(&self) -> Vec<&str> {
        match self {
            Words::Plain(s) => vec![s],
            Words::Plural { one, other, .. } => one
                .iter()
                .map(String::as_str)
                .chain([other.as_str()])
                .collect(),
        }
    }

    /// The form for the params' number, in `locale` (English: `one` for exactly 1).
    pub fn form(&self, params: &BTreeMap<String, String>, locale: Locale) -> &str {
        match self {
            Words::Plain(s) => s,
            Words::Plural { one, other, by } => {
                let n = params.get(by.as_deref().unwrap_or("count")).map(|v| {
                    v.trim().parse::<u64>().unwrap_or_else(|_| {
                        v.split(',').filter(|s| !s.trim().is_empty()).count() as u64
                    })
                });
                match (locale, n, one) {
                    (Locale::En, Some(1), Some(one)) => one,
                    _ => other,
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct OptionCatalog {
    pub title: String,
    pub consequence: String,
}

#[derive(Deserialize)]
pub(crate) struct HostWords {
    #[serde(default)]
    pub name: Option<String>,
    pub steps: Vec<String>,
    /// For a host MX Doctor can change records at: how to create a key there with record
    /// read/write on one zone only (`DnsHost::key_steps`).
    #[serde(default)]
    pub key_steps: Vec<String>,
}

pub(crate) fn catalog(locale: Locale) -> &'static Catalog {
    static EN: OnceLock<Catalog> = OnceLock::new();
    static ZH_CN: OnceLock<Catalog> = OnceLock::new();
    match locale {
        Locale::En => EN.get_or_init(|| {
            serde_json::from_str(include_str!("../data/messages.en.json"))
                .expect("data/messages.en.json is valid (checked by a test)")
        }),
        Locale::ZhCn => ZH_CN.get_or_init(|| {
            serde_json::from_str(include_str!("../data/messages.zh-CN.json"))
                .expect("data/messages.zh-CN.json is valid (checked by a test)")
        }),
    }
}

/// A mailbox service's name in `locale` (its id when no catalog has it).
pub fn provider_name(id: &str, locale: Locale) -> String {
    catalog(locale)
        .providers
        .get(id)
        .or_else(|| catalog(Locale::En).providers.get(id))
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// A DNS host's name in `locale` (its id when no catalog has it).
pub fn dns_host_name(id: &str, locale: Locale) -> String {
    let name = |l: Locale| catalog(l).dns_hosts.get(id).and_then(|h| h.name.clone());
    name(locale)
        .or_else(|| name(Locale::En))
        .unwrap_or_else(|| id.to_string())
}

/// Where to find the records at a DNS host's console (`generic` for any other host).
pub fn dns_host_steps(id: &str, locale: Locale) -> Vec<String> {
    let steps = |l: Locale| catalog(l).dns_hosts.get(id).map(|h| h.steps.clone());
    steps(locale)
        .or_else(|| steps(Locale::En))
        .unwrap_or_default()
}

/// How to create a key with record read/write on one zone at a DNS host with an adapter (empty
/// for any other host).
pub fn dns_host_key_steps(id: &str, locale: Locale) -> Vec<String> {
    let steps = |l: Locale| {
        catalog(l)
            .dns_hosts
            .get(id)
            .map(|h| h.key_steps.clone())
            .filter(|s| !s.is_empty())
    };
    steps(locale)
        .or_else(|| steps(Locale::En))
        .unwrap_or_default()
}

/// The name of a server a wait asks that DNS does not name: `system`, this computer's.
pub fn vantage_name(kind: &str, locale: Locale) -> String {
    catalog(locale)
        .vantages
        .get(kind)
        .cloned()
        .unwrap_or_else(|| kind.to_string())
}

/// The notification's words for `key` with `{name}` placeholders filled.
pub fn notification(key: &str, locale: Locale, params: &[(&str, &str)]) -> String {
    let mut text = catalog(locale)
        .notification
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string());
    for (name, value) in params {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The name of each catalogued mailbox service in English, the form a finding's params keep
/// (diagnose writes them), to its id; `None` for any other (the user's own servers).
pub(crate) fn provider_id_by_english_name(name: &str) -> Option<&'static str> {
    catalog(Locale::En)
        .providers
        .iter()
        .find(|(_, n)| n.as_str() == name)
        .map(|(id, _)| id.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_names_the_services_that_have_a_chinese_name() {
        for (id, zh) in [
            ("alibaba-standard", "阿里邮箱（标准版、尊享版）"),
            ("alibaba-enterprise", "阿里邮箱（企业版）"),
            ("tencent-exmail", "腾讯企业邮箱"),
            ("google-workspace", "Google Workspace"),
        ] {
            assert_eq!(provider_name(id, Locale::ZhCn), zh, "{id}");
        }
        assert_eq!(
            dns_host_name("alibaba-cloud-dns", Locale::ZhCn),
            "阿里云云解析 DNS（万网）"
        );
        assert_eq!(
            provider_name("tencent-exmail", Locale::En),
            "Tencent Exmail (Tencent Enterprise Mail)"
        );
    }

    #[test]
    fn plural_forms_follow_the_number_in_english_and_not_in_chinese() {
        let w: Words =
            serde_json::from_str(r#"{"one":"{count} row","other":"{count} rows"}"#).unwrap();
        let p = |n: &str| BTreeMap::from([("count".to_string(), n.to_string())]);
        assert_eq!(w.form(&p("1"), Locale::En), "{count} row");
        assert_eq!(w.form(&p("2"), Locale::En), "{count} rows");
        assert_eq!(w.form(&p("0"), Locale::En), "{count} rows");
        assert_eq!(w.form(&p("1"), Locale::ZhCn), "{count} rows");
        let by: Words =
            serde_json::from_str(r#"{"one":"selector","other":"selectors","by":"selectors"}"#)
                .unwrap();
        let s = |v: &str| BTreeMap::from([("selectors".to_string(), v.to_string())]);
        assert_eq!(by.form(&s("default"), Locale::En), "selector");
        assert_eq!(by.form(&s("selector1, selector2"), Locale::En), "selectors");
    }
}

//! The mailbox-provider and DNS-host catalogs. They are data (`data/*.json`, embedded at build
//! time; STYLE.md convention 9): adding a provider is an edit of a JSON file, not of code.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::words::{self, Locale};

/// One MX record a provider asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct MxEntry {
    pub priority: u16,
    pub host: String,
}

/// A mailbox service and the DNS records it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Provider {
    /// Stable id, used by `--provider` and in JSON output; never renamed.
    pub id: String,
    /// In English; every locale's catalog names it (`providers` in `data/messages.*.json`).
    #[serde(default)]
    pub name: String,
    /// Complete MX sets the provider accepts; the first is the one to recommend. A host may
    /// hold `{domain_dashed}` (Microsoft 365: `example-com.mail.protection.outlook.com`).
    pub mx_sets: Vec<Vec<MxEntry>>,
    /// Host-name suffixes that identify the provider's mail servers.
    #[serde(default)]
    pub mx_suffixes: Vec<String>,
    /// The domain to `include:` in SPF.
    #[serde(default)]
    pub spf_include: Option<String>,
    /// Older includes that also cover the provider's senders.
    #[serde(default)]
    pub spf_include_alternatives: Vec<String>,
    /// The DKIM selectors the provider usually publishes under.
    #[serde(default)]
    pub dkim_selectors: Vec<String>,
    /// Where the records come from.
    #[serde(default)]
    pub source: String,
}

pub const CUSTOM_ID: &str = "custom";

#[derive(Deserialize)]
struct ProviderFile {
    providers: Vec<Provider>,
}

/// A DNS hosting service and where its console keeps the records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DnsHost {
    pub id: String,
    /// In English here; a guide in another language is named from its catalog
    /// (`dns_hosts` in `data/messages.*.json`, with the steps).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub ns_suffixes: Vec<String>,
    /// Text anywhere in a name server's name. Matches lookalikes (`ns1.awsdns-evil.test`), so
    /// no host in the catalog uses it any more; kept for the JSON shape.
    #[serde(default)]
    pub ns_contains: Vec<String>,
    /// Whole name-server names, label by label, where `#` in a label stands for one or more
    /// digits: `ns-#.awsdns-#.com` matches `ns-1234.awsdns-12.com` and nothing longer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ns_patterns: Vec<String>,
    pub console_url: String,
    #[serde(default)]
    pub steps: Vec<String>,
    /// Where the name-server pattern and the console address come from, and what could not be
    /// confirmed from the host's own published pages.
    #[serde(default)]
    pub source: String,
    /// The one-click adapter that changes records at this host (`apply::has_adapter`), its id
    /// the host's own; `None` where MX Doctor can only show the rows to type.
    #[serde(default)]
    pub adapter: Option<String>,
    /// How to create a key there with record read/write on this zone only, in the guide's
    /// language (from the catalogs, like `steps`); empty without an adapter.
    #[serde(default)]
    pub key_steps: Vec<String>,
    /// The host's own page on creating that key; a link the window may open.
    #[serde(default)]
    pub key_url: Option<String>,
    /// Where `key_steps` and `key_url` come from.
    #[serde(default)]
    pub key_source: String,
}

#[derive(Deserialize)]
struct DnsHostFile {
    hosts: Vec<DnsHost>,
}

/// Who hosts a domain's DNS, as far as its NS records tell, and how to reach the records; for a
/// host with an adapter, `host` also says which key to create there (`DnsHost::key_steps`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct DnsHostGuide {
    /// `None` when the name servers match no known host: the steps are then generic.
    pub host: Option<DnsHost>,
    pub name_servers: Vec<String>,
    pub steps: Vec<String>,
}

fn providers() -> &'static [Provider] {
    static CATALOG: OnceLock<Vec<Provider>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let file: ProviderFile = serde_json::from_str(include_str!("../data/providers.json"))
            .expect("data/providers.json is valid (checked by a test)");
        // The data holds no words: the names come from the English catalog.
        file.providers
            .into_iter()
            .map(|p| Provider {
                name: words::provider_name(&p.id, Locale::En),
                ..p
            })
            .collect()
    })
}

fn dns_hosts() -> &'static DnsHostFile {
    static CATALOG: OnceLock<DnsHostFile> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let file: DnsHostFile = serde_json::from_str(include_str!("../data/dns_hosts.json"))
            .expect("data/dns_hosts.json is valid (checked by a test)");
        // The data holds no words: names and steps come from the English catalog.
        DnsHostFile {
            hosts: file
                .hosts
                .into_iter()
                .map(|h| DnsHost {
                    name: words::dns_host_name(&h.id, Locale::En),
                    steps: words::dns_host_steps(&h.id, Locale::En),
                    key_steps: words::dns_host_key_steps(&h.id, Locale::En),
                    ..h
                })
                .collect(),
        }
    })
}

/// The ids of the catalogued DNS hosts.
pub fn dns_host_ids() -> impl Iterator<Item = &'static str> {
    dns_hosts().hosts.iter().map(|h| h.id.as_str())
}

/// Every catalogued provider, in catalog order.
pub fn all() -> &'static [Provider] {
    providers()
}

/// The provider with this id.
pub fn by_id(id: &str) -> Option<&'static Provider> {
    providers().iter().find(|p| p.id == id)
}

/// A provider made of the MX hosts the user names (`--provider custom --mx "10 mx.example"`).
pub fn custom(mx: Vec<MxEntry>) -> Provider {
    Provider {
        id: CUSTOM_ID.to_string(),
        name: words::provider_name(CUSTOM_ID, Locale::En),
        mx_suffixes: mx.iter().map(|m| m.host.clone()).collect(),
        mx_sets: vec![mx],
        spf_include: None,
        spf_include_alternatives: Vec::new(),
        dkim_selectors: Vec::new(),
        source: "given by the user".to_string(),
    }
}

/// Whose mail server `exchange` is: the provider with the longest matching suffix.
pub fn recognise(exchange: &str) -> Option<&'static Provider> {
    providers()
        .iter()
        .filter_map(|p| {
            p.mx_suffixes
                .iter()
                .filter(|s| has_suffix(exchange, s))
                .map(|s| s.len())
                .max()
                .map(|len| (p, len))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(p, _)| p)
}

/// The provider most of these MX hosts belong to, if any belongs to one.
pub fn detect<'a>(exchanges: impl IntoIterator<Item = &'a str>) -> Option<&'static Provider> {
    let mut counts: Vec<(&'static Provider, usize)> = Vec::new();
    for exchange in exchanges {
        if let Some(p) = recognise(exchange) {
            match counts.iter_mut().find(|(q, _)| q.id == p.id) {
                Some((_, n)) => *n += 1,
                None => counts.push((p, 1)),
            }
        }
    }
    // Ties go to the first in catalog order, which is stable.
    counts
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then_with(|| position(b.0).cmp(&position(a.0)))
        })
        .map(|(p, _)| p)
}

fn position(p: &Provider) -> usize {
    providers()
        .iter()
        .position(|q| q.id == p.id)
        .unwrap_or(usize::MAX)
}

/// True when `name` is `pattern` label for label, each `#` in a pattern label standing for one
/// or more ASCII digits (see [`DnsHost::ns_patterns`]).
fn matches_pattern(name: &str, pattern: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let pattern = pattern.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let wanted: Vec<&str> = pattern.split('.').collect();
    labels.len() == wanted.len()
        && labels
            .iter()
            .zip(&wanted)
            .all(|(label, want)| label_matches(label.as_bytes(), want.as_bytes()))
}

fn label_matches(label: &[u8], pattern: &[u8]) -> bool {
    match pattern.split_first() {
        None => label.is_empty(),
        Some((b'#', rest)) => {
            let digits = label.iter().take_while(|c| c.is_ascii_digit()).count();
            (1..=digits).any(|n| label_matches(&label[n..], rest))
        }
        Some((c, rest)) => label.first() == Some(c) && label_matches(&label[1..], rest),
    }
}

fn has_suffix(name: &str, suffix: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let suffix = suffix.trim_end_matches('.').to_ascii_lowercase();
    name == suffix || name.ends_with(&format!(".{suffix}"))
}

impl Provider {
    /// The MX set to recommend for `domain`, with templates filled in.
    pub fn expected_mx(&self, domain: &str) -> Vec<MxEntry> {
        self.mx_sets
            .first()
            .map(|set| self.fill(set, domain))
            .unwrap_or_default()
    }

    /// Every accepted MX set for `domain`.
    pub fn accepted_sets(&self, domain: &str) -> Vec<Vec<MxEntry>> {
        self.mx_sets.iter().map(|s| self.fill(s, domain)).collect()
    }

    fn fill(&self, set: &[MxEntry], domain: &str) -> Vec<MxEntry> {
        set.iter()
            .map(|e| MxEntry {
                priority: e.priority,
                host: e.host.replace("{domain_dashed}", &domain.replace('.', "-")),
            })
            .collect()
    }

    /// True when `exchange` is one of this provider's mail servers.
    pub fn owns(&self, exchange: &str) -> bool {
        self.mx_suffixes.iter().any(|s| has_suffix(exchange, s))
            || self
                .mx_sets
                .iter()
                .flatten()
                .any(|e| !e.host.contains('{') && has_suffix(exchange, &e.host))
    }

    /// Every include that covers the provider's senders.
    pub fn spf_includes(&self) -> Vec<&str> {
        self.spf_include
            .iter()
            .chain(self.spf_include_alternatives.iter())
            .map(String::as_str)
            .collect()
    }
}

/// A public resolver from the catalog (`data/resolvers.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct PublicResolver {
    pub name: String,
    pub address: std::net::IpAddr,
    /// A page where anyone can ask the resolver to forget a name.
    #[serde(default)]
    pub flush_url: Option<String>,
}

#[derive(Deserialize)]
struct ResolverFile {
    resolvers: Vec<PublicResolver>,
}

/// The large public resolvers watched by default (DESIGN.md "What the field has taught").
pub fn public_resolvers() -> &'static [PublicResolver] {
    static CATALOG: OnceLock<Vec<PublicResolver>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        serde_json::from_str::<ResolverFile>(include_str!("../data/resolvers.json"))
            .expect("data/resolvers.json is valid (checked by a unit test)")
            .resolvers
    })
}

/// True for the links MX Doctor's catalogs hold (DNS hosts' consoles and key pages, public
/// resolvers' cache-flush pages): a window opens nothing else.
pub fn is_catalog_link(url: &str) -> bool {
    dns_hosts()
        .hosts
        .iter()
        .any(|h| h.console_url == url || h.key_url.as_deref() == Some(url))
        || public_resolvers()
            .iter()
            .any(|r| r.flush_url.as_deref() == Some(url))
}

/// Where the DNS of a domain served by `name_servers` is managed.
pub fn dns_host_for(name_servers: &[String]) -> DnsHostGuide {
    let file = dns_hosts();
    let host = file
        .hosts
        .iter()
        .find(|h| {
            name_servers.iter().any(|ns| {
                h.ns_suffixes.iter().any(|s| has_suffix(ns, s))
                    || h.ns_patterns.iter().any(|p| matches_pattern(ns, p))
                    || h.ns_contains
                        .iter()
                        .any(|c| ns.to_ascii_lowercase().contains(c))
            })
        })
        .cloned();
    let steps = host
        .as_ref()
        .map(|h| h.steps.clone())
        .unwrap_or_else(|| words::dns_host_steps("generic", Locale::En));
    DnsHostGuide {
        host,
        name_servers: name_servers.to_vec(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_catalogs_links_are_links_to_open() {
        assert!(is_catalog_link("https://dns.console.aliyun.com/"));
        assert!(is_catalog_link("https://one.one.one.one/purge-cache/"));
        for other in [
            "https://evil.example/phish",
            "https://dns.console.aliyun.com/../../evil",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!is_catalog_link(other), "{other}");
        }
    }

    #[test]
    fn every_locale_names_every_catalogued_service_and_host() {
        for locale in Locale::ALL {
            let cat = words::catalog(locale);
            for p in all() {
                assert!(
                    cat.providers.contains_key(&p.id),
                    "{locale:?} names provider {}",
                    p.id
                );
            }
            for h in dns_host_ids() {
                let words = cat.dns_hosts.get(h);
                assert!(
                    words.is_some_and(|w| w.name.is_some() && !w.steps.is_empty()),
                    "{locale:?} names DNS host {h} and says where its records are"
                );
            }
            assert!(cat
                .dns_hosts
                .get("generic")
                .is_some_and(|w| !w.steps.is_empty()));
            assert!(
                cat.vantages.contains_key("system"),
                "{locale:?} names this computer's resolver"
            );
        }
    }

    #[test]
    fn catalogs_load_and_hold_the_contracted_ids() {
        let ids: Vec<&str> = all().iter().map(|p| p.id.as_str()).collect();
        for id in [
            "alibaba-standard",
            "alibaba-enterprise",
            "google-workspace",
            "microsoft-365",
            "zoho",
            "tencent-exmail",
        ] {
            assert!(
                ids.contains(&id),
                "provider id {id} is part of the CLI contract"
            );
        }
        let hosts: Vec<&str> = dns_hosts().hosts.iter().map(|h| h.id.as_str()).collect();
        // Tencent Cloud's DNS is DNSPod: one entry serves both names.
        for id in [
            "alibaba-cloud-dns",
            "dnspod",
            "cloudflare",
            "godaddy",
            "route53",
            "google-cloud-dns",
            "azure-dns",
            "namecheap",
            "huawei-cloud",
            "gandi",
            "ovh",
            "ionos",
        ] {
            assert!(hosts.contains(&id), "DNS host {id} is catalogued");
        }
        for p in all() {
            assert!(
                !p.expected_mx("example.com").is_empty(),
                "{} has MX records",
                p.id
            );
        }
    }

    #[test]
    fn seed_001_records() {
        let std = by_id("alibaba-standard").unwrap();
        let got: Vec<(u16, &str)> = std.mx_sets[0]
            .iter()
            .map(|e| (e.priority, e.host.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (5, "mx1.qiye.aliyun.com"),
                (10, "mx2.qiye.aliyun.com"),
                (15, "mx3.qiye.aliyun.com")
            ]
        );
        assert_eq!(std.spf_include.as_deref(), Some("spf.qiye.aliyun.com"));
        let ent = by_id("alibaba-enterprise").unwrap();
        assert_eq!(ent.expected_mx("x.com")[1].host, "mxw.mxhichina.com");
    }

    #[test]
    fn recognises_whose_mail_servers_these_are() {
        let cases = [
            ("mx2.qiye.aliyun.com", Some("alibaba-standard")),
            ("MXW.mxhichina.com.", Some("alibaba-enterprise")),
            ("alt3.aspmx.l.google.com", Some("google-workspace")),
            ("smtp.google.com", Some("google-workspace")),
            (
                "contoso-com.mail.protection.outlook.com",
                Some("microsoft-365"),
            ),
            ("mx2.zoho.eu", Some("zoho")),
            ("mxbiz2.qq.com", Some("tencent-exmail")),
            ("mail.example.com", None),
            ("notqiye.aliyun.com", None),
        ];
        for (host, want) in cases {
            assert_eq!(recognise(host).map(|p| p.id.as_str()), want, "{host}");
        }
        assert_eq!(
            detect([
                "aspmx.l.google.com",
                "mx1.qiye.aliyun.com",
                "alt1.aspmx.l.google.com"
            ])
            .map(|p| p.id.as_str()),
            Some("google-workspace")
        );
        assert!(detect(["mail.example.com"]).is_none());
    }

    #[test]
    fn microsoft_mx_is_made_from_the_domain() {
        let ms = by_id("microsoft-365").unwrap();
        assert_eq!(
            ms.expected_mx("contoso.co.uk")[0].host,
            "contoso-co-uk.mail.protection.outlook.com"
        );
    }

    /// Issue 15: the guides cover the hosts users actually have, each recognised from a typical
    /// name server of its own, and never from a lookalike that only ends with the same letters.
    #[test]
    fn recognises_every_catalogued_host_from_a_typical_name_server_and_no_lookalike() {
        let cases = [
            ("dns9.hichina.com", "alibaba-cloud-dns"),
            ("ns1.alidns.com", "alibaba-cloud-dns"),
            ("f1g1ns1.dnspod.net", "dnspod"),
            ("kate.ns.cloudflare.com", "cloudflare"),
            ("ns01.domaincontrol.com", "godaddy"),
            ("ns-1234.awsdns-12.org", "route53"),
            ("ns-cloud-a1.googledomains.com", "google-cloud-dns"),
            ("ns1-01.azure-dns.com", "azure-dns"),
            // Namecheap's BasicDNS and FreeDNS both answer from registrar-servers.com.
            ("dns1.registrar-servers.com", "namecheap"),
            ("freedns1.registrar-servers.com", "namecheap"),
            ("ns1.huaweicloud-dns.com", "huawei-cloud"),
            ("ns-123-a.gandi.net", "gandi"),
            ("dns200.anycast.me", "ovh"),
            ("ns1045.ui-dns.com", "ionos"),
            ("ns1.myhostadmin.net", "west-cn"),
            ("ns11.xincache.com", "xinnet"),
            ("ns1.bdydns.cn", "baidu-cloud"),
            ("sv3.bdydns.cn", "baidu-cloud"),
            ("ns1.volcdns.com", "volcengine"),
            ("ns1.jdgslb.com", "jd-cloud"),
            ("freens2.jdgslb.com", "jd-cloud"),
            ("ns1.ename.net", "ename"),
            ("dns1.35.com", "35-com"),
            ("ns1.dns-parking.com", "hostinger"),
            ("lunar.dns-parking.com", "hostinger"),
            ("ns1.bluehost.com", "bluehost"),
            ("ns0.wixdns.net", "wix"),
            ("dns1.squarespacedns.com", "squarespace"),
            ("curitiba.ns.porkbun.com", "porkbun"),
            ("ns1.dyna-ns.net", "dynadot"),
            ("ns1fnx.name.com", "name-com"),
            ("hydrogen.ns.hetzner.com", "hetzner"),
            ("helium.ns.hetzner.de", "hetzner"),
            ("robotns3.second-ns.com", "hetzner"),
            ("ns2.digitalocean.com", "digitalocean"),
            ("ns1.vercel-dns.com", "vercel"),
            ("dns1.p01.nsone.net", "netlify"),
        ];
        for (ns, want) in cases {
            let guide = dns_host_for(&[ns.to_string()]);
            assert_eq!(
                guide.host.as_ref().map(|h| h.id.as_str()),
                Some(want),
                "{ns} is a name server of {want}"
            );
        }
        for id in dns_host_ids() {
            assert!(
                cases.iter().any(|(_, want)| *want == id),
                "{id} has a typical name server in this table"
            );
        }
        // A name that only ends with a host's letters is someone else's server.
        for lookalike in [
            "ns1.notmyhostadmin.net",
            "ns1.evilxincache.com",
            "ns1.my35.com",
            "ns1.fakebdydns.cn",
            "ns1.myname.com",
            "ns1.notdns-parking.com",
            "ns1.wixdns.net.example",
            "ns1.digitalocean.com.evil.example",
            "ns1.vercel-dns.co",
            "ns.porkbun.com.cn",
        ] {
            let guide = dns_host_for(&[lookalike.to_string()]);
            assert!(
                guide.host.is_none(),
                "{lookalike} is not a catalogued host's server (got {:?})",
                guide.host.map(|h| h.id)
            );
        }
    }

    #[test]
    fn the_guides_cover_at_least_thirty_hosts_each_with_a_console_and_a_source() {
        let hosts = &dns_hosts().hosts;
        assert!(hosts.len() >= 30, "{} DNS hosts catalogued", hosts.len());
        for h in hosts {
            assert!(
                h.console_url.starts_with("https://"),
                "{}'s console is an https address",
                h.id
            );
            assert!(
                !h.source.trim().is_empty(),
                "{} says where it comes from",
                h.id
            );
            assert!(
                !h.ns_suffixes.is_empty() || !h.ns_patterns.is_empty(),
                "{} is recognised from its name servers",
                h.id
            );
            assert!(
                is_catalog_link(&h.console_url),
                "{}'s console can be opened",
                h.id
            );
        }
    }

    #[test]
    fn every_host_with_an_adapter_says_which_key_to_create_in_both_languages() {
        let with_adapter: Vec<&str> = dns_hosts()
            .hosts
            .iter()
            .filter(|h| h.adapter.is_some())
            .map(|h| h.id.as_str())
            .collect();
        assert_eq!(
            with_adapter,
            [
                "alibaba-cloud-dns",
                "dnspod",
                "cloudflare",
                "godaddy",
                "route53"
            ],
            "the five catalogued hosts the one-click adapters serve"
        );
        for h in &dns_hosts().hosts {
            let Some(adapter) = h.adapter.as_deref() else {
                assert!(
                    h.key_url.is_none() && h.key_source.is_empty(),
                    "{}: no adapter, so no key to create",
                    h.id
                );
                for locale in Locale::ALL {
                    assert!(
                        words::dns_host_key_steps(&h.id, locale).is_empty(),
                        "{}: no adapter, so no key words in {locale:?}",
                        h.id
                    );
                }
                continue;
            };
            assert_eq!(adapter, h.id, "an adapter is named by its host's id");
            assert!(
                crate::apply::has_adapter(adapter),
                "{adapter} is one of apply::ADAPTER_HOSTS"
            );
            let url = h.key_url.as_deref().unwrap_or_default();
            assert!(
                url.starts_with("https://") && is_catalog_link(url),
                "{}: the key page {url:?} is an https link the window may open",
                h.id
            );
            assert!(
                crate::links::may_open(url),
                "{}: links::may_open agrees",
                h.id
            );
            assert!(
                h.key_source.contains(url),
                "{}: the source names the page it cites",
                h.id
            );
            let en = words::dns_host_key_steps(&h.id, Locale::En);
            let zh = words::dns_host_key_steps(&h.id, Locale::ZhCn);
            assert!(!en.is_empty(), "{}: key words in English", h.id);
            assert_eq!(
                zh.len(),
                en.len(),
                "{}: Chinese says every step English says",
                h.id
            );
            assert_ne!(zh, en, "{}: the Chinese words are Chinese", h.id);
            assert_eq!(h.key_steps, en, "{}: the catalog holds the English", h.id);
        }
        for id in crate::apply::ADAPTER_HOSTS {
            if dns_host_ids().any(|h| h == id) {
                assert!(
                    dns_hosts()
                        .hosts
                        .iter()
                        .any(|h| h.id == id && h.adapter.is_some()),
                    "{id} has an adapter, so the catalog says which key to create"
                );
            }
        }
    }

    #[test]
    fn the_key_words_name_the_least_permission_each_host_offers() {
        for (id, needles) in [
            ("cloudflare", &["Zone · DNS · Edit", "Zone Resources"][..]),
            (
                "route53",
                &[
                    "route53:ChangeResourceRecordSets",
                    "route53:ListResourceRecordSets",
                    "arn:aws:route53:::hostedzone/",
                ][..],
            ),
            (
                "alibaba-cloud-dns",
                &["AliyunDNSFullAccess", "acs:alidns:*:*:domain/"][..],
            ),
            (
                "dnspod",
                &["QcloudDNSPodFullAccess", "qcs::dnspod::uin/"][..],
            ),
            ("godaddy", &["10 or more domains", "Production"][..]),
        ] {
            let text = words::dns_host_key_steps(id, Locale::En).join(" ");
            for needle in needles {
                assert!(text.contains(needle), "{id}'s key words name {needle:?}");
            }
            let zh = words::dns_host_key_steps(id, Locale::ZhCn).join(" ");
            for needle in needles.iter().filter(|n| n.is_ascii() && n.contains(':')) {
                assert!(zh.contains(needle), "{id}'s Chinese words name {needle:?}");
            }
        }
    }

    #[test]
    fn a_guide_in_chinese_says_which_key_to_create_in_chinese() {
        let ns = ["ada.ns.cloudflare.com".to_string()];
        let zh = crate::report::dns_host_guide(&ns, Locale::ZhCn);
        let host = zh.host.expect("Cloudflare is recognised");
        assert_eq!(host.adapter.as_deref(), Some("cloudflare"));
        assert_eq!(
            host.key_steps,
            words::dns_host_key_steps("cloudflare", Locale::ZhCn)
        );
        let other = dns_host_for(&["ns1.unknown-host.example".to_string()]);
        assert!(other.host.is_none(), "an unknown host has no key to create");
    }

    #[test]
    fn every_provider_cites_the_source_of_its_records() {
        for p in all() {
            assert!(
                p.source.trim().len() > 10,
                "{} cites where its MX and SPF values come from",
                p.id
            );
            assert!(
                p.spf_include.is_some(),
                "{} names the include its senders need",
                p.id
            );
        }
    }

    #[test]
    fn recognises_the_mail_servers_of_the_added_services() {
        let cases = [
            ("qiye163mx02.mxmail.netease.com", Some("netease-qiye")),
            ("in1-smtp.messagingengine.com", Some("fastmail")),
            ("mailsec.protonmail.ch", Some("proton")),
            ("mx.yandex.net", Some("yandex-360")),
            (
                "inbound-smtp.eu-west-1.amazonaws.com",
                Some("amazon-workmail"),
            ),
            ("mx02.mail.icloud.com", Some("icloud")),
            ("mx3.zoho.com.au", Some("zoho")),
            // Personal NetEase mail and other AWS hosts are not these services.
            ("163mx01.mxmail.netease.com", None),
            ("ec2-1-2-3-4.compute-1.amazonaws.com", None),
            ("mail.notprotonmail.ch", None),
        ];
        for (host, want) in cases {
            assert_eq!(recognise(host).map(|p| p.id.as_str()), want, "{host}");
        }
    }

    #[test]
    fn finds_the_dns_host_from_name_servers() {
        let cases = [
            ("dns9.hichina.com", Some("alibaba-cloud-dns")),
            ("ns1.alidns.com", Some("alibaba-cloud-dns")),
            ("f1g1ns1.dnspod.net", Some("dnspod")),
            ("kate.ns.cloudflare.com", Some("cloudflare")),
            ("ns-1234.awsdns-12.org", Some("route53")),
            ("ns01.domaincontrol.com", Some("godaddy")),
            ("ns1.example.net", None),
        ];
        for (ns, want) in cases {
            let guide = dns_host_for(&[ns.to_string()]);
            assert_eq!(guide.host.as_ref().map(|h| h.id.as_str()), want, "{ns}");
            assert!(!guide.steps.is_empty());
        }
    }
}

//! The links a window may open: the catalogs' (DNS hosts' consoles, public resolvers'
//! cache-flush pages) and the RFC sections the findings rest on. Nothing else: a link that
//! came from DNS text or a file is never opened.

use crate::{diagnose, providers};

/// True for a link MX Doctor lists itself, exactly as listed.
pub fn may_open(url: &str) -> bool {
    providers::is_catalog_link(url) || diagnose::reference_urls().any(|u| u == url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_rfc_sections_may_be_opened_and_nothing_like_them() {
        assert!(may_open(
            "https://www.rfc-editor.org/rfc/rfc2181#section-10.1"
        ));
        assert!(may_open(
            "https://www.rfc-editor.org/rfc/rfc7208#section-4.6.4"
        ));
        assert!(may_open("https://dns.console.aliyun.com/"));
        for url in diagnose::reference_urls() {
            assert!(may_open(url), "{url}");
        }
        for other in [
            "https://www.rfc-editor.org/rfc/rfc2181#section-10.1/../../evil",
            "https://www.rfc-editor.org.evil.example/rfc/rfc2181#section-10.1",
            "http://www.rfc-editor.org/rfc/rfc2181#section-10.1",
            "https://evil.example/phish",
            "",
        ] {
            assert!(!may_open(other), "{other}");
        }
    }
}

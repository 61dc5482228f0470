//! Issue 13: a snapshot whose DNS text holds Markdown, HTML, backticks and line breaks gives a
//! report that pastes into a helpdesk ticket as text: no live link, no raw HTML, no forged line.

use mxdoctor_core::check::{parse_domain, replay};
use mxdoctor_core::diagnose::ProviderChoice;
use mxdoctor_core::providers;
use mxdoctor_core::report::{document, Locale};
use mxdoctor_core::Snapshot;

const LINK: &str = "[open the ticket](https://evil.example/x)";
const HTML: &str = "<img src=x onerror=alert(1)>";

fn hostile_snapshot() -> Snapshot {
    let exchange = format!("mx`{HTML}``\n# PROBLEM forged heading\n{LINK}");
    let spf = format!("v=spf1 include:a.example;id;#.example ```\n- **ERROR** {LINK} {HTML} -all");
    let value = serde_json::json!({
        "format": 1, "domain": "example.com", "taken_at": 1_700_000_000u64,
        "resolvers": [format!("192.0.2.1:53\n## forged {HTML}")], "zone": "example.com",
        "recursive": [
            {"name": "example.com", "rtype": "MX", "status": "answer", "records": [
                {"name": "example.com", "ttl": 300, "type": "MX", "preference": 10, "exchange": exchange}]},
            {"name": "example.com", "rtype": "TXT", "status": "answer", "records": [
                {"name": "example.com", "ttl": 300, "type": "TXT", "text": spf}]},
            {"name": "example.com", "rtype": "SOA", "status": "no_data"},
            {"name": "example.com", "rtype": "NS", "status": "no_data"}
        ],
        "authoritative": []
    });
    Snapshot::from_json(&value.to_string()).expect("a crafted but well-formed snapshot loads")
}

/// The Markdown outside code spans, each span read per CommonMark §6.1 (a run of n backticks
/// opens a span that only a run of exactly n closes).
fn outside_code(md: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = md.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let n = chars[i..].iter().take_while(|&&c| c == '`').count();
        let mut j = i + n;
        let mut closed = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let m = chars[j..].iter().take_while(|&&c| c == '`').count();
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => i = end,
            None => {
                out.extend(std::iter::repeat_n('`', n));
                i += n;
            }
        }
    }
    out
}

#[test]
fn hostile_dns_text_reaches_the_report_only_inside_code_spans() {
    let snap = hostile_snapshot();
    let alibaba = ProviderChoice::Given(providers::by_id("alibaba-standard").unwrap().clone());
    let report = replay(&parse_domain("example.com").unwrap(), &snap, alibaba);
    for locale in [Locale::En, Locale::ZhCn] {
        let md = document(&report, locale);
        assert!(
            md.contains("onerror"),
            "the hostile values are in the report, shown: {md}"
        );
        let outside = outside_code(&md);
        for raw in [
            "<img",
            "](https://",
            "onerror",
            "forged",
            "PROBLEM",
            "**ERROR**",
        ] {
            assert!(
                !outside.contains(raw),
                "{raw:?} outside a code span would be live Markdown or HTML in a ticket:\n{md}"
            );
        }
        for line in md.lines() {
            assert!(
                !line.starts_with("# PROBLEM") && !line.starts_with("## forged"),
                "a line break in DNS text must not start a line of its own: {line}"
            );
        }
        assert!(
            !md.chars().any(|c| c.is_control() && c != '\n'),
            "no control character reaches a terminal that shows the file"
        );
    }
}

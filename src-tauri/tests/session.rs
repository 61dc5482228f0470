//! "I've made the changes", the remembered step and the settings, through the commands as the
//! window calls them (its own process: one store file, two app starts).

use hickory_proto::rr::{Name, RecordType};
use serde_json::{json, Value};

mod common;
use common::{app, every_row_is, invoke, lab};

fn rows_shown(report: &Value) -> Value {
    // As the repair step shows them: the recommended option for the alias, else the step's rows.
    let mut rows = Vec::new();
    for step in report["plan"]["steps"].as_array().unwrap() {
        if step["id"] == "delete_cname" {
            rows.extend(
                report["findings"][0]["options"][0]["fix"]
                    .as_array()
                    .unwrap()
                    .clone(),
            );
        } else {
            rows.extend(step["rows"].as_array().unwrap().clone());
        }
    }
    Value::Array(rows)
}

#[test]
fn rows_are_marked_saved_at_the_dns_host_and_the_repair_step_survives_a_restart() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lab = lab(&runtime);
    let resolver = lab.resolver.addr().to_string();
    let request = json!({
        "input": "seed000.test",
        "provider": "alibaba-standard",
        "mx": [],
        "resolvers": [resolver]
    });
    let (_app, window) = app("session");

    // The DNS host is named before the check, from the NS records behind the alias.
    let host = invoke(
        &window,
        "detect_dns_host",
        json!({ "input": "seed000.test", "resolvers": [resolver], "locale": "en" }),
    )
    .unwrap();
    assert_eq!(
        host["name_servers"],
        json!(["ns1.seed000.test", "ns2.seed000.test"])
    );

    let report = invoke(
        &window,
        "run_check",
        json!({ "request": request, "onLookup": "__CHANNEL__:1" }),
    )
    .unwrap();
    let rows = rows_shown(&report);
    let states = |checks: &Value| -> Vec<String> {
        checks
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {} {}", c["row"]["type"], c["row"]["value"], c["state"]))
            .collect()
    };
    let before = invoke(&window, "verify_rows", json!({ "rows": rows })).unwrap();
    assert!(
        states(&before).contains(&"\"CNAME\" \"site.cdn.test\" \"not_saved\"".to_string()),
        "{:?}",
        states(&before)
    );

    // The learner deletes the alias and adds the A rows, at the DNS host.
    let apex = Name::from_ascii("seed000.test.").unwrap();
    lab.edit_zone("seed000.test", |z| {
        z.replace(&apex, RecordType::CNAME, 600, vec![]);
        z.replace(
            &apex,
            RecordType::A,
            600,
            vec![
                hickory_proto::rr::RData::A("203.0.113.7".parse().unwrap()),
                hickory_proto::rr::RData::A("203.0.113.8".parse().unwrap()),
            ],
        );
    });
    let after = invoke(&window, "verify_rows", json!({ "rows": rows })).unwrap();
    assert!(every_row_is(&after, "saved"), "{:?}", states(&after));

    // The window was on the repair step when it closed: it comes back there, with the check.
    invoke(
        &window,
        "save_session",
        json!({ "session": { "step": "repair", "request": request } }),
    )
    .unwrap();
    drop(window);
    drop(_app);
    let (_again, window) = app("session");
    let restored = invoke(&window, "restore_session", json!({})).unwrap();
    assert_eq!(restored["session"]["step"], "repair");
    assert_eq!(restored["session"]["request"]["input"], "seed000.test");
    assert_eq!(
        restored["report"]["findings"][0]["code"],
        "CNAME_AT_MAIL_HOST"
    );
    // The replayed check is usable at once: the rows can be verified without checking again,
    // at the DNS host's port, so the edit made before the restart is seen saved.
    let again = invoke(&window, "verify_rows", json!({ "rows": rows })).unwrap();
    assert_eq!(
        again.as_array().unwrap().len(),
        rows.as_array().unwrap().len()
    );
    assert!(every_row_is(&again, "saved"), "{:?}", states(&again));

    // Settings: a bad one is refused in words and nothing changes; a good one is kept.
    let defaults = invoke(&window, "get_settings", json!({})).unwrap();
    assert_eq!(defaults["check_every_secs"], 15);
    let mut bad = defaults.clone();
    bad["resolvers"] = json!(["dns.google"]);
    let err = invoke(&window, "save_settings", json!({ "settings": bad })).unwrap_err();
    assert_eq!(err["code"], "bad_setting");
    assert!(err["message"].as_str().unwrap().contains("dns.google"));
    let mut good = defaults.clone();
    good["locale"] = json!("zh-CN");
    good["technical"] = json!(true);
    good["resolvers"] = json!(["192.0.2.53:5353"]);
    good["check_every_secs"] = json!(30);
    invoke(&window, "save_settings", json!({ "settings": good })).unwrap();
    // The bounds are the core's, the same as `watch --interval`: 1 s to a day.
    let mut too_fast = good.clone();
    too_fast["check_every_secs"] = json!(0);
    assert!(invoke(&window, "save_settings", json!({ "settings": too_fast })).is_err());
    let mut too_slow = good.clone();
    too_slow["check_every_secs"] = json!(86_401);
    too_slow["longest_gap_secs"] = json!(3600);
    assert!(invoke(&window, "save_settings", json!({ "settings": too_slow })).is_err());
    assert_eq!(invoke(&window, "get_settings", json!({})).unwrap(), good);
}

#[test]
fn a_file_that_is_no_snapshot_and_a_link_from_elsewhere_are_refused_in_words() {
    let (_app, window) = app("files");
    for text in ["", "{}", "<html>", "\u{1F4A5}"] {
        let err = invoke(
            &window,
            "open_snapshot",
            json!({ "text": text, "provider": null, "mx": [], "locale": "en" }),
        )
        .unwrap_err();
        assert_eq!(err["code"], "bad_snapshot", "{text}");
        assert!(err["message"]
            .as_str()
            .unwrap()
            .contains("not an MX Doctor snapshot"));
    }
    let err = invoke(
        &window,
        "open_link",
        json!({ "url": "https://evil.example/phish" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_setting");
    // Issue 15: a finding's reference opens at the RFC Editor; a lookalike of it does not.
    let err = invoke(
        &window,
        "open_link",
        json!({ "url": "https://www.rfc-editor.org.evil.example/rfc/rfc2181#section-10.1" }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_setting");
    assert!(mxdoctor_core::links::may_open(
        "https://www.rfc-editor.org/rfc/rfc2181#section-10.1"
    ));
    assert!(mxdoctor_core::providers::is_catalog_link(
        "https://dns.console.aliyun.com/"
    ));
    assert!(mxdoctor_core::providers::is_catalog_link(
        "https://developers.google.com/speed/public-dns/cache"
    ));
}

/// Issue 13: the window judged a snapshot whose domain was in capitals as healthy ("Nothing
/// needs changing") while the same file in lower case has problems; now both read the same.
#[test]
fn a_snapshot_in_capitals_opens_with_the_same_problems_as_in_lower_case() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lab = lab(&runtime);
    let resolver = lab.resolver.addr().to_string();
    let (_app, window) = app("capitals");
    let request = json!({
        "input": "seed000.test",
        "provider": "alibaba-standard",
        "mx": [],
        "resolvers": [resolver]
    });
    let checked = invoke(
        &window,
        "run_check",
        json!({ "request": request, "onLookup": "__CHANNEL__:1" }),
    )
    .unwrap();
    let snapshot = invoke(&window, "last_snapshot", json!({})).unwrap();
    let text = serde_json::to_string(&snapshot).unwrap();
    let loud = text.replace("seed000.test", "SEED000.TEST.");
    assert_ne!(loud, text);
    let codes = |report: &Value| -> Vec<Value> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].clone())
            .collect()
    };
    for t in [&text, &loud] {
        let opened = invoke(
            &window,
            "open_snapshot",
            json!({ "text": t, "provider": "alibaba-standard", "mx": [], "locale": "en" }),
        )
        .unwrap();
        assert_eq!(codes(&opened["report"]), codes(&checked));
        assert_eq!(opened["report"]["status"], checked["status"]);
        assert_ne!(opened["report"]["status"], "ok");
    }
}

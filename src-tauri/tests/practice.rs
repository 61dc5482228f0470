//! Practice mode through the commands: the embedded world answers the wizard as the internet
//! would, and a console edit is saved at its DNS host at once (its own process: one store).

use serde_json::{json, Value};

mod common;
use common::{app, every_row_is, invoke};

#[test]
fn a_practice_repair_made_in_the_console_is_seen_saved_by_the_wizard() {
    std::env::set_var("MXDOCTOR_PRACTICE_PORT", "0");
    let (_app, window) = app("practice");
    assert_eq!(
        invoke(&window, "practice_status", json!({})).unwrap(),
        Value::Null
    );
    let ids: Vec<String> = invoke(&window, "practice_scenarios", json!({}))
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["seed000", "seed001", "seed004", "spf"]);

    // Before any check, the repair step's question is refused with words the window has.
    let err = invoke(&window, "verify_rows", json!({ "rows": [] })).unwrap_err();
    assert_eq!(err["detail"], json!({ "kind": "check_first" }), "{err}");

    let started = invoke(&window, "practice_start", json!({ "id": "seed000" })).unwrap();
    assert_eq!(started["scenario"]["domain"], "seed000.test");
    let rows = started["rows"].as_array().unwrap().clone();
    let cname = rows
        .iter()
        .position(|r| r["type"] == "CNAME")
        .expect("the alias is listed");

    // No resolver named: the check goes to the practice caches, exactly as to the internet's.
    let report = invoke(
        &window,
        "run_check",
        json!({
            "request": { "input": "seed000.test", "provider": "alibaba-standard", "mx": [], "resolvers": [] },
            "onLookup": "__CHANNEL__:1"
        }),
    )
    .unwrap();
    assert_eq!(report["findings"][0]["code"], "CNAME_AT_MAIL_HOST");
    // A check of the practice world is not one of the real checks the first screen offers
    // again: outside practice mode it would ask the internet about seed000.test.
    assert_eq!(
        invoke(&window, "recent_checks", json!({})).unwrap(),
        json!([]),
        "a practice check entered the history of real checks"
    );
    // The window hands the report back as it got it (to copy, save or reword it), including
    // findings whose empty parts were left out of the JSON.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.get("options").is_none()),
        "{report}"
    );
    let document = invoke(
        &window,
        "report_document",
        json!({ "report": report, "locale": "en", "outcome": null }),
    )
    .unwrap();
    assert!(document
        .as_str()
        .unwrap()
        .contains("| Delete | `@` | CNAME | — | `site.cdn.test` |"));
    let fix = report["findings"][0]["options"][0]["fix"].clone();
    let before = invoke(&window, "verify_rows", json!({ "rows": fix })).unwrap();
    assert_eq!(
        fix[0]["keep"].as_array().map(Vec::len),
        Some(3),
        "the MX rows hidden by the alias: every one but the provider's three goes: {fix}"
    );
    assert_eq!(
        before[0]["state"], "unknown",
        "rows hidden behind the alias cannot be seen, so they are not called saved"
    );
    assert_eq!(before[1]["state"], "not_saved", "the alias is still there");
    // Alibaba's rows, to add if not there yet once the alias is gone, are hidden beside it too.
    for add in 4..7 {
        assert_eq!(fix[add]["if_missing"], true, "{fix}");
        assert_eq!(before[add]["state"], "unknown", "{before}");
    }

    // A bad row is refused in words and changes nothing.
    let bad =
        json!({ "host": "@", "type": "A", "priority": null, "value": "not an address", "ttl": 60 });
    let err = invoke(
        &window,
        "practice_edit",
        json!({ "index": null, "row": bad }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_setting");
    assert!(err["message"].as_str().unwrap().contains("not an address"));
    assert_eq!(
        err["detail"],
        json!({ "kind": "console_row", "refusal": { "reason": "value", "rtype": "A", "value": "not an address" } }),
        "the window words the refusal in its own language from the detail"
    );

    // The DNS host's own name server rows are shown locked and cannot be deleted.
    let ns = rows
        .iter()
        .position(|r| r["type"] == "NS" && r["host"] == "@")
        .expect("the NS rows are listed");
    assert_eq!(started["locked"][ns], true);
    assert_eq!(started["locked"][cname], false);
    let err = invoke(
        &window,
        "practice_edit",
        json!({ "index": ns, "row": null }),
    )
    .unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("managed by the DNS host"),
        "{err}"
    );
    assert_eq!(err["detail"]["refusal"]["reason"], "locked", "{err}");

    // The learner deletes the alias and adds the two A rows.
    invoke(
        &window,
        "practice_edit",
        json!({ "index": cname, "row": null }),
    )
    .unwrap();
    for ip in ["203.0.113.7", "203.0.113.8"] {
        let row = json!({ "host": "@", "type": "A", "priority": null, "value": ip, "ttl": 60 });
        invoke(
            &window,
            "practice_edit",
            json!({ "index": null, "row": row }),
        )
        .unwrap();
    }
    let after = invoke(&window, "verify_rows", json!({ "rows": fix })).unwrap();
    assert!(every_row_is(&after, "saved"), "{after}");

    // Reset brings the scenario back; leaving practice mode forgets it.
    let reset = invoke(&window, "practice_reset", json!({})).unwrap();
    assert_eq!(reset["rows"], json!(rows));
    invoke(&window, "practice_stop", json!({})).unwrap();
    assert_eq!(
        invoke(&window, "practice_status", json!({})).unwrap(),
        Value::Null
    );
    // An edit after practice mode stopped is refused with words the window has in each language.
    let err = invoke(&window, "practice_reset", json!({})).unwrap_err();
    assert_eq!(
        err["detail"],
        json!({ "kind": "practice_not_running" }),
        "{err}"
    );
}

//! Attacks on "Let MX Doctor make these changes" through the app's commands (practice mode's
//! adapter, on the mock runtime). Each test FAILS on the product as it stands: it shows a sentence
//! the window would say that is not true. Own process: one store, one practice world.

use serde_json::{json, Value};

mod common;
use common::invoke;

/// The tests of this file share one process, so one store and one practice world: each runs
/// alone, from a store with no journal, in its own data folder (the `journals/` kept aside).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn app(
    name: &str,
) -> (
    std::sync::MutexGuard<'static, ()>,
    tauri::App<tauri::test::MockRuntime>,
    tauri::WebviewWindow<tauri::test::MockRuntime>,
) {
    let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (app, window) = common::app(name);
    mxdoctor_app::persist::save_journal(mxdoctor_app::persist::store(app.handle()), None)
        .expect("the store starts with no journal");
    (serial, app, window)
}

/// The practice console's rows, without their TTLs (a set's TTL is compared separately).
fn rows(window: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Vec<String> {
    let status = invoke(window, "practice_status", json!({})).unwrap();
    let mut out: Vec<String> = status["rows"]
        .as_array()
        .expect("practice is running")
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r["host"].as_str().unwrap(),
                r["type"].as_str().unwrap(),
                r["priority"],
                r["value"].as_str().unwrap()
            )
        })
        .collect();
    out.sort();
    out
}

fn check(window: &tauri::WebviewWindow<tauri::test::MockRuntime>) -> Value {
    invoke(
        window,
        "run_check",
        json!({
            "request": { "input": "seed000.test", "provider": "alibaba-standard", "mx": [], "resolvers": [] },
            "onLookup": "__CHANNEL__:1"
        }),
    )
    .unwrap()
}

/// The Repair step keeps its option radio buttons after an apply; choosing another option
/// re-mounts the apply panel (`{#key chosen.id}`), which offers "Let MX Doctor make these
/// changes" again. Applying a second option moves the first apply's journal out of the store
/// (to a file in `journals/`), so the Wait and Done steps' undo only knows the second one.
///
/// What the user sees: "Undo the changes MX Doctor made" → "Every record set MX Doctor changed
/// is back as it was, and your DNS host lists each one so." — while the first option's changes
/// (the alias deleted at @, the A rows added) are still at the DNS host. The promise on the
/// offer ("Everything it changes can be undone") and the undo's sentence are both false.
#[test]
fn break_apply_undo_after_two_applies_says_every_change_is_back_while_the_first_remains() {
    std::env::set_var("MXDOCTOR_PRACTICE_PORT", "0");
    let (_serial, _app, window) = app("break-apply-two");
    invoke(&window, "practice_start", json!({ "id": "seed000" })).unwrap();
    let original = rows(&window);
    let report = check(&window);
    let options: Vec<String> = report["option_plans"]
        .as_array()
        .expect("the alias finding offers options")
        .iter()
        .map(|p| p["option"].as_str().unwrap().to_string())
        .collect();
    assert!(options.len() >= 2, "{options:?}");

    // First option, applied.
    let first = invoke(
        &window,
        "apply_preview",
        json!({ "option": options[0], "key": null }),
    )
    .unwrap();
    assert!(
        first["row_results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "planned"),
        "{first}"
    );
    let applied = invoke(&window, "apply_changes", json!({ "key": null })).unwrap();
    assert_eq!(applied["journal"]["status"], "applied", "{applied}");
    assert_ne!(
        rows(&window),
        original,
        "the first option changed the console"
    );

    // The user clicks the other option's radio button, and the apply is offered again.
    let second = invoke(
        &window,
        "apply_preview",
        json!({ "option": options[1], "key": null }),
    )
    .unwrap();
    let planned = second["row_results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r == "planned");
    assert!(
        planned,
        "the second option still has rows to change: {second}"
    );
    let applied2 = invoke(&window, "apply_changes", json!({ "key": null })).unwrap();
    assert!(
        applied2["journal"]["status"] == "applied" || applied2["journal"]["status"] == "partial",
        "{applied2}"
    );

    // The Done step's undo.
    let journal = invoke(&window, "apply_journal", json!({})).unwrap();
    assert_eq!(journal["can_undo"], true, "{journal}");
    let undone = invoke(&window, "apply_undo", json!({ "key": null })).unwrap();
    let status = undone["journal"]["undo"]["status"].clone();
    let after = rows(&window);
    // The window says apply.undone ("Every record set MX Doctor changed is back as it was") for
    // an undo status "applied", and no longer offers undo (can_undo false).
    if status == "applied" || undone["can_undo"] == false {
        assert_eq!(
            after, original,
            "the window says every change MX Doctor made is back (undo status {status}, can_undo {}), \
             yet the practice DNS host still lists the first option's changes",
            undone["can_undo"]
        );
    }
}

/// A journal kept in the store is a file the report trusts. `journal_section` writes the
/// journal's times (`started`, each step's `at`, the undo's `finished`) into the Markdown as
/// they stand, outside any code span; every other piece of outside text goes into a code span.
/// A store with a crafted `started` (DESIGN: "crafted snapshot and state files") forges lines
/// in the outcome report a helpdesk pastes into a ticket: a heading, an HTML tag, a link.
/// (`report_document` attaches a journal whose `started` sorts after the check: "9999-…" does.)
#[test]
fn break_apply_report_journal_section_forges_lines_from_a_crafted_time() {
    use mxdoctor_core::apply::Journal;
    let forged = "9999-01-01T00:00:00Z\n\n# Mail to example.com works again\n\n<img src=x onerror=alert(1)> [call us](https://evil.example)";
    let journal: Journal = serde_json::from_value(json!({
        "version": 1,
        "domain": "example.com",
        "zone": "example.com",
        "dns_host": "practice",
        "adapter": "practice",
        "endpoint": null,
        "started": forged,
        "finished": forged,
        "status": "applied",
        "message": "ok",
        "rows": [],
        "row_results": [],
        "steps": [{
            "seq": 1,
            "before": { "name": "example.com", "type": "CNAME", "ttl": 60, "values": [{ "value": "site.cdn.test" }] },
            "after": { "name": "example.com", "type": "CNAME", "ttl": 60, "values": [] },
            "rows": [],
            "at": forged,
            "result": "done",
            "error": null
        }],
        "undo": null
    }))
    .expect("a journal as the store would hold it");
    let md = mxdoctor_core::report::journal_section(&journal, mxdoctor_core::words::Locale::En);
    assert!(
        !md.lines().any(|l| l.starts_with("# ")),
        "a crafted journal time forged a top-level heading in the outcome report:\n{md}"
    );
    assert!(
        !md.contains("<img src=x") || md.contains("`<img") || md.contains("` <img"),
        "a crafted journal time put raw HTML in the outcome report:\n{md}"
    );
}

/// The Done step's "Copy the report" after an undo: the outcome report (what the user sends to a
/// helpdesk) opens its outcome with "Mail to seed000.test works again: every server MX Doctor
/// asked gave the repaired records", and its journal section, further down, says every change
/// was put back. The problem is back; the report's headline says it is fixed.
#[test]
fn break_apply_outcome_report_after_undo_still_says_mail_works_again() {
    std::env::set_var("MXDOCTOR_PRACTICE_PORT", "0");
    let (_serial, _app, window) = app("break-apply-report");
    invoke(&window, "practice_start", json!({ "id": "seed000" })).unwrap();
    let report = check(&window);
    invoke(
        &window,
        "apply_preview",
        json!({ "option": null, "key": null }),
    )
    .unwrap();
    let applied = invoke(&window, "apply_changes", json!({ "key": null })).unwrap();
    assert_eq!(applied["journal"]["status"], "applied", "{applied}");
    // The wait cleared (Done step), then the user clicked "Undo the changes MX Doctor made".
    let undone = invoke(&window, "apply_undo", json!({ "key": null })).unwrap();
    assert_eq!(undone["journal"]["undo"]["status"], "applied", "{undone}");

    let at = "2999-01-01T00:00:00Z";
    let outcome = json!({
        "domain": "seed000.test", "provider": "alibaba-standard", "status": "clear", "phase": "clear",
        "round": 3, "at": at, "started_at": at, "saved_at": at, "earliest": null, "latest": null,
        "earliest_in": null, "latest_in": null, "cleared_at": at, "deadline": at, "vantages": [],
        "queries": 12, "option": null, "mail_host": "seed000.test", "rows": [], "optional_rows": [],
        "except": []
    });
    let doc = invoke(
        &window,
        "report_document",
        json!({ "report": report, "locale": "en", "outcome": outcome }),
    )
    .unwrap();
    let doc = doc.as_str().unwrap();
    assert!(
        doc.contains("were undone at"),
        "the report says the changes were undone: {doc}"
    );
    assert!(
        doc.contains("Changes MX Doctor made at your DNS host"),
        "the journal is in the report: {doc}"
    );
    // (The findings' own words may still say what an option would do, "mail works again": the
    // outcome's line must not say it happened.)
    assert!(
        !doc.contains("Mail to seed000.test works again"),
        "every change was undone (the alias is back), yet the outcome report says mail works again:\n{doc}"
    );
}

/// Undo with a key typed in and "Remember this key on this computer" ticked: `apply_undo`
/// remembers the key whatever the undo's outcome — also when the DNS host was never reached
/// (or refused the key) and nothing was put back. (apply_changes remembers only after the key
/// worked.) A wrong key saved in the keychain makes the next apply_target say "A key for this
/// DNS host is saved on this computer" and stop asking for one, so every later undo or apply
/// fails with it until the user finds "Forget the DNS host keys". Without a keychain the window
/// says instead "The key was used but could not be remembered on this computer", of a key no
/// DNS host ever accepted.
///
/// Loopback only: the journal's DNS host is PowerDNS at 127.0.0.1:9, where nothing listens.
#[test]
fn break_apply_undo_remembers_a_key_that_never_worked() {
    use mxdoctor_core::apply::{keys, Journal};
    let (_serial, app, window) = app("break-apply-remember");
    let endpoint = "http://127.0.0.1:9";
    let journal: Journal = serde_json::from_value(json!({
        "version": 1,
        "domain": "example.com",
        "zone": "example.com",
        "dns_host": "powerdns",
        "adapter": "powerdns",
        "endpoint": endpoint,
        "started": "2026-01-02T03:04:05Z",
        "finished": "2026-01-02T03:04:06Z",
        "status": "applied",
        "message": "All 1 changes were made, and the DNS host lists each one as planned.",
        "rows": [{ "action": "delete", "host": "@", "type": "CNAME", "priority": null, "value": "site.cdn.test", "new_value": null }],
        "row_results": ["done"],
        "steps": [{
            "seq": 1,
            "before": { "name": "example.com", "type": "CNAME", "ttl": 60, "values": [{ "value": "site.cdn.test" }] },
            "after": { "name": "example.com", "type": "CNAME", "ttl": 60, "values": [] },
            "rows": [0],
            "at": "2026-01-02T03:04:05Z",
            "result": "done",
            "error": null
        }],
        "undo": null
    }))
    .expect("a journal as an apply of the window writes it");
    mxdoctor_app::persist::save_journal(mxdoctor_app::persist::store(app.handle()), Some(&journal))
        .expect("the store keeps the journal");
    let view = invoke(&window, "apply_journal", json!({})).unwrap();
    assert_eq!(view["can_undo"], true, "{view}");

    let undone = invoke(
        &window,
        "apply_undo",
        json!({ "key": { "key": "WRONG-KEY-NEVER-ACCEPTED", "secret": null, "remember": true } }),
    )
    .unwrap();
    assert_ne!(
        undone["journal"]["undo"]["status"], "applied",
        "nothing can have been put back at a closed port: {undone}"
    );
    let account = keys::keychain_account("powerdns", Some(endpoint));
    let saved = keys::keychain_get(&account).ok().flatten().is_some();
    if saved {
        let _ = keys::keychain_forget(&account);
    }
    assert!(
        !saved && undone["not_remembered"].is_null(),
        "a key no DNS host accepted was remembered (saved in the keychain: {saved}; the window \
         says \"The key was used but could not be remembered…\": {})",
        undone["not_remembered"]
    );
}

/// A restart in the middle: the journal is saved before the first write and after each step,
/// never just before a write is sent. If MX Doctor is closed (or crashes, or the computer
/// sleeps for good) while the first write is on its way, the store keeps a journal "in
/// progress" whose steps all say "not attempted" — although the DNS host may have made that
/// write. After the restart `apply_journal` says `can_undo: false`, so the Wait and Done steps
/// offer no undo and say nothing of the interrupted apply: the alias may be gone (or half the
/// MX rows written) with no way back in the window, and no word that anything happened.
#[test]
fn break_apply_an_apply_cut_short_during_its_first_write_offers_no_undo_after_a_restart() {
    use mxdoctor_core::apply::Journal;
    let (_serial, app, window) = app("break-apply-restart");
    let journal: Journal = serde_json::from_value(json!({
        "version": 1,
        "domain": "seed000.test",
        "zone": "seed000.test",
        "dns_host": "practice",
        "adapter": "practice",
        "endpoint": null,
        "started": "2026-01-02T03:04:05Z",
        "finished": null,
        "status": "in_progress",
        "message": "",
        "rows": [{ "action": "delete", "host": "@", "type": "CNAME", "priority": null, "value": "site.cdn.test", "new_value": null }],
        "row_results": ["not_attempted"],
        "steps": [{
            "seq": 1,
            "before": { "name": "seed000.test", "type": "CNAME", "ttl": 60, "values": [{ "value": "site.cdn.test" }] },
            "after": { "name": "seed000.test", "type": "CNAME", "ttl": 60, "values": [] },
            "rows": [0],
            "at": "2026-01-02T03:04:05Z",
            "result": "unconfirmed",
            "error": "sent; MX Doctor stopped before the DNS host answered, so the change may or may not have been made"
        }],
        "undo": null
    }))
    .expect("the journal exactly as apply() saves it just before its first write is sent");
    mxdoctor_app::persist::save_journal(mxdoctor_app::persist::store(app.handle()), Some(&journal))
        .expect("the store keeps the journal");
    let view = invoke(&window, "apply_journal", json!({})).unwrap();
    assert_eq!(view["journal"]["status"], "in_progress", "{view}");
    assert_eq!(
        view["can_undo"], true,
        "an apply cut short while its first write was on its way may have changed the zone; \
         after the restart the window offers no undo and says nothing: {view}"
    );
}

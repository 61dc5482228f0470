//! The command layer on Tauri's mock runtime: what the window receives for good and bad input,
//! and a real check through the loopback DNS world.

use serde_json::json;

mod common;
use common::{app, invoke, lab};

#[test]
fn a_pasted_address_is_normalised_and_bad_input_is_a_bad_domain_error() {
    let (_app, window) = app("commands");
    let ok = invoke(
        &window,
        "normalise_domain",
        json!({"input": "Someone@BÜCHER.de"}),
    )
    .unwrap();
    assert_eq!(ok["ascii"], "xn--bcher-kva.de");
    assert_eq!(ok["unicode"], "bücher.de");
    for bad in ["", "my domain.com", "🙂.🙂", &"a".repeat(300)] {
        let err = invoke(&window, "normalise_domain", json!({ "input": bad })).unwrap_err();
        assert_eq!(err["code"], "bad_domain", "{bad:?}: {err}");
        assert!(err["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[test]
fn the_provider_list_is_the_catalog() {
    let (_app, window) = app("commands");
    let list = invoke(&window, "list_providers", json!({})).unwrap();
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"alibaba-standard") && ids.contains(&"google-workspace"),
        "{ids:?}"
    );
}

#[test]
fn a_check_with_an_unknown_provider_is_a_setting_error() {
    let (_app, window) = app("commands");
    let err = invoke(
        &window,
        "run_check",
        json!({"request": {"input": "example.com", "provider": "nope", "mx": [], "resolvers": []}, "onLookup": "__CHANNEL__:1"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "bad_setting");
}

#[test]
fn a_check_runs_through_the_loopback_world() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lab = lab(&runtime);
    let (_app, window) = app("commands");
    let report = invoke(
        &window,
        "run_check",
        json!({
            "request": {
                "input": "seed000.test",
                "provider": "alibaba-standard",
                "mx": [],
                "resolvers": [lab.resolver.addr().to_string()]
            },
            "onLookup": "__CHANNEL__:1"
        }),
    )
    .unwrap();
    assert_eq!(report["status"], "problems");
    assert_eq!(report["findings"][0]["code"], "CNAME_AT_MAIL_HOST");
    // Remembered for the first screen's history, with what was typed and chosen.
    let recent = invoke(&window, "recent_checks", json!({})).unwrap();
    let first = &recent[0];
    assert_eq!(first["domain"], "seed000.test");
    assert_eq!(first["input"], "seed000.test");
    assert_eq!(first["provider"], "alibaba-standard");
    assert_eq!(first["problems"], 1);
    assert!(
        report["authoritative_servers"].as_array().unwrap().len() == 2,
        "{}",
        report["authoritative_servers"]
    );
}

#[test]
fn a_wait_for_an_option_the_check_did_not_offer_is_refused_with_its_own_code() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let lab = lab(&runtime);
    let (_app, window) = app("commands");
    invoke(
        &window,
        "run_check",
        json!({
            "request": {
                "input": "seed000.test",
                "provider": "alibaba-standard",
                "mx": [],
                "resolvers": [lab.resolver.addr().to_string()]
            },
            "onLookup": "__CHANNEL__:1"
        }),
    )
    .unwrap();
    let err = invoke(
        &window,
        "start_wait",
        json!({"option": "paint_it_blue", "onRound": "__CHANNEL__:2"}),
    )
    .unwrap_err();
    // The window words the refusal itself, in its own language: it branches on the code.
    assert_eq!(err["code"], "bad_option", "{err}");
}

/// `mxdoctor-app --help` answers and ends: it never opens a window (none can open here: no
/// display), and names the one flag it has. A flag it does not know is refused in words.
#[test]
fn the_window_binary_answers_help_and_refuses_unknown_flags() {
    use std::process::Command;
    let app = env!("CARGO_BIN_EXE_mxdoctor-app");
    let help = Command::new(app)
        .arg("--help")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("mxdoctor-app runs");
    let text = String::from_utf8_lossy(&help.stdout);
    assert!(help.status.success(), "--help ends with 0: {help:?}");
    assert!(
        text.contains("--practice"),
        "--help names --practice: {text}"
    );
    let unknown = Command::new(app)
        .arg("--bogus")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("mxdoctor-app runs");
    assert_eq!(
        unknown.status.code(),
        Some(2),
        "an unknown flag is a usage error"
    );
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--bogus"));
    // Started over plain SSH: no GTK panic and stack trace, but the way to a window.
    let headless = Command::new(app)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("mxdoctor-app runs");
    let said = String::from_utf8_lossy(&headless.stderr);
    assert_eq!(
        headless.status.code(),
        Some(1),
        "no display is an error, not a panic (101): {said}"
    );
    assert!(
        said.contains("No display") && said.contains("ssh -X") && !said.contains("panicked"),
        "{said}"
    );
}

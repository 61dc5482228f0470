//! The `mxdoctor` binary against the scenario zones on loopback: DESIGN.md's CLI contract.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Command, Output};

use mxdoctor_dnsworld::{load_dir, Lab};
use serde_json::Value;

fn zones_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/zones")
}

async fn lab() -> Lab {
    let zones = load_dir(&zones_dir()).unwrap().into_values().collect();
    Lab::start(zones, Vec::new())
        .await
        .expect("loopback servers start")
}

/// Runs `mxdoctor` on a blocking thread, so the servers keep answering meanwhile.
async fn mxdoctor(lab: Option<&Lab>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(args).env("NO_COLOR", "1");
    if let Some(lab) = lab {
        cmd.args([
            "--nameserver",
            &lab.resolver.addr().to_string(),
            "--auth-port",
            &lab.auth_port.to_string(),
            "--timeout",
            "0.7",
        ]);
    }
    tokio::task::spawn_blocking(move || cmd.output().expect("mxdoctor runs"))
        .await
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is one JSON object ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn conflict_exits_1_with_the_contracted_json() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &[
            "check",
            "someone@SEED000.test",
            "--provider",
            "alibaba-standard",
            "--json",
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["domain"], "seed000.test");
    assert_eq!(v["provider"], "alibaba-standard");
    assert_eq!(v["status"], "problems");
    let f = &v["findings"][0];
    for key in ["code", "severity", "host", "records", "fix"] {
        assert!(f.get(key).is_some(), "finding has {key}: {f}");
    }
    assert_eq!(f["code"], "CNAME_AT_MAIL_HOST");
    assert_eq!(f["severity"], "error");
    // The MX rows hidden beside the alias go first (seed 001 §2.1), then the alias.
    assert_eq!(f["fix"][0]["action"], "delete");
    assert_eq!(f["fix"][0]["type"], "MX");
    assert_eq!(f["fix"][0]["keep"].as_array().map(Vec::len), Some(3), "{f}");
    assert_eq!(f["fix"][1]["action"], "delete");
    assert_eq!(f["fix"][1]["host"], "@");
    assert_eq!(f["fix"][1]["type"], "CNAME");
}

#[tokio::test(flavor = "multi_thread")]
async fn healthy_domain_exits_0_and_names_the_provider() {
    let lab = lab().await;
    let out = mxdoctor(Some(&lab), &["check", "https://www.scope.test/", "--json"]).await;
    let v = json(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    assert_eq!(v["status"], "ok");
    assert_eq!(v["provider"], "alibaba-standard");
    assert_eq!(v["provider_source"], "detected");
}

#[tokio::test(flavor = "multi_thread")]
async fn human_output_shows_the_rows_in_plain_words() {
    let lab = lab().await;
    let out = mxdoctor(
        Some(&lab),
        &["check", "seed000.test", "--provider", "alibaba-standard"],
    )
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("An alias (CNAME) at seed000.test hides your mail settings"),
        "{text}"
    );
    assert!(text.contains("Host record"), "{text}");
    assert!(text.contains("Delete   @            CNAME"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when not on a terminal");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_exits_2_with_a_clear_message() {
    for input in ["", "192.0.2.1", "localhost", "😀.com", &"a".repeat(300)] {
        let out = mxdoctor(None, &["check", input, "--json"]).await;
        assert_eq!(out.status.code(), Some(2), "{input:?}");
        let v = json(&out);
        assert_eq!(v["status"], "error");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
        let human = mxdoctor(None, &["check", input]).await;
        assert!(
            String::from_utf8_lossy(&human.stderr).starts_with("mxdoctor: "),
            "{input:?}"
        );
    }
    let unknown = mxdoctor(None, &["check", "example.com", "--provider", "nope"]).await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("alibaba-standard"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_saved_snapshot_replays_offline() {
    let lab = lab().await;
    let dir = std::env::temp_dir().join(format!("mxdoctor-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("seed001.json");
    let path = file.to_str().unwrap();
    let live = mxdoctor(
        Some(&lab),
        &["check", "seed001.test", "--json", "--snapshot-out", path],
    )
    .await;
    drop(lab);
    let replay = mxdoctor(
        None,
        &["check", "seed001.test", "--json", "--from-snapshot", path],
    )
    .await;
    assert_eq!(json(&live), json(&replay));
    assert_eq!(replay.status.code(), live.status.code());
    std::fs::write(&file, "{corrupt").unwrap();
    let corrupt = mxdoctor(None, &["check", "seed001.test", "--from-snapshot", path]).await;
    assert_eq!(corrupt.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&corrupt.stderr).contains("not an MX Doctor snapshot"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn providers_lists_the_contracted_ids() {
    let out = mxdoctor(None, &["providers", "--json"]).await;
    let v = json(&out);
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    // The contracted ids first, in their order; services added since come after them.
    assert_eq!(
        ids[..6],
        [
            "alibaba-standard",
            "alibaba-enterprise",
            "google-workspace",
            "microsoft-365",
            "zoho",
            "tencent-exmail"
        ]
    );
    for added in [
        "netease-qiye",
        "fastmail",
        "proton",
        "yandex-360",
        "amazon-workmail",
        "icloud",
    ] {
        assert!(ids.contains(&added), "{added} is listed");
    }
}

/// Runs `mxdoctor` with arguments that need not be UTF-8, nothing looked up.
async fn mxdoctor_os(args: Vec<OsString>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(args).env("NO_COLOR", "1");
    tokio::task::spawn_blocking(move || cmd.output().expect("mxdoctor runs"))
        .await
        .unwrap()
}

/// Should an input be wrongly accepted, the check asks a closed port on loopback, never the
/// internet.
const NOWHERE: [&str; 4] = ["--nameserver", "127.0.0.1:9", "--timeout", "0.05"];

#[tokio::test(flavor = "multi_thread")]
async fn pasted_input_that_could_name_another_domain_is_refused_in_plain_words() {
    let cases = [
        ("a@b.com@c.com", "more than one @"),
        ("example.com/../evil.com", "has \"..\" in it"),
        ("http://evil.com/..%2f@example.com", "has \"..\" in it"),
        ("https://example.com@evil.com/", "web address has an @"),
        (
            "mailto:you@example.com,boss@evil.com",
            "more than one domain",
        ),
        ("300.1.2.3", "is only numbers"),
        ("example.123", "cannot end in \".123\""),
        ("example-.com", "starts or ends with a hyphen"),
        ("{{7*7}}.example.com", "cannot contain \"{\""),
    ];
    for (input, words) in cases {
        let out = mxdoctor(None, &[&["check", input, "--json"][..], &NOWHERE].concat()).await;
        assert_eq!(out.status.code(), Some(2), "{input:?} is refused: exit 2");
        let v = json(&out);
        assert_eq!(v["status"], "error", "{input:?}: {v}");
        assert_eq!(v["error"]["code"], "bad_domain", "{input:?}: {v}");
        let message = v["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{input:?}: {message}");
        assert!(
            message.contains("for example example.com") || message.contains("check what you"),
            "{input:?}: the message says what to type instead: {message}"
        );
        let human = mxdoctor(None, &[&["check", input][..], &NOWHERE].concat()).await;
        assert_eq!(human.status.code(), Some(2), "{input:?}");
        let stderr = String::from_utf8_lossy(&human.stderr);
        assert!(
            stderr.starts_with("mxdoctor: ") && stderr.contains(words),
            "{input:?}: {stderr}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn pasted_forms_check_the_name_meant_and_say_so() {
    let lab = lab().await;
    let cases = [
        (
            "mailto:someone@SEED000.test?cc=boss@scope.test",
            "took_address_from_mail_link",
            "You pasted an email link",
        ),
        (
            "@seed000.test",
            "took_part_after_at",
            "checked the domain after the @",
        ),
        ("seed000。test。", "normalised", "standard form"),
    ];
    for (input, adjustment, words) in cases {
        let out = mxdoctor(Some(&lab), &["check", input, "--json"]).await;
        let v = json(&out);
        assert_eq!(v["domain"], "seed000.test", "{input:?} checks seed000.test");
        assert!(
            v["adjustments"]
                .as_array()
                .is_some_and(|a| a.iter().any(|x| x == adjustment)),
            "{input:?}: the report says what was changed: {}",
            v["adjustments"]
        );
        let human = mxdoctor(Some(&lab), &["check", input]).await;
        let text = String::from_utf8_lossy(&human.stdout);
        assert!(
            text.starts_with("MX Doctor checked seed000.test\n") && text.contains(words),
            "{input:?}: {text}"
        );
        assert!(
            !text.contains("scope.test\n"),
            "{input:?}: the cc is not checked"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_empty_provider_is_refused_with_the_ids() {
    let ids = [
        "alibaba-standard",
        "alibaba-enterprise",
        "google-workspace",
        "microsoft-365",
        "zoho",
        "tencent-exmail",
        "custom",
    ];
    for command in ["check", "watch"] {
        for empty in ["", "  "] {
            let args = [command, "example.com", "--provider", empty, "--json"];
            let out = mxdoctor(None, &[&args[..], &NOWHERE].concat()).await;
            assert_eq!(out.status.code(), Some(2), "{command} --provider {empty:?}");
            let v = json(&out);
            assert_eq!(v["status"], "error", "{v}");
            assert_eq!(v["error"]["code"], "bad_provider", "{v}");
            let message = v["error"]["message"].as_str().unwrap_or_default();
            for id in ids {
                assert!(
                    message.contains(id),
                    "{command}: the refusal lists {id}: {message}"
                );
            }
        }
    }
    let human = mxdoctor(
        None,
        &[&["check", "example.com", "--provider", ""][..], &NOWHERE].concat(),
    )
    .await;
    assert_eq!(human.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&human.stderr);
    assert!(
        stderr.starts_with("mxdoctor: --provider is empty; use one of: alibaba-standard"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn argument_errors_are_one_json_object_under_json() {
    let cases: [&[&str]; 5] = [
        &["check", "--json"],
        &["check", "example.com", "--json", "--no-such-flag"],
        &["check", "example.com", "--json", "--timeout", "soon"],
        &["watch", "example.com", "--json", "--interval"],
        &["providers", "--json", "extra"],
    ];
    for args in cases {
        let out = mxdoctor(None, args).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let v = json(&out);
        assert_eq!(v["status"], "error", "{args:?}: {v}");
        assert_eq!(v["error"]["code"], "bad_arguments", "{args:?}: {v}");
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty() && !m.starts_with("error:")),
            "{args:?}: {v}"
        );
        let without_json: Vec<&str> = args.iter().copied().filter(|a| *a != "--json").collect();
        let human = mxdoctor(None, &without_json).await;
        assert_eq!(human.status.code(), Some(2), "{without_json:?}");
        assert!(
            human.stdout.is_empty(),
            "{without_json:?}: words on stderr only"
        );
        assert!(
            String::from_utf8_lossy(&human.stderr).starts_with("error: "),
            "{without_json:?}"
        );
    }
    let help = mxdoctor(None, &["check", "--help", "--json"]).await;
    assert_eq!(help.status.code(), Some(0), "help is no error");
    assert!(String::from_utf8_lossy(&help.stdout).contains("Usage: mxdoctor check"));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn an_argument_that_is_not_utf8_is_refused_in_json_too() {
    use std::os::unix::ffi::OsStringExt;
    let not_utf8 = OsString::from_vec(b"exa\xffmple.com".to_vec());
    let out = mxdoctor_os(vec!["check".into(), not_utf8.clone(), "--json".into()]).await;
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    assert_eq!(v["status"], "error", "{v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("UTF-8")),
        "{v}"
    );
    let human = mxdoctor_os(vec!["check".into(), not_utf8]).await;
    assert_eq!(human.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&human.stderr).contains("invalid UTF-8"));
}

/// C0 (ESC among them), DEL, C1 and the bidi controls: never raw on a terminal. Line breaks
/// are ours and are allowed.
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn control_characters_never_reach_the_terminal() {
    let ns = ["--nameserver", "127.0.0.1:9"];
    let cases: [Vec<&str>; 5] = [
        [&["check", "example.com\u{7f}"][..], &ns].concat(),
        [
            &["check", "https://example.com/\u{1b}]0;owned\u{7}"][..],
            &ns,
        ]
        .concat(),
        [
            &[
                "check",
                "example.com",
                "--provider",
                "\u{1b}[2J\u{202e}evil",
            ][..],
            &ns,
        ]
        .concat(),
        vec!["check", "example.com", "--nameserver", "\u{9b}2J\u{2066}"],
        vec![
            "check",
            "example.com",
            "--timeout",
            "1\u{1b}[31m\nforged line",
        ],
    ];
    for args in cases {
        for json_flag in [None, Some("--json")] {
            let mut all = args.clone();
            all.extend(json_flag);
            let out = mxdoctor(None, &all).await;
            assert_eq!(out.status.code(), Some(2), "{all:?} is refused");
            for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                let text = String::from_utf8_lossy(bytes);
                assert_eq!(raw_control(&text), None, "{all:?} {stream}: {text:?}");
                assert!(
                    !text.lines().any(|l| l.starts_with("forged")),
                    "{all:?} {stream}: a line break in a value forges no line: {text:?}"
                );
            }
            if json_flag.is_some() {
                assert_eq!(json(&out)["status"], "error", "{all:?}");
            }
        }
    }
    let clap_quoted = mxdoctor(
        None,
        &[
            "check",
            "example.com",
            "--timeout",
            "1\u{1b}[31m\nforged line",
        ],
    )
    .await;
    assert!(
        String::from_utf8_lossy(&clap_quoted.stderr).contains("'1\\u{1b}[31m\\u{a}forged line'"),
        "clap's message quotes the value, escaped: {}",
        String::from_utf8_lossy(&clap_quoted.stderr)
    );
    let del = mxdoctor(
        None,
        &[&["check", "example.com\u{7f}"][..], &NOWHERE].concat(),
    )
    .await;
    let stderr = String::from_utf8_lossy(&del.stderr);
    assert!(
        stderr.contains("cannot contain an invisible character (U+007F)"),
        "the DEL is named, not printed: {stderr}"
    );
}

/// Issue 13: snapshot files a stranger made (cut off, nested deep, huge, thousands of servers,
/// a year past 9999, another domain, not a file at all) exit 2 with a message and no panic; a
/// snapshot in capitals or with every server listed twice reads as the honest one.
#[tokio::test(flavor = "multi_thread")]
async fn crafted_snapshot_files_exit_2_with_a_message_or_read_as_their_honest_twin() {
    let lab = lab().await;
    let dir = std::env::temp_dir().join(format!("mxdoctor-cli-crafted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let honest_file = dir.join("seed001.json");
    let live = mxdoctor(
        Some(&lab),
        &[
            "check",
            "seed001.test",
            "--json",
            "--snapshot-out",
            honest_file.to_str().unwrap(),
        ],
    )
    .await;
    drop(lab);
    let honest = std::fs::read_to_string(&honest_file).unwrap();
    let mut v: Value = serde_json::from_str(&honest).unwrap();

    let replay = |text: String, name: &str| {
        let file = dir.join(name);
        std::fs::write(&file, text).unwrap();
        let path = file.to_str().unwrap().to_string();
        async move {
            mxdoctor(
                None,
                &["check", "SEED001.test", "--json", "--from-snapshot", &path],
            )
            .await
        }
    };

    // Honest twins: capitals and a final dot everywhere, and every server listed twice.
    let loud = honest.replace("seed001.test", "SEED001.TEST.");
    let servers = v["authoritative"].as_array().unwrap().clone();
    v["authoritative"] = Value::Array([servers.clone(), servers].concat());
    let doubled = v.to_string();
    for (text, name) in [(loud, "loud.json"), (doubled, "doubled.json")] {
        let out = replay(text, name).await;
        assert_eq!(out.status.code(), live.status.code(), "{name}");
        assert_eq!(
            json(&out)["findings"],
            json(&live)["findings"],
            "{name} reads as the honest snapshot"
        );
    }

    // Refused, each with its reason.
    let mut many: Value = serde_json::from_str(&honest).unwrap();
    many["authoritative"] = (0..5000)
        .map(|i| serde_json::json!({"host": format!("ns{i}.example.net"), "address": format!("192.0.2.{}", i % 250), "observations": []}))
        .collect();
    let mut late: Value = serde_json::from_str(&honest).unwrap();
    late["taken_at"] = serde_json::json!(253_402_300_800u64);
    let mut other: Value = serde_json::from_str(&honest).unwrap();
    other["domain"] = serde_json::json!("another.example");
    let cases = [
        (
            honest[..honest.len() / 2].to_string(),
            "cut off",
            "not an MX Doctor snapshot",
        ),
        ("[".repeat(200_000), "nested", "not an MX Doctor snapshot"),
        (many.to_string(), "5000 servers", "DNS host servers"),
        (late.to_string(), "year 10000", "after the year 9999"),
        (other.to_string(), "other domain", "another.example"),
        (
            format!("{{\"pad\": \"{}\"}}", "x".repeat(5 * 1024 * 1024)),
            "5 MB",
            "larger than 4 MB",
        ),
    ];
    for (i, (text, what, said)) in cases.into_iter().enumerate() {
        let out = replay(text, &format!("crafted-{i}.json")).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        let e = json(&out);
        let message = e["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(said), "{what}: {e}");
    }
    // Not a file: a folder, and an endless device.
    for path in [dir.to_str().unwrap(), "/dev/zero"] {
        let out = mxdoctor(
            None,
            &["check", "seed001.test", "--json", "--from-snapshot", path],
        )
        .await;
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert_eq!(json(&out)["error"]["code"], "snapshot_unreadable", "{path}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

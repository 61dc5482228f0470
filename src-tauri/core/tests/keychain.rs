//! The keychain against a real Secret Service: gnome-keyring in a private D-Bus session with a
//! throwaway home, started by `scripts/test-keychain`, never the developer's own keychain.
//!
//! `MXDOCTOR_KEYCHAIN_TEST` says where the tests run:
//! - `session`: inside that private session; the round-trip tests run, the others skip.
//! - `absent`: with no D-Bus session at all; only the no-keychain test runs.
//! - `locked`: a D-Bus session whose keyring nobody unlocked (gnome-keyring started by D-Bus
//!   activation, with no one to answer its prompt); only the locked-keychain test runs.
//! - unset (a plain `cargo test --workspace`): every keychain test prints "skipped" and passes,
//!   so a developer's real keychain is never touched.
//!
//! keyring 4 opens the platform's store once per process, so the two kinds need two processes.

use mxdoctor_core::apply::keys::{
    keychain_account, keychain_forget, keychain_get, keychain_set, Credentials, KeyError,
    KEYCHAIN_SERVICE,
};

const MODE: &str = "MXDOCTOR_KEYCHAIN_TEST";

/// True when the test runs in `mode`; otherwise it says it skipped, and why.
fn runs_in(mode: &str, test: &str) -> bool {
    let here = std::env::var(MODE).unwrap_or_default();
    if here == mode {
        return true;
    }
    println!("skipped {test}: needs {MODE}={mode} (scripts/test-keychain sets it)");
    false
}

fn pair(key: &str, secret: &str) -> Credentials {
    Credentials {
        key: key.to_string(),
        secret: Some(secret.to_string()),
        algorithm: None,
    }
}

/// Every keychain error is worded for a person: a sentence, not a bare code.
fn assert_worded(e: &KeyError) {
    let text = e.to_string();
    assert!(
        text.split_whitespace().count() >= 6,
        "the error says what happened and what to do: {text:?}"
    );
}

#[test]
fn a_saved_key_is_read_back_exactly() {
    if !runs_in("session", "a_saved_key_is_read_back_exactly") {
        return;
    }
    let account = keychain_account("cloudflare", None);
    let saved = Credentials {
        key: "token-for-one-zone".to_string(),
        secret: None,
        algorithm: None,
    };
    keychain_set(&account, &saved).expect("the keychain saves the key");
    assert_eq!(
        keychain_get(&account).expect("the keychain answers"),
        Some(saved),
        "what was saved is what is read"
    );
    let replaced = pair("AKIDEXAMPLE", "the-new-secret");
    keychain_set(&account, &replaced).expect("saving again replaces");
    assert_eq!(
        keychain_get(&account).unwrap(),
        Some(replaced),
        "a second save replaces the first, it does not add a second entry"
    );
    assert!(keychain_forget(&account).unwrap());
}

#[test]
fn each_account_keeps_its_own_key() {
    if !runs_in("session", "each_account_keeps_its_own_key") {
        return;
    }
    let host = keychain_account("rfc2136", Some("127.0.0.1:5300"));
    let other = keychain_account("rfc2136", Some("127.0.0.1:5301"));
    assert_ne!(host, other, "the endpoint is part of the account");
    let tsig = Credentials {
        key: "mxdoctor-tsig".to_string(),
        secret: Some("c2VjcmV0LWJ5dGVz".to_string()),
        algorithm: Some("hmac-sha512".to_string()),
    };
    keychain_set(&host, &tsig).unwrap();
    assert_eq!(
        keychain_get(&other).unwrap(),
        None,
        "another endpoint's account does not see this key"
    );
    let second = pair("other-key", "other-secret");
    keychain_set(&other, &second).unwrap();
    assert_eq!(keychain_get(&host).unwrap(), Some(tsig.clone()));
    assert_eq!(keychain_get(&other).unwrap(), Some(second));
    assert!(keychain_forget(&other).unwrap());
    assert_eq!(
        keychain_get(&host).unwrap(),
        Some(tsig),
        "forgetting one account leaves the other"
    );
    assert!(keychain_forget(&host).unwrap());
}

#[test]
fn a_forgotten_key_is_gone_and_forgetting_twice_says_so() {
    if !runs_in(
        "session",
        "a_forgotten_key_is_gone_and_forgetting_twice_says_so",
    ) {
        return;
    }
    let account = keychain_account("route53", None);
    keychain_set(&account, &pair("AKIAEXAMPLE", "wJalrXUtnEXAMPLE")).unwrap();
    assert!(
        keychain_forget(&account).unwrap(),
        "there was a key to forget"
    );
    assert_eq!(
        keychain_get(&account).unwrap(),
        None,
        "a forgotten key is gone"
    );
    assert!(
        !keychain_forget(&account).unwrap(),
        "forgetting again is not an error, and says there was nothing"
    );
    assert_eq!(
        keychain_get(&keychain_account("never-saved", None)).unwrap(),
        None,
        "an account never saved has no key"
    );
}

#[test]
fn a_damaged_entry_is_reported_in_words_and_can_be_forgotten() {
    if !runs_in(
        "session",
        "a_damaged_entry_is_reported_in_words_and_can_be_forgotten",
    ) {
        return;
    }
    let account = keychain_account("godaddy", None);
    // Written by hand, the way another program (or an older MX Doctor) might have.
    for damaged in [
        "not json at all",
        r#"{"secret":"no key"}"#,
        r#"{"key":"  "}"#,
    ] {
        keyring::Entry::new(KEYCHAIN_SERVICE, &account)
            .unwrap()
            .set_password(damaged)
            .unwrap();
        let err = keychain_get(&account).expect_err(&format!("{damaged:?} is an error, not a key"));
        assert!(
            matches!(&err, KeyError::Damaged(a) if a == &account),
            "{damaged:?} is damaged: {err:?}"
        );
        assert_worded(&err);
        assert!(
            !err.to_string().contains(damaged),
            "the words never quote what the entry holds"
        );
    }
    assert!(
        keychain_forget(&account).unwrap(),
        "the way out the words give works"
    );
    assert_eq!(keychain_get(&account).unwrap(), None);
}

#[test]
fn debug_never_shows_the_key_or_the_secret() {
    let key = "SENTINEL-KEY-7f3a";
    let secret = "SENTINEL-SECRET-91cb";
    let check = |c: &Credentials, from: &str| {
        for shown in [
            format!("{c:?}"),
            format!("{c:#?}"),
            format!("{:?}", Some(c)),
        ] {
            assert!(
                !shown.contains(key) && !shown.contains(secret),
                "Debug of credentials {from} shows no part of them: {shown}"
            );
            assert!(shown.contains("hmac-sha256"), "the algorithm is no secret");
        }
    };
    let made = Credentials {
        key: key.to_string(),
        secret: Some(secret.to_string()),
        algorithm: Some("hmac-sha256".to_string()),
    };
    check(&made, "made in code");
    if !runs_in(
        "session",
        "debug_never_shows_the_key_or_the_secret (read back)",
    ) {
        return;
    }
    let account = keychain_account("alibaba-cloud-dns", None);
    keychain_set(&account, &made).unwrap();
    let read = keychain_get(&account).unwrap().expect("saved just now");
    check(&read, "read from the keychain");
    assert!(keychain_forget(&account).unwrap());
}

#[test]
fn without_a_secret_service_the_keychain_says_so_in_words() {
    if !runs_in(
        "absent",
        "without_a_secret_service_the_keychain_says_so_in_words",
    ) {
        return;
    }
    assert!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none(),
        "this test runs with no D-Bus session (scripts/test-keychain unsets it)"
    );
    let account = keychain_account("cloudflare", None);
    let no_keychain = |e: &KeyError| matches!(e, KeyError::NoKeychain(_) | KeyError::Locked(_));
    let got = keychain_get(&account).expect_err("no Secret Service, no key");
    assert!(no_keychain(&got), "reading: {got:?}");
    assert_worded(&got);
    let saved = keychain_set(&account, &pair("k", "s")).expect_err("nowhere to save");
    assert!(no_keychain(&saved), "saving: {saved:?}");
    assert_worded(&saved);
    let forgot = keychain_forget(&account).expect_err("nothing to forget from");
    assert!(no_keychain(&forgot), "forgetting: {forgot:?}");
    println!("without a Secret Service: {got}");
}

#[test]
fn a_locked_keychain_says_so_in_words_and_does_not_wait() {
    if !runs_in(
        "locked",
        "a_locked_keychain_says_so_in_words_and_does_not_wait",
    ) {
        return;
    }
    let account = keychain_account("dnspod", None);
    let saved = keychain_set(&account, &pair("IKIDEXAMPLE", "secret"))
        .expect_err("a keyring nobody unlocked takes no key");
    assert!(
        matches!(saved, KeyError::Locked(_) | KeyError::NoKeychain(_)),
        "saving: {saved:?}"
    );
    assert_worded(&saved);
    println!("with a locked keyring: {saved}");
}

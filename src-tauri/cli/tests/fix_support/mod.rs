//! How the `fix`/`undo` tests run `mxdoctor`: a throwaway home, no keychain (a developer's own is
//! never read by a test), no key but the one the test gives.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn mxdoctor(args: &[&str], env: &[(&str, &str)], home: &Path) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("MXDOCTOR_DNS_KEY")
        .env_remove("MXDOCTOR_DNS_SECRET");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("mxdoctor runs")
}

/// Standard output and standard error, as a person at the terminal reads them.
pub fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

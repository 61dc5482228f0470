//! How the `fix`/`undo` tests run `mxdoctor`: a throwaway home, no keychain (a developer's own is
//! never read by a test), no key but the one the test gives.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use mxdoctor_dnsworld::{load_dir, pdns_binary, Lab, PowerDns, Unbound};

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

pub fn tests_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests")
}

/// PowerDNS serving seed 001's shape (`tests/apply-zones/stray.test.zone`), the DNS world for the
/// mail providers' zones, a fresh Unbound in front of both, and a throwaway home.
pub struct World {
    pub pdns: PowerDns,
    pub _lab: Lab,
    pub unbound: Unbound,
    pub home: tempfile::TempDir,
}

/// The world; `None` (the test prints "skipped") without `pdns_server`, except under `CI`, where
/// the test fails: scripts/test installs it.
pub async fn world() -> Option<World> {
    if pdns_binary().is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "pdns_server is not installed, and CI must run `mxdoctor fix` against it: scripts/test installs pdns-server pdns-backend-sqlite3 sqlite3"
        );
        eprintln!("skipped: pdns_server not installed");
        return None;
    }
    let text = std::fs::read_to_string(tests_dir().join("apply-zones/stray.test.zone")).unwrap();
    let pdns = PowerDns::start("stray.test", &text).expect("PowerDNS starts");
    let zones = load_dir(&tests_dir().join("zones"))
        .unwrap()
        .into_values()
        .collect();
    let lab = Lab::start(zones, Vec::new()).await.expect("DNS world");
    let unbound = pdns.resolver(&lab).expect("Unbound starts");
    Some(World {
        pdns,
        _lab: lab,
        unbound,
        home: tempfile::tempdir().unwrap(),
    })
}

impl World {
    /// `mxdoctor ARGS` against this world (its resolver and PowerDNS's port, except for `undo`,
    /// which asks no DNS question), with `key` (and `secret`) in the environment.
    pub async fn run_with(&self, args: &[&str], key: &str, secret: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mxdoctor"));
        cmd.args(args)
            .env("NO_COLOR", "1")
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .env("MXDOCTOR_DNS_KEY", key);
        match secret {
            Some(s) => cmd.env("MXDOCTOR_DNS_SECRET", s),
            None => cmd.env_remove("MXDOCTOR_DNS_SECRET"),
        };
        if args[0] != "undo" {
            cmd.args([
                "--nameserver",
                &self.unbound.addr().to_string(),
                "--auth-port",
                &self.pdns.dns_port().to_string(),
                "--timeout",
                "1.5",
            ]);
        }
        tokio::task::spawn_blocking(move || cmd.output().expect("mxdoctor runs"))
            .await
            .unwrap()
    }
}

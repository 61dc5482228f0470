//! Keys for the DNS host's API: from the environment (`MXDOCTOR_DNS_KEY`,
//! `MXDOCTOR_DNS_SECRET`, `MXDOCTOR_TSIG_ALGORITHM`), else the operating system's keychain.
//! A key is never written to the store, a snapshot, a report, the journal or a log, and its
//! `Debug` form shows no part of it.

use std::fmt;

/// What a DNS host's API needs to let MX Doctor in. For `rfc2136`, `key` is the TSIG key's
/// name, `secret` its base64 secret and `algorithm` its algorithm (default `hmac-sha256`).
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub key: String,
    pub secret: Option<String>,
    pub algorithm: Option<String>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key", &"<hidden>")
            .field("secret", &self.secret.as_ref().map(|_| "<hidden>"))
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

pub const ENV_KEY: &str = "MXDOCTOR_DNS_KEY";
pub const ENV_SECRET: &str = "MXDOCTOR_DNS_SECRET";
pub const ENV_TSIG_ALGORITHM: &str = "MXDOCTOR_TSIG_ALGORITHM";

impl Credentials {
    /// The key from the environment, when `MXDOCTOR_DNS_KEY` is set and not empty.
    pub fn from_env() -> Option<Credentials> {
        let get = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Some(Credentials {
            key: get(ENV_KEY)?,
            secret: get(ENV_SECRET),
            algorithm: get(ENV_TSIG_ALGORITHM),
        })
    }
}

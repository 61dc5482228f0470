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

/// The keychain could not be used, in words.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "this computer has no keychain MX Doctor can use ({0}); enter the key each time instead"
    )]
    NoKeychain(String),
    #[error("the keychain is locked or refused access ({0}); unlock it and try again")]
    Locked(String),
    #[error("the key saved in the keychain for {0} is damaged; forget it and enter it again")]
    Damaged(String),
    #[error("the keychain failed: {0}")]
    Other(String),
}

/// The keychain service name of every MX Doctor entry.
pub const KEYCHAIN_SERVICE: &str = "MX Doctor DNS host key";

/// The keychain account of a DNS host: its id, and for `powerdns` / `rfc2136` the endpoint.
pub fn keychain_account(dns_host: &str, endpoint: Option<&str>) -> String {
    match endpoint.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => format!("{dns_host} {e}"),
        None => dns_host.to_string(),
    }
}

/// The keychain entry of `account`. keyring 4 opens the platform's store once per process, on
/// the first entry; when that failed, `Entry::new` says only `NoDefaultStore` and the reason
/// (no D-Bus session, no Secret Service) is kept in `Entry::store_status`, so it is asked first.
/// A store that failed stays failed until MX Doctor is started again.
fn entry(account: &str) -> Result<keyring::Entry, KeyError> {
    if let Err(e) = keyring::Entry::store_status() {
        return Err(KeyError::NoKeychain(e.to_string()));
    }
    keyring::Entry::new(KEYCHAIN_SERVICE, account).map_err(|e| classify(e, account))
}

/// The keychain's failure in words. `keyring::Error` is non-exhaustive, hence the last arm. No
/// arm quotes the stored bytes (`BadEncoding` and `BadDataFormat` carry them) nor the
/// duplicate entries (`Ambiguous`).
fn classify(e: keyring::Error, account: &str) -> KeyError {
    use keyring::Error as E;
    match e {
        E::NoStorageAccess(inner) => KeyError::Locked(inner.to_string()),
        E::NoDefaultStore | E::PlatformFailure(_) => KeyError::NoKeychain(e.to_string()),
        E::BadEncoding(_) | E::BadDataFormat(..) => KeyError::Damaged(account.to_string()),
        E::Ambiguous(found) => KeyError::Other(format!(
            "the keychain holds {} entries for {account}; remove them in the keychain's own \
             app and enter the key again",
            found.len()
        )),
        E::NoEntry => KeyError::Other(format!("the keychain has no entry for {account}")),
        other => KeyError::Other(other.to_string()),
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    key: String,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    algorithm: Option<String>,
}

/// The key saved in the keychain for `account`, if any.
pub fn keychain_get(account: &str) -> Result<Option<Credentials>, KeyError> {
    match entry(account)?.get_password() {
        Ok(text) => {
            let saved = serde_json::from_str::<Saved>(&text)
                .ok()
                .filter(|s| !s.key.trim().is_empty())
                .ok_or_else(|| KeyError::Damaged(account.to_string()))?;
            Ok(Some(Credentials {
                key: saved.key,
                secret: saved.secret,
                algorithm: saved.algorithm,
            }))
        }
        Err(keyring::Error::NoEntry) => Ok(None),
        Err(e) => Err(classify(e, account)),
    }
}

/// Saves `credentials` in the keychain for `account`, replacing what was there.
pub fn keychain_set(account: &str, credentials: &Credentials) -> Result<(), KeyError> {
    let text = serde_json::to_string(&Saved {
        key: credentials.key.clone(),
        secret: credentials.secret.clone(),
        algorithm: credentials.algorithm.clone(),
    })
    .map_err(|e| KeyError::Other(e.to_string()))?;
    entry(account)?
        .set_password(&text)
        .map_err(|e| classify(e, account))
}

/// Removes the key for `account` from the keychain; `false` when there was none.
pub fn keychain_forget(account: &str) -> Result<bool, KeyError> {
    match entry(account)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(keyring::Error::NoEntry) => Ok(false),
        Err(e) => Err(classify(e, account)),
    }
}

//! `dns-update`'s errors in the classes a person can act on ([`ApiError`]), and the one rule
//! every message passes through on its way out: no key in it.
//!
//! `dns-update` 0.6 keeps little of what went wrong: a 401 and a 404 have their own variants,
//! every other HTTP status arrives as the text `"HTTP {code}: {body}"` (`http.rs`,
//! `http_status_message`; a 400 as `"BadRequest {body}"`), and a request that never got an
//! answer as `"Failed to send request to {url}: error sending request for url (…)"`, which
//! does not say whether the connection was refused or timed out. RFC 2136 failures carry the
//! DNS response code (`"REFUSED"`, `"NOTAUTH"`…) or hickory's network error text.

use super::ApiError;

/// The text of a `dns-update` error, before redaction.
pub(super) fn raw(e: &dns_update::Error) -> String {
    use dns_update::Error as E;
    match e {
        E::Protocol(s)
        | E::Parse(s)
        | E::Client(s)
        | E::Response(s)
        | E::Api(s)
        | E::Serialize(s)
        | E::Unsupported(s) => s.clone(),
        E::Unauthorized => "HTTP 401".into(),
        E::NotFound => "HTTP 404".into(),
        E::BadRequest => "HTTP 400".into(),
        E::InvalidRegion => "invalid region".into(),
        other => format!("{other:?}"),
    }
}

/// The HTTP status at the start of a `dns-update` API error text, if any.
fn http_status(text: &str) -> Option<u16> {
    if text.starts_with("BadRequest") {
        return Some(400);
    }
    let rest = text.strip_prefix("HTTP ")?;
    rest.get(..3)?.parse().ok()
}

/// The class of a network failure from its words (hickory's and the operating system's).
pub(super) fn network(text: &str) -> ApiError {
    let lower = text.to_ascii_lowercase();
    if lower.contains("timed out") || lower.contains("timeout") {
        ApiError::Timeout
    } else {
        ApiError::Unreachable(text.to_string())
    }
}

pub(super) fn classify(e: &dns_update::Error, zone: &str) -> ApiError {
    use dns_update::Error as E;
    let text = raw(e);
    match e {
        E::Unauthorized => ApiError::Unauthorized("HTTP 401".into()),
        E::NotFound => ApiError::ZoneNotFound {
            zone: zone.to_string(),
        },
        E::Unsupported(s) => ApiError::Unsupported(s.clone()),
        // RFC 2136: the response code of the update (RFC 2136 §2.2, RFC 8945 §5.3).
        E::Response(code) => match code.to_ascii_uppercase().as_str() {
            "NOTAUTH" | "BADSIG" | "BADKEY" | "BADTIME" => ApiError::Unauthorized(format!(
                "{code} (the TSIG key's name, secret or algorithm does not match the server's, or this computer's clock is off)"
            )),
            "REFUSED" => ApiError::Forbidden(format!(
                "REFUSED (the server does not allow this key, or updates from this address, for zone {zone})"
            )),
            "NOTZONE" => ApiError::ZoneNotFound {
                zone: zone.to_string(),
            },
            _ => ApiError::Refused(code.clone()),
        },
        E::Client(s) => network(s),
        E::Api(s) if s.starts_with("Failed to send request") => ApiError::Unreachable(
            "no answer (the connection was refused, or it timed out; dns-update does not say which)"
                .into(),
        ),
        E::Api(s) => match http_status(s) {
            Some(401) => ApiError::Unauthorized(s.clone()),
            Some(403) => ApiError::Forbidden(s.clone()),
            Some(404) => ApiError::ZoneNotFound {
                zone: zone.to_string(),
            },
            Some(429) => ApiError::RateLimited,
            Some(408 | 504) => ApiError::Timeout,
            Some(400 | 409 | 422) => ApiError::Refused(s.clone()),
            _ => ApiError::Other(text),
        },
        _ => ApiError::Other(text),
    }
}

/// Takes the key and the secret out of every message (some hosts sign in the query string,
/// and a URL appears in `dns-update`'s errors), and query strings with them.
#[derive(Clone)]
pub(super) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub(super) fn new(key: &str, secret: Option<&str>) -> Self {
        let secrets = [Some(key), secret]
            .into_iter()
            .flatten()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        Redactor { secrets }
    }

    pub(super) fn text(&self, text: &str) -> String {
        let mut out = strip_queries(text);
        for s in &self.secrets {
            out = out.replace(s.as_str(), "<hidden>");
        }
        out
    }

    pub(super) fn error(&self, e: ApiError, zone: &str) -> ApiError {
        let t = |s: String| self.text(&s);
        match e {
            ApiError::Unauthorized(s) => ApiError::Unauthorized(t(s)),
            ApiError::Forbidden(s) => ApiError::Forbidden(t(s)),
            ApiError::ZoneNotFound { .. } => ApiError::ZoneNotFound {
                zone: zone.to_string(),
            },
            ApiError::Unreachable(s) => ApiError::Unreachable(t(s)),
            ApiError::Refused(s) => ApiError::Refused(t(s)),
            ApiError::Unsupported(s) => ApiError::Unsupported(t(s)),
            ApiError::Other(s) => ApiError::Other(t(s)),
            e @ (ApiError::RateLimited | ApiError::Timeout) => e,
        }
    }
}

/// `https://host/path?Signature=…&AccessKeyId=…` → `https://host/path?…`.
fn strip_queries(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_query = false;
    for c in text.chars() {
        if in_query {
            if c.is_whitespace() || c == ')' || c == '"' {
                in_query = false;
                out.push(c);
            }
            continue;
        }
        out.push(c);
        if c == '?' && out.contains("://") {
            out.push('…');
            in_query = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_codes_in_dns_update_texts_become_classes() {
        let cases = [
            ("HTTP 403: {\"error\":\"denied\"}", "Forbidden"),
            ("HTTP 429", "RateLimited"),
            (
                "HTTP 422: RRset x.: Conflicts with pre-existing RRset",
                "Refused",
            ),
            ("BadRequest nope", "Refused"),
            ("HTTP 500: boom", "Other"),
            (
                "Failed to send request to http://127.0.0.1:1/api/v1: error sending request",
                "Unreachable",
            ),
        ];
        for (text, class) in cases {
            let e = classify(&dns_update::Error::Api(text.into()), "example.com");
            assert!(
                format!("{e:?}").starts_with(class),
                "{text:?} is a {class}, not {e:?}"
            );
        }
        assert_eq!(
            classify(&dns_update::Error::Unauthorized, "example.com"),
            ApiError::Unauthorized("HTTP 401".into())
        );
        assert_eq!(
            classify(&dns_update::Error::NotFound, "example.com"),
            ApiError::ZoneNotFound {
                zone: "example.com".into()
            }
        );
        assert!(matches!(
            classify(&dns_update::Error::Response("NOTAUTH".into()), "z"),
            ApiError::Unauthorized(_)
        ));
        assert!(matches!(
            classify(&dns_update::Error::Response("REFUSED".into()), "z"),
            ApiError::Forbidden(_)
        ));
        assert_eq!(
            classify(
                &dns_update::Error::Client("connection timed out".into()),
                "z"
            ),
            ApiError::Timeout
        );
    }

    #[test]
    fn messages_lose_keys_and_query_strings() {
        let r = Redactor::new("AKID-SENTINEL", Some("s3cr3t-SENTINEL"));
        let out = r.text("Failed to send request to https://alidns.aliyuncs.com/?AccessKeyId=AKID-SENTINEL&Signature=x: HTTP 403 s3cr3t-SENTINEL");
        assert!(!out.contains("SENTINEL"), "{out}");
        assert!(
            out.contains("https://alidns.aliyuncs.com/?… HTTP 403"),
            "{out}"
        );
    }
}

//! What was pasted: a name, an address, a web address or an email link, and which part of
//! it names the host. Whatever could be read as two different hosts is refused here, before
//! any part is taken; the parent module then checks the part taken as a name.

use super::{invalid, is_control_or_bidi, Adjustment, InputError};

/// UTS 46 §2.3: `。` (U+3002), `．` (U+FF0E) and `｡` (U+FF61) separate labels as `.` does.
/// Full-width ASCII (U+FF01–FF5E: `＠`, `／`, `：`), which a Chinese keyboard gives in
/// full-width mode, is read as the ASCII it maps to under UTS 46, before deciding whether the
/// text is an address or a link: `user＠example。com` is an address.
pub(super) fn narrow(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3002}' | '\u{FF61}' => '.',
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// The part of the input that names the host, before it is checked as a name.
pub(super) struct Picked {
    /// One host; an email link may hold several addresses, acceptable if of one domain.
    pub hosts: Vec<String>,
    /// From a web address with a scheme, where `www.` is the web site's name.
    pub from_url: bool,
}

/// Decides what was pasted: an email link, a web address, or a name or an address.
pub(super) fn pick(text: &str, adj: &mut Vec<Adjustment>) -> Result<Picked, InputError> {
    // No part of a name, an address or a link; a browser reads it as `/`, a person as a mark.
    if text.contains('\\') {
        return Err(invalid('\\'));
    }
    if let Some(rest) = text.strip_prefix("//") {
        return web_address(rest, adj);
    }
    if let Some((scheme, rest)) = scheme(text) {
        if scheme.eq_ignore_ascii_case("mailto") {
            adj.push(Adjustment::TookAddressFromMailLink);
            return mail_link(rest);
        }
        if let Some(rest) = rest.strip_prefix("//") {
            return web_address(rest, adj);
        }
    }
    plain(text, adj)
}

/// `https:` or `mailto:` at the start: a letter, then letters, digits, `+`, `-` or `.`
/// (RFC 3986 §3.1). `example.com:8080` parses too; it is then no link and is refused later.
fn scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some((scheme, rest))
}

/// `scheme://authority/path?query#fragment` with the scheme gone (RFC 3986 §3): the host of
/// the authority. What follows the host never names it, unless it hides where the address
/// leads (`..`) or puts an `@` where a reader and a browser disagree on the host.
fn web_address(rest: &str, adj: &mut Vec<Adjustment>) -> Result<Picked, InputError> {
    if has_dot_segment(rest) {
        return Err(InputError::DotDotInPath);
    }
    if rest.contains('@') {
        return Err(InputError::AtInWebAddress);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    adj.push(Adjustment::TookHostFromUrl);
    Ok(Picked {
        hosts: vec![without_port(&rest[..end]).to_string()],
        from_url: true,
    })
}

/// `example.com:8080` → `example.com`; `[2001:db8::1]:443` → `[2001:db8::1]`, refused later
/// as an IP address.
fn without_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

/// A name, an address (`user@example.com`, `@example.com`), or a web address without its
/// scheme (`example.com/contact`).
fn plain(text: &str, adj: &mut Vec<Adjustment>) -> Result<Picked, InputError> {
    let path = text.find(['/', '?', '#']);
    let head = &text[..path.unwrap_or(text.len())];
    if head
        .split([',', ';'])
        .filter(|p| !p.trim().is_empty())
        .count()
        > 1
    {
        return Err(InputError::SeveralDomains);
    }
    if text.matches('@').count() > 1 {
        return Err(InputError::SeveralAtSigns);
    }
    let host = if let Some(end) = path {
        if has_dot_segment(text) {
            return Err(InputError::DotDotInPath);
        }
        // `example.com#@evil.com`: the host is before `#`, the address after `@`.
        if text.contains('@') {
            return Err(InputError::AtInWebAddress);
        }
        adj.push(Adjustment::TookHostFromUrl);
        &text[..end]
    } else if let Some((user, domain)) = text.split_once('@') {
        // `example.com:@evil.com` reads as a web address's user and password, and no address
        // has a `:` before its `@` (RFC 5322 §3.4.1).
        if user.contains(':') {
            return Err(InputError::AtInWebAddress);
        }
        adj.push(Adjustment::TookPartAfterAt);
        domain
    } else {
        text
    };
    Ok(Picked {
        hosts: vec![host.to_string()],
        from_url: false,
    })
}

/// `mailto:you@example.com?cc=boss@example.org` (RFC 6068 §2): the addresses before `?`,
/// percent-decoded. The query (copies, `to=`, subject) is somebody else's and is never read.
fn mail_link(rest: &str) -> Result<Picked, InputError> {
    let to = rest.split(['?', '#']).next().unwrap_or_default();
    let to = String::from_utf8(percent_decode(to)).map_err(|_| invalid('%'))?;
    if let Some(c) = to.chars().find(|c| is_control_or_bidi(*c)) {
        return Err(invalid(c));
    }
    let to = narrow(&to);
    let mut hosts = Vec::new();
    for address in to
        .split([',', ';'])
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        match address.split_once('@') {
            Some((_, host)) if host.contains('@') => return Err(InputError::SeveralAtSigns),
            Some((_, host)) => hosts.push(host.to_string()),
            // `mailto:evil.com?@example.com`: no address before the query; guess nothing.
            None => return Err(InputError::Empty),
        }
    }
    Ok(Picked {
        hosts,
        from_url: false,
    })
}

/// A `..` segment (RFC 3986 §5.2.4), also percent-encoded once or twice (`%2e%2e`, `..%2f`,
/// `%252e`): a server resolves it, so the text after it can name somewhere else.
fn has_dot_segment(text: &str) -> bool {
    let mut text = text.to_string();
    for _ in 0..3 {
        if text
            .split(['/', '\\', '?', '#', '&', '=', ';'])
            .any(|segment| segment == "..")
        {
            return true;
        }
        let decoded = String::from_utf8_lossy(&percent_decode(&text)).into_owned();
        if decoded == text {
            break;
        }
        text = decoded;
    }
    false
}

/// `%40` → `@` (RFC 3986 §2.1); a `%` not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = match bytes.get(i..i + 3) {
            Some([b'%', hi, lo]) => hex(*hi).zip(hex(*lo)),
            _ => None,
        };
        match escaped {
            Some((hi, lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    out
}

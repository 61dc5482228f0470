//! Time, one way for the whole program: the wall clock in Unix seconds or milliseconds, RFC 3339
//! for people and JSON, and a duration typed by a person ("90", "90s", "2h").

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

/// The last millisecond RFC 3339 can write (9999-12-31T23:59:59Z): four-digit years.
pub const LAST_MILLIS: Millis = 253_402_300_799_000;

/// Now, in Unix seconds (0 on a clock set before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Now, in Unix milliseconds.
pub fn now_millis() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

/// RFC 3339, UTC, whole seconds. A later time than RFC 3339 can write (a crafted file) is shown
/// as the last second it can write, never a panic.
pub fn rfc3339(at: Millis) -> String {
    let at = at.min(LAST_MILLIS);
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(at)).to_string()
}

/// A duration typed by a person: whole seconds ("90") or with units ("90s", "15m", "2h").
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    match t.parse::<u64>() {
        Ok(s) => Ok(Duration::from_secs(s)),
        Err(_) => humantime::parse_duration(t).map_err(|e| e.to_string()),
    }
}

/// A duration as the command line writes it ("15s", "2h").
pub fn format_duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_past_the_year_9999_are_written_as_its_last_second() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn durations_are_whole_seconds_or_with_units() {
        assert_eq!(parse_duration(" 90 "), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse_duration("soon").is_err());
    }
}

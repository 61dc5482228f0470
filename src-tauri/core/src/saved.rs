//! "I've made the changes": before any waiting starts, the DNS host's own servers are asked at
//! once whether each row of the repair is saved there. Caches play no part: a row that the DNS
//! host does not publish yet will not appear anywhere, however long the user waits.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use futures::StreamExt;
use serde::{Deserialize, Serialize};

use crate::diagnose::{Action, FixRow};
use crate::dns::{self, canonical, DnsRecord, Outcome, QueryMode, RType};
use crate::snapshot::Snapshot;

/// Whether one row is saved at the DNS host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum RowState {
    /// Every DNS host server that answered publishes the row as asked.
    Saved,
    /// At least one DNS host server still publishes the old state.
    NotSaved,
    /// No DNS host server could be asked, or the row is not one MX Doctor can look up.
    Unknown,
}

/// What one DNS host server said about one row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct ServerVerdict {
    /// The server, as "ns1.example.net (192.0.2.1)".
    pub server: String,
    pub state: RowState,
}

/// One row of the repair and whether the DNS host has it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct RowCheck {
    pub row: FixRow,
    pub state: RowState,
    pub servers: Vec<ServerVerdict>,
}

/// The DNS name a console row is about: `@` is the zone apex, anything else is relative to it.
pub fn row_name(row: &FixRow, zone: &str) -> String {
    let host = row.host.trim().trim_end_matches('.');
    if host.is_empty() || host == "@" {
        canonical(zone)
    } else if canonical(host).ends_with(&format!(".{}", canonical(zone))) {
        canonical(host)
    } else {
        canonical(&format!("{host}.{zone}"))
    }
}

/// The record type of a console row, when it is one MX Doctor can look up.
pub fn row_type(row: &FixRow) -> Option<RType> {
    match row.rtype {
        RType::SOA => None,
        t => Some(t),
    }
}

/// Does `record` hold `value` (and `priority`, for MX)? Names compare without case or final
/// dot, addresses as addresses, text exactly.
fn holds(record: &DnsRecord, rtype: RType, priority: Option<u16>, value: &str) -> bool {
    if record.rtype() != Some(rtype) {
        return false;
    }
    if priority.is_some() && record.priority().is_some() && record.priority() != priority {
        return false;
    }
    match rtype {
        RType::A | RType::Aaaa => match (record.value().parse::<IpAddr>(), value.parse::<IpAddr>())
        {
            (Ok(a), Ok(b)) => a == b,
            _ => false,
        },
        RType::TXT => record.value() == value || same_spf(&record.value(), value),
        _ => canonical(&record.value()) == canonical(value),
    }
}

/// Two SPF records that say the same: SPF's terms and names do not depend on case (RFC 7208
/// §4.6.1, §12) and terms are separated by any run of spaces, so `V=spf1  include:X -all ` is
/// the row `v=spf1 include:x -all` saved.
fn same_spf(a: &str, b: &str) -> bool {
    let norm = |t: &str| {
        t.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_lowercase()
    };
    let (a, b) = (norm(a), norm(b));
    crate::spf::is_spf(&a) && a == b
}

/// Judges one row from one server's answer to the row's question. Pure: the unit tests feed it
/// answers directly.
pub fn judge(row: &FixRow, name: &str, outcome: &Outcome) -> RowState {
    let Some(rtype) = row_type(row) else {
        return RowState::Unknown;
    };
    if outcome.status.is_failure() {
        return RowState::Unknown;
    }
    let records: Vec<&DnsRecord> = outcome.of(name, rtype).collect();
    let has = |priority: Option<u16>, value: &str| {
        records.iter().any(|r| holds(r, rtype, priority, value))
    };
    let done = match row.action {
        // Rows hidden behind an alias cannot be seen yet: saying a deleted one is gone would be
        // a guess (the server answers the alias alone, whatever sits beside it).
        Action::Delete
            if rtype != RType::Cname && outcome.of(name, RType::Cname).next().is_some() =>
        {
            return RowState::Unknown
        }
        // The same for a row to add only if it is missing: it may be there, hidden.
        Action::Add
            if row.if_missing
                && rtype != RType::Cname
                && outcome.of(name, RType::Cname).next().is_some() =>
        {
            return RowState::Unknown
        }
        // Every row of the type except the kept values is gone, and the kept ones are there.
        Action::Delete if row.is_all_except() => {
            records
                .iter()
                .all(|r| row.keep.iter().any(|k| holds(r, rtype, None, k)))
                && row.keep.iter().all(|k| has(None, k))
        }
        Action::Delete => !has(row.priority, &row.value),
        Action::Add => has(row.priority, &row.value),
        // An MX row whose priority changes (`new_priority`, or "priority 10" in a report
        // saved before): the row is there at the new priority, and not at the old one.
        Action::Change => match (row.target_priority(), row.target_value()) {
            (Some(p), Some(new)) => {
                let same = Some(p) == row.priority && new == row.value;
                has(Some(p), new) && (same || !has(row.priority, &row.value))
            }
            (None, Some(new)) => {
                has(None, new) && (new == row.value || !has(row.priority, &row.value))
            }
            _ => false,
        },
    };
    if done {
        RowState::Saved
    } else {
        RowState::NotSaved
    }
}

/// The verdict over all servers: not saved if any says so; saved only when every one of the DNS
/// host's servers answered with the row as asked (DESIGN.md "Truth rules"); otherwise unknown,
/// with the silent servers named in the verdicts.
pub fn overall(verdicts: &[ServerVerdict]) -> RowState {
    if verdicts.iter().any(|v| v.state == RowState::NotSaved) {
        RowState::NotSaved
    } else if !verdicts.is_empty() && verdicts.iter().all(|v| v.state == RowState::Saved) {
        RowState::Saved
    } else {
        RowState::Unknown
    }
}

/// Asks every DNS host server found by the check `snapshot` (on `auth_port`) about each row.
pub async fn verify(
    snapshot: &Snapshot,
    rows: &[FixRow],
    auth_port: u16,
    timeout: Duration,
) -> Vec<RowCheck> {
    let zone = snapshot
        .zone
        .clone()
        .unwrap_or_else(|| snapshot.domain.clone());
    // A server whose address was never found is listed too: it cannot be asked, so no row is
    // called saved on the word of the others alone.
    let servers: Vec<(String, Option<SocketAddr>)> = snapshot
        .authoritative
        .iter()
        .map(|s| {
            let addr = s.address.as_deref().and_then(|a| a.parse::<IpAddr>().ok());
            (s.label(), addr.map(|ip| SocketAddr::new(ip, auth_port)))
        })
        .collect();
    // One question per name and type, to every server at once.
    let mut questions: Vec<(String, RType)> = rows
        .iter()
        .filter_map(|r| Some((row_name(r, &zone), row_type(r)?)))
        .collect();
    questions.sort();
    questions.dedup();
    let asks = servers
        .iter()
        .filter_map(|(label, addr)| Some((label, (*addr)?)))
        .flat_map(|(label, addr)| {
            questions.iter().map(move |(name, rtype)| async move {
                let outcome =
                    dns::query(addr, name, *rtype, QueryMode::Authoritative, timeout).await;
                ((label.as_str(), name.as_str(), *rtype), outcome)
            })
        })
        // Collected first: a stream over the iterator's closures is not `Send` for every
        // lifetime (rust-lang/rust#102211), and the window's commands must be.
        .collect::<Vec<_>>();
    let answers: HashMap<(&str, &str, RType), Outcome> = futures::stream::iter(asks)
        .buffer_unordered(dns::MAX_QUERIES_IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect();
    rows.iter()
        .map(|row| {
            let name = row_name(row, &zone);
            let verdicts: Vec<ServerVerdict> = servers
                .iter()
                .map(|(label, _)| {
                    let state = row_type(row)
                        .and_then(|t| answers.get(&(label.as_str(), name.as_str(), t)))
                        .map(|o| judge(row, &name, o))
                        .unwrap_or(RowState::Unknown);
                    ServerVerdict {
                        server: label.clone(),
                        state,
                    }
                })
                .collect();
            RowCheck {
                row: row.clone(),
                state: overall(&verdicts),
                servers: verdicts,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::{RecordData, Status};

    fn row(action: Action, rtype: &str, priority: Option<u16>, value: &str) -> FixRow {
        FixRow {
            action,
            host: "@".into(),
            rtype: RType::parse(rtype).unwrap(),
            priority,
            value: value.into(),
            new_value: None,
            new_priority: None,
            keep: Vec::new(),
            if_missing: false,
        }
    }

    fn answer(records: Vec<RecordData>) -> Outcome {
        Outcome {
            status: if records.is_empty() {
                Status::NoData
            } else {
                Status::Answer
            },
            records: records
                .into_iter()
                .map(|data| DnsRecord {
                    name: "example.com".into(),
                    ttl: 600,
                    data,
                })
                .collect(),
            negative_ttl: None,
            zone: None,
            authoritative: true,
            detail: None,
            delegation: Vec::new(),
        }
    }

    fn mx(p: u16, host: &str) -> RecordData {
        RecordData::MX {
            preference: p,
            exchange: host.into(),
        }
    }

    #[test]
    fn every_mx_row_but_the_kept_ones_is_saved_only_when_no_other_is_left() {
        let mut all_but = row(Action::Delete, "MX", None, "");
        all_but.keep = vec!["mx1.qiye.aliyun.com".into(), "mx2.qiye.aliyun.com".into()];
        let kept = answer(vec![
            mx(5, "MX1.qiye.aliyun.com."),
            mx(10, "mx2.qiye.aliyun.com"),
        ]);
        assert_eq!(judge(&all_but, "example.com", &kept), RowState::Saved);
        let old = answer(vec![
            mx(5, "mx1.qiye.aliyun.com"),
            mx(1, "aspmx.l.google.com"),
        ]);
        assert_eq!(
            judge(&all_but, "example.com", &old),
            RowState::NotSaved,
            "an old provider's row is still there"
        );
        let failed = Outcome::failed(Status::Timeout, "no answer");
        assert_eq!(judge(&all_but, "example.com", &failed), RowState::Unknown);
        assert_eq!(
            judge(
                &all_but,
                "example.com",
                &answer(vec![mx(5, "mx1.qiye.aliyun.com")])
            ),
            RowState::NotSaved,
            "the rows that stay were deleted too"
        );
        let google = row(Action::Delete, "MX", Some(1), "aspmx.l.google.com");
        let alias_only = answer(vec![RecordData::Cname {
            target: "cdn.example.net".into(),
        }]);
        assert_eq!(
            judge(&google, "example.com", &alias_only),
            RowState::Unknown,
            "a deleted MX row cannot be seen gone while the alias hides it"
        );
        let hidden = answer(vec![RecordData::Cname {
            target: "cdn.example.net".into(),
        }]);
        assert_eq!(
            judge(&all_but, "example.com", &hidden),
            RowState::Unknown,
            "while the alias hides them, nobody can tell whether they are gone"
        );
    }

    #[test]
    fn row_names_follow_console_notation() {
        let r = |host: &str| FixRow {
            host: host.into(),
            ..row(Action::Add, "A", None, "192.0.2.1")
        };
        assert_eq!(row_name(&r("@"), "example.com"), "example.com");
        assert_eq!(row_name(&r("www"), "Example.com."), "www.example.com");
        assert_eq!(
            row_name(&r("mail.example.com."), "example.com"),
            "mail.example.com"
        );
    }

    #[test]
    fn a_deleted_cname_is_saved_only_when_the_server_stops_publishing_it() {
        let delete = row(Action::Delete, "CNAME", None, "cdn.example.net");
        let still = answer(vec![RecordData::Cname {
            target: "CDN.example.net".into(),
        }]);
        assert_eq!(judge(&delete, "example.com", &still), RowState::NotSaved);
        assert_eq!(
            judge(&delete, "example.com", &answer(vec![])),
            RowState::Saved
        );
    }

    #[test]
    fn an_added_mx_needs_its_priority_too() {
        let add = row(Action::Add, "MX", Some(10), "mx1.example.net");
        assert_eq!(
            judge(
                &add,
                "example.com",
                &answer(vec![mx(10, "mx1.example.net.")])
            ),
            RowState::Saved
        );
        assert_eq!(
            judge(
                &add,
                "example.com",
                &answer(vec![mx(20, "mx1.example.net")])
            ),
            RowState::NotSaved
        );
        assert_eq!(
            judge(&add, "example.com", &answer(vec![])),
            RowState::NotSaved
        );
    }

    #[test]
    fn a_changed_spf_record_must_replace_the_old_one() {
        let mut change = row(Action::Change, "TXT", None, "v=spf1 -all");
        change.new_value = Some("v=spf1 include:spf.example.net -all".into());
        let txt = |t: &str| RecordData::TXT { text: t.into() };
        let both = answer(vec![
            txt("v=spf1 -all"),
            txt("v=spf1 include:spf.example.net -all"),
        ]);
        let only_new = answer(vec![txt("v=spf1 include:spf.example.net -all")]);
        assert_eq!(judge(&change, "example.com", &both), RowState::NotSaved);
        assert_eq!(judge(&change, "example.com", &only_new), RowState::Saved);
    }

    #[test]
    fn a_priority_change_is_saved_when_the_priority_is_the_new_one() {
        let mut change = row(Action::Change, "MX", Some(20), "mx1.example.net");
        change.new_value = Some("mx1.example.net".into());
        change.new_priority = Some(10);
        let mx_answer =
            |rows: &[(u16, &str)]| answer(rows.iter().map(|(p, x)| mx(*p, x)).collect());
        assert_eq!(
            judge(
                &change,
                "example.com",
                &mx_answer(&[(20, "mx1.example.net")])
            ),
            RowState::NotSaved
        );
        assert_eq!(
            judge(
                &change,
                "example.com",
                &mx_answer(&[(10, "mx1.example.net")])
            ),
            RowState::Saved
        );
        // A row added at the new priority beside the old one is not the change asked for.
        assert_eq!(
            judge(
                &change,
                "example.com",
                &mx_answer(&[(10, "mx1.example.net"), (20, "mx1.example.net")])
            ),
            RowState::NotSaved
        );
    }

    #[test]
    fn a_legacy_priority_change_from_an_older_saved_report_is_still_judged() {
        // Reports saved before `new_priority` wrote the change as `new_value: "priority 10"`.
        let mut change = row(Action::Change, "MX", Some(20), "mx1.example.net");
        change.new_value = Some("priority 10".into());
        assert_eq!(
            judge(
                &change,
                "example.com",
                &answer(vec![mx(20, "mx1.example.net")])
            ),
            RowState::NotSaved
        );
        assert_eq!(
            judge(
                &change,
                "example.com",
                &answer(vec![mx(10, "mx1.example.net")])
            ),
            RowState::Saved
        );
    }

    #[test]
    fn a_failed_question_is_never_saved_nor_not_saved() {
        let add = row(Action::Add, "MX", Some(10), "mx1.example.net");
        let timeout = Outcome::failed(Status::Timeout, "no answer");
        assert_eq!(judge(&add, "example.com", &timeout), RowState::Unknown);
        let verdict = |state| ServerVerdict {
            server: "ns".into(),
            state,
        };
        assert_eq!(overall(&[verdict(RowState::Unknown)]), RowState::Unknown);
        assert_eq!(
            overall(&[verdict(RowState::Unknown), verdict(RowState::Saved)]),
            RowState::Unknown,
            "saved means every DNS-host server answered with the row: a silent one leaves it unknown"
        );
        assert_eq!(
            overall(&[verdict(RowState::Saved), verdict(RowState::Saved)]),
            RowState::Saved
        );
        assert_eq!(overall(&[]), RowState::Unknown, "no server, no verdict");
        assert_eq!(
            overall(&[verdict(RowState::NotSaved), verdict(RowState::Saved)]),
            RowState::NotSaved
        );
    }

    #[test]
    fn an_spf_row_typed_in_another_case_or_spacing_is_saved_other_text_is_not() {
        let add = row(
            Action::Add,
            "TXT",
            None,
            "v=spf1 include:spf.qiye.aliyun.com -all",
        );
        let served = |text: &str| {
            answer(vec![RecordData::TXT {
                text: text.to_string(),
            }])
        };
        for same in [
            "v=spf1 include:spf.qiye.aliyun.com -all",
            "V=SPF1  include:SPF.Qiye.Aliyun.com -all ",
        ] {
            assert_eq!(
                judge(&add, "example.com", &served(same)),
                RowState::Saved,
                "{same}"
            );
        }
        for other in [
            "v=spf1 include:spf.qiye.aliyun.com ~all",
            "v=spf1 include:spf.qiye.aliyun.com",
        ] {
            assert_eq!(
                judge(&add, "example.com", &served(other)),
                RowState::NotSaved,
                "{other}"
            );
        }
        // Not SPF: text compares exactly.
        let token = row(Action::Add, "TXT", None, "google-site-verification=AbC");
        assert_eq!(
            judge(
                &token,
                "example.com",
                &served("google-site-verification=abc")
            ),
            RowState::NotSaved
        );
    }
}

//! The preview: the plan's rows turned into whole record sets, from the DNS host's own listing.
//! Nothing is written here.

use serde::{Deserialize, Serialize};

use super::{ApiError, DnsHostApi, RrSet, RrValue};
use crate::diagnose::{Action, FixRow};
use crate::dns::{canonical, RType};
use crate::saved::row_name;

/// What happened (or, in a preview, what will happen) to one plan row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum RowResult {
    /// The DNS host lists the row as the plan asks, after MX Doctor's change.
    Done,
    /// The DNS host did not take the change, or listed something else afterwards.
    Failed,
    /// Nothing to do: the DNS host already listed the row as the plan asks.
    Skipped,
    /// Not tried: an earlier step failed, or the apply was refused.
    NotAttempted,
    /// The DNS host accepted the change, but MX Doctor could not see it there afterwards.
    Unconfirmed,
    /// Preview only: the row will be changed.
    Planned,
}

/// One write: the whole record set of one name and type, before and after.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Op {
    pub before: RrSet,
    pub after: RrSet,
    /// The plan rows this write carries out (indexes into [`Preview::rows`]).
    pub rows: Vec<u32>,
}

impl Op {
    /// True when the write would change nothing.
    pub fn is_noop(&self) -> bool {
        self.before.same(&self.after) && self.before.values.len() == self.after.values.len()
    }
}

/// The plan as it will be applied: rows, the writes that carry them out, in order, and the
/// record sets read to make it (which must be unchanged when the apply starts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Preview {
    pub domain: String,
    pub zone: String,
    /// The DNS-host catalog id or `powerdns` / `rfc2136` / `practice`.
    pub dns_host: String,
    pub adapter: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    pub rows: Vec<FixRow>,
    /// Per row: `planned` or `skipped` (already as the plan asks).
    pub row_results: Vec<RowResult>,
    /// The writes, in the order they will be made (deletes of an alias before any write at its
    /// name; otherwise the plan's order).
    pub ops: Vec<Op>,
    /// Record sets read only to notice a change (the alias at every name the plan touches).
    #[serde(default)]
    pub watched: Vec<RrSet>,
    /// When the DNS host was read, RFC 3339.
    pub read_at: String,
}

impl Preview {
    /// True when the DNS host already lists everything as the plan asks.
    pub fn nothing_to_do(&self) -> bool {
        self.ops.iter().all(Op::is_noop)
    }

    /// Whether this preview is one MX Doctor could have made: its zone is the domain or a parent
    /// of it, and each write is exactly what its rows make of the record set read before it.
    /// A preview is a file a person may pass around (`fix --plan FILE`): nothing in it is taken
    /// on trust.
    pub fn validate(&self) -> Result<(), String> {
        zone_fits(&self.domain, &self.zone)?;
        if self.rows.len() != self.row_results.len() {
            return Err("its rows and their results do not match".into());
        }
        let mut seen: Vec<(String, RType)> = Vec::new();
        for op in &self.ops {
            explains(&self.zone, &self.rows, &op.rows, &op.before, &op.after)?;
            let key = (canonical(&op.after.name), op.after.rtype);
            if seen.contains(&key) {
                return Err(format!("it writes {} twice", op.after.name));
            }
            seen.push(key);
        }
        for (i, r) in self.row_results.iter().enumerate() {
            let in_op = self.ops.iter().any(|o| o.rows.contains(&(i as u32)));
            if *r == RowResult::Planned && !in_op {
                return Err(format!("row {} is planned but no write makes it", i + 1));
            }
        }
        Ok(())
    }
}

/// The zone must be the domain or one of its parents.
pub(crate) fn zone_fits(domain: &str, zone: &str) -> Result<(), String> {
    let (d, z) = (canonical(domain), canonical(zone));
    if z.is_empty() || z == "." || (d != z && !d.ends_with(&format!(".{z}"))) {
        return Err(format!(
            "its zone {z} is not the domain {d} or a parent of it"
        ));
    }
    // Not above the domain's registered name (`com`, `co.uk`): no one's zone MX Doctor would
    // change for this domain.
    let registered = crate::dmarc::organisational_domain(&d);
    if z != registered && !z.ends_with(&format!(".{registered}")) {
        return Err(format!(
            "its zone {z} is above the domain's own name {registered}"
        ));
    }
    Ok(())
}

/// Whether `after` is exactly what the rows `idx` (of `rows`) make of `before`: the same name
/// and type, inside `zone`, the rows all about that record set, the TTL unchanged.
pub(crate) fn explains(
    zone: &str,
    rows: &[FixRow],
    idx: &[u32],
    before: &RrSet,
    after: &RrSet,
) -> Result<(), String> {
    let name = canonical(&before.name);
    if canonical(&after.name) != name || after.rtype != before.rtype {
        return Err(format!(
            "one write's before ({}) and after ({}) are different record sets",
            before.name, after.name
        ));
    }
    if name != canonical(zone) && !name.ends_with(&format!(".{}", canonical(zone))) {
        return Err(format!("it writes {name}, outside the zone {zone}"));
    }
    if idx.is_empty() {
        return Err(format!("its write of {name} is made by no row"));
    }
    let mut made = before.clone();
    for &i in idx {
        let row = rows
            .get(i as usize)
            .ok_or_else(|| format!("its write of {name} names a row that is not there"))?;
        if row_name(row, zone) != name || row.rtype != before.rtype {
            return Err(format!(
                "its write of {name} names a row about another record"
            ));
        }
        apply_row(&mut made, row).map_err(|e| e.to_string())?;
    }
    if !made.same(after) || made.values.len() != after.values.len() || made.ttl != after.ttl {
        return Err(format!(
            "its write of {name} is not what its rows make of the records that were there"
        ));
    }
    Ok(())
}

/// A plan that cannot be applied through the DNS host's API, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error("the plan has no rows to apply")]
    Empty,
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("a {rtype} record at {name} cannot be changed through the DNS host's API; make this row by hand in the DNS host's console")]
    Unsupported { name: String, rtype: String },
    #[error("after the plan, {name} would still be an alias (CNAME) beside other records, which DNS hosts refuse; choose another way to remove the alias")]
    AliasBeside { name: String },
    #[error("the row \"{row}\" says nothing about its new value, so MX Doctor cannot make it")]
    Incomplete { row: String },
    #[error("the MX row \"{row}\" has no priority; an MX record needs one (0 to 65535)")]
    NoPriority { row: String },
    #[error("the row \"{row}\" is to be changed, but your DNS host no longer lists it (someone may have changed it since the check); check again")]
    Gone { row: String },
}

fn rtype_label(t: RType) -> &'static str {
    match t {
        RType::A => "A",
        RType::Aaaa => "AAAA",
        RType::Cname => "CNAME",
        RType::MX => "MX",
        RType::TXT => "TXT",
        RType::NS => "NS",
        RType::SOA => "SOA",
    }
}

/// The value a row names, with its priority for MX.
fn row_value(row: &FixRow) -> RrValue {
    RrValue::new(
        if row.rtype == RType::MX {
            row.priority
        } else {
            None
        },
        row.value.trim(),
    )
}

fn row_words(row: &FixRow) -> String {
    let priority = row.priority.map(|p| format!("{p} ")).unwrap_or_default();
    format!(
        "{} {} {priority}{}",
        row.host,
        rtype_label(row.rtype),
        row.value
    )
}

/// Applies `row` to `set` in place; returns whether it changed anything.
pub(crate) fn apply_row(set: &mut RrSet, row: &FixRow) -> Result<bool, PreviewError> {
    let rtype = set.rtype;
    let before = set.values.len();
    if rtype == RType::MX
        && row.priority.is_none()
        && (row.action == Action::Add || row.action == Action::Change)
    {
        return Err(PreviewError::NoPriority {
            row: row_words(row),
        });
    }
    match row.action {
        Action::Delete if row.is_all_except() => {
            set.values.retain(|v| {
                row.keep
                    .iter()
                    .any(|k| super::same_value(rtype, &v.value, k))
            });
            Ok(set.values.len() != before)
        }
        Action::Delete => {
            let target = row_value(row);
            // A row given without its priority deletes every record of that value.
            set.values.retain(|v| {
                !(super::same_value(rtype, &v.value, &target.value)
                    && (target.priority.is_none() || v.priority == target.priority))
            });
            Ok(set.values.len() != before)
        }
        Action::Add => {
            let value = row_value(row);
            if set.contains(&value) {
                return Ok(false);
            }
            // CNAME is single-valued: adding one replaces it.
            if rtype == RType::Cname {
                set.values.clear();
            }
            set.values.push(value);
            Ok(true)
        }
        Action::Change => {
            let old = row_value(row);
            let Some(new_value) = row.target_value() else {
                return Err(PreviewError::Incomplete {
                    row: format!("{} {} {}", row.host, rtype_label(rtype), row.value),
                });
            };
            let new = RrValue::new(
                if rtype == RType::MX {
                    row.target_priority().or(old.priority)
                } else {
                    None
                },
                new_value.trim(),
            );
            // The record the row names: its value and, for MX, its priority (another record of
            // the same exchange at another priority is not this row).
            let had = set.values.iter().position(|v| {
                super::same_value(rtype, &v.value, &old.value)
                    && (old.priority.is_none() || v.priority == old.priority)
            });
            match had {
                Some(i) if set.values[i].same(rtype, &new) => Ok(false),
                Some(i) => {
                    set.values.remove(i);
                    if !set.contains(&new) {
                        set.values.insert(i, new);
                    }
                    Ok(true)
                }
                // The old row is gone and the new one is there: done already.
                None if set.contains(&new) => Ok(false),
                // Neither: the zone is not the one the plan was made from. Adding the new row
                // beside whatever is there could make two SPF records (a permanent error).
                None => Err(PreviewError::Gone {
                    row: row_words(row),
                }),
            }
        }
    }
}

/// Reads every record set the rows touch through `api` and works out the writes. Nothing is
/// written.
pub async fn preview(
    api: &dyn DnsHostApi,
    domain: &str,
    zone: &str,
    dns_host: &str,
    rows: &[FixRow],
) -> Result<Preview, PreviewError> {
    if rows.is_empty() {
        return Err(PreviewError::Empty);
    }
    let zone = canonical(zone);
    // The (name, type) pairs in the order the rows first name them.
    let mut keys: Vec<(String, RType)> = Vec::new();
    for row in rows {
        let name = row_name(row, &zone);
        if row.rtype == RType::SOA || row.rtype == RType::NS && name == zone {
            return Err(PreviewError::Unsupported {
                name,
                rtype: rtype_label(row.rtype).to_string(),
            });
        }
        if !keys.contains(&(name.clone(), row.rtype)) {
            keys.push((name, row.rtype));
        }
    }
    let mut ops = Vec::with_capacity(keys.len());
    for (name, rtype) in &keys {
        let before = api.read(&zone, name, *rtype).await?;
        ops.push(Op {
            after: before.clone(),
            before,
            rows: Vec::new(),
        });
    }
    let mut row_results = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let key = (row_name(row, &zone), row.rtype);
        let k = keys
            .iter()
            .position(|x| *x == key)
            .expect("every row's key");
        let op = &mut ops[k];
        let changed = apply_row(&mut op.after, row)?;
        op.rows.push(i as u32);
        row_results.push(if changed {
            RowResult::Planned
        } else {
            RowResult::Skipped
        });
    }
    // The alias at every name touched: read to notice a change, and to refuse a plan that
    // would leave an alias beside other records.
    let mut watched = Vec::new();
    let mut names: Vec<&String> = keys.iter().map(|(n, _)| n).collect();
    names.dedup();
    for name in names {
        let alias = match ops
            .iter()
            .find(|o| o.after.rtype == RType::Cname && o.after.name == *name)
        {
            Some(op) => op.after.clone(),
            None => {
                let set = api.read(&zone, name, RType::Cname).await?;
                watched.push(set.clone());
                set
            }
        };
        let beside = ops.iter().any(|o| {
            o.after.name == *name
                && o.after.rtype != RType::Cname
                && !o.is_noop()
                && !o.after.values.is_empty()
        });
        if beside && !alias.values.is_empty() {
            return Err(PreviewError::AliasBeside { name: name.clone() });
        }
        // An alias the plan writes: nothing else may be at its name, including records the
        // plan does not name (and the zone's apex always holds SOA and NS).
        let writes_alias = ops.iter().any(|o| {
            o.after.rtype == RType::Cname
                && o.after.name == *name
                && !o.after.values.is_empty()
                && !o.is_noop()
        });
        if writes_alias {
            if *name == zone {
                return Err(PreviewError::AliasBeside { name: name.clone() });
            }
            for other in [RType::A, RType::Aaaa, RType::MX, RType::TXT, RType::NS] {
                let after = match ops
                    .iter()
                    .find(|o| o.after.rtype == other && o.after.name == *name)
                {
                    Some(op) => op.after.clone(),
                    None => {
                        let set = api.read(&zone, name, other).await?;
                        watched.push(set.clone());
                        set
                    }
                };
                if !after.values.is_empty() {
                    return Err(PreviewError::AliasBeside { name: name.clone() });
                }
            }
        }
    }
    // A write that changes nothing is not made, but its record set is still compared before
    // the apply: the plan was made from it.
    let (noops, writes): (Vec<Op>, Vec<Op>) = ops.into_iter().partition(Op::is_noop);
    watched.extend(noops.into_iter().map(|o| o.before));
    let mut ops = writes;
    order_alias_deletes(&mut ops);
    Ok(Preview {
        domain: canonical(domain),
        zone,
        dns_host: dns_host.to_string(),
        adapter: api.id().to_string(),
        endpoint: api.endpoint(),
        rows: rows.to_vec(),
        row_results,
        ops,
        watched,
        read_at: crate::time::rfc3339(crate::time::now_millis()),
    })
}

/// Moves every write that removes an alias before the first other write at its name: DNS hosts
/// refuse a record beside an alias.
fn order_alias_deletes(ops: &mut Vec<Op>) {
    let mut i = 0;
    while i < ops.len() {
        let op = &ops[i];
        if op.after.rtype == RType::Cname
            && op.after.values.is_empty()
            && !op.before.values.is_empty()
        {
            let name = op.after.name.clone();
            if let Some(first) = ops[..i].iter().position(|o| o.after.name == name) {
                let alias = ops.remove(i);
                ops.insert(first, alias);
            }
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(action: Action, host: &str, rtype: RType, priority: Option<u16>, value: &str) -> FixRow {
        FixRow {
            action,
            host: host.into(),
            rtype,
            priority,
            value: value.into(),
            new_value: None,
            new_priority: None,
            keep: Vec::new(),
            if_missing: false,
        }
    }

    fn set(values: &[(Option<u16>, &str)]) -> RrSet {
        RrSet {
            name: "example.com".into(),
            rtype: RType::MX,
            ttl: Some(600),
            values: values.iter().map(|(p, v)| RrValue::new(*p, *v)).collect(),
        }
    }

    #[test]
    fn a_delete_removes_only_the_named_value() {
        let mut s = set(&[(Some(10), "mx.zoho.com"), (Some(5), "mail.hostgator.com.")]);
        let changed = apply_row(
            &mut s,
            &row(
                Action::Delete,
                "@",
                RType::MX,
                Some(5),
                "mail.HostGator.com",
            ),
        )
        .unwrap();
        assert!(changed);
        assert_eq!(s.values, vec![RrValue::new(Some(10), "mx.zoho.com")]);
    }

    #[test]
    fn a_delete_of_a_value_not_there_changes_nothing() {
        let mut s = set(&[(Some(10), "mx.zoho.com")]);
        assert!(!apply_row(
            &mut s,
            &row(Action::Delete, "@", RType::MX, Some(5), "mx.other.com")
        )
        .unwrap());
        assert_eq!(s.values.len(), 1);
    }

    #[test]
    fn all_except_keeps_only_the_named_values() {
        let mut s = set(&[
            (Some(10), "mx.zoho.com"),
            (Some(1), "a.stray"),
            (Some(2), "b.stray"),
        ]);
        let mut r = row(Action::Delete, "@", RType::MX, None, "");
        r.keep = vec!["MX.zoho.com.".into()];
        assert!(apply_row(&mut s, &r).unwrap());
        assert_eq!(s.values, vec![RrValue::new(Some(10), "mx.zoho.com")]);
    }

    #[test]
    fn a_priority_change_keeps_the_exchange() {
        let mut s = set(&[(Some(30), "mx2.zoho.com")]);
        let mut r = row(Action::Change, "@", RType::MX, Some(30), "mx2.zoho.com");
        r.new_priority = Some(20);
        assert!(apply_row(&mut s, &r).unwrap());
        assert_eq!(s.values, vec![RrValue::new(Some(20), "mx2.zoho.com")]);
    }

    #[test]
    fn an_add_already_there_is_skipped() {
        let mut s = set(&[(Some(10), "mx.zoho.com")]);
        assert!(!apply_row(
            &mut s,
            &row(Action::Add, "@", RType::MX, Some(10), "mx.zoho.com.")
        )
        .unwrap());
        assert!(apply_row(
            &mut s,
            &row(Action::Add, "@", RType::MX, Some(20), "mx2.zoho.com")
        )
        .unwrap());
        assert_eq!(s.values.len(), 2);
    }

    #[test]
    fn a_change_without_a_new_value_is_refused_in_words() {
        let mut s = set(&[(Some(10), "mx.zoho.com")]);
        let err = apply_row(
            &mut s,
            &row(Action::Change, "@", RType::MX, Some(10), "mx.zoho.com"),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("says nothing about its new value"),
            "{err}"
        );
    }

    #[test]
    fn a_zone_above_the_registered_name_is_not_the_domains() {
        assert!(zone_fits("mail.example.com", "example.com").is_ok());
        assert!(zone_fits("example.com", "example.com").is_ok());
        assert!(zone_fits("example.com", "com")
            .unwrap_err()
            .contains("above the domain's own name example.com"));
        assert!(zone_fits("shop.example.co.uk", "co.uk").is_err());
        assert!(zone_fits("example.com", "other.com").is_err());
    }

    #[test]
    fn alias_deletes_move_before_writes_at_their_name() {
        let mx = Op {
            before: set(&[]),
            after: set(&[(Some(10), "mx.zoho.com")]),
            rows: vec![0],
        };
        let alias = Op {
            before: RrSet {
                name: "example.com".into(),
                rtype: RType::Cname,
                ttl: None,
                values: vec![RrValue::new(None, "parking.example.net")],
            },
            after: RrSet::empty("example.com", RType::Cname),
            rows: vec![1],
        };
        let mut ops = vec![mx, alias];
        order_alias_deletes(&mut ops);
        assert_eq!(ops[0].after.rtype, RType::Cname);
        assert_eq!(ops[1].after.rtype, RType::MX);
    }
}

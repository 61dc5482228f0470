//! Apply and undo, and the journal of both: every write with its record set before and after,
//! the adapter, the time and the result, saved after every step so that a failure half-way (or
//! a crash) still leaves an exact account of what was changed and what to put back.

use serde::{Deserialize, Serialize};

use super::plan::{Preview, RowResult};
use super::{ApiError, DnsHostApi, RrSet};
use crate::diagnose::FixRow;
use crate::dns::RType;
use crate::time::{now_millis, rfc3339};

/// The journal file's format version.
pub const JOURNAL_VERSION: u32 = 1;

/// How an apply (or an undo) ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum JournalStatus {
    /// Started and not finished: a journal found in this state was cut short (a crash, a
    /// killed process); it is treated as `partial`.
    InProgress,
    /// Every write was made and the DNS host lists every record set as planned.
    Applied,
    /// Some writes were made and then one failed, or the host listed something else after it.
    Partial,
    /// Nothing was written: the zone changed since the preview, or the journal could not be
    /// saved before the first write.
    Refused,
    /// The DNS host already listed everything as the plan asks.
    NothingToDo,
    /// Nothing was written: the first write failed.
    Error,
}

impl JournalStatus {
    /// The status as the CLI's JSON writes it (`in_progress` reads as `partial`).
    pub fn as_str(self) -> &'static str {
        match self {
            JournalStatus::InProgress | JournalStatus::Partial => "partial",
            JournalStatus::Applied => "applied",
            JournalStatus::Refused => "refused",
            JournalStatus::NothingToDo => "nothing_to_do",
            JournalStatus::Error => "error",
        }
    }
}

/// Why an apply was refused (nothing written).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The DNS host lists something else than the preview read.
    ZoneChanged,
    /// The preview is not one MX Doctor could have made (a crafted or damaged plan file).
    InvalidPlan,
    /// The journal could not be saved before the first write.
    JournalNotSaved,
}

/// What happened to one write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum StepResult {
    Done,
    /// The DNS host accepted the write, but what it lists afterwards could not be read (or is
    /// not what was written): the change may be there. Undo includes it.
    Unconfirmed,
    Failed,
    NotAttempted,
}

impl StepResult {
    /// The write may have changed the zone: undo must consider it.
    pub fn may_have_changed(self) -> bool {
        matches!(self, StepResult::Done | StepResult::Unconfirmed)
    }
}

/// One write of the apply.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct JournalStep {
    pub seq: u32,
    /// As the DNS host listed it just before this write.
    pub before: RrSet,
    pub after: RrSet,
    /// The plan rows this write carries out (indexes into [`Journal::rows`]).
    pub rows: Vec<u32>,
    /// When the write was sent, RFC 3339.
    #[serde(default)]
    pub at: Option<String>,
    pub result: StepResult,
    #[serde(default)]
    pub error: Option<String>,
    /// For a write that failed or is unconfirmed: the record set as the host listed it right
    /// after (a write cut half-way leaves neither `before` nor `after`); undo restores from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<RrSet>,
}

/// One write of an undo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct UndoStep {
    /// The apply step put back.
    pub seq: u32,
    pub at: Option<String>,
    pub result: StepResult,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct UndoRecord {
    pub started: String,
    pub finished: Option<String>,
    pub status: JournalStatus,
    pub message: String,
    pub steps: Vec<UndoStep>,
}

/// Everything MX Doctor changed at the DNS host for one apply, and its undo. Never holds a key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
pub struct Journal {
    pub version: u32,
    pub domain: String,
    pub zone: String,
    pub dns_host: String,
    pub adapter: String,
    #[serde(default)]
    pub endpoint: Option<String>,
    pub started: String,
    pub finished: Option<String>,
    pub status: JournalStatus,
    /// What happened, in a sentence.
    pub message: String,
    pub rows: Vec<FixRow>,
    pub row_results: Vec<RowResult>,
    pub steps: Vec<JournalStep>,
    #[serde(default)]
    pub undo: Option<UndoRecord>,
    /// For status `refused`: why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

impl Journal {
    /// True when some write was made and has not been put back.
    pub fn can_undo(&self) -> bool {
        let done = self.steps.iter().any(|s| s.result.may_have_changed());
        let undone = self
            .undo
            .as_ref()
            .is_some_and(|u| u.status == JournalStatus::Applied);
        done && !undone
    }

    fn row_results_from_steps(&mut self, preview: &Preview) {
        for step in &self.steps {
            for &r in &step.rows {
                let r = r as usize;
                if preview.row_results.get(r) == Some(&RowResult::Skipped) {
                    continue;
                }
                if let Some(slot) = self.row_results.get_mut(r) {
                    *slot = match step.result {
                        StepResult::Done => RowResult::Done,
                        StepResult::Unconfirmed => RowResult::Unconfirmed,
                        StepResult::Failed => RowResult::Failed,
                        StepResult::NotAttempted => RowResult::NotAttempted,
                    };
                }
            }
        }
    }
}

/// Where the record sets differ from what was read for the preview, in words.
async fn changes_since(api: &dyn DnsHostApi, preview: &Preview) -> Result<Vec<String>, ApiError> {
    let mut changed = Vec::new();
    let read = preview
        .ops
        .iter()
        .map(|o| &o.before)
        .chain(preview.watched.iter());
    for expected in read {
        let now = api
            .read(&preview.zone, &expected.name, expected.rtype)
            .await?;
        if !now.same(expected) {
            changed.push(format!(
                "{} {}: was {}, is now {}",
                expected.name,
                type_word(expected.rtype),
                values_words(expected),
                values_words(&now)
            ));
        }
    }
    Ok(changed)
}

fn type_word(t: RType) -> String {
    serde_json::to_value(t)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A record set in words: "10 mx.zoho.com, 20 mx2.zoho.com" or "none".
pub fn values_words(set: &RrSet) -> String {
    if set.values.is_empty() {
        return "none".to_string();
    }
    set.values
        .iter()
        .map(|v| match v.priority {
            Some(p) => format!("{p} {}", v.value),
            None => v.value.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Saves the journal; an error stops the apply before its next write.
pub type SaveJournal<'a> = dyn FnMut(&Journal) -> Result<(), String> + Send + 'a;

/// Applies `preview` through `api`: re-reads every record set first and refuses (nothing
/// written) if one changed; then writes in order, reading each set back; stops at the first
/// failure. `save` is called before the first write and after every step.
pub async fn apply(api: &dyn DnsHostApi, preview: &Preview, save: &mut SaveJournal<'_>) -> Journal {
    let mut journal = Journal {
        version: JOURNAL_VERSION,
        domain: preview.domain.clone(),
        zone: preview.zone.clone(),
        dns_host: preview.dns_host.clone(),
        adapter: api.id().to_string(),
        endpoint: api.endpoint(),
        started: rfc3339(now_millis()),
        finished: None,
        status: JournalStatus::InProgress,
        message: String::new(),
        rows: preview.rows.clone(),
        row_results: preview
            .row_results
            .iter()
            .map(|r| match r {
                RowResult::Skipped => RowResult::Skipped,
                _ => RowResult::NotAttempted,
            })
            .collect(),
        steps: preview
            .ops
            .iter()
            .enumerate()
            .map(|(i, op)| JournalStep {
                seq: i as u32 + 1,
                before: op.before.clone(),
                after: op.after.clone(),
                rows: op.rows.clone(),
                at: None,
                result: StepResult::NotAttempted,
                error: None,
                seen: None,
            })
            .collect(),
        undo: None,
        refusal: None,
    };
    let finish = |journal: &mut Journal, status: JournalStatus, message: String| {
        journal.status = status;
        journal.message = message;
        journal.finished = Some(rfc3339(now_millis()));
    };
    // Outcomes that change nothing are returned, not saved: a saved journal is what undo works
    // from, and one that holds no change must never replace one that does.
    if let Err(why) = preview.validate() {
        journal.refusal = Some(Refusal::InvalidPlan);
        finish(
            &mut journal,
            JournalStatus::Refused,
            format!("Nothing was changed: this plan is not one MX Doctor could have made ({why})."),
        );
        return journal;
    }
    match changes_since(api, preview).await {
        Ok(changed) if !changed.is_empty() => {
            journal.refusal = Some(Refusal::ZoneChanged);
            finish(
                &mut journal,
                JournalStatus::Refused,
                format!(
                    "Nothing was changed: the zone changed since the preview ({}). Check again and look at the new plan.",
                    changed.join("; ")
                ),
            );
            return journal;
        }
        Ok(_) => {}
        Err(e) => {
            finish(
                &mut journal,
                JournalStatus::Error,
                format!(
                    "Nothing was changed: reading the zone again before the apply failed: {e}."
                ),
            );
            return journal;
        }
    }
    // Said only after the re-read: the host lists now what the preview saw.
    if preview.nothing_to_do() {
        finish(
            &mut journal,
            JournalStatus::NothingToDo,
            "The DNS host already lists every row as the plan asks; nothing was changed."
                .to_string(),
        );
        return journal;
    }
    if let Err(e) = save(&journal) {
        journal.refusal = Some(Refusal::JournalNotSaved);
        finish(
            &mut journal,
            JournalStatus::Refused,
            format!("Nothing was changed: the journal (the record of what will be changed, needed for undo) could not be saved: {e}."),
        );
        return journal;
    }
    let total = journal.steps.len();
    let mut stop: Option<String> = None;
    for i in 0..total {
        let step = &mut journal.steps[i];
        step.at = Some(rfc3339(now_millis()));
        // Saved as sent before it is sent: if MX Doctor stops while the write is on its way (a
        // crash, a closed window), the journal says the change may have been made, and undo
        // looks at it.
        step.result = StepResult::Unconfirmed;
        step.error = Some(
            "sent; MX Doctor stopped before the DNS host answered, so the change may or may not have been made"
                .to_string(),
        );
        if let Err(e) = save(&journal) {
            let step = &mut journal.steps[i];
            step.result = StepResult::NotAttempted;
            step.error = None;
            step.at = None;
            stop = Some(format!("the journal could not be saved: {e}"));
            break;
        }
        let step = &mut journal.steps[i];
        step.error = None;
        let written = api.write(&preview.zone, &step.after).await;
        // Read back whatever the write answered: a write that timed out may have been made,
        // and one cut half-way (RFC 2136 sends the delete and the add separately) leaves
        // neither the old set nor the new.
        let back = api
            .read(&preview.zone, &step.after.name, step.after.rtype)
            .await;
        let outcome = match (written, back) {
            (Ok(()), Ok(now)) if now.same(&step.after) => Ok(()),
            (Ok(()), Ok(now)) => Err((
                StepResult::Unconfirmed,
                format!(
                    "the DNS host accepted the change but lists {} afterwards",
                    values_words(&now)
                ),
                Some(now),
            )),
            (Ok(()), Err(e)) => Err((
                StepResult::Unconfirmed,
                format!("the DNS host accepted the change, but reading it back failed: {e}"),
                None,
            )),
            (Err(e), Ok(now)) if now.same(&step.before) => {
                Err((StepResult::Failed, e.to_string(), None))
            }
            (Err(e), Ok(now)) if now.same(&step.after) => Err((
                StepResult::Unconfirmed,
                format!("{e}; yet the DNS host lists the change as made"),
                Some(now),
            )),
            (Err(e), Ok(now)) => Err((
                StepResult::Unconfirmed,
                format!(
                    "{e}; the DNS host now lists {} (neither the old records nor the new)",
                    values_words(&now)
                ),
                Some(now),
            )),
            (Err(e), Err(read)) => Err((
                StepResult::Unconfirmed,
                format!("{e}; reading the records afterwards failed too ({read}), so the change may or may not have been made"),
                None,
            )),
        };
        match outcome {
            Ok(()) => step.result = StepResult::Done,
            Err((result, e, seen)) => {
                step.result = result;
                step.error = Some(e.clone());
                step.seen = seen;
                stop = Some(format!(
                    "{} {}: {e}",
                    step.after.name,
                    type_word(step.after.rtype)
                ));
            }
        }
        journal.row_results_from_steps(preview);
        if stop.is_none() {
            if let Err(e) = save(&journal) {
                stop = Some(format!("the journal could not be saved: {e}"));
            }
        }
        if stop.is_some() {
            break;
        }
    }
    let done = journal
        .steps
        .iter()
        .filter(|s| s.result.may_have_changed())
        .count();
    match stop {
        None => {
            let ttl = if preview
                .ops
                .iter()
                .any(|o| o.before.ttl.is_none() && !o.before.values.is_empty())
            {
                format!(
                    " This DNS host's API does not tell MX Doctor the TTL, so the changed record sets now have a TTL of {} seconds.",
                    api.ttl_when_unknown()
                )
            } else {
                String::new()
            };
            finish(
                &mut journal,
                JournalStatus::Applied,
                format!(
                    "All {total} changes were made, and the DNS host lists each one as planned.{ttl}"
                ),
            )
        }
        Some(why) if done == 0 => finish(
            &mut journal,
            JournalStatus::Error,
            format!("Nothing was changed: {why}."),
        ),
        Some(why) => {
            let unconfirmed = journal
                .steps
                .iter()
                .any(|s| s.result == StepResult::Unconfirmed);
            let tail = if unconfirmed {
                " The DNS host accepted the last change but MX Doctor could not see it there afterwards; undo checks it and puts it back too."
            } else {
                ""
            };
            finish(
                &mut journal,
                JournalStatus::Partial,
                format!(
                    "Stopped after {done} of {total} changes: {why}. The changes made so far can be undone.{tail}"
                ),
            )
        }
    }
    let _ = save(&journal);
    journal
}

/// Puts back the record sets of every write of `journal` that was made, newest first, and
/// reads each back. A record set someone changed after the apply is left as it is (its step
/// fails): undo never overwrites a change it did not make.
pub async fn undo(api: &dyn DnsHostApi, journal: &mut Journal, save: &mut SaveJournal<'_>) {
    let mut record = UndoRecord {
        started: rfc3339(now_millis()),
        finished: None,
        status: JournalStatus::InProgress,
        message: String::new(),
        steps: Vec::new(),
    };
    let made: Vec<JournalStep> = journal
        .steps
        .iter()
        .filter(|s| s.result.may_have_changed())
        .rev()
        .cloned()
        .collect();
    // A journal is a file: undo writes only what an apply of MX Doctor's could have written.
    let invalid = super::plan::zone_fits(&journal.domain, &journal.zone)
        .err()
        .or_else(|| {
            made.iter().find_map(|s| {
                super::plan::explains(&journal.zone, &journal.rows, &s.rows, &s.before, &s.after)
                    .err()
            })
        });
    if let Some(why) = invalid {
        record.status = JournalStatus::Refused;
        record.message = format!(
            "Nothing was put back: this journal is not one MX Doctor wrote, or it was changed since ({why})."
        );
        record.finished = Some(rfc3339(now_millis()));
        journal.undo = Some(record);
        return;
    }
    if made.is_empty() {
        record.status = JournalStatus::NothingToDo;
        record.message = "MX Doctor made no change here, so there is nothing to undo.".into();
        record.finished = Some(rfc3339(now_millis()));
        journal.undo = Some(record);
        let _ = save(journal);
        return;
    }
    let zone = journal.zone.clone();
    let mut failures = Vec::new();
    for step in &made {
        let at = Some(rfc3339(now_millis()));
        let name = format!("{} {}", step.after.name, type_word(step.after.rtype));
        let outcome = async {
            let now = api
                .read(&zone, &step.after.name, step.after.rtype)
                .await
                .map_err(|e| format!("reading it failed: {e}"))?;
            if now.same(&step.before) {
                return Ok(());
            }
            // As the apply left it: its new records, or what a write cut half-way left.
            let as_left = now.same(&step.after)
                || step.seen.as_ref().is_some_and(|seen| now.same(seen));
            if !as_left {
                return Err(format!(
                    "it was changed after MX Doctor's change (it is now {}), so it was left as it is",
                    values_words(&now)
                ));
            }
            api.write(&zone, &step.before)
                .await
                .map_err(|e| e.to_string())?;
            match api.read(&zone, &step.before.name, step.before.rtype).await {
                Ok(back) if back.same(&step.before) => Ok(()),
                Ok(back) => Err(format!(
                    "the DNS host accepted it but lists {} afterwards",
                    values_words(&back)
                )),
                Err(e) => Err(format!("reading it back failed: {e}")),
            }
        }
        .await;
        let (result, error) = match outcome {
            Ok(()) => (StepResult::Done, None),
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                (StepResult::Failed, Some(e))
            }
        };
        record.steps.push(UndoStep {
            seq: step.seq,
            at,
            result,
            error,
        });
        journal.undo = Some(record.clone());
        let _ = save(journal);
    }
    let put_back = record
        .steps
        .iter()
        .filter(|s| s.result == StepResult::Done)
        .count();
    // A host whose listing gives no TTL: the records are back, at the TTL the adapter writes.
    let unknown_ttl = made
        .iter()
        .any(|s| s.before.ttl.is_none() && !s.before.values.is_empty());
    (record.status, record.message) = if failures.is_empty() && unknown_ttl {
        (
            JournalStatus::Applied,
            format!(
                "All {put_back} record sets hold their old records again, and the DNS host lists each one so. This DNS host's API does not tell MX Doctor the TTL, so they now have a TTL of {} seconds, which may differ from what they had.",
                api.ttl_when_unknown()
            ),
        )
    } else if failures.is_empty() {
        (
            JournalStatus::Applied,
            format!(
                "All {put_back} record sets are back as they were, and the DNS host lists each one so."
            ),
        )
    } else if put_back == 0 {
        (
            JournalStatus::Error,
            format!("Nothing was put back: {}.", failures.join("; ")),
        )
    } else {
        (
            JournalStatus::Partial,
            format!(
                "{put_back} of {} record sets are back as they were; not put back: {}.",
                made.len(),
                failures.join("; ")
            ),
        )
    };
    record.finished = Some(rfc3339(now_millis()));
    journal.undo = Some(record);
    let _ = save(journal);
}

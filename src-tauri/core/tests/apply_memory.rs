//! Apply and undo against a DNS host held in memory, with the faults a real one has: a zone
//! changed by someone else, a write that fails half-way, a host that accepts and forgets, a
//! journal that cannot be saved. What the journal says must be what the host holds.

use mxdoctor_core::apply::memory::{Fault, MemoryApi};
use mxdoctor_core::apply::{self, ApiError, JournalStatus, RowResult, RrSet, StepResult};
use mxdoctor_core::diagnose::{Action, FixRow};
use mxdoctor_core::dns::RType;

mod apply_support;
use apply_support::{no_save, row, set, ZONE};

/// Seed 001's zone: a stray MX from the old host beside the provider's, and an old SPF.
fn seed001() -> MemoryApi {
    MemoryApi::new([
        set(
            ZONE,
            RType::MX,
            &[(Some(5), "mail.oldhost.net"), (Some(10), "mx.zoho.com")],
        ),
        set(
            ZONE,
            RType::TXT,
            &[(None, "v=spf1 include:oldhost.net ~all")],
        ),
        set("www.example.com", RType::A, &[(None, "192.0.2.7")]),
    ])
}

fn seed001_rows() -> Vec<FixRow> {
    let mut spf = row(
        Action::Change,
        "@",
        RType::TXT,
        None,
        "v=spf1 include:oldhost.net ~all",
    );
    spf.new_value = Some("v=spf1 include:zoho.com ~all".into());
    vec![
        row(Action::Delete, "@", RType::MX, Some(5), "mail.oldhost.net"),
        row(Action::Add, "@", RType::MX, Some(20), "mx2.zoho.com"),
        row(Action::Add, "@", RType::MX, Some(50), "mx3.zoho.com"),
        spf,
    ]
}

#[tokio::test]
async fn the_plan_is_applied_and_undo_restores_the_zone_exactly() {
    let api = seed001();
    let original = api.listing();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    assert_eq!(
        preview.ops.len(),
        2,
        "one write per record set: {:#?}",
        preview.ops
    );
    assert!(preview.row_results.iter().all(|r| *r == RowResult::Planned));
    assert_eq!(api.writes(), 0, "a preview writes nothing");

    let mut saves = 0;
    let mut save = |_: &apply::Journal| {
        saves += 1;
        Ok(())
    };
    let mut journal = apply::apply(&api, &preview, &mut save).await;
    assert_eq!(
        journal.status,
        JournalStatus::Applied,
        "{}",
        journal.message
    );
    assert!(journal.row_results.iter().all(|r| *r == RowResult::Done));
    assert!(
        saves >= 3,
        "saved before the first write and after every step"
    );
    let mx: Vec<RrSet> = api
        .listing()
        .into_iter()
        .filter(|s| s.rtype == RType::MX)
        .collect();
    let mut exchanges: Vec<&str> = mx[0].values.iter().map(|v| v.value.as_str()).collect();
    exchanges.sort();
    assert_eq!(exchanges, ["mx.zoho.com", "mx2.zoho.com", "mx3.zoho.com"]);
    assert!(api.listing().contains(&set(
        ZONE,
        RType::TXT,
        &[(None, "v=spf1 include:zoho.com ~all")]
    )));
    assert!(journal.can_undo());

    apply::undo(&api, &mut journal, &mut no_save()).await;
    let undo = journal.undo.as_ref().unwrap();
    assert_eq!(undo.status, JournalStatus::Applied, "{}", undo.message);
    assert_eq!(
        api.listing(),
        original,
        "undo puts back exactly what was there"
    );
    assert!(!journal.can_undo());
}

#[tokio::test]
async fn a_zone_changed_since_the_preview_is_refused_and_nothing_is_written() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    // Someone at the console adds an MX row after the preview.
    api.put(set(
        ZONE,
        RType::MX,
        &[
            (Some(5), "mail.oldhost.net"),
            (Some(10), "mx.zoho.com"),
            (Some(1), "backup.example.net"),
        ],
    ));
    let before = api.listing();
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(journal.status, JournalStatus::Refused);
    assert!(
        journal.message.contains("changed since the preview"),
        "{}",
        journal.message
    );
    assert!(
        journal.message.contains("backup.example.net"),
        "says what changed: {}",
        journal.message
    );
    assert_eq!(api.writes(), 0);
    assert_eq!(api.listing(), before);
    assert!(journal
        .row_results
        .iter()
        .all(|r| *r == RowResult::NotAttempted));
    assert!(!journal.can_undo());
}

#[tokio::test]
async fn an_alias_added_beside_the_rows_since_the_preview_is_noticed() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    api.put(set(
        "example.com",
        RType::Cname,
        &[(None, "parking.example.net")],
    ));
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Refused,
        "{}",
        journal.message
    );
    assert_eq!(api.writes(), 0);
}

#[tokio::test]
async fn a_failure_half_way_stops_says_what_was_done_and_undo_puts_it_back() {
    let api = seed001();
    let original = api.listing();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    api.set_fault(Some(Fault {
        on_write: Some(2),
        on_read: None,
        error: ApiError::Other("HTTP 500 Internal Server Error".into()),
    }));
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Partial,
        "{}",
        journal.message
    );
    assert_eq!(journal.steps[0].result, StepResult::Done);
    assert_eq!(journal.steps[1].result, StepResult::Failed);
    assert!(journal.steps[1].error.as_deref().unwrap().contains("500"));
    assert!(journal.message.contains("1 of 2"), "{}", journal.message);
    // The MX rows were done; the SPF row failed.
    assert_eq!(journal.row_results[0], RowResult::Done);
    assert_eq!(journal.row_results[3], RowResult::Failed);
    assert!(journal.can_undo());
    api.set_fault(None);
    apply::undo(&api, &mut journal, &mut no_save()).await;
    assert_eq!(
        journal.undo.as_ref().unwrap().status,
        JournalStatus::Applied
    );
    assert_eq!(api.listing(), original);
}

#[tokio::test]
async fn the_first_write_failing_is_an_error_with_nothing_to_undo() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    api.set_fault(Some(Fault {
        on_write: Some(1),
        on_read: None,
        error: ApiError::Forbidden("HTTP 403".into()),
    }));
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(journal.status, JournalStatus::Error);
    assert!(
        journal.message.starts_with("Nothing was changed"),
        "{}",
        journal.message
    );
    assert!(
        journal.message.contains("not allowed to change records"),
        "{}",
        journal.message
    );
    assert!(!journal.can_undo());
}

#[tokio::test]
async fn a_host_that_accepts_a_write_and_does_not_keep_it_is_not_called_done() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    api.drop_writes(true);
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Partial,
        "{}",
        journal.message
    );
    assert_eq!(journal.steps[0].result, StepResult::Unconfirmed);
    assert!(
        journal.steps[0].error.as_deref().unwrap().contains("lists"),
        "{:?}",
        journal.steps[0].error
    );
    assert!(!journal.row_results.contains(&RowResult::Done));
    assert!(
        journal.message.contains("could not see it there"),
        "{}",
        journal.message
    );
    assert!(
        journal.can_undo(),
        "a change the host accepted may be there: undo must look"
    );
    api.drop_writes(false);
    apply::undo(&api, &mut journal, &mut no_save()).await;
    // The host kept nothing, so the zone is as it was: undo finds it so and says so.
    assert_eq!(journal.undo.unwrap().status, JournalStatus::Applied);
}

#[tokio::test]
async fn a_journal_that_cannot_be_saved_stops_the_apply_before_any_write() {
    let api = seed001();
    let before = api.listing();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    let mut full_disk = |_: &apply::Journal| Err("No space left on device".to_string());
    let journal = apply::apply(&api, &preview, &mut full_disk).await;
    assert_eq!(journal.status, JournalStatus::Refused);
    assert!(
        journal.message.contains("No space left"),
        "{}",
        journal.message
    );
    assert_eq!(api.writes(), 0);
    assert_eq!(api.listing(), before);
}

#[tokio::test]
async fn a_journal_save_failing_after_a_write_stops_further_writes() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    let mut n = 0;
    let mut save = |_: &apply::Journal| {
        n += 1;
        if n == 3 {
            Err("disk full".to_string())
        } else {
            Ok(())
        }
    };
    let journal = apply::apply(&api, &preview, &mut save).await;
    assert_eq!(
        journal.status,
        JournalStatus::Partial,
        "{}",
        journal.message
    );
    assert_eq!(
        api.writes(),
        1,
        "no write after the journal could not be saved"
    );
    assert!(
        journal.message.contains("journal could not be saved"),
        "{}",
        journal.message
    );
}

#[tokio::test]
async fn undo_leaves_a_record_set_someone_changed_after_the_apply() {
    let api = seed001();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(journal.status, JournalStatus::Applied);
    let theirs = set(
        ZONE,
        RType::TXT,
        &[(None, "v=spf1 include:zoho.com include:other.example -all")],
    );
    api.put(theirs.clone());
    apply::undo(&api, &mut journal, &mut no_save()).await;
    let undo = journal.undo.as_ref().unwrap();
    assert_eq!(undo.status, JournalStatus::Partial, "{}", undo.message);
    assert!(
        undo.message.contains("changed after MX Doctor's change"),
        "{}",
        undo.message
    );
    assert!(api.listing().contains(&theirs), "their change is kept");
}

/// A server that takes the write and then stops answering: the change is there, unseen. The
/// journal must not say "nothing was changed", and undo must put it back.
#[tokio::test]
async fn a_write_accepted_then_a_failed_read_back_is_unconfirmed_and_undone() {
    let api = seed001();
    let original = api.listing();
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap();
    // Reads so far: the preview's (one per op and watched set); the apply re-reads the same,
    // then reads back the first write.
    let reads = (preview.ops.len() + preview.watched.len()) as u32;
    api.set_fault(Some(Fault {
        on_write: None,
        on_read: Some(2 * reads + 1),
        error: ApiError::Timeout,
    }));
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.steps[0].result,
        StepResult::Unconfirmed,
        "{:#?}",
        journal.steps
    );
    assert_eq!(
        journal.status,
        JournalStatus::Partial,
        "{}",
        journal.message
    );
    assert!(
        !journal.message.contains("Nothing was changed"),
        "{}",
        journal.message
    );
    assert_ne!(api.listing(), original, "the write was made");
    api.set_fault(None);
    apply::undo(&api, &mut journal, &mut no_save()).await;
    assert_eq!(
        journal.undo.as_ref().unwrap().status,
        JournalStatus::Applied
    );
    assert_eq!(api.listing(), original);
}

#[tokio::test]
async fn a_plan_already_in_place_is_nothing_to_do() {
    let api = MemoryApi::new([set(ZONE, RType::MX, &[(Some(10), "mx.zoho.com")])]);
    let rows = vec![row(Action::Add, "@", RType::MX, Some(10), "MX.zoho.com.")];
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &rows)
        .await
        .unwrap();
    assert!(preview.nothing_to_do());
    assert_eq!(preview.row_results, vec![RowResult::Skipped]);
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(journal.status, JournalStatus::NothingToDo);
    assert_eq!(api.writes(), 0);
}

/// Seed 000: an alias at the mail host with MX rows hidden beside it. The alias goes first.
#[tokio::test]
async fn the_alias_is_deleted_before_any_write_at_its_name() {
    let api = MemoryApi::new([
        set("mail.example.com", RType::Cname, &[(None, "example.com")]),
        set(
            "mail.example.com",
            RType::MX,
            &[(Some(10), "old.mx.example.net")],
        ),
    ]);
    let mut all_except = row(Action::Delete, "mail", RType::MX, None, "");
    all_except.keep = vec!["mx.zoho.com".into()];
    let rows = vec![
        all_except,
        row(Action::Delete, "mail", RType::Cname, None, "example.com"),
        row(Action::Add, "mail", RType::MX, Some(10), "mx.zoho.com"),
    ];
    let preview = apply::preview(&api, "mail.example.com", ZONE, "memory", &rows)
        .await
        .unwrap();
    assert_eq!(
        preview.ops[0].after.rtype,
        RType::Cname,
        "{:#?}",
        preview.ops
    );
    assert!(preview.ops[0].after.values.is_empty());
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Applied,
        "{}",
        journal.message
    );
    assert_eq!(
        api.listing(),
        vec![set(
            "mail.example.com",
            RType::MX,
            &[(Some(10), "mx.zoho.com")]
        )]
    );
}

#[tokio::test]
async fn a_plan_that_keeps_an_alias_beside_new_rows_is_refused_before_anything() {
    let api = MemoryApi::new([set(
        "example.com",
        RType::Cname,
        &[(None, "parking.example.net")],
    )]);
    let rows = vec![row(Action::Add, "@", RType::MX, Some(10), "mx.zoho.com")];
    let err = apply::preview(&api, ZONE, ZONE, "memory", &rows)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("still be an alias"), "{err}");
    assert_eq!(api.writes(), 0);
}

#[tokio::test]
async fn a_key_refused_at_preview_is_said_in_words() {
    let api = seed001();
    api.set_fault(Some(Fault {
        on_write: None,
        on_read: Some(1),
        error: ApiError::Unauthorized("HTTP 401".into()),
    }));
    let err = apply::preview(&api, ZONE, ZONE, "memory", &seed001_rows())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("did not accept the key"), "{err}");
}

//! Attacks on one-click repair (issue 16), against the in-memory DNS host: each test here is a
//! defect, written as the behaviour DESIGN.md ("Truth rules", "One-click repair through the
//! DNS host's API") and the issue promise, and fails on the code as it is. The comment on each
//! says what a user would see and why it is wrong.

use futures::future::BoxFuture;
use mxdoctor_core::apply::memory::MemoryApi;
use mxdoctor_core::apply::{
    self, ApiError, DnsHostApi, Journal, JournalStatus, JournalStep, RowResult, RrSet, StepResult,
};
use mxdoctor_core::diagnose::{Action, FixRow};
use mxdoctor_core::dns::RType;

mod apply_support;
use apply_support::{no_save, row, set, ZONE};

/// A DNS host whose API makes the change and then loses the answer: the request reached it,
/// the record set was replaced, and the client saw a timeout (a load balancer cutting a slow
/// answer, a 504 from a gateway in front of the API, RFC 2136's delete-then-add where the add
/// times out). The "a host API that times out … half-way".
struct AppliesThenTimesOut {
    inner: MemoryApi,
}

impl DnsHostApi for AppliesThenTimesOut {
    fn id(&self) -> &str {
        "memory"
    }
    fn endpoint(&self) -> Option<String> {
        None
    }
    fn read<'a>(
        &'a self,
        zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>> {
        self.inner.read(zone, name, rtype)
    }
    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            self.inner.write(zone, set).await?;
            Err(ApiError::Timeout)
        })
    }
}

/// DEFECT: a write whose answer was lost is called "failed", and the apply says "Nothing was
/// changed", with nothing to undo.
///
/// What the user sees: "Nothing was changed: example.com mx: the DNS host's API did not answer
/// in time." (exit 2), and `mxdoctor undo` answers "MX Doctor made no change in this journal;
/// nothing to undo." But the host did make the change: the old provider's MX is gone from the
/// zone. A timeout (or a 5xx, or a dropped connection) after the request was sent says nothing
/// about whether the host acted on it; the apply only reads back after a write that answered
/// OK. It must read back after an error too (as it does for an accepted write), and call the
/// step `unconfirmed` (or done) when the zone no longer holds the "before", so that the journal
/// does not claim "nothing was changed" and undo can put it back.
#[tokio::test]
async fn a_write_that_times_out_after_the_host_made_it_is_not_nothing_was_changed() {
    let inner = MemoryApi::new([set(
        ZONE,
        RType::MX,
        &[(Some(5), "mail.oldhost.net"), (Some(10), "mx.zoho.com")],
    )]);
    let original = inner.listing();
    let api = AppliesThenTimesOut {
        inner: inner.clone(),
    };
    let rows = vec![row(
        Action::Delete,
        "@",
        RType::MX,
        Some(5),
        "mail.oldhost.net",
    )];
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &rows)
        .await
        .unwrap();
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_ne!(inner.listing(), original, "the host did make the change");
    assert!(
        !journal.message.contains("Nothing was changed"),
        "the journal says nothing was changed, but the zone was changed: {}",
        journal.message
    );
    assert_ne!(journal.status, JournalStatus::Error, "{}", journal.message);
    assert!(
        journal.can_undo(),
        "a change the host made must be undoable: {:#?}",
        journal.steps
    );
    apply::undo(&api.inner, &mut journal, &mut no_save()).await;
    assert_eq!(inner.listing(), original, "undo puts it back");
}

/// DEFECT: a plan that was "nothing to do" when previewed is applied later without reading
/// the zone again, and the apply says the host "already lists every row as the plan asks".
///
/// What the user sees (`fix --plan old-plan.json --yes`): "The DNS host already lists every
/// row as the plan asks; nothing was changed." and exit 0. But since the preview someone
/// deleted the provider's MX at the console: the DNS host lists none of it. The sentence is a
/// claim about the zone now that was never looked at (Truth rules: every sentence is a claim we
/// must have seen). Every other plan is re-read before the apply ("refused if the zone changed
/// since the check"); this one must be too, and be refused (or re-planned), not called done.
#[tokio::test]
async fn nothing_to_do_is_said_of_a_zone_that_changed_since_the_preview() {
    let api = MemoryApi::new([set(ZONE, RType::MX, &[(Some(10), "mx.zoho.com")])]);
    let rows = vec![row(Action::Add, "@", RType::MX, Some(10), "mx.zoho.com")];
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &rows)
        .await
        .unwrap();
    assert!(preview.nothing_to_do());
    // Later, at the console, someone deletes the MX row.
    api.put(RrSet::empty(ZONE, RType::MX));
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_ne!(
        journal.status,
        JournalStatus::NothingToDo,
        "the zone no longer holds the row, yet: {}",
        journal.message
    );
    assert!(
        !journal.message.contains("already lists every row"),
        "{}",
        journal.message
    );
}

/// DEFECT: a `change` row of an MX record changes another record of the same exchange, one
/// the plan does not name.
///
/// The zone has `5 mx.zoho.com` and `10 mx.zoho.com` (a panel that let a user add the same
/// exchange twice). The row says: change `10 mx.zoho.com` to priority 20. The preview matches
/// the old row by exchange only, ignoring its priority, so it rewrites the priority-5 record:
/// the zone ends as `20 mx.zoho.com, 10 mx.zoho.com` while the preview said the row would be
/// made and the journal says `done`. "Only rows of the plan are touched" is broken, and the
/// row the plan named is still there unchanged.
#[tokio::test]
async fn a_change_row_rewrites_the_record_it_names_not_another_of_the_same_exchange() {
    let api = MemoryApi::new([set(
        ZONE,
        RType::MX,
        &[(Some(5), "mx.zoho.com"), (Some(10), "mx.zoho.com")],
    )]);
    let mut change = row(Action::Change, "@", RType::MX, Some(10), "mx.zoho.com");
    change.new_priority = Some(20);
    let preview = apply::preview(&api, ZONE, ZONE, "memory", &[change])
        .await
        .unwrap();
    let journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Applied,
        "{}",
        journal.message
    );
    let mut got: Vec<(Option<u16>, String)> = api.listing()[0]
        .values
        .iter()
        .map(|v| (v.priority, v.value.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (Some(5), "mx.zoho.com".to_string()),
            (Some(20), "mx.zoho.com".to_string())
        ],
        "the priority-5 record is not in the plan and must be left as it is"
    );
}

/// DEFECT: the preview says an MX row without a priority "will be made", and the apply then
/// stops half-way on it.
///
/// An MX record cannot exist without a priority; the real adapters refuse to write one
/// ("has no priority", `hosts.rs`), but only when its write comes up, after the earlier writes
/// of the plan were made: the user gets a `partial` apply and an undo to run, for a row the
/// preview could have refused before anything was written (as it refuses SOA and a change
/// without a new value). The in-memory host here stores whatever it is given, which is how
/// the preview's claim can be seen: it plans a write of an MX value with no priority.
#[tokio::test]
async fn an_mx_row_without_a_priority_is_refused_by_the_preview_not_half_way() {
    let api = MemoryApi::new([set(ZONE, RType::TXT, &[(None, "v=spf1 -all")])]);
    let mut spf = row(Action::Change, "@", RType::TXT, None, "v=spf1 -all");
    spf.new_value = Some("v=spf1 include:zoho.com -all".into());
    let rows = vec![spf, row(Action::Add, "@", RType::MX, None, "mx.zoho.com")];
    match apply::preview(&api, ZONE, ZONE, "memory", &rows).await {
        Err(e) => assert!(e.to_string().contains("priority"), "{e}"),
        Ok(p) => {
            let bad: Vec<&RrSet> = p
                .ops
                .iter()
                .map(|o| &o.after)
                .filter(|s| s.rtype == RType::MX && s.values.iter().any(|v| v.priority.is_none()))
                .collect();
            assert!(
                bad.is_empty(),
                "the preview plans an MX record with no priority (row result {:?}), which no host can write: {bad:#?}",
                p.row_results
            );
        }
    }
}

/// A journal as `mxdoctor fix` writes it, with one step that was made.
fn journal_with(step_before: RrSet, step_after: RrSet, rows: Vec<FixRow>) -> Journal {
    let n = rows.len();
    Journal {
        version: 1,
        domain: ZONE.into(),
        zone: ZONE.into(),
        dns_host: "powerdns".into(),
        adapter: "memory".into(),
        endpoint: None,
        started: "2025-01-01T00:00:00Z".into(),
        finished: Some("2025-01-01T00:00:01Z".into()),
        status: JournalStatus::Applied,
        message: "All 1 changes were made.".into(),
        rows,
        row_results: vec![RowResult::Done; n],
        steps: vec![JournalStep {
            seq: 1,
            before: step_before,
            after: step_after,
            rows: (0..n as u32).collect(),
            at: None,
            result: StepResult::Done,
            error: None,
            seen: None,
        }],
        undo: None,
        refusal: None,
    }
}

/// DEFECT: undo writes a record set at a name and type its step never changed.
///
/// Undo reads the step's `after` record set (the apex MX) and, finding it as the step left it,
/// writes the step's `before`, without checking that `before` is the same record set (name and
/// type) as `after`. A journal is a file: one a stranger sends ("run `mxdoctor undo --journal
/// this.json --yes` to put your mail back") names the zone's real apex MX as `after` (anyone
/// can read it in DNS) and `www A 203.0.113.66` as `before`. Undo then points the user's web
/// site at the stranger's address and says "All 1 record sets are back as they were". A step
/// whose before and after are different record sets cannot have come from an apply; undo must
/// refuse it and write nothing.
#[tokio::test]
async fn undo_writes_only_the_record_set_its_step_changed() {
    let mx = set(ZONE, RType::MX, &[(Some(10), "mx.zoho.com")]);
    let www = set("www.example.com", RType::A, &[(None, "192.0.2.7")]);
    let api = MemoryApi::new([mx.clone(), www.clone()]);
    let forged_before = set("www.example.com", RType::A, &[(None, "203.0.113.66")]);
    let mut journal = journal_with(
        forged_before,
        mx.clone(),
        vec![row(Action::Add, "@", RType::MX, Some(10), "mx.zoho.com")],
    );
    apply::undo(&api, &mut journal, &mut no_save()).await;
    let undo = journal.undo.as_ref().unwrap();
    assert_eq!(
        api.writes(),
        0,
        "undo wrote www A though the step changed the apex MX; it said: {}",
        undo.message
    );
    assert!(api.listing().contains(&www), "{:#?}", api.listing());
    assert_ne!(undo.status, JournalStatus::Applied, "{}", undo.message);
}

/// DEFECT: undo restores a "before" that the journal's own rows could not have come from.
///
/// The journal's rows say MX Doctor *added* `10 mx.zoho.com`; its step says the apex MX was
/// `10 mail.attacker.example` before and `10 mx.zoho.com` after. No add row turns the first
/// into the second (an add keeps what was there). Undo trusts the step and writes
/// `10 mail.attacker.example`: the user's mail now goes to a stranger, and undo says "All 1
/// record sets are back as they were". Nothing can stop a forger who writes a consistent
/// journal short of authenticating it (a MAC with a key kept in the keychain, checked before
/// undo writes); but a step that its rows do not explain is cheap to catch and is exactly what a
/// careless forgery or a damaged file looks like: undo must refuse it and write nothing.
#[tokio::test]
async fn undo_refuses_a_step_its_rows_do_not_explain() {
    let mx = set(ZONE, RType::MX, &[(Some(10), "mx.zoho.com")]);
    let api = MemoryApi::new([mx.clone()]);
    let forged_before = set(ZONE, RType::MX, &[(Some(10), "mail.attacker.example")]);
    let mut journal = journal_with(
        forged_before,
        mx.clone(),
        vec![row(Action::Add, "@", RType::MX, Some(10), "mx.zoho.com")],
    );
    apply::undo(&api, &mut journal, &mut no_save()).await;
    let undo = journal.undo.as_ref().unwrap();
    assert!(
        api.listing().contains(&mx),
        "undo replaced the user's MX with the forged one: {:#?}; it said: {}",
        api.listing(),
        undo.message
    );
    assert_eq!(api.writes(), 0);
}

/// DEFECT: a journal for one domain undoes records in another zone.
///
/// `domain` says example.com, `zone` says victim.example (a zone the same key can reach: a
/// PowerDNS API key is server-wide, a Cloudflare token may cover every zone of the account).
/// Undo writes there. The undo preview shows no zone at all, only record names. The zone a
/// journal works in must be the domain or one of its parents; anything else is not a journal
/// MX Doctor wrote.
#[tokio::test]
async fn undo_refuses_a_journal_whose_zone_is_not_its_domains() {
    let theirs = set(
        "victim.example",
        RType::MX,
        &[(Some(10), "mx.victim.example")],
    );
    let api = MemoryApi::new([theirs.clone()]);
    let mut journal = journal_with(
        RrSet::empty("victim.example", RType::MX),
        theirs.clone(),
        vec![row(
            Action::Add,
            "@",
            RType::MX,
            Some(10),
            "mx.victim.example",
        )],
    );
    journal.zone = "victim.example".into();
    apply::undo(&api, &mut journal, &mut no_save()).await;
    assert!(
        api.listing().contains(&theirs),
        "undo of an example.com journal deleted victim.example's MX; it said: {}",
        journal.undo.as_ref().unwrap().message
    );
}

/// DEFECT: the preview plans an alias (CNAME) at a name that holds other records the plan does
/// not name, and the apply then stops half-way when the DNS host refuses it.
///
/// `PreviewError::AliasBeside` exists for exactly this ("DNS hosts refuse a record beside an
/// alias"), but it only looks at the record sets the plan itself writes. `www` has an A record;
/// a row adds `www CNAME site.cdn.example`: the preview says "will be made", the earlier writes
/// of the plan are made, and the DNS host refuses the alias (PowerDNS: 422 "Conflicts with
/// pre-existing RRset"), leaving a `partial` apply. At the zone apex (beside SOA and NS, which
/// are never read) the same row is planned too. The preview must refuse both, before anything
/// is written.
#[tokio::test]
async fn an_alias_beside_records_the_plan_does_not_name_is_refused_by_the_preview() {
    let api = MemoryApi::new([
        set(ZONE, RType::TXT, &[(None, "v=spf1 -all")]),
        set("www.example.com", RType::A, &[(None, "192.0.2.7")]),
        set(
            ZONE,
            RType::NS,
            &[(None, "ns1.example.com"), (None, "ns2.example.com")],
        ),
    ]);
    for host in ["www", "@"] {
        let rows = vec![row(
            Action::Add,
            host,
            RType::Cname,
            None,
            "site.cdn.example",
        )];
        let result = apply::preview(&api, ZONE, ZONE, "memory", &rows).await;
        assert!(
            result.is_err(),
            "{host} CNAME beside records already there is planned: {:#?}",
            result.map(|p| p.ops)
        );
    }
}

/// DEFECT: a `change` of the SPF record whose old value the DNS host does not list adds a
/// second SPF record.
///
/// The check saw `v=spf1 include:oldhost.net ~all` (served from a cache, or by a server that
/// had not caught up); the DNS host lists `v=spf1 include:other.example ~all`. The row "change
/// v=spf1 include:oldhost.net ~all to v=spf1 include:zoho.com ~all" does not find its old value
/// and, by the preview's rule "the change is the new row", adds the new one beside the other:
/// two `v=spf1` records, which every receiver treats as a permanent SPF error (RFC 7208
/// §4.5; our own check calls it SPF_MULTIPLE). "A fix we propose passes our own checks": the
/// preview must refuse (the record to change is not there; check again), not plan a second SPF.
#[tokio::test]
async fn a_change_of_an_spf_record_not_there_does_not_add_a_second_spf() {
    let api = MemoryApi::new([set(
        ZONE,
        RType::TXT,
        &[(None, "v=spf1 include:other.example ~all")],
    )]);
    let mut spf = row(
        Action::Change,
        "@",
        RType::TXT,
        None,
        "v=spf1 include:oldhost.net ~all",
    );
    spf.new_value = Some("v=spf1 include:zoho.com ~all".into());
    if let Ok(p) = apply::preview(&api, ZONE, ZONE, "memory", &[spf]).await {
        for op in &p.ops {
            let spf_count = op
                .after
                .values
                .iter()
                .filter(|v| v.value.to_ascii_lowercase().starts_with("v=spf1"))
                .count();
            assert!(
                spf_count <= 1,
                "the preview plans {spf_count} SPF records at {}: {:?}",
                op.after.name,
                op.after.values
            );
        }
    }
}

/// A cloud DNS host as the adapter sees it: `dns-update`'s `list_rrset` gives no TTL
/// (`Reader::ListRrset`, `ttl: None`), and `HostApi::write` then writes
/// `set.ttl.unwrap_or(DEFAULT_TTL)` = 600. The host itself keeps TTLs as any host does.
struct NoTtlInListing {
    inner: MemoryApi,
}

impl DnsHostApi for NoTtlInListing {
    fn id(&self) -> &str {
        "cloudflare"
    }
    fn endpoint(&self) -> Option<String> {
        None
    }
    fn read<'a>(
        &'a self,
        zone: &'a str,
        name: &'a str,
        rtype: RType,
    ) -> BoxFuture<'a, Result<RrSet, ApiError>> {
        Box::pin(async move {
            let mut s = self.inner.read(zone, name, rtype).await?;
            s.ttl = None;
            Ok(s)
        })
    }
    fn write<'a>(&'a self, zone: &'a str, set: &'a RrSet) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let mut s = set.clone();
            s.ttl = Some(s.ttl.unwrap_or(apply::hosts::DEFAULT_TTL));
            self.inner.write(zone, &s).await
        })
    }
}

/// DEFECT: at the cloud hosts (whose listing gives no TTL) the apply rewrites the TTL of the
/// records it keeps, and undo "restores exactly" with a TTL the zone never had.
///
/// The MX set has TTL 3600. The plan adds one MX; the whole set is written with TTL 600 (the
/// default), and undo writes the old records back with TTL 600 too, then says "All 1 record
/// sets are back as they were, and the DNS host lists each one so." The read-back cannot see
/// the difference (a TTL-less listing compares equal to any TTL). The zone is not as it was;
/// the sentence is a claim nobody saw. Either keep the TTL the host has (ask for it) or say
/// that the TTL was set to 600 and is not put back.
#[tokio::test]
async fn undo_at_a_host_without_ttls_in_its_listing_does_not_claim_exactly() {
    let mut mx = set(ZONE, RType::MX, &[(Some(10), "mx.zoho.com")]);
    mx.ttl = Some(3600);
    let inner = MemoryApi::new([mx.clone()]);
    let api = NoTtlInListing {
        inner: inner.clone(),
    };
    let rows = vec![row(Action::Add, "@", RType::MX, Some(20), "mx2.zoho.com")];
    let preview = apply::preview(&api, ZONE, ZONE, "cloudflare", &rows)
        .await
        .unwrap();
    let mut journal = apply::apply(&api, &preview, &mut no_save()).await;
    assert_eq!(
        journal.status,
        JournalStatus::Applied,
        "{}",
        journal.message
    );
    apply::undo(&api, &mut journal, &mut no_save()).await;
    let undo = journal.undo.as_ref().unwrap();
    let now = inner.listing();
    if undo.message.contains("back as they were") {
        assert_eq!(
            now,
            vec![mx.clone()],
            "undo said: {}; the MX set's TTL was 3600 and is now {:?}",
            undo.message,
            now.first().and_then(|s| s.ttl)
        );
    }
}

//! The server's copy of each case's folded state, for scoped listing, search and reports.
//! Rebuilt from the log in pull order whenever one of the case's events arrives — for all the
//! cases of a push at once, in a handful of statements rather than a handful per case.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseId, CaseState, Event};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::text::index_token_set;
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Row, Transaction};
use uuid::Uuid;

use crate::copy_text::CopyText;

use hotline_domain::case::facts::CaseFacts;
use hotline_domain::case::supervision::next_rung_at;

/// Bumped when the facts' derivation changes: the server re-derives older rows at start.
/// 4: a dissatisfied callback reopens its case by itself (the fold, not the seat).
/// 5: `supervise_at`, when the next rung of the case's escalation ladder is due.
/// 6: `bureau_steps`, what the bureaus' assessment counts.
/// 7: `street`, what a hotspot groups by.
pub const FACTS_VERSION: i16 = 7;

/// The histories of `cases` in pull order (the order every device folds them), as this
/// transaction sees them.
pub(crate) async fn histories(
    tx: &mut Transaction<'_, Postgres>,
    cases: &[Uuid],
) -> Result<BTreeMap<Uuid, Vec<Event>>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT case_id, whole_event(body, id, case_id, device_id) AS body FROM events WHERE case_id = ANY($1) ORDER BY case_id, tx_id, pos",
    )
    .bind(cases)
    .fetch_all(&mut **tx)
    .await?;
    let mut histories: BTreeMap<Uuid, Vec<Event>> = BTreeMap::new();
    for r in rows {
        if let Ok(e) = serde_json::from_value::<Event>(r.get("body")) {
            histories.entry(r.get("case_id")).or_default().push(e);
        }
    }
    Ok(histories)
}

/// Folds each case's whole history (including this transaction's own events) and saves it.
pub async fn refold_many(
    tx: &mut Transaction<'_, Postgres>,
    cases: &[CaseId],
    cal: &SlaCalendar,
) -> Result<(), sqlx::Error> {
    if cases.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = cases.iter().map(|c| c.0).collect();
    let histories = histories(tx, &ids).await?;
    let mut rows = SnapshotRows::default();
    for (id, events) in histories {
        rows.add(id, &CaseState::fold(&events), cal);
    }
    rows.upsert(tx).await
}

/// The snapshot rows of a batch of cases — `cases`, `clock_runs`, `callbacks`, `case_bureaus` —
/// derived from each folded state in one place and written by one of two statements: an upsert
/// (a push, a refold) or COPY (cases new to the database: seed-demo's bulk load).
/// COPY statements with their rows (COPY's text format), ready to send.
pub struct CopyRows(Vec<(&'static str, Vec<u8>)>);

impl CopyRows {
    pub async fn send(self, tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
        for (statement, data) in self.0 {
            copy(tx, statement, data).await?;
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct SnapshotRows {
    c: Columns,
    runs: RunColumns,
    calls: CallbackColumns,
    bureaus: BureauColumns,
    steps: crate::bureau_steps::StepColumns,
}

#[derive(Default)]
struct BureauColumns {
    case: Vec<Uuid>,
    bureau: Vec<String>,
    status: Vec<String>,
}

impl SnapshotRows {
    pub fn len(&self) -> usize {
        self.c.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.c.id.is_empty()
    }

    /// Adds the rows of one case; a history without its `received` event yet adds nothing.
    pub fn add(&mut self, id: Uuid, state: &CaseState, cal: &SlaCalendar) {
        let (c, runs, calls) = (&mut self.c, &mut self.runs, &mut self.calls);
        let facts = CaseFacts::of(state, cal);
        let (Some(intake), Some(received_at)) = (state.intake.as_ref(), state.received_at) else {
            return; // its `received` event has not arrived yet
        };
        let text = state.search_text().unwrap_or_default();
        let tokens = index_token_set(&text);
        for a in state.latest_assignments() {
            self.bureaus.case.push(id);
            self.bureaus.bureau.push(a.bureau.0.clone());
            self.bureaus.status.push(
                serde_json::to_value(a.status)
                    .expect("serialises")
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        c.id.push(id);
        c.number.push(intake.number.to_string());
        c.kind.push(intake.kind.clone());
        c.status.push(state.status.code().to_owned());
        c.phone.push(intake.caller.phone.clone());
        c.district.push(intake.district.clone());
        c.street
            .push(hotline_domain::hotspot::street_of(&intake.address).unwrap_or_default());
        c.category.push(intake.category.clone());
        c.received_at.push(received_at);
        c.next_due
            .push(state.next_due(cal).and_then(|(_, due)| due));
        c.due_provisional.push(state.next_due_provisional(cal));
        c.conflicts.push(state.conflicts.len() as i32);
        c.tokens.push(tokens.join(" "));
        c.text.push(text.to_lowercase());
        for r in facts.clock_runs {
            runs.case.push(id);
            runs.clock.push(r.clock);
            runs.bureau.push(r.bureau);
            runs.run.push(r.run);
            runs.kind.push(intake.kind.clone());
            runs.started_at.push(r.started_at);
            runs.due_at.push(r.due_at);
            runs.stopped_at.push(r.stopped_at);
            runs.cancelled.push(r.cancelled);
            runs.provisional.push(r.provisional);
        }
        self.steps.add(id, state, &intake.kind);
        for b in facts.callbacks {
            calls.case.push(id);
            calls.seq.push(b.seq);
            calls.at.push(b.at);
            calls.satisfaction.push(b.satisfaction);
            calls.bureau.push(b.bureau);
            calls.kind.push(intake.kind.clone());
        }
        c.channel.push(facts.channel);
        c.bureau.push(facts.bureau);
        c.first_replied_at.push(facts.first_replied_at);
        c.closed_at.push(facts.closed_at);
        c.on_spot.push(facts.on_spot);
        c.supervise_at.push(next_rung_at(state, cal));
        c.state.push(Json(state.clone()));
    }

    /// Writes the rows, replacing what the cases had.
    pub async fn upsert(self, tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
        let Self {
            c,
            runs,
            calls,
            bureaus,
            steps,
        } = self;
        if c.id.is_empty() {
            return Ok(());
        }
        // Tokens travel space-joined: a ragged text[][] has no UNNEST.
        sqlx::query(
            "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, search_tokens, search_text,
                                channel, bureau, first_replied_at, closed_at, on_spot, facts_version, due_provisional, supervise_at, street)
             SELECT id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, string_to_array(tokens, ' '), text,
                    channel, bureau, first_replied_at, closed_at, on_spot, $19, due_provisional, supervise_at, street
             FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                         $9::timestamptz[], $10::int[], $11::jsonb[], $12::text[], $13::text[],
                         $14::text[], $15::text[], $16::timestamptz[], $17::timestamptz[], $18::bool[], $20::bool[], $21::timestamptz[], $22::text[])
                  AS t(id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, tokens, text,
                       channel, bureau, first_replied_at, closed_at, on_spot, due_provisional, supervise_at, street)
             ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_due = excluded.next_due,
                                            due_provisional = excluded.due_provisional,
                                            conflicts = excluded.conflicts, state = excluded.state,
                                            channel = excluded.channel, bureau = excluded.bureau,
                                            first_replied_at = excluded.first_replied_at, closed_at = excluded.closed_at,
                                            on_spot = excluded.on_spot, facts_version = excluded.facts_version,
                                            supervise_at = excluded.supervise_at, street = excluded.street",
        )
        .bind(&c.id)
        .bind(&c.number)
        .bind(&c.kind)
        .bind(&c.status)
        .bind(&c.phone)
        .bind(&c.district)
        .bind(&c.category)
        .bind(&c.received_at)
        .bind(&c.next_due)
        .bind(&c.conflicts)
        .bind(&c.state)
        .bind(&c.tokens)
        .bind(&c.text)
        .bind(&c.channel)
        .bind(&c.bureau)
        .bind(&c.first_replied_at)
        .bind(&c.closed_at)
        .bind(&c.on_spot)
        .bind(FACTS_VERSION)
        .bind(&c.due_provisional)
        .bind(&c.supervise_at)
        .bind(&c.street)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM clock_runs WHERE case_id = ANY($1)")
            .bind(&c.id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO clock_runs (case_id, clock, bureau, run, kind, started_at, due_at, stopped_at, cancelled, provisional)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::bool[], $10::bool[])",
        )
        .bind(&runs.case)
        .bind(&runs.clock)
        .bind(&runs.bureau)
        .bind(&runs.run)
        .bind(&runs.kind)
        .bind(&runs.started_at)
        .bind(&runs.due_at)
        .bind(&runs.stopped_at)
        .bind(&runs.cancelled)
        .bind(&runs.provisional)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM callbacks WHERE case_id = ANY($1)")
            .bind(&c.id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO callbacks (case_id, seq, at, satisfaction, bureau, kind)
             SELECT * FROM UNNEST($1::uuid[], $2::int[], $3::timestamptz[], $4::text[], $5::text[], $6::text[])",
        )
        .bind(&calls.case)
        .bind(&calls.seq)
        .bind(&calls.at)
        .bind(&calls.satisfaction)
        .bind(&calls.bureau)
        .bind(&calls.kind)
        .execute(&mut **tx)
        .await?;
        sqlx::query("DELETE FROM case_bureaus WHERE case_id = ANY($1)")
            .bind(&c.id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO case_bureaus (case_id, bureau, status) SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING")
            .bind(&bureaus.case)
            .bind(&bureaus.bureau)
            .bind(&bureaus.status)
            .execute(&mut **tx)
            .await?;
        steps.upsert(tx, &c.id).await
    }

    /// Writes the rows of cases new to the database with COPY (seed-demo's and the import's bulk
    /// load: several times faster than the upsert, and there is nothing to replace).
    pub async fn copy_new(self, tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
        self.copy_rows().send(tx).await
    }

    /// The COPY data of [`SnapshotRows::copy_new`], made before any transaction begins: a bulk
    /// writer's transaction then lasts only as long as PostgreSQL takes to store it, and holds
    /// back other seats' pulls (which wait for older transactions) no longer than that.
    pub fn copy_rows(self) -> CopyRows {
        let Self {
            c,
            runs,
            calls,
            bureaus,
            steps,
        } = self;
        let mut copies = Vec::with_capacity(5);
        let mut out = CopyText::with_capacity(c.id.len() * 3000);
        for i in 0..c.id.len() {
            out.plain(c.id[i])
                .text(&c.number[i])
                .text(&c.kind[i])
                .plain(&c.status[i])
                .text(&c.phone[i])
                .text(&c.district[i])
                .text(&c.category[i])
                .time(c.received_at[i])
                .opt_time(c.next_due[i])
                .plain(c.conflicts[i])
                .json(&c.state[i].0)
                .text_array(c.tokens[i].split(' ').filter(|t| !t.is_empty()))
                .text(&c.text[i])
                .text(&c.channel[i])
                .opt_text(c.bureau[i].as_deref())
                .opt_time(c.first_replied_at[i])
                .opt_time(c.closed_at[i])
                .plain(c.on_spot[i])
                .plain(FACTS_VERSION)
                .plain(c.due_provisional[i])
                .opt_time(c.supervise_at[i])
                .text(&c.street[i])
                .end_row();
        }
        copies.push(("COPY cases (id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, search_tokens, search_text,
                               channel, bureau, first_replied_at, closed_at, on_spot, facts_version, due_provisional, supervise_at, street) FROM STDIN", out.into_bytes()));
        let mut out = CopyText::with_capacity(runs.case.len() * 120);
        for i in 0..runs.case.len() {
            out.plain(runs.case[i])
                .text(&runs.clock[i])
                // Quoted: an empty bureau is the centre's own clock, not NULL.
                .text(&runs.bureau[i])
                .plain(runs.run[i])
                .text(&runs.kind[i])
                .time(runs.started_at[i])
                .opt_time(runs.due_at[i])
                .opt_time(runs.stopped_at[i])
                .plain(runs.cancelled[i])
                .plain(runs.provisional[i])
                .end_row();
        }
        copies.push(("COPY clock_runs (case_id, clock, bureau, run, kind, started_at, due_at, stopped_at, cancelled, provisional) FROM STDIN", out.into_bytes()));
        let mut out = CopyText::with_capacity(calls.case.len() * 100);
        for i in 0..calls.case.len() {
            out.plain(calls.case[i])
                .plain(calls.seq[i])
                .time(calls.at[i])
                .text(&calls.satisfaction[i])
                .text(&calls.bureau[i])
                .text(&calls.kind[i])
                .end_row();
        }
        copies.push((
            "COPY callbacks (case_id, seq, at, satisfaction, bureau, kind) FROM STDIN",
            out.into_bytes(),
        ));
        let mut out = CopyText::with_capacity(bureaus.case.len() * 60);
        for i in 0..bureaus.case.len() {
            out.plain(bureaus.case[i])
                .text(&bureaus.bureau[i])
                .text(&bureaus.status[i])
                .end_row();
        }
        copies.push((
            "COPY case_bureaus (case_id, bureau, status) FROM STDIN",
            out.into_bytes(),
        ));
        copies.push(steps.copy_rows());
        CopyRows(copies)
    }
}

/// Sends `data` (COPY's text format) to a COPY … FROM STDIN statement.
pub(crate) async fn copy(
    tx: &mut Transaction<'_, Postgres>,
    statement: &str,
    data: Vec<u8>,
) -> Result<(), sqlx::Error> {
    if data.is_empty() {
        return Ok(());
    }
    let mut copy = tx.copy_in_raw(statement).await?;
    copy.send(data).await?;
    copy.finish().await?;
    Ok(())
}

#[derive(Default)]
struct Columns {
    id: Vec<Uuid>,
    number: Vec<String>,
    kind: Vec<String>,
    status: Vec<String>,
    phone: Vec<String>,
    district: Vec<String>,
    street: Vec<String>,
    category: Vec<String>,
    received_at: Vec<DateTime<Utc>>,
    next_due: Vec<Option<DateTime<Utc>>>,
    due_provisional: Vec<bool>,
    conflicts: Vec<i32>,
    state: Vec<Json<CaseState>>,
    tokens: Vec<String>,
    text: Vec<String>,
    channel: Vec<String>,
    bureau: Vec<Option<String>>,
    first_replied_at: Vec<Option<DateTime<Utc>>>,
    closed_at: Vec<Option<DateTime<Utc>>>,
    on_spot: Vec<bool>,
    supervise_at: Vec<Option<DateTime<Utc>>>,
}

#[derive(Default)]
struct RunColumns {
    case: Vec<Uuid>,
    clock: Vec<String>,
    bureau: Vec<String>,
    run: Vec<i32>,
    kind: Vec<String>,
    started_at: Vec<DateTime<Utc>>,
    due_at: Vec<Option<DateTime<Utc>>>,
    stopped_at: Vec<Option<DateTime<Utc>>>,
    cancelled: Vec<bool>,
    provisional: Vec<bool>,
}

#[derive(Default)]
struct CallbackColumns {
    case: Vec<Uuid>,
    seq: Vec<i32>,
    at: Vec<DateTime<Utc>>,
    satisfaction: Vec<String>,
    bureau: Vec<String>,
    kind: Vec<String>,
}

/// Derives the report facts of cases saved before they existed (or by an older derivation), in
/// batches, each its own transaction; returns how many cases it refolded.
pub async fn backfill_facts(pool: &PgPool, cal: &SlaCalendar) -> Result<usize, sqlx::Error> {
    let mut done = 0;
    loop {
        let mut tx = pool.begin().await?;
        // The version is written into the statement so the partial index `cases_without_facts` serves it.
        let ids: Vec<Uuid> = sqlx::query_scalar(&format!("SELECT id FROM cases WHERE facts_version < {FACTS_VERSION} ORDER BY id LIMIT 2000 FOR UPDATE SKIP LOCKED"))
            .fetch_all(&mut *tx)
            .await?;
        if ids.is_empty() {
            return Ok(done);
        }
        let cases: Vec<CaseId> = ids.into_iter().map(CaseId).collect();
        refold_many(&mut tx, &cases, cal).await?;
        // A case whose history no longer folds keeps its old facts rather than being retried forever.
        sqlx::query(
            "UPDATE cases SET facts_version = $1 WHERE id = ANY($2) AND facts_version < $1",
        )
        .bind(FACTS_VERSION)
        .bind(cases.iter().map(|c| c.0).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += cases.len();
    }
}

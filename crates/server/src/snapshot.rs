//! The server's copy of each case's folded state, for scoped listing, search and reports.
//! Rebuilt from the log in pull order whenever one of the case's events arrives — for all the
//! cases of a push at once, in a handful of statements rather than a handful per case.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseId, CaseState, Event};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::text::index_token_set;
use sqlx::types::Json;
use sqlx::{Postgres, Row, Transaction};
use uuid::Uuid;

/// Folds each case's whole history (including this transaction's own events) and saves it.
pub async fn refold_many(tx: &mut Transaction<'_, Postgres>, cases: &[CaseId], cal: &SlaCalendar) -> Result<(), sqlx::Error> {
    if cases.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = cases.iter().map(|c| c.0).collect();
    let rows = sqlx::query("SELECT case_id, body FROM events WHERE case_id = ANY($1) ORDER BY case_id, tx_id, pos")
        .bind(&ids)
        .fetch_all(&mut **tx)
        .await?;
    let mut histories: BTreeMap<Uuid, Vec<Event>> = BTreeMap::new();
    for r in rows {
        if let Ok(e) = serde_json::from_value::<Event>(r.get("body")) {
            histories.entry(r.get("case_id")).or_default().push(e);
        }
    }
    let mut c = Columns::default();
    let (mut b_case, mut b_bureau, mut b_status) = (Vec::new(), Vec::new(), Vec::new());
    for (id, events) in histories {
        let state = CaseState::fold(&events);
        let (Some(intake), Some(received_at)) = (state.intake.as_ref(), state.received_at) else {
            continue; // its `received` event has not arrived yet
        };
        let text = intake.search_text();
        let tokens = index_token_set(&text);
        for a in &state.assignments {
            b_case.push(id);
            b_bureau.push(a.bureau.0.clone());
            b_status.push(serde_json::to_value(a.status).expect("serialises").as_str().unwrap_or_default().to_owned());
        }
        c.id.push(id);
        c.number.push(intake.number.to_string());
        c.kind.push(intake.kind.clone());
        c.status.push(state.status.code().to_owned());
        c.phone.push(intake.caller.phone.clone());
        c.district.push(intake.district.clone());
        c.category.push(intake.category.clone());
        c.received_at.push(received_at);
        c.next_due.push(state.next_due(cal).and_then(|(_, due)| due));
        c.conflicts.push(state.conflicts.len() as i32);
        c.tokens.push(tokens.join(" "));
        c.text.push(text.to_lowercase());
        c.state.push(Json(state));
    }
    // Tokens travel space-joined: a ragged text[][] has no UNNEST.
    sqlx::query(
        "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, search_tokens, search_text)
         SELECT id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, string_to_array(tokens, ' '), text
         FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[],
                     $9::timestamptz[], $10::int[], $11::jsonb[], $12::text[], $13::text[])
              AS t(id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, tokens, text)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, next_due = excluded.next_due,
                                        conflicts = excluded.conflicts, state = excluded.state",
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
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM case_bureaus WHERE case_id = ANY($1)").bind(&c.id).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO case_bureaus (case_id, bureau, status) SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING")
        .bind(&b_case)
        .bind(&b_bureau)
        .bind(&b_status)
        .execute(&mut **tx)
        .await?;
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
    category: Vec<String>,
    received_at: Vec<DateTime<Utc>>,
    next_due: Vec<Option<DateTime<Utc>>>,
    conflicts: Vec<i32>,
    state: Vec<Json<CaseState>>,
    tokens: Vec<String>,
    text: Vec<String>,
}

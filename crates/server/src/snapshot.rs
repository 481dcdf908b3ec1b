//! The server's copy of each case's folded state, for scoped listing, search and reports.
//! Rebuilt from the log in pull order whenever one of the case's events arrives.

use hotline_domain::case::{CaseId, CaseState, Event};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::text::index_tokens;
use sqlx::types::Json;
use sqlx::{Postgres, Row, Transaction};

/// Folds the case's whole history (including this transaction's own events) and saves it.
pub async fn refold(tx: &mut Transaction<'_, Postgres>, case: CaseId, cal: &SlaCalendar) -> Result<CaseState, sqlx::Error> {
    let rows = sqlx::query("SELECT body FROM events WHERE case_id = $1 ORDER BY tx_id, pos")
        .bind(case.0)
        .fetch_all(&mut **tx)
        .await?;
    let events: Vec<Event> = rows
        .into_iter()
        .filter_map(|r| serde_json::from_value(r.get::<serde_json::Value, _>("body")).ok())
        .collect();
    let state = CaseState::fold(&events);
    let (Some(intake), Some(received_at)) = (state.intake.as_ref(), state.received_at) else {
        return Ok(state); // its `received` event has not arrived yet
    };
    let next_due = state.next_due(cal).and_then(|(_, due)| due);
    let text = [
        intake.number.to_string(),
        intake.caller.phone.clone(),
        intake.caller.name.clone().unwrap_or_default(),
        intake.district.clone(),
        intake.description.clone(),
    ]
    .join(" ");
    let mut tokens = index_tokens(&text);
    tokens.sort();
    tokens.dedup();
    sqlx::query(
        "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, conflicts, state, search_tokens, search_text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (id) DO UPDATE SET status = $4, next_due = $9, conflicts = $10, state = $11",
    )
    .bind(case.0)
    .bind(intake.number.to_string())
    .bind(&intake.kind)
    .bind(state.status.code())
    .bind(&intake.caller.phone)
    .bind(&intake.district)
    .bind(&intake.category)
    .bind(received_at)
    .bind(next_due)
    .bind(state.conflicts.len() as i32)
    .bind(Json(&state))
    .bind(&tokens)
    .bind(text.to_lowercase())
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM case_bureaus WHERE case_id = $1").bind(case.0).execute(&mut **tx).await?;
    for a in &state.assignments {
        let status = serde_json::to_value(a.status).expect("serialises");
        sqlx::query(
            "INSERT INTO case_bureaus (case_id, bureau, status) VALUES ($1, $2, $3)
             ON CONFLICT (case_id, bureau) DO UPDATE SET status = $3",
        )
        .bind(case.0)
        .bind(&a.bureau.0)
        .bind(status.as_str().unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    }
    Ok(state)
}

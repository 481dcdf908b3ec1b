//! Writing: a user's action becomes an event, checked against the case's folded state, written
//! with its outbox entry and the refreshed snapshot in one transaction — or not at all.

use chrono::{DateTime, Utc};
use hotline_domain::case::{
    Actor, CaseId, CaseNumber, CaseState, Caller, Channel, DeviceId, Event, EventBody, IntakeDraft, KindCatalog, Level,
};
use hotline_domain::sla::{Policy, SlaCalendar};
use hotline_domain::text::index_tokens;
use hotline_domain::time::local_date;
use sqlx::{Row, Sqlite, Transaction};

use super::LocalStore;
use crate::ids::{new_case_id, new_event_id};
use crate::ClientError;

/// What a seat types for a new case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: String,
    pub category: String,
    pub phone: String,
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub channel: Channel,
    pub district: String,
    pub description: String,
    pub level: Option<Level>,
}

impl LocalStore {
    /// Records a new case: numbers it, resolves its clocks, writes its `received` event.
    pub async fn new_case(&self, input: NewCase, cal: &SlaCalendar, now: DateTime<Utc>) -> Result<CaseState, ClientError> {
        let mut tx = self.pool.begin().await?;
        let day = local_date(now);
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO seat_sequence (day, last) VALUES (?, 1)
             ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(day.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let number = CaseNumber::new(day, &self.identity.seat_code, u32::try_from(seq).unwrap_or(u32::MAX))
            .map_err(|e| ClientError::Invalid { code: "case.number", message: e.to_string() })?;
        let draft = IntakeDraft {
            number,
            kind: input.kind,
            category: input.category,
            caller: Caller { phone: input.phone, name: input.name, id_number: input.id_number },
            channel: input.channel,
            district: input.district,
            description: input.description,
            level: input.level,
        };
        let intake = draft.resolve(&KindCatalog::default(), &Policy::default())?;
        let event = self.event(new_case_id(now), EventBody::Received(Box::new(intake)), now);
        let state = record(&mut tx, event, cal).await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Records one step on an existing case, refusing it (and writing nothing) if the case's
    /// state does not allow it.
    pub async fn act(&self, case: CaseId, body: EventBody, cal: &SlaCalendar, now: DateTime<Utc>) -> Result<CaseState, ClientError> {
        let mut tx = self.pool.begin().await?;
        let state = record(&mut tx, self.event(case, body, now), cal).await?;
        tx.commit().await?;
        Ok(state)
    }

    fn event(&self, case: CaseId, body: EventBody, now: DateTime<Utc>) -> Event {
        let role = self.identity.role;
        Event {
            id: new_event_id(now),
            case,
            at: now,
            actor: Actor {
                user: self.identity.user.clone(),
                role,
                bureau: self.identity.bureau.as_deref().map(Into::into),
            },
            device: DeviceId(self.identity.device_id.clone()),
            seen: 0, // set by `record` from the stored history
            body,
        }
    }
}

/// The case's history in the order every device folds it: events the server has ordered, in its
/// order, then this device's own not yet on the server, in the order they were made.
pub(super) async fn history(tx: &mut Transaction<'_, Sqlite>, case: CaseId) -> Result<Vec<Event>, ClientError> {
    let rows = sqlx::query(
        "SELECT body FROM events WHERE case_id = ?
         ORDER BY server_pos IS NULL, server_pos, local_seq",
    )
    .bind(case.0.to_string())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.get("body");
            serde_json::from_str(&body).map_err(|e| ClientError::Invalid { code: "local.corrupt", message: format!("stored event: {e}") })
        })
        .collect()
}

async fn record(tx: &mut Transaction<'_, Sqlite>, mut event: Event, cal: &SlaCalendar) -> Result<CaseState, ClientError> {
    let history = history(tx, event.case).await?;
    event.seen = u32::try_from(history.len()).unwrap_or(u32::MAX);
    let mut state = CaseState::fold(&history);
    if !matches!(event.body, EventBody::Received(_)) && state.id.is_none() {
        return Err(ClientError::NotFound(event.case.0.to_string()));
    }
    state.apply(&event)?;
    let body = serde_json::to_string(&event).expect("events serialise");
    sqlx::query("INSERT INTO events (id, case_id, at, body) VALUES (?, ?, ?, ?)")
        .bind(event.id.0.to_string())
        .bind(event.case.0.to_string())
        .bind(event.at.to_rfc3339())
        .bind(body)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO outbox (event_id) VALUES (?)")
        .bind(event.id.0.to_string())
        .execute(&mut **tx)
        .await?;
    save_snapshot(tx, &state, cal).await?;
    Ok(state)
}

/// Rewrites the case's row, its bureaus and its search tokens from its folded state.
pub(super) async fn save_snapshot(tx: &mut Transaction<'_, Sqlite>, state: &CaseState, cal: &SlaCalendar) -> Result<(), ClientError> {
    let (Some(id), Some(intake), Some(received_at)) = (state.id, state.intake.as_ref(), state.received_at) else {
        return Ok(()); // a history without its `received` event yet (it may arrive later by sync)
    };
    let next = state.next_due(cal);
    let existed: Option<i64> = sqlx::query_scalar("SELECT rid FROM cases WHERE id = ?")
        .bind(id.0.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, next_clock, conflicts, state)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET status = ?4, next_due = ?9, next_clock = ?10, conflicts = ?11, state = ?12
         RETURNING rid",
    )
    .bind(id.0.to_string())
    .bind(intake.number.to_string())
    .bind(&intake.kind)
    .bind(state.status.code())
    .bind(&intake.caller.phone)
    .bind(&intake.district)
    .bind(&intake.category)
    .bind(received_at.to_rfc3339())
    // No running clock: NULL (sorts last). A due that cannot be computed: 0 (sorts first).
    .bind(next.as_ref().map(|(_, due)| due.map_or(0, |d| d.timestamp())))
    .bind(next.as_ref().map(|(c, _)| c.key.clone()))
    .bind(state.conflicts.len() as i64)
    .bind(serde_json::to_string(state).expect("state serialises"))
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM case_bureaus WHERE case_id = ?").bind(id.0.to_string()).execute(&mut **tx).await?;
    for a in &state.assignments {
        let status = serde_json::to_value(a.status).expect("serialises");
        sqlx::query("INSERT OR REPLACE INTO case_bureaus (case_id, bureau, status) VALUES (?, ?, ?)")
            .bind(id.0.to_string())
            .bind(&a.bureau.0)
            .bind(status.as_str().unwrap_or_default())
            .execute(&mut **tx)
            .await?;
    }
    if existed.is_some() {
        return Ok(()); // the searchable text is fixed at intake
    }
    let text = intake.search_text();
    sqlx::query("INSERT INTO case_search (rowid, tokens) VALUES (?, ?)")
        .bind(rid)
        .bind(index_tokens(&text).join(" "))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

//! One case's full record, for the archive or a citizen's request: its intake (unmasked), every
//! event with who recorded it, when, from which device and what, its clocks as read now, and
//! the audit entries about it (who saw the caller unmasked). `hotline-server case export`.

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseState, Event};
use hotline_domain::sla::{ClockReading, SlaCalendar};
use serde::Serialize;
use sqlx::{PgPool, Row};
use uuid::Uuid;

#[derive(Debug, Serialize)]
pub struct RecordedEvent {
    pub step: &'static str,
    pub step_zh: &'static str,
    /// The account on the server, whatever the event's actor field says.
    pub user: String,
    pub stored_at: DateTime<Utc>,
    pub event: Event,
}

#[derive(Debug, Serialize)]
pub struct RecordedClock {
    pub key: String,
    pub label: String,
    pub bureau: Option<String>,
    pub runs: Vec<Option<ClockReading>>,
}

#[derive(Debug, Serialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub user: Option<String>,
    pub action: String,
    pub detail: serde_json::Value,
}

#[derive(Debug, Serialize)]
pub struct CaseRecord {
    pub exported_at: DateTime<Utc>,
    pub id: Uuid,
    pub number: String,
    pub state: CaseState,
    pub clocks: Vec<RecordedClock>,
    pub events: Vec<RecordedEvent>,
    pub audit: Vec<AuditEntry>,
}

/// The record of the case with this id or number, or None.
pub async fn case_record(
    pool: &PgPool,
    id_or_number: &str,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<Option<CaseRecord>, sqlx::Error> {
    let id: Option<Uuid> = match id_or_number.parse::<Uuid>() {
        Ok(id) => {
            sqlx::query_scalar("SELECT id FROM cases WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        }
        Err(_) => {
            sqlx::query_scalar(
                "SELECT id FROM cases WHERE number = $1 ORDER BY received_at LIMIT 1",
            )
            .bind(id_or_number)
            .fetch_optional(pool)
            .await?
        }
    };
    let Some(id) = id else { return Ok(None) };
    let rows = sqlx::query("SELECT whole_event(e.body, e.id, e.case_id, e.device_id) AS body, e.stored_at, u.name FROM events e JOIN users u ON u.id = e.user_id WHERE e.case_id = $1 ORDER BY e.tx_id, e.pos")
        .bind(id)
        .fetch_all(pool)
        .await?;
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let Ok(event) = serde_json::from_value::<Event>(r.get("body")) else {
            continue;
        };
        events.push(RecordedEvent {
            step: event.body.step(),
            step_zh: event.body.step_zh(),
            user: r.get("name"),
            stored_at: r.get("stored_at"),
            event,
        });
    }
    let state = CaseState::fold(events.iter().map(|e| &e.event));
    let clocks = state
        .clocks
        .iter()
        .map(|c| RecordedClock {
            key: c.spec.key.clone(),
            label: c.spec.label.clone(),
            bureau: c.bureau.as_ref().map(|b| b.0.clone()),
            runs: c.runs.iter().map(|r| r.read(cal, now).ok()).collect(),
        })
        .collect();
    let audit = sqlx::query("SELECT a.at, u.name, a.action, a.detail FROM audit a LEFT JOIN users u ON u.id = a.user_id WHERE a.target = $1 ORDER BY a.id")
        .bind(id.to_string())
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| AuditEntry { at: r.get("at"), user: r.get("name"), action: r.get("action"), detail: r.get("detail") })
        .collect();
    let number = state
        .intake
        .as_ref()
        .map(|i| i.number.to_string())
        .unwrap_or_default();
    Ok(Some(CaseRecord {
        exported_at: now,
        id,
        number,
        state,
        clocks,
        events,
        audit,
    }))
}

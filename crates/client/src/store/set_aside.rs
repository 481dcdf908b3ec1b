//! Events the server refused. The server answers each pushed event on its own and uses up a
//! refused one's sequence number, so the outbox keeps draining; here the refused event leaves the
//! case's history (the case folds again without it, so the step is offered again to be done
//! right) and is kept with the server's reason until the user dismisses it.

use hotline_domain::case::{CaseId, CaseState, Event};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::Refusal;
use serde::Serialize;
use sqlx::Row;

use super::cases::history;
use super::snapshot::save_snapshot;
use super::LocalStore;
use crate::ClientError;

/// A refused event as the desk and `hotline sync --status` show it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SetAside {
    pub event_id: String,
    pub case_id: String,
    /// The case's number, when the case is known here.
    pub number: Option<String>,
    /// The step (`dispatched`, `replied`…), for the UI's catalogue.
    pub step: String,
    pub at: String,
    pub code: String,
    pub message: String,
}

impl LocalStore {
    /// Takes the refused events out of the outbox and the histories, keeps them with the reason,
    /// and folds their cases again — in one transaction. A refusal given again (an answer lost
    /// and the push retried) changes nothing.
    pub async fn set_aside(
        &self,
        refused: &[Refusal],
        cal: &SlaCalendar,
    ) -> Result<usize, ClientError> {
        if refused.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let mut touched: Vec<CaseId> = Vec::new();
        for r in refused {
            let row = sqlx::query("SELECT e.id, e.case_id, e.body FROM outbox o JOIN events e ON e.id = o.event_id WHERE o.device_seq = ?")
                .bind(r.device_seq)
                .fetch_optional(&mut *tx)
                .await?;
            let Some(row) = row else { continue }; // set aside already
            let (id, case_id, body): (String, String, String) =
                (row.get("id"), row.get("case_id"), row.get("body"));
            sqlx::query("INSERT OR IGNORE INTO set_aside (event_id, case_id, device_seq, code, message, body) VALUES (?, ?, ?, ?, ?, ?)")
                .bind(&id)
                .bind(&case_id)
                .bind(r.device_seq)
                .bind(&r.code)
                .bind(&r.message)
                .bind(&body)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM outbox WHERE device_seq = ?")
                .bind(r.device_seq)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM events WHERE id = ?")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            if let Ok(case) = case_id.parse().map(CaseId) {
                if !touched.contains(&case) {
                    touched.push(case);
                }
            }
        }
        let alerts = self.snapshot_rules();
        for case in &touched {
            let state = CaseState::fold(&history(&mut tx, *case).await?);
            save_snapshot(&mut tx, &state, cal, &alerts).await?;
        }
        tx.commit().await?;
        Ok(refused.len())
    }

    /// The refused events not dismissed yet, oldest first.
    pub async fn set_aside_events(&self) -> Result<Vec<SetAside>, ClientError> {
        let rows = sqlx::query(
            "SELECT s.event_id, s.case_id, s.code, s.message, s.body, c.number FROM set_aside s
             LEFT JOIN cases c ON c.id = s.case_id WHERE s.dismissed_at IS NULL ORDER BY s.device_seq",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                let event: Option<Event> = serde_json::from_str(r.get::<&str, _>("body")).ok();
                SetAside {
                    event_id: r.get("event_id"),
                    case_id: r.get("case_id"),
                    number: r.get("number"),
                    step: event
                        .as_ref()
                        .map(|e| e.body.step().to_owned())
                        .unwrap_or_default(),
                    at: event.map(|e| e.at.to_rfc3339()).unwrap_or_default(),
                    code: r.get("code"),
                    message: r.get("message"),
                }
            })
            .collect())
    }

    /// The user has seen a refused event (and corrected the case, or decided the step is not
    /// needed): it leaves the list; the event and who dismissed it when stay recorded.
    pub async fn dismiss_set_aside(
        &self,
        event_id: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ClientError> {
        let done = sqlx::query("UPDATE set_aside SET dismissed_at = ?, dismissed_by = ? WHERE event_id = ? AND dismissed_at IS NULL")
            .bind(now.to_rfc3339())
            .bind(&self.identity.user)
            .bind(event_id)
            .execute(&self.pool)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(ClientError::NotFound(event_id.to_owned()));
        }
        Ok(())
    }
}

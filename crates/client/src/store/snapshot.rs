//! A case's snapshot: the row the queue lists (with its nearest due and the instant it turns
//! yellow), its bureaus, its search tokens and its pending alert points — all rewritten from the
//! folded state in the transaction that changed the case.

use hotline_domain::case::CaseState;
use hotline_domain::sla::{AlertSettings, SlaCalendar};
use hotline_domain::text::index_tokens;
use sqlx::{Row, Sqlite, Transaction};

use super::cases::history;
use super::LocalStore;
use crate::ClientError;

/// What a snapshot holds; bump it when that changes and every snapshot is rebuilt on open.
const SNAPSHOT_FORMAT: i64 = 1;

/// Rewrites the case's row, its bureaus, its alert points and (for a new case) its search tokens.
pub(super) async fn save_snapshot(
    tx: &mut Transaction<'_, Sqlite>,
    state: &CaseState,
    cal: &SlaCalendar,
    alerts: &AlertSettings,
) -> Result<(), ClientError> {
    let (Some(id), Some(intake), Some(received_at)) = (state.id, state.intake.as_ref(), state.received_at) else {
        return Ok(()); // a history without its `received` event yet (it may arrive later by sync)
    };
    let case_id = id.0.to_string();
    let next = state.next_due(cal);
    // Every running clock's milestones; a clock whose due cannot be computed has none (its row
    // shows "due unknown" instead, first in the queue).
    let mut at_risk: Option<i64> = None;
    let mut points = Vec::new();
    for clock in &state.clocks {
        let Some(run) = clock.current() else { continue };
        let Ok(Some(m)) = run.milestones(cal, alerts) else { continue };
        at_risk = Some(at_risk.map_or(m.at_risk.timestamp(), |t| t.min(m.at_risk.timestamp())));
        for p in m.alerts {
            let bureau = clock.bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default();
            points.push((clock.spec.key.clone(), clock.spec.label.clone(), bureau, clock.runs.len() - 1, p.threshold, p.at.timestamp(), m.due.timestamp()));
        }
    }
    let existed: Option<i64> = sqlx::query_scalar("SELECT rid FROM cases WHERE id = ?")
        .bind(&case_id)
        .fetch_optional(&mut **tx)
        .await?;
    let rid: i64 = sqlx::query_scalar(
        "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, next_clock, conflicts, owner, address, at_risk, next_label)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT (id) DO UPDATE SET status = ?4, next_due = ?9, next_clock = ?10, conflicts = ?11, owner = ?12, address = ?13, at_risk = ?14, next_label = ?15
         RETURNING rid",
    )
    .bind(&case_id)
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
    .bind(state.received_by.clone().unwrap_or_default())
    .bind(&intake.address)
    .bind(at_risk)
    .bind(next.as_ref().and_then(|(c, _)| state.clock(c)).map(|c| c.spec.label.clone()))
    .fetch_one(&mut **tx)
    .await?;
    sqlx::query("INSERT OR REPLACE INTO case_states (rid, state) VALUES (?, ?)")
        .bind(rid)
        .bind(serde_json::to_string(state).expect("state serialises"))
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM case_bureaus WHERE case_id = ?").bind(&case_id).execute(&mut **tx).await?;
    for a in &state.assignments {
        let status = serde_json::to_value(a.status).expect("serialises");
        sqlx::query("INSERT OR REPLACE INTO case_bureaus (case_id, bureau, status) VALUES (?, ?, ?)")
            .bind(&case_id)
            .bind(&a.bureau.0)
            .bind(status.as_str().unwrap_or_default())
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM alerts WHERE case_id = ? AND sent_at IS NULL").bind(&case_id).execute(&mut **tx).await?;
    for (clock, label, bureau, run, threshold, at, due) in points {
        // A point already sent stays sent: OR IGNORE keeps its row.
        sqlx::query("INSERT OR IGNORE INTO alerts (case_id, clock, label, bureau, run, threshold, at, due) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(&case_id)
            .bind(clock)
            .bind(label)
            .bind(bureau)
            .bind(run as i64)
            .bind(threshold)
            .bind(at)
            .bind(due)
            .execute(&mut **tx)
            .await?;
    }
    if existed.is_some() {
        return Ok(()); // the searchable text is fixed at intake
    }
    sqlx::query("INSERT INTO case_search (rowid, tokens) VALUES (?, ?)")
        .bind(rid)
        .bind(index_tokens(&intake.search_text()).join(" "))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl LocalStore {
    /// Rebuilds every snapshot from its case's history when they were written by an older
    /// version (or `force`, after the alert settings or the calendar changed). Returns how many.
    pub async fn refresh_snapshots(&self, cal: &SlaCalendar, force: bool) -> Result<u64, ClientError> {
        let format: i64 = sqlx::query_scalar("SELECT version FROM snapshot_format WHERE id = 1").fetch_one(&self.pool).await?;
        if format >= SNAPSHOT_FORMAT && !force {
            return Ok(0);
        }
        let ids: Vec<String> = sqlx::query("SELECT id FROM cases").fetch_all(&self.pool).await?.iter().map(|r| r.get("id")).collect();
        let mut done = 0;
        // In chunks: one transaction per thousand cases keeps the write lock short for the CLI.
        for chunk in ids.chunks(1000) {
            let mut tx = self.pool.begin().await?;
            for id in chunk {
                let case = hotline_domain::case::CaseId(id.parse().map_err(|_| ClientError::Invalid {
                    code: "local.corrupt",
                    message: format!("stored case id {id:?}"),
                })?);
                let state = CaseState::fold(&history(&mut tx, case).await?);
                save_snapshot(&mut tx, &state, cal, &self.alerts).await?;
                done += 1;
            }
            tx.commit().await?;
        }
        sqlx::query("UPDATE snapshot_format SET version = ? WHERE id = 1").bind(SNAPSHOT_FORMAT).execute(&self.pool).await?;
        Ok(done)
    }
}

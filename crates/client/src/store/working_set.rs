//! The desk's working set in the store. A seat keeps the cases the domain's rule keeps
//! (`hotline_domain::case::working_set`: on the desk, or worked on by its user within the
//! centre's window), written with every snapshot as `cases.kept_until`; the rest leave with
//! everything of theirs (events, clock runs, callbacks, bureaus, search tokens, alert points,
//! the folded state), never a case with a step not yet on the server or set aside by it.
//! The outbox, the pull cursor and the drafts are not touched.
//!
//! A case that comes back into scope (re-dispatched, reopened, called back) arrives by pull as
//! a later step without its history: it is marked incomplete and its whole history asked of the
//! server (`sync::engine`), so it comes back whole.

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseId, CaseState};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::PulledEvent;
use sqlx::{Sqlite, Transaction};

use super::{for_cases, LocalStore, CASES_PER_QUERY};
use crate::ClientError;

impl LocalStore {
    /// Removes the cases that left the working set by `now`, a batch at a time (the write lock
    /// stays short for the desk). A standalone desk keeps everything: no server holds the rest.
    /// Returns how many went.
    pub async fn leave_working_set(&self, now: DateTime<Utc>) -> Result<usize, ClientError> {
        if self.sync_state().await?.server.is_none() {
            return Ok(0);
        }
        let mut gone = 0;
        loop {
            let mut tx = self.write().await?;
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM cases WHERE kept_until IS NOT NULL AND kept_until <= ?
                   AND id NOT IN (SELECT e.case_id FROM outbox o JOIN events e ON e.id = o.event_id)
                   AND id NOT IN (SELECT case_id FROM set_aside)
                 LIMIT ?",
            )
            .bind(now.timestamp())
            .bind(CASES_PER_QUERY as i64)
            .fetch_all(&mut *tx)
            .await?;
            if ids.is_empty() {
                drop(tx); // its write lock, before the vacuum takes one
                if gone > 0 {
                    self.give_back_free_pages().await?;
                }
                return Ok(gone);
            }
            let cases: Vec<CaseId> = ids
                .iter()
                .filter_map(|i| i.parse().ok().map(CaseId))
                .collect();
            remove_cases(&mut tx, &cases).await?;
            tx.commit().await?;
            gone += ids.len();
        }
    }

    /// Stores a page of the working set a new desk takes first (whole case histories).
    pub async fn take_working_set(
        &self,
        events: &[PulledEvent],
        cal: &SlaCalendar,
    ) -> Result<usize, ClientError> {
        let mut tx = self.write().await?;
        let added = self.take_events(&mut tx, events, cal).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// The working set is taken: the stream is pulled from `start` on. Only from the beginning
    /// (another sync of this folder may have pulled meanwhile).
    pub async fn pull_from(&self, start: &str) -> Result<(), ClientError> {
        sqlx::query("UPDATE sync_state SET cursor = ? WHERE id = 1 AND cursor = ''")
            .bind(start)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Returns the store's free pages to the file system (a store made with incremental
    /// auto-vacuum; on an older one this does nothing): the pages of cases let go, and those a
    /// first sync's rewrites freed.
    pub async fn give_back_free_pages(&self) -> Result<(), ClientError> {
        sqlx::query("PRAGMA incremental_vacuum")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Cases a pull brought a later step of without their history, up to `limit`.
    pub async fn incomplete_cases(&self, limit: i64) -> Result<Vec<CaseId>, ClientError> {
        let ids: Vec<String> = sqlx::query_scalar("SELECT case_id FROM incomplete LIMIT ?")
            .bind(limit)
            .fetch_all(&self.pool)
            .await?;
        Ok(ids
            .iter()
            .filter_map(|i| i.parse().ok().map(CaseId))
            .collect())
    }

    /// Stores a case's whole history as the server sent it (`GET /api/v1/cases/{id}/history`):
    /// the case is complete again. A history still without its `received` (an empty one: the
    /// case is not in this desk's scope) lets the partial case go.
    pub async fn take_history(
        &self,
        case: CaseId,
        events: &[PulledEvent],
        cal: &SlaCalendar,
    ) -> Result<(), ClientError> {
        let mut tx = self.write().await?;
        self.take_events(&mut tx, events, cal).await?;
        let still: Option<String> =
            sqlx::query_scalar("SELECT case_id FROM incomplete WHERE case_id = ?")
                .bind(case.0.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if still.is_some() {
            // Not this desk's (any more), or a history without its start: the part goes too,
            // and is not asked for again.
            remove_cases(&mut tx, &[case]).await?;
            sqlx::query("DELETE FROM incomplete WHERE case_id = ?")
                .bind(case.0.to_string())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Marks `case` incomplete when its folded history has no `received` (a later step arrived
/// alone), complete otherwise.
pub(super) async fn mark_complete_or_not(
    tx: &mut Transaction<'static, Sqlite>,
    case: CaseId,
    state: &CaseState,
) -> Result<(), ClientError> {
    let sql = if state.intake.is_none() {
        "INSERT OR IGNORE INTO incomplete (case_id) VALUES (?)"
    } else {
        "DELETE FROM incomplete WHERE case_id = ?"
    };
    sqlx::query(sql)
        .bind(case.0.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes `cases` and every row of theirs, those keyed by the case's row id first (a later
/// case may be given the same row id, and a new case's rows are written without deleting).
pub(super) async fn remove_cases(
    tx: &mut Transaction<'static, Sqlite>,
    cases: &[CaseId],
) -> Result<(), ClientError> {
    for chunk in cases.chunks(CASES_PER_QUERY) {
        for table in [
            "case_search WHERE rowid",
            "case_states WHERE rid",
            "clock_runs WHERE case_rid",
            "callbacks WHERE case_rid",
        ] {
            for_cases(
                &format!("DELETE FROM {table} IN (SELECT rid FROM cases WHERE id"),
                chunk,
                ")",
            )
            .build()
            .execute(&mut **tx)
            .await?;
        }
        for table in [
            "case_bureaus WHERE case_id",
            "alerts WHERE case_id",
            "events WHERE case_id",
            "cases WHERE id",
        ] {
            for_cases(&format!("DELETE FROM {table}"), chunk, "")
                .build()
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

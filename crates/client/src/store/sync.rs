//! What the sync loop needs from the local store: the outbox in order, acknowledgements, pulled
//! events, the cursor, and the identity a login brings.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseId, CaseState, Event, Role};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::PulledEvent;
use sqlx::{QueryBuilder, Row, Sqlite, Transaction};
use uuid::Uuid;

use super::cases::histories;
use super::snapshot::save_snapshot_as;
use super::{corrupt, for_cases, Identity, LocalStore, CASES_PER_QUERY};
use crate::ClientError;

/// Where the seat syncs and how far it got.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct SyncState {
    pub server: Option<String>,
    pub user: Option<String>,
    pub cursor: String,
    pub last_sync: Option<String>,
    pub last_error: Option<String>,
}

impl LocalStore {
    /// Up to `limit` unsent events, oldest first, with their device sequence numbers.
    pub async fn outbox_batch(&self, limit: i64) -> Result<Vec<(i64, Event)>, ClientError> {
        let rows = sqlx::query(
            "SELECT o.device_seq, e.body FROM outbox o JOIN events e ON e.id = o.event_id ORDER BY o.device_seq LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.get("device_seq"),
                    serde_json::from_str(r.get::<&str, _>("body"))
                        .map_err(|e| corrupt("stored event", e))?,
                ))
            })
            .collect()
    }

    /// The server has applied everything up to `last_seq`.
    pub async fn acknowledge(&self, last_seq: i64) -> Result<u64, ClientError> {
        Ok(sqlx::query("DELETE FROM outbox WHERE device_seq <= ?")
            .bind(last_seq)
            .execute(&self.pool)
            .await?
            .rows_affected())
    }

    /// Stores a pulled page: new events are added, known ones get their server position, every
    /// touched case is folded again in the server's order, and the cursor moves — atomically.
    pub async fn apply_pulled(
        &self,
        events: &[PulledEvent],
        next: &str,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<usize, ClientError> {
        let mut tx = self.write().await?;
        let added = self.take_events(&mut tx, events, cal).await?;
        // Time through the seat's Clock, in the form `datetime('now')` gave before (what
        // `hotline sync --status` prints and older stores hold).
        sqlx::query(
            "UPDATE sync_state SET cursor = ?, last_sync = ?, last_error = NULL WHERE id = 1",
        )
        .bind(next)
        .bind(now.format("%Y-%m-%d %H:%M:%S").to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(added)
    }

    /// Stores events the server sent (a page, a case's whole history): new events are added,
    /// known ones get their server position, every case with a new event is folded again in the
    /// server's order. A case of which no `received` is held is marked incomplete: its history
    /// is asked of the server next (`working_set.rs`). Returns how many events were new.
    pub(super) async fn take_events(
        &self,
        tx: &mut Transaction<'static, Sqlite>,
        events: &[PulledEvent],
        cal: &SlaCalendar,
    ) -> Result<usize, ClientError> {
        let new = insert_pulled(tx, events).await?;
        let mut touched: Vec<CaseId> = Vec::new();
        let mut seen: HashSet<CaseId> = HashSet::new();
        let mut added = 0;
        for pe in events {
            if !new.contains(&pe.event.id.0) {
                // This seat's own event coming back: it only learns its place. Own events come
                // back in the order they were made, after everything this seat had pulled before
                // making them, so the case's order — and its fold — is unchanged.
                sqlx::query("UPDATE events SET server_pos = ? WHERE id = ?")
                    .bind(&pe.pos)
                    .bind(pe.event.id.0.to_string())
                    .execute(&mut **tx)
                    .await?;
                continue;
            }
            added += 1;
            if seen.insert(pe.event.case) {
                touched.push(pe.event.case);
            }
        }
        let rules = self.snapshot_rules();
        // The highest number of this seat's prefix pulled, per day.
        let mut own_numbers: std::collections::BTreeMap<chrono::NaiveDate, u32> =
            Default::default();
        let mut histories = histories(tx, &touched).await?;
        let known = known_cases(tx, &touched).await?;
        for case in touched {
            let state = CaseState::fold(&histories.remove(&case).unwrap_or_default());
            save_snapshot_as(tx, &state, cal, &rules, !known.contains(&case)).await?;
            super::working_set::mark_complete_or_not(tx, case, &state).await?;
            if let Some(n) = state.intake.as_ref().map(|i| &i.number) {
                if n.seat().eq_ignore_ascii_case(&self.identity.seat_code) {
                    let last = own_numbers.entry(n.date()).or_default();
                    *last = (*last).max(n.seq());
                }
            }
        }
        for (day, last) in own_numbers {
            number_after(tx, day, last).await?;
        }
        Ok(added)
    }

    pub async fn sync_state(&self) -> Result<SyncState, ClientError> {
        let r = sqlx::query(
            "SELECT server, user_name, cursor, last_sync, last_error FROM sync_state WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(SyncState {
            server: r.get("server"),
            user: r.get("user_name"),
            cursor: r.get("cursor"),
            last_sync: r.get("last_sync"),
            last_error: r.get("last_error"),
        })
    }

    /// Checks a pulled page's epoch against the cursor's. Another epoch (the server was restored
    /// from a backup) moves the cursor to the beginning and returns true: the page is not applied
    /// and the seat pulls everything again (events it has are kept by id, not doubled).
    pub async fn epoch_changed(&self, epoch: Option<&str>) -> Result<bool, ClientError> {
        let Some(epoch) = epoch else { return Ok(false) };
        let stored: Option<String> =
            sqlx::query_scalar("SELECT epoch FROM sync_state WHERE id = 1")
                .fetch_one(&self.pool)
                .await?;
        match stored.as_deref() {
            Some(s) if s == epoch => Ok(false),
            None => {
                sqlx::query("UPDATE sync_state SET epoch = ? WHERE id = 1")
                    .bind(epoch)
                    .execute(&self.pool)
                    .await?;
                Ok(false)
            }
            Some(_) => {
                sqlx::query("UPDATE sync_state SET cursor = '', epoch = ? WHERE id = 1")
                    .bind(epoch)
                    .execute(&self.pool)
                    .await?;
                Ok(true)
            }
        }
    }

    pub async fn record_sync_error(&self, message: &str) -> Result<(), ClientError> {
        sqlx::query("UPDATE sync_state SET last_error = ? WHERE id = 1")
            .bind(message)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// After a logout: no session here until the next login. The store keeps whose it is
    /// (`device`), so a colleague's login still hands it over and the user's unsent steps wait
    /// for them; nothing syncs meanwhile.
    pub async fn end_session(&self) -> Result<(), ClientError> {
        sqlx::query("UPDATE sync_state SET user_name = NULL, last_error = NULL WHERE id = 1")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// After a login: who works here now. Events not yet sent were made by this seat's user
    /// before the login, so they are stamped with the account the server knows. Logging in to
    /// another server starts pulling from the beginning.
    pub async fn adopt_login(
        &mut self,
        server: &str,
        user: &str,
        role: Role,
        bureau: Option<&str>,
        seat_code: Option<&str>,
    ) -> Result<(), ClientError> {
        let mut tx = self.write().await?;
        let role_name = serde_json::to_value(role)
            .expect("serialises")
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let seat = seat_code
            .map(str::to_owned)
            .unwrap_or_else(|| self.identity.seat_code.clone());
        sqlx::query(
            "UPDATE device SET user_name = ?, role = ?, bureau = ?, seat_code = ? WHERE id = 1",
        )
        .bind(user)
        .bind(&role_name)
        .bind(bureau)
        .bind(&seat)
        .execute(&mut *tx)
        .await?;
        let unsent =
            sqlx::query("SELECT e.id, e.body FROM outbox o JOIN events e ON e.id = o.event_id")
                .fetch_all(&mut *tx)
                .await?;
        for r in unsent {
            let mut event: Event = serde_json::from_str(r.get::<&str, _>("body"))
                .map_err(|e| corrupt("stored event", e))?;
            event.actor.user = user.to_owned();
            event.actor.role = role;
            event.actor.bureau = bureau.map(Into::into);
            sqlx::query("UPDATE events SET body = ? WHERE id = ?")
                .bind(serde_json::to_string(&event).expect("serialises"))
                .bind(r.get::<String, _>("id"))
                .execute(&mut *tx)
                .await?;
        }
        let previous: Option<String> =
            sqlx::query_scalar("SELECT server FROM sync_state WHERE id = 1")
                .fetch_one(&mut *tx)
                .await?;
        if previous.as_deref() != Some(server) {
            sqlx::query("UPDATE sync_state SET cursor = '', epoch = NULL WHERE id = 1")
                .execute(&mut *tx)
                .await?;
        }
        if previous.is_none() {
            // A standalone desk's demonstration cases (neither sent nor waiting to be) go: a
            // server's data must not mix with them.
            let demo: Vec<String> = sqlx::query_scalar(
                "SELECT DISTINCT case_id FROM events WHERE server_pos IS NULL
                   AND case_id NOT IN (SELECT e.case_id FROM outbox o JOIN events e ON e.id = o.event_id)",
            )
            .fetch_all(&mut *tx)
            .await?;
            let demo: Vec<CaseId> = demo
                .iter()
                .filter_map(|i| i.parse().ok().map(CaseId))
                .collect();
            super::working_set::remove_cases(&mut tx, &demo).await?;
        }
        sqlx::query("UPDATE sync_state SET server = ?, user_name = ? WHERE id = 1")
            .bind(server)
            .bind(user)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.identity = Identity {
            device_id: self.identity.device_id.clone(),
            seat_code: seat,
            user: user.to_owned(),
            role,
            bureau: bureau.map(str::to_owned),
        };
        Ok(())
    }
}

/// Numbers this seat gives later that day come after `last`, a number of its own prefix that the
/// server holds: another data folder of the same seat (a second desk, a reinstall) numbered that
/// day too, or the server renumbered one of its cases.
async fn number_after(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    day: chrono::NaiveDate,
    last: u32,
) -> Result<(), ClientError> {
    sqlx::query(
        "INSERT INTO seat_sequence (day, last) VALUES (?1, ?2)
         ON CONFLICT (day) DO UPDATE SET last = max(last, ?2)",
    )
    .bind(day.to_string())
    .bind(i64::from(last))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Rows per multi-row INSERT of pulled events: 5 values each, well under SQLite's limit of
/// 32,766 bound values per statement.
const INSERT_ROWS: usize = 500;

/// Inserts a pulled page's events, several hundred per statement; the ids of those that were
/// new (a known one — this seat's own, coming back — is left as it is). One statement per event
/// made a new seat's first sync of 100,000 cases a statement-by-statement crawl: each statement
/// is a round trip to sqlx's SQLite thread.
async fn insert_pulled(
    tx: &mut Transaction<'_, Sqlite>,
    events: &[PulledEvent],
) -> Result<HashSet<Uuid>, ClientError> {
    let mut new = HashSet::with_capacity(events.len());
    for chunk in events.chunks(INSERT_ROWS) {
        let mut insert =
            QueryBuilder::<Sqlite>::new("INSERT INTO events (id, case_id, at, body, server_pos) ");
        insert.push_values(chunk, |mut row, pe| {
            row.push_bind(pe.event.id.0.to_string())
                .push_bind(pe.event.case.0.to_string())
                .push_bind(pe.event.at.to_rfc3339())
                .push_bind(serde_json::to_string(&pe.event).expect("events serialise"))
                .push_bind(&pe.pos);
        });
        insert.push(" ON CONFLICT (id) DO NOTHING RETURNING id");
        let ids: Vec<String> = insert.build_query_scalar().fetch_all(&mut **tx).await?;
        for id in ids {
            new.insert(Uuid::parse_str(&id).map_err(|e| corrupt("stored event id", e))?);
        }
    }
    Ok(new)
}

/// Which of `cases` this store already lists (a few hundred per query).
async fn known_cases(
    tx: &mut Transaction<'_, Sqlite>,
    cases: &[CaseId],
) -> Result<HashSet<CaseId>, ClientError> {
    let mut known = HashSet::new();
    for chunk in cases.chunks(CASES_PER_QUERY) {
        let mut query = for_cases("SELECT id FROM cases WHERE id", chunk, "");
        let rows: Vec<String> = query.build_query_scalar().fetch_all(&mut **tx).await?;
        for id in rows {
            known.insert(CaseId(
                Uuid::parse_str(&id).map_err(|e| corrupt("stored case id", e))?,
            ));
        }
    }
    Ok(known)
}

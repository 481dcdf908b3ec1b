//! The server's supervision pass (督办): for every case whose next ladder rung is due
//! (`cases.supervise_at`, the domain's `next_rung_at`), the steps
//! `hotline_domain::case::supervision::due_steps` says are due (the duty supervisor alerted, the
//! bureau urged, the case escalated to the supervisors on duty) are recorded as the `system` user
//! from the server's own device, like any push: in the log, folded, and announced to every seat.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_domain::case::supervision::due_steps;
use hotline_domain::case::{Actor, CaseId, CaseState, DeviceId, Event, EventId, Role};
use hotline_domain::sla::SlaCalendar;
use sqlx::PgPool;
use uuid::Uuid;

use crate::fanout::CHANNEL;
use crate::snapshot::refold_many;

pub const SYSTEM_USER: &str = "system";
pub const SYSTEM_DEVICE: &str = "server-supervision";
const BATCH: usize = 500;

/// One pass at `now`; returns how many steps it recorded.
pub async fn run_once(
    pool: &PgPool,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let late: Vec<Uuid> =
        sqlx::query_scalar("SELECT id FROM cases WHERE supervise_at <= $1 ORDER BY id")
            .bind(now)
            .fetch_all(pool)
            .await?;
    if late.is_empty() {
        return Ok(0);
    }
    let duty = crate::roster::supervisors_for(pool, now).await?;
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = $1")
        .bind(SYSTEM_USER)
        .fetch_one(pool)
        .await?;
    let mut recorded = 0;
    for chunk in late.chunks(BATCH) {
        let mut tx = pool.begin().await?;
        // The device row is the lock: two server processes never urge the same breach twice,
        // because the second reads the histories only after the first has committed.
        sqlx::query("INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING").bind(SYSTEM_DEVICE).bind(user).execute(&mut *tx).await?;
        let mut seq: i64 =
            sqlx::query_scalar("SELECT last_seq FROM devices WHERE device_id = $1 FOR UPDATE")
                .bind(SYSTEM_DEVICE)
                .fetch_one(&mut *tx)
                .await?;
        let histories = crate::snapshot::histories(&mut tx, chunk).await?;
        let mut fresh: Vec<(i64, Event)> = Vec::new();
        for (case, events) in &histories {
            let mut state = CaseState::fold(events);
            for body in due_steps(&state, cal, now, &duty) {
                let e = Event {
                    id: EventId(Uuid::now_v7()),
                    case: CaseId(*case),
                    at: now,
                    actor: Actor {
                        user: SYSTEM_USER.into(),
                        role: Role::System,
                        bureau: None,
                    },
                    device: DeviceId(SYSTEM_DEVICE.into()),
                    seen: state.events,
                    body,
                };
                // Only what the case can take now (a bureau already gone is not urged).
                if state.apply(&e).is_ok() {
                    seq += 1;
                    fresh.push((seq, e));
                }
            }
        }
        if fresh.is_empty() {
            continue;
        }
        crate::api::sync::insert_events(&mut tx, SYSTEM_DEVICE, user, &fresh, now).await?;
        let mut touched: Vec<CaseId> = fresh.iter().map(|(_, e)| e.case).collect();
        touched.dedup();
        refold_many(&mut tx, &touched, cal).await?;
        sqlx::query("UPDATE devices SET last_seq = $2 WHERE device_id = $1")
            .bind(SYSTEM_DEVICE)
            .bind(seq)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        recorded += fresh.len();
    }
    Ok(recorded)
}

/// Runs a pass every `every` for as long as the server runs.
pub fn spawn(
    pool: PgPool,
    clock: std::sync::Arc<dyn hotline_domain::time::Clock>,
    cal: crate::calendar::LiveCalendar,
    every: Duration,
) {
    tokio::spawn(async move {
        loop {
            // A year imported meanwhile (from any process) counts from this pass on.
            let current = match cal.fresh(&pool).await {
                Ok(c) => c,
                Err(e) => {
                    crate::log::error(&format!("supervision: cannot reload the calendar: {e}"));
                    cal.get()
                }
            };
            match run_once(&pool, &current, clock.now()).await {
                Ok(0) => {}
                Ok(n) => crate::log::info(&format!(
                    "supervision: {n} alerts, urging notices and escalations recorded"
                )),
                Err(e) => crate::log::error(&format!("supervision: {e}")),
            }
            tokio::time::sleep(every).await;
        }
    });
}

//! The server's supervision pass (督办): for every case whose next ladder rung is due
//! (`cases.supervise_at`, the domain's `next_rung_at`), the steps
//! `hotline_domain::case::supervision::due_steps` says are due (the duty supervisor alerted, the
//! bureau urged, the case escalated to the supervisors on duty) are recorded as the `system` user
//! from the server's own device, like any push: in the log, folded, and announced to every seat.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_domain::case::supervision::due_steps;
use hotline_domain::case::{Actor, CaseId, CaseState, DeviceId, Event, EventBody, EventId, Role};
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
    let mut recorded = 0;
    for chunk in late.chunks(BATCH) {
        let mut tx = pool.begin().await?;
        let mut steps = SystemSteps::begin(&mut tx, now).await?;
        let histories = crate::snapshot::histories(&mut tx, chunk).await?;
        for (case, events) in &histories {
            let mut state = CaseState::fold(events);
            for body in due_steps(&state, cal, now, &duty) {
                steps.offer(&mut state, CaseId(*case), body);
            }
        }
        recorded += steps.commit(tx, cal).await?;
    }
    Ok(recorded)
}

/// Steps the server records itself (the ladder's, a hotspot's): as the `system` user from the
/// server's own device, numbered from its sequence, in one transaction with their refold and
/// the notice that wakes every seat's pull.
pub(crate) struct SystemSteps {
    user: i64,
    seq: i64,
    now: DateTime<Utc>,
    fresh: Vec<(i64, Event)>,
}

impl SystemSteps {
    /// Takes the device row's lock: two server processes never record the same step twice,
    /// because the second reads the histories only after the first has committed.
    pub(crate) async fn begin(
        tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
        now: DateTime<Utc>,
    ) -> Result<Self, sqlx::Error> {
        let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = $1")
            .bind(SYSTEM_USER)
            .fetch_one(&mut **tx)
            .await?;
        sqlx::query("INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING").bind(SYSTEM_DEVICE).bind(user).execute(&mut **tx).await?;
        let seq: i64 =
            sqlx::query_scalar("SELECT last_seq FROM devices WHERE device_id = $1 FOR UPDATE")
                .bind(SYSTEM_DEVICE)
                .fetch_one(&mut **tx)
                .await?;
        Ok(Self {
            user,
            seq,
            now,
            fresh: Vec::new(),
        })
    }

    /// Records `body` on `case` if its state can take it now (a bureau already gone is not
    /// urged); the state moves on with it.
    pub(crate) fn offer(&mut self, state: &mut CaseState, case: CaseId, body: EventBody) -> bool {
        let e = Event {
            id: EventId(Uuid::now_v7()),
            case,
            at: hotline_domain::time::to_the_second(self.now),
            actor: Actor {
                user: SYSTEM_USER.into(),
                role: Role::System,
                bureau: None,
            },
            device: DeviceId(SYSTEM_DEVICE.into()),
            seen: state.events,
            body,
        };
        let ok = state.apply(&e).is_ok();
        if ok {
            self.seq += 1;
            self.fresh.push((self.seq, e));
        }
        ok
    }

    /// Writes the steps, refolds their cases, tells the seats; how many steps.
    pub(crate) async fn commit(
        self,
        mut tx: sqlx::Transaction<'_, sqlx::Postgres>,
        cal: &SlaCalendar,
    ) -> Result<usize, sqlx::Error> {
        if self.fresh.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        crate::api::sync::insert_events(&mut tx, SYSTEM_DEVICE, self.user, &self.fresh, self.now)
            .await?;
        let mut touched: Vec<CaseId> = self.fresh.iter().map(|(_, e)| e.case).collect();
        touched.sort_by_key(|c| c.0);
        touched.dedup();
        refold_many(&mut tx, &touched, cal).await?;
        sqlx::query("UPDATE devices SET last_seq = $2 WHERE device_id = $1")
            .bind(SYSTEM_DEVICE)
            .bind(self.seq)
            .execute(&mut *tx)
            .await?;
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(self.fresh.len())
    }
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
            let now = clock.now();
            match run_once(&pool, &current, now).await {
                Ok(0) => {}
                Ok(n) => crate::log::info(&format!(
                    "supervision: {n} alerts, urging notices and escalations recorded"
                )),
                Err(e) => crate::log::error(&format!("supervision: {e}")),
            }
            match crate::hotspot::run_once(&pool, &current, now).await {
                Ok(0) => {}
                Ok(n) => crate::log::info(&format!("supervision: {n} hotspots raised")),
                Err(e) => crate::log::error(&format!("supervision: hotspots: {e}")),
            }
            tokio::time::sleep(every).await;
        }
    });
}

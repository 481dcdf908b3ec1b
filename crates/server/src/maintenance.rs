//! Maintenance notices on the server (业务系统维护, seed 001 §3.2.3): checked by the domain
//! (`MaintenanceDraft::check`) against the current policy's notice period and the centre's
//! calendar at the server's own time, kept in `maintenance_notices` (migration 0015), and listed
//! for the desks while they are shown.

use chrono::{DateTime, Utc};
use hotline_domain::case::Role;
use hotline_domain::maintenance::{MaintenanceDraft, MaintenanceError, MaintenanceNotice};
use hotline_domain::sla::SlaCalendar;
use sqlx::{PgPool, Row};

#[derive(Debug, thiserror::Error)]
pub enum AnnounceError {
    #[error(transparent)]
    Refused(#[from] MaintenanceError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Checks and stores an announcement by `who` (of `role`) at `now`.
pub async fn announce(
    pool: &PgPool,
    draft: MaintenanceDraft,
    (who, role): (&str, Role),
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<MaintenanceNotice, AnnounceError> {
    let history = crate::centre_policy::history(pool).await?;
    let needed = history
        .current()
        .policy
        .deadlines
        .maintenance_notice_working_days;
    let given = draft.check(cal.legal(), needed, role, now)?;
    // Only an override that was needed is kept: a reason on a notice given in time says nothing.
    let draft = MaintenanceDraft {
        override_reason: draft
            .override_reason
            .filter(|_| given < needed)
            .map(|r| r.trim().to_owned()),
        ..draft
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO maintenance_notices (service, category, starts, ends, text, override_reason, announced_at, announced_by, notice_working_days)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(draft.service.trim())
    .bind(&draft.category)
    .bind(draft.starts)
    .bind(draft.ends)
    .bind(draft.text.trim())
    .bind(&draft.override_reason)
    .bind(now)
    .bind(who)
    .bind(given as i32)
    .fetch_one(pool)
    .await?;
    Ok(MaintenanceNotice {
        id,
        draft,
        announced_at: now,
        announced_by: who.to_owned(),
        notice_working_days: given,
    })
}

/// The notices seats show at `now` (announced, window not over), soonest first.
pub async fn shown(
    pool: &PgPool,
    now: DateTime<Utc>,
) -> Result<Vec<MaintenanceNotice>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, service, category, starts, ends, text, override_reason, announced_at, announced_by, notice_working_days
         FROM maintenance_notices WHERE ends > $1 AND announced_at <= $1 ORDER BY starts, id",
    )
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .iter()
        .map(|r| MaintenanceNotice {
            id: r.get("id"),
            draft: MaintenanceDraft {
                service: r.get("service"),
                category: r.get("category"),
                starts: r.get("starts"),
                ends: r.get("ends"),
                text: r.get("text"),
                override_reason: r.get("override_reason"),
            },
            announced_at: r.get("announced_at"),
            announced_by: r.get("announced_by"),
            notice_working_days: r.get::<i32, _>("notice_working_days") as u32,
        })
        .collect())
}

//! A new desk's first sync: its working set (`hotline_domain::case::working_set`), not the
//! centre's history. The desk asks for pages of whole case histories — first the cases on a
//! desk in its scope (by id, from the partial index `cases_on_the_desk`), then the cases its
//! user took a step on within the policy's window — and then pulls the stream from the `start`
//! cursor the first page fixed. Whatever changed meanwhile comes by that stream: an event past
//! `start` of a case it holds is applied once, a case that came onto a desk arrives as a later
//! step and is fetched whole (`history.rs`). Scoped and masked as the pull.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::Duration;
use hotline_domain::case::CaseStatus;
use hotline_domain::wire::{WorkingSetPage, WorkingSetPart};
use serde::Deserialize;
use sqlx::Row;
use uuid::Uuid;

use super::history::histories;
use super::sync::{cursor, parse_cursor, receiver};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct WorkingSetQuery {
    /// The cursor the first page gave; none on the first page.
    pub start: Option<String>,
    #[serde(default)]
    pub part: WorkingSetPart,
    /// The last case of the previous page of this part.
    pub after: Option<Uuid>,
    pub limit: Option<i64>,
}

pub async fn page(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<WorkingSetQuery>,
) -> Result<Json<WorkingSetPage>, ApiError> {
    let now = app.clock.now();
    let who = receiver(&app, &headers, now).await?;
    let start = match q.start.as_deref() {
        Some(s) => parse_cursor(s)
            .map(|(tx, pos)| cursor(tx, pos))
            .ok_or_else(|| {
                ApiError::bad_request("pull.cursor", "malformed cursor / 游标格式错误")
            })?,
        None => start_now(&app.pool).await?,
    };
    let limit = q.limit.unwrap_or(200).clamp(1, 1_000);
    let after = q.after.unwrap_or(Uuid::nil());
    let ids = match q.part {
        WorkingSetPart::OnTheDesk => on_the_desk(&app.pool, &who, after, limit).await?,
        WorkingSetPart::Touched => {
            let days = app
                .calendar
                .fresh_centre(&app.pool)
                .await?
                .policy
                .current()
                .policy
                .desk
                .working_set_days;
            let since = now - Duration::days(i64::from(days));
            touched(&app.pool, &who, since, after, limit).await?
        }
    };
    let next = match (ids.len() as i64 == limit, q.part) {
        (true, part) => Some((part, *ids.last().expect("a full page"))),
        (false, WorkingSetPart::OnTheDesk) => Some((WorkingSetPart::Touched, Uuid::nil())),
        (false, WorkingSetPart::Touched) => None,
    };
    Ok(Json(WorkingSetPage {
        events: histories(&app.pool, &who, &ids, None).await?,
        start,
        next_part: next.map(|(p, _)| p),
        next_after: next.map(|(_, a)| a),
    }))
}

/// The stream's position below which everything is committed (the pull's never-skip rule): the
/// desk pulls from here once it has its working set.
async fn start_now(pool: &sqlx::PgPool) -> Result<String, ApiError> {
    let row = sqlx::query(
        "SELECT tx_id::text::bigint AS tx, pos FROM events
          WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
          ORDER BY tx_id DESC, pos DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map_or_else(|| cursor(0, 0), |r| cursor(r.get("tx"), r.get("pos"))))
}

/// Cases on a desk in the user's scope, by id after `after`.
async fn on_the_desk(
    pool: &sqlx::PgPool,
    who: &Principal,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>, ApiError> {
    let bureau = who.bureau.as_ref().map(|b| b.0.clone());
    Ok(sqlx::query_scalar(&format!(
        "SELECT c.id FROM cases c
          WHERE c.status IN {} AND c.id > $1
            AND ($2::text IS NULL OR c.id IN (SELECT case_id FROM case_bureaus WHERE bureau = $2 AND status <> 'withdrawn'))
          ORDER BY c.id LIMIT $3",
        CaseStatus::sql_list(CaseStatus::on_the_desk)
    ))
    .bind(after)
    .bind(bureau)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Cases the user took a step on since `since` (any of their devices), by id after `after`.
async fn touched(
    pool: &sqlx::PgPool,
    who: &Principal,
    since: chrono::DateTime<chrono::Utc>,
    after: Uuid,
    limit: i64,
) -> Result<Vec<Uuid>, ApiError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM events
          WHERE user_id = $1 AND at >= $2 AND case_id > $3
          ORDER BY case_id LIMIT $4",
    )
    .bind(who.user_id)
    .bind(since)
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

//! A case's whole history, for a desk that holds only its working set: a case that comes back
//! into its scope (re-dispatched, reopened, called back) arrives by pull as a later step, and the
//! desk asks for the rest here. The same scope as the pull (a bureau sees its cases, up to a
//! re-dispatch that took one away) and the same masking; a case outside it answers no events.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::case::Event;
use hotline_domain::wire::{CaseHistory, PulledEvent};
use sqlx::Row;
use uuid::Uuid;

use super::mask::mask_event;
use super::sync::{bureau_sees, cursor, receiver};
use crate::auth::Principal;
use crate::error::ApiError;
use crate::state::AppState;

/// The most events one case's history returns: far above any real case's, a bound all the same.
const MAX_HISTORY: i64 = 10_000;

pub async fn history(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Json<CaseHistory>, ApiError> {
    let who = receiver(&app, &headers, app.clock.now()).await?;
    let events = histories(&app.pool, &who, &[id], Some(MAX_HISTORY)).await?;
    Ok(Json(CaseHistory { events }))
}

/// The histories of the cases `ids`, each in pull order, as `who` may see them (scoped and
/// masked as the pull); at most `limit` events (none: all of them).
pub(super) async fn histories(
    pool: &sqlx::PgPool,
    who: &Principal,
    ids: &[Uuid],
    limit: Option<i64>,
) -> Result<Vec<PulledEvent>, ApiError> {
    let bureau = who.bureau.as_ref().map(|b| b.0.clone());
    let rows = sqlx::query(&format!(
        "SELECT tx_id::text::bigint AS tx, pos, whole_event(body, id, case_id, device_id) AS body
           FROM events e
          WHERE e.case_id = ANY($1) AND ($2::text IS NULL OR {})
          ORDER BY case_id, tx_id, pos LIMIT $3",
        bureau_sees("$2")
    ))
    .bind(ids)
    .bind(bureau.as_deref())
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let mut event: Event = serde_json::from_value(r.get("body")).map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "server.corrupt",
                e.to_string(),
            )
        })?;
        mask_event(who.role, &mut event.body);
        out.push(PulledEvent {
            pos: cursor(r.get("tx"), r.get("pos")),
            event,
        });
    }
    Ok(out)
}

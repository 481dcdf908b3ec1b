//! The centre's calendar for the seats: every import, oldest first. Any signed-in user may read
//! it (a bureau handler's countdown counts the same days as the seat's).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::case::configures_centre;
use hotline_domain::wire::{CalendarImports, NoticeOutcome, NoticeProposal};

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<CalendarImports>, ApiError> {
    authenticate(&app.pool, &headers, app.clock.now()).await?;
    Ok(Json(crate::calendar::imports(&app.pool).await?))
}

/// The State Council's notice pasted into a supervisor's or administrator's desk: read line by
/// line (a line it cannot read is refused with its text), previewed with the dues it moves, or
/// imported for the whole centre (every seat adopts it at its next sync).
pub async fn notice(
    State(app): State<AppState>,
    headers: HeaderMap,
    Json(p): Json<NoticeProposal>,
) -> Result<Json<NoticeOutcome>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    if !configures_centre(who.role) {
        return Err(ApiError::forbidden(
            "calendar.forbidden",
            "only supervisors and administrators import the calendar / 仅班长和管理员可导入节假日安排",
        ));
    }
    let schedule = hotline_domain::calendar::parse_notice(&p.text, p.year)
        .map_err(|e| ApiError::unprocessable(e.code(), e.to_string()))?;
    let name = format!("国务院办公厅关于{}年部分节假日安排的通知", schedule.year);
    let outcome = crate::calendar::import_as(
        &app.pool,
        &name,
        vec![schedule.clone()],
        Some(who.user_id),
        p.dry_run,
        now,
    )
    .await
    .map_err(|e| match e {
        crate::calendar::CalendarImportError::Calendar(e) => {
            ApiError::unprocessable(e.code(), e.to_string())
        }
        e => e.into(),
    })?;
    Ok(Json(NoticeOutcome {
        schedule,
        saved: !p.dry_run,
        recomputed: outcome.recomputed,
        moved: outcome.moved,
    }))
}

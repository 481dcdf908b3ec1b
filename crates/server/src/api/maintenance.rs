//! Maintenance notices for the desks: every signed-in user reads the ones shown now (a bureau's
//! handler answers callers too); supervisors and administrators announce.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::maintenance::{MaintenanceDraft, MaintenanceError, MaintenanceNotice};

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::maintenance::AnnounceError;
use crate::state::AppState;

impl From<AnnounceError> for ApiError {
    fn from(e: AnnounceError) -> Self {
        match e {
            AnnounceError::Db(e) => e.into(),
            AnnounceError::Refused(e @ MaintenanceError::Forbidden) => {
                ApiError::forbidden(e.code(), e.to_string())
            }
            AnnounceError::Refused(e) => ApiError::unprocessable(e.code(), e.to_string()),
        }
    }
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<Vec<MaintenanceNotice>>, ApiError> {
    let now = app.clock.now();
    authenticate(&app.pool, &headers, now).await?;
    Ok(Json(crate::maintenance::shown(&app.pool, now).await?))
}

pub async fn announce(
    State(app): State<AppState>,
    headers: HeaderMap,
    Json(draft): Json<MaintenanceDraft>,
) -> Result<Json<MaintenanceNotice>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    let cal = app.calendar.get();
    let notice =
        crate::maintenance::announce(&app.pool, draft, (&who.name, who.role), &cal, now).await?;
    crate::log::info(&format!(
        "maintenance: {} announced {:?} from {} to {}{}",
        who.name,
        notice.draft.service,
        notice.draft.starts,
        notice.draft.ends,
        notice
            .draft
            .override_reason
            .as_deref()
            .map(|r| format!(" (override: {r})"))
            .unwrap_or_default()
    ));
    Ok(Json(notice))
}

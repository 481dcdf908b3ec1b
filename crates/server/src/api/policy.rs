//! The centre's policy for the seats: every version, oldest first (a seat resolves a call with
//! the version in force when it was received, and counts with the current one's settings). Any
//! signed-in user may read it.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::case::configures_centre;
use hotline_domain::centre::PolicyHistory;
use hotline_domain::wire::{PolicyOutcome, PolicyProposal};

use crate::auth::authenticate;
use crate::centre_policy::{Author, PolicyImportError};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PolicyHistory>, ApiError> {
    authenticate(&app.pool, &headers, app.clock.now()).await?;
    Ok(Json(crate::centre_policy::history(&app.pool).await?))
}

/// A new version proposed from a supervisor's or administrator's desk: what it changes
/// (`dry_run`), or saved as the next version, in force from now for new calls. Validated whole
/// here; refused whole with the reason.
pub async fn propose(
    State(app): State<AppState>,
    headers: HeaderMap,
    Json(p): Json<PolicyProposal>,
) -> Result<Json<PolicyOutcome>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    if !configures_centre(who.role) {
        return Err(ApiError::forbidden(
            "policy.forbidden",
            "only supervisors and administrators change the centre's policy / 仅班长和管理员可修改时限政策",
        ));
    }
    let by = Author {
        name: &who.name,
        user: Some(who.user_id),
    };
    crate::centre_policy::save(&app.pool, p.document, by, &p.reason, p.dry_run, now)
        .await
        .map(Json)
        .map_err(|e| match e {
            PolicyImportError::Db(e) => e.into(),
            PolicyImportError::Calendar(e) => e.into(),
            PolicyImportError::Concurrent(_) => ApiError::conflict(e.code(), e.to_string()),
            e => ApiError::unprocessable(e.code(), e.to_string()),
        })
}

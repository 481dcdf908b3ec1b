//! The centre's policy for the seats: every version, oldest first (a seat resolves a call with
//! the version in force when it was received, and counts with the current one's settings). Any
//! signed-in user may read it.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::centre::PolicyHistory;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<PolicyHistory>, ApiError> {
    authenticate(&app.pool, &headers, app.clock.now()).await?;
    Ok(Json(crate::centre_policy::history(&app.pool).await?))
}

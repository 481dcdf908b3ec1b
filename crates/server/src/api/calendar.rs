//! The centre's calendar for the seats: every import, oldest first. Any signed-in user may read
//! it (a bureau handler's countdown counts the same days as the seat's).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::wire::CalendarImports;

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

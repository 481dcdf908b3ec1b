//! The devices that sync and how far their clocks are off: a supervisor sees which desks'
//! countdowns and event times to distrust, IT which clocks to set right.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::case::Role;

use crate::auth::authenticate;
use crate::device_time::{self, DeviceClock};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct DeviceFilter {
    /// Only the devices whose clock is off by more than the limit (the dashboard's panel).
    skewed: bool,
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(filter): Query<DeviceFilter>,
) -> Result<Json<Vec<DeviceClock>>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    if !matches!(who.role, Role::Supervisor | Role::Admin) {
        return Err(ApiError::forbidden(
            "devices.role",
            "only supervisors and administrators see the devices / 仅值班长和管理员可查看设备",
        ));
    }
    Ok(Json(device_time::devices(&app.pool, filter.skewed).await?))
}

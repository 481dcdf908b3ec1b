//! The duty roster for the desks: a day's shifts and who is on duty now.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::NaiveDate;
use hotline_domain::case::Role;
use serde::Deserialize;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::roster::{self, Roster, RosterError};
use crate::state::AppState;

impl From<RosterError> for ApiError {
    fn from(e: RosterError) -> Self {
        match e {
            RosterError::Db(e) => e.into(),
            e @ RosterError::Line { .. } => ApiError::bad_request("roster.invalid", e.to_string()),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RosterQuery {
    pub date: Option<NaiveDate>,
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<RosterQuery>,
) -> Result<Json<Roster>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    if !matches!(who.role, Role::Seat | Role::Supervisor) {
        return Err(ApiError::forbidden(
            "roster.not_permitted",
            "the duty roster is the centre's / 排班表仅供热线中心使用",
        ));
    }
    let day = q
        .date
        .unwrap_or_else(|| hotline_domain::time::local_date(now));
    Ok(Json(roster::roster(&app.pool, day, now).await?))
}

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use hotline_domain::wire::{LoginRequest, LoginResponse};
use serde::Serialize;
use sqlx::Row;

use crate::auth::{authenticate, issue_token, verify_password};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn login(
    State(app): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = app.clock.now();
    let device_ok = (8..=64).contains(&req.device_id.len())
        && req
            .device_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !device_ok {
        return Err(ApiError::bad_request(
            "login.device",
            "device_id must be 8–64 letters, digits or dashes / 设备标识无效",
        ));
    }
    let row = sqlx::query("SELECT id, name, role, bureau, seat_code, password_hash, disabled_at FROM users WHERE name = $1")
        .bind(&req.user)
        .fetch_optional(&app.pool)
        .await?;
    // The same answer for an unknown user and a wrong password: no probing for names.
    let denied = || {
        ApiError::unauthorized(
            "auth.login_failed",
            "wrong user name or password / 用户名或密码错误",
        )
    };
    let row = row.ok_or_else(denied)?;
    if !verify_password(&req.password, row.get("password_hash")) {
        return Err(denied());
    }
    if row.get::<Option<DateTime<Utc>>, _>("disabled_at").is_some() {
        return Err(ApiError::unauthorized(
            "auth.disabled",
            "this account is disabled / 该账号已停用",
        ));
    }
    let (token, expires_at) = issue_token(
        &app.pool,
        row.get("id"),
        &req.device_id,
        now,
        app.token_hours,
    )
    .await?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: row.get("name"),
        role: row.get("role"),
        bureau: row.get("bureau"),
        seat_code: row.get("seat_code"),
    }))
}

#[derive(Debug, Serialize)]
pub struct Me {
    pub user: String,
    pub role: &'static str,
    pub bureau: Option<String>,
    pub device_id: String,
}

pub async fn me(State(app): State<AppState>, headers: HeaderMap) -> Result<Json<Me>, ApiError> {
    let p = authenticate(&app.pool, &headers, app.clock.now()).await?;
    Ok(Json(Me {
        user: p.name,
        role: crate::auth::role_name(p.role),
        bureau: p.bureau.map(|b| b.0),
        device_id: p.device_id,
    }))
}

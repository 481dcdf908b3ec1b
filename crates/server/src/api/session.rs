use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use hotline_domain::wire::{LoginRequest, LoginResponse};
use serde::Serialize;
use sqlx::Row;

use crate::auth::{authenticate, issue_token};
use crate::error::ApiError;
use crate::login_guard::{self, Attempt, Outcome, PeerAddress};
use crate::state::AppState;

pub async fn login(
    State(app): State<AppState>,
    PeerAddress(address): PeerAddress,
    Json(req): Json<LoginRequest>,
) -> Result<Json<LoginResponse>, ApiError> {
    let now = app.clock.now();
    let device_ok = (8..=64).contains(&req.device_id.len())
        && req
            .device_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !device_ok || req.user.chars().count() > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(
            "login.device",
            "device_id must be 8–64 letters, digits or dashes, a user name at most 64 characters / 设备标识或用户名无效",
        ));
    }
    let attempt = Attempt {
        user: &req.user,
        address: &address,
        device_id: &req.device_id,
    };
    login_guard::admit(&app.pool, &attempt, now).await?;
    let row = sqlx::query("SELECT id, name, role, bureau, seat_code, password_hash, disabled_at FROM users WHERE name = $1")
        .bind(&req.user)
        .fetch_optional(&app.pool)
        .await?;
    let hash = row.as_ref().map(|r| r.get::<String, _>("password_hash"));
    // The same answer, after the same work, for an unknown user and a wrong password.
    let Some(row) = row else {
        app.passwords.verify(&req.password, None).await;
        return Err(failed(&app, &attempt, now).await);
    };
    if !app.passwords.verify(&req.password, hash).await {
        return Err(failed(&app, &attempt, now).await);
    }
    if row.get::<Option<DateTime<Utc>>, _>("disabled_at").is_some() {
        return Err(ApiError::unauthorized(
            "auth.disabled",
            "this account is disabled / 该账号已停用",
        ));
    }
    let user_id: i64 = row.get("id");
    if !bind_device(&app.pool, &req.device_id, user_id).await? {
        login_guard::record(&app.pool, &attempt, Outcome::DeviceTaken, now).await?;
        return Err(ApiError::conflict(
            "login.device_taken",
            "this desk's data folder is registered to another user: log in there as that user, or ask an administrator to release the device (hotline-server device release) / 该设备已登记给其他用户，请由管理员解除登记后再登录",
        ));
    }
    let (token, expires_at) =
        issue_token(&app.pool, user_id, &req.device_id, now, app.token_hours).await?;
    login_guard::record(&app.pool, &attempt, Outcome::Ok, now).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: row.get("name"),
        role: row.get("role"),
        bureau: row.get("bureau"),
        seat_code: row.get("seat_code"),
    }))
}

/// A user name longer than this is refused before anything is looked up or recorded.
const MAX_NAME_CHARS: usize = 64;

async fn failed(app: &AppState, attempt: &Attempt<'_>, now: DateTime<Utc>) -> ApiError {
    if let Err(e) = login_guard::record(&app.pool, attempt, Outcome::Failed, now).await {
        return e.into();
    }
    ApiError::unauthorized(
        "auth.login_failed",
        "wrong user name or password / 用户名或密码错误",
    )
}

/// A device belongs to the first user that logs in on it (or pushes from it); returns whether it
/// is `user_id`'s.
async fn bind_device(
    pool: &sqlx::PgPool,
    device_id: &str,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let owner: Option<i64> = sqlx::query_scalar(
        "INSERT INTO devices (device_id, user_id) VALUES ($1, $2)
         ON CONFLICT (device_id) DO UPDATE SET user_id = coalesce(devices.user_id, excluded.user_id)
         RETURNING user_id",
    )
    .bind(device_id)
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    Ok(owner == Some(user_id))
}

/// Ends this session: the token stops working and its live stream closes.
pub async fn logout(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<axum::http::StatusCode, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    crate::auth::end_session(&app.pool, &who).await?;
    crate::admin::audit(&app.pool, now, Some(who.user_id), "logout", &who.device_id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
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

//! Passwords (argon2id) and session tokens (random, stored hashed, expiring). A disabled user's
//! tokens stop working at once: every request checks the user row.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::http::HeaderMap;
use chrono::{DateTime, Duration, Utc};
use hotline_domain::case::{BureauCode, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Row};

use crate::error::ApiError;

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any input")
        .to_string()
}

pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The authenticated user of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    pub bureau: Option<BureauCode>,
    pub seat_code: Option<String>,
    pub device_id: String,
    /// The session: the hex of its token's hash (what a logout names), and when it ends.
    pub session: String,
    pub expires_at: DateTime<Utc>,
}

pub fn parse_role(s: &str) -> Option<Role> {
    match s {
        "seat" => Some(Role::Seat),
        "supervisor" => Some(Role::Supervisor),
        "bureau" => Some(Role::Bureau),
        "admin" => Some(Role::Admin),
        "management" => Some(Role::Management),
        _ => None,
    }
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Seat => "seat",
        Role::Supervisor => "supervisor",
        Role::Bureau => "bureau",
        Role::Admin => "admin",
        Role::Management => "management",
        Role::System => "system",
    }
}

/// Issues a token for `user_id` on `device_id`, valid for `hours`.
pub async fn issue_token(
    pool: &PgPool,
    user_id: i64,
    device_id: &str,
    now: DateTime<Utc>,
    hours: i64,
) -> Result<(String, DateTime<Utc>), ApiError> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let expires = now + Duration::hours(hours);
    sqlx::query("INSERT INTO tokens (hash, user_id, device_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(token_hash(&token))
        .bind(user_id)
        .bind(device_id)
        .bind(now)
        .bind(expires)
        .execute(pool)
        .await?;
    Ok((token, expires))
}

/// The request's user, from `Authorization: Bearer TOKEN`.
pub async fn authenticate(
    pool: &PgPool,
    headers: &HeaderMap,
    now: DateTime<Utc>,
) -> Result<Principal, ApiError> {
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::unauthorized("auth.missing", "log in first: no bearer token / 请先登录")
        })?;
    let hash = token_hash(token);
    let row = sqlx::query(
        "SELECT u.id, u.name, u.role, u.bureau, u.seat_code, u.disabled_at, t.device_id, t.expires_at
         FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1",
    )
    .bind(&hash)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| ApiError::unauthorized("auth.invalid", "the session token is not valid; log in again / 登录凭证无效，请重新登录"))?;
    // Disabled before expired: the desk of a disabled account removes its cases when told so.
    if row.get::<Option<DateTime<Utc>>, _>("disabled_at").is_some() {
        return Err(ApiError::unauthorized(
            "auth.disabled",
            "this account is disabled / 该账号已停用",
        ));
    }
    let expires: DateTime<Utc> = row.get("expires_at");
    if expires <= now {
        return Err(ApiError::unauthorized(
            "auth.expired",
            "the session has expired; log in again / 登录已过期，请重新登录",
        ));
    }
    let role: String = row.get("role");
    Ok(Principal {
        user_id: row.get("id"),
        name: row.get("name"),
        role: parse_role(&role)
            .ok_or_else(|| ApiError::forbidden("auth.role", format!("unknown role {role}")))?,
        bureau: row.get::<Option<String>, _>("bureau").map(BureauCode),
        seat_code: row.get("seat_code"),
        device_id: row.get("device_id"),
        session: hex::encode(&hash),
        expires_at: expires,
    })
}

/// Ends the session `who` (logout): its token stops working, and its live streams close in every
/// server process.
pub async fn end_session(pool: &PgPool, who: &Principal) -> Result<(), sqlx::Error> {
    let hash = hex::decode(&who.session).unwrap_or_default();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM tokens WHERE hash = $1")
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    crate::fanout::end_session(&mut tx, &format!("token:{}", who.session)).await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("正确的密码 correct horse");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码 correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
    }
}

//! What stands between a password guesser and the accounts: every attempt is recorded
//! (`login_attempts`, migration 0010: the login audit), a user name with too many failures
//! since its last success or an administrator's unlock is locked for the window, an address with
//! too many failures is throttled, and the password hash is checked off the async workers with
//! at most as many at once as there are cores, so a flood of logins cannot stall other requests.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use tokio::sync::Semaphore;

use crate::error::ApiError;

/// Failures are counted over this window; a locked name unlocks by itself when it passes.
pub const WINDOW_MINUTES: i64 = 15;
/// Failures of one user name within the window that lock it.
pub const USER_LIMIT: i64 = 10;
/// Failures from one address within the window that throttle it (a desk shared by a shift
/// mistypes more than one person does).
pub const ADDRESS_LIMIT: i64 = 50;

/// The outcome recorded for an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Failed,
    Locked,
    Throttled,
    DeviceTaken,
    Unlocked,
}

impl Outcome {
    fn name(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Failed => "failed",
            Self::Locked => "locked",
            Self::Throttled => "throttled",
            Self::DeviceTaken => "device_taken",
            Self::Unlocked => "unlocked",
        }
    }
}

/// One attempt: who it names, from where, on which device.
pub struct Attempt<'a> {
    pub user: &'a str,
    pub address: &'a str,
    pub device_id: &'a str,
}

/// Refuses an attempt whose user name is locked or whose address is throttled (and records
/// the refusal); otherwise lets it be checked.
pub async fn admit(pool: &PgPool, a: &Attempt<'_>, now: DateTime<Utc>) -> Result<(), ApiError> {
    let since = now - Duration::minutes(WINDOW_MINUTES);
    let (user_failures, address_failures): (i64, i64) = sqlx::query_as(
        "SELECT
           (SELECT count(*) FROM login_attempts
             WHERE user_name = $1 AND outcome = 'failed' AND at > greatest($3,
                   (SELECT max(at) FROM login_attempts WHERE user_name = $1 AND outcome IN ('ok', 'unlocked')))),
           (SELECT count(*) FROM login_attempts WHERE address = $2 AND $2 <> '' AND outcome = 'failed' AND at > $3)",
    )
    .bind(a.user)
    .bind(a.address)
    .bind(since)
    .fetch_one(pool)
    .await?;
    if user_failures >= USER_LIMIT {
        record(pool, a, Outcome::Locked, now).await?;
        return Err(ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "login.locked",
            format!("too many failed logins for this account: try again in {WINDOW_MINUTES} minutes or ask an administrator to unlock it / 登录失败次数过多，账号已锁定{WINDOW_MINUTES}分钟，或请管理员解锁"),
        ));
    }
    if address_failures >= ADDRESS_LIMIT {
        record(pool, a, Outcome::Throttled, now).await?;
        return Err(ApiError::new(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "login.throttled",
            format!("too many failed logins from this address: try again in {WINDOW_MINUTES} minutes / 该地址登录失败次数过多，请{WINDOW_MINUTES}分钟后再试"),
        ));
    }
    Ok(())
}

pub async fn record(
    pool: &PgPool,
    a: &Attempt<'_>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO login_attempts (at, user_name, address, device_id, outcome) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now)
    .bind(a.user)
    .bind(a.address)
    .bind(a.device_id)
    .bind(outcome.name())
    .execute(pool)
    .await?;
    Ok(())
}

/// Checks passwords on the blocking pool, a bounded number at once. An unknown user is checked
/// against a hash of nothing, so the answer takes as long as for a known one.
#[derive(Clone)]
pub struct PasswordGate {
    permits: Arc<Semaphore>,
    absent: Arc<String>,
}

impl PasswordGate {
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        Self {
            permits: Arc::new(Semaphore::new(cores)),
            absent: Arc::new(crate::auth::hash_password("no such user")),
        }
    }

    /// Whether `password` matches `phc` (None: the user does not exist; always false).
    pub async fn verify(&self, password: &str, phc: Option<String>) -> bool {
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| self.absent.as_ref().clone());
        let password = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || crate::auth::verify_password(&password, &phc))
            .await
            .unwrap_or(false);
        ok && known
    }
}

impl Default for PasswordGate {
    fn default() -> Self {
        Self::new()
    }
}

/// The peer's address when the server was started with connection info (empty otherwise).
pub struct PeerAddress(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PeerAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_default(),
        ))
    }
}

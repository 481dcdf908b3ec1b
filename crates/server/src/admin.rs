//! Administration from the command line: users and bureaus.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgPool;

use crate::auth::{hash_password, parse_role};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("unknown role {0:?}: seat, supervisor, bureau or admin / 角色无效")]
    Role(String),
    #[error("a bureau handler needs --bureau CODE, and only bureau handlers take one / 承办单位账号须指定单位")]
    BureauMismatch,
    #[error("unknown bureau {0:?}: import bureaus first / 未知的承办单位")]
    UnknownBureau(String),
    #[error("user {0:?} already exists / 用户已存在")]
    UserExists(String),
    #[error("no user {0:?} / 用户不存在")]
    NoUser(String),
    #[error("no device {0:?} has logged in / 设备不存在")]
    NoDevice(String),
    #[error("the password must have at least 8 characters / 密码至少 8 位")]
    WeakPassword,
    #[error("{0}")]
    Csv(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: &'a str,
    pub bureau: Option<&'a str>,
    pub seat_code: Option<&'a str>,
    pub password: &'a str,
}

pub async fn add_user(
    pool: &PgPool,
    u: NewUser<'_>,
    now: DateTime<Utc>,
) -> Result<i64, AdminError> {
    let role = parse_role(u.role).ok_or_else(|| AdminError::Role(u.role.to_owned()))?;
    if (role == hotline_domain::case::Role::Bureau) != u.bureau.is_some() {
        return Err(AdminError::BureauMismatch);
    }
    if u.password.chars().count() < 8 {
        return Err(AdminError::WeakPassword);
    }
    if let Some(b) = u.bureau {
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bureaus WHERE code = $1)")
                .bind(b)
                .fetch_one(pool)
                .await?;
        if !known {
            return Err(AdminError::UnknownBureau(b.to_owned()));
        }
    }
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO users (name, role, bureau, seat_code, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(u.name)
    .bind(u.role)
    .bind(u.bureau)
    .bind(u.seat_code.map(str::to_ascii_uppercase))
    .bind(hash_password(u.password))
    .bind(now)
    .fetch_optional(pool)
    .await?;
    let id = id.ok_or_else(|| AdminError::UserExists(u.name.to_owned()))?;
    audit(pool, now, None, "user.add", u.name).await?;
    Ok(id)
}

/// Disables a user and revokes their tokens in one transaction: staff who leave lose access at
/// once (seed 004).
pub async fn disable_user(pool: &PgPool, name: &str, now: DateTime<Utc>) -> Result<(), AdminError> {
    let mut tx = pool.begin().await?;
    let id: Option<i64> =
        sqlx::query_scalar("UPDATE users SET disabled_at = $2 WHERE name = $1 RETURNING id")
            .bind(name)
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
    let id = id.ok_or_else(|| AdminError::NoUser(name.to_owned()))?;
    // The tokens stay, refused with `auth.disabled` (every request reads the user row), so that
    // the account's desks learn why at their next contact and remove the cases they hold.
    // Open live streams of this user close in every server process when this commits.
    crate::fanout::end_session(&mut tx, &format!("user:{id}")).await?;
    tx.commit().await?;
    audit(pool, now, None, "user.disable", name).await?;
    Ok(())
}

/// Lifts a login lockout before its window passes (recorded as an attempt row, so the failures
/// before it no longer count).
pub async fn unlock_user(pool: &PgPool, name: &str, now: DateTime<Utc>) -> Result<(), AdminError> {
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE name = $1)")
        .bind(name)
        .fetch_one(pool)
        .await?;
    if !exists {
        return Err(AdminError::NoUser(name.to_owned()));
    }
    let attempt = crate::login_guard::Attempt {
        user: name,
        address: "",
        device_id: "",
    };
    crate::login_guard::record(pool, &attempt, crate::login_guard::Outcome::Unlocked, now).await?;
    audit(pool, now, None, "user.unlock", name).await?;
    Ok(())
}

/// Frees a device from the user it belongs to, so another user may log in on it (a desk handed
/// to a colleague, a reinstalled workstation). Its sessions end.
pub async fn release_device(
    pool: &PgPool,
    device_id: &str,
    now: DateTime<Utc>,
) -> Result<(), AdminError> {
    let mut tx = pool.begin().await?;
    let found: Option<String> = sqlx::query_scalar(
        "UPDATE devices SET user_id = NULL WHERE device_id = $1 RETURNING device_id",
    )
    .bind(device_id)
    .fetch_optional(&mut *tx)
    .await?;
    if found.is_none() {
        return Err(AdminError::NoDevice(device_id.to_owned()));
    }
    let ended: Vec<Vec<u8>> =
        sqlx::query_scalar("DELETE FROM tokens WHERE device_id = $1 RETURNING hash")
            .bind(device_id)
            .fetch_all(&mut *tx)
            .await?;
    for hash in ended {
        crate::fanout::end_session(&mut tx, &format!("token:{}", hex::encode(hash))).await?;
    }
    tx.commit().await?;
    audit(pool, now, None, "device.release", device_id).await?;
    Ok(())
}

#[derive(Debug, Deserialize)]
struct BureauRow {
    code: String,
    name: String,
    #[serde(default)]
    parent: Option<String>,
    #[serde(default)]
    district: String,
    #[serde(default)]
    phone: String,
}

/// Imports `code,name,parent,district,phone` rows (header required); all or nothing.
pub async fn import_bureaus(
    pool: &PgPool,
    csv_text: &str,
    now: DateTime<Utc>,
) -> Result<usize, AdminError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let mut rows = Vec::new();
    for (i, r) in reader.deserialize::<BureauRow>().enumerate() {
        let r = r.map_err(|e| {
            AdminError::Csv(format!("line {}: {e} / 第 {} 行格式错误", i + 2, i + 2))
        })?;
        if r.code.is_empty() || r.name.is_empty() {
            return Err(AdminError::Csv(format!(
                "line {}: code and name are required / 编码和名称必填",
                i + 2
            )));
        }
        rows.push(r);
    }
    // The parent key is checked at commit (DEFERRABLE), so rows may come in any order.
    let mut tx = pool.begin().await?;
    for r in &rows {
        sqlx::query(
            "INSERT INTO bureaus (code, name, parent, district, phone) VALUES ($1, $2, NULLIF($3, ''), $4, $5)
             ON CONFLICT (code) DO UPDATE SET name = $2, parent = NULLIF($3, ''), district = $4, phone = $5",
        )
        .bind(&r.code)
        .bind(&r.name)
        .bind(r.parent.clone().unwrap_or_default())
        .bind(&r.district)
        .bind(&r.phone)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    audit(
        pool,
        now,
        None,
        "bureau.import",
        &format!("{} rows", rows.len()),
    )
    .await?;
    Ok(rows.len())
}

pub async fn audit(
    pool: &PgPool,
    now: DateTime<Utc>,
    user: Option<i64>,
    action: &str,
    target: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit (at, user_id, action, target) VALUES ($1, $2, $3, $4)")
        .bind(now)
        .bind(user)
        .bind(action)
        .bind(target)
        .execute(pool)
        .await?;
    Ok(())
}

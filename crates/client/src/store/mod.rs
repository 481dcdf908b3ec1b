//! The seat's local SQLite store: the event log, the outbox, case snapshots and the search index.
//! The desktop app and the `hotline` CLI open the same file (`hotline.db` in the data folder).

mod alerts;
mod cases;
mod dashboard;
mod drafts;
mod hotspots;
mod key;
mod knowledge;
mod queue;
mod read;
mod set_aside;
mod snapshot;
mod support;
mod sync;
mod wipe;
mod working_set;

use std::path::Path;
use std::str::FromStr;
use std::sync::{Arc, RwLock as StdRwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hotline_domain::centre::PolicyHistory;
use hotline_domain::sla::AlertSettings;
use sqlx::sqlite::{
    SqliteAutoVacuum, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::Row;

pub use alerts::{AlertScope, DueAlert, TakenAlerts, HOTSPOT};
pub use cases::{LocalStory, NewCase};
pub use dashboard::{
    CallbackRow, DashPeriod, Dashboard, DecisionRow, DepthCell, Figure, OnTimeRow,
    SatisfactionCounts,
};
pub use drafts::Draft;
pub use hotline_domain::sla::Light;
pub use hotspots::HotspotRow;
pub use knowledge::{Article, Bureau, RouteSuggestion, RoutingRule};
pub use queue::{LightCounts, QueuePage, QueueQuery, QueueRow};
pub use read::{CaseRow, QueueFilter};
pub use set_aside::SetAside;
pub use sync::SyncState;
pub use wipe::{Removed, Unfinished};

use crate::{ClientError, DataDir};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");

const DB_FILE: &str = "hotline.db";

/// Who is working on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub device_id: String,
    pub seat_code: String,
    pub user: String,
    pub role: hotline_domain::case::Role,
    pub bureau: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LocalStore {
    pool: SqlitePool,
    /// The data folder: its backups and downloaded files leave with the cases (`wipe`).
    dir: DataDir,
    identity: Identity,
    /// The centre's policy versions (or the standalone desk's): which clocks a new call runs,
    /// and when clocks turn yellow and alert (part of every snapshot). Shared by every handle
    /// on the store, so a version adopted by the sync loop reaches the desk's writes at once.
    policy: Arc<StdRwLock<Arc<PolicyHistory>>>,
}

impl LocalStore {
    /// Opens (creating if needed) the store in `dir`, encrypted with its key from the OS
    /// credential store (`key`), backing the file up before any migration and removing the
    /// backup once the migration succeeded. A store whose key is lost starts again, empty.
    pub async fn open(dir: &DataDir, now: DateTime<Utc>) -> Result<Self, ClientError> {
        std::fs::create_dir_all(dir.path()).map_err(|source| ClientError::Io {
            action: "create",
            path: dir.path().to_owned(),
            source,
        })?;
        let path = dir.path().join(DB_FILE);
        let pool = open_encrypted(dir, &path).await?;
        owner_only(dir.path(), &path)?;
        backup_before_migrating(&pool, &path, now).await?;
        MIGRATOR.run(&pool).await?;
        key::remove_backups(dir.path())?;
        let identity = load_or_create_identity(&pool, now).await?;
        let policy = crate::PolicyStore::new(dir.clone()).load()?;
        Ok(Self {
            pool,
            dir: dir.clone(),
            identity,
            policy: Arc::new(StdRwLock::new(Arc::new(policy))),
        })
    }

    /// Uses these policy versions from now on (every handle on this store);
    /// `refresh_snapshots(cal, true)` applies their alert settings to the stored snapshots.
    pub fn set_policy(&self, policy: PolicyHistory) {
        *self.policy.write().expect("not poisoned") = Arc::new(policy);
    }

    pub fn policy(&self) -> Arc<PolicyHistory> {
        self.policy.read().expect("not poisoned").clone()
    }

    /// A write transaction that takes the write lock at once (BEGIN IMMEDIATE), so it waits its
    /// turn (the busy timeout) behind another writer — a sync applying a page while the seat acts
    /// — instead of failing when a read-then-write transaction cannot upgrade its snapshot.
    pub(crate) async fn write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

    /// The alert settings of the current policy version.
    pub fn alert_settings(&self) -> AlertSettings {
        self.policy().current().policy.alerts.clone()
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Events waiting for the server.
    pub async fn outbox_len(&self) -> Result<i64, ClientError> {
        Ok(sqlx::query_scalar("SELECT count(*) FROM outbox")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// A stored value that does not read back (`what` names it): the machine code every such failure
/// carries.
pub(super) fn corrupt(what: &str, e: impl std::fmt::Display) -> ClientError {
    ClientError::Invalid {
        code: "local.corrupt",
        message: format!("{what}: {e}"),
    }
}

/// Cases per query of a page's cases (an `IN` list of bound ids): far under SQLite's limit on
/// bound values.
pub(super) const CASES_PER_QUERY: usize = 500;

/// `select` followed by the `IN` list of `cases`' ids (at most [`CASES_PER_QUERY`]) and `rest`.
pub(super) fn for_cases<'a>(
    select: &str,
    cases: &[hotline_domain::case::CaseId],
    rest: &str,
) -> sqlx::QueryBuilder<'a, sqlx::Sqlite> {
    let mut query = sqlx::QueryBuilder::new(select);
    query.push(" IN (");
    let mut ids = query.separated(", ");
    for case in cases {
        ids.push_bind(case.0.to_string());
    }
    query.push(") ");
    query.push(rest);
    query
}

/// The store holds callers' names and phones: on Unix its folder is the user's alone (0700, so
/// the WAL, backups and settings beside it too) and the file 0600, whatever the umask. On
/// Windows the folder is under the user's profile (%APPDATA%), which only its user can read.
fn owner_only(dir: &Path, file: &Path) -> Result<(), ClientError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for (path, mode) in [(dir, 0o700), (file, 0o600)] {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(
                |source| ClientError::Io {
                    action: "protect",
                    path: path.to_owned(),
                    source,
                },
            )?;
        }
    }
    #[cfg(not(unix))]
    let _ = (dir, file);
    Ok(())
}

/// The pool on the store at `path`, opened with its key: a plain store (written before the
/// store was encrypted) is encrypted first; one the key does not open starts again.
async fn open_encrypted(dir: &DataDir, path: &Path) -> Result<SqlitePool, ClientError> {
    // OpenSSL (SQLCipher's cipher) initialised here first, without its exit handler: otherwise
    // its cleanup at exit races a worker thread still freeing its own OpenSSL state (seen in
    // the failover test as `double free or corruption`, SIGABRT, in OPENSSL_cleanup).
    openssl_sys::init();
    let key = match key::of_store(dir)? {
        key::Found::Key(key) => key,
        key::Found::New(key) => {
            if path.exists() && !key::is_plain_sqlite(path)? {
                key::remove_store_files(dir.path())?;
            }
            key
        }
    };
    if key::is_plain_sqlite(path)? {
        encrypt_plain(path, &key).await?;
    }
    match connect(path, &key).await {
        Err(e) if not_a_database(&e) => {
            let key = key::start_again(dir)?;
            Ok(connect(path, &key).await?)
        }
        other => Ok(other?),
    }
}

async fn connect(path: &Path, key: &key::StoreKey) -> Result<SqlitePool, sqlx::Error> {
    // sqlx sends `key` before any other pragma, as SQLCipher requires.
    let opts = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .pragma("key", key.pragma())
        // A new store returns the pages of cases it let go to the file system
        // (`store::working_set`), rather than keeping them as free pages.
        .auto_vacuum(SqliteAutoVacuum::Incremental)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    SqlitePoolOptions::new()
        .max_connections(4)
        .connect_with(opts)
        .await
}

/// SQLITE_NOTADB: what SQLCipher answers when the key does not open the file.
fn not_a_database(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .and_then(|d| d.code())
        .is_some_and(|code| code == "26")
}

/// Encrypts a plain store in place (SQLCipher's `sqlcipher_export` into a new file, which then
/// takes the plain one's name); the plain file's backups go with it.
async fn encrypt_plain(path: &Path, key: &key::StoreKey) -> Result<(), ClientError> {
    use sqlx::Connection;
    let encrypted = path.with_extension("db.encrypting");
    let _ = std::fs::remove_file(&encrypted);
    // `create_if_missing`: ATTACH opens the new file with the main file's flags.
    let mut conn = sqlx::SqliteConnection::connect_with(
        &SqliteConnectOptions::from_str("sqlite:")?
            .filename(path)
            .create_if_missing(true),
    )
    .await?;
    sqlx::query("ATTACH DATABASE ? AS encrypted KEY ?")
        .bind(encrypted.to_string_lossy().into_owned())
        .bind(key.pragma().trim_matches('"').to_owned())
        .execute(&mut conn)
        .await?;
    sqlx::query("PRAGMA encrypted.auto_vacuum = INCREMENTAL")
        .execute(&mut conn)
        .await?;
    sqlx::query("SELECT sqlcipher_export('encrypted')")
        .execute(&mut conn)
        .await?;
    sqlx::query("DETACH DATABASE encrypted")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let dir = path.parent().unwrap_or(Path::new("."));
    key::remove_store_files(dir)?;
    std::fs::rename(&encrypted, path).map_err(|source| ClientError::Io {
        action: "replace",
        path: path.to_owned(),
        source,
    })
}

/// modrinth's lesson: a migration that goes wrong on a seat must not cost it its offline work.
/// `VACUUM INTO` writes a consistent copy even while another process has the file open, and
/// SQLCipher writes it encrypted with the store's key. It is removed once the migration succeeded.
async fn backup_before_migrating(
    pool: &SqlitePool,
    path: &Path,
    now: DateTime<Utc>,
) -> Result<(), ClientError> {
    let has_table: i64 =
        sqlx::query_scalar("SELECT count(*) FROM sqlite_master WHERE name = '_sqlx_migrations'")
            .fetch_one(pool)
            .await?;
    if has_table == 0 {
        return Ok(()); // a new store: nothing to lose
    }
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT max(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(pool)
            .await?;
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if applied.unwrap_or(0) >= latest {
        return Ok(());
    }
    let backup = path.with_file_name(format!(
        "{}{}-{}",
        key::BACKUP_PREFIX,
        applied.unwrap_or(0),
        now.format("%Y%m%d%H%M%S")
    ));
    sqlx::query("VACUUM INTO ?")
        .bind(backup.to_string_lossy().into_owned())
        .execute(pool)
        .await?;
    Ok(())
}

async fn load_or_create_identity(
    pool: &SqlitePool,
    now: DateTime<Utc>,
) -> Result<Identity, ClientError> {
    if let Some(row) =
        sqlx::query("SELECT device_id, seat_code, user_name, role, bureau FROM device WHERE id = 1")
            .fetch_optional(pool)
            .await?
    {
        let role: String = row.get("role");
        return Ok(Identity {
            device_id: row.get("device_id"),
            seat_code: row.get("seat_code"),
            user: row.get("user_name"),
            role: serde_json::from_value(serde_json::Value::String(role.clone())).map_err(
                |_| ClientError::Invalid {
                    code: "local.corrupt",
                    message: format!("unknown role {role:?} in the local store"),
                },
            )?,
            bureau: row.get("bureau"),
        });
    }
    // Until a login says otherwise, the device works as a seat with a seat code of its own: six
    // characters from its id keep offline case numbers unique across a centre's seats.
    let device_id = crate::ids::new_device_id(now);
    let seat_code = format!(
        "L{}",
        &device_id.replace('-', "")[20..25].to_ascii_uppercase()
    );
    sqlx::query("INSERT INTO device (id, device_id, seat_code, user_name, role) VALUES (1, ?, ?, 'local', 'seat')")
        .bind(&device_id)
        .bind(&seat_code)
        .execute(pool)
        .await?;
    Ok(Identity {
        device_id,
        seat_code,
        user: "local".into(),
        role: hotline_domain::case::Role::Seat,
        bureau: None,
    })
}

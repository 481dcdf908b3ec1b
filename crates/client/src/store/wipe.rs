//! What leaves a desk with its user. The store holds callers' names, phones and matters; two
//! moments must leave nothing of them behind:
//! - **a disabled account** (`hotline-server user disable`: the person left, or the machine is
//!   lost): the server answers the desk's next contact with `auth.disabled`, and every case
//!   goes — steps not yet sent included, the account can no longer send them;
//! - **another user logging in on the desk** (a shared shift desk): the new user must never read
//!   what the last user's store held. Refused while the last user's work is not on the server
//!   (steps waiting to be sent, drafts not recorded: theirs to send or finish, never lost);
//!   then every case goes and the pull starts again, for the new user's own scope.
//!
//! Both also remove the migration backups and the files downloaded into `reports/` (case
//! records, reports), and compact the file so no row lingers in its free pages. The centre's
//! calendar, policy and published knowledge base stay: they are no caller's.

use chrono::{DateTime, Utc};

use super::LocalStore;
use crate::ClientError;

/// What went: cases, and steps that were waiting to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub cases: i64,
    pub unsent: i64,
}

/// Every table that holds a case or part of one, children before parents.
const CASE_TABLES: [&str; 11] = [
    "outbox",
    "set_aside",
    "alerts",
    "clock_runs",
    "callbacks",
    "case_bureaus",
    "case_search",
    "case_states",
    "drafts",
    "events",
    "cases",
];

/// The last user's work that is not on the server yet: steps not sent, drafts not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unfinished {
    pub unsent: i64,
    pub drafts: i64,
}

impl LocalStore {
    /// Removes every case and logs the desk out (the account stays recorded, so a colleague's
    /// login still takes a new device).
    pub async fn remove_cases_of_disabled_account(&self) -> Result<Removed, ClientError> {
        let mut tx = self.write().await?;
        let removed = clear_cases(&mut tx).await?;
        let (cases, unsent) = (removed.cases, removed.unsent);
        sqlx::query(
            "UPDATE sync_state SET cursor = '', epoch = NULL, user_name = NULL, last_error = ? WHERE id = 1",
        )
        .bind(format!(
            "this account is disabled: {cases} cases were removed from this desk ({unsent} unsent steps with them) / 该账号已停用：本机 {cases} 件工单已清除（含未发送记录 {unsent} 条），请联系管理员"
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.compact_and_remove_files().await?;
        Ok(removed)
    }

    /// What the last user left that is not on the server yet.
    pub async fn unfinished(&self) -> Result<Unfinished, ClientError> {
        unfinished_in(&self.pool).await
    }

    /// Another user takes this desk: every case of the last user goes, the device takes a new
    /// id (the server binds a device to the user that first logged in on it; its sequence starts
    /// again) and the pull starts from the beginning. Refused while anything is unfinished.
    pub async fn hand_to_another_user(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Removed, ClientError> {
        let device_id = crate::ids::new_device_id(now);
        let mut tx = self.write().await?;
        let left = unfinished_in(&mut *tx).await?;
        if left.unsent + left.drafts > 0 {
            return Err(ClientError::Invalid {
                code: "local.outbox_not_empty",
                message: "the last user's unsent steps and drafts are theirs to finish / 上一位用户尚有未发送的记录或未完成的草稿".into(),
            });
        }
        let removed = clear_cases(&mut tx).await?;
        sqlx::query("UPDATE device SET device_id = ? WHERE id = 1")
            .bind(&device_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sqlite_sequence WHERE name = 'outbox'")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE sync_state SET cursor = '', epoch = NULL, last_error = NULL WHERE id = 1",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.identity.device_id = device_id;
        self.compact_and_remove_files().await?;
        Ok(removed)
    }

    /// Rewrites the file without the removed rows' pages (and empties the journal, where the
    /// rewrite went first), then removes the backups and downloaded files beside it.
    async fn compact_and_remove_files(&self) -> Result<(), ClientError> {
        sqlx::query("VACUUM").execute(&self.pool).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await?;
        super::key::remove_backups(self.dir.path())?;
        let reports = self.dir.path().join("reports");
        match std::fs::remove_dir_all(&reports) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ClientError::Io {
                action: "remove",
                path: reports,
                source,
            }),
        }
    }
}

/// Steps not sent and drafts not recorded, read through `db` (the pool, or a transaction that
/// then acts on the answer).
async fn unfinished_in<'e>(
    db: impl sqlx::Executor<'e, Database = sqlx::Sqlite>,
) -> Result<Unfinished, ClientError> {
    let (unsent, drafts): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM outbox), (SELECT count(*) FROM drafts)")
            .fetch_one(db)
            .await?;
    Ok(Unfinished { unsent, drafts })
}

/// Deletes every case row; counts what went.
async fn clear_cases(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
) -> Result<Removed, ClientError> {
    let (cases, unsent): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM outbox)")
            .fetch_one(&mut **tx)
            .await?;
    for table in CASE_TABLES {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut **tx)
            .await?;
    }
    Ok(Removed { cases, unsent })
}

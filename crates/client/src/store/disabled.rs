//! A disabled account's desk. The server answers its next contact with `auth.disabled`
//! (`hotline-server user disable`: the person left, or the machine is lost); the callers' names,
//! phones and matters on it must not stay. The desk removes every case it holds — steps not yet
//! sent included: the account can no longer send them — and is logged out.

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

impl LocalStore {
    /// Removes every case and logs the desk out (the account stays recorded, so a colleague's
    /// login still takes a new device). The file is compacted so the rows do not linger in its
    /// free pages.
    pub async fn remove_cases_of_disabled_account(&self) -> Result<Removed, ClientError> {
        let mut tx = self.write().await?;
        let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
            .fetch_one(&mut *tx)
            .await?;
        let unsent: i64 = sqlx::query_scalar("SELECT count(*) FROM outbox")
            .fetch_one(&mut *tx)
            .await?;
        for table in CASE_TABLES {
            sqlx::query(&format!("DELETE FROM {table}"))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query(
            "UPDATE sync_state SET cursor = '', epoch = NULL, user_name = NULL, last_error = ? WHERE id = 1",
        )
        .bind(format!(
            "this account is disabled: {cases} cases were removed from this desk ({unsent} unsent steps with them) / 该账号已停用：本机 {cases} 件工单已清除（含未发送记录 {unsent} 条），请联系管理员"
        ))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        sqlx::query("VACUUM").execute(&self.pool).await?;
        Ok(Removed { cases, unsent })
    }
}

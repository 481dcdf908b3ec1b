//! A query on the store for the centre's IT (`hotline store query`). The store is encrypted, so
//! no plain SQLite tool reads it any more; this does, as the user whose store it is.

use sqlx::Row;

use super::LocalStore;
use crate::ClientError;

impl LocalStore {
    /// Runs one SQL statement and returns its rows, each value as text (`None` for NULL).
    /// Read-only unless `write`: the server re-derives what it takes from a seat, so a changed
    /// store fakes nothing there, but it can lose this desk's unsent work.
    pub async fn support_query(
        &self,
        sql: &str,
        write: bool,
    ) -> Result<Vec<Vec<String>>, ClientError> {
        let mut conn = self.pool.acquire().await?;
        sqlx::query(if write {
            "PRAGMA query_only = 0"
        } else {
            "PRAGMA query_only = 1"
        })
        .execute(&mut *conn)
        .await?;
        let rows = sqlx::query(sql).fetch_all(&mut *conn).await;
        // The connection goes back to the pool: writable for whoever takes it next.
        sqlx::query("PRAGMA query_only = 0")
            .execute(&mut *conn)
            .await?;
        let bad = |e: sqlx::Error| ClientError::Invalid {
            code: "local.query",
            message: format!("the query failed: {e} / 查询失败"),
        };
        Ok(rows
            .map_err(bad)?
            .iter()
            .map(|row| (0..row.columns().len()).map(|i| cell(row, i)).collect())
            .collect())
    }
}

/// A value as text, whatever its SQLite type.
fn cell(row: &sqlx::sqlite::SqliteRow, i: usize) -> String {
    let text = |v: Option<String>| v.unwrap_or_else(|| "None".into());
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return text(v.map(|v| v.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return text(v.map(|v| v.to_string()));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return text(v);
    }
    text(
        row.try_get::<Option<Vec<u8>>, _>(i)
            .ok()
            .flatten()
            .map(hex::encode),
    )
}

//! Drafts: what a seat is typing, saved as it types (the UI saves a few hundred milliseconds
//! after the last keystroke), so a crash, a closed window or a rejected submission loses nothing.
//! A draft is removed only once the case it became is stored.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

use super::LocalStore;
use crate::ClientError;

/// A draft larger than this is refused (the largest valid intake is far smaller; a runaway paste
/// must not fill the disk): 1 MiB.
const MAX_DRAFT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Draft {
    pub form: String,
    /// The form's fields as the UI keeps them (JSON), stored as given.
    pub content: serde_json::Value,
    pub saved_at: DateTime<Utc>,
}

impl LocalStore {
    pub async fn save_draft(
        &self,
        form: &str,
        content: &serde_json::Value,
        now: DateTime<Utc>,
    ) -> Result<(), ClientError> {
        let text = content.to_string();
        if text.len() > MAX_DRAFT_BYTES || form.is_empty() || form.len() > 100 {
            return Err(ClientError::Invalid {
                code: "draft.too_large",
                message: format!(
                    "draft of {} bytes refused (at most {MAX_DRAFT_BYTES}) / 草稿过大，未保存",
                    text.len()
                ),
            });
        }
        sqlx::query("INSERT INTO drafts (form, content, saved_at) VALUES (?, ?, ?) ON CONFLICT (form) DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at")
            .bind(form)
            .bind(text)
            .bind(now.to_rfc3339())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn draft(&self, form: &str) -> Result<Option<Draft>, ClientError> {
        let Some(r) = sqlx::query("SELECT form, content, saved_at FROM drafts WHERE form = ?")
            .bind(form)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let content: String = r.get("content");
        let saved_at: String = r.get("saved_at");
        Ok(Some(Draft {
            form: r.get("form"),
            content: serde_json::from_str(&content).unwrap_or(serde_json::Value::String(content)),
            saved_at: DateTime::parse_from_rfc3339(&saved_at)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
        }))
    }

    pub async fn discard_draft(&self, form: &str) -> Result<(), ClientError> {
        sqlx::query("DELETE FROM drafts WHERE form = ?")
            .bind(form)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

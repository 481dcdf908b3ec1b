//! The server's legal calendar: the shipped schedules plus the administrators' imports, kept in
//! `calendar_imports` and replayed in order — the same mechanism as on the seats.

use chrono::{DateTime, Utc};
use hotline_domain::calendar::{self, CalendarError, ImportSummary, LegalCalendar, YearSchedule};
use sqlx::types::Json;
use sqlx::{PgPool, Row};

#[derive(Debug, thiserror::Error)]
pub enum CalendarImportError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub async fn load(pool: &PgPool) -> Result<LegalCalendar, CalendarImportError> {
    let mut cal = calendar::shipped();
    let rows = sqlx::query("SELECT years FROM calendar_imports ORDER BY id").fetch_all(pool).await?;
    for r in rows {
        let Json(years): Json<Vec<YearSchedule>> = r.get("years");
        cal = cal.with_import(&years)?.0;
    }
    Ok(cal)
}

/// Validates the file against everything imported so far, then records it.
pub async fn import(pool: &PgPool, file_name: &str, content: &str, now: DateTime<Utc>) -> Result<ImportSummary, CalendarImportError> {
    let years = calendar::parse_any(file_name, content)?;
    let (_, summary) = load(pool).await?.with_import(&years)?;
    sqlx::query("INSERT INTO calendar_imports (imported_at, file_name, years) VALUES ($1, $2, $3)")
        .bind(now)
        .bind(file_name)
        .bind(Json(&years))
        .execute(pool)
        .await?;
    crate::admin::audit(pool, now, None, "calendar.import", file_name).await?;
    Ok(summary)
}

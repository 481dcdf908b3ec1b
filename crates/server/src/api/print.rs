//! A case printed from a desk (工单打印): the same PDF as `hotline-server case export CASE --out
//! FILE.pdf` — intake, clocks, every step and each incident report — for a user whose scope holds
//! the case (a bureau's handler prints only its own). The printout carries no caller's details;
//! every print is audited.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use sqlx::QueryBuilder;
use uuid::Uuid;

use super::cases::scope;
use super::reports::{attachment, off_workers};
use crate::admin::audit;
use crate::auth::authenticate;
use crate::error::ApiError;
use crate::report::pdf::ReportFont;
use crate::state::AppState;

pub async fn case_pdf(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    let mut q = QueryBuilder::new("SELECT c.id FROM cases c WHERE c.id = ");
    q.push_bind(id);
    scope(&mut q, &who)?;
    let not_found = || {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "case.not_found",
            "no such case in your scope / 无此工单或无权查看",
        )
    };
    q.build()
        .fetch_optional(&app.pool)
        .await?
        .ok_or_else(not_found)?;
    let cal = app.calendar.get();
    let record = crate::record::case_record(&app.pool, &id.to_string(), &cal, now)
        .await?
        .ok_or_else(not_found)?;
    let catalog = crate::centre_policy::history(&app.pool)
        .await?
        .current()
        .policy
        .catalog
        .clone();
    let font = ReportFont::find()?;
    let name = format!("case-{}.pdf", record.number);
    let bytes =
        off_workers(move || crate::report::case_pdf::write(&record, &catalog, &font)).await?;
    audit(
        &app.pool,
        now,
        Some(who.user_id),
        "case.print",
        &id.to_string(),
    )
    .await?;
    Ok(attachment(bytes, "application/pdf", &name))
}

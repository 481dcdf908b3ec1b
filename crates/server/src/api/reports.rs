//! Reports from the desk: a supervisor asks for a day's, week's, month's, quarter's or
//! half-year's report and gets the file (XLSX, PDF or JSON), computed here over all data like
//! `hotline-server report`.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use hotline_domain::case;
use serde::Deserialize;

use crate::auth::authenticate;
use crate::error::ApiError;
use crate::report::{self, pdf::ReportFont, Period, PeriodKind, ReportError};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    pub period: PeriodKind,
    /// A date in the period (China time); default today.
    pub date: Option<NaiveDate>,
    pub format: String,
}

impl From<ReportError> for ApiError {
    fn from(e: ReportError) -> Self {
        match e {
            ReportError::Db(e) => e.into(),
            ReportError::NoFont(_) => ApiError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "report.no_font",
                e.to_string(),
            ),
            ReportError::OutOfRange(_) => {
                ApiError::unprocessable("report.date_out_of_range", e.to_string())
            }
            _ => ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "report.failed",
                e.to_string(),
            ),
        }
    }
}

pub async fn report(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    // The whole centre's for supervisors and management; a bureau's own for its handlers.
    let bureau = if case::reads_centre_figures(who.role) {
        None
    } else if let (true, Some(b)) = (case::reads_own_report(who.role), &who.bureau) {
        Some(b.0.clone())
    } else {
        return Err(ApiError::forbidden(
            "report.not_permitted",
            "reports are for supervisors, management and each bureau's own / 报表仅供班长、管理方及承办单位（本单位）导出",
        ));
    };
    let period = Period::holding(
        q.period,
        q.date
            .unwrap_or_else(|| hotline_domain::time::local_date(now)),
    )?;
    let r = report::compute::compute_for(&app.pool, &period, now, bureau.as_deref()).await?;
    let (bytes, mime, ext) = match q.format.as_str() {
        "xlsx" => (
            report::xlsx::write(&r).map_err(ReportError::from)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        "pdf" => {
            let font = ReportFont::find()?;
            let bytes = off_workers(move || report::pdf::write(&r, &font)).await?;
            (bytes, "application/pdf", "pdf")
        }
        "json" => (
            serde_json::to_vec_pretty(&r).map_err(ReportError::from)?,
            "application/json",
            "json",
        ),
        _ => {
            return Err(ApiError::bad_request(
                "report.format",
                "format is xlsx, pdf or json / 格式须为 xlsx、pdf 或 json",
            ))
        }
    };
    // A bureau's own report names it (only its letters and digits: a code is an imported word).
    let whose: String = bureau
        .map(|b| format!("-{b}"))
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    let name = format!(
        "hotline-{}-{}{whose}.{ext}",
        period.first,
        serde_json::to_value(q.period)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    );
    Ok(attachment(bytes, mime, &name))
}

/// Runs CPU work (font loading, PDF writing) off the async workers.
pub(super) async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ReportError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| {
            ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "report.failed",
                e.to_string(),
            )
        })?
        .map_err(Into::into)
}

/// A file to download, of type `mime`, named `name`.
pub(super) fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    let mut resp = bytes.into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        resp.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

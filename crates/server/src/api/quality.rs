//! 质检 for the desks: a supervisor draws the month's sample and scores it; a seat reads its
//! own reviews and contests one, once. Who may do what is the domain's
//! (`case::supervises`, `case::takes_calls`); what a review may hold is `quality::QualityRule`'s.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::NaiveDate;
use hotline_domain::case;
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::{authenticate, Principal};
use crate::error::ApiError;
use crate::quality::{self, QualityError, Review};
use crate::state::AppState;

impl From<QualityError> for ApiError {
    fn from(e: QualityError) -> Self {
        match e {
            QualityError::Db(e) => e.into(),
            QualityError::NotSampled => {
                ApiError::new(axum::http::StatusCode::NOT_FOUND, e.code(), e.to_string())
            }
            QualityError::NotYours => ApiError::forbidden(e.code(), e.to_string()),
            QualityError::AlreadyContested => ApiError::conflict(e.code(), e.to_string()),
            e => ApiError::unprocessable(e.code(), e.to_string()),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct MonthQuery {
    /// A date in the month (China time); default today.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize)]
pub struct ScoreBody {
    pub scores: BTreeMap<String, u32>,
    #[serde(default)]
    pub comment: String,
}

#[derive(Debug, Deserialize)]
pub struct ContestBody {
    pub reason: String,
}

fn supervisor(who: &Principal) -> Result<(), ApiError> {
    if case::supervises(who.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "quality.not_permitted",
            "quality reviews are drawn and scored by supervisors / 质检抽样与评分由班长进行",
        ))
    }
}

async fn rule(app: &AppState) -> Result<hotline_domain::quality::QualityRule, ApiError> {
    Ok(crate::centre_policy::history(&app.pool)
        .await?
        .current()
        .policy
        .quality
        .clone())
}

/// The month's reviews: every seat's for a supervisor, one's own for a seat.
pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Json<Vec<Review>>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    let date = q
        .date
        .unwrap_or_else(|| hotline_domain::time::local_date(now));
    let seat = if case::supervises(who.role) {
        None
    } else if case::takes_calls(who.role) {
        Some(who.name.as_str())
    } else {
        return Err(ApiError::forbidden(
            "quality.not_permitted",
            "quality reviews are the seats' and supervisors' / 质检仅限坐席与班长",
        ));
    };
    Ok(Json(quality::list(&app.pool, date, seat).await?))
}

pub async fn draw(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Result<Json<Vec<Review>>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    supervisor(&who)?;
    let date = q
        .date
        .unwrap_or_else(|| hotline_domain::time::local_date(now));
    Ok(Json(
        quality::draw(&app.pool, &rule(&app).await?, date, now).await?,
    ))
}

pub async fn score(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(case): Path<Uuid>,
    Json(body): Json<ScoreBody>,
) -> Result<Json<()>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    supervisor(&who)?;
    hotline_domain::case::limits::check_note("comment", &body.comment)
        .map_err(|e| ApiError::unprocessable(e.code(), e.to_string()))?;
    let rule = rule(&app).await?;
    quality::score(
        &app.pool,
        &rule,
        case,
        &who.name,
        &body.scores,
        &body.comment,
        now,
    )
    .await?;
    Ok(Json(()))
}

pub async fn contest(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(case): Path<Uuid>,
    Json(body): Json<ContestBody>,
) -> Result<Json<()>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    hotline_domain::case::limits::check_note("reason", &body.reason)
        .map_err(|e| ApiError::unprocessable(e.code(), e.to_string()))?;
    quality::contest(&app.pool, case, &who.name, &body.reason, now).await?;
    Ok(Json(()))
}

//! The knowledge base over HTTP: the management list and pages (seats and supervisors), writing
//! and reviewing (the domain's rules decide), and the published set seats keep a copy of.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Utc};
use hotline_domain::case::Role;
use hotline_domain::knowledge::{ArticleStatus, KbAction, KbRefusal};
use serde::Deserialize;

use crate::auth::{authenticate, Principal};
use crate::error::ApiError;
use crate::knowledge::{self, Article, ArticleText, KbError, Published};
use crate::state::AppState;

impl From<KbError> for ApiError {
    fn from(e: KbError) -> Self {
        match e {
            KbError::Refused(r @ KbRefusal::NotPermitted { .. }) => {
                ApiError::forbidden(r.code(), r.to_string())
            }
            KbError::Refused(r) => ApiError::unprocessable(r.code(), r.to_string()),
            KbError::NotFound(_) => ApiError::new(
                axum::http::StatusCode::NOT_FOUND,
                "kb.not_found",
                e.to_string(),
            ),
            KbError::Import(_) => ApiError::bad_request("kb.import", e.to_string()),
            KbError::Db(e) => e.into(),
        }
    }
}

/// Bureau handlers and administrators have no business in the knowledge base.
fn reader(who: &Principal) -> Result<(), ApiError> {
    match who.role {
        Role::Seat | Role::Supervisor => Ok(()),
        _ => Err(ApiError::forbidden(
            "kb.not_permitted",
            "the knowledge base is for seats and supervisors / 知识库仅供坐席与班长使用",
        )),
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Article>>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    reader(&who)?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ArticleStatus::parse(s).ok_or_else(|| {
            ApiError::bad_request("kb.status", format!("unknown status {s:?} / 状态无效"))
        })?),
    };
    Ok(Json(knowledge::list(&app.pool, status).await?))
}

pub async fn get(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Article>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    reader(&who)?;
    Ok(Json(knowledge::get(&app.pool, &id, true).await?))
}

pub async fn create(
    State(app): State<AppState>,
    headers: HeaderMap,
    Json(text): Json<ArticleText>,
) -> Result<Json<Article>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    Ok(Json(
        knowledge::write(&app.pool, who.role, &who.name, None, &text, now).await?,
    ))
}

pub async fn revise(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(text): Json<ArticleText>,
) -> Result<Json<Article>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    Ok(Json(
        knowledge::write(&app.pool, who.role, &who.name, Some(&id), &text, now).await?,
    ))
}

#[derive(Debug, Default, Deserialize)]
pub struct Decision {
    #[serde(default)]
    pub reason: String,
}

pub async fn decide(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Option<Json<Decision>>,
) -> Result<Json<Article>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    let action = match action.as_str() {
        "submit" => KbAction::Submit,
        "approve" => KbAction::Approve,
        "reject" => KbAction::Reject,
        "retire" => KbAction::Retire,
        _ => {
            return Err(ApiError::bad_request(
                "kb.action",
                "the action is submit, approve, reject or retire / 操作无效",
            ))
        }
    };
    let reason = body.map(|Json(d)| d.reason).unwrap_or_default();
    Ok(Json(
        knowledge::decide(&app.pool, who.role, &who.name, &id, action, &reason, now).await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct SinceQuery {
    pub since: Option<DateTime<Utc>>,
}

/// The published set, or what changed in it since `since` (a seat keeps its copy current).
pub async fn published(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<SinceQuery>,
) -> Result<Json<Vec<Published>>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    reader(&who)?;
    Ok(Json(knowledge::published_since(&app.pool, q.since).await?))
}

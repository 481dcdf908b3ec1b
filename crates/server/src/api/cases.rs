//! Scoped case listing and search on the server, with caller data masked by role.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use hotline_domain::case::Role;
use hotline_domain::text::{query_parts, QueryPart};
use serde::{Deserialize, Serialize};
use sqlx::postgres::PgRow;
use sqlx::{QueryBuilder, Row};
use uuid::Uuid;

use super::mask::{mask_phone, sees_caller};
use crate::admin::audit;
use crate::auth::{authenticate, Principal};
use crate::error::ApiError;
use crate::state::AppState;

pub use hotline_domain::wire::CaseSummary;

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<i64>,
}

const COLUMNS: &str = "c.id, c.number, c.kind, c.status, c.phone, c.district, c.category, c.received_at, c.next_due, c.due_provisional, c.conflicts";

fn summary(r: &PgRow, who: &Principal) -> CaseSummary {
    let phone: String = r.get("phone");
    CaseSummary {
        id: r.get("id"),
        number: r.get("number"),
        kind: r.get("kind"),
        status: r.get("status"),
        phone: if sees_caller(who.role) {
            phone
        } else {
            mask_phone(&phone)
        },
        district: r.get("district"),
        category: r.get("category"),
        received_at: r.get("received_at"),
        next_due: r.get("next_due"),
        due_provisional: r.get("due_provisional"),
        conflicts: r.get("conflicts"),
    }
}

/// Bureau handlers see only the cases assigned to their bureau now (a case re-dispatched away is
/// gone from their lists, searches and unmasking; see `sync::bureau_sees` for what their seat
/// keeps); administrators see none.
pub(super) fn scope<'a>(
    q: &mut QueryBuilder<'a, sqlx::Postgres>,
    who: &'a Principal,
) -> Result<(), ApiError> {
    match (who.role, &who.bureau) {
        (Role::Admin, _) => Err(ApiError::forbidden(
            "cases.role",
            "administrators do not see cases / 管理员无权查看工单",
        )),
        (Role::Bureau, Some(b)) => {
            q.push(" AND c.id IN (SELECT case_id FROM case_bureaus WHERE bureau = ")
                .push_bind(&b.0)
                .push(" AND status <> 'withdrawn')");
            Ok(())
        }
        (Role::Bureau, None) => Err(ApiError::forbidden(
            "cases.role",
            "a bureau account without a bureau / 账号未关联承办单位",
        )),
        _ => Ok(()),
    }
}

pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(lq): Query<ListQuery>,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM cases c WHERE TRUE"));
    scope(&mut q, &who)?;
    if let Some(s) = &lq.status {
        q.push(" AND c.status = ").push_bind(s);
    }
    if let Some(k) = &lq.kind {
        q.push(" AND c.kind = ").push_bind(k);
    }
    q.push(" ORDER BY c.next_due NULLS LAST, c.received_at LIMIT ")
        .push_bind(lq.limit.unwrap_or(200).clamp(1, 10_000));
    let rows = q.build().fetch_all(&app.pool).await?;
    Ok(Json(rows.iter().map(|r| summary(r, &who)).collect()))
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: String,
    pub limit: Option<i64>,
}

/// A case number finds its case; five or more digits are a phone number's beginning; a shorter
/// word is a whole token; a single character is a prefix (slow on millions, and rare); each
/// Chinese term must contain its rarest bigram (GIN) and really occur (`strpos`). Only the rarest
/// bigram goes to the index: PostgreSQL multiplies the estimates of several, underestimates, and
/// then sorts tens of thousands of hits instead of walking the newest cases.
pub async fn search(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(sq): Query<SearchQuery>,
) -> Result<Json<Vec<CaseSummary>>, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    let parts = query_parts(&sq.q);
    if parts.is_empty() {
        return Err(ApiError::bad_request(
            "search.empty",
            "nothing to search for / 请输入检索词",
        ));
    }
    let frequencies = token_frequencies(&app.pool).await?;
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM cases c WHERE TRUE"));
    scope(&mut q, &who)?;
    let mut phone_searched = None;
    if let Ok(number) = sq.q.trim().parse::<hotline_domain::case::CaseNumber>() {
        q.push(" AND c.number = ").push_bind(number.to_string());
    } else {
        for part in parts {
            match part {
                QueryPart::Phrase(bigrams) => {
                    let term: String = bigrams
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            if i == 0 {
                                b.clone()
                            } else {
                                b.chars().last().expect("bigram").to_string()
                            }
                        })
                        .collect();
                    let rarest = bigrams
                        .iter()
                        .min_by(|a, b| {
                            frequencies
                                .get(*a)
                                .unwrap_or(&0.0)
                                .total_cmp(frequencies.get(*b).unwrap_or(&0.0))
                        })
                        .expect("a phrase has a bigram")
                        .clone();
                    q.push(" AND c.search_tokens @> ARRAY[")
                        .push_bind(rarest)
                        .push("]::text[]");
                    q.push(" AND strpos(c.search_text, ")
                        .push_bind(term)
                        .push(") > 0");
                }
                // Digits: a phone. A role that sees callers masked matches the whole number only
                // (prefixes would recover a masked number digit by digit), and each such search
                // is audited.
                QueryPart::Prefix(p)
                    if p.len() >= 5
                        && p.bytes().all(|b| b.is_ascii_digit())
                        && !super::mask::sees_caller(who.role) =>
                {
                    q.push(" AND c.phone = ").push_bind(p.clone());
                    phone_searched = Some(p);
                }
                QueryPart::Prefix(p) if p.len() >= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
                    q.push(" AND c.phone LIKE ").push_bind(format!("{p}%"));
                }
                // A shorter word (a house number, a code) matches whole tokens, through the index.
                QueryPart::Prefix(p) if p.is_ascii() && p.len() >= 2 => {
                    q.push(" AND c.search_tokens @> ARRAY[")
                        .push_bind(p)
                        .push("]::text[]");
                }
                QueryPart::Prefix(p) => {
                    q.push(" AND EXISTS (SELECT 1 FROM unnest(c.search_tokens) t WHERE t LIKE ")
                        .push_bind(format!(
                            "{}%",
                            p.replace('\\', "\\\\")
                                .replace('%', "\\%")
                                .replace('_', "\\_")
                        ))
                        .push(")");
                }
            }
        }
    }
    q.push(" ORDER BY c.received_at DESC LIMIT ")
        .push_bind(sq.limit.unwrap_or(50).clamp(1, 1_000));
    let rows = q.build().fetch_all(&app.pool).await?;
    if let Some(phone) = phone_searched {
        let target = format!("{phone}: {} found", rows.len());
        crate::admin::audit(
            &app.pool,
            app.clock.now(),
            Some(who.user_id),
            "search.phone",
            &target,
        )
        .await?;
    }
    Ok(Json(rows.iter().map(|r| summary(r, &who)).collect()))
}

/// How common each of the most common tokens is, from PostgreSQL's own statistics (ANALYZE);
/// a token missing here is rarer than all of them.
async fn token_frequencies(
    pool: &sqlx::PgPool,
) -> Result<std::collections::HashMap<String, f32>, ApiError> {
    type Stats = (Option<Vec<String>>, Option<Vec<f32>>);
    let row: Option<Stats> = sqlx::query_as(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats WHERE tablename = 'cases' AND attname = 'search_tokens'",
    )
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        Some((Some(elems), Some(freqs))) => elems.into_iter().zip(freqs).collect(),
        _ => Default::default(),
    })
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Unmasked {
    pub phone: String,
    pub id_number: Option<String>,
}

/// The caller's full phone and ID number, for a user allowed to see the case; written to the audit.
pub async fn unmask(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<Uuid>,
) -> Result<Json<Unmasked>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    if !hotline_domain::case::may_unmask(who.role) {
        return Err(ApiError::forbidden(
            "unmask.role",
            "this role sees no caller's details / 该角色无权查看来电人信息",
        ));
    }
    let mut q = QueryBuilder::new("SELECT c.phone, c.state FROM cases c WHERE c.id = ");
    q.push_bind(id);
    scope(&mut q, &who)?;
    let row = q.build().fetch_optional(&app.pool).await?.ok_or_else(|| {
        ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "case.not_found",
            "no such case in your scope / 无此工单或无权查看",
        )
    })?;
    let state: serde_json::Value = row.get("state");
    let id_number = state
        .pointer("/intake/caller/id_number")
        .and_then(|v| v.as_str())
        .map(str::to_owned);
    audit(
        &app.pool,
        now,
        Some(who.user_id),
        "case.unmask",
        &id.to_string(),
    )
    .await?;
    Ok(Json(Unmasked {
        phone: row.get("phone"),
        id_number,
    }))
}

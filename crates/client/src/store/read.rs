//! Reading: the queue, one case, a caller's history, search.

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseState, CaseStatus};
use hotline_domain::text::{query_parts, QueryPart};
use serde::Serialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::{corrupt, LocalStore};
use crate::ClientError;

/// One case as the queue and search list it.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CaseRow {
    pub id: String,
    pub number: String,
    pub kind: String,
    pub status: String,
    pub phone: String,
    pub district: String,
    pub category: String,
    pub received_at: String,
    /// The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
    pub next_due: Option<DateTime<Utc>>,
    /// A clock runs but its due cannot be computed (no calendar data for its year).
    pub due_unknown: bool,
    /// The nearest due rests on days of a year whose notice is not imported yet (暂定).
    pub due_provisional: bool,
    pub next_clock: Option<String>,
    /// The clock's name (响应, 答复…).
    pub next_label: Option<String>,
    pub conflicts: i64,
    /// An open escalation (升级): to whom (empty: every supervisor) …
    pub escalated_to: Option<Vec<String>>,
    /// … and the supervisor who took it.
    pub escalation_taken_by: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub bureau: Option<String>,
    pub district: Option<String>,
    pub limit: Option<i64>,
}

pub(super) const COLUMNS: &str = "c.id, c.number, c.kind, c.status, c.phone, c.district, c.category, c.received_at, c.next_due, c.next_clock, c.next_label, c.conflicts, c.due_provisional, c.escalated_to, c.escalation_taken_by";
/// The statuses on the desk (`CaseStatus::on_the_desk`) as an SQL list: the queue, the
/// dashboard and alarm pruning name the set the domain defines. The queue's partial index
/// (`cases_queue`, migration 0002) must have the same predicate; a test holds them together.
pub(super) fn on_the_desk() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| CaseStatus::sql_list(CaseStatus::on_the_desk))
}

/// Cases a new call about the same matter may be merged into (`CaseStatus::takes_merges`).
fn takes_merges() -> &'static str {
    static LIST: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    LIST.get_or_init(|| CaseStatus::sql_list(CaseStatus::takes_merges))
}

pub(super) fn row(r: &SqliteRow) -> CaseRow {
    CaseRow {
        id: r.get("id"),
        number: r.get("number"),
        kind: r.get("kind"),
        status: r.get("status"),
        phone: r.get("phone"),
        district: r.get("district"),
        category: r.get("category"),
        received_at: r.get("received_at"),
        next_due: r
            .get::<Option<i64>, _>("next_due")
            .filter(|s| *s != 0)
            .and_then(|s| DateTime::from_timestamp(s, 0)),
        due_unknown: r.get::<Option<i64>, _>("next_due") == Some(0),
        due_provisional: r.get("due_provisional"),
        next_clock: r.get("next_clock"),
        next_label: r.get("next_label"),
        conflicts: r.get("conflicts"),
        escalated_to: r.get::<Option<String>, _>("escalated_to").map(|to| {
            to.split(',')
                .filter(|u| !u.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        escalation_taken_by: r.get("escalation_taken_by"),
    }
}

impl LocalStore {
    /// Open cases, the one whose deadline comes first first; a due that cannot be computed leads,
    /// cases with no running clock follow the rest.
    pub async fn queue(&self, f: &QueueFilter) -> Result<Vec<CaseRow>, ClientError> {
        // The desk's filters and index (queue.rs): one definition of what each filter means.
        let filter = super::QueueQuery {
            kind: f.kind.clone(),
            status: f.status.clone(),
            bureau: f.bureau.clone(),
            district: f.district.clone(),
            ..Default::default()
        };
        let open = on_the_desk();
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {COLUMNS} FROM cases c INDEXED BY cases_queue WHERE c.status IN {open}"
        ));
        self.push_filters(&mut q, &filter);
        q.push(" ORDER BY c.next_due IS NULL, c.next_due, c.received_at LIMIT ")
            .push_bind(f.limit.unwrap_or(10_000));
        Ok(q.build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(row)
            .collect())
    }

    /// A case by its id or its number, with its folded state.
    pub async fn case(&self, id_or_number: &str) -> Result<(CaseRow, CaseState), ClientError> {
        let r = sqlx::query(&format!("SELECT {COLUMNS}, s.state FROM cases c JOIN case_states s ON s.rid = c.rid WHERE c.id = ?1 OR c.number = ?1"))
            .bind(id_or_number.trim())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| ClientError::NotFound(id_or_number.to_owned()))?;
        let state: String = r.get("state");
        let state = serde_json::from_str(&state).map_err(|e| corrupt("stored case state", e))?;
        Ok((row(&r), state))
    }

    /// Every district a stored case names, most used first (the intake form's choices).
    pub async fn districts(&self) -> Result<Vec<String>, ClientError> {
        let rows = sqlx::query("SELECT district FROM cases WHERE district <> '' GROUP BY district ORDER BY count(*) DESC LIMIT 100")
            .fetch_all(&self.pool)
            .await?;
        Ok(rows.iter().map(|r| r.get("district")).collect())
    }

    /// The caller's earlier cases, newest first.
    pub async fn caller_history(
        &self,
        phone: &str,
        limit: i64,
    ) -> Result<Vec<CaseRow>, ClientError> {
        let phone =
            hotline_domain::case::normalise_phone(phone).unwrap_or_else(|| phone.trim().to_owned());
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM cases c WHERE c.phone = ? ORDER BY c.received_at DESC LIMIT ?"
        ))
        .bind(phone)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row).collect())
    }

    /// The case's events in the order every device folds them.
    pub async fn case_history(
        &self,
        case: hotline_domain::case::CaseId,
    ) -> Result<Vec<hotline_domain::case::Event>, ClientError> {
        let mut tx = self.pool.begin().await?;
        let events = super::cases::history(&mut tx, case).await?;
        tx.commit().await?;
        Ok(events)
    }

    /// Cases that may be the same matter as a new call: the same caller, or the same address and
    /// category, received since `since`, and still being worked on (received to replied: what a
    /// new call could be merged into); the newest first.
    pub async fn likely_duplicates(
        &self,
        phone: &str,
        address: &str,
        category: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<(CaseRow, &'static str)>, ClientError> {
        let phone = hotline_domain::case::normalise_phone(phone).unwrap_or_default();
        let address = address.trim();
        if phone.is_empty() && address.is_empty() {
            return Ok(vec![]);
        }
        let mergeable = takes_merges();
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, c.phone = ?1 AS same_caller FROM cases c
             WHERE c.received_at >= ?4 AND c.status IN {mergeable}
               AND ((?1 <> '' AND c.phone = ?1) OR (?2 <> '' AND c.address = ?2 AND c.category = ?3))
             ORDER BY c.received_at DESC LIMIT ?5"
        ))
        .bind(&phone)
        .bind(address)
        .bind(category)
        .bind(since.to_rfc3339())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    row(r),
                    if r.get::<bool, _>("same_caller") {
                        "same_caller"
                    } else {
                        "same_address"
                    },
                )
            })
            .collect())
    }

    /// Cases whose number, phone, caller, district or description contain every part of `text`,
    /// the most recently stored first (FTS5 walks its rowids backwards: no sort of all the hits,
    /// which matters for a term as common as 社保 among millions of cases).
    pub async fn search(&self, text: &str, limit: i64) -> Result<Vec<CaseRow>, ClientError> {
        let Some(fts) = fts_query(text) else {
            return Err(ClientError::Invalid {
                code: "search.empty",
                message:
                    "nothing to search for: give at least one character or digit / 请输入检索词"
                        .into(),
            });
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM case_search s JOIN cases c ON c.rid = s.rowid
             WHERE case_search MATCH ? ORDER BY s.rowid DESC LIMIT ?"
        ))
        .bind(fts)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(row).collect())
    }
}

/// An FTS5 query over the bigram tokens: phrases for Chinese runs, prefixes for the rest.
/// Tokens hold only letters and digits, so quoting them is enough to make the query safe.
fn fts_query(text: &str) -> Option<String> {
    let parts: Vec<String> = query_parts(text)
        .into_iter()
        .map(|p| match p {
            QueryPart::Phrase(bigrams) => format!("\"{}\"", bigrams.join(" ")),
            QueryPart::Prefix(t) => format!("\"{t}\"*"),
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

//! 质检 on the server (`quality_reviews`, migration 0019): the month's sample drawn for every
//! seat (`hotline_domain::quality::sample`: reproducible), a supervisor's review of each against
//! the policy's checklist, the seat's one contest, and the averages a report shows.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use hotline_domain::case::CaseId;
use hotline_domain::quality::{sample, QualityRule, ScoreError, SeatQuality};
use hotline_domain::time::from_local;
use sqlx::{PgPool, Row};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("no such case in the quality sample / 该工单不在质检抽样中")]
    NotSampled,
    #[error(
        "only the seat who recorded the case may contest its review / 仅受理该工单的坐席可申诉"
    )]
    NotYours,
    #[error("the case is not reviewed yet / 该工单尚未质检评分")]
    NotReviewed,
    #[error("a review is contested once / 每次质检仅可申诉一次")]
    AlreadyContested,
    #[error("give the reason for the contest / 请填写申诉理由")]
    NoReason,
}

impl QualityError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Db(_) => "db.error",
            Self::Score(e) => e.code(),
            Self::NotSampled => "quality.not_sampled",
            Self::NotYours => "quality.not_yours",
            Self::NotReviewed => "quality.not_reviewed",
            Self::AlreadyContested => "quality.already_contested",
            Self::NoReason => "quality.no_reason",
        }
    }
}

pub use hotline_domain::quality::QualityReview as Review;

/// The month (its first day) holding `date`, and its first and last instants.
fn month_of(date: NaiveDate) -> (NaiveDate, DateTime<Utc>, DateTime<Utc>) {
    let first = date.with_day(1).expect("day 1 exists");
    let start = from_local(first.and_hms_opt(0, 0, 0).expect("midnight"));
    let end = from_local(
        (first + Months::new(1))
            .and_hms_opt(0, 0, 0)
            .expect("midnight"),
    );
    (first, start, end)
}

/// Draws the month's sample for every seat that recorded cases in it (again: nothing new, the
/// draw being reproducible); returns the month's reviews.
pub async fn draw(
    pool: &PgPool,
    rule: &QualityRule,
    date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<Review>, QualityError> {
    let (month, start, end) = month_of(date);
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT c.id, u.name FROM cases c JOIN users u ON u.name = c.state->>'received_by'
         WHERE c.received_at >= $1 AND c.received_at < $2 AND u.role IN ('seat', 'supervisor')",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?;
    let mut by_seat: BTreeMap<String, Vec<CaseId>> = BTreeMap::new();
    for (id, seat) in rows {
        by_seat.entry(seat).or_default().push(CaseId(id));
    }
    let mut tx = pool.begin().await?;
    for (seat, cases) in &by_seat {
        for case in sample(month, seat, cases, rule.sample_per_seat as usize) {
            sqlx::query(
                "INSERT INTO quality_reviews (case_id, month, seat, drawn_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (case_id) DO NOTHING",
            )
            .bind(case.0)
            .bind(month)
            .bind(seat)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    list(pool, date, None).await
}

/// The month's reviews; of one seat only when `seat` is given.
pub async fn list(
    pool: &PgPool,
    date: NaiveDate,
    seat: Option<&str>,
) -> Result<Vec<Review>, QualityError> {
    let (month, _, _) = month_of(date);
    let rows = sqlx::query(
        "SELECT q.*, c.number FROM quality_reviews q JOIN cases c ON c.id = q.case_id
         WHERE q.month = $1 AND ($2::text IS NULL OR q.seat = $2) ORDER BY q.seat, c.number",
    )
    .bind(month)
    .bind(seat)
    .fetch_all(pool)
    .await?;
    Ok(rows.iter().map(review).collect())
}

fn review(r: &sqlx::postgres::PgRow) -> Review {
    let scores: Option<serde_json::Value> = r.get("scores");
    Review {
        case_id: r.get("case_id"),
        number: r.get("number"),
        month: r.get("month"),
        seat: r.get("seat"),
        reviewer: r.get("reviewer"),
        scores: scores.and_then(|s| serde_json::from_value(s).ok()),
        total: r.get("total"),
        full_marks: r.get("full_marks"),
        comment: r.get("comment"),
        reviewed_at: r.get("reviewed_at"),
        contest: r.get("contest"),
        contested_at: r.get("contested_at"),
    }
}

/// A supervisor scores a sampled case (again, after a contest, to settle it).
pub async fn score(
    pool: &PgPool,
    rule: &QualityRule,
    case: Uuid,
    reviewer: &str,
    scores: &BTreeMap<String, u32>,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), QualityError> {
    let total = rule.total(scores)?;
    let done = sqlx::query(
        "UPDATE quality_reviews SET reviewer = $2, scores = $3, total = $4, full_marks = $5,
                comment = $6, reviewed_at = $7 WHERE case_id = $1",
    )
    .bind(case)
    .bind(reviewer)
    .bind(serde_json::to_value(scores).expect("scores serialise"))
    .bind(total as i32)
    .bind(rule.full_marks() as i32)
    .bind(comment.trim())
    .bind(now)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(QualityError::NotSampled);
    }
    Ok(())
}

/// A review's seat, when it was scored and when contested.
type ContestState = (String, Option<DateTime<Utc>>, Option<DateTime<Utc>>);

/// The seat contests its review, once.
pub async fn contest(
    pool: &PgPool,
    case: Uuid,
    seat: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), QualityError> {
    if reason.trim().is_empty() {
        return Err(QualityError::NoReason);
    }
    let row: Option<ContestState> = sqlx::query_as(
        "SELECT seat, reviewed_at, contested_at FROM quality_reviews WHERE case_id = $1",
    )
    .bind(case)
    .fetch_optional(pool)
    .await?;
    let Some((owner, reviewed, contested)) = row else {
        return Err(QualityError::NotSampled);
    };
    if owner != seat {
        return Err(QualityError::NotYours);
    }
    if reviewed.is_none() {
        return Err(QualityError::NotReviewed);
    }
    if contested.is_some() {
        return Err(QualityError::AlreadyContested);
    }
    // The condition again in the update: two contests at once, one wins.
    let done = sqlx::query(
        "UPDATE quality_reviews SET contest = $2, contested_at = $3
         WHERE case_id = $1 AND contested_at IS NULL",
    )
    .bind(case)
    .bind(reason.trim())
    .bind(now)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(QualityError::AlreadyContested);
    }
    Ok(())
}

/// Each seat's reviews of the months in [first, last]: count, mean share of full marks,
/// contests. Best first.
pub async fn averages(
    pool: &PgPool,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<SeatQuality>, sqlx::Error> {
    let rows: Vec<(String, i64, Option<f64>, i64)> = sqlx::query_as(
        "SELECT seat, count(*), avg(total::float8 / full_marks), count(contested_at)
         FROM quality_reviews WHERE month >= $1 AND month <= $2 AND reviewed_at IS NOT NULL
         GROUP BY seat ORDER BY 3 DESC, seat",
    )
    .bind(first.with_day(1).expect("day 1 exists"))
    .bind(last)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(seat, reviewed, average, contested)| SeatQuality {
            seat,
            reviewed,
            average,
            contested,
        })
        .collect())
}

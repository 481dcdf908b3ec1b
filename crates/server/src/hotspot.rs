//! 热点预警 on the server: each supervision pass tallies today's cases by category and district,
//! and by category and street (`cases.street`, migration 0018), against the baseline days
//! before; the clusters the centre's rule finds hot (`HotspotRule::to_raise`) are recorded once a
//! day each (`hotspots`) with a `hotspot_raised` step on the cluster's first case, addressed to
//! the supervisors on duty. Seats receive it like any step: the desks of those supervisors
//! notify them, and their dashboards list it with a button that merges the cluster.

use chrono::{DateTime, Days, Utc};
use hotline_domain::case::limits::MAX_CLUSTER_CASES;
use hotline_domain::case::{CaseId, CaseState, EventBody};
use hotline_domain::hotspot::{DayTally, HotspotPlace, HotspotRule};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::{from_local, local_date};
use sqlx::PgPool;
use uuid::Uuid;

use crate::supervise::SystemSteps;

/// A case of the tally's category in its place ($3 category, $4 district, $5 street; an empty
/// street: the whole district): one predicate for the baseline count and the cluster's cases.
const IN_PLACE: &str = "category = $3 AND district = $4 AND ($5 = '' OR street = $5)";

/// One pass at `now`; returns how many hotspots it raised.
pub async fn run_once(
    pool: &PgPool,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let policy = crate::centre_policy::history(pool)
        .await?
        .current()
        .policy
        .clone();
    let (rule, catalog) = (&policy.hotspot, &policy.catalog);
    let start = from_local(local_date(now).and_hms_opt(0, 0, 0).expect("midnight"));
    let tallies = tallies(pool, rule, start, now).await?;
    let raise = rule.to_raise(&tallies);
    if raise.is_empty() {
        return Ok(0);
    }
    let to = crate::roster::supervisors_for(pool, now).await?;
    let mut tx = pool.begin().await?;
    let mut steps = SystemSteps::begin(&mut tx, now).await?;
    for t in raise {
        let cases = cluster(&mut tx, t, start, now).await?;
        let Some(lead) = cases.first().copied() else {
            continue;
        };
        let new: Option<Uuid> = sqlx::query_scalar(
            "INSERT INTO hotspots (day, category, district, street, lead, count, baseline, raised_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING lead",
        )
        .bind(local_date(now))
        .bind(&t.category)
        .bind(&t.place.district)
        .bind(&t.place.street)
        .bind(lead)
        .bind(t.today as i32)
        .bind(t.baseline as i32)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        if new.is_none() {
            continue; // raised by an earlier pass today
        }
        let histories = crate::snapshot::histories(&mut tx, &[lead]).await?;
        let Some(events) = histories.get(&lead) else {
            continue;
        };
        let mut state = CaseState::fold(events);
        let category = catalog
            .category(&t.category)
            .map_or(t.category.as_str(), |c| c.label.as_str());
        let body = EventBody::HotspotRaised {
            category: t.category.clone(),
            label: format!("{} · {category}", t.place.label_zh()),
            place: t.place.clone(),
            count: t.today,
            baseline: t.baseline,
            baseline_days: rule.baseline_days,
            cases: cases.iter().map(|c| CaseId(*c)).collect(),
            to: to.clone(),
        };
        steps.offer(&mut state, CaseId(lead), body);
    }
    steps.commit(tx, cal).await
}

/// Today's counts per category and district and per category and street, with the baseline
/// counts of those that could be hot (the baseline is read only for them).
async fn tallies(
    pool: &PgPool,
    rule: &HotspotRule,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<DayTally>, sqlx::Error> {
    let today: Vec<(String, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT category, district, street, count(*) FROM cases
         WHERE received_at >= $1 AND received_at <= $2
         GROUP BY GROUPING SETS ((category, district), (category, district, street))
         HAVING count(*) >= $3",
    )
    .bind(start)
    .bind(now)
    .bind(i64::from(rule.min_cases))
    .fetch_all(pool)
    .await?;
    let base_start = start - Days::new(u64::from(rule.baseline_days));
    let mut out = Vec::new();
    for (category, district, street, n) in today {
        // A grouping by street keeps the cases without one apart: no street cluster of them.
        if street.as_deref() == Some("") {
            continue;
        }
        let street = street.unwrap_or_default();
        let baseline: i64 = sqlx::query_scalar(&format!(
            "SELECT count(*) FROM cases WHERE received_at >= $1 AND received_at < $2 AND {IN_PLACE}"
        ))
        .bind(base_start)
        .bind(start)
        .bind(&category)
        .bind(&district)
        .bind(&street)
        .fetch_one(pool)
        .await?;
        out.push(DayTally {
            category,
            place: HotspotPlace { district, street },
            today: u32::try_from(n).unwrap_or(u32::MAX),
            baseline: u32::try_from(baseline).unwrap_or(u32::MAX),
        });
    }
    Ok(out)
}

/// Today's cases of the cluster, first received first.
async fn cluster(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    t: &DayTally,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT id FROM cases WHERE received_at >= $1 AND received_at <= $2 AND {IN_PLACE}
         ORDER BY received_at, id LIMIT $6"
    ))
    .bind(start)
    .bind(now)
    .bind(&t.category)
    .bind(&t.place.district)
    .bind(&t.place.street)
    .bind(MAX_CLUSTER_CASES as i64)
    .fetch_all(&mut **tx)
    .await
}

//! The bureaus' assessment (考核) in a report: each bureau's figures for the period
//! (`hotline_domain::case::assessment::BureauFigures`, every figure defined there), its score
//! under the centre's weights, its rank, and both against the period before.
//!
//! Counted from the report facts in grouped scans: cases received that went to the bureau
//! (`cases.bureau`, as the report's bureau table), clock runs decided in the period
//! (`clock_runs.decided_at`, as the report's on-time figures), callbacks judging its replies,
//! the steps the fold keeps for it (`bureau_steps`, migration 0016), and repeat complaints.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use hotline_domain::case::assessment::{
    ranks, AssessmentWeights, BureauFigures, OnTimeCount, REPEAT_KIND, REPEAT_WITHIN_DAYS,
};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};

use super::compute::CENTRE;
use super::period::Period;

pub use hotline_domain::case::assessment::{Assessment, AssessmentRow};

/// The assessment of a period from its bureaus' figures (`this`), against the period before
/// (`last`, titled `before`): scores under the centre's weights, ranks, and their change.
pub fn rank(
    before: &Period,
    this: BTreeMap<String, BureauFigures>,
    last: &BTreeMap<String, BureauFigures>,
    weights: &AssessmentWeights,
    clock_labels: &BTreeMap<String, String>,
    names: &BTreeMap<String, String>,
) -> Assessment {
    let score = |f: &BTreeMap<String, BureauFigures>| -> BTreeMap<String, f64> {
        f.iter()
            .filter_map(|(b, f)| Some((b.clone(), f.score(weights)?)))
            .collect()
    };
    let (scores, last_scores) = (score(&this), score(last));
    let rank_of = |s: &BTreeMap<String, f64>| -> BTreeMap<String, u32> {
        let codes: Vec<&String> = s.keys().collect();
        let r = ranks(&s.values().map(|v| Some(*v)).collect::<Vec<_>>());
        codes
            .into_iter()
            .zip(r)
            .filter_map(|(c, r)| Some((c.clone(), r?)))
            .collect()
    };
    let (now_ranks, last_ranks) = (rank_of(&scores), rank_of(&last_scores));
    let mut rows: Vec<AssessmentRow> = this
        .into_iter()
        .map(|(bureau, figures)| AssessmentRow {
            name: names
                .get(&bureau)
                .cloned()
                .unwrap_or_else(|| bureau.clone()),
            score: scores.get(&bureau).copied(),
            rank: now_ranks.get(&bureau).copied(),
            previous_score: last_scores.get(&bureau).copied(),
            previous_rank: last_ranks.get(&bureau).copied(),
            score_change: scores
                .get(&bureau)
                .zip(last_scores.get(&bureau))
                .map(|(a, b)| a - b),
            on_time_rate: hotline_domain::case::facts::on_time_rate(
                figures.decided(),
                figures.met(),
            ),
            satisfaction_rate: figures.satisfaction.rate(),
            figures,
            bureau,
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.rank.is_none(), a.rank, &a.bureau).cmp(&(b.rank.is_none(), b.rank, &b.bureau))
    });
    let mut keys: Vec<String> = rows
        .iter()
        .flat_map(|r| r.figures.on_time.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    Assessment {
        weights: weights.clone(),
        previous: before.title_zh(),
        clocks: keys
            .into_iter()
            .map(|k| {
                let label = clock_labels.get(&k).cloned().unwrap_or_else(|| k.clone());
                (k, label)
            })
            .collect(),
        rows,
    }
}

/// Every bureau's figures for `period` (the centre's own clocks are no bureau's: left out).
pub async fn figures(
    pool: &PgPool,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, BureauFigures>, sqlx::Error> {
    let (counted, steps) = tokio::try_join!(counted(pool, period, now), steps(pool, period))?;
    Ok(merge(counted, steps))
}

/// Per bureau, the figures the centre's report also counts in its own scans (which take them
/// from there, `compute::Scans::bureau_figures`): cases received, clock runs decided by clock,
/// callbacks by satisfaction.
pub async fn counted(
    pool: &PgPool,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<BTreeMap<String, BureauFigures>, sqlx::Error> {
    let (start, end) = (period.start(), period.end());
    let received = sqlx::query(
        "SELECT bureau, count(*) AS n FROM cases
         WHERE received_at >= $1 AND received_at < $2 AND bureau IS NOT NULL GROUP BY bureau",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool);
    let on_time = sqlx::query(
        "SELECT bureau, clock, count(*) AS n, count(*) FILTER (WHERE met) AS met
         FROM clock_runs WHERE decided_at >= $1 AND decided_at < $2 AND bureau <> ''
         GROUP BY bureau, clock",
    )
    .bind(start)
    .bind(end.min(now))
    .fetch_all(pool);
    let callbacks = sqlx::query(
        "SELECT bureau, satisfaction, count(*) AS n FROM callbacks
         WHERE at >= $1 AND at < $2 AND bureau <> '' GROUP BY bureau, satisfaction",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool);
    let (received, on_time, callbacks) = tokio::try_join!(received, on_time, callbacks)?;
    let mut out = BTreeMap::new();
    received.iter().for_each(|r| add_received(&mut out, r));
    on_time.iter().for_each(|r| add_on_time(&mut out, r));
    callbacks.iter().for_each(|r| add_callbacks(&mut out, r));
    Ok(out)
}

/// A row `(bureau, n)`: cases received that went to the bureau.
pub(super) fn add_received(out: &mut BTreeMap<String, BureauFigures>, r: &PgRow) {
    out.entry(r.get("bureau")).or_default().received = r.get("n");
}

/// A row `(bureau, clock, n, met)`: one clock's runs decided and met.
pub(super) fn add_on_time(out: &mut BTreeMap<String, BureauFigures>, r: &PgRow) {
    out.entry(r.get("bureau")).or_default().on_time.insert(
        r.get("clock"),
        OnTimeCount {
            decided: r.get("n"),
            met: r.get("met"),
        },
    );
}

/// A row `(bureau, satisfaction, n)`: callbacks on its replies.
pub(super) fn add_callbacks(out: &mut BTreeMap<String, BureauFigures>, r: &PgRow) {
    let s: String = r.get("satisfaction");
    out.entry(r.get("bureau"))
        .or_default()
        .satisfaction
        .add(&s, r.get("n"));
}

/// The figures only the assessment counts: each bureau's steps and the repeat complaints.
pub struct Steps {
    steps: Vec<PgRow>,
    repeats: Vec<(String, i64)>,
}

/// The steps and repeat complaints of `period`, to [`merge`] with its counted figures.
pub async fn steps(pool: &PgPool, period: &Period) -> Result<Steps, sqlx::Error> {
    let (start, end) = (period.start(), period.end());
    let steps = sqlx::query(
        "SELECT bureau, step, count(*) AS n FROM bureau_steps
         WHERE at >= $1 AND at < $2 GROUP BY bureau, step",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool);
    let (steps, repeats) = tokio::try_join!(steps, repeats(pool, start, end))?;
    Ok(Steps { steps, repeats })
}

/// The bureaus' whole figures: the counted ones with their steps and repeats; the centre's
/// own (the empty code) is no bureau's and is left out.
pub fn merge(
    mut out: BTreeMap<String, BureauFigures>,
    steps: Steps,
) -> BTreeMap<String, BureauFigures> {
    for r in steps.steps {
        let code: String = r.get("step");
        if let Some(kind) = hotline_domain::case::assessment::BureauStepKind::from_code(&code) {
            out.entry(r.get("bureau"))
                .or_default()
                .add_step(kind, r.get("n"));
        }
    }
    for (bureau, n) in steps.repeats {
        out.entry(bureau).or_default().repeats = n;
    }
    out.remove(CENTRE);
    out
}

/// Complaints received in [start, end) repeating the same caller's complaint of the same
/// category received at most `REPEAT_WITHIN_DAYS` before (`assessment::repeats`: strictly
/// earlier, at most that many days), counted against the bureau that held the latest such
/// earlier one (the centre's own: the empty code). One pass over the period's complaints and
/// the days before it (migration 0022's index), each caller's and category's in received order:
/// the window frame is that caller's complaints of the category in the days before, its own
/// time excluded.
async fn repeats(
    pool: &PgPool,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    // The kind written into the statement, not bound: a generic plan could not match the
    // partial index's `kind = 'complaint'` to a parameter.
    let sql = format!(
        "SELECT bureau, count(*) FROM (
             SELECT received_at, count(*) OVER w AS earlier, last_value(coalesce(bureau, '')) OVER w AS bureau
             FROM cases
             WHERE kind = '{REPEAT_KIND}' AND phone <> ''
               AND received_at >= $1 - make_interval(days => $3) AND received_at < $2
             WINDOW w AS (PARTITION BY phone, category ORDER BY received_at
                          RANGE BETWEEN make_interval(days => $3) PRECEDING AND CURRENT ROW EXCLUDE GROUP)
         ) c
         WHERE received_at >= $1 AND earlier > 0
         GROUP BY bureau"
    );
    sqlx::query_as(&sql)
        .bind(start)
        .bind(end)
        .bind(REPEAT_WITHIN_DAYS as i32)
        .fetch_all(pool)
        .await
}

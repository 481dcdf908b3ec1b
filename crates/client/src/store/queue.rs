//! The work queue: open cases in one list, the nearest deadline first, each with its traffic
//! light, read a page at a time (the desktop list is virtualised) with the counts computed here
//! rather than in the page.

use chrono::{DateTime, Utc};
use hotline_domain::sla::{Light, LightChange};
use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::read::{on_the_desk, row, CaseRow, COLUMNS};
use super::LocalStore;
use crate::ClientError;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
pub struct QueueQuery {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub bureau: Option<String>,
    pub district: Option<String>,
    /// Only cases this user recorded.
    pub mine: bool,
    pub light: Option<Light>,
    pub offset: i64,
    pub limit: i64,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct QueueRow {
    #[serde(flatten)]
    pub case: CaseRow,
    /// The light at the page's `now`, and the changes still to come (`LightSchedule`): the desk
    /// follows them between reloads without knowing the rule.
    pub light: Light,
    pub light_changes: Vec<LightChange>,
}

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct LightCounts {
    pub red: i64,
    pub yellow: i64,
    pub green: i64,
    pub unknown: i64,
    pub none: i64,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct QueuePage {
    /// The instant the lights were read at: the desktop counts down from it.
    pub now: DateTime<Utc>,
    /// Cases matching the filters (every light), and per light.
    pub total: i64,
    pub counts: LightCounts,
    pub offset: i64,
    pub rows: Vec<QueueRow>,
}

/// The light of a row at unix second `t` (an integer we computed, so formatting it in is safe):
/// the latest of the changes the snapshot stored from the domain's `LightSchedule` that has
/// passed (`at_risk` is when it turns yellow, `red_from` red), else its first light.
fn light_sql(t: i64) -> String {
    format!(
        "CASE WHEN c.red_from <= {t} THEN 'red' WHEN c.at_risk <= {t} THEN 'yellow' ELSE c.light_first END"
    )
}

/// A row's light changes after `now`, from the instants its snapshot stored.
fn changes_after(r: &SqliteRow, now: DateTime<Utc>) -> Vec<LightChange> {
    [("at_risk", Light::Yellow), ("red_from", Light::Red)]
        .into_iter()
        .filter_map(|(column, light)| {
            let at = DateTime::from_timestamp(r.get::<Option<i64>, _>(column)?, 0)?;
            (at > now).then_some(LightChange { at, light })
        })
        .collect()
}

/// The most rows one page may ask for.
const MAX_PAGE: i64 = 1000;

impl LocalStore {
    /// The filters' SQL, for the desk's pages and the CLI's `hotline queue` alike.
    pub(super) fn push_filters(&self, q: &mut QueryBuilder<'_, Sqlite>, f: &QueueQuery) {
        if let Some(k) = &f.kind {
            q.push(" AND c.kind = ").push_bind(k.clone());
        }
        if let Some(s) = &f.status {
            q.push(" AND c.status = ").push_bind(s.clone());
        }
        if let Some(d) = &f.district {
            q.push(" AND c.district = ").push_bind(d.clone());
        }
        if let Some(b) = &f.bureau {
            // The bureau's cases as one set, checked against the index's ids (a lookup per row
            // into case_bureaus cost ~100 ms over 50,000 cases). A case re-dispatched away is no
            // longer the bureau's, as on the server (`api::cases::scope`).
            q.push(" AND c.id IN (SELECT cb.case_id FROM case_bureaus cb WHERE cb.bureau = ")
                .push_bind(b.clone())
                .push(" AND cb.status <> 'withdrawn')");
        }
        if f.mine {
            q.push(" AND c.owner = ")
                .push_bind(self.identity.user.clone());
        }
    }

    /// One page of the queue and the counts of the whole filtered queue, read at `now`.
    pub async fn queue_page(
        &self,
        f: &QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<QueuePage, ClientError> {
        let light_sql = light_sql(now.timestamp());
        let open = on_the_desk();
        let mut counts_q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT light, count(*) AS n FROM (SELECT {light_sql} AS light FROM cases c INDEXED BY cases_queue WHERE c.status IN {open}"
        ));
        self.push_filters(&mut counts_q, f);
        counts_q.push(") GROUP BY light");
        let mut counts = LightCounts::default();
        for r in counts_q.build().fetch_all(&self.pool).await? {
            let n: i64 = r.get("n");
            match Light::parse(r.get("light")) {
                Some(Light::Red) => counts.red = n,
                Some(Light::Yellow) => counts.yellow = n,
                Some(Light::Green) => counts.green = n,
                Some(Light::Unknown) => counts.unknown = n,
                Some(Light::None) | None => counts.none += n,
            }
        }
        let total = counts.red + counts.yellow + counts.green + counts.unknown + counts.none;

        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT {COLUMNS}, c.at_risk, c.red_from, {light_sql} AS light FROM cases c INDEXED BY cases_queue WHERE c.status IN {open}"
        ));
        self.push_filters(&mut q, f);
        if let Some(light) = f.light {
            q.push(format!(" AND {light_sql} = "))
                .push_bind(light.code());
        }
        q.push(" ORDER BY c.next_due IS NULL, c.next_due, c.received_at LIMIT ")
            .push_bind(f.limit.clamp(1, MAX_PAGE))
            .push(" OFFSET ")
            .push_bind(f.offset.max(0));
        let rows = q
            .build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| QueueRow {
                case: row(r),
                light: Light::parse(r.get("light")).unwrap_or(Light::None),
                light_changes: changes_after(r, now),
            })
            .collect();
        Ok(QueuePage {
            now,
            total,
            counts,
            offset: f.offset.max(0),
            rows,
        })
    }
}

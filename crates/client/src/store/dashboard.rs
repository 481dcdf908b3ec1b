//! The supervisor's live dashboard, the decision list and the callback queue, over the seat's
//! own copy of every case (supervisors see all cases): queue depth and lights now; volume,
//! on-time and satisfaction since the start of today or of the month (China time), counted from
//! the report facts exactly as the server's reports count them. Every figure names the cases
//! behind it ([`Figure`]) so the desk can list them.

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::queue::LightCounts;
use super::read::{on_the_desk, row, CaseRow, COLUMNS};
use super::LocalStore;
use crate::ClientError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum DashPeriod {
    #[default]
    Day,
    Month,
}

impl DashPeriod {
    /// The period's first instant in China time, for `now`.
    pub fn start(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let today = hotline_domain::time::local_date(now);
        let first = match self {
            Self::Day => today,
            Self::Month => today.with_day(1).expect("day 1"),
        };
        hotline_domain::time::from_local(first.and_hms_opt(0, 0, 0).expect("midnight"))
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct DepthCell {
    pub kind: String,
    pub status: String,
    pub count: i64,
}

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct OnTimeRow {
    /// A bureau code ("" for the centre's own clocks) or a case kind.
    pub key: String,
    pub decided: i64,
    pub met: i64,
    /// `facts::on_time_rate`: the desk shows it, never divides itself.
    pub rate: Option<f64>,
}

use hotline_domain::case::facts::on_time_rate;
pub use hotline_domain::case::facts::SatisfactionCounts;

#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Dashboard {
    pub now: DateTime<Utc>,
    /// The centre's date at `now` (China time, by the desk's clock): the report form's default.
    pub today: chrono::NaiveDate,
    pub period: DashPeriod,
    pub since: DateTime<Utc>,
    /// Open cases by kind and status, now.
    pub depth: Vec<DepthCell>,
    /// The statuses the depth counts, in their order (`CaseStatus::on_the_desk`): the columns
    /// of the dashboard's table.
    pub depth_statuses: Vec<&'static str>,
    pub lights: LightCounts,
    pub received: i64,
    pub by_hour: Vec<i64>,
    pub by_channel: Vec<(String, i64)>,
    pub on_time_by_bureau: Vec<OnTimeRow>,
    pub on_time_by_kind: Vec<OnTimeRow>,
    pub satisfaction: SatisfactionCounts,
    /// `SatisfactionCounts::rate`; none without callbacks.
    pub satisfaction_rate: Option<f64>,
    /// Cases with steps their history could not take (two seats acting apart).
    pub conflicts: i64,
    /// Cases waiting on a supervisor's decision.
    pub decisions: i64,
    /// Replied cases whose callback is due.
    pub callbacks_due: i64,
    /// The hotspots of the last two days (热点预警), newest first.
    pub hotspots: Vec<super::hotspots::HotspotRow>,
}

/// The cases behind one figure of the dashboard.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "figure", rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum Figure {
    Depth {
        kind: String,
        status: String,
    },
    /// Clock runs that broke in the period, for one bureau ("" the centre) and/or kind.
    Late {
        bureau: Option<String>,
        kind: Option<String>,
    },
    Hour {
        hour: u32,
    },
    Channel {
        channel: String,
    },
    Satisfaction {
        satisfaction: String,
    },
    Conflicts,
}

/// A case waiting on a supervisor, and how many decisions it holds.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DecisionRow {
    #[serde(flatten)]
    pub case: CaseRow,
    pub decisions: i64,
    /// The due of the clock the decision concerns (None: a conflict, decide first).
    pub decision_due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CallbackRow {
    #[serde(flatten)]
    pub case: CaseRow,
    pub replied_at: DateTime<Utc>,
}

/// The most rows a figure's list returns.
const MAX_ROWS: i64 = 500;

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// The local hour of a stored RFC 3339 instant (China time is UTC+8 without summer time).
const LOCAL_HOUR: &str = "CAST(strftime('%H', c.received_at, '+8 hours') AS INTEGER)";

impl LocalStore {
    pub async fn dashboard(
        &self,
        period: DashPeriod,
        now: DateTime<Utc>,
        callback_after_days: u32,
    ) -> Result<Dashboard, ClientError> {
        let since = period.start(now);
        // Up to and including this second: what was recorded just now counts. A clock due this
        // very second has not broken yet (it breaks after its due).
        let end = now + chrono::Duration::seconds(1);
        let (from, until) = (since.timestamp(), end.timestamp());
        let open = on_the_desk();
        let depth = sqlx::query(&format!("SELECT kind, status, count(*) AS n FROM cases c WHERE status IN {open} GROUP BY kind, status ORDER BY kind, status"))
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| DepthCell { kind: r.get("kind"), status: r.get("status"), count: r.get("n") })
            .collect();
        let lights = self.queue_page(&Default::default(), now).await?.counts;
        let mut by_hour = vec![0; 24];
        let mut received = 0;
        for r in sqlx::query(&format!("SELECT {LOCAL_HOUR} AS h, count(*) AS n FROM cases c WHERE c.received_at >= ? AND c.received_at < ? GROUP BY h"))
            .bind(ts(since))
            .bind(ts(end))
            .fetch_all(&self.pool)
            .await?
        {
            let (h, n): (i64, i64) = (r.get("h"), r.get("n"));
            by_hour[h.clamp(0, 23) as usize] = n;
            received += n;
        }
        let by_channel = sqlx::query_as::<_, (String, i64)>(
            "SELECT channel, count(*) FROM cases c WHERE c.received_at >= ? AND c.received_at < ? GROUP BY channel ORDER BY count(*) DESC, channel",
        )
        .bind(ts(since))
        .bind(ts(end))
        .fetch_all(&self.pool)
        .await?;
        let on_time = |column: &'static str| async move {
            sqlx::query(&format!(
                "SELECT {column} AS k, count(*) AS n, sum(met) AS met FROM clock_runs
                 WHERE decided_at >= ? AND decided_at < (CASE WHEN met THEN ? ELSE ? END) GROUP BY {column} ORDER BY {column}"
            ))
            .bind(from)
            .bind(until)
            .bind(now.timestamp())
            .fetch_all(&self.pool)
            .await
            .map(|rows| rows.iter().map(|r| {
                let (decided, met) = (r.get("n"), r.get("met"));
                OnTimeRow { key: r.get("k"), decided, met, rate: on_time_rate(decided, met) }
            }).collect::<Vec<_>>())
        };
        let on_time_by_bureau = on_time("bureau").await?;
        let on_time_by_kind = on_time("kind").await?;
        let mut satisfaction = SatisfactionCounts::default();
        for (s, n) in sqlx::query_as::<_, (String, i64)>("SELECT satisfaction, count(*) FROM callbacks WHERE at >= ? AND at < ? GROUP BY satisfaction")
            .bind(from)
            .bind(until)
            .fetch_all(&self.pool)
            .await?
        {
            satisfaction.add(&s, n);
        }
        let conflicts: i64 = sqlx::query_scalar("SELECT count(*) FROM cases WHERE conflicts > 0")
            .fetch_one(&self.pool)
            .await?;
        let decisions: i64 = sqlx::query_scalar("SELECT count(*) FROM cases WHERE decisions > 0")
            .fetch_one(&self.pool)
            .await?;
        let callbacks_due: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM cases WHERE status = 'replied' AND replied_at < ?",
        )
        .bind(callback_cutoff(now, callback_after_days))
        .fetch_one(&self.pool)
        .await?;
        Ok(Dashboard {
            now,
            today: hotline_domain::time::local_date(now),
            period,
            since,
            depth,
            depth_statuses: hotline_domain::case::CaseStatus::ALL
                .into_iter()
                .filter(|s| s.on_the_desk())
                .map(|s| s.code())
                .collect(),
            lights,
            received,
            by_hour,
            by_channel,
            on_time_by_bureau,
            on_time_by_kind,
            satisfaction_rate: satisfaction.rate(),
            satisfaction,
            conflicts,
            decisions,
            callbacks_due,
            hotspots: self.hotspots(now).await?,
        })
    }

    /// The cases behind a figure, newest first (at most 500).
    pub async fn figure_cases(
        &self,
        figure: &Figure,
        period: DashPeriod,
        now: DateTime<Utc>,
    ) -> Result<Vec<CaseRow>, ClientError> {
        let since = period.start(now);
        let end = now + chrono::Duration::seconds(1);
        let mut q: QueryBuilder<Sqlite> =
            QueryBuilder::new(format!("SELECT {COLUMNS} FROM cases c WHERE "));
        let received_in_period = |q: &mut QueryBuilder<Sqlite>| {
            q.push("c.received_at >= ")
                .push_bind(ts(since))
                .push(" AND c.received_at < ")
                .push_bind(ts(end));
        };
        match figure {
            Figure::Depth { kind, status } => {
                q.push(format!("c.status IN {} AND c.kind = ", on_the_desk()))
                    .push_bind(kind.clone())
                    .push(" AND c.status = ")
                    .push_bind(status.clone());
            }
            Figure::Late { bureau, kind } => {
                q.push(
                    "c.rid IN (SELECT case_rid FROM clock_runs WHERE NOT met AND decided_at >= ",
                )
                .push_bind(since.timestamp())
                .push(" AND decided_at < ")
                .push_bind(now.timestamp());
                if let Some(b) = bureau {
                    q.push(" AND bureau = ").push_bind(b.clone());
                }
                if let Some(k) = kind {
                    q.push(" AND kind = ").push_bind(k.clone());
                }
                q.push(")");
            }
            Figure::Hour { hour } => {
                received_in_period(&mut q);
                q.push(format!(" AND {LOCAL_HOUR} = "))
                    .push_bind(i64::from(*hour));
            }
            Figure::Channel { channel } => {
                received_in_period(&mut q);
                q.push(" AND c.channel = ").push_bind(channel.clone());
            }
            Figure::Satisfaction { satisfaction } => {
                q.push("c.rid IN (SELECT case_rid FROM callbacks WHERE at >= ")
                    .push_bind(since.timestamp())
                    .push(" AND at < ")
                    .push_bind(end.timestamp())
                    .push(" AND satisfaction = ")
                    .push_bind(satisfaction.clone())
                    .push(")");
            }
            Figure::Conflicts => {
                q.push("c.conflicts > 0");
            }
        }
        q.push(" ORDER BY c.received_at DESC LIMIT ")
            .push_bind(MAX_ROWS);
        Ok(q.build()
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(row)
            .collect())
    }

    /// What waits on a supervisor, the most urgent first: conflicts, then by the due of the
    /// clock the decision concerns.
    pub async fn decisions(&self) -> Result<Vec<DecisionRow>, ClientError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, c.decisions, c.decision_due FROM cases c WHERE c.decisions > 0 ORDER BY c.decision_due, c.received_at LIMIT {MAX_ROWS}"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| DecisionRow {
                case: row(r),
                decisions: r.get("decisions"),
                decision_due: r
                    .get::<Option<i64>, _>("decision_due")
                    .filter(|t| *t > 0)
                    .and_then(|t| DateTime::from_timestamp(t, 0)),
            })
            .collect())
    }

    /// Replied cases whose callback is due (from the start of the local day `after_days` after
    /// the reply), the longest waiting first.
    pub async fn callbacks_due(
        &self,
        now: DateTime<Utc>,
        after_days: u32,
    ) -> Result<Vec<CallbackRow>, ClientError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS}, c.replied_at FROM cases c WHERE c.status = 'replied' AND c.replied_at < ? ORDER BY c.replied_at LIMIT {MAX_ROWS}"
        ))
        .bind(callback_cutoff(now, after_days))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(CallbackRow {
                    case: row(r),
                    replied_at: DateTime::from_timestamp(r.get("replied_at"), 0)?,
                })
            })
            .collect())
    }
}

/// A reply before this (unix seconds) is due for its callback at `now`: the start of the local
/// day `after_days - 1` days before today (after_days = 1: replied before today).
fn callback_cutoff(now: DateTime<Utc>, after_days: u32) -> i64 {
    if after_days == 0 {
        return now.timestamp() + 1; // at once
    }
    let today = hotline_domain::time::local_date(now);
    let day = today - chrono::Days::new(u64::from(after_days.saturating_sub(1)));
    hotline_domain::time::from_local(day.and_hms_opt(0, 0, 0).expect("midnight")).timestamp()
}

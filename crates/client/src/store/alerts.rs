//! Desktop alerts: which alert points are due, each handed out exactly once. A point is marked
//! sent in the same statement that returns it, so two processes on one store (the app and the
//! CLI) or a restart never send it again; a crash between marking and showing loses one alert
//! rather than repeating it.

use chrono::{DateTime, Utc};
use hotline_domain::sla::SlaAmount;
use serde::Serialize;
use sqlx::Row;

use super::LocalStore;
use crate::ClientError;

/// Whose cases alert on this desktop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertScope {
    /// Every case in the local store (supervisors; bureau handlers, whose store holds only
    /// their bureau's cases).
    All,
    /// Cases this user recorded (seats).
    Mine,
}

/// One alert to show: the most severe due point of one clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueAlert {
    pub case_id: String,
    pub number: String,
    pub kind: String,
    pub category: String,
    pub clock: String,
    /// The clock's name (响应, 答复…).
    pub label: String,
    pub bureau: Option<String>,
    /// `breached`, or `left:<unit>:<amount>`.
    pub threshold: String,
    pub due: DateTime<Utc>,
}

impl DueAlert {
    /// "已超时", or what is left: "剩余15分钟", "剩余工作时间1小时".
    pub fn threshold_zh(&self) -> String {
        let mut parts = self.threshold.split(':');
        let (Some("left"), Some(unit), Some(value)) = (parts.next(), parts.next(), parts.next().and_then(|v| v.parse().ok())) else {
            return "已超时".into();
        };
        let amount = match unit {
            "working_minutes" => SlaAmount::WorkingMinutes(value),
            "working_days" => SlaAmount::WorkingDays(value),
            "days" => SlaAmount::Days(value),
            _ => SlaAmount::Minutes(value),
        };
        format!("剩余{amount}")
    }
}

impl LocalStore {
    fn scope_sql(&self, scope: AlertScope) -> (&'static str, String) {
        match scope {
            AlertScope::All => ("1 = 1", String::new()),
            AlertScope::Mine => ("case_id IN (SELECT id FROM cases WHERE owner = ?)", self.identity.user.clone()),
        }
    }

    /// When the next unsent alert point in scope falls due: what the scheduler sleeps until.
    pub async fn next_alert_at(&self, scope: AlertScope) -> Result<Option<DateTime<Utc>>, ClientError> {
        let (filter, user) = self.scope_sql(scope);
        let sql = format!("SELECT min(at) FROM alerts WHERE sent_at IS NULL AND {filter}");
        let mut q = sqlx::query_scalar::<_, Option<i64>>(&sql);
        if scope == AlertScope::Mine {
            q = q.bind(user);
        }
        Ok(q.fetch_one(&self.pool).await?.and_then(|t| DateTime::from_timestamp(t, 0)))
    }

    /// Marks every point in scope due by `now` as sent and returns them, one per clock (a clock
    /// that passed several thresholds while the desktop was off alerts once, at its worst).
    pub async fn take_due_alerts(&self, scope: AlertScope, now: DateTime<Utc>) -> Result<Vec<DueAlert>, ClientError> {
        let (filter, user) = self.scope_sql(scope);
        let sql = format!(
            "UPDATE alerts SET sent_at = ? WHERE sent_at IS NULL AND at <= ? AND {filter}
             RETURNING case_id, clock, label, bureau, threshold, at, due"
        );
        let mut tx = self.pool.begin().await?;
        let mut q = sqlx::query(&sql).bind(now.to_rfc3339()).bind(now.timestamp());
        if scope == AlertScope::Mine {
            q = q.bind(user);
        }
        let rows = q.fetch_all(&mut *tx).await?;
        let mut worst: Vec<(DueAlert, i64)> = Vec::new();
        for r in rows {
            let case_id: String = r.get("case_id");
            let clock: String = r.get("clock");
            let bureau: String = r.get("bureau");
            let at: i64 = r.get("at");
            let same = worst.iter_mut().find(|(w, _)| w.case_id == case_id && w.clock == clock && w.bureau.as_deref().unwrap_or("") == bureau);
            let alert = DueAlert {
                case_id: case_id.clone(),
                number: String::new(),
                kind: String::new(),
                category: String::new(),
                clock,
                label: r.get("label"),
                bureau: (!bureau.is_empty()).then_some(bureau),
                threshold: r.get("threshold"),
                due: DateTime::from_timestamp(r.get("due"), 0).unwrap_or_default(),
            };
            match same {
                Some((w, w_at)) if *w_at < at => (*w, *w_at) = (alert, at),
                Some(_) => {}
                None => worst.push((alert, at)),
            }
        }
        for (a, _) in &mut worst {
            let r = sqlx::query("SELECT number, kind, category FROM cases WHERE id = ?").bind(&a.case_id).fetch_one(&mut *tx).await?;
            a.number = r.get("number");
            a.kind = r.get("kind");
            a.category = r.get("category");
        }
        tx.commit().await?;
        worst.sort_by(|(a, _), (b, _)| a.due.cmp(&b.due));
        Ok(worst.into_iter().map(|(a, _)| a).collect())
    }
}

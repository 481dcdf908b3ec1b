//! Desktop alerts: which alert points are due, each handed out exactly once. A point is marked
//! sent in the same statement that returns it, so two processes on one store (the app and the
//! CLI) or a restart never send it again; a crash between marking and showing loses one alert
//! rather than repeating it.

use chrono::{DateTime, Utc};
use hotline_domain::sla::SlaAmount;
use serde::Serialize;
use sqlx::Row;

use super::read::on_the_desk;
use super::LocalStore;
use crate::ClientError;

/// The threshold of an alert the server's escalation ladder recorded for a supervisor (督办提醒)…
pub const LADDER_ALERT: &str = "ladder_alert";
/// … and of an escalation to them (升级).
pub const ESCALATED: &str = "escalated";
/// … and of a hotspot (热点预警) the case leads.
pub const HOTSPOT: &str = "hotspot";

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DueAlert {
    pub case_id: String,
    pub number: String,
    pub kind: String,
    pub category: String,
    pub clock: String,
    /// The clock's name (响应, 答复…).
    pub label: String,
    pub bureau: Option<String>,
    /// `breached`, `left:<unit>:<amount>`, or the ladder's `ladder_alert` and `escalated`.
    pub threshold: String,
    pub due: DateTime<Utc>,
    /// The due rests on a year whose holiday notice is not imported yet (暂定).
    pub provisional: bool,
}

impl DueAlert {
    /// "已超时", or what is left: "剩余15分钟", "剩余工作时间1小时".
    pub fn threshold_zh(&self) -> String {
        let mut parts = self.threshold.split(':');
        let (Some("left"), Some(unit), Some(value)) = (
            parts.next(),
            parts.next(),
            parts.next().and_then(|v| v.parse().ok()),
        ) else {
            return match self.threshold.as_str() {
                ESCALATED => "已升级至值班长".into(),
                LADDER_ALERT => "督办提醒".into(),
                HOTSPOT => "热点预警".into(),
                _ => "已超时".into(),
            };
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
    /// The alerts this desk shows: the clock points of the cases in `scope`, and the ladder's
    /// alerts and escalations addressed to this user (or, `*`, to every supervisor when this user
    /// is one). The second part is the filter's parameters, in order.
    fn scope_sql(&self, scope: AlertScope) -> (String, Vec<String>) {
        let user = self.identity.user.clone();
        let supervisor = i32::from(self.identity.role == hotline_domain::case::Role::Supervisor);
        let (mine, mut binds) = match scope {
            AlertScope::All => ("1 = 1", vec![]),
            AlertScope::Mine => (
                "case_id IN (SELECT id FROM cases WHERE owner = ?)",
                vec![user.clone()],
            ),
        };
        binds.push(user);
        (
            format!(
                "((for_user = '' AND {mine}) OR for_user = ? OR (for_user = '*' AND {supervisor} = 1))"
            ),
            binds,
        )
    }

    /// When the next unsent alert point in scope falls due: what the scheduler sleeps until.
    pub async fn next_alert_at(
        &self,
        scope: AlertScope,
    ) -> Result<Option<DateTime<Utc>>, ClientError> {
        let (filter, binds) = self.scope_sql(scope);
        let sql = format!("SELECT min(at) FROM alerts WHERE sent_at IS NULL AND {filter}");
        let mut q = sqlx::query_scalar::<_, Option<i64>>(&sql);
        for b in binds {
            q = q.bind(b);
        }
        Ok(q.fetch_one(&self.pool)
            .await?
            .and_then(|t| DateTime::from_timestamp(t, 0)))
    }

    /// Marks every point in scope due by `now` as sent and returns what to say: how many clocks
    /// alert (a clock that passed several thresholds while the desk was off counts once, at its
    /// worst), how many of them breached, and — when there are at most `at_most` — each alert.
    /// A hotspot is no clock: never counted in the summary, always listed on its own.
    /// One UPDATE marks them (tagged so this call finds its own), so an alert is never handed out
    /// twice, whatever other process shares the store.
    pub async fn take_due_alerts(
        &self,
        scope: AlertScope,
        now: DateTime<Utc>,
        at_most: usize,
    ) -> Result<TakenAlerts, ClientError> {
        let (filter, binds) = self.scope_sql(scope);
        let tag = format!("{} {}", now.to_rfc3339(), crate::ids::new_event_id(now).0);
        let mut tx = self.write().await?;
        let update =
            format!("UPDATE alerts SET sent_at = ? WHERE sent_at IS NULL AND at <= ? AND {filter}");
        let mut q = sqlx::query(&update).bind(&tag).bind(now.timestamp());
        for b in binds {
            q = q.bind(b);
        }
        q.execute(&mut *tx).await?;
        // Per clock run, its latest due point: the worst it reached.
        let worst = "SELECT a.case_id, a.clock, a.label, a.bureau, a.threshold, a.due, a.provisional FROM alerts a
             WHERE a.sent_at = ?1 AND a.at = (SELECT max(b.at) FROM alerts b WHERE b.sent_at = ?1
                 AND b.case_id = a.case_id AND b.clock = a.clock AND b.bureau = a.bureau AND b.run = a.run)";
        let counts = sqlx::query(&format!("SELECT count(*) AS clocks, coalesce(sum(threshold = 'breached'), 0) AS breached FROM ({worst}) WHERE clock <> '{HOTSPOT}'"))
            .bind(&tag)
            .fetch_one(&mut *tx)
            .await?;
        let clocks: i64 = counts.get("clocks");
        let mut alerts = Vec::new();
        let each = usize::try_from(clocks).unwrap_or(usize::MAX) <= at_most;
        {
            let rows = sqlx::query(&format!(
                "SELECT w.*, c.number, c.kind, c.category FROM ({worst}) w JOIN cases c ON c.id = w.case_id
                 WHERE ?2 OR w.clock = '{HOTSPOT}' ORDER BY w.due"
            ))
            .bind(&tag)
            .bind(each)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let bureau: String = r.get("bureau");
                alerts.push(DueAlert {
                    case_id: r.get("case_id"),
                    number: r.get("number"),
                    kind: r.get("kind"),
                    category: r.get("category"),
                    clock: r.get("clock"),
                    label: r.get("label"),
                    bureau: (!bureau.is_empty()).then_some(bureau),
                    threshold: ladder_threshold(r.get("threshold")),
                    due: DateTime::from_timestamp(r.get("due"), 0).unwrap_or_default(),
                    provisional: r.get("provisional"),
                });
            }
        }
        tx.commit().await?;
        Ok(TakenAlerts {
            clocks,
            breached: counts.get("breached"),
            alerts,
        })
    }
}

/// A ladder point's threshold without the user it was stored for (`escalated:lead1`).
fn ladder_threshold(stored: String) -> String {
    match stored.split_once(':') {
        Some((t @ (ESCALATED | LADDER_ALERT | HOTSPOT), _)) => t.to_owned(),
        _ => stored,
    }
}

/// What one scheduler pass has to say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TakenAlerts {
    /// Clocks that alert (each once, at its worst threshold).
    pub clocks: i64,
    pub breached: i64,
    /// Each alert, when there are few enough to show one by one; empty otherwise.
    pub alerts: Vec<DueAlert>,
}

impl LocalStore {
    /// Retention of alarm data (seed 003 §8.2.6: three months): sent alert points older than
    /// `before` go — only of cases no longer open, whose clocks can never point at them again
    /// (a case still open would write a removed point back as unsent and alert twice).
    pub async fn prune_alarm_data(&self, before: DateTime<Utc>) -> Result<u64, ClientError> {
        let mut tx = self.write().await?;
        let open = on_the_desk();
        let n = sqlx::query(&format!(
            "DELETE FROM alerts WHERE sent_at IS NOT NULL AND at < ? AND case_id NOT IN (SELECT id FROM cases WHERE status IN {open})"
        ))
        .bind(before.timestamp())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }
}

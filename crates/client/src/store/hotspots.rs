//! The hotspots (热点预警) a supervisor's dashboard lists: those the server raised in the last
//! two days, each with its lead case and how many of its cluster are still on the desk (merged
//! or closed ones are not), so the supervisor sees whether the cluster is merged yet.

use chrono::{DateTime, Utc};
use hotline_domain::case::CaseStatus;
use serde::Serialize;

use super::read::{on_the_desk, row, CaseRow, COLUMNS};
use super::LocalStore;
use crate::ClientError;

/// How far back the dashboard lists hotspots.
const LISTED_HOURS: i64 = 48;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct HotspotRow {
    /// The lead case: the cluster's first.
    pub lead: CaseRow,
    pub at: DateTime<Utc>,
    /// 越秀区中山街 · 生态环境：今日12件（此前28天共0件）
    pub summary: String,
    /// The cluster's cases this desk holds, and of them still on the desk (the lead included).
    pub cases: i64,
    pub open: i64,
    /// The cluster's other cases that can still be merged into the lead
    /// (`CaseStatus::takes_merges`): what `Workbench::merge_hotspot` would merge.
    pub mergeable: i64,
}

impl LocalStore {
    pub async fn hotspots(&self, now: DateTime<Utc>) -> Result<Vec<HotspotRow>, ClientError> {
        let since = (now - chrono::Duration::hours(LISTED_HOURS)).timestamp();
        let leads = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM cases c WHERE c.hotspot_at >= ? ORDER BY c.hotspot_at DESC"
        ))
        .bind(since)
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(leads.len());
        for r in &leads {
            let lead = row(r);
            let (_, state) = self.case(&lead.id).await?;
            let Some(h) = state.hotspot else { continue };
            let ids: Vec<String> = h.cases.iter().map(|c| c.0.to_string()).collect();
            let list = serde_json::to_string(&ids).expect("ids serialise");
            let (cases, open, mergeable): (i64, i64, i64) = sqlx::query_as(&format!(
                "SELECT count(*), count(*) FILTER (WHERE status IN {}),
                        count(*) FILTER (WHERE status IN {} AND id <> ?2) FROM cases
                 WHERE id IN (SELECT value FROM json_each(?1))",
                on_the_desk(),
                CaseStatus::sql_list(CaseStatus::takes_merges)
            ))
            .bind(list)
            .bind(&lead.id)
            .fetch_one(&self.pool)
            .await?;
            out.push(HotspotRow {
                lead,
                at: h.at,
                summary: h.summary_zh(),
                cases,
                open,
                mergeable,
            });
        }
        Ok(out)
    }
}

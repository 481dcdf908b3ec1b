//! Maintenance notices on the desk (业务系统维护, seed 001 §3.2.3): the banner every desk shows
//! from a notice's announcement to the end of its window, the notice intake names for a caller
//! whose category is the service's, and the supervisor's announcement. The rules — the notice
//! period, the override and its reason, when a notice is shown — are the domain's
//! (`hotline_domain::maintenance`); the server checks them at its own time.

use hotline_domain::maintenance::{MaintenanceDraft, MaintenanceNotice};
use serde::Serialize;

use super::Workbench;
use crate::ClientError;

/// What the banner shows.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct MaintenanceBanner {
    pub notice: MaintenanceNotice,
    /// The service is down now (else: announced, not yet started).
    pub under_way: bool,
}

impl Workbench {
    /// The notices shown now: from the server when it answers, else the last ones it gave (a
    /// desk without a server has none).
    pub async fn maintenance_banner(&self) -> Vec<MaintenanceBanner> {
        if let Some((api, token)) = self.logged_in().await {
            if let Ok(fresh) = api.maintenance(&token).await {
                *self.maintenance.write().expect("not poisoned") = fresh;
            }
        }
        self.shown(|_| true)
    }

    /// The notices shown now that concern a call of `category` about `text` (from the last list
    /// the server gave): what intake offers while a caller is on the line.
    pub fn maintenance_for(&self, category: &str, text: &str) -> Vec<MaintenanceBanner> {
        self.shown(|n| n.concerns(category, text))
    }

    fn shown(&self, keep: impl Fn(&MaintenanceNotice) -> bool) -> Vec<MaintenanceBanner> {
        let now = self.now();
        self.maintenance
            .read()
            .expect("not poisoned")
            .iter()
            .filter(|n| n.shown_at(now) && keep(n))
            .map(|n| MaintenanceBanner {
                notice: n.clone(),
                under_way: n.under_way(now),
            })
            .collect()
    }

    /// Announces planned maintenance on the server; refused there, with its code, when the
    /// notice is short and no override reason is given.
    pub async fn announce_maintenance(
        &self,
        draft: &MaintenanceDraft,
    ) -> Result<MaintenanceNotice, ClientError> {
        let (api, token) = self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "maintenance.offline",
            message: "maintenance is announced on the server: log in first / 维护公告须连接服务器发布，请先登录".into(),
        })?;
        let notice = api.announce_maintenance(&token, draft).await?;
        self.maintenance
            .write()
            .expect("not poisoned")
            .push(notice.clone());
        self.touch();
        Ok(notice)
    }
}

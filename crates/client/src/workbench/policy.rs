//! What the desk shows of the centre's policy: which configuration it counts with (the centre's
//! version, or the built-in one of a standalone desk), its clocks as a table, and every version
//! with what it changed relative to the one before.

use chrono::{DateTime, Utc};
use hotline_domain::centre::{CentrePolicy, PolicyChanges};
use hotline_domain::wire::{NoticeOutcome, NoticeProposal, PolicyOutcome, PolicyProposal};
use serde::Serialize;

use super::Workbench;
use crate::{ClientError, PolicySource, PolicyStore};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PolicyVersionView {
    pub version: u32,
    pub in_force_from: DateTime<Utc>,
    pub changed_by: String,
    pub reason: String,
    /// Relative to the version before (none for version 0).
    pub changes: Option<PolicyChanges>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PolicyView {
    pub source: PolicySource,
    /// The version new calls run now, with its document.
    pub current: PolicyVersionView,
    pub policy: CentrePolicy,
    /// Newest first.
    pub history: Vec<PolicyVersionView>,
}

impl Workbench {
    pub async fn policy_view(&self) -> Result<PolicyView, ClientError> {
        let history = self.store.read().await.policy();
        let source = PolicyStore::new(self.dir.clone()).source()?;
        let views: Vec<PolicyVersionView> = history
            .versions
            .iter()
            .enumerate()
            .map(|(i, v)| PolicyVersionView {
                version: v.version,
                in_force_from: v.in_force_from,
                changed_by: v.changed_by.clone(),
                reason: v.reason.clone(),
                changes: i
                    .checked_sub(1)
                    .map(|p| history.versions[p].policy.changes_to(&v.policy)),
            })
            .collect();
        let in_force = history.in_force(self.now());
        let current = views
            .iter()
            .find(|v| v.version == in_force.version)
            .cloned()
            .expect("the version in force is in the history");
        Ok(PolicyView {
            source,
            current,
            policy: in_force.policy.clone(),
            history: views.into_iter().rev().collect(),
        })
    }
}

impl Workbench {
    /// Sends a new version of the policy to the server: with `dry_run`, what it would change;
    /// else saved there, then adopted here at once (other seats at their next sync).
    pub async fn propose_policy(
        &self,
        document: CentrePolicy,
        reason: String,
        dry_run: bool,
    ) -> Result<PolicyOutcome, ClientError> {
        let (api, token) = self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "policy.offline",
            message: "the centre's policy is changed on the server: log in first / 时限政策须连接服务器修改，请先登录".into(),
        })?;
        let proposal = PolicyProposal {
            document,
            reason,
            dry_run,
        };
        let outcome = api.propose_policy(&token, &proposal).await?;
        if outcome.saved {
            let policies = PolicyStore::new(self.dir.clone());
            if policies.adopt_centre(&api.policy(&token).await?)? {
                self.reload_centre().await?;
                self.touch();
            }
        }
        Ok(outcome)
    }
}

impl Workbench {
    /// Sends the State Council's notice, pasted by a supervisor or administrator, to the server:
    /// with `dry_run`, the days read and the dues it would move; else imported for the centre,
    /// then adopted here at once (other seats at their next sync).
    pub async fn import_notice(
        &self,
        text: String,
        year: Option<i32>,
        dry_run: bool,
    ) -> Result<NoticeOutcome, ClientError> {
        let (api, token) = self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "calendar.offline",
            message: "the centre's calendar is imported on the server: log in first / 节假日安排须连接服务器导入，请先登录".into(),
        })?;
        let proposal = NoticeProposal {
            text,
            year,
            dry_run,
        };
        let outcome = api.import_notice(&token, &proposal).await?;
        if outcome.saved && self.calendars.adopt_centre(&api.calendar(&token).await?)? {
            self.reload_centre().await?;
            self.touch();
        }
        Ok(outcome)
    }
}

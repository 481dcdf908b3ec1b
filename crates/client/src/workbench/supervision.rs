//! What a supervisor's desk adds: the live dashboard and the cases behind each figure, the list
//! of decisions waiting, and the callback queue with the callback itself (a dissatisfied caller
//! reopens the case and sends it back to the bureau that replied).

use hotline_domain::case::{EventBody, Satisfaction};

use super::{CaseDetail, Workbench};
use crate::store::{CallbackRow, CaseRow, DashPeriod, Dashboard, DecisionRow, Figure};
use crate::ClientError;

impl Workbench {
    pub async fn dashboard(&self, period: DashPeriod) -> Result<Dashboard, ClientError> {
        let store = self.store.read().await;
        let after = store.alert_settings().callback_after_days;
        store.dashboard(period, self.now(), after).await
    }

    pub async fn figure_cases(
        &self,
        figure: &Figure,
        period: DashPeriod,
    ) -> Result<Vec<CaseRow>, ClientError> {
        self.store
            .read()
            .await
            .figure_cases(figure, period, self.now())
            .await
    }

    /// Downloads a report the server computes over all data and saves it in the data folder's
    /// `reports/`; returns where. Needs a supervisor's session on a server. An empty `date` is
    /// the centre's date today by the desk's clock.
    pub async fn download_report(
        &self,
        period: &str,
        date: &str,
        format: &str,
    ) -> Result<std::path::PathBuf, ClientError> {
        let (api, token) = self.report_session().await?;
        let date = self.date_or_today(date);
        let (bytes, name) = api.report(&token, period, &date, format).await?;
        self.save_download(&bytes, &name, &format!("report.{format}"))
    }

    /// The bureaus' ranking of the period (`day`…`half_year`) holding `date` (empty: today),
    /// from the server's report. Needs a connection and a role that reads the centre's figures.
    pub async fn assessment(
        &self,
        period: &str,
        date: &str,
    ) -> Result<hotline_domain::case::assessment::Assessment, ClientError> {
        let (api, token) = self.report_session().await?;
        api.assessment(&token, period, &self.date_or_today(date))
            .await
    }

    /// The server session reports are computed in (the same refusal for every report).
    async fn report_session(
        &self,
    ) -> Result<(crate::sync::ServerApi, crate::secret::Secret), ClientError> {
        self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "report.offline",
            message:
                "reports are computed on the server: log in first / 报表由服务器统计，请先登录"
                    .into(),
        })
    }

    /// `date` as given, or the centre's date today by the desk's clock when it is empty: what a
    /// report's or a quality month's date defaults to.
    pub(super) fn date_or_today(&self, date: &str) -> String {
        if date.trim().is_empty() {
            hotline_domain::time::local_date(self.now()).to_string()
        } else {
            date.trim().to_owned()
        }
    }

    /// Prints a case: the server's PDF of it (its steps and incident reports), saved in the
    /// data folder's `reports/`; returns where.
    pub async fn print_case(&self, id: &str) -> Result<std::path::PathBuf, ClientError> {
        let (api, token) = self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "print.offline",
            message:
                "a case is printed by the server: log in first / 工单打印须连接服务器，请先登录"
                    .into(),
        })?;
        let (bytes, name) = api.case_pdf(&token, id).await?;
        self.save_download(&bytes, &name, "case.pdf")
    }

    /// Saves a file the server sent in the data folder's `reports/`. The server names the file;
    /// only its last component is used, never a path.
    fn save_download(
        &self,
        bytes: &[u8],
        name: &str,
        fallback: &str,
    ) -> Result<std::path::PathBuf, ClientError> {
        let name = std::path::Path::new(name)
            .file_name()
            .map_or_else(|| fallback.to_owned(), |n| n.to_string_lossy().into_owned());
        let dir = self.data_dir().path().join("reports");
        std::fs::create_dir_all(&dir).map_err(|e| ClientError::Invalid {
            code: "report.save",
            message: format!("cannot create {}: {e} / 无法保存报表", dir.display()),
        })?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| ClientError::Invalid {
            code: "report.save",
            message: format!("cannot write {}: {e} / 无法保存报表", path.display()),
        })?;
        Ok(path)
    }

    /// The duty roster of `date` (today when empty), from the server.
    pub async fn roster(
        &self,
        date: &str,
    ) -> Result<hotline_domain::roster::RosterDay, ClientError> {
        let (api, token) = self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "roster.offline",
            message:
                "the duty roster is kept on the server: log in first / 排班表保存在服务器，请先登录"
                    .into(),
        })?;
        let date = if date.is_empty() {
            hotline_domain::time::local_date(self.now()).to_string()
        } else {
            date.to_owned()
        };
        api.roster(&token, &date).await
    }

    /// The devices whose clocks the server measured more than its skew limit off (their
    /// countdowns and step times are not to be trusted until IT sets them right); empty on a
    /// desk without a server.
    pub async fn skewed_devices(
        &self,
    ) -> Result<Vec<hotline_domain::wire::DeviceClock>, ClientError> {
        let Some((api, token)) = self.logged_in().await else {
            return Ok(Vec::new());
        };
        api.devices(&token, true).await
    }

    pub async fn decisions(&self) -> Result<Vec<DecisionRow>, ClientError> {
        self.store.read().await.decisions().await
    }

    pub async fn callbacks_due(&self) -> Result<Vec<CallbackRow>, ClientError> {
        let store = self.store.read().await;
        let after = store.alert_settings().callback_after_days;
        store.callbacks_due(self.now(), after).await
    }

    /// Records a callback. A dissatisfied caller's words are required and the callback itself
    /// reopens the case, back to the bureau that replied (both rules are the domain's:
    /// `case::admit` and the fold).
    pub async fn call_back(
        &self,
        case: &str,
        satisfaction: Satisfaction,
        comment: &str,
    ) -> Result<CaseDetail, ClientError> {
        let step = EventBody::CalledBack {
            satisfaction,
            comment: comment.trim().to_owned(),
        };
        self.act_steps(case, vec![step]).await
    }
}

impl Workbench {
    /// Merges a hotspot's cluster under its lead case (并单): each other case of it this desk
    /// holds and that can still be merged records `merged_into` the lead, as this user (who may
    /// take the step is checked where every step is written). Returns how many were merged.
    pub async fn merge_hotspot(&self, lead: &str) -> Result<usize, ClientError> {
        let (lead_id, cluster) = {
            let store = self.store.read().await;
            let (_, state) = store.case(lead).await?;
            let hotspot = state.hotspot.ok_or_else(|| ClientError::Invalid {
                code: "hotspot.none",
                message: "this case leads no hotspot / 该工单不是热点预警的首单".into(),
            })?;
            let id = state
                .id
                .ok_or_else(|| ClientError::NotFound(lead.to_owned()))?;
            (id, hotspot.cases)
        };
        let mut merged = 0;
        for case in cluster.iter().filter(|c| **c != lead_id) {
            let state = match self.store.read().await.case(&case.0.to_string()).await {
                Ok((_, s)) => s,
                Err(ClientError::NotFound(_)) => continue, // not on this desk
                Err(e) => return Err(e),
            };
            if !state.status.takes_merges() {
                continue; // already merged, called back or closed
            }
            self.act(&case.0.to_string(), EventBody::MergedInto { into: lead_id })
                .await?;
            merged += 1;
        }
        Ok(merged)
    }
}

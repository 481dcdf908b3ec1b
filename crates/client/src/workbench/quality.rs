//! 质检 from the desk: the reviews live on the server (`/api/v1/quality`), which decides who
//! sees and does what; the desk needs a connection, like reports.

use hotline_domain::quality::QualityReview;

use super::Workbench;
use crate::sync::ServerApi;
use crate::ClientError;

impl Workbench {
    async fn quality_session(&self) -> Result<(ServerApi, crate::secret::Secret), ClientError> {
        self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "quality.offline",
            message: "quality reviews are kept on the server: log in first / 质检记录保存在服务器，请先登录".into(),
        })
    }

    pub async fn quality_list(&self, date: &str) -> Result<Vec<QualityReview>, ClientError> {
        let (api, token) = self.quality_session().await?;
        api.quality(&token, &self.date_or_today(date)).await
    }

    pub async fn quality_draw(&self, date: &str) -> Result<Vec<QualityReview>, ClientError> {
        let (api, token) = self.quality_session().await?;
        let date = self.date_or_today(date);
        api.quality_post(&token, "draw", Some(&date), &serde_json::json!({}))
            .await
    }

    pub async fn quality_score(
        &self,
        case: &str,
        scores: &std::collections::BTreeMap<String, u32>,
        comment: &str,
    ) -> Result<(), ClientError> {
        let (api, token) = self.quality_session().await?;
        let body = serde_json::json!({ "scores": scores, "comment": comment });
        api.quality_post(&token, &format!("{case}/score"), None, &body)
            .await
    }

    pub async fn quality_contest(&self, case: &str, reason: &str) -> Result<(), ClientError> {
        let (api, token) = self.quality_session().await?;
        let body = serde_json::json!({ "reason": reason });
        api.quality_post(&token, &format!("{case}/contest"), None, &body)
            .await
    }
}

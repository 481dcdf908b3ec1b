//! The knowledge base's management from the desk: the articles and their history, writing a
//! draft, and the review steps — all on the server (the rules are the domain's, enforced there).

use hotline_domain::knowledge::{Article, ArticleText};

use super::Workbench;
use crate::sync::ServerApi;
use crate::ClientError;

impl Workbench {
    async fn kb_session(&self) -> Result<(ServerApi, crate::secret::Secret), ClientError> {
        self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "kb.offline",
            message: "the knowledge base is edited on the server: log in first / 知识库在服务器上维护，请先登录".into(),
        })
    }

    pub async fn kb_list(&self, status: &str) -> Result<Vec<Article>, ClientError> {
        let (api, token) = self.kb_session().await?;
        api.kb_list(&token, status).await
    }

    pub async fn kb_get(&self, id: &str) -> Result<Article, ClientError> {
        let (api, token) = self.kb_session().await?;
        api.kb_get(&token, id).await
    }

    pub async fn kb_write(
        &self,
        id: Option<&str>,
        text: &ArticleText,
    ) -> Result<Article, ClientError> {
        let (api, token) = self.kb_session().await?;
        api.kb_write(&token, id, text).await
    }

    /// submit, approve, reject or retire. An approval or withdrawal reaches this desk's copy of
    /// the published set at the next sync.
    pub async fn kb_decide(
        &self,
        id: &str,
        action: &str,
        reason: &str,
    ) -> Result<Article, ClientError> {
        let (api, token) = self.kb_session().await?;
        let article = api.kb_decide(&token, id, action, reason).await?;
        self.touch();
        Ok(article)
    }
}

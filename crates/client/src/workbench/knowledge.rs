//! The knowledge base's management from the desk: the articles and their history, writing a
//! draft, and the review steps — all on the server (the rules are the domain's, enforced there).

use hotline_domain::knowledge::{kb_offers, Article, ArticleText, KbAction};
use serde::Serialize;

use super::Workbench;
use crate::sync::ServerApi;
use crate::ClientError;

/// An article as the desk shows it: with the steps this user may take on it now.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ArticleOnDesk {
    #[serde(flatten)]
    pub article: Article,
    pub offers: Vec<KbAction>,
}

impl Workbench {
    async fn on_desk(&self, article: Article) -> ArticleOnDesk {
        let offers = kb_offers(self.identity().await.role, article.status);
        ArticleOnDesk { article, offers }
    }

    async fn kb_session(&self) -> Result<(ServerApi, crate::secret::Secret), ClientError> {
        self.logged_in().await.ok_or_else(|| ClientError::Invalid {
            code: "kb.offline",
            message: "the knowledge base is edited on the server: log in first / 知识库在服务器上维护，请先登录".into(),
        })
    }

    pub async fn kb_list(&self, status: &str) -> Result<Vec<ArticleOnDesk>, ClientError> {
        let (api, token) = self.kb_session().await?;
        let mut out = Vec::new();
        for article in api.kb_list(&token, status).await? {
            out.push(self.on_desk(article).await);
        }
        Ok(out)
    }

    pub async fn kb_get(&self, id: &str) -> Result<ArticleOnDesk, ClientError> {
        let (api, token) = self.kb_session().await?;
        Ok(self.on_desk(api.kb_get(&token, id).await?).await)
    }

    pub async fn kb_write(
        &self,
        id: Option<&str>,
        text: &ArticleText,
    ) -> Result<ArticleOnDesk, ClientError> {
        let (api, token) = self.kb_session().await?;
        Ok(self.on_desk(api.kb_write(&token, id, text).await?).await)
    }

    /// submit, approve, reject or retire. An approval or withdrawal reaches this desk's copy of
    /// the published set at the next sync.
    pub async fn kb_decide(
        &self,
        id: &str,
        action: &str,
        reason: &str,
    ) -> Result<ArticleOnDesk, ClientError> {
        let (api, token) = self.kb_session().await?;
        let article = api.kb_decide(&token, id, action, reason).await?;
        self.touch();
        Ok(self.on_desk(article).await)
    }
}

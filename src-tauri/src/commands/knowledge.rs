use hotline_client::workbench::ArticleOnDesk as Article;
use hotline_client::ErrorPayload;
use hotline_domain::knowledge::ArticleText;

use super::Desk;

#[tauri::command]
pub async fn kb_list(desk: Desk<'_>, status: String) -> Result<Vec<Article>, ErrorPayload> {
    desk.kb_list(&status).await.map_err(Into::into)
}

#[tauri::command]
pub async fn kb_get(desk: Desk<'_>, id: String) -> Result<Article, ErrorPayload> {
    desk.kb_get(&id).await.map_err(Into::into)
}

#[tauri::command]
pub async fn kb_write(
    desk: Desk<'_>,
    id: Option<String>,
    text: ArticleText,
) -> Result<Article, ErrorPayload> {
    desk.kb_write(id.as_deref(), &text)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn kb_decide(
    desk: Desk<'_>,
    id: String,
    action: String,
    reason: String,
) -> Result<Article, ErrorPayload> {
    desk.kb_decide(&id, &action, &reason)
        .await
        .map_err(Into::into)
}

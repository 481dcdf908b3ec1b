use hotline_client::store::{Article, Draft};
use hotline_client::workbench::{CallerLookup, CaseDetail, Finish, FormOptions, IntakeForm};
use hotline_client::ErrorPayload;

use super::Desk;

#[tauri::command]
pub async fn form_options(desk: Desk<'_>) -> Result<FormOptions, ErrorPayload> {
    desk.form_options().await.map_err(Into::into)
}

#[tauri::command]
pub async fn lookup_caller(
    desk: Desk<'_>,
    phone: String,
    address: String,
    category: String,
) -> Result<CallerLookup, ErrorPayload> {
    desk.lookup_caller(&phone, &address, &category)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn suggest_articles(
    desk: Desk<'_>,
    text: String,
    category: String,
) -> Result<Vec<Article>, ErrorPayload> {
    desk.suggest_articles(&text, &category)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn record_intake(
    desk: Desk<'_>,
    form: IntakeForm,
    finish: Finish,
) -> Result<CaseDetail, ErrorPayload> {
    desk.record_intake(&form, &finish).await.map_err(Into::into)
}

#[tauri::command]
pub async fn save_draft(
    desk: Desk<'_>,
    form: String,
    content: serde_json::Value,
) -> Result<(), ErrorPayload> {
    desk.save_draft(&form, &content).await.map_err(Into::into)
}

#[tauri::command]
pub async fn load_draft(desk: Desk<'_>, form: String) -> Result<Option<Draft>, ErrorPayload> {
    desk.draft(&form).await.map_err(Into::into)
}

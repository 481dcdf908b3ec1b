use hotline_client::store::{CaseRow, QueuePage, QueueQuery};
use hotline_client::ErrorPayload;

use super::Desk;

#[tauri::command]
pub async fn queue(desk: Desk<'_>, query: QueueQuery) -> Result<QueuePage, ErrorPayload> {
    desk.queue(&query).await.map_err(Into::into)
}

#[tauri::command]
pub async fn search(desk: Desk<'_>, text: String) -> Result<Vec<CaseRow>, ErrorPayload> {
    desk.search(&text).await.map_err(Into::into)
}

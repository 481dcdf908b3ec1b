use hotline_client::store::{QueuePage, QueueQuery};
use hotline_client::sync::Found;
use hotline_client::ErrorPayload;

use super::Desk;

#[tauri::command]
pub async fn queue(desk: Desk<'_>, query: QueueQuery) -> Result<QueuePage, ErrorPayload> {
    desk.queue(&query).await.map_err(Into::into)
}

/// This desk's cases matching `text`, and the server's when it answers.
#[tauri::command]
pub async fn search(desk: Desk<'_>, text: String) -> Result<Found, ErrorPayload> {
    desk.search(&text).await.map_err(Into::into)
}

/// The caller's earlier cases, this desk's and the server's (intake shows the desk's first).
#[tauri::command]
pub async fn caller_history(desk: Desk<'_>, phone: String) -> Result<Found, ErrorPayload> {
    desk.caller_history(&phone).await.map_err(Into::into)
}

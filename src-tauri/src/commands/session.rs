use hotline_client::workbench::DeskStatus;
use hotline_client::ErrorPayload;

use super::Desk;

#[tauri::command]
pub async fn desk_status(desk: Desk<'_>) -> Result<DeskStatus, ErrorPayload> {
    desk.status().await.map_err(Into::into)
}

use hotline_client::workbench::DeskStatus;
use hotline_client::ErrorPayload;

use super::Desk;
use crate::screen_pop::PendingPop;

#[tauri::command]
pub async fn desk_status(desk: Desk<'_>) -> Result<DeskStatus, ErrorPayload> {
    desk.status().await.map_err(Into::into)
}

#[tauri::command]
pub async fn login(desk: Desk<'_>, server: String, user: String, password: String) -> Result<DeskStatus, ErrorPayload> {
    desk.login(&server, &user, &password).await.map_err(Into::into)
}

/// The caller's number a screen pop brought before the page was listening, once.
#[tauri::command]
pub fn take_screen_pop(pending: tauri::State<'_, PendingPop>) -> Option<String> {
    pending.0.lock().expect("not poisoned").take()
}

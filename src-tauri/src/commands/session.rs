use hotline_client::workbench::{DeskStatus, Logout};
use hotline_client::ErrorPayload;

use super::Desk;
use crate::screen_pop::PendingPop;

#[tauri::command]
pub async fn desk_status(desk: Desk<'_>) -> Result<DeskStatus, ErrorPayload> {
    desk.status().await.map_err(Into::into)
}

#[tauri::command]
pub async fn login(
    desk: Desk<'_>,
    server: String,
    user: String,
    password: String,
) -> Result<DeskStatus, ErrorPayload> {
    desk.login(&server, &user, &password)
        .await
        .map_err(Into::into)
}

/// Logs the desk out: the server revokes the session, the credential store forgets it.
#[tauri::command]
pub async fn logout(desk: Desk<'_>) -> Result<Logout, ErrorPayload> {
    desk.logout().await.map_err(Into::into)
}

/// Dismisses an event the server refused, once the user has seen why.
#[tauri::command]
pub async fn dismiss_refused(desk: Desk<'_>, event_id: String) -> Result<DeskStatus, ErrorPayload> {
    desk.dismiss_refused(&event_id).await.map_err(Into::into)
}

/// The caller's number a screen pop brought before the page was listening, once.
#[tauri::command]
pub fn take_screen_pop(pending: tauri::State<'_, PendingPop>) -> Option<String> {
    pending.0.lock().expect("not poisoned").take()
}

/// When the process started: the page reports when its first queue page is drawn, and the time
/// to an interactive queue is logged (the start-up benchmark reads it).
pub struct StartedAt(pub std::time::Instant);

#[tauri::command]
pub fn desk_ready(started: tauri::State<'_, StartedAt>) -> u64 {
    let ms = u64::try_from(started.0.elapsed().as_millis()).unwrap_or(u64::MAX);
    eprintln!("hotline-desk: interactive queue after {ms} ms");
    ms
}

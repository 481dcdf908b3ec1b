use hotline_client::store::{CallbackRow, CaseRow, DashPeriod, Dashboard, DecisionRow, Figure};
use hotline_client::workbench::CaseDetail;
use hotline_client::ErrorPayload;
use hotline_domain::case::Satisfaction;

use super::Desk;

#[tauri::command]
pub async fn dashboard(desk: Desk<'_>, period: DashPeriod) -> Result<Dashboard, ErrorPayload> {
    desk.dashboard(period).await.map_err(Into::into)
}

#[tauri::command]
pub async fn figure_cases(
    desk: Desk<'_>,
    figure: Figure,
    period: DashPeriod,
) -> Result<Vec<CaseRow>, ErrorPayload> {
    desk.figure_cases(&figure, period).await.map_err(Into::into)
}

#[tauri::command]
pub async fn decisions(desk: Desk<'_>) -> Result<Vec<DecisionRow>, ErrorPayload> {
    desk.decisions().await.map_err(Into::into)
}

#[tauri::command]
pub async fn callbacks_due(desk: Desk<'_>) -> Result<Vec<CallbackRow>, ErrorPayload> {
    desk.callbacks_due().await.map_err(Into::into)
}

#[tauri::command]
pub async fn call_back(
    desk: Desk<'_>,
    case: String,
    satisfaction: Satisfaction,
    comment: String,
) -> Result<CaseDetail, ErrorPayload> {
    desk.call_back(&case, satisfaction, &comment)
        .await
        .map_err(Into::into)
}

/// The bureaus' ranking of a period, from the server's report.
#[tauri::command]
pub async fn assessment(
    desk: Desk<'_>,
    period: String,
    date: String,
) -> Result<hotline_domain::case::assessment::Assessment, ErrorPayload> {
    desk.assessment(&period, &date).await.map_err(Into::into)
}

/// Merges a hotspot's cluster under its lead case; how many cases were merged.
#[tauri::command]
pub async fn merge_hotspot(desk: Desk<'_>, lead: String) -> Result<usize, ErrorPayload> {
    desk.merge_hotspot(&lead).await.map_err(Into::into)
}

#[tauri::command]
pub async fn download_report(
    desk: Desk<'_>,
    period: String,
    date: String,
    format: String,
) -> Result<String, ErrorPayload> {
    desk.download_report(&period, &date, &format)
        .await
        .map(|p| p.display().to_string())
        .map_err(Into::into)
}

#[tauri::command]
pub async fn roster(
    desk: Desk<'_>,
    date: String,
) -> Result<hotline_domain::roster::RosterDay, ErrorPayload> {
    desk.roster(&date).await.map_err(Into::into)
}

#[tauri::command]
pub async fn skewed_devices(
    desk: Desk<'_>,
) -> Result<Vec<hotline_domain::wire::DeviceClock>, ErrorPayload> {
    desk.skewed_devices().await.map_err(Into::into)
}

#[tauri::command]
pub async fn maintenance_banner(
    desk: Desk<'_>,
) -> Result<Vec<hotline_client::workbench::MaintenanceBanner>, ErrorPayload> {
    Ok(desk.maintenance_banner().await)
}

#[tauri::command]
pub async fn announce_maintenance(
    desk: Desk<'_>,
    draft: hotline_domain::maintenance::MaintenanceDraft,
) -> Result<hotline_domain::maintenance::MaintenanceNotice, ErrorPayload> {
    desk.announce_maintenance(&draft).await.map_err(Into::into)
}

#[tauri::command]
pub fn maintenance_for(
    desk: Desk<'_>,
    category: String,
    text: String,
) -> Vec<hotline_client::workbench::MaintenanceBanner> {
    desk.maintenance_for(&category, &text)
}

#[tauri::command]
pub async fn print_case(desk: Desk<'_>, id: String) -> Result<String, ErrorPayload> {
    desk.print_case(&id)
        .await
        .map(|p| p.display().to_string())
        .map_err(Into::into)
}

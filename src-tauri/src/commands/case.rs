use hotline_client::store::RouteSuggestion;
use hotline_client::workbench::CaseDetail;
use hotline_client::ErrorPayload;
use hotline_domain::case::EventBody;

use super::Desk;

#[tauri::command]
pub async fn case_detail(desk: Desk<'_>, id: String) -> Result<CaseDetail, ErrorPayload> {
    desk.case(&id).await.map_err(Into::into)
}

#[tauri::command]
pub async fn act(desk: Desk<'_>, id: String, body: EventBody) -> Result<CaseDetail, ErrorPayload> {
    desk.act(&id, body).await.map_err(Into::into)
}

#[tauri::command]
pub async fn merge(desk: Desk<'_>, id: String, into: String) -> Result<CaseDetail, ErrorPayload> {
    desk.merge(&id, &into).await.map_err(Into::into)
}

#[tauri::command]
pub async fn suggest_routes(
    desk: Desk<'_>,
    category: String,
    district: String,
) -> Result<Vec<RouteSuggestion>, ErrorPayload> {
    desk.suggest_routes(&category, &district)
        .await
        .map_err(Into::into)
}

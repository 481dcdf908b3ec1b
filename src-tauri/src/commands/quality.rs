//! 质检: thin delegations to the workbench (the server decides who may do what).

use std::collections::BTreeMap;

use hotline_client::ErrorPayload;
use hotline_domain::quality::QualityReview;

use super::Desk;

#[tauri::command]
pub async fn quality_list(
    desk: Desk<'_>,
    date: String,
) -> Result<Vec<QualityReview>, ErrorPayload> {
    desk.quality_list(&date).await.map_err(Into::into)
}

#[tauri::command]
pub async fn quality_draw(
    desk: Desk<'_>,
    date: String,
) -> Result<Vec<QualityReview>, ErrorPayload> {
    desk.quality_draw(&date).await.map_err(Into::into)
}

#[tauri::command]
pub async fn quality_score(
    desk: Desk<'_>,
    case: String,
    scores: BTreeMap<String, u32>,
    comment: String,
) -> Result<(), ErrorPayload> {
    desk.quality_score(&case, &scores, &comment)
        .await
        .map_err(Into::into)
}

#[tauri::command]
pub async fn quality_contest(
    desk: Desk<'_>,
    case: String,
    reason: String,
) -> Result<(), ErrorPayload> {
    desk.quality_contest(&case, &reason)
        .await
        .map_err(Into::into)
}

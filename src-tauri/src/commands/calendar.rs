use hotline_client::calendar_view::{self, DueQuery, DueView, YearView};
use hotline_client::workbench::PolicyView;
use hotline_client::{CalendarStore, ErrorPayload};
use hotline_domain::centre::CentrePolicy;
use hotline_domain::wire::{NoticeOutcome, PolicyOutcome};

use super::Desk;

#[tauri::command]
pub fn calendar_year(desk: Desk<'_>, year: Option<i32>) -> Result<YearView, ErrorPayload> {
    calendar_view::year_view(
        &CalendarStore::new(desk.data_dir().clone()),
        year,
        desk.now(),
    )
    .map_err(Into::into)
}

#[tauri::command]
pub fn sla_due(desk: Desk<'_>, query: DueQuery) -> Result<DueView, ErrorPayload> {
    calendar_view::due(&CalendarStore::new(desk.data_dir().clone()), &query).map_err(Into::into)
}

/// The deadline policy the desk counts with: the centre's version (or the built-in one of a
/// standalone desk), its clocks, and every version with what it changed.
#[tauri::command]
pub async fn policy_view(desk: Desk<'_>) -> Result<PolicyView, ErrorPayload> {
    desk.policy_view().await.map_err(Into::into)
}

/// A new version of the centre's policy from a supervisor's or administrator's desk: previewed
/// (`dry_run`: what it changes) or saved on the server.
#[tauri::command]
pub async fn propose_policy(
    desk: Desk<'_>,
    document: CentrePolicy,
    reason: String,
    dry_run: bool,
) -> Result<PolicyOutcome, ErrorPayload> {
    desk.propose_policy(document, reason, dry_run)
        .await
        .map_err(Into::into)
}

/// The State Council's notice pasted into a supervisor's or administrator's desk: previewed
/// (the days read, the dues it moves) or imported for the centre.
#[tauri::command]
pub async fn import_notice(
    desk: Desk<'_>,
    text: String,
    year: Option<i32>,
    dry_run: bool,
) -> Result<NoticeOutcome, ErrorPayload> {
    desk.import_notice(text, year, dry_run)
        .await
        .map_err(Into::into)
}

use hotline_client::calendar_view::{self, DueQuery, DueView, YearView};
use hotline_client::workbench::PolicyView;
use hotline_client::{CalendarStore, ErrorPayload};

use super::Desk;

#[tauri::command]
pub fn calendar_year(desk: Desk<'_>, year: i32) -> Result<YearView, ErrorPayload> {
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

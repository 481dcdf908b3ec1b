use hotline_client::calendar_view::{self, DueQuery, DueView, YearView};
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

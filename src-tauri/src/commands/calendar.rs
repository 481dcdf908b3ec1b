use hotline_client::calendar_view::{self, DueQuery, DueView, YearView};
use hotline_client::{CalendarStore, ErrorPayload, SystemClock};
use hotline_domain::time::Clock;
use tauri::State;

#[tauri::command]
pub fn calendar_year(store: State<'_, CalendarStore>, year: i32) -> Result<YearView, ErrorPayload> {
    calendar_view::year_view(&store, year, SystemClock.now()).map_err(Into::into)
}

#[tauri::command]
pub fn sla_due(store: State<'_, CalendarStore>, query: DueQuery) -> Result<DueView, ErrorPayload> {
    calendar_view::due(&store, &query).map_err(Into::into)
}

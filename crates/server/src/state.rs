use std::sync::Arc;

use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::Clock;
use sqlx::PgPool;
use tokio::sync::broadcast;

/// What every request handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    pub calendar: Arc<SlaCalendar>,
    /// Fires after events commit (from this process or, through LISTEN, any other).
    pub notices: broadcast::Sender<()>,
    pub token_hours: i64,
}

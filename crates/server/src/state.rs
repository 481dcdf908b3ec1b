use std::sync::Arc;

use hotline_domain::sla::SlaCalendar;

use crate::calendar::LiveCalendar;
use hotline_domain::time::Clock;
use sqlx::PgPool;
use tokio::sync::broadcast;

/// What every request handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub clock: Arc<dyn Clock>,
    /// The centre's calendar, reloaded when an import is recorded (see [`LiveCalendar`]).
    pub calendar: LiveCalendar,
    /// Fires after events commit (from this process or, through LISTEN, any other).
    pub notices: broadcast::Sender<()>,
    /// Serialised live pages for users who see every case (see [`crate::live`]).
    pub pages: broadcast::Sender<Arc<String>>,
    pub token_hours: i64,
    /// Ended sessions (`user:ID`, `token:HASH`) from any process: live streams close on them.
    pub revoked: broadcast::Sender<String>,
    /// Password checks, off the async workers.
    pub passwords: crate::login_guard::PasswordGate,
    /// This database's epoch (see migrations/postgres/0003_instance.sql), read at start.
    pub epoch: String,
}

impl AppState {
    /// The state of one server process: it LISTENs for commits and runs the live pager.
    pub async fn start(
        pool: PgPool,
        clock: Arc<dyn Clock>,
        calendar: Arc<SlaCalendar>,
        token_hours: i64,
    ) -> Result<Self, sqlx::Error> {
        let (notices, _) = broadcast::channel(1024);
        let (pages, _) = broadcast::channel(256);
        let epoch: String = sqlx::query_scalar("SELECT epoch::text FROM instance")
            .fetch_one(&pool)
            .await?;
        let calendar = LiveCalendar::starting_with(&pool, calendar).await?;
        let (revoked, _) = broadcast::channel(256);
        crate::fanout::spawn(&pool, notices.clone(), revoked.clone()).await?;
        crate::live::spawn(pool.clone(), epoch.clone(), &notices, pages.clone()).await?;
        Ok(Self {
            pool,
            clock,
            calendar,
            notices,
            pages,
            token_hours,
            revoked,
            passwords: crate::login_guard::PasswordGate::new(),
            epoch,
        })
    }
}

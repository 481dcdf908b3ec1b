use std::sync::Arc;

use hotline_domain::sla::SlaCalendar;

use crate::calendar::LiveCalendar;
use crate::database::{Database, Nodes};
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
    /// The state of one server process: it LISTENs for commits (again on each new primary the
    /// database's watcher finds) and runs the live pager.
    pub async fn start(
        db: impl Into<Database>,
        clock: Arc<dyn Clock>,
        calendar: Arc<SlaCalendar>,
        token_hours: i64,
    ) -> Result<Self, sqlx::Error> {
        let Database { pool, moved } = db.into();
        let (notices, _) = broadcast::channel(1024);
        let (pages, _) = broadcast::channel(256);
        let epoch: String = sqlx::query_scalar("SELECT epoch::text FROM instance")
            .fetch_one(&pool)
            .await?;
        let calendar = LiveCalendar::starting_with(&pool, calendar).await?;
        let (revoked, _) = broadcast::channel(256);
        crate::fanout::spawn(&pool, moved, notices.clone(), revoked.clone()).await?;
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

/// What bounds a request's use of the database, so that none can hold it: a statement runs at
/// most `statement` (a month's report over 2,000,000 cases takes about 1 s, docs/BENCHMARKS.md),
/// a transaction left idle is ended after `idle_transaction`, and a request waits at most
/// `acquire` for a connection (then it is answered 503 `server.busy`, not queued for ever).
#[derive(Debug, Clone)]
pub struct PoolLimits {
    pub connections: u32,
    pub statement: std::time::Duration,
    pub idle_transaction: std::time::Duration,
    pub acquire: std::time::Duration,
}

impl Default for PoolLimits {
    fn default() -> Self {
        Self {
            connections: 20,
            statement: std::time::Duration::from_secs(30),
            idle_transaction: std::time::Duration::from_secs(60),
            acquire: std::time::Duration::from_secs(10),
        }
    }
}

/// How every connection of ours is opened: `url` with [`ours`].
pub fn connect_options(url: &str) -> Result<sqlx::postgres::PgConnectOptions, sqlx::Error> {
    Ok(ours(url.parse()?))
}

/// Our settings on any connection: PostgreSQL's JIT off. Our queries are index scans and grouped
/// index-only scans; JIT never pays on them, and on a misestimated one it costs more than the
/// query (the report's late-entry count: 0 rows, 200 ms of JIT compiling out of 503 ms,
/// `EXPLAIN ANALYZE` over 2,000,000 cases, docs/BENCHMARKS.md).
pub fn ours(options: sqlx::postgres::PgConnectOptions) -> sqlx::postgres::PgConnectOptions {
    options.options([("jit", "off")])
}

/// The pool requests are served from, on the primary among `nodes`, within `limits` (migrating
/// and deriving facts at start may take long and use a pool of their own).
pub async fn serving_pool(
    nodes: &Nodes,
    limits: &PoolLimits,
) -> Result<Database, crate::database::DatabaseError> {
    let ms = |d: std::time::Duration| format!("{}ms", d.as_millis());
    let nodes = nodes.map(|options| {
        options.options([
            ("statement_timeout", ms(limits.statement)),
            (
                "idle_in_transaction_session_timeout",
                ms(limits.idle_transaction),
            ),
        ])
    });
    let options = sqlx::postgres::PgPoolOptions::new()
        .max_connections(limits.connections)
        .acquire_timeout(limits.acquire);
    Database::connect(&nodes, options, limits.acquire).await
}

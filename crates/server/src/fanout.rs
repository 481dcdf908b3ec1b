//! Live delivery across server processes: each process LISTENs once on PostgreSQL and fans the
//! notices out to its connected clients, so 200 seats cost one database connection, not 200.

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::broadcast;

pub const CHANNEL: &str = "hotline_events";
/// Sessions ended (a user disabled, a token logged out): payload `user:ID` or `token:HASH`, so
/// every process closes the live streams that belong to them.
pub const SESSIONS: &str = "hotline_sessions";

/// Announces, when `tx` commits, that the session `token:HASH` or every session of `user:ID`
/// ended: each server process then closes the live streams that belong to it.
pub async fn end_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    which: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(SESSIONS)
        .bind(which)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Starts the listener task; notices go to `tx`, ended sessions to `revoked`, until the process ends.
pub async fn spawn(
    pool: &PgPool,
    tx: broadcast::Sender<()>,
    revoked: broadcast::Sender<String>,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANNEL, SESSIONS]).await?;
    tokio::spawn(async move {
        loop {
            match listener.recv().await {
                Ok(n) if n.channel() == SESSIONS => {
                    let _ = revoked.send(n.payload().to_owned());
                }
                Ok(_) => {
                    let _ = tx.send(());
                }
                Err(e) => {
                    // PgListener reconnects on the next recv; wake clients so they pull whatever
                    // committed while the connection was down.
                    crate::log::error(&format!("listen: {e}"));
                    let _ = tx.send(());
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                }
            }
        }
    });
    Ok(())
}

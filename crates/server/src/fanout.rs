//! Live delivery across server processes: each process LISTENs once on PostgreSQL and fans the
//! notices out to its connected clients, so 200 seats cost one database connection, not 200.

use sqlx::postgres::PgListener;
use sqlx::PgPool;
use tokio::sync::{broadcast, watch};

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

/// Starts the listener task; notices go to `tx`, ended sessions to `revoked`, until the process
/// ends. The LISTEN is opened again whenever its connection fails and whenever `moved` says the
/// database's primary changed (after a failover the old connection may hang rather than fail);
/// each time, clients are woken to pull what committed meanwhile.
pub async fn spawn(
    pool: &PgPool,
    mut moved: watch::Receiver<u64>,
    tx: broadcast::Sender<()>,
    revoked: broadcast::Sender<String>,
) -> Result<(), sqlx::Error> {
    let mut listener = listen(pool).await?;
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let received = tokio::select! {
                n = listener.recv() => n,
                () = primary_moved(&mut moved) => {
                    crate::log::info("listen: the primary moved; listening there");
                    listener = listen_again(&pool).await;
                    let _ = tx.send(());
                    continue;
                }
            };
            match received {
                Ok(n) if n.channel() == SESSIONS => {
                    let _ = revoked.send(n.payload().to_owned());
                }
                Ok(_) => {
                    let _ = tx.send(());
                }
                Err(e) => {
                    // sqlx's own reconnect keeps a connection reset by the peer; open a new one.
                    crate::log::error(&format!("listen: {e}"));
                    let _ = tx.send(());
                    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
                    listener = listen_again(&pool).await;
                    let _ = tx.send(());
                }
            }
        }
    });
    Ok(())
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen_all([CHANNEL, SESSIONS]).await?;
    Ok(listener)
}

/// A new LISTEN, retried until the database answers.
async fn listen_again(pool: &PgPool) -> PgListener {
    loop {
        match listen(pool).await {
            Ok(l) => return l,
            Err(e) => {
                crate::log::error(&format!("listen: {e}"));
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            }
        }
    }
}

/// Resolves when the primary moved; never, for a database that cannot move.
async fn primary_moved(moved: &mut watch::Receiver<u64>) {
    if moved.changed().await.is_err() {
        std::future::pending::<()>().await;
    }
}

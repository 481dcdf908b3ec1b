//! Live pages: after each notice, one query per server process reads what committed and sends
//! it down the stream of every seat that sees all cases, so a notice costs one pull per process
//! instead of one per seat. Bureau handlers (scoped, masked) are told "changed" and pull.

use std::sync::Arc;
use std::time::Duration;

use hotline_domain::wire::{LivePage, PullPage, PulledEvent};
use sqlx::PgPool;
use tokio::sync::broadcast;

use crate::api::sync::{cursor, held_after, visible_after};
use crate::error::ApiError;

const PAGE: i64 = 1_000;

/// The newest event a pull could return now: the pager starts there, not at the beginning.
async fn head(pool: &PgPool) -> Result<(i64, i64), sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT tx_id::text::bigint, pos FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot())
         ORDER BY tx_id DESC, pos DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.unwrap_or((0, 0)))
}

/// Starts the pager: it follows `notices` and sends serialised [`LivePage`]s to `pages`.
pub async fn spawn(
    pool: PgPool,
    epoch: String,
    notices: &broadcast::Sender<()>,
    pages: broadcast::Sender<Arc<String>>,
) -> Result<(), sqlx::Error> {
    let mut last = head(&pool).await?;
    let mut rx = notices.subscribe();
    tokio::spawn(async move {
        loop {
            if let Err(broadcast::error::RecvError::Closed) = rx.recv().await {
                return;
            }
            if let Err(e) = catch_up(&pool, &epoch, &mut last, &pages).await {
                crate::log::error(&format!("live pages: {}", e.message));
            }
        }
    });
    Ok(())
}

async fn catch_up(
    pool: &PgPool,
    epoch: &str,
    last: &mut (i64, i64),
    pages: &broadcast::Sender<Arc<String>>,
) -> Result<(), ApiError> {
    let mut waits = 0;
    loop {
        let (rows, more) = visible_after(pool, *last, PAGE, None).await?;
        if let Some(&(tx, pos, _)) = rows.last() {
            let from = cursor(last.0, last.1);
            *last = (tx, pos);
            let events = rows
                .into_iter()
                .map(|(tx, pos, event)| PulledEvent {
                    pos: cursor(tx, pos),
                    event,
                })
                .collect();
            let page = LivePage {
                from,
                page: PullPage {
                    events,
                    next: cursor(tx, pos),
                    more,
                    held: false,
                    epoch: Some(epoch.to_owned()),
                },
            };
            // No seat listening is fine: they pull when they connect.
            let _ = pages.send(Arc::new(serde_json::to_string(&page).expect("serialises")));
        }
        if more {
            continue;
        }
        // Committed behind an older transaction: it will be visible in moments.
        if waits < 100 && held_after(pool, *last, None).await? {
            waits += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        return Ok(());
    }
}

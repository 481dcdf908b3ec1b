//! Writing new cases in bulk (seed-demo, import legacy): each batch — its events as COPY rows of
//! `events` and its snapshot rows — in one transaction, two batches at once. PostgreSQL takes a
//! COPY on one core, so two keep a 2-core machine busy while the caller folds the next batch.
//! A pull waits for every older transaction to end (the cursor never skips a late commit), so a
//! bulk transaction holds back the seats' live delivery while it runs: its data is made before it
//! begins, and callers keep batches small (1,000 cases: a fraction of a second of COPY).

use chrono::{DateTime, Utc};
use hotline_domain::case::Event;
use sqlx::PgPool;
use tokio::task::JoinSet;

use crate::copy_text::CopyText;
use crate::snapshot::{copy, CopyRows, SnapshotRows};

const AT_ONCE: usize = 2;

pub struct BulkWriter {
    pool: PgPool,
    in_flight: JoinSet<Result<(), sqlx::Error>>,
}

impl BulkWriter {
    pub fn new(pool: &PgPool) -> Self {
        Self {
            pool: pool.clone(),
            in_flight: JoinSet::new(),
        }
    }

    /// Starts writing one batch (`events`: COPY rows of `id, case_id, device_id, device_seq,
    /// user_id, at, stored_at, body`); waits first while two are being written.
    pub async fn write(&mut self, events: Vec<u8>, rows: SnapshotRows) -> Result<(), sqlx::Error> {
        while self.in_flight.len() >= AT_ONCE {
            self.finish_one().await?;
        }
        // Made here, outside the transaction: see `SnapshotRows::copy_rows`.
        let rows = rows.copy_rows();
        self.in_flight.spawn(store(self.pool.clone(), events, rows));
        Ok(())
    }

    /// Waits for every batch being written; the first error, if any.
    pub async fn finish(&mut self) -> Result<(), sqlx::Error> {
        while !self.in_flight.is_empty() {
            self.finish_one().await?;
        }
        Ok(())
    }

    async fn finish_one(&mut self) -> Result<(), sqlx::Error> {
        match self.in_flight.join_next().await {
            Some(written) => written.expect("a batch writer does not panic"),
            None => Ok(()),
        }
    }
}

/// Appends `e` to `rows` as one COPY row of `events` (what `BulkWriter::write` takes): sent by
/// `device` as its `seq`th step, in the name of the user numbered `user`, stored at `stored_at`.
pub(crate) fn event_row(
    rows: &mut CopyText,
    e: &Event,
    device: &str,
    seq: i64,
    user: i64,
    stored_at: DateTime<Utc>,
) {
    rows.plain(e.id.0)
        .plain(e.case.0)
        .text(device)
        .plain(seq)
        .plain(user)
        .time(e.at)
        .time(stored_at)
        .json(&crate::stored_event::stored_body(e))
        .end_row();
}

/// One batch in one transaction; the live streams are told when it commits.
async fn store(pool: PgPool, events: Vec<u8>, rows: CopyRows) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    copy(
        &mut tx,
        "COPY events (id, case_id, device_id, device_seq, user_id, at, stored_at, body) FROM STDIN",
        events,
    )
    .await?;
    rows.send(&mut tx).await?;
    sqlx::query("SELECT pg_notify($1, '')")
        .bind(crate::fanout::CHANNEL)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

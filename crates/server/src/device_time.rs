//! What the server knows of a device's time, and the earliest time a pushed event may claim.
//!
//! Offline work keeps its own time: a reply recorded in a basement without a network is dated
//! when it was recorded, not when it arrived. But not a time the device could not have had. Two
//! things the server saw bound it from below:
//! - **The last pull.** A seat pushes its whole outbox before it pulls
//!   (`hotline_client::sync::sync_once`), so an event numbered above what the device had pushed
//!   by its last pull was recorded after that pull.
//! - **What the device had seen of the case** (`Event::seen`). Of the events it had, all but its
//!   own came from the server, so it recorded this one after the server stored the k-th of the
//!   others (k = seen − its own).
//!
//! Both are server times; a device's clock may run ahead or behind, so each request carries the
//! device's reading ([`DEVICE_TIME_HEADER`]) and the server keeps the offset (device − server),
//! moves the bounds by it and allows [`TOLERANCE`] for the moments a sync takes. A device whose
//! offset exceeds [`SKEW_LIMIT`] is audited (`device.skew`) and listed to supervisors.

use chrono::{DateTime, Duration, Utc};
use hotline_domain::wire::DEVICE_TIME_HEADER;

/// Slack for a measurement taken over the network and for events recorded while a sync runs.
pub const TOLERANCE: Duration = Duration::minutes(10);

/// A device clock this far off the server's is flagged: its events' times are suspect, and a
/// seat's countdowns are wrong by as much.
pub const SKEW_LIMIT: Duration = Duration::minutes(5);

/// The device's clock minus the server's, from the request's header; none when the header is
/// missing or unreadable (then the bounds count the device's clock as right).
pub fn offset_of(headers: &axum::http::HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let value = headers.get(DEVICE_TIME_HEADER)?.to_str().ok()?;
    let device = DateTime::parse_from_rfc3339(value.trim()).ok()?;
    let offset = device.with_timezone(&Utc).signed_duration_since(now);
    // Anything beyond a year is not a clock but garbage; it must not overflow the bounds.
    (offset.num_days().abs() <= 366).then_some(offset)
}

/// The device's contact with the server, as of the start of a push.
#[derive(Debug, Clone, Copy, Default)]
pub struct Contact {
    /// Server time of the device's last pull, and the last sequence it had pushed by then.
    pub pulled_at: Option<DateTime<Utc>>,
    pub seq_at_pull: i64,
    /// The offset measured at that pull, and now.
    pub offset_at_pull: Option<Duration>,
    pub offset_now: Option<Duration>,
    /// The offset last recorded before this push (a new skew is audited once).
    pub offset_before: Option<Duration>,
}

impl Contact {
    /// The offset to move a server time by: the smaller of the two measured (a clock put right
    /// between recording and pushing must not make honest events look early), zero if none.
    fn offset(&self) -> Duration {
        match (self.offset_at_pull, self.offset_now) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => a.or(b).unwrap_or_default(),
        }
    }

    /// A server time as the device's clock read it, less the tolerance.
    pub fn on_device(&self, server_time: DateTime<Utc>) -> DateTime<Utc> {
        server_time + self.offset() - TOLERANCE
    }

    /// The earliest time an event numbered `seq` may claim, by the last pull.
    pub fn after_pull(&self, seq: i64) -> Option<DateTime<Utc>> {
        self.pulled_at
            .filter(|_| seq > self.seq_at_pull)
            .map(|at| self.on_device(at))
    }
}

/// The earliest server time an event that had seen `seen` events of its case may follow:
/// `others` are the stored times of the case's events from other devices, oldest first; `own`
/// counts (generously) the device's own events it may have had. More seen than exist means
/// "all of them".
pub fn after_seen(seen: u32, own: usize, others: &[DateTime<Utc>]) -> Option<DateTime<Utc>> {
    let k = (seen as usize).saturating_sub(own);
    if k == 0 {
        return None;
    }
    others.get(k - 1).or(others.last()).copied()
}

/// Takes the device's row for a push (FOR UPDATE: two pushes of one device serialise; the row
/// exists, the push inserts it before): its last sequence, the user it belongs to, and what the
/// server knows of its time — one read of the row for all three.
pub async fn lock(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    device: &str,
    offset_now: Option<Duration>,
) -> Result<(i64, Option<i64>, Contact), sqlx::Error> {
    type Row = (
        i64,
        Option<i64>,
        Option<DateTime<Utc>>,
        i64,
        Option<i64>,
        Option<i64>,
    );
    let (last_seq, owner, pulled_at, seq_at_pull, at_pull_ms, before_ms): Row = sqlx::query_as(
        "SELECT last_seq, user_id, pulled_at, seq_at_pull, offset_at_pull_ms, clock_offset_ms
         FROM devices WHERE device_id = $1 FOR UPDATE",
    )
    .bind(device)
    .fetch_one(&mut **tx)
    .await?;
    let contact = Contact {
        pulled_at,
        seq_at_pull,
        offset_at_pull: at_pull_ms.map(Duration::milliseconds),
        offset_now,
        offset_before: before_ms.map(Duration::milliseconds),
    };
    Ok((last_seq, owner, contact))
}

/// Records a pull: when, what the device had pushed by then, and its clock's offset.
pub async fn note_pull(
    pool: &sqlx::PgPool,
    device: &str,
    user: i64,
    now: DateTime<Utc>,
    offset: Option<Duration>,
) -> Result<(), sqlx::Error> {
    let ms = offset.map(|o| o.num_milliseconds());
    let skewed_before: Option<bool> = sqlx::query_scalar(
        "UPDATE devices d SET pulled_at = $2, seq_at_pull = d.last_seq, offset_at_pull_ms = $3,
                clock_offset_ms = COALESCE($3, d.clock_offset_ms),
                offset_at = CASE WHEN $3 IS NULL THEN d.offset_at ELSE $2 END
         FROM devices old WHERE d.device_id = $1 AND old.device_id = $1 AND d.user_id = $4
         RETURNING abs(COALESCE(old.clock_offset_ms, 0)) > $5",
    )
    .bind(device)
    .bind(now)
    .bind(ms)
    .bind(user)
    .bind(SKEW_LIMIT.num_milliseconds())
    .fetch_optional(pool)
    .await?;
    audit_skew(
        pool,
        device,
        user,
        now,
        offset,
        skewed_before.unwrap_or(false),
    )
    .await
}

/// Records the offset measured at a push (in the push's transaction, on the row [`lock`] took).
pub async fn note_push(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    device: &str,
    user: i64,
    now: DateTime<Utc>,
    contact: &Contact,
) -> Result<(), sqlx::Error> {
    let Some(offset) = contact.offset_now else {
        return Ok(());
    };
    sqlx::query("UPDATE devices SET clock_offset_ms = $2, offset_at = $3 WHERE device_id = $1")
        .bind(device)
        .bind(offset.num_milliseconds())
        .bind(now)
        .execute(&mut **tx)
        .await?;
    let was_skewed = contact.offset_before.is_some_and(|o| o.abs() > SKEW_LIMIT);
    audit_skew(&mut **tx, device, user, now, Some(offset), was_skewed).await
}

/// One audit row when a device's clock goes beyond [`SKEW_LIMIT`] (not one per request).
async fn audit_skew<'e>(
    db: impl sqlx::PgExecutor<'e>,
    device: &str,
    user: i64,
    now: DateTime<Utc>,
    offset: Option<Duration>,
    was_skewed: bool,
) -> Result<(), sqlx::Error> {
    let Some(offset) = offset.filter(|o| o.abs() > SKEW_LIMIT) else {
        return Ok(());
    };
    if was_skewed {
        return Ok(());
    }
    sqlx::query("INSERT INTO audit (at, user_id, action, target, detail) VALUES ($1, $2, 'device.skew', $3, $4)")
        .bind(now)
        .bind(user)
        .bind(device)
        .bind(serde_json::json!({ "offset_secs": offset.num_seconds() }))
        .execute(db)
        .await?;
    Ok(())
}

/// One device as supervisors and administrators see it (the wire type the desk reads too).
pub use hotline_domain::wire::DeviceClock;

/// Every device that has synced (or only the skewed ones), the skewed first, then by last contact.
pub async fn devices(
    pool: &sqlx::PgPool,
    only_skewed: bool,
) -> Result<Vec<DeviceClock>, sqlx::Error> {
    type Row = (
        String,
        Option<String>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<i64>,
        bool,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT d.device_id, u.name AS user_name, d.pulled_at, d.offset_at,
                d.clock_offset_ms / 1000 AS offset_secs,
                COALESCE(abs(d.clock_offset_ms) > $1, false) AS skewed
         FROM devices d LEFT JOIN users u ON u.id = d.user_id
         WHERE (d.offset_at IS NOT NULL OR d.pulled_at IS NOT NULL)
           AND (NOT $2 OR COALESCE(abs(d.clock_offset_ms) > $1, false))
         ORDER BY skewed DESC, greatest(d.pulled_at, d.offset_at) DESC NULLS LAST",
    )
    .bind(SKEW_LIMIT.num_milliseconds())
    .bind(only_skewed)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(device_id, user_name, pulled_at, offset_at, offset_secs, skewed)| DeviceClock {
                device_id,
                user_name,
                pulled_at,
                offset_at,
                offset_secs,
                skewed,
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap() + Duration::hours(h)
    }

    #[test]
    fn the_kth_event_from_others_bounds_what_was_seen() {
        let others = [t(0), t(5), t(9)];
        assert_eq!(after_seen(0, 0, &others), None);
        assert_eq!(after_seen(2, 2, &others), None, "only its own");
        assert_eq!(after_seen(3, 1, &others), Some(t(5)));
        assert_eq!(after_seen(u32::MAX, 0, &others), Some(t(9)));
        assert_eq!(after_seen(3, 0, &[]), None);
    }

    #[test]
    fn a_pull_bounds_only_what_was_numbered_after_it_moved_by_the_smaller_offset() {
        let c = Contact {
            pulled_at: Some(t(10)),
            seq_at_pull: 7,
            offset_at_pull: Some(Duration::minutes(30)),
            offset_now: Some(Duration::minutes(-20)),
            offset_before: None,
        };
        assert_eq!(c.after_pull(7), None, "pushed before the pull");
        assert_eq!(
            c.after_pull(8),
            Some(t(10) - Duration::minutes(20) - TOLERANCE)
        );
        assert_eq!(Contact::default().after_pull(1), None, "never pulled");
    }
}

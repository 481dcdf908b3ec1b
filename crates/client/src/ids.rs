//! Ids made on the device: UUIDv7, so they are unique without a server and sort by creation time.

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseId, EventId};
use uuid::{NoContext, Timestamp, Uuid};

/// A UUIDv7 stamped with `now` from the caller's [`hotline_domain::time::Clock`], not the system
/// time `Uuid::now_v7` would read, so ids follow the same clock as the events they name.
fn v7(now: DateTime<Utc>) -> Uuid {
    let secs = u64::try_from(now.timestamp()).unwrap_or(0);
    Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        secs,
        now.timestamp_subsec_nanos(),
    ))
}

pub fn new_case_id(now: DateTime<Utc>) -> CaseId {
    CaseId(v7(now))
}

pub fn new_event_id(now: DateTime<Utc>) -> EventId {
    EventId(v7(now))
}

pub fn new_device_id(now: DateTime<Utc>) -> String {
    v7(now).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_unique_and_ordered_by_time() {
        let t0 = DateTime::parse_from_rfc3339("2026-11-26T10:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let a = new_case_id(t0);
        let b = new_case_id(t0);
        let later = new_case_id(t0 + chrono::Duration::milliseconds(1));
        assert_eq!(a.0.get_version_num(), 7);
        assert_ne!(a, b, "random bits differ within one millisecond");
        assert!(later.0 > a.0 && later.0 > b.0);
        let (secs, _) = a.0.get_timestamp().unwrap().to_unix();
        assert_eq!(secs as i64, t0.timestamp());
    }
}

//! How an event is kept in `events.body`: its JSON without what the row's columns already hold
//! (id, case, device — about 125 of 440 bytes), put back on reading by the SQL function
//! `whole_event(body, id, case_id, device_id)` (migration 0021). Every reader of a whole event
//! selects `whole_event(…)`, never `body` alone.

use hotline_domain::case::Event;

/// The keys of an event's JSON that its row holds as columns.
const IN_COLUMNS: [&str; 3] = ["id", "case", "device"];

/// `e` as stored in `events.body`.
pub(crate) fn stored_body(e: &Event) -> serde_json::Value {
    let mut json = serde_json::to_value(e).expect("an event serialises");
    if let Some(fields) = json.as_object_mut() {
        for key in IN_COLUMNS {
            fields.remove(key);
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use hotline_domain::case::{Actor, CaseId, DeviceId, EventBody, EventId, Role};

    #[test]
    fn a_stored_body_with_its_columns_put_back_is_the_event() {
        let e = Event {
            id: EventId(uuid::Uuid::from_u128(1)),
            case: CaseId(uuid::Uuid::from_u128(2)),
            at: chrono::Utc.with_ymd_and_hms(2026, 12, 4, 9, 30, 0).unwrap(),
            actor: Actor {
                user: "seat1".into(),
                role: Role::Seat,
                bureau: None,
            },
            device: DeviceId("desk-7".into()),
            seen: 3,
            body: EventBody::Closed {
                note: "已办结".into(),
            },
        };
        let mut stored = stored_body(&e);
        for key in IN_COLUMNS {
            assert!(stored.get(key).is_none(), "{key} is a column");
        }
        // What `whole_event` does in SQL.
        let fields = stored.as_object_mut().unwrap();
        fields.insert("id".into(), serde_json::json!(e.id.0));
        fields.insert("case".into(), serde_json::json!(e.case.0));
        fields.insert("device".into(), serde_json::json!(e.device.0));
        assert_eq!(serde_json::from_value::<Event>(stored).unwrap(), e);
    }
}

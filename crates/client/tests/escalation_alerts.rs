//! The escalation ladder's alerts on a supervisor's desk: an escalation (and the alert at half the
//! budget) the server addressed to the duty supervisor is handed to that supervisor's desk once,
//! and to no other supervisor's; a seat's own escalation, addressed to no one, reaches every
//! supervisor.

use chrono::{DateTime, Utc};
use hotline_client::store::{AlertScope, LocalStore};
use hotline_client::DataDir;
use hotline_domain::case::{
    Actor, Caller, CaseId, CaseNumber, Channel, ClockRef, DeviceId, Event, EventBody, EventId,
    IntakeDraft, Level, Role,
};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::PulledEvent;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn event(case: CaseId, at: &str, user: &str, role: Role, body: EventBody) -> Event {
    Event {
        id: EventId(uuid::Uuid::now_v7()),
        case,
        at: t(at),
        actor: Actor {
            user: user.into(),
            role,
            bureau: None,
        },
        device: DeviceId(format!("{user}-device")),
        seen: u32::MAX,
        body,
    }
}

/// A level-A fault received at 10:00 Beijing, alerted at 10:07:30 and escalated at 10:15:01 by
/// the server to `to`.
fn history(to: &[&str]) -> Vec<PulledEvent> {
    let case = CaseId(uuid::Uuid::now_v7());
    let intake = IntakeDraft {
        number: CaseNumber::new("2026-11-28".parse().unwrap(), "A017", 1).unwrap(),
        kind: "fault".into(),
        category: "app_fault".into(),
        caller: Caller {
            phone: "13800138000".into(),
            name: None,
            id_number: None,
        },
        channel: Channel::Phone,
        district: "越秀区".into(),
        address: String::new(),
        description: "政务服务网无法登录".into(),
        level: Some(Level::FaultA),
    }
    .resolve(&hotline_domain::centre::CentrePolicy::default())
    .unwrap();
    let respond = ClockRef {
        key: "respond".into(),
        bureau: None,
    };
    let to: Vec<String> = to.iter().map(|s| (*s).to_owned()).collect();
    let events = [
        event(
            case,
            "2026-11-28T02:00:00Z",
            "seat1",
            Role::Seat,
            EventBody::Received(Box::new(intake)),
        ),
        event(
            case,
            "2026-11-28T02:07:30Z",
            "system",
            Role::System,
            EventBody::Alerted {
                clock: respond.clone(),
                note: "已过半".into(),
                to: to.clone(),
            },
        ),
        event(
            case,
            "2026-11-28T02:15:01Z",
            "system",
            Role::System,
            EventBody::Escalated {
                note: "升级督办".into(),
                clock: Some(respond),
                to,
            },
        ),
    ];
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| PulledEvent {
            pos: format!("{:020}:{:020}", 1, i + 1),
            event,
        })
        .collect()
}

/// The ladder's thresholds a desk of `user` (`role`) hands out at 10:20 for `history`.
async fn ladder_alerts(user: &str, role: Role, history: &[PulledEvent]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let now = t("2026-11-28T02:20:00Z");
    let mut store = LocalStore::open(&DataDir::resolve(Some(dir.path().to_owned())), now)
        .await
        .unwrap();
    store
        .adopt_login("http://127.0.0.1:9", user, role, None, Some("Z001"))
        .await
        .unwrap();
    let cal = SlaCalendar::new(hotline_domain::calendar::shipped(), Default::default());
    store
        .apply_pulled(history, &history.last().unwrap().pos, &cal, now)
        .await
        .unwrap();
    let scope = if role == Role::Seat {
        AlertScope::Mine
    } else {
        AlertScope::All
    };
    let taken = store.take_due_alerts(scope, now, 50).await.unwrap();
    assert_eq!(
        store.take_due_alerts(scope, now, 50).await.unwrap().clocks,
        0,
        "handed out once"
    );
    let mut ladder: Vec<String> = taken
        .alerts
        .into_iter()
        .map(|a| a.threshold)
        .filter(|t| t == "escalated" || t == "ladder_alert")
        .collect();
    ladder.sort();
    ladder
}

#[tokio::test]
async fn the_duty_supervisors_desk_alone_is_alerted_of_the_escalation_addressed_to_them() {
    let to_lead2 = history(&["lead2"]);
    assert_eq!(
        ladder_alerts("lead2", Role::Supervisor, &to_lead2).await,
        ["escalated", "ladder_alert"]
    );
    assert!(ladder_alerts("lead1", Role::Supervisor, &to_lead2)
        .await
        .is_empty());
    assert!(ladder_alerts("seat1", Role::Seat, &to_lead2)
        .await
        .is_empty());
    // Addressed to no one (every supervisor): each supervisor's desk, no seat's.
    let to_all = history(&[]);
    assert_eq!(
        ladder_alerts("lead1", Role::Supervisor, &to_all).await,
        ["escalated", "ladder_alert"]
    );
    assert!(ladder_alerts("seat1", Role::Seat, &to_all).await.is_empty());
}

//! What the system does to a late case on its own (督办): a bureau whose clock broke is urged
//! (催办) on the next working day after the due date; if the clock is still broken on the next
//! working day after that urging, the case is escalated (升级督办) — a repeated breach. Pure:
//! the server's supervision loop records the returned steps as the `System` role.

use chrono::{DateTime, Utc};

use super::event::{Event, EventBody};
use super::fold::CaseState;
use super::model::BureauCode;
use crate::sla::{ClockStatus, SlaCalendar};
use crate::time::local_date;

/// The steps due on `state` (whose history is `events`) at `now`, at most one per bureau.
pub fn due_steps(
    state: &CaseState,
    events: &[Event],
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> Vec<EventBody> {
    let mut steps = Vec::new();
    let today = local_date(now);
    let next_working_day = |t: DateTime<Utc>| cal.legal().add_workdays(local_date(t), 1).ok();
    let mut seen: Vec<&BureauCode> = Vec::new();
    for c in &state.clocks {
        let (Some(bureau), Some(run)) = (c.bureau.as_ref(), c.current()) else {
            continue;
        };
        if !run.is_active() || run.paused_since.is_some() || seen.contains(&bureau) {
            continue;
        }
        let Ok(reading) = run.read(cal, now) else {
            continue;
        };
        if reading.status != ClockStatus::Breached
            || next_working_day(reading.due).is_none_or(|d| today < d)
        {
            continue;
        }
        seen.push(bureau);
        let urged = events
            .iter()
            .filter(|e| e.at >= reading.due)
            .rfind(|e| matches!(&e.body, EventBody::Urged { bureau: b, .. } if b == bureau));
        let due_local = reading
            .due
            .with_timezone(&crate::time::china())
            .format("%m月%d日 %H:%M");
        match urged {
            None => steps.push(EventBody::Urged {
                bureau: bureau.clone(),
                note: format!(
                    "「{}」时限已于{due_local}届满，请尽快办理并答复（系统催办）",
                    c.spec.label
                ),
            }),
            Some(u) => {
                let escalated = events
                    .iter()
                    .any(|e| e.at >= u.at && matches!(e.body, EventBody::Escalated { .. }));
                if !escalated && next_working_day(u.at).is_some_and(|d| today >= d) {
                    steps.push(EventBody::Escalated {
                        note: format!(
                            "{}「{}」催办后仍未办理（{due_local}届满），升级督办",
                            bureau.0, c.spec.label
                        ),
                    });
                }
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{
        Actor, Caller, CaseId, CaseNumber, Channel, DeviceId, EventId, IntakeDraft, Role,
    };

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn event(case: CaseId, t: &str, role: Role, body: EventBody) -> Event {
        let bureau = (role == Role::Bureau).then(|| BureauCode::from("HRSS"));
        Event {
            id: EventId(uuid::Uuid::now_v7()),
            case,
            at: at(t),
            actor: Actor {
                user: "u".into(),
                role,
                bureau,
            },
            device: DeviceId("d".into()),
            seen: u32::MAX,
            body,
        }
    }

    #[test]
    fn a_late_bureau_is_urged_the_next_working_day_then_escalated_the_next() {
        let cal = SlaCalendar::new(crate::calendar::shipped(), Default::default());
        let case = CaseId(uuid::Uuid::now_v7());
        let hrss = BureauCode::from("HRSS");
        let intake = IntakeDraft {
            number: CaseNumber::new(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                "A001",
                1,
            )
            .unwrap(),
            kind: "consultation".into(),
            category: "social_security".into(),
            caller: Caller {
                phone: "13800138000".into(),
                name: None,
                id_number: None,
            },
            channel: Channel::Phone,
            district: "越秀区".into(),
            address: String::new(),
            description: "社保转移".into(),
            level: None,
        }
        .resolve(&crate::centre::CentrePolicy::default())
        .unwrap();
        // Monday 2 November 2026, 09:00 Beijing; the bureau has five working days to reply.
        let mut events = vec![
            event(
                case,
                "2026-11-02T01:00:00Z",
                Role::Seat,
                EventBody::Received(Box::new(intake)),
            ),
            event(
                case,
                "2026-11-02T01:05:00Z",
                Role::Seat,
                EventBody::Dispatched {
                    bureau: hrss.clone(),
                    note: String::new(),
                },
            ),
            event(
                case,
                "2026-11-02T02:00:00Z",
                Role::Bureau,
                EventBody::SignedFor {
                    bureau: hrss.clone(),
                },
            ),
        ];
        let steps = |events: &[Event], now: &str| {
            due_steps(&CaseState::fold(events), events, &cal, at(now))
        };
        let state = CaseState::fold(&events);
        let reply = state
            .clocks
            .iter()
            .find(|c| c.bureau.as_ref() == Some(&hrss))
            .unwrap();
        let due = reply
            .current()
            .unwrap()
            .read(&cal, at("2026-11-02T02:00:00Z"))
            .unwrap()
            .due;
        assert_eq!(
            local_date(due).to_string(),
            "2026-11-09",
            "the fifth working day after receipt"
        );

        assert!(
            steps(&events, "2026-11-09T15:59:00Z").is_empty(),
            "not late before the due (23:59 Beijing, Monday)"
        );
        let urge = steps(&events, "2026-11-10T00:30:00Z");
        assert!(
            matches!(urge.as_slice(), [EventBody::Urged { bureau, note }] if *bureau == hrss && note.contains("系统催办")),
            "{urge:?}"
        );
        events.push(event(
            case,
            "2026-11-10T00:30:00Z",
            Role::System,
            urge[0].clone(),
        ));
        assert!(
            steps(&events, "2026-11-10T09:00:00Z").is_empty(),
            "urged once, not again the same day"
        );
        let escalate = steps(&events, "2026-11-11T00:30:00Z");
        assert!(
            matches!(escalate.as_slice(), [EventBody::Escalated { .. }]),
            "{escalate:?}"
        );
        events.push(event(
            case,
            "2026-11-11T00:30:00Z",
            Role::System,
            escalate[0].clone(),
        ));
        assert!(
            steps(&events, "2026-11-12T00:30:00Z").is_empty(),
            "escalated once"
        );
        // Urged on a Friday: the escalation waits for Monday, the next working day.
        let mut friday = events[..3].to_vec();
        friday.push(event(
            case,
            "2026-11-13T01:00:00Z",
            Role::System,
            EventBody::Urged {
                bureau: hrss.clone(),
                note: "催办".into(),
            },
        ));
        assert!(
            steps(&friday, "2026-11-14T02:00:00Z").is_empty(),
            "Saturday"
        );
        assert!(
            matches!(
                steps(&friday, "2026-11-16T01:00:00Z").as_slice(),
                [EventBody::Escalated { .. }]
            ),
            "Monday"
        );
        // A reply stops the clock: nothing more is due.
        let mut replied = events[..3].to_vec();
        replied.push(event(
            case,
            "2026-11-09T03:00:00Z",
            Role::Bureau,
            EventBody::Replied {
                bureau: Some(hrss.clone()),
                text: "已答复".into(),
            },
        ));
        assert!(steps(&replied, "2026-11-20T00:30:00Z").is_empty());
    }
}

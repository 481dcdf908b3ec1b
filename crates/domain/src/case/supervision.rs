//! What the system does to a late case on its own (督办): each running clock climbs its ladder
//! (`sla::ladder`) — the supervisor on duty alerted, the bureau urged (催办), the case escalated
//! (升级督办) — one rung at a time, each rung once per run (a granted extension moves the rungs
//! and they may fire again). Pure: the server's supervision loop records the returned steps as
//! the `System` role and stores [`next_rung_at`] so that it reads only the cases with a rung due.

use chrono::{DateTime, Utc};

use super::event::EventBody;
use super::fold::{CaseState, ClockInstance, ClockRef, LadderMark};
use crate::sla::{working_days_after, RungAction, RungAt, SlaCalendar};

/// The next rung of one running clock, and when it is due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRung {
    pub clock: ClockRef,
    pub label: String,
    pub action: RungAction,
    pub at: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

/// When the rung (`action` on `clock`, due at `at`) fired, if it has. An urging is the bureau's,
/// whichever of its clocks it was for; an escalation a seat recorded names no clock and counts
/// for every clock.
fn fired(
    marks: &[LadderMark],
    action: RungAction,
    clock: &ClockRef,
    at: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    marks
        .iter()
        .find(|m| {
            m.action == action
                && m.at >= at
                && match action {
                    RungAction::Urge => m.bureau.is_some() && m.bureau == clock.bureau,
                    RungAction::Alert => m.clock.as_ref() == Some(clock),
                    RungAction::Escalate => m.clock.as_ref().is_none_or(|c| c == clock),
                }
        })
        .map(|m| m.at)
}

/// The first rung of `c`'s ladder that has not fired, if its current run is running (a paused
/// run's rungs keep moving) and the case can take the step at all.
fn next_of(state: &CaseState, c: &ClockInstance, cal: &SlaCalendar) -> Option<NextRung> {
    let run = c
        .current()
        .filter(|r| r.is_active() && r.paused_since.is_none())?;
    let clock = c.reference();
    let due = run.read(cal, run.started_at).ok()?.due;
    let mut previous: Option<DateTime<Utc>> = None;
    for rung in c.spec.ladder() {
        // A rung whose instant the calendar cannot place (a year far off) waits: nothing fires.
        let mut at = run.rung_instant(cal, rung.at).ok()?;
        // A rung counted in working days comes a working day after the rung before it fired
        // (urged late on a Friday, a bureau is escalated on Monday, not on Saturday).
        if let (RungAt::WorkingDaysAfterDue(_), Some(t)) = (rung.at, previous) {
            at = at.max(working_days_after(cal, t, 1).ok()?);
        }
        if let Some(t) = fired(&state.ladder_marks, rung.action, &clock, at) {
            previous = Some(t);
            continue;
        }
        // A case already escalated is a supervisor's: another clock breaking does not escalate
        // it again (it alerts them, where its ladder says so).
        if rung.action == RungAction::Escalate && state.escalation.is_some() {
            continue;
        }
        let probe = step(rung.action, &clock, String::new(), vec![]);
        if !probe.is_some_and(|b| state.takes(&b)) {
            return None;
        }
        return Some(NextRung {
            clock,
            label: c.spec.label.clone(),
            action: rung.action,
            at,
            due,
        });
    }
    None
}

/// The next rung of every running clock of the case.
pub fn next_rungs(state: &CaseState, cal: &SlaCalendar) -> Vec<NextRung> {
    state
        .clocks
        .iter()
        .filter_map(|c| next_of(state, c, cal))
        .collect()
}

/// When the server must next look at the case: the earliest next rung.
pub fn next_rung_at(state: &CaseState, cal: &SlaCalendar) -> Option<DateTime<Utc>> {
    next_rungs(state, cal).into_iter().map(|r| r.at).min()
}

fn step(action: RungAction, clock: &ClockRef, note: String, to: Vec<String>) -> Option<EventBody> {
    Some(match action {
        RungAction::Alert => EventBody::Alerted {
            clock: clock.clone(),
            note,
            to,
        },
        RungAction::Urge => EventBody::Urged {
            bureau: clock.bureau.clone()?,
            note,
        },
        RungAction::Escalate => EventBody::Escalated {
            note,
            clock: Some(clock.clone()),
            to,
        },
    })
}

/// The steps due on `state` at `now`: the next rung of each clock whose instant has come, at
/// most one urging per bureau and one escalation per case. `duty` is who alerts and escalations
/// go to: the supervisors on duty (the server's roster), or every supervisor.
pub fn due_steps(
    state: &CaseState,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
    duty: &[String],
) -> Vec<EventBody> {
    let mut steps: Vec<EventBody> = Vec::new();
    let china = crate::time::china();
    for r in next_rungs(state, cal).into_iter().filter(|r| r.at <= now) {
        let due = r.due.with_timezone(&china).format("%m月%d日 %H:%M");
        let whose = r
            .clock
            .bureau
            .as_ref()
            .map(|b| b.0.as_str())
            .unwrap_or("中心");
        let note = match r.action {
            RungAction::Alert if r.at > r.due => {
                format!(
                    "{whose}「{}」时限已于{due}届满，请督办（系统提醒）",
                    r.label
                )
            }
            RungAction::Alert => {
                format!(
                    "{whose}「{}」时限将于{due}届满，已过半，请关注（系统提醒）",
                    r.label
                )
            }
            RungAction::Urge => {
                format!(
                    "「{}」时限已于{due}届满，请尽快办理并答复（系统催办）",
                    r.label
                )
            }
            RungAction::Escalate => {
                format!("{whose}「{}」时限{due}届满后仍未办理，升级督办", r.label)
            }
        };
        let Some(body) = step(r.action, &r.clock, note, duty.to_vec()) else {
            continue;
        };
        let twice = steps.iter().any(|s| match (s, &body) {
            (EventBody::Urged { bureau: a, .. }, EventBody::Urged { bureau: b, .. }) => a == b,
            (EventBody::Escalated { .. }, EventBody::Escalated { .. }) => true,
            _ => false,
        });
        if !twice {
            steps.push(body);
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{
        Actor, BureauCode, Caller, CaseId, CaseNumber, Channel, DeviceId, Event, EventId, Intake,
        IntakeDraft, Level, Role,
    };
    use crate::time::local_date;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    /// A step by `user` of `role` (a bureau's handler is HRSS's) at `t`.
    pub(super) fn event_as(
        case: CaseId,
        t: DateTime<Utc>,
        role: Role,
        user: &str,
        body: EventBody,
    ) -> Event {
        let bureau = (role == Role::Bureau).then(|| BureauCode::from("HRSS"));
        Event {
            id: EventId(uuid::Uuid::now_v7()),
            case,
            at: t,
            actor: Actor {
                user: user.into(),
                role,
                bureau,
            },
            device: DeviceId("d".into()),
            seen: u32::MAX,
            body,
        }
    }

    fn event(case: CaseId, t: &str, role: Role, body: EventBody) -> Event {
        event_as(case, at(t), role, "u", body)
    }

    /// A call of `kind` and `category` recorded on `day`, under the built-in policy.
    pub(super) fn intake(
        day: (i32, u32, u32),
        (kind, category, level): (&str, &str, Option<Level>),
        description: &str,
    ) -> Intake {
        IntakeDraft {
            number: CaseNumber::new(
                chrono::NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap(),
                "A001",
                1,
            )
            .unwrap(),
            kind: kind.into(),
            category: category.into(),
            caller: Caller {
                phone: "13800138000".into(),
                name: None,
                id_number: None,
            },
            channel: Channel::Phone,
            district: "越秀区".into(),
            address: String::new(),
            description: description.into(),
            level,
        }
        .resolve(&crate::centre::CentrePolicy::default())
        .unwrap()
    }

    #[test]
    fn a_late_bureau_is_urged_the_next_working_day_then_escalated_the_next() {
        let cal = SlaCalendar::new(crate::calendar::shipped(), Default::default());
        let case = CaseId(uuid::Uuid::now_v7());
        let hrss = BureauCode::from("HRSS");
        let intake = intake(
            (2026, 11, 2),
            ("consultation", "social_security", None),
            "社保转移",
        );
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
        let steps =
            |events: &[Event], now: &str| due_steps(&CaseState::fold(events), &cal, at(now), &[]);
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

#[cfg(test)]
mod ladder_tests {
    use super::tests::{event_as, intake};
    use super::*;
    use crate::case::{permits, CaseId, Event, Level, Role};

    fn china(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}+08:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    /// A level-A application fault received on Saturday 28 November 2026 at 10:00 Beijing.
    fn level_a_fault() -> Vec<Event> {
        let intake = intake(
            (2026, 11, 28),
            ("fault", "app_fault", Some(Level::FaultA)),
            "政务服务网无法登录",
        );
        let case = CaseId(uuid::Uuid::now_v7());
        vec![event_as(
            case,
            china("2026-11-28T10:00:00"),
            Role::Seat,
            "seat1",
            EventBody::Received(Box::new(intake)),
        )]
    }

    #[test]
    fn a_level_a_fault_left_alone_alerts_the_duty_supervisor_at_half_and_escalates_once_at_the_breach(
    ) {
        let cal = SlaCalendar::new(crate::calendar::shipped(), Default::default());
        let duty = vec!["lead2".to_owned()];
        let mut events = level_a_fault();
        let case = events[0].case;
        let steps =
            |events: &[Event], t: &str| due_steps(&CaseState::fold(events), &cal, china(t), &duty);
        let record = |events: &mut Vec<Event>, t: &str, body: &EventBody| {
            events.push(event_as(
                case,
                china(t),
                Role::System,
                "system",
                body.clone(),
            ));
        };
        assert!(steps(&events, "2026-11-28T10:07:29").is_empty());
        assert_eq!(
            next_rung_at(&CaseState::fold(&events), &cal),
            Some(china("2026-11-28T10:07:30")),
            "half of the 15-minute response, on a Saturday: minutes run 7×24"
        );
        let half = steps(&events, "2026-11-28T10:07:30");
        assert!(
            matches!(half.as_slice(), [EventBody::Alerted { clock, to, note }]
                if clock.key == "respond" && *to == duty && note.contains("已过半")),
            "{half:?}"
        );
        record(&mut events, "2026-11-28T10:07:30", &half[0]);
        assert!(steps(&events, "2026-11-28T10:10:00").is_empty(), "once");
        let breach = steps(&events, "2026-11-28T10:15:01");
        assert!(
            breach.iter().any(
                |b| matches!(b, EventBody::Escalated { clock: Some(c), to, .. }
                if c.key == "respond" && *to == duty)
            ),
            "{breach:?}"
        );
        for b in &breach {
            record(&mut events, "2026-11-28T10:15:01", b);
        }
        let state = CaseState::fold(&events);
        let x = state.escalation.as_ref().expect("escalated");
        assert!(x.is_waiting() && x.to == duty);
        // The dispatch (30 min) and resolve (1 h) clocks break later: the supervisor is told, the
        // case is not escalated again.
        let later = steps(&events, "2026-11-28T11:00:01");
        assert!(
            !later
                .iter()
                .any(|b| matches!(b, EventBody::Escalated { .. })),
            "{later:?}"
        );
        assert!(later.iter().all(|b| matches!(b, EventBody::Alerted { .. })));
        // Only a supervisor takes it, and only once.
        let take = EventBody::EscalationTaken {
            note: "已联系运维".into(),
        };
        assert!(!permits(Role::Seat, None, &take));
        assert!(permits(Role::Supervisor, None, &take));
        let mut taken = CaseState::fold(&events);
        taken
            .apply(&event_as(
                case,
                china("2026-11-28T10:20:00"),
                Role::Supervisor,
                "lead2",
                take.clone(),
            ))
            .unwrap();
        assert_eq!(
            taken.escalation.as_ref().unwrap().taken_by.as_deref(),
            Some("lead2")
        );
        assert!(!taken.takes(&take), "taken once");
    }

    #[test]
    fn a_seat_escalates_to_every_supervisor_but_names_neither_clock_nor_recipients() {
        let own = EventBody::Escalated {
            note: "来电人情绪激动".into(),
            clock: None,
            to: vec![],
        };
        assert!(permits(Role::Seat, None, &own));
        let forged = EventBody::Escalated {
            note: "x".into(),
            clock: None,
            to: vec!["lead2".into()],
        };
        assert!(!permits(Role::Seat, None, &forged));
        assert!(!permits(
            Role::Seat,
            None,
            &EventBody::Alerted {
                clock: ClockRef {
                    key: "respond".into(),
                    bureau: None
                },
                note: "x".into(),
                to: vec![],
            }
        ));
    }
}

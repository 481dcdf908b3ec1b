//! Properties of the event fold over arbitrary event sequences.

mod common;

use chrono::{DateTime, Duration, Utc};
use common::{intake, sla, t};
use hotline_domain::case::{
    Actor, BureauCode, CaseId, CaseState, ClockRef, DeviceId, Event, EventBody, EventId, Level,
    Role, Satisfaction,
};
use hotline_domain::sla::{ReportKind, SlaAmount};
use proptest::prelude::*;
use uuid::Uuid;

const CASE: u128 = 7;

fn bureau() -> impl Strategy<Value = BureauCode> {
    prop_oneof![
        Just(BureauCode::from("HRSS")),
        Just(BureauCode::from("MARKET")),
        Just(BureauCode::from("TRANSPORT"))
    ]
}

fn clock_ref() -> impl Strategy<Value = ClockRef> {
    (
        prop_oneof![
            Just("reply"),
            Just("accept"),
            Just("dispatch"),
            Just("resolve"),
            Just("nope")
        ],
        proptest::option::of(bureau()),
    )
        .prop_map(|(k, b)| ClockRef {
            key: k.into(),
            bureau: b,
        })
}

fn sla_amount() -> impl Strategy<Value = SlaAmount> {
    prop_oneof![
        (0u32..100).prop_map(SlaAmount::Minutes),
        (0u32..100).prop_map(SlaAmount::WorkingMinutes),
        (0u32..10).prop_map(SlaAmount::WorkingDays),
        (0u32..3).prop_map(SlaAmount::Days),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("  ".to_owned()),
        Just("理由".to_owned()),
        "\\PC{0,12}"
    ]
}

fn received() -> impl Strategy<Value = EventBody> {
    let kinds = prop_oneof![
        Just(("consultation", "platform_usage", None)),
        Just(("consultation", "social_security", None)),
        Just(("complaint", "market_regulation", None)),
        Just(("complaint", "account_login", None)),
        Just(("complaint", "platform_usage", None)),
        Just(("fault", "network", Some(Level::FaultA))),
        Just(("fault", "app_fault", Some(Level::FaultC))),
        Just(("fault", "network", Some(Level::Service3))),
        Just(("help", "housing", None)),
    ];
    kinds.prop_map(|(k, c, l)| EventBody::Received(Box::new(intake(k, c, l))))
}

fn body() -> impl Strategy<Value = EventBody> {
    use EventBody as B;
    prop_oneof![
        received(),
        text().prop_map(|answer| B::AnsweredOnSpot {
            answer,
            article: None
        }),
        (bureau(), text()).prop_map(|(bureau, note)| B::Dispatched { bureau, note }),
        text().prop_map(|note| B::TakenOn { note }),
        bureau().prop_map(|bureau| B::SignedFor { bureau }),
        (bureau(), text()).prop_map(|(bureau, reason)| B::Returned { bureau, reason }),
        (bureau(), text()).prop_map(|(bureau, reason)| B::ReturnDenied { bureau, reason }),
        (bureau(), bureau(), text()).prop_map(|(from, to, note)| B::Redispatched {
            from,
            to,
            note
        }),
        bureau().prop_map(|bureau| B::Accepted { bureau }),
        (bureau(), text()).prop_map(|(bureau, reason)| B::Declined { bureau, reason }),
        (proptest::option::of(bureau()), text())
            .prop_map(|(bureau, note)| B::ProgressFedBack { bureau, note }),
        proptest::option::of(bureau()).prop_map(|bureau| B::ArrivedOnSite { bureau }),
        text().prop_map(|reason| B::Paused { reason }),
        Just(B::Resumed),
        (clock_ref(), sla_amount(), text()).prop_map(|(clock, amount, reason)| {
            B::ExtensionRequested {
                clock,
                amount,
                reason,
            }
        }),
        (clock_ref(), proptest::option::of(sla_amount())).prop_map(|(clock, amount)| {
            B::ExtensionApproved {
                clock,
                amount,
                note: String::new(),
            }
        }),
        (clock_ref(), text()).prop_map(|(clock, reason)| B::ExtensionDenied { clock, reason }),
        (bureau(), text()).prop_map(|(bureau, note)| B::Urged { bureau, note }),
        text().prop_map(|note| B::Escalated {
            note,
            clock: None,
            to: vec![],
        }),
        text().prop_map(|note| B::EscalationTaken { note }),
        (text(), text()).prop_map(|(service, note)| B::ServiceTakenOffline { service, note }),
        text().prop_map(|note| B::PartiesNotified { note }),
        text().prop_map(|note| B::ServiceVerified { note }),
        text().prop_map(|note| B::ServiceRestored { note }),
        (proptest::option::of(bureau()), text())
            .prop_map(|(bureau, text)| B::Replied { bureau, text }),
        prop_oneof![
            Just(Satisfaction::Satisfied),
            Just(Satisfaction::BasicallySatisfied),
            Just(Satisfaction::Dissatisfied)
        ]
        .prop_map(|satisfaction| B::CalledBack {
            satisfaction,
            comment: String::new()
        }),
        text().prop_map(|reason| B::Reopened { reason }),
        (0u128..9).prop_map(|n| B::MergedInto {
            into: CaseId(Uuid::from_u128(n))
        }),
        prop_oneof![Just(ReportKind::Response), Just(ReportKind::Incident)].prop_map(|report| {
            B::ReportFiled {
                report,
                content: Default::default(),
            }
        }),
        text().prop_map(|note| B::Closed { note }),
    ]
}

/// A history: mostly this case's events, in mostly increasing time, sometimes out of order.
fn history() -> impl Strategy<Value = Vec<Event>> {
    let step = (body(), -600i64..20_000, prop::bool::weighted(0.03));
    (received(), proptest::collection::vec(step, 0..60)).prop_map(|(first, steps)| {
        let mut at: DateTime<Utc> = t("2026-09-25 16:00");
        let mut events = vec![event(0, at, first, false)];
        for (i, (body, gap, foreign)) in steps.into_iter().enumerate() {
            at += Duration::seconds(gap);
            events.push(event(i as u128 + 1, at, body, foreign));
        }
        events
    })
}

fn event(n: u128, at: DateTime<Utc>, body: EventBody, foreign: bool) -> Event {
    Event {
        id: EventId(Uuid::from_u128(1000 + n)),
        case: CaseId(Uuid::from_u128(if foreign { CASE + 1 } else { CASE })),
        at,
        actor: Actor {
            user: "u".into(),
            role: Role::Seat,
            bureau: None,
        },
        device: DeviceId(format!("d{}", n % 3)),
        seen: (n as u32).saturating_sub((n % 4) as u32),
        body,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1_500))]

    #[test]
    fn the_fold_never_panics_and_clocks_can_always_be_read(events in history()) {
        let state = CaseState::fold(&events);
        // Every event is accounted for exactly once: applied, or refused and kept as a conflict
        // (an applied decision made apart is also flagged, so conflicts may exceed the refused).
        prop_assert_eq!(state.devices.len(), events.len());
        let refused = events.len() - state.events as usize;
        prop_assert!(state.conflicts.len() >= refused);
        static CAL: std::sync::OnceLock<hotline_domain::sla::SlaCalendar> = std::sync::OnceLock::new();
        let cal = CAL.get_or_init(sla);
        for clock in &state.clocks {
            for run in &clock.runs {
                // Errors (a due beyond the calendar) are fine; panics are not.
                let _ = run.read(cal, t("2026-11-01 00:00"));
            }
        }
    }

    #[test]
    fn folding_one_event_at_a_time_from_stored_snapshots_equals_folding_the_batch(events in history()) {
        let batch = CaseState::fold(&events);
        let mut snapshot = serde_json::to_string(&CaseState::default()).unwrap();
        for e in &events {
            let mut state: CaseState = serde_json::from_str(&snapshot).unwrap();
            state.absorb(e);
            snapshot = serde_json::to_string(&state).unwrap();
        }
        let incremental: CaseState = serde_json::from_str(&snapshot).unwrap();
        prop_assert_eq!(incremental, batch);
    }

    #[test]
    fn a_refused_step_leaves_the_state_untouched(events in history(), extra in body()) {
        let mut state = CaseState::fold(&events);
        let before = state.clone();
        let e = event(999, t("2026-10-20 10:00"), extra, false);
        if let Err(err) = state.apply(&e) {
            prop_assert_eq!(&state, &before);
            let msg = err.to_string();
            prop_assert!(msg.contains(err.step) && msg.contains(err.status.code()), "{}", msg);
        }
    }

    #[test]
    fn events_survive_a_json_round_trip(events in history()) {
        let json = serde_json::to_string(&events).unwrap();
        let back: Vec<Event> = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(back, events);
    }

    #[test]
    fn an_answer_the_centre_gives_itself_stops_its_assignment_and_response_clocks(events in history()) {
        // A clock stops at the step that fulfils it, whoever takes it: once the centre takes a
        // case on, or answers it itself, its dispatch and respond clocks no longer run, and a run
        // the answer stopped before its due stays met whatever comes after.
        static CAL: std::sync::OnceLock<hotline_domain::sla::SlaCalendar> = std::sync::OnceLock::new();
        let cal = CAL.get_or_init(sla);
        let in_house = |b: &EventBody| matches!(
            b,
            EventBody::TakenOn { .. }
                | EventBody::AnsweredOnSpot { .. }
                | EventBody::Replied { bureau: None, .. }
        );
        let assigning = |key: &str| key == "dispatch" || key == "respond";
        let mut state = CaseState::default();
        let mut met_by_answer: Vec<(String, usize)> = Vec::new();
        for e in &events {
            let applied_before = state.events;
            let running_before: Vec<(String, usize, bool)> = state
                .clocks
                .iter()
                .filter(|c| assigning(&c.spec.key) && c.bureau.is_none())
                .filter_map(|c| {
                    let run = c.runs.last()?;
                    let in_time = run.read(cal, e.at).ok()?.due >= e.at;
                    run.is_active().then(|| (c.spec.key.clone(), c.runs.len() - 1, in_time))
                })
                .collect();
            state.absorb(e);
            if state.events == applied_before || !in_house(&e.body) {
                continue;
            }
            for (key, run, in_time) in running_before {
                let clock = state.clocks.iter().find(|c| c.spec.key == key && c.bureau.is_none()).unwrap();
                prop_assert!(!clock.runs[run].is_active(), "{} still runs after {}", key, e.body.step());
                if in_time {
                    met_by_answer.push((key, run));
                }
            }
        }
        for (key, run) in met_by_answer {
            let clock = state.clocks.iter().find(|c| c.spec.key == key && c.bureau.is_none()).unwrap();
            let reading = clock.runs[run].read(cal, t("2026-12-31 00:00"));
            if let Ok(r) = reading {
                prop_assert_eq!(r.status, hotline_domain::sla::ClockStatus::Met, "{}", key);
            }
        }
    }
}

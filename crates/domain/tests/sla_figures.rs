//! One test per deadline figure of the seeds (001 §5.2, §5.3; 003 §5.3; 004 §2.3), each run through the event fold with the
//! default policy, with holiday and make-up-day crossings on the 2026 schedule.

mod common;

use chrono::{DateTime, Utc};
use common::{intake, sla, t, Story};
use hotline_domain::case::{BureauCode, CaseState, ClockRef, EventBody, Level};
use hotline_domain::sla::{ClockStatus, ReportKind, SlaAmount};
use hotline_domain::time::china;

fn bureau() -> BureauCode {
    BureauCode::from("HRSS")
}

/// A case received at `at`, optionally dispatched to HRSS at `dispatch`.
fn case(
    kind: &str,
    category: &str,
    level: Option<Level>,
    at: &str,
    dispatch: Option<&str>,
) -> (Story, CaseState) {
    let mut story = Story::new();
    let mut events = vec![story.event(
        t(at),
        EventBody::Received(Box::new(intake(kind, category, level))),
    )];
    if let Some(when) = dispatch {
        events.push(story.event(
            t(when),
            EventBody::Dispatched {
                bureau: bureau(),
                note: String::new(),
            },
        ));
    }
    let state = CaseState::fold(&events);
    assert!(state.conflicts.is_empty(), "{:?}", state.conflicts);
    (story, state)
}

fn reading(
    state: &CaseState,
    key: &str,
    per_bureau: bool,
    now: DateTime<Utc>,
) -> (ClockStatus, String) {
    let r = ClockRef {
        key: key.into(),
        bureau: per_bureau.then(bureau),
    };
    let clock = state.clock(&r).unwrap_or_else(|| {
        panic!(
            "no clock {key}; have {:?}",
            state
                .clocks
                .iter()
                .map(|c| c.reference())
                .collect::<Vec<_>>()
        )
    });
    let run = clock
        .current()
        .unwrap_or_else(|| panic!("clock {key} never started"));
    let reading = run.read(&sla(), now).unwrap();
    (
        reading.status,
        reading
            .due
            .with_timezone(&china())
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
    )
}

fn due(state: &CaseState, key: &str, per_bureau: bool) -> String {
    reading(state, key, per_bureau, t("2026-01-01 00:00")).1
}

#[test]
fn technical_consultation_operator_replies_in_2_working_days_across_national_day() {
    // 001 §5.2. Received the day before National Day: 10-01..07 rest, 10-08 and 10-09 count.
    let (_, s) = case(
        "consultation",
        "platform_usage",
        None,
        "2026-09-30 10:00",
        None,
    );
    assert_eq!(due(&s, "reply", false), "2026-10-09 23:59:59");
}

#[test]
fn business_consultation_bureau_replies_in_5_working_days_counting_the_make_up_saturday() {
    // 001 §5.2. Dispatched before Labour Day (05-01..05 rest); Saturday 05-09 is a working day.
    let (_, s) = case(
        "consultation",
        "social_security",
        None,
        "2026-04-30 14:00",
        Some("2026-04-30 15:00"),
    );
    assert_eq!(due(&s, "reply", true), "2026-05-11 23:59:59");
}

#[test]
fn technical_complaint_operator_replies_in_2_working_days_across_spring_festival() {
    // 001 §5.3. Saturday 02-14 is a make-up day, 02-15..23 Spring Festival.
    let (_, s) = case("complaint", "account_login", None, "2026-02-13 11:00", None);
    assert_eq!(due(&s, "reply", false), "2026-02-24 23:59:59");
}

#[test]
fn business_complaint_acceptance_7_and_reply_20_working_days_cross_national_day_and_make_up_saturday(
) {
    // 001 §5.3. Received Friday 2026-09-25 16:00 (Mid-Autumn), dispatched at once.
    let (_, s) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:05"),
    );
    // 09-28, 29, 30, 10-08, 09, 10 (make-up Saturday), 12.
    assert_eq!(due(&s, "accept", true), "2026-10-12 23:59:59");
    assert_eq!(due(&s, "reply", true), "2026-10-29 23:59:59");
}

#[test]
fn faulty_service_application_is_fixed_within_1_working_day_the_make_up_sunday_counts() {
    // 001 §3.2.4, §3.3.3. Received on New Year's holiday Saturday 01-03; Sunday 01-04 is a working day.
    let (_, s) = case(
        "fault",
        "app_fault",
        Some(Level::FaultC),
        "2026-01-03 10:00",
        None,
    );
    assert_eq!(due(&s, "resolve", false), "2026-01-04 23:59:59");
}

#[test]
fn planned_maintenance_is_announced_3_working_days_ahead() {
    // 001 §3.2.3. Maintenance Thursday 10-08: the three working days before are 09-28, 29, 30.
    let notice = sla().latest_notice(t("2026-10-08 09:00"), 3).unwrap();
    assert_eq!(notice, t("2026-09-28 23:59:59"));
}

#[test]
fn complaint_is_dispatched_within_15_minutes() {
    // 003 §5.3.2 e) 2)
    let (_, on_time) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:15"),
    );
    assert_eq!(
        reading(&on_time, "dispatch", false, t("2026-09-25 17:00")),
        (ClockStatus::Met, "2026-09-25 16:15:00".into())
    );
    let (_, late) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:16"),
    );
    assert_eq!(
        reading(&late, "dispatch", false, t("2026-09-25 17:00")).0,
        ClockStatus::Breached
    );
}

#[test]
fn a_complaint_the_centre_handles_is_fed_back_every_hour_of_service() {
    // 003 §5.3.2 e) 3): a technical complaint (about the centre's own service) is taken on by the
    // centre; each feedback meets the running hour and starts the next, counted in the policy's
    // service hours (09:00–12:00, 13:30–17:30 by default).
    let (mut story, mut s) = case(
        "complaint",
        "platform_usage",
        None,
        "2026-09-22 16:00",
        None,
    );
    assert_eq!(due(&s, "feedback", false), "2026-09-22 17:00:00");
    s.apply(&story.event(
        t("2026-09-22 16:05"),
        EventBody::TakenOn {
            note: String::new(),
        },
    ))
    .unwrap();
    assert_eq!(
        reading(&s, "dispatch", false, t("2026-09-22 17:00")).0,
        ClockStatus::Met,
        "taking it on assigns it (003 §5.3.2 e) 2))"
    );
    s.apply(&story.event(
        t("2026-09-22 16:50"),
        EventBody::ProgressFedBack {
            bureau: None,
            note: "已核查系统日志".into(),
        },
    ))
    .unwrap();
    let clock = s
        .clock(&ClockRef {
            key: "feedback".into(),
            bureau: None,
        })
        .unwrap();
    assert_eq!(clock.runs.len(), 2);
    assert_eq!(
        clock.runs[0]
            .read(&sla(), t("2026-09-22 18:00"))
            .unwrap()
            .status,
        ClockStatus::Met
    );
    // 40 minutes are left of Tuesday's service hours; the other 20 count on Wednesday morning.
    assert_eq!(
        reading(&s, "feedback", false, t("2026-09-22 20:00")),
        (ClockStatus::Running, "2026-09-23 09:20:00".into())
    );
}

#[test]
fn a_business_complaint_runs_no_hourly_clock() {
    // The bureau answers it on 001 §5.3's 7 and 20 working days; 003 §5.3.2 e) 3)'s hourly
    // feedback belongs to the complaints the centre handles itself.
    let (_, s) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:05"),
    );
    let keys: Vec<String> = s.clocks.iter().map(|c| c.spec.key.clone()).collect();
    assert!(!keys.contains(&"feedback".to_string()), "{keys:?}");
    assert_eq!(
        reading(&s, "dispatch", false, t("2026-09-26 12:00")).0,
        ClockStatus::Met
    );
}

#[test]
fn a_fault_the_centre_answers_itself_meets_its_dispatch_and_respond_clocks() {
    // A clock stops at the step that fulfils it, whoever takes it: a network fault fixed by
    // the centre's own staff 10 minutes after receipt never breaches its 30-minute dispatch
    // (003 §5.3.3 c)) nor its 1-hour response (004 §2.3, level B).
    let (mut story, mut s) = case(
        "fault",
        "network",
        Some(Level::FaultB),
        "2026-09-25 16:00",
        None,
    );
    s.apply(&story.event(
        t("2026-09-25 16:10"),
        EventBody::Replied {
            bureau: None,
            text: "已远程重启交换机，恢复正常".into(),
        },
    ))
    .unwrap();
    for key in ["dispatch", "respond", "resolve"] {
        assert_eq!(
            reading(&s, key, false, t("2026-09-27 12:00")).0,
            ClockStatus::Met,
            "{key}"
        );
    }
}

#[test]
fn a_level_a_app_fault_is_resolved_within_the_hour_not_the_next_working_day() {
    // 004 §2.3 (level A: 1 hour) is stricter than 001 §3.2.4 (an application: 1 working day):
    // the stricter holds.
    let (_, s) = case(
        "fault",
        "app_fault",
        Some(Level::FaultA),
        "2026-09-25 16:00",
        None,
    );
    assert_eq!(due(&s, "resolve", false), "2026-09-25 17:00:00");
    let (_, b) = case(
        "fault",
        "app_fault",
        Some(Level::FaultB),
        "2026-09-25 16:00",
        None,
    );
    assert_eq!(due(&b, "resolve", false), "2026-09-26 16:00:00");
}

#[test]
fn work_order_is_fed_back_within_24_hours_of_natural_time() {
    // 003 §5.1 b), §6.1 b): natural time, the Mid-Autumn weekend does not stop it.
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::FaultD),
        "2026-09-25 16:00",
        None,
    );
    assert_eq!(due(&s, "feedback", false), "2026-09-26 16:00:00");
}

#[test]
fn fault_work_order_is_dispatched_within_30_minutes() {
    // 003 §5.3.3 c)
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::FaultB),
        "2026-09-25 16:00",
        None,
    );
    assert_eq!(due(&s, "dispatch", false), "2026-09-25 16:30:00");
}

#[test]
fn response_report_is_due_the_day_after_a_complaint_closes() {
    // 003 §5.3.7 c): the next (natural) day, holiday or not.
    let (mut story, mut s) = case("complaint", "account_login", None, "2026-09-30 09:00", None);
    s.apply(&story.event(
        t("2026-09-30 10:00"),
        EventBody::Replied {
            bureau: None,
            text: "已重置密码".into(),
        },
    ))
    .unwrap();
    s.apply(&story.event(
        t("2026-09-30 15:00"),
        EventBody::Closed {
            note: String::new(),
        },
    ))
    .unwrap();
    assert_eq!(
        reading(&s, "response_report", false, t("2026-10-01 12:00")),
        (ClockStatus::Running, "2026-10-01 23:59:59".into())
    );
    s.apply(&story.event(
        t("2026-10-01 20:00"),
        EventBody::ReportFiled {
            report: ReportKind::Response,
            content: common::response_report(),
        },
    ))
    .unwrap();
    assert_eq!(
        reading(&s, "response_report", false, t("2026-10-05 12:00")).0,
        ClockStatus::Met
    );
}

#[test]
fn fault_level_a_responds_immediately_and_is_resolved_within_1_hour_then_reported_within_24() {
    // 004 §2.3 (1) and (3). "Immediate" is held to 15 minutes (see Policy::default).
    let (mut story, mut s) = case(
        "fault",
        "network",
        Some(Level::FaultA),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-18 16:15:00");
    assert_eq!(due(&s, "resolve", false), "2026-09-18 17:00:00");
    s.apply(&story.event(
        t("2026-09-18 16:02"),
        EventBody::Dispatched {
            bureau: bureau(),
            note: String::new(),
        },
    ))
    .unwrap();
    s.apply(&story.event(
        t("2026-09-18 16:05"),
        EventBody::SignedFor { bureau: bureau() },
    ))
    .unwrap();
    s.apply(&story.event(
        t("2026-09-18 16:55"),
        EventBody::Replied {
            bureau: Some(bureau()),
            text: "已恢复".into(),
        },
    ))
    .unwrap();
    assert_eq!(
        reading(&s, "respond", false, t("2026-09-19 00:00")).0,
        ClockStatus::Met
    );
    assert_eq!(
        reading(&s, "resolve", false, t("2026-09-19 00:00")).0,
        ClockStatus::Met
    );
    assert_eq!(due(&s, "incident_report", false), "2026-09-19 16:55:00");
}

#[test]
fn fault_level_b_responds_in_1_hour_and_resolves_in_24() {
    // 004 §2.3 (2)
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::FaultB),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-18 17:00:00");
    assert_eq!(due(&s, "resolve", false), "2026-09-19 16:00:00");
}

#[test]
fn fault_level_c_received_friday_16_00_responds_in_4_hours_and_resolves_in_5_working_days() {
    // 004 §2.3 (3): Sunday 09-20 is the National Day make-up day and counts.
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::FaultC),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-18 20:00:00");
    assert_eq!(due(&s, "resolve", false), "2026-09-24 23:59:59");
}

#[test]
fn fault_level_d_responds_in_8_hours_and_resolves_in_10_working_days_across_mid_autumn() {
    // 004 §2.3 (4)
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::FaultD),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-19 00:00:00");
    assert_eq!(due(&s, "resolve", false), "2026-10-09 23:59:59");
}

#[test]
fn service_level_1_is_immediate_and_recovers_within_2_hours() {
    // 003 §5.3.6 a)
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::Service1),
        "2026-10-01 22:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-10-01 22:15:00");
    assert_eq!(due(&s, "on_site", false), "2026-10-01 22:15:00");
    assert_eq!(due(&s, "resolve", false), "2026-10-02 00:00:00");
}

#[test]
fn service_level_2_responds_in_15_minutes_on_site_in_2_hours_recovers_in_4_around_the_clock() {
    // 003 §5.3.6 b): 7×24, so a holiday night counts.
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::Service2),
        "2026-10-01 22:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-10-01 22:15:00");
    assert_eq!(due(&s, "on_site", false), "2026-10-02 00:00:00");
    assert_eq!(due(&s, "resolve", false), "2026-10-02 02:00:00");
}

#[test]
fn service_level_3_counts_business_hours_across_the_make_up_sunday() {
    // 003 §5.3.6 c): 5×8. Friday 16:00–17:30 gives 1.5 h; Sunday 09-20 is a make-up working day.
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::Service3),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-18 16:30:00");
    assert_eq!(due(&s, "on_site", false), "2026-09-20 15:00:00");
    assert_eq!(due(&s, "resolve", false), "2026-09-20 17:00:00");
}

#[test]
fn service_level_4_is_on_site_the_next_working_day_and_recovers_within_24_business_hours() {
    // 003 §5.3.6 d): 1.5 h Friday + 7 h each of Sun 09-20, Mon, Tue = 22.5 h; 1.5 h into Wednesday.
    let (_, s) = case(
        "fault",
        "network",
        Some(Level::Service4),
        "2026-09-18 16:00",
        None,
    );
    assert_eq!(due(&s, "respond", false), "2026-09-18 16:30:00");
    assert_eq!(due(&s, "on_site", false), "2026-09-20 23:59:59");
    assert_eq!(due(&s, "resolve", false), "2026-09-23 10:30:00");
}

#[test]
fn pausing_holds_every_clock_and_resuming_gives_back_the_time_left() {
    let (mut story, mut s) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:05"),
    );
    // Paused from the start of Monday 10-12 to the start of Wednesday 10-14: two working days.
    s.apply(&story.event(
        t("2026-10-12 00:00"),
        EventBody::Paused {
            reason: "等待来电人补充材料".into(),
        },
    ))
    .unwrap();
    assert_eq!(
        reading(&s, "accept", true, t("2026-10-20 00:00")).0,
        ClockStatus::Paused,
        "no breach while paused"
    );
    s.apply(&story.event(t("2026-10-14 00:00"), EventBody::Resumed))
        .unwrap();
    assert_eq!(due(&s, "accept", true), "2026-10-14 23:59:59");
    assert_eq!(due(&s, "reply", true), "2026-11-02 23:59:59");
}

#[test]
fn an_approved_extension_moves_that_one_clock() {
    let (mut story, mut s) = case(
        "complaint",
        "market_regulation",
        None,
        "2026-09-25 16:00",
        Some("2026-09-25 16:05"),
    );
    let reply = ClockRef {
        key: "reply".into(),
        bureau: Some(bureau()),
    };
    s.apply(&story.event(
        t("2026-10-20 10:00"),
        EventBody::ExtensionRequested {
            clock: reply.clone(),
            amount: SlaAmount::WorkingDays(5),
            reason: "需现场核查".into(),
        },
    ))
    .unwrap();
    assert_eq!(
        due(&s, "reply", true),
        "2026-10-29 23:59:59",
        "a request alone moves nothing"
    );
    s.apply(&story.event(
        t("2026-10-20 11:00"),
        EventBody::ExtensionApproved {
            clock: reply,
            amount: None,
            note: String::new(),
        },
    ))
    .unwrap();
    assert_eq!(due(&s, "reply", true), "2026-11-05 23:59:59");
    assert_eq!(
        due(&s, "accept", true),
        "2026-10-12 23:59:59",
        "other clocks stay"
    );
}

//! Properties of the SLA engine over random starts and amounts across 2004–2026.

mod common;

use chrono::{DateTime, Datelike, NaiveTime, Timelike, Utc};
use common::{legal, sla};
use hotline_domain::sla::{ClockRun, ClockStatus, SlaAmount, SlaCalendar, Unit};
use hotline_domain::time::{china, local_date};
use proptest::prelude::*;
use std::sync::OnceLock;

fn cal() -> &'static SlaCalendar {
    static CAL: OnceLock<SlaCalendar> = OnceLock::new();
    CAL.get_or_init(sla)
}

/// Instants from 2004-01-01 to mid-2026, so dues stay inside the shipped calendar.
fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (1_072_886_400i64..1_780_000_000).prop_map(|s| DateTime::from_timestamp(s, 0).unwrap())
}

fn amount() -> impl Strategy<Value = SlaAmount> {
    prop_oneof![
        (1u32..10_000).prop_map(SlaAmount::Minutes),
        (1u32..6_000).prop_map(SlaAmount::WorkingMinutes),
        (1u32..60).prop_map(SlaAmount::WorkingDays),
        (1u32..60).prop_map(SlaAmount::Days),
    ]
}

fn business_periods() -> Vec<(NaiveTime, NaiveTime)> {
    cal().settings().business_hours.periods().to_vec()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn a_due_instant_lands_on_a_working_moment_of_its_unit(start in instant(), amount in amount()) {
        let due = cal().due(start, amount).unwrap();
        prop_assert!(due > start);
        let local = due.with_timezone(&china());
        match amount.unit() {
            Unit::Natural => prop_assert_eq!(due - start, chrono::Duration::minutes(i64::from(amount.value()))),
            Unit::WorkingHours => {
                prop_assert!(legal().is_workday(local.date_naive()).unwrap());
                let time = local.time();
                // Inside a business period, its end included, its start excluded.
                prop_assert!(business_periods().iter().any(|(a, b)| time > *a && time <= *b), "{local}");
            }
            Unit::WorkingDays => {
                prop_assert!(legal().is_workday(local.date_naive()).unwrap());
                prop_assert_eq!((local.hour(), local.minute(), local.second()), (23, 59, 59));
            }
            Unit::CalendarDays => {
                prop_assert_eq!((local.hour(), local.minute(), local.second()), (23, 59, 59));
                let days = (local.date_naive() - local_date(start)).num_days();
                prop_assert_eq!(days, i64::from(amount.value()));
            }
        }
    }

    #[test]
    fn n_working_days_count_exactly_n_working_days_after_the_day_of_receipt(start in instant(), n in 1u32..80) {
        let due = cal().due(start, SlaAmount::WorkingDays(n)).unwrap();
        let first = local_date(start).succ_opt().unwrap();
        let last = local_date(due);
        prop_assert_eq!(legal().count_workdays(first, last).unwrap(), n);
        prop_assert!(legal().is_workday(last).unwrap());
    }

    #[test]
    fn working_hours_use_up_exactly_the_business_time_asked_for(start in instant(), minutes in 1u32..5_000) {
        let due = cal().due(start, SlaAmount::WorkingMinutes(minutes)).unwrap();
        let used = cal().measure(Unit::WorkingHours, start.timestamp(), due.timestamp()).unwrap();
        prop_assert_eq!(used, i64::from(minutes) * 60);
        // And not a second earlier: one second before the due, less was used.
        let before = cal().measure(Unit::WorkingHours, start.timestamp(), due.timestamp() - 1).unwrap();
        prop_assert!(before < used);
    }

    #[test]
    fn pausing_for_t_then_resuming_moves_the_due_by_exactly_t_of_the_clocks_unit(
        start in instant(), amount in amount(), pause_after in 0i64..2_000_000, pause_len in 1i64..3_000_000,
    ) {
        let plain = ClockRun::new(start, amount);
        let pause_at = start + chrono::Duration::seconds(pause_after);
        let resume_at = pause_at + chrono::Duration::seconds(pause_len);
        let mut paused = plain.clone();
        paused.pause(pause_at);
        paused.resume(resume_at);
        let due_before = plain.read(cal(), start).unwrap().due;
        let due_after = paused.read(cal(), start).unwrap().due;
        let unit = amount.unit();
        let t = cal().measure(unit, pause_at.timestamp(), resume_at.timestamp()).unwrap();
        let moved = cal().measure(unit, due_before.timestamp(), due_after.timestamp()).unwrap();
        prop_assert_eq!(moved, t);
        prop_assert!(due_after >= due_before);
    }

    #[test]
    fn a_clock_is_running_until_its_due_and_breached_after(start in instant(), amount in amount()) {
        let run = ClockRun::new(start, amount);
        let due = run.read(cal(), start).unwrap().due;
        prop_assert_eq!(run.read(cal(), due).unwrap().status, ClockStatus::Running);
        prop_assert_eq!(run.read(cal(), due).unwrap().remaining, 0);
        prop_assert_eq!(run.read(cal(), due + chrono::Duration::seconds(1)).unwrap().status, ClockStatus::Breached);
    }
}

#[test]
fn working_hours_edges_period_end_lunch_and_rest_days() {
    use common::t;
    let c = cal();
    // Exactly three business hours from 09:00 end at 12:00, not at 13:30.
    assert_eq!(
        c.due(t("2026-09-28 09:00"), SlaAmount::working_hours(3))
            .unwrap(),
        t("2026-09-28 12:00")
    );
    // A start in the lunch break begins at 13:30.
    assert_eq!(
        c.due(t("2026-09-28 12:30"), SlaAmount::working_hours(1))
            .unwrap(),
        t("2026-09-28 14:30")
    );
    // A start after hours begins at the next working day's first period.
    assert_eq!(
        c.due(t("2026-09-28 18:00"), SlaAmount::WorkingMinutes(30))
            .unwrap(),
        t("2026-09-29 09:30")
    );
    // A full day's seven hours from 09:00 end at that day's 17:30.
    assert_eq!(
        c.due(t("2026-09-28 09:00"), SlaAmount::working_hours(7))
            .unwrap(),
        t("2026-09-28 17:30")
    );
    // A start on National Day waits for 10-08.
    assert_eq!(
        c.due(t("2026-10-03 10:00"), SlaAmount::working_hours(1))
            .unwrap(),
        t("2026-10-08 10:00")
    );
}

#[test]
fn computing_into_a_year_without_a_notice_gives_a_provisional_due() {
    use common::t;
    use hotline_domain::sla::Unit;
    // The must-show case: a complaint received 2026-12-15 10:00; 20 working days reach over
    // 2027's 元旦 (provisional) to 2027-01-13.
    let due = cal()
        .due(t("2026-12-15 10:00"), SlaAmount::WorkingDays(20))
        .unwrap();
    assert_eq!(due, t("2027-01-13 23:59:59"));
    assert!(cal().is_provisional(Unit::WorkingDays, due.timestamp()));
    let in_2026 = cal()
        .due(t("2026-12-15 10:00"), SlaAmount::WorkingDays(7))
        .unwrap();
    assert_eq!(in_2026, t("2026-12-24 23:59:59"));
    assert!(!cal().is_provisional(Unit::WorkingDays, in_2026.timestamp()));
    // Natural time rests on no calendar day: never provisional.
    let natural = cal()
        .due(t("2027-03-01 10:00"), SlaAmount::hours(2))
        .unwrap();
    assert!(!cal().is_provisional(Unit::Natural, natural.timestamp()));
    // Natural time needs no calendar.
    assert!(cal()
        .due(t("2026-12-31 23:00"), SlaAmount::hours(2))
        .is_ok());
    assert!(
        cal()
            .due(t("2003-12-31 10:00"), SlaAmount::working_hours(1))
            .is_err(),
        "2003 is not in the calendar"
    );
    // Working days count from the day after receipt, so a 2003-12-31 receipt counts in 2004.
    assert_eq!(
        cal()
            .due(t("2003-12-31 10:00"), SlaAmount::WorkingDays(1))
            .unwrap(),
        t("2004-01-02 23:59:59")
    );
}

#[test]
fn the_day_end_and_business_hours_are_configurable() {
    use common::t;
    use hotline_domain::sla::{BusinessHours, SlaSettings};
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
    let settings = SlaSettings {
        business_hours: BusinessHours::new(vec![(hm(8, 30), hm(12, 0)), (hm(14, 0), hm(18, 0))])
            .unwrap(),
        day_end: hm(17, 30),
    };
    let c = SlaCalendar::new(legal(), settings);
    assert_eq!(
        c.due(t("2026-09-30 10:00"), SlaAmount::WorkingDays(2))
            .unwrap(),
        t("2026-10-09 17:30")
    );
    assert_eq!(
        c.due(t("2026-09-30 11:00"), SlaAmount::working_hours(2))
            .unwrap(),
        t("2026-09-30 15:00")
    );
    assert!(BusinessHours::new(vec![(hm(12, 0), hm(9, 0))]).is_err());
    assert!(BusinessHours::new(vec![]).is_err());
    assert_eq!(local_date(t("2026-09-30 23:59")).day(), 30);
}

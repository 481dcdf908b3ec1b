//! The legal calendar: spot checks against the State Council notices, counts per year, imports
//! and the warning before the data runs out. (Every day 2004–2026 is also checked against an
//! independent source by tests/calendar-crosscheck.)

mod common;

use common::{d, legal};
use hotline_domain::calendar::{parse_json, CalendarError, DayReason, LegalCalendar};

#[test]
fn days_the_notices_name() {
    let cal = legal();
    let rest = |s| !cal.is_workday(d(s)).unwrap();
    let work = |s| cal.is_workday(d(s)).unwrap();
    // 2026 (国办发明电〔2025〕7号)
    assert!(work("2026-01-04") && work("2026-02-14") && work("2026-02-28") && work("2026-05-09"));
    assert!(work("2026-09-20") && work("2026-10-10"));
    assert!(rest("2026-02-23") && rest("2026-05-05") && rest("2026-09-25") && rest("2026-10-07"));
    // 2006 New Year: Saturday 2005-12-31 was worked (国办发明电〔2005〕35号).
    assert!(work("2005-12-31"));
    // 2007 New Year: 2006-12-30/31 worked, 2007-01-02/03 rest.
    assert!(work("2006-12-30") && work("2006-12-31") && rest("2007-01-03"));
    // 2015 victory anniversary: 09-03..05 rest, Sunday 09-06 worked.
    assert!(rest("2015-09-03") && rest("2015-09-04") && work("2015-09-06"));
    // 2020 Spring Festival extended to 02-02; the 02-01 make-up day was cancelled.
    assert!(rest("2020-01-31") && rest("2020-02-01") && rest("2020-02-02") && work("2020-02-03"));
    // An ordinary weekend and weekday.
    assert!(rest("2026-11-28") && work("2026-11-26"));
    assert_eq!(
        cal.day(d("2026-10-10")).unwrap().reason,
        DayReason::MakeupWorkday("国庆节")
    );
    assert_eq!(
        cal.day(d("2026-10-01")).unwrap().reason,
        DayReason::Holiday("国庆节")
    );
}

#[test]
fn working_days_per_year_match_the_published_schedules() {
    let cal = legal();
    let expected = [
        (2004, 252),
        (2005, 251),
        (2006, 251),
        (2007, 249),
        (2008, 251),
        (2009, 250),
        (2010, 250),
        (2011, 250),
        (2012, 249),
        (2013, 250),
        (2014, 250),
        (2015, 249),
        (2016, 250),
        (2017, 249),
        (2018, 250),
        (2019, 250),
        (2020, 249),
        (2021, 250),
        (2022, 249),
        (2023, 249),
        (2024, 251),
        (2025, 248),
        (2026, 248),
    ];
    for (year, days) in expected {
        let n = cal
            .count_workdays(d(&format!("{year}-01-01")), d(&format!("{year}-12-31")))
            .unwrap();
        assert_eq!(n, days, "{year}");
    }
    assert_eq!((cal.first_year(), cal.last_year()), (2004, 2026));
}

#[test]
fn a_year_without_a_notice_is_provisional_and_the_calendar_warns_60_days_ahead() {
    let cal = legal();
    // 2027: statutory holidays and weekends rest, no make-up day; every day says so.
    let new_year = cal.day(d("2027-01-01")).unwrap();
    assert_eq!((new_year.workday, new_year.provisional), (false, true));
    assert_eq!(new_year.reason, DayReason::Holiday("元旦"));
    assert!(cal.is_workday(d("2027-01-04")).unwrap());
    assert!(
        !cal.day(d("2026-12-31")).unwrap().provisional,
        "2026 is published"
    );
    assert_eq!(cal.provisional_from(), d("2027-01-01"));
    assert!(
        !cal.is_workday(d("2027-02-05")).unwrap(),
        "春节 from 除夕 (2024 revision: 4 days)"
    );
    assert_eq!(
        cal.count_workdays(d("2027-01-01"), d("2027-12-31"))
            .unwrap(),
        261 - 7,
        "261 weekdays minus the 7 statutory days that fall on one"
    );
    assert_eq!(
        cal.last_provisional_year(),
        2026 + hotline_domain::calendar::PROVISIONAL_YEARS
    );
    assert_eq!(
        cal.is_workday(d("2003-12-31")),
        Err(CalendarError::NotCovered {
            date: d("2003-12-31"),
            year: 2003
        })
    );
    assert_eq!(cal.coverage_warning(d("2026-10-31")), None, "61 days left");
    let w = cal.coverage_warning(d("2026-11-01")).unwrap();
    assert_eq!((w.last_year, w.days_left), (2026, 60));
    assert_eq!(cal.coverage_warning(d("2027-01-05")).unwrap().days_left, -5);
    assert_eq!(cal.coverage_warning(d("2026-11-26")).unwrap().days_left, 35);
}

#[test]
fn an_import_adds_a_year_and_its_december_spill_over_merges_into_the_year_before() {
    let cal = legal();
    let notice = r#"{"format":"hotline-calendar/1","years":[{"year":2027,"festivals":[
        {"name":"元旦","rest":["2026-12-31","2027-01-01"],"work":["2027-01-02"]},
        {"name":"国庆节","rest":["2027-10-01","2027-10-02","2027-10-03"],"work":[]}]}]}"#;
    let (cal2, summary) = cal.with_import(&parse_json(notice).unwrap()).unwrap();
    assert_eq!(summary.years, vec![2027]);
    assert!(
        !cal2.is_workday(d("2026-12-31")).unwrap(),
        "spill-over day merged into 2026"
    );
    assert!(
        cal2.is_workday(d("2027-01-02")).unwrap(),
        "make-up Saturday"
    );
    assert!(
        cal2.is_workday(d("2026-10-10")).unwrap(),
        "the rest of 2026 is untouched"
    );
    assert_eq!(cal2.last_year(), 2027);
    // The original is unchanged: imports build a new calendar.
    assert!(cal.is_workday(d("2026-12-31")).unwrap());
}

#[test]
fn imports_are_validated_before_anything_changes() {
    let cal = legal();
    let gap = r#"{"year":2028,"festivals":[{"name":"元旦","rest":["2028-01-01"]}]}"#;
    assert!(matches!(
        cal.with_import(&parse_json(gap).unwrap()),
        Err(CalendarError::Gap { missing: 2027, .. })
    ));
    let weekday_makeup = r#"{"year":2027,"festivals":[{"name":"元旦","rest":["2027-01-01"],"work":["2027-01-04"]}]}"#;
    let err = cal
        .with_import(&parse_json(weekday_makeup).unwrap())
        .unwrap_err();
    assert!(
        err.to_string().contains("not a Saturday or Sunday"),
        "{err}"
    );
    let twice = r#"{"year":2027,"festivals":[{"name":"元旦","rest":["2027-01-01"]},{"name":"春节","rest":["2027-01-01"]}]}"#;
    assert!(cal
        .with_import(&parse_json(twice).unwrap())
        .unwrap_err()
        .to_string()
        .contains("listed twice"));
    let empty = r#"{"year":2027,"festivals":[]}"#;
    assert!(cal.with_import(&parse_json(empty).unwrap()).is_err());
    assert!(parse_json("{not json").is_err());
    assert!(LegalCalendar::new(vec![]).is_err());
}

#[test]
fn add_and_count_working_days_agree() {
    let cal = legal();
    // From Friday 2026-09-25: 7 working days later is Monday 10-12.
    assert_eq!(
        cal.add_workdays(d("2026-09-25"), 7).unwrap(),
        d("2026-10-12")
    );
    assert_eq!(
        cal.count_workdays(d("2026-09-26"), d("2026-10-12"))
            .unwrap(),
        7
    );
    // Over the year's end: 12-31, then 2027 provisionally (元旦 rests), 01-04, 01-05.
    assert_eq!(
        cal.add_workdays(d("2026-12-30"), 3).unwrap(),
        d("2027-01-05")
    );
    let end = format!("{}-12-31", cal.last_provisional_year());
    assert!(
        cal.add_workdays(d(&end), 1).is_err(),
        "past the provisional horizon"
    );
}

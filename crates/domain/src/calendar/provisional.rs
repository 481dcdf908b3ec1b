//! A year whose State Council notice is not out yet still has working days: provisional ones.
//!
//! The statutory holidays of 《全国年节及纪念日放假办法》 (art. 2, as revised by the State
//! Council's decision of 2024-11-10, in force from 2025-01-01) are fixed by law: 元旦 1 day, 春节 4 days
//! (除夕 to 初三), 清明节 1 day (the solar term), 劳动节 2 days (1–2 May), 端午节 1 day,
//! 中秋节 1 day, 国庆节 3 days (1–3 October). The notice adds the bridging rest days and the make-up
//! working days (调休) that no rule predicts, so a provisional year has the statutory days and
//! weekends as rest and no make-up day. Every due that rests on such a day is shown as 暂定 and
//! recomputed when the notice is imported.
//!
//! Lunar dates and the solar term come from `tyme4rs` (6tail's calendar library, the reference
//! of the lunar-java/lunar-javascript family) rather than our own astronomy.

use chrono::{Days, NaiveDate};
use tyme4rs::tyme::lunar::LunarDay;
use tyme4rs::tyme::solar::{SolarDay, SolarTerm};

use super::schedule::{schedule_from, Festival, YearSchedule};
use super::CalendarError;

/// How many years past the last published one get a provisional schedule: far enough that no
/// clock a centre can run (the longest is 20 working days plus extensions) ever meets the end.
pub const PROVISIONAL_YEARS: i32 = 10;

/// Index of 清明 among tyme4rs's solar terms (0 = the winter solstice before the year's middle).
const QINGMING: isize = 7;

fn date(d: SolarDay) -> Option<NaiveDate> {
    let (y, m, day) = (
        i32::try_from(d.get_year()).ok()?,
        u32::try_from(d.get_month()).ok()?,
        u32::try_from(d.get_day()).ok()?,
    );
    NaiveDate::from_ymd_opt(y, m, day)
}

fn lunar(year: i32, month: isize, day: usize) -> Option<NaiveDate> {
    // A positive month is the regular month, never the leap one of the same number.
    date(
        LunarDay::new(year as isize, month, day)
            .ok()?
            .get_solar_day(),
    )
}

fn ymd(year: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, m, d)
}

fn run(first: NaiveDate, days: u64) -> Vec<NaiveDate> {
    (0..days)
        .filter_map(|i| first.checked_add_days(Days::new(i)))
        .collect()
}

/// The statutory rest days of `year`, by festival (the days of 春节 from 除夕 may begin in the
/// year before; they are listed under the year they fall in by the calendar's import rules).
pub fn statutory_festivals(year: i32) -> Result<Vec<Festival>, CalendarError> {
    let missing = || CalendarError::InvalidSchedule {
        year,
        reason: "cannot compute the lunar festivals of this year".into(),
    };
    let spring = lunar(year, 1, 1).ok_or_else(missing)?;
    let eve = spring.pred_opt().ok_or_else(missing)?;
    let qingming =
        date(SolarTerm::from_index(year as isize, QINGMING).get_solar_day()).ok_or_else(missing)?;
    let fixed = |m, d| ymd(year, m, d).ok_or_else(missing);
    let festival = |name: &str, rest: Vec<NaiveDate>| Festival {
        name: name.to_owned(),
        rest,
        work: vec![],
    };
    Ok(vec![
        festival("元旦", vec![fixed(1, 1)?]),
        festival("春节", run(eve, 4)),
        festival("清明节", vec![qingming]),
        festival("劳动节", run(fixed(5, 1)?, 2)),
        festival("端午节", vec![lunar(year, 5, 5).ok_or_else(missing)?]),
        festival("中秋节", vec![lunar(year, 8, 15).ok_or_else(missing)?]),
        festival("国庆节", run(fixed(10, 1)?, 3)),
    ])
}

/// The provisional schedule of `year`: its statutory rest days, each day once (中秋 can fall on
/// 国庆, as on 2028-10-03; the day then rests once, under the festival listed first), no
/// make-up working day, and only the days of `year` itself.
pub fn provisional_year(year: i32) -> Result<YearSchedule, CalendarError> {
    let mut taken: Vec<NaiveDate> = Vec::new();
    let mut festivals = Vec::new();
    for mut f in statutory_festivals(year)? {
        f.rest
            .retain(|d| chrono::Datelike::year(d) == year && !taken.contains(d));
        taken.extend(f.rest.iter().copied());
        festivals.push(f);
    }
    let schedule = schedule_from(year, festivals);
    schedule.validate()?;
    Ok(schedule)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rest(s: &YearSchedule, name: &str) -> Vec<NaiveDate> {
        s.festivals
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.rest.clone())
            .unwrap_or_default()
    }

    #[test]
    fn the_statutory_days_of_2027() {
        let y = provisional_year(2027).unwrap();
        assert_eq!(rest(&y, "元旦"), vec![d("2027-01-01")]);
        assert_eq!(
            rest(&y, "春节"),
            vec![
                d("2027-02-05"),
                d("2027-02-06"),
                d("2027-02-07"),
                d("2027-02-08")
            ]
        );
        assert_eq!(rest(&y, "清明节"), vec![d("2027-04-05")]);
        assert_eq!(rest(&y, "劳动节"), vec![d("2027-05-01"), d("2027-05-02")]);
        assert_eq!(rest(&y, "端午节"), vec![d("2027-06-09")]);
        assert_eq!(rest(&y, "中秋节"), vec![d("2027-09-15")]);
        assert_eq!(
            rest(&y, "国庆节"),
            vec![d("2027-10-01"), d("2027-10-02"), d("2027-10-03")]
        );
        assert!(
            y.festivals.iter().all(|f| f.work.is_empty()),
            "no make-up day is ever guessed"
        );
    }

    #[test]
    fn mid_autumn_on_national_day_rests_once() {
        // 2028: 中秋 is 10-03, inside 国庆; 春节's eve is 01-25.
        let y = provisional_year(2028).unwrap();
        assert_eq!(rest(&y, "春节").first(), Some(&d("2028-01-25")));
        assert_eq!(rest(&y, "清明节"), vec![d("2028-04-04")]);
        assert_eq!(rest(&y, "端午节"), vec![d("2028-05-28")]);
        let days: Vec<NaiveDate> = y
            .festivals
            .iter()
            .flat_map(|f| f.rest.iter().copied())
            .collect();
        assert_eq!(days.iter().filter(|x| **x == d("2028-10-03")).count(), 1);
        assert_eq!(days.len(), 12, "13 statutory days, one shared");
    }

    /// The computed festival days match every notice the product ships (2004–2026): each
    /// published schedule rests on the day the law names (the notice may add days around it).
    #[test]
    fn the_lunar_and_solar_term_days_match_every_published_notice() {
        let shipped = super::super::parse_json(super::super::SHIPPED_JSON).unwrap();
        for year in shipped.iter().filter(|y| y.year >= 2008) {
            // From 2008 (the revision of 2007-12-14) 清明, 端午 and 中秋 are statutory holidays.
            let published: Vec<NaiveDate> = year
                .festivals
                .iter()
                .flat_map(|f| f.rest.iter().copied())
                .collect();
            let all = [year.year - 1, year.year]
                .iter()
                .flat_map(|y| shipped.iter().filter(move |s| s.year == *y))
                .flat_map(|s| s.festivals.iter().flat_map(|f| f.rest.iter().copied()))
                .collect::<Vec<_>>();
            for f in statutory_festivals(year.year).unwrap() {
                if matches!(f.name.as_str(), "清明节" | "端午节" | "中秋节") {
                    for day in &f.rest {
                        let known = if chrono::Datelike::year(day) == year.year {
                            &published
                        } else {
                            &all
                        };
                        assert!(
                            known.contains(day) || is_weekend(*day),
                            "{} {day} is not a rest day in the {} notice",
                            f.name,
                            year.year
                        );
                    }
                }
                if f.name == "春节" {
                    // 初一 is always a published rest day.
                    assert!(
                        all.contains(&f.rest[1]),
                        "春节 {} of {} not in the notice",
                        f.rest[1],
                        year.year
                    );
                }
            }
        }
    }

    fn is_weekend(d: NaiveDate) -> bool {
        super::super::schedule::is_weekend(d)
    }
}

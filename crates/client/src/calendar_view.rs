//! What the desktop shows of the calendar and of a deadline, computed once here so the Tauri
//! commands and the CLI are one-line delegations.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use hotline_domain::calendar::DayReason;
use hotline_domain::sla::SlaAmount;
use hotline_domain::time::{china, local_date};
use serde::{Deserialize, Serialize};

use crate::{CalendarStore, ClientError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DayView {
    pub date: NaiveDate,
    pub workday: bool,
    /// `weekday`, `weekend`, `holiday` or `make_up`.
    pub reason: &'static str,
    /// The festival's name for holidays and make-up working days.
    pub festival: Option<String>,
    /// The year's notice is not imported yet: statutory holidays and weekends only (暂定).
    pub provisional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct YearView {
    pub year: i32,
    pub days: Vec<DayView>,
    pub workdays: u32,
    pub first_year: i32,
    /// The last year with a published notice.
    pub last_year: i32,
    /// The last year the calendar answers for (the years after `last_year` are provisional).
    pub last_provisional_year: i32,
    /// The year has no notice imported yet: statutory holidays and weekends only (暂定).
    pub provisional: bool,
    /// Whose imports these are: the centre's server, or this desk's own (standalone).
    pub source: crate::CalendarSource,
    /// Set from 60 days before the calendar's last day.
    pub coverage_warning: Option<CoverageWarningView>,
}

/// The calendar is running out: the UI words it from its own string catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CoverageWarningView {
    pub last_year: i32,
    pub days_left: i64,
}

/// One year of the calendar as of `now`: `year`, or the year it is now in China (the desk opens
/// on it: the page's own date is the machine's, in the machine's time zone, not the centre's).
pub fn year_view(
    store: &CalendarStore,
    year: Option<i32>,
    now: DateTime<Utc>,
) -> Result<YearView, ClientError> {
    let year = year.unwrap_or_else(|| local_date(now).year());
    let cal = store.load()?;
    let first = NaiveDate::from_ymd_opt(year, 1, 1);
    let last = NaiveDate::from_ymd_opt(year, 12, 31);
    let (Some(first), Some(last)) = (first, last) else {
        return Err(hotline_domain::calendar::CalendarError::NotCovered {
            date: NaiveDate::MIN,
            year,
        }
        .into());
    };
    let days: Vec<DayView> = cal
        .range(first, last)?
        .into_iter()
        .map(|d| {
            let (reason, festival) = match d.reason {
                DayReason::Weekday(_) => ("weekday", None),
                DayReason::Weekend(_) => ("weekend", None),
                DayReason::Holiday(n) => ("holiday", Some(n.to_owned())),
                DayReason::MakeupWorkday(n) => ("make_up", Some(n.to_owned())),
            };
            DayView {
                date: d.date,
                workday: d.workday,
                reason,
                festival,
                provisional: d.provisional,
            }
        })
        .collect();
    Ok(YearView {
        year,
        workdays: days.iter().filter(|d| d.workday).count() as u32,
        days,
        first_year: cal.first_year(),
        last_year: cal.last_year(),
        last_provisional_year: cal.last_provisional_year(),
        provisional: cal.is_provisional(first),
        source: store.source()?,
        coverage_warning: cal
            .coverage_warning(local_date(now))
            .map(|w| CoverageWarningView {
                last_year: w.last_year,
                days_left: w.days_left,
            }),
    })
}

/// A deadline question from the UI: "a clock of `amount` in `unit` started at `from`".
#[derive(Debug, Clone, Deserialize)]
pub struct DueQuery {
    pub from: DateTime<Utc>,
    /// `working_days`, `working_hours`, `hours` or `minutes`.
    pub unit: String,
    pub amount: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DueView {
    /// RFC 3339 in +08:00.
    pub due: String,
    pub limit: String,
    /// The due rests on a year whose notice is not imported yet (暂定).
    pub provisional: bool,
}

#[derive(Debug, thiserror::Error)]
#[error(
    "unknown unit {0:?}: expected working_days, working_hours, hours or minutes / 时限单位无效"
)]
pub struct UnknownUnit(pub String);

pub fn due(store: &CalendarStore, q: &DueQuery) -> Result<DueView, ClientError> {
    let amount = match q.unit.as_str() {
        "working_days" => SlaAmount::WorkingDays(q.amount),
        "working_hours" => SlaAmount::WorkingMinutes(q.amount.saturating_mul(60)),
        "hours" => SlaAmount::Minutes(q.amount.saturating_mul(60)),
        "minutes" => SlaAmount::Minutes(q.amount),
        other => {
            return Err(ClientError::Invalid {
                code: "sla.unit",
                message: UnknownUnit(other.to_owned()).to_string(),
            })
        }
    };
    if q.amount == 0 {
        return Err(ClientError::Invalid {
            code: "sla.amount",
            message: "amount must be at least 1 / 时限必须至少为 1".into(),
        });
    }
    let cal = store.load_sla()?;
    let due = cal.due(q.from, amount)?;
    let provisional = cal.is_provisional(amount.unit(), due.timestamp());
    Ok(DueView {
        due: due.with_timezone(&china()).to_rfc3339(),
        limit: amount.to_string(),
        provisional,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DataDir;

    #[test]
    fn a_year_view_classifies_every_day_and_warns_near_the_end() {
        let tmp = tempfile::tempdir().unwrap();
        let store = CalendarStore::new(DataDir::resolve(Some(tmp.path().to_owned())));
        let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let v = year_view(&store, Some(2026), now).unwrap();
        assert_eq!(v.days.len(), 365);
        assert_eq!(v.workdays, 248);
        let oct10 = v
            .days
            .iter()
            .find(|d| d.date.to_string() == "2026-10-10")
            .unwrap();
        assert_eq!(
            (oct10.workday, oct10.reason, oct10.festival.as_deref()),
            (true, "make_up", Some("国庆节"))
        );
        assert_eq!(
            v.coverage_warning,
            Some(CoverageWarningView {
                last_year: 2026,
                days_left: 35
            })
        );
        let next = year_view(&store, Some(2027), now).unwrap();
        assert!(
            next.days.iter().all(|d| d.provisional),
            "2027 has no notice yet: every day is provisional"
        );
        assert_eq!(next.workdays, 254);
        assert_eq!(
            year_view(&store, Some(2003), now).unwrap_err().code(),
            "calendar.not_covered"
        );
        // No year asked: the one it is in Beijing — at 00:30 on New Year's Day, still the old
        // year in UTC (and on a machine whose zone is UTC).
        let new_year = DateTime::parse_from_rfc3339("2027-01-01T00:30:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(year_view(&store, None, new_year).unwrap().year, 2027);
    }

    #[test]
    fn due_answers_in_china_time_and_refuses_bad_units() {
        let tmp = tempfile::tempdir().unwrap();
        let store = CalendarStore::new(DataDir::resolve(Some(tmp.path().to_owned())));
        let from = DateTime::parse_from_rfc3339("2026-09-25T16:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let v = due(
            &store,
            &DueQuery {
                from,
                unit: "working_days".into(),
                amount: 7,
            },
        )
        .unwrap();
        assert_eq!(v.due, "2026-10-12T23:59:59+08:00");
        let err = due(
            &store,
            &DueQuery {
                from,
                unit: "fortnights".into(),
                amount: 1,
            },
        )
        .unwrap_err();
        assert_eq!(err.code(), "sla.unit");
        assert_eq!(
            due(
                &store,
                &DueQuery {
                    from,
                    unit: "hours".into(),
                    amount: 0
                }
            )
            .unwrap_err()
            .code(),
            "sla.amount"
        );
    }
}

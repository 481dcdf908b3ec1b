//! China's legal working-day calendar.
//!
//! A working day is Monday–Friday, minus statutory holidays, plus the weekend days the State
//! Council declares make-up working days (调休上班). The schedules are data, not code: the
//! product ships 2004 onwards in `data/calendar/`, and an administrator imports new years. The
//! years after the last published one are provisional (`provisional.rs`): their statutory
//! holidays and weekends rest, no make-up day is guessed, and every day says it is provisional,
//! so a clock reaching into a year whose notice is not out still has a due, marked 暂定.

mod import;
mod notice;
mod provisional;
mod schedule;

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

pub use import::{parse_any, parse_csv, parse_ical, parse_json, ImportFormat};
pub use notice::{describe_notice, parse_notice};
pub use provisional::{provisional_year, statutory_festivals, PROVISIONAL_YEARS};
pub use schedule::{CalendarFile, Festival, SpecialKind, YearSchedule, FIRST_YEAR, FORMAT};

use crate::time::{date_of_day_number, day_number};

/// The State Council schedules the product ships (`data/calendar/cn-legal-calendar.json`), read at
/// build time so that every seat and the server start from the same data.
pub const SHIPPED_JSON: &str = include_str!("../../../../data/calendar/cn-legal-calendar.json");

/// The shipped calendar.
pub fn shipped() -> LegalCalendar {
    LegalCalendar::new(parse_json(SHIPPED_JSON).expect("the shipped calendar parses"))
        .expect("the shipped calendar is valid")
}

/// How many days before the end of its last year the calendar starts warning.
pub const COVERAGE_WARNING_DAYS: i64 = 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("no calendar data for {date} (year {year}); import the State Council schedule for {year} first / 缺少 {year} 年节假日数据，请先导入")]
    NotCovered { date: NaiveDate, year: i32 },
    #[error("invalid schedule for {year}: {reason} / {year} 年节假日安排无效")]
    InvalidSchedule { year: i32, reason: String },
    #[error("calendar years must be contiguous: {missing} is missing between {before} and {after} / 年份不连续，缺少 {missing} 年")]
    Gap {
        missing: i32,
        before: i32,
        after: i32,
    },
    #[error("cannot read calendar file: {0} / 无法解析日历文件")]
    Parse(String),
    #[error("the calendar has no years / 日历没有任何年份数据")]
    Empty,
    #[error("cannot read the notice at line {line} ({text:?}): {reason}")]
    Notice {
        line: usize,
        text: String,
        reason: String,
    },
}

impl CalendarError {
    /// Stable machine code for the UI and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotCovered { .. } => "calendar.not_covered",
            Self::InvalidSchedule { .. } => "calendar.invalid_schedule",
            Self::Gap { .. } => "calendar.gap",
            Self::Parse(_) => "calendar.parse",
            Self::Empty => "calendar.empty",
            Self::Notice { .. } => "calendar.notice",
        }
    }
}

/// Why a day is what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayReason<'a> {
    Weekday(Weekday),
    Weekend(Weekday),
    Holiday(&'a str),
    MakeupWorkday(&'a str),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayInfo<'a> {
    pub date: NaiveDate,
    pub workday: bool,
    pub reason: DayReason<'a>,
    /// The day's year has no published notice yet: statutory holidays and weekends only (暂定).
    pub provisional: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayCode {
    Weekday,
    Weekend,
    Holiday(u16),
    Makeup(u16),
}

impl DayCode {
    fn is_workday(self) -> bool {
        matches!(self, Self::Weekday | Self::Makeup(_))
    }
}

/// The legal calendar over a contiguous run of published years and the provisional years after
/// them, with a prefix count of working days so that "the Nth working day after D" is a binary
/// search, not a walk.
#[derive(Debug, Clone)]
pub struct LegalCalendar {
    /// The published (or imported) schedules; provisional years are not among them.
    schedules: BTreeMap<i32, YearSchedule>,
    /// The first day (days since 1970) of the first provisional year.
    provisional_from: i64,
    first_day: i64,
    days: Vec<DayCode>,
    /// `prefix[i]` = working days among `days[..i]`.
    prefix: Vec<u32>,
    names: Vec<String>,
}

/// What an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub years: Vec<i32>,
    pub replaced: Vec<i32>,
    pub rest_days: usize,
    pub work_days: usize,
}

impl LegalCalendar {
    /// Builds the calendar from whole-year schedules; the years must be contiguous.
    pub fn new(years: impl IntoIterator<Item = YearSchedule>) -> Result<Self, CalendarError> {
        let schedules: BTreeMap<i32, YearSchedule> =
            years.into_iter().map(|y| (y.year, y)).collect();
        Self::from_map(schedules)
    }

    fn from_map(schedules: BTreeMap<i32, YearSchedule>) -> Result<Self, CalendarError> {
        let (&first, &last) = match (schedules.keys().next(), schedules.keys().next_back()) {
            (Some(f), Some(l)) => (f, l),
            _ => return Err(CalendarError::Empty),
        };
        for (a, b) in schedules.keys().zip(schedules.keys().skip(1)) {
            if b - a != 1 {
                return Err(CalendarError::Gap {
                    missing: a + 1,
                    before: *a,
                    after: *b,
                });
            }
        }
        for s in schedules.values() {
            s.validate()?;
        }
        let provisional: Vec<YearSchedule> = (last + 1..=last + PROVISIONAL_YEARS)
            .map(provisional_year)
            .collect::<Result<_, _>>()?;
        let start = NaiveDate::from_ymd_opt(first, 1, 1).expect("validated year");
        let end =
            NaiveDate::from_ymd_opt(last + PROVISIONAL_YEARS, 12, 31).expect("validated year");
        let provisional_from =
            day_number(NaiveDate::from_ymd_opt(last + 1, 1, 1).expect("validated year"));
        let first_day = day_number(start);
        let len = usize::try_from(day_number(end) - first_day + 1).expect("positive span");
        let mut days: Vec<DayCode> = start
            .iter_days()
            .take(len)
            .map(|d| {
                if schedule::is_weekend(d) {
                    DayCode::Weekend
                } else {
                    DayCode::Weekday
                }
            })
            .collect();
        let mut names: Vec<String> = Vec::new();
        for s in schedules.values().chain(&provisional) {
            for f in &s.festivals {
                let idx = match names.iter().position(|n| *n == f.name) {
                    Some(i) => i,
                    None => {
                        names.push(f.name.clone());
                        names.len() - 1
                    }
                };
                let idx = u16::try_from(idx).map_err(|_| CalendarError::InvalidSchedule {
                    year: s.year,
                    reason: "too many festival names".into(),
                })?;
                for (d, kind) in f.days() {
                    let Some(slot) = usize::try_from(day_number(d) - first_day)
                        .ok()
                        .and_then(|i| days.get_mut(i))
                    else {
                        continue;
                    };
                    *slot = match kind {
                        SpecialKind::Rest => DayCode::Holiday(idx),
                        SpecialKind::Work => DayCode::Makeup(idx),
                    };
                }
            }
        }
        let mut prefix = Vec::with_capacity(days.len() + 1);
        let mut count = 0u32;
        prefix.push(0);
        for d in &days {
            count += u32::from(d.is_workday());
            prefix.push(count);
        }
        Ok(Self {
            schedules,
            provisional_from,
            first_day,
            days,
            prefix,
            names,
        })
    }

    /// Merges imported schedules into a copy of this calendar.
    ///
    /// Each year the file declares replaces that year wholly (a corrected notice is re-imported);
    /// days the file lists outside its declared years (late-December days of a next-year notice)
    /// are merged day by day into the year they fall in, which must already be known.
    pub fn with_import(
        &self,
        incoming: &[YearSchedule],
    ) -> Result<(Self, ImportSummary), CalendarError> {
        if incoming.is_empty() {
            return Err(CalendarError::Empty);
        }
        let (declared, by_year) = schedule::regroup(incoming);
        let mut schedules = self.schedules.clone();
        let mut replaced = Vec::new();
        let (mut rest_days, mut work_days) = (0, 0);
        for (year, festivals) in by_year {
            for f in festivals.values() {
                rest_days += f.rest.len();
                work_days += f.work.len();
            }
            if declared.contains(&year) {
                let new = schedule::schedule_from(year, festivals.into_values());
                new.validate()?;
                if schedules.insert(year, new).is_some() {
                    replaced.push(year);
                }
            } else {
                let Some(existing) = schedules.get(&year) else {
                    let date = festivals
                        .values()
                        .flat_map(|f| f.days())
                        .map(|(d, _)| d)
                        .min()
                        .expect("non-empty");
                    return Err(CalendarError::NotCovered { date, year });
                };
                let merged = merge_days(existing, festivals.into_values());
                schedules.insert(year, merged);
            }
        }
        let mut years = declared;
        years.sort_unstable();
        years.dedup();
        let cal = Self::from_map(schedules)?;
        Ok((
            cal,
            ImportSummary {
                years,
                replaced,
                rest_days,
                work_days,
            },
        ))
    }

    /// The years of `incoming` whose schedule differs from the one held (or that are not held):
    /// what importing them would change. Compared in the form [`Self::with_import`] stores.
    pub fn differing(&self, incoming: &[YearSchedule]) -> Vec<YearSchedule> {
        incoming
            .iter()
            .filter(|y| {
                let normal = schedule::schedule_from(y.year, y.festivals.iter().cloned());
                self.schedules.get(&y.year) != Some(&normal)
            })
            .cloned()
            .collect()
    }

    pub fn schedules(&self) -> impl Iterator<Item = &YearSchedule> {
        self.schedules.values()
    }

    pub fn first_year(&self) -> i32 {
        *self.schedules.keys().next().expect("never empty")
    }

    /// The last year with a published schedule.
    pub fn last_year(&self) -> i32 {
        *self.schedules.keys().next_back().expect("never empty")
    }

    /// The first day of the provisional years (the day after the last published one).
    pub fn provisional_from(&self) -> NaiveDate {
        date_of_day_number(self.provisional_from).expect("inside the calendar")
    }

    /// Whether `date` lies in a year whose notice is not out yet.
    pub fn is_provisional(&self, date: NaiveDate) -> bool {
        day_number(date) >= self.provisional_from
    }

    pub(crate) fn is_provisional_day(&self, day: i64) -> bool {
        day >= self.provisional_from
    }

    /// The last year the calendar answers for (published or provisional).
    pub fn last_provisional_year(&self) -> i32 {
        self.last_year() + PROVISIONAL_YEARS
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.index(date).is_ok()
    }

    fn index(&self, date: NaiveDate) -> Result<usize, CalendarError> {
        self.index_of_day(day_number(date))
    }

    pub(crate) fn index_of_day(&self, day: i64) -> Result<usize, CalendarError> {
        usize::try_from(day - self.first_day)
            .ok()
            .filter(|i| *i < self.days.len())
            .ok_or_else(|| {
                let date = date_of_day_number(day).unwrap_or(NaiveDate::MAX);
                CalendarError::NotCovered {
                    date,
                    year: date.year(),
                }
            })
    }

    /// Classifies one day.
    pub fn day(&self, date: NaiveDate) -> Result<DayInfo<'_>, CalendarError> {
        let code = self.days[self.index(date)?];
        let reason = match code {
            DayCode::Weekday => DayReason::Weekday(date.weekday()),
            DayCode::Weekend => DayReason::Weekend(date.weekday()),
            DayCode::Holiday(i) => DayReason::Holiday(&self.names[usize::from(i)]),
            DayCode::Makeup(i) => DayReason::MakeupWorkday(&self.names[usize::from(i)]),
        };
        Ok(DayInfo {
            date,
            workday: code.is_workday(),
            reason,
            provisional: self.is_provisional(date),
        })
    }

    pub fn is_workday(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        Ok(self.days[self.index(date)?].is_workday())
    }

    /// Working days among the calendar's days before local day `day` (days since 1970).
    pub(crate) fn workdays_before(&self, day: i64) -> Result<u32, CalendarError> {
        if day == self.first_day + self.days.len() as i64 {
            return Ok(*self.prefix.last().expect("never empty"));
        }
        Ok(self.prefix[self.index_of_day(day)?])
    }

    pub(crate) fn is_workday_at(&self, day: i64) -> Result<bool, CalendarError> {
        Ok(self.days[self.index_of_day(day)?].is_workday())
    }

    /// The local day (days since 1970) of the `k`-th working day of the calendar (1-based).
    pub(crate) fn kth_workday(&self, k: u64) -> Result<i64, CalendarError> {
        let i = self.prefix.partition_point(|&p| u64::from(p) < k);
        if i == 0 || i >= self.prefix.len() {
            let day = self.first_day + self.days.len() as i64;
            return Err(self.index_of_day(day).expect_err("past the end"));
        }
        Ok(self.first_day + i as i64 - 1)
    }

    /// The date `n` working days after `date` (the day itself not counted).
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
        let before = self.workdays_before(day_number(date) + 1)?;
        let day = self.kth_workday(u64::from(before) + u64::from(n))?;
        Ok(date_of_day_number(day).expect("inside the calendar"))
    }

    /// Working days in `[from, to]`.
    pub fn count_workdays(&self, from: NaiveDate, to: NaiveDate) -> Result<u32, CalendarError> {
        if to < from {
            return Ok(0);
        }
        let a = self.prefix[self.index(from)?];
        let b = self.workdays_before(day_number(to) + 1)?;
        Ok(b - a)
    }

    /// A warning once `today` is within [`COVERAGE_WARNING_DAYS`] of the calendar's last day.
    pub fn coverage_warning(&self, today: NaiveDate) -> Option<CoverageWarning> {
        let last = NaiveDate::from_ymd_opt(self.last_year(), 12, 31).expect("valid year");
        let days_left = (last - today).num_days();
        (days_left <= COVERAGE_WARNING_DAYS).then_some(CoverageWarning {
            last_year: self.last_year(),
            days_left,
        })
    }

    /// All days from `from` to `to` inclusive.
    pub fn range(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<DayInfo<'_>>, CalendarError> {
        self.index(from)?;
        if to >= from {
            self.index(to)?;
        }
        Ok(from
            .iter_days()
            .take_while(|d| *d <= to)
            .map(|d| self.day(d).expect("checked range"))
            .collect())
    }
}

/// The calendar is about to run out (or has).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoverageWarning {
    pub last_year: i32,
    /// Days from today to the calendar's last day; negative once past it.
    pub days_left: i64,
}

impl std::fmt::Display for CoverageWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let next = self.last_year + 1;
        if self.days_left < 0 {
            write!(f, "no notice imported for {next}: its working days are provisional (statutory holidays only, no make-up days) and dues resting on them are marked provisional; import the {next} schedule / 未导入 {next} 年节假日安排，该年工作日为暂定（仅法定节假日、无调休），相关时限标为暂定，请导入")
        } else {
            write!(f, "the published calendar ends in {} days ({}-12-31); until the {next} schedule is imported its days are provisional / 节假日数据将在 {} 天后用完，{next} 年安排导入前按暂定计算，请导入", self.days_left, self.last_year, self.days_left)
        }
    }
}

fn merge_days(existing: &YearSchedule, extra: impl IntoIterator<Item = Festival>) -> YearSchedule {
    let extra: Vec<Festival> = extra.into_iter().collect();
    let dates: Vec<NaiveDate> = extra
        .iter()
        .flat_map(|f| f.days().map(|(d, _)| d))
        .collect();
    let mut by_name: BTreeMap<String, Festival> = BTreeMap::new();
    for f in existing
        .festivals
        .iter()
        .cloned()
        .chain(extra.iter().cloned().map(|f| Festival {
            rest: vec![],
            work: vec![],
            ..f
        }))
    {
        let e = by_name.entry(f.name.clone()).or_insert_with(|| Festival {
            name: f.name.clone(),
            rest: vec![],
            work: vec![],
        });
        e.rest
            .extend(f.rest.into_iter().filter(|d| !dates.contains(d)));
        e.work
            .extend(f.work.into_iter().filter(|d| !dates.contains(d)));
    }
    for f in extra {
        let e = by_name.get_mut(&f.name).expect("inserted above");
        e.rest.extend(f.rest);
        e.work.extend(f.work);
    }
    schedule::schedule_from(existing.year, by_name.into_values())
}

/// Convenience for callers that walk day by day (tests, listings).
pub fn next_day(d: NaiveDate) -> Option<NaiveDate> {
    d.checked_add_days(Days::new(1))
}

//! One year's published schedule, in the form of the State Council notice: each festival with
//! its rest days (放假) and its make-up working days (调休上班).
//!
//! The on-disk form (`hotline-calendar/1`) is documented in `docs/CALENDAR-FORMAT.md`.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::CalendarError;

pub const FORMAT: &str = "hotline-calendar/1";

/// The first year whose schedule the product ships; earlier years are never computed.
pub const FIRST_YEAR: i32 = 2004;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Festival {
    pub name: String,
    #[serde(default)]
    pub rest: Vec<NaiveDate>,
    #[serde(default)]
    pub work: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct YearSchedule {
    pub year: i32,
    pub festivals: Vec<Festival>,
}

/// A calendar file: any number of years.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFile {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub years: Vec<YearSchedule>,
}

impl CalendarFile {
    pub fn new(years: Vec<YearSchedule>) -> Self {
        Self {
            format: FORMAT.to_owned(),
            note: None,
            years,
        }
    }
}

/// What one special day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecialKind {
    Rest,
    Work,
}

impl YearSchedule {
    /// Checks the schedule the way an administrator's mistakes show up: a day listed twice, a
    /// make-up working day that is not a weekend, a year with no holidays at all.
    pub fn validate(&self) -> Result<(), CalendarError> {
        let bad = |reason: String| CalendarError::InvalidSchedule {
            year: self.year,
            reason,
        };
        if self.year < FIRST_YEAR || self.year > 9999 {
            return Err(bad(format!("year must be between {FIRST_YEAR} and 9999")));
        }
        let mut seen: BTreeMap<NaiveDate, &str> = BTreeMap::new();
        let mut rest_days = 0;
        for f in &self.festivals {
            if f.name.trim().is_empty() {
                return Err(bad("a festival has an empty name".into()));
            }
            for (d, kind) in f.days() {
                if let Some(other) = seen.insert(d, &f.name) {
                    return Err(bad(format!("{d} is listed twice ({other}, {})", f.name)));
                }
                if kind == SpecialKind::Work && !is_weekend(d) {
                    return Err(bad(format!(
                        "{d} ({}) is listed as a make-up working day but is not a Saturday or Sunday",
                        f.name
                    )));
                }
                rest_days += usize::from(kind == SpecialKind::Rest);
            }
        }
        if rest_days == 0 {
            return Err(bad(
                "the schedule has no rest days; refusing a year with no holidays".into(),
            ));
        }
        Ok(())
    }
}

impl Festival {
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, SpecialKind)> + '_ {
        self.rest
            .iter()
            .map(|d| (*d, SpecialKind::Rest))
            .chain(self.work.iter().map(|d| (*d, SpecialKind::Work)))
    }
}

pub(crate) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Regroups festivals so that every day sits in the year object of its own date.
///
/// A notice for year Y sometimes declares days of late December Y-1 (the 2018 New Year break
/// began 2017-12-30). Returns the years the input declared and the days by their own year.
pub(crate) fn regroup(
    years: &[YearSchedule],
) -> (Vec<i32>, BTreeMap<i32, BTreeMap<String, Festival>>) {
    let declared: Vec<i32> = years.iter().map(|y| y.year).collect();
    let mut by_year: BTreeMap<i32, BTreeMap<String, Festival>> = BTreeMap::new();
    for y in years {
        by_year.entry(y.year).or_default();
        for f in &y.festivals {
            for (d, kind) in f.days() {
                let fest = by_year
                    .entry(d.year())
                    .or_default()
                    .entry(f.name.clone())
                    .or_insert_with(|| Festival {
                        name: f.name.clone(),
                        rest: vec![],
                        work: vec![],
                    });
                match kind {
                    SpecialKind::Rest => fest.rest.push(d),
                    SpecialKind::Work => fest.work.push(d),
                }
            }
        }
    }
    (declared, by_year)
}

/// Builds a schedule from festivals, ordered by first date, each day list sorted.
pub(crate) fn schedule_from(
    year: i32,
    festivals: impl IntoIterator<Item = Festival>,
) -> YearSchedule {
    let mut festivals: Vec<Festival> = festivals
        .into_iter()
        .map(|mut f| {
            f.rest.sort();
            f.rest.dedup();
            f.work.sort();
            f.work.dedup();
            f
        })
        .filter(|f| !f.rest.is_empty() || !f.work.is_empty())
        .collect();
    festivals.sort_by_key(|f| f.days().map(|(d, _)| d).min());
    YearSchedule { year, festivals }
}

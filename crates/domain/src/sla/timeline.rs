//! Mapping instants to clock time and back, per unit, on the legal calendar.

use chrono::{DateTime, NaiveTime, Timelike, Utc};
use serde::{Deserialize, Serialize};

use super::amount::{SlaAmount, Unit};
use crate::calendar::{CalendarError, LegalCalendar};
use crate::time::{local_day_start, split_local, DAY_SECS};

/// Business periods of a working day, local time (default 09:00–12:00 and 13:30–17:30).
/// Deserialising validates like [`BusinessHours::new`], so a bad settings file is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "UncheckedBusinessHours")]
#[derive(ts_rs::TS)]
pub struct BusinessHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
}

#[derive(Deserialize)]
struct UncheckedBusinessHours {
    periods: Vec<(NaiveTime, NaiveTime)>,
}

impl TryFrom<UncheckedBusinessHours> for BusinessHours {
    type Error = InvalidBusinessHours;
    fn try_from(raw: UncheckedBusinessHours) -> Result<Self, Self::Error> {
        Self::new(raw.periods)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("business periods must be non-empty, each start before its end, in order and not overlapping / 工作时段设置无效")]
pub struct InvalidBusinessHours;

impl BusinessHours {
    pub fn new(periods: Vec<(NaiveTime, NaiveTime)>) -> Result<Self, InvalidBusinessHours> {
        let ordered =
            periods.iter().all(|(a, b)| a < b) && periods.windows(2).all(|w| w[0].1 <= w[1].0);
        if periods.is_empty() || !ordered {
            return Err(InvalidBusinessHours);
        }
        Ok(Self { periods })
    }

    pub fn periods(&self) -> &[(NaiveTime, NaiveTime)] {
        &self.periods
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        Self {
            periods: vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 30))],
        }
    }
}

/// What an administrator may configure about counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SlaSettings {
    pub business_hours: BusinessHours,
    /// When a working-day or calendar-day clock falls due on its last day (default 23:59:59).
    pub day_end: NaiveTime,
}

impl Default for SlaSettings {
    fn default() -> Self {
        Self {
            business_hours: BusinessHours::default(),
            day_end: NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"),
        }
    }
}

/// Seconds-of-day intervals that count on a counted day.
#[derive(Debug, Clone)]
struct DayPattern {
    periods: Vec<(i64, i64)>,
    len: i64,
}

impl DayPattern {
    fn new(periods: Vec<(i64, i64)>) -> Self {
        let len = periods.iter().map(|(a, b)| b - a).sum();
        Self { periods, len }
    }

    /// Counted seconds of the day before second-of-day `sod`.
    fn elapsed(&self, sod: i64) -> i64 {
        self.periods
            .iter()
            .map(|&(a, b)| (sod.min(b) - a).max(0))
            .sum()
    }

    /// Second-of-day at which `off` counted seconds (1..=len) are used up.
    fn locate(&self, mut off: i64) -> i64 {
        for &(a, b) in &self.periods {
            if off <= b - a {
                return a + off;
            }
            off -= b - a;
        }
        self.periods.last().map_or(0, |p| p.1)
    }
}

/// The legal calendar plus the counting settings: everything a due instant depends on.
#[derive(Debug, Clone)]
pub struct SlaCalendar {
    legal: LegalCalendar,
    settings: SlaSettings,
    business: DayPattern,
    whole_day: DayPattern,
}

fn secs(t: NaiveTime) -> i64 {
    i64::from(t.num_seconds_from_midnight())
}

impl SlaCalendar {
    pub fn new(legal: LegalCalendar, settings: SlaSettings) -> Self {
        let business = DayPattern::new(
            settings
                .business_hours
                .periods()
                .iter()
                .map(|&(a, b)| (secs(a), secs(b)))
                .collect(),
        );
        // A zero-length day would make every working-day clock fall due at once.
        let whole_day = DayPattern::new(vec![(0, secs(settings.day_end).max(1))]);
        Self {
            legal,
            settings,
            business,
            whole_day,
        }
    }

    pub fn legal(&self) -> &LegalCalendar {
        &self.legal
    }

    pub fn settings(&self) -> &SlaSettings {
        &self.settings
    }

    /// The due instant of a clock of `amount` started at `start`.
    pub fn due(
        &self,
        start: DateTime<Utc>,
        amount: SlaAmount,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let due = self.due_secs(start.timestamp(), amount)?;
        Ok(DateTime::from_timestamp(due, 0).expect("in chrono's range"))
    }

    /// [`Self::due`] on unix seconds: the hot path of the SLA engine.
    pub fn due_secs(&self, start: i64, amount: SlaAmount) -> Result<i64, CalendarError> {
        let unit = amount.unit();
        let pos = self.start_position(unit, start)? + self.budget(amount);
        self.instant_at(unit, pos)
    }

    /// Whether a due at `t` (unix seconds) on `unit`'s timeline rests on provisional days: the
    /// working-day units count the calendar's days, and every provisional day lies after every
    /// published one, so a due is provisional exactly when its own day is.
    pub fn is_provisional(&self, unit: Unit, t: i64) -> bool {
        matches!(unit, Unit::WorkingHours | Unit::WorkingDays)
            && self.legal.is_provisional_day(split_local(t).0)
    }

    /// The clock time `amount` stands for, in its unit's seconds.
    pub fn budget(&self, amount: SlaAmount) -> i64 {
        let v = i64::from(amount.value());
        match amount {
            SlaAmount::Minutes(_) | SlaAmount::WorkingMinutes(_) => v * 60,
            SlaAmount::WorkingDays(_) | SlaAmount::Days(_) => v * self.whole_day.len,
        }
    }

    /// Clock time in `unit` between `a` and `b` (negative if `b` is before `a`).
    pub fn measure(&self, unit: Unit, a: i64, b: i64) -> Result<i64, CalendarError> {
        Ok(self.position(unit, b)? - self.position(unit, a)?)
    }

    /// Where a clock started at `t` begins counting: day units begin the day after.
    pub fn start_position(&self, unit: Unit, t: i64) -> Result<i64, CalendarError> {
        match unit {
            Unit::Natural | Unit::WorkingHours => self.position(unit, t),
            Unit::WorkingDays | Unit::CalendarDays => {
                let (day, _) = split_local(t);
                self.position(unit, local_day_start(day + 1))
            }
        }
    }

    /// Cumulative clock time of `unit` at instant `t` (unix seconds).
    pub fn position(&self, unit: Unit, t: i64) -> Result<i64, CalendarError> {
        let (day, sod) = split_local(t);
        match unit {
            Unit::Natural => Ok(t),
            Unit::CalendarDays => Ok(day * self.whole_day.len + self.whole_day.elapsed(sod)),
            Unit::WorkingHours | Unit::WorkingDays => {
                let pattern = self.pattern(unit);
                let before = i64::from(self.legal.workdays_before(day)?);
                let today = if self.legal.is_workday_at(day)? {
                    pattern.elapsed(sod)
                } else {
                    0
                };
                Ok(before * pattern.len + today)
            }
        }
    }

    /// The earliest instant whose position is `pos`.
    pub fn instant_at(&self, unit: Unit, pos: i64) -> Result<i64, CalendarError> {
        match unit {
            Unit::Natural => Ok(pos),
            Unit::CalendarDays => {
                let len = self.whole_day.len;
                let day = div_ceil(pos, len) - 1;
                Ok(local_day_start(day) + self.whole_day.locate(pos - day * len))
            }
            Unit::WorkingHours | Unit::WorkingDays => {
                let pattern = self.pattern(unit);
                let k = div_ceil(pos, pattern.len);
                let day = self.legal.kth_workday(u64::try_from(k).unwrap_or(0))?;
                Ok(local_day_start(day) + pattern.locate(pos - (k - 1) * pattern.len))
            }
        }
    }

    /// The latest instant to announce something `amount` working days before `at` (e.g. planned
    /// maintenance, 001 §3.2.3): the end of the Nth working day before `at`'s day.
    pub fn latest_notice(
        &self,
        at: DateTime<Utc>,
        working_days: u32,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let (day, _) = split_local(at.timestamp());
        let before = u64::from(self.legal.workdays_before(day)?);
        let k = (before + 1)
            .checked_sub(u64::from(working_days))
            .filter(|k| *k > 0)
            .unwrap_or(0);
        let notice_day = self.legal.kth_workday(k)?;
        let t = local_day_start(notice_day) + self.whole_day.locate(self.whole_day.len);
        Ok(DateTime::from_timestamp(t, 0).expect("in range"))
    }

    fn pattern(&self, unit: Unit) -> &DayPattern {
        match unit {
            Unit::WorkingHours => &self.business,
            _ => &self.whole_day,
        }
    }

    /// Length in clock seconds of one counted day of `unit` (business seconds for working hours).
    pub fn day_length(&self, unit: Unit) -> i64 {
        match unit {
            Unit::Natural => DAY_SECS,
            _ => self.pattern(unit).len,
        }
    }
}

fn div_ceil(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

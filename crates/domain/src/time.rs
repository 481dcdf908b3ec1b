//! Time in the domain: instants are UTC, days are counted in China Standard Time.
//!
//! China has kept UTC+08:00 all year since it dropped daylight saving in 1991, so a fixed
//! offset is exact for every date this product handles (2004 on) and spares us a tz database.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Seconds east of UTC for Asia/Shanghai.
pub const CHINA_OFFSET_SECS: i32 = 8 * 3600;
const SECS_PER_DAY: i64 = 86_400;

/// The time zone every legal day is counted in.
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(CHINA_OFFSET_SECS).expect("+08:00 is a valid offset")
}

/// Where "now" comes from. The domain never reads the system clock itself: deadlines must be
/// reproducible in tests and identical on every machine given the same instant.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// A clock stuck at one instant, for tests and for replaying history.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub DateTime<Utc>);

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// The real clock. With [`OffsetClock`], the only place any of our programs reads the system
/// time; everything below them takes a [`Clock`] so tests can fix "now".
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock moved by a fixed offset: `HOTLINE_CLOCK_OFFSET_SECS` lets a demonstration or
/// an end-to-end test run a desk "later today" (an alert due in an hour, now), or a whole centre
/// (server and desks moved alike) at a chosen hour, without touching the machine's time. Unset,
/// it is the system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct OffsetClock {
    offset_secs: i64,
}

impl OffsetClock {
    /// The variable that moves the clock, in seconds (negative: behind).
    pub const VAR: &'static str = "HOTLINE_CLOCK_OFFSET_SECS";

    pub fn from_env() -> Self {
        let offset_secs = std::env::var(Self::VAR)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
        Self { offset_secs }
    }

    /// How far this clock runs from the system's, in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> DateTime<Utc> {
        SystemClock.now() + chrono::Duration::seconds(self.offset_secs)
    }
}

/// The years a request may name (a report's date, …): wider than any hotline's records (the
/// calendar starts in 2004) and far inside what date arithmetic can compute, so an extreme date
/// from a caller is refused instead of overflowing.
pub const SERVICE_YEARS: std::ops::RangeInclusive<i32> = 2000..=2099;

/// Whether `d` lies in [`SERVICE_YEARS`].
pub fn in_service_range(d: NaiveDate) -> bool {
    use chrono::Datelike;
    SERVICE_YEARS.contains(&d.year())
}

/// The instant an event records: `t` down to its whole second. A case's instants are compared in
/// three places — the domain's fold, the seat's SQLite (whole seconds) and the server's
/// PostgreSQL (microseconds) — and a step made within the second after a due (a due on a working
/// boundary is a whole second; a clock read is not) was met on the seat and late on the server.
/// Recorded to the second, the three agree; no deadline of the seeds is finer than a minute.
pub fn to_the_second(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::SubsecRound;
    t.trunc_subsecs(0)
}

/// The local (China) calendar date of an instant.
pub fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&china()).date_naive()
}

/// The instant a China-local wall time denotes.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    china()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset maps every local time to one instant")
        .with_timezone(&Utc)
}

/// Days since 1970-01-01 of the local date containing unix second `t`, and seconds into that day.
pub(crate) fn split_local(t: i64) -> (i64, i64) {
    let local = t + i64::from(CHINA_OFFSET_SECS);
    (
        local.div_euclid(SECS_PER_DAY),
        local.rem_euclid(SECS_PER_DAY),
    )
}

/// Unix second at which local day `day` (days since 1970-01-01) begins.
pub(crate) fn local_day_start(day: i64) -> i64 {
    day * SECS_PER_DAY - i64::from(CHINA_OFFSET_SECS)
}

pub(crate) fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - 719_163
}

pub(crate) fn date_of_day_number(day: i64) -> Option<NaiveDate> {
    i32::try_from(day + 719_163)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

pub(crate) const DAY_SECS: i64 = SECS_PER_DAY;

use chrono::Datelike;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip_and_local_split_uses_china_time() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap();
        assert_eq!(date_of_day_number(day_number(d)), Some(d));
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), 0);
        // 2026-10-09T16:00:00Z is local midnight of the 10th.
        let t = DateTime::parse_from_rfc3339("2026-10-09T16:00:00Z")
            .unwrap()
            .timestamp();
        assert_eq!(split_local(t), (day_number(d), 0));
        assert_eq!(local_day_start(day_number(d)), t);
    }
}

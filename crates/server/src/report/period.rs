//! A report's period: the day, the ISO week (Monday to Sunday), the month, the quarter or the
//! half-year holding a date, in China time, as the UTC instants the facts are compared with.
//! 003 §5.3.7 asks for a monthly routine report, a quarterly optimisation report and a
//! half-yearly evaluation report.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, Utc};
use hotline_domain::time::from_local;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Day,
    Week,
    Month,
    Quarter,
    HalfYear,
}

impl std::str::FromStr for PeriodKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "day" => Ok(Self::Day),
            "week" => Ok(Self::Week),
            "month" => Ok(Self::Month),
            "quarter" => Ok(Self::Quarter),
            "half-year" | "half_year" => Ok(Self::HalfYear),
            _ => Err(format!(
                "period must be day, week, month, quarter or half-year, not {s:?}"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    /// First day.
    pub first: NaiveDate,
    /// Last day (inclusive).
    pub last: NaiveDate,
}

impl Period {
    /// The period of `kind` holding `date`; a date outside the service years is refused (a
    /// caller's extreme date must not overflow the arithmetic below).
    pub fn holding(kind: PeriodKind, date: NaiveDate) -> Result<Self, super::ReportError> {
        if !hotline_domain::time::in_service_range(date) {
            return Err(super::ReportError::OutOfRange(date));
        }
        let (first, last) = match kind {
            PeriodKind::Day => (date, date),
            PeriodKind::Week => {
                let first = date - Days::new(u64::from(date.weekday().num_days_from_monday()));
                (first, first + Days::new(6))
            }
            PeriodKind::Month => months_from(date, 1),
            PeriodKind::Quarter => months_from(date, 3),
            PeriodKind::HalfYear => months_from(date, 6),
        };
        Ok(Self { kind, first, last })
    }

    /// The period of the same kind just before this one (what a ranking's change is against).
    pub fn previous(&self) -> Result<Self, super::ReportError> {
        Self::holding(self.kind, self.first - Days::new(1))
    }

    /// The period's first instant.
    pub fn start(&self) -> DateTime<Utc> {
        from_local(self.first.and_hms_opt(0, 0, 0).expect("midnight"))
    }

    /// The instant after its last.
    pub fn end(&self) -> DateTime<Utc> {
        from_local(
            (self.last + Days::new(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight"),
        )
    }

    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first.iter_days().take_while(|d| *d <= self.last)
    }

    /// 2026年11月26日 日报 / 2026年第48周 周报（11月23日—11月29日）/ 2026年11月 月报
    pub fn title_zh(&self) -> String {
        let f = self.first;
        match self.kind {
            PeriodKind::Day => format!("{}年{}月{}日 日报", f.year(), f.month(), f.day()),
            PeriodKind::Week => {
                let w = f.iso_week();
                format!(
                    "{}年第{}周 周报（{}月{}日—{}月{}日）",
                    w.year(),
                    w.week(),
                    f.month(),
                    f.day(),
                    self.last.month(),
                    self.last.day()
                )
            }
            PeriodKind::Month => format!("{}年{}月 月报", f.year(), f.month()),
            PeriodKind::Quarter => format!("{}年第{}季度 季报", f.year(), f.month().div_ceil(3)),
            PeriodKind::HalfYear => format!(
                "{}年{} 半年报",
                f.year(),
                if f.month() <= 6 {
                    "上半年"
                } else {
                    "下半年"
                }
            ),
        }
    }
}

/// The block of `months` months (1, 3 or 6, dividing the year) holding `date`: its first and
/// last days.
fn months_from(date: NaiveDate, months: u32) -> (NaiveDate, NaiveDate) {
    let month0 = (date.month0() / months) * months;
    let first = NaiveDate::from_ymd_opt(date.year(), month0 + 1, 1).expect("day 1 exists");
    (first, first + Months::new(months) - Days::new(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_hold_their_date_in_china_time() {
        let w = Period::holding(PeriodKind::Week, d("2026-11-26")).unwrap();
        assert_eq!((w.first, w.last), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(w.title_zh(), "2026年第48周 周报（11月23日—11月29日）");
        let m = Period::holding(PeriodKind::Month, d("2026-02-14")).unwrap();
        assert_eq!((m.first, m.last), (d("2026-02-01"), d("2026-02-28")));
        assert_eq!(m.days().count(), 28);
        // Midnight in Beijing is 16:00 UTC the day before.
        let day = Period::holding(PeriodKind::Day, d("2026-11-26")).unwrap();
        assert_eq!(day.start().to_rfc3339(), "2026-11-25T16:00:00+00:00");
        assert_eq!(day.end().to_rfc3339(), "2026-11-26T16:00:00+00:00");
        let q = Period::holding(PeriodKind::Quarter, d("2026-11-26")).unwrap();
        assert_eq!((q.first, q.last), (d("2026-10-01"), d("2026-12-31")));
        assert_eq!(q.title_zh(), "2026年第4季度 季报");
        let prev = q.previous().unwrap();
        assert_eq!((prev.first, prev.last), (d("2026-07-01"), d("2026-09-30")));
        let h = Period::holding(PeriodKind::HalfYear, d("2026-03-31")).unwrap();
        assert_eq!((h.first, h.last), (d("2026-01-01"), d("2026-06-30")));
        assert_eq!(h.title_zh(), "2026年上半年 半年报");
        assert_eq!(h.previous().unwrap().first, d("2025-07-01"));
        assert_eq!(
            Period::holding(PeriodKind::Month, d("2026-03-01"))
                .unwrap()
                .previous()
                .unwrap()
                .last,
            d("2026-02-28")
        );
        assert_eq!(
            Period::holding(PeriodKind::Week, d("2027-01-01"))
                .unwrap()
                .title_zh(),
            "2026年第53周 周报（12月28日—1月3日）"
        );
    }
}

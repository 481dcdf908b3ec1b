use std::fmt;

use serde::{Deserialize, Serialize};

/// How a clock counts time: natural minutes (004 §2.3), working hours and working days (001 §5.2,
/// §5.3; 003 §5.3.6), calendar days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 7×24: every second counts.
    Natural,
    /// 5×8: only business periods of working days count.
    WorkingHours,
    /// Whole working days, counted from the day after the start, due at the day's end.
    WorkingDays,
    /// Whole calendar days ("the next day"), counted from the day after the start.
    CalendarDays,
}

/// A clock's limit: an amount in one unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum SlaAmount {
    Minutes(u32),
    WorkingMinutes(u32),
    WorkingDays(u32),
    Days(u32),
}

impl SlaAmount {
    pub const fn hours(h: u32) -> Self {
        Self::Minutes(h * 60)
    }

    pub const fn working_hours(h: u32) -> Self {
        Self::WorkingMinutes(h * 60)
    }

    pub fn unit(self) -> Unit {
        match self {
            Self::Minutes(_) => Unit::Natural,
            Self::WorkingMinutes(_) => Unit::WorkingHours,
            Self::WorkingDays(_) => Unit::WorkingDays,
            Self::Days(_) => Unit::CalendarDays,
        }
    }

    pub fn value(self) -> u32 {
        match self {
            Self::Minutes(v) | Self::WorkingMinutes(v) | Self::WorkingDays(v) | Self::Days(v) => v,
        }
    }
}

impl fmt::Display for SlaAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn minutes(f: &mut fmt::Formatter<'_>, m: u32, prefix: &str) -> fmt::Result {
            if m.is_multiple_of(60) {
                write!(f, "{}{}小时", prefix, m / 60)
            } else {
                write!(f, "{prefix}{m}分钟")
            }
        }
        match *self {
            Self::Minutes(m) => minutes(f, m, ""),
            Self::WorkingMinutes(m) => minutes(f, m, "工作时间"),
            Self::WorkingDays(d) => write!(f, "{d}个工作日"),
            Self::Days(1) => write!(f, "次日"),
            Self::Days(d) => write!(f, "{d}个自然日"),
        }
    }
}

//! Parsing what a user types, with messages that say what is wrong.

use chrono::{DateTime, NaiveDate, Utc};

pub fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        format!("invalid date {s:?}: {e} (expected YYYY-MM-DD, e.g. 2026-10-10) / 日期格式错误")
    })
}

pub fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("invalid time {s:?}: {e} (expected RFC 3339, e.g. 2026-09-25T16:00:00+08:00) / 时间格式错误"))
}

/// A positive whole amount; negative numbers are accepted by clap so we can say why they are wrong.
pub fn amount(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if (1..=100_000).contains(&n) => Ok(n as u32),
        Ok(n) => Err(format!(
            "amount must be a whole number from 1 to 100000, got {n} / 时限必须为 1–100000 的整数"
        )),
        Err(_) => Err(format!(
            "amount must be a whole number, got {s:?} / 时限必须为整数"
        )),
    }
}

//! Duty rosters (值班管理): who sits at which position in which shift of which day. A shift is
//! local (China) time; one that ends at or before it starts runs past midnight into the next day.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::time::{from_local, local_date};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Duty {
    pub day: NaiveDate,
    /// The shift's name as the centre calls it (早班, 中班, 夜班 …).
    pub shift: String,
    pub starts: NaiveTime,
    pub ends: NaiveTime,
    /// The seat position (A区01席) or post (值班长).
    pub position: String,
    pub user: String,
}

impl Duty {
    /// The shift's first instant and the instant after its last.
    pub fn span(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = from_local(self.day.and_time(self.starts));
        let end_day = if self.ends <= self.starts {
            self.day.succ_opt().unwrap_or(self.day)
        } else {
            self.day
        };
        (start, from_local(end_day.and_time(self.ends)))
    }

    pub fn covers(&self, t: DateTime<Utc>) -> bool {
        let (start, end) = self.span();
        start <= t && t < end
    }
}

/// A day's roster as the server sends it, with who is on duty at the moment asked (a night
/// shift from the day before included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RosterDay {
    pub day: NaiveDate,
    pub duties: Vec<Duty>,
    pub on_duty: Vec<Duty>,
}

/// The days whose shifts may cover `t`: its own local day and the day before (a night shift).
pub fn days_around(t: DateTime<Utc>) -> [NaiveDate; 2] {
    let today = local_date(t);
    [today.pred_opt().unwrap_or(today), today]
}

/// Who escalations and ladder alerts go to: the supervisors among those on duty (the roster's
/// 值班长), or every supervisor when the roster has none on duty — an escalation must reach
/// someone.
pub fn escalation_targets(on_duty: &[Duty], supervisors: &[String]) -> Vec<String> {
    let mut on: Vec<String> = on_duty
        .iter()
        .filter(|d| supervisors.contains(&d.user))
        .map(|d| d.user.clone())
        .collect();
    on.sort();
    on.dedup();
    if on.is_empty() {
        supervisors.to_vec()
    } else {
        on
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_night_shift_runs_past_midnight_in_china_time() {
        let d = |shift: &str, s: &str, e: &str| Duty {
            day: "2026-11-26".parse().unwrap(),
            shift: shift.into(),
            starts: s.parse().unwrap(),
            ends: e.parse().unwrap(),
            position: "A区01席".into(),
            user: "seat1".into(),
        };
        let morning = d("早班", "08:00:00", "16:00:00");
        assert!(morning.covers(at("2026-11-26T08:00:00+08:00")));
        assert!(
            !morning.covers(at("2026-11-26T16:00:00+08:00")),
            "the end is the next shift's"
        );
        let night = d("夜班", "22:00:00", "08:00:00");
        assert!(night.covers(at("2026-11-27T03:00:00+08:00")));
        assert!(
            !night.covers(at("2026-11-26T03:00:00+08:00")),
            "the night before belongs to the day before"
        );
        assert_eq!(
            days_around(at("2026-11-27T03:00:00+08:00")).map(|d| d.to_string()),
            ["2026-11-26", "2026-11-27"]
        );
    }

    #[test]
    fn escalations_go_to_the_supervisors_on_duty_or_else_to_every_supervisor() {
        let duty = |user: &str| Duty {
            day: "2026-11-26".parse().unwrap(),
            shift: "早班".into(),
            starts: "08:00:00".parse().unwrap(),
            ends: "16:00:00".parse().unwrap(),
            position: user.into(),
            user: user.into(),
        };
        let sups = vec!["lead1".to_owned(), "lead2".to_owned()];
        assert_eq!(
            escalation_targets(&[duty("seat1"), duty("lead2")], &sups),
            ["lead2"],
            "a seat on duty is not who escalations go to"
        );
        assert_eq!(escalation_targets(&[duty("seat1")], &sups), sups);
    }
}

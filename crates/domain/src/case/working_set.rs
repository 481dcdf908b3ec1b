//! What a desk keeps: its working set. A city's centre receives millions of cases a year; a seat
//! keeps what its user works on, not the centre's history, and asks the server for the rest
//! (search, a caller's history, a case opened by number). The rule, once, for the seat's store
//! (its `kept_until` column, compared in SQL) and for the server's first sync of a new seat:
//!
//! - every case in the desk's scope that is **on the desk** (`CaseStatus::on_the_desk`: received,
//!   dispatched, handling, replied and waiting for its callback, evaluated) — for a bureau's desk,
//!   while the case is the bureau's (not taken away by a re-dispatch);
//! - a case the user **took a step on** within the centre's window (`DeskSettings::working_set_days`,
//!   default 30 days), for as long as the window lasts.
//!
//! The published knowledge base, the calendar and the policy are kept whole beside it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{AssignmentStatus, BureauCode, CaseState};

/// The centre's setting: how long a desk keeps a case its user worked on once it left the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct DeskSettings {
    pub working_set_days: u32,
}

impl Default for DeskSettings {
    fn default() -> Self {
        Self {
            working_set_days: 30,
        }
    }
}

/// The longest window a centre may set: a year of a seat's own work stays small; more would
/// bring back the full replica the working set replaced.
pub const MAX_WORKING_SET_DAYS: u32 = 366;

/// How long a desk keeps a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// On the desk: kept while it stays there (decided again at its next step).
    OnTheDesk,
    /// Worked on by the user: kept until this instant.
    Until(DateTime<Utc>),
    /// Neither: not kept.
    No,
}

impl Kept {
    /// Whether the case is kept at `now`.
    pub fn at(self, now: DateTime<Utc>) -> bool {
        match self {
            Self::OnTheDesk => true,
            Self::Until(t) => now < t,
            Self::No => false,
        }
    }
}

/// Whose desk: the user, and the bureau a bureau handler's desk is scoped to.
#[derive(Debug, Clone, Copy)]
pub struct Desk<'a> {
    pub user: &'a str,
    pub bureau: Option<&'a BureauCode>,
}

impl DeskSettings {
    /// What is wrong with the setting, if anything.
    pub fn problem(&self) -> Option<&'static str> {
        (!(1..=MAX_WORKING_SET_DAYS).contains(&self.working_set_days))
            .then_some("desk working_set_days is not 1 to 366")
    }

    /// How long `desk` keeps `state` (a case in its scope).
    pub fn kept(&self, state: &CaseState, desk: Desk<'_>) -> Kept {
        if on_this_desk(state, desk.bureau) {
            return Kept::OnTheDesk;
        }
        match state.last_touched_by(desk.user) {
            Some(at) => Kept::Until(at + Duration::days(i64::from(self.working_set_days))),
            None => Kept::No,
        }
    }
}

fn on_this_desk(state: &CaseState, bureau: Option<&BureauCode>) -> bool {
    if !state.status.on_the_desk() {
        return false;
    }
    match bureau {
        None => true,
        Some(b) => state
            .latest_assignments()
            .any(|a| a.bureau == *b && a.status != AssignmentStatus::Withdrawn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_case_is_kept_while_on_the_desk_then_for_the_window_after_its_users_last_step() {
        let mut state = CaseState::default();
        state.status = crate::case::CaseStatus::Closed;
        let settings = DeskSettings::default();
        let seat = Desk {
            user: "seat1",
            bureau: None,
        };
        assert_eq!(settings.kept(&state, seat), Kept::No);
        state.touched("seat1", t("2026-11-01T10:00:00+08:00"));
        state.touched("seat1", t("2026-10-01T10:00:00+08:00"));
        let until = t("2026-12-01T10:00:00+08:00");
        assert_eq!(settings.kept(&state, seat), Kept::Until(until));
        assert!(Kept::Until(until).at(until - Duration::seconds(1)));
        assert!(!Kept::Until(until).at(until));
        // Another user's step keeps it on their desk, not on seat1's.
        state.touched("seat2", t("2026-11-30T10:00:00+08:00"));
        assert_eq!(settings.kept(&state, seat), Kept::Until(until));
        state.status = crate::case::CaseStatus::Replied;
        assert_eq!(settings.kept(&state, seat), Kept::OnTheDesk);
        // A bureau's desk keeps it only while the case is the bureau's.
        let hrss = BureauCode::from("HRSS");
        let bureau = Desk {
            user: "hrss1",
            bureau: Some(&hrss),
        };
        assert_eq!(settings.kept(&state, bureau), Kept::No);
    }

    #[test]
    fn the_window_is_one_day_to_a_year() {
        for (days, ok) in [(0, false), (1, true), (30, true), (366, true), (367, false)] {
            let s = DeskSettings {
                working_set_days: days,
            };
            assert_eq!(s.problem().is_none(), ok, "{days}");
        }
    }
}

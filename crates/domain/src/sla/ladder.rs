//! The escalation ladder (督办阶梯) of a clock: what the server does, on its own, as a running
//! clock uses up its budget and then stays broken — alert the supervisor on duty, urge the
//! bureau, escalate the case to the supervisor on duty (升级). Each rung is measured in the
//! clock's own unit: a share of the budget (a 1-hour fault is alerted at 30 minutes, escalated
//! at the breach) or working days after the due (a bureau's 20-working-day reply is urged the
//! next working day and escalated the day after, as 001 §5.3 leaves the follow-up of a late
//! reply to the centre).
//!
//! A policy may give a clock its own ladder; a clock without one follows [`default_ladder`],
//! derived from its unit and scope, so the policies saved before ladders existed (and every
//! case's frozen clocks) are supervised the same way.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use super::amount::SlaAmount;
use super::clock::ClockRun;
use super::policy::{ClockScope, ClockSpec};
use super::timeline::SlaCalendar;
use crate::calendar::CalendarError;
use crate::time::{from_local, local_date};

/// When a rung is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "after", content = "value")]
pub enum RungAt {
    /// Once this share (percent, 1–100) of the budget is used; 100 is the breach.
    BudgetPercent(u16),
    /// At the start of the n-th working day after the day the clock fell due.
    WorkingDaysAfterDue(u32),
}

/// What a rung does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RungAction {
    /// 督办提醒: the supervisor on duty is told, the case stays where it is.
    Alert,
    /// 催办: the bureau that holds the clock is urged (per-bureau clocks only).
    Urge,
    /// 升级: the case is escalated to the supervisor on duty, who must take it.
    Escalate,
}

impl RungAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Alert => "alert",
            Self::Urge => "urge",
            Self::Escalate => "escalate",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Rung {
    pub at: RungAt,
    pub action: RungAction,
}

/// The ladder of a clock that names none, by its unit and scope:
/// - a recurring clock (hourly feedback): the duty supervisor is told at each breach;
/// - minutes and working minutes (assignment, response, on-site, resolve): alerted at half the
///   budget, the bureau urged (per-bureau clocks) and the case escalated at the breach — a clock
///   this short has no "next working day" to wait for;
/// - a bureau's working or calendar days: urged the next working day after the due, escalated the
///   working day after (a repeated breach);
/// - the centre's own days (a technical reply, a report): alerted at the breach, escalated the
///   next working day.
pub fn default_ladder(spec: &ClockSpec) -> Vec<Rung> {
    use RungAction::{Alert, Escalate, Urge};
    use RungAt::{BudgetPercent, WorkingDaysAfterDue};
    let rung = |at, action| Rung { at, action };
    let bureau = spec.scope == ClockScope::Bureau;
    if !spec.restart.is_empty() {
        return vec![rung(BudgetPercent(100), Alert)];
    }
    match spec.amount {
        SlaAmount::Minutes(_) | SlaAmount::WorkingMinutes(_) => {
            let mut l = vec![rung(BudgetPercent(50), Alert)];
            if bureau {
                l.push(rung(BudgetPercent(100), Urge));
            }
            l.push(rung(BudgetPercent(100), Escalate));
            l
        }
        SlaAmount::WorkingDays(_) | SlaAmount::Days(_) if bureau => vec![
            rung(WorkingDaysAfterDue(1), Urge),
            rung(WorkingDaysAfterDue(2), Escalate),
        ],
        SlaAmount::WorkingDays(_) | SlaAmount::Days(_) => vec![
            rung(BudgetPercent(100), Alert),
            rung(WorkingDaysAfterDue(1), Escalate),
        ],
    }
}

impl ClockSpec {
    /// The clock's ladder: its own, or the default for its unit and scope.
    pub fn ladder(&self) -> Vec<Rung> {
        self.ladder.clone().unwrap_or_else(|| default_ladder(self))
    }
}

impl ClockRun {
    /// The instant `at` falls on for this run (its extensions counted). A paused run's due keeps
    /// moving, so the caller asks only of running runs.
    pub fn rung_instant(
        &self,
        cal: &SlaCalendar,
        at: RungAt,
    ) -> Result<DateTime<Utc>, CalendarError> {
        let unit = self.amount.unit();
        let due_pos = self.due_position(cal)?;
        match at {
            RungAt::BudgetPercent(p) => {
                let left = self.budget(cal) * (100 - i64::from(p.min(100))) / 100;
                // At 100 % the rung is the breach: the second after the last one within the limit.
                let t = if left == 0 {
                    cal.instant_at(unit, due_pos)? + 1
                } else {
                    cal.instant_at(unit, due_pos - left)?
                };
                Ok(DateTime::from_timestamp(t, 0).expect("in chrono's range"))
            }
            RungAt::WorkingDaysAfterDue(n) => {
                let due = cal.instant_at(unit, due_pos)?;
                let due = DateTime::from_timestamp(due, 0).expect("in chrono's range");
                working_days_after(cal, due, n)
            }
        }
    }
}

/// The start (00:00, China time) of the `n`-th working day after the day of `t`.
pub fn working_days_after(
    cal: &SlaCalendar,
    t: DateTime<Utc>,
    n: u32,
) -> Result<DateTime<Utc>, CalendarError> {
    let day = cal.legal().add_workdays(local_date(t), n)?;
    Ok(from_local(day.and_time(NaiveTime::MIN)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped;
    use crate::sla::{SlaSettings, Trigger};

    fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        from_local(day.and_hms_opt(h, min, 0).unwrap())
    }

    fn spec(amount: SlaAmount, scope: ClockScope) -> ClockSpec {
        ClockSpec {
            key: "k".into(),
            label: "k".into(),
            amount,
            scope,
            start: Trigger::Received,
            stop: vec![Trigger::Closed],
            restart: vec![],
            source: "004 §2.3".into(),
            ladder: None,
        }
    }

    #[test]
    fn a_one_hour_clock_is_alerted_at_half_its_budget_and_escalated_at_the_breach() {
        let cal = SlaCalendar::new(shipped(), SlaSettings::default());
        let s = spec(SlaAmount::Minutes(60), ClockScope::Case);
        let ladder = s.ladder();
        assert_eq!(
            ladder.iter().map(|r| r.action).collect::<Vec<_>>(),
            [RungAction::Alert, RungAction::Escalate]
        );
        let run = ClockRun::new(china(2026, 11, 28, 22, 10), SlaAmount::Minutes(60));
        assert_eq!(
            run.rung_instant(&cal, ladder[0].at).unwrap(),
            china(2026, 11, 28, 22, 40),
            "a Saturday night counts: minutes run 7×24"
        );
        assert_eq!(
            run.rung_instant(&cal, ladder[1].at).unwrap(),
            china(2026, 11, 28, 23, 10) + chrono::Duration::seconds(1),
            "the breach is the second after the due"
        );
    }

    #[test]
    fn a_bureau_days_clock_is_urged_then_escalated_on_the_working_days_after_its_due() {
        let cal = SlaCalendar::new(shipped(), SlaSettings::default());
        let s = spec(SlaAmount::WorkingDays(5), ClockScope::Bureau);
        let ladder = s.ladder();
        assert_eq!(
            ladder.iter().map(|r| r.action).collect::<Vec<_>>(),
            [RungAction::Urge, RungAction::Escalate]
        );
        // Dispatched Wed 25 Nov; due Wed 2 Dec 23:59:59; urged Thu 3 Dec, escalated Fri 4 Dec.
        let run = ClockRun::new(china(2026, 11, 25, 10, 0), SlaAmount::WorkingDays(5));
        assert_eq!(
            run.rung_instant(&cal, ladder[0].at).unwrap(),
            china(2026, 12, 3, 0, 0)
        );
        assert_eq!(
            run.rung_instant(&cal, ladder[1].at).unwrap(),
            china(2026, 12, 4, 0, 0)
        );
        let mut hourly = spec(SlaAmount::WorkingMinutes(60), ClockScope::Case);
        hourly.restart = vec![Trigger::FedBack];
        assert_eq!(
            hourly.ladder(),
            [Rung {
                at: RungAt::BudgetPercent(100),
                action: RungAction::Alert
            }],
            "a recurring clock is not escalated at every missed hour"
        );
    }
}

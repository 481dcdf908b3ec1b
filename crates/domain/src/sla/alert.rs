//! When a running clock needs attention: the instant it turns "at risk" (yellow in the queue)
//! and the instants a desktop alert is due (e.g. 1 working hour left, 15 minutes left, breached).
//! Computed once per clock run when its case changes, so a queue of 50,000 cases colours its rows
//! by comparing instants, and the alert scheduler sleeps until the earliest one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ClockRun, SlaAmount, SlaCalendar};
use crate::calendar::CalendarError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[derive(ts_rs::TS)]
pub struct AlertSettings {
    /// A clock is at risk when less than this share of its budget is left (percent).
    pub at_risk_percent: u8,
    /// … or when less than this is left (in any unit: working minutes count business time).
    pub at_risk_left: SlaAmount,
    /// A desktop alert when this much is left, one per entry.
    pub notify_left: Vec<SlaAmount>,
    /// A desktop alert when the clock breaches.
    pub notify_breach: bool,
    /// A replied case is due for its callback (回访) from the start of the day this many days
    /// after the reply (1: the next day; 0: at once).
    pub callback_after_days: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            at_risk_percent: 20,
            at_risk_left: SlaAmount::WorkingMinutes(60),
            notify_left: vec![SlaAmount::WorkingMinutes(60), SlaAmount::Minutes(15)],
            notify_breach: true,
            callback_after_days: 1,
        }
    }
}

/// One alert point of a clock run. `threshold` is stable ("left:working_minutes:60",
/// "breached") so an alert already sent is recognised after a restart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertPoint {
    pub threshold: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestones {
    pub due: DateTime<Utc>,
    /// From this instant the clock shows yellow (red from `due`).
    pub at_risk: DateTime<Utc>,
    pub alerts: Vec<AlertPoint>,
}

pub fn threshold_code(left: SlaAmount) -> String {
    let unit = match left {
        SlaAmount::Minutes(_) => "minutes",
        SlaAmount::WorkingMinutes(_) => "working_minutes",
        SlaAmount::WorkingDays(_) => "working_days",
        SlaAmount::Days(_) => "days",
    };
    format!("left:{unit}:{}", left.value())
}

pub const BREACHED: &str = "breached";

impl ClockRun {
    /// The milestones of a running clock; `None` when it is paused, stopped or cancelled (a
    /// paused clock's due moves every second, so nothing about it can be scheduled).
    pub fn milestones(
        &self,
        cal: &SlaCalendar,
        settings: &AlertSettings,
    ) -> Result<Option<Milestones>, CalendarError> {
        if !self.is_active() || self.paused_since.is_some() {
            return Ok(None);
        }
        let unit = self.amount.unit();
        let due_pos = self.due_position(cal)?;
        let due = cal.instant_at(unit, due_pos)?;
        let start = self.started_at.timestamp();
        let budget = self.budget(cal);
        // `left` before the due, measured on `left`'s own timeline.
        let before = |left: SlaAmount| -> Result<i64, CalendarError> {
            let u = left.unit();
            cal.instant_at(u, cal.position(u, due)? - cal.budget(left))
        };
        let by_share = cal.instant_at(
            unit,
            due_pos - budget * i64::from(settings.at_risk_percent.min(100)) / 100,
        )?;
        let at_risk = by_share
            .min(before(settings.at_risk_left)?)
            .clamp(start, due);
        let mut alerts = Vec::new();
        for left in &settings.notify_left {
            let at = before(*left)?;
            // A threshold longer than the clock's budget would fire the moment the clock starts.
            if at > start && at < due {
                alerts.push(AlertPoint {
                    threshold: threshold_code(*left),
                    at: utc(at),
                });
            }
        }
        if settings.notify_breach {
            // Due is the last instant within the limit; the breach is the second after.
            alerts.push(AlertPoint {
                threshold: BREACHED.into(),
                at: utc(due + 1),
            });
        }
        Ok(Some(Milestones {
            due: utc(due),
            at_risk: utc(at_risk),
            alerts,
        }))
    }
}

fn utc(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).expect("in chrono's range")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::shipped;
    use crate::sla::SlaSettings;

    fn china(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
        crate::time::from_local(day.and_hms_opt(h, min, 0).unwrap())
    }

    fn cal() -> SlaCalendar {
        SlaCalendar::new(shipped(), SlaSettings::default())
    }

    #[test]
    fn a_working_day_clock_turns_yellow_at_a_fifth_left_and_alerts_an_hour_before_in_business_time()
    {
        // Received Wed 2026-11-25 10:00; 5 working days: due Wed 2026-12-02 23:59:59.
        let run = ClockRun::new(china(2026, 11, 25, 10, 0), SlaAmount::WorkingDays(5));
        let m = run
            .milestones(&cal(), &AlertSettings::default())
            .unwrap()
            .unwrap();
        assert_eq!(
            m.due,
            china(2026, 12, 2, 23, 59) + chrono::Duration::seconds(59)
        );
        // A fifth of five working days is the last one: yellow once 1 December's count is full.
        assert_eq!(
            m.at_risk,
            china(2026, 12, 1, 23, 59) + chrono::Duration::seconds(59)
        );
        let points: Vec<(&str, DateTime<Utc>)> = m
            .alerts
            .iter()
            .map(|a| (a.threshold.as_str(), a.at))
            .collect();
        assert_eq!(
            points,
            [
                // One business hour before 23:59:59 is 16:30 (business hours end 17:30).
                ("left:working_minutes:60", china(2026, 12, 2, 16, 30)),
                (
                    "left:minutes:15",
                    china(2026, 12, 2, 23, 44) + chrono::Duration::seconds(59)
                ),
                ("breached", china(2026, 12, 3, 0, 0)),
            ]
        );
    }

    #[test]
    fn short_clocks_skip_thresholds_longer_than_themselves_and_paused_clocks_have_none() {
        let mut run = ClockRun::new(china(2026, 11, 25, 10, 0), SlaAmount::Minutes(30));
        let m = run
            .milestones(&cal(), &AlertSettings::default())
            .unwrap()
            .unwrap();
        let codes: Vec<&str> = m.alerts.iter().map(|a| a.threshold.as_str()).collect();
        assert_eq!(codes, ["left:minutes:15", "breached"]);
        assert_eq!(
            m.at_risk,
            china(2026, 11, 25, 10, 0),
            "under an hour left from the start"
        );
        run.pause(china(2026, 11, 25, 10, 5));
        assert_eq!(
            run.milestones(&cal(), &AlertSettings::default()).unwrap(),
            None
        );
    }
}

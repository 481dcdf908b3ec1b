//! One run of a deadline clock, as the event fold records it: instants only, so that the fold
//! needs no calendar. Reading a clock at an instant is where the calendar comes in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::amount::SlaAmount;
use super::timeline::SlaCalendar;
use crate::calendar::CalendarError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockRun {
    pub started_at: DateTime<Utc>,
    pub amount: SlaAmount,
    /// Approved extensions, each in the clock's own unit.
    #[serde(default)]
    pub extensions: Vec<SlaAmount>,
    /// Closed pauses (挂起), start and end.
    #[serde(default)]
    pub pauses: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    #[serde(default)]
    pub paused_since: Option<DateTime<Utc>>,
    #[serde(default)]
    pub stopped_at: Option<DateTime<Utc>>,
    /// The clock no longer applies (the case was merged, the bureau withdrawn).
    #[serde(default)]
    pub cancelled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum ClockStatus {
    Running,
    Paused,
    Met,
    Breached,
    Cancelled,
}

impl ClockStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Running => "计时中",
            Self::Paused => "已挂起",
            Self::Met => "按时",
            Self::Breached => "超时",
            Self::Cancelled => "已取消",
        }
    }
}

/// A clock read at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockReading {
    pub status: ClockStatus,
    /// When it falls (or fell) due. For a paused clock: the due if it resumed at the reading.
    pub due: DateTime<Utc>,
    /// Clock time left in the clock's unit, in seconds (negative when overdue).
    pub remaining: i64,
    /// The clock's whole budget in the same seconds (amount plus extensions).
    pub budget: i64,
    /// The due rests on days of a year whose notice is not imported yet (暂定): it may move
    /// when the notice arrives.
    #[serde(default)]
    pub provisional: bool,
}

impl ClockRun {
    pub fn new(started_at: DateTime<Utc>, amount: SlaAmount) -> Self {
        Self {
            started_at,
            amount,
            extensions: vec![],
            pauses: vec![],
            paused_since: None,
            stopped_at: None,
            cancelled: false,
        }
    }

    pub fn is_active(&self) -> bool {
        self.stopped_at.is_none() && !self.cancelled
    }

    pub fn pause(&mut self, at: DateTime<Utc>) {
        if self.is_active() && self.paused_since.is_none() {
            self.paused_since = Some(at);
        }
    }

    pub fn resume(&mut self, at: DateTime<Utc>) {
        if let Some(since) = self.paused_since.take() {
            self.pauses.push((since, at));
        }
    }

    pub fn stop(&mut self, at: DateTime<Utc>) {
        if self.is_active() {
            self.resume(at);
            self.stopped_at = Some(at);
        }
    }

    pub fn cancel(&mut self, at: DateTime<Utc>) {
        if self.is_active() {
            self.resume(at);
            self.cancelled = true;
            self.stopped_at = Some(at);
        }
    }

    /// The clock's whole budget on its unit's timeline: its amount and every extension granted.
    pub fn budget(&self, cal: &SlaCalendar) -> i64 {
        cal.budget(self.amount) + self.extensions.iter().map(|e| cal.budget(*e)).sum::<i64>()
    }

    /// Where on its unit's timeline the clock falls due, closed pauses and extensions included
    /// (an open pause is not: it keeps moving the due).
    pub fn due_position(&self, cal: &SlaCalendar) -> Result<i64, CalendarError> {
        let unit = self.amount.unit();
        let pos = |t: DateTime<Utc>| cal.position(unit, t.timestamp());
        let budget = self.budget(cal);
        let mut due_pos = cal.start_position(unit, self.started_at.timestamp())? + budget;
        for (from, to) in &self.pauses {
            due_pos += (pos(*to)? - pos(*from)?).max(0);
        }
        Ok(due_pos)
    }

    /// Reads the clock at `now`.
    pub fn read(
        &self,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<ClockReading, CalendarError> {
        let unit = self.amount.unit();
        let pos = |t: DateTime<Utc>| cal.position(unit, t.timestamp());
        let budget = self.budget(cal);
        let due_pos = self.due_position(cal)?;
        let at = |p: i64| -> Result<DateTime<Utc>, CalendarError> {
            Ok(DateTime::from_timestamp(cal.instant_at(unit, p)?, 0).expect("in range"))
        };
        let provisional = |due: DateTime<Utc>| cal.is_provisional(unit, due.timestamp());
        if let Some(since) = self.paused_since {
            let frozen = due_pos - pos(since)?;
            let due = at(due_pos + (pos(now)? - pos(since)?).max(0))?;
            return Ok(ClockReading {
                status: ClockStatus::Paused,
                due,
                remaining: frozen,
                budget,
                provisional: provisional(due),
            });
        }
        let due = at(due_pos)?;
        let (status, until) = match (self.stopped_at, self.cancelled) {
            (Some(t), true) => (ClockStatus::Cancelled, t),
            (Some(t), false) if t <= due => (ClockStatus::Met, t),
            (Some(t), false) => (ClockStatus::Breached, t),
            (None, _) if now <= due => (ClockStatus::Running, now),
            (None, _) => (ClockStatus::Breached, now),
        };
        Ok(ClockReading {
            status,
            due,
            remaining: due_pos - pos(until)?,
            budget,
            provisional: provisional(due),
        })
    }
}

//! The traffic light: the one place that says when a deadline is red, yellow or green.
//!
//! A light changes only at instants known in advance (a clock's at-risk instant and the second
//! after its due), so the rule is applied once, here, to give a [`LightSchedule`]: the light now
//! and the instants it will change. The seat's SQL stores those instants and picks the latest one
//! passed (it never re-derives the rule); the desk counts down by the same schedule between reloads.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::ClockStatus;

/// red: a clock is breached; yellow: one is at risk; green: all are comfortable; unknown: a due
/// cannot be computed (no calendar data for its year); none: no clock runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Red,
    Yellow,
    Green,
    Unknown,
    None,
}

impl Light {
    pub const ALL: [Light; 5] = [
        Light::Red,
        Light::Yellow,
        Light::Green,
        Light::Unknown,
        Light::None,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Red => "red",
            Self::Yellow => "yellow",
            Self::Green => "green",
            Self::Unknown => "unknown",
            Self::None => "none",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The light of one clock read at `now` (the detail pane's clocks): a clock met or
    /// cancelled has none; one whose due cannot be computed is unknown; a paused clock is green
    /// (its due moves while it waits).
    pub fn of_reading(
        status: Option<ClockStatus>,
        at_risk: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        match status {
            None => Self::Unknown,
            Some(ClockStatus::Breached) => Self::Red,
            Some(ClockStatus::Running) if at_risk.is_some_and(|t| t <= now) => Self::Yellow,
            Some(ClockStatus::Running | ClockStatus::Paused) => Self::Green,
            Some(ClockStatus::Met | ClockStatus::Cancelled) => Self::None,
        }
    }
}

/// The nearest due of a case, as far as it can be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearestDue {
    /// No clock runs (none, or every one paused, met or cancelled).
    NoClock,
    /// A running clock's due cannot be computed (no calendar data for its year).
    Unknown,
    At(DateTime<Utc>),
}

/// From `at` on, the light is `light`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LightChange {
    pub at: DateTime<Utc>,
    pub light: Light,
}

/// A case's light over time: `first` until the earliest change, then each change in turn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LightSchedule {
    pub first: Light,
    /// Ascending by `at`.
    pub changes: Vec<LightChange>,
}

impl LightSchedule {
    /// The rule: red after the nearest due, yellow from the earliest at-risk instant of any
    /// running clock, green before; unknown or none whatever the time.
    pub fn of_case(due: NearestDue, at_risk: Option<DateTime<Utc>>) -> Self {
        let due = match due {
            NearestDue::NoClock => return Self::constant(Light::None),
            NearestDue::Unknown => return Self::constant(Light::Unknown),
            NearestDue::At(due) => due,
        };
        // Due is the last instant within the limit; the breach is the second after.
        let red = due + Duration::seconds(1);
        let mut changes = Vec::with_capacity(2);
        if let Some(at) = at_risk.filter(|t| *t < red) {
            changes.push(LightChange {
                at,
                light: Light::Yellow,
            });
        }
        changes.push(LightChange {
            at: red,
            light: Light::Red,
        });
        Self {
            first: Light::Green,
            changes,
        }
    }

    fn constant(light: Light) -> Self {
        Self {
            first: light,
            changes: Vec::new(),
        }
    }

    /// The light at `now`: the latest change passed, else the first.
    pub fn at(&self, now: DateTime<Utc>) -> Light {
        self.changes
            .iter()
            .rev()
            .find(|c| c.at <= now)
            .map_or(self.first, |c| c.light)
    }

    /// The instant the light turns `light`, if it ever does.
    pub fn turns(&self, light: Light) -> Option<DateTime<Utc>> {
        self.changes.iter().find(|c| c.light == light).map(|c| c.at)
    }

    /// The changes still to come after `now` (what a reader of the light at `now` needs to
    /// follow it forward).
    pub fn after(&self, now: DateTime<Utc>) -> Vec<LightChange> {
        self.changes
            .iter()
            .filter(|c| c.at > now)
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().into()
    }

    #[test]
    fn a_case_turns_yellow_at_risk_and_red_the_second_after_its_due() {
        let s = LightSchedule::of_case(
            NearestDue::At(t("2026-12-01T10:00:00Z")),
            Some(t("2026-12-01T09:00:00Z")),
        );
        assert_eq!(s.at(t("2026-12-01T08:59:59Z")), Light::Green);
        assert_eq!(s.at(t("2026-12-01T09:00:00Z")), Light::Yellow);
        assert_eq!(s.at(t("2026-12-01T10:00:00Z")), Light::Yellow);
        assert_eq!(s.at(t("2026-12-01T10:00:01Z")), Light::Red);
        assert_eq!(s.after(t("2026-12-01T09:30:00Z")).len(), 1);
    }

    #[test]
    fn without_a_computable_due_the_light_never_changes() {
        let now = t("2026-12-01T10:00:00Z");
        assert_eq!(
            LightSchedule::of_case(NearestDue::Unknown, Some(now)).at(now),
            Light::Unknown
        );
        assert_eq!(
            LightSchedule::of_case(NearestDue::NoClock, None).at(now),
            Light::None
        );
    }
}

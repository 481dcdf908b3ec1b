//! What waits on a supervisor in a case: extension requests, a bureau's return, conflicting
//! decisions made apart. The seat's decisions list and its dashboard count these.

use chrono::{DateTime, Utc};

use super::{AssignmentStatus, CaseState, ClockRef};
use crate::sla::SlaCalendar;

/// How soon a pending decision matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// A conflict, or a decision no running clock bounds: before anything with a due.
    First,
    /// Before the due of the clock it concerns.
    Before(DateTime<Utc>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PendingDecisions {
    pub count: usize,
    /// The most urgent of them; `None` when nothing waits.
    pub most_urgent: Option<Urgency>,
}

impl CaseState {
    /// The decisions waiting on a supervisor: each extension request (urgent by the due of its
    /// clock), each return by a bureau (by the due of that bureau's clock) and each conflict
    /// (first of all).
    pub fn pending_decisions(&self, cal: &SlaCalendar) -> PendingDecisions {
        let due_of = |r: &ClockRef| {
            self.clock(r)
                .and_then(|c| c.current())
                .and_then(|run| run.read(cal, run.started_at).ok())
                .map_or(Urgency::First, |x| Urgency::Before(x.due))
        };
        let extensions = self.pending_extensions.iter().map(|p| due_of(&p.clock));
        let returns = self
            .assignments
            .iter()
            .filter(|a| a.status == AssignmentStatus::Returned)
            .map(|a| {
                self.clocks
                    .iter()
                    .filter(|c| c.bureau.as_ref() == Some(&a.bureau))
                    .find_map(|c| match due_of(&c.reference()) {
                        Urgency::First => None,
                        due => Some(due),
                    })
                    .unwrap_or(Urgency::First)
            });
        let conflicts = self.conflicts.iter().map(|_| Urgency::First);
        let all: Vec<Urgency> = extensions.chain(returns).chain(conflicts).collect();
        PendingDecisions {
            count: all.len(),
            most_urgent: all.into_iter().min(),
        }
    }
}

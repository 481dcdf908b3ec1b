//! What a step does once it is accepted: assignments, status and the clocks it starts and stops.

use chrono::{DateTime, Utc};

use super::{
    Assignment, AssignmentStatus, Callback, CaseState, CaseStatus, ClockInstance, ClockRef,
    Escalation, ExtensionRequest, LadderMark, ServiceOffline,
};
use crate::case::event::{Event, EventBody, Satisfaction};
use crate::case::model::BureauCode;
use crate::sla::{ClockRun, ClockScope, ClockSpec, RungAction, Trigger};

impl CaseState {
    pub(super) fn mutate(&mut self, e: &Event) {
        use EventBody as B;
        let at = e.at;
        match &e.body {
            B::Received(intake) => {
                self.id = Some(e.case);
                self.received_at = Some(at);
                self.received_by = Some(e.actor.user.clone());
                self.clocks = intake
                    .clocks
                    .iter()
                    .filter(|s| s.scope == ClockScope::Case)
                    .map(|s| ClockInstance {
                        spec: s.clone(),
                        bureau: None,
                        runs: vec![],
                    })
                    .collect();
                self.intake = Some((**intake).clone());
                self.fire_case(Trigger::Received, at);
            }
            B::AnsweredOnSpot { .. } => {
                self.answered_on_spot = true;
                self.first_replied_at.get_or_insert(at);
                self.reply_case(at);
                self.close(at);
            }
            B::Dispatched { bureau, .. } => self.dispatch(bureau, at),
            B::ServiceTakenOffline { service, .. } => {
                self.offline = Some(ServiceOffline {
                    service: service.trim().to_owned(),
                    since: at,
                    notified_at: None,
                    verified_at: None,
                    restored_at: None,
                });
            }
            B::PartiesNotified { .. } => {
                if let Some(o) = self.offline.as_mut() {
                    o.notified_at = Some(at);
                }
            }
            B::ServiceVerified { .. } => {
                if let Some(o) = self.offline.as_mut() {
                    o.verified_at = Some(at);
                }
            }
            B::ServiceRestored { .. } => {
                if let Some(o) = self.offline.as_mut() {
                    o.restored_at = Some(at);
                }
            }
            B::TakenOn { .. } => {
                self.taken_on_at = Some(at);
                self.fire_case(Trigger::TakenOn, at);
            }
            B::SignedFor { bureau } => {
                self.set_assignment(bureau, AssignmentStatus::SignedFor);
                self.fire_both(Trigger::SignedFor, bureau, at);
            }
            B::Returned { bureau, .. } => {
                if let Some(a) = self.assignment_mut(bureau) {
                    a.before_return = Some(a.status);
                    a.status = AssignmentStatus::Returned;
                }
            }
            B::ReturnDenied { bureau, .. } => {
                if let Some(a) = self.assignment_mut(bureau) {
                    a.status = a
                        .before_return
                        .take()
                        .unwrap_or(AssignmentStatus::Dispatched);
                }
            }
            B::Redispatched { from, to, .. } => {
                self.set_assignment(from, AssignmentStatus::Withdrawn);
                for c in self
                    .clocks
                    .iter_mut()
                    .filter(|c| c.bureau.as_ref() == Some(from))
                {
                    if let Some(run) = c.active_mut() {
                        run.cancel(at);
                    }
                }
                self.pending_extensions
                    .retain(|p| p.clock.bureau.as_ref() != Some(from));
                self.dispatch(to, at);
            }
            B::Accepted { bureau } => {
                self.set_assignment(bureau, AssignmentStatus::Accepted);
                self.fire_both(Trigger::Decided, bureau, at);
            }
            B::Declined { bureau, .. } => {
                self.set_assignment(bureau, AssignmentStatus::Declined);
                self.fire_both(Trigger::Decided, bureau, at);
                self.bureau_replied(bureau, at);
            }
            B::ProgressFedBack { bureau, .. } => match bureau {
                Some(b) => self.fire_both(Trigger::FedBack, b, at),
                None => self.fire_case(Trigger::FedBack, at),
            },
            B::ArrivedOnSite { bureau } => match bureau {
                Some(b) => self.fire_both(Trigger::OnSite, b, at),
                None => self.fire_case(Trigger::OnSite, at),
            },
            B::Paused { .. } => {
                self.paused_since = Some(at);
                for c in &mut self.clocks {
                    if let Some(run) = c.active_mut() {
                        run.pause(at);
                    }
                }
            }
            B::Resumed => {
                self.paused_since = None;
                for c in &mut self.clocks {
                    if let Some(run) = c.active_mut() {
                        run.resume(at);
                    }
                }
            }
            B::ExtensionRequested {
                clock,
                amount,
                reason,
            } => self.pending_extensions.push(ExtensionRequest {
                clock: clock.clone(),
                amount: *amount,
                reason: reason.clone(),
                requested_at: at,
            }),
            B::ExtensionApproved { clock, amount, .. } => {
                let idx = self
                    .pending_extensions
                    .iter()
                    .position(|p| p.clock == *clock)
                    .expect("checked");
                let request = self.pending_extensions.remove(idx);
                let granted = amount.unwrap_or(request.amount);
                let instance = self
                    .clocks
                    .iter_mut()
                    .find(|c| c.spec.key == clock.key && c.bureau == clock.bureau);
                if let Some(run) = instance.and_then(|c| c.runs.last_mut()) {
                    run.extensions.push(granted);
                }
            }
            B::ExtensionDenied { clock, .. } => {
                self.pending_extensions.retain(|p| p.clock != *clock)
            }
            B::Urged { bureau, .. } => {
                if let Some(a) = self.assignment_mut(bureau) {
                    a.urges += 1;
                }
                self.mark(RungAction::Urge, None, Some(bureau.clone()), at, &[]);
            }
            B::Escalated { note, clock, to } => {
                self.escalations += 1;
                self.escalation = Some(Escalation {
                    at,
                    note: note.clone(),
                    clock: clock.clone(),
                    to: to.clone(),
                    taken_by: None,
                    taken_at: None,
                });
                self.mark(RungAction::Escalate, clock.clone(), None, at, to);
            }
            B::HotspotRaised {
                category,
                place,
                label,
                count,
                baseline,
                baseline_days,
                cases,
                to,
            } => {
                self.hotspot = Some(super::Hotspot {
                    at,
                    category: category.clone(),
                    place: place.clone(),
                    label: label.clone(),
                    count: *count,
                    baseline: *baseline,
                    baseline_days: *baseline_days,
                    cases: cases.clone(),
                    to: to.clone(),
                });
            }
            B::Alerted { clock, to, .. } => {
                self.mark(RungAction::Alert, Some(clock.clone()), None, at, to);
            }
            B::EscalationTaken { .. } => {
                if let Some(x) = self.escalation.as_mut() {
                    x.taken_by = Some(e.actor.user.clone());
                    x.taken_at = Some(at);
                }
            }
            B::Replied {
                bureau: Some(b), ..
            } => {
                self.first_replied_at.get_or_insert(at);
                self.replied_by = Some(b.clone());
                self.set_assignment(b, AssignmentStatus::Replied);
                self.bureau_replied(b, at);
            }
            B::Replied { bureau: None, .. } => {
                self.first_replied_at.get_or_insert(at);
                self.replied_by = None;
                self.reply_case(at);
            }
            B::CalledBack { satisfaction, .. } => {
                self.satisfaction = Some(*satisfaction);
                self.callbacks.push(Callback {
                    at,
                    satisfaction: *satisfaction,
                    bureau: self.replied_by.clone(),
                });
                // A dissatisfied caller's case goes back to the bureau that replied (seed 001
                // §5.3: 回访不满意的重新办理): the callback reopens it, whatever else the seat sent.
                if *satisfaction == Satisfaction::Dissatisfied {
                    self.reopen(at);
                    self.reopened_by_callback = true;
                }
            }
            B::Reopened { .. } => self.reopen(at),
            B::MergedInto { into } => {
                self.merged_into = Some(*into);
                self.paused_since = None;
                self.escalation = None;
                for c in &mut self.clocks {
                    if let Some(run) = c.active_mut() {
                        run.cancel(at);
                    }
                }
                self.pending_extensions.clear();
            }
            B::ReportFiled { report, .. } => {
                self.reports.push(*report);
                self.fire_case(Trigger::ReportFiled(*report), at);
            }
            B::Closed { .. } => self.close(at),
            // Read by `CaseState::fold` before the history is folded (see there).
            B::ClocksCorrected { .. } | B::Renumbered { .. } => {}
        }
    }

    pub(super) fn derive_status(&self) -> CaseStatus {
        use AssignmentStatus as A;
        if self.id.is_none() {
            CaseStatus::Unreceived
        } else if self.merged_into.is_some() {
            CaseStatus::Merged
        } else if self.closed_at.is_some() {
            CaseStatus::Closed
        } else if self.replied_at.is_some() && self.satisfaction.is_some() {
            CaseStatus::Evaluated
        } else if self.replied_at.is_some() {
            CaseStatus::Replied
        } else if (self.taken_on_at.is_some() && self.with_bureau().is_none())
            || self
                .assignments
                .iter()
                .any(|a| matches!(a.status, A::SignedFor | A::Accepted))
        {
            // Being handled: by the centre itself (中心自办), or by a bureau that signed for it.
            CaseStatus::Handling
        } else if self.assignments.iter().any(|a| a.status == A::Dispatched) {
            CaseStatus::Dispatched
        } else {
            CaseStatus::Received
        }
    }

    fn assignment_mut(&mut self, bureau: &BureauCode) -> Option<&mut Assignment> {
        self.assignments
            .iter_mut()
            .rev()
            .find(|a| a.bureau == *bureau)
    }

    fn set_assignment(&mut self, bureau: &BureauCode, status: AssignmentStatus) {
        if let Some(a) = self.assignment_mut(bureau) {
            a.status = status;
        }
    }

    fn dispatch(&mut self, bureau: &BureauCode, at: DateTime<Utc>) {
        self.assignments.push(Assignment {
            bureau: bureau.clone(),
            status: AssignmentStatus::Dispatched,
            dispatched_at: at,
            before_return: None,
            urges: 0,
        });
        self.fire_both(Trigger::Dispatched, bureau, at);
    }

    fn bureau_replied(&mut self, bureau: &BureauCode, at: DateTime<Utc>) {
        self.fire_bureau(Trigger::Replied, bureau, at);
        if self.with_bureau().is_none() {
            self.reply_case(at);
        }
    }

    fn reply_case(&mut self, at: DateTime<Utc>) {
        self.replied_at = Some(at);
        self.fire_case(Trigger::Replied, at);
    }

    fn mark(
        &mut self,
        action: RungAction,
        clock: Option<ClockRef>,
        bureau: Option<BureauCode>,
        at: DateTime<Utc>,
        to: &[String],
    ) {
        self.ladder_marks.push(LadderMark {
            action,
            clock,
            bureau,
            at,
            to: to.to_vec(),
        });
    }

    fn close(&mut self, at: DateTime<Utc>) {
        self.closed_at = Some(at);
        // Closed, the case needs no supervisor any more.
        self.escalation = None;
        for c in &mut self.clocks {
            if let Some(run) = c.active_mut() {
                run.resume(at);
            }
        }
        self.paused_since = None;
        self.fire_case(Trigger::Closed, at);
        let bureaus: Vec<BureauCode> = self.assignments.iter().map(|a| a.bureau.clone()).collect();
        for b in bureaus {
            self.fire_bureau(Trigger::Closed, &b, at);
        }
    }

    fn reopen(&mut self, at: DateTime<Utc>) {
        self.reopenings += 1;
        // Reopened, the case is assigned afresh: back to its bureaus, or taken on again.
        self.taken_on_at = None;
        self.replied_at = None;
        self.satisfaction = None;
        self.closed_at = None;
        let back: Vec<BureauCode> = self
            .assignments
            .iter()
            .filter(|a| {
                matches!(
                    a.status,
                    AssignmentStatus::Replied | AssignmentStatus::Declined
                )
            })
            .map(|a| a.bureau.clone())
            .collect();
        if back.is_empty() {
            self.fire_case(Trigger::Received, at);
        }
        for b in back {
            self.dispatch(&b, at);
        }
    }

    fn fire_both(&mut self, trigger: Trigger, bureau: &BureauCode, at: DateTime<Utc>) {
        self.fire_case(trigger, at);
        self.fire_bureau(trigger, bureau, at);
    }

    fn fire_case(&mut self, trigger: Trigger, at: DateTime<Utc>) {
        let paused = self.paused_since;
        for c in self.clocks.iter_mut().filter(|c| c.bureau.is_none()) {
            step_clock(c, trigger, at, paused);
        }
    }

    fn fire_bureau(&mut self, trigger: Trigger, bureau: &BureauCode, at: DateTime<Utc>) {
        let paused = self.paused_since;
        let specs: Vec<ClockSpec> = self
            .intake
            .iter()
            .flat_map(|i| i.clocks.iter())
            .filter(|s| s.scope == ClockScope::Bureau && s.start == trigger)
            .filter(|s| {
                !self
                    .clocks
                    .iter()
                    .any(|c| c.spec.key == s.key && c.bureau.as_ref() == Some(bureau))
            })
            .cloned()
            .collect();
        for spec in specs {
            self.clocks.push(ClockInstance {
                spec,
                bureau: Some(bureau.clone()),
                runs: vec![],
            });
        }
        for c in self
            .clocks
            .iter_mut()
            .filter(|c| c.bureau.as_ref() == Some(bureau))
        {
            step_clock(c, trigger, at, paused);
        }
    }
}

/// What one trigger does to one clock: restart a recurring clock, stop it, or start it.
fn step_clock(
    c: &mut ClockInstance,
    trigger: Trigger,
    at: DateTime<Utc>,
    paused: Option<DateTime<Utc>>,
) {
    let restart = c.spec.restart.contains(&trigger);
    let stop = c.spec.stop.contains(&trigger);
    if let Some(run) = c.active_mut() {
        if restart || stop {
            run.stop(at);
            if !restart {
                return;
            }
        } else {
            return;
        }
    } else if c.spec.start != trigger {
        return;
    }
    let mut run = ClockRun::new(at, c.spec.amount);
    if paused.is_some() {
        run.pause(at);
    }
    c.runs.push(run);
}

//! Every precondition of a step, checked before anything changes.

use super::{AssignmentStatus, CaseState, CaseStatus, StepRefusal};
use crate::case::event::{Event, EventBody};
use crate::case::model::BureauCode;

type Step = Result<(), StepRefusal>;

fn need(cond: bool, refusal: StepRefusal) -> Step {
    if cond {
        Ok(())
    } else {
        Err(refusal)
    }
}

fn reason_given(reason: &str) -> Step {
    need(!reason.trim().is_empty(), StepRefusal::ReasonRequired)
}

impl CaseState {
    /// Every precondition of the step, checked before anything changes.
    pub(super) fn check(&self, e: &Event) -> Step {
        use EventBody as B;
        use StepRefusal as R;
        let st = self.status;
        match (&e.body, self.id) {
            (B::Received(_), None) => return Ok(()),
            (B::Received(_), Some(_)) => return Err(R::AlreadyReceived),
            (_, None) => return Err(R::NotReceived),
            (_, Some(id)) if id != e.case => return Err(R::WrongCase),
            _ => {}
        }
        let open = || need(st.in_progress(), R::Status);
        let running = || open().and_then(|()| need(!self.is_paused(), R::Paused));
        let in_status = |b: &BureauCode, ok: &[AssignmentStatus], needs: &'static str| -> Step {
            let a = self
                .assignment(b)
                .ok_or_else(|| R::NoAssignment(b.0.clone()))?;
            need(
                ok.contains(&a.status),
                R::AssignmentStatus {
                    bureau: b.0.clone(),
                    status: a.status,
                    needs,
                },
            )
        };
        let not_with_bureau = || match self.with_bureau() {
            Some(a) => Err(R::WithBureau(a.bureau.0.clone())),
            None => Ok(()),
        };
        use AssignmentStatus as A;
        match &e.body {
            B::Received(_) => unreachable!("handled above"),
            B::AnsweredOnSpot { .. } => {
                need(st == CaseStatus::Received, R::Status)?;
                need(!self.is_paused(), R::Paused)?;
                not_with_bureau()?;
                need(
                    self.intake.as_ref().is_some_and(|i| i.answerable_on_spot),
                    R::NotAnswerableOnSpot,
                )
            }
            B::Dispatched { bureau, .. } => {
                running()?;
                need(
                    self.active_assignment(bureau).is_none(),
                    R::AlreadyAssigned(bureau.0.clone()),
                )
            }
            B::ServiceTakenOffline { service, .. } => {
                open()?;
                let fault = self.intake.as_ref().is_some_and(|i| i.kind == "fault");
                let down = self.offline.as_ref().is_some_and(|o| o.is_down());
                need(fault && !down && !service.trim().is_empty(), R::Offline)
            }
            B::PartiesNotified { .. } => {
                let o = self.offline.as_ref().filter(|o| o.is_down());
                need(
                    o.is_some_and(|o| o.notified_at.is_none()),
                    R::OfflineOrder("the service must be offline and the parties not yet told"),
                )
            }
            B::ServiceVerified { .. } => {
                let o = self.offline.as_ref().filter(|o| o.is_down());
                need(
                    o.is_some_and(|o| o.notified_at.is_some() && o.verified_at.is_none()),
                    R::OfflineOrder("the parties must be told before the fix is verified"),
                )
            }
            B::ServiceRestored { .. } => {
                let o = self.offline.as_ref().filter(|o| o.is_down());
                need(
                    o.is_some_and(|o| o.verified_at.is_some()),
                    R::OfflineOrder("a service serves again only once verified"),
                )
            }
            B::TakenOn { .. } => {
                running()?;
                not_with_bureau()?;
                need(self.taken_on_at.is_none(), R::AlreadyTakenOn)
            }
            B::SignedFor { bureau } => {
                running()?;
                in_status(bureau, &[A::Dispatched], "dispatched")
            }
            B::Returned { bureau, reason } => {
                open()?;
                reason_given(reason)?;
                in_status(
                    bureau,
                    &[A::Dispatched, A::SignedFor, A::Accepted],
                    "dispatched or signed for",
                )
            }
            B::ReturnDenied { bureau, reason } => {
                open()?;
                reason_given(reason)?;
                in_status(bureau, &[A::Returned], "returned")
            }
            B::Redispatched { from, to, .. } => {
                running()?;
                need(
                    self.active_assignment(from).is_some(),
                    R::NoAssignment(from.0.clone()),
                )?;
                need(
                    from != to && self.active_assignment(to).is_none(),
                    R::AlreadyAssigned(to.0.clone()),
                )
            }
            B::Accepted { bureau } => {
                running()?;
                need(self.needs_acceptance(), R::NoAcceptance)?;
                in_status(bureau, &[A::SignedFor], "signed for")
            }
            B::Declined { bureau, reason } => {
                running()?;
                need(self.needs_acceptance(), R::NoAcceptance)?;
                reason_given(reason)?;
                in_status(bureau, &[A::SignedFor], "signed for")
            }
            B::ProgressFedBack { bureau, .. } | B::ArrivedOnSite { bureau } => {
                open()?;
                match bureau {
                    Some(b) => in_status(
                        b,
                        &[A::Dispatched, A::SignedFor, A::Accepted],
                        "with the case",
                    ),
                    None => Ok(()),
                }
            }
            B::Paused { reason } => {
                running()?;
                reason_given(reason)
            }
            B::Resumed => need(self.is_paused(), R::NotPaused),
            B::ExtensionRequested {
                clock,
                amount,
                reason,
            } => {
                open()?;
                reason_given(reason)?;
                let c = self
                    .clock(clock)
                    .filter(|c| c.is_active())
                    .ok_or_else(|| R::NoClock(clock.key.clone()))?;
                need(
                    amount.value() > 0 && amount.unit() == c.spec.amount.unit(),
                    R::BadAmount,
                )?;
                need(
                    !self.pending_extensions.iter().any(|p| p.clock == *clock),
                    R::ExtensionPending(clock.key.clone()),
                )
            }
            B::ExtensionApproved { clock, amount, .. } => {
                let pending = self.pending_extensions.iter().find(|p| p.clock == *clock);
                let pending = pending.ok_or_else(|| R::NoExtensionPending(clock.key.clone()))?;
                let granted = amount.unwrap_or(pending.amount);
                need(
                    granted.value() > 0 && granted.unit() == pending.amount.unit(),
                    R::BadAmount,
                )
            }
            B::ExtensionDenied { clock, reason } => {
                reason_given(reason)?;
                need(
                    self.pending_extensions.iter().any(|p| p.clock == *clock),
                    R::NoExtensionPending(clock.key.clone()),
                )
            }
            B::Urged { bureau, .. } => {
                open()?;
                in_status(
                    bureau,
                    &[A::Dispatched, A::SignedFor, A::Accepted],
                    "with the case",
                )
            }
            B::Escalated { .. } => need(st.in_progress() || st == CaseStatus::Replied, R::Status),
            // An alert is about a clock, wherever the case is (a report's clock runs after the
            // case is closed).
            B::Alerted { clock, .. } => need(
                self.clocks
                    .iter()
                    .any(|c| c.reference() == *clock && c.is_active()),
                R::NoClock(clock.key.clone()),
            ),
            // The server's warning about the day's cluster: on any received case.
            B::HotspotRaised { .. } => Ok(()),
            B::EscalationTaken { .. } => need(
                self.escalation.as_ref().is_some_and(|x| x.is_waiting()),
                R::NoEscalationWaiting,
            ),
            B::Replied {
                bureau: Some(b), ..
            } => {
                running()?;
                let needs: &[AssignmentStatus] = if self.needs_acceptance() {
                    &[A::Accepted]
                } else {
                    &[A::SignedFor, A::Accepted]
                };
                in_status(
                    b,
                    needs,
                    if self.needs_acceptance() {
                        "accepted"
                    } else {
                        "signed for"
                    },
                )
            }
            B::Replied { bureau: None, .. } => {
                running()?;
                not_with_bureau()
            }
            B::CalledBack { .. } => need(st == CaseStatus::Replied, R::Status),
            B::Reopened { reason } => {
                need(
                    matches!(
                        st,
                        CaseStatus::Replied | CaseStatus::Evaluated | CaseStatus::Closed
                    ),
                    R::Status,
                )?;
                reason_given(reason)
            }
            B::MergedInto { into } => {
                need(
                    !matches!(st, CaseStatus::Closed | CaseStatus::Merged),
                    R::Status,
                )?;
                need(Some(*into) != self.id, R::MergeIntoSelf)
            }
            B::ReportFiled { report, .. } => {
                need(st != CaseStatus::Merged, R::Status)?;
                // A clock waiting for the report takes it (a case reopened and closed again owes
                // a new one, 003 §5.3.7 c)); otherwise a report is filed once.
                let awaited = self.clocks.iter().any(|c| {
                    c.is_active()
                        && c.spec
                            .stop
                            .contains(&crate::sla::Trigger::ReportFiled(*report))
                });
                need(
                    awaited || !self.reports.contains(report),
                    R::ReportAlreadyFiled,
                )
            }
            B::Closed { .. } => {
                need(
                    matches!(
                        st,
                        CaseStatus::Received | CaseStatus::Replied | CaseStatus::Evaluated
                    ),
                    R::Status,
                )?;
                need(!self.is_paused(), R::Paused)?;
                not_with_bureau()
            }
            // Whatever the case's state: the fold has already counted it from receipt.
            B::ClocksCorrected { .. } | B::Renumbered { .. } => Ok(()),
        }
    }
}

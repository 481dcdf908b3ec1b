//! A case's state is a pure function of its events.
//!
//! [`CaseState::apply`] is strict: a step that is not valid in the current state is refused and
//! the state is left untouched. [`CaseState::absorb`] is total: it is what replays a synced
//! history, where two seats may have acted on one case while apart; a step the history cannot
//! take is kept as a [`Conflict`] for a supervisor instead of being dropped or aborting the fold.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::event::{CaseId, Event, EventBody, EventId, Satisfaction};
use super::model::{BureauCode, Intake};
use crate::sla::{ClockRun, ClockScope, ClockSpec, ReportKind, SlaAmount, Trigger};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// No `received` event yet.
    Unreceived,
    /// 已受理 / 响应: recorded, waiting to be answered or dispatched.
    Received,
    /// 已派单 / 分派: with at least one bureau, none has signed yet.
    Dispatched,
    /// 办理中 / 执行
    Handling,
    /// 已答复 / 反馈: waiting for the callback.
    Replied,
    /// 已回访 / 评价
    Evaluated,
    /// 已办结
    Closed,
    /// 已并单
    Merged,
}

impl CaseStatus {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unreceived => "unreceived",
            Self::Received => "received",
            Self::Dispatched => "dispatched",
            Self::Handling => "handling",
            Self::Replied => "replied",
            Self::Evaluated => "evaluated",
            Self::Closed => "closed",
            Self::Merged => "merged",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Unreceived => "未受理",
            Self::Received => "已受理",
            Self::Dispatched => "已派单",
            Self::Handling => "办理中",
            Self::Replied => "已答复",
            Self::Evaluated => "已回访",
            Self::Closed => "已办结",
            Self::Merged => "已并单",
        }
    }

    fn is_open(self) -> bool {
        matches!(self, Self::Received | Self::Dispatched | Self::Handling)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    Dispatched,
    SignedFor,
    Accepted,
    /// Returned by the bureau, waiting for a supervisor to re-dispatch or deny.
    Returned,
    Declined,
    Replied,
    /// Taken away by a re-dispatch.
    Withdrawn,
}

impl AssignmentStatus {
    /// The bureau still owes the case something.
    fn is_active(self) -> bool {
        matches!(self, Self::Dispatched | Self::SignedFor | Self::Accepted | Self::Returned)
    }
}

/// One bureau's part in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub bureau: BureauCode,
    pub status: AssignmentStatus,
    pub dispatched_at: DateTime<Utc>,
    /// What a denied return goes back to.
    #[serde(default)]
    pub before_return: Option<AssignmentStatus>,
    #[serde(default)]
    pub urges: u32,
}

/// Names one clock of a case: its key, and its bureau for per-bureau clocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClockRef {
    pub key: String,
    #[serde(default)]
    pub bureau: Option<BureauCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockInstance {
    pub spec: ClockSpec,
    #[serde(default)]
    pub bureau: Option<BureauCode>,
    /// Every run of the clock; the last one is the current run. Recurring clocks and reopened
    /// cases add runs; earlier runs stay for on-time statistics.
    pub runs: Vec<ClockRun>,
}

impl ClockInstance {
    pub fn reference(&self) -> ClockRef {
        ClockRef { key: self.spec.key.clone(), bureau: self.bureau.clone() }
    }

    pub fn current(&self) -> Option<&ClockRun> {
        self.runs.last()
    }

    fn active_mut(&mut self) -> Option<&mut ClockRun> {
        self.runs.last_mut().filter(|r| r.is_active())
    }

    fn is_active(&self) -> bool {
        self.runs.last().is_some_and(ClockRun::is_active)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub clock: ClockRef,
    pub amount: SlaAmount,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
}

/// An event of the history that the state could not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    pub event: EventId,
    pub step: String,
    pub status: CaseStatus,
    pub reason: String,
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "refusal")]
pub enum StepRefusal {
    #[error("the case has not been received yet")]
    NotReceived,
    #[error("the case was already received")]
    AlreadyReceived,
    #[error("the event belongs to another case")]
    WrongCase,
    #[error("not allowed in this status")]
    Status,
    #[error("the case is paused; resume it first")]
    Paused,
    #[error("the case is not paused")]
    NotPaused,
    #[error("bureau {0} has no active assignment on this case")]
    NoAssignment(String),
    #[error("bureau {0} already holds this case")]
    AlreadyAssigned(String),
    #[error("bureau {bureau} is {status:?}, the step needs it {needs}")]
    AssignmentStatus { bureau: String, status: AssignmentStatus, needs: &'static str },
    #[error("the case is still with a bureau ({0})")]
    WithBureau(String),
    #[error("this kind of case takes no acceptance decision")]
    NoAcceptance,
    #[error("this kind of case cannot be answered on the spot")]
    NotAnswerableOnSpot,
    #[error("the case runs no active clock {0}")]
    NoClock(String),
    #[error("an extension of clock {0} is already pending")]
    ExtensionPending(String),
    #[error("no extension of clock {0} is pending")]
    NoExtensionPending(String),
    #[error("the amount must be positive and in the clock's unit")]
    BadAmount,
    #[error("a case cannot be merged into itself")]
    MergeIntoSelf,
    #[error("that report was already filed")]
    ReportAlreadyFiled,
    #[error("a reason is required")]
    ReasonRequired,
}

/// A refused step: names the step, the state, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("cannot {step} ({step_zh}) a case in status {} ({}): {refusal} / 当前状态「{}」不能执行「{step_zh}」", status.code(), status.label_zh(), status.label_zh())]
pub struct StepError {
    pub step: &'static str,
    pub step_zh: &'static str,
    pub status: CaseStatus,
    pub refusal: StepRefusal,
}

impl StepError {
    pub fn code(&self) -> &'static str {
        "case.step_refused"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub id: Option<CaseId>,
    pub intake: Option<Intake>,
    pub status: CaseStatus,
    pub received_at: Option<DateTime<Utc>>,
    pub paused_since: Option<DateTime<Utc>>,
    pub assignments: Vec<Assignment>,
    pub clocks: Vec<ClockInstance>,
    pub pending_extensions: Vec<ExtensionRequest>,
    pub replied_at: Option<DateTime<Utc>>,
    pub satisfaction: Option<Satisfaction>,
    pub closed_at: Option<DateTime<Utc>>,
    pub merged_into: Option<CaseId>,
    pub escalations: u32,
    pub reopenings: u32,
    pub reports: Vec<ReportKind>,
    pub events: u32,
    pub last_event_at: Option<DateTime<Utc>>,
    pub conflicts: Vec<Conflict>,
}

impl Default for CaseState {
    fn default() -> Self {
        Self {
            id: None,
            intake: None,
            status: CaseStatus::Unreceived,
            received_at: None,
            paused_since: None,
            assignments: vec![],
            clocks: vec![],
            pending_extensions: vec![],
            replied_at: None,
            satisfaction: None,
            closed_at: None,
            merged_into: None,
            escalations: 0,
            reopenings: 0,
            reports: vec![],
            events: 0,
            last_event_at: None,
            conflicts: vec![],
        }
    }
}

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
    /// Folds a whole history. Steps the history cannot take become [`Conflict`]s.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut state = Self::default();
        for e in events {
            state.absorb(e);
        }
        state
    }

    /// Takes one event of a history: applies it, or records it as a conflict.
    pub fn absorb(&mut self, event: &Event) {
        if let Err(err) = self.apply(event) {
            self.conflicts.push(Conflict {
                event: event.id,
                step: err.step.to_owned(),
                status: err.status,
                reason: err.refusal.to_string(),
            });
        }
    }

    /// Applies one new step, or refuses it and leaves the state untouched.
    pub fn apply(&mut self, event: &Event) -> Result<(), StepError> {
        let refuse = |refusal| StepError {
            step: event.body.step(),
            step_zh: event.body.step_zh(),
            status: self.status,
            refusal,
        };
        self.check(event).map_err(refuse)?;
        self.mutate(event);
        self.events += 1;
        self.last_event_at = Some(self.last_event_at.map_or(event.at, |t| t.max(event.at)));
        self.status = self.derive_status();
        Ok(())
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    pub fn assignment(&self, bureau: &BureauCode) -> Option<&Assignment> {
        self.assignments.iter().rev().find(|a| a.bureau == *bureau)
    }

    pub fn clock(&self, r: &ClockRef) -> Option<&ClockInstance> {
        self.clocks.iter().find(|c| c.spec.key == r.key && c.bureau == r.bureau)
    }

    fn active_assignment(&self, bureau: &BureauCode) -> Option<&Assignment> {
        self.assignment(bureau).filter(|a| a.status.is_active())
    }

    fn with_bureau(&self) -> Option<&Assignment> {
        self.assignments.iter().find(|a| a.status.is_active())
    }

    fn needs_acceptance(&self) -> bool {
        self.intake.as_ref().is_some_and(|i| i.needs_acceptance)
    }

    /// Every precondition of the step, checked before anything changes.
    fn check(&self, e: &Event) -> Step {
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
        let open = || need(st.is_open(), R::Status);
        let running = || open().and_then(|()| need(!self.is_paused(), R::Paused));
        let in_status = |b: &BureauCode, ok: &[AssignmentStatus], needs: &'static str| -> Step {
            let a = self.assignment(b).ok_or_else(|| R::NoAssignment(b.0.clone()))?;
            need(ok.contains(&a.status), R::AssignmentStatus { bureau: b.0.clone(), status: a.status, needs })
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
                need(self.intake.as_ref().is_some_and(|i| i.answerable_on_spot), R::NotAnswerableOnSpot)
            }
            B::Dispatched { bureau, .. } => {
                running()?;
                need(self.active_assignment(bureau).is_none(), R::AlreadyAssigned(bureau.0.clone()))
            }
            B::SignedFor { bureau } => {
                running()?;
                in_status(bureau, &[A::Dispatched], "dispatched")
            }
            B::Returned { bureau, reason } => {
                open()?;
                reason_given(reason)?;
                in_status(bureau, &[A::Dispatched, A::SignedFor, A::Accepted], "dispatched or signed for")
            }
            B::ReturnDenied { bureau, reason } => {
                open()?;
                reason_given(reason)?;
                in_status(bureau, &[A::Returned], "returned")
            }
            B::Redispatched { from, to, .. } => {
                running()?;
                need(self.active_assignment(from).is_some(), R::NoAssignment(from.0.clone()))?;
                need(from != to && self.active_assignment(to).is_none(), R::AlreadyAssigned(to.0.clone()))
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
                    Some(b) => in_status(b, &[A::Dispatched, A::SignedFor, A::Accepted], "with the case"),
                    None => Ok(()),
                }
            }
            B::Paused { reason } => {
                running()?;
                reason_given(reason)
            }
            B::Resumed => need(self.is_paused(), R::NotPaused),
            B::ExtensionRequested { clock, amount, reason } => {
                open()?;
                reason_given(reason)?;
                let c = self.clock(clock).filter(|c| c.is_active()).ok_or_else(|| R::NoClock(clock.key.clone()))?;
                need(amount.value() > 0 && amount.unit() == c.spec.amount.unit(), R::BadAmount)?;
                need(!self.pending_extensions.iter().any(|p| p.clock == *clock), R::ExtensionPending(clock.key.clone()))
            }
            B::ExtensionApproved { clock, amount, .. } => {
                let pending = self.pending_extensions.iter().find(|p| p.clock == *clock);
                let pending = pending.ok_or_else(|| R::NoExtensionPending(clock.key.clone()))?;
                let granted = amount.unwrap_or(pending.amount);
                need(granted.value() > 0 && granted.unit() == pending.amount.unit(), R::BadAmount)
            }
            B::ExtensionDenied { clock, reason } => {
                reason_given(reason)?;
                need(self.pending_extensions.iter().any(|p| p.clock == *clock), R::NoExtensionPending(clock.key.clone()))
            }
            B::Urged { bureau, .. } => {
                open()?;
                in_status(bureau, &[A::Dispatched, A::SignedFor, A::Accepted], "with the case")
            }
            B::Escalated { .. } => need(st.is_open() || st == CaseStatus::Replied, R::Status),
            B::Replied { bureau: Some(b), .. } => {
                running()?;
                let needs: &[AssignmentStatus] = if self.needs_acceptance() { &[A::Accepted] } else { &[A::SignedFor, A::Accepted] };
                in_status(b, needs, if self.needs_acceptance() { "accepted" } else { "signed for" })
            }
            B::Replied { bureau: None, .. } => {
                running()?;
                not_with_bureau()
            }
            B::CalledBack { .. } => need(st == CaseStatus::Replied, R::Status),
            B::Reopened { reason } => {
                need(matches!(st, CaseStatus::Replied | CaseStatus::Evaluated | CaseStatus::Closed), R::Status)?;
                reason_given(reason)
            }
            B::MergedInto { into } => {
                need(!matches!(st, CaseStatus::Closed | CaseStatus::Merged), R::Status)?;
                need(Some(*into) != self.id, R::MergeIntoSelf)
            }
            B::ReportFiled { report } => {
                need(st != CaseStatus::Merged, R::Status)?;
                need(!self.reports.contains(report), R::ReportAlreadyFiled)
            }
            B::Closed { .. } => {
                need(matches!(st, CaseStatus::Received | CaseStatus::Replied | CaseStatus::Evaluated), R::Status)?;
                need(!self.is_paused(), R::Paused)?;
                not_with_bureau()
            }
        }
    }

    fn mutate(&mut self, e: &Event) {
        use EventBody as B;
        let at = e.at;
        match &e.body {
            B::Received(intake) => {
                self.id = Some(e.case);
                self.received_at = Some(at);
                self.clocks = intake
                    .clocks
                    .iter()
                    .filter(|s| s.scope == ClockScope::Case)
                    .map(|s| ClockInstance { spec: s.clone(), bureau: None, runs: vec![] })
                    .collect();
                self.intake = Some((**intake).clone());
                self.fire_case(Trigger::Received, at);
            }
            B::AnsweredOnSpot { .. } => {
                self.reply_case(at);
                self.close(at);
            }
            B::Dispatched { bureau, .. } => self.dispatch(bureau, at),
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
                    a.status = a.before_return.take().unwrap_or(AssignmentStatus::Dispatched);
                }
            }
            B::Redispatched { from, to, .. } => {
                self.set_assignment(from, AssignmentStatus::Withdrawn);
                for c in self.clocks.iter_mut().filter(|c| c.bureau.as_ref() == Some(from)) {
                    if let Some(run) = c.active_mut() {
                        run.cancel(at);
                    }
                }
                self.pending_extensions.retain(|p| p.clock.bureau.as_ref() != Some(from));
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
            B::ExtensionRequested { clock, amount, reason } => self.pending_extensions.push(ExtensionRequest {
                clock: clock.clone(),
                amount: *amount,
                reason: reason.clone(),
                requested_at: at,
            }),
            B::ExtensionApproved { clock, amount, .. } => {
                let idx = self.pending_extensions.iter().position(|p| p.clock == *clock).expect("checked");
                let request = self.pending_extensions.remove(idx);
                let granted = amount.unwrap_or(request.amount);
                let instance = self.clocks.iter_mut().find(|c| c.spec.key == clock.key && c.bureau == clock.bureau);
                if let Some(run) = instance.and_then(|c| c.runs.last_mut()) {
                    run.extensions.push(granted);
                }
            }
            B::ExtensionDenied { clock, .. } => self.pending_extensions.retain(|p| p.clock != *clock),
            B::Urged { bureau, .. } => {
                if let Some(a) = self.assignment_mut(bureau) {
                    a.urges += 1;
                }
            }
            B::Escalated { .. } => self.escalations += 1,
            B::Replied { bureau: Some(b), .. } => {
                self.set_assignment(b, AssignmentStatus::Replied);
                self.bureau_replied(b, at);
            }
            B::Replied { bureau: None, .. } => self.reply_case(at),
            B::CalledBack { satisfaction, .. } => self.satisfaction = Some(*satisfaction),
            B::Reopened { .. } => self.reopen(at),
            B::MergedInto { into } => {
                self.merged_into = Some(*into);
                self.paused_since = None;
                for c in &mut self.clocks {
                    if let Some(run) = c.active_mut() {
                        run.cancel(at);
                    }
                }
                self.pending_extensions.clear();
            }
            B::ReportFiled { report } => {
                self.reports.push(*report);
                self.fire_case(Trigger::ReportFiled(*report), at);
            }
            B::Closed { .. } => self.close(at),
        }
    }

    fn derive_status(&self) -> CaseStatus {
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
        } else if self.assignments.iter().any(|a| matches!(a.status, A::SignedFor | A::Accepted)) {
            CaseStatus::Handling
        } else if self.assignments.iter().any(|a| a.status == A::Dispatched) {
            CaseStatus::Dispatched
        } else {
            CaseStatus::Received
        }
    }

    fn assignment_mut(&mut self, bureau: &BureauCode) -> Option<&mut Assignment> {
        self.assignments.iter_mut().rev().find(|a| a.bureau == *bureau)
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

    fn close(&mut self, at: DateTime<Utc>) {
        self.closed_at = Some(at);
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
        self.replied_at = None;
        self.satisfaction = None;
        self.closed_at = None;
        let back: Vec<BureauCode> = self
            .assignments
            .iter()
            .filter(|a| matches!(a.status, AssignmentStatus::Replied | AssignmentStatus::Declined))
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
            .filter(|s| !self.clocks.iter().any(|c| c.spec.key == s.key && c.bureau.as_ref() == Some(bureau)))
            .cloned()
            .collect();
        for spec in specs {
            self.clocks.push(ClockInstance { spec, bureau: Some(bureau.clone()), runs: vec![] });
        }
        for c in self.clocks.iter_mut().filter(|c| c.bureau.as_ref() == Some(bureau)) {
            step_clock(c, trigger, at, paused);
        }
    }
}

/// What one trigger does to one clock: restart a recurring clock, stop it, or start it.
fn step_clock(c: &mut ClockInstance, trigger: Trigger, at: DateTime<Utc>, paused: Option<DateTime<Utc>>) {
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

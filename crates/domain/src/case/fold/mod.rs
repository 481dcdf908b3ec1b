//! A case's state is a pure function of its events.
//!
//! [`CaseState::apply`] is strict: a step that is not valid in the current state is refused and
//! the state is left untouched. [`CaseState::absorb`] is total: it is what replays a synced
//! history, where two seats may have acted on one case while apart; a step the history cannot
//! take is kept as a [`Conflict`] for a supervisor instead of being dropped or aborting the fold.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod check;
mod decisions;
mod effects;
mod offers;

pub use decisions::{PendingDecisions, Urgency};
pub use offers::{InputKind, Offer, OfferInput};

use super::event::{CaseId, Event, EventBody, EventId, Satisfaction};
use super::model::{BureauCode, CaseNumber, Intake};
use crate::calendar::CalendarError;
use crate::sla::{
    AlertSettings, ClockReading, ClockRun, ClockSpec, LightSchedule, NearestDue, ReportKind,
    RungAction, SlaAmount, SlaCalendar,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
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

    pub const ALL: [CaseStatus; 8] = [
        Self::Unreceived,
        Self::Received,
        Self::Dispatched,
        Self::Handling,
        Self::Replied,
        Self::Evaluated,
        Self::Closed,
        Self::Merged,
    ];

    /// Still being worked towards a reply: the steps of handling (dispatch, feedback, pausing)
    /// apply.
    fn in_progress(self) -> bool {
        matches!(self, Self::Received | Self::Dispatched | Self::Handling)
    }

    /// On the desks' queue and the dashboard's depth: received and neither closed nor merged (a
    /// replied case waits there for its callback, a called-back one for its closing).
    pub fn on_the_desk(self) -> bool {
        matches!(
            self,
            Self::Received | Self::Dispatched | Self::Handling | Self::Replied | Self::Evaluated
        )
    }

    /// A new call about the same matter may be merged into a case in this state: received and
    /// not yet called back.
    pub fn takes_merges(self) -> bool {
        matches!(
            self,
            Self::Received | Self::Dispatched | Self::Handling | Self::Replied
        )
    }

    /// The SQL list `('received', …)` of the statuses `keep` holds for, in this order: how the
    /// stores' SQL names a set of statuses without writing the rule again (the codes are fixed
    /// words of ours, so they are safe to format in).
    pub fn sql_list(keep: fn(CaseStatus) -> bool) -> String {
        let codes: Vec<String> = Self::ALL
            .into_iter()
            .filter(|s| keep(*s))
            .map(|s| format!("'{}'", s.code()))
            .collect();
        format!("({})", codes.join(", "))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
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
    pub(crate) fn is_active(self) -> bool {
        matches!(
            self,
            Self::Dispatched | Self::SignedFor | Self::Accepted | Self::Returned
        )
    }
}

/// One bureau's part in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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

/// A user's latest step on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Touch {
    pub user: String,
    pub at: DateTime<Utc>,
}

/// Names one clock of a case: its key, and its bureau for per-bureau clocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
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
        ClockRef {
            key: self.spec.key.clone(),
            bureau: self.bureau.clone(),
        }
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExtensionRequest {
    pub clock: ClockRef,
    pub amount: SlaAmount,
    pub reason: String,
    pub requested_at: DateTime<Utc>,
}

/// An event of the history that the state could not take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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
    AssignmentStatus {
        bureau: String,
        status: AssignmentStatus,
        needs: &'static str,
    },
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
    #[error("the centre already handles this case itself")]
    AlreadyTakenOn,
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the case is not escalated, or its escalation was already taken")]
    NoEscalationWaiting,
    #[error("only a fault takes a service offline, once at a time, naming the service")]
    Offline,
    #[error("that step of taking the service offline is not next: {0}")]
    OfflineOrder(&'static str),
}

/// A refused step: names the step, the state, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("step {step} ({step_zh}) refused in status {} ({}): {refusal} / 当前状态「{}」不能执行「{step_zh}」", status.code(), status.label_zh(), status.label_zh())]
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
    /// The user who recorded the case (a seat's "mine").
    #[serde(default)]
    pub received_by: Option<String>,
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
    /// The device of every event of the history, applied or not, in order (to tell what an
    /// event's author had not seen).
    #[serde(default)]
    pub devices: Vec<String>,
    /// Who took a step on the case, each user once with their latest: what a desk keeps of the
    /// cases it worked on (`case::working_set`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub touched_by: Vec<Touch>,
    /// The first reply (or on-the-spot answer) ever given; a reopening does not forget it.
    #[serde(default)]
    pub first_replied_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub answered_on_spot: bool,
    /// When the centre took the case on itself (中心自办); a reopening forgets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_on_at: Option<DateTime<Utc>>,
    /// Who gave the latest reply (None: the centre itself): what a callback judges.
    #[serde(default)]
    pub replied_by: Option<BureauCode>,
    /// Every callback, kept when a dissatisfied caller reopens the case (`satisfaction` is then
    /// forgotten; the month's figures must not be).
    #[serde(default)]
    pub callbacks: Vec<Callback>,
    /// Numbers the case had before the server renumbered it (the caller may have been told one):
    /// searchable, shown in its timeline.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_numbers: Vec<CaseNumber>,
    /// The step just applied was a dissatisfied callback, which reopened the case itself: a
    /// `reopened` that a seat sends right after it (as builds before 2026-12 did) echoes that
    /// reopening and changes nothing. Kept in a stored snapshot, so folding on from it agrees.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    reopened_by_callback: bool,
    /// The service this fault took offline (001 §3.2.4, §3.3.3), until it is restored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<ServiceOffline>,
    /// The open escalation (升级): a supervisor must take it; closing the case ends it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<Escalation>,
    /// Every alert, urging and escalation recorded, so each rung of a clock's ladder fires once
    /// (see `case::supervision`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ladder_marks: Vec<LadderMark>,
    /// The steps the assessment counts for a bureau (returns, declines, extensions, urgings,
    /// escalations), in order (`case::assessment`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bureau_steps: Vec<crate::case::assessment::BureauStep>,
    /// The hotspot this case leads (热点预警), as the server raised it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hotspot: Option<Hotspot>,
}

/// A cluster of one day's cases of one category in one place, led by this case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Hotspot {
    pub at: DateTime<Utc>,
    pub category: String,
    pub place: crate::hotspot::HotspotPlace,
    pub label: String,
    pub count: u32,
    pub baseline: u32,
    pub baseline_days: u32,
    /// The cluster, the lead first.
    pub cases: Vec<CaseId>,
    /// The supervisors told (empty: every supervisor).
    pub to: Vec<String>,
}

impl Hotspot {
    /// What a supervisor's notification says: 越秀区中山街 · 生态环境：今日12件（此前28天共0件）
    pub fn summary_zh(&self) -> String {
        format!(
            "{}：今日{}件（此前{}天共{}件）",
            self.label, self.count, self.baseline_days, self.baseline
        )
    }
}

/// A service taken offline for a fault: when, whether the access party and management were
/// told, when it was verified, when it served again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ServiceOffline {
    pub service: String,
    pub since: DateTime<Utc>,
    #[serde(default)]
    pub notified_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub verified_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub restored_at: Option<DateTime<Utc>>,
}

impl ServiceOffline {
    /// Still offline.
    pub fn is_down(&self) -> bool {
        self.restored_at.is_none()
    }
}

/// An escalated case (升级): why, to whom, and who took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Escalation {
    pub at: DateTime<Utc>,
    pub note: String,
    /// The late clock, when the server's ladder escalated it.
    #[serde(default)]
    pub clock: Option<ClockRef>,
    /// The supervisors on duty it went to; empty: every supervisor.
    #[serde(default)]
    pub to: Vec<String>,
    #[serde(default)]
    pub taken_by: Option<String>,
    #[serde(default)]
    pub taken_at: Option<DateTime<Utc>>,
}

impl Escalation {
    /// Waiting for a supervisor to take it.
    pub fn is_waiting(&self) -> bool {
        self.taken_by.is_none()
    }
}

/// One step of supervision that happened: a rung of `clock` (or, for an urging, of any clock
/// of `bureau`) whose instant is at or before `at` has fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderMark {
    pub action: RungAction,
    #[serde(default)]
    pub clock: Option<ClockRef>,
    #[serde(default)]
    pub bureau: Option<BureauCode>,
    pub at: DateTime<Utc>,
    /// The supervisors an alert or escalation went to (empty: every supervisor).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
}

/// One callback (回访): when, what the caller said, and whose reply it judged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Callback {
    pub at: DateTime<Utc>,
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub bureau: Option<BureauCode>,
}

/// The `received` event as the server's corrections make it — the last corrected clocks, the
/// last number given — with the numbers the case had before; None when nothing corrects it.
fn corrected_receipt(events: &[&Event]) -> Option<(Event, Vec<CaseNumber>)> {
    let clocks = events.iter().rev().find_map(|e| match &e.body {
        EventBody::ClocksCorrected { clocks, .. } => Some(clocks),
        _ => None,
    });
    let numbers: Vec<&CaseNumber> = events
        .iter()
        .filter_map(|e| match &e.body {
            EventBody::Renumbered { number, .. } => Some(number),
            _ => None,
        })
        .collect();
    if clocks.is_none() && numbers.is_empty() {
        return None;
    }
    let (received, intake) = events.iter().find_map(|e| match &e.body {
        EventBody::Received(intake) => Some((*e, intake)),
        _ => None,
    })?;
    let mut fixed = (**intake).clone();
    if let Some(clocks) = clocks {
        fixed.clocks = clocks.clone();
    }
    // Every number the case had, in order, but the one it has now.
    let mut former = Vec::new();
    for number in numbers {
        let before = std::mem::replace(&mut fixed.number, number.clone());
        if !former.contains(&before) {
            former.push(before);
        }
    }
    former.retain(|n| *n != fixed.number);
    let mut event = received.clone();
    event.body = EventBody::Received(Box::new(fixed));
    Some((event, former))
}

impl Default for CaseState {
    fn default() -> Self {
        Self {
            id: None,
            intake: None,
            status: CaseStatus::Unreceived,
            received_at: None,
            received_by: None,
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
            devices: vec![],
            touched_by: vec![],
            first_replied_at: None,
            answered_on_spot: false,
            taken_on_at: None,
            replied_by: None,
            callbacks: vec![],
            former_numbers: vec![],
            reopened_by_callback: false,
            offline: None,
            escalation: None,
            ladder_marks: vec![],
            bureau_steps: vec![],
            hotspot: None,
        }
    }
}

impl CaseState {
    /// Folds a whole history. Steps the history cannot take become [`Conflict`]s.
    ///
    /// The server decides which clocks a case runs and which number it has: when the history
    /// holds a `clocks_corrected` event (the server's, whenever the `received` event carried other
    /// clocks than the policy's) or a `renumbered` one (the number was another case's), the case
    /// is folded as if it had been received with the corrected clocks and number — wherever the
    /// correction sits in the history, so the seat and the server agree whatever order the
    /// events arrived in.
    pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let events: Vec<&Event> = events.into_iter().collect();
        let received = corrected_receipt(&events);
        let mut state = Self::default();
        for e in events {
            match (&received, &e.body) {
                (Some((fixed, _)), EventBody::Received(_)) if fixed.id == e.id => {
                    state.absorb(fixed)
                }
                _ => state.absorb(e),
            }
        }
        if let Some((_, former)) = received {
            state.former_numbers = former;
        }
        state
    }

    /// What search finds the case by: its intake's text and every number it had (one
    /// definition for the seat's index and the server's); None before it is received.
    pub fn search_text(&self) -> Option<String> {
        let intake = self.intake.as_ref()?;
        let mut text = intake.search_text();
        for n in &self.former_numbers {
            text.push(' ');
            text.push_str(&n.to_string());
        }
        Some(text)
    }

    /// Takes one event of a history: applies it, or records it as a conflict. A decision made
    /// without seeing another device's decision (both seats dispatched while apart) is applied
    /// and also flagged, so a supervisor looks at the case.
    pub fn absorb(&mut self, event: &Event) {
        let status = self.status;
        let unseen_decision =
            is_decision(&event.body) && self.unseen_decision_by_other_device(event);
        match self.apply(event) {
            Err(err) => {
                self.devices.push(event.device.0.clone());
                self.conflicts.push(Conflict {
                    event: event.id,
                    step: err.step.to_owned(),
                    status: err.status,
                    reason: err.refusal.to_string(),
                });
            }
            Ok(()) if unseen_decision => self.conflicts.push(Conflict {
                event: event.id,
                step: event.body.step().to_owned(),
                status,
                reason:
                    "recorded while apart from another device's decision on this case; both kept"
                        .into(),
            }),
            Ok(()) => {}
        }
    }

    /// Did another device add to the history after what this event's author had seen? (Which
    /// of those unseen events were decisions is not kept: any counts when the new one is one.)
    fn unseen_decision_by_other_device(&self, event: &Event) -> bool {
        let seen = (event.seen as usize).min(self.devices.len());
        self.devices[seen..].iter().any(|d| *d != event.device.0)
    }

    /// Applies one new step, or refuses it and leaves the state untouched.
    pub fn apply(&mut self, event: &Event) -> Result<(), StepError> {
        let refuse = |refusal| StepError {
            step: event.body.step(),
            step_zh: event.body.step_zh(),
            status: self.status,
            refusal,
        };
        let echo = self.reopened_by_callback && matches!(event.body, EventBody::Reopened { .. });
        if !echo {
            self.check(event).map_err(refuse)?;
        }
        self.reopened_by_callback = false;
        if !echo {
            if let Some(step) = self.bureau_step_of(event) {
                self.bureau_steps.push(step);
            }
            self.mutate(event);
        }
        self.devices.push(event.device.0.clone());
        self.touched(&event.actor.user, event.at);
        self.events += 1;
        self.last_event_at = Some(self.last_event_at.map_or(event.at, |t| t.max(event.at)));
        self.status = self.derive_status();
        Ok(())
    }

    /// Records `user`'s step at `at`, keeping each user's latest.
    pub(crate) fn touched(&mut self, user: &str, at: DateTime<Utc>) {
        match self.touched_by.iter_mut().find(|t| t.user == user) {
            Some(t) => t.at = t.at.max(at),
            None => self.touched_by.push(Touch {
                user: user.to_owned(),
                at,
            }),
        }
    }

    /// When `user` last took a step on the case.
    pub fn last_touched_by(&self, user: &str) -> Option<DateTime<Utc>> {
        self.touched_by
            .iter()
            .find(|t| t.user == user)
            .map(|t| t.at)
    }

    pub fn is_paused(&self) -> bool {
        self.paused_since.is_some()
    }

    /// Each bureau's latest assignment, in the order they were first made: a reopened case is
    /// dispatched again to the same bureau, and only the latest says where it stands.
    pub fn latest_assignments(&self) -> impl Iterator<Item = &Assignment> {
        self.assignments
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !self.assignments[i + 1..]
                    .iter()
                    .any(|later| later.bureau == a.bureau)
            })
            .map(|(_, a)| a)
    }

    pub fn assignment(&self, bureau: &BureauCode) -> Option<&Assignment> {
        self.assignments.iter().rev().find(|a| a.bureau == *bureau)
    }

    pub fn clock(&self, r: &ClockRef) -> Option<&ClockInstance> {
        self.clocks
            .iter()
            .find(|c| c.spec.key == r.key && c.bureau == r.bureau)
    }

    /// The current run of every clock that has started, read at `now`.
    pub fn readings(
        &self,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Vec<(&ClockInstance, Result<ClockReading, CalendarError>)> {
        self.clocks
            .iter()
            .filter_map(|c| c.current().map(|run| (c, run.read(cal, now))))
            .collect()
    }

    /// The running (not paused) clock that falls due first, with its due instant; a due that
    /// cannot be computed (no calendar data) comes first as `None`, since nobody can tell.
    pub fn next_due(&self, cal: &SlaCalendar) -> Option<(ClockRef, Option<DateTime<Utc>>)> {
        self.clocks
            .iter()
            .filter_map(|c| {
                let run = c
                    .current()
                    .filter(|r| r.is_active() && r.paused_since.is_none())?;
                Some((
                    c.reference(),
                    run.read(cal, run.started_at).ok().map(|r| r.due),
                ))
            })
            .min_by_key(|(_, due)| due.map_or(i64::MIN, |d| d.timestamp()))
    }

    /// The nearest due of the running clocks, as far as it can be known.
    pub fn nearest_due(&self, cal: &SlaCalendar) -> NearestDue {
        match self.next_due(cal) {
            None => NearestDue::NoClock,
            Some((_, None)) => NearestDue::Unknown,
            Some((_, Some(due))) => NearestDue::At(due),
        }
    }

    /// The case's traffic light over time ([`LightSchedule::of_case`]): its nearest due and the
    /// earliest at-risk instant of its running clocks.
    pub fn light_schedule(&self, cal: &SlaCalendar, alerts: &AlertSettings) -> LightSchedule {
        let at_risk = self
            .clocks
            .iter()
            .filter_map(|c| c.current()?.milestones(cal, alerts).ok().flatten())
            .map(|m| m.at_risk)
            .min();
        LightSchedule::of_case(self.nearest_due(cal), at_risk)
    }

    /// Whether the nearest due ([`Self::next_due`]) rests on provisional calendar days (暂定).
    pub fn next_due_provisional(&self, cal: &SlaCalendar) -> bool {
        let Some((clock, Some(due))) = self.next_due(cal) else {
            return false;
        };
        self.clock(&clock)
            .is_some_and(|c| cal.is_provisional(c.spec.amount.unit(), due.timestamp()))
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
}

/// Steps that decide where a case goes or how it ends; two of them made apart need a supervisor.
fn is_decision(body: &EventBody) -> bool {
    use EventBody as B;
    matches!(
        body,
        B::AnsweredOnSpot { .. }
            | B::Dispatched { .. }
            | B::Redispatched { .. }
            | B::Returned { .. }
            | B::ReturnDenied { .. }
            | B::Accepted { .. }
            | B::Declined { .. }
            | B::Replied { .. }
            | B::Reopened { .. }
            | B::CalledBack {
                satisfaction: Satisfaction::Dissatisfied,
                ..
            }
            | B::MergedInto { .. }
            | B::Closed { .. }
    )
}

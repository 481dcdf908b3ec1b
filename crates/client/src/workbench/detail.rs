//! One case as the detail pane shows it: every clock read now with its light, the timeline, and
//! only the steps this user may take in the case's state.

use chrono::{DateTime, Utc};
use hotline_domain::case::{
    Assignment, CaseState, Conflict, Escalation, Event, ExtensionRequest, Intake, Offer,
};
use hotline_domain::sla::{AlertSettings, ClockStatus, Light, SlaAmount, SlaCalendar};
use serde::Serialize;

use crate::store::{CaseRow, Identity};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ClockView {
    pub key: String,
    pub label: String,
    pub bureau: Option<String>,
    pub amount: SlaAmount,
    /// `None` when the due cannot be computed (no calendar data for its year).
    pub status: Option<ClockStatus>,
    pub due: Option<DateTime<Utc>>,
    /// Clock seconds left in the clock's unit (negative when overdue).
    pub remaining: Option<i64>,
    pub budget: Option<i64>,
    pub light: Light,
    /// The due rests on days of a year whose notice is not imported yet (暂定).
    pub provisional: bool,
    pub extensions: usize,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CaseDetail {
    pub now: DateTime<Utc>,
    pub row: CaseRow,
    pub intake: Option<Intake>,
    pub received_by: Option<String>,
    pub paused_since: Option<DateTime<Utc>>,
    pub assignments: Vec<Assignment>,
    pub clocks: Vec<ClockView>,
    pub pending_extensions: Vec<ExtensionRequest>,
    pub conflicts: Vec<Conflict>,
    /// The open escalation (升级): to whom, why, and who took it.
    pub escalation: Option<Escalation>,
    pub merged_into: Option<String>,
    /// Numbers the case had before the server renumbered it (the caller may know one).
    pub former_numbers: Vec<String>,
    /// The history, oldest first; the UI words each step from its catalogue by `type`.
    pub events: Vec<Event>,
    pub offers: Vec<Offer>,
}

pub fn case_detail(
    row: CaseRow,
    state: &CaseState,
    events: Vec<Event>,
    who: &Identity,
    cal: &SlaCalendar,
    alerts: &AlertSettings,
    now: DateTime<Utc>,
) -> CaseDetail {
    let bureau = who.bureau.as_deref().map(Into::into);
    let clocks = state
        .clocks
        .iter()
        .filter_map(|c| {
            let run = c.current()?;
            let reading = run.read(cal, now).ok();
            let at_risk = run
                .milestones(cal, alerts)
                .ok()
                .flatten()
                .map(|m| m.at_risk);
            let light = Light::of_reading(reading.map(|r| r.status), at_risk, now);
            Some(ClockView {
                key: c.spec.key.clone(),
                label: c.spec.label.clone(),
                bureau: c.bureau.as_ref().map(|b| b.0.clone()),
                amount: c.spec.amount,
                status: reading.map(|r| r.status),
                due: reading.map(|r| r.due),
                remaining: reading.map(|r| r.remaining),
                budget: reading.map(|r| r.budget),
                light,
                provisional: reading.is_some_and(|r| r.provisional),
                extensions: run.extensions.len(),
                source: c.spec.source.clone(),
            })
        })
        .collect();
    CaseDetail {
        now,
        row,
        intake: state.intake.clone(),
        received_by: state.received_by.clone(),
        paused_since: state.paused_since,
        assignments: state.assignments.clone(),
        clocks,
        pending_extensions: state.pending_extensions.clone(),
        conflicts: state.conflicts.clone(),
        escalation: state.escalation.clone(),
        merged_into: state.merged_into.map(|c| c.0.to_string()),
        former_numbers: state
            .former_numbers
            .iter()
            .map(ToString::to_string)
            .collect(),
        events,
        offers: state.offers(who.role, bureau.as_ref()),
    }
}

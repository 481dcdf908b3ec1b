//! The steps a user may take on a case now: what the desktop shows as buttons. Each candidate is
//! tried against the same preconditions `apply` enforces and the same `permits` the server
//! enforces, so the buttons can never offer a step that would be refused.

use serde::Serialize;
use uuid::Uuid;

use super::{CaseState, ClockRef};
use crate::case::event::{Actor, CaseId, DeviceId, Event, EventBody, EventId, Role, Satisfaction};
use crate::case::model::BureauCode;
use crate::case::permission::permits;

/// One step on offer; `bureau` and `clock` say which assignment or clock it is for. `body` is
/// the event the step records with everything the domain knows filled in (its bureau, clock,
/// report kind, the unit of an extension); the desk fills in `inputs` and sends it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Offer {
    pub step: &'static str,
    pub step_zh: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub bureau: Option<BureauCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub clock: Option<ClockRef>,
    pub body: EventBody,
    pub inputs: Vec<OfferInput>,
}

/// A field of an offered step's body that the user gives, and the control that asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct OfferInput {
    pub field: &'static str,
    pub input: InputKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A bureau of the centre's list.
    Bureau,
    /// Free text the caller or the bureau will read (an answer, a reply).
    Text,
    /// Why: a step that refuses, returns, pauses or reopens says why.
    Reason,
    /// An optional note.
    Note,
    /// How much more time, in the unit of the clock the body names.
    Amount,
    Satisfaction,
    /// Another case, by number.
    Case,
    /// A section of a report (`content.<field>`), a paragraph the report must have.
    Section,
}

/// What the user gives for each step. Exhaustive: a new kind of event must say what it asks.
fn inputs(body: &EventBody) -> Vec<OfferInput> {
    use EventBody as B;
    use InputKind as K;
    let ask = |asked: &[(&'static str, InputKind)]| {
        asked
            .iter()
            .map(|&(field, input)| OfferInput { field, input })
            .collect()
    };
    match body {
        B::Received(_)
        | B::ClocksCorrected { .. }
        | B::Renumbered { .. }
        | B::SignedFor { .. }
        | B::Accepted { .. }
        | B::ArrivedOnSite { .. }
        | B::Resumed => vec![],
        B::ReportFiled { report, .. } => report
            .sections()
            .iter()
            .map(|s| OfferInput {
                field: s.field,
                input: K::Section,
            })
            .collect(),
        B::AnsweredOnSpot { .. } => ask(&[("answer", K::Text)]),
        B::Replied { .. } => ask(&[("text", K::Text)]),
        B::Dispatched { .. } => ask(&[("bureau", K::Bureau), ("note", K::Note)]),
        B::Redispatched { .. } => ask(&[("to", K::Bureau), ("note", K::Note)]),
        B::Returned { .. }
        | B::ReturnDenied { .. }
        | B::Declined { .. }
        | B::Paused { .. }
        | B::Reopened { .. }
        | B::ExtensionDenied { .. } => ask(&[("reason", K::Reason)]),
        B::ProgressFedBack { .. }
        | B::Urged { .. }
        | B::Escalated { .. }
        | B::Alerted { .. }
        | B::HotspotRaised { .. }
        | B::EscalationTaken { .. }
        | B::Closed { .. }
        | B::TakenOn { .. }
        | B::PartiesNotified { .. }
        | B::ServiceVerified { .. }
        | B::ServiceRestored { .. }
        | B::ExtensionApproved { .. } => ask(&[("note", K::Note)]),
        B::ServiceTakenOffline { .. } => ask(&[("service", K::Text), ("note", K::Note)]),
        B::CalledBack { .. } => ask(&[("satisfaction", K::Satisfaction), ("comment", K::Note)]),
        B::ExtensionRequested { .. } => ask(&[("amount", K::Amount), ("reason", K::Reason)]),
        B::MergedInto { .. } => ask(&[("into", K::Case)]),
    }
}

/// The body as offered: the placeholder words the preconditions were probed with are blanked,
/// so nothing the domain made up reaches the caller's record.
fn blank(body: EventBody, asked: &[OfferInput]) -> EventBody {
    let mut json = serde_json::to_value(&body).expect("an event body serialises");
    for i in asked {
        if matches!(
            i.input,
            InputKind::Text | InputKind::Reason | InputKind::Note | InputKind::Bureau
        ) {
            json[i.field] = serde_json::Value::String(String::new());
        }
    }
    serde_json::from_value(json).unwrap_or(body)
}

impl CaseState {
    /// Would the state take `body` as its next step now (its preconditions only: who records
    /// it is `permits`'s question)?
    pub fn takes(&self, body: &EventBody) -> bool {
        let Some(case) = self.id else { return false };
        let probe = Event {
            id: EventId(Uuid::nil()),
            case,
            at: self.last_event_at.unwrap_or_default(),
            actor: Actor {
                user: String::new(),
                role: Role::System,
                bureau: None,
            },
            device: DeviceId(String::new()),
            seen: self.events,
            body: body.clone(),
        };
        self.check(&probe).is_ok()
    }

    /// Every step `role` (of `bureau`, for handlers) may take on the case in its current state.
    pub fn offers(&self, role: Role, bureau: Option<&BureauCode>) -> Vec<Offer> {
        let Some(case) = self.id else { return vec![] };
        // Placeholder details: the preconditions look at who and which clock, not at the wording.
        let why = || "·".to_owned();
        let elsewhere = BureauCode(String::from("\u{0}"));
        let mut candidates: Vec<(EventBody, Option<BureauCode>, Option<ClockRef>)> = vec![
            (
                EventBody::AnsweredOnSpot {
                    answer: why(),
                    article: None,
                },
                None,
                None,
            ),
            (
                EventBody::Dispatched {
                    bureau: elsewhere.clone(),
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::TakenOn {
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::ProgressFedBack {
                    bureau: None,
                    note: why(),
                },
                None,
                None,
            ),
            (EventBody::Paused { reason: why() }, None, None),
            (EventBody::Resumed, None, None),
            (
                EventBody::Escalated {
                    note: why(),
                    clock: None,
                    to: vec![],
                },
                None,
                None,
            ),
            (
                EventBody::EscalationTaken {
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::ServiceTakenOffline {
                    service: why(),
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::PartiesNotified {
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::ServiceVerified {
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::ServiceRestored {
                    note: String::new(),
                },
                None,
                None,
            ),
            (
                EventBody::Replied {
                    bureau: None,
                    text: why(),
                },
                None,
                None,
            ),
            (
                EventBody::CalledBack {
                    satisfaction: Satisfaction::Satisfied,
                    comment: String::new(),
                },
                None,
                None,
            ),
            (EventBody::Reopened { reason: why() }, None, None),
            (
                EventBody::MergedInto {
                    into: CaseId(Uuid::nil()),
                },
                None,
                None,
            ),
            (
                EventBody::Closed {
                    note: String::new(),
                },
                None,
                None,
            ),
        ];
        // A report is offered while a running clock waits for it (003 §5.3.7 c): the response
        // report the day after a fault or complaint closes).
        for report in [
            crate::sla::ReportKind::Response,
            crate::sla::ReportKind::Incident,
        ] {
            let awaited = crate::sla::Trigger::ReportFiled(report);
            // The offer names the clock that waits, so the desk knows which report it is.
            if let Some(c) = self
                .clocks
                .iter()
                .find(|c| c.is_active() && c.spec.stop.contains(&awaited))
            {
                let body = EventBody::ReportFiled {
                    report,
                    content: Default::default(),
                };
                candidates.push((body, None, Some(c.reference())));
            }
        }
        for a in &self.assignments {
            let b = a.bureau.clone();
            let at = |body: EventBody| (body, Some(b.clone()), None);
            candidates.extend([
                at(EventBody::SignedFor { bureau: b.clone() }),
                at(EventBody::Accepted { bureau: b.clone() }),
                at(EventBody::Declined {
                    bureau: b.clone(),
                    reason: why(),
                }),
                at(EventBody::ProgressFedBack {
                    bureau: Some(b.clone()),
                    note: why(),
                }),
                at(EventBody::Replied {
                    bureau: Some(b.clone()),
                    text: why(),
                }),
                at(EventBody::Returned {
                    bureau: b.clone(),
                    reason: why(),
                }),
                at(EventBody::ReturnDenied {
                    bureau: b.clone(),
                    reason: why(),
                }),
                at(EventBody::Redispatched {
                    from: b.clone(),
                    to: elsewhere.clone(),
                    note: String::new(),
                }),
                at(EventBody::Urged {
                    bureau: b.clone(),
                    note: why(),
                }),
            ]);
        }
        for c in self.clocks.iter().filter(|c| c.is_active()) {
            let r = c.reference();
            let on = |body: EventBody| (body, r.bureau.clone(), Some(r.clone()));
            candidates.push(on(EventBody::ExtensionRequested {
                clock: r.clone(),
                amount: c.spec.amount,
                reason: why(),
            }));
        }
        for p in &self.pending_extensions {
            let r = p.clock.clone();
            let on = |body: EventBody| (body, r.bureau.clone(), Some(r.clone()));
            candidates.push(on(EventBody::ExtensionApproved {
                clock: r.clone(),
                amount: None,
                note: String::new(),
            }));
            candidates.push(on(EventBody::ExtensionDenied {
                clock: r.clone(),
                reason: why(),
            }));
        }
        let actor = Actor {
            user: String::new(),
            role,
            bureau: bureau.cloned(),
        };
        candidates
            .into_iter()
            .filter(|(body, _, _)| permits(role, bureau, body))
            .filter(|(body, _, _)| {
                let probe = Event {
                    id: EventId(Uuid::nil()),
                    case,
                    at: self.last_event_at.unwrap_or_default(),
                    actor: actor.clone(),
                    device: DeviceId(String::new()),
                    seen: self.events,
                    body: body.clone(),
                };
                self.check(&probe).is_ok()
            })
            .map(|(body, bureau, clock)| {
                let asked = inputs(&body);
                Offer {
                    step: body.step(),
                    step_zh: body.step_zh(),
                    bureau,
                    clock,
                    body: blank(body, &asked),
                    inputs: asked,
                }
            })
            .collect()
    }
}

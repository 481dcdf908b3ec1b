//! The steps a user may take on a case now: what the desktop shows as buttons. Each candidate is
//! tried against the same preconditions `apply` enforces and the same `permits` the server
//! enforces, so the buttons can never offer a step that would be refused.

use serde::Serialize;
use uuid::Uuid;

use super::{CaseState, ClockRef};
use crate::case::event::{Actor, CaseId, DeviceId, Event, EventBody, EventId, Role, Satisfaction};
use crate::case::model::BureauCode;
use crate::case::permission::permits;

/// One step on offer; `bureau` and `clock` say which assignment or clock it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offer {
    pub step: &'static str,
    pub step_zh: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bureau: Option<BureauCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clock: Option<ClockRef>,
}

impl CaseState {
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
                EventBody::ProgressFedBack {
                    bureau: None,
                    note: why(),
                },
                None,
                None,
            ),
            (EventBody::Paused { reason: why() }, None, None),
            (EventBody::Resumed, None, None),
            (EventBody::Escalated { note: why() }, None, None),
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
                candidates.push((EventBody::ReportFiled { report }, None, Some(c.reference())));
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
            .map(|(body, bureau, clock)| Offer {
                step: body.step(),
                step_zh: body.step_zh(),
                bureau,
                clock,
            })
            .collect()
    }
}

//! Who may record which step. The server enforces it on every pushed event; the desktop uses it
//! to offer only the actions a user may take.

use super::event::{EventBody, Role};
use super::model::BureauCode;

/// May a user of `role` change the centre's configuration: save a policy version, import the
/// calendar's notice? Supervisors and administrators; the server enforces it, the desk offers
/// the forms only to them.
pub fn configures_centre(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Admin)
}

/// Does `role` deal with callers — take calls, call them back, answer from the knowledge base —
/// and so see their numbers unmasked? Seats and supervisors; every other role sees masks.
pub fn takes_calls(role: Role) -> bool {
    matches!(role, Role::Seat | Role::Supervisor)
}

/// Does `role` decide for the centre — extensions, returns, escalations, maintenance notices?
pub fn supervises(role: Role) -> bool {
    role == Role::Supervisor
}

/// Does `role` read the whole centre's figures — the live dashboard, every report? Supervisors
/// and management (管理方); a bureau handler gets its own bureau's report only
/// (`reads_own_report`).
pub fn reads_centre_figures(role: Role) -> bool {
    matches!(role, Role::Supervisor | Role::Management)
}

/// Does `role` get the report of its own bureau (its own cases only)?
pub fn reads_own_report(role: Role) -> bool {
    role == Role::Bureau
}

/// May `role` ask to see a caller's unmasked number (an audited request)? Those who deal with
/// callers or their cases; management reads figures and sees nothing personal.
pub fn may_unmask(role: Role) -> bool {
    matches!(role, Role::Seat | Role::Supervisor | Role::Bureau)
}

/// May a user of `role` (of `bureau`, for bureau handlers) record `body`?
pub fn permits(role: Role, bureau: Option<&BureauCode>, body: &EventBody) -> bool {
    use EventBody as B;
    let own = |b: &BureauCode| bureau == Some(b);
    let seat_step = matches!(
        body,
        B::Received(_)
            | B::AnsweredOnSpot { .. }
            | B::Dispatched { .. }
            | B::TakenOn { .. }
            | B::ServiceTakenOffline { .. }
            | B::PartiesNotified { .. }
            | B::ServiceVerified { .. }
            | B::ServiceRestored { .. }
            | B::ProgressFedBack { bureau: None, .. }
            | B::ArrivedOnSite { bureau: None }
            | B::Paused { .. }
            | B::Resumed
            | B::Urged { .. }
            | B::Replied { bureau: None, .. }
            | B::CalledBack { .. }
            | B::Reopened { .. }
            | B::MergedInto { .. }
            | B::ReportFiled { .. }
            | B::Closed { .. }
    );
    // A seat may escalate a case to the supervisors; which clock broke and who is on duty are the
    // server's ladder's to say.
    let seat_step =
        seat_step || matches!(body, B::Escalated { clock: None, to, .. } if to.is_empty());
    match role {
        Role::Seat => seat_step,
        // Supervisors decide what seats and bureaus ask for: returns, re-dispatches, extensions.
        Role::Supervisor => {
            seat_step
                || matches!(
                    body,
                    B::ReturnDenied { .. }
                        | B::EscalationTaken { .. }
                        | B::Redispatched { .. }
                        | B::ExtensionApproved { .. }
                        | B::ExtensionDenied { .. }
                )
        }
        Role::Bureau => match body {
            B::SignedFor { bureau: b }
            | B::Returned { bureau: b, .. }
            | B::Accepted { bureau: b }
            | B::Declined { bureau: b, .. }
            | B::ProgressFedBack {
                bureau: Some(b), ..
            }
            | B::ArrivedOnSite { bureau: Some(b) }
            | B::Replied {
                bureau: Some(b), ..
            } => own(b),
            B::ExtensionRequested { clock, .. } => clock.bureau.as_ref().is_some_and(own),
            _ => false,
        },
        // The server: urging and escalation, and the deadlines and numbers it decides (no user
        // records those).
        Role::System => matches!(
            body,
            B::Urged { .. }
                | B::Escalated { .. }
                | B::Alerted { .. }
                | B::HotspotRaised { .. }
                | B::ClocksCorrected { .. }
                | B::Renumbered { .. }
        ),
        // Administrators manage users, bureaus, policies and the calendar, not cases;
        // management reads.
        Role::Admin | Role::Management => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::ClockRef;
    use crate::sla::SlaAmount;

    #[test]
    fn bureaus_act_only_for_themselves_and_only_supervisors_decide() {
        let hrss = BureauCode::from("HRSS");
        let other = BureauCode::from("MARKET");
        let sign = |b: &BureauCode| EventBody::SignedFor { bureau: b.clone() };
        assert!(permits(Role::Bureau, Some(&hrss), &sign(&hrss)));
        assert!(!permits(Role::Bureau, Some(&hrss), &sign(&other)));
        assert!(!permits(Role::Seat, None, &sign(&hrss)));
        let ext = EventBody::ExtensionRequested {
            clock: ClockRef {
                key: "reply".into(),
                bureau: Some(hrss.clone()),
            },
            amount: SlaAmount::WorkingDays(5),
            reason: "x".into(),
        };
        assert!(permits(Role::Bureau, Some(&hrss), &ext));
        assert!(!permits(Role::Bureau, Some(&other), &ext));
        let approve = EventBody::ExtensionApproved {
            clock: ClockRef {
                key: "reply".into(),
                bureau: Some(hrss.clone()),
            },
            amount: None,
            note: String::new(),
        };
        assert!(permits(Role::Supervisor, None, &approve));
        assert!(!permits(Role::Seat, None, &approve));
        assert!(!permits(Role::Bureau, Some(&hrss), &approve));
        assert!(!permits(Role::Admin, None, &EventBody::Resumed));
        assert!(permits(
            Role::Seat,
            None,
            &EventBody::Dispatched {
                bureau: hrss,
                note: String::new()
            }
        ));
    }
}

//! How long each text of an event may be, in characters: one table for the seat (checked before
//! a step is written) and the server (checked again at push), documented in docs/SECURITY.md.
//! The description and address of an intake are held to `MAX_DESCRIPTION_CHARS` and
//! `MAX_ADDRESS_CHARS` with the draft (their own error codes); everything else is here.

use super::{Actor, BureauCode, Caller, ClockRef, Event, EventBody, Intake, MAX_DESCRIPTION_CHARS};
use crate::sla::ClockSpec;

/// A code: kind, category, district, bureau, clock key, knowledge article id, user, device.
pub const MAX_CODE_CHARS: usize = 64;
/// A caller's name (a company's full name included).
pub const MAX_NAME_CHARS: usize = 100;
/// An ID number, passport or permit number.
pub const MAX_ID_NUMBER_CHARS: usize = 32;
/// A phone number as typed, extensions included.
pub const MAX_PHONE_CHARS: usize = 32;
/// A note, reason or comment that goes with a step.
pub const MAX_NOTE_CHARS: usize = 2_000;
/// A reply or an answer to the caller: as long as the matter it answers.
pub const MAX_ANSWER_CHARS: usize = MAX_DESCRIPTION_CHARS;
/// The cases a hotspot names (a day's cluster; more stay findable by category and place).
pub const MAX_CLUSTER_CASES: usize = 200;

/// A text longer than its field allows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{field} has {chars} characters; at most {max} / 「{field}」过长（{chars}字，最多{max}字）"
)]
pub struct TooLong {
    pub field: &'static str,
    pub chars: usize,
    pub max: usize,
}

impl TooLong {
    pub fn code(&self) -> &'static str {
        "event.too_long"
    }
}

fn check(field: &'static str, text: &str, max: usize) -> Result<(), TooLong> {
    // Bytes bound characters from above: most texts are checked without counting.
    if text.len() <= max {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(TooLong { field, chars, max });
    }
    Ok(())
}

/// A note, reason or comment given outside a step (a quality review's, its contest's), held to
/// the same length as a step's.
pub fn check_note(field: &'static str, text: &str) -> Result<(), TooLong> {
    check(field, text, MAX_NOTE_CHARS)
}

/// A bureau's code, when there is one.
fn bureau(b: Option<&BureauCode>) -> Result<(), TooLong> {
    b.map_or(Ok(()), |b| check("bureau", &b.0, MAX_CODE_CHARS))
}

/// The supervisors an alert or escalation went to: each a user name, all of them together no
/// longer than a note.
fn recipients(to: &[String]) -> Result<(), TooLong> {
    to.iter().try_for_each(|u| check("to", u, MAX_CODE_CHARS))?;
    check("to", &to.join(","), MAX_NOTE_CHARS)
}

/// The keys of the clocks a case runs (an intake's, or the server's correction of them).
fn clock_keys(clocks: &[ClockSpec]) -> Result<(), TooLong> {
    clocks
        .iter()
        .try_for_each(|c| check("clock", &c.key, MAX_CODE_CHARS))
}

impl Event {
    /// Every text of the event within its limit.
    pub fn check_lengths(&self) -> Result<(), TooLong> {
        check("device", &self.device.0, MAX_CODE_CHARS)?;
        self.actor.check_lengths()?;
        self.body.check_lengths()
    }
}

impl Actor {
    fn check_lengths(&self) -> Result<(), TooLong> {
        check("user", &self.user, MAX_CODE_CHARS)?;
        bureau(self.bureau.as_ref())
    }
}

impl ClockRef {
    fn check_lengths(&self) -> Result<(), TooLong> {
        check("clock", &self.key, MAX_CODE_CHARS)?;
        bureau(self.bureau.as_ref())
    }
}

impl Caller {
    fn check_lengths(&self) -> Result<(), TooLong> {
        check("phone", &self.phone, MAX_PHONE_CHARS)?;
        check(
            "name",
            self.name.as_deref().unwrap_or_default(),
            MAX_NAME_CHARS,
        )?;
        check(
            "id_number",
            self.id_number.as_deref().unwrap_or_default(),
            MAX_ID_NUMBER_CHARS,
        )
    }
}

impl Intake {
    fn check_lengths(&self) -> Result<(), TooLong> {
        check("kind", &self.kind, MAX_CODE_CHARS)?;
        check("category", &self.category, MAX_CODE_CHARS)?;
        check("district", &self.district, MAX_CODE_CHARS)?;
        // The description and the address are the intake's own (`IntakeDraft::validate`, codes
        // intake.description_too_long / intake.address_too_long), re-checked by the server.
        self.caller.check_lengths()?;
        clock_keys(&self.clocks)
    }
}

impl EventBody {
    /// Every text of the step within its limit.
    pub fn check_lengths(&self) -> Result<(), TooLong> {
        use EventBody as B;
        let code = |b: &BureauCode| bureau(Some(b));
        let note = |t: &str| check("note", t, MAX_NOTE_CHARS);
        let reason = |t: &str| check("reason", t, MAX_NOTE_CHARS);
        match self {
            B::Received(intake) => intake.check_lengths(),
            B::AnsweredOnSpot { answer, article } => {
                check("answer", answer, MAX_ANSWER_CHARS)?;
                check(
                    "article",
                    article.as_deref().unwrap_or_default(),
                    MAX_CODE_CHARS,
                )
            }
            B::Dispatched { bureau, note: n } | B::Urged { bureau, note: n } => {
                code(bureau)?;
                note(n)
            }
            B::SignedFor { bureau } | B::Accepted { bureau } => code(bureau),
            B::Returned { bureau, reason: r }
            | B::ReturnDenied { bureau, reason: r }
            | B::Declined { bureau, reason: r } => {
                code(bureau)?;
                reason(r)
            }
            B::Redispatched { from, to, note: n } => {
                code(from)?;
                code(to)?;
                note(n)
            }
            B::ProgressFedBack { bureau, note: n } => {
                self::bureau(bureau.as_ref())?;
                note(n)
            }
            B::ArrivedOnSite { bureau } => self::bureau(bureau.as_ref()),
            B::Paused { reason: r } | B::Reopened { reason: r } => reason(r),
            B::ExtensionRequested {
                clock, reason: r, ..
            }
            | B::ExtensionDenied { clock, reason: r } => {
                clock.check_lengths()?;
                reason(r)
            }
            B::ExtensionApproved { clock, note: n, .. } => {
                clock.check_lengths()?;
                note(n)
            }
            B::Escalated { note: n, clock, to } => {
                clock.as_ref().map_or(Ok(()), ClockRef::check_lengths)?;
                recipients(to)?;
                note(n)
            }
            B::Alerted { clock, note: n, to } => {
                clock.check_lengths()?;
                recipients(to)?;
                note(n)
            }
            B::HotspotRaised {
                category,
                place,
                label,
                cases,
                to,
                ..
            } => {
                check("category", category, MAX_CODE_CHARS)?;
                check("label", label, MAX_NOTE_CHARS)?;
                check("district", &place.district, MAX_NAME_CHARS)?;
                check("street", &place.street, MAX_NAME_CHARS)?;
                if cases.len() > MAX_CLUSTER_CASES {
                    return Err(TooLong {
                        field: "cases",
                        chars: cases.len(),
                        max: MAX_CLUSTER_CASES,
                    });
                }
                recipients(to)
            }
            B::Closed { note: n }
            | B::TakenOn { note: n }
            | B::EscalationTaken { note: n }
            | B::PartiesNotified { note: n }
            | B::ServiceVerified { note: n }
            | B::ServiceRestored { note: n } => note(n),
            B::ServiceTakenOffline { service, note: n } => {
                check("service", service, MAX_NAME_CHARS)?;
                note(n)
            }
            B::Replied { bureau, text } => {
                self::bureau(bureau.as_ref())?;
                check("reply", text, MAX_ANSWER_CHARS)
            }
            B::CalledBack { comment, .. } => check("comment", comment, MAX_NOTE_CHARS),
            B::ClocksCorrected { clocks, reason: r } => {
                clock_keys(clocks)?;
                reason(r)
            }
            B::Renumbered { reason: r, .. } => reason(r),
            B::ReportFiled { content, .. } => content
                .texts()
                .iter()
                .try_for_each(|(field, text)| check(field, text, MAX_ANSWER_CHARS)),
            B::Resumed | B::MergedInto { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::BureauCode;

    #[test]
    fn each_text_is_held_to_its_field_and_counted_in_characters() {
        let urged = |n: usize| EventBody::Urged {
            bureau: BureauCode("HRSS".into()),
            note: "催".repeat(n),
        };
        assert!(urged(MAX_NOTE_CHARS).check_lengths().is_ok(), "6,000 bytes");
        let e = urged(MAX_NOTE_CHARS + 1).check_lengths().unwrap_err();
        assert_eq!(
            (e.field, e.chars, e.code()),
            ("note", 2_001, "event.too_long")
        );
        let long_code = EventBody::SignedFor {
            bureau: BureauCode("B".repeat(65)),
        };
        assert_eq!(long_code.check_lengths().unwrap_err().field, "bureau");
        assert!(e.to_string().contains("过长"));
    }
}

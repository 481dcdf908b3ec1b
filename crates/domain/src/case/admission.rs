//! What a step must be whatever the state of its case — checked once, here, by the seat before
//! it writes a step (so a step the server would refuse never sits in its outbox) and by the
//! server at push: the author's role may record it ([`permits`]), every text is within its
//! limit ([`limits`](super::limits)), and it carries the words it cannot go without (a
//! dissatisfied caller's: the bureau redoes the case from them, seed 001 §5.3; a report's
//! sections, 003 §5.3.7 c), 004 §2.3 (3)).

use super::limits::TooLong;
use super::{permits, Event, EventBody, Satisfaction};

/// Why a step may not be recorded, whatever its case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inadmissible {
    #[error("your role may not record {step} / 您的角色无权执行「{step_zh}」")]
    Forbidden {
        step: &'static str,
        step_zh: &'static str,
    },
    #[error(transparent)]
    TooLong(#[from] TooLong),
    #[error("say why the caller is dissatisfied: the bureau redoes the case from it / 请填写不满意的原因，承办单位据此重新办理")]
    CallerWordsMissing,
    #[error("the report needs its section {field} / 报告缺少「{zh}」")]
    ReportIncomplete {
        field: &'static str,
        zh: &'static str,
    },
}

impl Inadmissible {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden { .. } => "case.forbidden",
            Self::TooLong(t) => t.code(),
            Self::CallerWordsMissing => "callback.reason_required",
            Self::ReportIncomplete { .. } => "report.incomplete",
        }
    }
}

/// The step may be recorded by its author, as far as that can be told without its case.
pub fn admit(event: &Event) -> Result<(), Inadmissible> {
    let actor = &event.actor;
    if !permits(actor.role, actor.bureau.as_ref(), &event.body) {
        return Err(Inadmissible::Forbidden {
            step: event.body.step(),
            step_zh: event.body.step_zh(),
        });
    }
    event.check_lengths()?;
    if let EventBody::CalledBack {
        satisfaction: Satisfaction::Dissatisfied,
        comment,
    } = &event.body
    {
        if comment.trim().is_empty() {
            return Err(Inadmissible::CallerWordsMissing);
        }
    }
    // A report says what happened and what was done (003 §5.3.7 c); 004 §2.3 (3)).
    if let EventBody::ReportFiled { report, content } = &event.body {
        if let Some(s) = content.missing(*report) {
            return Err(Inadmissible::ReportIncomplete {
                field: s.field,
                zh: s.zh,
            });
        }
    }
    Ok(())
}

//! Turning what a seat typed into a valid [`Intake`]: the kind and category must exist in the
//! catalogue, a level is given exactly when the kind takes one, the caller's phone is a phone
//! number, and the clocks are resolved from the policy.

use serde::{Deserialize, Serialize};

use super::model::{Caller, CaseNumber, Channel, Intake, Level};
use crate::centre::CentrePolicy;

/// A description longer than this is refused (a call note, not a document).
pub const MAX_DESCRIPTION_CHARS: usize = 10_000;
/// An address longer than this is refused.
pub const MAX_ADDRESS_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeDraft {
    pub number: CaseNumber,
    pub kind: String,
    pub category: String,
    pub caller: Caller,
    pub channel: Channel,
    pub district: String,
    #[serde(default)]
    pub address: String,
    pub description: String,
    #[serde(default)]
    pub level: Option<Level>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IntakeError {
    #[error("unknown case kind {0:?} / 未知的工单类型")]
    UnknownKind(String),
    #[error("unknown category {0:?} / 未知的分类")]
    UnknownCategory(String),
    #[error("a {0} case needs a level (A–D or 1–4) / 该类工单须填写级别")]
    LevelRequired(String),
    #[error("a {0} case takes no level / 该类工单不设级别")]
    LevelNotAllowed(String),
    #[error("invalid phone number {0:?}: 3–20 digits, optionally with a leading + and dashes / 电话号码格式错误")]
    Phone(String),
    #[error("the description is empty / 诉求内容不能为空")]
    EmptyDescription,
    #[error("the description has {0} characters; at most {MAX_DESCRIPTION_CHARS} / 诉求内容过长（最多{MAX_DESCRIPTION_CHARS}字）")]
    DescriptionTooLong(usize),
    #[error("the address has {0} characters; at most {MAX_ADDRESS_CHARS} / 地址过长（最多{MAX_ADDRESS_CHARS}字）")]
    AddressTooLong(usize),
}

impl IntakeError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownKind(_) => "intake.unknown_kind",
            Self::UnknownCategory(_) => "intake.unknown_category",
            Self::LevelRequired(_) => "intake.level_required",
            Self::LevelNotAllowed(_) => "intake.level_not_allowed",
            Self::Phone(_) => "intake.phone",
            Self::EmptyDescription => "intake.empty_description",
            Self::DescriptionTooLong(_) => "intake.description_too_long",
            Self::AddressTooLong(_) => "intake.address_too_long",
        }
    }
}

impl From<&Intake> for IntakeDraft {
    /// What a seat typed for an intake: to check a received intake again (the server does).
    fn from(i: &Intake) -> Self {
        Self {
            number: i.number.clone(),
            kind: i.kind.clone(),
            category: i.category.clone(),
            caller: i.caller.clone(),
            channel: i.channel,
            district: i.district.clone(),
            address: i.address.clone(),
            description: i.description.clone(),
            level: i.level,
        }
    }
}

impl IntakeDraft {
    pub fn resolve(self, centre: &CentrePolicy) -> Result<Intake, IntakeError> {
        let catalog = &centre.catalog;
        let kind = catalog
            .kind(&self.kind)
            .ok_or_else(|| IntakeError::UnknownKind(self.kind.clone()))?;
        let category = catalog
            .category(&self.category)
            .ok_or_else(|| IntakeError::UnknownCategory(self.category.clone()))?;
        match (kind.has_level, self.level) {
            (true, None) => return Err(IntakeError::LevelRequired(kind.label.clone())),
            (false, Some(_)) => return Err(IntakeError::LevelNotAllowed(kind.label.clone())),
            _ => {}
        }
        let phone = normalise_phone(&self.caller.phone)
            .ok_or_else(|| IntakeError::Phone(self.caller.phone.clone()))?;
        let description = self.description.trim().to_owned();
        if description.is_empty() {
            return Err(IntakeError::EmptyDescription);
        }
        let chars = description.chars().count();
        if chars > MAX_DESCRIPTION_CHARS {
            return Err(IntakeError::DescriptionTooLong(chars));
        }
        let address = self.address.trim().to_owned();
        let chars = address.chars().count();
        if chars > MAX_ADDRESS_CHARS {
            return Err(IntakeError::AddressTooLong(chars));
        }
        let clocks = centre.clocks_for(&kind.code, category.domain, &category.code, self.level);
        Ok(Intake {
            number: self.number,
            kind: kind.code.clone(),
            domain: category.domain,
            category: category.code.clone(),
            caller: Caller {
                phone,
                ..self.caller
            },
            channel: self.channel,
            district: self.district.trim().to_owned(),
            address,
            description,
            level: self.level,
            needs_acceptance: kind.needs_acceptance,
            answerable_on_spot: kind.answerable_on_spot,
            clocks,
            legacy: None,
        })
    }
}

/// Digits only, keeping a leading +; dashes and spaces (0755-1234 5678) are dropped.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(r) => ("+", r),
        None => ("", trimmed),
    };
    let ok_chars = rest
        .chars()
        .all(|c| c.is_ascii_digit() || c == '-' || c == ' ');
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    (ok_chars && (3..=20).contains(&digits.len())).then(|| format!("{plus}{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn draft(kind: &str, category: &str, level: Option<Level>) -> IntakeDraft {
        IntakeDraft {
            number: CaseNumber::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), "A017", 1)
                .unwrap(),
            kind: kind.into(),
            category: category.into(),
            caller: Caller {
                phone: " 138-0013-8000 ".into(),
                name: None,
                id_number: None,
            },
            channel: Channel::Phone,
            district: "天河区".into(),
            address: String::new(),
            description: "  医保报销进度  ".into(),
            level,
        }
    }

    #[test]
    fn a_valid_draft_resolves_its_clocks_and_flags_from_configuration() {
        let intake = draft("complaint", "market_regulation", None)
            .resolve(&CentrePolicy::default())
            .unwrap();
        assert_eq!(intake.caller.phone, "13800138000");
        assert_eq!(intake.description, "医保报销进度");
        assert!(intake.needs_acceptance && !intake.answerable_on_spot);
        let keys: Vec<&str> = intake.clocks.iter().map(|c| c.key.as_str()).collect();
        // A business complaint is the bureau's: no hourly feedback (003 §5.3.2 e) 3) is for the
        // complaints the centre handles itself).
        assert_eq!(keys, ["accept", "reply", "dispatch", "response_report"]);
    }

    #[test]
    fn bad_drafts_are_refused_with_a_code() {
        let centre = CentrePolicy::default();
        let code = |d: IntakeDraft| d.resolve(&centre).unwrap_err().code();
        assert_eq!(
            code(draft("rumour", "housing", None)),
            "intake.unknown_kind"
        );
        assert_eq!(
            code(draft("complaint", "weather", None)),
            "intake.unknown_category"
        );
        assert_eq!(
            code(draft("fault", "network", None)),
            "intake.level_required"
        );
        assert_eq!(
            code(draft("complaint", "housing", Some(Level::FaultA))),
            "intake.level_not_allowed"
        );
        for phone in [
            "",
            "12",
            "138<script>",
            "一三八",
            "+",
            "123456789012345678901",
        ] {
            let mut d = draft("complaint", "housing", None);
            d.caller.phone = phone.into();
            assert_eq!(code(d), "intake.phone", "{phone:?}");
        }
        let mut d = draft("complaint", "housing", None);
        d.description = " \n ".into();
        assert_eq!(code(d), "intake.empty_description");
        let mut d = draft("complaint", "housing", None);
        d.description = "诉".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(code(d), "intake.description_too_long");
        let mut d = draft("complaint", "housing", None);
        d.description = "😀 <b>标记</b> 𠀀".into();
        assert!(
            d.resolve(&centre).is_ok(),
            "emoji and markup are text, kept as typed"
        );
    }
}

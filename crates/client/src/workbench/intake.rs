//! Intake as a seat does it with a caller on the line: the number first (who is this, what did
//! they call about before, is this the same matter again), then the form, checked field by field
//! so the form can say exactly what is wrong without losing anything typed.

use hotline_domain::case::normalise_phone;
use hotline_domain::case::{Channel, EventBody, KindCatalog, Level, MAX_DESCRIPTION_CHARS};
use serde::{Deserialize, Serialize};

use crate::store::{CaseRow, NewCase};
use crate::ClientError;

/// What the intake form holds, as typed (every field a string, so a half-typed form round-trips
/// through drafts unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[derive(ts_rs::TS)]
pub struct IntakeForm {
    pub phone: String,
    pub name: String,
    pub kind: String,
    pub category: String,
    pub district: String,
    pub address: String,
    pub description: String,
    /// A–D or 1–4; empty when the kind takes none.
    pub level: String,
    /// phone, web, app, mini_program, walk_in; empty means phone.
    pub channel: String,
}

/// A field the form must fix, with its code and a message for the seat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl IntakeForm {
    /// Every problem with the form at once (not just the first), each on its field, against
    /// the kinds and categories of the policy in force.
    pub fn problems(&self, catalog: &KindCatalog) -> Vec<FieldError> {
        let mut out = Vec::new();
        let mut bad = |field, code, message: String| {
            out.push(FieldError {
                field,
                code,
                message,
            })
        };
        if self.phone.trim().is_empty() {
            bad(
                "phone",
                "intake.phone_required",
                "请输入来电号码 / the caller's number is required".into(),
            );
        } else if normalise_phone(&self.phone).is_none() {
            bad(
                "phone",
                "intake.phone",
                "号码格式错误：应为3–20位数字，可含区号横线或开头的+ / 3–20 digits".into(),
            );
        }
        let kind = catalog.kind(&self.kind);
        if kind.is_none() {
            bad(
                "kind",
                "intake.unknown_kind",
                "请选择工单类型 / choose the kind".into(),
            );
        }
        if catalog.category(&self.category).is_none() {
            bad(
                "category",
                "intake.unknown_category",
                "请选择诉求分类 / choose the category".into(),
            );
        }
        match (kind.map(|k| k.has_level), self.level.trim()) {
            (Some(true), "") => bad(
                "level",
                "intake.level_required",
                "故障报修须选择级别（A–D 或 1–4） / a level is required".into(),
            ),
            (Some(true), l) if l.parse::<Level>().is_err() => {
                bad("level", "intake.level", "级别无效 / invalid level".into())
            }
            (Some(false), l) if !l.is_empty() => bad(
                "level",
                "intake.level_not_allowed",
                "该类工单不设级别 / this kind takes no level".into(),
            ),
            _ => {}
        }
        let chars = self.description.trim().chars().count();
        if chars == 0 {
            bad(
                "description",
                "intake.empty_description",
                "请填写诉求内容 / the description is empty".into(),
            );
        } else if chars > MAX_DESCRIPTION_CHARS {
            bad(
                "description",
                "intake.description_too_long",
                format!("诉求内容共{chars}字，最多{MAX_DESCRIPTION_CHARS}字，请精简（已输入内容已保留） / at most {MAX_DESCRIPTION_CHARS} characters"),
            );
        }
        if self.address.trim().chars().count() > hotline_domain::case::MAX_ADDRESS_CHARS {
            bad(
                "address",
                "intake.address_too_long",
                format!(
                    "地址最多{}字 / address too long",
                    hotline_domain::case::MAX_ADDRESS_CHARS
                ),
            );
        }
        if self.name.chars().count() > 50 {
            bad(
                "name",
                "intake.name_too_long",
                "姓名最多50字 / name too long".into(),
            );
        }
        if self.channel().is_none() {
            bad(
                "channel",
                "intake.channel",
                "渠道无效 / unknown channel".into(),
            );
        }
        out
    }

    fn channel(&self) -> Option<Channel> {
        if self.channel.trim().is_empty() {
            return Some(Channel::Phone);
        }
        serde_json::from_value(serde_json::Value::String(self.channel.trim().to_owned())).ok()
    }

    /// The form as a new case, or every problem with it.
    pub fn to_new_case(&self, catalog: &KindCatalog) -> Result<NewCase, Vec<FieldError>> {
        let problems = self.problems(catalog);
        if !problems.is_empty() {
            return Err(problems);
        }
        let name = self.name.trim();
        Ok(NewCase {
            kind: self.kind.clone(),
            category: self.category.clone(),
            phone: self.phone.clone(),
            name: (!name.is_empty()).then(|| name.to_owned()),
            id_number: None,
            channel: self.channel().unwrap_or(Channel::Phone),
            district: self.district.trim().to_owned(),
            address: self.address.clone(),
            description: self.description.clone(),
            level: self.level.trim().parse().ok(),
        })
    }
}

/// The form's problems as one error: the code of the first, every message, and the fields in
/// `field_errors` for the form to mark.
pub fn invalid_form(problems: Vec<FieldError>) -> ClientError {
    let code = problems.first().map_or("intake.invalid", |p| p.code);
    ClientError::Form { code, problems }
}

/// How a new intake is finished: kept open for dispatch, or answered on the spot and closed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Finish {
    /// The answer read to the caller; when given, the case is answered on the spot and closed.
    pub answer: Option<String>,
    /// The knowledge-base article the answer came from.
    pub article: Option<String>,
}

impl Finish {
    pub fn steps(&self) -> Result<Vec<EventBody>, ClientError> {
        match self.answer.as_deref().map(str::trim) {
            None => Ok(vec![]),
            Some("") => Err(ClientError::Invalid {
                code: "intake.empty_answer",
                message: "请填写答复内容 / the answer is empty".into(),
            }),
            Some(a) => Ok(vec![EventBody::AnsweredOnSpot {
                answer: a.to_owned(),
                article: self.article.clone().filter(|s| !s.is_empty()),
            }]),
        }
    }
}

/// What the seat sees as soon as the number is typed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct CallerLookup {
    pub phone: String,
    pub history: Vec<CaseRow>,
    pub duplicates: Vec<Duplicate>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Duplicate {
    #[serde(flatten)]
    pub case: CaseRow,
    /// `same_caller` or `same_address`.
    pub reason: &'static str,
}

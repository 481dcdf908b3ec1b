//! One row of the former system's export read as a case of ours, or the reason it cannot be.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDateTime, Utc};
use hotline_domain::case::{
    BureauCode, Caller, CaseId, CaseNumber, Channel, Intake, IntakeDraft, LegacyOrigin,
};
use hotline_domain::centre::PolicyHistory;
use uuid::Uuid;

use super::mapping::{LegacyStatus, Mapping};
use super::sheet::Row;
use super::ImportError;

/// Where each mapped field is in a row.
pub struct Fields {
    number: usize,
    received_at: usize,
    kind: usize,
    category: usize,
    phone: usize,
    description: usize,
    status: usize,
    name: Option<usize>,
    district: Option<usize>,
    address: Option<usize>,
    level: Option<usize>,
    bureau: Option<usize>,
    result: Option<usize>,
    closed_at: Option<usize>,
}

impl Fields {
    /// Finds every column the mapping names among `headers`; a missing one refuses the file.
    pub fn locate(headers: &[String], mapping: &Mapping) -> Result<Self, ImportError> {
        let at = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| ImportError::MissingColumn(name.to_owned()))
        };
        let maybe = |name: &Option<String>| name.as_deref().map(at).transpose();
        let c = &mapping.columns;
        Ok(Self {
            number: at(&c.number)?,
            received_at: at(&c.received_at)?,
            kind: at(&c.kind)?,
            category: at(&c.category)?,
            phone: at(&c.phone)?,
            description: at(&c.description)?,
            status: at(&c.status)?,
            name: maybe(&c.name)?,
            district: maybe(&c.district)?,
            address: maybe(&c.address)?,
            level: maybe(&c.level)?,
            bureau: maybe(&c.bureau)?,
            result: maybe(&c.result)?,
            closed_at: maybe(&c.closed_at)?,
        })
    }
}

/// A row that reads as a case: everything but our number, given when it is imported.
pub struct LegacyCase {
    pub line: u64,
    pub id: CaseId,
    pub received_at: DateTime<Utc>,
    pub intake: Intake,
    pub status: LegacyStatus,
    pub bureau: Option<BureauCode>,
    pub result: String,
    pub closed_at: Option<DateTime<Utc>>,
}

/// What the rows are checked against: the mapping, the centre's policy versions, our bureaus
/// and the instant of the import (nothing may have happened after it).
pub struct Context<'a> {
    pub mapping: &'a Mapping,
    pub fields: &'a Fields,
    pub policy: &'a PolicyHistory,
    pub bureaus: &'a HashSet<String>,
    pub now: DateTime<Utc>,
}

/// Our case id of the former system's case `number`: the same on every import of the file,
/// so a second import finds the cases of the first.
pub fn case_id(system: &str, number: &str) -> CaseId {
    CaseId(Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!("hotline-legacy/{system}/{number}").as_bytes(),
    ))
}

impl Context<'_> {
    /// Reads `row`; the reason (bilingual) when it cannot be a case.
    pub fn read(&self, row: &Row) -> Result<LegacyCase, String> {
        let f = self.fields;
        let number = row.cell(f.number);
        if number.is_empty() {
            return Err("no case number / 缺少工单编号".into());
        }
        let received_at = self.time(row.cell(f.received_at), "received_at / 受理时间")?;
        if received_at > self.now {
            return Err(format!(
                "received {received_at} is in the future / 受理时间晚于当前时间"
            ));
        }
        let status = *self
            .mapping
            .statuses
            .get(row.cell(f.status))
            .ok_or_else(|| {
                format!(
                    "status {:?} is not in [statuses] / 状态未在对照表中",
                    row.cell(f.status)
                )
            })?;
        let intake = self.intake(row, received_at)?;
        let bureau = match row.optional(f.bureau) {
            "" if status == LegacyStatus::Dispatched => {
                return Err("dispatched with no bureau / 已派单但缺少承办单位".into())
            }
            "" => None,
            name => {
                let code = self.mapping.bureaus.get(name).map_or(name, String::as_str);
                if !self.bureaus.contains(code) {
                    return Err(format!("bureau {name:?} is neither in [bureaus] nor one of ours / 承办单位无法对应"));
                }
                Some(BureauCode(code.to_owned()))
            }
        };
        let closed_at = match row.optional(f.closed_at) {
            "" => None,
            t => Some(self.time(t, "closed_at / 办结时间")?),
        };
        if closed_at.is_some_and(|c| c < received_at || c > self.now) {
            return Err("closed before it was received, or in the future / 办结时间早于受理时间或晚于当前时间".into());
        }
        let result: String = row
            .optional(f.result)
            .chars()
            .take(hotline_domain::case::limits::MAX_NOTE_CHARS - 100)
            .collect();
        Ok(LegacyCase {
            line: row.line,
            id: case_id(&self.mapping.system, number),
            received_at,
            intake,
            status,
            bureau,
            result,
            closed_at,
        })
    }

    /// The row's call resolved by the policy in force when it was received (its kind, category
    /// and caller checked as a seat's would be), marked as the former system's case.
    fn intake(&self, row: &Row, received_at: DateTime<Utc>) -> Result<Intake, String> {
        let f = self.fields;
        let m = self.mapping;
        let kind = m.kinds.get(row.cell(f.kind)).ok_or_else(|| {
            format!(
                "kind {:?} is not in [kinds] / 类型未在对照表中",
                row.cell(f.kind)
            )
        })?;
        let category = m
            .categories
            .get(row.cell(f.category))
            .map_or(row.cell(f.category), String::as_str);
        let level = match row.optional(f.level) {
            "" => None,
            l => Some(
                l.parse()
                    .map_err(|_| format!("level {l:?}: A–D or 1–4 / 级别无效"))?,
            ),
        };
        let name = row.optional(f.name);
        let draft = IntakeDraft {
            number: placeholder(received_at),
            kind: kind.clone(),
            category: category.to_owned(),
            caller: Caller {
                phone: row.cell(f.phone).to_owned(),
                name: (!name.is_empty()).then(|| name.to_owned()),
                id_number: None,
            },
            channel: Channel::Phone,
            district: row.optional(f.district).to_owned(),
            address: row.optional(f.address).to_owned(),
            description: row.cell(f.description).to_owned(),
            level,
        };
        let mut intake = draft
            .resolve(&self.policy.in_force(received_at).policy)
            .map_err(|e| e.to_string())?;
        intake.legacy = Some(LegacyOrigin {
            system: m.system.clone(),
            number: row.cell(f.number).to_owned(),
        });
        Ok(intake)
    }

    fn time(&self, text: &str, what: &str) -> Result<DateTime<Utc>, String> {
        [
            self.mapping.time_format.as_str(),
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y/%m/%d %H:%M:%S",
            "%Y/%m/%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .map(hotline_domain::time::from_local)
        .ok_or_else(|| {
            format!(
                "{what} {text:?} is not a time like {} / 时间格式无法识别",
                self.mapping.time_format
            )
        })
    }
}

/// A number to hold the place of ours until the case is numbered at import.
fn placeholder(received_at: DateTime<Utc>) -> CaseNumber {
    CaseNumber::new(hotline_domain::time::local_date(received_at), "LG", 1).expect("a valid number")
}

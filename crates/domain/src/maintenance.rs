//! Planned maintenance of a service (业务系统维护). Seed 001 §3.2.3: the access party tells the
//! operator 3 working days ahead ("提前 3 个工作日"), and the operator publishes a maintenance
//! notice at the same time. The centre records each announcement with its window; one announced
//! later than the policy's notice period (`Policy::maintenance_notice_working_days`) stands only
//! with a supervisor's override and its reason, both kept. From the announcement to the end of the
//! window every seat shows the notice; intake names it when the caller's category is the
//! service's, so a seat with a caller on the line knows the service is down on purpose.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, LegalCalendar};
use crate::case::Role;
use crate::time::local_date;

/// The longest service name and notice text, in characters.
pub const MAX_SERVICE_CHARS: usize = 100;
pub const MAX_NOTICE_CHARS: usize = 2_000;

/// What a supervisor announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MaintenanceDraft {
    /// The service as callers know it (粤省事社保查询).
    pub service: String,
    /// The category of calls it affects, if one: intake names the notice for those calls.
    #[serde(default)]
    pub category: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    /// What seats tell callers.
    pub text: String,
    /// Why a notice shorter than the policy's period is accepted (a supervisor's override).
    #[serde(default)]
    pub override_reason: Option<String>,
}

/// An announcement as the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MaintenanceNotice {
    pub id: i64,
    #[serde(flatten)]
    pub draft: MaintenanceDraft,
    pub announced_at: DateTime<Utc>,
    pub announced_by: String,
    /// Working days between the announcement and the start (the day of the start counted).
    pub notice_working_days: u32,
}

impl MaintenanceNotice {
    /// Seats show it from the announcement to the end of the window.
    pub fn shown_at(&self, now: DateTime<Utc>) -> bool {
        self.announced_at <= now && now < self.draft.ends
    }

    /// Does the notice concern a call of `category` about `text`? Its category, or a description
    /// that names the service (what a knowledge suggestion offers while the seat types).
    pub fn concerns(&self, category: &str, text: &str) -> bool {
        let service = self.draft.service.trim();
        (!category.is_empty() && self.draft.category.as_deref() == Some(category))
            || (!service.is_empty() && text.contains(service))
    }

    /// The service is down now.
    pub fn under_way(&self, now: DateTime<Utc>) -> bool {
        self.draft.starts <= now && now < self.draft.ends
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MaintenanceError {
    #[error(
        "only supervisors and administrators announce maintenance / 仅班长和管理员可发布维护公告"
    )]
    Forbidden,
    #[error("the service needs a name (at most {MAX_SERVICE_CHARS} characters) and the notice a text (at most {MAX_NOTICE_CHARS}) / 请填写服务名称和公告内容")]
    Text,
    #[error("the window ends at or before it starts / 维护结束时间须晚于开始时间")]
    Window,
    #[error("the window has already ended / 维护时段已结束")]
    Past,
    #[error("announced {given} working days ahead; the policy asks {needed} (001 §3.2.3): a supervisor may override with a reason / 须提前{needed}个工作日公告（现为{given}个），如确需发布须由班长填写特批理由")]
    ShortNotice { given: u32, needed: u32 },
    #[error("an override needs its reason / 请填写特批理由")]
    OverrideReason,
    #[error("{0}")]
    Calendar(#[from] CalendarError),
}

impl MaintenanceError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Forbidden => "maintenance.forbidden",
            Self::Text => "maintenance.text",
            Self::Window => "maintenance.window",
            Self::Past => "maintenance.past",
            Self::ShortNotice { .. } => "maintenance.short_notice",
            Self::OverrideReason => "maintenance.override_reason",
            Self::Calendar(e) => e.code(),
        }
    }
}

/// Working days after `announced` up to and including `starts` (announced Monday, starting
/// Thursday: Tuesday, Wednesday, Thursday — 3).
pub fn working_days_ahead(
    cal: &LegalCalendar,
    announced: NaiveDate,
    starts: NaiveDate,
) -> Result<u32, CalendarError> {
    match announced.succ_opt() {
        Some(next) if next <= starts => cal.count_workdays(next, starts),
        _ => Ok(0),
    }
}

impl MaintenanceDraft {
    /// Checks an announcement made at `now` by a user of `role` against the policy's notice
    /// period (`needed` working days); returns the working days of notice it gives.
    pub fn check(
        &self,
        cal: &LegalCalendar,
        needed: u32,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<u32, MaintenanceError> {
        if !matches!(role, Role::Supervisor | Role::Admin) {
            return Err(MaintenanceError::Forbidden);
        }
        let chars = |s: &str| s.chars().count();
        if self.service.trim().is_empty()
            || chars(&self.service) > MAX_SERVICE_CHARS
            || self.text.trim().is_empty()
            || chars(&self.text) > MAX_NOTICE_CHARS
            || self
                .override_reason
                .as_deref()
                .is_some_and(|r| chars(r) > MAX_NOTICE_CHARS)
        {
            return Err(MaintenanceError::Text);
        }
        if self.ends <= self.starts {
            return Err(MaintenanceError::Window);
        }
        if self.ends <= now {
            return Err(MaintenanceError::Past);
        }
        let given = working_days_ahead(cal, local_date(now), local_date(self.starts))?;
        if given < needed {
            match self.override_reason.as_deref().map(str::trim) {
                None => return Err(MaintenanceError::ShortNotice { given, needed }),
                Some("") => return Err(MaintenanceError::OverrideReason),
                Some(_) => {}
            }
        }
        Ok(given)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn china(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{s}+08:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn draft(starts: &str, ends: &str, reason: Option<&str>) -> MaintenanceDraft {
        MaintenanceDraft {
            service: "粤省事社保查询".into(),
            category: Some("social_security".into()),
            starts: china(starts),
            ends: china(ends),
            text: "系统升级，暂停查询".into(),
            override_reason: reason.map(Into::into),
        }
    }

    #[test]
    fn maintenance_is_announced_three_working_days_ahead_or_overridden_with_a_reason() {
        let cal = crate::calendar::shipped();
        // Monday 30 November 2026, 10:00.
        let now = china("2026-11-30T10:00:00");
        let sup = Role::Supervisor;
        // Wednesday: 2 working days ahead (Tuesday, Wednesday).
        let wed = draft("2026-12-02T22:00:00", "2026-12-03T02:00:00", None);
        assert_eq!(
            wed.check(&cal, 3, sup, now),
            Err(MaintenanceError::ShortNotice {
                given: 2,
                needed: 3
            })
        );
        let blank = draft("2026-12-02T22:00:00", "2026-12-03T02:00:00", Some("  "));
        assert_eq!(
            blank.check(&cal, 3, sup, now),
            Err(MaintenanceError::OverrideReason)
        );
        let urgent = draft(
            "2026-12-02T22:00:00",
            "2026-12-03T02:00:00",
            Some("安全漏洞紧急修复"),
        );
        assert_eq!(urgent.check(&cal, 3, sup, now), Ok(2));
        // Thursday: 3 working days ahead.
        let thu = draft("2026-12-03T22:00:00", "2026-12-04T02:00:00", None);
        assert_eq!(thu.check(&cal, 3, sup, now), Ok(3));
        // A weekend does not count: announced Friday 4 December for Tuesday 8 December is 2.
        let fri = china("2026-12-04T10:00:00");
        let tue = draft("2026-12-08T22:00:00", "2026-12-09T02:00:00", None);
        assert!(matches!(
            tue.check(&cal, 3, sup, fri),
            Err(MaintenanceError::ShortNotice { given: 2, .. })
        ));
        // Bad input.
        let backwards = draft("2026-12-10T02:00:00", "2026-12-09T22:00:00", None);
        assert_eq!(
            backwards.check(&cal, 3, sup, now).unwrap_err().code(),
            "maintenance.window"
        );
        assert_eq!(
            thu.check(&cal, 3, Role::Seat, now),
            Err(MaintenanceError::Forbidden)
        );
    }

    #[test]
    fn seats_show_a_notice_from_its_announcement_to_the_end_of_its_window() {
        let n = MaintenanceNotice {
            id: 1,
            draft: draft("2026-12-03T22:00:00", "2026-12-04T02:00:00", None),
            announced_at: china("2026-11-30T10:00:00"),
            announced_by: "lead1".into(),
            notice_working_days: 3,
        };
        assert!(!n.shown_at(china("2026-11-30T09:59:59")));
        assert!(n.shown_at(china("2026-11-30T10:00:00")));
        assert!(!n.under_way(china("2026-12-03T21:59:59")));
        assert!(n.under_way(china("2026-12-04T01:00:00")));
        assert!(!n.shown_at(china("2026-12-04T02:00:00")));
        assert!(n.concerns("social_security", ""));
        assert!(
            n.concerns("housing", "粤省事社保查询打不开"),
            "named in the description"
        );
        assert!(!n.concerns("housing", "公积金提取"));
        assert!(!n.concerns("", ""));
    }
}

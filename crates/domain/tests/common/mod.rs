#![allow(dead_code)]
//! Shared fixtures: the shipped calendar, China-local instants, and an event builder.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use hotline_domain::calendar::LegalCalendar;
use hotline_domain::case::{
    Actor, Caller, CaseId, CaseNumber, Channel, DeviceId, Event, EventBody, EventId, Intake,
    IntakeDraft, Level, Role,
};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::time::from_local;
use uuid::Uuid;

pub fn legal() -> LegalCalendar {
    hotline_domain::calendar::shipped()
}

pub fn sla() -> SlaCalendar {
    SlaCalendar::new(legal(), SlaSettings::default())
}

/// A China-local wall time, "YYYY-MM-DD HH:MM[:SS]".
pub fn t(s: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap_or_else(|e| panic!("bad test time {s}: {e}"));
    from_local(local)
}

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Builds events of one case with increasing ids.
pub struct Story {
    pub case: CaseId,
    seq: u128,
}

impl Story {
    pub fn new() -> Self {
        Self {
            case: CaseId(Uuid::from_u128(0xCA5E)),
            seq: 0,
        }
    }

    pub fn event(&mut self, at: DateTime<Utc>, body: EventBody) -> Event {
        self.seq += 1;
        Event {
            id: EventId(Uuid::from_u128(self.seq)),
            case: self.case,
            at,
            actor: Actor {
                user: "seat017".into(),
                role: Role::Seat,
                bureau: None,
            },
            device: DeviceId("seat-017".into()),
            seen: u32::MAX,
            body,
        }
    }
}

/// An intake resolved through the default catalogue and policy, as the client does it.
pub fn intake(kind: &str, category: &str, level: Option<Level>) -> Intake {
    IntakeDraft {
        number: CaseNumber::new(d("2026-09-25"), "A017", 1).unwrap(),
        kind: kind.into(),
        category: category.into(),
        caller: Caller {
            phone: "13800138000".into(),
            name: Some("张先生".into()),
            id_number: None,
        },
        channel: Channel::Phone,
        district: "天河区".into(),
        address: "天河路100号".into(),
        description: "社保卡补办进度查询".into(),
        level,
    }
    .resolve(&hotline_domain::centre::CentrePolicy::default())
    .unwrap_or_else(|e| panic!("{kind}/{category}: {e}"))
}

/// A response report with the sections it needs (003 §5.3.7 c)).
pub fn response_report() -> hotline_domain::case::ReportContent {
    hotline_domain::case::ReportContent {
        happened: "来电反映问题".into(),
        done: "已核实处理".into(),
        result: "已解决".into(),
        ..Default::default()
    }
}

//! What a case is: its caller, kind, category, level and number.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::sla::ClockSpec;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("invalid case number {0:?}: expected YYMMDD-SEAT-NNNN, e.g. 261126-A017-0042 / 工单编号格式错误")]
    CaseNumber(String),
    #[error("invalid level {0:?}: expected A, B, C, D (fault) or 1, 2, 3, 4 (service) / 级别无效")]
    Level(String),
    #[error("invalid seat code {0:?}: 1–6 letters or digits / 坐席编码无效")]
    SeatCode(String),
}

/// Technical questions are answered by the operator; business ones go to the responsible bureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum Domain {
    Technical,
    Business,
}

impl Domain {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Technical => "技术类",
            Self::Business => "业务类",
        }
    }
}

/// Fault level A–D (seed 004 §2.3) or service level 1–4 (seed 003 §5.3.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
pub enum Level {
    #[serde(rename = "A")]
    FaultA,
    #[serde(rename = "B")]
    FaultB,
    #[serde(rename = "C")]
    FaultC,
    #[serde(rename = "D")]
    FaultD,
    #[serde(rename = "1")]
    Service1,
    #[serde(rename = "2")]
    Service2,
    #[serde(rename = "3")]
    Service3,
    #[serde(rename = "4")]
    Service4,
}

impl Level {
    pub const ALL: [Level; 8] = [
        Self::FaultA,
        Self::FaultB,
        Self::FaultC,
        Self::FaultD,
        Self::Service1,
        Self::Service2,
        Self::Service3,
        Self::Service4,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::FaultA => "A",
            Self::FaultB => "B",
            Self::FaultC => "C",
            Self::FaultD => "D",
            Self::Service1 => "1",
            Self::Service2 => "2",
            Self::Service3 => "3",
            Self::Service4 => "4",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::FaultA => "A类故障",
            Self::FaultB => "B类故障",
            Self::FaultC => "C类故障",
            Self::FaultD => "D类故障",
            Self::Service1 => "一级服务",
            Self::Service2 => "二级服务",
            Self::Service3 => "三级服务",
            Self::Service4 => "四级服务",
        }
    }
}

impl FromStr for Level {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| ModelError::Level(s.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum Channel {
    Phone,
    Web,
    App,
    MiniProgram,
    WalkIn,
}

impl Channel {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Phone => "电话",
            Self::Web => "网站",
            Self::App => "APP",
            Self::MiniProgram => "小程序",
            Self::WalkIn => "现场",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Caller {
    pub phone: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
}

/// A bureau (承办单位) by its code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[derive(ts_rs::TS)]
pub struct BureauCode(pub String);

impl fmt::Display for BureauCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for BureauCode {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// The human-readable number a seat reads to the caller: `YYMMDD-SEAT-NNNN`.
///
/// Unique without coordination: the seat code is unique in the centre and each seat numbers its
/// own cases per day, so seats working offline never collide.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[derive(ts_rs::TS)]
#[ts(type = "string")]
pub struct CaseNumber {
    date: NaiveDate,
    seat: String,
    seq: u32,
}

impl CaseNumber {
    pub fn new(date: NaiveDate, seat: &str, seq: u32) -> Result<Self, ModelError> {
        let ok = (1..=6).contains(&seat.len()) && seat.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok || !(1..=99_999).contains(&seq) {
            return Err(ModelError::SeatCode(seat.to_owned()));
        }
        Ok(Self {
            date,
            seat: seat.to_ascii_uppercase(),
            seq,
        })
    }

    pub fn date(&self) -> NaiveDate {
        self.date
    }

    pub fn seat(&self) -> &str {
        &self.seat
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}-{:04}",
            self.date.format("%y%m%d"),
            self.seat,
            self.seq
        )
    }
}

impl FromStr for CaseNumber {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ModelError::CaseNumber(s.to_owned());
        let mut parts = s.split('-');
        let (Some(d), Some(seat), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let date = NaiveDate::parse_from_str(&format!("20{d}"), "%Y%m%d").map_err(|_| bad())?;
        if d.len() != 6 || seq.len() < 4 {
            return Err(bad());
        }
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        Self::new(date, seat, seq).map_err(|_| bad())
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = ModelError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CaseNumber> for String {
    fn from(n: CaseNumber) -> Self {
        n.to_string()
    }
}

/// Everything recorded when a case is received; carried by the `received` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Intake {
    pub number: CaseNumber,
    /// A kind code from the [`super::KindCatalog`]: consultation, complaint, fault, help, suggestion.
    pub kind: String,
    pub domain: Domain,
    pub category: String,
    pub caller: Caller,
    pub channel: Channel,
    pub district: String,
    /// Where the matter is (street and number, estate, shop); empty when not about a place.
    /// Likely duplicates are found by address and category.
    #[serde(default)]
    pub address: String,
    pub description: String,
    #[serde(default)]
    pub level: Option<Level>,
    /// Resolved from the kind at intake: a bureau must decide whether to accept (complaints).
    #[serde(default)]
    pub needs_acceptance: bool,
    /// Resolved from the kind at intake: may be answered on the spot and closed at once.
    #[serde(default)]
    pub answerable_on_spot: bool,
    /// The clocks this case runs, resolved from the policy at intake.
    pub clocks: Vec<ClockSpec>,
    /// Brought over from the centre's former system (`hotline-server import legacy`), not
    /// received by a seat: where it came from and its number there (searchable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub legacy: Option<LegacyOrigin>,
}

/// A case of the centre's former system: the system's name and the case's number in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct LegacyOrigin {
    pub system: String,
    pub number: String,
}

impl Intake {
    /// What search finds a case by: its number, the caller's phone and name, the district, the
    /// address and the description. One definition for the seat's index and the server's.
    pub fn search_text(&self) -> String {
        [
            self.number.to_string(),
            self.caller.phone.clone(),
            self.caller.name.clone().unwrap_or_default(),
            self.district.clone(),
            self.address.clone(),
            self.description.clone(),
        ]
        .into_iter()
        .chain(self.legacy.as_ref().map(|l| l.number.clone()))
        .collect::<Vec<_>>()
        .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_numbers_round_trip_and_reject_garbage() {
        let n =
            CaseNumber::new(NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(), "a017", 42).unwrap();
        assert_eq!(n.to_string(), "261126-A017-0042");
        assert_eq!("261126-A017-0042".parse::<CaseNumber>().unwrap(), n);
        for bad in [
            "",
            "261126-A017",
            "261332-A017-0001",
            "261126-A-017-0001",
            "261126-!!-0001",
            "261126-A017-0000",
            "261126-A017-12",
        ] {
            assert!(bad.parse::<CaseNumber>().is_err(), "{bad}");
        }
    }
}

//! 考核: what a centre ranks its bureaus by at the end of a month, quarter or half-year, and the
//! one score those figures make under the weights in the centre's policy.
//!
//! The seeds ask for the reports the ranking goes into (001 §3.3.1: weekly and monthly reports
//! to management and to the access parties; 003 §5.3.7: monthly, quarterly and half-yearly
//! reports; 003 §8.4.2 c): TOP-N and key indicators) but give no formula for a ranking: the
//! components and default weights below are ours, and a centre sets its own weights.
//!
//! Each figure is defined once here; the server's report counts the same facts in SQL
//! (crates/server/src/report/assessment.rs), and crates/server/tests/assessment.rs recounts
//! them from the folded histories.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::event::{Event, EventBody};
use super::fold::{AssignmentStatus, CaseState};
use super::model::BureauCode;
use crate::case::facts::SatisfactionCounts;

/// A complaint repeats an earlier one when the same caller complains about the same category
/// within this many days of the earlier one's receipt (重复投诉).
pub const REPEAT_WITHIN_DAYS: i64 = 30;

/// The kind whose repeats count against the bureau that handled the first one.
pub const REPEAT_KIND: &str = "complaint";

/// One step the assessment counts for a bureau, kept by the fold in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BureauStep {
    pub at: DateTime<Utc>,
    pub bureau: BureauCode,
    pub step: BureauStepKind,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum BureauStepKind {
    /// 退单: the bureau sent the case back.
    Returned,
    /// A supervisor re-dispatched a returned case: the return was right (误派).
    ReturnUpheld,
    /// A supervisor denied the return: the case was the bureau's after all.
    ReturnDenied,
    /// 不予受理 (complaints).
    Declined,
    ExtensionRequested,
    ExtensionGranted,
    /// 催办 received.
    Urged,
    /// 升级督办 over one of the bureau's clocks, or while the bureau held the case.
    Escalated,
}

impl BureauStepKind {
    pub const ALL: [BureauStepKind; 8] = [
        Self::Returned,
        Self::ReturnUpheld,
        Self::ReturnDenied,
        Self::Declined,
        Self::ExtensionRequested,
        Self::ExtensionGranted,
        Self::Urged,
        Self::Escalated,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Returned => "returned",
            Self::ReturnUpheld => "return_upheld",
            Self::ReturnDenied => "return_denied",
            Self::Declined => "declined",
            Self::ExtensionRequested => "extension_requested",
            Self::ExtensionGranted => "extension_granted",
            Self::Urged => "urged",
            Self::Escalated => "escalated",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Returned => "退单",
            Self::ReturnUpheld => "退单获准",
            Self::ReturnDenied => "退单被驳回",
            Self::Declined => "不予受理",
            Self::ExtensionRequested => "申请延期",
            Self::ExtensionGranted => "获准延期",
            Self::Urged => "被催办",
            Self::Escalated => "被升级督办",
        }
    }
}

impl CaseState {
    /// The assessment step `e` is for a bureau, read against the state before `e` applies (a
    /// re-dispatch upholds a return only if the case was returned).
    pub(super) fn bureau_step_of(&self, e: &Event) -> Option<BureauStep> {
        use BureauStepKind as K;
        use EventBody as B;
        let (bureau, step) = match &e.body {
            B::Returned { bureau, .. } => (bureau.clone(), K::Returned),
            B::ReturnDenied { bureau, .. } => (bureau.clone(), K::ReturnDenied),
            B::Redispatched { from, .. } => {
                let returned = self
                    .assignments
                    .iter()
                    .rev()
                    .find(|a| a.bureau == *from)
                    .is_some_and(|a| a.status == AssignmentStatus::Returned);
                (
                    from.clone(),
                    if returned {
                        K::ReturnUpheld
                    } else {
                        return None;
                    },
                )
            }
            B::Declined { bureau, .. } => (bureau.clone(), K::Declined),
            B::ExtensionRequested { clock, .. } => (clock.bureau.clone()?, K::ExtensionRequested),
            B::ExtensionApproved { clock, .. } => (clock.bureau.clone()?, K::ExtensionGranted),
            B::Urged { bureau, .. } => (bureau.clone(), K::Urged),
            B::Escalated { clock, .. } => {
                // The late clock's bureau; without a clock (a seat's escalation), the bureau
                // holding the case then; a centre's own clock is no bureau's.
                let bureau = match clock {
                    Some(c) => c.bureau.clone()?,
                    None => self.holding_bureau()?,
                };
                (bureau, K::Escalated)
            }
            _ => return None,
        };
        Some(BureauStep {
            at: e.at,
            bureau,
            step,
        })
    }

    /// The bureau the case is with now: the latest one that still owes it something.
    fn holding_bureau(&self) -> Option<BureauCode> {
        self.assignments
            .iter()
            .rev()
            .find(|a| a.status.is_active())
            .map(|a| a.bureau.clone())
    }
}

/// Whether a complaint received at `later` repeats one received at `earlier` by the same
/// caller about the same category (the caller and category compared by the caller).
pub fn repeats(earlier: DateTime<Utc>, later: DateTime<Utc>) -> bool {
    earlier < later && later - earlier <= Duration::days(REPEAT_WITHIN_DAYS)
}

/// How much each component weighs in a bureau's score (points; only their ratios matter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AssessmentWeights {
    /// Clock runs met over runs decided (every clock of the bureau's).
    pub on_time: u32,
    /// Callbacks satisfied or basically satisfied over all callbacks of its replies.
    pub satisfaction: u32,
    /// 1 − denied returns per case received: a return a supervisor denied was the bureau's.
    pub returns: u32,
    /// 1 − repeat complaints per case received.
    pub repeats: u32,
    /// 1 − urgings and escalations per case received.
    pub supervision: u32,
}

impl Default for AssessmentWeights {
    fn default() -> Self {
        Self {
            on_time: 40,
            satisfaction: 30,
            returns: 10,
            repeats: 10,
            supervision: 10,
        }
    }
}

impl AssessmentWeights {
    pub fn total(&self) -> u32 {
        self.on_time + self.satisfaction + self.returns + self.repeats + self.supervision
    }
}

/// The bureaus ranked for a period (考核), against the period before: what a report carries
/// and a supervisor's dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Assessment {
    pub weights: AssessmentWeights,
    /// The title of the period the changes are against.
    pub previous: String,
    /// Clock keys with the label the centre's policy gives them, in the order shown.
    pub clocks: Vec<(String, String)>,
    /// Ranked: best first; bureaus without a score last, by code.
    pub rows: Vec<AssessmentRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct AssessmentRow {
    pub bureau: String,
    pub name: String,
    pub figures: BureauFigures,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    pub previous_score: Option<f64>,
    pub previous_rank: Option<u32>,
    /// Points gained since the period before (None: unscored in either).
    pub score_change: Option<f64>,
    /// `facts::on_time_rate` and `SatisfactionCounts::rate` of the figures, for the desk to
    /// show (it never divides itself).
    pub on_time_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
}

/// One clock's runs decided for a bureau in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct OnTimeCount {
    pub decided: i64,
    pub met: i64,
}

/// Everything a bureau is assessed on for one period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct BureauFigures {
    /// Cases received in the period that went to the bureau (the report's `received` per bureau).
    pub received: i64,
    /// Per clock key (accept, reply, …): runs decided in the period and met.
    pub on_time: BTreeMap<String, OnTimeCount>,
    pub satisfaction: SatisfactionCounts,
    /// Per step code: the steps of the period.
    pub steps: BTreeMap<String, i64>,
    /// Complaints received in the period repeating one the bureau held (see [`repeats`]).
    pub repeats: i64,
}

impl BureauFigures {
    pub fn decided(&self) -> i64 {
        self.on_time.values().map(|c| c.decided).sum()
    }

    pub fn met(&self) -> i64 {
        self.on_time.values().map(|c| c.met).sum()
    }

    pub fn step(&self, kind: BureauStepKind) -> i64 {
        self.steps.get(kind.code()).copied().unwrap_or(0)
    }

    pub fn add_step(&mut self, kind: BureauStepKind, n: i64) {
        *self.steps.entry(kind.code().to_owned()).or_default() += n;
    }

    /// The score out of 100: the weighted mean of the components that have something to
    /// measure (no decided clock, no callback, no case received: that component is left out
    /// rather than counted as perfect or as nothing). None when no component has.
    pub fn score(&self, w: &AssessmentWeights) -> Option<f64> {
        let per_case =
            |n: i64| (self.received > 0).then(|| 1.0 - (n as f64 / self.received as f64).min(1.0));
        let parts = [
            (
                w.on_time,
                crate::case::facts::on_time_rate(self.decided(), self.met()),
            ),
            (w.satisfaction, self.satisfaction.rate()),
            (w.returns, per_case(self.step(BureauStepKind::ReturnDenied))),
            (w.repeats, per_case(self.repeats)),
            (
                w.supervision,
                per_case(self.step(BureauStepKind::Urged) + self.step(BureauStepKind::Escalated)),
            ),
        ];
        let (sum, weight) = parts
            .iter()
            .filter(|(w, _)| *w > 0)
            .filter_map(|(w, v)| v.map(|v| (f64::from(*w) * v, f64::from(*w))))
            .fold((0.0, 0.0), |(s, t), (a, b)| (s + a, t + b));
        (weight > 0.0).then(|| 100.0 * sum / weight)
    }
}

/// Standard competition ranks of `scores` (1, 2, 2, 4, …; higher is better); an unscored
/// bureau has no rank. Scores equal to 0.01 points rank together.
pub fn ranks(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    let key = |s: f64| (s * 100.0).round() as i64;
    scores
        .iter()
        .map(|s| {
            let mine = key((*s)?);
            let better = scores
                .iter()
                .filter(|o| o.is_some_and(|o| key(o) > mine))
                .count();
            Some(better as u32 + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_leaves_out_what_has_nothing_to_measure() {
        let w = AssessmentWeights::default();
        let mut f = BureauFigures::default();
        assert_eq!(f.score(&w), None);
        f.on_time
            .insert("reply".into(), OnTimeCount { decided: 4, met: 3 });
        // Only on time measures something: the score is its rate.
        assert_eq!(f.score(&w), Some(75.0));
        f.received = 10;
        f.add_step(BureauStepKind::Urged, 2);
        f.add_step(BureauStepKind::ReturnDenied, 1);
        f.repeats = 1;
        // (40·0.75 + 10·0.9 + 10·0.9 + 10·0.8) / 70
        let s = f.score(&w).unwrap();
        assert!(
            (s - 100.0 * (30.0 + 9.0 + 9.0 + 8.0) / 70.0).abs() < 1e-9,
            "{s}"
        );
        f.satisfaction.add("dissatisfied", 1);
        assert!(f.score(&w).unwrap() < s);
    }

    #[test]
    fn ranks_share_ties_and_skip_the_unscored() {
        assert_eq!(
            ranks(&[Some(80.0), None, Some(90.0), Some(80.001), Some(70.0)]),
            vec![Some(2), None, Some(1), Some(2), Some(4)]
        );
    }

    #[test]
    fn only_a_redispatch_after_a_return_upholds_it() {
        use crate::case::{
            Actor, BureauCode, Caller, CaseId, CaseNumber, Channel, DeviceId, EventId, IntakeDraft,
            Role,
        };
        let t: DateTime<Utc> = "2026-11-02T01:00:00Z".parse().unwrap();
        let intake = IntakeDraft {
            number: CaseNumber::new(t.date_naive(), "D001", 1).unwrap(),
            kind: "complaint".into(),
            category: "market_regulation".into(),
            caller: Caller {
                phone: "13800138000".into(),
                name: None,
                id_number: None,
            },
            channel: Channel::Phone,
            district: "天河区".into(),
            address: String::new(),
            description: "商家拒绝退款".into(),
            level: None,
        }
        .resolve(&crate::centre::CentrePolicy::default())
        .unwrap();
        let (m, h, c) = (
            BureauCode::from("MARKET"),
            BureauCode::from("HRSS"),
            BureauCode::from("CIVIL"),
        );
        let boss = Actor {
            user: "boss".into(),
            role: Role::Supervisor,
            bureau: None,
        };
        let case = CaseId(uuid::Uuid::now_v7());
        let bodies = [
            EventBody::Received(Box::new(intake)),
            EventBody::Dispatched {
                bureau: m.clone(),
                note: String::new(),
            },
            // Moved without a return: no step of MARKET's.
            EventBody::Redispatched {
                from: m.clone(),
                to: h.clone(),
                note: String::new(),
            },
            EventBody::Returned {
                bureau: h.clone(),
                reason: "非本单位职责".into(),
            },
            EventBody::Redispatched {
                from: h.clone(),
                to: c.clone(),
                note: String::new(),
            },
            EventBody::Urged {
                bureau: c.clone(),
                note: "请尽快办理".into(),
            },
        ];
        let events: Vec<Event> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, body)| Event {
                id: EventId(uuid::Uuid::now_v7()),
                case,
                at: t + Duration::minutes(i as i64),
                actor: boss.clone(),
                device: DeviceId("d".into()),
                seen: i as u32,
                body,
            })
            .collect();
        let state = CaseState::fold(&events);
        assert!(state.conflicts.is_empty(), "{:?}", state.conflicts);
        let steps: Vec<(&str, BureauStepKind)> = state
            .bureau_steps
            .iter()
            .map(|s| (s.bureau.0.as_str(), s.step))
            .collect();
        assert_eq!(
            steps,
            [
                ("HRSS", BureauStepKind::Returned),
                ("HRSS", BureauStepKind::ReturnUpheld),
                ("CIVIL", BureauStepKind::Urged),
            ]
        );
    }

    #[test]
    fn a_repeat_is_within_thirty_days_after() {
        let t: DateTime<Utc> = "2026-11-01T00:00:00Z".parse().unwrap();
        assert!(repeats(t, t + Duration::days(30)));
        assert!(!repeats(t, t + Duration::days(30) + Duration::seconds(1)));
        assert!(!repeats(t, t));
    }
}

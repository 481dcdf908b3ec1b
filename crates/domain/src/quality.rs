//! 质检: each month a supervisor reviews a sample of every seat's cases against the centre's
//! checklist; the seat sees its scores and may contest a review once; the averages go into the
//! month's report beside the bureaus' assessment.
//!
//! The seeds ask operators to check the quality of the service and report on it (001 §3.3.1:
//! weekly and monthly reports; 003 §5.3.7: a monthly routine report) but give no checklist:
//! the items and points below are ours, and the centre sets its own in its policy.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::case::CaseId;

/// One item of the checklist: what is checked, and the points it is worth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    pub code: String,
    pub label: String,
    pub points: u32,
}

/// How many cases of each seat a month's sample takes, and the checklist they are scored on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct QualityRule {
    pub sample_per_seat: u32,
    pub checklist: Vec<ChecklistItem>,
}

impl Default for QualityRule {
    fn default() -> Self {
        let item = |code: &str, label: &str| ChecklistItem {
            code: code.into(),
            label: label.into(),
            points: 20,
        };
        Self {
            sample_per_seat: 5,
            checklist: vec![
                item("complete", "记录完整"),
                item("category", "分类准确"),
                item("bureau", "派单准确"),
                item("answer", "答复正确"),
                item("manner", "服务规范礼貌"),
            ],
        }
    }
}

/// A review's scores that the checklist cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("checklist item {0:?} is not scored / 质检项「{0}」未评分")]
    Missing(String),
    #[error("{0:?} is not on the checklist / 「{0}」不是质检项")]
    Unknown(String),
    #[error("{code:?} is worth at most {max} points / 「{code}」最多{max}分")]
    TooHigh { code: String, max: u32 },
}

impl ScoreError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing(_) => "quality.unscored_item",
            Self::Unknown(_) => "quality.unknown_item",
            Self::TooHigh { .. } => "quality.too_many_points",
        }
    }
}

impl QualityRule {
    /// What a policy may not hold.
    pub fn problem(&self) -> Option<&'static str> {
        let total: u32 = self.checklist.iter().map(|i| i.points).sum();
        let mut codes: Vec<&str> = self.checklist.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        if !(1..=100).contains(&self.sample_per_seat) {
            Some("quality sample_per_seat is not 1 to 100")
        } else if self.checklist.is_empty() || total == 0 || total > 1_000 {
            Some("the quality checklist is empty or its points are not 1 to 1000")
        } else if codes.len() != self.checklist.len() {
            Some("two quality checklist items share a code")
        } else {
            None
        }
    }

    /// The points the checklist is worth in all.
    pub fn full_marks(&self) -> u32 {
        self.checklist.iter().map(|i| i.points).sum()
    }

    /// The total of `scores`, if every item is scored within its points and nothing else is.
    pub fn total(&self, scores: &BTreeMap<String, u32>) -> Result<u32, ScoreError> {
        if let Some(code) = scores
            .keys()
            .find(|c| !self.checklist.iter().any(|i| &i.code == *c))
        {
            return Err(ScoreError::Unknown(code.clone()));
        }
        let mut total = 0;
        for item in &self.checklist {
            let got = *scores
                .get(&item.code)
                .ok_or_else(|| ScoreError::Missing(item.code.clone()))?;
            if got > item.points {
                return Err(ScoreError::TooHigh {
                    code: item.code.clone(),
                    max: item.points,
                });
            }
            total += got;
        }
        Ok(total)
    }
}

/// A seat's sample for a month: `n` of its cases, drawn by a hash of the month, the seat and
/// each case, so the same month gives the same sample on any machine, and no one chooses it.
pub fn sample(month: NaiveDate, seat: &str, cases: &[CaseId], n: usize) -> Vec<CaseId> {
    let mut keyed: Vec<([u8; 32], CaseId)> = cases
        .iter()
        .map(|c| {
            let key = Sha256::digest(format!("{month}|{seat}|{}", c.0));
            (key.into(), *c)
        })
        .collect();
    keyed.sort_unstable();
    keyed.into_iter().take(n).map(|(_, c)| c).collect()
}

/// One sampled case and its review, as the server keeps it and the desks show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct QualityReview {
    pub case_id: uuid::Uuid,
    pub number: String,
    /// The month's first day.
    pub month: NaiveDate,
    pub seat: String,
    pub reviewer: Option<String>,
    pub scores: Option<BTreeMap<String, u32>>,
    pub total: Option<i32>,
    pub full_marks: Option<i32>,
    pub comment: String,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub contest: Option<String>,
    pub contested_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// A seat's reviews in a period: how many, and the mean score as a share of full marks.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct SeatQuality {
    pub seat: String,
    pub reviewed: i64,
    /// Mean of total / full marks, 0–1; None without a review.
    pub average: Option<f64>,
    pub contested: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: u128) -> Vec<CaseId> {
        (1..=n).map(|i| CaseId(uuid::Uuid::from_u128(i))).collect()
    }

    #[test]
    fn a_sample_is_the_same_every_time_and_differs_by_month_and_seat() {
        let m: NaiveDate = "2026-11-01".parse().unwrap();
        let cases = ids(40);
        let a = sample(m, "seat1", &cases, 5);
        assert_eq!(a.len(), 5);
        let mut shuffled = cases.clone();
        shuffled.reverse();
        assert_eq!(
            sample(m, "seat1", &shuffled, 5),
            a,
            "the order given does not matter"
        );
        assert_ne!(sample(m, "seat2", &cases, 5), a);
        assert_ne!(sample("2026-12-01".parse().unwrap(), "seat1", &cases, 5), a);
        assert_eq!(sample(m, "seat1", &ids(3), 5).len(), 3);
    }

    #[test]
    fn a_review_scores_every_item_within_its_points() {
        let r = QualityRule::default();
        let mut s: BTreeMap<String, u32> =
            r.checklist.iter().map(|i| (i.code.clone(), 18)).collect();
        assert_eq!(r.total(&s), Ok(90));
        assert_eq!(r.full_marks(), 100);
        s.insert("manner".into(), 21);
        assert_eq!(r.total(&s).unwrap_err().code(), "quality.too_many_points");
        s.remove("manner");
        assert_eq!(r.total(&s).unwrap_err().code(), "quality.unscored_item");
        s.insert("manner".into(), 10);
        s.insert("speed".into(), 5);
        assert_eq!(r.total(&s).unwrap_err().code(), "quality.unknown_item");
        assert_eq!(r.problem(), None);
    }
}

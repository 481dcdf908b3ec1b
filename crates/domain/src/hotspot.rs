//! 热点预警: when the calls of one category from one district, or from one street, rise well
//! above their usual level within a day, the supervisors on duty are told and can merge the
//! cluster's cases under one lead case for one dispatch.
//!
//! The seeds ask the operations system for warning rules "动态添加、即刻生效、历史数据匹配" (003
//! §8.4.2 d) 4): added at any time, in force at once, matched against history) but give no
//! figure: the rule below is ours, matched against the days before, and the centre sets it in
//! its policy (a new version is in force at once).

use serde::{Deserialize, Serialize};

/// When a day's count of one category in one place is a hotspot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct HotspotRule {
    /// The day's count must reach this many times the daily mean of the baseline days…
    pub factor: u32,
    /// …and at least this many cases.
    pub min_cases: u32,
    /// The days before today the mean is taken over.
    pub baseline_days: u32,
}

impl Default for HotspotRule {
    /// 3× the daily mean of the last 28 days, and at least 5 cases.
    fn default() -> Self {
        Self {
            factor: 3,
            min_cases: 5,
            baseline_days: 28,
        }
    }
}

impl HotspotRule {
    /// Is `today` cases hot against `baseline` cases over the baseline days? Counted in whole
    /// numbers (today × days ≥ factor × baseline), so every machine decides alike.
    pub fn is_hot(&self, today: u32, baseline: u32) -> bool {
        today >= self.min_cases
            && u64::from(today) * u64::from(self.baseline_days.max(1))
                >= u64::from(self.factor) * u64::from(baseline)
    }

    /// What a policy may not hold (a rule that fires on every case, or never).
    pub fn problem(&self) -> Option<&'static str> {
        if self.min_cases < 2 {
            Some("hotspot min_cases is under 2")
        } else if self.factor == 0 || self.factor > 100 {
            Some("hotspot factor is not 1 to 100")
        } else if !(1..=365).contains(&self.baseline_days) {
            Some("hotspot baseline_days is not 1 to 365")
        } else {
            None
        }
    }
}

/// One category's count in one place today, and over the baseline days before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayTally {
    pub category: String,
    pub place: HotspotPlace,
    pub today: u32,
    pub baseline: u32,
}

impl HotspotRule {
    /// The tallies to warn about: the hot ones, but not a district whose category is hot in one
    /// of its streets (the street says where; one alert, not two, for one cluster).
    pub fn to_raise<'a>(&self, tallies: &'a [DayTally]) -> Vec<&'a DayTally> {
        let hot: Vec<&DayTally> = tallies
            .iter()
            .filter(|t| self.is_hot(t.today, t.baseline))
            .collect();
        hot.iter()
            .copied()
            .filter(|t| {
                !t.place.street.is_empty()
                    || !hot.iter().any(|s| {
                        !s.place.street.is_empty()
                            && s.category == t.category
                            && s.place.district == t.place.district
                    })
            })
            .collect()
    }
}

/// The street of an address: what comes before its first number (天河区中山街12号 →
/// 天河区中山街). None when that leaves less than two characters (no street to group by).
pub fn street_of(address: &str) -> Option<String> {
    let street: String = address
        .trim()
        .chars()
        .take_while(|c| !c.is_ascii_digit() && !('０'..='９').contains(c))
        .collect();
    let street = street.trim().to_owned();
    (street.chars().count() >= 2).then_some(street)
}

/// The place a cluster is in: a whole district, or one street of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct HotspotPlace {
    pub district: String,
    /// Empty: the district as a whole.
    #[serde(default)]
    pub street: String,
}

impl HotspotPlace {
    /// 天河区中山街 / 天河区（全区）
    pub fn label_zh(&self) -> String {
        if self.street.is_empty() {
            format!("{}（全区）", self.district)
        } else if self.street.starts_with(&self.district) {
            self.street.clone()
        } else {
            format!("{}{}", self.district, self.street)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_hot_at_three_times_the_mean_and_five_cases() {
        let r = HotspotRule::default();
        // Nothing usual: five cases are a hotspot, four are not.
        assert!(r.is_hot(5, 0));
        assert!(!r.is_hot(4, 0));
        // 28 cases in 28 days is one a day: three is not enough (min 5), six is; 84 in 28
        // days is three a day: nine is hot, eight not.
        assert!(r.is_hot(6, 28));
        assert!(r.is_hot(9, 84));
        assert!(!r.is_hot(8, 84));
        assert_eq!(r.problem(), None);
        assert!(HotspotRule {
            min_cases: 1,
            ..r.clone()
        }
        .problem()
        .is_some());
    }

    #[test]
    fn a_hot_street_stands_for_its_district() {
        let tally = |street: &str, today| DayTally {
            category: "environment".into(),
            place: HotspotPlace {
                district: "天河区".into(),
                street: street.into(),
            },
            today,
            baseline: 0,
        };
        let day = [
            tally("", 13),
            tally("天河区中山街", 12),
            tally("天河区东风路", 1),
        ];
        let raised = HotspotRule::default().to_raise(&day);
        assert_eq!(raised, vec![&day[1]]);
        // Spread over the district, no street hot: the district is raised.
        let spread = [
            tally("", 9),
            tally("天河区中山街", 3),
            tally("天河区东风路", 3),
        ];
        assert_eq!(HotspotRule::default().to_raise(&spread), vec![&spread[0]]);
    }

    #[test]
    fn the_street_is_what_comes_before_the_number() {
        assert_eq!(
            street_of("天河区中山街12号").as_deref(),
            Some("天河区中山街")
        );
        assert_eq!(
            street_of(" 越秀区解放路１２３号 ").as_deref(),
            Some("越秀区解放路")
        );
        assert_eq!(street_of("中山街").as_deref(), Some("中山街"));
        assert_eq!(street_of("12号"), None);
        assert_eq!(street_of(""), None);
    }
}

//! The centre's configuration as one versioned document: the kinds and categories, every clock
//! rule, the counting settings (business hours, day end), the alert thresholds and the callback
//! delay. The server keeps every version with who changed it, when and why; seats receive them
//! at login and sync and keep the last ones for offline work. A case runs the clocks of the
//! version in force when it was received (so a change never rewrites an open case's deadlines);
//! the counting settings and alert thresholds are the current version's, like the calendar.
//!
//! Why configurable at all: 001 §5.2 lets a limit set by law or regulation ("法律法规…有明确答复
//! 期限的") replace the seeds' figures, and a centre's local regulations differ.

mod changes;
mod document;
mod validate;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::assessment::AssessmentWeights;
use crate::case::{Domain, KindCatalog, Level};
use crate::hotspot::HotspotRule;
use crate::quality::QualityRule;
use crate::sla::{AlertSettings, ClockSpec, Policy, SlaSettings};

pub use changes::{ClockChange, PolicyChanges};
pub use document::CentreDocument;
pub use validate::PolicyError;

/// The tag every policy file carries, so a calendar or another JSON file is not taken for one.
pub const POLICY_FORMAT: &str = "hotline-policy/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[derive(ts_rs::TS)]
pub struct CentrePolicy {
    pub format: String,
    pub catalog: KindCatalog,
    /// The clock rules (and the maintenance notice period).
    pub deadlines: Policy,
    pub counting: SlaSettings,
    /// At-risk and alert thresholds, and the callback delay.
    pub alerts: AlertSettings,
    /// How the bureaus' assessment weighs its components (absent in documents from before it).
    #[serde(default)]
    pub assessment: AssessmentWeights,
    /// When a category's calls in one place are a hotspot (热点预警).
    #[serde(default)]
    pub hotspot: HotspotRule,
    /// The monthly quality sample and its checklist (质检).
    #[serde(default)]
    pub quality: QualityRule,
    /// What a desk keeps (its working set) beside what is on it.
    #[serde(default)]
    pub desk: crate::case::working_set::DeskSettings,
}

impl Default for CentrePolicy {
    /// The seeds' figures, as compiled in (see [`Policy::default`]).
    fn default() -> Self {
        Self {
            format: POLICY_FORMAT.into(),
            catalog: KindCatalog::default(),
            deadlines: Policy::default(),
            counting: SlaSettings::default(),
            alerts: AlertSettings::default(),
            assessment: AssessmentWeights::default(),
            hotspot: HotspotRule::default(),
            quality: QualityRule::default(),
            desk: Default::default(),
        }
    }
}

impl CentrePolicy {
    /// Reads an administrator's file and validates it whole: the first fault found is returned
    /// with where it is, and nothing is taken from a file that has one.
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let doc: Self = serde_json::from_str(text).map_err(|e| PolicyError::Parse {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        })?;
        doc.validate()?;
        Ok(doc)
    }

    /// The clocks a new case of this kind, category and level runs under this version.
    pub fn clocks_for(
        &self,
        kind: &str,
        domain: Domain,
        category: &str,
        level: Option<Level>,
    ) -> Vec<ClockSpec> {
        self.deadlines
            .clocks_for(kind, domain, category, level, &self.counting)
    }
}

/// One version of the centre's policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// 0 is the built-in policy a centre starts with; each change is the next number.
    pub version: u32,
    /// Cases received from this instant on run this version's clocks.
    pub in_force_from: DateTime<Utc>,
    pub changed_by: String,
    pub reason: String,
    pub policy: CentrePolicy,
}

impl PolicyVersion {
    /// Version 0: the seeds' figures, in force from the beginning.
    pub fn builtin() -> Self {
        Self {
            version: 0,
            in_force_from: DateTime::<Utc>::UNIX_EPOCH,
            changed_by: "system".into(),
            reason: "内置时限政策（依据标准原文）/ the built-in policy (the seeds' figures)".into(),
            policy: CentrePolicy::default(),
        }
    }
}

/// Every version, oldest first; never empty (version 0 at least).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyHistory {
    pub versions: Vec<PolicyVersion>,
}

impl Default for PolicyHistory {
    fn default() -> Self {
        Self {
            versions: vec![PolicyVersion::builtin()],
        }
    }
}

impl PolicyHistory {
    /// The version in force at `at`: the newest one in force from `at` or earlier (version 0 for
    /// an instant before every version).
    pub fn in_force(&self, at: DateTime<Utc>) -> &PolicyVersion {
        self.versions
            .iter()
            .rev()
            .find(|v| v.in_force_from <= at)
            .or(self.versions.first())
            .expect("a history holds version 0")
    }

    /// The newest version: its counting settings and thresholds apply now.
    pub fn current(&self) -> &PolicyVersion {
        self.versions.last().expect("a history holds version 0")
    }

    /// A history as received or stored: versions numbered 0, 1, 2… in force in that order, each
    /// valid. A seat refuses one that is not and keeps what it had.
    pub fn check(&self) -> Result<(), PolicyError> {
        let mut prev: Option<&PolicyVersion> = None;
        for (i, v) in self.versions.iter().enumerate() {
            if v.version as usize != i || prev.is_some_and(|p| p.in_force_from > v.in_force_from) {
                return Err(PolicyError::History(v.version));
            }
            v.policy.validate()?;
            prev = Some(v);
        }
        if self.versions.is_empty() {
            return Err(PolicyError::History(0));
        }
        Ok(())
    }
}

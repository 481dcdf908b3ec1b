//! The file an administrator exports and imports (`hotline-server policy export/import`): the
//! centre's policy and its calendar years in one document. Once imported they are kept apart —
//! the policy as a numbered version, each changed year as a calendar import (with its own
//! history and the recompute of the dues it moves) — because a case runs the clocks of the
//! policy version it was received under but always counts on the newest calendar.

use serde::{Deserialize, Serialize};

use super::{CentrePolicy, PolicyError};
use crate::calendar::{LegalCalendar, YearSchedule};
use crate::case::assessment::AssessmentWeights;
use crate::case::KindCatalog;
use crate::hotspot::HotspotRule;
use crate::quality::QualityRule;
use crate::sla::{AlertSettings, Policy, SlaSettings};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CentreDocument {
    pub policy: CentrePolicy,
    /// Published years (as the State Council's notices have them). On import a year that differs
    /// from the centre's replaces it; a year left out is kept, never removed.
    pub calendar: Vec<YearSchedule>,
}

/// The document's JSON: the policy's fields plus `calendar`. Written out because serde cannot
/// refuse unknown fields through a flattened struct, and a misspelt field must be refused.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocumentFile {
    format: String,
    catalog: KindCatalog,
    deadlines: Policy,
    counting: SlaSettings,
    alerts: AlertSettings,
    #[serde(default)]
    assessment: AssessmentWeights,
    #[serde(default)]
    hotspot: HotspotRule,
    #[serde(default)]
    quality: QualityRule,
    #[serde(default)]
    desk: crate::case::working_set::DeskSettings,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    calendar: Vec<YearSchedule>,
}

impl CentreDocument {
    /// The policy `policy` with every published year of `calendar`.
    pub fn of(policy: &CentrePolicy, calendar: &LegalCalendar) -> Self {
        Self {
            policy: policy.clone(),
            calendar: calendar.schedules().cloned().collect(),
        }
    }

    /// Reads and validates the whole document: the policy as [`CentrePolicy::parse`] does, and
    /// every year as a calendar import would (`policy.calendar` names the year at fault).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        let file: DocumentFile = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| PolicyError::Parse {
                line: e.line(),
                column: e.column(),
                reason: e.to_string(),
            })?;
        let doc = Self {
            policy: CentrePolicy {
                format: file.format,
                catalog: file.catalog,
                deadlines: file.deadlines,
                counting: file.counting,
                alerts: file.alerts,
                assessment: file.assessment,
                hotspot: file.hotspot,
                quality: file.quality,
                desk: file.desk,
            },
            calendar: file.calendar,
        };
        doc.policy.validate()?;
        for year in &doc.calendar {
            year.validate().map_err(|e| PolicyError::Calendar {
                year: year.year,
                reason: e.to_string(),
            })?;
        }
        Ok(doc)
    }

    pub fn to_json(&self) -> String {
        let p = self.policy.clone();
        let file = DocumentFile {
            format: p.format,
            catalog: p.catalog,
            deadlines: p.deadlines,
            counting: p.counting,
            alerts: p.alerts,
            assessment: p.assessment,
            hotspot: p.hotspot,
            quality: p.quality,
            desk: p.desk,
            calendar: self.calendar.clone(),
        };
        serde_json::to_string_pretty(&file).expect("a policy document serialises") + "\n"
    }

    /// The years of this document that `held` does not already have exactly as written: what an
    /// import of it changes in the calendar.
    pub fn changed_years(&self, held: &LegalCalendar) -> Vec<YearSchedule> {
        held.differing(&self.calendar)
    }
}

//! What a new version changes, shown before it is saved: which kinds and which clocks, for
//! which categories and levels, with the limit before and after. Computed from the clocks each
//! combination of kind, category and level would run, so a rule that is rewritten but
//! resolves to the same clocks shows no change.

use serde::{Deserialize, Serialize};

use super::CentrePolicy;
use crate::case::{KindCatalog, Level};
use crate::sla::ClockSpec;

/// One clock of one kind that changes, with the categories and levels it changes for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockChange {
    pub kind: String,
    pub kind_label: String,
    pub key: String,
    pub before: Option<ClockSpec>,
    pub after: Option<ClockSpec>,
    /// Category labels (with the level, for kinds that have one) this change applies to.
    pub applies_to: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PolicyChanges {
    pub kinds_added: Vec<String>,
    pub kinds_removed: Vec<String>,
    pub categories_added: Vec<String>,
    pub categories_removed: Vec<String>,
    /// Labels, flags or domains of kinds or categories that stay.
    pub catalog_changed: bool,
    pub clocks: Vec<ClockChange>,
    /// Business hours or day end: these move the dues of running clocks counted in working
    /// hours or days, as a calendar import does.
    pub counting_changed: bool,
    pub alerts_changed: bool,
    pub maintenance_changed: bool,
    /// The weights of the bureaus' assessment.
    #[serde(default)]
    pub assessment_changed: bool,
    /// The hotspot rule.
    #[serde(default)]
    pub hotspot_changed: bool,
    /// The quality sample or checklist.
    #[serde(default)]
    pub quality_changed: bool,
}

impl PolicyChanges {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl CentrePolicy {
    /// What `next` changes relative to this version.
    pub fn changes_to(&self, next: &CentrePolicy) -> PolicyChanges {
        let (a, b) = (&self.catalog, &next.catalog);
        let codes = |c: &KindCatalog| c.kinds.iter().map(|k| k.code.clone()).collect::<Vec<_>>();
        let cats = |c: &KindCatalog| {
            c.categories
                .iter()
                .map(|k| k.code.clone())
                .collect::<Vec<_>>()
        };
        let missing = |from: Vec<String>, within: &[String]| {
            from.into_iter()
                .filter(|c| !within.contains(c))
                .collect::<Vec<_>>()
        };
        PolicyChanges {
            kinds_added: missing(codes(b), &codes(a)),
            kinds_removed: missing(codes(a), &codes(b)),
            categories_added: missing(cats(b), &cats(a)),
            categories_removed: missing(cats(a), &cats(b)),
            catalog_changed: a
                .kinds
                .iter()
                .any(|k| b.kind(&k.code).is_some_and(|n| n != k))
                || a.categories
                    .iter()
                    .any(|c| b.category(&c.code).is_some_and(|n| n != c)),
            clocks: clock_changes(self, next),
            counting_changed: self.counting != next.counting,
            alerts_changed: self.alerts != next.alerts,
            maintenance_changed: self.deadlines.maintenance_notice_working_days
                != next.deadlines.maintenance_notice_working_days,
            assessment_changed: self.assessment != next.assessment,
            hotspot_changed: self.hotspot != next.hotspot,
            quality_changed: self.quality != next.quality,
        }
    }
}

/// Every (kind, category, level) either version knows, resolved under both; differences grouped
/// by kind, clock and the before/after pair.
fn clock_changes(old: &CentrePolicy, new: &CentrePolicy) -> Vec<ClockChange> {
    let mut out: Vec<ClockChange> = Vec::new();
    let kinds = new.catalog.kinds.iter().chain(
        old.catalog
            .kinds
            .iter()
            .filter(|k| new.catalog.kind(&k.code).is_none()),
    );
    for kind in kinds {
        let categories = new.catalog.categories.iter().chain(
            old.catalog
                .categories
                .iter()
                .filter(|c| new.catalog.category(&c.code).is_none()),
        );
        for category in categories {
            let levels: Vec<Option<Level>> = if kind.has_level {
                Level::ALL.iter().copied().map(Some).collect()
            } else {
                vec![None]
            };
            for level in levels {
                let resolve = |p: &CentrePolicy| {
                    let known = p.catalog.kind(&kind.code).is_some()
                        && p.catalog.category(&category.code).is_some();
                    if known {
                        p.clocks_for(&kind.code, category.domain, &category.code, level)
                    } else {
                        Vec::new()
                    }
                };
                let (before, after) = (resolve(old), resolve(new));
                let place = match level {
                    Some(l) => format!("{}·{}", category.label, l.label_zh()),
                    None => category.label.clone(),
                };
                let mut keys: Vec<String> = Vec::new();
                for c in before.iter().chain(&after) {
                    if !keys.contains(&c.key) {
                        keys.push(c.key.clone());
                    }
                }
                for key in keys {
                    let find = |cs: &[ClockSpec]| cs.iter().find(|c| c.key == key).cloned();
                    let (b, a) = (find(&before), find(&after));
                    if b == a {
                        continue;
                    }
                    match out.iter_mut().find(|c| {
                        c.kind == kind.code && c.key == key && c.before == b && c.after == a
                    }) {
                        Some(c) => c.applies_to.push(place.clone()),
                        None => out.push(ClockChange {
                            kind: kind.code.clone(),
                            kind_label: kind.label.clone(),
                            key,
                            before: b,
                            after: a,
                            applies_to: vec![place.clone()],
                        }),
                    }
                }
            }
        }
    }
    out
}

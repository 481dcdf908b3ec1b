//! The mapping file of `hotline-server import legacy` (docs/LEGACY-IMPORT.md): which column of
//! the former system's export holds what, and what its kinds, statuses, categories and bureau
//! names are in ours.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::ImportError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The former system's name, kept on every case brought from it.
    pub system: String,
    /// Our numbers for its cases: `YYMMDD-PREFIX-NNNN` on the day each was received.
    #[serde(default = "default_prefix")]
    pub prefix: String,
    /// The CSV file's encoding (utf-8, gbk, gb18030); a byte-order mark wins.
    #[serde(default = "default_encoding")]
    pub encoding: String,
    /// How its times are written (chrono's format; China time).
    #[serde(default = "default_time_format")]
    pub time_format: String,
    pub columns: Columns,
    /// Its kind → our kind code (consultation, complaint, fault, help, suggestion).
    pub kinds: BTreeMap<String, String>,
    /// Its status → received (waiting to be dispatched), dispatched (with a bureau) or closed.
    pub statuses: BTreeMap<String, LegacyStatus>,
    /// Its category → our category code; a value not listed must be our code itself.
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
    /// Its bureau name → our bureau code; a value not listed must be our code itself.
    #[serde(default)]
    pub bureaus: BTreeMap<String, String>,
}

/// The column headers of the export that hold each field. The optional ones may be left out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub number: String,
    pub received_at: String,
    pub kind: String,
    pub category: String,
    pub phone: String,
    pub description: String,
    pub status: String,
    pub name: Option<String>,
    pub district: Option<String>,
    pub address: Option<String>,
    pub level: Option<String>,
    pub bureau: Option<String>,
    pub result: Option<String>,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegacyStatus {
    Received,
    Dispatched,
    Closed,
}

fn default_prefix() -> String {
    "LG".into()
}

fn default_encoding() -> String {
    "utf-8".into()
}

fn default_time_format() -> String {
    "%Y-%m-%d %H:%M:%S".into()
}

impl Mapping {
    pub fn load(path: &Path) -> Result<Self, ImportError> {
        let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read {
            path: path.display().to_string(),
            source: e,
        })?;
        let mapping: Self = toml::from_str(&text)
            .map_err(|e| ImportError::Mapping(format!("{}: {e}", path.display())))?;
        mapping.check()?;
        Ok(mapping)
    }

    fn check(&self) -> Result<(), ImportError> {
        let bad = |m: String| Err(ImportError::Mapping(m));
        if self.system.trim().is_empty() {
            return bad("system: name the former system / 请填写原系统名称".into());
        }
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("a date");
        if hotline_domain::case::CaseNumber::new(today, &self.prefix, 1).is_err() {
            return bad(format!(
                "prefix {:?}: 1–6 letters or digits / 编号前缀须为1–6位字母或数字",
                self.prefix
            ));
        }
        if self.kinds.is_empty() || self.statuses.is_empty() {
            return bad(
                "[kinds] and [statuses] map the file's values onto ours / 须填写类型与状态对照"
                    .into(),
            );
        }
        Ok(())
    }

    /// Every column the mapping names, required first.
    pub fn named_columns(&self) -> Vec<&str> {
        let c = &self.columns;
        let required = [
            &c.number,
            &c.received_at,
            &c.kind,
            &c.category,
            &c.phone,
            &c.description,
            &c.status,
        ];
        let optional = [
            &c.name,
            &c.district,
            &c.address,
            &c.level,
            &c.bureau,
            &c.result,
            &c.closed_at,
        ];
        required
            .into_iter()
            .map(String::as_str)
            .chain(optional.into_iter().flatten().map(String::as_str))
            .collect()
    }
}

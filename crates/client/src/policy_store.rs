//! The centre's policy a seat counts with: every version as last fetched from the server
//! (`centre-policy.json`, adopted at every sync and kept for offline work). A desk that never
//! synced runs standalone on the built-in policy, with the counting settings of its own
//! `sla-settings.json` and the thresholds of its `alert-settings.json`, if present.

use hotline_domain::centre::{PolicyHistory, PolicyVersion};
use serde::Serialize;

use crate::{ClientError, DataDir};

const CENTRE_FILE: &str = "centre-policy.json";
const SETTINGS_FILE: &str = "sla-settings.json";
const ALERT_SETTINGS_FILE: &str = "alert-settings.json";

/// Which configuration the seat uses (the desk says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum PolicySource {
    /// The centre's, as last fetched from the server.
    Centre,
    /// The built-in policy with this desk's own settings: it has never synced.
    Local,
}

#[derive(Debug, Clone)]
pub struct PolicyStore {
    dir: DataDir,
}

impl PolicyStore {
    pub fn new(dir: DataDir) -> Self {
        Self { dir }
    }

    /// The centre's versions once the seat has synced; else the built-in version with this
    /// desk's settings files.
    pub fn load(&self) -> Result<PolicyHistory, ClientError> {
        if let Some(centre) = self.dir.read_json::<PolicyHistory>(CENTRE_FILE)? {
            return Ok(centre);
        }
        let mut local = PolicyVersion::builtin();
        if let Some(counting) = self.dir.read_json(SETTINGS_FILE)? {
            local.policy.counting = counting;
        }
        if let Some(alerts) = self.dir.read_json(ALERT_SETTINGS_FILE)? {
            local.policy.alerts = alerts;
        }
        Ok(PolicyHistory {
            versions: vec![local],
        })
    }

    pub fn source(&self) -> Result<PolicySource, ClientError> {
        Ok(match self.dir.read_optional(CENTRE_FILE)? {
            Some(_) => PolicySource::Centre,
            None => PolicySource::Local,
        })
    }

    /// Keeps the centre's versions as fetched. Returns whether anything differs from what was
    /// counted with before (the caller then reloads, and recomputes every due). A history that
    /// does not check is refused and the one kept before stays.
    pub fn adopt_centre(&self, centre: &PolicyHistory) -> Result<bool, ClientError> {
        centre.check().map_err(|e| ClientError::Invalid {
            code: e.code(),
            message: format!("the server's policy is not usable, the last one is kept: {e}"),
        })?;
        if self.dir.read_json::<PolicyHistory>(CENTRE_FILE)?.as_ref() == Some(centre) {
            return Ok(false);
        }
        let changed = self.load()? != *centre;
        let json = serde_json::to_vec_pretty(centre).expect("serialisable");
        self.dir.write_atomic(CENTRE_FILE, &json)?;
        Ok(changed)
    }
}

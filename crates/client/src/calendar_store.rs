//! The calendar a seat computes with: the schedules shipped in `data/calendar/`, plus the
//! imports replayed in order. A seat that has synced with a server counts on the centre's
//! imports (`centre-calendar.json`, fetched at every sync and kept for offline work); a desk
//! that runs standalone counts on the imports made on it (`calendar-imports.json`).

use chrono::{DateTime, Utc};
use hotline_domain::calendar::{self, ImportSummary, LegalCalendar};
use hotline_domain::centre::PolicyHistory;
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::{CalendarImport, CalendarImports};
use serde::Serialize;

use crate::{ClientError, DataDir};

const IMPORTS_FILE: &str = "calendar-imports.json";
const CENTRE_FILE: &str = "centre-calendar.json";

/// Whose imports the seat counts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[derive(ts_rs::TS)]
pub enum CalendarSource {
    /// The centre's server (the last version fetched).
    Centre,
    /// This desk's own imports: it has never synced with a server.
    Local,
}

#[derive(Debug, Clone)]
pub struct CalendarStore {
    dir: DataDir,
}

impl CalendarStore {
    pub fn new(dir: DataDir) -> Self {
        Self { dir }
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }

    /// The shipped calendar alone.
    pub fn shipped() -> LegalCalendar {
        calendar::shipped()
    }

    /// The shipped calendar with every import applied: the centre's once the seat has synced,
    /// else this desk's own.
    pub fn load(&self) -> Result<LegalCalendar, ClientError> {
        let imports = match self.centre()? {
            Some(centre) => centre,
            None => self.imports()?,
        };
        Ok(imports.build()?)
    }

    pub fn source(&self) -> Result<CalendarSource, ClientError> {
        Ok(if self.centre()?.is_some() {
            CalendarSource::Centre
        } else {
            CalendarSource::Local
        })
    }

    /// Keeps the centre's calendar as fetched from the server. Returns whether its days differ
    /// from the ones counted before (the caller then recomputes every due); a first sync with a
    /// centre that imported nothing changes no day. A version that does not build a calendar is
    /// refused and the one kept before stays.
    pub fn adopt_centre(&self, centre: &CalendarImports) -> Result<bool, ClientError> {
        if self.centre()?.as_ref() == Some(centre) {
            return Ok(false);
        }
        let new = centre.build()?;
        let before = self.load()?;
        let json = serde_json::to_vec_pretty(centre).expect("serialisable");
        self.dir.write_atomic(CENTRE_FILE, &json)?;
        Ok(!before.schedules().eq(new.schedules()))
    }

    /// The centre's imports as last fetched, if this seat ever synced.
    fn centre(&self) -> Result<Option<CalendarImports>, ClientError> {
        self.read_imports(CENTRE_FILE)
    }

    /// The calendar with the counting settings (business hours, day end) of the policy in
    /// force: the centre's, or this desk's `sla-settings.json` when it runs standalone.
    pub fn load_sla(&self) -> Result<SlaCalendar, ClientError> {
        self.load_sla_under(&crate::PolicyStore::new(self.dir.clone()).load()?)
    }

    /// The calendar with the counting settings of `policy`'s current version (for a caller
    /// that has just loaded the policy anyway).
    pub fn load_sla_under(&self, policy: &PolicyHistory) -> Result<SlaCalendar, ClientError> {
        Ok(SlaCalendar::new(
            self.load()?,
            policy.current().policy.counting.clone(),
        ))
    }

    /// Parses, validates and records an administrator's file. Nothing is written unless the
    /// whole file is valid and merges cleanly.
    pub fn import(
        &self,
        file_name: &str,
        content: &str,
        now: DateTime<Utc>,
    ) -> Result<ImportSummary, ClientError> {
        if self.centre()?.is_some() {
            return Err(ClientError::Invalid {
                code: "calendar.centre_managed",
                message: "this seat counts on the centre's calendar: import the year on the server (hotline-server calendar import) and every seat receives it at its next sync / 本席位使用热线中心的节假日数据，请在服务器导入".into(),
            });
        }
        let years = calendar::parse_any(file_name, content)?;
        let (_, summary) = self.load()?.with_import(&years)?;
        let mut imports = self.imports()?;
        imports.imports.push(CalendarImport {
            imported_at: now,
            file: file_name.to_owned(),
            years,
        });
        let json = serde_json::to_vec_pretty(&imports).expect("serialisable");
        self.dir.write_atomic(IMPORTS_FILE, &json)?;
        Ok(summary)
    }

    /// This desk's own imports (none when it never imported).
    fn imports(&self) -> Result<CalendarImports, ClientError> {
        Ok(self.read_imports(IMPORTS_FILE)?.unwrap_or_default())
    }

    /// The imports kept in `file` of the data folder; a file that does not read is corrupt.
    fn read_imports(&self, file: &str) -> Result<Option<CalendarImports>, ClientError> {
        self.dir.read_json(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y2027: &str = r#"{"format":"hotline-calendar/1","years":[{"year":2027,"festivals":[
        {"name":"元旦","rest":["2027-01-01","2027-01-02","2027-01-03"],"work":[]},
        {"name":"国庆节","rest":["2027-10-01","2027-10-02","2027-10-03","2027-10-04","2027-10-05","2027-10-06","2027-10-07"],"work":["2027-09-26","2027-10-09"]}]}]}"#;

    #[test]
    fn counting_settings_are_read_from_the_data_folder_and_bad_ones_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let store = CalendarStore::new(DataDir::resolve(Some(tmp.path().to_owned())));
        let start = DateTime::parse_from_rfc3339("2026-09-30T10:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let settings = tmp.path().join("sla-settings.json");
        std::fs::write(&settings, r#"{"business_hours":{"periods":[["08:30:00","12:00:00"],["14:00:00","18:00:00"]]},"day_end":"17:30:00"}"#).unwrap();
        let due = store
            .load_sla()
            .unwrap()
            .due(start, hotline_domain::sla::SlaAmount::WorkingDays(2))
            .unwrap();
        assert_eq!(due.to_rfc3339(), "2026-10-09T09:30:00+00:00");
        std::fs::write(
            &settings,
            r#"{"business_hours":{"periods":[["12:00:00","08:00:00"]]},"day_end":"17:30:00"}"#,
        )
        .unwrap();
        assert_eq!(store.load_sla().unwrap_err().code(), "local.corrupt");
    }

    #[test]
    fn an_import_survives_reopening_and_a_bad_one_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let store = CalendarStore::new(DataDir::resolve(Some(tmp.path().to_owned())));
        let d = |s: &str| s.parse().unwrap();
        let before = store.load().unwrap();
        assert!(
            !before.is_workday(d("2027-10-09")).unwrap()
                && before.day(d("2027-10-09")).unwrap().provisional,
            "before the notice: a provisional Saturday"
        );

        let summary = store.import("2027.json", Y2027, Utc::now()).unwrap();
        assert_eq!(summary.years, vec![2027]);
        let reopened = CalendarStore::new(DataDir::resolve(Some(tmp.path().to_owned())));
        let cal = reopened.load().unwrap();
        assert!(cal.is_workday(d("2027-10-09")).unwrap(), "make-up Saturday");
        assert!(
            !cal.is_workday(d("2027-10-04")).unwrap(),
            "National Day Monday"
        );

        let bad = Y2027.replace("2027-10-09", "2027-10-08");
        let err = reopened.import("bad.json", &bad, Utc::now()).unwrap_err();
        assert_eq!(err.code(), "calendar.invalid_schedule", "{err}");
        assert!(
            reopened
                .load()
                .unwrap()
                .is_workday(d("2027-10-09"))
                .unwrap(),
            "the earlier import stands"
        );
    }
}

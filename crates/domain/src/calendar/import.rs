//! Reading an administrator's calendar file: our JSON, a CSV, or an iCalendar feed.
//! The formats are documented in `docs/CALENDAR-FORMAT.md`; all three produce the same
//! [`YearSchedule`]s, which [`super::LegalCalendar::with_import`] validates and merges.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::schedule::{schedule_from, CalendarFile, Festival, SpecialKind, YearSchedule, FORMAT};
use super::CalendarError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFormat {
    Json,
    Csv,
    ICalendar,
}

impl ImportFormat {
    /// Picks the format from a file name's extension, else from the content's first bytes.
    pub fn detect(file_name: &str, content: &str) -> Self {
        let lower = file_name.to_ascii_lowercase();
        let head = content.trim_start_matches('\u{feff}').trim_start();
        if lower.ends_with(".ics")
            || lower.ends_with(".ical")
            || head.starts_with("BEGIN:VCALENDAR")
        {
            Self::ICalendar
        } else if lower.ends_with(".json") || head.starts_with('{') {
            Self::Json
        } else {
            Self::Csv
        }
    }
}

pub fn parse_any(file_name: &str, content: &str) -> Result<Vec<YearSchedule>, CalendarError> {
    match ImportFormat::detect(file_name, content) {
        ImportFormat::Json => parse_json(content),
        ImportFormat::Csv => parse_csv(content),
        ImportFormat::ICalendar => parse_ical(content),
    }
}

/// `{"format": "hotline-calendar/1", "years": [...]}`, or a single year object.
pub fn parse_json(content: &str) -> Result<Vec<YearSchedule>, CalendarError> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        File(CalendarFile),
        Year(YearSchedule),
    }
    let content = content.trim_start_matches('\u{feff}');
    match serde_json::from_str::<Either>(content) {
        Ok(Either::File(f)) if f.format != FORMAT => Err(CalendarError::Parse(format!(
            "unknown format {:?}, expected {FORMAT:?}",
            f.format
        ))),
        Ok(Either::File(f)) => Ok(f.years),
        Ok(Either::Year(y)) => Ok(vec![y]),
        Err(_) => {
            // Re-parse as the full form to report the precise place of the mistake.
            let err = serde_json::from_str::<CalendarFile>(content).err();
            Err(CalendarError::Parse(match err {
                Some(e) => format!("JSON: {e}"),
                None => "JSON: not a calendar file".into(),
            }))
        }
    }
}

/// CSV with a header `year,date,kind,name`; `kind` is `rest` (放假) or `work` (调休上班).
pub fn parse_csv(content: &str) -> Result<Vec<YearSchedule>, CalendarError> {
    #[derive(Deserialize)]
    struct Row {
        year: i32,
        date: NaiveDate,
        kind: String,
        name: String,
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(content.trim_start_matches('\u{feff}').as_bytes());
    let mut years: BTreeMap<i32, BTreeMap<String, Festival>> = BTreeMap::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| CalendarError::Parse(format!("CSV line {line}: {e}")))?;
        let kind = match row.kind.as_str() {
            "rest" | "休" | "放假" => SpecialKind::Rest,
            "work" | "班" | "上班" => SpecialKind::Work,
            other => {
                return Err(CalendarError::Parse(format!(
                    "CSV line {line}: kind must be rest or work, not {other:?}"
                )))
            }
        };
        push(&mut years, row.year, &row.name, row.date, kind);
    }
    if years.is_empty() {
        return Err(CalendarError::Parse("CSV: no rows".into()));
    }
    Ok(into_schedules(years))
}

/// An iCalendar feed of all-day events. SUMMARY is the festival's name; an event is a make-up
/// working day when its CATEGORIES include `WORKDAY` or its SUMMARY says 班 (补班, 上班),
/// otherwise rest days. DTEND is exclusive, as RFC 5545 says for dates.
///
/// A feed has no "year" field, so a year counts as declared when the feed holds any of its days
/// outside December; a year seen only in December is a spill-over of the next year's notice.
pub fn parse_ical(content: &str) -> Result<Vec<YearSchedule>, CalendarError> {
    use icalendar::parser::{read_calendar, unfold};
    let unfolded = unfold(content.trim_start_matches('\u{feff}'));
    let cal =
        read_calendar(&unfolded).map_err(|e| CalendarError::Parse(format!("iCalendar: {e}")))?;
    let mut days: Vec<(NaiveDate, String, SpecialKind)> = Vec::new();
    for event in cal.components.iter().filter(|c| c.name == "VEVENT") {
        let summary = event
            .find_prop("SUMMARY")
            .map(|p| p.val.as_str().trim().to_owned())
            .unwrap_or_default();
        let start = event
            .find_prop("DTSTART")
            .ok_or_else(|| {
                CalendarError::Parse(format!("iCalendar: event {summary:?} has no DTSTART"))
            })
            .and_then(|p| ical_date(p.val.as_str()))?;
        let end = match event.find_prop("DTEND") {
            Some(p) => ical_date(p.val.as_str())?,
            None => start.succ_opt().expect("valid date"),
        };
        if end <= start || (end - start).num_days() > 60 {
            return Err(CalendarError::Parse(format!("iCalendar: event {summary:?} has DTEND {end} not after DTSTART {start} or spans over 60 days")));
        }
        let categories = event
            .find_prop("CATEGORIES")
            .map(|p| p.val.as_str().to_ascii_uppercase())
            .unwrap_or_default();
        let kind = if categories.contains("WORKDAY") || summary.contains('班') {
            SpecialKind::Work
        } else {
            SpecialKind::Rest
        };
        let name = festival_name(&summary);
        if name.is_empty() {
            return Err(CalendarError::Parse(format!(
                "iCalendar: event on {start} has no festival name in SUMMARY"
            )));
        }
        for d in start.iter_days().take_while(|d| *d < end) {
            days.push((d, name.clone(), kind));
        }
    }
    if days.is_empty() {
        return Err(CalendarError::Parse(
            "iCalendar: no VEVENT with a date".into(),
        ));
    }
    let declared: Vec<i32> = {
        let mut y: Vec<i32> = days
            .iter()
            .filter(|(d, _, _)| d.month() != 12)
            .map(|(d, _, _)| d.year())
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let mut years: BTreeMap<i32, BTreeMap<String, Festival>> = BTreeMap::new();
    for (d, name, kind) in days {
        // A spill-over day is filed under the next declared year, whose notice declared it;
        // LegalCalendar::with_import regroups it into its own year.
        let year = if declared.contains(&d.year()) {
            d.year()
        } else {
            d.year() + 1
        };
        push(&mut years, year, &name, d, kind);
    }
    Ok(into_schedules(years))
}

fn ical_date(value: &str) -> Result<NaiveDate, CalendarError> {
    let digits = value.get(..8).unwrap_or(value);
    NaiveDate::parse_from_str(digits, "%Y%m%d")
        .map_err(|_| CalendarError::Parse(format!("iCalendar: {value:?} is not a date (YYYYMMDD)")))
}

/// "国庆节 补班" → "国庆节"; "春节（休）" → "春节".
fn festival_name(summary: &str) -> String {
    let mut s = summary.to_owned();
    for marker in [
        "（休）",
        "(休)",
        "（班）",
        "(班)",
        "调休上班",
        "调休",
        "补班",
        "上班",
        "放假",
        "假期",
        "休息",
        "休",
        "班",
    ] {
        s = s.replace(marker, "");
    }
    s.trim().to_owned()
}

fn push(
    years: &mut BTreeMap<i32, BTreeMap<String, Festival>>,
    year: i32,
    name: &str,
    d: NaiveDate,
    kind: SpecialKind,
) {
    let f = years
        .entry(year)
        .or_default()
        .entry(name.to_owned())
        .or_insert_with(|| Festival {
            name: name.to_owned(),
            rest: vec![],
            work: vec![],
        });
    match kind {
        SpecialKind::Rest => f.rest.push(d),
        SpecialKind::Work => f.work.push(d),
    }
}

fn into_schedules(years: BTreeMap<i32, BTreeMap<String, Festival>>) -> Vec<YearSchedule> {
    years
        .into_iter()
        .map(|(y, f)| schedule_from(y, f.into_values()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn ical_events_become_rest_and_work_days() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n\
BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20271001\r\nDTEND;VALUE=DATE:20271008\r\nSUMMARY:国庆节\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20270925\r\nSUMMARY:国庆节 补班\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270102\r\nSUMMARY:元旦（休）\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";
        let years = parse_ical(ics).unwrap();
        assert_eq!(years.len(), 1, "2026-12-31 is filed under the 2027 notice");
        let y = &years[0];
        assert_eq!(y.year, 2027);
        let national = y.festivals.iter().find(|f| f.name == "国庆节").unwrap();
        assert_eq!(national.rest.len(), 7);
        assert_eq!(national.work, vec![d("2027-09-25")]);
        let new_year = y.festivals.iter().find(|f| f.name == "元旦").unwrap();
        assert_eq!(new_year.rest, vec![d("2026-12-31"), d("2027-01-01")]);
    }

    #[test]
    fn csv_rejects_unknown_kind_with_its_line() {
        let err =
            parse_csv("year,date,kind,name\n2027,2027-01-01,rest,元旦\n2027,2027-01-02,nap,元旦\n")
                .unwrap_err();
        assert!(err.to_string().contains("line 3"), "{err}");
    }

    #[test]
    fn csv_and_json_agree() {
        let csv = parse_csv(
            "year,date,kind,name\n2027,2027-10-01,rest,国庆节\n2027,2027-09-25,work,国庆节\n",
        )
        .unwrap();
        let json = parse_json(r#"{"year":2027,"festivals":[{"name":"国庆节","rest":["2027-10-01"],"work":["2027-09-25"]}]}"#).unwrap();
        assert_eq!(csv, json);
    }

    #[test]
    fn json_with_wrong_format_tag_is_refused() {
        let err = parse_json(r#"{"format":"other/9","years":[]}"#).unwrap_err();
        assert_eq!(err.code(), "calendar.parse");
    }
}

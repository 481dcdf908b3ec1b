//! Reading the State Council's notice as published (《国务院办公厅关于YYYY年部分节假日安排的通知》):
//! its numbered lines, one festival each, become that year's schedule.
//!
//! The wording changed over the years, and the reader follows what every notice since 2004 has in
//! common rather than one year's phrasing (the texts are in `data/calendar/notices/`):
//! - a line is `一、元旦：…`; the festival's rest days are the date or range just before the first
//!   放假 (`1月1日至3日`, `1月22日———28日`, `9月30日至10月7日`, `4月5日`), plus any date of a clause
//!   that says 补休;
//! - the make-up working days are the dates of the clauses (split at `，；。`) that say 上班, and
//!   the weekends a clause moves into the break (`将…两个公休日调至…`, 2004–2009) that are not
//!   part of it; 照常公休 and 为法定假日 carry no day;
//! - parenthesised notes (weekdays, lunar dates) are dropped; a date without a month takes the one
//!   before it; a date without a year is in the notice's year, except a December date in a line that
//!   also names January (the New Year break that starts in the year before);
//! - `共N天` must match the range, so a garbled line is refused rather than misread.
//!
//! Written here rather than taken from a crate: no maintained crate reads these notices.

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::schedule::{schedule_from, Festival, YearSchedule};
use super::CalendarError;

const NUMERALS: [&str; 12] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

fn refuse(line: usize, text: &str, reason: impl Into<String>) -> CalendarError {
    CalendarError::Notice {
        line,
        text: text.trim().chars().take(80).collect(),
        reason: reason.into(),
    }
}

/// One date as written: year and month only when the text gives them.
#[derive(Debug, Clone, Copy)]
struct Written {
    year: Option<i32>,
    month: Option<u32>,
    day: u32,
}

struct Patterns {
    numbered: Regex,
    /// An item that follows other text on the same line: a notice copied from a web page or
    /// typed into a form can lose its line breaks.
    run_on_item: Regex,
    date: Regex,
    days: Regex,
    title_year: Regex,
}

impl Patterns {
    fn new() -> Self {
        let compile = |p: &str| Regex::new(p).expect("a valid pattern");
        Self {
            numbered: compile(r"^\s*([一二三四五六七八九十]+)、\s*(.+)$"),
            run_on_item: compile(r"([。：:）)])[ \t　]*([一二三四五六七])、"),
            date: compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日"),
            days: compile(r"共([0-9]+|[一二三四五六七八九十]+)天"),
            title_year: compile(r"(\d{4})年部分节假日安排"),
        }
    }
}

/// Full-width punctuation to ASCII, every dash between two dates to 至, notes in parentheses out.
fn normalise(text: &str) -> String {
    let mut s = text
        .replace('（', "(")
        .replace('）', ")")
        .replace('，', ",")
        .replace('；', ";")
        .replace('。', ".")
        .replace('：', ":");
    for dash in ["———", "——", "—", "～", "~", "－", "-"] {
        s = s.replace(dash, "至");
    }
    let mut out = String::with_capacity(s.len());
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn chinese_number(s: &str) -> Option<usize> {
    s.parse()
        .ok()
        .or_else(|| NUMERALS.iter().position(|n| *n == s).map(|i| i + 1))
}

/// The festival's name as the calendar calls it (“五一” → 劳动节, “十一” → 国庆节).
fn festival_name(raw: &str) -> String {
    let name = raw.trim().trim_matches(|c| matches!(c, '“' | '”' | '"'));
    if name.contains("五一") || name.contains("劳动节") {
        "劳动节".into()
    } else if name.contains("十一") {
        "国庆节".into()
    } else if name == "新年" {
        "元旦".into()
    } else {
        name.replace(['“', '”', '"'], "")
    }
}

/// Reads a notice; `year` when the text does not say it in its title.
pub fn parse_notice(text: &str, year: Option<i32>) -> Result<YearSchedule, CalendarError> {
    let p = Patterns::new();
    let year = match year.or_else(|| p.title_year.captures(text).and_then(|c| c[1].parse().ok())) {
        Some(y) => y,
        None => return Err(refuse(0, "", "the notice's year is not in its title (YYYY年部分节假日安排): give it / 未找到通知年份")),
    };
    let mut festivals: Vec<Festival> = Vec::new();
    let mut expected = 1;
    let mut last = (0, String::new());
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = p.run_on_item.replace_all(&text, "$1\n$2、");
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let Some(c) = p.numbered.captures(raw.trim_start_matches('\u{feff}')) else {
            continue;
        };
        if chinese_number(&c[1]) != Some(expected) {
            return Err(refuse(
                line,
                raw,
                format!(
                    "expected item {}、 here: a line is missing / 缺少第{}项",
                    NUMERALS.get(expected - 1).unwrap_or(&"?"),
                    NUMERALS.get(expected - 1).unwrap_or(&"?")
                ),
            ));
        }
        expected += 1;
        festivals.push(read_line(&p, year, line, raw, &c[2])?);
        last = (line, raw.to_owned());
    }
    if festivals.is_empty() {
        return Err(refuse(
            0,
            "",
            "no numbered festival lines (一、元旦：…) / 未找到节日条目",
        ));
    }
    for needed in ["元旦", "春节", "国庆"] {
        if !festivals.iter().any(|f| f.name.contains(needed)) {
            return Err(refuse(
                last.0,
                &last.1,
                format!(
                    "the notice stops before {needed}: it is incomplete / 通知不完整，缺少{needed}"
                ),
            ));
        }
    }
    let schedule = schedule_from(year, festivals);
    schedule.validate()?;
    Ok(schedule)
}

fn read_line(
    p: &Patterns,
    year: i32,
    line: usize,
    raw: &str,
    item: &str,
) -> Result<Festival, CalendarError> {
    let Some((name, body)) = item.split_once('：').or_else(|| item.split_once(':')) else {
        return Err(refuse(line, raw, "no 节日：安排 colon / 缺少冒号"));
    };
    let body = normalise(body);
    if !body.trim_end().ends_with('.') {
        return Err(refuse(
            line,
            raw,
            "the line is cut off (no 。 at its end) / 该行不完整",
        ));
    }
    let dates = resolve(p, year, line, raw, &body)?;
    let Some(cut) = body.find("放假") else {
        return Err(refuse(
            line,
            raw,
            "no 放假: which days rest? / 未找到放假日期",
        ));
    };
    // The rest range: the dates in the clause that ends at the first 放假.
    let clause_start = body[..cut].rfind([',', ';', '.']).map_or(0, |i| i + 1);
    let range: Vec<NaiveDate> = dates
        .iter()
        .filter(|(at, _)| (clause_start..cut).contains(at))
        .map(|(_, d)| *d)
        .collect();
    let mut rest = match range.as_slice() {
        [one] => vec![*one],
        [from, to] if from <= to => from.iter_days().take_while(|d| d <= to).collect(),
        _ => {
            return Err(refuse(
                line,
                raw,
                "the days before 放假 are not a date or a range / 放假日期无法识别",
            ))
        }
    };
    if let Some(c) = p.days.captures(&body) {
        let said = chinese_number(&c[1]).unwrap_or(0);
        if said != rest.len() {
            return Err(refuse(
                line,
                raw,
                format!(
                    "共{}天 but the range has {} days / 天数与日期不符",
                    &c[1],
                    rest.len()
                ),
            ));
        }
    }
    let mut work = Vec::new();
    let mut start = 0;
    for (end, _) in body
        .match_indices([',', ';', '.'])
        .chain(std::iter::once((body.len(), "")))
    {
        let clause = &body[start..end];
        let in_clause = dates
            .iter()
            .filter(|(at, _)| (start..end).contains(at))
            .map(|(_, d)| *d);
        if clause.contains("上班") {
            work.extend(in_clause);
        } else if clause.contains("补休") {
            rest.extend(in_clause);
        } else if let Some(moved) = clause.find("调至") {
            // 将9月27日（星期六）、28日（星期日）两个公休日调至9月29日、30日: a weekend moved into the
            // break is worked, even where the line never says 上班 (2008's 国庆节).
            let moved = start + moved;
            let away = dates
                .iter()
                .filter(|(at, d)| (start..moved).contains(at) && !rest.contains(d))
                .map(|(_, d)| *d);
            work.extend(away.collect::<Vec<_>>());
        }
        start = end + 1;
    }
    Ok(Festival {
        name: festival_name(name),
        rest,
        work,
    })
}

/// Every date of a line with its byte position. Within a clause, a date without a month (or
/// year) takes the one before it; a clause that starts without a month takes the line's first
/// (`其中，29日、30日、31日为法定假日` after `1月29日至2月4日放假` means January).
fn resolve(
    p: &Patterns,
    year: i32,
    line: usize,
    raw: &str,
    body: &str,
) -> Result<Vec<(usize, NaiveDate)>, CalendarError> {
    let written: Vec<(usize, Written)> = p
        .date
        .captures_iter(body)
        .map(|c| {
            let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
            let at = c.get(0).map_or(0, |m| m.start());
            (
                at,
                Written {
                    year: c.get(1).and_then(|m| m.as_str().parse().ok()),
                    month: n(2),
                    day: n(3).unwrap_or(0),
                },
            )
        })
        .collect();
    let names_january = written.iter().any(|(_, w)| w.month == Some(1));
    let first_month = written.iter().find_map(|(_, w)| w.month);
    let clause_of = |at: usize| body[..at].matches([',', ';', '.']).count();
    let (mut clause, mut month, mut explicit_year) = (usize::MAX, None, None);
    let mut out = Vec::with_capacity(written.len());
    for (at, w) in written {
        if clause_of(at) != clause {
            (clause, month, explicit_year) = (clause_of(at), first_month, None);
        }
        if w.month.is_some() {
            month = w.month;
            explicit_year = w.year;
        } else if w.year.is_some() {
            explicit_year = w.year;
        }
        let Some(m) = month else {
            return Err(refuse(
                line,
                raw,
                format!("{}日 has no month / 日期缺少月份", w.day),
            ));
        };
        let y = explicit_year.unwrap_or(if m == 12 && names_january {
            year - 1
        } else {
            year
        });
        let date = NaiveDate::from_ymd_opt(y, m, w.day).ok_or_else(|| {
            refuse(
                line,
                raw,
                format!("{y}-{m}-{} is not a date / 日期不存在", w.day),
            )
        })?;
        out.push((at, date));
    }
    Ok(out)
}

/// What a notice declares, day by day, for `--dry-run`: `YYYY-MM-DD rest|work NAME`.
pub fn describe_notice(schedule: &YearSchedule) -> String {
    let mut days: Vec<(NaiveDate, &str, &str)> = schedule
        .festivals
        .iter()
        .flat_map(|f| {
            f.rest
                .iter()
                .map(move |d| (*d, "rest", f.name.as_str()))
                .chain(f.work.iter().map(move |d| (*d, "work", f.name.as_str())))
        })
        .collect();
    days.sort();
    days.iter()
        .map(|(d, kind, name)| {
            format!(
                "{d} {kind} {name} {}\n",
                ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
                    [d.weekday().num_days_from_monday() as usize]
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{parse_json, LegalCalendar, SHIPPED_JSON};

    const NOTICES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/calendar/notices");

    fn notice(year: i32) -> String {
        std::fs::read_to_string(format!("{NOTICES}/{year}.txt")).unwrap()
    }

    /// Days where the shipped calendar follows a later notice, not the year's own: 2015's
    /// victory-day holiday (2015-05-13: 9月3日至5日, 9月6日上班), 2019's longer 劳动节 (amended
    /// 2019-03-22: 5月1日至4日, 4月28日、5月5日上班) and 2020's longer 春节 (国办发明电〔2020〕1号:
    /// to 2月2日, so 1月31日 rests and 2月1日 is no make-up day).
    const OTHER_NOTICES: [&str; 9] = [
        "2015-09-03",
        "2015-09-04",
        "2015-09-06",
        "2019-04-28",
        "2019-05-02",
        "2019-05-03",
        "2019-05-05",
        "2020-01-31",
        "2020-02-01",
    ];

    #[test]
    fn every_notice_2004_to_2026_reproduces_the_shipped_calendar_day_for_day() {
        let parsed: Vec<YearSchedule> = (2004..=2026)
            .map(|y| parse_notice(&notice(y), Some(y)).unwrap_or_else(|e| panic!("{y}: {e}")))
            .collect();
        let from_notices = LegalCalendar::new(parsed).unwrap();
        let shipped = LegalCalendar::new(parse_json(SHIPPED_JSON).unwrap()).unwrap();
        let mut differ = Vec::new();
        for d in NaiveDate::from_ymd_opt(2004, 1, 1)
            .unwrap()
            .iter_days()
            .take_while(|d| d.year() <= 2026)
        {
            if from_notices.is_workday(d).unwrap() != shipped.is_workday(d).unwrap() {
                differ.push(d.to_string());
            }
        }
        assert_eq!(
            differ, OTHER_NOTICES,
            "days where the notices and the shipped calendar disagree"
        );
    }

    #[test]
    fn the_2026_notice_as_published() {
        let s = parse_notice(&notice(2026), Some(2026)).unwrap();
        let text = describe_notice(&s);
        assert!(text.starts_with("2026-01-01 rest 元旦 周四\n2026-01-02 rest 元旦 周五\n2026-01-03 rest 元旦 周六\n2026-01-04 work 元旦 周日\n"), "{text}");
        assert!(
            text.contains("2026-09-20 work 国庆节 周日\n")
                && text.contains("2026-10-10 work 国庆节 周六\n"),
            "{text}"
        );
        assert_eq!(
            text.lines().filter(|l| l.contains(" rest ")).count(),
            3 + 9 + 3 + 5 + 3 + 3 + 7
        );
    }

    #[test]
    fn a_notice_that_lost_its_line_breaks_reads_the_same() {
        let text = notice(2026);
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        let joined = format!(
            "经国务院批准，现将2026年部分节假日安排通知如下：{}",
            body.join("")
        );
        let carriage = text.replace('\n', "\r");
        let want = parse_notice(&text, Some(2026)).unwrap();
        assert_eq!(parse_notice(&joined, Some(2026)).unwrap(), want);
        assert_eq!(parse_notice(&carriage, Some(2026)).unwrap(), want);
    }

    #[test]
    fn a_december_day_of_a_new_year_break_belongs_to_the_year_before() {
        let s = parse_notice(&notice(2006), Some(2006)).unwrap();
        let work: Vec<String> = s
            .festivals
            .iter()
            .flat_map(|f| f.work.iter().map(ToString::to_string))
            .collect();
        assert!(work.contains(&"2005-12-31".to_owned()), "{work:?}");
        let s = parse_notice(&notice(2012), Some(2012)).unwrap();
        assert!(s.festivals[0]
            .work
            .contains(&NaiveDate::from_ymd_opt(2011, 12, 31).unwrap()));
    }

    #[test]
    fn a_malformed_or_partial_notice_is_refused_with_its_line() {
        let full = notice(2026);
        let body: Vec<&str> = full.lines().filter(|l| !l.starts_with('#')).collect();
        let code = |text: &str| match parse_notice(text, Some(2026)) {
            Err(CalendarError::Notice { line, reason, .. }) => (line, reason),
            other => panic!("{other:?}"),
        };
        // A line left out: the numbering says where.
        let missing = [body[0], body[1], body[3]].join("\n");
        assert_eq!(code(&missing).0, 3);
        // Cut off in the middle of a line.
        let half: String = body[1].chars().take(body[1].chars().count() / 2).collect();
        let cut = format!("{}\n{half}", body[0]);
        let (line, reason) = code(&cut);
        assert_eq!(line, 2, "{reason}");
        // The last line cut after 放假, alone or in a paste that lost its line breaks.
        let national = body.iter().position(|l| l.contains("国庆")).unwrap();
        let cut = body[national].split("放假").next().unwrap().to_owned() + "放假调";
        let mut head: Vec<String> = body[..national].iter().map(|l| l.to_string()).collect();
        head.push(cut);
        assert_eq!(code(&head.join("\n")).0, national + 1);
        assert!(matches!(
            parse_notice(&head.join(""), Some(2026)),
            Err(CalendarError::Notice { .. })
        ));
        // A line cut mid-way that runs into the next one: its 共N天 no longer fits.
        let mut run_on = body.clone();
        let mid_autumn = run_on[national - 1].split('，').next().unwrap().to_owned();
        let joined = format!("{mid_autumn}{}", run_on[national]);
        run_on.splice(national - 1..=national, [joined.as_str()]);
        assert!(code(&run_on.join("\n")).1.contains("共7天"));
        // Stops before 国庆节.
        let (line, reason) = code(&body[..6].join("\n"));
        assert!(line == 6 && reason.contains("国庆"), "{line} {reason}");
        // A range that does not match its 共N天.
        let (line, reason) = code(&body.join("\n").replace("共9天", "共8天"));
        assert!(line == 2 && reason.contains("共8天"), "{line} {reason}");
        // A day that does not exist.
        let (line, _) = code(&body.join("\n").replace("2月15日", "2月30日"));
        assert_eq!(line, 2);
        // No year anywhere; the year from the title when it is there.
        assert!(matches!(
            parse_notice(&body.join("\n"), None),
            Err(CalendarError::Notice { line: 0, .. })
        ));
        let titled = format!(
            "国务院办公厅关于2026年部分节假日安排的通知\n{}",
            body.join("\n")
        );
        assert_eq!(parse_notice(&titled, None).unwrap().year, 2026);
        // A make-up day that is no weekend is refused by the schedule's own check.
        assert!(matches!(
            parse_notice(&body.join("\n").replace("5月9日", "5月8日"), Some(2026)),
            Err(CalendarError::InvalidSchedule { .. })
        ));
    }
}

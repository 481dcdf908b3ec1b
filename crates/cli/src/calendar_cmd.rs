use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, Weekday};
use clap::Subcommand;
use hotline_client::CalendarStore;
use hotline_domain::calendar::{DayInfo, DayReason};
use hotline_domain::time::Clock;

use crate::{input, warn_coverage, BadInput};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Is DATE a working day? Prints `workday` or `rest`, then why
    IsWorkday {
        /// YYYY-MM-DD
        #[arg(value_parser = input::date)]
        date: NaiveDate,
    },
    /// One line per day: `YYYY-MM-DD workday|rest REASON [NAME] [provisional 暂定]`
    List {
        #[arg(long, value_parser = input::date)]
        from: NaiveDate,
        #[arg(long, value_parser = input::date)]
        to: NaiveDate,
    },
    /// Import a year's schedule from JSON, CSV or iCalendar (docs/CALENDAR-FORMAT.md)
    Import { file: PathBuf },
    /// The years the calendar holds: published, then (second line) provisional
    Years,
}

pub fn run(cmd: CalendarCommand, store: &CalendarStore, clock: &dyn Clock) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::IsWorkday { date } => {
            let cal = store.load()?;
            crate::emit(&format!("{}\n", describe(&cal.day(date)?)))?;
            warn_coverage(&cal, clock);
        }
        CalendarCommand::List { from, to } => {
            if to < from {
                return Err(BadInput(format!(
                    "--to {to} is before --from {from} / 结束日期早于开始日期"
                ))
                .into());
            }
            let cal = store.load()?;
            let mut out = String::new();
            for day in cal.range(from, to)? {
                out.push_str(&format!("{} {}\n", day.date, describe(&day)));
            }
            crate::emit(&out)?;
            warn_coverage(&cal, clock);
        }
        CalendarCommand::Import { file } => {
            let content = std::fs::read_to_string(&file).map_err(|e| {
                BadInput(format!(
                    "cannot read {}: {e} / 无法读取文件",
                    file.display()
                ))
            })?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let summary = store
                .import(&name, &content, clock.now())
                .context("import refused / 导入被拒绝")?;
            let years: Vec<String> = summary.years.iter().map(ToString::to_string).collect();
            println!(
                "imported {}: {} rest days, {} make-up working days{}",
                years.join(", "),
                summary.rest_days,
                summary.work_days,
                if summary.replaced.is_empty() {
                    String::new()
                } else {
                    format!(" (replaced {:?})", summary.replaced)
                }
            );
            warn_coverage(&store.load()?, clock);
        }
        CalendarCommand::Years => {
            let cal = store.load()?;
            println!("{}..{}", cal.first_year(), cal.last_year());
            println!(
                "provisional {}..{} (statutory holidays only, until the notice is imported / 暂定)",
                cal.last_year() + 1,
                cal.last_provisional_year()
            );
            warn_coverage(&cal, clock);
        }
    }
    Ok(())
}

/// `workday weekday 周一`, `rest weekend 周六`, `rest holiday 国庆节`, `workday make-up 国庆节调休上班`;
/// a day of a year whose notice is not imported ends with `provisional 暂定`.
fn describe(day: &DayInfo<'_>) -> String {
    let word = if day.workday { "workday" } else { "rest" };
    let line = match day.reason {
        DayReason::Weekday(w) => format!("{word} weekday {}", weekday_zh(w)),
        DayReason::Weekend(w) => format!("{word} weekend {}", weekday_zh(w)),
        DayReason::Holiday(name) => format!("{word} holiday {name}"),
        DayReason::MakeupWorkday(name) => format!("{word} make-up {name}调休上班"),
    };
    if day.provisional {
        format!("{line} provisional 暂定")
    } else {
        line
    }
}

fn weekday_zh(w: Weekday) -> &'static str {
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][w.num_days_from_monday() as usize]
}

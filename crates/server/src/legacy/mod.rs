//! `hotline-server import legacy FILE --mapping MAP.toml`: a centre's history brought over from
//! its former system, so that caller history and likely-duplicate detection see it from the
//! first call (docs/LEGACY-IMPORT.md).
//!
//! Each row becomes a case of ours written as events from the `legacy-import` device: `received`
//! (the call, resolved by the policy in force when it came in, marked with the former system and
//! its number there, which stays searchable), then `dispatched` for a case still with a bureau, or
//! `closed` for a finished one. An imported case runs no clocks of ours, open or closed: its
//! deadlines were set in the former system, with extensions and pauses an export does not carry,
//! and counting ours from its receipt would show breaches that never happened (and set the
//! escalation ladder on thousands of them at once). Ids come from the former number, so importing
//! a file again adds nothing; the cases are folded by the domain and written with COPY in
//! batches, like seed-demo.

pub mod mapping;
mod row;
mod sheet;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::case::{
    Actor, CaseNumber, CaseState, DeviceId, Event, EventBody, EventId, Role,
};
use hotline_domain::sla::SlaCalendar;
use serde::Serialize;
use sqlx::PgPool;
use uuid::Uuid;

use crate::bulk::BulkWriter;
use crate::copy_text::CopyText;
use crate::snapshot::SnapshotRows;
use mapping::{LegacyStatus, Mapping};
use row::{Context, Fields, LegacyCase};

/// The device every imported event is recorded from.
pub const DEVICE: &str = "legacy-import";
const BATCH: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source} / 文件无法读取")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("mapping: {0}")]
    Mapping(String),
    #[error("the file has no column {0:?}, which the mapping names / 文件缺少映射中指定的列")]
    MissingColumn(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl ImportError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Read { .. } => "import.unreadable",
            Self::Mapping(_) => "import.mapping",
            Self::MissingColumn(_) => "import.missing_column",
            Self::Db(_) => "import.database",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Read and check everything, write nothing.
    pub dry_run: bool,
    /// Refuse the whole file if any row is broken.
    pub strict: bool,
}

/// A row that is not imported: its line in the file and why.
#[derive(Debug, Clone, Serialize)]
pub struct BrokenRow {
    pub line: u64,
    pub reason: String,
}

/// What an import did — or, dry or refused, would have done.
#[derive(Debug, Default, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub closed: usize,
    pub open: usize,
    /// Cases an earlier import of the file already brought in.
    pub already: usize,
    pub events: usize,
    pub broken: Vec<BrokenRow>,
    /// Nothing was written: a dry run, or `--strict` with broken rows.
    pub wrote_nothing: bool,
}

/// Imports `path` by `mapping`; `progress` hears of each batch.
pub async fn import(
    pool: &PgPool,
    path: &Path,
    mapping: &Mapping,
    options: Options,
    now: DateTime<Utc>,
    cal: &SlaCalendar,
    progress: &mut dyn FnMut(&ImportReport),
) -> Result<ImportReport, ImportError> {
    let policy = crate::centre_policy::history(pool).await?;
    let bureaus: HashSet<String> = sqlx::query_scalar("SELECT code FROM bureaus")
        .fetch_all(pool)
        .await?
        .into_iter()
        .collect();
    let sheet = sheet::open(path, &mapping.encoding)?;
    let fields = Fields::locate(&sheet.headers, mapping)?;
    let context = Context {
        mapping,
        fields: &fields,
        policy: &policy,
        bureaus: &bureaus,
        now,
    };
    let mut sheet = sheet;
    if options.strict {
        // Every row is read once before anything is written: one broken row refuses the file.
        let check = read_all(sheet, &context, None, &mut |_| {}).await?;
        if !check.broken.is_empty() {
            return Ok(ImportReport {
                wrote_nothing: true,
                ..check
            });
        }
        sheet = sheet::open(path, &mapping.encoding)?;
    }
    let mut writer = Writer::start(pool, mapping, now, cal, !options.dry_run).await?;
    let report = read_all(sheet, &context, Some(&mut writer), progress).await?;
    Ok(ImportReport {
        wrote_nothing: options.dry_run || report.imported == 0,
        ..report
    })
}

/// Reads every row of `sheet`, hands the good ones to `writer` batch by batch, names the rest
/// (no writer: only checks the rows, the first pass of `--strict`).
async fn read_all(
    sheet: sheet::Sheet,
    context: &Context<'_>,
    mut writer: Option<&mut Writer<'_>>,
    progress: &mut dyn FnMut(&ImportReport),
) -> Result<ImportReport, ImportError> {
    let mut report = ImportReport::default();
    let mut first_line: HashMap<Uuid, u64> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    for row in sheet.rows {
        report.rows += 1;
        let case = match row {
            Err(e) => Err((e.line, e.reason)),
            Ok(row) => context.read(&row).map_err(|reason| (row.line, reason)),
        };
        match case {
            Err((line, reason)) => report.broken.push(BrokenRow { line, reason }),
            Ok(case) => match first_line.get(&case.id.0) {
                Some(first) => report.broken.push(BrokenRow {
                    line: case.line,
                    reason: format!(
                        "the same case number as line {first} / 与第{first}行工单编号重复"
                    ),
                }),
                None => {
                    first_line.insert(case.id.0, case.line);
                    batch.push(case);
                }
            },
        }
        if batch.len() == BATCH {
            if let Some(writer) = writer.as_deref_mut() {
                writer
                    .write(std::mem::take(&mut batch), &mut report)
                    .await?;
            }
            batch.clear();
            progress(&report);
        }
    }
    if let Some(writer) = writer {
        writer.write(batch, &mut report).await?;
        writer.finish().await?;
    }
    progress(&report);
    Ok(report)
}

/// Numbers, folds and writes batches of cases (or, dry, only counts what it would write).
struct Writer<'a> {
    pool: &'a PgPool,
    mapping: &'a Mapping,
    now: DateTime<Utc>,
    cal: &'a SlaCalendar,
    write: bool,
    /// The last number of our prefix given on each day.
    day_seq: HashMap<NaiveDate, u32>,
    system_user: i64,
    /// Batches being written: the next batch is read, checked and folded meanwhile.
    bulk: BulkWriter,
}

impl<'a> Writer<'a> {
    async fn start(
        pool: &'a PgPool,
        mapping: &'a Mapping,
        now: DateTime<Utc>,
        cal: &'a SlaCalendar,
        write: bool,
    ) -> Result<Self, ImportError> {
        let taken: Vec<(String, i32)> = sqlx::query_as(
            "SELECT split_part(number, '-', 1), max(split_part(number, '-', 3)::int)
             FROM cases WHERE split_part(number, '-', 2) = $1 GROUP BY 1",
        )
        .bind(mapping.prefix.to_ascii_uppercase())
        .fetch_all(pool)
        .await?;
        let day_seq = taken
            .into_iter()
            .filter_map(|(day, max)| {
                let day = NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d").ok()?;
                Some((day, max as u32))
            })
            .collect();
        let system_user = sqlx::query_scalar("SELECT id FROM users WHERE name = $1")
            .bind(crate::supervise::SYSTEM_USER)
            .fetch_one(pool)
            .await?;
        if write {
            sqlx::query(
                "INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING",
            )
            .bind(DEVICE)
            .bind(system_user)
            .execute(pool)
            .await?;
        }
        Ok(Self {
            pool,
            mapping,
            now,
            cal,
            write,
            day_seq,
            system_user,
            bulk: BulkWriter::new(pool),
        })
    }

    /// Writes the cases of `batch` not imported before, in one transaction.
    async fn write(
        &mut self,
        batch: Vec<LegacyCase>,
        report: &mut ImportReport,
    ) -> Result<(), ImportError> {
        let (pool, mapping, cal) = (self.pool, self.mapping, self.cal);
        if batch.is_empty() {
            return Ok(());
        }
        let ids: Vec<Uuid> = batch.iter().map(|c| c.id.0).collect();
        let present: HashSet<Uuid> = sqlx::query_scalar("SELECT id FROM cases WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(pool)
            .await?
            .into_iter()
            .collect();
        let mut histories = Vec::with_capacity(batch.len());
        for mut case in batch {
            if present.contains(&case.id.0) {
                report.already += 1;
                continue;
            }
            case.intake.number = self.next_number(&mapping.prefix, case.received_at);
            match case.status {
                LegacyStatus::Closed => report.closed += 1,
                _ => report.open += 1,
            }
            histories.push(history(case, mapping));
        }
        report.imported += histories.len();
        report.events += event_count(&histories) as usize;
        if !self.write || histories.is_empty() {
            return Ok(());
        }
        let mut rows = SnapshotRows::default();
        for events in &histories {
            rows.add(events[0].case.0, &CaseState::fold(events), cal);
        }
        // The device's sequence numbers for the batch, taken at once: batches written side by
        // side do not wait on the device row (a failed batch leaves a gap, which nothing minds:
        // no seat pushes as this device).
        let count = event_count(&histories);
        let last: i64 = sqlx::query_scalar(
            "UPDATE devices SET last_seq = last_seq + $2 WHERE device_id = $1 RETURNING last_seq",
        )
        .bind(DEVICE)
        .bind(count)
        .fetch_one(pool)
        .await?;
        let events = self.events_rows(&histories, last - count);
        self.bulk.write(events, rows).await?;
        Ok(())
    }

    /// The COPY rows of `histories`' events, numbered after `seq`.
    fn events_rows(&self, histories: &[Vec<Event>], mut seq: i64) -> Vec<u8> {
        let mut rows = CopyText::with_capacity(histories.len() * 2 * 1500);
        for e in histories.iter().flatten() {
            seq += 1;
            crate::bulk::event_row(&mut rows, e, DEVICE, seq, self.system_user, self.now);
        }
        rows.into_bytes()
    }

    /// Waits for every batch being written.
    async fn finish(&mut self) -> Result<(), ImportError> {
        self.bulk.finish().await?;
        Ok(())
    }

    /// Our next number of `prefix` on the day `at` falls on (China time).
    fn next_number(&mut self, prefix: &str, at: DateTime<Utc>) -> CaseNumber {
        let day = hotline_domain::time::local_date(at);
        let seq = self.day_seq.entry(day).or_insert(0);
        *seq += 1;
        CaseNumber::new(day, prefix, *seq).expect("the mapping's prefix was checked")
    }
}

fn event_count(histories: &[Vec<Event>]) -> i64 {
    histories.iter().map(Vec::len).sum::<usize>() as i64
}

/// The events of one imported case, their ids derived from the case's.
fn history(case: LegacyCase, mapping: &Mapping) -> Vec<Event> {
    let LegacyCase {
        id,
        received_at,
        mut intake,
        status,
        bureau,
        result,
        closed_at,
        ..
    } = case;
    let event = |step: &str, at: DateTime<Utc>, seen: u32, body: EventBody| Event {
        id: EventId(Uuid::new_v5(&id.0, step.as_bytes())),
        case: id,
        at,
        actor: Actor {
            user: crate::supervise::SYSTEM_USER.into(),
            role: Role::System,
            bureau: None,
        },
        device: DeviceId(DEVICE.into()),
        seen,
        body,
    };
    intake.clocks.clear();
    let mut events = vec![event(
        "received",
        received_at,
        0,
        EventBody::Received(Box::new(intake)),
    )];
    let system = &mapping.system;
    match (status, bureau) {
        (LegacyStatus::Dispatched, Some(bureau)) => events.push(event(
            "dispatched",
            received_at,
            1,
            EventBody::Dispatched {
                bureau,
                note: format!("{system}派单，随历史数据导入"),
            },
        )),
        (LegacyStatus::Closed, bureau) => {
            let by = bureau
                .map(|b| format!("（承办单位 {}）", b.0))
                .unwrap_or_default();
            events.push(event(
                "closed",
                closed_at.unwrap_or(received_at),
                1,
                EventBody::Closed {
                    note: format!("{system}已办结{by}：{result}"),
                },
            ))
        }
        _ => {}
    }
    events
}

//! The centre's legal calendar: the shipped schedules plus the administrators' imports, kept in
//! `calendar_imports` and replayed in order. The server is its one source: seats fetch the
//! imports (`GET /api/v1/calendar`) at each sync and replay them the same way, so a seat's
//! countdown and the server's reports count on the same days.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::calendar::{self, CalendarError, ImportSummary, LegalCalendar};
use hotline_domain::case::{CaseId, CaseState};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::wire::{CalendarImport, CalendarImports};
use sqlx::types::Json;
use sqlx::{PgPool, Row};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum CalendarImportError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Every import, oldest first.
pub async fn imports(pool: &PgPool) -> Result<CalendarImports, sqlx::Error> {
    let rows =
        sqlx::query("SELECT imported_at, file_name, years FROM calendar_imports ORDER BY id")
            .fetch_all(pool)
            .await?;
    let imports = rows
        .iter()
        .map(|r| {
            let Json(years) = r.get("years");
            CalendarImport {
                imported_at: r.get("imported_at"),
                file: r.get("file_name"),
                years,
            }
        })
        .collect();
    Ok(CalendarImports { imports })
}

pub async fn load(pool: &PgPool) -> Result<LegalCalendar, CalendarImportError> {
    Ok(imports(pool).await?.build()?)
}

/// How many imports there are: what a server process compares to know its calendar is stale.
async fn generation(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT count(*) FROM calendar_imports")
        .fetch_one(pool)
        .await
}

/// The calendar a server process counts with. An administrator imports a year from another
/// process (`hotline-server calendar import`); every serving process picks it up at its next
/// push or supervision pass, without a restart.
#[derive(Clone)]
pub struct LiveCalendar {
    settings: SlaSettings,
    current: Arc<RwLock<(i64, Arc<SlaCalendar>)>>,
}

impl LiveCalendar {
    /// Starts from a calendar already loaded (at start, or a test's), counting the imports
    /// recorded so far as seen.
    pub async fn starting_with(pool: &PgPool, cal: Arc<SlaCalendar>) -> Result<Self, sqlx::Error> {
        let generation = generation(pool).await?;
        Ok(Self {
            settings: cal.settings().clone(),
            current: Arc::new(RwLock::new((generation, cal))),
        })
    }

    /// The calendar as last loaded.
    pub fn get(&self) -> Arc<SlaCalendar> {
        self.current.read().expect("not poisoned").1.clone()
    }

    /// The calendar, reloaded first if an import was recorded since (one small query).
    pub async fn fresh(&self, pool: &PgPool) -> Result<Arc<SlaCalendar>, CalendarImportError> {
        let seen = self.current.read().expect("not poisoned").0;
        let now = generation(pool).await?;
        if now == seen {
            return Ok(self.get());
        }
        let cal = Arc::new(SlaCalendar::new(load(pool).await?, self.settings.clone()));
        *self.current.write().expect("not poisoned") = (now, cal.clone());
        Ok(cal)
    }
}

/// A running clock whose due an import moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovedDue {
    pub number: String,
    pub clock: String,
    pub bureau: Option<String>,
    pub before: Option<DateTime<Utc>>,
    pub after: Option<DateTime<Utc>>,
    /// The new due still rests on a provisional year.
    pub provisional: bool,
}

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub summary: ImportSummary,
    /// Cases whose dues were recomputed (snapshots and report facts rewritten).
    pub recomputed: usize,
    pub moved: Vec<MovedDue>,
}

/// Validates a file's years (`calendar::parse_any`, or a notice read by `parse_notice`) against
/// everything imported so far, records them, recomputes every case a changed day can touch, and
/// lists the running clocks whose due moved. Refused whole: a file that does not fit changes nothing.
pub async fn import(
    pool: &PgPool,
    file_name: &str,
    years: Vec<calendar::YearSchedule>,
    now: DateTime<Utc>,
) -> Result<ImportOutcome, CalendarImportError> {
    let old = load(pool).await?;
    let (new, summary) = old.with_import(&years)?;
    let settings = SlaSettings::default();
    let (old, new) = (
        SlaCalendar::new(old, settings.clone()),
        SlaCalendar::new(new, settings),
    );
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO calendar_imports (imported_at, file_name, years) VALUES ($1, $2, $3)")
        .bind(now)
        .bind(file_name)
        .bind(Json(&years))
        .execute(&mut *tx)
        .await?;
    let first = first_changed_day(&summary, &years);
    let cases = touched_cases(&mut tx, first).await?;
    let moved = moved_dues(&mut tx, &cases, &old, &new, now).await?;
    for chunk in cases.chunks(1000) {
        let ids: Vec<CaseId> = chunk.iter().map(|id| CaseId(*id)).collect();
        crate::snapshot::refold_many(&mut tx, &ids, &new).await?;
    }
    tx.commit().await?;
    crate::admin::audit(
        pool,
        now,
        None,
        "calendar.import",
        &format!(
            "{file_name}: {} cases recomputed, {} dues moved",
            cases.len(),
            moved.len()
        ),
    )
    .await?;
    Ok(ImportOutcome {
        summary,
        recomputed: cases.len(),
        moved,
    })
}

/// The first day an import can change: the start of the earliest year it declares (days it
/// merges into an earlier year count too).
fn first_changed_day(summary: &ImportSummary, years: &[calendar::YearSchedule]) -> NaiveDate {
    let declared = summary
        .years
        .iter()
        .min()
        .and_then(|y| NaiveDate::from_ymd_opt(*y, 1, 1));
    let listed = years
        .iter()
        .flat_map(|y| y.festivals.iter().flat_map(|f| f.days().map(|(d, _)| d)))
        .min();
    declared
        .into_iter()
        .chain(listed)
        .min()
        .unwrap_or(NaiveDate::from_ymd_opt(calendar::FIRST_YEAR, 1, 1).expect("a valid date"))
}

/// Cases with a clock run whose due can move: any run still running, any whose due falls on or
/// after the first changed day, any whose due could not be computed.
async fn touched_cases(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    first: NaiveDate,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let from = hotline_domain::time::from_local(first.and_time(chrono::NaiveTime::MIN));
    sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM clock_runs
          WHERE (stopped_at IS NULL AND NOT cancelled) OR due_at >= $1 OR (due_at IS NULL AND NOT cancelled)
          ORDER BY case_id",
    )
    .bind(from)
    .fetch_all(&mut **tx)
    .await
}

async fn moved_dues(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    cases: &[Uuid],
    old: &SlaCalendar,
    new: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<Vec<MovedDue>, sqlx::Error> {
    let mut moved = Vec::new();
    for chunk in cases.chunks(1000) {
        let histories: BTreeMap<Uuid, _> = crate::snapshot::histories(tx, chunk).await?;
        for events in histories.values() {
            let state = CaseState::fold(events);
            let Some(number) = state.intake.as_ref().map(|i| i.number.to_string()) else {
                continue;
            };
            let before = state.readings(old, now);
            for (clock, after) in state.readings(new, now) {
                let Ok(after) = after.as_ref().map(|r| *r) else {
                    continue;
                };
                if !matches!(
                    after.status,
                    hotline_domain::sla::ClockStatus::Running
                        | hotline_domain::sla::ClockStatus::Paused
                ) {
                    continue;
                }
                let was = before
                    .iter()
                    .find(|(c, _)| c.reference() == clock.reference())
                    .and_then(|(_, r)| r.as_ref().ok().map(|r| r.due));
                if was != Some(after.due) {
                    moved.push(MovedDue {
                        number: number.clone(),
                        clock: clock.spec.key.clone(),
                        bureau: clock.bureau.as_ref().map(|b| b.0.clone()),
                        before: was,
                        after: Some(after.due),
                        provisional: after.provisional,
                    });
                }
            }
        }
    }
    moved.sort_by(|a, b| (&a.number, &a.clock).cmp(&(&b.number, &b.clock)));
    Ok(moved)
}

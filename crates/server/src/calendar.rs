//! The centre's legal calendar: the shipped schedules plus the administrators' imports, kept in
//! `calendar_imports` and replayed in order. The server is its one source: seats fetch the
//! imports (`GET /api/v1/calendar`) at each sync and replay them the same way, so a seat's
//! countdown and the server's reports count on the same days.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use hotline_domain::calendar::{self, CalendarError, ImportSummary, LegalCalendar};
use hotline_domain::case::{CaseId, CaseState};
use hotline_domain::centre::PolicyHistory;
use hotline_domain::sla::SlaCalendar;
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

/// The calendar with the counting settings (business hours, day end) of the policy in force.
pub async fn load_sla(pool: &PgPool) -> Result<SlaCalendar, CalendarImportError> {
    load_sla_under(pool, &crate::centre_policy::history(pool).await?).await
}

/// The calendar with the counting settings of `policy`'s current version (already loaded).
async fn load_sla_under(
    pool: &PgPool,
    policy: &PolicyHistory,
) -> Result<SlaCalendar, CalendarImportError> {
    Ok(SlaCalendar::new(
        load(pool).await?,
        policy.current().policy.counting.clone(),
    ))
}

/// How many imports and policy versions there are: what a server process compares to know its
/// calendar or policy is stale (both tables only grow).
async fn generation(pool: &PgPool) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM calendar_imports) + (SELECT count(*) FROM policy_versions)",
    )
    .fetch_one(pool)
    .await
}

/// What a server process counts with: the calendar (with the current counting settings) and
/// every policy version.
#[derive(Clone)]
pub struct Centre {
    pub sla: Arc<SlaCalendar>,
    pub policy: Arc<PolicyHistory>,
}

/// The calendar and policy a server process counts with. An administrator imports a year or a
/// policy version from another process (`hotline-server calendar import`, `policy import`); every
/// serving process picks it up at its next push or supervision pass, without a restart.
#[derive(Clone)]
pub struct LiveCalendar {
    current: Arc<RwLock<(i64, Centre)>>,
}

impl LiveCalendar {
    /// Starts from a calendar already loaded (at start, or a test's) and the policy versions
    /// recorded so far, counting both as seen.
    pub async fn starting_with(pool: &PgPool, cal: Arc<SlaCalendar>) -> Result<Self, sqlx::Error> {
        let generation = generation(pool).await?;
        let policy = Arc::new(crate::centre_policy::history(pool).await?);
        Ok(Self {
            current: Arc::new(RwLock::new((generation, Centre { sla: cal, policy }))),
        })
    }

    /// The calendar as last loaded.
    pub fn get(&self) -> Arc<SlaCalendar> {
        self.current.read().expect("not poisoned").1.sla.clone()
    }

    /// The calendar, reloaded first if an import or a policy version was recorded since.
    pub async fn fresh(&self, pool: &PgPool) -> Result<Arc<SlaCalendar>, CalendarImportError> {
        Ok(self.fresh_centre(pool).await?.sla)
    }

    /// The calendar and the policy versions, reloaded first if either changed (one small query).
    pub async fn fresh_centre(&self, pool: &PgPool) -> Result<Centre, CalendarImportError> {
        let seen = self.current.read().expect("not poisoned").0;
        let now = generation(pool).await?;
        if now == seen {
            return Ok(self.current.read().expect("not poisoned").1.clone());
        }
        let policy = crate::centre_policy::history(pool).await?;
        let centre = Centre {
            sla: Arc::new(load_sla_under(pool, &policy).await?),
            policy: Arc::new(policy),
        };
        *self.current.write().expect("not poisoned") = (now, centre.clone());
        Ok(centre)
    }
}

pub use hotline_domain::wire::MovedDue;

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
    import_as(pool, file_name, years, None, false, now).await
}

/// [`import`] by a signed-in user (kept in the audit), or only what it would do (`dry_run`:
/// every step in a transaction that is rolled back, so the moved dues are the real ones).
pub async fn import_as(
    pool: &PgPool,
    file_name: &str,
    years: Vec<calendar::YearSchedule>,
    user: Option<i64>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportOutcome, CalendarImportError> {
    let old = load(pool).await?;
    let (new, summary) = old.with_import(&years)?;
    let settings = crate::centre_policy::history(pool)
        .await?
        .current()
        .policy
        .counting
        .clone();
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
    let cases = touched_cases(&mut tx, Some(first)).await?;
    let moved = recompute(&mut tx, &cases, &old, &new, now).await?;
    if dry_run {
        tx.rollback().await?;
        return Ok(ImportOutcome {
            summary,
            recomputed: cases.len(),
            moved,
        });
    }
    tx.commit().await?;
    crate::admin::audit(
        pool,
        now,
        user,
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

/// Cases with a clock run whose due can move: any run still running, any whose due could not be
/// computed, and (for a calendar import) any whose due falls on or after the first changed day.
async fn touched_cases(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    first: Option<NaiveDate>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let from = first.map(|d| hotline_domain::time::from_local(d.and_time(chrono::NaiveTime::MIN)));
    sqlx::query_scalar(
        "SELECT DISTINCT case_id FROM clock_runs
          WHERE (stopped_at IS NULL AND NOT cancelled) OR due_at >= $1 OR (due_at IS NULL AND NOT cancelled)
          ORDER BY case_id",
    )
    .bind(from)
    .fetch_all(&mut **tx)
    .await
}

/// Lists the running clocks whose due differs between `old` and `new` and rewrites the cases'
/// snapshots and report facts with `new`.
async fn recompute(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    cases: &[Uuid],
    old: &SlaCalendar,
    new: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<Vec<MovedDue>, sqlx::Error> {
    let moved = moved_dues(tx, cases, old, new, now).await?;
    for chunk in cases.chunks(1000) {
        let ids: Vec<CaseId> = chunk.iter().map(|id| CaseId(*id)).collect();
        crate::snapshot::refold_many(tx, &ids, new).await?;
    }
    Ok(moved)
}

/// After a change of counting settings: every case with a running clock recomputed; returns
/// how many, and the clocks whose due moved.
pub(crate) async fn recompute_running(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    old: &SlaCalendar,
    new: &SlaCalendar,
    now: DateTime<Utc>,
) -> Result<(usize, Vec<MovedDue>), sqlx::Error> {
    let cases = touched_cases(tx, None).await?;
    let moved = recompute(tx, &cases, old, new, now).await?;
    Ok((cases.len(), moved))
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

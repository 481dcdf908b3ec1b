//! The centre's policy versions (`policy_versions`, migration 0007). An administrator exports the
//! version in force, edits it, and imports it with a reason: validated whole (refused whole),
//! compared with the current one, and kept as the next version, in force from the instant of the
//! import. New cases run its clocks; open cases keep theirs. A change of business hours or day
//! end moves the dues of running clocks counted in them, so those cases are recomputed here, as a
//! calendar import does, and listed.

use chrono::{DateTime, Utc};
use hotline_domain::centre::{
    CentreDocument, CentrePolicy, PolicyChanges, PolicyError, PolicyHistory, PolicyVersion,
};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::PolicyOutcome;
use sqlx::types::Json;
use sqlx::{PgPool, Row};

use crate::calendar::CalendarImportError;

#[derive(Debug, thiserror::Error)]
pub enum PolicyImportError {
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("nothing changes: the file is the policy in force (version {0}) / 与现行时限政策相同，未保存新版本")]
    Unchanged(u32),
    #[error("a change needs its reason (--reason) / 请填写变更原因")]
    NoReason,
    #[error("another administrator saved version {0} meanwhile: export it and try again / 其他管理员刚保存了新版本，请重新导出后再修改")]
    Concurrent(u32),
    #[error(transparent)]
    Calendar(#[from] CalendarImportError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

impl PolicyImportError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Policy(e) => e.code(),
            Self::Unchanged(_) => "policy.unchanged",
            Self::NoReason => "policy.no_reason",
            Self::Concurrent(_) => "policy.concurrent",
            Self::Calendar(_) => "policy.calendar",
            Self::Db(_) => "server.database",
        }
    }
}

/// Every version, oldest first: the built-in version 0 until the first change writes it.
pub async fn history(pool: &PgPool) -> Result<PolicyHistory, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT version, in_force_from, changed_by, reason, document FROM policy_versions ORDER BY version",
    )
    .fetch_all(pool)
    .await?;
    let mut versions: Vec<PolicyVersion> = rows
        .iter()
        .map(|r| {
            let Json(policy) = r.get("document");
            PolicyVersion {
                version: r.get::<i32, _>("version") as u32,
                in_force_from: r.get("in_force_from"),
                changed_by: r.get("changed_by"),
                reason: r.get("reason"),
                policy,
            }
        })
        .collect();
    if versions.first().is_none_or(|v| v.version != 0) {
        versions.insert(0, PolicyVersion::builtin());
    }
    Ok(PolicyHistory { versions })
}

/// Stores the built-in version 0 when no version is stored yet (at `migrate` and `serve`), so the
/// deadlines of cases received before a centre's first change never follow a later build's
/// figures. Returns whether this build's built-in figures differ from the stored version 0: a
/// new build's corrections then reach the centre only as a new version it imports.
pub async fn keep_builtin(pool: &PgPool) -> Result<bool, sqlx::Error> {
    let builtin = PolicyVersion::builtin();
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE policy_versions IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let stored: Option<Json<CentrePolicy>> =
        sqlx::query_scalar("SELECT document FROM policy_versions WHERE version = 0")
            .fetch_optional(&mut *tx)
            .await?;
    let differs = match stored {
        Some(Json(policy)) => policy != builtin.policy,
        None => {
            insert(&mut tx, &builtin).await?;
            false
        }
    };
    tx.commit().await?;
    Ok(differs)
}

/// Validates the document `text` (policy and calendar years), compares it with what is in force
/// and, unless `dry_run`, imports each changed year (as `calendar import` does, recomputing the
/// dues it moves) and keeps a changed policy as the next version (in force from `now`). Both
/// halves are checked before either is saved.
pub async fn import(
    pool: &PgPool,
    text: &str,
    by: &str,
    reason: &str,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<PolicyOutcome, PolicyImportError> {
    let doc = CentreDocument::parse(text)?;
    let held = crate::calendar::load(pool).await?;
    let years = doc.changed_years(&held);
    if !years.is_empty() {
        held.with_import(&years)
            .map_err(|e| PolicyImportError::Calendar(e.into()))?;
    }
    let current = history(pool).await?.current().clone();
    let policy_changed = !current.policy.changes_to(&doc.policy).is_empty();
    if !policy_changed && years.is_empty() {
        return Err(PolicyImportError::Unchanged(current.version));
    }
    if reason.trim().is_empty() {
        return Err(PolicyImportError::NoReason);
    }
    let calendar = if years.is_empty() {
        None
    } else {
        let name = format!("policy document by {by}: {}", reason.trim());
        Some(crate::calendar::import_as(pool, &name, years, None, dry_run, now).await?)
    };
    let by = Author {
        name: by,
        user: None,
    };
    let mut outcome = if policy_changed {
        save(pool, doc.policy, by, reason, dry_run, now).await?
    } else {
        PolicyOutcome {
            version: current.version,
            changes: PolicyChanges::default(),
            recomputed: 0,
            moved: Vec::new(),
            saved: !dry_run,
            calendar_years: Vec::new(),
        }
    };
    if let Some(c) = calendar {
        outcome.calendar_years = c.summary.years;
        outcome.recomputed += c.recomputed;
        outcome.moved.extend(c.moved);
    }
    Ok(outcome)
}

/// The document an administrator edits: `version` (default: the one in force) with every
/// published calendar year.
pub async fn export(
    pool: &PgPool,
    version: Option<u32>,
) -> Result<Option<(u32, CentreDocument)>, CalendarImportError> {
    let history = history(pool).await?;
    let Some(v) = (match version {
        None => Some(history.current()),
        Some(n) => history.versions.iter().find(|v| v.version == n),
    }) else {
        return Ok(None);
    };
    let calendar = crate::calendar::load(pool).await?;
    Ok(Some((v.version, CentreDocument::of(&v.policy, &calendar))))
}

/// Who saves a version: a name, and the user's id when it comes through the API (the audit).
pub struct Author<'a> {
    pub name: &'a str,
    pub user: Option<i64>,
}

/// [`import`] of a document already read (a desk's proposal): validated here all the same.
pub async fn save(
    pool: &PgPool,
    next: CentrePolicy,
    by: Author<'_>,
    reason: &str,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<PolicyOutcome, PolicyImportError> {
    next.validate()?;
    let old = history(pool).await?;
    let current = old.current();
    let changes = current.policy.changes_to(&next);
    if changes.is_empty() {
        return Err(PolicyImportError::Unchanged(current.version));
    }
    if reason.trim().is_empty() {
        return Err(PolicyImportError::NoReason);
    }
    let version = current.version + 1;
    let legal = crate::calendar::load(pool).await?;
    let (before, after) = (
        SlaCalendar::new(legal.clone(), current.policy.counting.clone()),
        SlaCalendar::new(legal, next.counting.clone()),
    );
    let mut tx = pool.begin().await?;
    // Numbers are taken under a lock: two administrators importing at once get 1 and 2, or one
    // of them is told the other's version is now the one in force.
    sqlx::query("LOCK TABLE policy_versions IN EXCLUSIVE MODE")
        .execute(&mut *tx)
        .await?;
    let stored: Option<i32> = sqlx::query_scalar("SELECT max(version) FROM policy_versions")
        .fetch_one(&mut *tx)
        .await?;
    if let Some(v) = stored.filter(|v| *v as u32 != current.version) {
        return Err(PolicyImportError::Concurrent(v as u32));
    }
    if stored.is_none() {
        insert(&mut tx, &PolicyVersion::builtin()).await?;
    }
    insert(
        &mut tx,
        &PolicyVersion {
            version,
            in_force_from: now,
            changed_by: by.name.to_owned(),
            reason: reason.trim().to_owned(),
            policy: next,
        },
    )
    .await?;
    let (recomputed, moved) = if changes.counting_changed {
        crate::calendar::recompute_running(&mut tx, &before, &after, now).await?
    } else {
        (0, Vec::new())
    };
    if dry_run {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
        let target = format!("version {version} by {}: {}", by.name, reason.trim());
        crate::admin::audit(pool, now, by.user, "policy.import", &target).await?;
    }
    Ok(PolicyOutcome {
        version,
        changes,
        recomputed,
        moved,
        saved: !dry_run,
        calendar_years: Vec::new(),
    })
}

async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    v: &PolicyVersion,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO policy_versions (version, in_force_from, changed_by, reason, document)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(v.version as i32)
    .bind(v.in_force_from)
    .bind(&v.changed_by)
    .bind(&v.reason)
    .bind(Json(&v.policy))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

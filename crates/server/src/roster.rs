//! Duty rosters on the server: imported from the centre's schedule (CSV), read by the desks
//! (a day's roster, and who is on duty now).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use hotline_domain::roster::{days_around, escalation_targets, Duty};
use sqlx::{PgPool, Row};

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("roster line {line}: {message} / 排班表第 {line} 行有误")]
    Line { line: usize, message: String },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

pub use hotline_domain::roster::RosterDay as Roster;

/// Imports `day,shift,start,end,position,user` lines (a header line first). The days the file
/// names are replaced whole, in one transaction; a bad line refuses the whole file.
pub async fn import(pool: &PgPool, csv_text: &str) -> Result<usize, RosterError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let mut duties = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let bad = |message: String| RosterError::Line { line, message };
        let rec = rec.map_err(|e| bad(e.to_string()))?;
        let field = |n: usize| rec.get(n).unwrap_or("").to_owned();
        let time = |s: String| {
            NaiveTime::parse_from_str(&s, "%H:%M")
                .map_err(|_| bad(format!("{s:?} is not a time (HH:MM)")))
        };
        let duty = Duty {
            day: field(0)
                .parse()
                .map_err(|_| bad(format!("{:?} is not a date (YYYY-MM-DD)", field(0))))?,
            shift: field(1),
            starts: time(field(2))?,
            ends: time(field(3))?,
            position: field(4),
            user: field(5),
        };
        if duty.shift.is_empty() || duty.position.is_empty() || duty.user.is_empty() {
            return Err(bad("shift, position and user are required".into()));
        }
        duties.push((line, duty));
    }
    let mut tx = pool.begin().await?;
    let mut days: Vec<NaiveDate> = duties.iter().map(|(_, d)| d.day).collect();
    days.sort();
    days.dedup();
    sqlx::query("DELETE FROM duty_roster WHERE day = ANY($1)")
        .bind(&days)
        .execute(&mut *tx)
        .await?;
    for (line, d) in &duties {
        let known: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = $1 AND disabled_at IS NULL)",
        )
        .bind(&d.user)
        .fetch_one(&mut *tx)
        .await?;
        if !known {
            return Err(RosterError::Line {
                line: *line,
                message: format!("no active user {:?}", d.user),
            });
        }
        sqlx::query("INSERT INTO duty_roster (day, shift, starts, ends, position, user_name) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(d.day)
            .bind(&d.shift)
            .bind(d.starts)
            .bind(d.ends)
            .bind(&d.position)
            .bind(&d.user)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(db) if db.is_unique_violation() => RosterError::Line { line: *line, message: format!("{} {} {} is given twice", d.day, d.shift, d.position) },
                e => e.into(),
            })?;
    }
    tx.commit().await?;
    Ok(duties.len())
}

async fn duties_of(pool: &PgPool, days: &[NaiveDate]) -> Result<Vec<Duty>, sqlx::Error> {
    Ok(sqlx::query("SELECT day, shift, starts, ends, position, user_name FROM duty_roster WHERE day = ANY($1) ORDER BY day, starts, position")
        .bind(days)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Duty { day: r.get("day"), shift: r.get("shift"), starts: r.get("starts"), ends: r.get("ends"), position: r.get("position"), user: r.get("user_name") })
        .collect())
}

/// The roster of `day`, and who is on duty at `now`.
pub async fn roster(
    pool: &PgPool,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Roster, RosterError> {
    let duties = duties_of(pool, &[day]).await?;
    let on_duty = duties_of(pool, &days_around(now))
        .await?
        .into_iter()
        .filter(|d| d.covers(now))
        .collect();
    Ok(Roster {
        day,
        duties,
        on_duty,
    })
}

/// Who the escalation ladder's alerts and escalations go to at `now`: the supervisors the roster
/// has on duty, or every supervisor when it has none (`roster::escalation_targets`).
pub async fn supervisors_for(
    pool: &PgPool,
    now: DateTime<Utc>,
) -> Result<Vec<String>, sqlx::Error> {
    let on_duty: Vec<Duty> = duties_of(pool, &days_around(now))
        .await?
        .into_iter()
        .filter(|d| d.covers(now))
        .collect();
    let supervisors: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM users WHERE role = 'supervisor' AND disabled_at IS NULL ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    Ok(escalation_targets(&on_duty, &supervisors))
}

//! Case numbers unique across devices (issue: the trust boundary, item 3). A seat numbers its
//! calls itself — `YYMMDD-SEAT-NNNN`, so it can tell the caller a number while offline — from a
//! day sequence kept in its own data folder. Two data folders of one seat (a second desk, a
//! reinstall) number the same day from 1 each, and a tampered seat may write any prefix. The
//! server confirms each `received` number: one of the pushing user's own prefix that no other
//! case holds stands; any other gets the next free number of that prefix, recorded as a
//! `renumbered` event beside it. The caller may already have been told the first number, so
//! the case stays searchable by both (`CaseState::former_numbers`), and the seat, pulling the
//! correction, numbers later calls after it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use hotline_domain::case::{CaseNumber, Event, EventBody};
use sqlx::{Postgres, Transaction};

use crate::auth::Principal;

/// The `renumbered` corrections a push's fresh events need, in their order.
pub async fn confirm(
    tx: &mut Transaction<'_, Postgres>,
    who: &Principal,
    fresh: &[(i64, Event)],
    now: DateTime<Utc>,
) -> Result<Vec<Event>, sqlx::Error> {
    let received: Vec<(&Event, &CaseNumber)> = fresh
        .iter()
        .filter_map(|(_, e)| match &e.body {
            EventBody::Received(intake) => Some((e, &intake.number)),
            _ => None,
        })
        .collect();
    if received.is_empty() {
        return Ok(Vec::new());
    }
    let seat_of = |n: &CaseNumber| {
        who.seat_code
            .clone()
            .unwrap_or_else(|| n.seat().to_owned())
            .to_ascii_uppercase()
    };
    // Pushes of one prefix take their turn here (in one order, so two pushes cannot wait on
    // each other), so two desks of one seat cannot both confirm the same number before either
    // is stored. A push holds one prefix or two (its day, maybe yesterday's).
    let mut prefixes: Vec<String> = received
        .iter()
        .map(|(_, n)| format!("case-number:{}-{}", n.date(), seat_of(n)))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    for p in &prefixes {
        sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(p)
            .execute(&mut **tx)
            .await?;
    }
    let held = held(tx, &received).await?;
    let mut given: HashSet<CaseNumber> = HashSet::new();
    let mut corrections = Vec::new();
    for (e, number) in received {
        let seat = seat_of(number);
        let own = number.seat() == seat;
        let taken = held
            .iter()
            .any(|(n, case)| n == number && *case != e.case.0);
        if own && !taken && given.insert(number.clone()) {
            continue;
        }
        let Some(next) = next_free(tx, number, &seat, &given).await? else {
            crate::log::error(&format!(
                "no free case number left on {} for seat {seat}",
                number.date()
            ));
            continue;
        };
        let reason = if own {
            format!(
                "the number {number} is another case's; the server gave {next} / 编号 {number} 已被其他工单使用，已改为 {next}"
            )
        } else {
            format!(
                "the number {number} is not of this seat's prefix {seat}; the server gave {next} / 编号 {number} 不属于本坐席（{seat}），已改为 {next}"
            )
        };
        given.insert(next.clone());
        corrections.push(crate::policy::correction(
            e.case,
            now,
            EventBody::Renumbered {
                number: next,
                reason,
            },
        ));
    }
    Ok(corrections)
}

/// The cases that hold any of these numbers (one query for the push).
async fn held(
    tx: &mut Transaction<'_, Postgres>,
    received: &[(&Event, &CaseNumber)],
) -> Result<Vec<(CaseNumber, uuid::Uuid)>, sqlx::Error> {
    let numbers: Vec<String> = received.iter().map(|(_, n)| n.to_string()).collect();
    let rows: Vec<(String, uuid::Uuid)> =
        sqlx::query_as("SELECT number, id FROM cases WHERE number = ANY($1)")
            .bind(&numbers)
            .fetch_all(&mut **tx)
            .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(n, id)| Some((n.parse().ok()?, id)))
        .collect())
}

/// The next number of the seat's prefix (`seat` upper-case, as numbers hold it) on the number's
/// day after every one the server holds or this push gave.
async fn next_free(
    tx: &mut Transaction<'_, Postgres>,
    number: &CaseNumber,
    seat: &str,
    given: &HashSet<CaseNumber>,
) -> Result<Option<CaseNumber>, sqlx::Error> {
    let prefix = format!("{}-{seat}-", number.date().format("%y%m%d"));
    let held: Option<i32> = sqlx::query_scalar(
        "SELECT max(split_part(number, '-', 3)::int) FROM cases
         WHERE starts_with(number, $1) AND split_part(number, '-', 3) ~ '^[0-9]{1,5}$'",
    )
    .bind(&prefix)
    .fetch_one(&mut **tx)
    .await?;
    let in_push = given
        .iter()
        .filter(|n| n.date() == number.date() && n.seat() == seat)
        .map(CaseNumber::seq)
        .max()
        .unwrap_or(0);
    let last = u32::try_from(held.unwrap_or(0)).unwrap_or(0).max(in_push);
    // None only past 99,999 numbers of one seat in a day, or a seat code the server never gives.
    Ok(CaseNumber::new(number.date(), seat, last + 1).ok())
}

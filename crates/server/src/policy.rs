//! What the server decides on its own: which clocks a case runs. A seat resolves the clocks
//! when it records the call (so it can count offline) and writes them into the `received`
//! event; the server resolves them again from the policy and, when the seat's differ (an older
//! build, a tampered one, none at all), records a `clocks_corrected` event beside it. Every fold
//! — here and on the seats after their next pull — then counts with the policy's clocks, and
//! the case's timeline says that its deadlines were corrected and why.

use chrono::{DateTime, Utc};
use hotline_domain::case::{Actor, CaseId, DeviceId, Event, EventBody, EventId, IntakeDraft, Role};
use hotline_domain::centre::PolicyHistory;
use sqlx::{Postgres, Transaction};
use uuid::{NoContext, Timestamp, Uuid};

use crate::error::ApiError;
use crate::supervise::SYSTEM_USER;

/// The device the server's own corrections are recorded from (its sequence is the lock).
pub const POLICY_DEVICE: &str = "server-policy";

/// A pushed `received` event resolved against the policy, once: refused when its intake does not
/// resolve or is not in normal form; else the correction it needs, if its clocks are not the
/// policy's. Any other event needs nothing.
pub fn check_received(
    e: &Event,
    history: &PolicyHistory,
    now: DateTime<Utc>,
) -> Result<Option<Event>, ApiError> {
    let EventBody::Received(intake) = &e.body else {
        return Ok(None);
    };
    // The version in force when the call was received, whatever version the seat had.
    let in_force = history.in_force(e.at);
    let centre = &in_force.policy;
    let policy = IntakeDraft::from(&**intake)
        .resolve(centre)
        .map_err(|err| ApiError::unprocessable(err.code(), err.to_string()))?;
    if policy.caller.phone != intake.caller.phone || policy.description != intake.description {
        return Err(ApiError::unprocessable(
            "intake.not_normalised",
            "phone or description not in normal form / 电话或内容格式未规范化",
        ));
    }
    // What the catalog decides (the case's domain, whether it needs acceptance, whether it may
    // be answered on the spot) is the policy's, never the seat's: a complaint written as
    // answerable on the spot would close with no bureau ever seeing it.
    if policy.domain != intake.domain
        || policy.needs_acceptance != intake.needs_acceptance
        || policy.answerable_on_spot != intake.answerable_on_spot
    {
        return Err(ApiError::unprocessable(
            "intake.not_policy",
            format!(
                "the kind {:?} is {}answerable on the spot and {}needs acceptance under the centre's policy (version {}); the event says otherwise / 受理事件的类型属性与中心时限政策不符",
                intake.kind,
                if policy.answerable_on_spot { "" } else { "not " },
                if policy.needs_acceptance { "" } else { "not " },
                in_force.version
            ),
        ));
    }
    if policy.clocks == intake.clocks {
        return Ok(None);
    }
    let keys = |c: &[hotline_domain::sla::ClockSpec]| {
        c.iter()
            .map(|s| s.key.as_str())
            .collect::<Vec<_>>()
            .join(",")
    };
    let reason = format!(
        "the seat wrote clocks [{}], the centre's policy (version {}) runs [{}] / 受理时写入的时限与中心时限政策（第{}版）不符，已按政策更正",
        keys(&intake.clocks),
        in_force.version,
        keys(&policy.clocks),
        in_force.version
    );
    Ok(Some(correction(
        e.case,
        now,
        EventBody::ClocksCorrected {
            clocks: policy.clocks,
            reason,
        },
    )))
}

/// A correction the server records of its own (as the system user, from its own device): its
/// id and time follow the server's clock, as every event the server records.
pub fn correction(case: CaseId, now: DateTime<Utc>, body: EventBody) -> Event {
    let id = Uuid::new_v7(Timestamp::from_unix(
        NoContext,
        now.timestamp().max(0) as u64,
        now.timestamp_subsec_nanos(),
    ));
    Event {
        id: EventId(id),
        case,
        at: hotline_domain::time::to_the_second(now),
        actor: Actor {
            user: SYSTEM_USER.into(),
            role: Role::System,
            bureau: None,
        },
        device: DeviceId(POLICY_DEVICE.into()),
        seen: 1,
        body,
    }
}

/// Records the corrections of a push — clocks and numbers — in its transaction (their cases are
/// the push's own, which it refolds).
pub async fn record(
    tx: &mut Transaction<'_, Postgres>,
    corrections: Vec<Event>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if corrections.is_empty() {
        return Ok(());
    }
    let user: i64 = sqlx::query_scalar("SELECT id FROM users WHERE name = $1")
        .bind(SYSTEM_USER)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING")
        .bind(POLICY_DEVICE)
        .bind(user)
        .execute(&mut **tx)
        .await?;
    let last: i64 =
        sqlx::query_scalar("SELECT last_seq FROM devices WHERE device_id = $1 FOR UPDATE")
            .bind(POLICY_DEVICE)
            .fetch_one(&mut **tx)
            .await?;
    let numbered: Vec<(i64, Event)> = corrections
        .into_iter()
        .enumerate()
        .map(|(i, e)| (last + 1 + i as i64, e))
        .collect();
    crate::api::sync::insert_events(tx, POLICY_DEVICE, user, &numbered, now).await?;
    sqlx::query("UPDATE devices SET last_seq = $2 WHERE device_id = $1")
        .bind(POLICY_DEVICE)
        .bind(last + numbered.len() as i64)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

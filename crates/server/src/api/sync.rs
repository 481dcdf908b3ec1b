//! Push (exactly once per device sequence), pull (never skipping), and the live stream.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::Json;
use chrono::Duration;
use futures::Stream;
use hotline_domain::case::{admit, CaseId, Event, EventBody, Inadmissible, Role};
use hotline_domain::centre::PolicyHistory;
use hotline_domain::wire::{PullPage, PulledEvent, PushResponse, PushedEvent, Refusal, MAX_PUSH};
use serde::Deserialize;
use sqlx::types::Json as SqlJson;
use sqlx::Row;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

use super::mask::mask_event;
use crate::auth::{authenticate, Principal};
use crate::device_time;
use crate::error::ApiError;
use crate::fanout::CHANNEL;
use crate::snapshot::refold_many;
use crate::state::AppState;

/// The push as it arrives: each event is read on its own, so one that this server cannot read
/// (a newer seat's step) is refused alone instead of failing the push.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPush {
    device_id: String,
    events: Vec<serde_json::Value>,
}

/// One pushed event and what became of it: applied (with the server's correction of its clocks,
/// if it needs one) or refused.
enum Verdict {
    Fresh(i64, Event, Option<Box<Event>>),
    Refused(i64, serde_json::Value, Refusal),
}

impl Verdict {
    /// Refuses an event a check over the whole batch found wrong.
    fn refuse(&mut self, e: &ApiError) {
        if let Verdict::Fresh(seq, event, _) = self {
            let r = refusal(*seq, Some(event), e);
            *self = Verdict::Refused(
                *seq,
                serde_json::json!({ "device_seq": *seq, "event": event }),
                r,
            );
        }
    }

    fn fresh(&self) -> Option<&Event> {
        match self {
            Verdict::Fresh(_, e, _) => Some(e),
            Verdict::Refused(..) => None,
        }
    }
}

pub async fn push(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PushResponse>, ApiError> {
    let now = app.clock.now();
    let who = authenticate(&app.pool, &headers, now).await?;
    let offset = device_time::offset_of(&headers, now);
    let req: RawPush = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(
            "push.malformed",
            format!("the push is not valid JSON of the expected shape: {e} / 推送数据格式错误"),
        )
    })?;
    if req.device_id != who.device_id {
        return Err(ApiError::forbidden(
            "push.device",
            "the push names another device than the session's / 设备与登录会话不符",
        ));
    }
    if req.events.len() > MAX_PUSH {
        return Err(ApiError::bad_request(
            "push.too_many",
            format!("at most {MAX_PUSH} events per push / 单次推送事件过多"),
        ));
    }
    let mut events = req
        .events
        .into_iter()
        .map(
            |v| match v.get("device_seq").and_then(serde_json::Value::as_i64) {
                Some(seq) => Ok((seq, v)),
                None => Err(ApiError::bad_request(
                    "push.malformed",
                    "an event without its device_seq / 事件缺少序号",
                )),
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    events.sort_by_key(|(seq, _)| *seq);

    let centre = app.calendar.fresh_centre(&app.pool).await?;
    let mut tx = app.pool.begin().await?;
    sqlx::query("INSERT INTO devices (device_id, user_id) VALUES ($1, $2) ON CONFLICT (device_id) DO NOTHING")
        .bind(&who.device_id)
        .bind(who.user_id)
        .execute(&mut *tx)
        .await?;
    let (last_seq, owner, contact) = device_time::lock(&mut tx, &who.device_id, offset).await?;
    // A device pushes only for the user it belongs to (bound at login): another user's session
    // naming it must not take its sequence and jam it.
    if owner.is_some_and(|o| o != who.user_id) {
        return Err(ApiError::forbidden(
            "push.device_taken",
            "this device is registered to another user / 该设备已登记给其他用户",
        ));
    }
    let Judged {
        mut verdicts,
        mut refused,
        duplicates,
        last_seq,
    } = judge(&mut tx, &who, &centre.policy, events, last_seq, now).await?;
    refuse_unknown_bureaus(&mut tx, &mut verdicts).await?;
    refuse_replays(&mut tx, &mut verdicts).await?;
    refuse_unknown_cases(&mut tx, &mut verdicts).await?;
    refuse_backdated(&mut tx, &who.device_id, &contact, &mut verdicts).await?;
    device_time::note_push(&mut tx, &who.device_id, who.user_id, now, &contact).await?;
    let (mut fresh, mut corrections) = (Vec::new(), Vec::new());
    for v in verdicts {
        match v {
            Verdict::Fresh(seq, e, correction) => {
                fresh.push((seq, e));
                corrections.extend(correction.map(|c| *c));
            }
            Verdict::Refused(seq, raw, r) => {
                record_refusal(&mut tx, &who, seq, &raw, &r, now).await?;
                refused.push(r);
            }
        }
    }
    let applied = fresh.len();
    if !fresh.is_empty() {
        insert_events(&mut tx, &who.device_id, who.user_id, &fresh, now).await?;
        // The server decides which clocks a case runs and keeps its number unique: corrections
        // recorded beside the seat's events.
        corrections.extend(crate::numbering::confirm(&mut tx, &who, &fresh, now).await?);
        crate::policy::record(&mut tx, corrections, now).await?;
        let mut touched: Vec<CaseId> = fresh.iter().map(|(_, e)| e.case).collect();
        touched.sort();
        touched.dedup();
        refold_many(&mut tx, &touched, &centre.sla).await?;
    }
    sqlx::query("UPDATE devices SET last_seq = $2 WHERE device_id = $1")
        .bind(&who.device_id)
        .bind(last_seq)
        .execute(&mut *tx)
        .await?;
    if applied > 0 {
        // Delivered to every listening server process when, and only if, this commits.
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(PushResponse {
        applied,
        duplicates,
        last_seq,
        refused,
    }))
}

/// A push's events, each judged on its own.
struct Judged {
    verdicts: Vec<Verdict>,
    /// Refusals given again for sequence numbers already used (a retried push).
    refused: Vec<Refusal>,
    duplicates: usize,
    last_seq: i64,
}

/// Reads and checks each event in sequence order: a number already used is a duplicate (or a
/// refusal given again), the next number is read and checked, a gap stops the push whole.
async fn judge(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    who: &Principal,
    policy: &PolicyHistory,
    events: Vec<(i64, serde_json::Value)>,
    mut last_seq: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Judged, ApiError> {
    let (mut duplicates, mut refused) = (0, Vec::new());
    let mut verdicts: Vec<Verdict> = Vec::with_capacity(events.len());
    for (device_seq, raw) in events {
        if device_seq <= last_seq {
            match earlier_answer(tx, &who.device_id, device_seq, &raw).await? {
                Some(r) => refused.push(r),
                None => duplicates += 1,
            }
            continue;
        }
        if device_seq != last_seq + 1 {
            return Err(ApiError::conflict(
                "push.sequence_gap",
                format!("expected device sequence {} but got {device_seq}; push from the oldest unsent event / 事件序号不连续", last_seq + 1),
            ));
        }
        last_seq = device_seq;
        verdicts.push(match serde_json::from_value::<PushedEvent>(raw.clone()) {
            Err(e) => Verdict::Refused(
                device_seq,
                raw,
                refusal(
                    device_seq,
                    None,
                    &ApiError::unprocessable(
                        "push.unreadable",
                        format!("this server cannot read the event: {e} / 服务器无法识别该事件"),
                    ),
                ),
            ),
            Ok(PushedEvent { event, .. }) => {
                let event = to_the_second(event);
                match check_event(who, policy, &event, now) {
                    Ok(correction) => Verdict::Fresh(device_seq, event, correction.map(Box::new)),
                    Err(e) => {
                        Verdict::Refused(device_seq, raw, refusal(device_seq, Some(&event), &e))
                    }
                }
            }
        });
    }
    Ok(Judged {
        verdicts,
        refused,
        duplicates,
        last_seq,
    })
}

/// The event kept to the second, as a seat records it (`time::to_the_second`): an older seat's
/// fraction of a second would make the server's decision of a clock differ from the seat's.
fn to_the_second(mut event: Event) -> Event {
    event.at = hotline_domain::time::to_the_second(event.at);
    event
}

fn refusal(device_seq: i64, event: Option<&Event>, e: &ApiError) -> Refusal {
    Refusal {
        device_seq,
        event: event.map(|e| e.id.0),
        code: e.code.to_owned(),
        message: e.message.clone(),
    }
}

/// A sequence already used: the same event again is a duplicate, a refused one is refused again
/// (its first answer may have been lost), another event under the number is an error (a seat
/// restored from an old backup would otherwise lose it silently).
async fn earlier_answer(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    device: &str,
    seq: i64,
    raw: &serde_json::Value,
) -> Result<Option<Refusal>, ApiError> {
    let id = raw
        .pointer("/event/id")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<uuid::Uuid>().ok());
    let stored: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM events WHERE device_id = $1 AND device_seq = $2")
            .bind(device)
            .bind(seq)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(stored) = stored {
        if Some(stored) != id {
            return Err(ApiError::conflict(
                "push.sequence_reused",
                format!("device sequence {seq} already holds another event / 事件序号已被占用"),
            ));
        }
        return Ok(None);
    }
    let row = sqlx::query("SELECT event_id, code, message FROM refused_events WHERE device_id = $1 AND device_seq = $2")
        .bind(device)
        .bind(seq)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(r) = row else { return Ok(None) };
    let refused: Option<uuid::Uuid> = r.get("event_id");
    if refused.is_some() && refused != id {
        return Err(ApiError::conflict(
            "push.sequence_reused",
            format!("device sequence {seq} was used by a refused event / 事件序号已被占用"),
        ));
    }
    Ok(Some(Refusal {
        device_seq: seq,
        event: refused,
        code: r.get("code"),
        message: r.get("message"),
    }))
}

async fn record_refusal(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    who: &Principal,
    seq: i64,
    raw: &serde_json::Value,
    r: &Refusal,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    let case = raw
        .pointer("/event/case")
        .and_then(|v| v.as_str())
        .and_then(|s| s.parse::<uuid::Uuid>().ok());
    sqlx::query(
        "INSERT INTO refused_events (device_id, device_seq, event_id, case_id, user_id, refused_at, code, message, body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&who.device_id)
    .bind(seq)
    .bind(r.event)
    .bind(case)
    .bind(who.user_id)
    .bind(now)
    .bind(&r.code)
    .bind(&r.message)
    .bind(SqlJson(raw))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An event whose id is already stored (pushed before from another device or sequence) is a
/// replay: refused alone.
async fn refuse_replays(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    verdicts: &mut [Verdict],
) -> Result<(), sqlx::Error> {
    let ids: Vec<uuid::Uuid> = verdicts
        .iter()
        .filter_map(Verdict::fresh)
        .map(|e| e.id.0)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let stored: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM events WHERE id = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut **tx)
        .await?;
    let replayed = ApiError::conflict(
        "push.replayed",
        "this event was already recorded from another push / 事件已存在（重放）",
    );
    for v in verdicts.iter_mut() {
        if v.fresh().is_some_and(|e| stored.contains(&e.id.0)) {
            v.refuse(&replayed);
        }
    }
    Ok(())
}

/// Appends events recorded on `device` by `user`, each with its device sequence, in one
/// statement; an id already stored is skipped. Returns how many were stored.
pub(crate) async fn insert_events(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    device: &str,
    user: i64,
    events: &[(i64, Event)],
    stored_at: chrono::DateTime<chrono::Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "INSERT INTO events (id, case_id, device_id, device_seq, user_id, at, body, stored_at)
         SELECT id, case_id, $3, seq, $5, at, body, $8
         FROM UNNEST($1::uuid[], $2::uuid[], $4::bigint[], $6::timestamptz[], $7::jsonb[]) AS t(id, case_id, seq, at, body)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(events.iter().map(|(_, e)| e.id.0).collect::<Vec<_>>())
    .bind(events.iter().map(|(_, e)| e.case.0).collect::<Vec<_>>())
    .bind(device)
    .bind(events.iter().map(|(s, _)| *s).collect::<Vec<_>>())
    .bind(user)
    .bind(events.iter().map(|(_, e)| e.at).collect::<Vec<_>>())
    .bind(
        events
            .iter()
            .map(|(_, e)| SqlJson(crate::stored_event::stored_body(e)))
            .collect::<Vec<_>>(),
    )
    .bind(stored_at)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}

/// Everything about one pushed event that needs no database, except its place in the case's
/// history (a step the history cannot take is kept and flagged as a conflict, never dropped).
/// A `received` event is resolved against the policy once: the answer is the correction of its
/// clocks the server records beside it, if it needs one.
fn check_event(
    who: &Principal,
    policy: &PolicyHistory,
    e: &Event,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Event>, ApiError> {
    if e.device.0 != who.device_id
        || e.actor.user != who.name
        || e.actor.role != who.role
        || e.actor.bureau != who.bureau
    {
        return Err(ApiError::forbidden("push.actor", format!("event {} names another user or device than the session's / 事件的操作人与登录用户不符", e.id.0)));
    }
    // The actor is the session's (above), so the domain's check of it is the session's.
    admit(e).map_err(|err| match err {
        Inadmissible::Forbidden { step, step_zh } => ApiError::forbidden(
            "push.forbidden",
            format!(
                "a {} may not record {step} ({step_zh}) / 无权执行「{step_zh}」",
                crate::auth::role_name(who.role),
            ),
        ),
        other => ApiError::unprocessable(other.code(), other.to_string()),
    })?;
    if e.at > now + Duration::hours(24) {
        return Err(ApiError::unprocessable(
            "push.future",
            format!(
                "event {} is dated {} , more than a day ahead / 事件时间超前",
                e.id.0, e.at
            ),
        ));
    }
    if e.id.0.get_version_num() != 7 || e.case.0.get_version_num() != 7 {
        return Err(ApiError::unprocessable(
            "push.id",
            "event and case ids must be UUIDv7 / 标识须为 UUIDv7",
        ));
    }
    crate::policy::check_received(e, policy, now)
}

/// An event belongs to a case that exists — stored, or received earlier in this push — and a
/// `received` event opens a case that does not exist yet (one query for the whole batch).
async fn refuse_unknown_cases(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    verdicts: &mut [Verdict],
) -> Result<(), sqlx::Error> {
    let mut ids: Vec<uuid::Uuid> = verdicts
        .iter()
        .filter_map(Verdict::fresh)
        .map(|e| e.case.0)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort();
    ids.dedup();
    let stored: std::collections::HashSet<uuid::Uuid> =
        sqlx::query_scalar("SELECT id FROM cases WHERE id = ANY($1)")
            .bind(&ids)
            .fetch_all(&mut **tx)
            .await?
            .into_iter()
            .collect();
    let mut opened = std::collections::HashSet::new();
    for v in verdicts.iter_mut() {
        let Some(e) = v.fresh() else { continue };
        let (case, receives) = (e.case.0, matches!(e.body, EventBody::Received(_)));
        let exists = stored.contains(&case) || opened.contains(&case);
        if receives && exists {
            v.refuse(&ApiError::conflict(
                "push.case_exists",
                "this case was already received: a case has one `received` event / 该工单已受理，不能重复受理",
            ));
        } else if receives {
            opened.insert(case);
        } else if !exists {
            v.refuse(&ApiError::unprocessable(
                "push.unknown_case",
                "no such case on the server / 服务器上不存在该工单",
            ));
        }
    }
    Ok(())
}

/// An event may not claim a time its device could not have had ([`device_time`]): before the
/// device's last pull, or before the server stored what the device had seen of the case. Each
/// is refused alone (set aside on the seat with the reason), the rest go on.
async fn refuse_backdated(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    device: &str,
    contact: &device_time::Contact,
    verdicts: &mut [Verdict],
) -> Result<(), sqlx::Error> {
    for v in verdicts.iter_mut() {
        let Verdict::Fresh(seq, e, _) = v else {
            continue;
        };
        if let Some(earliest) = contact.after_pull(*seq).filter(|t| e.at < *t) {
            let message = format!(
                "event {} is dated {}, before this device's last sync (not before {earliest}) / 事件时间早于本设备上次同步",
                e.id.0, e.at
            );
            v.refuse(&ApiError::unprocessable("push.before_contact", message));
        }
    }
    let case_of = |v: &Verdict| match v {
        Verdict::Fresh(_, e, _) => Some(e.case.0),
        Verdict::Refused(_, raw, _) => raw
            .pointer("/event/case")
            .and_then(|c| c.as_str())
            .and_then(|c| c.parse().ok()),
    };
    let mut cases: Vec<uuid::Uuid> = verdicts
        .iter()
        .filter_map(Verdict::fresh)
        .filter(|e| e.seen > 0)
        .map(|e| e.case.0)
        .collect();
    cases.sort();
    cases.dedup();
    if cases.is_empty() {
        return Ok(());
    }
    let stored: Vec<(uuid::Uuid, bool, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT case_id, device_id = $2, stored_at FROM events WHERE case_id = ANY($1) ORDER BY stored_at",
    )
    .bind(&cases)
    .bind(device)
    .fetch_all(&mut **tx)
    .await?;
    // Refused events stay in the seat's history and count in `seen`: counted as its own (all of
    // them, whatever their case: counting too many only loosens the bound).
    let refused: i64 =
        sqlx::query_scalar("SELECT count(*) FROM refused_events WHERE device_id = $1")
            .bind(device)
            .fetch_one(&mut **tx)
            .await?;
    let mut own: HashMap<uuid::Uuid, usize> = HashMap::new();
    let mut others: HashMap<uuid::Uuid, Vec<chrono::DateTime<chrono::Utc>>> = HashMap::new();
    for (case, mine, at) in stored {
        if mine {
            *own.entry(case).or_default() += 1;
        } else {
            others.entry(case).or_default().push(at);
        }
    }
    for v in verdicts.iter_mut() {
        let Some(case) = case_of(v) else { continue };
        let had = own.get(&case).copied().unwrap_or(0) + refused as usize;
        *own.entry(case).or_default() += 1;
        let Verdict::Fresh(_, e, _) = v else { continue };
        let bound = device_time::after_seen(e.seen, had, others.get(&case).map_or(&[], |o| o));
        if let Some(earliest) = bound.map(|s| contact.on_device(s)).filter(|t| e.at < *t) {
            let message = format!(
                "event {} is dated {}, before the server stored what its device had seen of the case (not before {earliest}) / 事件时间早于本设备已看到的记录",
                e.id.0, e.at
            );
            v.refuse(&ApiError::unprocessable("push.before_seen", message));
        }
    }
    Ok(())
}

/// Every bureau a push dispatches to must exist (one query for the whole batch); a dispatch to
/// an unknown one is refused alone.
async fn refuse_unknown_bureaus(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    verdicts: &mut [Verdict],
) -> Result<(), sqlx::Error> {
    let target = |e: &Event| match &e.body {
        EventBody::Dispatched { bureau, .. } | EventBody::Redispatched { to: bureau, .. } => {
            Some(bureau.0.clone())
        }
        _ => None,
    };
    let mut wanted: Vec<String> = verdicts
        .iter()
        .filter_map(Verdict::fresh)
        .filter_map(target)
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let known: Vec<String> = sqlx::query_scalar("SELECT code FROM bureaus WHERE code = ANY($1)")
        .bind(&wanted)
        .fetch_all(&mut **tx)
        .await?;
    for v in verdicts.iter_mut() {
        if let Some(b) = v.fresh().and_then(target).filter(|b| !known.contains(b)) {
            v.refuse(&ApiError::unprocessable(
                "push.unknown_bureau",
                format!("unknown bureau {b} / 未知的承办单位 {b}"),
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct PullQuery {
    /// The `next` of the previous page; none for the beginning.
    pub after: Option<String>,
    pub limit: Option<i64>,
}

/// Events after `after` that no running transaction can still precede, in pull order, and
/// whether the page is full. Only events of transactions older than every transaction still
/// running: one that commits later always has a larger txid than anything returned now, so a
/// cursor never skips it.
pub(crate) async fn visible_after(
    pool: &sqlx::PgPool,
    after: (i64, i64),
    limit: i64,
    bureau: Option<&str>,
) -> Result<(Vec<(i64, i64, Event)>, bool), ApiError> {
    let rows = sqlx::query(&format!(
        "SELECT tx_id::text::bigint AS tx, pos, whole_event(body, id, case_id, device_id) AS body
             FROM events e
             WHERE (tx_id, pos) > ($1::text::xid8, $2)
               AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
               AND ($4::text IS NULL OR {})
             ORDER BY tx_id, pos LIMIT $3",
        bureau_sees("$4")
    ))
    .bind(after.0.to_string())
    .bind(after.1)
    .bind(limit)
    .bind(bureau)
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 == limit;
    let events = rows
        .into_iter()
        .map(|r| {
            let event = serde_json::from_value(r.get("body")).map_err(|e| {
                ApiError::new(
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "server.corrupt",
                    e.to_string(),
                )
            })?;
            Ok((r.get("tx"), r.get("pos"), event))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((events, more))
}

/// Which events (`e`) the bureau bound to `param` receives. Those of the cases assigned to it
/// now; of a case taken away from it by a re-dispatch (改派), the events up to and including the
/// one that took it away and nothing after: its seat learns the case went elsewhere and keeps what
/// it already had, read-only (the fold refuses a withdrawn bureau's steps), while the caller's
/// further dealings with the new bureau are none of its business. Dispatched to it again, it
/// sees everything again. The cheap test of the withdrawn set comes first: the history lookup
/// runs only for the few withdrawn cases.
pub(crate) fn bureau_sees(param: &str) -> String {
    format!(
        "(e.case_id IN (SELECT case_id FROM case_bureaus WHERE bureau = {param} AND status <> 'withdrawn')
          OR (e.case_id IN (SELECT case_id FROM case_bureaus WHERE bureau = {param} AND status = 'withdrawn')
              AND EXISTS (SELECT 1 FROM events w WHERE w.case_id = e.case_id
                  AND (w.tx_id, w.pos) >= (e.tx_id, e.pos)
                  AND w.body @> jsonb_build_object('type', 'redispatched', 'from', {param}::text))))"
    )
}

/// Whether, after a last page of [`visible_after`] ending at `after`, committed events lie past
/// it: held back behind an older transaction when the page was read, or committed since; either
/// way a pull in a moment returns them. Not compared with this query's own snapshot: the older
/// transaction may end between the two queries, and an event held for the page would then look
/// neither held nor returned, and the seat would stop short of it (a restored server's seat did,
/// `crates/cli/tests/sync.rs`, fresh-clone CI of 2026-12-04).
pub(crate) async fn held_after(
    pool: &sqlx::PgPool,
    after: (i64, i64),
    bureau: Option<&str>,
) -> Result<bool, ApiError> {
    Ok(sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM events e WHERE (tx_id, pos) > ($1::text::xid8, $2)
               AND ($3::text IS NULL OR {}))",
        bureau_sees("$3")
    ))
    .bind(after.0.to_string())
    .bind(after.1)
    .bind(bureau)
    .fetch_one(pool)
    .await?)
}

/// Cursors are `TXID:POS`, zero-padded so that text order is pull order on the seats too.
pub(crate) fn cursor(tx: i64, pos: i64) -> String {
    format!("{tx:020}:{pos:020}")
}

pub(crate) fn parse_cursor(s: &str) -> Option<(i64, i64)> {
    let (a, b) = s.split_once(':')?;
    Some((a.parse().ok()?, b.parse().ok()?))
}

/// Who asks for cases (a pull, a working set, a case's history): any signed-in user but an
/// administrator, who receives none.
pub(crate) async fn receiver(
    app: &AppState,
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Principal, ApiError> {
    let who = authenticate(&app.pool, headers, now).await?;
    if who.role == Role::Admin {
        return Err(ApiError::forbidden(
            "pull.role",
            "administrators do not receive cases / 管理员不接收工单",
        ));
    }
    Ok(who)
}

pub async fn pull(
    State(app): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Result<Json<PullPage>, ApiError> {
    let now = app.clock.now();
    let who = receiver(&app, &headers, now).await?;
    let (tx_after, pos_after) = match q.after.as_deref() {
        None | Some("") => (0, 0),
        Some(c) => parse_cursor(c).ok_or_else(|| {
            ApiError::bad_request("pull.cursor", "malformed cursor / 游标格式错误")
        })?,
    };
    let limit = q.limit.unwrap_or(500).clamp(1, 5_000);
    let offset = device_time::offset_of(&headers, now);
    device_time::note_pull(&app.pool, &who.device_id, who.user_id, now, offset).await?;
    let bureau = who.bureau.as_ref().map(|b| b.0.clone());
    let (rows, more) =
        visible_after(&app.pool, (tx_after, pos_after), limit, bureau.as_deref()).await?;
    let mut next = cursor(tx_after, pos_after);
    let mut out = Vec::with_capacity(rows.len());
    for (tx, pos, event) in rows {
        // A bureau receiving a case gets its history up to the dispatch too.
        if let Some(b) = &bureau {
            let to_us = matches!(&event.body, EventBody::Dispatched { bureau, .. } | EventBody::Redispatched { to: bureau, .. } if bureau.0 == *b);
            if to_us {
                // Only what the cursor has already passed: later events come in this pull anyway.
                let earlier = sqlx::query(
                    "SELECT tx_id::text::bigint AS tx, pos, whole_event(body, id, case_id, device_id) AS body
                     FROM events WHERE case_id = $1 AND (tx_id, pos) <= ($2::text::xid8, $3) ORDER BY tx_id, pos",
                )
                .bind(event.case.0)
                .bind(tx_after.to_string())
                .bind(pos_after)
                .fetch_all(&app.pool)
                .await?;
                for e in earlier {
                    if let Ok(mut ev) = serde_json::from_value::<Event>(e.get("body")) {
                        mask_event(who.role, &mut ev.body);
                        out.push(PulledEvent {
                            pos: cursor(e.get("tx"), e.get("pos")),
                            event: ev,
                        });
                    }
                }
            }
        }
        let mut event = event;
        mask_event(who.role, &mut event.body);
        out.push(PulledEvent {
            pos: cursor(tx, pos),
            event,
        });
        next = cursor(tx, pos);
    }
    let held = !more
        && held_after(
            &app.pool,
            parse_cursor(&next).unwrap_or((0, 0)),
            bureau.as_deref(),
        )
        .await?;
    Ok(Json(PullPage {
        events: out,
        next,
        more,
        held,
        epoch: Some(app.epoch.clone()),
    }))
}

type EventStream = std::pin::Pin<Box<dyn Stream<Item = Result<SseEvent, Infallible>> + Send>>;

/// Server-sent events. Users who see every case get `events` messages carrying a [`LivePage`];
/// bureau handlers (scoped, masked) get `changed` and pull. A lagging receiver missed messages,
/// not events: `changed` tells it to pull them.
///
/// [`LivePage`]: hotline_domain::wire::LivePage
pub async fn stream(
    State(app): State<AppState>,
    headers: HeaderMap,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let who = authenticate(&app.pool, &headers, app.clock.now()).await?;
    let hello = tokio_stream::once(Ok(SseEvent::default().event("hello").data("")));
    let changed = || Ok(SseEvent::default().event("changed").data(""));
    let rest: EventStream = if super::mask::sees_caller(who.role) {
        Box::pin(
            BroadcastStream::new(app.pages.subscribe()).map(move |m| match m {
                Ok(page) => Ok(SseEvent::default().event("events").data(page.as_str())),
                Err(_) => changed(),
            }),
        )
    } else {
        Box::pin(BroadcastStream::new(app.notices.subscribe()).map(move |_| changed()))
    };
    let ended = session_ended(&app, &who);
    let all: EventStream = Box::pin(futures::StreamExt::take_until(hello.chain(rest), ended));
    Ok(Sse::new(all).keep_alive(KeepAlive::default()))
}

/// Resolves when `who`'s session ends: its token expires, is logged out, or its user is
/// disabled (announced by any server process through [`crate::fanout::SESSIONS`]). The live
/// stream closes then, and the desk's reconnect is told why.
fn session_ended(app: &AppState, who: &Principal) -> impl std::future::Future<Output = ()> {
    let mut revoked = app.revoked.subscribe();
    let (user, token) = (
        format!("user:{}", who.user_id),
        format!("token:{}", who.session),
    );
    let left = (who.expires_at - app.clock.now())
        .to_std()
        .unwrap_or_default();
    async move {
        let expiry = tokio::time::sleep(left);
        tokio::pin!(expiry);
        loop {
            tokio::select! {
                _ = &mut expiry => return,
                m = revoked.recv() => match m {
                    Ok(p) if p == user || p == token => return,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
                    _ => {}
                },
            }
        }
    }
}

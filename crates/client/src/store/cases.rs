//! Writing: a user's action becomes an event, checked against the case's folded state, written
//! with its outbox entry and the refreshed snapshot in one transaction — or not at all.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use hotline_domain::case::{
    admit, Actor, Caller, CaseId, CaseNumber, CaseState, Channel, DeviceId, Event, EventBody,
    Intake, IntakeDraft, Level,
};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::local_date;
use sqlx::{Row, Sqlite, Transaction};

use super::snapshot::save_snapshot;
use super::{corrupt, for_cases, LocalStore, CASES_PER_QUERY};
use crate::ids::{new_case_id, new_event_id};
use crate::ClientError;

/// What a seat types for a new case.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: String,
    pub category: String,
    pub phone: String,
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub channel: Channel,
    pub district: String,
    pub address: String,
    pub description: String,
    pub level: Option<Level>,
}

/// A case made up for demonstration or measurement: what was typed, when, and what followed.
pub type LocalStory = (
    NewCase,
    DateTime<Utc>,
    Vec<(EventBody, DateTime<Utc>, Option<Actor>)>,
);

impl LocalStore {
    /// Records a new case: numbers it, resolves its clocks, writes its `received` event.
    pub async fn new_case(
        &self,
        input: NewCase,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ClientError> {
        self.new_case_with(input, vec![], cal, now).await
    }

    /// Records a new case and, in the same transaction, the steps that follow at once (e.g.
    /// answered on the spot): all of them are stored, or none.
    pub async fn new_case_with(
        &self,
        input: NewCase,
        then: Vec<EventBody>,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ClientError> {
        let alerts = self.snapshot_rules();
        let mut tx = self.write().await?;
        let intake = self.resolve_intake(&mut tx, input, now).await?;
        let case = new_case_id(now);
        let mut state = record(
            &mut tx,
            self.event(case, EventBody::Received(Box::new(intake)), now),
            cal,
            &alerts,
        )
        .await?;
        for body in then {
            state = record(&mut tx, self.event(case, body, now), cal, &alerts).await?;
        }
        tx.commit().await?;
        Ok(state)
    }

    /// Records many cases, each with steps at their own instants (and, for a step another role
    /// took, its actor), in one transaction and outside the outbox: demonstration and benchmark
    /// data that must never reach a server. A case's story stops at its first refused step.
    pub async fn record_local_only(
        &self,
        cases: Vec<LocalStory>,
        cal: &SlaCalendar,
    ) -> Result<usize, ClientError> {
        let alerts = self.snapshot_rules();
        let mut tx = self.write().await?;
        let n = cases.len();
        for (input, at, steps) in cases {
            let case = new_case_id(at);
            let intake = self.resolve_intake(&mut tx, input, at).await?;
            let mut event = self.event(case, EventBody::Received(Box::new(intake)), at);
            write_event(&mut tx, &mut event, cal, &alerts, false).await?;
            for (body, at, actor) in steps {
                let mut event = self.event(case, body, at);
                if let Some(actor) = actor {
                    event.actor = actor;
                }
                match write_event(&mut tx, &mut event, cal, &alerts, false).await {
                    Err(ClientError::Step(_)) => break,
                    other => other?,
                };
            }
        }
        tx.commit().await?;
        Ok(n)
    }

    /// Records one step on an existing case, refusing it (and writing nothing) if the case's
    /// state does not allow it.
    pub async fn act(
        &self,
        case: CaseId,
        body: EventBody,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ClientError> {
        self.act_all(case, vec![body], cal, now).await
    }

    /// Records several steps on a case in one transaction: all of them, or — if the state
    /// refuses any — none.
    pub async fn act_all(
        &self,
        case: CaseId,
        bodies: Vec<EventBody>,
        cal: &SlaCalendar,
        now: DateTime<Utc>,
    ) -> Result<CaseState, ClientError> {
        let alerts = self.snapshot_rules();
        let mut tx = self.write().await?;
        let mut state = None;
        for body in bodies {
            state = Some(record(&mut tx, self.event(case, body, now), cal, &alerts).await?);
        }
        tx.commit().await?;
        state.ok_or_else(|| ClientError::Invalid {
            code: "case.no_step",
            message: "no step to record / 没有要记录的操作".into(),
        })
    }

    /// Numbers the case (this seat's next number for the day) and resolves its intake.
    async fn resolve_intake(
        &self,
        tx: &mut Transaction<'_, Sqlite>,
        input: NewCase,
        now: DateTime<Utc>,
    ) -> Result<Intake, ClientError> {
        let day = local_date(now);
        let seq: i64 = sqlx::query_scalar(
            "INSERT INTO seat_sequence (day, last) VALUES (?, 1)
             ON CONFLICT (day) DO UPDATE SET last = last + 1 RETURNING last",
        )
        .bind(day.to_string())
        .fetch_one(&mut **tx)
        .await?;
        let number = CaseNumber::new(
            day,
            &self.identity.seat_code,
            u32::try_from(seq).unwrap_or(u32::MAX),
        )
        .map_err(|e| ClientError::Invalid {
            code: "case.number",
            message: e.to_string(),
        })?;
        let draft = IntakeDraft {
            number,
            kind: input.kind,
            category: input.category,
            caller: Caller {
                phone: input.phone,
                name: input.name,
                id_number: input.id_number,
            },
            channel: input.channel,
            district: input.district,
            address: input.address,
            description: input.description,
            level: input.level,
        };
        // The version in force at the call's receipt (the server resolves it the same way).
        let policy = self.policy();
        let centre = &policy.in_force(now).policy;
        Ok(draft.resolve(centre)?)
    }

    fn event(&self, case: CaseId, body: EventBody, now: DateTime<Utc>) -> Event {
        let role = self.identity.role;
        Event {
            id: new_event_id(now),
            case,
            at: hotline_domain::time::to_the_second(now),
            actor: Actor {
                user: self.identity.user.clone(),
                role,
                bureau: self.identity.bureau.as_deref().map(Into::into),
            },
            device: DeviceId(self.identity.device_id.clone()),
            seen: 0, // set by `record` from the stored history
            body,
        }
    }
}

/// The histories of `cases` in this seat's order (as [`history`] reads one), a few hundred cases
/// per query: a pulled page folds every case it touched.
pub(super) async fn histories(
    tx: &mut Transaction<'_, Sqlite>,
    cases: &[CaseId],
) -> Result<HashMap<CaseId, Vec<Event>>, ClientError> {
    let mut out: HashMap<CaseId, Vec<Event>> = HashMap::with_capacity(cases.len());
    for chunk in cases.chunks(CASES_PER_QUERY) {
        let mut query = for_cases(
            "SELECT case_id, body FROM events WHERE case_id",
            chunk,
            "ORDER BY case_id, server_pos IS NULL, server_pos, local_seq",
        );
        for r in query.build().fetch_all(&mut **tx).await? {
            let event: Event = serde_json::from_str(r.get::<&str, _>("body"))
                .map_err(|e| corrupt("stored event", e))?;
            out.entry(event.case).or_default().push(event);
        }
    }
    Ok(out)
}

/// The case's history in the order every device folds it: events the server has ordered, in its
/// order, then this device's own not yet on the server, in the order they were made.
pub(super) async fn history(
    tx: &mut Transaction<'_, Sqlite>,
    case: CaseId,
) -> Result<Vec<Event>, ClientError> {
    let rows = sqlx::query(
        "SELECT body FROM events WHERE case_id = ?
         ORDER BY server_pos IS NULL, server_pos, local_seq",
    )
    .bind(case.0.to_string())
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.get("body");
            serde_json::from_str(&body).map_err(|e| corrupt("stored event", e))
        })
        .collect()
}

/// Writes a step this seat takes: first what the server would refuse without looking at the case
/// (`hotline_domain::case::admit`: the role's permission, every text's length, the words a step
/// cannot go without), so a step that cannot reach a bureau is never written to sit in the
/// outbox; then the case's own rules ([`write_event`]).
async fn record(
    tx: &mut Transaction<'_, Sqlite>,
    mut event: Event,
    cal: &SlaCalendar,
    alerts: &super::snapshot::SnapshotRules,
) -> Result<CaseState, ClientError> {
    admit(&event).map_err(|e| ClientError::Invalid {
        code: e.code(),
        message: e.to_string(),
    })?;
    write_event(tx, &mut event, cal, alerts, true).await
}

/// Folds the case's history, applies `event` strictly, and writes it (with its outbox row when
/// `outbox`) and the refreshed snapshot.
async fn write_event(
    tx: &mut Transaction<'_, Sqlite>,
    event: &mut Event,
    cal: &SlaCalendar,
    alerts: &super::snapshot::SnapshotRules,
    outbox: bool,
) -> Result<CaseState, ClientError> {
    let history = history(tx, event.case).await?;
    event.seen = u32::try_from(history.len()).unwrap_or(u32::MAX);
    let mut state = CaseState::fold(&history);
    if !matches!(event.body, EventBody::Received(_)) && state.id.is_none() {
        return Err(ClientError::NotFound(event.case.0.to_string()));
    }
    state.apply(event)?;
    let body = serde_json::to_string(&*event).expect("events serialise");
    sqlx::query("INSERT INTO events (id, case_id, at, body) VALUES (?, ?, ?, ?)")
        .bind(event.id.0.to_string())
        .bind(event.case.0.to_string())
        .bind(event.at.to_rfc3339())
        .bind(body)
        .execute(&mut **tx)
        .await?;
    if outbox {
        sqlx::query("INSERT INTO outbox (event_id) VALUES (?)")
            .bind(event.id.0.to_string())
            .execute(&mut **tx)
            .await?;
    }
    save_snapshot(tx, &state, cal, alerts).await?;
    Ok(state)
}

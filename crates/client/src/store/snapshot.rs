//! A case's snapshot: the row the queue lists (with its nearest due and the instant it turns
//! yellow), its bureaus, its search tokens and its pending alert points — all rewritten from the
//! folded state in the transaction that changed the case.

use hotline_domain::case::facts::CaseFacts;
use hotline_domain::case::working_set::{Desk, DeskSettings, Kept};
use hotline_domain::case::BureauCode;
use hotline_domain::case::{CaseState, Urgency};
use hotline_domain::sla::{AlertSettings, Light, RungAction, SlaCalendar};
use hotline_domain::text::index_tokens;
use sqlx::{Row, Sqlite, Transaction};

use super::alerts::{ESCALATED, HOTSPOT, LADDER_ALERT};
use super::cases::history;
use super::LocalStore;
use crate::ClientError;

/// What a snapshot holds; bump it when that changes and every snapshot is rebuilt on open.
const SNAPSHOT_FORMAT: i64 = 7;

/// What a snapshot is written with besides the calendar: the policy's alert settings and what
/// the desk keeps (its working set), for this desk's user.
pub(super) struct SnapshotRules {
    pub(super) alerts: AlertSettings,
    desk: DeskSettings,
    user: String,
    bureau: Option<BureauCode>,
}

impl SnapshotRules {
    /// The instant until which the desk keeps the case (unix seconds; 0: not kept), or None
    /// while it is on the desk.
    fn kept_until(&self, state: &CaseState) -> Option<i64> {
        let desk = Desk {
            user: &self.user,
            bureau: self.bureau.as_ref(),
        };
        match self.desk.kept(state, desk) {
            Kept::OnTheDesk => None,
            Kept::Until(t) => Some(t.timestamp()),
            Kept::No => Some(0),
        }
    }
}

impl LocalStore {
    pub(super) fn snapshot_rules(&self) -> SnapshotRules {
        let policy = self.policy();
        let current = &policy.current().policy;
        SnapshotRules {
            alerts: current.alerts.clone(),
            desk: current.desk,
            user: self.identity.user.clone(),
            bureau: self.identity.bureau.as_deref().map(BureauCode::from),
        }
    }
}

/// One desktop alert row: clock, label, bureau, run, threshold, at, due, provisional, for whom.
type AlertRow = (String, String, String, i64, String, i64, i64, bool, String);

/// The hotspot this case leads, one alert per supervisor it went to (`*`: every supervisor).
fn hotspot_points(state: &CaseState) -> Vec<AlertRow> {
    let Some(h) = &state.hotspot else {
        return Vec::new();
    };
    let to = if h.to.is_empty() {
        vec!["*".to_owned()]
    } else {
        h.to.clone()
    };
    to.into_iter()
        .map(|user| {
            (
                HOTSPOT.to_owned(),
                h.summary_zh(),
                String::new(),
                0,
                format!("{HOTSPOT}:{user}"),
                h.at.timestamp(),
                h.at.timestamp(),
                false,
                user,
            )
        })
        .collect()
}

/// The alerts the server's escalation ladder recorded, one per supervisor they went to (`*`:
/// every supervisor): `run` is the record's place among the case's ladder records, negated so
/// it never meets a clock run's number; `at` is when it was recorded, `due` the clock's due.
fn ladder_points(state: &CaseState, cal: &SlaCalendar) -> Vec<AlertRow> {
    let mut out = Vec::new();
    for (i, rec) in state.ladder_marks.iter().enumerate() {
        let threshold = match rec.action {
            RungAction::Alert => LADDER_ALERT,
            RungAction::Escalate => ESCALATED,
            RungAction::Urge => continue, // the bureau's, not a supervisor's
        };
        let clock = rec.clock.as_ref();
        let instance = clock.and_then(|c| state.clock(c));
        let label = instance.map(|c| c.spec.label.clone()).unwrap_or_default();
        let due = instance
            .and_then(|c| c.current())
            .and_then(|r| r.read(cal, rec.at).ok())
            .map_or(rec.at, |r| r.due);
        let bureau = clock
            .and_then(|c| c.bureau.as_ref())
            .map(|b| b.0.clone())
            .unwrap_or_default();
        let to = if rec.to.is_empty() {
            vec!["*".to_owned()]
        } else {
            rec.to.clone()
        };
        for user in to {
            out.push((
                clock.map(|c| c.key.clone()).unwrap_or_default(),
                label.clone(),
                bureau.clone(),
                -(i as i64) - 1,
                format!("{threshold}:{user}"),
                rec.at.timestamp(),
                due.timestamp(),
                false,
                user,
            ));
        }
    }
    out
}

/// Rewrites the case's row, its facts, its bureaus, its alert points and (for a new case) its
/// search tokens.
pub(super) async fn save_snapshot(
    tx: &mut Transaction<'_, Sqlite>,
    state: &CaseState,
    cal: &SlaCalendar,
    rules: &SnapshotRules,
) -> Result<(), ClientError> {
    let Some(id) = state.id else {
        return Ok(()); // a history without its `received` event yet (it may arrive later by sync)
    };
    let existed: Option<i64> = sqlx::query_scalar("SELECT rid FROM cases WHERE id = ?")
        .bind(id.0.to_string())
        .fetch_optional(&mut **tx)
        .await?;
    save_snapshot_as(tx, state, cal, rules, existed.is_none()).await
}

/// [`save_snapshot`] for a caller that knows whether the case is `fresh` (new to this store): a
/// pulled page asks once for all its cases. A fresh case has no earlier rows to delete, and
/// skipping those statements halves a new seat's first sync (each statement is a round trip to
/// sqlx's SQLite thread).
pub(super) async fn save_snapshot_as(
    tx: &mut Transaction<'_, Sqlite>,
    state: &CaseState,
    cal: &SlaCalendar,
    rules: &SnapshotRules,
    fresh: bool,
) -> Result<(), ClientError> {
    let facts = CaseFacts::of(state, cal);
    let (Some(id), Some(rid)) = (state.id, save_row(tx, state, &facts, cal, rules).await?) else {
        return Ok(()); // a history without its `received` event yet (it may arrive later by sync)
    };
    let case_id = id.0.to_string();
    save_facts(tx, rid, state, &facts, fresh).await?;
    sqlx::query("INSERT OR REPLACE INTO case_states (rid, state) VALUES (?, ?)")
        .bind(rid)
        .bind(serde_json::to_string(state).expect("state serialises"))
        .execute(&mut **tx)
        .await?;
    save_bureaus(tx, &case_id, state, fresh).await?;
    save_alert_points(tx, &case_id, state, cal, &rules.alerts, fresh).await?;
    // The searchable text is fixed at intake, unless the server renumbered the case: then both
    // numbers are searchable.
    if !fresh {
        if state.former_numbers.is_empty() {
            return Ok(());
        }
        sqlx::query("DELETE FROM case_search WHERE rowid = ?")
            .bind(rid)
            .execute(&mut **tx)
            .await?;
    }
    let text = state.search_text().unwrap_or_default();
    sqlx::query("INSERT INTO case_search (rowid, tokens) VALUES (?, ?)")
        .bind(rid)
        .bind(index_tokens(&text).join(" "))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The queue's row of the case, with its report facts, its current reply and what waits on a
/// supervisor; its row id. None (nothing written) before the case's `received` event.
async fn save_row(
    tx: &mut Transaction<'_, Sqlite>,
    state: &CaseState,
    facts: &CaseFacts,
    cal: &SlaCalendar,
    rules: &SnapshotRules,
) -> Result<Option<i64>, ClientError> {
    let (Some(id), Some(intake), Some(received_at)) =
        (state.id, state.intake.as_ref(), state.received_at)
    else {
        return Ok(None);
    };
    let next = state.next_due(cal);
    let light = state.light_schedule(cal, &rules.alerts);
    // What waits on a supervisor (the domain's rule); the most urgent first in the list, a
    // decision before any due stored as 0.
    let pending = state.pending_decisions(cal);
    let decision_due = pending.most_urgent.map(|u| match u {
        Urgency::First => 0,
        Urgency::Before(due) => due.timestamp(),
    });
    let rid = sqlx::query_scalar(
        "INSERT INTO cases (id, number, kind, status, phone, district, category, received_at, next_due, next_clock, conflicts, owner, address, at_risk, next_label, due_provisional, light_first, red_from, escalated_to, escalation_taken_by, hotspot_at, channel, bureau, replied_at, decisions, decision_due, kept_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27)
         ON CONFLICT (id) DO UPDATE SET number = ?2, status = ?4, next_due = ?9, next_clock = ?10, conflicts = ?11, owner = ?12, address = ?13, at_risk = ?14, next_label = ?15, due_provisional = ?16, light_first = ?17, red_from = ?18, escalated_to = ?19, escalation_taken_by = ?20, hotspot_at = ?21, channel = ?22, bureau = ?23, replied_at = ?24, decisions = ?25, decision_due = ?26, kept_until = ?27
         RETURNING rid",
    )
    .bind(id.0.to_string())
    .bind(intake.number.to_string())
    .bind(&intake.kind)
    .bind(state.status.code())
    .bind(&intake.caller.phone)
    .bind(&intake.district)
    .bind(&intake.category)
    .bind(received_at.to_rfc3339())
    // No running clock: NULL (sorts last). A due that cannot be computed: 0 (sorts first).
    .bind(next.as_ref().map(|(_, due)| due.map_or(0, |d| d.timestamp())))
    .bind(next.as_ref().map(|(c, _)| c.key.clone()))
    .bind(state.conflicts.len() as i64)
    .bind(state.received_by.clone().unwrap_or_default())
    .bind(&intake.address)
    .bind(light.turns(Light::Yellow).map(|t| t.timestamp()))
    .bind(next.as_ref().and_then(|(c, _)| state.clock(c)).map(|c| c.spec.label.clone()))
    .bind(state.next_due_provisional(cal))
    .bind(light.first.code())
    .bind(light.turns(Light::Red).map(|t| t.timestamp()))
    .bind(state.escalation.as_ref().map(|x| x.to.join(",")))
    .bind(state.escalation.as_ref().and_then(|x| x.taken_by.clone()))
    .bind(state.hotspot.as_ref().map(|h| h.at.timestamp()))
    .bind(&facts.channel)
    .bind(&facts.bureau)
    .bind(state.replied_at.map(|t| t.timestamp()))
    .bind(pending.count as i64)
    .bind(decision_due)
    .bind(rules.kept_until(state))
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(rid))
}

/// The bureaus the case is with and where each stands.
async fn save_bureaus(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    state: &CaseState,
    fresh: bool,
) -> Result<(), ClientError> {
    if !fresh {
        sqlx::query("DELETE FROM case_bureaus WHERE case_id = ?")
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
    }
    for a in &state.assignments {
        let status = serde_json::to_value(a.status).expect("serialises");
        sqlx::query(
            "INSERT OR REPLACE INTO case_bureaus (case_id, bureau, status) VALUES (?, ?, ?)",
        )
        .bind(case_id)
        .bind(&a.bureau.0)
        .bind(status.as_str().unwrap_or_default())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Every running clock's alert points, the ladder's and the hotspot's; the unsent ones replaced.
async fn save_alert_points(
    tx: &mut Transaction<'_, Sqlite>,
    case_id: &str,
    state: &CaseState,
    cal: &SlaCalendar,
    alerts: &AlertSettings,
    fresh: bool,
) -> Result<(), ClientError> {
    let mut points = clock_points(state, cal, alerts);
    points.extend(ladder_points(state, cal));
    points.extend(hotspot_points(state));
    if !fresh {
        sqlx::query("DELETE FROM alerts WHERE case_id = ? AND sent_at IS NULL")
            .bind(case_id)
            .execute(&mut **tx)
            .await?;
    }
    for (clock, label, bureau, run, threshold, at, due, provisional, for_user) in points {
        // A point already sent stays sent: OR IGNORE keeps its row.
        sqlx::query("INSERT OR IGNORE INTO alerts (case_id, clock, label, bureau, run, threshold, at, due, provisional, for_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(case_id)
            .bind(clock)
            .bind(label)
            .bind(bureau)
            .bind(run)
            .bind(threshold)
            .bind(at)
            .bind(due)
            .bind(provisional)
            .bind(for_user)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Every running clock's alert points; a clock whose due cannot be computed has none (its row
/// shows "due unknown" instead, first in the queue).
fn clock_points(state: &CaseState, cal: &SlaCalendar, alerts: &AlertSettings) -> Vec<AlertRow> {
    let mut points = Vec::new();
    for clock in &state.clocks {
        let Some(run) = clock.current() else { continue };
        let Ok(Some(m)) = run.milestones(cal, alerts) else {
            continue;
        };
        for p in m.alerts {
            let bureau = clock
                .bureau
                .as_ref()
                .map(|b| b.0.clone())
                .unwrap_or_default();
            let provisional = cal.is_provisional(clock.spec.amount.unit(), m.due.timestamp());
            points.push((
                clock.spec.key.clone(),
                clock.spec.label.clone(),
                bureau,
                clock.runs.len() as i64 - 1,
                p.threshold,
                p.at.timestamp(),
                m.due.timestamp(),
                provisional,
                String::new(),
            ));
        }
    }
    points
}

/// The report facts as the server keeps them: the case's clock runs and callbacks.
async fn save_facts(
    tx: &mut Transaction<'_, Sqlite>,
    rid: i64,
    state: &CaseState,
    facts: &CaseFacts,
    fresh: bool,
) -> Result<(), ClientError> {
    let kind = state
        .intake
        .as_ref()
        .map(|i| i.kind.clone())
        .unwrap_or_default();
    if !fresh {
        sqlx::query("DELETE FROM clock_runs WHERE case_rid = ?")
            .bind(rid)
            .execute(&mut **tx)
            .await?;
    }
    for r in &facts.clock_runs {
        sqlx::query("INSERT INTO clock_runs (case_rid, clock, bureau, run, kind, started_at, due_at, stopped_at, cancelled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(rid)
            .bind(&r.clock)
            .bind(&r.bureau)
            .bind(r.run)
            .bind(&kind)
            .bind(r.started_at.timestamp())
            .bind(r.due_at.map(|t| t.timestamp()))
            .bind(r.stopped_at.map(|t| t.timestamp()))
            .bind(r.cancelled)
            .execute(&mut **tx)
            .await?;
    }
    if !fresh {
        sqlx::query("DELETE FROM callbacks WHERE case_rid = ?")
            .bind(rid)
            .execute(&mut **tx)
            .await?;
    }
    for c in &facts.callbacks {
        sqlx::query("INSERT INTO callbacks (case_rid, seq, at, satisfaction, bureau, kind) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(rid)
            .bind(c.seq)
            .bind(c.at.timestamp())
            .bind(&c.satisfaction)
            .bind(&c.bureau)
            .bind(&kind)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl LocalStore {
    /// Rebuilds every snapshot from its case's history when they were written by an older
    /// version (or `force`, after the alert settings or the calendar changed). Returns how many.
    pub async fn refresh_snapshots(
        &self,
        cal: &SlaCalendar,
        force: bool,
    ) -> Result<u64, ClientError> {
        let format: i64 = sqlx::query_scalar("SELECT version FROM snapshot_format WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        if format >= SNAPSHOT_FORMAT && !force {
            return Ok(0);
        }
        let ids: Vec<String> = sqlx::query("SELECT id FROM cases")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.get("id"))
            .collect();
        let rules = self.snapshot_rules();
        let mut done = 0;
        // In chunks: one transaction per thousand cases keeps the write lock short for the CLI.
        for chunk in ids.chunks(1000) {
            let mut tx = self.write().await?;
            for id in chunk {
                let case =
                    hotline_domain::case::CaseId(id.parse().map_err(|_| ClientError::Invalid {
                        code: "local.corrupt",
                        message: format!("stored case id {id:?}"),
                    })?);
                let state = CaseState::fold(&history(&mut tx, case).await?);
                save_snapshot(&mut tx, &state, cal, &rules).await?;
                done += 1;
            }
            tx.commit().await?;
        }
        sqlx::query("UPDATE snapshot_format SET version = ? WHERE id = 1")
            .bind(SNAPSHOT_FORMAT)
            .execute(&self.pool)
            .await?;
        Ok(done)
    }
}

//! Report facts: the few figures reports and dashboards count, derived from a case's fold alone.
//! The server saves them beside each snapshot (live pushes and seed-demo alike) and so do the
//! seats, so a report and a dashboard count the same things the same way.

use chrono::{DateTime, Utc};

use super::fold::CaseState;
use crate::sla::SlaCalendar;

#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    pub channel: String,
    /// The bureau that holds or last held the case.
    pub bureau: Option<String>,
    pub first_replied_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub on_spot: bool,
    pub clock_runs: Vec<ClockRunFact>,
    pub callbacks: Vec<CallbackFact>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClockRunFact {
    pub clock: String,
    /// Empty for the case's own clocks (the centre's).
    pub bureau: String,
    pub run: i32,
    pub started_at: DateTime<Utc>,
    /// None while paused (the due moves) or when the calendar does not cover it.
    pub due_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub cancelled: bool,
    /// The due rests on a provisional year (no State Council notice imported for it yet), so
    /// a report that decides this run against it says so (暂定).
    pub provisional: bool,
}

/// How a clock run ended for the reports: at which instant it is decided and whether it was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub at: DateTime<Utc>,
    pub met: bool,
}

impl ClockRunFact {
    /// The one definition of decided and met: a run is met when it stopped by its due (decided
    /// at its stop) and breached when its due passed first (decided at the due, whether or not it
    /// stopped later). Cancelled runs, and runs without a due (paused now, or on days no calendar
    /// covers), are never decided. A report counts the runs decided in its period; a run whose
    /// due is still ahead is not decided yet at the report's end.
    ///
    /// The stores keep it as generated columns, `clock_runs.met` and `decided_at`, in
    /// migrations/postgres/0002_report_facts.sql and migrations/sqlite/0003_supervision.sql;
    /// crates/cli/tests/seat_and_server_agree.rs checks both against this on random histories.
    pub fn decision(&self) -> Option<Decision> {
        let due = self.due_at.filter(|_| !self.cancelled)?;
        Some(match self.stopped_at {
            Some(stop) if stop <= due => Decision {
                at: stop,
                met: true,
            },
            _ => Decision {
                at: due,
                met: false,
            },
        })
    }
}

/// The on-time rate: clock runs met over runs decided (`ClockRunFact::decision`); none decided,
/// no rate.
pub fn on_time_rate(decided: i64, met: i64) -> Option<f64> {
    (decided > 0).then(|| met as f64 / decided as f64)
}

/// Callbacks by the satisfaction the caller gave, as the dashboard and the reports count them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct SatisfactionCounts {
    pub satisfied: i64,
    pub basically: i64,
    pub dissatisfied: i64,
}

impl SatisfactionCounts {
    pub fn total(&self) -> i64 {
        self.satisfied + self.basically + self.dissatisfied
    }

    /// The satisfaction rate: satisfied and basically satisfied over every callback.
    pub fn rate(&self) -> Option<f64> {
        (self.total() > 0).then(|| (self.satisfied + self.basically) as f64 / self.total() as f64)
    }

    /// Counts `n` callbacks of a stored satisfaction (`CallbackFact::satisfaction`).
    pub fn add(&mut self, satisfaction: &str, n: i64) {
        match satisfaction {
            "satisfied" => self.satisfied += n,
            "basically_satisfied" => self.basically += n,
            _ => self.dissatisfied += n,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallbackFact {
    pub seq: i32,
    pub at: DateTime<Utc>,
    /// serde name: satisfied, basically_satisfied, dissatisfied.
    pub satisfaction: String,
    /// The bureau whose reply the caller judged (empty: the centre's own reply).
    pub bureau: String,
}

impl CaseFacts {
    pub fn of(state: &CaseState, cal: &SlaCalendar) -> Self {
        let mut clock_runs = Vec::new();
        for c in &state.clocks {
            for (i, r) in c.runs.iter().enumerate() {
                // A run's due depends on the reading instant only while it is paused.
                let reading = if r.paused_since.is_some() {
                    None
                } else {
                    r.read(cal, r.started_at).ok()
                };
                clock_runs.push(ClockRunFact {
                    clock: c.spec.key.clone(),
                    bureau: c.bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default(),
                    run: i as i32,
                    started_at: r.started_at,
                    due_at: reading.as_ref().map(|x| x.due),
                    stopped_at: r.stopped_at,
                    cancelled: r.cancelled,
                    provisional: reading.is_some_and(|x| x.provisional),
                });
            }
        }
        let callbacks = state
            .callbacks
            .iter()
            .enumerate()
            .map(|(i, c)| CallbackFact {
                seq: i as i32,
                at: c.at,
                satisfaction: serde_name(&c.satisfaction),
                bureau: c.bureau.as_ref().map(|b| b.0.clone()).unwrap_or_default(),
            })
            .collect();
        Self {
            channel: state
                .intake
                .as_ref()
                .map(|i| serde_name(&i.channel))
                .unwrap_or_default(),
            bureau: state.assignments.last().map(|a| a.bureau.0.clone()),
            first_replied_at: state.first_replied_at,
            closed_at: state.closed_at,
            on_spot: state.answered_on_spot,
            clock_runs,
            callbacks,
        }
    }
}

fn serde_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{
        Actor, BureauCode, Caller, CaseId, CaseNumber, Channel, DeviceId, Event, EventBody,
        EventId, IntakeDraft, Role, Satisfaction,
    };

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_dissatisfied_callback_is_kept_after_the_case_reopens() {
        let cal = SlaCalendar::new(crate::calendar::shipped(), Default::default());
        let case = CaseId(uuid::Uuid::now_v7());
        let intake = IntakeDraft {
            number: CaseNumber::new(
                chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                "D001",
                1,
            )
            .unwrap(),
            kind: "complaint".into(),
            category: "market_regulation".into(),
            caller: Caller {
                phone: "13800138000".into(),
                name: None,
                id_number: None,
            },
            channel: Channel::App,
            district: "天河区".into(),
            address: String::new(),
            description: "商家拒绝退款".into(),
            level: None,
        }
        .resolve(&crate::centre::CentrePolicy::default())
        .unwrap();
        let m = BureauCode::from("MARKET");
        let seat = Actor {
            user: "s".into(),
            role: Role::Seat,
            bureau: None,
        };
        let bureau = Actor {
            user: "m".into(),
            role: Role::Bureau,
            bureau: Some(m.clone()),
        };
        let bodies = [
            (
                "2026-11-02T01:00:00Z",
                &seat,
                EventBody::Received(Box::new(intake)),
            ),
            (
                "2026-11-02T01:05:00Z",
                &seat,
                EventBody::Dispatched {
                    bureau: m.clone(),
                    note: String::new(),
                },
            ),
            (
                "2026-11-02T02:00:00Z",
                &bureau,
                EventBody::SignedFor { bureau: m.clone() },
            ),
            (
                "2026-11-02T03:00:00Z",
                &bureau,
                EventBody::Accepted { bureau: m.clone() },
            ),
            (
                "2026-11-03T03:00:00Z",
                &bureau,
                EventBody::Replied {
                    bureau: Some(m.clone()),
                    text: "已处理".into(),
                },
            ),
            (
                "2026-11-04T03:00:00Z",
                &seat,
                EventBody::CalledBack {
                    satisfaction: Satisfaction::Dissatisfied,
                    comment: "没退款".into(),
                },
            ),
            (
                "2026-11-04T03:01:00Z",
                &seat,
                EventBody::Reopened {
                    reason: "来电人不满意".into(),
                },
            ),
        ];
        let events: Vec<Event> = bodies
            .into_iter()
            .enumerate()
            .map(|(i, (t, a, body))| Event {
                id: EventId(uuid::Uuid::now_v7()),
                case,
                at: at(t),
                actor: a.clone(),
                device: DeviceId("d".into()),
                seen: i as u32,
                body,
            })
            .collect();
        let state = CaseState::fold(&events);
        assert!(state.conflicts.is_empty(), "{:?}", state.conflicts);
        let f = CaseFacts::of(&state, &cal);
        assert_eq!(f.channel, "app");
        assert_eq!(f.bureau.as_deref(), Some("MARKET"));
        assert_eq!(f.first_replied_at, Some(at("2026-11-03T03:00:00Z")));
        assert_eq!(f.callbacks.len(), 1);
        assert_eq!(
            (
                f.callbacks[0].satisfaction.as_str(),
                f.callbacks[0].bureau.as_str()
            ),
            ("dissatisfied", "MARKET")
        );
        // The dispatch clock (15 minutes) was met at the dispatch; the acceptance clock too.
        let dispatch = f
            .clock_runs
            .iter()
            .find(|r| r.clock == "dispatch")
            .expect("dispatch clock");
        assert_eq!(dispatch.stopped_at, Some(at("2026-11-02T01:05:00Z")));
        assert_eq!(dispatch.due_at, Some(at("2026-11-02T01:15:00Z")));
        assert!(
            f.clock_runs.iter().all(|r| r.due_at.is_some()),
            "{:?}",
            f.clock_runs
        );
    }
}

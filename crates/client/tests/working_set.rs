//! The working set on a seat, against a simulated server: a centre's log (two seats' demonstration
//! histories, interleaved in time order) reaches the seat of `seat1` in pages of random sizes,
//! with the seat letting go of what left its working set at random moments and asking the
//! "server" for the whole history of a case that came back by a later step. After any such
//! sequence the seat holds exactly the cases the domain's rule keeps, each with its whole
//! history, nothing of the others, and its unsent work untouched.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use hotline_client::store::{LocalStore, NewCase};
use hotline_client::workbench::seed_demo;
use hotline_client::{CalendarStore, DataDir};
use hotline_domain::case::working_set::{Desk, DeskSettings};
use hotline_domain::case::{CaseId, CaseState, Channel, Event, EventBody, Role};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::wire::PulledEvent;

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn cal() -> SlaCalendar {
    SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default())
}

/// A small deterministic generator (the seeds make each run reproducible).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

async fn store_of(dir: &std::path::Path, user: &str, seat: &str) -> LocalStore {
    let mut store = LocalStore::open(
        &DataDir::resolve(Some(dir.to_owned())),
        t("2026-12-01T09:00:00+08:00"),
    )
    .await
    .unwrap();
    store
        .adopt_login("http://server.invalid", user, Role::Seat, None, Some(seat))
        .await
        .unwrap();
    store
}

/// The centre's log: both seats' demonstration cases, every event in time order (each case's
/// own order kept), numbered as the server's pull positions.
async fn centre_log(now: DateTime<Utc>) -> Vec<PulledEvent> {
    let mut events: Vec<Event> = Vec::new();
    for (user, seat) in [("seat1", "A001"), ("seat2", "A002")] {
        let dir = tempfile::tempdir().unwrap();
        let writer = store_of(dir.path(), user, seat).await;
        seed_demo(&writer, &cal(), now, 120, false).await.unwrap();
        for row in writer
            .support_query("SELECT body FROM events ORDER BY local_seq", false)
            .await
            .unwrap()
        {
            events.push(serde_json::from_str(&row[0]).unwrap());
        }
    }
    events.sort_by_key(|e| e.at);
    events
        .into_iter()
        .enumerate()
        .map(|(i, event)| PulledEvent {
            pos: format!("{:020}:{:020}", 1, i + 1),
            event,
        })
        .collect()
}

/// What the rule keeps at `now` of the log's first `upto` events.
fn kept_by_rule(log: &[PulledEvent], upto: usize, now: DateTime<Utc>) -> BTreeSet<String> {
    let mut histories: BTreeMap<CaseId, Vec<Event>> = BTreeMap::new();
    for pe in &log[..upto] {
        histories
            .entry(pe.event.case)
            .or_default()
            .push(pe.event.clone());
    }
    let desk = Desk {
        user: "seat1",
        bureau: None,
    };
    histories
        .into_iter()
        .filter(|(_, h)| {
            let state = CaseState::fold(h);
            DeskSettings::default().kept(&state, desk).at(now)
        })
        .map(|(c, _)| c.0.to_string())
        .collect()
}

async fn column(store: &LocalStore, sql: &str) -> Vec<String> {
    store
        .support_query(sql, false)
        .await
        .unwrap()
        .into_iter()
        .map(|mut r| r.remove(0))
        .collect()
}

/// Whole histories, and no row of a case the seat does not hold.
async fn assert_whole_and_clean(store: &LocalStore, log: &[PulledEvent], upto: usize) {
    let held: BTreeSet<String> = column(store, "SELECT id FROM cases")
        .await
        .into_iter()
        .collect();
    for case in &held {
        let want: Vec<String> = log[..upto]
            .iter()
            .filter(|pe| pe.event.case.0.to_string() == *case)
            .map(|pe| pe.event.id.0.to_string())
            .collect();
        let got = column(
            store,
            &format!("SELECT id FROM events WHERE case_id = '{case}' AND server_pos IS NOT NULL ORDER BY server_pos"),
        )
        .await;
        assert_eq!(got, want, "case {case} is not whole");
    }
    for (what, sql) in [
        (
            "events",
            "SELECT count(*) FROM events WHERE case_id NOT IN (SELECT id FROM cases)",
        ),
        (
            "states",
            "SELECT count(*) FROM case_states WHERE rid NOT IN (SELECT rid FROM cases)",
        ),
        (
            "clock runs",
            "SELECT count(*) FROM clock_runs WHERE case_rid NOT IN (SELECT rid FROM cases)",
        ),
        (
            "callbacks",
            "SELECT count(*) FROM callbacks WHERE case_rid NOT IN (SELECT rid FROM cases)",
        ),
        (
            "bureaus",
            "SELECT count(*) FROM case_bureaus WHERE case_id NOT IN (SELECT id FROM cases)",
        ),
        (
            "alerts",
            "SELECT count(*) FROM alerts WHERE case_id NOT IN (SELECT id FROM cases)",
        ),
        ("incomplete", "SELECT count(*) FROM incomplete"),
    ] {
        assert_eq!(
            column(store, sql).await,
            ["0"],
            "{what} of cases let go remain"
        );
    }
    // The search index holds a row per case held, none of a case let go.
    assert_eq!(
        column(store, "SELECT count(*) FROM case_search").await,
        column(store, "SELECT count(*) FROM cases").await
    );
}

/// The seat lets go at `at`, and then holds what the rule keeps of the log's first `upto` events.
async fn lets_go_as_the_rule_says(
    seat: &LocalStore,
    log: &[PulledEvent],
    upto: usize,
    at: DateTime<Utc>,
    why: &str,
) {
    seat.leave_working_set(at).await.unwrap();
    let held: BTreeSet<String> = column(seat, "SELECT id FROM cases")
        .await
        .into_iter()
        .collect();
    assert_eq!(held, kept_by_rule(log, upto, at), "{why}");
}

/// Asks the "server" for the whole history of every case that came back by a later step.
async fn complete(store: &LocalStore, log: &[PulledEvent], upto: usize) {
    loop {
        let cases = store.incomplete_cases(50).await.unwrap();
        if cases.is_empty() {
            return;
        }
        for case in cases {
            let history: Vec<PulledEvent> = log[..upto]
                .iter()
                .filter(|pe| pe.event.case == case)
                .cloned()
                .collect();
            store.take_history(case, &history, &cal()).await.unwrap();
        }
    }
}

#[tokio::test]
async fn the_seat_holds_what_the_rule_keeps_whole_after_any_order_of_pages_and_evictions() {
    let now = t("2026-12-07T18:00:00+08:00");
    let log = centre_log(now).await;
    assert!(log.len() > 500, "a centre's log: {}", log.len());
    let mut came_back = 0;
    for seed in 1..=6u64 {
        let dir = tempfile::tempdir().unwrap();
        let seat = store_of(dir.path(), "seat1", "A001").await;
        let mut rng = Lcg(seed);
        let mut applied = 0;
        while applied < log.len() {
            let page = (1 + rng.below(120) as usize).min(log.len() - applied);
            let events = &log[applied..applied + page];
            applied += page;
            seat.apply_pulled(events, &events[page - 1].pos, &cal(), now)
                .await
                .unwrap();
            came_back += seat.incomplete_cases(1_000).await.unwrap().len();
            complete(&seat, &log, applied).await;
            if rng.below(3) == 0 {
                let at = log[applied - 1].event.at;
                let why = format!("seed {seed}, {applied} events");
                lets_go_as_the_rule_says(&seat, &log, applied, at, &why).await;
            }
        }
        assert_whole_and_clean(&seat, &log, applied).await;
        // Days pass: the window closes on what seat1 worked on; what is on the desk stays.
        for days in [5, 20, 35, 45] {
            let at = now + Duration::days(days);
            let why = format!("seed {seed}, +{days} days");
            lets_go_as_the_rule_says(&seat, &log, log.len(), at, &why).await;
            assert_whole_and_clean(&seat, &log, log.len()).await;
        }
    }
    assert!(
        came_back > 0,
        "no case ever came back by a later step: the test tests less than it says"
    );
}

#[tokio::test]
async fn letting_go_never_touches_unsent_work_the_cursor_or_the_drafts() {
    let dir = tempfile::tempdir().unwrap();
    let seat = store_of(dir.path(), "seat1", "A001").await;
    let at = t("2026-12-07T10:00:00+08:00");
    // Answered on the spot: closed at once, kept 30 days as seat1's work, and not yet sent.
    let answered = seat
        .new_case_with(
            NewCase {
                kind: "consultation".into(),
                category: "social_security".into(),
                phone: "13800138000".into(),
                name: None,
                id_number: None,
                channel: Channel::Phone,
                district: "天河区".into(),
                address: String::new(),
                description: "社保卡补办要带什么".into(),
                level: None,
            },
            vec![EventBody::AnsweredOnSpot {
                answer: "带身份证到任一网点".into(),
                article: None,
            }],
            &cal(),
            at,
        )
        .await
        .unwrap();
    assert!(!answered.status.on_the_desk());
    seat.save_draft("intake", &serde_json::json!({"phone": "139"}), at)
        .await
        .unwrap();
    let cursor = seat.sync_state().await.unwrap().cursor;
    let outbox = column(&seat, "SELECT event_id FROM outbox ORDER BY device_seq").await;

    // Forty days on the window has closed, but its steps are not on the server: it stays.
    let later = at + Duration::days(40);
    assert_eq!(seat.leave_working_set(later).await.unwrap(), 0);
    assert_eq!(
        column(&seat, "SELECT event_id FROM outbox ORDER BY device_seq").await,
        outbox
    );
    assert_eq!(seat.sync_state().await.unwrap().cursor, cursor);
    assert!(seat.draft("intake").await.unwrap().is_some());
    // Sent (acknowledged): now it goes, and the draft stays.
    seat.acknowledge(i64::MAX).await.unwrap();
    assert_eq!(seat.leave_working_set(later).await.unwrap(), 1);
    assert_eq!(column(&seat, "SELECT count(*) FROM events").await, ["0"]);
    assert!(seat.draft("intake").await.unwrap().is_some());
    // A standalone desk keeps everything: no server holds the rest.
    let alone = tempfile::tempdir().unwrap();
    let standalone = LocalStore::open(&DataDir::resolve(Some(alone.path().to_owned())), at)
        .await
        .unwrap();
    seed_demo(&standalone, &cal(), at, 30, false).await.unwrap();
    assert_eq!(standalone.leave_working_set(later).await.unwrap(), 0);
}

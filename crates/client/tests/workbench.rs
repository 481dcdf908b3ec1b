//! The workbench on a real SQLite store with a clock the test moves: queue lights and counts,
//! alerts sent exactly once across restarts, intake with caller history, duplicates and
//! knowledge suggestions, bad input refused field by field with nothing lost, offers and steps.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use hotline_client::store::{Light, LocalStore, QueueQuery};
use hotline_client::workbench::{Finish, IntakeForm, Workbench, INTAKE_DRAFT};
use hotline_client::{DataDir, ErrorPayload};
use hotline_domain::case::{BureauCode, EventBody, Role};
use hotline_domain::time::Clock;

struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

impl TestClock {
    fn at(s: &str) -> Arc<Self> {
        Arc::new(Self(Mutex::new(t(s))))
    }
    fn set(&self, s: &str) {
        *self.0.lock().unwrap() = t(s);
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn form(phone: &str, kind: &str, category: &str, text: &str) -> IntakeForm {
    IntakeForm {
        phone: phone.into(),
        kind: kind.into(),
        category: category.into(),
        district: "天河区".into(),
        address: "天河区天河路100号".into(),
        description: text.into(),
        level: if kind == "fault" {
            "C".into()
        } else {
            String::new()
        },
        ..IntakeForm::default()
    }
}

async fn bench(dir: &std::path::Path, clock: Arc<TestClock>) -> Workbench {
    let wb = Workbench::open(DataDir::resolve(Some(dir.to_owned())), clock)
        .await
        .unwrap();
    wb.seed_demo_if_empty(0).await.unwrap(); // directory and knowledge base only
    wb
}

#[tokio::test]
async fn the_queue_lights_turn_yellow_then_red_as_the_clock_moves_and_counts_follow_filters() {
    let dir = tempfile::tempdir().unwrap();
    // Thursday 2026-11-26 10:00 in China.
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock.clone()).await;
    // A complaint runs a 15-minute dispatch clock: under an hour left from the start, so
    // yellow at once. A technical consultation runs a 2-working-day reply clock: green.
    let complaint = wb
        .record_intake(
            &form(
                "13900139000",
                "complaint",
                "market_regulation",
                "商家拒绝退款",
            ),
            &Finish::default(),
        )
        .await
        .unwrap();
    let question = wb
        .record_intake(
            &form(
                "13800138000",
                "consultation",
                "platform_usage",
                "如何在小程序预约办事",
            ),
            &Finish::default(),
        )
        .await
        .unwrap();
    let all = QueueQuery {
        limit: 100,
        ..QueueQuery::default()
    };

    let page = wb.queue(&all).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(
        page.rows[0].case.id, complaint.row.id,
        "the nearest due first"
    );
    let light = |p: &hotline_client::store::QueuePage, id: &str| {
        p.rows.iter().find(|r| r.case.id == id).unwrap().light
    };
    assert_eq!(light(&page, &complaint.row.id), Light::Yellow);
    assert_eq!(light(&page, &question.row.id), Light::Green);
    assert_eq!(
        (page.counts.yellow, page.counts.green, page.counts.red),
        (1, 1, 0)
    );
    let due = page.rows[0].case.next_due.unwrap();
    assert_eq!(due, t("2026-11-26T10:15:00+08:00"));

    clock.set(&(due + Duration::seconds(1)).to_rfc3339());
    let page = wb.queue(&all).await.unwrap();
    assert_eq!(light(&page, &complaint.row.id), Light::Red);
    assert_eq!(page.counts.red, 1);
    let only_red = wb
        .queue(&QueueQuery {
            light: Some(Light::Red),
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(only_red.rows.len(), 1);
    assert_eq!(
        only_red.total, 2,
        "the counts are of the whole filtered queue, whatever light is shown"
    );
    // 2 working days from Thursday: Friday and Monday 30 November, due at its end. A fifth of
    // the budget (0.4 of a day) is left from Monday about 14:24: yellow; red on Tuesday.
    clock.set("2026-11-30T14:00:00+08:00");
    assert_eq!(
        light(&wb.queue(&all).await.unwrap(), &question.row.id),
        Light::Green
    );
    clock.set("2026-11-30T14:30:00+08:00");
    assert_eq!(
        light(&wb.queue(&all).await.unwrap(), &question.row.id),
        Light::Yellow
    );
    clock.set("2026-12-01T00:00:01+08:00");
    assert_eq!(
        light(&wb.queue(&all).await.unwrap(), &question.row.id),
        Light::Red
    );

    let complaints = wb
        .queue(&QueueQuery {
            kind: Some("complaint".into()),
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(
        (complaints.total, complaints.rows[0].case.id.clone()),
        (1, complaint.row.id.clone())
    );
    let mine = wb
        .queue(&QueueQuery {
            mine: true,
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(mine.total, 2, "both recorded by this seat");
    let paged = wb
        .queue(&QueueQuery {
            offset: 1,
            limit: 1,
            ..all.clone()
        })
        .await
        .unwrap();
    assert_eq!(paged.rows[0].case.id, question.row.id);
}

#[tokio::test]
async fn an_alert_is_handed_out_once_per_clock_and_threshold_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock.clone()).await;
    let fault = wb
        .record_intake(
            &form("13800138000", "fault", "app_fault", "电子证照无法加载"),
            &Finish::default(),
        )
        .await
        .unwrap();
    assert!(fault.clocks.iter().any(|c| c.key == "dispatch"));
    let first = wb.next_alert_at().await.unwrap().unwrap();
    assert!(first > t("2026-11-26T10:00:00+08:00"));
    assert_eq!(
        wb.take_due_alerts(10).await.unwrap().clocks,
        0,
        "nothing is due yet"
    );

    // Two hours later every clock of the fault that was due has breached: one alert per clock,
    // at its worst threshold.
    clock.set("2026-11-26T12:00:00+08:00");
    let taken = wb.take_due_alerts(10).await.unwrap();
    assert_eq!(taken.clocks as usize, taken.alerts.len());
    assert!(taken.breached >= 1);
    let alerts = taken.alerts;
    assert!(!alerts.is_empty());
    assert!(alerts.iter().all(|a| a.number == fault.row.number));
    let respond = alerts
        .iter()
        .find(|a| a.clock == "dispatch")
        .expect("the 30-minute dispatch clock alerts");
    assert_eq!(respond.threshold, "breached");
    let keys: Vec<_> = alerts.iter().map(|a| &a.clock).collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys, unique, "one alert per clock");
    assert_eq!(
        wb.take_due_alerts(10).await.unwrap().clocks,
        0,
        "never twice"
    );
    drop(wb);

    let wb = bench(dir.path(), clock.clone()).await;
    assert_eq!(
        wb.take_due_alerts(10).await.unwrap().clocks,
        0,
        "nor after a restart"
    );
    // Acting on the case rewrites its unsent points, never the sent ones.
    wb.act(
        &fault.row.number,
        EventBody::Dispatched {
            bureau: BureauCode::from("GOVDATA"),
            note: String::new(),
        },
    )
    .await
    .unwrap();
    let again = wb.take_due_alerts(10).await.unwrap().alerts;
    assert!(again.iter().all(|a| a.clock != respond.clock), "{again:?}");
    drop(wb);

    // Retention: alarm data is kept three months. Four months on, the alerts of a case still
    // open stay (its clocks would point at them again); once it is closed they go, and nothing
    // is sent again.
    // The store is encrypted: read it through a store opened as the desk opens it.
    let data = DataDir::resolve(Some(dir.path().to_owned()));
    let sent = || {
        let data = data.clone();
        let now = clock.now();
        async move {
            let pool = LocalStore::open(&data, now).await.unwrap().pool().clone();
            let n: i64 =
                sqlx::query_scalar("SELECT count(*) FROM alerts WHERE sent_at IS NOT NULL")
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            n
        }
    };
    let before = sent().await;
    assert!(before > 0);
    clock.set("2027-03-30T10:00:00+08:00");
    let wb = bench(dir.path(), clock.clone()).await;
    assert_eq!(sent().await, before, "an open case keeps its sent alerts");
    // The bureau's steps arrive as a pull brings them (a seat may not record them), then closed.
    let store = wb.store().await;
    let id = hotline_domain::case::CaseId(fault.row.id.parse().unwrap());
    let sla = hotline_domain::sla::SlaCalendar::new(
        hotline_domain::calendar::shipped(),
        Default::default(),
    );
    let govdata = BureauCode::from("GOVDATA");
    let at_pos = |n: usize| format!("{:020}:{:020}", 1, n);
    // The seat's own steps come back first, in their order, as a server returns them.
    let own: Vec<hotline_domain::wire::PulledEvent> = {
        let pool = store.pool().clone();
        let bodies: Vec<String> =
            sqlx::query_scalar("SELECT body FROM events WHERE case_id = ? ORDER BY local_seq")
                .bind(id.0.to_string())
                .fetch_all(&pool)
                .await
                .unwrap();
        bodies
            .iter()
            .enumerate()
            .map(|(i, b)| hotline_domain::wire::PulledEvent {
                pos: at_pos(i + 1),
                event: serde_json::from_str(b).unwrap(),
            })
            .collect()
    };
    let n = own.len();
    let from_bureau = |k: usize, body| hotline_domain::wire::PulledEvent {
        pos: at_pos(n + k),
        event: hotline_domain::case::Event {
            id: hotline_domain::case::EventId(uuid::Uuid::now_v7()),
            case: id,
            at: clock.now(),
            actor: hotline_domain::case::Actor {
                user: "govdata1".into(),
                role: hotline_domain::case::Role::Bureau,
                bureau: Some(govdata.clone()),
            },
            device: hotline_domain::case::DeviceId("govdata-desk".into()),
            seen: u32::MAX,
            body,
        },
    };
    let mut pulled = own;
    pulled.extend([
        from_bureau(
            1,
            EventBody::SignedFor {
                bureau: govdata.clone(),
            },
        ),
        from_bureau(
            2,
            EventBody::Replied {
                bureau: Some(govdata.clone()),
                text: "已修复".into(),
            },
        ),
    ]);
    store
        .apply_pulled(
            &pulled,
            &at_pos(n + 2),
            &sla,
            t("2026-11-26T10:00:00+08:00"),
        )
        .await
        .unwrap();
    wb.act(
        &fault.row.number,
        EventBody::Closed {
            note: String::new(),
        },
    )
    .await
    .unwrap();
    drop(wb);
    let wb = bench(dir.path(), clock.clone()).await;
    assert_eq!(
        sent().await,
        0,
        "a closed case's alarm data goes after three months"
    );
    assert_eq!(
        wb.take_due_alerts(10).await.unwrap().clocks,
        0,
        "and is never sent again"
    );
}

#[tokio::test]
async fn intake_shows_the_callers_history_and_likely_duplicates_and_suggests_articles() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock.clone()).await;
    let earlier = wb
        .record_intake(
            &form(
                "138-0013-8000",
                "complaint",
                "urban_management",
                "夜间施工噪音扰民",
            ),
            &Finish::default(),
        )
        .await
        .unwrap();
    let neighbour = IntakeForm {
        address: "天河区天河路100号".into(),
        ..form("13700137000", "complaint", "urban_management", "施工噪音")
    };
    wb.record_intake(&neighbour, &Finish::default())
        .await
        .unwrap();
    clock.set("2026-11-27T09:00:00+08:00");

    let lookup = wb
        .lookup_caller("13800138000", "天河区天河路100号", "urban_management")
        .await
        .unwrap();
    assert_eq!(lookup.history.len(), 1);
    assert_eq!(lookup.history[0].number, earlier.row.number);
    let mut reasons: Vec<_> = lookup.duplicates.iter().map(|d| d.reason).collect();
    reasons.sort();
    assert_eq!(reasons, ["same_address", "same_caller"]);
    assert_eq!(
        lookup.duplicates.len(),
        2,
        "the caller's own case and the neighbour's at the same address"
    );

    let articles = wb
        .suggest_articles("社保卡丢了，想问一下怎么补办", "social_security")
        .await
        .unwrap();
    assert!(
        articles[0].title.contains("社保卡"),
        "{:?}",
        articles.iter().map(|a| &a.title).collect::<Vec<_>>()
    );
    assert!(wb.suggest_articles("", "").await.unwrap().is_empty());

    // Answered on the spot: recorded and closed in one step, out of the queue.
    let closed = wb
        .record_intake(
            &form(
                "13600136000",
                "consultation",
                "social_security",
                "社保卡补办",
            ),
            &Finish {
                answer: Some("携带身份证到银行网点补办".into()),
                article: Some(articles[0].id.clone()),
            },
        )
        .await
        .unwrap();
    assert_eq!(closed.row.status, "closed");
    assert!(wb
        .queue(&QueueQuery {
            limit: 50,
            ..QueueQuery::default()
        })
        .await
        .unwrap()
        .rows
        .iter()
        .all(|r| r.case.id != closed.row.id));

    // 并单: the neighbour's call becomes part of the earlier case.
    let merged = wb
        .merge(
            &lookup
                .duplicates
                .iter()
                .find(|d| d.reason == "same_address")
                .unwrap()
                .case
                .number,
            &earlier.row.number,
        )
        .await
        .unwrap();
    assert_eq!(merged.row.status, "merged");
}

#[tokio::test]
async fn bad_intake_is_refused_field_by_field_and_nothing_typed_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock).await;
    let typed = IntakeForm {
        phone: "12ab".into(),
        description: "诉".repeat(20_000),
        kind: "fault".into(),
        category: "network".into(),
        ..IntakeForm::default()
    };
    wb.save_draft(INTAKE_DRAFT, &serde_json::to_value(&typed).unwrap())
        .await
        .unwrap();
    let err: ErrorPayload = wb
        .record_intake(&typed, &Finish::default())
        .await
        .unwrap_err()
        .into();
    let fields: Vec<_> = err.fields.iter().map(|f| (f.field, f.code)).collect();
    assert_eq!(
        fields,
        [
            ("phone", "intake.phone"),
            ("level", "intake.level_required"),
            ("description", "intake.description_too_long")
        ]
    );
    assert!(
        err.message.contains("号码格式错误") && err.message.contains("最多10000字"),
        "{}",
        err.message
    );
    let empty: ErrorPayload = wb
        .record_intake(&IntakeForm::default(), &Finish::default())
        .await
        .unwrap_err()
        .into();
    assert_eq!(
        empty.fields.iter().map(|f| f.field).collect::<Vec<_>>(),
        ["phone", "kind", "category", "description"]
    );
    // Nothing was recorded and the draft is intact.
    assert_eq!(
        wb.queue(&QueueQuery {
            limit: 10,
            ..QueueQuery::default()
        })
        .await
        .unwrap()
        .total,
        0
    );
    let draft = wb.draft(INTAKE_DRAFT).await.unwrap().unwrap();
    assert_eq!(
        serde_json::from_value::<IntakeForm>(draft.content).unwrap(),
        typed
    );
    // Emoji and markup are text, stored as typed; the draft goes once the case is stored.
    let ok = form(
        "13800138000",
        "consultation",
        "other_business",
        "😀 <script>alert(1)</script> 𠀀",
    );
    let case = wb.record_intake(&ok, &Finish::default()).await.unwrap();
    assert_eq!(
        case.intake.unwrap().description,
        "😀 <script>alert(1)</script> 𠀀"
    );
    assert!(wb.draft(INTAKE_DRAFT).await.unwrap().is_none());
}

#[tokio::test]
async fn a_seat_is_offered_only_its_steps_and_a_step_it_may_not_take_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock).await;
    let case = wb
        .record_intake(
            &form(
                "13800138000",
                "complaint",
                "market_regulation",
                "商家拒绝退款",
            ),
            &Finish::default(),
        )
        .await
        .unwrap();
    let offered: Vec<_> = case.offers.iter().map(|o| o.step).collect();
    assert!(
        offered.contains(&"dispatched") && !offered.contains(&"signed_for"),
        "{offered:?}"
    );
    let routes = wb
        .suggest_routes("market_regulation", "天河区")
        .await
        .unwrap();
    assert_eq!(routes[0].bureau, "MARKET");
    let dispatched = wb
        .act(
            &case.row.number,
            EventBody::Dispatched {
                bureau: BureauCode::from("MARKET"),
                note: "请核查".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(dispatched.row.status, "dispatched");
    assert_eq!(dispatched.events.len(), 2);
    assert!(dispatched
        .clocks
        .iter()
        .any(|c| c.bureau.as_deref() == Some("MARKET")));
    let err: ErrorPayload = wb
        .act(
            &case.row.number,
            EventBody::SignedFor {
                bureau: BureauCode::from("MARKET"),
            },
        )
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.code, "case.forbidden");
    let err: ErrorPayload = wb
        .act(
            &case.row.number,
            EventBody::Closed {
                note: String::new(),
            },
        )
        .await
        .unwrap_err()
        .into();
    assert_eq!(err.code, "case.step_refused");
    assert_eq!(
        wb.case(&case.row.number).await.unwrap().events.len(),
        2,
        "nothing written by refused steps"
    );
}

#[tokio::test]
async fn a_first_run_without_a_server_gets_a_demo_queue_that_never_reaches_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = Workbench::open(DataDir::resolve(Some(dir.path().to_owned())), clock)
        .await
        .unwrap();
    assert_eq!(wb.seed_demo_if_empty(300).await.unwrap(), 300);
    assert_eq!(
        wb.seed_demo_if_empty(300).await.unwrap(),
        0,
        "only into an empty store"
    );
    let page = wb
        .queue(&QueueQuery {
            limit: 1000,
            ..QueueQuery::default()
        })
        .await
        .unwrap();
    assert!(
        page.total > 60 && page.total < 250,
        "older cases are closed, recent ones open: {}",
        page.total
    );
    assert!(
        page.counts.red > 0 && page.counts.yellow > 0 && page.counts.green > page.counts.red,
        "{:?}",
        page.counts
    );
    assert_eq!(wb.status().await.unwrap().pending, 0);
    // A desk opened on a full queue: many alerts at once come as one summary, counted per clock.
    let taken = wb.take_due_alerts(3).await.unwrap();
    assert!(
        taken.clocks > 3 && taken.alerts.is_empty() && taken.breached > 0,
        "{} {}",
        taken.clocks,
        taken.breached
    );
    assert_eq!(wb.take_due_alerts(3).await.unwrap().clocks, 0);
}

/// A first login removes the standalone demonstration's cases with every row keyed by their row
/// ids: a case pulled later may be given one of those ids, and a new case's rows are written
/// without deleting first — it must not inherit a demonstration case's clocks or callbacks.
#[tokio::test]
async fn a_first_login_takes_the_demo_cases_rows_with_them() {
    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = Workbench::open(DataDir::resolve(Some(dir.path().to_owned())), clock)
        .await
        .unwrap();
    assert_eq!(wb.seed_demo_if_empty(50).await.unwrap(), 50);
    let mut store = wb.store().await;
    let pool = store.pool().clone();
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert!(count("clock_runs").await > 0 && count("case_states").await > 0);
    store
        .adopt_login(
            "http://127.0.0.1:9",
            "seat1",
            Role::Seat,
            None,
            Some("A001"),
        )
        .await
        .unwrap();
    for table in [
        "cases",
        "case_states",
        "case_search",
        "case_bureaus",
        "clock_runs",
        "callbacks",
        "alerts",
    ] {
        assert_eq!(count(table).await, 0, "{table}");
    }
}

/// A new policy version with other alert thresholds, adopted as a sync adopts it, re-plans the
/// unsent alert points of open cases at once.
#[tokio::test]
async fn a_threshold_change_from_the_centre_replans_the_alerts() {
    use hotline_client::PolicyStore;
    use hotline_domain::centre::{PolicyHistory, PolicyVersion};
    use hotline_domain::sla::SlaAmount;

    let dir = tempfile::tempdir().unwrap();
    let clock = TestClock::at("2026-11-26T10:00:00+08:00");
    let wb = bench(dir.path(), clock.clone()).await;
    wb.record_intake(
        &form("13800138000", "fault", "app_fault", "电子证照无法加载"),
        &Finish::default(),
    )
    .await
    .unwrap();
    let before = wb.next_alert_at().await.unwrap().unwrap();

    // Version 1: warn 25 minutes before every due (the fault's 30-minute dispatch clock first).
    let mut v1 = PolicyVersion::builtin();
    v1.version = 1;
    v1.in_force_from = t("2026-11-26T09:00:00+08:00");
    v1.changed_by = "admin".into();
    v1.reason = "提前提醒".into();
    v1.policy.alerts.notify_left = vec![SlaAmount::Minutes(25)];
    let centre = PolicyHistory {
        versions: vec![PolicyVersion::builtin(), v1],
    };
    let store = PolicyStore::new(DataDir::resolve(Some(dir.path().to_owned())));
    assert!(store.adopt_centre(&centre).unwrap());
    wb.reload_centre().await.unwrap();
    let after = wb.next_alert_at().await.unwrap().unwrap();
    assert_eq!(after, t("2026-11-26T10:05:00+08:00"), "before: {before}");
    assert!(after < before);
}

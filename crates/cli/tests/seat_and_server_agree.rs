//! One truth for every deadline: for random histories recorded on two seats (a supervisor's and
//! a bureau's) and synced through a real server on real PostgreSQL, the seats' stores and the
//! server's snapshots hold the same status, the same due of every clock run, the same next due
//! and the same traffic light — under a policy with two versions, the calls received on both
//! sides of the change.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use hotline_client::secret::Secret;
use hotline_client::store::{Light, LocalStore, NewCase, QueueQuery};
use hotline_client::sync::{sync_all, ServerApi};
use hotline_client::{CalendarStore, DataDir};
use hotline_domain::case::facts::CaseFacts;
use hotline_domain::case::{
    BureauCode, CaseId, CaseState, Channel, ClockRef, Event, EventBody, Level, Role,
};
use hotline_domain::centre::CentrePolicy;
use hotline_domain::sla::{AlertSettings, SlaAmount, SlaCalendar};
use hotline_domain::time::Clock;
use hotline_domain::wire::LoginRequest;
use hotline_server::state::AppState;
use hotline_server::{admin, api, MIGRATOR};
use proptest::prelude::*;
use sqlx::postgres::PgPoolOptions;
use sqlx::Row;

/// The story's time, shared by the server and the seats' requests: each round's steps are made
/// after the syncs before them and synced after they were made, as on real desks (the server
/// refuses a step dated before its device's last sync).
#[derive(Clone)]
struct Story(Arc<std::sync::Mutex<DateTime<Utc>>>);

impl Story {
    fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap() = at;
    }
}

impl Clock for Story {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// What each call is.
const KINDS: [(&str, &str, Option<Level>); 7] = [
    ("consultation", "housing", None),
    ("consultation", "platform_usage", None),
    ("complaint", "market_regulation", None),
    ("complaint", "account_login", None),
    ("fault", "network", Some(Level::FaultA)),
    ("fault", "app_fault", Some(Level::FaultC)),
    ("help", "social_security", None),
];

#[derive(Debug, Clone)]
struct Plan {
    kind: usize,
    /// Minutes after the first receipt.
    received: u32,
    /// Steps by round: the supervisor's desk, then the bureau's, then the supervisor's again;
    /// each a step code and the minutes since the round began.
    rounds: [Vec<(u8, u32)>; 3],
}

fn hrss() -> BureauCode {
    BureauCode::from("HRSS")
}

fn supervisor_step(code: u8) -> EventBody {
    use EventBody as B;
    match code % 8 {
        0 | 1 => B::Dispatched {
            bureau: hrss(),
            note: String::new(),
        },
        2 => B::Paused {
            reason: "等待来电人补充材料".into(),
        },
        3 => B::Resumed,
        4 => B::ProgressFedBack {
            bureau: None,
            note: "已告知进展".into(),
        },
        5 => B::Replied {
            bureau: None,
            text: "已答复来电人".into(),
        },
        6 => B::Closed {
            note: String::new(),
        },
        _ => B::ExtensionApproved {
            clock: ClockRef {
                key: "reply".into(),
                bureau: Some(hrss()),
            },
            amount: Some(SlaAmount::WorkingDays(2)),
            note: String::new(),
        },
    }
}

fn bureau_step(code: u8) -> EventBody {
    use EventBody as B;
    match code % 6 {
        0 | 1 => B::SignedFor { bureau: hrss() },
        2 => B::Accepted { bureau: hrss() },
        3 => B::Declined {
            bureau: hrss(),
            reason: "不属于本单位职责".into(),
        },
        4 => B::ProgressFedBack {
            bureau: Some(hrss()),
            note: "正在核查".into(),
        },
        _ => B::Replied {
            bureau: Some(hrss()),
            text: "已按政策办理".into(),
        },
    }
}

fn plan() -> impl Strategy<Value = Plan> {
    let steps = || proptest::collection::vec((any::<u8>(), 0u32..600), 0..4);
    (0..KINDS.len(), 0u32..(36 * 60), steps(), steps(), steps()).prop_map(
        |(kind, received, a, b, c)| Plan {
            kind,
            received,
            rounds: [a, b, c],
        },
    )
}

async fn seat(
    api: &ServerApi,
    pool: &sqlx::PgPool,
    dir: &std::path::Path,
    user: &str,
    role: Role,
    now: DateTime<Utc>,
) -> (LocalStore, Secret) {
    let (role_name, bureau, code) = match role {
        Role::Bureau => ("bureau", Some("HRSS"), None),
        _ => ("supervisor", None, Some("S001")),
    };
    admin::add_user(
        pool,
        admin::NewUser {
            name: user,
            role: role_name,
            bureau,
            seat_code: code,
            password: "agree-password",
        },
        now,
    )
    .await
    .unwrap();
    let mut store = LocalStore::open(&DataDir::resolve(Some(dir.to_owned())), now)
        .await
        .unwrap();
    let login = api
        .login(&LoginRequest {
            user: user.into(),
            password: "agree-password".into(),
            device_id: store.identity().device_id.clone(),
        })
        .await
        .unwrap();
    store
        .adopt_login(api.base(), user, role, bureau, login.seat_code.as_deref())
        .await
        .unwrap();
    (store, Secret::new(login.token))
}

/// Syncs a seat (calendar and policy too) and applies what it adopted, as the desk does.
async fn sync(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    dir: &std::path::Path,
) -> SlaCalendar {
    let calendars = CalendarStore::new(DataDir::resolve(Some(dir.to_owned())));
    let cal = calendars.load_sla().unwrap();
    let report = sync_all(store, api, token, &calendars, &cal, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(
        report.refused, 0,
        "every step of the test is the recording seat's to make"
    );
    let policy = hotline_client::PolicyStore::new(calendars.data_dir().clone())
        .load()
        .unwrap();
    store.set_policy(policy);
    let cal = calendars.load_sla().unwrap();
    store.refresh_snapshots(&cal, true).await.unwrap();
    cal
}

/// The server's view of each case: status, next due, every run's due, and the light at `at`
/// from the domain's milestones over the server's own history.
async fn server_view(
    pool: &sqlx::PgPool,
    cal: &SlaCalendar,
    alerts: &AlertSettings,
    at: DateTime<Utc>,
) -> BTreeMap<String, (String, Option<i64>, Runs, Light)> {
    let mut out = BTreeMap::new();
    let cases = sqlx::query("SELECT id, number, status, next_due FROM cases")
        .fetch_all(pool)
        .await
        .unwrap();
    for c in cases {
        let id: uuid::Uuid = c.get("id");
        let mut runs: Runs = sqlx::query(
            "SELECT clock, bureau, run, due_at, decided_at, met FROM clock_runs WHERE case_id = $1",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            let due: Option<DateTime<Utc>> = r.get("due_at");
            let decided: Option<DateTime<Utc>> = r.get("decided_at");
            (
                (r.get("clock"), r.get("bureau"), r.get("run")),
                due.map(|d| d.timestamp()),
                decided.map(|d| d.timestamp()),
                r.get("met"),
            )
        })
        .collect();
        runs.sort();
        let events: Vec<Event> = sqlx::query_scalar::<_, serde_json::Value>(
            "SELECT whole_event(body, id, case_id, device_id) AS body FROM events WHERE case_id = $1 ORDER BY tx_id, pos",
        )
        .bind(id)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect();
        let state = CaseState::fold(&events);
        // What the domain decides of each run (`ClockRunFact::decision`): PostgreSQL's
        // generated columns must say the same.
        let mut decided: Runs = CaseFacts::of(&state, cal)
            .clock_runs
            .iter()
            .map(|f| {
                let d = f.decision();
                (
                    (f.clock.clone(), f.bureau.clone(), f.run),
                    f.due_at.map(|t| t.timestamp()),
                    d.map(|d| d.at.timestamp()),
                    d.is_some_and(|d| d.met),
                )
            })
            .collect();
        decided.sort();
        assert_eq!(
            runs,
            decided,
            "PostgreSQL's clock_runs and the domain's decisions of {}",
            c.get::<String, _>("number")
        );
        let next_due: Option<DateTime<Utc>> = c.get("next_due");
        out.insert(
            c.get("number"),
            (
                c.get("status"),
                next_due.map(|d| d.timestamp()),
                runs,
                state.light_schedule(cal, alerts).at(at),
            ),
        );
    }
    out
}

/// Each run of each clock: (clock, bureau, run), its due, when it is decided and whether met.
type Runs = Vec<((String, String, i32), Option<i64>, Option<i64>, bool)>;

async fn seat_view(
    store: &LocalStore,
    at: DateTime<Utc>,
) -> BTreeMap<String, (String, Option<i64>, Runs, Option<Light>)> {
    let pool = store.pool();
    let mut out = BTreeMap::new();
    let rows = sqlx::query("SELECT rid, number, status, next_due FROM cases")
        .fetch_all(pool)
        .await
        .unwrap();
    let page = store
        .queue_page(
            &QueueQuery {
                limit: 1000,
                ..QueueQuery::default()
            },
            at,
        )
        .await
        .unwrap();
    for r in rows {
        let rid: i64 = r.get("rid");
        let number: String = r.get("number");
        let mut runs: Runs = sqlx::query(
            "SELECT clock, bureau, run, due_at, decided_at, met FROM clock_runs WHERE case_rid = ?",
        )
        .bind(rid)
        .fetch_all(pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r.get("clock"),
                    r.get("bureau"),
                    r.get::<i64, _>("run") as i32,
                ),
                r.get("due_at"),
                r.get("decided_at"),
                r.get::<i64, _>("met") != 0,
            )
        })
        .collect();
        runs.sort();
        // The light of a case the queue lists (open cases); compared with the server's below.
        let light = page
            .rows
            .iter()
            .find(|q| q.case.number == number)
            .map(|q| q.light);
        let next_due: Option<i64> = r.get("next_due");
        out.insert(
            number,
            (r.get("status"), next_due.filter(|d| *d != 0), runs, light),
        );
    }
    out
}

async fn agree(plans: Vec<Plan>) {
    let base = std::env::var("DATABASE_URL").unwrap_or_else(|_| support::pg(&["start"], None));
    let url = support::database_on(&base);
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect(&url)
        .await
        .unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    let now = Utc::now();
    admin::import_bureaus(
        &pool,
        "code,name,parent,district,phone\nHRSS,市人社局,,,\n",
        now,
    )
    .await
    .unwrap();
    let cal = hotline_server::calendar::load_sla(&pool).await.unwrap();
    let first = now - Duration::days(3);
    let story = Story(Arc::new(std::sync::Mutex::new(
        first - Duration::minutes(1),
    )));
    // Sessions of a week: the story spans three days.
    let state = AppState::start(pool.clone(), Arc::new(story.clone()), Arc::new(cal), 24 * 7)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, api::router(state)).await.unwrap() });
    let api = ServerApi::new(&format!("http://{addr}"), Arc::new(story.clone())).unwrap();
    let root = tempfile::tempdir().unwrap();
    let (sdir, bdir) = (root.path().join("super"), root.path().join("bureau"));
    let (boss, boss_token) = seat(&api, &pool, &sdir, "super1", Role::Supervisor, now).await;
    let (bureau, bureau_token) = seat(&api, &pool, &bdir, "hrss1", Role::Bureau, now).await;

    // Version 1, in force from 18 hours after the first receipt: business consultations in 3
    // working days instead of 5.
    let mut doc = serde_json::to_value(CentrePolicy::default()).unwrap();
    for r in doc["deadlines"]["rules"].as_array_mut().unwrap() {
        if r["clock"]["key"] == "reply"
            && r["when"]["domain"] == "business"
            && r["when"]["kinds"][0] == "consultation"
        {
            r["clock"]["amount"]["value"] = 3.into();
        }
    }
    hotline_server::centre_policy::import(
        &pool,
        &doc.to_string(),
        "admin",
        "测试",
        false,
        first + Duration::hours(18),
    )
    .await
    .unwrap();
    let mut cal = sync(&boss, &api, &boss_token, &sdir).await;

    let mut ids: Vec<Option<CaseId>> = Vec::new();
    for p in &plans {
        let (kind, category, level) = KINDS[p.kind];
        let input = NewCase {
            kind: kind.into(),
            category: category.into(),
            phone: "13800138000".into(),
            name: None,
            id_number: None,
            channel: Channel::Phone,
            district: "天河区".into(),
            address: String::new(),
            description: "随机工单".into(),
            level,
        };
        let at = first + Duration::minutes(i64::from(p.received));
        ids.push(boss.new_case(input, &cal, at).await.unwrap().id);
    }
    let round_start = |r: i64| first + Duration::hours(38 + 12 * r);
    for round in 0..3 {
        let (store, token, dir) = if round == 1 {
            (&bureau, &bureau_token, &bdir)
        } else {
            (&boss, &boss_token, &sdir)
        };
        for (p, id) in plans.iter().zip(&ids) {
            for &(code, minutes) in &p.rounds[round] {
                let body = if round == 1 {
                    bureau_step(code)
                } else {
                    supervisor_step(code)
                };
                let at = round_start(round as i64) + Duration::minutes(i64::from(minutes));
                // A step the case's state refuses is not recorded (the desk would not offer it).
                let _ = store.act(id.unwrap(), body, &cal, at).await;
            }
        }
        // Steps are made within 10 hours of the round's start; the round syncs an hour later.
        story.set(round_start(round as i64) + Duration::hours(11));
        cal = sync(store, &api, token, dir).await;
        sync(&boss, &api, &boss_token, &sdir).await;
        sync(&bureau, &api, &bureau_token, &bdir).await;
    }

    let server_cal = hotline_server::calendar::load_sla(&pool).await.unwrap();
    let alerts = boss.alert_settings();
    for at in [
        round_start(0),
        now,
        now + Duration::days(2),
        now + Duration::days(20),
    ] {
        let server = server_view(&pool, &server_cal, &alerts, at).await;
        assert_eq!(server.len(), plans.len());
        let of_boss = seat_view(&boss, at).await;
        assert_eq!(of_boss.len(), server.len());
        // The bureau holds the cases dispatched to it.
        let of_bureau = seat_view(&bureau, at).await;
        for (who, seat) in [
            ("the supervisor's seat", &of_boss),
            ("the bureau's seat", &of_bureau),
        ] {
            for (number, (status, next_due, runs, light)) in seat {
                let (s_status, s_next, s_runs, s_light) = &server[number];
                assert_eq!(
                    (status, next_due, runs),
                    (s_status, s_next, s_runs),
                    "{who} and the server on {number} at {at}"
                );
                if let Some(light) = light {
                    assert_eq!(
                        light, s_light,
                        "{who}'s queue light and the server's on {number} at {at}"
                    );
                }
            }
        }
    }
}

proptest! {
    // Each case runs a real server on a new database and two seats' stores: a few dozen
    // histories per run, over many runs in the test command.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn seats_and_the_server_hold_the_same_deadlines(plans in proptest::collection::vec(plan(), 1..12)) {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap().block_on(agree(plans));
    }
}

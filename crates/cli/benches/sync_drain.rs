//! Draining an offline backlog: a seat records 10,000 events with the server unreachable, then
//! one `sync_once` pushes them all and pulls them back. End to end: HTTP, the server's checks,
//! folds and PostgreSQL writes, and the seat's SQLite. Goal (issue 3): ≥ 5,000 events/s.
//!
//! `cargo bench -p hotline-cli --bench sync_drain` (uses DATABASE_URL or starts scripts/pg).
//! Results: docs/BENCHMARKS.md.

mod support;

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use hotline_client::store::NewCase;
use hotline_client::sync::{sync_once, ServerApi};
use hotline_client::CalendarStore;
use hotline_domain::case::{BureauCode, Channel, EventBody};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::time::Clock;
use hotline_server::state::AppState;
use hotline_server::{admin, api, MIGRATOR};
use sqlx::postgres::PgPoolOptions;

const CASES: usize = 2_000;
const EVENTS_PER_CASE: usize = 5;

struct Now;

impl Clock for Now {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

fn database_url() -> String {
    std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let out = std::process::Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg"))
            .arg("start")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    })
}

#[tokio::main]
async fn main() {
    let base = database_url();
    let name = format!("hotline_bench_{}", uuid::Uuid::new_v4().simple());
    let admin_pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&base)
        .await
        .unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin_pool)
        .await
        .unwrap();
    let url = format!("{}/{name}", base.rsplit_once('/').unwrap().0);
    let pool = PgPoolOptions::new()
        .max_connections(20)
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
    admin::add_user(
        &pool,
        admin::NewUser {
            name: "seat1",
            role: "seat",
            bureau: None,
            seat_code: Some("B001"),
            password: "bench-password",
        },
        now,
    )
    .await
    .unwrap();

    let cal = SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default());
    let state = AppState::start(pool.clone(), Arc::new(Now), Arc::new(cal.clone()), 12)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, api::router(state)).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let server = ServerApi::new(&format!("http://{addr}"), std::sync::Arc::new(Now)).unwrap();
    let (store, token) = support::seat(&server, dir.path(), "seat1", now).await;

    // The backlog, recorded "offline" (nothing talks to the server while it is made).
    let t0 = Instant::now();
    for i in 0..CASES {
        let c = store
            .new_case(
                NewCase {
                    kind: "consultation".into(),
                    category: "social_security".into(),
                    phone: format!("138{:08}", i),
                    name: None,
                    id_number: None,
                    channel: Channel::Phone,
                    district: "天河区".into(),
                    address: String::new(),
                    description: format!("第{i}号来电：社保卡补办进度查询"),
                    level: None,
                },
                &cal,
                Utc::now(),
            )
            .await
            .unwrap();
        let id = c.id.unwrap();
        let steps = [
            EventBody::Dispatched {
                bureau: BureauCode::from("HRSS"),
                note: String::new(),
            },
            EventBody::ProgressFedBack {
                bureau: None,
                note: "已告知来电人".into(),
            },
            EventBody::Urged {
                bureau: BureauCode::from("HRSS"),
                note: "请尽快答复".into(),
            },
            EventBody::Escalated {
                note: "重点关注".into(),
                clock: None,
                to: vec![],
            },
        ];
        for body in steps.into_iter().take(EVENTS_PER_CASE - 1) {
            store.act(id, body, &cal, Utc::now()).await.unwrap();
        }
    }
    let recorded = t0.elapsed();
    let backlog = store.outbox_len().await.unwrap();
    assert_eq!(backlog as usize, CASES * EVENTS_PER_CASE);

    let t1 = Instant::now();
    let mut pushed_at = None;
    let report = sync_once(&store, &server, &token, &cal, &mut |r| {
        if r.pending == 0 && r.pushed > 0 && pushed_at.is_none() {
            pushed_at = Some(t1.elapsed());
        }
    })
    .await
    .unwrap();
    let drained = t1.elapsed();
    let push = pushed_at.unwrap_or_default();
    assert_eq!(report.pushed, CASES * EVENTS_PER_CASE);
    assert_eq!(report.pending, 0);
    let on_server: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(on_server as usize, CASES * EVENTS_PER_CASE);

    println!(
        "recorded {backlog} events locally in {:.2} s ({:.0} events/s)",
        recorded.as_secs_f64(),
        backlog as f64 / recorded.as_secs_f64()
    );
    println!(
        "drained {} events (push + pull back) in {:.2} s: {:.0} events/s end to end (push {:.2} s, pull back {:.2} s)",
        report.pushed,
        drained.as_secs_f64(),
        report.pushed as f64 / drained.as_secs_f64(),
        push.as_secs_f64(),
        (drained - push).as_secs_f64()
    );
}

//! Live delivery: 200 connected seats each hold the server's event stream; one seat records a
//! case and syncs, and we time until the case is in each other seat's local SQLite store.
//! Goal (issue 3): p99 ≤ 250 ms. `cargo bench -p hotline-cli --bench live` (DATABASE_URL or
//! scripts/pg). Results: docs/BENCHMARKS.md.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use futures::StreamExt;
use hotline_client::secret::Secret;
use hotline_client::store::{LocalStore, NewCase};
use hotline_client::sync::{on_notice, sync_once, ServerApi};
use hotline_client::{CalendarStore, DataDir};
use hotline_domain::case::{Channel, Role};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::time::Clock;
use hotline_domain::wire::LoginRequest;
use hotline_server::state::AppState;
use hotline_server::{admin, api, MIGRATOR};
use sqlx::postgres::PgPoolOptions;

const CLIENTS: usize = 200;
const CASES: usize = 30;

struct Now;

impl Clock for Now {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

async fn seat(
    server: &ServerApi,
    dir: &std::path::Path,
    user: &str,
    cal: &SlaCalendar,
) -> (LocalStore, Secret) {
    let _ = cal;
    let mut store = LocalStore::open(&DataDir::resolve(Some(dir.to_owned())), Utc::now())
        .await
        .unwrap();
    let login = server
        .login(&LoginRequest {
            user: user.into(),
            password: "bench-password".into(),
            device_id: store.identity().device_id.clone(),
        })
        .await
        .unwrap();
    store
        .adopt_login(
            server.base(),
            user,
            Role::Seat,
            None,
            login.seat_code.as_deref(),
        )
        .await
        .unwrap();
    (store, Secret::new(login.token))
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let base = std::env::var("DATABASE_URL").unwrap_or_else(|_| {
        let out = std::process::Command::new("bash")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pg"))
            .arg("start")
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    });
    let name = format!("hotline_live_{}", uuid::Uuid::new_v4().simple());
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
        .max_connections(40)
        .connect(&url)
        .await
        .unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    let now = Utc::now();
    for i in 0..=CLIENTS {
        let (name, code) = (format!("seat{i:03}"), format!("L{i:03}"));
        admin::add_user(
            &pool,
            admin::NewUser {
                name: &name,
                role: "seat",
                bureau: None,
                seat_code: Some(&code),
                password: "bench-password",
            },
            now,
        )
        .await
        .unwrap();
    }
    let cal = SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default());
    let state = AppState::start(pool.clone(), Arc::new(Now), Arc::new(cal.clone()), 12)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, api::router(state)).await.unwrap() });
    let server = ServerApi::new(&format!("http://{addr}"), std::sync::Arc::new(Now)).unwrap();
    let root = tempfile::tempdir().unwrap();

    // When each case was recorded, and when it reached each watching seat.
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Vec<f64>>> = Arc::default();
    let mut watchers = Vec::new();
    for i in 1..=CLIENTS {
        let (store, token) = seat(
            &server,
            &root.path().join(format!("s{i}")),
            &format!("seat{i:03}"),
            &cal,
        )
        .await;
        let (server, cal, sent, latencies) =
            (server.clone(), cal.clone(), sent.clone(), latencies.clone());
        watchers.push(tokio::spawn(async move {
            let mut seen = std::collections::HashSet::new();
            let mut stream = Box::pin(server.notices(&token).await.unwrap());
            while let Some(notice) = stream.next().await {
                on_notice(&store, &server, &token, &cal, notice)
                    .await
                    .unwrap();
                // The newest few cases in the store: enough to see an arrival, cheap to ask.
                let ids: Vec<String> =
                    sqlx::query_scalar("SELECT id FROM cases ORDER BY rid DESC LIMIT 5")
                        .fetch_all(store.pool())
                        .await
                        .unwrap();
                let arrived = Instant::now();
                let sent = sent.lock().unwrap();
                for id in ids {
                    if seen.insert(id.clone()) {
                        if let Some(t0) = sent.get(&id) {
                            latencies
                                .lock()
                                .unwrap()
                                .push((arrived - *t0).as_secs_f64() * 1000.0);
                        }
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_secs(2)).await; // every stream connected

    let (writer, token) = seat(&server, &root.path().join("writer"), "seat000", &cal).await;
    for i in 0..CASES {
        let t0 = Instant::now();
        let input = NewCase {
            kind: "complaint".into(),
            category: "market_regulation".into(),
            phone: format!("1370000{i:04}"),
            name: None,
            id_number: None,
            channel: Channel::Phone,
            district: "天河区".into(),
            address: String::new(),
            description: format!("第{i}起投诉：商家拒绝退款"),
            level: None,
        };
        let state = writer.new_case(input, &cal, Utc::now()).await.unwrap();
        sent.lock()
            .unwrap()
            .insert(state.id.unwrap().0.to_string(), t0);
        // The desktop syncs right after a seat records something; so does this writer.
        sync_once(&writer, &server, &token, &cal, &mut |_| {})
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while latencies.lock().unwrap().len() < CLIENTS * CASES && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut l = latencies.lock().unwrap().clone();
    l.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
    println!(
        "{CLIENTS} connected seats, {CASES} cases: {} deliveries of {}; latency p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        l.len(),
        CLIENTS * CASES,
        q(0.50),
        q(0.95),
        q(0.99),
        l.last().copied().unwrap_or_default()
    );
    for w in watchers {
        w.abort();
    }
}

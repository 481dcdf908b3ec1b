//! Live delivery to a province's seats: `LIVE_SEATS` (default 2,000) seats hold the event stream
//! of `LIVE_SERVERS` (default 2) server instances, each with its own pool and its own LISTEN on one
//! PostgreSQL, as separate `hotline-server` processes would; a writer seat records cases on the
//! first and syncs right after each, as the desk does. Measured from just before a case is
//! recorded to the moment a seat holds its events:
//! - **pages (ours)**: each server process pulls once per notice and sends the page down every
//!   stream (`crates/server/src/live.rs`); a seat takes the case from the page;
//! - **pull on notice (baseline)**, in the same run: every seat answers each notice with its own
//!   pull, as before the live pages;
//! - **into the store**: `LIVE_FULL` (default 50) of the seats also apply each page to their own
//!   SQLite store, as the desk does, and are timed until the case is in it.
//!
//! On one 2-core machine the 2,000 seats' own work (parsing; for the full seats, folding and
//! writing SQLite) shares the cores with the servers and PostgreSQL, while on a centre's floor each
//! seat has its own machine: so each mode also prints the CPU time per delivery, split between
//! this process (servers and seats) and PostgreSQL, which compares across machines.
//! `cargo bench -p hotline-cli --bench live` (DATABASE_URL or scripts/pg). docs/BENCHMARKS.md.

#[path = "../../server/benches/support/cpu.rs"]
mod cpu;
mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use cpu::Cpu;
use futures::StreamExt;
use hotline_client::secret::Secret;
use hotline_client::store::{LocalStore, NewCase};
use hotline_client::sync::{on_notice, sync_once, Notice, ServerApi};
use hotline_client::CalendarStore;
use hotline_domain::case::{Channel, EventBody};
use hotline_domain::sla::{SlaCalendar, SlaSettings};
use hotline_domain::time::Clock;
use hotline_server::state::AppState;
use hotline_server::{admin, api, MIGRATOR};
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;

struct Now;

impl Clock for Now {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// When each case (by id) was recorded, and the latencies seen so far (ms).
#[derive(Clone, Default)]
struct Clockings {
    sent: Arc<Mutex<HashMap<String, Instant>>>,
    light: Arc<Mutex<Vec<f64>>>,
    full: Arc<Mutex<Vec<f64>>>,
}

impl Clockings {
    fn arrived(&self, case: &str, into: &Mutex<Vec<f64>>) {
        if let Some(t0) = self.sent.lock().unwrap().get(case) {
            into.lock()
                .unwrap()
                .push(t0.elapsed().as_secs_f64() * 1000.0);
        }
    }
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let (seats, servers, full) = (
        setting("LIVE_SEATS", 2_000),
        setting("LIVE_SERVERS", 2),
        setting("LIVE_FULL", 50),
    );
    let (pool, url) = database().await;
    let cal = SlaCalendar::new(CalendarStore::shipped(), SlaSettings::default());
    let mut apis = Vec::new();
    for _ in 0..servers {
        apis.push(serve(&url, &cal).await);
    }
    let tokens = light_tokens(&pool, seats).await;
    let root = tempfile::tempdir().unwrap();
    let clockings = Clockings::default();
    let pull_mode = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let api = apis[i % servers].clone();
        tasks.push(tokio::spawn(light_seat(
            api,
            token,
            clockings.clone(),
            pull_mode.clone(),
        )));
    }
    for i in 0..full {
        let api = apis[i % servers].clone();
        let (store, token) = support::seat(
            &api,
            &root.path().join(format!("f{i}")),
            &format!("full{i:03}"),
            Utc::now(),
        )
        .await;
        tasks.push(tokio::spawn(full_seat(
            api,
            store,
            token,
            cal.clone(),
            clockings.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // every stream connected
    let (writer, token) =
        support::seat(&apis[0], &root.path().join("writer"), "writer", Utc::now()).await;
    let writer = Writer {
        store: writer,
        token,
        api: apis[0].clone(),
        cal: cal.clone(),
    };

    let line = |mode: &str, cases: usize, light: Vec<f64>, cpu: Cpu| {
        let n = light.len();
        println!(
            "{mode}: {seats} seats over {servers} servers, {cases} cases: {n} of {} deliveries; {}; CPU per delivery: {:.0} µs here (servers and seats) + {:.0} µs PostgreSQL",
            seats * cases,
            quantiles(light),
            cpu.here.as_secs_f64() * 1e6 / n.max(1) as f64,
            cpu.postgres.as_secs_f64() * 1e6 / n.max(1) as f64,
        );
    };
    let cases = setting("LIVE_CASES", 30);
    let cpu = Cpu::now();
    writer.record(&clockings, 0..cases).await;
    wait_for(&clockings.light, seats * cases).await;
    let cpu = cpu.since();
    wait_for(&clockings.full, full * cases).await;
    line("pages (ours)", cases, take(&clockings.light), cpu);
    let full_latencies = take(&clockings.full);
    println!(
        "into the store: {full} of the seats, {cases} cases: {} of {} in SQLite; {}",
        full_latencies.len(),
        full * cases,
        quantiles(full_latencies)
    );

    pull_mode.store(true, Ordering::Relaxed);
    let baseline = setting("LIVE_BASELINE_CASES", 10);
    let cpu = Cpu::now();
    writer.record(&clockings, cases..cases + baseline).await;
    wait_for(&clockings.light, seats * baseline).await;
    line(
        "pull on notice (baseline)",
        baseline,
        take(&clockings.light),
        cpu.since(),
    );
    for t in tasks {
        t.abort();
    }
    drop(pool);
}

/// A fresh database on the test cluster, migrated; its pool and URL.
async fn database() -> (PgPool, String) {
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
        .max_connections(4)
        .connect(&url)
        .await
        .unwrap();
    MIGRATOR.run(&pool).await.unwrap();
    (pool, url)
}

/// One server instance (its own pool and LISTEN, as a process has) on a free port.
async fn serve(url: &str, cal: &SlaCalendar) -> ServerApi {
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect(url)
        .await
        .unwrap();
    let state = AppState::start(pool, Arc::new(Now), Arc::new(cal.clone()), 12)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = api::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    ServerApi::new(&format!("http://{addr}"), Arc::new(Now)).unwrap()
}

/// `n` seat users with a device and a session each, written directly: 2,000 argon2 logins
/// would take minutes and measure nothing of live delivery.
async fn light_tokens(pool: &PgPool, n: usize) -> Vec<Secret> {
    let now = Utc::now();
    let user = |name: &'static str, code: &'static str| admin::NewUser {
        name,
        role: "seat",
        bureau: None,
        seat_code: Some(code),
        password: "bench-password",
    };
    for (name, code) in [("writer", "W001")] {
        admin::add_user(pool, user(name, code), now).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO users (name, role, seat_code, password_hash)
         SELECT 'full' || lpad(i::text, 3, '0'), 'seat', 'F' || lpad(i::text, 3, '0'), u.password_hash
         FROM generate_series(0, 999) i, users u WHERE u.name = 'writer'",
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO users (name, role, seat_code, password_hash)
         SELECT 'seat' || lpad(i::text, 5, '0'), 'seat', 'L' || lpad(i::text, 5, '0'), u.password_hash
         FROM generate_series(1, $1) i, users u WHERE u.name = 'writer'",
    )
    .bind(n as i32)
    .execute(pool)
    .await
    .unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE name LIKE 'seat%' ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    let mut tokens = Vec::new();
    for id in ids {
        let device = format!("bench-{id}");
        sqlx::query("INSERT INTO devices (device_id, user_id) VALUES ($1, $2)")
            .bind(&device)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        let (token, _) = hotline_server::auth::issue_token(pool, id, &device, now, 12)
            .await
            .unwrap();
        tokens.push(Secret::new(token));
    }
    tokens
}

/// A seat that takes each case from the page (or, in pull mode, from its own pull on notice).
async fn light_seat(
    api: ServerApi,
    token: Secret,
    clockings: Clockings,
    pull_mode: Arc<AtomicBool>,
) {
    let mut stream = Box::pin(api.notices(&token).await.unwrap());
    let mut cursor = String::new();
    while let Some(notice) = stream.next().await {
        let page = match (pull_mode.load(Ordering::Relaxed), notice) {
            (true, _) => api.pull(&token, &cursor, 1_000).await.unwrap(),
            (false, Notice::Page(live)) => live.page,
            (false, Notice::Changed) => continue,
        };
        cursor = page.next.clone();
        for e in &page.events {
            if let EventBody::Received(_) = e.event.body {
                clockings.arrived(&e.event.case.0.to_string(), &clockings.light);
            }
        }
    }
}

/// A seat as the desk is: each notice applied to its own SQLite store.
async fn full_seat(
    api: ServerApi,
    store: LocalStore,
    token: Secret,
    cal: SlaCalendar,
    clockings: Clockings,
) {
    let mut seen = std::collections::HashSet::new();
    let mut stream = Box::pin(api.notices(&token).await.unwrap());
    while let Some(notice) = stream.next().await {
        on_notice(&store, &api, &token, &cal, notice).await.unwrap();
        let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases ORDER BY rid DESC LIMIT 5")
            .fetch_all(store.pool())
            .await
            .unwrap();
        for id in ids {
            if seen.insert(id.clone()) {
                clockings.arrived(&id, &clockings.full);
            }
        }
    }
}

struct Writer {
    store: LocalStore,
    token: Secret,
    api: ServerApi,
    cal: SlaCalendar,
}

impl Writer {
    /// Records complaints `numbers`, 300 ms apart, syncing right after each as the desk does.
    async fn record(&self, clockings: &Clockings, numbers: std::ops::Range<usize>) {
        for i in numbers {
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
            let state = self
                .store
                .new_case(input, &self.cal, Utc::now())
                .await
                .unwrap();
            clockings
                .sent
                .lock()
                .unwrap()
                .insert(state.id.unwrap().0.to_string(), t0);
            sync_once(&self.store, &self.api, &self.token, &self.cal, &mut |_| {})
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
}

/// Waits until `n` latencies are in (or 60 s passed).
async fn wait_for(latencies: &Mutex<Vec<f64>>, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while latencies.lock().unwrap().len() < n && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
}

fn take(latencies: &Mutex<Vec<f64>>) -> Vec<f64> {
    std::mem::take(&mut *latencies.lock().unwrap())
}

fn quantiles(mut l: Vec<f64>) -> String {
    if l.is_empty() {
        return "no deliveries".into();
    }
    l.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let q = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
    format!(
        "p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        q(0.50),
        q(0.95),
        q(0.99),
        l[l.len() - 1]
    )
}

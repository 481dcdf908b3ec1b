//! Search over a large city: `hotline-server seed-demo --cases 2000000` first, then
//! `DATABASE_URL=…/that_db cargo bench -p hotline-server --bench search`.
//! Measures the API end to end (HTTP, authentication, SQL) for two-character Chinese terms, longer
//! terms, single characters and phone prefixes, as a seat searches. Goal (issue 3): p95 ≤ 100 ms.
//! Beside it, in the same run, the common alternative on the same rows: `LIKE '%term%'` over
//! `search_text` with a pg_trgm GIN index (created here if missing: `bench_search_trgm`), which
//! cannot use its index for terms under three characters. Each prints its CPU time per search,
//! split between this process (the server) and PostgreSQL.

#[path = "support/cpu.rs"]
mod cpu;

use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use cpu::Cpu;
use hotline_domain::time::Clock;
use hotline_server::state::AppState;
use hotline_server::{api, demo};
use sqlx::postgres::PgPoolOptions;

struct Now;

impl Clock for Now {
    fn now(&self) -> chrono::DateTime<Utc> {
        Utc::now()
    }
}

const TERMS: &[&str] = &[
    "社保",
    "医保",
    "噪音",
    "退款",
    "物业",
    "户籍",
    "网络",
    "公积金",
    "补办进度",
    "拖欠工资",
    "夜间施工噪音",
    "噪",
    "13100012",
    "越秀区",
    "东风街123号",
    "没有这样的诉求",
    "13100012345",
];
const RUNS: usize = 30;

#[tokio::main]
async fn main() {
    let url = std::env::var("DATABASE_URL")
        .expect("DATABASE_URL of a seeded database (hotline-server seed-demo)");
    let pool = PgPoolOptions::new()
        .max_connections(8)
        .connect_with(hotline_server::state::connect_options(&url).unwrap())
        .await
        .unwrap();
    let cases: i64 = sqlx::query_scalar("SELECT count(*) FROM cases")
        .fetch_one(&pool)
        .await
        .unwrap();
    let cal = hotline_server::calendar::load(&pool).await.unwrap();
    let state = AppState::start(
        pool.clone(),
        Arc::new(Now),
        Arc::new(hotline_domain::sla::SlaCalendar::new(
            cal,
            Default::default(),
        )),
        12,
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, api::router(state)).await.unwrap() });
    let http = reqwest::Client::new();
    let login: serde_json::Value = http
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({"user": "demo_seat01", "password": demo::DEMO_PASSWORD, "device_id": "bench-search-device"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"]
        .as_str()
        .expect("demo_seat01 exists: run seed-demo first")
        .to_owned();

    println!("{cases} cases; {RUNS} runs per term, first 50 hits newest first");
    time_terms("ours (HTTP API)", RUNS, async |term: &str| {
        let r: Vec<serde_json::Value> = http
            .get(format!("{base}/api/v1/search"))
            .bearer_auth(&token)
            .query(&[("q", term)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        r.len()
    })
    .await;
    trigram_baseline(&pool).await;
}

/// The same terms as `LIKE '%term%'` over a pg_trgm index, newest first, 50 hits: the SQL alone
/// (no HTTP, no authentication), fewer runs — a term the index cannot narrow reads every row.
async fn trigram_baseline(pool: &sqlx::PgPool) {
    const BASELINE_RUNS: usize = 5;
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        .execute(pool)
        .await
        .unwrap();
    let t = Instant::now();
    let mut build = pool.acquire().await.unwrap();
    sqlx::query("SET maintenance_work_mem = '1GB'")
        .execute(&mut *build)
        .await
        .unwrap();
    sqlx::query(
        "CREATE INDEX IF NOT EXISTS bench_search_trgm ON cases USING GIN (search_text gin_trgm_ops)",
    )
    .execute(&mut *build)
    .await
    .unwrap();
    drop(build);
    let size: String = sqlx::query_scalar(
        "SELECT pg_size_pretty(pg_relation_size('bench_search_trgm')) || ' (ours, cases_search: ' || pg_size_pretty(pg_relation_size('cases_search')) || ')'",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    println!(
        "baseline: pg_trgm LIKE, index bench_search_trgm {size}, ready in {:.0} s; {BASELINE_RUNS} runs per term",
        t.elapsed().as_secs_f64()
    );
    time_terms(
        "baseline (pg_trgm LIKE, SQL only)",
        BASELINE_RUNS,
        async |term: &str| {
            let ids: Vec<uuid::Uuid> = sqlx::query_scalar(
                "SELECT id FROM cases WHERE search_text LIKE '%' || $1 || '%' ORDER BY received_at DESC LIMIT 50",
            )
            .bind(term)
            .fetch_all(pool)
            .await
            .unwrap();
            ids.len()
        },
    )
    .await;
}

/// Runs `search` `runs` times for each term (it answers how many hits), then prints each term's
/// p50 and p95, and over all terms p50, p95 and the CPU per search here and in PostgreSQL.
async fn time_terms(what: &str, runs: usize, mut search: impl AsyncFnMut(&str) -> usize) {
    let mut all = Vec::new();
    let cpu = Cpu::now();
    for term in TERMS {
        let mut times = Vec::with_capacity(runs);
        let mut hits = 0;
        for _ in 0..runs {
            let t = Instant::now();
            hits = search(term).await;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{term:<10} hits {hits:>3}  p50 {:>8.1} ms  p95 {:>8.1} ms",
            times[runs / 2],
            times[(runs * 95 / 100).min(runs - 1)]
        );
        all.extend(times);
    }
    let cpu = cpu.since();
    all.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = all.len() as f64;
    println!(
        "{what}, all terms: p50 {:.1} ms, p95 {:.1} ms; CPU per search {:.2} ms here + {:.2} ms PostgreSQL",
        all[all.len() / 2],
        all[all.len() * 95 / 100],
        cpu.here.as_secs_f64() * 1e3 / n,
        cpu.postgres.as_secs_f64() * 1e3 / n,
    );
}

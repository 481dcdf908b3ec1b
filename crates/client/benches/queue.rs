//! The desk's queue with 50,000 open cases: one page (200 rows, what the virtual list asks for)
//! plus the light counts of the whole filtered queue, per filter, and pages deep in the list
//! (a scroll). Goal (issue 4): filter ≤ 50 ms. The cases are recorded through the real path
//! (intake, dispatch, sign-for… folded, snapshots and alert points written), every one left open.
//! `cargo bench -p hotline-client --bench queue` (HOTLINE_BENCH_CASES to change the count).
//! Results: docs/BENCHMARKS.md.

use std::sync::Arc;
use std::time::Instant;

use hotline_client::store::{Light, QueueQuery};
use hotline_client::workbench::{seed_demo, Workbench};
use hotline_client::{DataDir, SystemClock};
use hotline_domain::time::Clock;

const RUNS: usize = 30;

#[tokio::main]
async fn main() {
    let n: usize = std::env::var("HOTLINE_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000);
    let dir = tempfile::tempdir().unwrap();
    // HOTLINE_BENCH_KEEP=1 keeps the store for a look at the query plans afterwards.
    let dir_path = if std::env::var_os("HOTLINE_BENCH_KEEP").is_some() {
        dir.keep()
    } else {
        dir.path().to_owned()
    };
    let desk = Workbench::open(
        DataDir::resolve(Some(dir_path.clone())),
        Arc::new(SystemClock),
    )
    .await
    .unwrap();
    let t0 = Instant::now();
    let made = seed_demo(&desk.store().await, &desk.sla(), SystemClock.now(), n, true)
        .await
        .unwrap();
    println!("store: {}", dir_path.display());
    println!(
        "recorded {made} open cases in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    let page = |f: fn(&mut QueueQuery)| {
        let mut q = QueueQuery {
            limit: 200,
            ..QueueQuery::default()
        };
        f(&mut q);
        q
    };
    let cases: Vec<(&str, QueueQuery)> = vec![
        ("no filter", page(|_| {})),
        (
            "kind = complaint",
            page(|q| q.kind = Some("complaint".into())),
        ),
        (
            "status = dispatched",
            page(|q| q.status = Some("dispatched".into())),
        ),
        (
            "district = 天河区",
            page(|q| q.district = Some("天河区".into())),
        ),
        (
            "bureau = MARKET",
            page(|q| q.bureau = Some("MARKET".into())),
        ),
        ("mine", page(|q| q.mine = true)),
        ("light = red", page(|q| q.light = Some(Light::Red))),
        (
            "kind + district + yellow",
            page(|q| {
                q.kind = Some("complaint".into());
                q.district = Some("海珠区".into());
                q.light = Some(Light::Yellow);
            }),
        ),
        ("scroll to row 10,000", page(|q| q.offset = 10_000)),
        ("scroll to row 25,000", page(|q| q.offset = 25_000)),
        ("scroll to the end", page(|q| q.offset = 49_800)),
    ];
    let total = desk.queue(&cases[0].1).await.unwrap().total;
    println!("open cases in the queue: {total}");
    println!(
        "{:<28} {:>8} {:>8} {:>8} {:>7}",
        "query", "p50 ms", "p95 ms", "max ms", "rows"
    );
    let mut all = Vec::new();
    for (name, q) in &cases {
        let mut times = Vec::with_capacity(RUNS);
        let mut rows = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            let p = desk.queue(q).await.unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            rows = p.rows.len();
        }
        times.sort_by(f64::total_cmp);
        let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
        println!(
            "{name:<28} {:>8.2} {:>8.2} {:>8.2} {rows:>7}",
            pct(0.5),
            pct(0.95),
            pct(1.0)
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "all queries: p95 {:.2} ms over {} runs",
        all[((all.len() - 1) as f64 * 0.95).round() as usize],
        all.len()
    );
}

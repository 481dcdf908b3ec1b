//! Reports over a large city: `hotline-server seed-demo --cases 2000000` first, then
//! `DATABASE_URL=…/that_db cargo bench -p hotline-server --bench report`.
//! Times the figures (SQL, the assessment ranking included) and each export for a day, a week,
//! the busiest month, the quarter and the half-year holding it, as `hotline-server report`
//! computes them. Goals: a month over 2,000,000 cases ≤ 2 s (issue 5), a quarter with its
//! ranking < 5 s (issue 12); the seed's standard: large reports under 15 s. Each period also prints
//! the CPU time of one warm computation, split between this process and PostgreSQL.

#[path = "support/cpu.rs"]
mod cpu;

use std::time::Instant;

use cpu::Cpu;

use hotline_server::report::{self, pdf::ReportFont, Period, PeriodKind};
use sqlx::postgres::PgPoolOptions;

const RUNS: usize = 10;

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
    // The demo's "now" is when it was seeded: report as of the newest case.
    let now: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT max(received_at) FROM cases")
            .fetch_one(&pool)
            .await
            .unwrap();
    let busiest: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT date_trunc('month', received_at AT TIME ZONE 'Asia/Shanghai')::date FROM cases
         WHERE received_at < date_trunc('month', $1 AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
         GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
    )
    .bind(now)
    .fetch_one(&pool)
    .await
    .unwrap();
    let today = hotline_domain::time::local_date(now);
    let font = ReportFont::find().unwrap();
    println!("{cases} cases; {RUNS} runs per period (the first run is reported apart)");
    for (kind, date) in [
        (PeriodKind::HalfYear, busiest),
        (PeriodKind::Quarter, busiest),
        (PeriodKind::Month, busiest),
        (PeriodKind::Week, today),
        (PeriodKind::Day, today),
    ] {
        let period = Period::holding(kind, date).unwrap();
        let mut figures = Vec::new();
        let mut first = 0.0;
        let mut r = None;
        let mut cpu = Cpu::now();
        for i in 0..=RUNS {
            if i == 1 {
                cpu = Cpu::now(); // the warm runs only
            }
            let t = Instant::now();
            let got = report::compute(&pool, &period, now).await.unwrap();
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if i == 0 {
                first = ms
            } else {
                figures.push(ms)
            }
            r = Some(got);
        }
        let cpu = cpu.since();
        let r = r.unwrap();
        let t = Instant::now();
        let xlsx = report::xlsx::write(&r).unwrap();
        let xlsx_ms = t.elapsed().as_secs_f64() * 1000.0;
        let t = Instant::now();
        let pdf = report::pdf::write(&r, &font).unwrap();
        let pdf_ms = t.elapsed().as_secs_f64() * 1000.0;
        figures.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!(
            "{:<40} received {:>7}  clocks decided {:>8}  ranked {:>2}  figures: first {:>7.0} ms, p50 {:>7.0} ms, max {:>7.0} ms, CPU {:>6.0} ms here + {:>6.0} ms PostgreSQL  xlsx {:>5.0} ms ({} KB)  pdf {:>5.0} ms ({} KB)",
            r.title, r.received, r.on_time.decided, r.assessment.rows.iter().filter(|a| a.rank.is_some()).count(), first, figures[RUNS / 2], figures[RUNS - 1],
            cpu.here.as_secs_f64() * 1e3 / RUNS as f64, cpu.postgres.as_secs_f64() * 1e3 / RUNS as f64,
            xlsx_ms, xlsx.len() / 1024, pdf_ms, pdf.len() / 1024
        );
    }
}

//! `hotline-server report | seed-demo | supervise` (part of the binary).

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use hotline_server::MIGRATOR;

pub async fn report(
    pool: &sqlx::PgPool,
    period: String,
    date: Option<NaiveDate>,
    format: String,
    out: PathBuf,
    bureau: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    use hotline_server::report::{self, Period};
    let kind = period.parse().map_err(anyhow::Error::msg)?;
    let period = Period::holding(
        kind,
        date.unwrap_or_else(|| hotline_domain::time::local_date(now)),
    )?;
    if let Some(b) = &bureau {
        let known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM bureaus WHERE code = $1)")
                .bind(b)
                .fetch_one(pool)
                .await?;
        anyhow::ensure!(known, "no bureau {b:?} / 无此承办单位");
    }
    let started = std::time::Instant::now();
    let r = report::compute::compute_for(pool, &period, now, bureau.as_deref()).await?;
    let computed = started.elapsed();
    let bytes = match format.as_str() {
        "xlsx" => report::xlsx::write(&r)?,
        "pdf" => report::pdf::write(&r, &report::pdf::ReportFont::find()?)?,
        _ => serde_json::to_vec_pretty(&r)?,
    };
    std::fs::write(&out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "{}: {} cases received, on time {}, satisfied {}; computed in {} ms, written in {} ms to {}",
        r.title,
        r.received,
        r.on_time.rate().map_or("—".into(), |p| format!("{:.1}%", p * 100.0)),
        r.satisfaction.rate().map_or("—".into(), |p| format!("{:.1}%", p * 100.0)),
        computed.as_millis(),
        (started.elapsed() - computed).as_millis(),
        out.display()
    );
    Ok(())
}

pub async fn seed_demo(
    pool: &sqlx::PgPool,
    cases: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    // A province's platform: the scale benchmarks run on 5,000,000 (docs/BENCHMARKS.md).
    anyhow::ensure!(
        (1..=10_000_000).contains(&cases),
        "--cases must be 1..=10000000 / 案例数须在 1 到 10000000 之间"
    );
    MIGRATOR.run(pool).await.context("migration failed")?;
    let cal = hotline_server::calendar::load_sla(pool).await?;
    let started = std::time::Instant::now();
    let s = hotline_server::demo::seed(pool, cases, now, &cal, &mut |n| {
        if n % 100_000 == 0 || n == cases {
            eprintln!("{n} cases…");
        }
    })
    .await?;
    println!(
        "demo: {} cases, {} events in {:.1} s; users demo_seat01..{:02}, demo_super, demo_<bureau>; password {}",
        s.cases,
        s.events,
        started.elapsed().as_secs_f64(),
        20,
        hotline_server::demo::DEMO_PASSWORD
    );
    Ok(())
}

//! `hotline-server import legacy` (part of the binary): reads the mapping, imports the file
//! with progress on standard error, and prints what came of every row.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use chrono::{DateTime, Utc};
use hotline_server::legacy::{self, mapping::Mapping, ImportReport, Options};

/// Progress is told each time this many more rows are read.
const PROGRESS_EVERY: usize = 10_000;
/// How many broken rows are printed one per line before the rest are only counted.
const SHOWN: usize = 1_000;

pub async fn legacy(
    pool: &sqlx::PgPool,
    file: &Path,
    mapping: &Path,
    options: Options,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    hotline_server::MIGRATOR
        .run(pool)
        .await
        .context("migration failed")?;
    let mapping = Mapping::load(mapping).map_err(refusal)?;
    let cal = hotline_server::calendar::load_sla(pool).await?;
    let started = Instant::now();
    let mut next = PROGRESS_EVERY;
    let report = legacy::import(pool, file, &mapping, options, now, &cal, &mut |r| {
        if r.rows < next {
            return;
        }
        next = (r.rows / PROGRESS_EVERY + 1) * PROGRESS_EVERY;
        eprintln!(
            "read {} rows: {} cases {}, {} already there, {} broken / 已读{}行",
            r.rows,
            r.imported,
            if options.dry_run {
                "to import"
            } else {
                "imported"
            },
            r.already,
            r.broken.len(),
            r.rows
        );
    })
    .await
    .map_err(refusal)?;
    print(&report, options, started.elapsed().as_secs_f64());
    if report.wrote_nothing && options.strict && !report.broken.is_empty() {
        eprintln!(
            "error: [import.strict] {} broken rows and --strict: nothing imported / 存在错误行，严格模式下未导入任何数据",
            report.broken.len()
        );
        std::process::exit(2);
    }
    Ok(())
}

fn print(report: &ImportReport, options: Options, secs: f64) {
    for b in report.broken.iter().take(SHOWN) {
        println!("line {}: {}", b.line, b.reason);
    }
    if report.broken.len() > SHOWN {
        println!("… and {} more broken rows", report.broken.len() - SHOWN);
    }
    let verb = if options.dry_run {
        "would import"
    } else if report.wrote_nothing && !report.broken.is_empty() && options.strict {
        "refused; would have imported"
    } else {
        "imported"
    };
    let rate = report.imported as f64 / secs.max(0.001);
    println!(
        "{} rows: {verb} {} cases ({} closed, {} open; {} events) in {secs:.1} s ({rate:.0} cases/s); {} already imported; {} broken rows not imported / 共{}行：导入{}件，已存在{}件，错误{}行",
        report.rows,
        report.imported,
        report.closed,
        report.open,
        report.events,
        report.already,
        report.broken.len(),
        report.rows,
        report.imported,
        report.already,
        report.broken.len()
    );
}

/// An import refused as a whole (unreadable file or mapping, a missing column): status 2.
fn refusal(e: legacy::ImportError) -> anyhow::Error {
    if matches!(e, legacy::ImportError::Db(_)) {
        return e.into();
    }
    eprintln!("error: [{}] {e}", e.code());
    std::process::exit(2);
}

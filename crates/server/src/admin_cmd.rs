//! `hotline-server user | case | roster | kb | calendar` (part of the binary): what IT and the
//! centre's administrators load and export.

use std::io::Read;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};
use hotline_server::{admin, MIGRATOR};

pub async fn add_user(
    pool: &sqlx::PgPool,
    name: String,
    role: String,
    bureau: Option<String>,
    seat_code: Option<String>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']);
    let u = admin::NewUser {
        name: &name,
        role: &role,
        bureau: bureau.as_deref(),
        seat_code: seat_code.as_deref(),
        password,
    };
    let id = admin::add_user(pool, u, now).await?;
    println!("user {name} added (id {id})");
    Ok(())
}

pub async fn export_case(
    pool: &sqlx::PgPool,
    case: String,
    out: PathBuf,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let cal = hotline_server::calendar::load_sla(pool).await?;
    let record = hotline_server::record::case_record(pool, &case, &cal, now)
        .await?
        .with_context(|| format!("no case {case} / 工单不存在"))?;
    // FILE.pdf: the case printed (its steps and its incident reports); anything else: the JSON.
    let pdf = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    let bytes = if pdf {
        let font = hotline_server::report::pdf::ReportFont::find()?;
        let policy = hotline_server::centre_policy::history(pool).await?;
        let catalog = &policy.current().policy.catalog;
        hotline_server::report::case_pdf::write(&record, catalog, &font)?
    } else {
        serde_json::to_vec_pretty(&record)?
    };
    std::fs::write(&out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    hotline_server::admin::audit(pool, now, None, "case.export", &record.id.to_string()).await?;
    println!(
        "case {} ({} events, {} audit entries) written to {}",
        record.number,
        record.events.len(),
        record.audit.len(),
        out.display()
    );
    Ok(())
}

pub async fn import_roster(
    pool: &sqlx::PgPool,
    file: PathBuf,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let n = hotline_server::roster::import(pool, &text).await?;
    hotline_server::admin::audit(
        pool,
        now,
        None,
        "roster.import",
        &format!("{} ({n} shifts)", file.display()),
    )
    .await?;
    println!("imported {n} shifts");
    Ok(())
}

pub async fn import_kb(
    pool: &sqlx::PgPool,
    file: PathBuf,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    MIGRATOR.run(pool).await.context("migration failed")?;
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let n = hotline_server::knowledge::import(pool, "import", &text, now).await?;
    hotline_server::admin::audit(
        pool,
        now,
        None,
        "kb.import",
        &format!("{} ({n} articles)", file.display()),
    )
    .await?;
    println!("imported {n} articles, published");
    Ok(())
}

pub async fn export_kb(pool: &sqlx::PgPool, out: PathBuf) -> anyhow::Result<()> {
    let all = hotline_server::knowledge::export(pool).await?;
    std::fs::write(&out, serde_json::to_vec_pretty(&all)?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "exported {} articles to {}",
        all.articles.len(),
        out.display()
    );
    Ok(())
}

pub async fn import_calendar(
    pool: &sqlx::PgPool,
    file: PathBuf,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let years = hotline_domain::calendar::parse_any(&name, &text)?;
    print_import(&hotline_server::calendar::import(pool, &name, years, now).await?);
    Ok(())
}

pub async fn import_notice(
    pool: &sqlx::PgPool,
    file: PathBuf,
    year: Option<i32>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read {}", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let schedule = hotline_domain::calendar::parse_notice(&text, year)?;
    if dry_run {
        print!("{}", hotline_domain::calendar::describe_notice(&schedule));
        println!(
            "read the {} notice: nothing imported (--dry-run)",
            schedule.year
        );
        return Ok(());
    }
    print_import(&hotline_server::calendar::import(pool, &name, vec![schedule], now).await?);
    Ok(())
}

/// What an import did: the years, then every running clock whose due moved (old -> new).
fn print_import(o: &hotline_server::calendar::ImportOutcome) {
    let s = &o.summary;
    println!(
        "imported {:?}: {} rest days, {} make-up working days; {} cases recomputed, {} running clocks moved (servers and seats use it from their next sync)",
        s.years, s.rest_days, s.work_days, o.recomputed, o.moved.len()
    );
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or("-".to_owned(), |t| {
            t.with_timezone(&hotline_domain::time::china()).to_rfc3339()
        })
    };
    for m in &o.moved {
        let bureau = m
            .bureau
            .as_ref()
            .map(|b| format!(" [{b}]"))
            .unwrap_or_default();
        println!(
            "moved {} {}{}: {} -> {}{}",
            m.number,
            m.clock,
            bureau,
            at(m.before),
            at(m.after),
            if m.provisional {
                " provisional 暂定"
            } else {
                ""
            }
        );
    }
}

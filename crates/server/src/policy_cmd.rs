//! `hotline-server policy …` (part of the binary): export the version in force, import an edited
//! one with its reason, list the versions.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Subcommand;
use hotline_domain::centre::{ClockChange, PolicyChanges};
use hotline_domain::sla::ClockSpec;
use hotline_domain::wire::PolicyOutcome;
use hotline_server::centre_policy;
use sqlx::PgPool;

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Write a version (default: the one in force) as JSON, to edit and import
    Export {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        version: Option<u32>,
    },
    /// Validate a policy file and keep it as the next version, in force from now for new cases
    Import {
        file: PathBuf,
        /// Why it changes (kept with the version and in the audit)
        #[arg(long)]
        reason: String,
        /// Who changes it (default: the login name running this command)
        #[arg(long)]
        by: Option<String>,
        /// Show what it would change, save nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Every version: number, in force from, who, why
    History,
}

pub async fn run(pool: &PgPool, cmd: PolicyCommand, now: DateTime<Utc>) -> anyhow::Result<()> {
    match cmd {
        PolicyCommand::Export { out, version } => export(pool, &out, version).await,
        PolicyCommand::Import {
            file,
            reason,
            by,
            dry_run,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let by = by
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "administrator".into());
            let outcome = centre_policy::import(pool, &text, &by, &reason, dry_run, now)
                .await
                .map_err(|e| anyhow::anyhow!("{}: {e}", e.code()))?;
            print_import(&outcome);
            Ok(())
        }
        PolicyCommand::History => {
            for v in centre_policy::history(pool).await?.versions {
                println!(
                    "version {}  in force from {}  by {}: {}",
                    v.version,
                    china(v.in_force_from),
                    v.changed_by,
                    v.reason
                );
            }
            Ok(())
        }
    }
}

async fn export(pool: &PgPool, out: &Path, version: Option<u32>) -> anyhow::Result<()> {
    let (n, doc) = centre_policy::export(pool, version)
        .await?
        .with_context(|| format!("no version {}", version.unwrap_or_default()))?;
    std::fs::write(out, doc.to_json())
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "wrote version {n} with calendar years {}–{} to {}",
        doc.calendar.first().map_or(0, |y| y.year),
        doc.calendar.last().map_or(0, |y| y.year),
        out.display()
    );
    Ok(())
}

fn china(t: DateTime<Utc>) -> String {
    t.with_timezone(&hotline_domain::time::china()).to_rfc3339()
}

fn clock(c: &Option<ClockSpec>) -> String {
    match c {
        None => "-".into(),
        Some(c) => format!(
            "{} {} (from {:?}, stops at {:?})",
            c.label, c.amount, c.start, c.stop
        ),
    }
}

fn print_changes(c: &PolicyChanges) {
    let list = |what: &str, codes: &[String]| {
        if !codes.is_empty() {
            println!("  {what}: {}", codes.join(", "));
        }
    };
    list("kinds added", &c.kinds_added);
    list("kinds removed", &c.kinds_removed);
    list("categories added", &c.categories_added);
    list("categories removed", &c.categories_removed);
    if c.catalog_changed {
        println!("  labels or flags of kinds or categories changed");
    }
    for ClockChange {
        kind,
        kind_label,
        key,
        before,
        after,
        applies_to,
    } in &c.clocks
    {
        println!(
            "  clock {kind_label} {kind}·{key}: {} -> {}  [{}]",
            clock(before),
            clock(after),
            applies_to.join("、")
        );
    }
    if c.counting_changed {
        println!("  business hours or day end changed: running clocks counted in them move");
    }
    if c.alerts_changed {
        println!("  alert thresholds or callback delay changed");
    }
    if c.maintenance_changed {
        println!("  maintenance notice period changed");
    }
    if c.assessment_changed {
        println!("  assessment weights changed: rankings are recomputed with them");
    }
}

fn print_import(o: &PolicyOutcome) {
    let policy_changed = !o.changes.is_empty();
    if policy_changed {
        println!("changes of version {}:", o.version);
        print_changes(&o.changes);
    } else {
        println!("the policy is unchanged (version {})", o.version);
    }
    if !o.calendar_years.is_empty() {
        let years: Vec<String> = o.calendar_years.iter().map(i32::to_string).collect();
        println!("calendar years imported: {}", years.join(", "));
    }
    println!(
        "open cases whose deadlines move: {} (a clock change applies to cases received after it)",
        o.moved.len()
    );
    for m in &o.moved {
        let at = |t: Option<DateTime<Utc>>| t.map_or("-".to_owned(), china);
        println!(
            "moved {} {}{}: {} -> {}",
            m.number,
            m.clock,
            m.bureau
                .as_ref()
                .map(|b| format!(" [{b}]"))
                .unwrap_or_default(),
            at(m.before),
            at(m.after)
        );
    }
    if o.saved && policy_changed {
        println!(
            "saved version {}: in force now for new cases; {} open cases recomputed; servers and seats use it from their next sync",
            o.version, o.recomputed
        );
    } else if o.saved {
        println!(
            "saved the calendar: {} open cases recomputed; seats use it from their next sync",
            o.recomputed
        );
    } else {
        println!("nothing saved (--dry-run)");
    }
}

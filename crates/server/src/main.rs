//! `hotline-server`: migrate, serve, and administer users and bureaus.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hotline_domain::time::{Clock, OffsetClock};
use hotline_server::database::{Database, Nodes};
use hotline_server::{admin, config::Config, log, MIGRATOR};
use sqlx::postgres::PgPoolOptions;

mod admin_cmd;
mod backup_cmd;
mod import_cmd;
mod policy_cmd;
mod report_cmd;
mod serve_cmd;

#[derive(Parser)]
#[command(
    name = "hotline-server",
    version,
    about = "热线工作台服务端 / Hotline Desk server"
)]
struct Cli {
    /// TOML configuration file (default: ./hotline-server.toml if present); DATABASE_URL overrides
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply the database migrations
    Migrate,
    /// Serve the API
    Serve {
        /// Address to listen on (default 127.0.0.1:8080, or `listen` in the configuration)
        #[arg(long)]
        listen: Option<String>,
        /// PEM certificate chain: serve HTTPS (with --tls-key)
        #[arg(long)]
        tls_cert: Option<PathBuf>,
        /// PEM private key for --tls-cert
        #[arg(long)]
        tls_key: Option<PathBuf>,
        /// Seconds between supervision passes (the escalation ladder: alerts, urgings,
        /// escalations). Every server process runs them; each step is recorded once.
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=3600))]
        supervise_every: u64,
    },
    /// Users and their roles
    #[command(subcommand)]
    User(UserCommand),
    /// Devices (desks) and the users they belong to
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Bureaus (承办单位)
    #[command(subcommand)]
    Bureau(BureauCommand),
    /// Bring a centre's history over from its former system (docs/LEGACY-IMPORT.md)
    #[command(subcommand)]
    Import(ImportCommand),
    /// The legal working-day calendar
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// The centre's policy: kinds, clocks, business hours, alert thresholds (versioned)
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// The knowledge base (知识库)
    #[command(subcommand)]
    Kb(KbCommand),
    /// Cases
    #[command(subcommand)]
    Case(CaseCommand),
    /// Duty rosters (值班管理)
    #[command(subcommand)]
    Roster(RosterCommand),
    /// A day's, week's, month's, quarter's or half-year's report over all cases, with the
    /// bureaus' assessment ranking, to XLSX, PDF or JSON
    Report {
        #[arg(long, value_parser = ["day", "week", "month", "quarter", "half-year"])]
        period: String,
        /// A date in the period (YYYY-MM-DD, China time); default today
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = ["xlsx", "pdf", "json"])]
        format: String,
        #[arg(long)]
        out: PathBuf,
        /// One bureau's own report (its cases only), as its handlers download it
        #[arg(long)]
        bureau: Option<String>,
    },
    /// One supervision pass now: each late clock's escalation ladder (alert the duty supervisor,
    /// urge the bureau, escalate) and the day's hotspots (热点预警); serve does it every minute
    Supervise,
    /// Back up into a folder: a full dump (--full; weekly) or what changed since the last backup (daily)
    Backup {
        #[arg(long)]
        dir: PathBuf,
        #[arg(long)]
        full: bool,
        /// Then remove the backups older than this many years that no restore needs (seed 003: 3)
        #[arg(long, default_value_t = 3)]
        keep_years: u32,
        /// Encrypt to this age public key (age1…) or the keys in this file; default
        /// HOTLINE_BACKUP_RECIPIENT (seed 003 §8.2.6: backups encrypted at rest)
        #[arg(long)]
        recipient: Option<String>,
        /// Write callers' data in the clear (no key given): only where the disk is encrypted
        #[arg(long, conflicts_with = "recipient")]
        unencrypted: bool,
    },
    /// Restore the folder's newest full backup and the incrementals after it into an empty database
    Restore {
        #[arg(long)]
        dir: PathBuf,
        /// The operator's secret key file (AGE-SECRET-KEY-1…) for encrypted backups; default
        /// HOTLINE_BACKUP_IDENTITY
        #[arg(long)]
        identity: Option<PathBuf>,
    },
    /// Make the operator's backup key pair: the secret key into FILE (keep it off the server),
    /// the public key printed for `backup --recipient`
    BackupKey {
        #[arg(long)]
        out: PathBuf,
    },
    /// Fill the database with a demo city: bureaus, seats, cases of every kind and state
    SeedDemo {
        /// How many cases (up to 2,000,000)
        #[arg(long, default_value_t = 2_000)]
        cases: usize,
    },
}

#[derive(Subcommand)]
enum CaseCommand {
    /// One case's full record (intake, every event with who and when, clocks, audit) as JSON,
    /// or printed as PDF (its steps and its incident reports) when FILE ends in .pdf
    Export {
        /// The case's number or id
        case: String,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum RosterCommand {
    /// Import shifts from CSV: day,shift,start,end,position,user (the days it names are replaced)
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum KbCommand {
    /// Import articles, published as they are (JSON: {"articles": [{"id", "title", "body", "category", "level", "tags"}]})
    Import { file: PathBuf },
    /// Export every article with all its versions and reviews (JSON)
    Export {
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Import a year's schedule (JSON, CSV or iCalendar; docs/CALENDAR-FORMAT.md)
    Import { file: PathBuf },
    /// Import the State Council's notice as published: its text (UTF-8), read line by line
    ImportNotice {
        file: PathBuf,
        /// The notice's year, when its title is not in the text
        #[arg(long)]
        year: Option<i32>,
        /// Print every rest day and make-up working day read, import nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input
    Add {
        name: String,
        /// seat, supervisor, bureau (with --bureau), admin, or management (管理方: reads the
        /// whole centre's reports and cases, callers masked, records nothing)
        #[arg(long)]
        role: String,
        #[arg(long)]
        bureau: Option<String>,
        /// The seat code that numbers this user's cases (seats and supervisors)
        #[arg(long)]
        seat_code: Option<String>,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user and revoke their sessions at once
    Disable { name: String },
    /// Lift a login lockout (too many failed passwords) before it ends by itself
    Unlock { name: String },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Free a device (a desk's data folder) from its user, so another user may log in on it
    Release { device_id: String },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Cases exported from the former system (CSV or XLSX), mapped by MAP.toml onto ours;
    /// importing the same file again adds nothing
    Legacy {
        file: PathBuf,
        /// Which column holds what, and the former kinds, statuses, categories and bureaus in ours
        #[arg(long)]
        mapping: PathBuf,
        /// Read and check every row, report what would be imported, write nothing
        #[arg(long)]
        dry_run: bool,
        /// Refuse the whole file when any row is broken (else broken rows are named and skipped)
        #[arg(long)]
        strict: bool,
    },
}

#[derive(Subcommand)]
enum BureauCommand {
    /// Import bureaus from CSV: code,name,parent,district,phone
    Import { file: PathBuf },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::BackupKey { out } = &cli.command {
        return backup_cmd::key(out);
    }
    let config = Config::load(cli.config.as_deref())?;
    let nodes = Nodes::parse(config.database_url()?)?;
    // A failover in progress is waited out as long as a pooled connection would be.
    let pool = Database::connect(
        &nodes,
        PgPoolOptions::new().max_connections(20),
        std::time::Duration::from_secs(30),
    )
    .await
    .context("cannot connect to PostgreSQL")?
    .pool;
    // The same moved clock as `serve`'s, so a centre run at a chosen hour is one world.
    let now = OffsetClock::from_env().now();
    match cli.command {
        Command::Migrate => {
            MIGRATOR.run(&pool).await.context("migration failed")?;
            keep_builtin_policy(&pool).await?;
            println!("migrated");
        }
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            supervise_every,
        } => {
            let every = std::time::Duration::from_secs(supervise_every);
            serve_cmd::run(&config, pool, listen, tls_cert, tls_key, every, now).await?
        }
        Command::User(UserCommand::Add {
            name,
            role,
            bureau,
            seat_code,
            password_stdin: _,
        }) => admin_cmd::add_user(&pool, name, role, bureau, seat_code, now).await?,
        Command::User(UserCommand::Disable { name }) => {
            admin::disable_user(&pool, &name, now).await?;
            println!("user {name} disabled; sessions revoked");
        }
        Command::User(UserCommand::Unlock { name }) => {
            admin::unlock_user(&pool, &name, now).await?;
            println!("user {name} may log in again");
        }
        Command::Device(DeviceCommand::Release { device_id }) => {
            admin::release_device(&pool, &device_id, now).await?;
            println!("device {device_id} released; its sessions ended; the next user to log in on it owns it");
        }
        Command::SeedDemo { cases } => report_cmd::seed_demo(&pool, cases, now).await?,
        Command::Report {
            period,
            date,
            format,
            out,
            bureau,
        } => report_cmd::report(&pool, period, date, format, out, bureau, now).await?,
        Command::Case(CaseCommand::Export { case, out }) => {
            admin_cmd::export_case(&pool, case, out, now).await?
        }
        Command::Roster(RosterCommand::Import { file }) => {
            admin_cmd::import_roster(&pool, file, now).await?
        }
        Command::Kb(KbCommand::Import { file }) => admin_cmd::import_kb(&pool, file, now).await?,
        Command::Kb(KbCommand::Export { out }) => admin_cmd::export_kb(&pool, out).await?,
        Command::Supervise => {
            let cal = hotline_server::calendar::load_sla(&pool).await?;
            let n = hotline_server::supervise::run_once(&pool, &cal, now).await?;
            println!("supervision: {n} alerts, urging notices and escalations recorded");
            let n = hotline_server::hotspot::run_once(&pool, &cal, now).await?;
            println!("supervision: {n} hotspots raised");
        }
        Command::Backup {
            dir,
            full,
            keep_years,
            recipient,
            unencrypted,
        } => {
            let args = backup_cmd::BackupArgs {
                dir,
                full,
                keep_years,
                recipient,
                unencrypted,
            };
            backup_cmd::backup(&pool, &config, args, now).await?
        }
        Command::BackupKey { .. } => unreachable!("answered before connecting to the database"),
        Command::Restore { dir, identity } => {
            backup_cmd::restore(&pool, &config, dir, identity).await?
        }
        Command::Calendar(CalendarCommand::Import { file }) => {
            admin_cmd::import_calendar(&pool, file, now).await?
        }
        Command::Calendar(CalendarCommand::ImportNotice {
            file,
            year,
            dry_run,
        }) => admin_cmd::import_notice(&pool, file, year, dry_run, now).await?,
        Command::Policy(cmd) => policy_cmd::run(&pool, cmd, now).await?,
        Command::Import(ImportCommand::Legacy {
            file,
            mapping,
            dry_run,
            strict,
        }) => {
            let options = hotline_server::legacy::Options { dry_run, strict };
            import_cmd::legacy(&pool, &file, &mapping, options, now).await?
        }
        Command::Bureau(BureauCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = admin::import_bureaus(&pool, &text, now).await?;
            println!("imported {n} bureaus");
        }
    }
    Ok(())
}

/// What an import did: the years, then every running clock whose due moved (old -> new).
/// Pins version 0 of the centre's policy, and says when this build's figures differ from it.
async fn keep_builtin_policy(pool: &sqlx::PgPool) -> anyhow::Result<()> {
    if hotline_server::centre_policy::keep_builtin(pool).await? {
        log::info("this build's built-in deadline policy differs from the centre's version 0; the centre keeps its versions (hotline-server policy export/import to adopt a change)");
    }
    Ok(())
}

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

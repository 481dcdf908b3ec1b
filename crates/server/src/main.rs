//! `hotline-server`: migrate, serve, and administer users and bureaus.

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};
use hotline_domain::time::Clock;
use hotline_server::{admin, api, config::Config, log, state::AppState, MIGRATOR};
use sqlx::postgres::PgPoolOptions;

mod policy_cmd;

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
    /// A day's, week's or month's report over all cases, to XLSX, PDF or JSON
    Report {
        #[arg(long, value_parser = ["day", "week", "month"])]
        period: String,
        /// A date in the period (YYYY-MM-DD, China time); default today
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        #[arg(long, value_parser = ["xlsx", "pdf", "json"])]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// One supervision pass now: urge late bureaus, escalate repeated breaches (serve does it every minute)
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
    /// One case's full record (intake, every event with who and when, clocks, audit) as JSON
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
enum BureauCommand {
    /// Import bureaus from CSV: code,name,parent,district,phone
    Import { file: PathBuf },
}

struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::BackupKey { out } = &cli.command {
        return backup_key(out);
    }
    let config = Config::load(cli.config.as_deref())?;
    let pool = PgPoolOptions::new()
        .max_connections(20)
        .connect(config.database_url()?)
        .await
        .context("cannot connect to PostgreSQL")?;
    let now = SystemClock.now();
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
        } => {
            MIGRATOR.run(&pool).await.context("migration failed")?;
            keep_builtin_policy(&pool).await?;
            let calendar = hotline_server::calendar::load(&pool).await?;
            if let Some(w) = calendar.coverage_warning(hotline_domain::time::local_date(now)) {
                log::info(&format!("warning: {w}"));
            }
            let calendar = Arc::new(hotline_server::calendar::load_sla(&pool).await?);
            let n = hotline_server::snapshot::backfill_facts(&pool, &calendar)
                .await
                .context("cannot derive report facts")?;
            if n > 0 {
                log::info(&format!(
                    "derived report facts of {n} cases saved before they existed"
                ));
            }
            // Migrating and deriving facts above may take long; serving may not.
            pool.close().await;
            let pool = hotline_server::state::serving_pool(
                config.database_url()?,
                &hotline_server::state::PoolLimits::default(),
            )
            .await
            .context("cannot connect to PostgreSQL")?;
            let state =
                AppState::start(pool, Arc::new(SystemClock), calendar, config.token_hours())
                    .await
                    .context("cannot LISTEN")?;
            hotline_server::supervise::spawn(
                state.pool.clone(),
                state.clock.clone(),
                state.calendar.clone(),
                std::time::Duration::from_secs(60),
            );
            let addr = listen
                .or(config.listen.clone())
                .unwrap_or_else(|| "127.0.0.1:8080".into());
            let router = api::router(state);
            match (
                tls_cert.or(config.tls_cert.clone()),
                tls_key.or(config.tls_key.clone()),
            ) {
                (Some(cert), Some(key)) => {
                    let _ = rustls::crypto::ring::default_provider().install_default();
                    let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(&cert, &key)
                        .await
                        .with_context(|| {
                            format!(
                                "cannot load TLS certificate {} and key {}",
                                cert.display(),
                                key.display()
                            )
                        })?;
                    let addr: std::net::SocketAddr = addr
                        .parse()
                        .with_context(|| format!("--listen {addr} is not an address"))?;
                    let handle = axum_server::Handle::new();
                    let stopper = handle.clone();
                    tokio::spawn(async move {
                        shutdown().await;
                        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
                    });
                    log::info(&format!("listening on https://{addr}"));
                    axum_server::bind_rustls(addr, tls)
                        .handle(handle)
                        .serve(router.into_make_service_with_connect_info::<std::net::SocketAddr>())
                        .await?;
                }
                (None, None) => {
                    let listener = tokio::net::TcpListener::bind(&addr)
                        .await
                        .with_context(|| format!("cannot listen on {addr}"))?;
                    log::info(&format!("listening on http://{}", listener.local_addr()?));
                    // The peer's address counts login failures per address (login_guard).
                    let service =
                        router.into_make_service_with_connect_info::<std::net::SocketAddr>();
                    axum::serve(listener, service)
                        .with_graceful_shutdown(shutdown())
                        .await?;
                }
                _ => {
                    anyhow::bail!("a TLS certificate and its key go together: give both or neither")
                }
            }
        }
        Command::User(UserCommand::Add {
            name,
            role,
            bureau,
            seat_code,
            password_stdin: _,
        }) => {
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
            let id = admin::add_user(&pool, u, now).await?;
            println!("user {name} added (id {id})");
        }
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
        Command::SeedDemo { cases } => {
            anyhow::ensure!(
                (1..=2_000_000).contains(&cases),
                "--cases must be 1..=2000000"
            );
            MIGRATOR.run(&pool).await.context("migration failed")?;
            let cal = hotline_server::calendar::load_sla(&pool).await?;
            let started = std::time::Instant::now();
            let s = hotline_server::demo::seed(&pool, cases, now, &cal, &mut |n| {
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
        }
        Command::Report {
            period,
            date,
            format,
            out,
        } => {
            use hotline_server::report::{self, Period};
            let kind = period.parse().map_err(anyhow::Error::msg)?;
            let period = Period::holding(
                kind,
                date.unwrap_or_else(|| hotline_domain::time::local_date(now)),
            )?;
            let started = std::time::Instant::now();
            let r = report::compute(&pool, &period, now).await?;
            let computed = started.elapsed();
            let bytes = match format.as_str() {
                "xlsx" => report::xlsx::write(&r)?,
                "pdf" => report::pdf::write(&r, &report::pdf::ReportFont::find()?)?,
                _ => serde_json::to_vec_pretty(&r)?,
            };
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
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
        }
        Command::Case(CaseCommand::Export { case, out }) => {
            let cal = hotline_server::calendar::load_sla(&pool).await?;
            let record = hotline_server::record::case_record(&pool, &case, &cal, now)
                .await?
                .with_context(|| format!("no case {case} / 工单不存在"))?;
            std::fs::write(&out, serde_json::to_vec_pretty(&record)?)
                .with_context(|| format!("cannot write {}", out.display()))?;
            hotline_server::admin::audit(&pool, now, None, "case.export", &record.id.to_string())
                .await?;
            println!(
                "case {} ({} events, {} audit entries) written to {}",
                record.number,
                record.events.len(),
                record.audit.len(),
                out.display()
            );
        }
        Command::Roster(RosterCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = hotline_server::roster::import(&pool, &text).await?;
            hotline_server::admin::audit(
                &pool,
                now,
                None,
                "roster.import",
                &format!("{} ({n} shifts)", file.display()),
            )
            .await?;
            println!("imported {n} shifts");
        }
        Command::Kb(KbCommand::Import { file }) => {
            MIGRATOR.run(&pool).await.context("migration failed")?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let n = hotline_server::knowledge::import(&pool, "import", &text, now).await?;
            hotline_server::admin::audit(
                &pool,
                now,
                None,
                "kb.import",
                &format!("{} ({n} articles)", file.display()),
            )
            .await?;
            println!("imported {n} articles, published");
        }
        Command::Kb(KbCommand::Export { out }) => {
            let all = hotline_server::knowledge::export(&pool).await?;
            std::fs::write(&out, serde_json::to_vec_pretty(&all)?)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "exported {} articles to {}",
                all.articles.len(),
                out.display()
            );
        }
        Command::Supervise => {
            let cal = hotline_server::calendar::load_sla(&pool).await?;
            let n = hotline_server::supervise::run_once(&pool, &cal, now).await?;
            println!("supervision: {n} urging notices and escalations recorded");
        }
        Command::Backup {
            dir,
            full,
            keep_years,
            recipient,
            unencrypted,
        } => {
            use hotline_server::backup;
            let sealing = match recipient.or_else(|| std::env::var("HOTLINE_BACKUP_RECIPIENT").ok())
            {
                _ if unencrypted => backup::Sealing::InTheClear,
                Some(spec) => backup::Sealing::recipients(&spec).map_err(coded)?,
                None => return Err(coded(backup::BackupError::NoRecipient)),
            };
            let e = if full {
                backup::full(&pool, config.database_url()?, &dir, now, &sealing).await
            } else {
                backup::incremental(&pool, &dir, now, &sealing).await
            }
            .map_err(coded)?;
            println!(
                "{:?} backup {} ({} events, sha256 {})",
                e.kind,
                dir.join(&e.file).display(),
                e.events,
                e.sha256
            );
            let removed = backup::prune(&dir, now, keep_years)?;
            if !removed.is_empty() {
                println!(
                    "removed {} backups older than {keep_years} years: {}",
                    removed.len(),
                    removed.join(", ")
                );
            }
        }
        Command::BackupKey { .. } => unreachable!("answered before connecting to the database"),
        Command::Restore { dir, identity } => {
            use hotline_server::backup;
            let keys = match identity
                .or_else(|| std::env::var_os("HOTLINE_BACKUP_IDENTITY").map(PathBuf::from))
            {
                Some(file) => backup::Unsealing::identity_file(&file).map_err(coded)?,
                None => backup::Unsealing::none(),
            };
            let r = backup::restore(&pool, config.database_url()?, &dir, &keys)
                .await
                .map_err(coded)?;
            println!("restored {} and {} incremental backups: {} events; {} cases refolded; seats will pull again from the start", r.full, r.incrementals, r.events, r.cases);
        }
        Command::Calendar(CalendarCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let years = hotline_domain::calendar::parse_any(&name, &text)?;
            print_import(&hotline_server::calendar::import(&pool, &name, years, now).await?);
        }
        Command::Calendar(CalendarCommand::ImportNotice {
            file,
            year,
            dry_run,
        }) => {
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
            print_import(
                &hotline_server::calendar::import(&pool, &name, vec![schedule], now).await?,
            );
        }
        Command::Policy(cmd) => policy_cmd::run(&pool, cmd, now).await?,
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

async fn shutdown() {
    let _ = tokio::signal::ctrl_c().await;
}

/// A backup error with its machine code, as the command line prints it.
fn coded(e: hotline_server::backup::BackupError) -> anyhow::Error {
    anyhow::anyhow!("{e} [{}]", e.code())
}

/// Writes a new backup key pair's secret half to `out` (owner-only, never over an existing
/// file: losing the old key loses every backup made with it) and prints the public half.
fn backup_key(out: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Write;
    let (secret, public) = hotline_server::backup::new_key_pair(&SystemClock.now().to_rfc3339());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(out)
        .with_context(|| format!("cannot create {} (it must not exist yet)", out.display()))?;
    file.write_all(secret.as_bytes())?;
    file.sync_all()?;
    println!("{public}");
    eprintln!(
        "secret key written to {}: keep it off the server, with the operator; a restore needs it. \
         Back up with: hotline-server backup --recipient {public} (or HOTLINE_BACKUP_RECIPIENT) / 私钥已写入，请离线保管",
        out.display()
    );
    Ok(())
}

//! `hotline`: the command-line front on the client library. Its commands and their output are a
//! contract for scripts and telephony integration: change them only by adding.

mod calendar_cmd;
mod case_cmd;
mod desk_cmd;
mod input;
mod sla_cmd;
mod store_cmd;
mod sync_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use hotline_client::{CalendarStore, DataDir, OffsetClock};
use hotline_domain::time::Clock;

/// Exit status for bad input (a malformed date, a missing amount, a year without data).
const BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "hotline",
    version,
    about = "热线工作台命令行 / Hotline Desk command line"
)]
struct Cli {
    /// Local data folder (default: $HOTLINE_DATA_DIR, else the platform's data folder)
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The legal working-day calendar (节假日与调休)
    #[command(subcommand)]
    Calendar(calendar_cmd::CalendarCommand),
    /// Deadlines (时限)
    #[command(subcommand)]
    Sla(sla_cmd::SlaCommand),
    /// Cases (工单): new, show, dispatch
    #[command(subcommand)]
    Case(case_cmd::CaseCommand),
    /// Open cases, the nearest deadline first
    Queue {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        status: Option<String>,
        #[arg(long)]
        bureau: Option<String>,
        #[arg(long)]
        district: Option<String>,
    },
    /// Log in to a server; the session token goes to the OS credential store
    Login(sync_cmd::LoginArgs),
    /// Log out: the server revokes the session and the OS credential store forgets the token;
    /// steps not yet sent stay, for this user's next login
    Logout,
    /// Sync with the server: --once, --watch or --status
    Sync(sync_cmd::SyncArgs),
    /// Screen pop: open intake in the running desk (starting it if needed) with the caller's
    /// number, as the deep link hotline://intake?phone=... does
    Intake {
        #[arg(long)]
        phone: String,
    },
    /// Demonstration data for a desk without a server (and for benchmarks)
    Demo {
        /// How many cases to make
        #[arg(long, default_value_t = 400)]
        cases: usize,
        /// Every case still open (a full queue to measure)
        #[arg(long)]
        open: bool,
    },
    /// The knowledge base: import articles (JSON {"articles": [...]})
    #[command(subcommand)]
    Kb(KbCommand),
    /// A caller's earlier cases, newest first: what intake shows for the number (来电历史),
    /// those brought over from the former system included
    Caller {
        phone: String,
        #[arg(long)]
        json: bool,
    },
    /// Search case text, numbers and phone numbers (Chinese terms of any length)
    Search {
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// The local store (encrypted; its key in the OS credential store): a query for support
    #[command(subcommand)]
    Store(store_cmd::StoreCommand),
}

#[derive(Subcommand)]
enum KbCommand {
    /// Add new articles and update changed ones (their version goes up)
    Import { file: PathBuf },
    /// The articles that match a caller's words best
    Suggest {
        text: String,
        #[arg(long, default_value = "")]
        category: String,
    },
}

/// An error the user caused; printed on one line, exit status 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's message up to its usage block.
            let rendered = e.render().to_string();
            let message: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| {
                    !l.is_empty()
                        && !l.starts_with("tip:")
                        && !l.starts_with("For more information")
                })
                .collect();
            eprintln!("{}", message.join(" "));
            return ExitCode::from(BAD_INPUT);
        }
    };
    let data = DataDir::resolve(cli.data_dir);
    let store = CalendarStore::new(data.clone());
    let clock = OffsetClock::from_env();
    let result = match cli.command {
        Command::Calendar(cmd) => calendar_cmd::run(cmd, &store, &clock),
        Command::Sla(cmd) => sla_cmd::run(cmd, &store, &clock),
        Command::Intake { phone } => desk_cmd::screen_pop(&phone),
        other => run_async(other, &data, &store, &clock),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let bad_input = e.downcast_ref::<BadInput>().is_some()
                || e.downcast_ref::<hotline_domain::calendar::CalendarError>()
                    .is_some()
                || e.downcast_ref::<hotline_client::ClientError>()
                    .is_some_and(hotline_client::ClientError::is_bad_input);
            // The machine code after the message, so a script can tell refusals apart.
            let code = e
                .downcast_ref::<hotline_client::ClientError>()
                .map(|c| format!(" [{}]", c.code()))
                .unwrap_or_default();
            eprintln!("error: {}{code}", one_line(&format!("{e:#}")));
            ExitCode::from(if bad_input { BAD_INPUT } else { 1 })
        }
    }
}

/// Writes command output; a closed pipe (`hotline ... | head`) is not an error.
pub(crate) fn emit(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Commands on the local store run on a small Tokio runtime of their own.
fn run_async(
    cmd: Command,
    data: &DataDir,
    calendars: &CalendarStore,
    clock: &OffsetClock,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let now = clock.now();
        let mut store = hotline_client::store::LocalStore::open(data, now).await?;
        let result = async {
            let cal = calendars.load_sla()?;
            store.refresh_snapshots(&cal, false).await?;
            run_on_store(cmd, &mut store, calendars, &cal, clock, now).await
        }
        .await;
        // Every connection closed before the process exits, on sqlx's worker threads, rather than
        // torn down by the exit itself while those threads still run.
        store.pool().close().await;
        result
    })
}

/// One command on the opened store.
async fn run_on_store(
    cmd: Command,
    store: &mut hotline_client::store::LocalStore,
    calendars: &CalendarStore,
    cal: &hotline_domain::sla::SlaCalendar,
    clock: &OffsetClock,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    match cmd {
        Command::Case(c) => case_cmd::run(c, store, cal, now).await,
        Command::Queue {
            json,
            kind,
            status,
            bureau,
            district,
        } => {
            let filter = hotline_client::store::QueueFilter {
                kind,
                status,
                bureau,
                district,
                limit: None,
            };
            case_cmd::queue(store, filter, json, now).await
        }
        Command::Search { text, json } => case_cmd::search(store, &text, json, clock).await,
        Command::Caller { phone, json } => case_cmd::caller(store, &phone, json, clock).await,
        Command::Login(a) => sync_cmd::login(a, store, now).await,
        Command::Logout => sync_cmd::logout(store, now).await,
        Command::Store(c) => store_cmd::run(c, store).await,
        Command::Sync(a) => sync_cmd::sync(a, store, calendars, cal, clock).await,
        Command::Demo { cases, open } => desk_cmd::demo(store, cal, now, cases, open).await,
        Command::Kb(KbCommand::Import { file }) => desk_cmd::kb_import(store, &file, now).await,
        Command::Kb(KbCommand::Suggest { text, category }) => {
            desk_cmd::kb_suggest(store, &text, &category).await
        }
        Command::Calendar(_) | Command::Sla(_) | Command::Intake { .. } => {
            unreachable!("run synchronously")
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Warns on stderr once the calendar is within 60 days of running out.
pub(crate) fn warn_coverage(
    cal: &hotline_domain::calendar::LegalCalendar,
    clock: &dyn hotline_domain::time::Clock,
) {
    if let Some(w) = cal.coverage_warning(hotline_domain::time::local_date(clock.now())) {
        eprintln!("warning: {w}");
    }
}

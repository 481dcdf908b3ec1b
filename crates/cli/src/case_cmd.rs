use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use hotline_client::store::{CaseRow, LocalStore, NewCase, QueueFilter};
use hotline_client::sync::{merged, signed_in, Searched};
use hotline_client::OffsetClock;
use hotline_domain::case::{normalise_phone, BureauCode, CaseState, Channel, EventBody, Level};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::china;
use hotline_domain::time::Clock;

use crate::{emit, BadInput};

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Record a new case (受理); prints its id and number
    New(NewArgs),
    /// A case by id or number: its state, clocks and history
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Dispatch a case to a bureau (派单)
    Dispatch {
        id: String,
        #[arg(long)]
        bureau: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The centre handles the case itself instead of dispatching it (中心自办)
    TakeOn {
        id: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Args)]
pub struct NewArgs {
    /// consultation, complaint, fault, help or suggestion
    #[arg(long)]
    kind: String,
    #[arg(long)]
    phone: String,
    /// What the caller said
    #[arg(long)]
    text: String,
    /// A category code (default: other_business; network for faults)
    #[arg(long)]
    category: Option<String>,
    #[arg(long, default_value = "")]
    district: String,
    /// Where the matter is (street and number, estate)
    #[arg(long, default_value = "")]
    address: String,
    /// Fault level A–D or service level 1–4 (faults only; default D)
    #[arg(long)]
    level: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// phone, web, app, mini_program or walk_in
    #[arg(long, default_value = "phone")]
    channel: String,
}

pub async fn run(
    cmd: CaseCommand,
    store: &LocalStore,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    match cmd {
        CaseCommand::New(a) => {
            let is_fault = a.kind == "fault";
            let level = match (&a.level, is_fault) {
                (Some(l), _) => Some(l.parse::<Level>().map_err(|e| BadInput(e.to_string()))?),
                (None, true) => {
                    eprintln!(
                        "note: no --level given, fault level D assumed / 未指定级别，按 D 类处理"
                    );
                    Some(Level::FaultD)
                }
                (None, false) => None,
            };
            let channel: Channel = serde_json::from_value(serde_json::Value::String(
                a.channel.clone(),
            ))
            .map_err(|_| {
                BadInput(format!(
                    "unknown channel {:?}: phone, web, app, mini_program or walk_in / 渠道无效",
                    a.channel
                ))
            })?;
            let input = NewCase {
                category: a.category.unwrap_or_else(|| {
                    if is_fault {
                        "network".into()
                    } else {
                        "other_business".into()
                    }
                }),
                kind: a.kind,
                phone: a.phone,
                name: a.name,
                id_number: None,
                channel,
                district: a.district,
                address: a.address,
                description: a.text,
                level,
            };
            let state = store.new_case(input, cal, now).await?;
            let number = state
                .intake
                .as_ref()
                .map(|i| i.number.to_string())
                .unwrap_or_default();
            emit(&format!("{} {}\n", state.id.expect("received").0, number))?;
        }
        CaseCommand::Show { id, json } => {
            let (row, state) = store.case(&id).await?;
            if json {
                emit(&format!(
                    "{}\n",
                    serde_json::json!({ "case": row, "state": state })
                ))?;
            } else {
                emit(&describe(&row, &state, cal, now))?;
            }
        }
        CaseCommand::Dispatch { id, bureau, note } => {
            let bureau = bureau_code(&bureau)?;
            let (row, _) = store.case(&id).await?;
            let case = hotline_domain::case::CaseId(row.id.parse().expect("stored ids are UUIDs"));
            let state = store
                .act(
                    case,
                    EventBody::Dispatched {
                        bureau: bureau.clone(),
                        note,
                    },
                    cal,
                    now,
                )
                .await?;
            emit(&format!(
                "{} dispatched to {} ({})\n",
                row.number,
                bureau,
                state.status.label_zh()
            ))?;
        }
        CaseCommand::TakeOn { id, note } => {
            let (row, _) = store.case(&id).await?;
            let case = hotline_domain::case::CaseId(row.id.parse().expect("stored ids are UUIDs"));
            let state = store
                .act(case, EventBody::TakenOn { note }, cal, now)
                .await?;
            emit(&format!(
                "{} taken on by the centre ({})\n",
                row.number,
                state.status.label_zh()
            ))?;
        }
    }
    Ok(())
}

pub async fn queue(
    store: &LocalStore,
    filter: QueueFilter,
    json: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let rows = store.queue(&filter).await?;
    emit(&rows_out(&rows, json, now))?;
    Ok(())
}

/// Cases matching `text`: this desk's, and the server's when logged in and it answers.
pub async fn search(
    store: &LocalStore,
    text: &str,
    json: bool,
    clock: &OffsetClock,
) -> anyhow::Result<()> {
    let local = store.search(text, 200).await?;
    everywhere(store, local, text, json, clock).await
}

/// The caller's earlier cases, as intake lists them (the desk's 来电历史), the server's too.
pub async fn caller(
    store: &LocalStore,
    phone: &str,
    json: bool,
    clock: &OffsetClock,
) -> anyhow::Result<()> {
    let phone = normalise_phone(phone).unwrap_or_else(|| phone.trim().to_owned());
    let local = store.caller_history(&phone, 200).await?;
    everywhere(store, local, &phone, json, clock).await
}

/// `local` with the server's rows for `q` merged in; a note on stderr when only this desk's
/// working set was searched.
async fn everywhere(
    store: &LocalStore,
    local: Vec<CaseRow>,
    q: &str,
    json: bool,
    clock: &OffsetClock,
) -> anyhow::Result<()> {
    let session = signed_in(store, std::sync::Arc::new(*clock))
        .await
        .ok()
        .flatten();
    let found = merged(store, session.as_ref(), local, q, 200).await?;
    if found.searched == Searched::LocalOnly {
        let days = found.local_days;
        eprintln!("searched this desk only: the cases on it and those worked on in the last {days} days (the server did not answer) / 仅检索本地近{days}天");
    }
    emit(&rows_out(&found.rows, json, clock.now()))?;
    Ok(())
}

/// Bureau codes are short machine codes (HRSS, 4401-MARKET).
fn bureau_code(s: &str) -> Result<BureauCode, BadInput> {
    let ok = (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(BureauCode(s.to_ascii_uppercase()))
    } else {
        Err(BadInput(format!(
            "invalid bureau code {s:?}: 1–32 letters, digits, - or _ / 承办单位编码无效"
        )))
    }
}

fn rows_out(rows: &[CaseRow], json: bool, now: DateTime<Utc>) -> String {
    if json {
        return format!("{}\n", serde_json::to_string(rows).expect("serialises"));
    }
    let mut out = String::new();
    for r in rows {
        let due = match r.next_due {
            Some(d) => format!(
                "{} ({}){}",
                d.with_timezone(&china()).format("%m-%d %H:%M"),
                countdown(d, now),
                if r.due_provisional { " 暂定" } else { "" }
            ),
            None => "-".into(),
        };
        out.push_str(&format!(
            "{}  {:<12} {:<10} {:<12} {}\n",
            r.number, r.kind, r.status, r.phone, due
        ));
    }
    out
}

fn countdown(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (due - now).num_seconds();
    let (sign, s) = if secs < 0 {
        ("超时 ", -secs)
    } else {
        ("剩 ", secs)
    };
    format!("{sign}{}h{:02}m", s / 3600, (s % 3600) / 60)
}

fn describe(row: &CaseRow, state: &CaseState, cal: &SlaCalendar, now: DateTime<Utc>) -> String {
    let mut out = format!(
        "{} {} {} ({})\n",
        row.number,
        row.kind,
        state.status.code(),
        state.status.label_zh()
    );
    if !state.former_numbers.is_empty() {
        let former: Vec<String> = state
            .former_numbers
            .iter()
            .map(ToString::to_string)
            .collect();
        out.push_str(&format!(
            "former number 原编号 (renumbered by the centre 中心编号更正): {}\n",
            former.join(", ")
        ));
    }
    if let Some(i) = &state.intake {
        out.push_str(&format!(
            "caller: {}  district: {}  category: {}\n{}\n",
            i.caller.phone, i.district, i.category, i.description
        ));
    }
    for a in &state.assignments {
        out.push_str(&format!("bureau {}: {:?}\n", a.bureau, a.status));
    }
    for (clock, reading) in state.readings(cal, now) {
        let who = clock
            .bureau
            .as_ref()
            .map(|b| format!(" [{b}]"))
            .unwrap_or_default();
        match reading {
            Ok(r) => out.push_str(&format!(
                "clock {}{} {} {}: due {}{}\n",
                clock.spec.key,
                who,
                clock.spec.label,
                r.status.label_zh(),
                r.due.with_timezone(&china()).to_rfc3339(),
                if r.provisional {
                    " provisional 暂定 (no notice imported for its year yet)"
                } else {
                    ""
                }
            )),
            Err(e) => out.push_str(&format!("clock {}{}: {e}\n", clock.spec.key, who)),
        }
    }
    for c in &state.conflicts {
        out.push_str(&format!(
            "conflict: {} refused in {}: {}\n",
            c.step,
            c.status.code(),
            c.reason
        ));
    }
    out
}

use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args, Subcommand};
use hotline_client::{CalendarStore, PolicySource, PolicyStore};
use hotline_domain::sla::{ClockScope, Policy, SlaAmount, Trigger};
use hotline_domain::time::{china, Clock};

use crate::{input, warn_coverage};

#[derive(Subcommand)]
pub enum SlaCommand {
    /// When does a clock started at --from fall due? First line: RFC 3339 in +08:00
    Due(DueArgs),
    /// The deadline policy this seat counts with (the centre's current version once synced),
    /// one clock per line, with its source in the standards
    Policy,
}

#[derive(Args)]
#[command(group(ArgGroup::new("amount").required(true).args(["working_days", "working_hours", "hours", "minutes"])))]
pub struct DueArgs {
    /// Start instant, RFC 3339 (e.g. 2026-09-25T16:00:00+08:00)
    #[arg(long, value_parser = input::instant)]
    from: DateTime<Utc>,
    /// Working days, counted from the day after --from, due at the end of the Nth
    #[arg(long, value_parser = input::amount, allow_hyphen_values = true)]
    working_days: Option<u32>,
    /// Business hours of working days (09:00–12:00, 13:30–17:30 by default)
    #[arg(long, value_parser = input::amount, allow_hyphen_values = true)]
    working_hours: Option<u32>,
    /// Natural hours (7×24)
    #[arg(long, value_parser = input::amount, allow_hyphen_values = true)]
    hours: Option<u32>,
    /// Natural minutes (7×24)
    #[arg(long, value_parser = input::amount, allow_hyphen_values = true)]
    minutes: Option<u32>,
}

impl DueArgs {
    fn amount(&self) -> SlaAmount {
        match (
            self.working_days,
            self.working_hours,
            self.hours,
            self.minutes,
        ) {
            (Some(n), ..) => SlaAmount::WorkingDays(n),
            (_, Some(n), ..) => SlaAmount::WorkingMinutes(n * 60),
            (_, _, Some(n), _) => SlaAmount::Minutes(n * 60),
            (_, _, _, Some(n)) => SlaAmount::Minutes(n),
            _ => unreachable!("clap requires one amount"),
        }
    }
}

pub fn run(cmd: SlaCommand, store: &CalendarStore, clock: &dyn Clock) -> anyhow::Result<()> {
    match cmd {
        SlaCommand::Due(args) => {
            let cal = store.load_sla()?;
            let amount = args.amount();
            let due = cal.due(args.from, amount)?;
            let provisional = cal.is_provisional(amount.unit(), due.timestamp());
            crate::emit(&format!(
                "{}{}\nlimit: {amount} ({:?})\nfrom:  {}\n",
                due.with_timezone(&china()).to_rfc3339(),
                if provisional {
                    " provisional 暂定"
                } else {
                    ""
                },
                amount.unit(),
                args.from.with_timezone(&china()).to_rfc3339()
            ))?;
            warn_coverage(cal.legal(), clock);
        }
        SlaCommand::Policy => {
            let policies = PolicyStore::new(store.data_dir().clone());
            let history = policies.load()?;
            let current = history.current();
            let whose = match policies.source()? {
                PolicySource::Centre => "the centre's policy / 热线中心时限政策",
                PolicySource::Local => "built-in, standalone desk / 内置时限政策（未连接服务器）",
            };
            crate::emit(&format!(
                "{whose}: version {} in force from {} ({})\n{}",
                current.version,
                current.in_force_from.with_timezone(&china()).to_rfc3339(),
                current.reason,
                policy_table(&current.policy.deadlines)
            ))?;
        }
    }
    Ok(())
}

fn policy_table(policy: &Policy) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<28} {:<9} {:<14} {:<6} {:<16} {:<22} {:<16} {:<7} {:<12} source",
        "kinds", "domain", "category", "level", "clock", "label", "limit", "scope", "starts on"
    );
    for r in &policy.rules {
        let w = &r.when;
        let c = &r.clock;
        let kinds = if w.kinds.is_empty() {
            "*".to_owned()
        } else {
            w.kinds.join(",")
        };
        let domain = w.domain.map_or("*", |d| d.label_zh());
        let level = w.level.map_or("*", |l| l.code());
        let scope = match c.scope {
            ClockScope::Case => "case",
            ClockScope::Bureau => "bureau",
        };
        let _ = writeln!(
            out,
            "{:<28} {:<9} {:<14} {:<6} {:<16} {:<22} {:<16} {:<7} {:<12} {}",
            kinds,
            domain,
            w.category.as_deref().unwrap_or("*"),
            level,
            c.key,
            c.label,
            c.amount.to_string(),
            scope,
            trigger_name(c.start),
            c.source
        );
    }
    let _ = writeln!(
        out,
        "planned maintenance notice: {} working days ahead (001 §3.2.3)",
        policy.maintenance_notice_working_days
    );
    out
}

fn trigger_name(t: Trigger) -> String {
    match t {
        Trigger::ReportFiled(k) => format!("report:{k:?}").to_lowercase(),
        other => format!("{other:?}").to_lowercase(),
    }
}

use std::io::Read;

use clap::Args;
use hotline_client::secret::TokenStore;
use hotline_client::store::LocalStore;
use hotline_client::sync::{sync_all, watch, ServerApi, SyncReport};
use hotline_client::{CalendarStore, OffsetClock, PolicyStore};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::Clock;

use crate::{emit, BadInput};

#[derive(Args)]
pub struct LoginArgs {
    /// The server, e.g. http://hotline.example:8080 (default: the one IT configured for this
    /// machine, HOTLINE_SERVER_URL or the installer's SERVER_URL)
    #[arg(long)]
    server: Option<String>,
    #[arg(long)]
    user: String,
    /// Read the password from standard input (required: passwords never go on the command line)
    #[arg(long, required = true)]
    password_stdin: bool,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["once", "watch", "status", "dismiss"])))]
pub struct SyncArgs {
    /// Push everything pending, pull everything new, then exit
    #[arg(long)]
    once: bool,
    /// Keep syncing: live from the server, and whenever this seat records something
    #[arg(long)]
    watch: bool,
    /// Show pending events, the last sync and the last error, and the events the server refused
    #[arg(long)]
    status: bool,
    /// Dismiss a refused event (by its id, from --status) once the case is corrected or the step
    /// is not needed; who dismissed it and when is kept
    #[arg(long, value_name = "EVENT_ID")]
    dismiss: Option<String>,
}

pub async fn login(
    args: LoginArgs,
    store: &mut LocalStore,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let server = args
        .server
        .or(hotline_client::centre::CentreSettings::of_this_machine().server_url)
        .ok_or_else(|| {
            BadInput(
                "no server: give --server or have IT set the centre's server / 未指定服务器地址"
                    .into(),
            )
        })?;
    let mut password = String::new();
    std::io::stdin().read_to_string(&mut password)?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        return Err(BadInput("no password on standard input / 未输入密码".into()).into());
    }
    let resp = hotline_client::sync::login(store, &server, &args.user, &password, now).await?;
    emit(&format!(
        "logged in as {} ({}) on {}; session until {}\n",
        resp.user,
        resp.role,
        store.sync_state().await?.server.unwrap_or_default(),
        resp.expires_at
            .with_timezone(&hotline_domain::time::china())
            .to_rfc3339()
    ))?;
    Ok(())
}

pub async fn logout(store: &LocalStore, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    use hotline_client::sync::LoggedOut;
    let pending = store.outbox_len().await?;
    let said = match hotline_client::sync::logout(store, now).await? {
        LoggedOut::Revoked => "logged out: the server ended the session / 已退出登录",
        LoggedOut::ForgottenOffline => {
            "logged out here; the server was not reached, so the session ends at its expiry / 已在本机退出（未连上服务器，会话到期后失效）"
        }
        LoggedOut::NotLoggedIn => "not logged in / 当前未登录",
    };
    let mut out = format!("{said}\n");
    if pending > 0 {
        out.push_str(&format!(
            "{pending} steps not sent yet: they go at your next login / 还有 {pending} 条记录未发送，下次登录后发送\n"
        ));
    }
    emit(&out)?;
    Ok(())
}

pub async fn sync(
    args: SyncArgs,
    store: &LocalStore,
    calendars: &CalendarStore,
    cal: &SlaCalendar,
    clock: &OffsetClock,
) -> anyhow::Result<()> {
    let now = clock.now();
    let state = store.sync_state().await?;
    if let Some(id) = &args.dismiss {
        store.dismiss_set_aside(id, now).await?;
        emit(&format!("dismissed {id}\n"))?;
        return Ok(());
    }
    if args.status {
        let refused = store.set_aside_events().await?;
        let mut out = format!(
            "server: {}\nuser: {}\npending: {}\nlast sync: {}\nlast error: {}\nrefused: {}\n",
            state.server.as_deref().unwrap_or("-"),
            state.user.as_deref().unwrap_or("-"),
            store.outbox_len().await?,
            state.last_sync.as_deref().unwrap_or("never"),
            state.last_error.as_deref().unwrap_or("-"),
            refused.len(),
        );
        for r in &refused {
            out.push_str(&format!(
                "  {} {} {} refused {}: {}\n",
                r.event_id,
                r.number.as_deref().unwrap_or(&r.case_id),
                r.step,
                r.code,
                r.message
            ));
        }
        emit(&out)?;
        return Ok(());
    }
    let (Some(server), Some(user)) = (state.server, state.user) else {
        return Err(BadInput("not logged in: run `hotline login --server URL --user NAME --password-stdin` first / 请先登录".into()).into());
    };
    let token = TokenStore::new(&server, &user, &store.identity().device_id)
        .load()?
        .ok_or_else(|| {
            BadInput("no session token: log in again or set HOTLINE_TOKEN / 未找到登录凭证".into())
        })?;
    let api = ServerApi::new(&server, std::sync::Arc::new(*clock))?;
    if args.once {
        let report = sync_all(store, &api, &token, calendars, cal, &mut |r| {
            if r.pending > 0 {
                eprintln!("pushed {}, pending {}", r.pushed, r.pending);
            }
        })
        .await;
        match report {
            Ok(r) => {
                emit(&line(&r))?;
                if r.centre_changed {
                    adopt_centre(store, calendars).await?;
                }
            }
            Err(e) => {
                store.record_sync_error(&e.to_string()).await?;
                return Err(e.into());
            }
        }
    } else {
        let mut cal = cal.clone();
        loop {
            watch(store, &api, &token, calendars, &cal, &mut |r| match r {
                Ok(r) => {
                    let _ = emit(&line(&r));
                }
                Err(e) => eprintln!("offline, retrying: {e}"),
            })
            .await;
            // Returned: the centre's calendar or policy changed. Recompute (retried while the store is
            // busy with another process: a watcher must not stop), then watch with it.
            cal = loop {
                match adopt_centre(store, calendars).await {
                    Ok(c) => break c,
                    Err(e) => {
                        eprintln!("cannot recompute the dues yet, retrying: {e}");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            };
        }
    }
    Ok(())
}

/// The centre's calendar or policy changed: new calls run the policy's clocks, and every
/// snapshot's dues, lights and alert points are recomputed.
async fn adopt_centre(
    store: &LocalStore,
    calendars: &CalendarStore,
) -> anyhow::Result<SlaCalendar> {
    let policy = PolicyStore::new(calendars.data_dir().clone()).load()?;
    let version = policy.current().version;
    let cal = calendars.load_sla_under(&policy)?;
    store.set_policy(policy);
    let n = store.refresh_snapshots(&cal, true).await?;
    emit(&format!("the centre's calendar or policy changed: dues of {n} cases recomputed (calendar published through {}, policy version {version}) / 节假日数据或时限政策已更新\n", cal.legal().last_year()))?;
    Ok(cal)
}

fn line(r: &SyncReport) -> String {
    let refused = if r.refused > 0 {
        format!("; refused {} (set aside: hotline sync --status)", r.refused)
    } else {
        String::new()
    };
    format!(
        "pushed {} (duplicates {}), pulled {}, pending {}{refused}\n",
        r.pushed, r.duplicates, r.pulled, r.pending
    )
}

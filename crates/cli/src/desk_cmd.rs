//! Commands that serve the desktop: screen pop, demonstration data, the knowledge base.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hotline_client::store::LocalStore;
use hotline_domain::sla::SlaCalendar;

use crate::{emit, BadInput};

/// Starts `hotline-desk hotline://intake?phone=...`: a running desk on the same data folder takes
/// the link and comes to the front; otherwise the desk starts with intake open.
pub fn screen_pop(phone: &str) -> anyhow::Result<()> {
    let Some(phone) = hotline_domain::case::normalise_phone(phone) else {
        return Err(BadInput(format!(
            "invalid phone number {phone:?}: 3–20 digits / 电话号码格式错误"
        ))
        .into());
    };
    let link = format!("hotline://intake?phone={}", phone.replace('+', "%2B"));
    let desk = desk_binary();
    std::process::Command::new(&desk)
        .arg(&link)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot start {} ({e}); set HOTLINE_DESK to the desk's path / 无法启动工作台",
                desk.display()
            )
        })?;
    emit(&format!("{link}\n"))?;
    Ok(())
}

/// `$HOTLINE_DESK`, else `hotline-desk` beside this binary, else on the PATH.
fn desk_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("HOTLINE_DESK") {
        return PathBuf::from(p);
    }
    let name = format!("hotline-desk{}", std::env::consts::EXE_SUFFIX);
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join(&name)))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(name))
}

pub async fn demo(
    store: &LocalStore,
    cal: &SlaCalendar,
    now: DateTime<Utc>,
    cases: usize,
    open: bool,
) -> anyhow::Result<()> {
    let made = hotline_client::workbench::seed_demo(store, cal, now, cases, open).await?;
    emit(&format!(
        "{made} demonstration cases recorded (kept out of the outbox: never synced)\n"
    ))?;
    Ok(())
}

pub async fn kb_import(store: &LocalStore, file: &Path, now: DateTime<Utc>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        BadInput(format!(
            "cannot read {}: {e} / 无法读取文件",
            file.display()
        ))
    })?;
    let (added, updated) = store.import_articles(&text, now).await?;
    emit(&format!("{added} articles added, {updated} updated\n"))?;
    Ok(())
}

pub async fn kb_suggest(store: &LocalStore, text: &str, category: &str) -> anyhow::Result<()> {
    for a in store.suggest_articles(text, category, 5).await? {
        emit(&format!("{}\t{}\n", a.id, a.title))?;
    }
    Ok(())
}

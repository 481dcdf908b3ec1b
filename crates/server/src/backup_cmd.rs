//! `hotline-server backup | restore | backup-key` (part of the binary): encrypted backups to
//! the operator's key, and restoring them.

use std::path::{Path, PathBuf};

use anyhow::Context;
use chrono::{DateTime, Utc};
use hotline_domain::time::{Clock, SystemClock};
use hotline_server::config::Config;

pub struct BackupArgs {
    pub dir: PathBuf,
    pub full: bool,
    pub keep_years: u32,
    pub recipient: Option<String>,
    pub unencrypted: bool,
}

pub async fn backup(
    pool: &sqlx::PgPool,
    config: &Config,
    args: BackupArgs,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let BackupArgs {
        dir,
        full,
        keep_years,
        recipient,
        unencrypted,
    } = args;
    use hotline_server::backup;
    let sealing = match recipient.or_else(|| std::env::var("HOTLINE_BACKUP_RECIPIENT").ok()) {
        _ if unencrypted => backup::Sealing::InTheClear,
        Some(spec) => backup::Sealing::recipients(&spec).map_err(coded)?,
        None => return Err(coded(backup::BackupError::NoRecipient)),
    };
    let e = if full {
        backup::full(pool, config.database_url()?, &dir, now, &sealing).await
    } else {
        backup::incremental(pool, &dir, now, &sealing).await
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
    Ok(())
}

pub async fn restore(
    pool: &sqlx::PgPool,
    config: &Config,
    dir: PathBuf,
    identity: Option<PathBuf>,
) -> anyhow::Result<()> {
    use hotline_server::backup;
    let keys =
        match identity.or_else(|| std::env::var_os("HOTLINE_BACKUP_IDENTITY").map(PathBuf::from)) {
            Some(file) => backup::Unsealing::identity_file(&file).map_err(coded)?,
            None => backup::Unsealing::none(),
        };
    let r = backup::restore(pool, config.database_url()?, &dir, &keys)
        .await
        .map_err(coded)?;
    println!("restored {} and {} incremental backups: {} events; {} cases refolded; seats will pull again from the start", r.full, r.incrementals, r.events, r.cases);
    Ok(())
}

/// A backup error with its machine code, as the command line prints it.
fn coded(e: hotline_server::backup::BackupError) -> anyhow::Error {
    anyhow::anyhow!("{e} [{}]", e.code())
}

/// Writes a new backup key pair's secret half to `out` (owner-only, never over an existing
/// file: losing the old key loses every backup made with it) and prints the public half.
pub fn key(out: &Path) -> anyhow::Result<()> {
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

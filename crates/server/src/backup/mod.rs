//! Backups (seed 003 §8.2.6: weekly full, daily incremental, kept three years).
//!
//! - **Full**: `pg_dump --format=custom` of the whole database — PostgreSQL's own consistent
//!   snapshot, restored with `pg_restore`; we do not re-implement either.
//! - **Incremental**: the log is append-only, so a day's change is the events past the previous
//!   backup's cursor (the same never-skip horizon pulls use), the audit rows past its audit id,
//!   and the small mutable tables whole (users, bureaus, devices, tokens, calendar imports).
//!   Gzipped JSON lines; applying one twice changes nothing.
//!
//! Every backup is encrypted to the operator's public key (`sealed`), unless the operator
//! explicitly asks otherwise, and listed in the folder's `manifest.json` with the SHA-256 of
//! the file as stored (a damaged file is found without the key). A restore goes into
//! an empty database: the newest full backup, then every incremental after it, checked against
//! the manifest; then the log is renumbered in its order under one low transaction id (the new
//! cluster's transaction ids restart, and new events must follow the restored ones), every
//! snapshot is refolded, and the server gets a new epoch so seats pull again from the start.

mod sealed;

pub use sealed::{new_key_pair, Sealing, Unsealing};

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::{DateTime, Utc};
use hotline_domain::case::CaseId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{PgPool, Row};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("{0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{tool} failed: {stderr}")]
    Tool { tool: String, stderr: String },
    #[error(
        "{0} not found: install the PostgreSQL client (postgresql-client) or set HOTLINE_PG_BIN"
    )]
    NoTool(&'static str),
    #[error("manifest: {0}")]
    Manifest(String),
    #[error(
        "the target database is not empty (it has tables); restore only into a new, empty database"
    )]
    NotEmpty,
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("backup key: {0} / 备份密钥无效")]
    Key(String),
    #[error("the backups are encrypted: give the operator's secret key (--identity FILE) / 备份已加密，请提供运维密钥")]
    NoKey,
    #[error("{0}: not encrypted to this key; give the secret key the backup was made for / 密钥与备份不符")]
    WrongKey(PathBuf),
    #[error("no backup key: give the operator's public key (--recipient age1… or HOTLINE_BACKUP_RECIPIENT), or --unencrypted to write callers' data in the clear / 未指定备份加密公钥")]
    NoRecipient,
}

impl BackupError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotEmpty => "restore.not_empty",
            Self::Manifest(_) => "backup.manifest",
            Self::NoTool(_) => "backup.no_tool",
            Self::Key(_) => "backup.key",
            Self::NoKey => "backup.no_key",
            Self::WrongKey(_) => "backup.wrong_key",
            Self::NoRecipient => "backup.no_recipient",
            _ => "backup.failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    Full,
    Incremental,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: BackupKind,
    pub file: String,
    pub taken_at: DateTime<Utc>,
    /// Every event at or before this (tx, pos) is in this backup or an earlier one.
    pub cursor: (i64, i64),
    pub audit_id: i64,
    pub events: i64,
    pub sha256: String,
    /// Encrypted to the operator's key (age); false for backups written in the clear.
    #[serde(default)]
    pub encrypted: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub backups: Vec<Entry>,
}

impl Manifest {
    fn path(dir: &Path) -> PathBuf {
        dir.join("manifest.json")
    }

    pub fn load(dir: &Path) -> Result<Self, BackupError> {
        let p = Self::path(dir);
        let manifest: Self = match std::fs::read_to_string(&p) {
            Ok(s) => serde_json::from_str(&s)
                .map_err(|e| BackupError::Manifest(format!("{}: {e}", p.display())))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(BackupError::Io(p, e)),
        };
        // A restore reads and a prune deletes the files the manifest names: an edited manifest
        // must not reach outside the folder (`../../etc/…`, an absolute path).
        if let Some(e) = manifest.backups.iter().find(|e| !is_plain_name(&e.file)) {
            return Err(BackupError::Manifest(format!(
                "{}: {:?} is not a file name inside the backup folder / 备份清单中的文件名无效",
                p.display(),
                e.file
            )));
        }
        Ok(manifest)
    }

    /// Written beside, then renamed over: a crash never leaves half a manifest.
    fn save(&self, dir: &Path) -> Result<(), BackupError> {
        let p = Self::path(dir);
        let tmp = dir.join("manifest.json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(self).expect("serialises"))
            .map_err(|e| BackupError::Io(tmp.clone(), e))?;
        owner_only(&tmp)?;
        std::fs::rename(&tmp, &p).map_err(|e| BackupError::Io(p, e))
    }
}

/// A name of a file directly in the folder: one normal path component, nothing else.
fn is_plain_name(file: &str) -> bool {
    let mut parts = Path::new(file).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(_)), None)
    ) && !file.contains(['/', '\\'])
}

/// The newest point no running transaction can still precede (as pulls use), and the last audit
/// id — after waiting (up to a minute) for the transactions running when it was asked for, so
/// everything committed before the backup began is in it. Transaction ids are the cluster's:
/// a long transaction in another database of the cluster holds the horizon back too.
async fn horizon(pool: &PgPool) -> Result<((i64, i64), i64), sqlx::Error> {
    let started: i64 =
        sqlx::query_scalar("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint")
            .fetch_one(pool)
            .await?;
    for _ in 0..1_200 {
        let xmin: i64 =
            sqlx::query_scalar("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")
                .fetch_one(pool)
                .await?;
        if xmin >= started {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let row = sqlx::query(
        "SELECT coalesce((SELECT tx_id::text::bigint FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx_id DESC, pos DESC LIMIT 1), 0) AS tx,
                coalesce((SELECT pos FROM events WHERE tx_id < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY tx_id DESC, pos DESC LIMIT 1), 0) AS pos,
                coalesce((SELECT max(id) FROM audit), 0) AS audit",
    )
    .fetch_one(pool)
    .await?;
    Ok(((row.get("tx"), row.get("pos")), row.get("audit")))
}

/// A PostgreSQL client tool: `HOTLINE_PG_BIN/<tool>`, else on PATH, else the newest
/// /usr/lib/postgresql/*/bin (Debian installs the server's tools there).
fn pg_tool(tool: &'static str) -> Result<PathBuf, BackupError> {
    if let Some(dir) = std::env::var_os("HOTLINE_PG_BIN") {
        return Ok(PathBuf::from(dir).join(tool));
    }
    if Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        return Ok(PathBuf::from(tool));
    }
    let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(tool))
        .filter(|p| p.exists())
        .collect();
    dirs.sort_by_key(|p| {
        p.to_string_lossy()
            .split('/')
            .nth(4)
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(0)
    });
    dirs.pop().ok_or(BackupError::NoTool(tool))
}

/// The database URL without its password, and the password: the password goes to the tool
/// through `PGPASSWORD`, never on its command line, where every user of the machine sees it.
fn without_password(url: &str) -> (String, Option<String>) {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let password = u.password().map(|p| {
                url::form_urlencoded::parse(format!("p={p}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_else(|| p.to_owned())
            });
            let _ = u.set_password(None);
            (u.to_string(), password)
        }
        _ => (url.to_owned(), None),
    }
}

/// Only the operator's account reads backups (they hold every caller's number).
fn owner_only(path: &Path) -> Result<(), BackupError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if path.is_dir() { 0o700 } else { 0o600 };
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| BackupError::Io(path.to_owned(), e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// What flows through a PostgreSQL tool's standard streams: a dump comes out of `pg_dump` into
/// the (encrypting) backup file, a restore goes into `pg_restore` from the (decrypting) reader;
/// the clear dump never lands on disk.
enum Piped<'a> {
    Out(&'a mut dyn Write),
    In(&'a mut dyn Read),
}

fn run(tool: &'static str, args: &[&str], url: &str, piped: Piped<'_>) -> Result<(), BackupError> {
    use std::process::Stdio;
    let (dbname, password) = without_password(url);
    let mut cmd = Command::new(pg_tool(tool)?);
    cmd.args(args).arg("--dbname").arg(dbname);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let io = |e| BackupError::Io(PathBuf::from(tool), e);
    let (stdin, stdout) = match piped {
        Piped::Out(_) => (Stdio::null(), Stdio::piped()),
        Piped::In(_) => (Stdio::piped(), Stdio::null()),
    };
    let mut child = cmd
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(io)?;
    // Read beside the copy: a tool that fills its error pipe would otherwise wait forever.
    let mut err = child.stderr.take().expect("piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err.read_to_string(&mut text);
        text
    });
    let copied = match piped {
        Piped::Out(out) => std::io::copy(child.stdout.as_mut().expect("piped"), out),
        Piped::In(input) => {
            let mut stdin = child.stdin.take().expect("piped");
            // Dropping stdin ends the tool's input.
            std::io::copy(input, &mut stdin)
        }
    };
    let status = child.wait().map_err(io)?;
    let stderr = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(BackupError::Tool {
            tool: tool.into(),
            stderr,
        });
    }
    copied.map_err(io)?;
    Ok(())
}

/// Streamed: a full dump of a province's centre does not fit in memory.
fn sha256_of(path: &Path) -> Result<String, BackupError> {
    let io = |e| BackupError::Io(path.to_owned(), e);
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut hash = Sha256::new();
    std::io::copy(&mut file, &mut hash).map_err(io)?;
    Ok(hex::encode(hash.finalize()))
}

/// A full backup into `dir`, encrypted as `sealing` says; returns its manifest entry.
pub async fn full(
    pool: &PgPool,
    url: &str,
    dir: &Path,
    now: DateTime<Utc>,
    sealing: &Sealing,
) -> Result<Entry, BackupError> {
    std::fs::create_dir_all(dir).map_err(|e| BackupError::Io(dir.to_owned(), e))?;
    owner_only(dir)?;
    let mut manifest = Manifest::load(dir)?;
    // Taken before the dump: whatever commits meanwhile is in the dump or in the next
    // incremental (or both — applying is idempotent), never in neither.
    let (cursor, audit_id) = horizon(pool).await?;
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await?;
    let file = sealing.name(format!("full-{}.dump", now.format("%Y%m%dT%H%M%SZ")));
    let path = dir.join(&file);
    let io = |e| BackupError::Io(path.clone(), e);
    let out = std::fs::File::create(&path).map_err(io)?;
    owner_only(&path)?;
    let mut sealed = sealing.writer(out)?;
    run(
        "pg_dump",
        &["--format=custom", "--no-owner"],
        url,
        Piped::Out(&mut sealed),
    )?;
    sealed.finish().and_then(|f| f.sync_all()).map_err(io)?;
    let entry = Entry {
        kind: BackupKind::Full,
        sha256: sha256_of(&path)?,
        file,
        taken_at: now,
        cursor,
        audit_id,
        events,
        encrypted: sealing.encrypts(),
    };
    manifest.backups.push(entry.clone());
    manifest.save(dir)?;
    Ok(entry)
}

/// One line of an incremental backup.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "table", rename_all = "snake_case")]
enum Line {
    Bureaus { rows: serde_json::Value },
    Users { rows: serde_json::Value },
    Devices { rows: serde_json::Value },
    Tokens { rows: serde_json::Value },
    CalendarImports { rows: serde_json::Value },
    PolicyVersions { rows: serde_json::Value },
    Audit { rows: serde_json::Value },
    Events { rows: serde_json::Value },
}

/// The small tables whole, as JSON arrays of rows (PostgreSQL writes and reads them back with
/// json_agg / json_populate_recordset, so every column type round-trips).
const WHOLE: &[(&str, &str)] = &[
    ("bureaus", "code"),
    ("users", "id"),
    ("devices", "device_id"),
    ("tokens", "hash"),
    ("calendar_imports", "id"),
    ("policy_versions", "version"),
];

/// An incremental backup of what changed since the newest backup in `dir` (a full one must
/// exist), encrypted as `sealing` says.
pub async fn incremental(
    pool: &PgPool,
    dir: &Path,
    now: DateTime<Utc>,
    sealing: &Sealing,
) -> Result<Entry, BackupError> {
    let mut manifest = Manifest::load(dir)?;
    let last = manifest.backups.last().cloned().ok_or_else(|| {
        BackupError::Manifest("no full backup yet: take one with --full first".into())
    })?;
    let (cursor, audit_id) = horizon(pool).await?;
    let file = sealing.name(format!("incr-{}.jsonl.gz", now.format("%Y%m%dT%H%M%SZ")));
    let path = dir.join(&file);
    let io = |e| BackupError::Io(path.clone(), e);
    let out = std::fs::File::create(&path).map_err(io)?;
    owner_only(&path)?;
    // Compressed, then encrypted (encrypted data does not compress).
    let mut gz =
        flate2::write::GzEncoder::new(sealing.writer(out)?, flate2::Compression::default());
    let mut write_line = |line: &Line| -> Result<(), BackupError> {
        serde_json::to_writer(&mut gz, line).expect("serialises");
        gz.write_all(b"\n").map_err(io)
    };
    for (table, _) in WHOLE {
        let rows: serde_json::Value = sqlx::query_scalar(&format!(
            "SELECT coalesce(json_agg(t), '[]') FROM {table} t"
        ))
        .fetch_one(pool)
        .await?;
        write_line(&match *table {
            "bureaus" => Line::Bureaus { rows },
            "users" => Line::Users { rows },
            "devices" => Line::Devices { rows },
            "tokens" => Line::Tokens { rows },
            "policy_versions" => Line::PolicyVersions { rows },
            _ => Line::CalendarImports { rows },
        })?;
    }
    let audit: serde_json::Value = sqlx::query_scalar(
        "SELECT coalesce(json_agg(t ORDER BY id), '[]') FROM audit t WHERE id > $1 AND id <= $2",
    )
    .bind(last.audit_id)
    .bind(audit_id)
    .fetch_one(pool)
    .await?;
    write_line(&Line::Audit { rows: audit })?;
    // Events in pages, in pull order, up to the horizon taken above.
    let mut after = last.cursor;
    let mut events = 0;
    loop {
        let page: Vec<(i64, i64, serde_json::Value)> = sqlx::query_as(
            "SELECT tx_id::text::bigint, pos, to_json(t) FROM events t
             WHERE (tx_id, pos) > ($1::text::xid8, $2) AND (tx_id, pos) <= ($3::text::xid8, $4)
             ORDER BY tx_id, pos LIMIT 5000",
        )
        .bind(after.0.to_string())
        .bind(after.1)
        .bind(cursor.0.to_string())
        .bind(cursor.1)
        .fetch_all(pool)
        .await?;
        let Some(&(tx, pos, _)) = page.last() else {
            break;
        };
        after = (tx, pos);
        events += page.len() as i64;
        write_line(&Line::Events {
            rows: serde_json::Value::Array(page.into_iter().map(|(_, _, row)| row).collect()),
        })?;
    }
    gz.finish()
        .and_then(|sealed| sealed.finish())
        .and_then(|f| f.sync_all())
        .map_err(|e| BackupError::Io(path.clone(), e))?;
    let entry = Entry {
        kind: BackupKind::Incremental,
        sha256: sha256_of(&path)?,
        file,
        taken_at: now,
        cursor: cursor.max(last.cursor),
        audit_id: audit_id.max(last.audit_id),
        events,
        encrypted: sealing.encrypts(),
    };
    manifest.backups.push(entry.clone());
    manifest.save(dir)?;
    Ok(entry)
}

/// What a restore brought back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub full: String,
    pub incrementals: usize,
    pub events: i64,
    pub cases: usize,
}

/// Restores the newest full backup in `dir` and every incremental after it into the empty
/// database at `url`, decrypting with the operator's `keys` those that are encrypted.
pub async fn restore(
    pool: &PgPool,
    url: &str,
    dir: &Path,
    keys: &Unsealing,
) -> Result<Restored, BackupError> {
    let manifest = Manifest::load(dir)?;
    let start = manifest
        .backups
        .iter()
        .rposition(|e| e.kind == BackupKind::Full)
        .ok_or_else(|| BackupError::Manifest("no full backup in the folder".into()))?;
    for e in &manifest.backups[start..] {
        let actual = sha256_of(&dir.join(&e.file))?;
        if actual != e.sha256 {
            return Err(BackupError::Manifest(format!(
                "{} is damaged: its SHA-256 is {actual}, the manifest says {}",
                e.file, e.sha256
            )));
        }
    }
    let tables: i64 =
        sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(pool)
            .await?;
    if tables > 0 {
        return Err(BackupError::NotEmpty);
    }
    let full = &manifest.backups[start];
    // Every key is checked before anything is written: a wrong key leaves the database empty.
    for e in &manifest.backups[start..] {
        keys.reader(&dir.join(&e.file), e.encrypted)?;
    }
    let mut dump = keys.reader(&dir.join(&full.file), full.encrypted)?;
    run(
        "pg_restore",
        &["--no-owner", "--exit-on-error", "--single-transaction"],
        url,
        Piped::In(&mut dump),
    )?;
    // A newer server may have migrations the backup predates.
    crate::MIGRATOR.run(pool).await?;
    let mut touched: Vec<Uuid> = Vec::new();
    let incrementals = &manifest.backups[start + 1..];
    for e in incrementals {
        let path = dir.join(&e.file);
        let file = keys.reader(&path, e.encrypted)?;
        let mut tx = pool.begin().await?;
        for line in BufReader::new(flate2::read::GzDecoder::new(file)).lines() {
            let line = line.map_err(|err| BackupError::Io(path.clone(), err))?;
            let line: Line = serde_json::from_str(&line)
                .map_err(|err| BackupError::Manifest(format!("{}: {err}", e.file)))?;
            let (table, rows) = match line {
                Line::Bureaus { rows } => ("bureaus", rows),
                Line::Users { rows } => ("users", rows),
                Line::Devices { rows } => ("devices", rows),
                Line::Tokens { rows } => ("tokens", rows),
                Line::CalendarImports { rows } => ("calendar_imports", rows),
                Line::PolicyVersions { rows } => ("policy_versions", rows),
                Line::Audit { rows } => ("audit", rows),
                Line::Events { rows } => {
                    touched.extend(
                        rows.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|r| r["case_id"].as_str()?.parse::<Uuid>().ok()),
                    );
                    ("events", rows)
                }
            };
            upsert(&mut tx, table, rows).await?;
        }
        tx.commit().await?;
    }
    // Snapshots are folded under the restored database's own calendar (its imports came back too).
    let cal = crate::calendar::load_sla(pool)
        .await
        .map_err(|e| BackupError::Manifest(format!("calendar: {e}")))?;
    let mut tx = pool.begin().await?;
    // The new cluster's transaction ids start low: keep the restored log's order under one id
    // below any a new transaction gets, numbering positions in that order.
    sqlx::query(
        "UPDATE events e SET tx_id = '3'::xid8, pos = o.n
         FROM (SELECT id, row_number() OVER (ORDER BY tx_id, pos) AS n FROM events) o WHERE e.id = o.id",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query("SELECT setval(pg_get_serial_sequence('events', 'pos'), greatest((SELECT max(pos) FROM events), 1))").execute(&mut *tx).await?;
    sqlx::query("SELECT setval(pg_get_serial_sequence('audit', 'id'), greatest((SELECT max(id) FROM audit), 1))").execute(&mut *tx).await?;
    sqlx::query("SELECT setval(pg_get_serial_sequence('users', 'id'), greatest((SELECT max(id) FROM users), 1))").execute(&mut *tx).await?;
    sqlx::query("UPDATE instance SET epoch = $1")
        .bind(Uuid::now_v7())
        .execute(&mut *tx)
        .await?;
    touched.sort();
    touched.dedup();
    for chunk in touched.chunks(2_000) {
        let cases: Vec<CaseId> = chunk.iter().copied().map(CaseId).collect();
        crate::snapshot::refold_many(&mut tx, &cases, &cal).await?;
    }
    tx.commit().await?;
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await?;
    Ok(Restored {
        full: full.file.clone(),
        incrementals: incrementals.len(),
        events,
        cases: touched.len(),
    })
}

/// Inserts rows (a JSON array) into `table`, replacing rows with the same key; events and audit
/// rows are append-only, so an existing one is kept as it is.
async fn upsert(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    table: &str,
    rows: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let key = WHOLE.iter().find(|(t, _)| *t == table).map(|(_, k)| *k);
    let columns: Vec<String> = sqlx::query_scalar(
        "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut **tx)
    .await?;
    let list = columns
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let conflict = match key {
        Some(k) => format!(
            "ON CONFLICT ({k}) DO UPDATE SET {}",
            columns
                .iter()
                .filter(|c| c.as_str() != k)
                .map(|c| format!("\"{c}\" = excluded.\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        None => "ON CONFLICT DO NOTHING".into(),
    };
    // Users reference bureaus and tokens users: checked at commit, whatever the line order.
    sqlx::query("SET CONSTRAINTS ALL DEFERRED")
        .execute(&mut **tx)
        .await?;
    sqlx::query(&format!("INSERT INTO {table} ({list}) SELECT {list} FROM jsonb_populate_recordset(NULL::{table}, $1) {conflict}"))
        .bind(rows)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Retention (seed 003 §8.2.6: backups kept three years): removes the backups no restore within
/// the last `years` needs — those before the newest full backup taken at or before the window's
/// start. The current chain (the newest full backup and everything after it) is always kept.
/// Returns the files removed.
pub fn prune(dir: &Path, now: DateTime<Utc>, years: u32) -> Result<Vec<String>, BackupError> {
    let mut manifest = Manifest::load(dir)?;
    let cutoff = now - chrono::Months::new(12 * years);
    let Some(base) = manifest
        .backups
        .iter()
        .rposition(|e| e.kind == BackupKind::Full && e.taken_at <= cutoff)
    else {
        return Ok(vec![]);
    };
    let removed: Vec<Entry> = manifest.backups.drain(..base).collect();
    for e in &removed {
        let path = dir.join(&e.file);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(BackupError::Io(path, err)),
        }
    }
    manifest.save(dir)?;
    Ok(removed.into_iter().map(|e| e.file).collect())
}

#[cfg(test)]
mod tests {
    use super::{is_plain_name, without_password, Manifest};

    #[test]
    fn a_manifest_names_files_inside_its_folder_only() {
        for ok in ["full-20261203T020000Z.dump", "inc-1.jsonl.gz"] {
            assert!(is_plain_name(ok), "{ok}");
        }
        for bad in ["", "..", "../x.dump", "/etc/passwd", "a/b", "a\\b", "."] {
            assert!(!is_plain_name(bad), "{bad}");
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("manifest.json"),
            r#"{"backups":[{"kind":"full","file":"../../etc/passwd","taken_at":"2026-12-01T00:00:00Z","cursor":[0,0],"audit_id":0,"events":0,"sha256":""}]}"#,
        )
        .unwrap();
        let e = Manifest::load(dir.path()).unwrap_err();
        assert_eq!(e.code(), "backup.manifest");
    }

    #[test]
    fn the_password_leaves_the_command_line() {
        let (url, password) = without_password("postgres://hotline:s%40cret@db1:5432/hotline");
        assert_eq!(url, "postgres://hotline@db1:5432/hotline");
        assert_eq!(password.as_deref(), Some("s@cret"));
        let (url, password) = without_password("postgres:///hotline?host=/run/postgresql");
        assert_eq!(
            (url.as_str(), password),
            ("postgres:///hotline?host=/run/postgresql", None)
        );
    }
}

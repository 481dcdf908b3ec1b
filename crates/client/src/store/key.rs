//! The store's key. A seat's store holds callers' names, phones and matters, and a laptop may
//! leave the building: the file is encrypted (SQLCipher, 256-bit AES), its key random per store
//! and kept in the OS credential store (Windows Credential Manager, Secret Service, the kernel
//! keyring) — never on disk beside it. The folder holds only `store.id`, which names the key's
//! entry and is no secret.
//!
//! Losing the key (a new Windows profile, a wiped keyring) costs a clean resync, not a crash: a
//! store that cannot be opened is removed with its backups and a new one starts. A credential
//! store that cannot be reached right now (locked, not running) is an error instead: the key may
//! well still be there, and the store is kept.

use std::io::Write;
use std::path::Path;

use rand::RngCore;

use crate::secret::{delete_everywhere, entries_for, first_found, Secret};
use crate::{ClientError, DataDir};

/// Names the store's key in the credential store; written once, with the key.
const ID_FILE: &str = "store.id";
/// The store itself and everything SQLite and its backups write beside it.
const STORE_FILES: [&str; 3] = ["hotline.db", "hotline.db-wal", "hotline.db-shm"];
/// A migration's backup: `hotline.db.bak-<version>-<time>`.
pub(super) const BACKUP_PREFIX: &str = "hotline.db.bak-";

/// The store's key, as SQLCipher takes a raw key: 32 random bytes in hex, no passphrase
/// stretching (the key is random, and every connection of the pool opens at once).
pub(super) struct StoreKey(Secret);

impl StoreKey {
    /// The value of `PRAGMA key`.
    pub(super) fn pragma(&self) -> String {
        format!("\"x'{}'\"", self.0.expose())
    }

    fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self(Secret::new(hex::encode(bytes)))
    }
}

/// What the credential store holds for this folder's store.
pub(super) enum Found {
    Key(StoreKey),
    /// No key (or no store yet): a new key was made; whatever store file is here is unreadable.
    New(StoreKey),
}

/// The key of the store in `dir`, making one for a new store. A store whose key is gone is
/// removed (`remove_store_files`) before a new key is made.
pub(super) fn of_store(dir: &DataDir) -> Result<Found, ClientError> {
    if let Some(id) = dir.read_optional(ID_FILE)? {
        match load(id.trim())? {
            Some(key) => return Ok(Found::Key(key)),
            None => {
                remove_store_files(dir.path())?;
                remove_id(dir)?;
            }
        }
    }
    make(dir)
}

/// A new id and key for `dir`, the key saved before the id is written, so an id never names
/// nothing. Two processes starting a new store at once (the desk and the CLI): the one that
/// writes the id first wins, the other forgets its key and takes the winner's.
fn make(dir: &DataDir) -> Result<Found, ClientError> {
    let mut id = [0u8; 16];
    rand::rng().fill_bytes(&mut id);
    let id = hex::encode(id);
    let key = StoreKey::generate();
    save(&id, &key)?;
    let path = dir.file(ID_FILE);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(mut file) => {
            file.write_all(id.as_bytes())
                .and_then(|()| file.sync_all())
                .map_err(|source| io("write", &path, source))?;
            Ok(Found::New(key))
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            forget(&id)?;
            let theirs = dir.read_optional(ID_FILE)?.unwrap_or_default();
            load(theirs.trim())?.map(Found::Key).ok_or_else(|| ClientError::Invalid {
                code: "local.key_race",
                message: "another program is creating this data folder's store; try again / 另一程序正在创建本地数据，请重试".into(),
            })
        }
        Err(source) => Err(io("create", &path, source)),
    }
}

/// Forgets this folder's key and removes its store: a store that does not open with the key the
/// credential store gave (another machine's copy, a damaged file) starts again from the server.
pub(super) fn start_again(dir: &DataDir) -> Result<StoreKey, ClientError> {
    if let Some(id) = dir.read_optional(ID_FILE)? {
        forget(id.trim())?;
    }
    remove_store_files(dir.path())?;
    remove_id(dir)?;
    match make(dir)? {
        Found::Key(key) | Found::New(key) => Ok(key),
    }
}

fn account(id: &str) -> String {
    format!("store-key#{id}")
}

fn load(id: &str) -> Result<Option<StoreKey>, ClientError> {
    Ok(first_found(entries_for(&account(id))?)
        .map_err(keyring_error)?
        .map(|key| StoreKey(Secret::new(key))))
}

/// Saves in the first store that keeps it: read back at once, since the kernel keyring takes a
/// key it will not give back to a process that does not possess the keyring (a shell without a
/// session keyring), and a key not kept would cost the next start its store.
fn save(id: &str, key: &StoreKey) -> Result<(), ClientError> {
    let mut first_error = None;
    for entry in entries_for(&account(id))? {
        let kept = entry
            .set_password(key.0.expose())
            .and_then(|()| entry.get_password());
        match kept {
            Ok(back) if back == key.0.expose() => return Ok(()),
            Ok(_) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(keyring_error(
        first_error.unwrap_or(keyring::Error::NoEntry),
    ))
}

fn forget(id: &str) -> Result<(), ClientError> {
    delete_everywhere(entries_for(&account(id))?).map_err(keyring_error)
}

fn remove_id(dir: &DataDir) -> Result<(), ClientError> {
    remove_if_there(&dir.file(ID_FILE))
}

/// Removes the store, its journal and every migration backup from `dir` (not the settings, the
/// calendar or the policy beside them, which are the centre's and no caller's).
pub(super) fn remove_store_files(dir: &Path) -> Result<(), ClientError> {
    for name in STORE_FILES {
        remove_if_there(&dir.join(name))?;
    }
    remove_backups(dir)
}

/// Removes every migration backup in `dir`: once a migration succeeded they are of no use, and
/// one written by a build before the store was encrypted is plain text.
pub(super) fn remove_backups(dir: &Path) -> Result<(), ClientError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => return Err(io("read", dir, source)),
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(BACKUP_PREFIX))
        {
            remove_if_there(&entry.path())?;
        }
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> Result<(), ClientError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(io("remove", path, source)),
    }
}

fn keyring_error(e: keyring::Error) -> ClientError {
    ClientError::Invalid {
        code: "local.keyring",
        message: format!("the OS credential store is unavailable, so this desk's encrypted store cannot be opened: {e} / 无法访问系统凭据存储，本机加密数据暂时无法打开"),
    }
}

fn io(action: &'static str, path: &Path, source: std::io::Error) -> ClientError {
    ClientError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

/// Whether the file at `path` is a plain (unencrypted) SQLite database: one written by a build
/// before the store was encrypted. An encrypted file's first bytes are random.
pub(super) fn is_plain_sqlite(path: &Path) -> Result<bool, ClientError> {
    use std::io::Read;
    let mut header = [0u8; 16];
    match std::fs::File::open(path) {
        Ok(mut f) => Ok(f.read_exact(&mut header).is_ok() && &header == b"SQLite format 3\0"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(io("read", path, source)),
    }
}

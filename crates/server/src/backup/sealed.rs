//! Backups encrypted at rest (seed 003 §8.2.6) with a key the operator supplies. A backup holds
//! every caller's name, number and words, and backup folders travel (tapes, another building,
//! a cloud bucket). The file format is age's (age-encryption.org/v1, X25519 recipients): a
//! reviewed format with a streaming AEAD, readable by the `age`/`rage` tools too, instead of a
//! home-made scheme.
//!
//! The server holds only the operator's *public* key (`age1…`): it can write backups but not
//! read them. The secret key (an identity file, `AGE-SECRET-KEY-1…`) is needed only to restore,
//! and stays with the operator (`hotline-server backup-key` makes a pair).

use std::io::{self, BufReader, Read, Write};
use std::path::Path;

use age::secrecy::ExposeSecret;

use super::BackupError;

/// How a backup is written: to the operator's recipients, or — only when the operator says so
/// (`--unencrypted`) — in the clear.
#[derive(Clone)]
pub enum Sealing {
    To(Vec<age::x25519::Recipient>),
    InTheClear,
}

impl Sealing {
    /// The recipients in `spec`: an `age1…` public key, or a file of them (one per line, `#`
    /// comments), as `age -R` reads.
    pub fn recipients(spec: &str) -> Result<Self, BackupError> {
        let spec = spec.trim();
        let text = if spec.starts_with("age1") {
            spec.to_owned()
        } else {
            std::fs::read_to_string(spec).map_err(|e| BackupError::Io(spec.into(), e))?
        };
        let keys = key_lines(&text)
            .map(|l| {
                l.parse::<age::x25519::Recipient>().map_err(|e| {
                    BackupError::Key(format!("{l:?} is not an age public key (age1…): {e}"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(BackupError::Key(format!("{spec:?} names no public key")));
        }
        Ok(Self::To(keys))
    }

    pub fn encrypts(&self) -> bool {
        matches!(self, Self::To(_))
    }

    /// The file name a backup is written under (`.age` when encrypted).
    pub fn name(&self, plain: String) -> String {
        if self.encrypts() {
            plain + ".age"
        } else {
            plain
        }
    }

    /// A writer into `file` that encrypts (when sealing) what is written; `finish` it.
    pub fn writer<W: Write + 'static>(&self, file: W) -> Result<SealedWriter<W>, BackupError> {
        match self {
            Self::InTheClear => Ok(SealedWriter::Clear(file)),
            Self::To(keys) => {
                let encryptor =
                    age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient))
                        .map_err(|e| BackupError::Key(e.to_string()))?;
                let w = encryptor
                    .wrap_output(file)
                    .map_err(|e| BackupError::Io("backup".into(), e))?;
                Ok(SealedWriter::Sealed(w))
            }
        }
    }
}

pub enum SealedWriter<W: Write> {
    Clear(W),
    Sealed(age::stream::StreamWriter<W>),
}

impl<W: Write> Write for SealedWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Clear(w) => w.write(buf),
            Self::Sealed(w) => w.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Clear(w) => w.flush(),
            Self::Sealed(w) => w.flush(),
        }
    }
}

impl<W: Write> SealedWriter<W> {
    /// Writes the last encrypted chunk (without it the file does not decrypt) and returns the
    /// file.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Self::Clear(w) => Ok(w),
            Self::Sealed(w) => w.finish(),
        }
    }
}

/// The operator's secret keys, read from an identity file when a restore needs them.
#[derive(Default)]
pub struct Unsealing(Vec<age::x25519::Identity>);

impl Unsealing {
    /// No key: only unencrypted backups can be restored.
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The `AGE-SECRET-KEY-1…` lines of an identity file (as `age-keygen` or
    /// `hotline-server backup-key` writes it).
    pub fn identity_file(path: &Path) -> Result<Self, BackupError> {
        let text = std::fs::read_to_string(path).map_err(|e| BackupError::Io(path.into(), e))?;
        let keys = key_lines(&text)
            .map(|l| {
                l.parse::<age::x25519::Identity>().map_err(|_| {
                    BackupError::Key(format!(
                        "{} holds a line that is not an age secret key (AGE-SECRET-KEY-1…)",
                        path.display()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if keys.is_empty() {
            return Err(BackupError::Key(format!(
                "{} holds no secret key",
                path.display()
            )));
        }
        Ok(Self(keys))
    }

    /// A reader of the backup at `path`, decrypted when `encrypted`.
    pub fn reader(&self, path: &Path, encrypted: bool) -> Result<Box<dyn Read>, BackupError> {
        let file = std::fs::File::open(path).map_err(|e| BackupError::Io(path.into(), e))?;
        if !encrypted {
            return Ok(Box::new(file));
        }
        if self.0.is_empty() {
            return Err(BackupError::NoKey);
        }
        let decryptor = age::Decryptor::new_buffered(BufReader::new(file))
            .map_err(|e| BackupError::Key(format!("{}: {e}", path.display())))?;
        let reader = decryptor
            .decrypt(self.0.iter().map(|k| k as &dyn age::Identity))
            .map_err(|e| match e {
                age::DecryptError::NoMatchingKeys => BackupError::WrongKey(path.into()),
                e => BackupError::Key(format!("{}: {e}", path.display())),
            })?;
        Ok(Box::new(reader))
    }
}

/// The keys of a recipients or identity file: one per line, blank lines and `#` comments
/// skipped (as age's own tools read them).
fn key_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A new key pair: the identity file's text (secret) and its public key (what `backup
/// --recipient` takes).
pub fn new_key_pair(created: &str) -> (String, String) {
    let secret = age::x25519::Identity::generate();
    let public = secret.to_public().to_string();
    let file = format!(
        "# created: {created}\n# public key: {public}\n{}\n",
        secret.to_string().expose_secret()
    );
    (file, public)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_stream_reads_back_with_the_key_and_not_without_or_with_another() {
        let dir = tempfile::tempdir().unwrap();
        let (identity, public) = new_key_pair("test");
        let key = dir.path().join("key.txt");
        std::fs::write(&key, identity).unwrap();
        let sealing = Sealing::recipients(&public).unwrap();
        let path = dir.path().join("b.age");
        let mut w = sealing
            .writer(std::fs::File::create(&path).unwrap())
            .unwrap();
        w.write_all("13812345678 李女士".as_bytes()).unwrap();
        w.finish().unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert!(!String::from_utf8_lossy(&on_disk).contains("13812345678"));

        let mut back = String::new();
        Unsealing::identity_file(&key)
            .unwrap()
            .reader(&path, true)
            .unwrap()
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, "13812345678 李女士");
        assert!(matches!(
            Unsealing::none().reader(&path, true),
            Err(BackupError::NoKey)
        ));
        let other = dir.path().join("other.txt");
        std::fs::write(&other, new_key_pair("other").0).unwrap();
        assert!(matches!(
            Unsealing::identity_file(&other)
                .unwrap()
                .reader(&path, true),
            Err(BackupError::WrongKey(_))
        ));
        assert!(matches!(
            Sealing::recipients("age1notakey"),
            Err(BackupError::Key(_))
        ));
    }
}

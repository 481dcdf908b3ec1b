use std::path::{Path, PathBuf};

use crate::ClientError;

/// The folder holding a seat's local data (the same one for the desktop app and the CLI).
#[derive(Debug, Clone)]
pub struct DataDir(PathBuf);

impl DataDir {
    /// `explicit`, else `$HOTLINE_DATA_DIR`, else the platform's data folder
    /// (`%APPDATA%\hotline-desk` on Windows, `$XDG_DATA_HOME/hotline-desk` or
    /// `~/.local/share/hotline-desk` elsewhere).
    pub fn resolve(explicit: Option<PathBuf>) -> Self {
        if let Some(p) =
            explicit.or_else(|| std::env::var_os("HOTLINE_DATA_DIR").map(PathBuf::from))
        {
            return Self(p);
        }
        let base = std::env::var_os("APPDATA")
            .or_else(|| std::env::var_os("XDG_DATA_HOME"))
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        Self(base.join("hotline-desk"))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub(crate) fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes a file atomically: a crash mid-write leaves the old file, never half a file.
    pub(crate) fn write_atomic(&self, name: &str, bytes: &[u8]) -> Result<(), ClientError> {
        let io = |action, path: &Path| {
            let path = path.to_owned();
            move |source| ClientError::Io {
                action,
                path,
                source,
            }
        };
        std::fs::create_dir_all(&self.0).map_err(io("create", &self.0))?;
        let target = self.file(name);
        let tmp = self.file(&format!(".{name}.tmp"));
        std::fs::write(&tmp, bytes).map_err(io("write", &tmp))?;
        std::fs::rename(&tmp, &target).map_err(io("replace", &target))
    }

    /// A JSON file of the folder, if present; one that does not read is corrupt.
    pub(crate) fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<T>, ClientError> {
        match self.read_optional(name)? {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| ClientError::Corrupt {
                    path: self.file(name),
                    reason: e.to_string(),
                }),
        }
    }

    pub(crate) fn read_optional(&self, name: &str) -> Result<Option<String>, ClientError> {
        let path = self.file(name);
        match std::fs::read_to_string(&path) {
            Ok(s) => Ok(Some(s)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ClientError::Io {
                action: "read",
                path,
                source,
            }),
        }
    }
}

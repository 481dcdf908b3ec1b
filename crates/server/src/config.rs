//! Configuration: an optional TOML file, then the environment, then command-line flags.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    /// How long a session token lives, in hours (default 12: a shift).
    pub token_hours: Option<i64>,
    /// PEM certificate chain and private key: with both, the server speaks HTTPS only (rustls).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
}

impl Config {
    /// Reads `path` if given, else `hotline-server.toml` in the working folder if present, then
    /// lets `DATABASE_URL`, `HOTLINE_LISTEN`, `HOTLINE_TLS_CERT` and `HOTLINE_TLS_KEY` override.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let default = PathBuf::from("hotline-server.toml");
        let file = path
            .map(Path::to_path_buf)
            .or_else(|| default.exists().then_some(default));
        let mut config = match file {
            Some(f) => {
                let text = std::fs::read_to_string(&f)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", f.display()))?;
                toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", f.display()))?
            }
            None => Self::default(),
        };
        if let Ok(url) = std::env::var("DATABASE_URL") {
            config.database_url = Some(url);
        }
        if let Ok(listen) = std::env::var("HOTLINE_LISTEN") {
            config.listen = Some(listen);
        }
        if let Ok(cert) = std::env::var("HOTLINE_TLS_CERT") {
            config.tls_cert = Some(cert.into());
        }
        if let Ok(key) = std::env::var("HOTLINE_TLS_KEY") {
            config.tls_key = Some(key.into());
        }
        Ok(config)
    }

    pub fn database_url(&self) -> anyhow::Result<&str> {
        self.database_url.as_deref().ok_or_else(|| {
            anyhow::anyhow!("no database: set DATABASE_URL or database_url in hotline-server.toml")
        })
    }

    pub fn token_hours(&self) -> i64 {
        self.token_hours.unwrap_or(12)
    }
}

//! The session token, kept in the OS credential store (Windows Credential Manager on the seats,
//! the kernel keyring on Linux) and never in a plain file. `HOTLINE_TOKEN` in the environment
//! supplies one for automation.

use std::fmt;

use crate::ClientError;

const SERVICE: &str = "hotline-desk";

/// A secret whose Debug and Display never show it (GitButler's lesson: logs leak).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// One account's token in the credential store.
pub struct TokenStore {
    account: String,
}

impl TokenStore {
    /// The entry for `user` on `server`.
    pub fn new(server: &str, user: &str) -> Self {
        Self { account: format!("{user}@{server}") }
    }

    fn entry(&self) -> Result<keyring::Entry, ClientError> {
        keyring::Entry::new(SERVICE, &self.account).map_err(keyring_error)
    }

    pub fn save(&self, token: &Secret) -> Result<(), ClientError> {
        self.entry()?.set_password(token.expose()).map_err(keyring_error)
    }

    /// `HOTLINE_TOKEN` if set, else the stored token, else none.
    pub fn load(&self) -> Result<Option<Secret>, ClientError> {
        if let Ok(t) = std::env::var("HOTLINE_TOKEN") {
            if !t.trim().is_empty() {
                return Ok(Some(Secret::new(t.trim())));
            }
        }
        match self.entry()?.get_password() {
            Ok(t) => Ok(Some(Secret::new(t))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keyring_error(e)),
        }
    }

    pub fn forget(&self) -> Result<(), ClientError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keyring_error(e)),
        }
    }
}

fn keyring_error(e: keyring::Error) -> ClientError {
    ClientError::Invalid {
        code: "auth.keyring",
        message: format!("the OS credential store is unavailable: {e}; set HOTLINE_TOKEN instead / 无法访问系统凭据存储"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_and_the_mock_store_round_trips() {
        let s = Secret::new("abc123");
        assert_eq!(format!("{s:?}"), "Secret(…)");
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // The mock store keeps nothing between entries; this checks our plumbing, and the
        // real-backend test (tests/keyring.rs) checks the OS store.
        let store = TokenStore::new("http://127.0.0.1:1", "seat1");
        assert!(store.forget().is_ok());
    }
}

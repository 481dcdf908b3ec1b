//! The session token, kept in the OS credential store and never in a plain file: Windows
//! Credential Manager on the seats, Secret Service on a Linux desktop (GNOME Keyring, KWallet),
//! and the kernel keyring where no Secret Service runs (a server console, CI). `HOTLINE_TOKEN`
//! in the environment supplies one for automation.

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
    /// The entry builds before 2026-12 used (one per user and server, whatever the data
    /// folder): read when the folder's own entry is missing, until the next login.
    legacy: String,
}

impl TokenStore {
    /// The entry for `user` on `server` from the data folder whose device is `device`: two data
    /// folders of one Windows account (a second desk, a reinstall) each keep their own session,
    /// since the server binds a session to its device.
    pub fn new(server: &str, user: &str, device: &str) -> Self {
        Self {
            account: format!("{user}@{server}#{device}"),
            legacy: format!("{user}@{server}"),
        }
    }

    /// The stores to use, preferred first.
    fn entries(&self) -> Result<Vec<keyring::Entry>, ClientError> {
        entries_for(&self.account)
    }

    /// Saves in the first store that takes it.
    pub fn save(&self, token: &Secret) -> Result<(), ClientError> {
        let mut first_error = None;
        for entry in self.entries()? {
            match entry.set_password(token.expose()) {
                Ok(()) => return Ok(()),
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        Err(keyring_error(
            first_error.unwrap_or(keyring::Error::NoEntry),
        ))
    }

    /// `HOTLINE_TOKEN` if set, else the stored token, else none.
    pub fn load(&self) -> Result<Option<Secret>, ClientError> {
        if let Ok(t) = std::env::var("HOTLINE_TOKEN") {
            if !t.trim().is_empty() {
                return Ok(Some(Secret::new(t.trim())));
            }
        }
        let own = self.entries()?;
        Ok(
            first_found(own.into_iter().chain(entries_for(&self.legacy)?))
                .map_err(keyring_error)?
                .map(Secret::new),
        )
    }

    /// Removes the token from every store, the entry of the name used before device-bound
    /// sessions too (`load` would still find it).
    pub fn forget(&self) -> Result<(), ClientError> {
        let own = self.entries()?;
        delete_everywhere(own.into_iter().chain(entries_for(&self.legacy)?)).map_err(keyring_error)
    }
}

/// The first secret the entries hold, in order. None when a store was reached and held none; an
/// error only when no store could be reached at all.
pub(crate) fn first_found(
    entries: impl IntoIterator<Item = keyring::Entry>,
) -> Result<Option<String>, keyring::Error> {
    let mut unreachable = None;
    let mut reached = false;
    for entry in entries {
        match entry.get_password() {
            Ok(secret) => return Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => reached = true,
            Err(e) => {
                unreachable.get_or_insert(e);
            }
        }
    }
    match (reached, unreachable) {
        (false, Some(e)) => Err(e),
        _ => Ok(None),
    }
}

/// Deletes the entries from every store that holds them; a store that cannot be reached is
/// passed over (nothing of ours can be read there either).
pub(crate) fn delete_everywhere(
    entries: impl IntoIterator<Item = keyring::Entry>,
) -> Result<(), keyring::Error> {
    for entry in entries {
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => {}
            Err(keyring::Error::NoStorageAccess(_)) | Err(keyring::Error::PlatformFailure(_)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

pub(crate) fn entries_for(account: &str) -> Result<Vec<keyring::Entry>, ClientError> {
    #[allow(unused_mut)]
    let mut entries = Vec::new();
    #[cfg(target_os = "linux")]
    {
        // No session bus, no Secret Service: asking for one only makes libdbus try to launch a
        // bus (dbus-launch, on an X display), so the kernel keyring alone.
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() {
            entries.push(keyring::Entry::new(SERVICE, account).map_err(keyring_error)?);
        }
        let kernel = keyring::keyutils::KeyutilsCredential::new_with_target(None, SERVICE, account)
            .map_err(keyring_error)?;
        entries.push(keyring::Entry::new_with_credential(Box::new(kernel)));
    }
    #[cfg(not(target_os = "linux"))]
    entries.push(keyring::Entry::new(SERVICE, account).map_err(keyring_error)?);
    Ok(entries)
}

pub(crate) fn keyring_error(e: keyring::Error) -> ClientError {
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
        let store = TokenStore::new("http://127.0.0.1:1", "seat1", "device-1");
        assert!(store.forget().is_ok());
    }
}

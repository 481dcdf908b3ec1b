//! The centre's settings for this machine: the server its seats log in to and the certificate
//! authority that vouches for that server. The centre's IT sets them once per workstation: on
//! Windows as installer properties (`msiexec /i hotline-desk.msi SERVER_URL=… CA_CERT=…`,
//! packaging/windows), which the installers write to the registry under `SOFTWARE\HotlineDesk`
//! (HKLM for the per-machine MSI, HKCU for the per-user setup.exe); anywhere, and to override
//! the registry, in `HOTLINE_SERVER_URL` and `HOTLINE_CA_CERT`.

use std::path::PathBuf;

/// The registry key the installers write the centre's settings under.
pub const REGISTRY_KEY: &str = r"SOFTWARE\HotlineDesk";

/// What IT configured for this machine; absent settings are `None`, never an empty string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CentreSettings {
    /// The centre's server, offered by the login form and `hotline login`.
    pub server_url: Option<String>,
    /// A PEM file with the certificate authority of an intranet server, trusted besides the
    /// public ones.
    pub ca_cert: Option<PathBuf>,
}

impl CentreSettings {
    /// The environment first, then (on Windows) the machine's registry key, then the user's.
    pub fn of_this_machine() -> Self {
        let registry = from_registry();
        Self {
            server_url: env("HOTLINE_SERVER_URL").or(registry.server_url),
            ca_cert: env("HOTLINE_CA_CERT")
                .map(PathBuf::from)
                .or(registry.ca_cert),
        }
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().and_then(non_empty)
}

fn non_empty(s: String) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(windows)]
fn from_registry() -> CentreSettings {
    use winreg::enums::{HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE};
    use winreg::RegKey;
    // The machine's setting wins: a user cannot point a group-policy seat at another server.
    let read = |name: &str| {
        [HKEY_LOCAL_MACHINE, HKEY_CURRENT_USER]
            .iter()
            .find_map(|root| {
                let key = RegKey::predef(*root).open_subkey(REGISTRY_KEY).ok()?;
                key.get_value::<String, _>(name).ok().and_then(non_empty)
            })
    };
    CentreSettings {
        server_url: read("ServerUrl"),
        ca_cert: read("CaCertificate").map(PathBuf::from),
    }
}

#[cfg(not(windows))]
fn from_registry() -> CentreSettings {
    CentreSettings::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_settings_count_as_absent() {
        assert_eq!(non_empty("  ".into()), None);
        assert_eq!(
            non_empty(" https://hotline.example ".into()).as_deref(),
            Some("https://hotline.example")
        );
    }
}

//! Logging the desk in and keeping it synced: the sync loop runs for as long as the desk does,
//! restarts when someone logs in, and records why it is offline so the window can say so.

use std::time::Duration;

use super::{DeskStatus, Workbench};
use crate::sync::{watch, ServerApi};
use crate::ClientError;

/// What a logout did: the desk's status after it, and whether the server revoked the session
/// (offline, the token was only forgotten here and the session ends at its expiry).
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct Logout {
    pub status: DeskStatus,
    pub server_told: bool,
}

impl Workbench {
    /// Logs in to `server` (token to the OS credential store), adopts the account, and restarts
    /// the sync loop on it.
    pub async fn login(
        &self,
        server: &str,
        user: &str,
        password: &str,
    ) -> Result<DeskStatus, ClientError> {
        {
            let mut store = self.store.write().await;
            crate::sync::login(&mut store, server, user, password, self.now()).await?;
        }
        self.logins.notify_waiters();
        self.touch();
        self.status().await
    }

    /// Logs the desk out (the desk's menu): the server revokes the session and the credential
    /// store forgets it (`sync::logout`); the sync loop stops until the next login, and the
    /// window shows only the login form. The store stays the user's, their unsent steps with it.
    pub async fn logout(&self) -> Result<Logout, ClientError> {
        let outcome = {
            let store = self.store.read().await;
            crate::sync::logout(&store, self.now()).await?
        };
        self.logins.notify_waiters();
        self.touch();
        Ok(Logout {
            server_told: outcome != crate::sync::LoggedOut::ForgottenOffline,
            status: self.status().await?,
        })
    }

    /// Closes the store's connections (the desk is exiting): nothing is written after this.
    pub async fn close(&self) {
        self.store.read().await.pool().close().await;
    }

    /// Syncs forever: waits for a login, then watches the server (live notices, local work,
    /// reconnecting with backoff), waking the desk whenever something arrived or went out.
    pub async fn run_sync(&self) {
        loop {
            let logged_in = self.logged_in().await;
            let Some((api, token)) = logged_in else {
                self.logins.notified().await;
                continue;
            };
            let store = self.store().await;
            let sla = self.sla();
            let mut centre_changed = false;
            let mut report = |r: Result<crate::sync::SyncReport, &ClientError>| {
                centre_changed |= r.is_ok_and(|r| r.centre_changed);
                // Pulled or pushed: the queue and the sync state changed. An error: the banner.
                if r.is_err() || r.is_ok_and(|r| r.pulled + r.pushed + r.refused > 0) {
                    self.touch();
                }
            };
            tokio::select! {
                () = watch(&store, &api, &token, &self.calendars, &sla, &mut report) => {}
                () = self.logins.notified() => {}
            }
            if centre_changed {
                // A year or a policy version saved on the server: every due, light and alert
                // point recomputed.
                if let Err(e) = self.reload_centre().await {
                    let _ = store
                        .record_sync_error(&format!(
                            "cannot use the centre's calendar or policy: {e}"
                        ))
                        .await;
                }
                self.touch();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub(super) async fn logged_in(&self) -> Option<(ServerApi, crate::secret::Secret)> {
        let store = self.store.read().await;
        self.session_of(&store).await
    }

    /// [`Workbench::logged_in`] on a store the caller already holds (a second read of the
    /// store's lock could wait behind a login's write, which waits behind the first).
    pub(super) async fn session_of(
        &self,
        store: &crate::store::LocalStore,
    ) -> Option<(ServerApi, crate::secret::Secret)> {
        match crate::sync::signed_in(store, self.clock.clone()).await {
            Ok(session) => session,
            Err(_) => {
                let _ = store.record_sync_error(crate::sync::NO_TOKEN).await;
                None
            }
        }
    }
}

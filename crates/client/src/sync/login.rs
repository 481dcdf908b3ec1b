//! Logging a device in: the server checks the password, the session token goes to the OS
//! credential store, and the local store adopts the account (the CLI and the desktop share it).

use hotline_domain::time::FixedClock;
use hotline_domain::wire::{LoginRequest, LoginResponse};

use super::ServerApi;
use crate::secret::{Secret, TokenStore};
use crate::store::LocalStore;
use crate::ClientError;

pub async fn login(
    store: &mut LocalStore,
    server: &str,
    user: &str,
    password: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<LoginResponse, ClientError> {
    if user.trim().is_empty() || password.is_empty() {
        return Err(ClientError::Invalid {
            code: "login.missing",
            message: "user and password are required / 请输入用户名和密码".into(),
        });
    }
    hand_over(store, user.trim(), now).await?;
    // Logging in sends no device time: the clock only marks the moment.
    let api = ServerApi::new(server, std::sync::Arc::new(FixedClock(now)))?;
    let resp = api
        .login(&LoginRequest {
            user: user.trim().to_owned(),
            password: password.to_owned(),
            device_id: store.identity().device_id.clone(),
        })
        .await?;
    let role =
        serde_json::from_value(serde_json::Value::String(resp.role.clone())).map_err(|_| {
            ClientError::Invalid {
                code: "login.role",
                message: format!("the server sent an unknown role {:?}", resp.role),
            }
        })?;
    TokenStore::new(api.base(), &resp.user, &store.identity().device_id)
        .save(&Secret::new(resp.token.clone()))?;
    store
        .adopt_login(
            api.base(),
            &resp.user,
            role,
            resp.bureau.as_deref(),
            resp.seat_code.as_deref(),
        )
        .await?;
    Ok(resp)
}

/// A desk's device belongs to the user that first logged in on it (the server refuses another
/// user's login naming it), and its store to that user: when a colleague logs in on the same
/// desk (a shift change), the last user's cases leave the store and the desk takes a new device
/// id for the new user (`LocalStore::hand_to_another_user`) — unless the last user's steps are
/// still waiting to be sent or their drafts unrecorded: those are theirs, so they must log in and
/// finish them first.
async fn hand_over(
    store: &mut LocalStore,
    user: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ClientError> {
    let previous = store.identity().user.clone();
    if previous == "local" || previous == user {
        return Ok(());
    }
    let left = store.unfinished().await?;
    if left.unsent > 0 || left.drafts > 0 {
        let (unsent, drafts) = (left.unsent, left.drafts);
        return Err(ClientError::Invalid {
            code: "login.pending_other_user",
            message: format!(
                "{previous} has {unsent} steps not sent and {drafts} drafts not recorded on this desk: {previous} must log in and finish them first / {previous} 在本机还有 {unsent} 条记录未发送、{drafts} 份草稿未提交，请先由 {previous} 登录处理"
            ),
        });
    }
    store.hand_to_another_user(now).await.map(|_| ())
}

/// What came of a logout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoggedOut {
    /// The server revoked the session; the token is forgotten here.
    Revoked,
    /// The server could not be told (offline): the token is forgotten here and the session ends
    /// at its expiry on the server.
    ForgottenOffline,
    /// Nobody was logged in on this data folder.
    NotLoggedIn,
}

/// Ends this data folder's session: the server revokes the token (a colleague taking the desk
/// cannot use it, a stolen copy stops working) and the OS credential store forgets it. The store
/// and any steps not yet sent stay: they are this user's and go at their next login (another user
/// is refused until then, `hand_over`). A token the server no longer knows counts as revoked.
pub async fn logout(
    store: &LocalStore,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<LoggedOut, ClientError> {
    let state = store.sync_state().await?;
    let (Some(server), Some(user)) = (state.server, state.user) else {
        return Ok(LoggedOut::NotLoggedIn);
    };
    let tokens = TokenStore::new(&server, &user, &store.identity().device_id);
    let Some(token) = tokens.load()? else {
        store.end_session().await?;
        return Ok(LoggedOut::NotLoggedIn);
    };
    let api = ServerApi::new(&server, std::sync::Arc::new(FixedClock(now)))?;
    let told = match api.logout(&token).await {
        Ok(()) | Err(ClientError::Server { status: 401, .. }) => LoggedOut::Revoked,
        Err(ClientError::Offline(_)) => LoggedOut::ForgottenOffline,
        Err(e) => return Err(e),
    };
    tokens.forget()?;
    store.end_session().await?;
    Ok(told)
}

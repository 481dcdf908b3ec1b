//! Logging a device in: the server checks the password, the session token goes to the OS
//! credential store, and the local store adopts the account (the CLI and the desktop share it).

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
) -> Result<LoginResponse, ClientError> {
    if user.trim().is_empty() || password.is_empty() {
        return Err(ClientError::Invalid {
            code: "login.missing",
            message: "user and password are required / 请输入用户名和密码".into(),
        });
    }
    let api = ServerApi::new(server)?;
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
    TokenStore::new(api.base(), &resp.user).save(&Secret::new(resp.token.clone()))?;
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

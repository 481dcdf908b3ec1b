//! What the benches share: a seat's store logged in over the HTTP API, its token held in memory
//! (thousands of bench seats cannot each take a place in the OS keyring, as `hotline login` does).

use chrono::{DateTime, Utc};
use hotline_client::secret::Secret;
use hotline_client::store::LocalStore;
use hotline_client::sync::ServerApi;
use hotline_client::DataDir;
use hotline_domain::case::Role;
use hotline_domain::wire::LoginRequest;

/// A seat's store in `dir`, logged in as `user` (password `bench-password`).
pub async fn seat(
    server: &ServerApi,
    dir: &std::path::Path,
    user: &str,
    now: DateTime<Utc>,
) -> (LocalStore, Secret) {
    let mut store = LocalStore::open(&DataDir::resolve(Some(dir.to_owned())), now)
        .await
        .unwrap();
    let login = server
        .login(&LoginRequest {
            user: user.into(),
            password: "bench-password".into(),
            device_id: store.identity().device_id.clone(),
        })
        .await
        .unwrap();
    store
        .adopt_login(
            server.base(),
            user,
            Role::Seat,
            None,
            login.seat_code.as_deref(),
        )
        .await
        .unwrap();
    (store, Secret::new(login.token))
}

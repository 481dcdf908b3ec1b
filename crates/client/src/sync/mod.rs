//! Offline-first sync: push the outbox in device order (the server applies each event exactly
//! once), then pull by cursor (the server never lets the cursor pass a later commit), then wait
//! for the server's live notice or a local change.

mod api;
mod engine;
mod login;
mod reach;

pub use api::{Notice, ServerApi};
pub use engine::{on_notice, sync_all, sync_once, watch, SyncReport};
pub use login::{login, logout, LoggedOut};
pub(crate) use reach::NO_TOKEN;
pub use reach::{merged, signed_in, Found, Searched};

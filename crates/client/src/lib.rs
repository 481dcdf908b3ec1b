//! Hotline Desk client library: what the desktop shell and the `hotline` CLI share.
//! It holds the local data directory, the calendar store, the local SQLite store (event log,
//! outbox, case snapshots, search) and the system clock; the sync loop joins it next.

mod calendar_store;
pub mod calendar_view;
pub mod centre;

mod data_dir;
mod error;
pub mod ids;
mod policy_store;
pub mod secret;
pub mod store;
pub mod sync;
pub mod workbench;

pub use calendar_store::{CalendarSource, CalendarStore};
pub use data_dir::DataDir;
pub use error::{ClientError, ErrorPayload};
pub use hotline_domain::time::{OffsetClock, SystemClock};
pub use policy_store::{PolicySource, PolicyStore};

//! Hotline Desk client library: what the desktop shell and the `hotline` CLI share.
//! Today it holds the local data directory, the calendar store and the system clock; the local
//! SQLite store, outbox and sync loop join it with the server-and-sync work.

mod calendar_store;
pub mod calendar_view;
mod clock;
mod data_dir;
mod error;
pub mod ids;

pub use calendar_store::CalendarStore;
pub use clock::SystemClock;
pub use data_dir::DataDir;
pub use error::{ClientError, ErrorPayload};

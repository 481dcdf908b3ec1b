//! One module per domain area; each command delegates to hotline-client in one line and errors
//! cross to the UI as `{code, message, fields}`.
pub mod calendar;
pub mod case;
pub mod intake;
pub mod knowledge;
pub mod quality;
pub mod queue;
pub mod session;
pub mod supervision;

/// The workbench every command works on.
pub type Desk<'a> = tauri::State<'a, std::sync::Arc<hotline_client::workbench::Workbench>>;

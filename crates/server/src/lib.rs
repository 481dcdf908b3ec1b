//! hotline-server: the authority every seat and bureau syncs with. Stateless: everything lives
//! in PostgreSQL; several processes may serve one database, each listening once for new events.

pub mod admin;
pub mod api;
pub mod auth;
pub mod backup;
pub mod bulk;
mod bureau_steps;
pub mod calendar;
pub mod centre_policy;
pub mod config;
mod copy_text;
pub mod database;
pub mod demo;
pub mod device_time;
pub mod error;
pub mod fanout;
pub mod hotspot;
pub mod knowledge;
pub mod legacy;
pub mod live;
pub mod log;
pub mod login_guard;
pub mod maintenance;
pub mod numbering;
pub mod policy;
pub mod quality;
pub mod record;
pub mod report;
pub mod roster;
pub mod snapshot;
pub mod state;
mod stored_event;
pub mod supervise;

/// The PostgreSQL schema, embedded.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

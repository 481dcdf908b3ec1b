//! Hotline Desk domain: everything that must compute identically on every seat and on the
//! server. No I/O lives here: no files, no network, no database, no reading of the system clock.
//!
//! - [`calendar`]: China's legal working-day calendar (holidays and make-up working days, 调休).
//! - [`sla`]: deadline clocks in natural time, working hours, working days and calendar days.
//! - [`case`]: the case model and the lifecycle as a pure fold of append-only events.
//! - [`centre`]: the centre's versioned policy document (kinds, clocks, counting, alerts).
//! - [`maintenance`]: planned maintenance notices and their notice period.
//! - [`text`]: search tokens for Chinese text (bigrams), shared by the local and server indexes.
//! - [`wire`]: the sync protocol messages shared by the server and the seats.
//! - [`time`]: the [`time::Clock`] trait through which "now" enters, and the China time zone.

pub mod calendar;
pub mod case;
pub mod centre;
pub mod hotspot;
pub mod knowledge;
pub mod maintenance;
pub mod quality;
pub mod roster;
pub mod sla;
pub mod text;
pub mod time;
pub mod wire;

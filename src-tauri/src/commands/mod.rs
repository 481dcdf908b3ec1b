//! One module per domain area; each command delegates to hotline-client in one line.
pub mod calendar;

//! The HTTP API, version 1. Every route but `health` and `login` needs a bearer token.

mod calendar;
mod cases;
mod devices;
mod history;
mod knowledge;
mod maintenance;
mod mask;
mod policy;
mod print;
mod quality;
mod reports;
mod roster;
mod session;
pub(crate) mod sync;
mod working_set;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

pub use mask::mask_phone;

/// A request body larger than this is refused before parsing (a push of a few hundred events).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/health", get(|| async { "ok" }))
        .route("/api/v1/login", post(session::login))
        .route("/api/v1/logout", post(session::logout))
        .route("/api/v1/me", get(session::me))
        .route("/api/v1/calendar", get(calendar::get))
        .route("/api/v1/calendar/notice", post(calendar::notice))
        .route("/api/v1/policy", get(policy::get).post(policy::propose))
        .route("/api/v1/push", post(sync::push))
        .route("/api/v1/pull", get(sync::pull))
        .route("/api/v1/working-set", get(working_set::page))
        .route("/api/v1/stream", get(sync::stream))
        .route("/api/v1/cases", get(cases::list))
        .route("/api/v1/search", get(cases::search))
        .route("/api/v1/cases/{id}/history", get(history::history))
        .route("/api/v1/cases/{id}/unmask", post(cases::unmask))
        .route("/api/v1/cases/{id}/pdf", get(print::case_pdf))
        .route("/api/v1/reports", get(reports::report))
        .route("/api/v1/quality", get(quality::list))
        .route("/api/v1/quality/draw", post(quality::draw))
        .route("/api/v1/quality/{case}/score", post(quality::score))
        .route("/api/v1/quality/{case}/contest", post(quality::contest))
        .route("/api/v1/roster", get(roster::get))
        .route(
            "/api/v1/maintenance",
            get(maintenance::list).post(maintenance::announce),
        )
        .route("/api/v1/devices", get(devices::list))
        .route("/api/v1/kb", get(knowledge::list).post(knowledge::create))
        .route("/api/v1/kb/published", get(knowledge::published))
        .route("/api/v1/kb/{id}", get(knowledge::get))
        .route("/api/v1/kb/{id}/versions", post(knowledge::revise))
        .route("/api/v1/kb/{id}/{action}", post(knowledge::decide))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::map_response(crate::error::json_refusals))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            crate::error::panic_response,
        ))
        .with_state(state)
}

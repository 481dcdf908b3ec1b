//! The sync protocol's messages, shared by `hotline-server` and the seats so both sides agree by
//! construction. Pure data: the HTTP lives in the server and client crates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::case::Event;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub user: String,
    pub password: String,
    pub device_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: String,
    pub role: String,
    pub bureau: Option<String>,
    pub seat_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub device_id: String,
    pub events: Vec<PushedEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushedEvent {
    /// The device's own sequence number for this event: 1, 2, 3… with no gaps.
    pub device_seq: i64,
    pub event: Event,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushResponse {
    pub applied: usize,
    pub duplicates: usize,
    /// The highest device sequence the server has answered (applied or refused): the outbox may
    /// be cleared up to it.
    pub last_seq: i64,
    /// The events refused, each on its own: the seat sets them aside with the reason, and the
    /// events after them are applied as usual.
    #[serde(default)]
    pub refused: Vec<Refusal>,
}

/// Why the server refused one pushed event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub device_seq: i64,
    /// The event's id, when the server could read it.
    pub event: Option<uuid::Uuid>,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PulledEvent {
    /// The event's place in the server's order (`TXID:POS`, zero-padded: text order is pull order).
    pub pos: String,
    pub event: Event,
}

/// A case as the server's lists and search give it (`GET /api/v1/cases`, `/api/v1/search`):
/// what a desk shows of a case beyond its working set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: uuid::Uuid,
    pub number: String,
    pub kind: String,
    pub status: String,
    /// Masked for a role that does not see callers.
    pub phone: String,
    pub district: String,
    pub category: String,
    pub received_at: DateTime<Utc>,
    pub next_due: Option<DateTime<Utc>>,
    /// The next due rests on a provisional year (暂定): no notice imported for it yet.
    pub due_provisional: bool,
    pub conflicts: i32,
}

/// Which part of a desk's working set a page holds (`GET /api/v1/working-set`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkingSetPart {
    /// The cases on a desk in the user's scope.
    #[default]
    OnTheDesk,
    /// The cases the user took a step on within the policy's window.
    Touched,
}

/// A page of a new desk's working set: whole case histories, in pull order per case.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkingSetPage {
    pub events: Vec<PulledEvent>,
    /// Where the desk pulls the stream from once it has the whole set (fixed by the first page;
    /// pass it back with every later page).
    pub start: String,
    /// The next page: its part and the case after which it starts; none when this was the last.
    pub next_part: Option<WorkingSetPart>,
    pub next_after: Option<uuid::Uuid>,
}

/// A case's whole history as this user may see it (`GET /api/v1/cases/{id}/history`), in pull
/// order; none when the case is not in their scope.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CaseHistory {
    pub events: Vec<PulledEvent>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullPage {
    pub events: Vec<PulledEvent>,
    /// The cursor to pass as `after` next time.
    pub next: String,
    pub more: bool,
    /// Committed events exist past `next` that this page did not return: held back behind an
    /// older transaction still running when it was read (the never-skip rule), or committed
    /// since. Pull again shortly.
    #[serde(default)]
    pub held: bool,
    /// The server database's epoch: a new one after a restore from backup. A seat whose cursor
    /// came from another epoch pulls again from the beginning.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<String>,
}

/// A page the server sends down the live stream to users who see every case: exactly what a
/// pull with `after = from` returns, so a seat whose cursor is `from` applies it without pulling.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LivePage {
    pub from: String,
    pub page: PullPage,
}

/// What every error response carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

/// At most this many events per push; a larger backlog goes in several pushes.
pub const MAX_PUSH: usize = 1_000;

/// The request header in which a seat sends its clock's reading (RFC 3339) with every push and
/// pull: the server measures each device's offset and bounds the times its events may claim.
pub const DEVICE_TIME_HEADER: &str = "x-hotline-device-time";

/// One calendar import, as the centre's server recorded it: a notice (or correction) for one
/// or more years. Seats replay the centre's imports in order over the shipped calendar, the
/// same way the server does, so both count on the same days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarImport {
    pub imported_at: DateTime<Utc>,
    pub file: String,
    pub years: Vec<crate::calendar::YearSchedule>,
}

/// Calendar imports, oldest first: the centre's (`GET /api/v1/calendar`, and a seat's copy of
/// it) or a standalone desk's own (`calendar-imports.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarImports {
    pub imports: Vec<CalendarImport>,
}

impl CalendarImports {
    /// The shipped calendar with every import applied, or the first import that does not fit.
    pub fn build(&self) -> Result<crate::calendar::LegalCalendar, crate::calendar::CalendarError> {
        self.imports
            .iter()
            .try_fold(crate::calendar::shipped(), |cal, i| {
                Ok(cal.with_import(&i.years)?.0)
            })
    }
}

/// A new version of the centre's policy proposed from a desk (`POST /api/v1/policy`):
/// previewed (`dry_run`) or saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyProposal {
    pub document: crate::centre::CentrePolicy,
    pub reason: String,
    pub dry_run: bool,
}

/// A running clock whose due a change moved (a calendar import, new business hours).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct MovedDue {
    pub number: String,
    pub clock: String,
    pub bureau: Option<String>,
    pub before: Option<DateTime<Utc>>,
    pub after: Option<DateTime<Utc>>,
    /// The new due still rests on a provisional year.
    pub provisional: bool,
}

/// What a proposed version changes (and, unless a dry run, that it was saved).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PolicyOutcome {
    pub version: u32,
    pub changes: crate::centre::PolicyChanges,
    /// Open cases recomputed (a change of business hours or day end).
    pub recomputed: usize,
    pub moved: Vec<MovedDue>,
    pub saved: bool,
    /// Calendar years the document replaced or added (a policy file can carry them).
    #[serde(default)]
    pub calendar_years: Vec<i32>,
}

/// The State Council's notice pasted into a desk (`POST /api/v1/calendar/notice`): read and
/// previewed (`dry_run`), or imported for the whole centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeProposal {
    pub text: String,
    /// The notice's year, when its title is not in the text.
    #[serde(default)]
    pub year: Option<i32>,
    pub dry_run: bool,
}

/// What a notice holds and what importing it does (or would do) to open cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct NoticeOutcome {
    pub schedule: crate::calendar::YearSchedule,
    pub saved: bool,
    /// Cases recomputed.
    pub recomputed: usize,
    /// Running clocks whose due moves, old and new.
    pub moved: Vec<MovedDue>,
}

/// A device that syncs and how far its clock is off (`GET /api/v1/devices`, supervisors and
/// administrators): which desks' countdowns and step times to distrust, which clocks IT sets
/// right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct DeviceClock {
    pub device_id: String,
    pub user_name: Option<String>,
    pub pulled_at: Option<DateTime<Utc>>,
    pub offset_at: Option<DateTime<Utc>>,
    /// Device minus server, in seconds, as last measured.
    pub offset_secs: Option<i64>,
    /// Beyond the server's skew limit (5 minutes).
    pub skewed: bool,
}

//! What a desk finds beyond its working set. The store keeps what the user works on
//! (`store::working_set`); a caller's history, a search and a case sought by number reach every
//! case of the user's scope through the server when it answers, merged with the local rows (the
//! local row wins: it carries the desk's own clocks and labels). Offline, or when the server
//! fails, the local part stands and says how far it reaches (本地近30天), never an error.

use hotline_domain::wire::CaseSummary;
use serde::Serialize;

use super::ServerApi;
use crate::secret::{Secret, TokenStore};
use crate::store::{CaseRow, LocalStore};
use crate::ClientError;

/// Where a search looked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Searched {
    /// This desk and the server: every case of the user's scope.
    Everywhere,
    /// Only this desk's working set: the server did not answer (offline, or nobody logged in).
    LocalOnly,
    /// A standalone desk: its store is everything there is.
    Standalone,
}

/// Rows found, and where.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Found {
    pub rows: Vec<CaseRow>,
    pub searched: Searched,
    /// How far back the desk keeps the cases its user worked on (the policy's window): what
    /// "local only" covers besides the cases on the desk.
    pub local_days: u32,
}

/// What a desk says when its login's token is gone (or cannot be read).
pub(crate) const NO_TOKEN: &str = "no session token: log in again / 未找到登录凭证，请重新登录";

/// The server and session of this data folder's login: none when nobody is logged in; an error
/// when a login is recorded but its token is not in the credential store (or it cannot be read).
pub async fn signed_in(
    store: &LocalStore,
    clock: std::sync::Arc<dyn hotline_domain::time::Clock>,
) -> Result<Option<(ServerApi, Secret)>, ClientError> {
    let state = store.sync_state().await?;
    let (Some(server), Some(user)) = (state.server, state.user) else {
        return Ok(None);
    };
    let token = TokenStore::new(&server, &user, &store.identity().device_id)
        .load()?
        .ok_or_else(|| ClientError::Invalid {
            code: "auth.no_token",
            message: NO_TOKEN.into(),
        })?;
    Ok(Some((ServerApi::new(&server, clock)?, token)))
}

/// `local` merged with what the server finds for `q` (when `session` is given and it answers),
/// the newest first, at most `limit`.
pub async fn merged(
    store: &LocalStore,
    session: Option<&(ServerApi, Secret)>,
    local: Vec<CaseRow>,
    q: &str,
    limit: usize,
) -> Result<Found, ClientError> {
    let local_days = store.policy().current().policy.desk.working_set_days;
    let standalone = store.sync_state().await?.server.is_none();
    let remote = match session {
        Some((api, token)) if !standalone => api.search(token, q, limit as i64).await.ok(),
        _ => None,
    };
    let searched = match (&remote, standalone) {
        (_, true) => Searched::Standalone,
        (Some(_), false) => Searched::Everywhere,
        (None, false) => Searched::LocalOnly,
    };
    let mut rows = local;
    for s in remote.unwrap_or_default() {
        let id = s.id.to_string();
        if !rows.iter().any(|r| r.id == id) {
            rows.push(from_server(s));
        }
    }
    // RFC 3339 instants in UTC sort as text.
    rows.sort_by(|a, b| b.received_at.cmp(&a.received_at));
    rows.truncate(limit);
    Ok(Found {
        rows,
        searched,
        local_days,
    })
}

/// A server's row as the desk lists rows: no clock name or escalation (the case opens from
/// the server when chosen).
fn from_server(s: CaseSummary) -> CaseRow {
    CaseRow {
        id: s.id.to_string(),
        number: s.number,
        kind: s.kind,
        status: s.status,
        phone: s.phone,
        district: s.district,
        category: s.category,
        received_at: s.received_at.to_rfc3339(),
        next_due: s.next_due,
        due_unknown: false,
        due_provisional: s.due_provisional,
        next_clock: None,
        next_label: None,
        conflicts: i64::from(s.conflicts),
        escalated_to: None,
        escalation_taken_by: None,
    }
}

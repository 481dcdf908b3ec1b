use std::time::Duration;

use futures::StreamExt;
use hotline_domain::sla::SlaCalendar;
use hotline_domain::wire::{PushRequest, PushedEvent};

use super::{Notice, ServerApi};
use crate::secret::Secret;
use crate::store::LocalStore;
use crate::{CalendarStore, ClientError, PolicyStore};

const PUSH_BATCH: i64 = 500;
const PULL_PAGE: i64 = 1_000;
/// Cases per page of a new desk's working set.
const WORKING_SET_PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub pushed: usize,
    pub duplicates: usize,
    pub pulled: usize,
    /// Events still waiting for the server when this report was made.
    pub pending: i64,
    /// Knowledge-base articles received (new, revised or withdrawn).
    pub articles: usize,
    /// Events the server refused this time: set aside with the reason (`hotline sync --status`,
    /// the desk's banner); the rest went on.
    pub refused: usize,
    /// The centre's calendar or policy changed (a year imported, a policy version saved on the
    /// server): every due must be recomputed with the new ones before the next sync.
    pub centre_changed: bool,
}

/// Pushes the whole outbox, then pulls until caught up. `progress` sees every step, so a large
/// backlog shows how far it has drained. Told that the account is disabled, removes every case
/// from this desk ([`LocalStore::remove_cases_of_disabled_account`]) before it answers.
pub async fn sync_once(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    cal: &SlaCalendar,
    progress: &mut (dyn FnMut(&SyncReport) + Send),
) -> Result<SyncReport, ClientError> {
    let result = push_then_pull(store, api, token, cal, progress).await;
    if let Err(e) = &result {
        account_disabled(store, e).await?;
    }
    result
}

/// Whether `e` says this desk's account is disabled; if so, its cases are removed.
async fn account_disabled(store: &LocalStore, e: &ClientError) -> Result<bool, ClientError> {
    if e.code() != "auth.disabled" {
        return Ok(false);
    }
    store.remove_cases_of_disabled_account().await?;
    Ok(true)
}

async fn push_then_pull(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    cal: &SlaCalendar,
    progress: &mut (dyn FnMut(&SyncReport) + Send),
) -> Result<SyncReport, ClientError> {
    let mut report = SyncReport {
        pending: store.outbox_len().await?,
        ..SyncReport::default()
    };
    progress(&report);
    loop {
        let batch = store.outbox_batch(PUSH_BATCH).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        let req = PushRequest {
            device_id: store.identity().device_id.clone(),
            events: batch
                .into_iter()
                .map(|(device_seq, event)| PushedEvent { device_seq, event })
                .collect(),
        };
        let resp = api.push(token, &req).await?;
        // Refused events first leave the outbox (kept aside with the reason), then the rest of
        // what the server answered is cleared: one refusal never holds up what follows it.
        report.refused += store.set_aside(&resp.refused, cal).await?;
        store.acknowledge(resp.last_seq).await?;
        report.pushed += resp.applied;
        report.duplicates += resp.duplicates;
        report.pending = store.outbox_len().await?;
        progress(&report);
        if resp.last_seq < last {
            // The server stopped short; the rest goes next time. No pull now: the server takes
            // a pull to mean the outbox was empty, and dates what comes after it accordingly.
            return Ok(report);
        }
    }
    // Events held back behind an older transaction on the server come within moments: wait
    // for them (up to ~5 s) rather than until the next notice, which has already come.
    let mut held_waits = 0;
    let mut working_set_taken = false;
    loop {
        let cursor = store.sync_state().await?.cursor;
        if cursor.is_empty() && !working_set_taken {
            // A new desk (or one told to start again): its working set first, then the stream.
            working_set_taken = true;
            report.pulled += take_working_set(store, api, token, cal).await?;
            progress(&report);
            continue;
        }
        let page = api.pull(token, &cursor, PULL_PAGE).await?;
        if store.epoch_changed(page.epoch.as_deref()).await? {
            continue;
        }
        report.pulled += store
            .apply_pulled(&page.events, &page.next, cal, api.now())
            .await?;
        progress(&report);
        if page.more {
            continue;
        }
        if page.held && held_waits < 100 {
            held_waits += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        }
        break;
    }
    complete_cases(store, api, token, cal).await?;
    store.leave_working_set(api.now()).await?;
    Ok(report)
}

/// A new desk's first sync: the cases of its working set, whole, page by page
/// (`GET /api/v1/working-set`), then the cursor the server fixed, from which the stream brings
/// what changed meanwhile. The first sync no longer grows with the centre's history. A server
/// without the route (an older one): the stream from the beginning, as before.
async fn take_working_set(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    cal: &SlaCalendar,
) -> Result<usize, ClientError> {
    let mut start: Option<String> = None;
    let mut part = hotline_domain::wire::WorkingSetPart::OnTheDesk;
    let mut after = None;
    let mut taken = 0;
    loop {
        let page = match api
            .working_set(token, start.as_deref(), part, after, WORKING_SET_PAGE)
            .await
        {
            Err(ClientError::Server { status: 404, .. }) if start.is_none() => return Ok(0),
            other => other?,
        };
        taken += store.take_working_set(&page.events, cal).await?;
        let start = start.get_or_insert(page.start);
        match (page.next_part, page.next_after) {
            (Some(p), Some(a)) => (part, after) = (p, Some(a)),
            _ => {
                store.pull_from(start).await?;
                store.give_back_free_pages().await?;
                return Ok(taken);
            }
        }
    }
}

/// Cases that came back into this desk's scope with a later step only (the desk had let them go,
/// `store::working_set`): their whole history, from the server.
async fn complete_cases(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    cal: &SlaCalendar,
) -> Result<(), ClientError> {
    loop {
        let cases = store.incomplete_cases(50).await?;
        if cases.is_empty() {
            return Ok(());
        }
        for case in cases {
            let history = api.case_history(token, case).await?;
            store.take_history(case, &history.events, cal).await?;
        }
    }
}

/// [`sync_once`], then what changes seldom and sends no live notice: the centre's calendar, its
/// policy and the knowledge base's published set (for those who answer from it). Fetched on connecting,
/// every 30 s and on `hotline sync`, not on every case event.
pub async fn sync_all(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    calendars: &CalendarStore,
    cal: &SlaCalendar,
    progress: &mut (dyn FnMut(&SyncReport) + Send),
) -> Result<SyncReport, ClientError> {
    let mut report = sync_once(store, api, token, cal, progress).await?;
    report.centre_changed = calendars.adopt_centre(&api.calendar(token).await?)?;
    report.centre_changed |=
        PolicyStore::new(calendars.data_dir().clone()).adopt_centre(&api.policy(token).await?)?;
    if hotline_domain::case::takes_calls(store.identity().role) {
        let since = store.kb_since().await?;
        let changed = api.kb_published(token, since.as_deref()).await?;
        if !changed.is_empty() {
            let (kept, removed) = store.apply_published(&changed).await?;
            report.articles += kept + removed;
        }
    }
    Ok(report)
}

/// Handles one live notice: a page that starts at this seat's cursor is stored as it is (no
/// pull); anything else, or local work waiting, goes through [`sync_once`].
pub async fn on_notice(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    cal: &SlaCalendar,
    notice: Notice,
) -> Result<SyncReport, ClientError> {
    if let Notice::Page(live) = notice {
        let same_epoch = !store.epoch_changed(live.page.epoch.as_deref()).await?;
        if same_epoch
            && same_cursor(&store.sync_state().await?.cursor, &live.from)
            && store.outbox_len().await? == 0
        {
            let pulled = store
                .apply_pulled(&live.page.events, &live.page.next, cal, api.now())
                .await?;
            complete_cases(store, api, token, cal).await?;
            if !live.page.more {
                return Ok(SyncReport {
                    pulled,
                    ..SyncReport::default()
                });
            }
        }
    }
    sync_once(store, api, token, cal, &mut |_| {}).await
}

/// Cursors name the same place: equal, or both the beginning ("" before the first pull, zeros after).
fn same_cursor(a: &str, b: &str) -> bool {
    let beginning = |c: &str| c.chars().all(|ch| ch == '0' || ch == ':');
    a == b || (beginning(a) && beginning(b))
}

/// The longest wait between reconnection attempts: a seat is back within seconds of the
/// server's return (a failover, a restart) without hammering a server that is down.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

/// Syncs now, then on every live notice, on new local work (checked each second) and every 30 s,
/// reconnecting with backoff while the server is unreachable. Runs until the task is dropped,
/// or returns once the centre's calendar or policy changed: the caller recomputes the dues with
/// the new ones and watches again.
pub async fn watch(
    store: &LocalStore,
    api: &ServerApi,
    token: &Secret,
    calendars: &CalendarStore,
    cal: &SlaCalendar,
    on_report: &mut (dyn FnMut(Result<SyncReport, &ClientError>) + Send),
) {
    let mut backoff = Duration::from_millis(500);
    loop {
        let notices = match api.notices(token).await {
            Ok(n) => n,
            Err(e) => {
                if account_disabled(store, &e).await.unwrap_or(false) {
                    on_report(Err(&e));
                    return; // logged out: nothing more to watch
                }
                let _ = store.record_sync_error(&e.to_string()).await;
                on_report(Err(&e));
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        };
        let mut notices = Box::pin(notices);
        // Subscribed first, then caught up: nothing committed in between is missed.
        let mut result = Some(sync_all(store, api, token, calendars, cal, &mut |_| {}).await);
        let mut idle = 0;
        loop {
            match result.take() {
                None => {}
                Some(Ok(r)) => {
                    backoff = Duration::from_millis(500);
                    on_report(Ok(r));
                    if r.centre_changed {
                        return;
                    }
                }
                Some(Err(e)) if e.code() == "auth.disabled" => {
                    on_report(Err(&e));
                    return; // the cases are gone (sync_once) and the desk logged out
                }
                Some(Err(e)) => {
                    let _ = store.record_sync_error(&e.to_string()).await;
                    on_report(Err(&e));
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                    break; // reconnect
                }
            }
            let next = tokio::select! {
                n = notices.next() => match n {
                    Some(notice) => Some(notice),
                    None => break, // the server went away: reconnect
                },
                _ = tokio::time::sleep(Duration::from_secs(1)) => None,
            };
            result = match next {
                Some(notice) => {
                    idle = 0;
                    Some(on_notice(store, api, token, cal, notice).await)
                }
                None => {
                    idle += 1;
                    let periodic = idle >= 30;
                    if !periodic && store.outbox_len().await.unwrap_or(0) == 0 {
                        continue;
                    }
                    idle = 0;
                    Some(if periodic {
                        sync_all(store, api, token, calendars, cal, &mut |_| {}).await
                    } else {
                        sync_once(store, api, token, cal, &mut |_| {}).await
                    })
                }
            };
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::same_cursor;

    #[test]
    fn the_beginning_has_two_spellings() {
        assert!(same_cursor("", "00000000000000000000:00000000000000000000"));
        assert!(same_cursor(
            "00000000000000000012:00000000000000000007",
            "00000000000000000012:00000000000000000007"
        ));
        assert!(!same_cursor(
            "",
            "00000000000000000012:00000000000000000007"
        ));
    }
}

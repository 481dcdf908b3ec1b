//! The workbench: everything the desktop (and the CLI) does for a seat, a bureau handler or a
//! supervisor, written once over the local store. The Tauri commands are one-line delegations
//! to these methods; time comes from the injected [`Clock`].

mod demo;
mod detail;
mod intake;
mod knowledge;
pub use knowledge::ArticleOnDesk;
pub use maintenance::MaintenanceBanner;
mod maintenance;
mod policy;
mod quality;
mod reach;
mod session;
mod supervision;

use std::sync::{Arc, RwLock as StdRwLock};

use chrono::{DateTime, Duration, Utc};
use hotline_domain::case::{self, configures_centre, CaseId, EventBody, KindCatalog, Level, Role};
use hotline_domain::sla::SlaCalendar;
use hotline_domain::time::Clock;
use serde::Serialize;
use tokio::sync::RwLock;

pub use demo::seed_cases as seed_demo;
pub use detail::{CaseDetail, ClockView};
pub use intake::{invalid_form, CallerLookup, Duplicate, FieldError, Finish, IntakeForm};
pub use policy::{PolicyVersionView, PolicyView};
pub use session::Logout;

use crate::store::{
    AlertScope, Article, Bureau, Draft, Identity, LocalStore, QueuePage, QueueQuery,
    RouteSuggestion, SyncState, TakenAlerts,
};
use crate::{CalendarStore, ClientError, DataDir, PolicyStore};

/// How long alarm data and downloaded reports are kept (seed 003 §8.2.6).
const ALARM_MONTHS: u32 = 3;
const REPORT_MONTHS: u32 = 12;

/// Removes the files of `dir` last changed before `before` (best effort: a file that cannot be
/// read or removed stays, and the desk opens anyway).
fn prune_old_files(dir: &std::path::Path, before: DateTime<Utc>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|m| DateTime::<Utc>::from(m) < before);
        if old && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
/// How far back a new call is compared for likely duplicates.
const DUPLICATE_WINDOW_DAYS: i64 = 30;

pub struct Workbench {
    dir: DataDir,
    calendars: CalendarStore,
    sla: StdRwLock<Arc<SlaCalendar>>,
    store: RwLock<LocalStore>,
    clock: Arc<dyn Clock>,
    /// Woken whenever a case changes here, so the alert scheduler and the window refresh
    /// instead of polling.
    changes: tokio::sync::Notify,
    /// Woken by a login: the sync loop restarts on the new account.
    logins: tokio::sync::Notify,
    /// The maintenance notices last fetched from the server: shown while it cannot be reached.
    maintenance: StdRwLock<Vec<hotline_domain::maintenance::MaintenanceNotice>>,
    /// What IT configured for this machine, read once at start.
    centre: crate::centre::CentreSettings,
}

/// What the forms offer: kinds, categories, levels, channels, districts and bureaus.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FormOptions {
    pub catalog: KindCatalog,
    pub levels: Vec<(&'static str, &'static str)>,
    pub districts: Vec<String>,
    pub bureaus: Vec<Bureau>,
    /// What a quality review scores (质检), as the centre's current policy has it.
    pub quality_checklist: Vec<hotline_domain::quality::ChecklistItem>,
}

/// Who is working and how the desk stands with the server.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DeskStatus {
    pub user: String,
    pub role: Role,
    pub bureau: Option<String>,
    pub seat_code: String,
    pub sync: SyncState,
    /// Events recorded here and not yet on the server.
    pub pending: i64,
    pub standalone: bool,
    /// A session is open on this desk (a login, not yet logged out): connected to a server and
    /// not signed in, the desk shows only the login form.
    pub signed_in: bool,
    /// The user may change the centre's policy and import its calendar notice from this desk
    /// (a supervisor or administrator, connected to the server that keeps them).
    pub configures_centre: bool,
    /// Intake, callbacks and the knowledge base: the user deals with callers.
    pub takes_calls: bool,
    /// Decisions and maintenance notices: the user supervises the centre.
    pub supervises: bool,
    /// The live dashboard and every report of the whole centre (supervisors, management).
    pub reads_centre_figures: bool,
    /// The report of the user's own bureau, from the server (bureau handlers, connected).
    pub reads_own_report: bool,
    /// Quality reviews (质检), kept on the server: seats and supervisors, connected.
    pub reviews_quality: bool,
    /// Events the server refused, set aside with its reason until dismissed.
    pub refused: Vec<crate::store::SetAside>,
    /// The server the centre's IT configured for this machine (the installer's SERVER_URL, or
    /// HOTLINE_SERVER_URL): what the login form offers.
    pub centre_server: Option<String>,
}

impl Workbench {
    /// Opens the data folder: the calendar, the alert settings and the local store (rebuilding
    /// snapshots written by an older version).
    pub async fn open(dir: DataDir, clock: Arc<dyn Clock>) -> Result<Self, ClientError> {
        let calendars = CalendarStore::new(dir.clone());
        let sla = calendars.load_sla()?;
        let store = LocalStore::open(&dir, clock.now()).await?;
        store.refresh_snapshots(&sla, false).await?;
        // Retention (seed 003 §8.2.6): alarm data three months, downloaded reports twelve.
        let now = clock.now();
        store
            .prune_alarm_data(now - chrono::Months::new(ALARM_MONTHS))
            .await?;
        prune_old_files(
            &dir.path().join("reports"),
            now - chrono::Months::new(REPORT_MONTHS),
        );
        Ok(Self {
            dir,
            calendars,
            sla: StdRwLock::new(Arc::new(sla)),
            store: RwLock::new(store),
            clock,
            changes: tokio::sync::Notify::new(),
            logins: tokio::sync::Notify::new(),
            maintenance: StdRwLock::new(Vec::new()),
            centre: crate::centre::CentreSettings::of_this_machine(),
        })
    }

    /// Says that cases changed (recorded here, or arrived by sync).
    pub fn touch(&self) {
        self.changes.notify_waiters();
        self.changes.notify_one();
    }

    /// Waits until cases change.
    pub async fn changed(&self) {
        self.changes.notified().await;
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn data_dir(&self) -> &DataDir {
        &self.dir
    }

    pub fn sla(&self) -> Arc<SlaCalendar> {
        self.sla.read().expect("not poisoned").clone()
    }

    /// A handle on the store (cheap: a pool and an identity), e.g. for the sync loop.
    pub async fn store(&self) -> LocalStore {
        self.store.read().await.clone()
    }

    /// Dismisses a refused event once the user has seen it (who and when are kept).
    pub async fn dismiss_refused(&self, event_id: &str) -> Result<DeskStatus, ClientError> {
        self.store
            .read()
            .await
            .dismiss_set_aside(event_id, self.now())
            .await?;
        self.status().await
    }

    /// Reloads the calendar and the policy (after an import here, or the centre's new ones
    /// adopted at sync) and rebuilds every snapshot's dues, lights and alert points.
    pub async fn reload_centre(&self) -> Result<u64, ClientError> {
        let policy = PolicyStore::new(self.dir.clone()).load()?;
        let sla = Arc::new(self.calendars.load_sla_under(&policy)?);
        *self.sla.write().expect("not poisoned") = sla.clone();
        let store = self.store.read().await;
        store.set_policy(policy);
        store.refresh_snapshots(&sla, true).await
    }

    pub async fn identity(&self) -> Identity {
        self.store.read().await.identity().clone()
    }

    pub async fn status(&self) -> Result<DeskStatus, ClientError> {
        let store = self.store.read().await;
        let sync = store.sync_state().await?;
        let who = store.identity();
        Ok(DeskStatus {
            user: who.user.clone(),
            role: who.role,
            bureau: who.bureau.clone(),
            seat_code: who.seat_code.clone(),
            standalone: sync.server.is_none(),
            signed_in: sync.server.is_some() && sync.user.is_some(),
            configures_centre: configures_centre(who.role) && sync.server.is_some(),
            takes_calls: case::takes_calls(who.role),
            supervises: case::supervises(who.role),
            reads_centre_figures: case::reads_centre_figures(who.role),
            reads_own_report: case::reads_own_report(who.role) && sync.server.is_some(),
            reviews_quality: case::takes_calls(who.role) && sync.server.is_some(),
            pending: store.outbox_len().await?,
            refused: store.set_aside_events().await?,
            centre_server: self.centre.server_url.clone(),
            sync,
        })
    }

    pub async fn form_options(&self) -> Result<FormOptions, ClientError> {
        let store = self.store.read().await;
        let history = store.policy();
        let policy = &history.in_force(self.now()).policy;
        Ok(FormOptions {
            catalog: policy.catalog.clone(),
            quality_checklist: policy.quality.checklist.clone(),
            levels: Level::ALL
                .iter()
                .map(|l| (l.code(), l.label_zh()))
                .collect(),
            districts: store.districts().await?,
            bureaus: store.bureaus().await?,
        })
    }

    pub async fn queue(&self, q: &QueueQuery) -> Result<QueuePage, ClientError> {
        self.store.read().await.queue_page(q, self.now()).await
    }

    /// A case by id or number: from the store, else (a case beyond the working set, found by a
    /// search or a number) its whole history from the server, kept until the desk lets it go.
    pub async fn case(&self, id_or_number: &str) -> Result<CaseDetail, ClientError> {
        let store = self.store.read().await;
        let (row, state) = match store.case(id_or_number).await {
            Err(ClientError::NotFound(_)) => {
                self.fetch_case(&store, id_or_number).await?;
                store.case(id_or_number).await?
            }
            other => other?,
        };
        let id = state
            .id
            .ok_or_else(|| ClientError::NotFound(id_or_number.to_owned()))?;
        let events = store.case_history(id).await?;
        Ok(detail::case_detail(
            row,
            &state,
            events,
            store.identity(),
            &self.sla(),
            &store.alert_settings(),
            self.now(),
        ))
    }

    /// Who is calling: their earlier cases, and cases that may be this same matter again.
    pub async fn lookup_caller(
        &self,
        phone: &str,
        address: &str,
        category: &str,
    ) -> Result<CallerLookup, ClientError> {
        let store = self.store.read().await;
        let normal = hotline_domain::case::normalise_phone(phone).unwrap_or_default();
        let history = if normal.is_empty() {
            vec![]
        } else {
            store.caller_history(&normal, 50).await?
        };
        let since = self.now() - Duration::days(DUPLICATE_WINDOW_DAYS);
        let duplicates = store
            .likely_duplicates(&normal, address, category, since, 20)
            .await?
            .into_iter()
            .map(|(case, reason)| Duplicate { case, reason })
            .collect();
        Ok(CallerLookup {
            phone: normal,
            history,
            duplicates,
        })
    }

    pub async fn suggest_articles(
        &self,
        text: &str,
        category: &str,
    ) -> Result<Vec<Article>, ClientError> {
        self.store
            .read()
            .await
            .suggest_articles(text, category, 5)
            .await
    }

    pub async fn article(&self, id: &str) -> Result<Article, ClientError> {
        self.store.read().await.article(id).await
    }

    pub async fn suggest_routes(
        &self,
        category: &str,
        district: &str,
    ) -> Result<Vec<RouteSuggestion>, ClientError> {
        self.store
            .read()
            .await
            .suggest_routes(category, district)
            .await
    }

    /// Records the intake (and, with an answer, answers it on the spot and closes it in the same
    /// transaction); the intake draft is discarded only once the case is stored.
    pub async fn record_intake(
        &self,
        form: &IntakeForm,
        finish: &Finish,
    ) -> Result<CaseDetail, ClientError> {
        // Every field to fix at once; what only the domain knows (the policy's clocks) it
        // refuses in the same transaction, before anything is written.
        let steps = finish.steps()?;
        let state = {
            let store = self.store.read().await;
            let policy = store.policy();
            let catalog = &policy.in_force(self.now()).policy.catalog;
            let input = form.to_new_case(catalog).map_err(invalid_form)?;
            let state = store
                .new_case_with(input, steps, &self.sla(), self.now())
                .await?;
            store.discard_draft(INTAKE_DRAFT).await?;
            state
        };
        self.touch();
        self.case(&state.id.expect("a received case has an id").0.to_string())
            .await
    }

    /// Records one step on a case, if this user may take it in the case's state.
    pub async fn act(
        &self,
        id_or_number: &str,
        body: EventBody,
    ) -> Result<CaseDetail, ClientError> {
        self.act_steps(id_or_number, vec![body]).await
    }

    /// Records steps that go together (a callback and the reopening it causes): all, or none.
    pub async fn act_steps(
        &self,
        id_or_number: &str,
        bodies: Vec<EventBody>,
    ) -> Result<CaseDetail, ClientError> {
        let id = {
            let store = self.store.read().await;
            // Who may take each step is checked once, where every step is written
            // (`store::cases::record`: `hotline_domain::case::admit`), for the desk and the CLI alike.
            let (_, state) = store.case(id_or_number).await?;
            let id = state
                .id
                .ok_or_else(|| ClientError::NotFound(id_or_number.to_owned()))?;
            store.act_all(id, bodies, &self.sla(), self.now()).await?;
            id
        };
        self.touch();
        self.case(&id.0.to_string()).await
    }

    /// 并单: `case` becomes part of `into` (both by id or number).
    pub async fn merge(&self, case: &str, into: &str) -> Result<CaseDetail, ClientError> {
        let target: CaseId = {
            let store = self.store.read().await;
            store
                .case(into)
                .await?
                .1
                .id
                .ok_or_else(|| ClientError::NotFound(into.to_owned()))?
        };
        self.act(case, EventBody::MergedInto { into: target }).await
    }

    pub async fn save_draft(
        &self,
        form: &str,
        content: &serde_json::Value,
    ) -> Result<(), ClientError> {
        self.store
            .read()
            .await
            .save_draft(form, content, self.now())
            .await
    }

    pub async fn draft(&self, form: &str) -> Result<Option<Draft>, ClientError> {
        self.store.read().await.draft(form).await
    }

    pub async fn discard_draft(&self, form: &str) -> Result<(), ClientError> {
        self.store.read().await.discard_draft(form).await
    }

    /// Seats are alerted about the cases they recorded; supervisors and bureau handlers about
    /// every case their store holds.
    pub async fn alert_scope(&self) -> AlertScope {
        match self.store.read().await.identity().role {
            // Management reads figures and records nothing: "its" cases are none, so it is
            // not woken by every breach in the city.
            Role::Seat | Role::Management => AlertScope::Mine,
            _ => AlertScope::All,
        }
    }

    pub async fn next_alert_at(&self) -> Result<Option<DateTime<Utc>>, ClientError> {
        let scope = self.alert_scope().await;
        self.store.read().await.next_alert_at(scope).await
    }

    /// The alerts due now, each handed out once; listed one by one up to `at_most`.
    pub async fn take_due_alerts(&self, at_most: usize) -> Result<TakenAlerts, ClientError> {
        let scope = self.alert_scope().await;
        self.store
            .read()
            .await
            .take_due_alerts(scope, self.now(), at_most)
            .await
    }

    /// With no server configured and nothing stored: fills the store with demonstration cases,
    /// the demo knowledge base and the bureau directory, so a first run shows a working desk.
    /// Returns how many cases were made.
    pub async fn seed_demo_if_empty(&self, cases: usize) -> Result<usize, ClientError> {
        let made =
            demo::seed_if_empty(&*self.store.read().await, &self.sla(), self.now(), cases).await?;
        self.touch();
        Ok(made)
    }
}

/// The intake form's draft key.
pub const INTAKE_DRAFT: &str = "intake";

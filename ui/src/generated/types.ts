// Generated from the Rust types by crates/client/tests/ui_types.rs: do not edit.
// Regenerate: UPDATE_UI_TYPES=1 cargo test -p hotline-client --test ui_types

export type Actor = { user: string, role: Role, bureau: BureauCode | null, };

export type AlertSettings = { 
/**
 * A clock is at risk when less than this share of its budget is left (percent).
 */
at_risk_percent: number, 
/**
 * … or when less than this is left (in any unit: working minutes count business time).
 */
at_risk_left: SlaAmount, 
/**
 * A desktop alert when this much is left, one per entry.
 */
notify_left: Array<SlaAmount>, 
/**
 * A desktop alert when the clock breaches.
 */
notify_breach: boolean, 
/**
 * A replied case is due for its callback (回访) from the start of the day this many days
 * after the reply (1: the next day; 0: at once).
 */
callback_after_days: number, };

export type Article = { id: string, title: string, body: string, category: string, version: number, };

export type ArticleOnDesk = { offers: Array<KbAction>, id: string, status: ArticleStatus, latest_version: number, published_version: number | null, 
/**
 * On-the-spot answers that named this article.
 */
citations: number, updated_at: string, latest: ArticleVersion, versions?: Array<ArticleVersion>, reviews?: Array<ArticleReview>, };

export type ArticleReview = { version: number, action: string, reviewer: string, reason: string, at: string, };

export type ArticleStatus = "draft" | "pending" | "published" | "retired";

export type ArticleText = { title: string, body: string, category: string, level: number, tags: Array<string>, };

export type ArticleVersion = { version: number, author: string, created_at: string, title: string, body: string, category: string, level: number, tags: Array<string>, };

export type Assessment = { weights: AssessmentWeights, 
/**
 * The title of the period the changes are against.
 */
previous: string, 
/**
 * Clock keys with the label the centre's policy gives them, in the order shown.
 */
clocks: Array<[string, string]>, 
/**
 * Ranked: best first; bureaus without a score last, by code.
 */
rows: Array<AssessmentRow>, };

export type AssessmentRow = { bureau: string, name: string, figures: BureauFigures, score: number | null, rank: number | null, previous_score: number | null, previous_rank: number | null, 
/**
 * Points gained since the period before (None: unscored in either).
 */
score_change: number | null, 
/**
 * `facts::on_time_rate` and `SatisfactionCounts::rate` of the figures, for the desk to
 * show (it never divides itself).
 */
on_time_rate: number | null, satisfaction_rate: number | null, };

export type AssessmentWeights = { 
/**
 * Clock runs met over runs decided (every clock of the bureau's).
 */
on_time: number, 
/**
 * Callbacks satisfied or basically satisfied over all callbacks of its replies.
 */
satisfaction: number, 
/**
 * 1 − denied returns per case received: a return a supervisor denied was the bureau's.
 */
returns: number, 
/**
 * 1 − repeat complaints per case received.
 */
repeats: number, 
/**
 * 1 − urgings and escalations per case received.
 */
supervision: number, };

export type Assignment = { bureau: BureauCode, status: AssignmentStatus, dispatched_at: string, 
/**
 * What a denied return goes back to.
 */
before_return: AssignmentStatus | null, urges: number, };

export type AssignmentStatus = "dispatched" | "signed_for" | "accepted" | "returned" | "declined" | "replied" | "withdrawn";

export type Bureau = { code: string, name: string, };

export type BureauCode = string;

export type BureauFigures = { 
/**
 * Cases received in the period that went to the bureau (the report's `received` per bureau).
 */
received: number, 
/**
 * Per clock key (accept, reply, …): runs decided in the period and met.
 */
on_time: { [key in string]: OnTimeCount }, satisfaction: SatisfactionCounts, 
/**
 * Per step code: the steps of the period.
 */
steps: { [key in string]: number }, 
/**
 * Complaints received in the period repeating one the bureau held (see [`repeats`]).
 */
repeats: number, };

export type BusinessHours = { periods: Array<[string, string]>, };

export type CalendarSource = "centre" | "local";

export type CallbackRow = { replied_at: string, id: string, number: string, kind: string, status: string, phone: string, district: string, category: string, received_at: string, 
/**
 * The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
 */
next_due: string | null, 
/**
 * A clock runs but its due cannot be computed (no calendar data for its year).
 */
due_unknown: boolean, 
/**
 * The nearest due rests on days of a year whose notice is not imported yet (暂定).
 */
due_provisional: boolean, next_clock: string | null, 
/**
 * The clock's name (响应, 答复…).
 */
next_label: string | null, conflicts: number, 
/**
 * An open escalation (升级): to whom (empty: every supervisor) …
 */
escalated_to: Array<string> | null, 
/**
 * … and the supervisor who took it.
 */
escalation_taken_by: string | null, };

export type Caller = { phone: string, name: string | null, id_number: string | null, };

export type CallerLookup = { phone: string, history: Array<CaseRow>, duplicates: Array<Duplicate>, };

export type CaseDetail = { now: string, row: CaseRow, intake: Intake | null, received_by: string | null, paused_since: string | null, assignments: Array<Assignment>, clocks: Array<ClockView>, pending_extensions: Array<ExtensionRequest>, conflicts: Array<Conflict>, 
/**
 * The open escalation (升级): to whom, why, and who took it.
 */
escalation: Escalation | null, merged_into: string | null, 
/**
 * Numbers the case had before the server renumbered it (the caller may know one).
 */
former_numbers: Array<string>, 
/**
 * The history, oldest first; the UI words each step from its catalogue by `type`.
 */
events: Array<CaseEvent>, offers: Array<Offer>, };

export type CaseEvent = { id: EventId, case: CaseId, at: string, actor: Actor, device: DeviceId, 
/**
 * How many events of the case the recording device had when it recorded this one: what it
 * had seen. An event that arrives after others it never saw was made while apart.
 */
seen: number, } & ({ "type": "received" } & Intake | { "type": "answered_on_spot", answer: string, article: string | null, } | { "type": "dispatched", bureau: BureauCode, note: string, } | { "type": "taken_on", note: string, } | { "type": "service_taken_offline", service: string, note: string, } | { "type": "parties_notified", note: string, } | { "type": "service_verified", note: string, } | { "type": "service_restored", note: string, } | { "type": "signed_for", bureau: BureauCode, } | { "type": "returned", bureau: BureauCode, reason: string, } | { "type": "return_denied", bureau: BureauCode, reason: string, } | { "type": "redispatched", from: BureauCode, to: BureauCode, note: string, } | { "type": "accepted", bureau: BureauCode, } | { "type": "declined", bureau: BureauCode, reason: string, } | { "type": "progress_fed_back", bureau: BureauCode | null, note: string, } | { "type": "arrived_on_site", bureau: BureauCode | null, } | { "type": "paused", reason: string, } | { "type": "resumed" } | { "type": "extension_requested", clock: ClockRef, amount: SlaAmount, reason: string, } | { "type": "extension_approved", clock: ClockRef, amount: SlaAmount | null, note: string, } | { "type": "extension_denied", clock: ClockRef, reason: string, } | { "type": "urged", bureau: BureauCode, note: string, } | { "type": "escalated", note: string, clock?: ClockRef | null, to?: Array<string>, } | { "type": "alerted", clock: ClockRef, note: string, to: Array<string>, } | { "type": "hotspot_raised", category: string, place: HotspotPlace, 
/**
 * What the supervisors read: 越秀区中山街 · 生态环境 (the server names the category).
 */
label: string, count: number, 
/**
 * Cases of the category in the place over the `baseline_days` before the day.
 */
baseline: number, baseline_days: number, cases: Array<CaseId>, to: Array<string>, } | { "type": "escalation_taken", note: string, } | { "type": "replied", bureau: BureauCode | null, text: string, } | { "type": "called_back", satisfaction: Satisfaction, comment: string, } | { "type": "reopened", reason: string, } | { "type": "merged_into", into: CaseId, } | { "type": "report_filed", report: ReportKind, content: ReportContent, } | { "type": "closed", note: string, } | { "type": "clocks_corrected", clocks: Array<ClockSpec>, reason: string, } | { "type": "renumbered", number: CaseNumber, reason: string, });

export type CaseId = string;

export type CaseNumber = string;

export type CaseRow = { id: string, number: string, kind: string, status: string, phone: string, district: string, category: string, received_at: string, 
/**
 * The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
 */
next_due: string | null, 
/**
 * A clock runs but its due cannot be computed (no calendar data for its year).
 */
due_unknown: boolean, 
/**
 * The nearest due rests on days of a year whose notice is not imported yet (暂定).
 */
due_provisional: boolean, next_clock: string | null, 
/**
 * The clock's name (响应, 答复…).
 */
next_label: string | null, conflicts: number, 
/**
 * An open escalation (升级): to whom (empty: every supervisor) …
 */
escalated_to: Array<string> | null, 
/**
 * … and the supervisor who took it.
 */
escalation_taken_by: string | null, };

export type CaseStatus = "unreceived" | "received" | "dispatched" | "handling" | "replied" | "evaluated" | "closed" | "merged";

export type CategoryDef = { code: string, label: string, domain: Domain, };

export type CentrePolicy = { format: string, catalog: KindCatalog, 
/**
 * The clock rules (and the maintenance notice period).
 */
deadlines: Policy, counting: SlaSettings, 
/**
 * At-risk and alert thresholds, and the callback delay.
 */
alerts: AlertSettings, 
/**
 * How the bureaus' assessment weighs its components (absent in documents from before it).
 */
assessment: AssessmentWeights, 
/**
 * When a category's calls in one place are a hotspot (热点预警).
 */
hotspot: HotspotRule, 
/**
 * The monthly quality sample and its checklist (质检).
 */
quality: QualityRule, 
/**
 * What a desk keeps (its working set) beside what is on it.
 */
desk: DeskSettings, };

export type Channel = "phone" | "web" | "app" | "mini_program" | "walk_in";

export type ChecklistItem = { code: string, label: string, points: number, };

export type ClockChange = { kind: string, kind_label: string, key: string, before: ClockSpec | null, after: ClockSpec | null, 
/**
 * Category labels (with the level, for kinds that have one) this change applies to.
 */
applies_to: Array<string>, };

export type ClockRef = { key: string, bureau: BureauCode | null, };

export type ClockScope = "case" | "bureau";

export type ClockSpec = { 
/**
 * Stable key within a case: `reply`, `accept`, `dispatch`, `feedback`, `respond`, …
 */
key: string, label: string, amount: SlaAmount, scope: ClockScope, start: Trigger, stop: Array<Trigger>, 
/**
 * A recurring clock is met and started afresh on these (hourly progress feedback).
 */
restart: Array<Trigger>, 
/**
 * The seed and section the figure comes from.
 */
source: string, 
/**
 * What the server does as the clock runs late (督办阶梯); none: [`default_ladder`] for its
 * unit and scope.
 *
 * [`default_ladder`]: super::ladder::default_ladder
 */
ladder?: Array<Rung>, };

export type ClockStatus = "running" | "paused" | "met" | "breached" | "cancelled";

export type ClockView = { key: string, label: string, bureau: string | null, amount: SlaAmount, 
/**
 * `None` when the due cannot be computed (no calendar data for its year).
 */
status: ClockStatus | null, due: string | null, 
/**
 * Clock seconds left in the clock's unit (negative when overdue).
 */
remaining: number | null, budget: number | null, light: Light, 
/**
 * The due rests on days of a year whose notice is not imported yet (暂定).
 */
provisional: boolean, extensions: number, source: string, };

export type Conflict = { event: EventId, step: string, status: CaseStatus, reason: string, };

export type CoverageWarningView = { last_year: number, days_left: number, };

export type DashPeriod = "day" | "month";

export type Dashboard = { now: string, 
/**
 * The centre's date at `now` (China time, by the desk's clock): the report form's default.
 */
today: string, period: DashPeriod, since: string, 
/**
 * Open cases by kind and status, now.
 */
depth: Array<DepthCell>, 
/**
 * The statuses the depth counts, in their order (`CaseStatus::on_the_desk`): the columns
 * of the dashboard's table.
 */
depth_statuses: Array<string>, lights: LightCounts, received: number, by_hour: Array<number>, by_channel: Array<[string, number]>, on_time_by_bureau: Array<OnTimeRow>, on_time_by_kind: Array<OnTimeRow>, satisfaction: SatisfactionCounts, 
/**
 * `SatisfactionCounts::rate`; none without callbacks.
 */
satisfaction_rate: number | null, 
/**
 * Cases with steps their history could not take (two seats acting apart).
 */
conflicts: number, 
/**
 * Cases waiting on a supervisor's decision.
 */
decisions: number, 
/**
 * Replied cases whose callback is due.
 */
callbacks_due: number, 
/**
 * The hotspots of the last two days (热点预警), newest first.
 */
hotspots: Array<HotspotRow>, };

export type DayView = { date: string, workday: boolean, 
/**
 * `weekday`, `weekend`, `holiday` or `make_up`.
 */
reason: string, 
/**
 * The festival's name for holidays and make-up working days.
 */
festival: string | null, 
/**
 * The year's notice is not imported yet: statutory holidays and weekends only (暂定).
 */
provisional: boolean, };

export type DecisionRow = { decisions: number, 
/**
 * The due of the clock the decision concerns (None: a conflict, decide first).
 */
decision_due: string | null, id: string, number: string, kind: string, status: string, phone: string, district: string, category: string, received_at: string, 
/**
 * The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
 */
next_due: string | null, 
/**
 * A clock runs but its due cannot be computed (no calendar data for its year).
 */
due_unknown: boolean, 
/**
 * The nearest due rests on days of a year whose notice is not imported yet (暂定).
 */
due_provisional: boolean, next_clock: string | null, 
/**
 * The clock's name (响应, 答复…).
 */
next_label: string | null, conflicts: number, 
/**
 * An open escalation (升级): to whom (empty: every supervisor) …
 */
escalated_to: Array<string> | null, 
/**
 * … and the supervisor who took it.
 */
escalation_taken_by: string | null, };

export type DepthCell = { kind: string, status: string, count: number, };

export type DeskSettings = { working_set_days: number, };

export type DeskStatus = { user: string, role: Role, bureau: string | null, seat_code: string, sync: SyncState, 
/**
 * Events recorded here and not yet on the server.
 */
pending: number, standalone: boolean, 
/**
 * A session is open on this desk (a login, not yet logged out): connected to a server and
 * not signed in, the desk shows only the login form.
 */
signed_in: boolean, 
/**
 * The user may change the centre's policy and import its calendar notice from this desk
 * (a supervisor or administrator, connected to the server that keeps them).
 */
configures_centre: boolean, 
/**
 * Intake, callbacks and the knowledge base: the user deals with callers.
 */
takes_calls: boolean, 
/**
 * Decisions and maintenance notices: the user supervises the centre.
 */
supervises: boolean, 
/**
 * The live dashboard and every report of the whole centre (supervisors, management).
 */
reads_centre_figures: boolean, 
/**
 * The report of the user's own bureau, from the server (bureau handlers, connected).
 */
reads_own_report: boolean, 
/**
 * Quality reviews (质检), kept on the server: seats and supervisors, connected.
 */
reviews_quality: boolean, 
/**
 * Events the server refused, set aside with its reason until dismissed.
 */
refused: Array<SetAside>, 
/**
 * The server the centre's IT configured for this machine (the installer's SERVER_URL, or
 * HOTLINE_SERVER_URL): what the login form offers.
 */
centre_server: string | null, };

export type DeviceClock = { device_id: string, user_name: string | null, pulled_at: string | null, offset_at: string | null, 
/**
 * Device minus server, in seconds, as last measured.
 */
offset_secs: number | null, 
/**
 * Beyond the server's skew limit (5 minutes).
 */
skewed: boolean, };

export type DeviceId = string;

export type Domain = "technical" | "business";

export type Draft = { form: string, 
/**
 * The form's fields as the UI keeps them (JSON), stored as given.
 */
content: JsonValue, saved_at: string, };

export type DueAlert = { case_id: string, number: string, kind: string, category: string, clock: string, 
/**
 * The clock's name (响应, 答复…).
 */
label: string, bureau: string | null, 
/**
 * `breached`, `left:<unit>:<amount>`, or the ladder's `ladder_alert` and `escalated`.
 */
threshold: string, due: string, 
/**
 * The due rests on a year whose holiday notice is not imported yet (暂定).
 */
provisional: boolean, };

export type DueView = { 
/**
 * RFC 3339 in +08:00.
 */
due: string, limit: string, 
/**
 * The due rests on a year whose notice is not imported yet (暂定).
 */
provisional: boolean, };

export type Duplicate = { 
/**
 * `same_caller` or `same_address`.
 */
reason: string, id: string, number: string, kind: string, status: string, phone: string, district: string, category: string, received_at: string, 
/**
 * The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
 */
next_due: string | null, 
/**
 * A clock runs but its due cannot be computed (no calendar data for its year).
 */
due_unknown: boolean, 
/**
 * The nearest due rests on days of a year whose notice is not imported yet (暂定).
 */
due_provisional: boolean, next_clock: string | null, 
/**
 * The clock's name (响应, 答复…).
 */
next_label: string | null, conflicts: number, 
/**
 * An open escalation (升级): to whom (empty: every supervisor) …
 */
escalated_to: Array<string> | null, 
/**
 * … and the supervisor who took it.
 */
escalation_taken_by: string | null, };

export type Duty = { day: string, 
/**
 * The shift's name as the centre calls it (早班, 中班, 夜班 …).
 */
shift: string, starts: string, ends: string, 
/**
 * The seat position (A区01席) or post (值班长).
 */
position: string, user: string, };

export type ErrorPayload = { code: string, message: string, 
/**
 * For a form: each field to fix.
 */
fields?: Array<FieldError>, };

export type Escalation = { at: string, note: string, 
/**
 * The late clock, when the server's ladder escalated it.
 */
clock: ClockRef | null, 
/**
 * The supervisors on duty it went to; empty: every supervisor.
 */
to: Array<string>, taken_by: string | null, taken_at: string | null, };

export type EventBody = { "type": "received" } & Intake | { "type": "answered_on_spot", answer: string, article: string | null, } | { "type": "dispatched", bureau: BureauCode, note: string, } | { "type": "taken_on", note: string, } | { "type": "service_taken_offline", service: string, note: string, } | { "type": "parties_notified", note: string, } | { "type": "service_verified", note: string, } | { "type": "service_restored", note: string, } | { "type": "signed_for", bureau: BureauCode, } | { "type": "returned", bureau: BureauCode, reason: string, } | { "type": "return_denied", bureau: BureauCode, reason: string, } | { "type": "redispatched", from: BureauCode, to: BureauCode, note: string, } | { "type": "accepted", bureau: BureauCode, } | { "type": "declined", bureau: BureauCode, reason: string, } | { "type": "progress_fed_back", bureau: BureauCode | null, note: string, } | { "type": "arrived_on_site", bureau: BureauCode | null, } | { "type": "paused", reason: string, } | { "type": "resumed" } | { "type": "extension_requested", clock: ClockRef, amount: SlaAmount, reason: string, } | { "type": "extension_approved", clock: ClockRef, amount: SlaAmount | null, note: string, } | { "type": "extension_denied", clock: ClockRef, reason: string, } | { "type": "urged", bureau: BureauCode, note: string, } | { "type": "escalated", note: string, clock?: ClockRef | null, to?: Array<string>, } | { "type": "alerted", clock: ClockRef, note: string, to: Array<string>, } | { "type": "hotspot_raised", category: string, place: HotspotPlace, 
/**
 * What the supervisors read: 越秀区中山街 · 生态环境 (the server names the category).
 */
label: string, count: number, 
/**
 * Cases of the category in the place over the `baseline_days` before the day.
 */
baseline: number, baseline_days: number, cases: Array<CaseId>, to: Array<string>, } | { "type": "escalation_taken", note: string, } | { "type": "replied", bureau: BureauCode | null, text: string, } | { "type": "called_back", satisfaction: Satisfaction, comment: string, } | { "type": "reopened", reason: string, } | { "type": "merged_into", into: CaseId, } | { "type": "report_filed", report: ReportKind, content: ReportContent, } | { "type": "closed", note: string, } | { "type": "clocks_corrected", clocks: Array<ClockSpec>, reason: string, } | { "type": "renumbered", number: CaseNumber, reason: string, };

export type EventId = string;

export type ExtensionRequest = { clock: ClockRef, amount: SlaAmount, reason: string, requested_at: string, };

export type Festival = { name: string, rest: Array<string>, work: Array<string>, };

export type FieldError = { field: string, code: string, message: string, };

export type Figure = { "figure": "depth", kind: string, status: string, } | { "figure": "late", bureau: string | null, kind: string | null, } | { "figure": "hour", hour: number, } | { "figure": "channel", channel: string, } | { "figure": "satisfaction", satisfaction: string, } | { "figure": "conflicts" };

export type FormOptions = { catalog: KindCatalog, levels: Array<[string, string]>, districts: Array<string>, bureaus: Array<Bureau>, 
/**
 * What a quality review scores (质检), as the centre's current policy has it.
 */
quality_checklist: Array<ChecklistItem>, };

export type Found = { rows: Array<CaseRow>, searched: Searched, 
/**
 * How far back the desk keeps the cases its user worked on (the policy's window): what
 * "local only" covers besides the cases on the desk.
 */
local_days: number, };

export type HotspotPlace = { district: string, 
/**
 * Empty: the district as a whole.
 */
street: string, };

export type HotspotRow = { 
/**
 * The lead case: the cluster's first.
 */
lead: CaseRow, at: string, 
/**
 * 越秀区中山街 · 生态环境：今日12件（此前28天共0件）
 */
summary: string, 
/**
 * The cluster's cases this desk holds, and of them still on the desk (the lead included).
 */
cases: number, open: number, 
/**
 * The cluster's other cases that can still be merged into the lead
 * (`CaseStatus::takes_merges`): what `Workbench::merge_hotspot` would merge.
 */
mergeable: number, };

export type HotspotRule = { 
/**
 * The day's count must reach this many times the daily mean of the baseline days…
 */
factor: number, 
/**
 * …and at least this many cases.
 */
min_cases: number, 
/**
 * The days before today the mean is taken over.
 */
baseline_days: number, };

export type InputKind = "bureau" | "text" | "reason" | "note" | "amount" | "satisfaction" | "case" | "section";

export type Intake = { number: CaseNumber, 
/**
 * A kind code from the [`super::KindCatalog`]: consultation, complaint, fault, help, suggestion.
 */
kind: string, domain: Domain, category: string, caller: Caller, channel: Channel, district: string, 
/**
 * Where the matter is (street and number, estate, shop); empty when not about a place.
 * Likely duplicates are found by address and category.
 */
address: string, description: string, level: Level | null, 
/**
 * Resolved from the kind at intake: a bureau must decide whether to accept (complaints).
 */
needs_acceptance: boolean, 
/**
 * Resolved from the kind at intake: may be answered on the spot and closed at once.
 */
answerable_on_spot: boolean, 
/**
 * The clocks this case runs, resolved from the policy at intake.
 */
clocks: Array<ClockSpec>, 
/**
 * Brought over from the centre's former system (`hotline-server import legacy`), not
 * received by a seat: where it came from and its number there (searchable).
 */
legacy?: LegacyOrigin, };

export type IntakeForm = { phone: string, name: string, kind: string, category: string, district: string, address: string, description: string, 
/**
 * A–D or 1–4; empty when the kind takes none.
 */
level: string, 
/**
 * phone, web, app, mini_program, walk_in; empty means phone.
 */
channel: string, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;

export type KbAction = "write" | "submit" | "approve" | "reject" | "retire";

export type KindCatalog = { kinds: Array<KindDef>, categories: Array<CategoryDef>, };

export type KindDef = { code: string, label: string, 
/**
 * A bureau decides whether to accept it (complaints, 001 §5.3).
 */
needs_acceptance: boolean, 
/**
 * May be answered on the spot and closed at once (seed 004, 咨询类问题).
 */
answerable_on_spot: boolean, 
/**
 * Carries a fault level A–D or a service level 1–4.
 */
has_level: boolean, };

export type LegacyOrigin = { system: string, number: string, };

export type Level = "A" | "B" | "C" | "D" | "1" | "2" | "3" | "4";

export type Light = "red" | "yellow" | "green" | "unknown" | "none";

export type LightChange = { at: string, light: Light, };

export type LightCounts = { red: number, yellow: number, green: number, unknown: number, none: number, };

export type Logout = { status: DeskStatus, server_told: boolean, };

export type MaintenanceBanner = { notice: MaintenanceNotice, 
/**
 * The service is down now (else: announced, not yet started).
 */
under_way: boolean, };

export type MaintenanceDraft = { 
/**
 * The service as callers know it (粤省事社保查询).
 */
service: string, 
/**
 * The category of calls it affects, if one: intake names the notice for those calls.
 */
category: string | null, starts: string, ends: string, 
/**
 * What seats tell callers.
 */
text: string, 
/**
 * Why a notice shorter than the policy's period is accepted (a supervisor's override).
 */
override_reason: string | null, };

export type MaintenanceNotice = { id: number, announced_at: string, announced_by: string, 
/**
 * Working days between the announcement and the start (the day of the start counted).
 */
notice_working_days: number, 
/**
 * The service as callers know it (粤省事社保查询).
 */
service: string, 
/**
 * The category of calls it affects, if one: intake names the notice for those calls.
 */
category: string | null, starts: string, ends: string, 
/**
 * What seats tell callers.
 */
text: string, 
/**
 * Why a notice shorter than the policy's period is accepted (a supervisor's override).
 */
override_reason: string | null, };

export type MovedDue = { number: string, clock: string, bureau: string | null, before: string | null, after: string | null, 
/**
 * The new due still rests on a provisional year.
 */
provisional: boolean, };

export type NoticeOutcome = { schedule: YearSchedule, saved: boolean, 
/**
 * Cases recomputed.
 */
recomputed: number, 
/**
 * Running clocks whose due moves, old and new.
 */
moved: Array<MovedDue>, };

export type Offer = { step: string, step_zh: string, bureau?: BureauCode, clock?: ClockRef, body: EventBody, inputs: Array<OfferInput>, };

export type OfferInput = { field: string, input: InputKind, };

export type OnTimeCount = { decided: number, met: number, };

export type OnTimeRow = { 
/**
 * A bureau code ("" for the centre's own clocks) or a case kind.
 */
key: string, decided: number, met: number, 
/**
 * `facts::on_time_rate`: the desk shows it, never divides itself.
 */
rate: number | null, };

export type Policy = { rules: Array<PolicyRule>, 
/**
 * Planned maintenance is announced this many working days ahead (001 §3.2.3).
 */
maintenance_notice_working_days: number, };

export type PolicyChanges = { kinds_added: Array<string>, kinds_removed: Array<string>, categories_added: Array<string>, categories_removed: Array<string>, 
/**
 * Labels, flags or domains of kinds or categories that stay.
 */
catalog_changed: boolean, clocks: Array<ClockChange>, 
/**
 * Business hours or day end: these move the dues of running clocks counted in working
 * hours or days, as a calendar import does.
 */
counting_changed: boolean, alerts_changed: boolean, maintenance_changed: boolean, 
/**
 * The weights of the bureaus' assessment.
 */
assessment_changed: boolean, 
/**
 * The hotspot rule.
 */
hotspot_changed: boolean, 
/**
 * The quality sample or checklist.
 */
quality_changed: boolean, };

export type PolicyOutcome = { version: number, changes: PolicyChanges, 
/**
 * Open cases recomputed (a change of business hours or day end).
 */
recomputed: number, moved: Array<MovedDue>, saved: boolean, 
/**
 * Calendar years the document replaced or added (a policy file can carry them).
 */
calendar_years: Array<number>, };

export type PolicyRule = { when: Selector, clock: ClockSpec, };

export type PolicySource = "centre" | "local";

export type PolicyVersionView = { version: number, in_force_from: string, changed_by: string, reason: string, 
/**
 * Relative to the version before (none for version 0).
 */
changes: PolicyChanges | null, };

export type PolicyView = { source: PolicySource, 
/**
 * The version new calls run now, with its document.
 */
current: PolicyVersionView, policy: CentrePolicy, 
/**
 * Newest first.
 */
history: Array<PolicyVersionView>, };

export type QualityReview = { case_id: string, number: string, 
/**
 * The month's first day.
 */
month: string, seat: string, reviewer: string | null, scores: { [key in string]: number } | null, total: number | null, full_marks: number | null, comment: string, reviewed_at: string | null, contest: string | null, contested_at: string | null, };

export type QualityRule = { sample_per_seat: number, checklist: Array<ChecklistItem>, };

export type QueuePage = { 
/**
 * The instant the lights were read at: the desktop counts down from it.
 */
now: string, 
/**
 * Cases matching the filters (every light), and per light.
 */
total: number, counts: LightCounts, offset: number, rows: Array<QueueRow>, };

export type QueueQuery = { kind: string | null, status: string | null, bureau: string | null, district: string | null, 
/**
 * Only cases this user recorded.
 */
mine: boolean, light: Light | null, offset: number, limit: number, };

export type QueueRow = { 
/**
 * The light at the page's `now`, and the changes still to come (`LightSchedule`): the desk
 * follows them between reloads without knowing the rule.
 */
light: Light, light_changes: Array<LightChange>, id: string, number: string, kind: string, status: string, phone: string, district: string, category: string, received_at: string, 
/**
 * The nearest due among running clocks (RFC 3339), if any clock runs and it can be computed.
 */
next_due: string | null, 
/**
 * A clock runs but its due cannot be computed (no calendar data for its year).
 */
due_unknown: boolean, 
/**
 * The nearest due rests on days of a year whose notice is not imported yet (暂定).
 */
due_provisional: boolean, next_clock: string | null, 
/**
 * The clock's name (响应, 答复…).
 */
next_label: string | null, conflicts: number, 
/**
 * An open escalation (升级): to whom (empty: every supervisor) …
 */
escalated_to: Array<string> | null, 
/**
 * … and the supervisor who took it.
 */
escalation_taken_by: string | null, };

export type ReportContent = { 
/**
 * 事件经过
 */
happened?: string, 
/**
 * 故障种类
 */
fault_type?: string, 
/**
 * 故障原因
 */
cause?: string, 
/**
 * 处理措施（解决方法）
 */
done?: string, 
/**
 * 处理结果
 */
result?: string, 
/**
 * 故障损失
 */
loss?: string, 
/**
 * 防范措施
 */
prevention?: string, };

export type ReportKind = "response" | "incident";

export type Role = "seat" | "supervisor" | "bureau" | "admin" | "management" | "system";

export type RosterDay = { day: string, duties: Array<Duty>, on_duty: Array<Duty>, };

export type RouteSuggestion = { bureau: string, name: string, 
/**
 * `rule`: a routing rule for the category (and district); `history`: where this centre sent
 * such cases before.
 */
source: string, cases: number, };

export type Rung = { at: RungAt, action: RungAction, };

export type RungAction = "alert" | "urge" | "escalate";

export type RungAt = { "after": "budget_percent", "value": number } | { "after": "working_days_after_due", "value": number };

export type Satisfaction = "satisfied" | "basically_satisfied" | "dissatisfied";

export type SatisfactionCounts = { satisfied: number, basically: number, dissatisfied: number, };

export type Searched = "everywhere" | "local_only" | "standalone";

export type Selector = { kinds: Array<string>, domain: Domain | null, category: string | null, level: Level | null, };

export type SetAside = { event_id: string, case_id: string, 
/**
 * The case's number, when the case is known here.
 */
number: string | null, 
/**
 * The step (`dispatched`, `replied`…), for the UI's catalogue.
 */
step: string, at: string, code: string, message: string, };

export type SlaAmount = { "unit": "minutes", "value": number } | { "unit": "working_minutes", "value": number } | { "unit": "working_days", "value": number } | { "unit": "days", "value": number };

export type SlaSettings = { business_hours: BusinessHours, 
/**
 * When a working-day or calendar-day clock falls due on its last day (default 23:59:59).
 */
day_end: string, };

export type SyncState = { server: string | null, user: string | null, cursor: string, last_sync: string | null, last_error: string | null, };

export type Trigger = "received" | "dispatched" | "taken_on" | "signed_for" | "decided" | "on_site" | "fed_back" | "replied" | "closed" | { "report_filed": ReportKind };

export type YearSchedule = { year: number, festivals: Array<Festival>, };

export type YearView = { year: number, days: Array<DayView>, workdays: number, first_year: number, 
/**
 * The last year with a published notice.
 */
last_year: number, 
/**
 * The last year the calendar answers for (the years after `last_year` are provisional).
 */
last_provisional_year: number, 
/**
 * The year has no notice imported yet: statutory holidays and weekends only (暂定).
 */
provisional: boolean, 
/**
 * Whose imports these are: the centre's server, or this desk's own (standalone).
 */
source: CalendarSource, 
/**
 * Set from 60 days before the calendar's last day.
 */
coverage_warning: CoverageWarningView | null, };

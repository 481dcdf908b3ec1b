// The only place the UI talks to the shell. Errors arrive as {code, message, fields?}; the UI
// branches on the code, never on the message text.
import { invoke } from "@tauri-apps/api/core";

export interface DayView {
  date: string;
  workday: boolean;
  reason: "weekday" | "weekend" | "holiday" | "make_up";
  festival: string | null;
  provisional: boolean;
}

export interface YearView {
  year: number;
  days: DayView[];
  workdays: number;
  first_year: number;
  /** The last year with a published notice; the years after it up to last_provisional_year are provisional. */
  last_year: number;
  last_provisional_year: number;
  provisional: boolean;
  source: "centre" | "local";
  coverage_warning: { last_year: number; days_left: number } | null;
}

export interface DueView {
  due: string;
  limit: string;
  provisional: boolean;
}

export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export interface CommandError {
  code: string;
  message: string;
  fields?: FieldError[];
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export type Light = "red" | "yellow" | "green" | "unknown" | "none";

export interface CaseRow {
  id: string;
  number: string;
  kind: string;
  status: string;
  phone: string;
  district: string;
  category: string;
  received_at: string;
  next_due: string | null;
  due_unknown: boolean;
  /** The due rests on a year whose holiday notice is not imported yet (暂定). */
  due_provisional: boolean;
  next_clock: string | null;
  next_label: string | null;
  conflicts: number;
}

export interface QueueRow extends CaseRow {
  light: Light;
  light_changes: { at: string; light: Light }[];
}

export interface QueueQuery {
  kind?: string | null;
  status?: string | null;
  bureau?: string | null;
  district?: string | null;
  mine?: boolean;
  light?: Light | null;
  offset: number;
  limit: number;
}

export interface QueuePage {
  now: string;
  total: number;
  counts: Record<Light, number>;
  offset: number;
  rows: QueueRow[];
}

export interface Amount {
  unit: "minutes" | "working_minutes" | "working_days" | "days";
  value: number;
}

export interface ClockRef {
  key: string;
  bureau?: string | null;
}

export interface ClockView {
  key: string;
  label: string;
  bureau: string | null;
  amount: Amount;
  status: "running" | "paused" | "met" | "breached" | "cancelled" | null;
  due: string | null;
  remaining: number | null;
  budget: number | null;
  light: Light;
  provisional: boolean;
  extensions: number;
  source: string;
}

export interface Offer {
  step: string;
  step_zh: string;
  bureau?: string;
  clock?: ClockRef;
}

export interface Intake {
  number: string;
  kind: string;
  domain: string;
  category: string;
  caller: { phone: string; name: string | null };
  channel: string;
  district: string;
  address: string;
  description: string;
  level: string | null;
}

export interface CaseEvent {
  id: string;
  at: string;
  actor: { user: string; role: string; bureau: string | null };
  type: string;
  [field: string]: unknown;
}

export interface Assignment {
  bureau: string;
  status: string;
  dispatched_at: string;
  urges: number;
}

export interface CaseDetail {
  now: string;
  row: CaseRow;
  intake: Intake | null;
  received_by: string | null;
  paused_since: string | null;
  assignments: Assignment[];
  clocks: ClockView[];
  pending_extensions: { clock: ClockRef; amount: Amount; reason: string }[];
  conflicts: { step: string; reason: string }[];
  merged_into: string | null;
  former_numbers: string[];
  events: CaseEvent[];
  offers: Offer[];
}

export interface IntakeForm {
  phone: string;
  name: string;
  kind: string;
  category: string;
  district: string;
  address: string;
  description: string;
  level: string;
  channel: string;
}

export interface CallerLookup {
  phone: string;
  history: CaseRow[];
  duplicates: (CaseRow & { reason: "same_caller" | "same_address" })[];
}

export interface Article {
  id: string;
  title: string;
  body: string;
  category: string;
  version: number;
}

export interface RouteSuggestion {
  bureau: string;
  name: string;
  source: "rule" | "history";
  cases: number;
}

export interface SlaAmount { unit: "minutes" | "working_minutes" | "working_days" | "days"; value: number }
export interface ClockSpec {
  key: string; label: string; amount: SlaAmount; scope: "case" | "bureau";
  start: string | Record<string, string>; stop: (string | Record<string, string>)[]; restart: (string | Record<string, string>)[]; source: string;
}
export interface PolicyRule { when: { kinds: string[]; domain: string | null; category: string | null; level: string | null }; clock: ClockSpec }
export interface CentrePolicy {
  format: string;
  catalog: FormOptions["catalog"];
  deadlines: { rules: PolicyRule[]; maintenance_notice_working_days: number };
  counting: { business_hours: { periods: [string, string][] }; day_end: string };
  alerts: { at_risk_percent: number; at_risk_left: SlaAmount; notify_left: SlaAmount[]; notify_breach: boolean; callback_after_days: number };
}
export interface ClockChange { kind: string; kind_label: string; key: string; before: ClockSpec | null; after: ClockSpec | null; applies_to: string[] }
export interface PolicyChanges {
  kinds_added: string[]; kinds_removed: string[]; categories_added: string[]; categories_removed: string[];
  catalog_changed: boolean; clocks: ClockChange[]; counting_changed: boolean; alerts_changed: boolean; maintenance_changed: boolean;
}
export interface PolicyVersionView { version: number; in_force_from: string; changed_by: string; reason: string; changes: PolicyChanges | null }
export interface PolicyView { source: "centre" | "local"; current: PolicyVersionView; policy: CentrePolicy; history: PolicyVersionView[] }

export interface FormOptions {
  catalog: {
    kinds: { code: string; label: string; has_level: boolean; answerable_on_spot: boolean }[];
    categories: { code: string; label: string; domain: string }[];
  };
  levels: [string, string][];
  districts: string[];
  bureaus: { code: string; name: string }[];
}

export interface DeskStatus {
  user: string;
  role: "seat" | "supervisor" | "bureau" | "admin";
  bureau: string | null;
  seat_code: string;
  sync: { server: string | null; last_sync: string | null; last_error: string | null };
  pending: number;
  standalone: boolean;
  /** A supervisor or administrator of a connected desk: may change the centre's policy and import its notice. */
  configures_centre: boolean;
  /** Events the server refused, set aside until dismissed. */
  refused: SetAside[];
}

export interface SetAside {
  event_id: string;
  case_id: string;
  number: string | null;
  step: string;
  at: string;
  code: string;
  message: string;
}

export interface DueAlert {
  case_id: string;
  number: string;
  clock: string;
  label: string;
  threshold: string;
  due: string;
}

export const calendarYear = (year: number) => invoke<YearView>("calendar_year", { year });
export const policyView = () => invoke<PolicyView>("policy_view");
export interface MovedDue { number: string; clock: string; bureau: string | null; before: string | null; after: string | null; provisional: boolean }
export interface PolicyOutcome { version: number; changes: PolicyChanges; recomputed: number; moved: MovedDue[]; saved: boolean; calendar_years: number[] }
export interface NoticeOutcome {
  schedule: { year: number; festivals: { name: string; rest: string[]; work: string[] }[] };
  saved: boolean; recomputed: number; moved: MovedDue[];
}
export const importNotice = (text: string, dryRun: boolean) => invoke<NoticeOutcome>("import_notice", { text, year: null, dryRun });
export const proposePolicy = (document: CentrePolicy, reason: string, dryRun: boolean) =>
  invoke<PolicyOutcome>("propose_policy", { document, reason, dryRun });
export const slaDue = (from: string, unit: string, amount: number) =>
  invoke<DueView>("sla_due", { query: { from, unit, amount } });

export const queue = (query: QueueQuery) => invoke<QueuePage>("queue", { query });
export const search = (text: string) => invoke<CaseRow[]>("search", { text });
export const caseDetail = (id: string) => invoke<CaseDetail>("case_detail", { id });
export const act = (id: string, body: Record<string, unknown>) => invoke<CaseDetail>("act", { id, body });
export const merge = (id: string, into: string) => invoke<CaseDetail>("merge", { id, into });
export const suggestRoutes = (category: string, district: string) =>
  invoke<RouteSuggestion[]>("suggest_routes", { category, district });
export const formOptions = () => invoke<FormOptions>("form_options");
export const lookupCaller = (phone: string, address: string, category: string) =>
  invoke<CallerLookup>("lookup_caller", { phone, address, category });
export const suggestArticles = (text: string, category: string) =>
  invoke<Article[]>("suggest_articles", { text, category });
export const recordIntake = (form: IntakeForm, finish: { answer?: string; article?: string }) =>
  invoke<CaseDetail>("record_intake", { form, finish });
export const saveDraft = (form: string, content: unknown) => invoke<void>("save_draft", { form, content });
export const loadDraft = (form: string) =>
  invoke<{ content: unknown; saved_at: string } | null>("load_draft", { form });
export const deskStatus = () => invoke<DeskStatus>("desk_status");
export const login = (server: string, user: string, password: string) =>
  invoke<DeskStatus>("login", { server, user, password });
export const takeScreenPop = () => invoke<string | null>("take_screen_pop");
export const dismissRefused = (eventId: string) => invoke<DeskStatus>("dismiss_refused", { eventId });
export const deskReady = () => invoke<number>("desk_ready");

// Supervision: the live dashboard, the cases behind a figure, decisions waiting, callbacks due.
export type DashPeriod = "day" | "month";

export interface OnTimeRow {
  key: string;
  decided: number;
  met: number;
}

export interface Dashboard {
  now: string;
  period: DashPeriod;
  since: string;
  depth: { kind: string; status: string; count: number }[];
  depth_statuses: string[];
  lights: { red: number; yellow: number; green: number; unknown: number; none: number };
  received: number;
  by_hour: number[];
  by_channel: [string, number][];
  on_time_by_bureau: OnTimeRow[];
  on_time_by_kind: OnTimeRow[];
  satisfaction: { satisfied: number; basically: number; dissatisfied: number };
  conflicts: number;
  decisions: number;
  callbacks_due: number;
}

export type Figure =
  | { figure: "depth"; kind: string; status: string }
  | { figure: "late"; bureau: string | null; kind: string | null }
  | { figure: "hour"; hour: number }
  | { figure: "channel"; channel: string }
  | { figure: "satisfaction"; satisfaction: string }
  | { figure: "conflicts" };

export interface DecisionRow extends CaseRow {
  decisions: number;
  decision_due: string | null;
}

export interface CallbackRow extends CaseRow {
  replied_at: string;
}

export type Satisfaction = "satisfied" | "basically_satisfied" | "dissatisfied";

export const dashboard = (period: DashPeriod) => invoke<Dashboard>("dashboard", { period });
export const figureCases = (figure: Figure, period: DashPeriod) => invoke<CaseRow[]>("figure_cases", { figure, period });
export const decisions = () => invoke<DecisionRow[]>("decisions");
export const callbacksDue = () => invoke<CallbackRow[]>("callbacks_due");
export interface Duty {
  day: string;
  shift: string;
  starts: string;
  ends: string;
  position: string;
  user: string;
}
/** A device whose clock the server measured off by more than its limit (`wire::DeviceClock`). */
export interface DeviceClock {
  device_id: string;
  user_name: string | null;
  pulled_at: string | null;
  offset_at: string | null;
  offset_secs: number | null;
  skewed: boolean;
}
export const skewedDevices = () => invoke<DeviceClock[]>("skewed_devices");
export const roster = (date: string) => invoke<{ day: string; duties: Duty[]; on_duty: Duty[] }>("roster", { date });
export const downloadReport = (period: "day" | "week" | "month", date: string, format: "xlsx" | "pdf") =>
  invoke<string>("download_report", { period, date, format });
export const callBack = (caseId: string, satisfaction: Satisfaction, comment: string) =>
  invoke<CaseDetail>("call_back", { case: caseId, satisfaction, comment });

// The knowledge base's management (on the server): articles, versions, reviews.
export type ArticleStatus = "draft" | "pending" | "published" | "retired";
export interface ArticleText {
  title: string;
  body: string;
  category: string;
  level: number;
  tags: string[];
}
export interface ArticleVersion extends ArticleText {
  version: number;
  author: string;
  created_at: string;
}
export interface KbArticle {
  id: string;
  status: ArticleStatus;
  latest_version: number;
  published_version: number | null;
  citations: number;
  updated_at: string;
  latest: ArticleVersion;
  versions?: ArticleVersion[];
  reviews?: { version: number; action: string; reviewer: string; reason: string; at: string }[];
}
export const kbList = (status: string) => invoke<KbArticle[]>("kb_list", { status });
export const kbGet = (id: string) => invoke<KbArticle>("kb_get", { id });
export const kbWrite = (id: string | null, text: ArticleText) => invoke<KbArticle>("kb_write", { id, text });
export const kbDecide = (id: string, action: "submit" | "approve" | "reject" | "retire", reason: string) =>
  invoke<KbArticle>("kb_decide", { id, action, reason });

// The only place the UI talks to the shell. Errors arrive as {code, message, fields?}; the UI
// branches on the code, never on the message text. Every type comes from the Rust types
// (generated/types.ts, by crates/client/tests/ui_types.rs): none is written here by hand.
import { invoke } from "@tauri-apps/api/core";
import type {
  Article, ArticleText, CallbackRow, CallerLookup, CaseDetail, CaseRow, DashPeriod, Dashboard, DecisionRow,
  DeskStatus, DeviceClock, Draft, Found, Logout, DueView, ErrorPayload, Figure, FormOptions, IntakeForm, KbAction, ArticleOnDesk,
  NoticeOutcome, PolicyOutcome, PolicyView, CentrePolicy, QueuePage, QueueQuery, RosterDay, RouteSuggestion,
  Satisfaction, YearView, MaintenanceBanner, MaintenanceDraft, MaintenanceNotice, QualityReview, Assessment,
} from "./generated/types";
export type * from "./generated/types";

/** What a command's error carries (`ErrorPayload`). */
export type CommandError = ErrorPayload;

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export const calendarYear = (year: number | null) => invoke<YearView>("calendar_year", { year });
export const policyView = () => invoke<PolicyView>("policy_view");
export const importNotice = (text: string, dryRun: boolean) => invoke<NoticeOutcome>("import_notice", { text, year: null, dryRun });
export const proposePolicy = (document: CentrePolicy, reason: string, dryRun: boolean) =>
  invoke<PolicyOutcome>("propose_policy", { document, reason, dryRun });
export const slaDue = (from: string, unit: string, amount: number) =>
  invoke<DueView>("sla_due", { query: { from, unit, amount } });
export const queue = (query: QueueQuery) => invoke<QueuePage>("queue", { query });
export const search = (text: string) => invoke<Found>("search", { text });
export const callerHistory = (phone: string) => invoke<Found>("caller_history", { phone });
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
  invoke<Draft | null>("load_draft", { form });
export const deskStatus = () => invoke<DeskStatus>("desk_status");
export const login = (server: string, user: string, password: string) =>
  invoke<DeskStatus>("login", { server, user, password });
export const logout = () => invoke<Logout>("logout");
export const takeScreenPop = () => invoke<string | null>("take_screen_pop");
export const dismissRefused = (eventId: string) => invoke<DeskStatus>("dismiss_refused", { eventId });
export const deskReady = () => invoke<number>("desk_ready");

// Supervision: the live dashboard, the cases behind a figure, decisions waiting, callbacks due.
export const dashboard = (period: DashPeriod) => invoke<Dashboard>("dashboard", { period });
export const assessment = (period: "month" | "quarter" | "half_year", date: string) => invoke<Assessment>("assessment", { period, date });
export const mergeHotspot = (lead: string) => invoke<number>("merge_hotspot", { lead });
export const qualityList = (date: string) => invoke<QualityReview[]>("quality_list", { date });
export const qualityDraw = (date: string) => invoke<QualityReview[]>("quality_draw", { date });
export const qualityScore = (kase: string, scores: Record<string, number>, comment: string) => invoke<null>("quality_score", { case: kase, scores, comment });
export const qualityContest = (kase: string, reason: string) => invoke<null>("quality_contest", { case: kase, reason });
export const figureCases = (figure: Figure, period: DashPeriod) => invoke<CaseRow[]>("figure_cases", { figure, period });
export const decisions = () => invoke<DecisionRow[]>("decisions");
export const callbacksDue = () => invoke<CallbackRow[]>("callbacks_due");
export const skewedDevices = () => invoke<DeviceClock[]>("skewed_devices");
export const roster = (date: string) => invoke<RosterDay>("roster", { date });
export const maintenanceBanner = () => invoke<MaintenanceBanner[]>("maintenance_banner");
export const maintenanceFor = (category: string, text: string) => invoke<MaintenanceBanner[]>("maintenance_for", { category, text });
export const announceMaintenance = (draft: MaintenanceDraft) => invoke<MaintenanceNotice>("announce_maintenance", { draft });
export const printCase = (id: string) => invoke<string>("print_case", { id });
export const downloadReport = (period: "day" | "week" | "month" | "quarter" | "half_year", date: string, format: "xlsx" | "pdf") =>
  invoke<string>("download_report", { period, date, format });
export const callBack = (caseId: string, satisfaction: Satisfaction, comment: string) =>
  invoke<CaseDetail>("call_back", { case: caseId, satisfaction, comment });

// The knowledge base's management (on the server): articles, versions, reviews.
export const kbList = (status: string) => invoke<ArticleOnDesk[]>("kb_list", { status });
export const kbGet = (id: string) => invoke<ArticleOnDesk>("kb_get", { id });
export const kbWrite = (id: string | null, text: ArticleText) => invoke<ArticleOnDesk>("kb_write", { id, text });
export const kbDecide = (id: string, action: Exclude<KbAction, "write">, reason: string) =>
  invoke<ArticleOnDesk>("kb_decide", { id, action, reason });

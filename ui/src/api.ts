// The only place the UI talks to the shell. Errors arrive as {code, message}; the UI branches on
// the code, never on the message text.
import { invoke } from "@tauri-apps/api/core";

export interface DayView {
  date: string;
  workday: boolean;
  reason: "weekday" | "weekend" | "holiday" | "make_up";
  festival: string | null;
}

export interface YearView {
  year: number;
  days: DayView[];
  workdays: number;
  first_year: number;
  last_year: number;
  coverage_warning: { last_year: number; days_left: number } | null;
}

export interface DueView {
  due: string;
  limit: string;
}

export interface CommandError {
  code: string;
  message: string;
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

export const calendarYear = (year: number) => invoke<YearView>("calendar_year", { year });

export const slaDue = (from: string, unit: string, amount: number) =>
  invoke<DueView>("sla_due", { query: { from, unit, amount } });

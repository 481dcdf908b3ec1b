// Every string the UI shows, in one catalogue. Simplified Chinese is the default.
export type Lang = "zh-CN" | "en";

const zh = {
  appTitle: "热线工作台",
  calendar: "法定工作日历",
  year: "年份",
  workdays: "工作日",
  legendWorkday: "工作日",
  legendRest: "休息日",
  legendHoliday: "法定节假日",
  legendMakeup: "调休上班",
  dueTitle: "时限计算",
  dueFrom: "起算时间",
  dueAmount: "时限",
  dueCompute: "计算到期时间",
  dueResult: "到期时间",
  units: { working_days: "个工作日", working_hours: "工作小时", hours: "小时", minutes: "分钟" },
  weekdays: ["一", "二", "三", "四", "五", "六", "日"],
  months: ["一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月"],
  language: "English",
  loading: "加载中…",
  errorPrefix: "错误",
  coverageEnding: (days: number, next: number) => `节假日数据将在 ${days} 天后用完，请尽快导入 ${next} 年国务院放假安排。`,
  coverageEnded: (next: number) => `节假日数据已用完，请立即导入 ${next} 年国务院放假安排。`,
  // Messages by error code; anything else shows the shell's own message.
  errors: {
    "calendar.not_covered": "缺少该年份的节假日数据，请先导入。",
    "sla.amount": "时限必须至少为 1。",
    "sla.unit": "时限单位无效。",
  } as Record<string, string>,
};

type Catalogue = typeof zh;

const en: Catalogue = {
  appTitle: "Hotline Desk",
  calendar: "Legal working-day calendar",
  year: "Year",
  workdays: "working days",
  legendWorkday: "Working day",
  legendRest: "Rest day",
  legendHoliday: "Statutory holiday",
  legendMakeup: "Make-up working day",
  dueTitle: "Deadline",
  dueFrom: "Starts at",
  dueAmount: "Limit",
  dueCompute: "Compute due",
  dueResult: "Due",
  units: { working_days: "working days", working_hours: "working hours", hours: "hours", minutes: "minutes" },
  weekdays: ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
  months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  language: "简体中文",
  loading: "Loading…",
  errorPrefix: "Error",
  coverageEnding: (days: number, next: number) => `The holiday calendar runs out in ${days} days: import the ${next} State Council schedule.`,
  coverageEnded: (next: number) => `The holiday calendar has run out: import the ${next} State Council schedule now.`,
  errors: {
    "calendar.not_covered": "No holiday data for that year: import it first.",
    "sla.amount": "The limit must be at least 1.",
    "sla.unit": "Unknown unit.",
  },
};

export const catalogues: Record<Lang, Catalogue> = { "zh-CN": zh, en };

//! Every string the native shell shows outside the window — notifications and the tray — in one
//! catalogue. The window's strings are in `ui/src/i18n.ts`; these are drawn by the desktop, where
//! that catalogue cannot reach. Simplified Chinese, as the seats read.

use chrono::{DateTime, Utc};

pub const APP: &str = "热线工作台";
pub const OPEN: &str = "打开";
pub const TRAY_SHOW: &str = "显示工作台";
pub const TRAY_QUIT: &str = "退出";
pub const SUMMARY_TITLE: &str = "热线工作台：时限提醒";

/// Many alerts at once (a desk opened after a night away): one notification for all of them.
/// It counts clocks, not cases (a case may have several clocks due): said as 项时限, so it is
/// not read against the queue's count of overdue cases.
pub fn summary(clocks: i64, breached: i64) -> String {
    format!("{clocks} 项时限提醒，其中 {breached} 项已超时。点击查看队列。")
}

/// By the alert's threshold (`hotline_client::store::DueAlert::threshold`).
pub fn alert_title(number: &str, threshold: &str) -> String {
    match threshold {
        "breached" => format!("工单已超时：{number}"),
        "escalated" => format!("工单已升级，请接手：{number}"),
        "ladder_alert" => format!("督办提醒：{number}"),
        "hotspot" => format!("热点预警：{number} 等同类诉求"),
        _ => format!("工单即将超时：{number}"),
    }
}

/// "答复（市人社局）：剩余1工作小时，时限 12-03 17:30（暂定）"
pub fn alert_body(
    clock: &str,
    bureau: Option<&str>,
    threshold: &str,
    due: DateTime<Utc>,
    provisional: bool,
) -> String {
    let bureau = bureau.map(|b| format!("（{b}）")).unwrap_or_default();
    let provisional = if provisional { "（暂定）" } else { "" };
    let due = due
        .with_timezone(&hotline_domain::time::china())
        .format("%m-%d %H:%M");
    format!("{clock}{bureau}：{threshold}，时限 {due}{provisional}")
}

pub fn tray_counts(red: i64, yellow: i64) -> String {
    format!("超时 {red} · 预警 {yellow}")
}

pub fn tray_tooltip(counts: &str) -> String {
    format!("{APP} — {counts}")
}

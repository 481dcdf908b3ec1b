//! The alert scheduler: sleeps until the next alert point (or until a case changes), sends each
//! due alert once as a native notification, and keeps the tray's red/yellow count current.

use std::sync::Arc;
use std::time::Duration;

use hotline_client::store::{QueueQuery, TakenAlerts};
use hotline_client::workbench::Workbench;
use tauri::{AppHandle, Emitter, Manager};

use crate::{tray, words};

/// The longest nap: lights turn yellow and red with time alone, so the tray's counts are
/// refreshed at least this often (one count query, not a scan of every case's clocks).
const LONGEST_NAP: Duration = Duration::from_secs(60);
/// More alerts than this at once (a desk started after a night off) become one summary.
const MOST_SEPARATE_ALERTS: usize = 3;

pub fn spawn(app: AppHandle, desk: Arc<Workbench>) {
    tauri::async_runtime::spawn(async move {
        loop {
            match desk.take_due_alerts(MOST_SEPARATE_ALERTS).await {
                Ok(taken) if taken.clocks > 0 || !taken.alerts.is_empty() => announce(&app, taken),
                Ok(_) => {}
                Err(e) => eprintln!("hotline-desk: alerts: {e}"),
            }
            // The counts cost a walk over the open cases: only for a tray that shows them.
            if tray::is_shown(&app) {
                if let Ok(page) = desk
                    .queue(&QueueQuery {
                        limit: 1,
                        ..QueueQuery::default()
                    })
                    .await
                {
                    tray::show_counts(&app, page.counts.red, page.counts.yellow);
                }
            }
            let _ = app.emit("queue-changed", ());
            let next = desk.next_alert_at().await.ok().flatten();
            let nap = next.map_or(LONGEST_NAP, |t| {
                (t - desk.now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(LONGEST_NAP)
            });
            tokio::select! {
                () = tokio::time::sleep(nap) => {}
                () = desk.changed() => {}
            }
        }
    });
}

fn announce(app: &AppHandle, taken: TakenAlerts) {
    let _ = app.emit("alerts", &taken);
    // Too many clocks at once for one notification each: one summary of them (hotspots, which
    // are no clock, are still told one by one).
    let listed = taken
        .alerts
        .iter()
        .filter(|a| a.threshold != hotline_client::store::HOTSPOT)
        .count();
    if taken.clocks > listed as i64 {
        let body = words::summary(taken.clocks, taken.breached);
        notify(app.clone(), words::SUMMARY_TITLE.into(), body, None);
    }
    for a in taken.alerts {
        let title = words::alert_title(&a.number, &a.threshold);
        // A hotspot's label says it all (place, category, today against before).
        if a.threshold == hotline_client::store::HOTSPOT {
            notify(app.clone(), title, a.label.clone(), Some(a.case_id));
            continue;
        }
        let body = words::alert_body(
            &a.label,
            a.bureau.as_deref(),
            &a.threshold_zh(),
            a.due,
            a.provisional,
        );
        notify(app.clone(), title, body, Some(a.case_id));
    }
}

/// Shows a native notification off the async runtime (notify-rust blocks on D-Bus), and opens
/// the case — or the queue — when the notification is clicked.
fn notify(app: AppHandle, title: String, body: String, case: Option<String>) {
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname(words::APP)
            .summary(&title)
            .body(&body)
            .action("default", words::OPEN)
            .timeout(notify_rust::Timeout::Never)
            .show();
        match shown {
            // Linux (D-Bus "default" action) and Windows (the toast activated) both report it.
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    open(&app, case.as_deref());
                }
            }),
            Err(e) => eprintln!("hotline-desk: notification not shown: {e}"),
        }
    });
}

/// Brings the window to the front on the queue, with `case` open if given.
pub fn open(app: &AppHandle, case: Option<&str>) {
    bring_to_front(app);
    let _ = app.emit("open-case", case);
}

pub fn bring_to_front(app: &AppHandle) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
    }
}

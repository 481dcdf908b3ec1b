//! The tray icon: how many cases are red and yellow, visible while the window is hidden behind
//! the telephony client.

use tauri::menu::{MenuBuilder, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::AppHandle;

const TRAY: &str = "main";

/// Is there a tray to put an icon in? On Linux the icon is a StatusNotifierItem and needs a
/// desktop that hosts them (org.kde.StatusNotifierWatcher on the session bus); without one the
/// indicator library falls back to an XEmbed icon that wedges the window's main loop under
/// Xvfb and WebDriver. Windows always has a notification area.
pub fn host_present() -> bool {
    #[cfg(target_os = "linux")]
    {
        let asked = zbus::blocking::Connection::session().and_then(|bus| {
            bus.call_method(
                Some("org.freedesktop.DBus"),
                "/org/freedesktop/DBus",
                Some("org.freedesktop.DBus"),
                "NameHasOwner",
                &("org.kde.StatusNotifierWatcher",),
            )?
            .body()
            .deserialize::<bool>()
        });
        asked.unwrap_or(false)
    }
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

pub fn build(app: &AppHandle) -> tauri::Result<()> {
    let show = MenuItem::with_id(app, "show", "显示工作台", true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "退出", true, None::<&str>)?;
    let menu = MenuBuilder::new(app)
        .item(&show)
        .separator()
        .item(&quit)
        .build()?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip("热线工作台")
        .title("热线工作台");
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.on_menu_event(|app, event| match event.id().as_ref() {
        "show" => crate::alerts::open(app, None),
        "quit" => app.exit(0),
        _ => {}
    })
    .build(app)?;
    Ok(())
}

pub fn is_shown(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY).is_some()
}

pub fn show_counts(app: &AppHandle, red: i64, yellow: i64) {
    if let Some(tray) = app.tray_by_id(TRAY) {
        let text = format!("超时 {red} · 预警 {yellow}");
        let _ = tray.set_title(Some(&text));
        let _ = tray.set_tooltip(Some(&format!("热线工作台 — {text}")));
    }
}

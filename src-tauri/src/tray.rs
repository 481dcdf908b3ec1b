//! The tray icon: how many cases are red and yellow, visible while the window is hidden behind
//! the telephony client.

use tauri::menu::{MenuBuilder, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::AppHandle;

use crate::words;

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
    let show = MenuItem::with_id(app, "show", words::TRAY_SHOW, true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", words::TRAY_QUIT, true, None::<&str>)?;
    let menu = MenuBuilder::new(app)
        .item(&show)
        .separator()
        .item(&quit)
        .build()?;
    let mut tray = TrayIconBuilder::with_id(TRAY)
        .menu(&menu)
        .tooltip(words::APP)
        .title(words::APP);
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
        let text = words::tray_counts(red, yellow);
        let _ = tray.set_title(Some(&text));
        let _ = tray.set_tooltip(Some(&words::tray_tooltip(&text)));
    }
}

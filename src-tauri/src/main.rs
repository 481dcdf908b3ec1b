//! 热线工作台: the desktop shell. Every command is a one-line delegation to hotline-client's
//! workbench; errors cross to the UI as `{code, message}`; alerts and the tray live here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alerts;
mod commands;
mod fatal;
mod screen_pop;
mod tray;
mod words;

use std::sync::Arc;

use hotline_client::workbench::Workbench;
use hotline_client::{DataDir, OffsetClock};

/// Demonstration cases a first run without a server starts with.
const DEMO_CASES: usize = 400;

fn main() {
    let started = commands::session::StartedAt(std::time::Instant::now());
    fatal::require_webview();
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // A list-and-form desk gains nothing from WebKitGTK's accelerated compositing, which on
        // software GL (VDI seats, Xvfb) cost 124 MB of the web process: 364 → 238 MB PSS for the
        // whole tree (docs/BENCHMARKS.md). Set explicitly to "0" to keep it.
        // SAFETY: the first thing main does, before any other thread exists.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
    let desk = match tauri::async_runtime::block_on(open_desk()) {
        Ok(desk) => Arc::new(desk),
        Err(e) => fatal::refuse_to_start(
            fatal::CANNOT_START,
            &format!("无法打开本机数据 / cannot open the local data:\n{e}"),
            fatal::NO_LOCAL_DATA,
        ),
    };
    let instance = screen_pop::instance_id("cn.gov.hotline.desk", desk.data_dir().path());
    let mut builder = tauri::Builder::default();
    // Under WebDriver (tauri-driver sets TAURI_WEBVIEW_AUTOMATION) the driver owns the process.
    // With this plugin WebKitWebDriver lost its session in 3 of 6 runs, without it in 0 of 6
    // (the same for changing the window title at run time, which the desk therefore never
    // does). The screen-pop hand-over is tested without WebDriver (tests/desktop/smoke.sh).
    if std::env::var_os("TAURI_WEBVIEW_AUTOMATION").is_none() {
        // First: a second start hands its deep link to this desk and exits.
        builder = builder.plugin(
            tauri_plugin_single_instance::Builder::new()
                .dbus_id(instance)
                .callback(|app, _argv, _cwd| alerts::bring_to_front(app))
                .build(),
        );
    }
    let closing = desk.clone();
    let result = builder
        .plugin(tauri_plugin_deep_link::init())
        .manage(desk.clone())
        .manage(screen_pop::PendingPop::default())
        .manage(started)
        .setup(move |app| {
            use tauri_plugin_deep_link::DeepLinkExt;
            // Registering the scheme needs the desktop's tools (xdg-mime); without them links
            // still work when passed on the command line, as `hotline intake` does.
            if let Err(e) = app.deep_link().register_all() {
                eprintln!("hotline-desk: hotline:// links not registered with the desktop: {e}");
            }
            if let Ok(Some(links)) = app.deep_link().get_current() {
                screen_pop::handle(app.handle(), &links);
            }
            let handle = app.handle().clone();
            app.deep_link().on_open_url(move |event| screen_pop::handle(&handle, &event.urls()));
            if !tray::host_present() {
                eprintln!("hotline-desk: no system tray on this desktop; the counts show in the window only");
            } else if let Err(e) = tray::build(app.handle()) {
                eprintln!("hotline-desk: no tray icon: {e}");
            }
            alerts::spawn(app.handle().clone(), desk.clone());
            let syncing = desk.clone();
            tauri::async_runtime::spawn(async move { syncing.run_sync().await });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::calendar::calendar_year,
            commands::calendar::sla_due,
            commands::calendar::policy_view,
            commands::calendar::propose_policy,
            commands::calendar::import_notice,
            commands::queue::queue,
            commands::queue::search,
            commands::queue::caller_history,
            commands::case::case_detail,
            commands::case::act,
            commands::case::merge,
            commands::case::suggest_routes,
            commands::intake::form_options,
            commands::intake::lookup_caller,
            commands::intake::suggest_articles,
            commands::intake::record_intake,
            commands::intake::save_draft,
            commands::intake::load_draft,
            commands::session::desk_status,
            commands::session::login,
            commands::session::logout,
            commands::session::dismiss_refused,
            commands::session::take_screen_pop,
            commands::session::desk_ready,
            commands::supervision::dashboard,
            commands::supervision::figure_cases,
            commands::supervision::decisions,
            commands::supervision::callbacks_due,
            commands::supervision::call_back,
            commands::supervision::download_report,
            commands::supervision::merge_hotspot,
            commands::supervision::assessment,
            commands::quality::quality_list,
            commands::quality::quality_draw,
            commands::quality::quality_score,
            commands::quality::quality_contest,
            commands::supervision::roster,
            commands::supervision::skewed_devices,
            commands::supervision::maintenance_banner,
            commands::supervision::announce_maintenance,
            commands::supervision::maintenance_for,
            commands::supervision::print_case,
            commands::knowledge::kb_list,
            commands::knowledge::kb_get,
            commands::knowledge::kb_write,
            commands::knowledge::kb_decide,
        ])
        .build(tauri::generate_context!())
        .map(|app| {
            app.run(move |_, event| {
                if let tauri::RunEvent::Exit = event {
                    // The store's connections closed while the process still stands, not torn
                    // down by the exit under sqlx's worker threads.
                    tauri::async_runtime::block_on(closing.close());
                }
            })
        });
    if let Err(e) = result {
        eprintln!("hotline-desk: {e}");
        std::process::exit(1);
    }
}

async fn open_desk() -> Result<Workbench, hotline_client::ClientError> {
    let desk = Workbench::open(DataDir::resolve(None), Arc::new(OffsetClock::from_env())).await?;
    let demo = std::env::var("HOTLINE_DEMO_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEMO_CASES);
    desk.seed_demo_if_empty(demo).await?;
    Ok(desk)
}

//! 热线工作台: the desktop shell. Every command is a one-line delegation to hotline-client's
//! workbench; errors cross to the UI as `{code, message}`; alerts and the tray live here.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod alerts;
mod commands;
mod tray;

use std::sync::Arc;

use hotline_client::workbench::Workbench;
use hotline_client::{DataDir, OffsetClock};

/// Demonstration cases a first run without a server starts with.
const DEMO_CASES: usize = 400;

fn main() {
    let desk = match tauri::async_runtime::block_on(open_desk()) {
        Ok(desk) => Arc::new(desk),
        Err(e) => {
            eprintln!("hotline-desk: cannot open the local data: {e}");
            std::process::exit(1);
        }
    };
    let result = tauri::Builder::default()
        .manage(desk.clone())
        .setup(move |app| {
            if let Err(e) = tray::build(app.handle()) {
                eprintln!("hotline-desk: no tray icon: {e}");
            }
            alerts::spawn(app.handle().clone(), desk.clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::calendar::calendar_year,
            commands::calendar::sla_due,
            commands::queue::queue,
            commands::queue::search,
            commands::case::case_detail,
            commands::case::act,
            commands::case::merge,
            commands::case::suggest_routes,
            commands::intake::form_options,
            commands::intake::lookup_caller,
            commands::intake::suggest_articles,
            commands::intake::check_intake,
            commands::intake::record_intake,
            commands::intake::save_draft,
            commands::intake::load_draft,
            commands::session::desk_status,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("hotline-desk: {e}");
        std::process::exit(1);
    }
}

async fn open_desk() -> Result<Workbench, hotline_client::ClientError> {
    let desk = Workbench::open(DataDir::resolve(None), Arc::new(OffsetClock::from_env())).await?;
    let demo = std::env::var("HOTLINE_DEMO_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(DEMO_CASES);
    desk.seed_demo_if_empty(demo).await?;
    Ok(desk)
}

//! 热线工作台: the desktop shell. Every command is a one-line delegation to hotline-client;
//! errors cross to the UI as `{code, message}`.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use hotline_client::{CalendarStore, DataDir};

fn main() {
    let store = CalendarStore::new(DataDir::resolve(None));
    let result = tauri::Builder::default()
        .manage(store)
        .invoke_handler(tauri::generate_handler![commands::calendar::calendar_year, commands::calendar::sla_due])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("hotline-desk: {e}");
        std::process::exit(1);
    }
}

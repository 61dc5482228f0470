//! MX Doctor's desktop wizard. This file only wires plugins, state and the command list; the
//! commands live in `commands/`, the logic in mxdoctor-core.

#![deny(unsafe_code)]

pub mod commands;
pub mod error;
pub mod model;
pub mod persist;
pub mod practice_api;
pub mod state;

/// Adds every plugin, the state and the commands to `builder`: `run` starts the real one, tests
/// build `tauri::test::mock_builder()` on the mock runtime.
pub fn setup<R: tauri::Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    setup_with(builder, Launch::default())
}

/// Told to the window when a second launch asks for practice mode.
pub const PRACTICE_REQUESTED: &str = "practice-requested";

/// How the window was started (its command line, read by `main`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Launch {
    /// `--practice`: open on the practice domains.
    pub practice: bool,
}

/// [`setup`] for a window started with `launch`.
pub fn setup_with<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    launch: Launch,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state::AppState::new(
            state::LabSettings::from_env(),
            launch.practice,
        ))
        .manage(persist::StoreCell::default())
        .invoke_handler(tauri::generate_handler![
            commands::catalog::normalise_domain,
            commands::catalog::list_providers,
            commands::check::run_check,
            commands::check::cancel_check,
            commands::check::reword_report,
            commands::check::report_document,
            commands::check::recent_checks,
            commands::check::last_snapshot,
            commands::catalog::startup_notice,
            commands::wait::start_wait,
            commands::wait::resume_wait,
            commands::wait::stop_wait,
            commands::catalog::detect_dns_host,
            commands::repair::verify_rows,
            commands::apply::apply_target,
            commands::apply::apply_preview,
            commands::apply::apply_changes,
            commands::apply::apply_journal,
            commands::apply::apply_undo,
            commands::apply::forget_keys,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::settings::save_session,
            commands::settings::restore_session,
            commands::settings::os_locale,
            commands::files::export_snapshot,
            commands::files::export_report,
            commands::files::open_snapshot,
            commands::files::open_link,
            commands::files::copy_text,
            commands::practice::practice_scenarios,
            commands::practice::practice_status,
            commands::practice::practice_start,
            commands::practice::practice_stop,
            commands::practice::practice_edit,
            commands::practice::practice_reset,
        ])
}

pub fn run(launch: Launch) {
    // A second launch hands over to the running window (focused) and ends, instead of a rival
    // window writing the same saved state. Registered first, as the plugin asks.
    let builder =
        tauri::Builder::default().plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            use tauri::{Emitter, Manager};
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
            // `mxdoctor-app --practice` while a window is open (scripts/run with no internet):
            // the open window goes into practice mode, as the second launch asked.
            if args.iter().skip(1).any(|a| a == "--practice") {
                let _ = app.emit(PRACTICE_REQUESTED, ());
            }
        }));
    if let Err(e) = setup_with(builder, launch).run(tauri::generate_context!()) {
        eprintln!("MX Doctor could not start: {e}");
        std::process::exit(1);
    }
}

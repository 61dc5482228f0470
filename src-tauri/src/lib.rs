//! MX Doctor's desktop wizard. This file only wires plugins, state and the command list; the
//! commands live in `commands/`, the logic in mxdoctor-core.

#![deny(unsafe_code)]

pub mod commands;
pub mod error;
pub mod state;

/// The builder with every plugin, the state and the commands: `run` starts it, tests build it
/// on a mock runtime.
pub fn builder<R: tauri::Runtime>() -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .plugin(tauri_plugin_store::Builder::default().build())
        .manage(state::AppState {
            lab: state::LabSettings::from_env(),
            ..state::AppState::default()
        })
        .invoke_handler(tauri::generate_handler![
            commands::catalog::normalise_domain,
            commands::catalog::list_providers,
            commands::check::run_check,
            commands::check::cancel_check,
        ])
}

pub fn run() {
    if let Err(e) = builder::<tauri::Wry>().run(tauri::generate_context!()) {
        eprintln!("MX Doctor could not start: {e}");
        std::process::exit(1);
    }
}

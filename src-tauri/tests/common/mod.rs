//! Shared by the command tests: the app on Tauri's mock runtime, with its store in a folder of
//! the test process's own, and one IPC call as the window makes it.

use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

pub fn app(name: &str) -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let data = std::env::temp_dir().join(format!("mxdoctor-{name}-{}", std::process::id()));
    std::env::set_var("XDG_DATA_HOME", &data);
    let app = mxdoctor_app::setup(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a window");
    (app, window)
}

/// The command's answer, or the `{code, message}` error it rejected with.
pub fn invoke(
    window: &tauri::WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

/// The scenario zones of `tests/zones` served on loopback, with the app told their DNS host
/// port (`MXDOCTOR_AUTH_PORT`, read when the app starts).
#[allow(dead_code)] // Not every test binary needs a DNS world.
pub fn lab(runtime: &tokio::runtime::Runtime) -> mxdoctor_dnsworld::Lab {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/zones");
    let zones = mxdoctor_dnsworld::load_dir(&dir)
        .unwrap()
        .into_values()
        .collect();
    let lab = runtime
        .block_on(mxdoctor_dnsworld::Lab::start(zones, Vec::new()))
        .unwrap();
    std::env::set_var("MXDOCTOR_AUTH_PORT", lab.auth_port.to_string());
    lab
}

/// True when `verify_rows` said `state` of every row (and there were rows).
#[allow(dead_code)]
pub fn every_row_is(checks: &Value, state: &str) -> bool {
    let rows = checks.as_array().expect("a list of row checks");
    !rows.is_empty() && rows.iter().all(|c| c["state"] == state)
}

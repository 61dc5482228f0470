//! The store file on its own (its own process, so no other test writes the same file): an
//! unreadable one is moved aside with a message, never overwritten.

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindowBuilder;

fn app() -> (tauri::App<MockRuntime>, tauri::WebviewWindow<MockRuntime>) {
    let data = std::env::temp_dir().join(format!("mxdoctor-store-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    std::env::set_var("XDG_DATA_HOME", &data);
    let app = mxdoctor_app::setup(mock_builder())
        .build(mock_context(noop_assets()))
        .expect("the app builds on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("a window");
    (app, window)
}

fn invoke(
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

#[test]
fn an_unreadable_store_is_moved_aside_with_a_message_and_the_app_starts_fresh() {
    use tauri::Manager;

    let (app, window) = app();
    let dir = app.path().app_data_dir().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(mxdoctor_app::persist::STORE_FILE);
    std::fs::write(&file, "{ not json \u{1F4A5}").unwrap();
    let notice = invoke(&window, "startup_notice", json!({})).unwrap();
    let text = notice.as_str().expect("a message for the user");
    assert!(
        text.contains("could not be read") && text.contains("set-aside"),
        "{text}"
    );
    let aside: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("set-aside"))
        .collect();
    assert_eq!(aside.len(), 1);
    assert_eq!(
        std::fs::read_to_string(&aside[0]).unwrap(),
        "{ not json \u{1F4A5}"
    );
    // Fresh: no wait to resume, and the history is empty.
    assert_eq!(
        invoke(&window, "recent_checks", json!({})).unwrap(),
        json!([])
    );
}

//! The Tauri commands through Tauri's mock runtime, as the webview would call them over IPC.
//! The backend enforces the permission matrix even for a request the UI never offers.

use govbench_core::KdfParams;
use govbench_desktop::{AppState, Settings};
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::Manager;

struct Harness {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
}

fn harness() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data_dir: dir.path().join("data"),
        keyring_service: None,
        kdf: KdfParams::TESTING,
    };
    harness_with(dir, settings)
}

/// An app instance on `settings`; a second one on the same settings is a restart.
fn harness_with(dir: tempfile::TempDir, settings: Settings) -> Harness {
    let app = mock_builder()
        .invoke_handler(govbench_desktop::invoke_handler())
        .build(mock_context(noop_assets()))
        .unwrap();
    app.manage(Arc::new(AppState::new(settings)));
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Harness {
        _dir: dir,
        _app: app,
        webview,
    }
}

impl Harness {
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn login(&self, user: &str) -> Value {
        let startup = self
            .invoke("startup_state", json!({ "request": {} }))
            .unwrap();
        let demo = startup["recent"][0]["path"].as_str().unwrap().to_owned();
        self.invoke(
            "login",
            json!({ "request": { "workspace": demo, "user": user, "passphrase": "govbench-demo", "remember": false } }),
        )
        .unwrap()
    }
}

fn file_command() -> Value {
    json!({ "request": { "feature": "requirement", "command": { "type": "file", "submit": true, "draft": {
        "title": "越权提交 over IPC", "scenario": "s", "goals": "g",
        "kpis": [{ "metric": "accuracy", "comparator": "at_least", "target": 90.0, "unit": "%" }],
        "priority": "high", "department": "审计部", "wanted_by": "2030-01-01" } } } })
}

#[test]
fn startup_creates_the_demo_and_lists_it() {
    let h = harness();
    let startup = h.invoke("startup_state", json!({ "request": {} })).unwrap();
    assert_eq!(startup["recent"][0]["is_demo"], json!(true));
    assert!(startup["demo_users"].as_array().unwrap().len() >= 6);
    assert_eq!(startup["session"], Value::Null);
}

#[test]
fn commands_need_a_session() {
    let h = harness();
    let err = h.invoke("dashboard", json!({ "request": {} })).unwrap_err();
    assert_eq!(err["code"], json!("not_logged_in"));
    assert_eq!(err["message_key"], json!("error.not_logged_in"));
}

#[test]
fn auditor_is_refused_a_write_sent_straight_over_ipc() {
    let h = harness();
    let session = h.login("qian.hui");
    assert_eq!(session["user"]["role"], json!("Auditor"));
    let total = |h: &Harness| {
        h.invoke("dashboard", json!({ "request": {} })).unwrap()["sections"][0]["summary"]["total"]
            .clone()
    };
    let total_before = total(&h);
    // The UI shows the auditor no "new requirement" button; the backend refuses regardless.
    let err = h.invoke("execute", file_command()).unwrap_err();
    assert_eq!(err["code"], json!("forbidden"));
    assert_eq!(err["details"]["role"], json!("role.auditor"));
    assert_eq!(total(&h), total_before);
    assert!(total_before.as_u64().is_some_and(|n| n >= 10));
    assert_eq!(
        h.invoke("audit_verify", json!({ "request": {} })).unwrap()["first_bad"],
        Value::Null
    );
}

#[test]
fn business_files_over_ipc_and_sees_the_detail() {
    let h = harness();
    h.login("he.na");
    let outcome = h.invoke("execute", file_command()).unwrap();
    assert_eq!(outcome["entity"]["kind"], json!("requirement"));
    let id = outcome["entity"]["id"].clone();
    let detail = h
        .invoke("requirement_get", json!({ "request": id }))
        .unwrap();
    assert_eq!(detail["requirement"]["status"], json!("submitted"));
    assert_eq!(detail["history"]["items"][0]["actor"], json!("he.na"));
    assert_eq!(detail["history"]["total"], json!(1));
    let err = h
        .invoke(
            "execute",
            json!({ "request": { "feature": "requirement",
                "command": { "type": "start_assessment", "id": detail["requirement"]["id"] } } }),
        )
        .unwrap_err();
    assert_eq!(err["code"], json!("forbidden"));
    h.invoke("logout", json!({ "request": { "forget": false } }))
        .unwrap();
    assert_eq!(
        h.invoke("dashboard", json!({ "request": {} })).unwrap_err()["code"],
        json!("not_logged_in")
    );
}

#[test]
fn wrong_passphrase_is_a_translatable_error() {
    let h = harness();
    let startup = h.invoke("startup_state", json!({ "request": {} })).unwrap();
    let demo = startup["recent"][0]["path"].as_str().unwrap().to_owned();
    let err = h
        .invoke("login", json!({ "request": { "workspace": demo, "user": "he.na", "passphrase": "nope", "remember": false } }))
        .unwrap_err();
    assert_eq!(err["code"], json!("wrong_credentials"));
}

/// "Remember me" with the machine's real keyring (CI: gnome-keyring in a private D-Bus
/// session, GOVBENCH_REQUIRE_KEYRING=1). A restart opens straight into the session; logging
/// out with "forget" removes the key, and the next start asks again.
#[test]
fn remembered_login_survives_a_restart_until_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings {
        data_dir: dir.path().join("data"),
        keyring_service: Some(format!("govbench-ipc-test-{}", std::process::id())),
        kdf: KdfParams::TESTING,
    };
    let first = harness_with(tempfile::tempdir().unwrap(), settings.clone());
    let startup = first
        .invoke("startup_state", json!({ "request": {} }))
        .unwrap();
    let demo = startup["recent"][0]["path"].as_str().unwrap().to_owned();
    let session = first
        .invoke(
            "login",
            json!({ "request": { "workspace": demo, "user": "he.na", "passphrase": "govbench-demo", "remember": true } }),
        )
        .unwrap();
    if session["remembered"] != json!(true) {
        assert!(
            std::env::var_os("GOVBENCH_REQUIRE_KEYRING").is_none(),
            "keyring unusable"
        );
        eprintln!("skipped: no usable keyring here");
        return;
    }
    drop(first);

    let second = harness_with(tempfile::tempdir().unwrap(), settings.clone());
    let startup = second
        .invoke("startup_state", json!({ "request": {} }))
        .unwrap();
    assert_eq!(startup["session"]["user"]["name"], json!("he.na"));
    assert_eq!(startup["session"]["remembered"], json!(true));
    assert!(second.invoke("dashboard", json!({ "request": {} })).is_ok());
    second
        .invoke("logout", json!({ "request": { "forget": true } }))
        .unwrap();
    drop(second);

    let third = harness_with(tempfile::tempdir().unwrap(), settings);
    let startup = third
        .invoke("startup_state", json!({ "request": {} }))
        .unwrap();
    assert_eq!(startup["session"], Value::Null);
    drop(dir);
}

//! The desktop shell. Only this crate knows Tauri and IPC: each command below takes one
//! `request` DTO from `govbench-protocol`, runs the matching `govbench-core` use case on a
//! blocking thread (so the window never freezes), and returns the DTO or the public error.

mod recent;
mod shell;

pub use shell::{AppState, Settings};

use govbench_protocol::{
    ApiError, AuditReport, Command, CommandOutcome, CreateWorkspaceRequest, Dashboard,
    LoginRequest, RequirementDetail, RequirementId, RequirementPage, RequirementQuery, SessionInfo,
    StartupState, UserSummary,
};
use serde::Deserialize;
use std::sync::Arc;
use tauri::{AppHandle, Manager, Runtime, State};

type Shared = Arc<AppState>;

#[derive(Debug, Deserialize)]
pub struct LogoutRequest {
    /// Also remove this device's remembered key.
    #[serde(default)]
    pub forget: bool,
}

#[derive(Debug, Deserialize)]
pub struct PickRequest {
    /// A save dialog (new workspace) rather than an open dialog.
    #[serde(default)]
    pub save: bool,
}

#[tauri::command]
async fn startup_state(state: State<'_, Shared>) -> Result<StartupState, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.startup_state()).await
}

#[tauri::command]
async fn login(state: State<'_, Shared>, request: LoginRequest) -> Result<SessionInfo, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.login(request)).await
}

#[tauri::command]
async fn logout(state: State<'_, Shared>, request: LogoutRequest) -> Result<(), ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.logout(request.forget)).await
}

#[tauri::command]
async fn create_workspace(
    state: State<'_, Shared>,
    request: CreateWorkspaceRequest,
) -> Result<SessionInfo, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.create_workspace(request)).await
}

#[tauri::command]
async fn pick_workspace_file<R: Runtime>(
    app: AppHandle<R>,
    request: PickRequest,
) -> Result<Option<String>, ApiError> {
    use tauri_plugin_dialog::DialogExt;
    // End-to-end tests cannot drive the native GTK dialog through WebDriver; they name the
    // file the dialog would have returned.
    if let Some(path) = std::env::var_os("GOVBENCH_E2E_PICK") {
        return Ok(Some(std::path::PathBuf::from(path).display().to_string()));
    }
    shell::blocking(move || {
        let dialog = app.dialog().file().add_filter("Govbench", &["govbench"]);
        let picked = if request.save {
            dialog
                .set_file_name("workspace.govbench")
                .blocking_save_file()
        } else {
            dialog.blocking_pick_file()
        };
        Ok(picked
            .and_then(|p| p.into_path().ok())
            .map(|p| p.display().to_string()))
    })
    .await
}

#[tauri::command]
async fn execute(state: State<'_, Shared>, request: Command) -> Result<CommandOutcome, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.execute(request))).await
}

#[tauri::command]
async fn requirements_list(
    state: State<'_, Shared>,
    request: RequirementQuery,
) -> Result<RequirementPage, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.requirements(&request))).await
}

#[tauri::command]
async fn requirement_get(
    state: State<'_, Shared>,
    request: RequirementId,
) -> Result<RequirementDetail, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.requirement(request))).await
}

#[tauri::command]
async fn dashboard(state: State<'_, Shared>) -> Result<Dashboard, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.dashboard())).await
}

#[tauri::command]
async fn audit_verify(state: State<'_, Shared>) -> Result<AuditReport, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.verify_audit())).await
}

#[tauri::command]
async fn users_list(state: State<'_, Shared>) -> Result<Vec<UserSummary>, ApiError> {
    let state = state.inner().clone();
    shell::blocking(move || state.with_session(|s| s.users())).await
}

/// The app's commands, shared by the real app and the mock-runtime tests.
pub fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        startup_state,
        login,
        logout,
        create_workspace,
        pick_workspace_file,
        execute,
        requirements_list,
        requirement_get,
        dashboard,
        audit_verify,
        users_list,
    ]
}

pub fn run() {
    let result = tauri::Builder::default()
        // First: a second launch hands over to the running instance, which comes to the front.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let settings = Settings::from_env(app.path().app_data_dir()?);
            app.manage(Arc::new(AppState::new(settings)));
            Ok(())
        })
        .invoke_handler(invoke_handler())
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("govbench-desktop: {e}");
        std::process::exit(1);
    }
}

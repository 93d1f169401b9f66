//! Typed calls to the Tauri backend (`window.__TAURI__.core.invoke`). Every command takes one
//! argument named `request`; errors arrive as `ApiError` JSON.

use govbench_protocol::{
    ApiError, AuditReport, Command, CommandOutcome, CreateWorkspaceRequest, Dashboard,
    LoginRequest, RequirementDetail, RequirementId, RequirementPage, RequirementQuery, SessionInfo,
    StartupState, UserSummary,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::text::bridge_error;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = ["window", "__TAURI__", "core"], catch)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Serialize)]
struct Args<'a, T: Serialize> {
    request: &'a T,
}

#[derive(Serialize)]
struct NoArgs {}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct LogoutRequest {
    /// Also remove the remembered device key from the OS keyring.
    pub forget: bool,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct PickFileRequest {
    /// A save dialog (new file) rather than an open dialog.
    pub save: bool,
}

fn to_js<T: Serialize>(value: &T) -> ApiResult<JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| bridge_error(e.to_string()))
}

/// Errors from the backend are `ApiError` JSON; anything else (no Tauri bridge, a panic, an
/// unknown command) becomes an internal error with the JS text as its reason.
fn to_api_error(err: JsValue) -> ApiError {
    if let Ok(api) = serde_wasm_bindgen::from_value::<ApiError>(err.clone()) {
        return api;
    }
    if let Some(text) = err.as_string() {
        if let Ok(api) = serde_json::from_str::<ApiError>(&text) {
            return api;
        }
        return bridge_error(text);
    }
    let text = js_sys::JSON::stringify(&err)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| "unknown".to_owned());
    bridge_error(text)
}

fn has_bridge() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    js_sys::Reflect::get(&window, &JsValue::from_str("__TAURI__"))
        .map(|v| !v.is_undefined() && !v.is_null())
        .unwrap_or(false)
}

async fn call<R: DeserializeOwned>(cmd: &str, args: JsValue) -> ApiResult<R> {
    if !has_bridge() {
        return Err(bridge_error(
            "window.__TAURI__ is missing (not running inside Govbench)",
        ));
    }
    let value = invoke(cmd, args).await.map_err(to_api_error)?;
    serde_wasm_bindgen::from_value(value).map_err(|e| bridge_error(format!("{cmd}: {e}")))
}

async fn call_with<T: Serialize, R: DeserializeOwned>(cmd: &str, request: &T) -> ApiResult<R> {
    call(cmd, to_js(&Args { request })?).await
}

async fn call_without<R: DeserializeOwned>(cmd: &str) -> ApiResult<R> {
    call(cmd, to_js(&NoArgs {})?).await
}

pub async fn startup_state() -> ApiResult<StartupState> {
    call_without("startup_state").await
}

pub async fn login(request: &LoginRequest) -> ApiResult<SessionInfo> {
    call_with("login", request).await
}

pub async fn logout(forget: bool) -> ApiResult<()> {
    call_with("logout", &LogoutRequest { forget }).await
}

pub async fn create_workspace(request: &CreateWorkspaceRequest) -> ApiResult<SessionInfo> {
    call_with("create_workspace", request).await
}

pub async fn pick_workspace_file(save: bool) -> ApiResult<Option<String>> {
    call_with("pick_workspace_file", &PickFileRequest { save }).await
}

pub async fn execute(command: &Command) -> ApiResult<CommandOutcome> {
    call_with("execute", command).await
}

pub async fn requirements_list(query: &RequirementQuery) -> ApiResult<RequirementPage> {
    call_with("requirements_list", query).await
}

pub async fn requirement_get(id: &RequirementId) -> ApiResult<RequirementDetail> {
    call_with("requirement_get", id).await
}

pub async fn dashboard() -> ApiResult<Dashboard> {
    call_without("dashboard").await
}

pub async fn audit_verify() -> ApiResult<AuditReport> {
    call_without("audit_verify").await
}

pub async fn users_list() -> ApiResult<Vec<UserSummary>> {
    call_without("users_list").await
}

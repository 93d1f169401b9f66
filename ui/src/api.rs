//! Typed calls to the Tauri backend (`window.__TAURI__.core.invoke`): one generic [`call`] per
//! endpoint type of `govbench_protocol::endpoint`, so command names and request/response types
//! come from the one list the backend implements. Every command takes one argument named
//! `request`; errors arrive as `ApiError` JSON.

use govbench_protocol::endpoint::{self, Endpoint};
use govbench_protocol::{ApiError, Command, CommandOutcome};
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

/// Calls endpoint `E` with `request`.
pub async fn call<E: Endpoint>(request: &E::Request) -> ApiResult<E::Response> {
    if !has_bridge() {
        return Err(bridge_error(
            "window.__TAURI__ is missing (not running inside Govbench)",
        ));
    }
    let args = to_js(&Args { request })?;
    let value = invoke(E::NAME, args).await.map_err(to_api_error)?;
    serde_wasm_bindgen::from_value(value).map_err(|e| bridge_error(format!("{}: {e}", E::NAME)))
}

/// Runs one write (of any feature) through the backend's write path.
pub async fn execute(command: impl Into<Command>) -> ApiResult<CommandOutcome> {
    call::<endpoint::Execute>(&command.into()).await
}

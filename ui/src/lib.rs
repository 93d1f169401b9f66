//! Govbench's Yew user interface.
//!
//! The pure parts (form state, validation, filters, text formatting, navigation data) build
//! everywhere and are unit-tested natively; the views and the bridge to the Tauri backend only
//! exist on wasm32.

pub mod nav;
pub mod state;
pub mod text;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod pages;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

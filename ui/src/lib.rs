//! Govbench's Yew user interface.
//!
//! The pure parts (form state, validation, filters, dates, text formatting, navigation data)
//! build everywhere and are unit-tested natively; the views, hooks and the bridge to the Tauri
//! backend only exist on wasm32.
//!
//! - `app/` — the root: context, route table, shell, login;
//! - `features/<feature>/` — one folder per feature: its pages, its components, its state;
//! - `components/` — generic view pieces every feature uses; `hooks` — fetching and commands;
//! - `state/`, `text`, `nav` — shared pure code.

pub mod features;
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
mod hooks;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

//! Govbench's Yew user interface.
//!
//! The pure parts (form state, validation, filters, dates, text formatting, navigation data)
//! build everywhere and are unit-tested natively; the views, hooks and the bridge to the Tauri
//! backend only exist on wasm32.
//!
//! - `app/` — the root: route table, shell, login; nothing imports it but `start`;
//! - `features/<feature>/` — one folder per feature: its pages, its components, its state;
//! - `components/` — generic view pieces every feature uses; `hooks` — fetching and commands;
//! - `context` (what every page may read) and `route` (the pages' routes) — below all of
//!   these, so components and hooks never reach up into `app`;
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
mod context;
#[cfg(target_arch = "wasm32")]
mod hooks;
#[cfg(target_arch = "wasm32")]
mod route;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<app::App>::new().render();
}

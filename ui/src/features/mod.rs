//! One folder per feature. A feature adds its folder, a line here, its routes
//! (`app/routes.rs`), its nav entry (`nav.rs`) and its dashboard card (`dashboard.rs`).

pub mod assessments;
pub mod drills;
pub mod incidents;
pub mod models;
pub mod requirements;
pub mod sharing;
pub mod trust;
pub mod users;

#[cfg(target_arch = "wasm32")]
pub mod dashboard;

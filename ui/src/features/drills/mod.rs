//! Drills (policy §2.3.2): the template library with its editor, plans and when they are
//! due, the full-screen keyboard runner with its live clock, the drill report, and the
//! dashboard card. Drills are labelled as drills everywhere.
//!
//! The shape of every feature: pages here, pure state in `state`, tested natively.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod overview;
#[cfg(target_arch = "wasm32")]
mod report;
#[cfg(target_arch = "wasm32")]
mod runner;
#[cfg(target_arch = "wasm32")]
mod template;

#[cfg(target_arch = "wasm32")]
pub use card::DrillsCard;
#[cfg(target_arch = "wasm32")]
pub use overview::DrillsPage;
#[cfg(target_arch = "wasm32")]
pub use report::DrillRunPage;
#[cfg(target_arch = "wasm32")]
pub use runner::RunnerPage;
#[cfg(target_arch = "wasm32")]
pub use template::TemplateEditorPage;

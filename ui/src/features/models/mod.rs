//! Models, versions and evaluation reports: the inventory, a model's page (versions and the
//! go-live gate, KPI policy, trends, live timeline), the import with preview, the report page
//! (verdicts, failing samples, review, decision) and a side-by-side comparison.
//!
//! The shape of every feature: pages here, pure state in `state`, tested natively.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod chart;
#[cfg(target_arch = "wasm32")]
mod compare;
#[cfg(target_arch = "wasm32")]
mod detail;
#[cfg(target_arch = "wasm32")]
mod evaluation;
#[cfg(target_arch = "wasm32")]
mod import;
#[cfg(target_arch = "wasm32")]
mod list;

#[cfg(target_arch = "wasm32")]
pub use card::ModelsCard;
#[cfg(target_arch = "wasm32")]
pub use compare::ComparePage;
#[cfg(target_arch = "wasm32")]
pub use detail::ModelDetailPage;
#[cfg(target_arch = "wasm32")]
pub use evaluation::EvaluationPage;
#[cfg(target_arch = "wasm32")]
pub use import::ImportPage;
#[cfg(target_arch = "wasm32")]
pub use list::ModelsPage;

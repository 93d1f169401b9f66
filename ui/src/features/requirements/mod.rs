//! Requirement intake (policy §2.1.1): list, new, detail with the lifecycle's actions, and the
//! dashboard card.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod badges;
#[cfg(target_arch = "wasm32")]
mod card;
#[cfg(target_arch = "wasm32")]
mod detail;
#[cfg(target_arch = "wasm32")]
mod draft_form;
#[cfg(target_arch = "wasm32")]
mod list;
#[cfg(target_arch = "wasm32")]
mod new;

#[cfg(target_arch = "wasm32")]
pub use card::RequirementsCard;
#[cfg(target_arch = "wasm32")]
pub use detail::DetailPage;
#[cfg(target_arch = "wasm32")]
pub use list::ListPage;
#[cfg(target_arch = "wasm32")]
pub use new::NewRequirementPage;

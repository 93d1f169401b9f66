//! A shared workspace (issue 20): the header's link indicator, the Sharing page (where this
//! copy stands, the member's conflicts, sharing the workspace) and the join dialog of the
//! login screen.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod chip;
#[cfg(target_arch = "wasm32")]
mod forms;
#[cfg(target_arch = "wasm32")]
mod page;

#[cfg(target_arch = "wasm32")]
pub use chip::SharingChip;
#[cfg(target_arch = "wasm32")]
pub use forms::JoinDialog;
#[cfg(target_arch = "wasm32")]
pub use page::SharingPage;

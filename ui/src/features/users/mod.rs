//! Users: everyone sees who has access; administrators add and remove users.

pub mod state;

#[cfg(target_arch = "wasm32")]
mod devices;
#[cfg(target_arch = "wasm32")]
mod page;

#[cfg(target_arch = "wasm32")]
pub use page::UsersPage;

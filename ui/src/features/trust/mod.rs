//! Integrity and backups: verification with what it proved, anchors from printed reports,
//! this device's backups and verified restore, and key rotation for admins.

#[cfg(target_arch = "wasm32")]
mod page;

#[cfg(target_arch = "wasm32")]
pub use page::TrustPage;

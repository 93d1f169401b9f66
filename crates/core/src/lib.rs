//! Govbench's core: the domain, the encrypted workspace, the audit chain, the permission
//! matrix and the API use cases every front end — the desktop shell and the `govbench` CLI —
//! calls on a [`Session`]. It knows nothing of Tauri, IPC or JSON transport.
//!
//! Layers, each using only those above it: infrastructure (`clock`, `error`, `store`,
//! `keyslots`, `authz`, `audit`, `remember`) → `access` (the session and its two doors) and
//! `write::Context`/`Change` → `shared` services (history, comments, search, lifecycle,
//! validation) → `features` → the write path (`write`) and opening workspaces (`session`).

mod access;
pub mod audit;
pub mod authz;
pub mod backup;
pub mod change;
pub mod clock;
mod crash;
pub mod demo;
mod durable;
pub mod error;
pub mod features;
#[doc(hidden)]
pub mod generator;
pub mod keyslots;
pub(crate) mod kinds;
pub(crate) mod members;
pub mod receive;
mod regular;
pub mod remember;
mod replay;
pub mod schema;
pub mod session;
pub mod shared;
pub mod sharing;
pub mod store;
mod verify;
pub mod wire;
pub mod witness;
pub mod write;

pub use access::Backups;
pub use access::{Hold, Reader, Session};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ApiResult, CoreError, CoreResult};
pub use features::assessments::verify_pack;
pub use keyslots::{DataKey, KdfParams, KeySlots, UserSecret};
pub use remember::{DeviceKeyring, Remembered};
pub use session::{create_workspace, login, open_remembered, CreateOptions};
pub use witness::Witness;

/// The re-check of every event as its author's action, alone (for the verification
/// benchmark, which times it beside the chain and signature pass). Returns the events checked
/// and the first that fails, as (copy, seq, problem).
#[doc(hidden)]
pub fn recheck_all(conn: &rusqlite::Connection) -> CoreResult<(u64, Option<replay::FirstBad>)> {
    replay::check_all(conn)
}

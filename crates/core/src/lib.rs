//! Govbench's core: the domain, the encrypted workspace, the audit chain, the permission
//! matrix and the API use cases ([`session`]) that every front end — the desktop shell and the
//! `govbench` CLI — calls. It knows nothing of Tauri, IPC or JSON transport.

pub mod audit;
pub mod authz;
pub mod clock;
pub mod demo;
pub mod error;
#[doc(hidden)]
pub mod generator;
pub mod keyslots;
pub mod remember;
pub mod requirements;
pub mod session;
pub mod store;
pub mod users;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{CoreError, CoreResult};
pub use keyslots::{DataKey, KdfParams, KeySlots};
pub use remember::DeviceKeyring;
pub use session::{create_workspace, login, open_with_key, ApiResult, CreateOptions, Session};

//! The quarterly assessment (policy §6: each quarter the departments analyse how the policy
//! was carried out and adjust the strategy): a scorecard computed from every feature module
//! (each contributes its section through its `assessment.rs`, read by `scorecard`), the meeting's
//! record with its strategy adjustments tracked as actions, the project manager's signature
//! (which freezes the scorecard) and an Admin's approval; and the exports an auditor takes
//! away — the PDF report and the sealed audit pack — each recorded in the log with the chain
//! head it prints.
//!
//! The shape of every feature module (see `requirements`), plus `scorecard` (the sections put
//! together), `export` (report and pack written outside the transaction, recorded inside it)
//! and `pack` (the pack's format and its verification: offline against the exporter's key
//! fingerprint, or against the workspace's log; without either, integrity only).

mod api;
mod apply;
pub mod export;
pub(crate) mod lifecycle;
pub mod pack;
pub(crate) mod reach;
#[doc(hidden)]
pub mod samples;
pub(crate) mod schema;
pub(crate) mod scopes;
pub mod scorecard;
mod store;
mod validate;

pub use api::verify_pack;
pub(crate) use apply::{apply, prepare};
pub(crate) use store::{find, find_export, put, put_export};

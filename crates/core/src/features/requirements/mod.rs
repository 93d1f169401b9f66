//! Requirement intake (policy §2.1.1): Business files scenario, goals and expected KPIs, R&D
//! assesses feasibility and drafts a plan, the project manager decides, schedules and tracks
//! delivery.
//!
//! The shape every feature module has:
//! - `lifecycle` — the statuses and the steps between them, as data;
//! - `validate` — checks of every input, all field errors at once;
//! - `store` — the stored record (also its audit image), its table and search index;
//! - `apply` — one command → one `Change`, inside the write path's transaction;
//! - `reach` — what each action may change of a record, which verification re-checks;
//! - `queries` — lists, details, dashboard figures;
//! - `api` — the use cases front ends call, each behind the read door;
//! - `samples` — one instance of every command and read, for the role-matrix tests.

mod api;
mod apply;
pub(crate) mod assessment;
pub(crate) mod lifecycle;
mod queries;
pub(crate) mod reach;
pub(crate) mod samples;
pub(crate) mod schema;
mod store;
mod validate;

pub(crate) use apply::apply;
pub(crate) use queries::summary_of as summary;
pub(crate) use store::{exists, find, insert, put, update, Record};

use govbench_protocol::EntityKind;

pub const ENTITY: EntityKind = EntityKind::Requirement;

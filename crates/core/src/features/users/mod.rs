//! Users and their roles. Adding a user also adds a key slot; removing one removes the slot
//! (the row stays, inactive, so history keeps its names). Same module shape as requirements;
//! users have no lifecycle beyond active/removed.

mod api;
mod apply;
pub(crate) mod assessment;
pub(crate) mod reach;
pub(crate) mod samples;
mod validate;

/// The members' records are infrastructure (who may act is read before any feature runs);
/// this feature's commands and pages use them as its store.
use crate::members as store;

pub(crate) use apply::{apply, prepare, KeyChanges};
pub(crate) use store::{deactivate, insert, Record};
pub(crate) use validate::validate_fields;

use govbench_protocol::EntityKind;

pub const ENTITY: EntityKind = EntityKind::User;

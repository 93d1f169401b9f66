//! Users and their roles. Adding a user also adds a key slot; removing one removes the slot
//! (the row stays, inactive, so history keeps its names). Same module shape as requirements;
//! users have no lifecycle beyond active/removed.

mod api;
mod apply;
pub(crate) mod assessment;
pub(crate) mod reach;
pub(crate) mod samples;
mod store;
mod validate;

pub(crate) use apply::{apply, prepare};
pub(crate) use store::{
    active_names, display_names, exists, find, find_any, find_by_name_any, has_events,
    inactive_names, insert, key_holders, user_ref,
};
pub(crate) use store::{deactivate, Record};
pub(crate) use validate::validate_fields;

use govbench_protocol::EntityKind;

pub const ENTITY: EntityKind = EntityKind::User;

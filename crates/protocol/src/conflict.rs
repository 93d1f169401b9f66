//! A shared workspace's conflicts: a member's waiting edit the server turned down because
//! what it was based on changed meanwhile on another desk, kept for its author.

use crate::EntityRef;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

keyed_enum! {
    /// Why an edit is a conflict.
    pub enum ConflictReason {
        /// The server turned it down: the record changed meanwhile.
        Stale = "stale",
        /// It came after one that was turned down, and no longer fits the record.
        Behind = "behind",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: Uuid,
    pub found_at: DateTime<Utc>,
    pub entity: EntityRef,
    /// The action's key (`incident.add_note`).
    pub action: String,
    /// When its author wrote it (as the event says).
    pub written_at: String,
    pub reason: ConflictReason,
    /// Who changed the record meanwhile (their name once this copy knows it), and when.
    pub theirs_by: Option<String>,
    pub theirs_at: Option<String>,
    /// The record as the author's edit left it (its image, JSON).
    pub mine: Option<String>,
}

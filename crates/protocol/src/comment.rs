//! Comment threads on any entity (a shared service every feature reuses).

use crate::{CommentId, EntityRef, UserRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    /// The record the comment is on.
    pub on: EntityRef,
    pub author: UserRef,
    pub at: DateTime<Utc>,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CommentCommand {
    /// Adds a comment to the thread of `on`; the author must be allowed to read `on`.
    Add { on: EntityRef, body: String },
}

impl CommentCommand {
    pub fn action(&self) -> CommentAction {
        match self {
            CommentCommand::Add { .. } => CommentAction::Add,
        }
    }
}

keyed_enum! {
    pub enum CommentAction {
        Add = "comment.add",
    }
}

impl CommentAction {
    pub const fn permission(self) -> CommentPermission {
        match self {
            CommentAction::Add => CommentPermission::Add,
        }
    }
}

keyed_enum! {
    pub enum CommentPermission {
        Add = "comment.add",
    }
}

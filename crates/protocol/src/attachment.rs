//! Attachments: evidence files (screenshots, logs, exported chats) on any record, stored
//! encrypted inside the workspace with their SHA-256. A shared service like comments.

use crate::{AttachmentId, EntityRef, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The largest file one attachment may be.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;

/// An attachment's record (its bytes are stored beside it, addressed by their SHA-256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub on: EntityRef,
    pub name: String,
    pub size: u64,
    /// Lower-case hex.
    pub sha256: String,
    pub media_type: String,
    pub added_by: UserId,
    pub added_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentInfo {
    pub attachment: Attachment,
    pub added_by_name: String,
}

impl AttachmentInfo {
    pub fn is_image(&self) -> bool {
        self.attachment.media_type.starts_with("image/")
    }
}

/// An image attachment's bytes, for showing it in the app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentPreview {
    pub media_type: String,
    pub base64: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum AttachmentCommand {
    /// Attaches the file at `path` (read, hashed and stored in one action).
    Add { on: EntityRef, path: String },
}

impl AttachmentCommand {
    pub fn action(&self) -> AttachmentAction {
        match self {
            AttachmentCommand::Add { .. } => AttachmentAction::Add,
        }
    }
}

keyed_enum! {
    pub enum AttachmentAction {
        Add = "attachment.add",
    }
}

impl AttachmentAction {
    pub const fn permission(self) -> AttachmentPermission {
        match self {
            AttachmentAction::Add => AttachmentPermission::Add,
        }
    }
}

keyed_enum! {
    pub enum AttachmentPermission {
        Add = "attachment.add",
    }
}

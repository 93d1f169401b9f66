use crate::{Role, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The one rule for user names, shared by the UI and the backend: ASCII letters, digits, dot,
/// dash and underscore, at most 64. Names compare case-insensitively, and with this alphabet
/// that comparison is the same everywhere (key slots, SQLite's `NOCASE`, the UI): no two
/// people can hold names one place thinks equal and another different (Unicode folding would
/// make `K` and the Kelvin sign `K` one name in one place and two in another).
pub fn is_valid_user_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub name: String,
    pub display_name: String,
    pub role: Role,
}

/// A user as shown next to records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: UserId,
    pub name: String,
    pub display_name: String,
}

/// A user to add; the passphrase creates the user's key slot and is never stored.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    pub passphrase: String,
}

impl std::fmt::Debug for NewUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUser")
            .field("name", &self.name)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Every change to the workspace's members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum UserCommand {
    /// Adds a user with their own key slot.
    Create { user: NewUser },
    /// Removes a user's key slot; the record stays (inactive) so history keeps its names.
    Remove { id: UserId },
    /// Gives the logged-in member a fresh key pair: the private half wrapped in their slot
    /// under `passphrase`, the public half registered in their record (the event is signed
    /// with their previous key, if they had one). Run at the first login after an upgrade
    /// from a version without signed events.
    Enroll { passphrase: Passphrase },
    /// Re-encrypts the workspace under a new data key and seals it to every active member
    /// (removing a member does this too). Copies of the old key file and data key no longer
    /// open it; what a removed member already copied cannot be taken back.
    RotateKey,
    /// After this device found the workspace older than a copy it saw before (a copy put
    /// back), an Admin confirms in the log that this copy is the one to continue; until then
    /// nobody writes to it here.
    ContinueCopy,
}

/// A passphrase in a command: never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Passphrase(pub String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

impl UserCommand {
    pub fn action(&self) -> UserAction {
        match self {
            UserCommand::Create { .. } => UserAction::Create,
            UserCommand::Remove { .. } => UserAction::Remove,
            UserCommand::Enroll { .. } => UserAction::Enroll,
            UserCommand::RotateKey => UserAction::RotateKey,
            UserCommand::ContinueCopy => UserAction::ContinueCopy,
        }
    }
}

keyed_enum! {
    pub enum UserAction {
        Create = "user.create",
        Remove = "user.remove",
        Enroll = "user.enroll",
        RotateKey = "user.rotate_key",
        ContinueCopy = "user.continue_copy",
    }
}

impl UserAction {
    pub const fn permission(self) -> UserPermission {
        match self {
            UserAction::Create
            | UserAction::Remove
            | UserAction::RotateKey
            | UserAction::ContinueCopy => UserPermission::Manage,
            UserAction::Enroll => UserPermission::OwnKeys,
        }
    }
}

keyed_enum! {
    pub enum UserPermission {
        Read = "user.read",
        Manage = "user.manage",
        /// Renew one's own keys (every member).
        OwnKeys = "user.own_keys",
    }
}

/// A member's device: a copy of the workspace they wrote events on (on a shared workspace,
/// each desk's own copy), how many, and when they wrote the first and the last there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDevice {
    pub user: UserId,
    pub copy_id: String,
    pub events: u64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    /// The copy this session works on.
    pub this_copy: bool,
}

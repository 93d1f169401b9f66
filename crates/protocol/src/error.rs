use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Public error codes. Each has a translation under `error.<key>` in every locale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// User name or passphrase is wrong (deliberately not told apart).
    WrongCredentials,
    WorkspaceNotFound,
    /// The file exists but is not a Govbench workspace, or it is damaged.
    WorkspaceUnreadable,
    /// Written by a newer Govbench; this one refuses to touch it.
    WorkspaceTooNew,
    WorkspaceExists,
    /// SQLite must not be written over network or cloud-synced folders.
    NetworkPath,
    NotLoggedIn,
    Forbidden,
    Validation,
    IllegalTransition,
    NotFound,
    /// Someone else changed the record first.
    Conflict,
    Keyring,
    Io,
    /// Another person or window is saving; nothing was written, try again.
    Busy,
    /// The open workspace file is damaged; restore it from a backup.
    WorkspaceDamaged,
    /// The workspace was re-encrypted under a new key (a member was removed); log in again.
    KeyChanged,
    /// A version may not go live yet; details list what the gate misses.
    GateClosed,
    /// A file to import is not a results file (or changed since the preview); nothing stored.
    ImportRefused,
    /// The workspace is open for reading only: its log failed verification, or this copy is
    /// older than one this device saw. Nothing was written.
    WorkspaceHeld,
    /// An audit pack is refused before anything in it is believed (`reason`:
    /// `pack.refused.<PackRefusal>`, `entry`: the name concerned, if one is).
    PackRefused,
    /// The shared workspace's server could not be reached (`reason`); nothing was shared.
    ServerUnreachable,
    /// The server refused: not a member, access ended, or it disagrees with this copy
    /// (`reason`: `server.refused.<why>`).
    ServerRefused,
    Internal,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 24] = [
        ErrorCode::WrongCredentials,
        ErrorCode::WorkspaceNotFound,
        ErrorCode::WorkspaceUnreadable,
        ErrorCode::WorkspaceTooNew,
        ErrorCode::WorkspaceExists,
        ErrorCode::NetworkPath,
        ErrorCode::NotLoggedIn,
        ErrorCode::Forbidden,
        ErrorCode::Validation,
        ErrorCode::IllegalTransition,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Keyring,
        ErrorCode::Io,
        ErrorCode::Busy,
        ErrorCode::WorkspaceDamaged,
        ErrorCode::KeyChanged,
        ErrorCode::GateClosed,
        ErrorCode::ImportRefused,
        ErrorCode::WorkspaceHeld,
        ErrorCode::PackRefused,
        ErrorCode::ServerUnreachable,
        ErrorCode::ServerRefused,
        ErrorCode::Internal,
    ];

    pub fn key(self) -> &'static str {
        match self {
            ErrorCode::WrongCredentials => "wrong_credentials",
            ErrorCode::WorkspaceNotFound => "workspace_not_found",
            ErrorCode::WorkspaceUnreadable => "workspace_unreadable",
            ErrorCode::WorkspaceTooNew => "workspace_too_new",
            ErrorCode::WorkspaceExists => "workspace_exists",
            ErrorCode::NetworkPath => "network_path",
            ErrorCode::NotLoggedIn => "not_logged_in",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::Validation => "validation",
            ErrorCode::IllegalTransition => "illegal_transition",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Keyring => "keyring",
            ErrorCode::Io => "io",
            ErrorCode::Busy => "busy",
            ErrorCode::WorkspaceDamaged => "workspace_damaged",
            ErrorCode::KeyChanged => "key_changed",
            ErrorCode::GateClosed => "gate_closed",
            ErrorCode::ImportRefused => "import_refused",
            ErrorCode::WorkspaceHeld => "workspace_held",
            ErrorCode::PackRefused => "pack_refused",
            ErrorCode::ServerUnreachable => "server_unreachable",
            ErrorCode::ServerRefused => "server_refused",
            ErrorCode::Internal => "internal",
        }
    }
}

/// The one public error shape: a code, the translation key of its message, and details that
/// the message may interpolate (`{name}` placeholders). For `validation`, details map each
/// invalid field to the translation key of the rule it broke.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {details:?}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message_key: String,
    pub details: BTreeMap<String, String>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        ApiError {
            code,
            message_key: format!("error.{}", code.key()),
            details: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.details.insert(key.into(), value.into());
        self
    }
}

keyed_enum! {
    /// Why a shared workspace's server said no (`server.refused.<key>`).
    pub enum ServerRefusal {
        /// Not a member of the workspace there, or the member's access ended.
        NotMember = "not_member",
        /// The server login may not register workspaces.
        NotAllowedToShare = "not_allowed_to_share",
        AlreadyShared = "already_shared",
        NotShared = "not_shared",
        /// This session is not connected to the server (it could not be reached at login).
        NotConnected = "not_connected",
        /// Its log and this copy's disagree (a fork or a gap in this copy's chain).
        Disagrees = "disagrees",
        /// An event it delivered fails verification.
        Tampered = "tampered",
        OldKey = "old_key",
        FormatTooOld = "format_too_old",
        NotSigner = "not_signer",
        /// The database has no Govbench schema.
        NoServerYet = "no_server_yet",
        /// A join code asked for a member who has a login of their own: it would lock them out.
        MemberHasOwnLogin = "member_has_own_login",
    }
}

use crate::{Permission, Role, UserSummary, WorkspaceId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: WorkspaceId,
    pub path: String,
    pub name: String,
    pub is_demo: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub user: UserSummary,
    pub workspace: WorkspaceInfo,
    pub remembered: bool,
    /// The user's row of the permission matrix, so the UI offers only what the role may do.
    /// The backend enforces the matrix regardless.
    pub permissions: Vec<Permission>,
    /// Why this workspace is open for reading only (its log failed a check, or this copy is
    /// older than one this device saw), as the error every write gets; `None` normally.
    #[serde(default)]
    pub held: Option<crate::ApiError>,
}

impl SessionInfo {
    pub fn may(&self, permission: impl Into<Permission>) -> bool {
        let permission = permission.into();
        self.permissions.contains(&permission)
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub workspace: String,
    pub user: String,
    pub passphrase: String,
    /// Keep the unlocked key in the OS keyring so the next start opens without typing.
    pub remember: bool,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("workspace", &self.workspace)
            .field("user", &self.user)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateWorkspaceRequest {
    pub path: String,
    pub admin_name: String,
    pub admin_display_name: String,
    pub passphrase: String,
}

impl std::fmt::Debug for CreateWorkspaceRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateWorkspaceRequest")
            .field("path", &self.path)
            .field("admin_name", &self.admin_name)
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentWorkspace {
    pub path: String,
    pub name: String,
    pub is_demo: bool,
}

/// What the desktop shell knows before anyone logs in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartupState {
    pub recent: Vec<RecentWorkspace>,
    /// Set when "remember me" reopened a workspace without typing.
    pub session: Option<SessionInfo>,
    /// Preferred locale of the OS (`zh-CN` or `en`).
    pub os_locale: String,
    /// Users of the demo workspace, shown on the login screen of the demo.
    pub demo_users: Vec<DemoUser>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DemoUser {
    pub name: String,
    pub role: Role,
    pub passphrase: String,
}

/// The request of endpoints that take none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoRequest {}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogoutRequest {
    /// Also remove this device's remembered key from the OS keyring.
    #[serde(default)]
    pub forget: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickFileRequest {
    /// A save dialog (new workspace) rather than an open dialog.
    #[serde(default)]
    pub save: bool,
}

keyed_enum! {
    /// Why a backup was made.
    pub enum BackupReason {
        Manual = "manual",
        /// Automatically, before a key rotation or a member's removal.
        BeforeRotation = "before_rotation",
    }
}

/// One backup in the device's backup folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupInfo {
    pub path: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub reason: BackupReason,
    pub bytes: u64,
}

/// What restoring a backup did: the file it was restored to, if its verification passed,
/// and the verification itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreReport {
    pub restored_to: Option<String>,
    pub report: crate::AuditReport,
}

/// Checks the chain against a head printed on an earlier report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnchorRequest {
    pub anchor: String,
}

/// Restores one of the workspace's backups into a new file, for the logged-in user.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRequest {
    pub backup: String,
    pub into: String,
    /// The user's passphrase: the backup opens only with their slot in it.
    pub passphrase: String,
}

impl std::fmt::Debug for RestoreRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RestoreRequest")
            .field("backup", &self.backup)
            .field("into", &self.into)
            .finish_non_exhaustive()
    }
}

/// Where this device keeps backups, and how many: at most `keep_count`, none older than
/// `keep_days` (the newest is always kept).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSettings {
    pub folder: String,
    pub keep_count: u32,
    pub keep_days: u32,
}

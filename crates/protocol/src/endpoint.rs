//! Every IPC endpoint of the desktop app, declared once: its name, request and response.
//! The Yew UI calls them through these types, the desktop shell implements one handler per
//! endpoint, its `build.rs` registers [`NAMES`] with Tauri's ACL, and a test checks that the
//! handlers and the capabilities list exactly these names.

use serde::de::DeserializeOwned;
use serde::Serialize;

/// One IPC endpoint. Every handler takes one argument named `request`.
pub trait Endpoint {
    /// The command name on the wire.
    const NAME: &'static str;
    type Request: Serialize + DeserializeOwned;
    type Response: Serialize + DeserializeOwned;
}

macro_rules! endpoints {
    ($( $(#[$doc:meta])* $ty:ident = $name:literal : $req:ty => $resp:ty; )+) => {
        $(
            $(#[$doc])*
            pub enum $ty {}

            impl Endpoint for $ty {
                const NAME: &'static str = $name;
                type Request = $req;
                type Response = $resp;
            }
        )+

        /// The names of all endpoints, in declaration order.
        pub const NAMES: &[&str] = &[$($name),+];
    };
}

endpoints! {
    /// What the app knows before anyone logs in (recent workspaces, a remembered session).
    StartupState = "startup_state": crate::NoRequest => crate::StartupState;
    Login = "login": crate::LoginRequest => crate::SessionInfo;
    Logout = "logout": crate::LogoutRequest => ();
    CreateWorkspace = "create_workspace": crate::CreateWorkspaceRequest => crate::SessionInfo;
    /// The native file dialog; `None` when the user cancels.
    PickWorkspaceFile = "pick_workspace_file": crate::PickFileRequest => Option<String>;
    /// Every write, of every feature.
    Execute = "execute": crate::Command => crate::CommandOutcome;
    AuditVerify = "audit_verify": crate::NoRequest => crate::AuditReport;
    AuditVerifyAnchor = "audit_verify_anchor": crate::AnchorRequest => crate::AuditReport;
    /// Why the open workspace is read-only (its log failed a check, or an older copy was put
    /// back), as the error every write gets; `None` when it may be written.
    SessionHeld = "session_held": crate::NoRequest => Option<crate::ApiError>;
    BackupsList = "backups_list": crate::NoRequest => Vec<crate::BackupInfo>;
    BackupCreate = "backup_create": crate::NoRequest => crate::BackupInfo;
    BackupRestore = "backup_restore": crate::RestoreRequest => crate::RestoreReport;
    BackupSettingsGet = "backup_settings_get": crate::NoRequest => crate::BackupSettings;
    BackupSettingsSet = "backup_settings_set": crate::BackupSettings => crate::BackupSettings;
    PickFolder = "pick_folder": crate::NoRequest => Option<String>;
    Dashboard = "dashboard": crate::NoRequest => crate::Dashboard;
    RequirementsList = "requirements_list": crate::RequirementQuery => crate::RequirementPage;
    RequirementGet = "requirement_get": crate::RequirementId => crate::RequirementDetail;
    ModelsList = "models_list": crate::NoRequest => Vec<crate::ModelSummary>;
    ModelGet = "model_get": crate::ModelId => crate::ModelDetail;
    KpiTrends = "kpi_trends": crate::ModelId => Vec<crate::KpiTrend>;
    EvaluationsList = "evaluations_list": crate::EvaluationQuery => Vec<crate::EvaluationSummary>;
    EvaluationGet = "evaluation_get": crate::EvaluationId => crate::EvaluationDetail;
    /// What importing these files would store, without storing anything.
    EvaluationPreview = "evaluation_preview": crate::PreviewRequest => crate::ImportPreview;
    /// The native file dialog for results files; empty when the user cancels.
    PickImportFiles = "pick_import_files": crate::NoRequest => Vec<String>;
    IncidentsList = "incidents_list": crate::IncidentQuery => crate::IncidentPage;
    IncidentGet = "incident_get": crate::IncidentId => crate::IncidentDetail;
    /// Quarterly statistics by level (`2026Q3`), drills excluded.
    IncidentStatsGet = "incident_stats": String => crate::IncidentStats;
    /// Clocks about to be breached or breached, for the current user (desktop notifications).
    IncidentAlerts = "incident_alerts": crate::NoRequest => Vec<crate::IncidentAlert>;
    ResponseRulesGet = "response_rules": crate::NoRequest => crate::ResponseRules;
    TeamGet = "team_get": crate::NoRequest => crate::Team;
    DrillsOverviewGet = "drills_overview": crate::NoRequest => crate::DrillsOverview;
    DrillRunGet = "drill_run_get": crate::DrillRunId => crate::DrillRunDetail;
    AttachmentsList = "attachments_list": crate::EntityRef => Vec<crate::AttachmentInfo>;
    /// An image attachment's bytes, to show it.
    AttachmentPreviewGet = "attachment_preview": crate::AttachmentId => crate::AttachmentPreview;
    /// Opens an attachment in the system's viewer (a decrypted copy in a private temp folder).
    AttachmentOpen = "attachment_open": crate::AttachmentId => ();
    /// The native file dialog for evidence files; empty when the user cancels.
    PickAttachmentFiles = "pick_attachment_files": crate::NoRequest => Vec<String>;
    /// Every quarter assessed, the quarters one may open, and past exports.
    AssessmentsOverviewGet = "assessments_overview": crate::NoRequest => crate::AssessmentsOverview;
    /// One quarter (`2026Q3`): its assessment if open, and its scorecard (frozen or live).
    AssessmentGet = "assessment_get": String => crate::AssessmentDetail;
    /// Asks where to save (native dialog), writes the report or pack, records the export and
    /// opens it in the system viewer; `None` when the user cancels.
    ExportAssessment = "export_assessment": crate::ExportRequest => Option<crate::ExportOutcome>;
    /// How far the running export is (polled while it runs); `None` when none runs.
    ExportProgressGet = "export_progress": crate::NoRequest => Option<crate::ExportProgress>;
    UsersList = "users_list": crate::NoRequest => Vec<crate::UserSummary>;
    /// Every member's devices (the copies they wrote on) and when each was last used.
    MemberDevices = "member_devices": crate::NoRequest => Vec<crate::MemberDevice>;
    CommentsPage = "comments_page": crate::RecentRequest => crate::RecentPage<crate::Comment>;
    HistoryPage = "history_page": crate::RecentRequest => crate::RecentPage<crate::HistoryEntry>;
    /// Where this copy of a shared workspace stands; `None` for a workspace not shared.
    SharingStatusGet = "sharing_status": crate::NoRequest => Option<crate::SharingStatus>;
    /// One exchange with the server now (the app also exchanges every few seconds).
    SharingSync = "sharing_sync": crate::NoRequest => crate::SyncReport;
    /// "Test connection": reaches the server without changing anything there.
    SharingCheck = "sharing_check": crate::ServerRequest => crate::ServerChecked;
    /// Shares the open workspace on a server (an Admin): the whole log goes there.
    SharingShare = "sharing_share": crate::ShareRequest => crate::ShareReport;
    /// From the login screen: a new local copy of a shared workspace, then signed in.
    SharingJoin = "sharing_join": crate::JoinRequest => crate::SessionInfo;
    /// How far the running share or join is (polled while it runs); `None` when none runs.
    SharingProgressGet = "sharing_progress": crate::NoRequest => Option<crate::SharingProgress>;
    /// The signed-in member's conflicts, newest first.
    ConflictsList = "conflicts_list": crate::NoRequest => Vec<crate::Conflict>;
    /// The member has dealt with a conflict (redone what still matters, or let it go): it
    /// leaves their list. The workspace itself is not changed.
    ConflictDismiss = "conflict_dismiss": uuid::Uuid => ();
    /// An Admin, on a shared workspace, online: a one-off join code for a member (shown once).
    UserJoinCode = "user_join_code": crate::UserId => String;
    /// The native file dialog for a CA certificate; `None` when the user cancels.
    PickCaFile = "pick_ca_file": crate::NoRequest => Option<String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_snake_case() {
        for (i, name) in NAMES.iter().enumerate() {
            assert!(
                name.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{name}"
            );
            assert!(!NAMES[i + 1..].contains(name), "{name} twice");
        }
        assert_eq!(<RequirementsList as Endpoint>::NAME, "requirements_list");
    }
}

//! The vocabulary shared by every Govbench front end and the backend: ids, roles, each
//! feature's DTOs, typed commands, actions and permissions, the IPC endpoints and the public
//! error shape.
//!
//! This crate compiles for native and wasm32 and knows nothing of storage, IPC or the UI
//! framework. Everything here is plain data with serde derives.

#[macro_use]
mod keyed;

mod assessment;
mod attachment;
mod audit;
mod command;
mod comment;
mod conflict;
mod dashboard;
mod drill;
pub mod endpoint;
mod entity;
mod error;
mod evaluation;
mod gate;
mod ids;
mod incident;
mod model;
mod page;
mod requirement;
mod session;
mod sharing;
mod team;
mod user;

pub use assessment::*;
pub use attachment::*;
pub use audit::*;
pub use command::*;
pub use comment::*;
pub use conflict::*;
pub use dashboard::*;
pub use drill::*;
pub use entity::{EntityKind, EntityRef};
pub use error::{ApiError, ErrorCode, ServerRefusal};
pub use evaluation::*;
pub use gate::*;
pub use ids::{
    AssessmentId, AttachmentId, CommentId, DrillPlanId, DrillRunId, DrillTemplateId, EvaluationId,
    EventId, ExportId, IncidentId, ModelId, ModelVersionId, RequirementId, ResponseRulesId,
    TeamMemberId, UserId, WorkspaceId,
};
pub use incident::*;
pub use model::*;
pub use page::{RecentPage, RecentRequest};
pub use requirement::*;
pub use session::*;
pub use sharing::*;
pub use team::*;
pub use user::*;

use serde::{Deserialize, Serialize};

/// The roles of the permission matrix (policy §2.2.2: each role has its own permissions).
///
/// Unlike the other keyed enums, a role travels by its variant name (`"Auditor"`): that is the
/// form user images in existing audit logs carry, and images must replay unchanged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Admin,
    ProjectManager,
    RnD,
    Operations,
    Business,
    /// Read-only: sees everything, changes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::ProjectManager,
        Role::RnD,
        Role::Operations,
        Role::Business,
        Role::Auditor,
    ];

    /// Stable identifier used in storage, the CLI and translation keys (`role.<key>`).
    pub const fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::ProjectManager => "project_manager",
            Role::RnD => "rnd",
            Role::Operations => "operations",
            Role::Business => "business",
            Role::Auditor => "auditor",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Translation key of the role's name (`role.auditor`).
    pub fn text_key(self) -> String {
        format!("role.{}", self.key())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_values_travel_as_their_keys() {
        assert_eq!(
            serde_json::to_string(&RequirementStatus::UnderAssessment).unwrap(),
            "\"under_assessment\""
        );
        assert_eq!(
            serde_json::from_str::<Priority>("\"critical\"").unwrap(),
            Priority::Critical
        );
        assert!(serde_json::from_str::<Priority>("\"urgent\"").is_err());
        // Roles keep the form existing audit images carry.
        assert_eq!(serde_json::to_string(&Role::RnD).unwrap(), "\"RnD\"");
        assert_eq!(
            serde_json::to_string(&Action::from(RequirementAction::Approve)).unwrap(),
            "\"requirement.approve\""
        );
    }

    #[test]
    fn commands_are_tagged_by_feature_and_type() {
        let command = Command::from(RequirementCommand::Submit {
            id: RequirementId(uuid::Uuid::nil()),
        });
        let json = serde_json::to_value(&command).unwrap();
        assert_eq!(json["feature"], "requirement");
        assert_eq!(json["command"]["type"], "submit");
        assert_eq!(serde_json::from_value::<Command>(json).unwrap(), command);
    }
}

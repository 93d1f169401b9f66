//! The vocabulary shared by every Govbench front end and the backend: ids, roles, requirement
//! DTOs, the typed write commands, queries and the public error shape.
//!
//! This crate compiles for native and wasm32 and knows nothing of storage, IPC or the UI
//! framework. Everything here is plain data with serde derives.

mod error;
mod ids;
mod requirement;
mod session;

pub use error::{ApiError, ErrorCode};
pub use ids::{CommentId, EventId, RequirementId, UserId, WorkspaceId};
pub use requirement::*;
pub use session::*;

use serde::{Deserialize, Serialize};

/// The roles of the permission matrix (policy §2.2.2: each role has its own permissions).
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
    pub fn key(self) -> &'static str {
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
}

/// Every change to workspace data, as a typed value. The backend runs each through one write
/// path: authorize → validate → apply in one transaction → append an audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Business files a new requirement, as a draft or straight to `submitted`.
    FileRequirement {
        draft: RequirementDraft,
        submit: bool,
    },
    /// Business edits a requirement that is still a draft or was returned for more information.
    EditRequirement {
        id: RequirementId,
        draft: RequirementDraft,
    },
    SubmitRequirement {
        id: RequirementId,
    },
    /// R&D takes a submitted requirement into assessment.
    StartAssessment {
        id: RequirementId,
    },
    AssessRequirement {
        id: RequirementId,
        assessment: Assessment,
    },
    /// The project manager approves, rejects or returns an assessed requirement.
    DecideRequirement {
        id: RequirementId,
        decision: Decision,
    },
    /// The project manager sets owner, milestones and target delivery.
    PlanRequirement {
        id: RequirementId,
        plan: DeliveryPlan,
    },
    StartDevelopment {
        id: RequirementId,
    },
    MarkDelivered {
        id: RequirementId,
    },
    CloseRequirement {
        id: RequirementId,
    },
    AddComment {
        requirement_id: RequirementId,
        body: String,
    },
    CreateUser {
        user: NewUser,
    },
    RemoveUser {
        id: UserId,
    },
}

impl Command {
    /// Stable action name recorded in the audit log and used for translation (`action.<name>`).
    pub fn action(&self) -> &'static str {
        match self {
            Command::FileRequirement { .. } => "file_requirement",
            Command::EditRequirement { .. } => "edit_requirement",
            Command::SubmitRequirement { .. } => "submit_requirement",
            Command::StartAssessment { .. } => "start_assessment",
            Command::AssessRequirement { .. } => "assess_requirement",
            Command::DecideRequirement { decision, .. } => match decision {
                Decision::Approve => "approve_requirement",
                Decision::Reject { .. } => "reject_requirement",
                Decision::Return { .. } => "return_requirement",
            },
            Command::PlanRequirement { .. } => "plan_requirement",
            Command::StartDevelopment { .. } => "start_development",
            Command::MarkDelivered { .. } => "mark_delivered",
            Command::CloseRequirement { .. } => "close_requirement",
            Command::AddComment { .. } => "add_comment",
            Command::CreateUser { .. } => "create_user",
            Command::RemoveUser { .. } => "remove_user",
        }
    }
}

/// What a successful command produced.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommandOutcome {
    pub entity_type: String,
    pub entity_id: String,
    /// Sequence number of the audit event this command appended.
    pub audit_seq: u64,
}

/// Result of verifying the audit hash chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub events_verified: u64,
    /// The first event that does not verify, if any.
    pub first_bad: Option<BadEvent>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadEvent {
    pub copy_id: String,
    pub seq: u64,
    /// One of `hash_mismatch`, `broken_link`, `sequence_gap`.
    pub problem: String,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }
}

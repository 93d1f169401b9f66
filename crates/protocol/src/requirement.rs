use crate::{CommentId, RequirementId, Role, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Lifecycle of a requirement (policy §2.1.1):
/// draft → submitted → under assessment → assessed → approved | rejected | returned
/// → in development → delivered → closed. A returned requirement goes back to submitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementStatus {
    Draft,
    Submitted,
    UnderAssessment,
    Assessed,
    Approved,
    Rejected,
    Returned,
    InDevelopment,
    Delivered,
    Closed,
}

impl RequirementStatus {
    pub const ALL: [RequirementStatus; 10] = [
        RequirementStatus::Draft,
        RequirementStatus::Submitted,
        RequirementStatus::UnderAssessment,
        RequirementStatus::Assessed,
        RequirementStatus::Approved,
        RequirementStatus::Rejected,
        RequirementStatus::Returned,
        RequirementStatus::InDevelopment,
        RequirementStatus::Delivered,
        RequirementStatus::Closed,
    ];

    pub fn key(self) -> &'static str {
        match self {
            RequirementStatus::Draft => "draft",
            RequirementStatus::Submitted => "submitted",
            RequirementStatus::UnderAssessment => "under_assessment",
            RequirementStatus::Assessed => "assessed",
            RequirementStatus::Approved => "approved",
            RequirementStatus::Rejected => "rejected",
            RequirementStatus::Returned => "returned",
            RequirementStatus::InDevelopment => "in_development",
            RequirementStatus::Delivered => "delivered",
            RequirementStatus::Closed => "closed",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The role whose move it is next, if the requirement is still moving.
    pub fn next_actor(self) -> Option<Role> {
        match self {
            RequirementStatus::Draft | RequirementStatus::Returned => Some(Role::Business),
            RequirementStatus::Submitted | RequirementStatus::UnderAssessment => Some(Role::RnD),
            RequirementStatus::Assessed
            | RequirementStatus::Approved
            | RequirementStatus::InDevelopment
            | RequirementStatus::Delivered => Some(Role::ProjectManager),
            RequirementStatus::Rejected | RequirementStatus::Closed => None,
        }
    }

    /// Still open: counts towards "overdue" when its wanted-by date has passed.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            RequirementStatus::Rejected | RequirementStatus::Delivered | RequirementStatus::Closed
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    Medium,
    High,
    Critical,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Critical,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Critical => "critical",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.key() == key)
    }

    /// Sort rank, higher is more urgent.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparator {
    /// ≥
    AtLeast,
    /// >
    Above,
    /// ≤
    AtMost,
    /// <
    Below,
}

impl Comparator {
    pub const ALL: [Comparator; 4] = [
        Comparator::AtLeast,
        Comparator::Above,
        Comparator::AtMost,
        Comparator::Below,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::Below => "<",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Comparator::AtLeast => "at_least",
            Comparator::Above => "above",
            Comparator::AtMost => "at_most",
            Comparator::Below => "below",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.key() == key)
    }
}

/// An expected KPI, e.g. "accuracy ≥ 95 %".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub metric: String,
    pub comparator: Comparator,
    pub target: f64,
    pub unit: String,
}

/// What Business files (and may edit while the requirement is a draft or returned).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementDraft {
    pub title: String,
    pub scenario: String,
    pub goals: String,
    pub kpis: Vec<Kpi>,
    pub priority: Priority,
    pub department: String,
    pub wanted_by: NaiveDate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feasibility {
    Feasible,
    FeasibleWithConditions,
    NotFeasible,
}

impl Feasibility {
    pub const ALL: [Feasibility; 3] = [
        Feasibility::Feasible,
        Feasibility::FeasibleWithConditions,
        Feasibility::NotFeasible,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Feasibility::Feasible => "feasible",
            Feasibility::FeasibleWithConditions => "feasible_with_conditions",
            Feasibility::NotFeasible => "not_feasible",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// R&D's feasibility assessment and implementation plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub feasibility: Feasibility,
    pub resources: String,
    pub effort_person_days: u32,
    pub plan: String,
    pub risks: String,
}

/// The project manager's decision on an assessed requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject {
        reason: String,
    },
    /// Back to Business for more information.
    Return {
        reason: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub title: String,
    pub due: NaiveDate,
}

/// The project manager's schedule for an approved requirement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveryPlan {
    pub owner: UserId,
    pub milestones: Vec<Milestone>,
    pub target_delivery: NaiveDate,
}

/// A user as shown next to records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: UserId,
    pub name: String,
    pub display_name: String,
}

/// One row of the requirement list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementSummary {
    pub id: RequirementId,
    pub title: String,
    pub status: RequirementStatus,
    pub priority: Priority,
    pub department: String,
    pub wanted_by: NaiveDate,
    pub updated_at: DateTime<Utc>,
    /// Open and past its wanted-by date (relative to the server's "today").
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Requirement {
    pub id: RequirementId,
    pub draft: RequirementDraft,
    pub status: RequirementStatus,
    pub filed_by: UserRef,
    pub assessment: Option<Assessment>,
    pub decision: Option<Decision>,
    pub plan: Option<DeliveryPlan>,
    pub plan_owner: Option<UserRef>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Row version, bumped by every change (for replication and conflict detection).
    pub version: u64,
    pub overdue: bool,
}

/// One line of a requirement's history, taken from the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub from_status: Option<RequirementStatus>,
    pub to_status: Option<RequirementStatus>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub author: UserRef,
    pub at: DateTime<Utc>,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementDetail {
    pub requirement: Requirement,
    pub history: Vec<HistoryEntry>,
    pub comments: Vec<Comment>,
    /// Commands the current user may take now (action names), so the UI shows only those.
    /// The backend enforces the same rules regardless.
    pub allowed_actions: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequirementSort {
    #[default]
    UpdatedDesc,
    WantedByAsc,
    PriorityDesc,
    TitleAsc,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequirementQuery {
    pub status: Option<RequirementStatus>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    /// Matched against title, scenario and goals, in any language.
    pub text: Option<String>,
    pub overdue_only: bool,
    pub sort: RequirementSort,
    pub offset: u32,
    /// 0 means the default page size.
    pub limit: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementPage {
    pub items: Vec<RequirementSummary>,
    pub total: u64,
    /// Departments in use, for the filter.
    pub departments: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub by_status: Vec<(RequirementStatus, u64)>,
    pub overdue: Vec<RequirementSummary>,
    /// Requirements whose next step belongs to the current user's role.
    pub waiting_for_me: Vec<RequirementSummary>,
    pub total: u64,
}

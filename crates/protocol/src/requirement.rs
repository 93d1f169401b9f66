use crate::audit::HistoryEntry;
use crate::comment::Comment;
use crate::{RecentPage, RequirementId, Role, UserId, UserRef};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

keyed_enum! {
    /// Lifecycle of a requirement (policy §2.1.1):
    /// draft → submitted → under assessment → assessed → approved | rejected | returned
    /// → in development → delivered → closed. A returned requirement goes back to submitted.
    pub enum RequirementStatus {
        Draft = "draft",
        Submitted = "submitted",
        UnderAssessment = "under_assessment",
        Assessed = "assessed",
        Approved = "approved",
        Rejected = "rejected",
        Returned = "returned",
        InDevelopment = "in_development",
        Delivered = "delivered",
        Closed = "closed",
    }
}

impl RequirementStatus {
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

    /// Translation key (`requirement.status.draft`).
    pub fn text_key(self) -> String {
        crate::EntityKind::Requirement.status_text_key(self.key())
    }
}

keyed_enum! {
    pub enum Priority {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

impl Priority {
    /// Sort rank, higher is more urgent.
    pub fn rank(self) -> u8 {
        self as u8
    }
}

keyed_enum! {
    pub enum Comparator {
        /// ≥
        AtLeast = "at_least",
        /// >
        Above = "above",
        /// ≤
        AtMost = "at_most",
        /// <
        Below = "below",
    }
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::Below => "<",
        }
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

keyed_enum! {
    pub enum Feasibility {
        Feasible = "feasible",
        FeasibleWithConditions = "feasible_with_conditions",
        NotFeasible = "not_feasible",
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementDetail {
    pub requirement: Requirement,
    /// Its most recent history, from the audit log (the shared history service).
    pub history: RecentPage<HistoryEntry>,
    /// Its most recent comments (the shared comment service).
    pub comments: RecentPage<Comment>,
    /// The models (and versions) that deliver it.
    pub models: Vec<crate::ModelRef>,
    /// Actions the current user may take now, so the UI offers only those. The backend
    /// enforces the same rules regardless.
    pub allowed_actions: Vec<RequirementAction>,
}

keyed_enum! {
    #[derive(Default)]
    pub enum RequirementSort {
        #[default]
        UpdatedDesc = "updated_desc",
        WantedByAsc = "wanted_by_asc",
        PriorityDesc = "priority_desc",
        TitleAsc = "title_asc",
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequirementQuery {
    pub status: Option<RequirementStatus>,
    pub priority: Option<Priority>,
    pub department: Option<String>,
    /// Matched against title, scenario, goals and department: Chinese by any substring,
    /// other scripts by word beginnings, case-insensitively.
    pub text: Option<String>,
    /// Open and past the wanted-by date in the user's own time zone.
    pub overdue_only: bool,
    pub sort: RequirementSort,
    pub offset: u32,
    /// 0 means the default page size.
    pub limit: u32,
    /// Read on after this cursor (a page's `next`) instead of skipping `offset` rows: every
    /// page then costs the same, however deep in the list.
    #[serde(default)]
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementPage {
    pub items: Vec<RequirementSummary>,
    pub total: u64,
    /// The cursor after the last of `items`, to read on; `None` when nothing follows.
    #[serde(default)]
    pub next: Option<String>,
    /// Departments in use, for the filter.
    pub departments: Vec<String>,
}

/// The requirements card of the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequirementsDashboard {
    pub by_status: Vec<(RequirementStatus, u64)>,
    pub overdue: Vec<RequirementSummary>,
    /// Requirements whose next step belongs to the current user's role.
    pub waiting_for_me: Vec<RequirementSummary>,
    pub total: u64,
}

/// Every change to a requirement (policy §2.1.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RequirementCommand {
    /// Business files a new requirement, as a draft or straight to `submitted`.
    File {
        draft: RequirementDraft,
        submit: bool,
    },
    /// Business edits a requirement that is still a draft or was returned for more information.
    Edit {
        id: RequirementId,
        draft: RequirementDraft,
    },
    Submit {
        id: RequirementId,
    },
    /// R&D takes a submitted requirement into assessment.
    StartAssessment {
        id: RequirementId,
    },
    Assess {
        id: RequirementId,
        assessment: Assessment,
    },
    /// The project manager approves, rejects or returns an assessed requirement.
    Decide {
        id: RequirementId,
        decision: Decision,
    },
    /// The project manager sets owner, milestones and target delivery.
    Plan {
        id: RequirementId,
        plan: DeliveryPlan,
    },
    StartDevelopment {
        id: RequirementId,
    },
    MarkDelivered {
        id: RequirementId,
    },
    Close {
        id: RequirementId,
    },
}

impl RequirementCommand {
    pub fn action(&self) -> RequirementAction {
        use RequirementAction as A;
        match self {
            RequirementCommand::File { .. } => A::File,
            RequirementCommand::Edit { .. } => A::Edit,
            RequirementCommand::Submit { .. } => A::Submit,
            RequirementCommand::StartAssessment { .. } => A::StartAssessment,
            RequirementCommand::Assess { .. } => A::Assess,
            RequirementCommand::Decide { decision, .. } => match decision {
                Decision::Approve => A::Approve,
                Decision::Reject { .. } => A::Reject,
                Decision::Return { .. } => A::Return,
            },
            RequirementCommand::Plan { .. } => A::Plan,
            RequirementCommand::StartDevelopment { .. } => A::StartDevelopment,
            RequirementCommand::MarkDelivered { .. } => A::MarkDelivered,
            RequirementCommand::Close { .. } => A::Close,
        }
    }
}

keyed_enum! {
    /// What a requirement command is recorded as.
    pub enum RequirementAction {
        File = "requirement.file",
        Edit = "requirement.edit",
        Submit = "requirement.submit",
        StartAssessment = "requirement.start_assessment",
        Assess = "requirement.assess",
        Approve = "requirement.approve",
        Reject = "requirement.reject",
        Return = "requirement.return",
        Plan = "requirement.plan",
        StartDevelopment = "requirement.start_development",
        MarkDelivered = "requirement.mark_delivered",
        Close = "requirement.close",
    }
}

impl RequirementAction {
    /// The row of the role matrix this action needs.
    pub const fn permission(self) -> RequirementPermission {
        use RequirementAction as A;
        use RequirementPermission as P;
        match self {
            A::File => P::File,
            A::Edit => P::Edit,
            A::Submit => P::Submit,
            A::StartAssessment | A::Assess => P::Assess,
            A::Approve | A::Reject | A::Return => P::Decide,
            A::Plan => P::Plan,
            A::StartDevelopment => P::Develop,
            A::MarkDelivered => P::Deliver,
            A::Close => P::Close,
        }
    }
}

keyed_enum! {
    /// The requirement rows of the role matrix.
    pub enum RequirementPermission {
        Read = "requirement.read",
        File = "requirement.file",
        Edit = "requirement.edit",
        Submit = "requirement.submit",
        Assess = "requirement.assess",
        Decide = "requirement.decide",
        Plan = "requirement.plan",
        Develop = "requirement.develop",
        Deliver = "requirement.deliver",
        Close = "requirement.close",
    }
}

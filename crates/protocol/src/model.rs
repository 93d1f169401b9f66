//! The model inventory (policy §2.3.1, §4): models, their versions and lifecycle, and which
//! version went live when. The KPI policy and the go-live gate's terms are in `gate`.

use crate::audit::HistoryEntry;
use crate::comment::Comment;
use crate::evaluation::EvaluationSummary;
use crate::gate::{GateGap, KpiPolicy, VersionStage};
use crate::{ModelId, ModelVersionId, RecentPage, RequirementId, RequirementSummary, UserRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

keyed_enum! {
    /// How much harm the model could do (drives how closely it is watched).
    pub enum RiskTier {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

/// What is entered about a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelDraft {
    pub name: String,
    /// Business domain (`medical`, `finance`, …, or any text the workspace uses).
    pub domain: String,
    pub business_department: String,
    pub rnd_owner: Option<crate::UserId>,
    pub risk_tier: RiskTier,
    pub description: String,
}

/// The domains offered when none is in use yet; the list grows with what users type.
pub const DEFAULT_DOMAINS: [&str; 6] = [
    "medical",
    "finance",
    "manufacturing",
    "legal",
    "energy",
    "customer_service",
];

/// What is entered about a version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionDraft {
    pub label: String,
    /// Git repository of the model code, and the commit this version is built from.
    pub code_repo: String,
    pub code_commit: String,
    /// Git repository and commit of its configuration (prompts, parameters, deployment).
    pub config_repo: String,
    pub config_commit: String,
    pub base_model: String,
    /// References to the training data (data sets, snapshots), one per line.
    pub training_data: String,
    pub release_notes: String,
}

/// An Admin's decision to let a version go live despite the gate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateOverride {
    pub justification: String,
    /// What the gate was missing at the time.
    pub gaps: Vec<GateGap>,
}

keyed_enum! {
    pub enum LiveChange {
        GoLive = "go_live",
        Rollback = "rollback",
    }
}

/// A span of time in which one version was live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LivePeriod {
    pub version: ModelVersionId,
    pub from: DateTime<Utc>,
    pub to: Option<DateTime<Utc>>,
    pub by: crate::UserId,
    pub change: LiveChange,
    pub reason: Option<String>,
    pub gate_override: Option<GateOverride>,
}

/// A requirement delivered by the model (optionally by one of its versions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementLink {
    pub requirement: RequirementId,
    pub version: Option<ModelVersionId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub id: ModelId,
    pub draft: ModelDraft,
    pub policy: KpiPolicy,
    pub links: Vec<RequirementLink>,
    pub live: Option<ModelVersionId>,
    /// Which version was live when, oldest first.
    pub timeline: Vec<LivePeriod>,
    pub created_by: UserRef,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    pub id: ModelVersionId,
    pub model: ModelId,
    pub draft: VersionDraft,
    /// `Live` when the model says so.
    pub stage: VersionStage,
    pub created_by: UserRef,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
    /// Set when the version is (or was last) live through an Admin's override.
    pub gate_override: Option<GateOverride>,
}

/// A version with what its latest evaluation says and what the gate still misses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    pub version: ModelVersion,
    pub latest: Option<EvaluationSummary>,
    pub gate: Vec<GateGap>,
    /// Actions the current user may take on this version now.
    pub allowed_actions: Vec<ModelAction>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub id: ModelId,
    pub name: String,
    pub domain: String,
    pub risk_tier: RiskTier,
    pub business_department: String,
    pub live: Option<(ModelVersionId, String)>,
    /// The live version went live through an override.
    pub live_overridden: bool,
    pub versions: u32,
    pub evaluations: u32,
    /// Calendar months (`2026-11`) since the live version went live without an evaluation.
    pub months_missing: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelDetail {
    pub model: Model,
    pub rnd_owner: Option<UserRef>,
    pub versions: Vec<VersionRow>,
    pub evaluations: Vec<EvaluationSummary>,
    pub requirements: Vec<RequirementSummary>,
    pub months_missing: Vec<String>,
    pub history: RecentPage<HistoryEntry>,
    pub comments: RecentPage<Comment>,
    /// Model-level actions the current user may take now.
    pub allowed_actions: Vec<ModelAction>,
}

/// A model (and optionally a version) named in a requirement's detail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    pub id: ModelId,
    pub name: String,
    pub version: Option<(ModelVersionId, String)>,
}

/// Every change to a model or one of its versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ModelCommand {
    Register {
        draft: ModelDraft,
    },
    Edit {
        id: ModelId,
        draft: ModelDraft,
    },
    SetPolicy {
        id: ModelId,
        policy: KpiPolicy,
    },
    LinkRequirements {
        id: ModelId,
        links: Vec<RequirementLink>,
    },
    AddVersion {
        model: ModelId,
        draft: VersionDraft,
    },
    EditVersion {
        id: ModelVersionId,
        draft: VersionDraft,
    },
    StartTesting {
        id: ModelVersionId,
    },
    ApproveVersion {
        id: ModelVersionId,
    },
    /// Makes `version` the model's live version through the gate; with a justification, an
    /// Admin overrides what the gate misses.
    GoLive {
        version: ModelVersionId,
        justification: Option<String>,
    },
    /// Back to a version that was live before.
    Rollback {
        version: ModelVersionId,
        reason: String,
    },
    RetireVersion {
        id: ModelVersionId,
    },
}

impl ModelCommand {
    pub fn action(&self) -> ModelAction {
        use ModelAction as A;
        match self {
            ModelCommand::Register { .. } => A::Register,
            ModelCommand::Edit { .. } => A::Edit,
            ModelCommand::SetPolicy { .. } => A::SetPolicy,
            ModelCommand::LinkRequirements { .. } => A::LinkRequirements,
            ModelCommand::AddVersion { .. } => A::AddVersion,
            ModelCommand::EditVersion { .. } => A::EditVersion,
            ModelCommand::StartTesting { .. } => A::StartTesting,
            ModelCommand::ApproveVersion { .. } => A::ApproveVersion,
            ModelCommand::GoLive {
                justification: None,
                ..
            } => A::GoLive,
            ModelCommand::GoLive {
                justification: Some(_),
                ..
            } => A::OverrideGate,
            ModelCommand::Rollback { .. } => A::Rollback,
            ModelCommand::RetireVersion { .. } => A::RetireVersion,
        }
    }
}

keyed_enum! {
    pub enum ModelAction {
        Register = "model.register",
        Edit = "model.edit",
        SetPolicy = "model.set_policy",
        LinkRequirements = "model.link_requirements",
        AddVersion = "model.add_version",
        EditVersion = "model.edit_version",
        StartTesting = "model.start_testing",
        ApproveVersion = "model.approve_version",
        GoLive = "model.go_live",
        OverrideGate = "model.override_gate",
        Rollback = "model.rollback",
        RetireVersion = "model.retire_version",
    }
}

impl ModelAction {
    pub const fn permission(self) -> ModelPermission {
        use ModelAction as A;
        use ModelPermission as P;
        match self {
            A::Register | A::Edit | A::LinkRequirements => P::Manage,
            A::SetPolicy => P::SetPolicy,
            A::AddVersion | A::EditVersion | A::StartTesting => P::Develop,
            A::ApproveVersion | A::RetireVersion => P::Approve,
            A::GoLive | A::Rollback => P::Release,
            A::OverrideGate => P::OverrideGate,
        }
    }
}

keyed_enum! {
    pub enum ModelPermission {
        Read = "model.read",
        Manage = "model.manage",
        SetPolicy = "model.set_policy",
        Develop = "model.develop",
        Approve = "model.approve",
        Release = "model.release",
        OverrideGate = "model.override_gate",
    }
}

/// The models card of the dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelsDashboard {
    pub models: u64,
    pub live: u64,
    /// Live models without an evaluation in a month since they went live (this month
    /// included: due by its end).
    pub evaluations_due: Vec<ModelSummary>,
    pub awaiting_review: Vec<EvaluationSummary>,
    /// Decisions on evaluations owned by the current user and not done yet.
    pub my_actions: Vec<EvaluationSummary>,
    /// The current user is who should act on `evaluations_due` (R&D, or the model's owner).
    pub due_is_mine: bool,
}

//! The model inventory (policy §2.3.1, §4): models, their versions and lifecycle, the KPI
//! policy every evaluation is judged by, and the go-live gate.

use crate::audit::HistoryEntry;
use crate::comment::Comment;
use crate::evaluation::EvaluationSummary;
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

keyed_enum! {
    /// A version's place in its lifecycle: development → in testing → approved → live →
    /// retired. "Live" is not stored on the version: the model says which version is live.
    pub enum VersionStage {
        Development = "development",
        Testing = "testing",
        Approved = "approved",
        Live = "live",
        Retired = "retired",
    }
}

impl VersionStage {
    /// Translation key (`model_version.status.live`).
    pub fn text_key(self) -> String {
        crate::EntityKind::ModelVersion.status_text_key(self.key())
    }
}

keyed_enum! {
    /// Which way a metric gets better.
    pub enum Direction {
        HigherIsBetter = "higher",
        LowerIsBetter = "lower",
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

/// One KPI of a model's policy, e.g. "accuracy ≥ 0.90, may drop at most 0.02".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiRule {
    /// Stable key within the model (`accuracy`); mappings point at it.
    pub key: String,
    pub name: String,
    pub direction: Direction,
    /// Pass when the value is at least (higher is better) or at most (lower) this.
    pub threshold: f64,
    /// Largest worsening against a baseline that is still tolerated, in the metric's unit.
    pub max_drop_abs: Option<f64>,
    /// Largest worsening against a baseline as a fraction of the baseline (0.05 = 5 %).
    pub max_drop_rel: Option<f64>,
    /// Fewer samples than this and the value does not count.
    pub min_samples: Option<u64>,
    /// Largest tolerated gap between the best and the worst population group.
    pub max_group_gap: Option<f64>,
    pub unit: String,
}

/// "This metric of this task in a results file is that KPI".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricMapping {
    /// The task as the file names it; empty matches any task.
    pub task: String,
    /// The metric as the file names it (`acc,none`).
    pub metric: String,
    pub kpi: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiPolicy {
    pub kpis: Vec<KpiRule>,
    /// Remembered mappings, tried before the built-in name rules.
    pub mappings: Vec<MetricMapping>,
}

impl KpiPolicy {
    /// Accuracy and recall (fractions, higher is better) and response time p95 (ms, lower).
    pub fn defaults() -> KpiPolicy {
        let rule = |key: &str, name: &str, direction, threshold, abs, rel, unit: &str| KpiRule {
            key: key.into(),
            name: name.into(),
            direction,
            threshold,
            max_drop_abs: abs,
            max_drop_rel: rel,
            min_samples: None,
            max_group_gap: None,
            unit: unit.into(),
        };
        KpiPolicy {
            kpis: vec![
                rule(
                    "accuracy",
                    "Accuracy",
                    Direction::HigherIsBetter,
                    0.9,
                    Some(0.02),
                    None,
                    "",
                ),
                rule(
                    "recall",
                    "Recall",
                    Direction::HigherIsBetter,
                    0.85,
                    Some(0.02),
                    None,
                    "",
                ),
                rule(
                    "response_time_p95",
                    "Response time p95",
                    Direction::LowerIsBetter,
                    2000.0,
                    None,
                    Some(0.1),
                    "ms",
                ),
            ],
            mappings: Vec::new(),
        }
    }

    pub fn kpi(&self, key: &str) -> Option<&KpiRule> {
        self.kpis.iter().find(|k| k.key == key)
    }
}

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

/// Something that keeps a version from going live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GateGap {
    /// The version has not been approved (it is in `stage`).
    NotApproved {
        stage: VersionStage,
    },
    NoEvaluation,
    /// The latest evaluation has not been signed off (it is `status`).
    NotSignedOff {
        status: crate::EvaluationStatus,
    },
    /// A KPI of the policy (by key and name) has no value in the latest evaluation.
    KpiMissing {
        kpi: String,
        name: String,
    },
    KpiFailed {
        kpi: String,
        name: String,
        value: f64,
        threshold: f64,
    },
    TooFewSamples {
        kpi: String,
        name: String,
        n: Option<u64>,
        min: u64,
    },
    GroupGap {
        kpi: String,
        name: String,
        gap: f64,
        max: f64,
    },
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

//! Evaluation reports (policy §2.1.2, §5): imported results, their verdicts against the
//! model's KPI policy and its history, failing samples, review and the decision taken.

use crate::audit::HistoryEntry;
use crate::comment::Comment;
use crate::gate::{Direction, EvaluationStatus, GateGap, KpiPolicy, MetricMapping};
use crate::{EvaluationId, ModelId, ModelVersionId, RecentPage, UserId, UserRef};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

keyed_enum! {
    /// What is done after a monthly evaluation.
    pub enum DecisionKind {
        Retrain = "retrain",
        Tune = "tune",
        Hold = "hold",
        Rollback = "rollback",
    }
}

/// Who evaluated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evaluator {
    Internal,
    /// An outside assessor (policy §5), with their organisation and report reference.
    ThirdParty {
        organisation: String,
        assessor: String,
        report: String,
    },
}

/// What the person importing says about the evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationMeta {
    pub date: NaiveDate,
    pub evaluator: Evaluator,
    /// The evaluation data set (name and version).
    pub dataset: String,
    /// The model revision evaluated, as the files or the evaluator name it.
    pub model_revision: String,
    pub notes: String,
}

/// A file the report was read from: only its fingerprint is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
    /// `lm_eval`, `lm_eval_samples`, `promptfoo`, `opencompass`, `generic_csv`, `manual`.
    pub tool: String,
    pub tool_version: Option<String>,
    /// The model the file names, if any.
    pub model: Option<String>,
    /// When the file says it was made, as written.
    pub date: Option<String>,
}

/// One value as the source gives it, and the KPI it counts for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricValue {
    pub task: String,
    pub metric: String,
    /// Exactly as written (no rescaling).
    pub value: f64,
    pub stderr: Option<f64>,
    pub n: Option<u64>,
    /// A population group (fairness), when the row is about one.
    pub group: Option<String>,
    pub kpi: Option<String>,
    /// Index into the report's sources.
    pub source: u32,
}

/// A sample the model got wrong, kept for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailingSample {
    pub doc_id: String,
    pub input: String,
    pub expected: String,
    pub produced: String,
}

/// What a samples file says about one task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskSamples {
    pub task: String,
    pub source: u32,
    pub samples: u64,
    pub failed: u64,
    /// Mean of each per-sample metric (`acc` → 0.83).
    pub means: Vec<(String, f64)>,
    /// The first failing samples (at most a few hundred).
    pub failing: Vec<FailingSample>,
    pub bad_lines: u64,
}

/// A warning about a row or a whole file, kept with the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportWarning {
    pub file: String,
    pub at: Option<String>,
    /// `import.warning.<key>`.
    pub key: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub signed_off: bool,
    pub comment: String,
    /// The KPI policy the evaluation was signed off against: the go-live gate judges it by
    /// this one, so changing the policy after a sign-off cannot open the gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<KpiPolicy>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionDone {
    pub by: UserId,
    pub at: DateTime<Utc>,
    pub note: String,
}

/// The decision after an evaluation, tracked as an action of its owner until done.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationDecision {
    pub kind: DecisionKind,
    pub rationale: String,
    pub owner: UserId,
    pub due: NaiveDate,
    pub done: Option<DecisionDone>,
}

/// How a value compares with a baseline, in the KPI's own direction.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub baseline: f64,
    /// The evaluations the baseline is made of.
    pub from: Vec<EvaluationId>,
    /// `value - baseline`.
    pub change: f64,
    /// The change as a fraction of the baseline, when the baseline is not 0.
    pub relative: Option<f64>,
    /// Worse than the baseline by more than the policy allows.
    pub beyond_allowance: bool,
    /// Two-sided p-value of "no change", when a standard error or sample size is known.
    pub p_value: Option<f64>,
    /// A worsening beyond the allowance that the test (where one is possible) says is not
    /// noise.
    pub significant: bool,
}

/// One KPI of the policy against one evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiVerdict {
    pub kpi: String,
    pub name: String,
    pub direction: Direction,
    pub threshold: f64,
    pub unit: String,
    /// `None`: no value for this KPI in the evaluation.
    pub value: Option<f64>,
    pub stderr: Option<f64>,
    pub n: Option<u64>,
    /// How many rows the value is made of (a mean when more than one).
    pub rows: u32,
    pub passes: bool,
    pub too_few_samples: bool,
    pub vs_last: Option<Comparison>,
    pub vs_three_months: Option<Comparison>,
    /// Population groups: (group, value, n).
    pub groups: Vec<(String, f64, Option<u64>)>,
    pub group_gap: Option<f64>,
    pub group_gap_exceeded: bool,
}

/// One row of a list of evaluations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationSummary {
    pub id: EvaluationId,
    pub model: ModelId,
    pub model_name: String,
    pub model_version: ModelVersionId,
    pub version_label: String,
    pub date: NaiveDate,
    pub status: EvaluationStatus,
    pub tools: Vec<String>,
    pub third_party: Option<String>,
    pub kpis_passed: u32,
    pub kpis_total: u32,
    pub significant_degradations: u32,
    pub decision: Option<EvaluationDecision>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub model: ModelId,
    pub model_version: ModelVersionId,
    pub meta: EvaluationMeta,
    pub sources: Vec<SourceFile>,
    pub metrics: Vec<MetricValue>,
    pub samples: Vec<TaskSamples>,
    pub warnings: Vec<ImportWarning>,
    pub status: EvaluationStatus,
    pub review: Option<Review>,
    pub decision: Option<EvaluationDecision>,
    pub created_by: UserRef,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EvaluationDetail {
    pub evaluation: Evaluation,
    pub summary: EvaluationSummary,
    pub verdicts: Vec<KpiVerdict>,
    /// What keeps the evaluated version from going live, as of now.
    pub gate: Vec<GateGap>,
    pub reviewer: Option<UserRef>,
    pub decision_owner: Option<UserRef>,
    pub history: RecentPage<HistoryEntry>,
    pub comments: RecentPage<Comment>,
    pub allowed_actions: Vec<EvaluationAction>,
}

/// One KPI's values over time, for the trend chart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub evaluation: EvaluationId,
    pub date: NaiveDate,
    pub version_label: String,
    pub value: f64,
    pub status: EvaluationStatus,
    pub significant: bool,
    pub passes: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KpiTrend {
    pub kpi: String,
    pub name: String,
    pub direction: Direction,
    pub threshold: f64,
    pub unit: String,
    pub points: Vec<TrendPoint>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EvaluationQuery {
    pub model: Option<ModelId>,
    pub model_version: Option<ModelVersionId>,
}

/// Where an imported file comes from: a path the backend reads (file dialog, CLI), or the
/// text itself (dropped onto the window).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportSource {
    Path { path: String },
    Text { name: String, text: String },
}

impl ImportSource {
    /// The file's name as shown to people.
    pub fn name(&self) -> &str {
        match self {
            ImportSource::Path { path } => path
                .rsplit(['/', '\\'])
                .next()
                .filter(|n| !n.is_empty())
                .unwrap_or(path),
            ImportSource::Text { name, .. } => name,
        }
    }
}

/// What to preview: the files, against a model's policy (or the default one).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewRequest {
    pub model: Option<ModelId>,
    pub sources: Vec<ImportSource>,
}

/// A metric as read, with the KPI it would count for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreviewMetric {
    pub task: String,
    pub metric: String,
    pub value: f64,
    pub stderr: Option<f64>,
    pub n: Option<u64>,
    pub group: Option<String>,
    pub kpi: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilePreview {
    pub source: SourceFile,
    pub metrics: Vec<PreviewMetric>,
    pub samples: Option<TaskSamples>,
    pub warnings: Vec<ImportWarning>,
}

/// A file that will not be imported, and why (`import.problem.<key>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    pub file: String,
    pub problem: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub files: Vec<FilePreview>,
    pub refused: Vec<Refusal>,
    /// The policy the mapping was made against (the model's, or the default one).
    pub policy: KpiPolicy,
}

/// A value typed in by hand.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ManualValue {
    pub kpi: String,
    pub value: f64,
    pub stderr: Option<f64>,
    pub n: Option<u64>,
    pub group: Option<String>,
}

/// Every change to an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EvaluationCommand {
    /// Reads the files again and stores all of them, or nothing if any is refused or has
    /// changed since the preview (`expected`: file name → SHA-256 seen in the preview).
    Import {
        model_version: ModelVersionId,
        meta: EvaluationMeta,
        sources: Vec<ImportSource>,
        expected: Vec<(String, String)>,
        /// Mappings chosen in the preview; they are tried before the model's.
        mappings: Vec<MetricMapping>,
    },
    RecordManual {
        model_version: ModelVersionId,
        meta: EvaluationMeta,
        values: Vec<ManualValue>,
    },
    SignOff {
        id: EvaluationId,
        comment: String,
    },
    Reject {
        id: EvaluationId,
        comment: String,
    },
    Decide {
        id: EvaluationId,
        kind: DecisionKind,
        rationale: String,
        owner: UserId,
        due: NaiveDate,
    },
    CompleteDecision {
        id: EvaluationId,
        note: String,
    },
}

impl EvaluationCommand {
    pub fn action(&self) -> EvaluationAction {
        use EvaluationAction as A;
        match self {
            EvaluationCommand::Import { .. } => A::Import,
            EvaluationCommand::RecordManual { .. } => A::RecordManual,
            EvaluationCommand::SignOff { .. } => A::SignOff,
            EvaluationCommand::Reject { .. } => A::Reject,
            EvaluationCommand::Decide { .. } => A::Decide,
            EvaluationCommand::CompleteDecision { .. } => A::CompleteDecision,
        }
    }
}

keyed_enum! {
    pub enum EvaluationAction {
        Import = "evaluation.import",
        RecordManual = "evaluation.record_manual",
        SignOff = "evaluation.sign_off",
        Reject = "evaluation.reject",
        Decide = "evaluation.decide",
        CompleteDecision = "evaluation.complete_decision",
    }
}

impl EvaluationAction {
    pub const fn permission(self) -> EvaluationPermission {
        use EvaluationAction as A;
        use EvaluationPermission as P;
        match self {
            A::Import | A::RecordManual => P::Record,
            A::SignOff | A::Reject => P::Review,
            A::Decide => P::Decide,
            A::CompleteDecision => P::CompleteDecision,
        }
    }
}

keyed_enum! {
    pub enum EvaluationPermission {
        Read = "evaluation.read",
        Record = "evaluation.record",
        Review = "evaluation.review",
        Decide = "evaluation.decide",
        CompleteDecision = "evaluation.complete_decision",
    }
}

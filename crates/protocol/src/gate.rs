//! The go-live gate's terms, which models and evaluations share: the KPI policy every
//! evaluation is judged by, the version stage and evaluation status the gate reads, and what it
//! finds missing. They live apart from both so that `model` (whose pages list evaluations)
//! depends on `evaluation` and never the other way round.

use serde::{Deserialize, Serialize};

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
    /// submitted → signed off | rejected.
    pub enum EvaluationStatus {
        Submitted = "submitted",
        SignedOff = "signed_off",
        Rejected = "rejected",
    }
}

impl EvaluationStatus {
    /// Translation key (`evaluation.status.signed_off`).
    pub fn text_key(self) -> String {
        crate::EntityKind::Evaluation.status_text_key(self.key())
    }
}

keyed_enum! {
    /// Which way a metric gets better.
    pub enum Direction {
        HigherIsBetter = "higher",
        LowerIsBetter = "lower",
    }
}

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
        status: EvaluationStatus,
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

//! Lists, details and dashboard figures of models, versions and evaluations. Verdicts are
//! computed here from the records (`verdicts`), never stored.

use super::lifecycle::{EVALUATION, VERSION};
use super::store::{self, Evaluation, Model, Version};
use super::verdicts;
use crate::error::CoreResult;
use crate::members;
use chrono::NaiveDate;
use govbench_protocol::{
    EvaluationStatus, EvaluationSummary, Evaluator, KpiTrend, KpiVerdict, ModelAction,
    ModelSummary, ModelVersion, ModelVersionId, Role, TrendPoint, VersionRow, VersionStage,
};
use rusqlite::Connection;

/// A model with its versions and evaluations (oldest first), read once for every figure.
pub struct Loaded {
    pub model: Model,
    pub versions: Vec<Version>,
    pub evaluations: Vec<Evaluation>,
}

impl Loaded {
    pub fn of(conn: &Connection, model: Model) -> CoreResult<Loaded> {
        Ok(Loaded {
            versions: store::versions_of(conn, model.id)?,
            evaluations: store::evaluations_of(conn, model.id)?,
            model,
        })
    }

    pub fn version(&self, id: ModelVersionId) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    fn label(&self, id: ModelVersionId) -> String {
        self.version(id)
            .map(|v| v.draft.label.clone())
            .unwrap_or_default()
    }

    pub fn stage(&self, version: &Version) -> VersionStage {
        self.model.stage_of(version)
    }

    pub fn verdicts(&self, evaluation: &Evaluation) -> Vec<KpiVerdict> {
        verdicts::verdicts(&self.model.policy, evaluation, &self.evaluations)
    }

    /// What keeps `version` from going live now.
    pub fn gate(&self, version: &Version) -> Vec<govbench_protocol::GateGap> {
        verdicts::gate_for(&self.model.policy, version, &self.evaluations)
    }

    pub fn summary_of(&self, e: &Evaluation) -> EvaluationSummary {
        let verdicts = self.verdicts(e);
        EvaluationSummary {
            id: e.id,
            model: self.model.id,
            model_name: self.model.draft.name.clone(),
            model_version: e.model_version,
            version_label: self.label(e.model_version),
            date: e.meta.date,
            status: e.status,
            tools: {
                let mut tools: Vec<String> = e.sources.iter().map(|s| s.tool.clone()).collect();
                tools.dedup();
                tools
            },
            third_party: match &e.meta.evaluator {
                Evaluator::Internal => None,
                Evaluator::ThirdParty { organisation, .. } => Some(organisation.clone()),
            },
            kpis_passed: verdicts.iter().filter(|v| v.passes).count() as u32,
            kpis_total: verdicts.len() as u32,
            significant_degradations: verdicts
                .iter()
                .filter(|v| {
                    v.vs_last.as_ref().is_some_and(|c| c.significant)
                        || v.vs_three_months.as_ref().is_some_and(|c| c.significant)
                })
                .count() as u32,
            decision: e.decision.clone(),
            created_at: e.created_at,
        }
    }

    /// Months since the live version went live without an evaluation of it.
    pub fn months_missing(&self, today: NaiveDate) -> Vec<String> {
        let Some(live) = self.model.live else {
            return Vec::new();
        };
        let Some(since) = self
            .model
            .timeline
            .iter()
            .rev()
            .find(|p| p.version == live && p.to.is_none())
        else {
            return Vec::new();
        };
        let dates: Vec<(NaiveDate, NaiveDate)> = self
            .evaluations
            .iter()
            .filter(|e| e.model_version == live && e.status != EvaluationStatus::Rejected)
            .map(|e| (e.meta.date, e.created_at.date_naive()))
            .collect();
        verdicts::months_missing(since.from.date_naive(), today, &dates)
    }

    pub fn summary(&self, today: NaiveDate) -> ModelSummary {
        let live = self.model.live.and_then(|id| self.version(id));
        ModelSummary {
            id: self.model.id,
            name: self.model.draft.name.clone(),
            domain: self.model.draft.domain.clone(),
            risk_tier: self.model.draft.risk_tier,
            business_department: self.model.draft.business_department.clone(),
            live: live.map(|v| (v.id, v.draft.label.clone())),
            live_overridden: live.is_some_and(|v| self.override_of(v.id).is_some()),
            versions: self.versions.len() as u32,
            evaluations: self.evaluations.len() as u32,
            months_missing: self.months_missing(today),
            updated_at: self.model.updated_at,
        }
    }

    /// The override the version went live with, if it ever did through one. A later rollback
    /// to it does not clear the flag: the version never passed the gate.
    pub fn override_of(&self, id: ModelVersionId) -> Option<govbench_protocol::GateOverride> {
        self.model
            .timeline
            .iter()
            .rev()
            .filter(|p| p.version == id)
            .find_map(|p| p.gate_override.clone())
    }

    pub fn version_dto(&self, conn: &Connection, v: &Version) -> CoreResult<ModelVersion> {
        Ok(ModelVersion {
            id: v.id,
            model: v.model,
            draft: v.draft.clone(),
            stage: self.stage(v),
            created_by: members::user_ref(conn, v.created_by)?,
            created_at: v.created_at,
            updated_at: v.updated_at,
            version: v.version,
            gate_override: self.override_of(v.id),
        })
    }

    pub fn version_rows(&self, conn: &Connection, role: Role) -> CoreResult<Vec<VersionRow>> {
        self.versions
            .iter()
            .rev()
            .map(|v| {
                let stage = self.stage(v);
                let mut allowed = if stage == VersionStage::Live {
                    Vec::new()
                } else {
                    VERSION.allowed(role, v.stage)
                };
                // Rolling back is only to a version that was live before.
                if !self.model.timeline.iter().any(|p| p.version == v.id) {
                    allowed.retain(|a| *a != ModelAction::Rollback);
                }
                Ok(VersionRow {
                    version: self.version_dto(conn, v)?,
                    latest: verdicts::latest_of(&self.evaluations, v.id)
                        .map(|e| self.summary_of(e)),
                    gate: self.gate(v),
                    allowed_actions: allowed,
                })
            })
            .collect()
    }

    /// Each KPI's values over time (signed-off and submitted evaluations; rejected ones are
    /// not results).
    pub fn trends(&self) -> Vec<KpiTrend> {
        let kept: Vec<(&Evaluation, Vec<KpiVerdict>)> = self
            .evaluations
            .iter()
            .filter(|e| e.status != EvaluationStatus::Rejected)
            .map(|e| (e, self.verdicts(e)))
            .collect();
        self.model
            .policy
            .kpis
            .iter()
            .enumerate()
            .map(|(i, rule)| KpiTrend {
                kpi: rule.key.clone(),
                name: rule.name.clone(),
                direction: rule.direction,
                threshold: rule.threshold,
                unit: rule.unit.clone(),
                points: kept
                    .iter()
                    .filter_map(|(e, verdicts)| {
                        let v = verdicts.get(i)?;
                        Some(TrendPoint {
                            evaluation: e.id,
                            date: e.meta.date,
                            version_label: self.label(e.model_version),
                            value: v.value?,
                            status: e.status,
                            significant: v.vs_last.as_ref().is_some_and(|c| c.significant)
                                || v.vs_three_months.as_ref().is_some_and(|c| c.significant),
                            passes: v.passes,
                        })
                    })
                    .collect(),
            })
            .collect()
    }

    pub fn evaluation_actions(
        &self,
        e: &Evaluation,
        user: &govbench_protocol::UserSummary,
    ) -> Vec<govbench_protocol::EvaluationAction> {
        use govbench_protocol::EvaluationAction as A;
        let mut allowed = EVALUATION.allowed(user.role, e.status);
        allowed.retain(|a| match a {
            A::SignOff | A::Reject => e.created_by != user.id,
            A::CompleteDecision => e.decision.as_ref().is_some_and(|d| {
                d.done.is_none()
                    && (d.owner == user.id
                        || matches!(user.role, Role::ProjectManager | Role::Admin))
            }),
            A::Decide => e.decision.as_ref().is_none_or(|d| d.done.is_some()),
            A::Import | A::RecordManual => false,
        });
        allowed
    }
}

pub fn all(conn: &Connection) -> CoreResult<Vec<Loaded>> {
    store::all_models(conn)?
        .into_iter()
        .map(|m| Loaded::of(conn, m))
        .collect()
}

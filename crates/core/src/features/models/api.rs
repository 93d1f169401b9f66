//! The model and evaluation use cases every front end calls, each behind the read door.

use super::queries::{self, Loaded};
use super::{import, store};
use crate::access::Session;
use crate::error::{ApiResult, CoreResult};
use crate::features::requirements;
use crate::members;
use crate::shared::comments;
use crate::shared::history::{self, RECENT};
use govbench_protocol::{
    DashboardSection, EvaluationDetail, EvaluationId, EvaluationPermission, EvaluationQuery,
    EvaluationStatus, EvaluationSummary, ImportPreview, KpiPolicy, KpiTrend, ModelAction,
    ModelDetail, ModelId, ModelPermission, ModelRef, ModelSummary, ModelsDashboard, PreviewRequest,
    RequirementId, Role,
};
use rusqlite::Connection;

/// How many entries each dashboard list shows.
const DASHBOARD_LIST: usize = 10;

fn loaded(conn: &Connection, id: ModelId) -> CoreResult<Loaded> {
    Loaded::of(conn, store::load_model(conn, id)?)
}

impl Session {
    pub fn models(&self) -> ApiResult<Vec<ModelSummary>> {
        self.read(ModelPermission::Read, |r| {
            Ok(queries::all(r.conn)?
                .iter()
                .map(|l| l.summary(r.today))
                .collect())
        })
    }

    pub fn model(&self, id: ModelId) -> ApiResult<ModelDetail> {
        self.read(ModelPermission::Read, |r| {
            let l = loaded(r.conn, id)?;
            let mut requirements = Vec::new();
            for link in &l.model.links {
                if let Some(summary) = requirements::summary(r.conn, link.requirement, r.today)? {
                    requirements.push(summary);
                }
            }
            let model_actions = [
                ModelAction::Edit,
                ModelAction::SetPolicy,
                ModelAction::LinkRequirements,
                ModelAction::AddVersion,
            ];
            Ok(ModelDetail {
                rnd_owner: l
                    .model
                    .draft
                    .rnd_owner
                    .map(|u| members::user_ref(r.conn, u))
                    .transpose()?,
                model: govbench_protocol::Model {
                    id: l.model.id,
                    draft: l.model.draft.clone(),
                    policy: l.model.policy.clone(),
                    links: l.model.links.clone(),
                    live: l.model.live,
                    timeline: l.model.timeline.clone(),
                    created_by: members::user_ref(r.conn, l.model.created_by)?,
                    created_at: l.model.created_at,
                    updated_at: l.model.updated_at,
                    version: l.model.version,
                },
                versions: l.version_rows(r.conn, r.user.role)?,
                evaluations: l
                    .evaluations
                    .iter()
                    .rev()
                    .map(|e| l.summary_of(e))
                    .collect(),
                requirements,
                months_missing: l.months_missing(r.today),
                history: history::recent(r.conn, id.into(), None, RECENT)?,
                comments: comments::recent(r.conn, id.into(), None, RECENT)?,
                allowed_actions: model_actions
                    .into_iter()
                    .filter(|a| crate::authz::allows_action(r.user.role, (*a).into()))
                    .collect(),
            })
        })
    }

    pub fn kpi_trends(&self, id: ModelId) -> ApiResult<Vec<KpiTrend>> {
        self.read(EvaluationPermission::Read, |r| {
            Ok(loaded(r.conn, id)?.trends())
        })
    }

    pub fn evaluations(&self, query: &EvaluationQuery) -> ApiResult<Vec<EvaluationSummary>> {
        self.read(EvaluationPermission::Read, |r| {
            let models = match query.model {
                Some(id) => vec![loaded(r.conn, id)?],
                None => queries::all(r.conn)?,
            };
            let mut all: Vec<EvaluationSummary> = models
                .iter()
                .flat_map(|l| {
                    l.evaluations
                        .iter()
                        .filter(|e| query.model_version.is_none_or(|v| e.model_version == v))
                        .map(|e| l.summary_of(e))
                })
                .collect();
            all.sort_by_key(|e| std::cmp::Reverse((e.date, e.created_at)));
            Ok(all)
        })
    }

    pub fn evaluation(&self, id: EvaluationId) -> ApiResult<EvaluationDetail> {
        self.read(EvaluationPermission::Read, |r| {
            let e = store::load_evaluation(r.conn, id)?;
            let l = loaded(r.conn, e.model)?;
            let gate = match l.version(e.model_version) {
                Some(v) => l.gate(v),
                None => Vec::new(),
            };
            Ok(EvaluationDetail {
                summary: l.summary_of(&e),
                verdicts: l.verdicts(&e),
                gate,
                reviewer: e
                    .review
                    .as_ref()
                    .map(|rv| members::user_ref(r.conn, rv.by))
                    .transpose()?,
                decision_owner: e
                    .decision
                    .as_ref()
                    .map(|d| members::user_ref(r.conn, d.owner))
                    .transpose()?,
                history: history::recent(r.conn, id.into(), None, RECENT)?,
                comments: comments::recent(r.conn, id.into(), None, RECENT)?,
                allowed_actions: l.evaluation_actions(&e, r.user),
                evaluation: govbench_protocol::Evaluation {
                    id: e.id,
                    model: e.model,
                    model_version: e.model_version,
                    meta: e.meta.clone(),
                    sources: e.sources.clone(),
                    metrics: e.metrics.clone(),
                    samples: e.samples.clone(),
                    warnings: e.warnings.clone(),
                    status: e.status,
                    review: e.review.clone(),
                    decision: e.decision.clone(),
                    created_by: members::user_ref(r.conn, e.created_by)?,
                    created_at: e.created_at,
                    updated_at: e.updated_at,
                    version: e.version,
                },
            })
        })
    }

    /// What importing the files would store, against the model's policy (or the default
    /// policy for a model not registered yet). Nothing is stored.
    pub fn preview_import(&self, request: &PreviewRequest) -> ApiResult<ImportPreview> {
        let (policy, remembered) = match request.model {
            Some(id) => self.read(ModelPermission::Read, |r| {
                let policy = store::load_model(r.conn, id)?.policy;
                Ok((
                    policy,
                    import::remembered(store::latest_imported(r.conn, id)?.as_ref()),
                ))
            })?,
            None => (KpiPolicy::defaults(), Vec::new()),
        };
        // Reading files by path is for those who import: the preview is part of importing.
        self.read(EvaluationPermission::Record, |_| {
            let read = import::read_sources(&request.sources);
            Ok(ImportPreview {
                files: read.previews(&policy, &[], &remembered),
                refused: read.refused,
                policy,
            })
        })
    }

    /// Models (and versions) that deliver a requirement, by name.
    pub(crate) fn models_of_requirement(
        conn: &Connection,
        id: RequirementId,
    ) -> CoreResult<Vec<ModelRef>> {
        let mut refs = Vec::new();
        for (model, version) in store::linked_to(conn, id)? {
            let Some(m) = store::find_model(conn, model)? else {
                continue;
            };
            let version = match version {
                Some(v) => store::find_version(conn, v)?.map(|v| (v.id, v.draft.label)),
                None => None,
            };
            refs.push(ModelRef {
                id: m.id,
                name: m.draft.name,
                version,
            });
        }
        Ok(refs)
    }

    /// The models card, for users who may read models.
    pub(crate) fn models_dashboard(&self) -> CoreResult<Option<DashboardSection>> {
        if !self.may(ModelPermission::Read) || !self.may(EvaluationPermission::Read) {
            return Ok(None);
        }
        self.read_core(ModelPermission::Read.into(), |r| {
            let all = queries::all(r.conn)?;
            let mut due = Vec::new();
            let mut due_is_mine = r.user.role == Role::RnD;
            for l in &all {
                let summary = l.summary(r.today);
                if !summary.months_missing.is_empty() {
                    due_is_mine |= l.model.draft.rnd_owner == Some(r.user.id);
                    due.push(summary);
                }
            }
            let awaiting = store::evaluations_with_status(r.conn, EvaluationStatus::Submitted)?;
            let mine = store::open_decisions_of(r.conn, r.user.id)?;
            let summarise = |list: Vec<store::Evaluation>| -> Vec<EvaluationSummary> {
                list.iter()
                    .take(DASHBOARD_LIST)
                    .filter_map(|e| {
                        let l = all.iter().find(|l| l.model.id == e.model)?;
                        Some(l.summary_of(e))
                    })
                    .collect()
            };
            Ok(Some(DashboardSection::Models(ModelsDashboard {
                models: all.len() as u64,
                live: all.iter().filter(|l| l.model.live.is_some()).count() as u64,
                evaluations_due: due.into_iter().take(DASHBOARD_LIST).collect(),
                awaiting_review: summarise(awaiting),
                my_actions: summarise(mine),
                due_is_mine,
            })))
        })
    }
}

impl Session {
    /// A model by name, compared without case (the CLI names models, the app picks them).
    pub fn model_named(&self, name: &str) -> ApiResult<Option<ModelId>> {
        self.read(ModelPermission::Read, |r| {
            Ok(store::models_named(r.conn, name)?.first().map(|m| m.id))
        })
    }
}

use super::lifecycle::LIFECYCLE;
use super::store::{self, Record};
use super::validate;
use crate::authz;
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use govbench_protocol::{
    RequirementCommand as C, RequirementDraft, RequirementId, RequirementStatus as S,
};
use rusqlite::Transaction;
use uuid::Uuid;

/// Applies one requirement command inside the write path's transaction.
pub fn apply(tx: &Transaction<'_>, ctx: &Context<'_>, command: &C) -> CoreResult<Change> {
    let (id, action) = match command {
        C::File { draft, submit } => {
            validate::draft(draft)?;
            let record = Record {
                id: RequirementId(Uuid::now_v7()),
                draft: normalised(draft),
                status: if *submit { S::Submitted } else { S::Draft },
                filed_by: ctx.actor.id,
                assessment: None,
                decision: None,
                plan: None,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            store::insert(tx, &record)?;
            return Change::created(&record);
        }
        C::Edit { id, .. }
        | C::Submit { id }
        | C::StartAssessment { id }
        | C::Assess { id, .. }
        | C::Decide { id, .. }
        | C::Plan { id, .. }
        | C::StartDevelopment { id }
        | C::MarkDelivered { id }
        | C::Close { id } => (*id, command.action()),
    };
    let before = store::load(tx, id)?;
    authz::authorize_on_record(ctx.actor, action.into(), before.filed_by, id.into())?;
    let mut after = before.clone();
    after.status = LIFECYCLE.next(action, before.status)?;
    match command {
        C::Edit { draft, .. } => {
            validate::draft(draft)?;
            after.draft = normalised(draft);
        }
        C::Assess { assessment, .. } => {
            validate::assessment(assessment)?;
            after.assessment = Some(assessment.clone());
        }
        C::Decide { decision, .. } => {
            validate::decision(decision)?;
            after.decision = Some(decision.clone());
        }
        C::Plan { plan, .. } => {
            validate::plan(tx, plan)?;
            after.plan = Some(plan.clone());
        }
        C::StartDevelopment { .. } if before.plan.is_none() => {
            return Err(CoreError::invalid("plan", "plan_missing"));
        }
        C::Submit { .. } => {
            // A resubmitted requirement starts a fresh round of assessment.
            after.decision = None;
        }
        C::File { .. }
        | C::StartAssessment { .. }
        | C::StartDevelopment { .. }
        | C::MarkDelivered { .. }
        | C::Close { .. } => {}
    }
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update(tx, &before, &after)?;
    Change::updated(&before, &after)
}

fn normalised(draft: &RequirementDraft) -> RequirementDraft {
    let mut d = draft.clone();
    d.title = d.title.trim().to_owned();
    d.department = d.department.trim().to_owned();
    for kpi in &mut d.kpis {
        kpi.metric = kpi.metric.trim().to_owned();
        kpi.unit = kpi.unit.trim().to_owned();
    }
    d
}

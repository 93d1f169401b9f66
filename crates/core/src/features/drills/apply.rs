use super::lifecycle::RUN;
use super::{queries, store, validate};
use crate::change::{Change, Context};
use crate::error::{CoreError, CoreResult};
use crate::shared::numbers::number;
use crate::shared::{follow_ups, records};
use govbench_protocol::{
    DrillCommand as C, DrillPlan, DrillPlanId, DrillRun, DrillRunId, DrillRunStatus as S,
    DrillTemplate, DrillTemplateId, DrillTemplateRecord, StepRecord,
};
use rusqlite::Transaction;
use uuid::Uuid;

/// Applies one drill command inside the write path's transaction.
pub fn apply(tx: &Transaction<'_>, ctx: &Context<'_>, command: &C) -> CoreResult<Change> {
    match command {
        C::SaveTemplate { template } => save_template(tx, ctx, template),
        C::AddPlan { draft } => {
            validate::plan(tx, draft, queries::template(tx, &draft.template)?.is_some())?;
            let plan = DrillPlan {
                id: DrillPlanId(Uuid::now_v7()),
                draft: normalised_plan(draft),
                active: true,
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_at: ctx.now,
                version: 1,
            };
            records::insert(tx, &plan)?;
            Change::created(&plan)
        }
        C::EditPlan { id, draft, active } => {
            let before = store::load_plan(tx, *id)?;
            validate::plan(tx, draft, queries::template(tx, &draft.template)?.is_some())?;
            let mut after = before.clone();
            after.draft = normalised_plan(draft);
            after.active = *active;
            after.updated_at = ctx.now;
            after.version = before.version + 1;
            records::update(tx, &before, &after)?;
            Change::updated(&before, &after)
        }
        C::Start { template, plan } => start(tx, ctx, template, *plan),
        C::CheckStep {
            run,
            step,
            outcome,
            note,
        } => change(tx, ctx, command, *run, |r| {
            validate::note(note)?;
            let record = r
                .steps
                .get_mut(*step as usize)
                .ok_or_else(|| CoreError::invalid("step", "unknown_step"))?;
            *record = StepRecord {
                outcome: Some(*outcome),
                at: Some(ctx.now),
                by: Some(ctx.actor.id),
                note: note.trim().to_owned(),
            };
            Ok(())
        }),
        C::Finish {
            run,
            evaluation,
            findings,
        } => change(tx, ctx, command, *run, |r| {
            let unchecked = r.steps.iter().any(|s| s.outcome.is_none());
            validate::finish(tx, evaluation, findings, unchecked)?;
            r.evaluation = Some(govbench_protocol::DrillEvaluation {
                result: evaluation.result,
                summary: evaluation.summary.trim().to_owned(),
            });
            r.findings = follow_ups::from_drafts(findings);
            r.finished_at = Some(ctx.now);
            Ok(())
        }),
        C::CompleteAction { run, action, note } => change(tx, ctx, command, *run, |r| {
            follow_ups::complete(
                ctx,
                (r.id.into(), command.action().into()),
                &mut r.findings,
                *action,
                note,
            )
        }),
    }
}

fn normalised_plan(draft: &govbench_protocol::DrillPlanDraft) -> govbench_protocol::DrillPlanDraft {
    govbench_protocol::DrillPlanDraft {
        title: draft.title.trim().to_owned(),
        ..draft.clone()
    }
}

/// Stores the next revision of a template. `template.version` is the revision the editor
/// started from: if someone saved another since, this one is refused as a conflict rather
/// than silently replacing theirs.
fn save_template(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    template: &DrillTemplate,
) -> CoreResult<Change> {
    validate::template(template)?;
    let current = queries::template(tx, &template.id)?;
    let based_on = current.as_ref().map_or(0, |t| t.version);
    let mut next = template.clone();
    next.version = based_on + 1;
    match store::stored_template(tx, &template.id)? {
        Some(before) => {
            if before.template.version != template.version {
                return Err(CoreError::Conflict(before.id.into()));
            }
            let mut after = before.clone();
            after.template = next;
            after.updated_by = ctx.actor.id;
            after.updated_at = ctx.now;
            after.version = before.version + 1;
            records::update(tx, &before, &after)?;
            Change::updated(&before, &after)
        }
        None => {
            if based_on != template.version {
                return Err(CoreError::invalid("version", "stale_template"));
            }
            let record = DrillTemplateRecord {
                id: DrillTemplateId(Uuid::now_v7()),
                template: next,
                created_by: ctx.actor.id,
                created_at: ctx.now,
                updated_by: ctx.actor.id,
                updated_at: ctx.now,
                version: 1,
            };
            records::insert(tx, &record)?;
            Change::created(&record)
        }
    }
}

fn start(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    key: &str,
    plan: Option<DrillPlanId>,
) -> CoreResult<Change> {
    let template = queries::template(tx, key)?
        .ok_or_else(|| CoreError::invalid("template", "unknown_template"))?;
    if let Some(plan) = plan {
        let plan = store::load_plan(tx, plan)?;
        if !plan.active || plan.draft.template != key {
            return Err(CoreError::invalid("plan", "plan_mismatch"));
        }
    }
    let id = Uuid::now_v7();
    let run = DrillRun {
        id: DrillRunId(id),
        number: number("DRL", id),
        plan,
        steps: vec![StepRecord::default(); template.steps.len()],
        template,
        status: S::Running,
        started_by: ctx.actor.id,
        started_at: ctx.now,
        finished_at: None,
        evaluation: None,
        findings: Vec::new(),
        updated_at: ctx.now,
        version: 1,
    };
    store::insert_run(tx, &run)?;
    Change::created(&run)
}

fn change(
    tx: &Transaction<'_>,
    ctx: &Context<'_>,
    command: &C,
    id: DrillRunId,
    edit: impl FnOnce(&mut DrillRun) -> CoreResult<()>,
) -> CoreResult<Change> {
    let before = store::load_run(tx, id)?;
    let mut after = before.clone();
    after.status = RUN.next(command.action(), before.status)?;
    edit(&mut after)?;
    after.updated_at = ctx.now;
    after.version = before.version + 1;
    store::update_run(tx, &before, &after)?;
    Change::updated(&before, &after)
}
